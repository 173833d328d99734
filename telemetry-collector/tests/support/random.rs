//! Random valid acme envelopes from the example events' metadata, for the tests and for
//! `examples/seed.rs` (which includes this file by path).

use example_sdk::events::*;
use serde_json::{Map, Value, json};
use telemetry_schema::{
    AnonymousId, Bound, CollectableKind, CountWidth, EnvelopeHeader, EventMeta, FieldBound, FieldMeta, PreTag,
    ProjectId, TelemetryEvent, Version, write_envelope,
};

/// The example events' metadata.
pub fn example_metas() -> Vec<&'static EventMeta> {
    vec![
        &CliCommand::META,
        &ProjectCreated::META,
        &BuildFinished::META,
        &DevServerStarted::META,
        &FeatureUsage::META,
        &ComponentMounted::META,
        &AuthInit::META,
        &DeployFinished::META,
        &SdkUpgraded::META,
        &ErrorFeedback::META,
    ]
}

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// Mostly edges: 0, the maximum, small numbers, anything.
    pub fn up_to(&mut self, max: u64) -> u64 {
        match self.below(4) {
            0 => 0,
            1 => max,
            2 => self.below(max.min(1000) + 1),
            _ => self.below(max).max(1),
        }
    }

    pub fn version(&mut self) -> Version {
        let max = u64::from(telemetry_schema::MAX_COMPONENT);
        let mut c = || u32::try_from(self.up_to(max)).unwrap();
        let version = Version::new(c(), c(), c());
        match self.below(3) {
            0 => version,
            _ => {
                let tag = PreTag::ALL[usize::try_from(self.below(PreTag::ALL.len() as u64)).unwrap()];
                let number = (self.below(2) == 0).then(|| u32::try_from(self.up_to(max)).unwrap());
                version.with_pre_release(telemetry_schema::PreRelease::new(tag, number))
            }
        }
    }
}

/// The largest count SQLite's signed integers hold; durations above it are quarantined (`store_range`), which
/// a test of its own pins, so random valid values stay within it here.
const STORE_MAX: u64 = i64::MAX as u64;

/// A random valid value of `kind` under `bound` (`#[telemetry(max, buckets, precision)]`), as the serializer writes it.
fn random_value(kind: &CollectableKind, bound: &Bound, rng: &mut Rng) -> Option<Value> {
    Some(match kind {
        CollectableKind::Bool => json!(rng.below(2) == 0),
        CollectableKind::Count(width) => json!(bound.round(rng.up_to(CountWidth::max(*width).min(STORE_MAX)))),
        CollectableKind::DurationMillis => json!(bound.round(rng.up_to(STORE_MAX))),
        CollectableKind::Version => {
            let version = rng.version();
            json!(match bound.precision().parts() {
                Some(parts) => [version.major(), version.minor(), version.patch()]
                    .iter()
                    .take(parts)
                    .map(|part| bound.cap_part(*part).to_string())
                    .collect::<Vec<_>>()
                    .join("."),
                None => version.to_string(),
            })
        }
        CollectableKind::Enum(meta) => {
            json!(meta.variants()[usize::try_from(rng.below(meta.variants().len() as u64)).unwrap()].name())
        }
        CollectableKind::EnumSet(meta) => {
            Value::Array(meta.variants().iter().filter(|_| rng.below(2) == 0).map(|v| json!(v.name())).collect())
        }
        CollectableKind::Group(meta) => random_object(meta.fields(), meta.bounds(), rng),
        CollectableKind::Optional(inner) => {
            return (rng.below(2) == 0).then(|| random_value(inner, bound, rng)).flatten();
        }
        other => panic!("a kind this test does not know yet: {other:?}"),
    })
}

fn random_object(fields: &[FieldMeta], bounds: &[FieldBound], rng: &mut Rng) -> Value {
    let mut map = Map::new();
    for (index, field) in fields.iter().enumerate() {
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        if let Some(value) = random_value(&field.kind(), &bound, rng) {
            map.insert(field.name().to_owned(), value);
        }
    }
    Value::Object(map)
}

pub fn random_header(rng: &mut Rng) -> EnvelopeHeader {
    let mut bytes16 = || {
        let (a, b) = (rng.next().to_le_bytes(), rng.next().to_le_bytes());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a);
        out[8..].copy_from_slice(&b);
        out
    };
    let install_id = AnonymousId::from_random_bytes(bytes16());
    let session_id = AnonymousId::from_random_bytes(bytes16());
    let project = bytes16();
    let project_id = (rng.below(2) == 0).then(|| {
        let mut digest = [0u8; 32];
        digest[..16].copy_from_slice(&project);
        digest[16..].copy_from_slice(&project);
        ProjectId::from_salted_digest(digest)
    });
    let pick = |rng: &mut Rng, n: u64| usize::try_from(rng.below(n)).unwrap();
    let os = [Os::Linux, Os::MacOs, Os::Windows, Os::Bsd, Os::Other][pick(rng, 5)];
    let arch = [Arch::X86_64, Arch::Aarch64, Arch::Other][pick(rng, 3)];
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: rng.version(),
        install_id,
        project_id,
        session_id,
        context: telemetry_schema::Context {
            os,
            arch,
            cpu_count: u16::try_from(rng.up_to(u64::from(u16::MAX))).unwrap(),
            is_ci: rng.below(2) == 0,
            is_tty: rng.below(2) == 0,
        },
    }
}

/// A random valid envelope of `meta`: the header through `write_envelope`, the payload from the metadata.
pub fn random_envelope(meta: &EventMeta, rng: &mut Rng) -> String {
    let payload = random_object(meta.fields(), meta.bounds(), rng);
    let header = random_header(rng);
    envelope_with(meta, &header, &payload)
}

/// An envelope of `meta` with `header` and a random valid payload (an install sends many events with one header).
pub fn random_envelope_from(meta: &EventMeta, header: &EnvelopeHeader, rng: &mut Rng) -> String {
    let payload = random_object(meta.fields(), meta.bounds(), rng);
    envelope_with(meta, header, &payload)
}

fn envelope_with(meta: &EventMeta, header: &EnvelopeHeader, payload: &Value) -> String {
    let mut out = String::new();
    write_envelope(&mut out, header, &Stub {}).unwrap();
    let prefix = out.strip_suffix(r#""payload":{}}"#).unwrap();
    let prefix = prefix.replacen(
        r#""event":"STUB","schema_version":1"#,
        &format!(r#""event":"{}","schema_version":{}"#, meta.name(), meta.version()),
        1,
    );
    format!(r#"{prefix}"payload":{payload}}}"#)
}

/// Stands in for an event while writing a header.
#[derive(TelemetryEvent)]
struct Stub {}
