use telemetry_schema::{TelemetryEvent, to_json};

/// Sent when the user opens the dev overlay. It carries no fields: that it happened is the whole fact.
#[derive(TelemetryEvent)]
struct OverlayOpened;

fn main() {
    assert_eq!(to_json(&OverlayOpened).unwrap(), "{}");
    assert_eq!(OverlayOpened::META.name(), "OVERLAY_OPENED");
    assert_eq!(OverlayOpened::META.version(), 1);
    assert!(OverlayOpened::META.fields().is_empty());
    assert_eq!(
        OverlayOpened::META.doc(),
        "Sent when the user opens the dev overlay. It carries no fields: that it happened is the whole fact."
    );
}
