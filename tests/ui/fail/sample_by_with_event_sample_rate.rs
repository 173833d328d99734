use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    SignIn,
}

/// Sent when a component mounts.
#[derive(TelemetryEvent)]
#[telemetry(sample_rate = 0.5, sample_by = "component")]
struct Mounted {
    /// Which component.
    component: Component,
}

fn main() {}
