use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    SignIn,
}

/// Sent when a component mounts.
#[derive(TelemetryEvent)]
#[telemetry(sample_by = "kind")]
struct Mounted {
    /// Which component.
    component: Component,
    /// Whether the appearance was customized.
    customized: bool,
}

fn main() {}
