use telemetry_schema::{CollectableKind, CountWidth, TelemetryEnum, TelemetryEvent, to_json};

// A macro that names a field type.
macro_rules! count_type {
    () => {
        u16
    };
}

// A macro that declares a documented telemetry enum.
macro_rules! telemetry_choice {
    ($(#[doc = $doc:literal])* $name:ident { $($(#[doc = $vdoc:literal])* $variant:ident),+ $(,)? }) => {
        $(#[doc = $doc])*
        #[derive(Clone, Copy, TelemetryEnum)]
        enum $name {
            $($(#[doc = $vdoc])* $variant),+
        }
    };
}

telemetry_choice! {
    /// The operating system family.
    OsFamily {
        /// Linux.
        Linux,
        /// macOS.
        Macos,
        /// Windows.
        Windows,
    }
}

/// Sent when the CLI starts.
#[derive(TelemetryEvent)]
struct CliStarted {
    /// How many plugins are loaded.
    plugins: count_type!(),
    /// The operating system family.
    os: OsFamily,
}

fn main() {
    let event = CliStarted { plugins: 2, os: OsFamily::Macos };
    assert_eq!(to_json(&event).unwrap(), r#"{"plugins":2,"os":"Macos"}"#);
    assert_eq!(CliStarted::META.fields()[0].kind(), CollectableKind::Count(CountWidth::U16));
    assert_eq!(OsFamily::META.doc(), "The operating system family.");
    assert_eq!(OsFamily::META.variants()[2].doc(), "Windows.");
}
