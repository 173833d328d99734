//! SIGKILL under load, restart, repeat: every acknowledged batch is there, whole, and no batch is there in part.
//!
//! `COLLECTOR_CRASH_RESTARTS` sets the number of kills (default 20).

mod support;

use std::collections::HashMap;
use std::io::Write as _;
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use support::*;

#[test]
fn sigkill_under_load_loses_no_acknowledged_batch_and_leaves_no_half_batch() {
    let restarts: u64 = std::env::var("COLLECTOR_CRASH_RESTARTS").ok().and_then(|n| n.parse().ok()).unwrap_or(20);
    let dir = temp_dir("crash");
    let model = model();
    let ten = acme_envelopes(&acme_header());
    let fifty: Vec<String> = (0..5).flat_map(|_| ten.iter().cloned()).collect();
    let mut acknowledged: Vec<String> = Vec::new();
    let mut rng = Rng(0x5EED);
    for round in 0..restarts {
        let mut collector = start(&dir, &[]);
        let addr = collector.addr;
        let stop = Arc::new(AtomicBool::new(false));
        let acks = Arc::new(AtomicU64::new(0));
        let posters: Vec<_> = (0..4u64)
            .map(|thread| {
                let fifty = fifty.clone();
                let stop = Arc::clone(&stop);
                let acks = Arc::clone(&acks);
                std::thread::spawn(move || {
                    let mut acked = Vec::new();
                    for n in 0.. {
                        if stop.load(Ordering::Relaxed) {
                            break;
                        }
                        let id = batch_id((round << 40) | (thread << 32) | n);
                        let body = batch_body(&id, &fifty);
                        let Ok(mut stream) = TcpStream::connect(addr) else { break };
                        let head = format!(
                            "POST /v1/batch HTTP/1.1\r\nHost: c\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                            body.len()
                        );
                        if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).is_err() {
                            break;
                        }
                        match read_response(&mut stream) {
                            Ok(response) if response.status == 200 => {
                                acked.push(id);
                                acks.fetch_add(1, Ordering::Relaxed);
                            }
                            Ok(response) => panic!("status {} under load", response.status),
                            Err(_) => break, // killed before answering: not acknowledged
                        }
                    }
                    acked
                })
            })
            .collect();
        // Kill at a random moment once the load is on (the first acknowledgement), not at a fixed time after
        // the start: on a busy machine a restart and its first commit can take longer than any fixed delay.
        let deadline = Instant::now() + Duration::from_secs(60);
        while acks.load(Ordering::Relaxed) == 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(50 + rng.below(400)));
        collector.child.kill().unwrap(); // SIGKILL
        collector.child.wait().unwrap();
        stop.store(true, Ordering::Relaxed);
        let before = acknowledged.len();
        for poster in posters {
            acknowledged.extend(poster.join().unwrap());
        }
        assert!(acknowledged.len() > before, "round {round}: no batch was acknowledged before the kill");
    }

    // One last start: the store opens cleanly after the kills (WAL recovery) and migrates nothing.
    let collector = start(&dir, &[]);
    drop(collector);
    let conn = open_db(&dir.join("telemetry.db"));
    let mut rows_per_batch: HashMap<String, i64> = HashMap::new();
    for table in &model.tables {
        let mut statement =
            conn.prepare(&format!("SELECT batch_id, count(*) FROM \"{}\" GROUP BY batch_id", table.name)).unwrap();
        let counts = statement.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))).unwrap();
        for count in counts {
            let (id, n) = count.unwrap();
            *rows_per_batch.entry(id).or_default() += n;
        }
    }
    let mut batches: HashMap<String, (i64, i64)> = HashMap::new();
    let mut statement = conn.prepare("SELECT batch_id, event_count, stored_count FROM batches").unwrap();
    for row in statement.query_map([], |r| Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))).unwrap() {
        let (id, counts) = row.unwrap();
        batches.insert(id, counts);
    }
    for id in &acknowledged {
        assert_eq!(batches.get(id), Some(&(50, 50)), "acknowledged batch {id} is missing");
    }
    for (id, (_, stored)) in &batches {
        assert_eq!(rows_per_batch.get(id).copied().unwrap_or(0), *stored, "batch {id} is stored in part");
    }
    for id in rows_per_batch.keys() {
        assert!(batches.contains_key(id), "rows of batch {id} without its batches row");
    }
    println!(
        "crash: {restarts} SIGKILLs under load; {} batches acknowledged, {} stored (the rest were in flight at a \
         kill), all whole",
        acknowledged.len(),
        batches.len()
    );
}
