// A user's own enums may be called `Value`, `Path` or `Instant`: only the trait bound decides, never the name.
use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, to_json};

/// The plan the workspace is on.
#[derive(Clone, Copy, TelemetryEnum)]
enum Value {
    /// The free plan.
    Free,
    /// A paid plan.
    Paid,
}

/// Which routing style the project uses.
#[derive(Clone, Copy, TelemetryEnum)]
enum Path {
    /// File-system routes.
    Files,
    /// Routes declared in code.
    Code,
}

/// When the check ran.
#[derive(Clone, Copy, TelemetryEnum)]
enum Instant {
    /// At start-up.
    Startup,
}

/// Limits in force.
#[derive(TelemetryGroup)]
struct Map {
    /// Whether a limit is set.
    limited: bool,
}

/// Sent when a plan is checked.
///
/// A second paragraph, kept as a paragraph.
#[derive(TelemetryEvent)]
struct PlanChecked {
    /// The plan.
    plan: Value,
    /// The routing style.
    routing: Path,
    /// When.
    when: Instant,
    /// Limits.
    limits: Map,
}

fn main() {
    let event = PlanChecked { plan: Value::Paid, routing: Path::Code, when: Instant::Startup, limits: Map { limited: true } };
    assert_eq!(
        to_json(&event).unwrap(),
        r#"{"plan":"Paid","routing":"Code","when":"Startup","limits":{"limited":true}}"#
    );
    assert_eq!(PlanChecked::META.doc(), "Sent when a plan is checked.\n\nA second paragraph, kept as a paragraph.");
}
