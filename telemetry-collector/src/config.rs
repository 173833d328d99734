//! The settings of `telemetry-collector` (serve), as command-line options.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;

use crate::store::StoreUrl;
use crate::store::sqlite::Synchronous;

/// Serve `POST /v1/batch`: validate every event against the archived schemas, store valid events in one typed
/// table per event version, quarantine the rest with the reason, answer 2xx only once committed.
#[derive(Debug, Clone, Parser)]
#[command(next_help_heading = "Serving")]
pub struct Config {
    /// Address to listen on. Nothing about the client (address, user agent, other headers) is stored or logged.
    #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:4318")]
    pub listen: SocketAddr,

    /// The folder docs-gen writes (`schemas/`): `bundle.json` there holds every event version accepted, and
    /// decides the tables.
    #[arg(long, value_name = "DIR", default_value = "schemas")]
    pub schemas: PathBuf,

    /// Where to store: `sqlite:PATH` (created when missing), `postgres://user[:password]@host:port/database`, or
    /// `clickhouse+http://host:port/database` (the database is created when missing). Tables are created and
    /// migrated at start-up; `ddl --dialect` prints them.
    #[arg(long, value_name = "URL", default_value = "sqlite:telemetry.db")]
    pub store: StoreUrl,

    /// Received times are stored rounded down to this (e.g. 1h, 15m, 1d, 60s), so the time of a batch does
    /// not tell one machine from another.
    #[arg(long, value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub time_granularity: Duration,

    /// Largest request body as sent (compressed or not), in bytes; larger bodies get 413.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20, help_heading = "Limits")]
    pub max_body_bytes: usize,

    /// Largest body after gzip decompression, in bytes; decompression stops there and answers 413.
    #[arg(long, value_name = "BYTES", default_value_t = 1 << 20, help_heading = "Limits")]
    pub max_decompressed_bytes: usize,

    /// Most envelopes in one batch.
    #[arg(long, value_name = "N", default_value_t = 1_000, help_heading = "Limits")]
    pub max_batch_events: usize,

    /// Largest envelope in a batch, in bytes (a valid one is well under 4 KiB); larger ones are quarantined
    /// without being parsed.
    #[arg(long, value_name = "BYTES", default_value_t = 16 << 10, help_heading = "Limits")]
    pub max_envelope_bytes: usize,

    /// Bytes of a rejected event or body kept in the `quarantine` table (0 keeps only the problems).
    #[arg(long, value_name = "BYTES", default_value_t = 64 << 10, help_heading = "Limits")]
    pub quarantine_bytes: usize,

    /// Time allowed to send the request headers.
    #[arg(long, value_name = "DURATION", default_value = "5s", value_parser = parse_duration, help_heading = "Limits")]
    pub header_timeout: Duration,

