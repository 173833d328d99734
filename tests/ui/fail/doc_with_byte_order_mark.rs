use telemetry_schema::TelemetryGroup;

/// Which features are on.
#[derive(TelemetryGroup)]
struct Features {
    /// Whether dark mode is on.
    dark_mode: bool,
    #[doc = "Whether\u{FEFF} sync is on."]
    sync: bool,
}

fn main() {}
