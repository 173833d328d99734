use telemetry_schema::TelemetryEnum;

// Tag characters are invisible and can spell out a whole hidden sentence.
#[doc = "The shell.\u{E0068}\u{E0069}"]
#[derive(Clone, Copy, TelemetryEnum)]
enum Shell {
    /// Bash.
    Bash,
}

fn main() {}
