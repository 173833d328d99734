use telemetry_schema::{TelemetryEnum, TelemetryGroup};

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    SignIn,
}

/// Which component and how it was set up.
#[derive(TelemetryGroup)]
#[telemetry(sample_by = "component")]
struct Setup {
    /// Which component.
    component: Component,
}

fn main() {}
