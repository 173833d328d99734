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

/// Sent when a page mounts.
#[derive(TelemetryEvent)]
#[telemetry(sample_by = "component")]
struct Mounted {
    /// The component on the page, if any.
    component: Option<Component>,
}

fn main() {}
