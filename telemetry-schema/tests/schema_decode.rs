//! The strict typed decode: round-trips what the serializer writes and refuses everything else.

use std::collections::BTreeSet;
use std::time::Duration;

use telemetry_schema::decode::{decode_envelope, decode_payload, peek_event};
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, Os, Product, ProjectId, TelemetryEnum, TelemetryEvent, TelemetryGroup,
    Version, to_json, write_envelope,
};

const PRODUCT: Product = Product::builder("Acme", "acme-sdk", Version::new(3, 0, 1))
    .env_prefix("ACME")
    .opt_out()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose("To learn which features matter.")
    .build();

fn header() -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: PRODUCT.sdk_name(),
        sdk_version: Version::new(3, 0, 1),
        install_id: AnonymousId::from_random_bytes([0xab; 16]),
        project_id: Some(ProjectId::from_salted_digest([0x01; 32])),
        session_id: AnonymousId::from_random_bytes([0x10; 16]),
        context: Context { os: Os::MacOs, arch: Arch::X86_64, cpu_count: 12, is_ci: false, is_tty: true },
    }
}

fn painted_envelope() -> String {
    let mut out = String::new();
    write_envelope(&mut out, &header(), &painted()).unwrap();
    out
}

/// A colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
enum Colour {
    /// Red.
    DeepRed,
    /// Blue.
    Blue,
}

/// Some flags.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct Flags {
    /// A flag.
    on: bool,
    /// Another.
    #[telemetry(rename = "alsoOn")]
    also_on: Option<bool>,
}

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
    let header = header();
    let out = painted_envelope();
    let envelope = decode_envelope::<Painted>(out.as_bytes(), &PRODUCT).unwrap();
    assert_eq!(envelope.event, painted());
    assert_eq!(envelope.header.sdk_name, "acme-sdk");
    assert_eq!(envelope.header.context, header.context);
    assert_eq!(envelope.header.project_id, header.project_id);
    assert_eq!(peek_event(out.as_bytes()).unwrap(), ("PAINTED".to_owned(), 2));

    let renamed = out.replace("\"PAINTED\"", "\"PAINTED_X\"");
    assert!(decode_envelope::<Painted>(renamed.as_bytes(), &PRODUCT).unwrap_err().to_string().contains("not PAINTED"));
    let other_version = out.replace("\"schema_version\":2", "\"schema_version\":1");
    assert!(decode_envelope::<Painted>(other_version.as_bytes(), &PRODUCT).is_err());
    let no_session = out.replace(&format!(",\"session_id\":\"{}\"", header.session_id), "");
    assert!(
        decode_envelope::<Painted>(no_session.as_bytes(), &PRODUCT).unwrap_err().to_string().contains("session_id")
    );
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
        assert!(decode_envelope::<Painted>(input, &PRODUCT).is_err());
    }
}

#[test]
fn the_sdk_name_is_pinned_to_the_product_as_the_schema_pins_it() {
    let good = painted_envelope();
    decode_envelope::<Painted>(good.as_bytes(), &PRODUCT).unwrap();
    // Well-formed names that are not the product's: each could carry whatever the host put there.
    for name in ["evil", "jane-doe", "acme", "acme-sdk2", "Acme-sdk"] {
        let other = good.replacen("\"name\":\"acme-sdk\"", &format!("\"name\":\"{name}\""), 1);
        assert_ne!(other, good);
        let err = decode_envelope::<Painted>(other.as_bytes(), &PRODUCT).unwrap_err().to_string();
        assert!(err.contains("acme-sdk"), "{name}: {err}");
    }
}

/// Every way of writing a number that is not a plain integer, some with the value of one.
const NOT_PLAIN_INTEGERS: &[&str] = &[
    "2.0",
    "1.0",
    "0.0",
    "-0",
    "-0.0",
    "1e2",
    "1E2",
    "2e0",
    "1e+2",
    "9e-999",
    "0.5",
    "-1.5",
    "18446744073709551616",
    "100000000000000000000000000000",
];

#[test]
fn numbers_that_are_not_plain_integers_are_refused_wherever_they_stand() {
    let payload = to_json(&painted()).unwrap();
    let envelope = painted_envelope();
    let long = format!("2.{}", "0".repeat(129));
    for token in NOT_PLAIN_INTEGERS.iter().copied().chain([long.as_str()]) {
        for (field, plain) in [("coats", "255"), ("took", "1500")] {
            let input = payload.replacen(&format!("\"{field}\":{plain}"), &format!("\"{field}\":{token}"), 1);
            assert_ne!(input, payload);
            assert!(decode_payload::<Painted>(input.as_bytes()).is_err(), "{input}");
        }
        for (field, plain) in [("schema_version", "2"), ("cpu_count", "12"), ("coats", "255")] {
            let input = envelope.replacen(&format!("\"{field}\":{plain}"), &format!("\"{field}\":{token}"), 1);
            assert_ne!(input, envelope);
            assert!(decode_envelope::<Painted>(input.as_bytes(), &PRODUCT).is_err(), "{input}");
        }
    }
}

