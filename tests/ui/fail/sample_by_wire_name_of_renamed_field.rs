use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    SignIn,
    /// The account menu.
    #[telemetry(sample_rate = 0.1)]
    UserButton,
}

/// Sent when a component mounts. `sample_by` takes the Rust field's name, not the name it is sent under.
#[derive(TelemetryEvent)]
#[telemetry(sample_by = "componentName", rename_all = "camelCase")]
struct Mounted {
    /// Which component.
    component_name: Component,
    /// Whether the appearance was customized.
    customized: bool,
}

fn main() {}
