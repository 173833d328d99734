//! Every form of bound: `max` on each count width and on a duration (every unit), `buckets` of both scales on
//! counts and durations (alone and under a cap), `precision` of each depth on a version (with and without a cap
//! on each part), bounds on `Option`s and on group fields, behind a type alias, and `max_bits`.

use std::time::Duration;
use telemetry_schema::{TelemetryEvent, TelemetryGroup, Version, to_json};

type Pages = u32;

/// Facts about the machine.
#[derive(TelemetryGroup)]
struct Machine {
    /// How many CPUs, capped.
    #[telemetry(max = 64)]
    cpus: u16,
    /// How much memory, in GiB, rounded.
    #[telemetry(buckets = "exp2")]
    memory_gib: u32,
}

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
#[telemetry(max_bits = 200)]
struct BuildFinished {
    /// Retries, capped.
    #[telemetry(max = 10)]
    retries: u8,
    /// Files, capped.
    #[telemetry(max = 1000)]
    files: u16,
    /// Pages, rounded to powers of two.
    #[telemetry(buckets = "exp2")]
    pages: Pages,
    /// Bytes, rounded to four steps per power of two, capped.
    #[telemetry(buckets = "exp2/4", max = 1048576)]
    bytes: u64,
    /// Routes, capped.
    #[telemetry(max = 500)]
    routes: usize,
    /// How long it took, rounded and capped.
    #[telemetry(buckets = "exp2", max = "10m")]
    duration: Duration,
    /// How long the slowest page took, capped.
    #[telemetry(max = "1500ms")]
    slowest: Duration,
    /// How long the cache was kept, capped.
    #[telemetry(max = "2h")]
    cache_age: Option<Duration>,
    /// How long linking took, capped.
    #[telemetry(max = "30s")]
    linking: Duration,
    /// How many warnings, when there were any, rounded.
    #[telemetry(buckets = "exp2/4")]
    warnings: Option<u32>,
    /// The compiler version: major only.
    #[telemetry(precision = "major")]
    compiler: Version,
    /// The runtime version: major and minor, each at most 99.
    #[telemetry(precision = "minor", max = 99)]
    runtime: Version,
    /// The database version, when known: three parts, each at most 999.
    #[telemetry(precision = "patch", max = 999)]
    database: Option<Version>,
    /// The machine.
    machine: Machine,
}

fn main() {
    let event = BuildFinished {
        retries: 12,
        files: 999,
        pages: 14,
        bytes: 1000,
        routes: 501,
        duration: Duration::from_secs(3600),
        slowest: Duration::from_millis(1499),
        cache_age: None,
        linking: Duration::from_secs(31),
        warnings: Some(23),
        compiler: Version::new(1, 95, 0),
        runtime: "100.2.3-rc.1".parse().unwrap(),
        database: Some(Version::new(16, 4, 1000)),
        machine: Machine { cpus: 96, memory_gib: 12 },
    };
    assert_eq!(
        to_json(&event).unwrap(),
        r#"{"retries":10,"files":999,"pages":8,"bytes":896,"routes":500,"duration":600000,"slowest":1499,"linking":30000,"warnings":20,"compiler":"1","runtime":"99.2","database":"16.4.999","machine":{"cpus":64,"memory_gib":8}}"#
    );
    assert!(BuildFinished::META.payload_bits() <= 200.0);
}