/// A hand-written enum whose `META` lists two variants while `META_REF`, the table the serializer and the schema
/// read, lists three: the typed decode must read the same table, or it refuses what the schema allows and accepts
/// what it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tier {
    Free,
    Pro,
    Team,
}

static SENT_TIERS: telemetry_schema::EnumMeta = telemetry_schema::EnumMeta::new(
    "Tier",
    "The plan.",
    &[
        telemetry_schema::VariantMeta::new("Free", "Free."),
        telemetry_schema::VariantMeta::new("Pro", "Pro."),
        telemetry_schema::VariantMeta::new("Team", "Team."),
    ],
);

impl TelemetryEnum for Tier {
    const META: telemetry_schema::EnumMeta = telemetry_schema::EnumMeta::new(
        "Tier",
        "The plan.",
        &[telemetry_schema::VariantMeta::new("Free", "Free."), telemetry_schema::VariantMeta::new("Pro", "Pro.")],
    );
    const META_REF: &'static telemetry_schema::EnumMeta = &SENT_TIERS;
    fn variant_index(self) -> usize {
        self as usize
    }
}

impl telemetry_schema::DerivedKind for Tier {
    type Shape = telemetry_schema::EnumShape;
}

telemetry_schema::impl_decode!(
    enum Tier {
        Free,
        Pro,
        Team,
    }
);

/// Sent with a tier.
#[derive(Debug, PartialEq, TelemetryEvent)]
struct TierChosen {
    /// The tier.
    tier: Tier,
}

#[test]
fn the_typed_decode_reads_the_variant_table_the_serializer_writes() {
    let json = to_json(&TierChosen { tier: Tier::Team }).unwrap();
    assert_eq!(json, r#"{"tier":"Team"}"#);
    assert_eq!(decode_payload::<TierChosen>(json.as_bytes()).unwrap(), TierChosen { tier: Tier::Team });
}

/// A group whose fields are named after what `impl_decode!` names in its expansion (its visitor type, its
/// constants, its locals): none of them is shadowed.
#[derive(Debug, PartialEq, TelemetryGroup)]
#[allow(non_snake_case)]
struct NamedLikeTheDecoder {
    /// The visitor type's name.
    ObjectVisitor: bool,
    /// A constant's name.
    OWNER: bool,
    /// A constant's name.
    FIELDS: bool,
    /// A constant's name.
    BOUNDS: bool,
    /// A local's name.
    map: bool,
    /// A local's name.
    index: bool,
    /// A local's name.
    position: bool,
    /// A local's name.
    value: bool,
    /// The derive's visitor parameter's old name.
    fields: bool,
}

/// An event named like the decoder's names too, with the group.
#[derive(Debug, PartialEq, TelemetryEvent)]
#[allow(non_snake_case)]
struct EventNamedLikeTheDecoder {
    /// A constant's name, bounded.
    #[telemetry(max = 3)]
    BOUNDS: u8,
    /// The visitor type's name.
    ObjectVisitor: bool,
    /// A local's name.
    deserializer: bool,
    /// The group.
    serde: NamedLikeTheDecoder,
}

#[test]
fn fields_named_like_the_decoders_own_names_round_trip() {
    let event = EventNamedLikeTheDecoder {
        BOUNDS: 3,
        ObjectVisitor: true,
        deserializer: false,
        serde: NamedLikeTheDecoder {
            ObjectVisitor: false,
            OWNER: true,
            FIELDS: false,
            BOUNDS: true,
            map: false,
            index: true,
            position: false,
            value: true,
            fields: false,
        },
    };
    let json = to_json(&event).unwrap();
    assert_eq!(decode_payload::<EventNamedLikeTheDecoder>(json.as_bytes()).unwrap(), event);
    let err = decode_payload::<EventNamedLikeTheDecoder>(br#"{"BOUNDS":4}"#).unwrap_err();
    assert!(err.to_string().contains('4'), "{err}");
}

/// Sent when an upgrade starts (a flow id, for the test below).
#[derive(Debug, TelemetryEvent)]
struct UpgradeStarted {
    /// Links the events of the upgrade.
    upgrade: telemetry_schema::FlowId,
}

/// `FlowId::new` is the only way to make an id a client sends (issue 14 item 3): the strict decode, meant for servers,
/// must not become a second constructor. An id decoded from text the author wrote (a user name in hex, a hash of a
/// path, a counter) reads back, but cannot be encoded again.
#[test]
fn a_flow_id_read_from_the_wire_cannot_be_sent_again() {
    for chosen in ["6a616e652e646f65406578616d706c65", "00000000000000000000000000000001"] {
        let forged: UpgradeStarted = decode_payload(format!(r#"{{"upgrade":"{chosen}"}}"#).as_bytes()).unwrap();
        assert_eq!(forged.upgrade.to_string(), chosen, "the decode reads the id as sent");
        let error = to_json(&forged).expect_err("an id from the wire was sent again").to_string();
        assert!(error.contains("FlowId::new"), "{error}");
        // A copy is the same id, refused the same way.
        let copy = UpgradeStarted { upgrade: forged.upgrade };
        assert!(to_json(&copy).is_err());
    }
    // Fresh ids are sent.
    assert!(to_json(&UpgradeStarted { upgrade: telemetry_schema::FlowId::new() }).is_ok());
}
