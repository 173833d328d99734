//! The registry: every derived event is listed, sorted by name, whatever the definition order.

use telemetry_schema::{TelemetryEvent, events};

/// Defined first, sorts last.
#[derive(TelemetryEvent)]
struct Zebra {
    /// A flag.
    flag: bool,
}

/// Defined second, sorts first.
#[derive(TelemetryEvent)]
#[telemetry(name = "AARDVARK")]
struct SomethingElse;

/// Sorted between the two.
#[derive(TelemetryEvent)]
struct MiddleEvent {}

#[test]
fn events_are_sorted_by_name() {
    let _ = Zebra { flag: true }.flag;
    let _ = (SomethingElse, MiddleEvent {});
    let names: Vec<&str> = events().unwrap().iter().map(|e| e.meta().name()).collect();
    assert_eq!(names, ["AARDVARK", "MIDDLE_EVENT", "ZEBRA"]);
}

#[test]
fn unit_and_empty_events_encode_as_empty_objects() {
    assert_eq!(telemetry_schema::to_json(&SomethingElse).unwrap(), "{}");
    assert_eq!(telemetry_schema::to_json(&MiddleEvent {}).unwrap(), "{}");
}
