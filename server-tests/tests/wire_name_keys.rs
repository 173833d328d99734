//! Variant names may contain `/` and `.` (`next/image`, `gpt-5.5`, issue 14 item 5), and a map keyed by such an
//! enum sends them as object keys: a key is a step of a JSON pointer, where `/` must be written `~1` (RFC 6901).
//! A validator message that pointed at `/payload/images/next/image` would name a path that does not exist.

use std::collections::BTreeMap;

use serde_json::Value;
use telemetry_schema::decode::decode_payload;
use telemetry_schema::schema::{SchemaOptions, bundle_schema, to_canonical_string};
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, Os, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version,
    write_envelope,
};
use telemetry_validator::Validator;

/// An image loader.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Loader {
    /// Next.js's own image component.
    #[telemetry(rename = "next/image")]
    NextImage,
    /// A model name with dots.
    #[telemetry(rename = "gpt-5.5")]
    Gpt,
    /// A scoped package.
    #[telemetry(rename = "@clerk/nextjs")]
    Clerk,
}

/// How one loader was used.
#[derive(Debug, Clone, PartialEq, TelemetryGroup)]
struct Usage {
    /// How many images it loaded, capped.
    #[telemetry(max = 3)]
    images: u8,
}

/// Sent when a build ends.
#[derive(Debug, Clone, PartialEq, TelemetryEvent)]
struct BuildEnded {
    /// Images per loader, capped.
    #[telemetry(max = 3)]
    images: BTreeMap<Loader, u8>,
    /// Usage per loader.
    usage: BTreeMap<Loader, Usage>,
}

fn envelope(event: &BuildEnded) -> String {
    let header = EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 0, 0),
        install_id: AnonymousId::from_random_bytes([7; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([9; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 8, is_ci: false, is_tty: true },
    };
    let mut out = String::new();
    write_envelope(&mut out, &header, event).unwrap();
    out
}

fn validator() -> Validator {
    let bundle = to_canonical_string(&bundle_schema(&[&BuildEnded::META], &SchemaOptions::default()));
    Validator::from_bundle_bytes(bundle.as_bytes()).unwrap()
}

#[test]
fn map_keys_with_slashes_are_escaped_in_the_pointers_of_validator_messages() {
    let event = BuildEnded {
        images: BTreeMap::from([(Loader::NextImage, 2), (Loader::Gpt, 1), (Loader::Clerk, 3)]),
        usage: BTreeMap::from([(Loader::NextImage, Usage { images: 1 }), (Loader::Clerk, Usage { images: 2 })]),
    };
    let good = envelope(&event);
    let validator = validator();
    validator.validate_envelope(good.as_bytes()).unwrap();
    let payload = serde_json::to_string(&serde_json::from_str::<Value>(&good).unwrap()["payload"]).unwrap();
    assert!(decode_payload::<BuildEnded>(payload.as_bytes()).is_ok(), "{payload}");

    for (needle, bad, pointer) in [
        (r#""next/image":2"#, r#""next/image":9"#, "/payload/images/next~1image"),
        (r#""@clerk/nextjs":3"#, r#""@clerk/nextjs":9"#, "/payload/images/@clerk~1nextjs"),
        (r#""gpt-5.5":1"#, r#""gpt-5.5":9"#, "/payload/images/gpt-5.5"),
        (r#""@clerk/nextjs":{"images":2}"#, r#""@clerk/nextjs":{"images":9}"#, "/payload/usage/@clerk~1nextjs/images"),
    ] {
        let body = good.replacen(needle, bad, 1);
        assert_ne!(body, good, "{needle} not in {good}");
        for rejection in
            [validator.validate_envelope(body.as_bytes()), validator.validate_envelope_exact(body.as_bytes())]
        {
            let problem = rejection.unwrap_err();
            let pointers: Vec<String> = problem.problems().iter().map(|p| p.pointer().to_owned()).collect();
            assert!(pointers.iter().any(|p| p == pointer), "{pointer} not among {pointers:?}: {problem}");
        }
    }
}
