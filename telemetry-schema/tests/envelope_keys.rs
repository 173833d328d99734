//! The envelope writer takes its keys from `ENVELOPE_FIELDS`, in the table's order, and leaves out only the
//! optional ones it has no value for.

use telemetry_schema::{
    AnonymousId, Arch, Context, ENVELOPE_FIELDS, EnvelopeHeader, Os, ProjectId, TelemetryEvent, Version, write_envelope,
};

/// Sent by this test.
#[derive(TelemetryEvent)]
struct Probe {
    /// A count.
    n: u32,
}

fn header(project_id: Option<ProjectId>) -> EnvelopeHeader {
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: Version::new(1, 2, 3),
        install_id: AnonymousId::from_random_bytes([1; 16]),
        project_id,
        session_id: AnonymousId::from_random_bytes([2; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 2, is_ci: false, is_tty: false },
    }
}

/// The positions of `"<key>":` for each field of the table, in the table's order (`None` when absent).
fn key_positions(json: &str) -> Vec<(&'static str, Option<usize>)> {
    ENVELOPE_FIELDS.iter().map(|field| (field.name, json.find(&format!("\"{}\":", field.name)))).collect()
}

#[test]
fn the_envelope_is_written_in_the_order_and_with_the_keys_of_envelope_fields() {
    for project_id in [None, Some(ProjectId::from_salted_digest([3; 32]))] {
        let mut out = String::new();
        write_envelope(&mut out, &header(project_id), &Probe { n: 7 }).unwrap();
        let positions = key_positions(&out);
        let present: Vec<usize> = positions.iter().filter_map(|(_, at)| *at).collect();
        assert!(present.windows(2).all(|w| w[0] < w[1]), "keys out of the table's order: {out}");
        for (field, (name, at)) in ENVELOPE_FIELDS.iter().zip(&positions) {
            let expected = field.required || project_id.is_some();
            assert_eq!(at.is_some(), expected, "{name} in {out}");
        }
        let value: serde_json::Value = serde_json::from_str(&out).unwrap();
        assert_eq!(value.as_object().unwrap().len(), present.len(), "no key outside the table: {out}");
        assert!(
            out.starts_with(r#"{"event":"PROBE","schema_version":1,"sdk":{"name":"acme","version":"1.2.3"}"#),
            "{out}"
        );
        assert!(out.ends_with(r#""payload":{"n":7}}"#), "{out}");
    }
}
