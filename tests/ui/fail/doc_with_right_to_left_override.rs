use telemetry_schema::TelemetryEvent;

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    #[doc = "Whether the build \u{202E}deliaf\u{202C} worked."]
    ok: bool,
}

fn main() {}
