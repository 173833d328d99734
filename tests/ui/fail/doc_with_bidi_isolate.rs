use telemetry_schema::TelemetryEvent;

#[doc = "Sent when \u{2067}nothing\u{2069} is collected."]
#[derive(TelemetryEvent)]
struct Started {
    /// Whether it runs in CI.
    is_ci: bool,
}

fn main() {}
