use std::collections::BTreeSet;
use std::time::Duration;

use telemetry_schema::{CollectableKind, CountWidth, TelemetryEnum, TelemetryEvent, TelemetryGroup, Version, to_json};

/// A bundler plugin the project uses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Plugin {
    /// The image optimizer.
    Images,
    /// The MDX loader.
    Mdx,
    /// The bundle analyzer.
    Analyzer,
}

/// Which parts of the project the build touched.
#[derive(TelemetryGroup)]
struct BuildScope {
    /// Whether pages were built.
    pages: bool,
    /// How many API routes were built.
    api_routes: u16,
}

/// Sent when a production build finishes; one field of every allowed kind.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// Whether the build cache was used.
    cached: bool,
    /// How many workers ran.
    workers: u8,
    /// How many routes were built.
    routes: u16,
    /// How many pages were built.
    pages: u32,
    /// How many bytes were written.
    bytes: u64,
    /// How many CPU cores the machine has.
    cpus: usize,
    /// How long the build took.
    duration: Duration,
    /// The version of the CLI.
    cli_version: Version,
    /// The plugin that took the longest.
    slowest_plugin: Plugin,
    /// Which known plugins are present.
    plugins: BTreeSet<Plugin>,
    /// Which parts of the project were built.
    scope: BuildScope,
}

fn main() {
    let event = BuildFinished {
        cached: true,
        workers: u8::MAX,
        routes: 7,
        pages: 14,
        bytes: u64::MAX,
        cpus: 8,
        // Sent as whole milliseconds: the fraction is dropped.
        duration: Duration::from_micros(1_520_900),
        cli_version: telemetry_schema::version!("2.0.0-rc.1"),
        slowest_plugin: Plugin::Mdx,
        // Inserted out of order: the wire lists variants in declaration order.
        plugins: BTreeSet::from([Plugin::Analyzer, Plugin::Images]),
        scope: BuildScope { pages: true, api_routes: 3 },
    };
    assert_eq!(
        to_json(&event).unwrap(),
        concat!(
            r#"{"cached":true,"workers":255,"routes":7,"pages":14,"bytes":18446744073709551615,"cpus":8,"#,
            r#""duration":1520,"cli_version":"2.0.0-rc.1","slowest_plugin":"Mdx","#,
            r#""plugins":["Images","Analyzer"],"scope":{"pages":true,"api_routes":3}}"#,
        )
    );

    let kinds: Vec<CollectableKind> = BuildFinished::META.fields().iter().map(|f| f.kind()).collect();
    assert_eq!(kinds[0], CollectableKind::Bool);
    assert_eq!(kinds[1], CollectableKind::Count(CountWidth::U8));
    assert_eq!(kinds[2], CollectableKind::Count(CountWidth::U16));
    assert_eq!(kinds[3], CollectableKind::Count(CountWidth::U32));
    assert_eq!(kinds[4], CollectableKind::Count(CountWidth::U64));
    assert_eq!(kinds[5], CollectableKind::Count(CountWidth::Usize));
    assert_eq!(kinds[6], CollectableKind::DurationMillis);
    assert_eq!(kinds[7], CollectableKind::Version);
    assert_eq!(kinds[8], CollectableKind::Enum(&Plugin::META));
    assert_eq!(kinds[9], CollectableKind::EnumSet(&Plugin::META));
    assert_eq!(kinds[10], CollectableKind::Group(&BuildScope::META));
    assert!(BuildFinished::META.fields().iter().all(|f| f.is_required()));
    assert_eq!(BuildFinished::META.fields()[3].doc(), "How many pages were built.");
}
