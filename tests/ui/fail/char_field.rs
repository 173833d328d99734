use telemetry_schema::TelemetryEvent;

/// Sent when a keyboard shortcut is used in the dev overlay.
#[derive(TelemetryEvent)]
struct ShortcutUsed {
    /// The key that was pressed.
    key: char,
    /// Whether a modifier was held.
    with_modifier: bool,
}

fn main() {}
