// The envelope writer copies the schema version; version 0 matches no schema, whatever constructor built it.
use telemetry_schema::{
    AnonymousId, Arch, Context, EnvelopeHeader, EventMeta, Fields, Os, TelemetryEvent, Version, write_envelope,
};

struct Forged;

impl TelemetryEvent for Forged {
    const META: EventMeta = EventMeta::__derived("FORGED", 0, "A hand-written event.", &[]);
    fn visit_fields(&self, _: &mut Fields<'_>) {}
}

fn main() {
    let header = EnvelopeHeader {
        sdk_name: "sdk",
        sdk_version: Version::new(1, 0, 0),
        install_id: AnonymousId::from_random_bytes([0; 16]),
        project_id: None,
        session_id: AnonymousId::from_random_bytes([1; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 2, is_ci: false, is_tty: false },
    };
    let _ = write_envelope(&mut String::new(), &header, &Forged);
}
