//! A store restarted under load loses no acknowledged batch: the collector answers 503 with `Retry-After`
//! while PostgreSQL or ClickHouse is down, recovers when it is back, and every batch it answered 200 is stored,
//! once.
//!
//! Its own test binary, because it restarts the servers the other store tests use. Needs
//! `TELEMETRY_TEST_{POSTGRES,CLICKHOUSE}_URL` and `..._RESTART` (a command that restarts that server), which
//! `scripts/ci-services.sh` sets; skipped with a message otherwise.

mod support;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use support::warehouse::*;
use support::*;

struct Load {
    acknowledged: Vec<String>,
    unavailable: usize,
}

/// Four posters send batches of acme's ten events, each retrying a 503 with the same batch id (as the client
/// does), while `restart` runs; returns what was acknowledged.
fn load_with_restart(store: &str, restart: &str) -> Load {
    let collector = start_with_store(store, &["--retry-after", "1"]);
    let addr = collector.addr;
    let envelopes = Arc::new(acme_envelopes(&acme_header()));
    let stop = Arc::new(AtomicBool::new(false));
    let posters: Vec<_> = (0..4u64)
        .map(|thread| {
            let envelopes = Arc::clone(&envelopes);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                let mut load = Load { acknowledged: Vec::new(), unavailable: 0 };
                for n in 0.. {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let id = batch_id(0xAB_0000_0000 | (thread << 24) | n);
                    let body = batch_body(&id, &envelopes);
                    let deadline = Instant::now() + Duration::from_secs(60);
                    loop {
                        let response = post(addr, body.as_bytes());
                        match response.status {
                            200 => {
                                load.acknowledged.push(id);
                                break;
                            }
                            503 => {
                                assert!(response.header("retry-after").is_some(), "a 503 without Retry-After");
                                load.unavailable += 1;
                                assert!(Instant::now() < deadline, "the store did not come back within 60 s");
                                std::thread::sleep(Duration::from_millis(200));
                            }
                            other => panic!("status {other}: {}", String::from_utf8_lossy(&response.body)),
                        }
                    }
                }
                load
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(1_500));
    let status = std::process::Command::new("sh").arg("-c").arg(restart).status().unwrap();
    assert!(status.success(), "{restart} failed");
    std::thread::sleep(Duration::from_millis(1_500));
    stop.store(true, Ordering::Relaxed);
    let mut total = Load { acknowledged: Vec::new(), unavailable: 0 };
    for poster in posters {
        let load = poster.join().unwrap();
        total.acknowledged.extend(load.acknowledged);
        total.unavailable += load.unavailable;
    }
    eprintln!(
        "{} batches acknowledged, {} answers 503 during the restart",
        total.acknowledged.len(),
        total.unavailable
    );
    assert!(!total.acknowledged.is_empty());
    total
}

#[test]
fn postgres_restarted_mid_load_loses_no_acknowledged_batch() {
    let test = "postgres_restarted_mid_load_loses_no_acknowledged_batch";
    let (Some(url), Some(restart)) =
        (server_url("TELEMETRY_TEST_POSTGRES_URL", test), server_url("TELEMETRY_TEST_POSTGRES_RESTART", test))
    else {
        return;
    };
    let url = fresh_postgres(&url, "restart");
    let load = load_with_restart(&url, &restart);
    let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    for id in &load.acknowledged {
        let events: i64 =
            client.query_one("SELECT count(*) FROM cli_command_v2 WHERE batch_id = $1", &[id]).unwrap().get(0);
        let batches: i64 = client.query_one("SELECT count(*) FROM batches WHERE batch_id = $1", &[id]).unwrap().get(0);
        assert_eq!((batches, events), (1, 1), "batch {id}");
    }
    let total: i64 = model()
        .tables
        .iter()
        .map(|t| client.query_one(&format!("SELECT count(*) FROM \"{}\"", t.name), &[]).unwrap().get::<_, i64>(0))
        .sum();
    let batches: i64 = client.query_one("SELECT count(*) FROM batches", &[]).unwrap().get(0);
    assert_eq!(total, batches * 10, "a batch stored in part");
    drop(client);
    drop_postgres(&url);
}

#[test]
fn clickhouse_restarted_mid_load_loses_no_acknowledged_batch() {
    let test = "clickhouse_restarted_mid_load_loses_no_acknowledged_batch";
    let (Some(url), Some(restart)) =
        (server_url("TELEMETRY_TEST_CLICKHOUSE_URL", test), server_url("TELEMETRY_TEST_CLICKHOUSE_RESTART", test))
    else {
        return;
    };
    let url = fresh_clickhouse(&url, "restart");
    let load = load_with_restart(&url, &restart);
    let stored: std::collections::HashSet<String> =
        clickhouse(&url, "SELECT batch_id FROM batches FINAL FORMAT TabSeparated").lines().map(str::to_owned).collect();
    let commands: std::collections::HashMap<String, u64> =
        clickhouse(&url, "SELECT batch_id, count() FROM cli_command_v2 FINAL GROUP BY batch_id FORMAT TabSeparated")
            .lines()
            .map(|line| {
                let (id, n) = line.split_once('\t').unwrap();
                (id.to_owned(), n.parse().unwrap())
            })
            .collect();
    for id in &load.acknowledged {
        assert!(stored.contains(id), "acknowledged batch {id} is not in batches");
        assert_eq!(commands.get(id), Some(&1), "batch {id}");
    }
    let total: u64 = model()
        .tables
        .iter()
        .map(|t| clickhouse_count(&url, &format!("SELECT count() FROM \"{}\" FINAL", t.name)))
        .sum();
    assert_eq!(total, stored.len() as u64 * 10, "a batch stored in part or twice");
    drop_clickhouse(&url);
}
