use std::time::Duration;

use telemetry_schema::{TelemetryEvent, to_json};

/// Sent when the CLI notices it is out of date.
#[derive(TelemetryEvent)]
#[telemetry(name = "CLI_UPDATE_AVAILABLE", version = 3, sample_rate = 0.25, dedup = "24h")]
struct UpdateAvailable {
    /// Whether the update is a major version.
    major: bool,
}

/// Sent when a page is rendered; every occurrence, no throttling (the defaults).
#[derive(TelemetryEvent)]
struct PageRendered {
    /// Whether the page came from cache.
    cached: bool,
}

/// Sent at most once per 90 seconds; `sample_rate = 1` sends every occurrence.
#[derive(TelemetryEvent)]
#[telemetry(sample_rate = 1)]
#[telemetry(dedup = "90s")]
struct WatcherRestarted {
    /// How many files changed.
    changed: u32,
}

fn main() {
    let meta = UpdateAvailable::META;
    assert_eq!(meta.name(), "CLI_UPDATE_AVAILABLE");
    assert_eq!(meta.version(), 3);
    assert_eq!(meta.sample_rate_per_million(), 250_000);
    assert_eq!(meta.dedup_window(), Some(Duration::from_secs(24 * 3600)));
    assert_eq!(to_json(&UpdateAvailable { major: true }).unwrap(), r#"{"major":true}"#);

    let meta = PageRendered::META;
    assert_eq!(meta.name(), "PAGE_RENDERED");
    assert_eq!(meta.version(), 1);
    assert_eq!(meta.sample_rate_per_million(), 1_000_000);
    assert_eq!(meta.dedup_window(), None);

    let meta = WatcherRestarted::META;
    assert_eq!(meta.name(), "WATCHER_RESTARTED");
    assert_eq!(meta.sample_rate_per_million(), 1_000_000);
    assert_eq!(meta.dedup_window(), Some(Duration::from_secs(90)));
}