    /// Time allowed to send the request body (slow senders get 408).
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration, help_heading = "Limits")]
    pub body_timeout: Duration,

    /// Slowest average rate a request body may arrive at, in bytes per second, after its first second; slower
    /// bodies get 408 (`body_too_slow`). 0 turns the check off (`--body-timeout` still applies).
    #[arg(long, value_name = "BYTES", default_value_t = 1_024, help_heading = "Limits")]
    pub min_body_rate: u64,

    /// Most open connections; further clients wait in the listen backlog.
    #[arg(long, value_name = "N", default_value_t = 1_024, value_parser = count(), help_heading = "Limits")]
    pub max_connections: usize,

    /// Most requests being decompressed, validated and committed at once (a body takes a slot once it has
    /// arrived); more get 503 with Retry-After. Bodies being read share `--max-in-flight` × `--max-body-bytes`.
    #[arg(long, value_name = "N", default_value_t = 32, value_parser = count(), help_heading = "Limits")]
    pub max_in_flight: usize,

    /// Batches waiting for the store; when full, requests get 503 with Retry-After.
    #[arg(long, value_name = "N", default_value_t = 256, value_parser = count(), help_heading = "Store")]
    pub queue_capacity: usize,

    /// Most batches committed in one transaction (group commit).
    #[arg(long, value_name = "N", default_value_t = 128, value_parser = count(), help_heading = "Store")]
    pub max_group: usize,

    /// Seconds a client is told to wait (Retry-After) when the store is down or the queue is full.
    #[arg(long, value_name = "SECONDS", default_value_t = 5, help_heading = "Store")]
    pub retry_after: u32,

    /// SQLite's WAL sync: `full` (an acknowledged batch survives power loss) or `normal` (survives a crash of
    /// the collector only).
    #[arg(long, value_name = "MODE", default_value = "full", help_heading = "Store")]
    pub sqlite_synchronous: Synchronous,

    /// How long an SQLite commit waits for a lock held by another process before answering 503.
    #[arg(long, value_name = "DURATION", default_value = "1s", value_parser = parse_busy_timeout, help_heading = "Store")]
    pub sqlite_busy_timeout: Duration,

    /// Time given to in-flight requests after SIGTERM or Ctrl-C before their connections are closed.
    #[arg(long, value_name = "DURATION", default_value = "30s", value_parser = parse_duration)]
    pub shutdown_timeout: Duration,

    /// Log format on standard error (the level comes from RUST_LOG, default `info`).
    #[arg(long, value_name = "FORMAT", default_value = "text")]
    pub log_format: LogFormat,
}

/// How logs are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    /// One human-readable line per event.
    Text,
    /// One JSON object per line.
    Json,
}

impl Default for Config {
    /// Every option at its default.
    fn default() -> Self {
        Self::parse_from(["telemetry-collector"])
    }
}

/// The largest `--max-connections`, `--max-in-flight`, `--queue-capacity` and `--max-group`: far above any use,
/// far below what makes a semaphore panic (2^61 permits) or an allocation of that many slots fail.
pub const MAX_COUNT: u64 = 1_000_000;

/// A count of connections, requests or batches, at most [`MAX_COUNT`].
fn count() -> clap::builder::RangedU64ValueParser<usize> {
    clap::builder::RangedU64ValueParser::<usize>::new().range(0..=MAX_COUNT)
}

/// A duration SQLite's busy timeout can hold: an `i32` of milliseconds (24 days).
fn parse_busy_timeout(text: &str) -> Result<Duration, String> {
    let duration = parse_duration(text)?;
    if duration.as_millis() > i32::MAX as u128 {
        return Err(format!("{text:?} is longer than SQLite's busy timeout can be (24 days)"));
    }
    Ok(duration)
}

/// `90`, `90s`, `15m`, `1h`, `1d`, `250ms`.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    let (digits, unit) = text.split_at(split);
    let n: u64 = digits.parse().map_err(|_| format!("{text:?} is not a duration like 90s, 15m, 1h or 1d"))?;
    let seconds = match unit {
        "ms" => return Ok(Duration::from_millis(n)),
        "" | "s" => n,
        "m" => n.saturating_mul(60),
        "h" => n.saturating_mul(3_600),
        "d" => n.saturating_mul(86_400),
        _ => return Err(format!("{text:?}: the unit is one of ms, s, m, h, d")),
    };
    Ok(Duration::from_secs(seconds))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_like_a_person_writes_them() {
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3_600)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("90"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1d"), Ok(Duration::from_secs(86_400)));
        assert!(parse_duration("1 week").is_err());
        assert!(parse_duration("h").is_err());
    }

    #[test]
    fn the_defaults_are_the_documented_ones() {
        let config = Config::default();
        assert_eq!(config.listen.to_string(), "127.0.0.1:4318");
        assert_eq!(config.store, StoreUrl::Sqlite("telemetry.db".into()));
        assert_eq!(config.schemas, PathBuf::from("schemas"));
        assert_eq!(config.time_granularity, Duration::from_secs(3_600));
        assert_eq!(config.sqlite_synchronous, Synchronous::Full);
    }
}
