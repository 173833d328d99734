use telemetry_schema::TelemetryEnum;

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form.
    #[telemetry(sample_rate = f64::NAN)]
    SignIn,
    /// The account menu.
    UserButton,
}

fn main() {}
