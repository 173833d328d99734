use telemetry_schema::TelemetryEnum;

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    SignIn,
    /// The account menu.
    #[telemetry(sample_rate = 0.0000004)]
    UserButton,
}

fn main() {}
