//! An event the page does not list must not be sent. The derive registers every event it expands (that registry
//! is what docs-gen documents); a hand-written `TelemetryEvent` impl that skips the registration is sent all the
//! same today, though no page, catalog or schema shows it.

mod support;

use support::*;
use telemetry_client::{Client, MapEnv, MemoryTransport};
use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Fields, TelemetryEvent};

/// Hand-written and never registered: every name and kind is valid, so it passes every compile-time check.
struct Undocumented {
    bytes_of_a_secret: u64,
}

impl TelemetryEvent for Undocumented {
    const META: EventMeta = EventMeta::new(
        "UNDOCUMENTED",
        1,
        "Never shown on any page.",
        &[FieldMeta::new(
            "bytes_of_a_secret",
            "Eight bytes of something.",
            CollectableKind::Count(telemetry_schema::CountWidth::U64),
        )],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.bytes_of_a_secret);
    }
}

#[test]
#[ignore = "open hole: the client sends events that are not in the registry docs-gen documents (see the i8-redteam2 \
            report); closing it needs a registration check on the delivery path"]
fn an_event_missing_from_the_registry_is_not_sent() {
    assert!(telemetry_schema::events().unwrap().iter().all(|e| e.meta().name() != "UNDOCUMENTED"));
    let dir = TempDir::new("unregistered");
    let out = Captured::default();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("ACME_TELEMETRY_DEBUG", "1"))
        .config_dir(dir.path())
        .transport(MemoryTransport::new())
        .stderr(out.clone())
        .build();
    client.track(Undocumented { bytes_of_a_secret: u64::from_le_bytes(*b"hunter2!") });
    client.track(Counted { n: 1 });
    let text = out.text();
    assert!(text.contains(r#""event":"COUNTED""#), "{text}");
    assert!(!text.contains("UNDOCUMENTED"), "an event no page lists was sent: {text}");
}
