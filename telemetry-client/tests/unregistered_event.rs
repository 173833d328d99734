//! An event the page does not list must not be sent. The derive registers every event it expands (that registry
//! is what docs-gen documents); a hand-written `TelemetryEvent` impl that skips the registration
//! (`telemetry_schema::register_event!`) was sent all the same, though no page, catalog or schema showed it. Both
//! tests failed before the client checked the registry.

mod support;

use std::time::{Duration, Instant};
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
fn an_event_missing_from_the_registry_is_not_printed_in_debug_mode() {
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

/// A client that delivers (not in debug mode) to `sent`.
fn delivering(dir: &TempDir, sent: &MemoryTransport) -> Client {
    Client::builder(&OPT_OUT)
        .env(MapEnv::new())
        .config_dir(dir.path())
        .enabled(true)
        .transport(sent.clone())
        .stderr(Captured::default())
        .build()
}

#[test]
fn an_event_missing_from_the_registry_is_not_sent_and_is_counted() {
    let dir = TempDir::new("unregistered-delivery");
    let sent = MemoryTransport::new();
    let client = delivering(&dir, &sent);
    client.track(Undocumented { bytes_of_a_secret: u64::from_le_bytes(*b"hunter2!") });
    client.track(Counted { n: 1 });
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    let envelopes = sent.envelopes();
    assert_eq!(envelopes.len(), 1, "{envelopes:?}");
    assert!(envelopes[0].contains(r#""event":"COUNTED""#), "{envelopes:?}");
    assert_eq!(client.stats().unregistered, 1);
}

/// The same shape, registered by hand: it is on the page and is sent.
struct Registered {
    bytes: u64,
}

impl TelemetryEvent for Registered {
    const META: EventMeta = EventMeta::new(
        "REGISTERED_BY_HAND",
        1,
        "Shown on the page.",
        &[FieldMeta::new("bytes", "A count.", CollectableKind::Count(telemetry_schema::CountWidth::U64))],
    );
    fn visit_fields(&self, fields: &mut Fields<'_>) {
        fields.field(&self.bytes);
    }
}

telemetry_schema::register_event!(Registered);

#[test]
fn a_hand_written_event_registered_with_register_event_is_sent() {
    assert!(telemetry_schema::events().unwrap().iter().any(|e| e.meta().name() == "REGISTERED_BY_HAND"));
    let dir = TempDir::new("registered-by-hand");
    let sent = MemoryTransport::new();
    let client = delivering(&dir, &sent);
    client.track(Registered { bytes: 3 });
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    let envelopes = sent.envelopes();
    assert_eq!(envelopes.len(), 1, "{envelopes:?}");
    assert!(envelopes[0].contains(r#""event":"REGISTERED_BY_HAND""#), "{envelopes:?}");
    assert_eq!(client.stats().unregistered, 0);
}
