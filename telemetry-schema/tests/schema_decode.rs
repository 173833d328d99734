//! The strict typed decode: round-trips what the serializer writes and refuses everything else.

use std::collections::BTreeSet;
use std::time::Duration;

use telemetry_schema::decode::{decode_envelope, decode_payload, peek_event};
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, Os, ProjectId, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version,
    impl_decode, to_json, write_envelope,
};

/// A colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
enum Colour {
    /// Red.
    DeepRed,
    /// Blue.
    Blue,
}
impl_decode!(
    enum Colour {
        DeepRed,
        Blue,
    }
);

/// Some flags.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct Flags {
    /// A flag.
    on: bool,
    /// Another.
    #[telemetry(rename = "alsoOn")]
    also_on: Option<bool>,
}
impl_decode!(group Flags { on, also_on });

/// Sent when painting.
#[derive(Debug, Clone, PartialEq, TelemetryEvent)]
#[telemetry(name = "PAINTED", version = 2)]
struct Painted {
    /// How many coats.
    coats: u8,
    /// The colour.
    colour: Colour,
    /// Other colours.
    others: BTreeSet<Colour>,
    /// Flags.
    flags: Flags,
    /// How long.
    took: Duration,
    /// The painter.
    painter: Option<Version>,
}
impl_decode!(event Painted { coats, colour, others, flags, took, painter });

fn painted() -> Painted {
    Painted {
        coats: 255,
        colour: Colour::DeepRed,
        others: BTreeSet::from([Colour::Blue, Colour::DeepRed]),
        flags: Flags { on: true, also_on: Some(false) },
        took: Duration::from_millis(1500),
        painter: Some("2.0.0-rc.1".parse().unwrap()),
    }
}

#[test]
fn payloads_round_trip() {
    for event in [painted(), Painted { painter: None, flags: Flags { on: false, also_on: None }, ..painted() }] {
        let json = to_json(&event).unwrap();
        assert_eq!(decode_payload::<Painted>(json.as_bytes()).unwrap(), event, "{json}");
    }
}

#[test]
fn envelopes_round_trip_and_name_their_event() {
    let header = EnvelopeHeader {
        sdk_name: "acme-sdk",
        sdk_version: Version::new(3, 0, 1),
        install_id: AnonymousId::from_random_bytes([0xab; 16]),
        project_id: Some(ProjectId::from_salted_digest([0x01; 32])),
        session_id: AnonymousId::from_random_bytes([0x10; 16]),
        context: Context { os: Os::MacOs, arch: Arch::X86_64, cpu_count: 12, is_ci: false, is_tty: true },
    };
    let mut out = String::new();
    write_envelope(&mut out, &header, &painted()).unwrap();
    let envelope = decode_envelope::<Painted>(out.as_bytes()).unwrap();
    assert_eq!(envelope.event, painted());
    assert_eq!(envelope.header.sdk_name, "acme-sdk");
    assert_eq!(envelope.header.context, header.context);
    assert_eq!(envelope.header.project_id, header.project_id);
    assert_eq!(peek_event(out.as_bytes()).unwrap(), ("PAINTED".to_owned(), 2));

    let renamed = out.replace("\"PAINTED\"", "\"PAINTED_X\"");
    assert!(decode_envelope::<Painted>(renamed.as_bytes()).unwrap_err().to_string().contains("not PAINTED"));
    let other_version = out.replace("\"schema_version\":2", "\"schema_version\":1");
    assert!(decode_envelope::<Painted>(other_version.as_bytes()).is_err());
    let no_session = out.replace(&format!(",\"session_id\":\"{}\"", header.session_id), "");
    assert!(decode_envelope::<Painted>(no_session.as_bytes()).unwrap_err().to_string().contains("session_id"));
}

#[test]
fn strictness_each_case_is_refused_with_a_reason() {
    let good = to_json(&painted()).unwrap();
    let cases: [(String, &str); 14] = [
        (good.replace("\"coats\":255", "\"coats\":256"), "256 is above 255, the largest u8 count"),
        (good.replace("\"coats\":255", "\"coats\":-1"), "negative"),
        (good.replace("\"coats\":255", "\"coats\":2.5"), "floating point"),
        (good.replace("\"coats\":255", "\"coats\":\"255\""), "invalid type"),
        (good.replace("\"coats\":255", "\"coats\":null"), "invalid type: null"),
        (
            good.replace("\"deep-red\"", "\"green\"").replacen("[\"blue\",\"green\"]", "[\"blue\"]", 1),
            "unknown Colour \"green\"",
        ),
        (good.replace("[\"deep-red\",\"blue\"]", "[\"blue\",\"blue\"]"), "appears twice in a set"),
        (good.replace("2.0.0-rc.1", "2.0.0-jane.doe"), "pre-release tag"),
        (good.replace("2.0.0-rc.1", "2.0.0+sha.1"), "build metadata"),
        (good.replace("{\"coats\"", "{\"user\":\"jane\",\"coats\""), "unknown field \"user\" in PAINTED"),
        (good.replace("\"coats\":255,", ""), "missing field \"coats\" in PAINTED"),
        (good.replace("\"coats\":255", "\"coats\":255,\"coats\":255"), "appears twice in PAINTED"),
        (good.replace("\"on\":true", "\"on\":1"), "invalid type"),
        (format!("{good} {{}}"), "trailing characters"),
    ];
    for (input, says) in cases {
        assert_ne!(input, good, "the case must change the input ({says})");
        let err = decode_payload::<Painted>(input.as_bytes()).unwrap_err().to_string();
        assert!(err.contains(says), "{input}\n  → {err}\n  expected it to say {says:?}");
    }
}

#[test]
fn hostile_bytes_never_panic() {
    for input in [&b""[..], b"\xff", b"[", b"{\"coats\":", &b"[".repeat(10_000), b"{\"coats\":1e999}"] {
        assert!(decode_payload::<Painted>(input).is_err());
        assert!(decode_envelope::<Painted>(input).is_err());
    }
}
