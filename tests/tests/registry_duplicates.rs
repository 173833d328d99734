//! Two events with one name in the same program: `events()` refuses the registry and names both definitions.

use telemetry_schema::TelemetryEvent;

mod cli {
    /// Sent when a command starts.
    #[derive(telemetry_schema::TelemetryEvent)]
    #[telemetry(name = "COMMAND_STARTED")]
    pub(crate) struct CommandStarted {
        /// Whether it runs in CI.
        pub(crate) is_ci: bool,
    }
}

mod plugin {
    /// Sent when a plugin command starts (clashes with the CLI's event name).
    #[derive(telemetry_schema::TelemetryEvent)]
    #[telemetry(name = "COMMAND_STARTED", version = 2)]
    pub(crate) struct PluginCommandStarted {
        /// How many plugins are loaded.
        pub(crate) plugins: u8,
    }
}

/// A third, distinct event, which must not be reported.
#[derive(TelemetryEvent)]
struct Unrelated {
    /// Whether it happened.
    happened: bool,
}

#[test]
fn duplicate_event_names_are_reported_with_both_locations() {
    let _ = Unrelated { happened: true }.happened;
    let _ = (cli::CommandStarted { is_ci: false }.is_ci, plugin::PluginCommandStarted { plugins: 0 }.plugins);
    let err = telemetry_schema::events().unwrap_err();
    let [dup] = err.duplicates() else { panic!("expected exactly one clash, got {err:?}") };
    assert_eq!(dup.name, "COMMAND_STARTED");
    assert_eq!(dup.first.0, "registry_duplicates::cli::CommandStarted");
    assert_eq!(dup.second.0, "registry_duplicates::plugin::PluginCommandStarted");
    assert_eq!((dup.first.1.line, dup.second.1.line), (9, 19));
    assert!(dup.first.1.file.ends_with("registry_duplicates.rs"));

    let message = err.to_string();
    assert!(message.contains("`COMMAND_STARTED` is defined twice"), "{message}");
    assert!(message.contains("registry_duplicates.rs:9"), "{message}");
    assert!(message.contains("registry_duplicates.rs:19"), "{message}");
    assert!(message.contains("#[telemetry(name"), "the message says how to fix it: {message}");
}
