//! The toolkit's own client, as the acme SDK builds it, delivering to the collector binary: its batches are
//! stored with every event, and a 503 from a store that cannot commit is retried after `Retry-After` and stored
//! once.

mod support;

use std::io::Write;
use std::time::{Duration, Instant};

use example_sdk::events::{Arch, CliCommand, Command, ErrorCode, ErrorFeedback, Os};
use support::*;
use telemetry_client::{Client, MapEnv};

#[derive(Clone, Default)]
struct Sink;

impl Write for Sink {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn client(endpoint: &str, dir: &std::path::Path) -> Client {
    Client::builder(&example_sdk::PRODUCT)
        .env(MapEnv::new().with("ACME_TELEMETRY_ENDPOINT", endpoint))
        .config_dir(dir)
        .enabled(true)
        .is_tty(false)
        .stderr(Sink)
        .connect_timeout(Duration::from_secs(5))
        .total_timeout(Duration::from_secs(10))
        .retry_backoff(Duration::from_millis(50))
        .build()
}

fn cli_command(command: Command) -> CliCommand {
    CliCommand {
        command,
        cli_version: telemetry_schema::Version::new(0, 1, 0),
        is_ci: false,
        cpu_count: 2,
        os: Os::Linux,
        arch: Arch::X86_64,
    }
}

#[test]
fn the_toolkit_client_delivers_to_the_collector_and_a_503_is_retried_and_stored_once() {
    let dir = temp_dir("client");
    let collector = start(&dir, &["--sqlite-busy-timeout", "200ms", "--retry-after", "1"]);
    let endpoint = format!("http://{}/v1/batch", collector.addr);
    let conn = open_db(&collector.db);

    // Delivered as sent.
    let client = client(&endpoint, &dir.join("config"));
    client.track(cli_command(Command::Build));
    client.track(ErrorFeedback { code: ErrorCode::ConfigInvalid });
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    assert_eq!(client.stats().sent, 2);
    let stored: (String, String, String) = conn
        .query_row("SELECT command, sdk_name, install_id FROM cli_command_v2", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!((stored.0.as_str(), stored.1.as_str()), ("build", "acme"));
    assert_eq!(Some(stored.2), client.header().map(|header| header.install_id.to_string()));
    let code: String = conn.query_row("SELECT code FROM error_feedback_v1", [], |r| r.get(0)).unwrap();
    assert_eq!(code, "CONFIG_INVALID");

    // The store cannot commit: the first try gets 503, the client waits Retry-After and sends the same batch.
    conn.execute_batch("BEGIN EXCLUSIVE").unwrap();
    client.track(cli_command(Command::Deploy));
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let metrics = String::from_utf8(get(collector.addr, "/metrics").body).unwrap();
        if metrics.contains("telemetry_collector_requests_total{outcome=\"store_down\"} 1\n") {
            break;
        }
        assert!(Instant::now() < deadline, "the client's batch never met the locked store:\n{metrics}");
        std::thread::sleep(Duration::from_millis(20));
    }
    conn.execute_batch("ROLLBACK").unwrap();
    assert!(client.flush(Instant::now() + Duration::from_secs(10)).is_complete());
    assert_eq!(client.stats().sent, 3);
    assert_eq!(client.stats().failed, 0);
    let deploys: i64 =
        conn.query_row("SELECT count(*) FROM cli_command_v2 WHERE command = 'deploy'", [], |r| r.get(0)).unwrap();
    assert_eq!(deploys, 1, "stored once");
    let batches: i64 = conn.query_row("SELECT count(*) FROM batches", [], |r| r.get(0)).unwrap();
    assert_eq!(batches, 2);
}
