use telemetry_schema::TelemetryEnum;

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    #[telemetry(sample_rate = 0.0)]
    SignIn,
    /// The account menu.
    UserButton,
}

fn main() {}
