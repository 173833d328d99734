//! The collector binary over real HTTP on loopback, with real SQLite files.

mod support;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use support::*;
use telemetry_schema::TelemetryEvent as _;

#[test]
fn acme_events_arrive_with_every_column_as_sent() {
    let dir = temp_dir("acme");
    let collector = start(&dir, &[]);
    let model = model();
    let envelopes = acme_envelopes(&acme_header());
    let id = batch_id(1);
    let response = post(collector.addr, batch_body(&id, &envelopes).as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    let answer = response.json();
    assert_eq!(answer["status"], "stored");
    assert_eq!(answer["stored"], 10);
    assert_eq!(answer["quarantined"], 0);

    let conn = open_db(&collector.db);
    let (received_at, count): (i64, i64) = conn
        .query_row("SELECT received_at, event_count FROM batches WHERE batch_id = ?1", [&id], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(count, 10);
    assert_eq!(received_at % 3600, 0, "the received time is rounded to the hour by default");
    let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((now - 3600..=now).contains(&received_at));
    for envelope in &envelopes {
        let envelope: Value = serde_json::from_str(envelope).unwrap();
        let (table, expected) = expected_row(&model, &envelope, &id, received_at);
        let stored = rows(&conn, &table, &id);
        assert_eq!(stored, vec![expected], "table {table}");
        // Every column holds something but the optional fields left out.
        let nulls: Vec<&String> = stored[0].iter().filter(|(_, v)| v.is_null()).map(|(k, _)| k).collect();
        let allowed: &[&str] = match table.as_str() {
            "project_created_v1" => &["package_manager"],
            "auth_init_v2" => &["session_max_age"],
            _ => &[],
        };
        assert_eq!(nulls, allowed.iter().map(|s| s.to_string()).collect::<Vec<_>>().iter().collect::<Vec<_>>());
    }
    // The set is stored as the JSON array sent, and SQLite reads it as one.
    let plugins: String = conn.query_row("SELECT plugins FROM build_finished_v3", [], |r| r.get(0)).unwrap();
    assert_eq!(plugins, r#"["images","mdx"]"#);
    let n: i64 = conn
        .query_row(
            "SELECT count(*) FROM build_finished_v3, json_each(plugins) WHERE json_each.value = 'mdx'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(n, 1);
}

#[test]
fn a_gzip_batch_is_stored_like_a_plain_one() {
    let dir = temp_dir("gzip");
    let collector = start(&dir, &[]);
    let id = batch_id(2);
    let body = gzip(batch_body(&id, &acme_envelopes(&acme_header())).as_bytes());
    let response = request(
        collector.addr,
        "POST",
        "/v1/batch",
        &[("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
        &body,
    );
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["stored"], 10);
}

#[test]
fn the_same_batch_posted_twice_is_stored_once() {
    let dir = temp_dir("dedup");
    let collector = start(&dir, &[]);
    let id = batch_id(3);
    let body = batch_body(&id, &acme_envelopes(&acme_header()));
    let first = post(collector.addr, body.as_bytes());
    assert_eq!(first.json()["status"], "stored");
    let second = post(collector.addr, body.as_bytes());
    assert_eq!(second.status, 200, "a retry is acknowledged, so the client stops retrying");
    assert_eq!(second.json()["status"], "duplicate");
    let conn = open_db(&collector.db);
    assert_eq!(event_rows(&conn, &model()), 10);
    let batches: i64 = conn.query_row("SELECT count(*) FROM batches", [], |r| r.get(0)).unwrap();
    assert_eq!(batches, 1);
    let metrics = String::from_utf8(get(collector.addr, "/metrics").body).unwrap();
    assert!(metrics.contains("telemetry_collector_duplicate_batches_total 1\n"), "{metrics}");
}

/// One hostile body: what it is, how it is sent, and the statuses allowed.
struct Hostile {
    name: &'static str,
    body: Vec<u8>,
    gzip_header: bool,
    /// 200 means "the batch was acknowledged, its bad events quarantined".
    statuses: &'static [u16],
}

fn envelope_with(edit: impl FnOnce(&mut Value)) -> String {
    let mut envelope: Value = serde_json::from_str(&acme_envelopes(&acme_header())[0]).unwrap();
    edit(&mut envelope);
    envelope.to_string()
}

fn envelope_with_event(index: usize, edit: impl FnOnce(&mut Value)) -> String {
    let mut envelope: Value = serde_json::from_str(&acme_envelopes(&acme_header())[index]).unwrap();
    edit(&mut envelope);
    envelope.to_string()
}

/// A duration the schema allows but SQLite's signed integers cannot hold is quarantined (`store_range`), never
/// stored wrapped. The example SDK bounds every duration now, so the bundle here has BUILD_FINISHED's duration
/// unbounded again, as an SDK without bounds would publish it.
#[test]
fn a_duration_beyond_the_stores_integers_is_quarantined() {
    let dir = temp_dir("store-range");
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let key = format!("BUILD_FINISHED.v{}", example_sdk::events::BuildFinished::META.version());
    let duration = &mut bundle["$defs"][&key]["properties"]["duration"];
    assert!(duration.get("enum").is_some(), "the example's build duration is bounded: {duration}");
    *duration = json!({"type": "integer", "minimum": 0, "maximum": u64::MAX, "description": "Unbounded."});
    std::fs::write(schemas.join("bundle.json"), bundle.to_string()).unwrap();
    let collector = start_with_schemas(&dir, &schemas, &[]);
    let id = batch_id(1);
    let body = batch_body(&id, &[envelope_with_event(2, |e| e["payload"]["duration"] = json!(u64::MAX))]);
    let response = post(collector.addr, body.as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["quarantined"], 1);
    let conn = open_db(&collector.db);
    let reason: String = conn.query_row("SELECT reason FROM quarantine", [], |r| r.get(0)).unwrap();
    assert_eq!(reason, "store_range");
}

fn hostile_corpus() -> Vec<Hostile> {
    let id = "0123456789abcdef0123456789abcdef";
    let one = |envelope: String| batch_body(id, &[envelope]).into_bytes();
    let quarantined: &[u16] = &[200];
    let body_refused: &[u16] = &[400];
    let mut corpus = vec![
        Hostile {
            name: "wrong type: a string for a bool",
            body: one(envelope_with(|e| e["payload"]["is_ci"] = json!("yes"))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "unknown field in the payload",
            body: one(envelope_with(|e| e["payload"]["user_email"] = json!("someone@example.com"))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "unknown field in the envelope",
            body: one(envelope_with(|e| e["ip"] = json!("192.0.2.1"))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "free text in an enum",
            body: one(envelope_with(|e| e["payload"]["command"] = json!("deploy --token=hunter2"))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "a float for a count",
            body: one(envelope_with(|e| e["payload"]["cpu_count"] = json!(4.5))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "an integral float for a count",
            body: one(envelope_with(|e| e["payload"]["cpu_count"] = json!(4.0))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "a float schema_version",
            body: one(envelope_with(|e| e["schema_version"] = json!(1.0))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "a negative count",
            body: one(envelope_with(|e| e["payload"]["cpu_count"] = json!(-1))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "a count above its bound",
            body: one(envelope_with(|e| e["payload"]["cpu_count"] = json!(70_000))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "unknown event",
            body: one(envelope_with(|e| e["event"] = json!("PAGE_VIEW"))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "unknown schema version",
            body: one(envelope_with(|e| e["schema_version"] = json!(7))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "a huge array in the payload",
            body: one(envelope_with(|e| e["payload"]["os"] = Value::Array(vec![json!("linux"); 50_000]))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "deep nesting inside an envelope",
            body: one(envelope_with(|e| {
                let mut deep = json!(1);
                for _ in 0..100 {
                    deep = json!([deep]);
                }
                e["payload"]["os"] = deep;
            })),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "deep nesting of the whole body",
            body: format!("{}{}", "[".repeat(100_000), "]".repeat(100_000)).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "an envelope that is not an object",
            body: one("\"hello\"".into()),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            name: "duplicate key in an envelope",
            body: one(acme_envelopes(&acme_header())[0].replacen('{', r#"{"event":"CLI_COMMAND","#, 1)),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile { name: "not JSON", body: b"hello".to_vec(), gzip_header: false, statuses: body_refused },
        Hostile {
            name: "invalid UTF-8",
            body: [b"{\"batch_id\":\"".as_slice(), &[0xff, 0xfe], b"\",\"events\":[]}"].concat(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "invalid UTF-8 inside an envelope string",
            body: replace_bytes(&one(acme_envelopes(&acme_header())[0].clone()), b"\"deploy\"", b"\"dep\xffloy\""),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "no batch_id",
            body: format!("{{\"events\":[{}]}}", acme_envelopes(&acme_header())[0]).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "a batch_id that is not 32 lower-case hex digits",
            body: batch_body("0123456789ABCDEF0123456789ABCDEF", &[acme_envelopes(&acme_header())[0].clone()])
                .into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "an extra key in the batch",
            body: format!(r#"{{"batch_id":"{id}","events":[],"user":"x"}}"#).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "a repeated events key",
            body: format!(r#"{{"batch_id":"{id}","events":[],"events":[]}}"#).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "an array instead of a batch",
            body: format!("[{}]", acme_envelopes(&acme_header())[0]).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "too many envelopes",
            body: batch_body(id, &vec!["{}".to_owned(); 1_001]).into_bytes(),
            gzip_header: false,
            statuses: body_refused,
        },
        Hostile {
            name: "an envelope larger than the envelope limit",
            body: one(envelope_with(|e| e["payload"]["note"] = json!("x".repeat(20_000)))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile {
            // Bounded now (at most one hour), so the schema refuses it; `a_duration_beyond_the_stores_integers_is_
            // quarantined` pins the store's own range check with an unbounded duration.
            name: "a duration beyond its bound",
            body: one(envelope_with_event(2, |e| e["payload"]["duration"] = json!(u64::MAX))),
            gzip_header: false,
            statuses: quarantined,
        },
        Hostile { name: "bad gzip", body: b"\x1f\x8b\x08\x00garbage".to_vec(), gzip_header: true, statuses: &[400] },
        Hostile {
            name: "truncated gzip",
            body: {
                let full = gzip(batch_body(id, &acme_envelopes(&acme_header())).as_bytes());
                full[..full.len() / 2].to_vec()
            },
            gzip_header: true,
            // Its last four bytes, read as the trailer's size, may announce more than the limit.
            statuses: &[400, 413],
        },
        Hostile { name: "gzip bomb", body: gzip(&vec![b' '; 64 << 20]), gzip_header: true, statuses: &[413] },
        Hostile {
            name: "gzip bomb with a lying trailer",
            body: {
                let mut bomb = gzip(&vec![b' '; 64 << 20]);
                let at = bomb.len() - 4;
                bomb[at..].copy_from_slice(&100u32.to_le_bytes());
                bomb
            },
            gzip_header: true,
            statuses: &[413],
        },
        Hostile {
            name: "a body over the size limit",
            body: vec![b' '; (1 << 20) + 1],
            gzip_header: false,
            statuses: &[413],
        },
    ];
    // A body whose bytes are spaces around an empty batch: valid, and stores nothing.
    corpus.push(Hostile {
        name: "an empty batch",
        body: format!(r#"  {{"batch_id":"{}","events":[]}}  "#, batch_id(99)).into_bytes(),
        gzip_header: false,
        statuses: &[200],
    });
    corpus
}

#[test]
fn a_hostile_corpus_ends_in_quarantine_or_a_4xx_never_in_a_table() {
    let dir = temp_dir("hostile");
    let collector = start(&dir, &[]);
    let model = model();
    let mut expected_quarantine = 0;
    for (n, case) in hostile_corpus().into_iter().enumerate() {
        // A distinct batch id per case, so none is a duplicate of another.
        let body = replace_bytes(&case.body, b"0123456789abcdef0123456789abcdef", batch_id(1000 + n as u64).as_bytes());
        let mut headers = vec![("Content-Type", "application/json")];
        if case.gzip_header {
            headers.push(("Content-Encoding", "gzip"));
        }
        let response = request(collector.addr, "POST", "/v1/batch", &headers, &body);
        assert!(
            case.statuses.contains(&response.status),
            "{}: status {} ({})",
            case.name,
            response.status,
            String::from_utf8_lossy(&response.body)
        );
        let answer = response.json();
        match response.status {
            200 if case.name != "an empty batch" => {
                assert_eq!(answer["stored"], 0, "{}: {answer}", case.name);
                assert_eq!(answer["quarantined"], 1, "{}: {answer}", case.name);
                assert!(!answer["problems"].as_array().unwrap().is_empty(), "{}", case.name);
                expected_quarantine += 1;
            }
            200 => {}
            400 if case.body_is_quarantined() => {
                assert!(answer["error"].is_string() && answer["problems"].is_array(), "{}: {answer}", case.name);
                expected_quarantine += 1;
            }
            _ => assert!(answer["error"].is_string() && answer["message"].is_string(), "{}: {answer}", case.name),
        }
        assert_eq!(get(collector.addr, "/healthz").status, 200, "after {}", case.name);
    }
    let conn = open_db(&collector.db);
    assert_eq!(event_rows(&conn, &model), 0, "no hostile input reaches an event table");
    let quarantined: i64 = conn.query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0)).unwrap();
    assert_eq!(quarantined, expected_quarantine);
    let reasons: Vec<String> = conn
        .prepare("SELECT DISTINCT reason FROM quarantine ORDER BY reason")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    for reason in ["batch_id", "not_a_batch", "not_json", "schema", "too_deep", "too_large", "unknown_event"] {
        assert!(reasons.iter().any(|r| r == reason), "no quarantine row with reason {reason}: {reasons:?}");
    }
    // Problems are structured JSON.
    let problems: String =
        conn.query_row("SELECT problems FROM quarantine WHERE reason = 'schema' LIMIT 1", [], |r| r.get(0)).unwrap();
    let problems: Value = serde_json::from_str(&problems).unwrap();
    assert!(problems[0]["pointer"].is_string() && problems[0]["expected"].is_string(), "{problems}");
    assert!(collector.logs().contains("collector ready"));
}

fn replace_bytes(haystack: &[u8], needle: &[u8], replacement: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(haystack.len());
    let mut rest = haystack;
    while let Some(at) = rest.windows(needle.len()).position(|w| w == needle) {
        out.extend_from_slice(&rest[..at]);
        out.extend_from_slice(replacement);
        rest = &rest[at + needle.len()..];
    }
    out.extend_from_slice(rest);
    out
}

impl Hostile {
    /// A 400 for a body that was read (not gzip, size or encoding trouble) means it was quarantined.
    fn body_is_quarantined(&self) -> bool {
        !self.gzip_header
    }
}

#[test]
fn slow_senders_are_cut_off() {
    let dir = temp_dir("slowloris");
    let collector = start(&dir, &["--header-timeout", "1s", "--body-timeout", "1s"]);
    // Headers that never end: the connection is closed once the header timeout passes.
    let started = Instant::now();
    let mut slow = TcpStream::connect(collector.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    slow.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\n").unwrap();
    for _ in 0..3 {
        std::thread::sleep(Duration::from_millis(300));
        if slow.write_all(b"X-Slow: 1\r\n").is_err() {
            break;
        }
    }
    let mut rest = Vec::new();
    let _ = slow.read_to_end(&mut rest);
    let took = started.elapsed();
    assert!(took < Duration::from_secs(5), "headers trickling in kept the connection for {took:?}");

    // A body that never completes: 408 once the body timeout passes.
    let started = Instant::now();
    let mut slow = TcpStream::connect(collector.addr).unwrap();
    slow.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    slow.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{\"batch_id\"").unwrap();
    let response = read_response(&mut slow).unwrap();
    assert_eq!(response.status, 408);
    assert!(started.elapsed() < Duration::from_secs(5));
    // And the server still serves.
    assert_eq!(get(collector.addr, "/healthz").status, 200);
}

#[test]
fn a_store_that_fails_answers_503_and_a_retrying_client_gets_its_batch_stored_once() {
    let dir = temp_dir("store-down");
    let collector = start(&dir, &["--sqlite-busy-timeout", "200ms", "--retry-after", "1"]);
    let id = batch_id(4);
    let body = batch_body(&id, &acme_envelopes(&acme_header()));
    // Another process holds the write lock: the store cannot commit.
    let blocker = open_db(&collector.db);
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let refused = post(collector.addr, body.as_bytes());
    assert_eq!(refused.status, 503, "{}", String::from_utf8_lossy(&refused.body));
    assert_eq!(refused.header("retry-after"), Some("1"));
    assert_eq!(refused.json()["error"], "store_unavailable");
    assert_eq!(get(collector.addr, "/healthz").status, 503);

    // A client that honours Retry-After, as the toolkit's does; the lock goes away meanwhile.
    let poster = std::thread::spawn({
        let addr = collector.addr;
        let body = body.clone();
        move || {
            let mut attempts = 0;
            loop {
                attempts += 1;
                let response = post(addr, body.as_bytes());
                if response.status != 503 {
                    return (attempts, response);
                }
                let wait: u64 = response.header("retry-after").unwrap().parse().unwrap();
                std::thread::sleep(Duration::from_secs(wait));
                assert!(attempts < 20, "never stored");
            }
        }
    });
    std::thread::sleep(Duration::from_millis(1_500));
    blocker.execute_batch("ROLLBACK").unwrap();
    let (attempts, response) = poster.join().unwrap();
    assert!(attempts >= 2, "the first attempt should have met the lock");
    assert_eq!(response.status, 200);
    assert_eq!(response.json()["status"], "stored");
    assert_eq!(get(collector.addr, "/healthz").status, 200, "healthy again after a commit");
    let conn = open_db(&collector.db);
    assert_eq!(event_rows(&conn, &model()), 10);
    let metrics = String::from_utf8(get(collector.addr, "/metrics").body).unwrap();
    assert!(metrics.contains("telemetry_collector_requests_total{outcome=\"store_down\"}"), "{metrics}");
    assert!(!metrics.contains("telemetry_collector_store_failures_total 0\n"), "{metrics}");
}

#[test]
fn nothing_about_the_client_is_logged_or_stored() {
    let dir = temp_dir("privacy");
    let collector = start(&dir, &[]);
    let id = batch_id(5);
    let mut envelopes = acme_envelopes(&acme_header());
    envelopes.push(envelope_with(|e| e["payload"]["command"] = json!("quarantined-on-purpose")));
    let body = batch_body(&id, &envelopes);
    let mut stream = TcpStream::connect(collector.addr).unwrap();
    let client_port = stream.local_addr().unwrap().port().to_string();
    let head = format!(
        "POST /v1/batch HTTP/1.1\r\nHost: collector\r\nUser-Agent: SecretAgent/7.7\r\nX-Forwarded-For: \
         198.51.100.23\r\nCookie: session=tracking-cookie\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(body.as_bytes()).unwrap();
    let response = read_response(&mut stream).unwrap();
    assert_eq!(response.status, 200);
    let mut collector = collector;
    assert!(collector.terminate(Duration::from_secs(30)).success());
    let logs = collector.logs();
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        stored.extend(std::fs::read(entry.unwrap().path()).unwrap());
    }
    let stored = String::from_utf8_lossy(&stored);
    let peer = format!("127.0.0.1:{client_port}");
    for secret in ["SecretAgent", "198.51.100.23", "tracking-cookie", peer.as_str()] {
        assert!(!logs.contains(secret), "the log holds {secret:?}:\n{logs}");
        assert!(!stored.contains(secret), "the store holds {secret:?}");
    }
    assert!(logs.contains("batch stored"), "debug logs were on:\n{logs}");
}

#[test]
fn received_time_granularity_is_configurable() {
    let dir = temp_dir("granularity");
    let collector = start(&dir, &["--time-granularity", "1d"]);
    let id = batch_id(6);
    assert_eq!(post(collector.addr, batch_body(&id, &acme_envelopes(&acme_header())[..1]).as_bytes()).status, 200);
    let conn = open_db(&collector.db);
    let received_at: i64 =
        conn.query_row("SELECT received_at FROM cli_command_v2 WHERE batch_id = ?1", [&id], |r| r.get(0)).unwrap();
    assert_eq!(received_at % 86_400, 0);
}

#[test]
fn metrics_and_healthz_answer() {
    let dir = temp_dir("metrics");
    let collector = start(&dir, &[]);
    let health = get(collector.addr, "/healthz");
    assert_eq!(health.status, 200);
    assert_eq!(health.json()["status"], "ok");
    post(collector.addr, batch_body(&batch_id(7), &acme_envelopes(&acme_header())).as_bytes());
    post(collector.addr, b"nope");
    let metrics = get(collector.addr, "/metrics");
    assert_eq!(metrics.status, 200);
    assert!(metrics.header("content-type").unwrap().starts_with("text/plain"));
    let text = String::from_utf8(metrics.body).unwrap();
    for line in [
        "telemetry_collector_batches_total 1\n",
        "telemetry_collector_events_stored_total 10\n",
        "telemetry_collector_quarantined_total{reason=\"not_json\"} 1\n",
        "telemetry_collector_requests_total{outcome=\"not_a_batch\"} 1\n",
        "telemetry_collector_store_commit_seconds_count 2\n",
        "telemetry_collector_queue_depth 0\n",
    ] {
        assert!(text.contains(line), "no {line:?} in\n{text}");
    }
    assert_eq!(get(collector.addr, "/nope").status, 404);
    assert_eq!(request(collector.addr, "GET", "/v1/batch", &[], b"").status, 405);
}

#[test]
fn sigterm_finishes_in_flight_batches_then_exits() {
    let dir = temp_dir("sigterm");
    let mut collector = start(&dir, &[]);
    let addr = collector.addr;
    let envelopes = acme_envelopes(&acme_header());
    let posters: Vec<_> = (0..4u64)
        .map(|thread| {
            let envelopes = envelopes.clone();
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for n in 0..200u64 {
                    let id = batch_id(thread * 1_000 + n);
                    let Ok(mut stream) = TcpStream::connect(addr) else { break };
                    let body = batch_body(&id, &envelopes);
                    let head = format!(
                        "POST /v1/batch HTTP/1.1\r\nHost: c\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    if stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body.as_bytes())).is_err() {
                        break;
                    }
                    match read_response(&mut stream) {
                        Ok(response) if response.status == 200 => acknowledged.push(id),
                        _ => break,
                    }
                }
                acknowledged
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let status = collector.terminate(Duration::from_secs(30));
    assert!(status.success(), "{status:?}\n{}", collector.logs());
    let acknowledged: Vec<String> = posters.into_iter().flat_map(|p| p.join().unwrap()).collect();
    assert!(!acknowledged.is_empty());
    let conn = open_db(&collector.db);
    for id in &acknowledged {
        let n: i64 =
            conn.query_row("SELECT count(*) FROM cli_command_v2 WHERE batch_id = ?1", [id], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "acknowledged batch {id} is missing");
    }
    assert!(collector.logs().contains("collector stopped"));
}

#[test]
fn a_full_queue_answers_503_at_once() {
    let dir = temp_dir("queue-full");
    let collector = start(
        &dir,
        &["--queue-capacity", "1", "--max-group", "1", "--sqlite-busy-timeout", "10s", "--retry-after", "2"],
    );
    let body = |n: u64| batch_body(&batch_id(n), &acme_envelopes(&acme_header())[..1]);
    // Hold the write lock: the writer takes batch 1 and waits in its commit; batch 2 fills the queue.
    let blocker = open_db(&collector.db);
    blocker.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let addr = collector.addr;
    let first = std::thread::spawn(move || post(addr, body(1).as_bytes()));
    std::thread::sleep(Duration::from_millis(300));
    let second = std::thread::spawn(move || post(addr, body(2).as_bytes()));
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    let third = post(addr, body(3).as_bytes());
    assert!(started.elapsed() < Duration::from_secs(2), "a full queue must not make the client wait");
    assert_eq!(third.status, 503);
    assert_eq!(third.header("retry-after"), Some("2"));
    assert_eq!(third.json()["error"], "overloaded");
    let metrics = String::from_utf8(get(addr, "/metrics").body).unwrap();
    assert!(metrics.contains("telemetry_collector_queue_depth 1\n"), "{metrics}");
    blocker.execute_batch("ROLLBACK").unwrap();
    assert_eq!(first.join().unwrap().status, 200);
    assert_eq!(second.join().unwrap().status, 200);
    assert_eq!(event_rows(&open_db(&collector.db), &model()), 2, "the refused batch was not stored");
}

#[test]
fn ddl_prints_one_table_per_event_version() {
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
        .args(["ddl", "--dialect", "sqlite", "--schemas"])
        .arg(schemas_dir())
        .output()
        .unwrap();
    assert!(output.status.success());
    let ddl = String::from_utf8(output.stdout).unwrap();
    for table in model().tables {
        assert!(ddl.contains(&format!("CREATE TABLE \"{}\" (", table.name)), "{}", table.name);
    }
    assert!(
        ddl.contains(
            r#""command" TEXT NOT NULL CHECK ("command" IN ('init', 'dev', 'build', 'deploy', 'upgrade', 'telemetry'))"#
        ),
        "{ddl}"
    );
    // The DDL applies to a fresh SQLite database as printed.
    let conn = rusqlite::Connection::open_in_memory().unwrap();
    conn.execute_batch(&ddl).unwrap();
}
