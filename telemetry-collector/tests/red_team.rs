//! Inputs an attacker or a confused client sends that the first round of tests did not: header lists, bodies
//! labelled with the wrong encoding, text a body smuggles into `quarantine.problems`, logs read next to the
//! database, bundles whose event names collide, concurrent retries, broken start-ups.

mod support;

use std::time::Duration;

use serde_json::{Value, json};
use support::*;
use telemetry_collector::model::Model;

/// A request with its own headers, several of a name allowed (the support client sends each pair as given).
fn post_with(addr: std::net::SocketAddr, headers: &[(&str, &str)], body: &[u8]) -> Response {
    request(addr, "POST", "/v1/batch", headers, body)
}

fn quarantine_rows(db: &std::path::Path) -> i64 {
    open_db(db).query_row("SELECT count(*) FROM quarantine", [], |r| r.get(0)).unwrap()
}

#[test]
fn content_encoding_is_read_from_every_header_and_case_insensitively() {
    let dir = temp_dir("encodings");
    let collector = start(&dir, &[]);
    let one = |n: u64| batch_body(&batch_id(n), &acme_envelopes(&acme_header())[..1]).into_bytes();

    // Content codings are case-insensitive (RFC 9110 8.4.1): GZIP is accepted, and so must IDENTITY be.
    let response = post_with(collector.addr, &[("Content-Encoding", "IDENTITY")], &one(1));
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));

    // Two header fields are one list (RFC 9110 5.3): `identity` then `gzip` is a gzip body.
    let response =
        post_with(collector.addr, &[("Content-Encoding", "identity"), ("Content-Encoding", "gzip")], &gzip(&one(2)));
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["stored"], 1);

    // gzip applied twice is refused the same way whether it is said in one header or in two: 415, and nothing
    // lands in quarantine (the body was never read as a batch).
    let twice = gzip(&gzip(&one(3)));
    let in_one = post_with(collector.addr, &[("Content-Encoding", "gzip, gzip")], &twice);
    let in_two = post_with(collector.addr, &[("Content-Encoding", "gzip"), ("Content-Encoding", "gzip")], &twice);
    assert_eq!(in_one.status, 415, "{}", String::from_utf8_lossy(&in_one.body));
    assert_eq!(in_two.status, 415, "{}", String::from_utf8_lossy(&in_two.body));
    assert_eq!(quarantine_rows(&collector.db), 0);
}

#[test]
fn a_body_labelled_gzip_that_is_not_gzip_is_bad_gzip_not_too_large() {
    let dir = temp_dir("not-gzip");
    let collector = start(&dir, &[]);
    // A client that says gzip and sends plain JSON: the last four bytes (`"]}` ...) read as a gzip trailer
    // announce gigabytes. The answer must say what is wrong (not gzip), not "send smaller batches".
    let plain = batch_body(&batch_id(1), &acme_envelopes(&acme_header())[..1]).into_bytes();
    let response = post_with(collector.addr, &[("Content-Encoding", "gzip")], &plain);
    assert_eq!(response.status, 400, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["error"], "bad_gzip");
}

#[test]
fn debug_logs_do_not_pair_a_batch_id_with_its_exact_arrival_time() {
    // Rows carry the batch id and a received time rounded to the hour. A log line with a microsecond timestamp
    // and the batch id would undo the rounding for every row of the batch (install id included).
    let dir = temp_dir("log-time");
    let mut collector = start(&dir, &[]);
    let id = batch_id(77);
    let mut envelopes = acme_envelopes(&acme_header());
    envelopes.push(acme_envelopes(&acme_header())[0].replace("\"deploy\"", "\"free text\""));
    assert_eq!(post(collector.addr, batch_body(&id, &envelopes).as_bytes()).status, 200);
    assert_eq!(post(collector.addr, batch_body(&id, &envelopes).as_bytes()).json()["status"], "duplicate");
    assert!(collector.terminate(Duration::from_secs(30)).success());
    let logs = collector.logs();
    assert!(logs.contains("batch stored"), "debug logs were on:\n{logs}");
    assert!(!logs.contains(&id), "a log line pairs the batch id with its exact time:\n{logs}");
}

#[test]
fn problems_quote_a_bounded_slice_of_what_was_sent() {
    // `--quarantine-bytes 0` keeps no bytes of a body; the problems must not carry the body in anyway, nor
    // grow with it: whatever text they quote from a body is cut like pointers and event names are.
    let dir = temp_dir("problems-echo");
    let collector = start(&dir, &["--quarantine-bytes", "0"]);
    let secret = format!("alice@example.com{}", "x".repeat(8_000));
    let mut envelope: Value = serde_json::from_str(&acme_envelopes(&acme_header())[0]).unwrap();
    envelope["payload"][secret.as_str()] = json!(1);
    envelope["install_id"] = json!(secret);
    let bodies = [
        batch_body(&batch_id(1), &[envelope.to_string()]),
        format!(r#"{{"batch_id":"{}","events":"{secret}"}}"#, batch_id(2)),
        format!(r#"{{"batch_id":"{}","events":[],"{secret}":1}}"#, batch_id(3)),
    ];
    for body in &bodies {
        let response = post(collector.addr, body.as_bytes());
        assert!(response.body.len() < 4_096, "the answer quotes {} bytes", response.body.len());
    }
    let conn = open_db(&collector.db);
    let mut statement = conn.prepare("SELECT length(body), problems FROM quarantine").unwrap();
    let rows: Vec<(i64, String)> =
        statement.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).unwrap().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 3);
    for (body, problems) in rows {
        assert_eq!(body, 0);
        assert!(problems.len() < 4_096, "problems of {} bytes: {}", problems.len(), &problems[..300]);
        let problems: Value = serde_json::from_str(&problems).unwrap();
        for problem in problems.as_array().unwrap() {
            for key in ["pointer", "expected"] {
                let text = problem[key].as_str().unwrap();
                let quoted = text.matches('x').count();
                assert!(quoted <= 256, "{key} quotes {quoted} bytes of the body: {text}");
            }
        }
    }
}

/// The bundle with one more event: a copy of `ERROR_FEEDBACK.v1` named `name`.
fn bundle_with_copy(name: &str) -> Value {
    let mut bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    let copy = bundle["$defs"]["ERROR_FEEDBACK.v1"].clone();
    bundle["$defs"][format!("{name}.v1")] = copy;
    bundle
}

/// Why `Model::from_bundle` refuses `bundle` (the model itself is too large to print on failure).
fn refusal(bundle: &Value) -> String {
    match Model::from_bundle(bundle) {
        Ok(_) => panic!("the bundle was accepted"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn event_names_that_differ_only_in_case_do_not_share_a_table() {
    // Event names are `[A-Za-z][A-Za-z0-9_]*` (`#[telemetry(name = "error_feedback")]` is legal next to
    // ERROR_FEEDBACK). Both would be table `error_feedback_v1`, and rows of two events would mix in it with
    // nothing to tell them apart. The collector must refuse such a bundle with a message instead.
    let error = refusal(&bundle_with_copy("error_feedback"));
    assert!(error.contains("error_feedback_v1"), "{error}");
    // SQL identifiers are case-insensitive too: two fields whose names differ in case share a column.
    let mut bundle = bundle_with_copy("OTHER_FEEDBACK");
    let code = bundle["$defs"]["OTHER_FEEDBACK.v1"]["properties"]["code"].clone();
    bundle["$defs"]["OTHER_FEEDBACK.v1"]["properties"]["CODE"] = code;
    let error = refusal(&bundle);
    assert!(error.contains("CODE") && error.contains("code"), "{error}");
}

#[test]
fn one_batch_id_posted_concurrently_is_stored_once_and_every_post_is_acknowledged() {
    let dir = temp_dir("race");
    let collector = start(&dir, &[]);
    let id = batch_id(5);
    let body = batch_body(&id, &acme_envelopes(&acme_header()));
    let addr = collector.addr;
    let posters: Vec<_> = (0..8)
        .map(|_| {
            let body = body.clone();
            std::thread::spawn(move || post(addr, body.as_bytes()))
        })
        .collect();
    let mut statuses: Vec<String> = posters
        .into_iter()
        .map(|p| {
            let response = p.join().unwrap();
            assert_eq!(response.status, 200);
            response.json()["status"].as_str().unwrap().to_owned()
        })
        .collect();
    statuses.sort();
    assert_eq!(statuses, [vec!["duplicate".to_owned(); 7], vec!["stored".to_owned()]].concat());
    assert_eq!(event_rows(&open_db(&collector.db), &model()), 10);
}

#[test]
fn a_reused_batch_id_with_other_events_is_a_duplicate_and_stores_nothing_more() {
    // The batch id is the client's promise that the body is a retry. A different batch under a stored id is
    // not detected: it is answered "duplicate" and its events are not stored (docs/collector.md says so).
    let dir = temp_dir("reused-id");
    let collector = start(&dir, &[]);
    let id = batch_id(6);
    let envelopes = acme_envelopes(&acme_header());
    assert_eq!(post(collector.addr, batch_body(&id, &envelopes[..1]).as_bytes()).json()["stored"], 1);
    let second = post(collector.addr, batch_body(&id, &envelopes[1..]).as_bytes());
    assert_eq!(second.status, 200);
    assert_eq!(second.json()["status"], "duplicate");
    assert_eq!(event_rows(&open_db(&collector.db), &model()), 1);
}

#[test]
fn broken_start_ups_exit_1_with_a_message_and_no_panic() {
    let dir = temp_dir("start-ups");
    let corrupt = dir.join("corrupt.db");
    std::fs::write(&corrupt, b"SQLite format 3\0 and then nothing a database would hold".repeat(200)).unwrap();
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    let malformed = dir.join("malformed");
    std::fs::create_dir_all(&malformed).unwrap();
    std::fs::write(malformed.join("bundle.json"), b"{\"$defs\": ").unwrap();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let taken = taken.local_addr().unwrap().to_string();
    let good_db = format!("sqlite:{}", dir.join("ok.db").display());
    let schemas = schemas_dir();
    let schemas = schemas.to_str().unwrap();
    let corrupt = format!("sqlite:{}", corrupt.display());
    let any = "127.0.0.1:0";
    let cases: [([&str; 6], &str); 4] = [
        (["--listen", any, "--schemas", schemas, "--store", &corrupt], "not a database"),
        (["--listen", any, "--schemas", empty.to_str().unwrap(), "--store", &good_db], "bundle.json"),
        (["--listen", any, "--schemas", malformed.to_str().unwrap(), "--store", &good_db], "not JSON"),
        (["--listen", &taken, "--schemas", schemas, "--store", &good_db], "cannot listen"),
    ];
    for (args, message) in cases {
        let output = std::process::Command::new(env!("CARGO_BIN_EXE_telemetry-collector")).args(args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(1), "{args:?}: {stderr}");
        assert!(stderr.contains(message), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
    }
}

#[test]
fn a_payload_field_named_like_an_envelope_column_gets_a_column_of_its_own() {
    // `sdk_version: Version` compiles in an SDK (field names are `[A-Za-z][A-Za-z0-9_-]*`); the envelope's
    // `sdk.version` is flattened to the same `sdk_version`.
    let mut bundle = bundle_with_copy("SDK_INFO");
    bundle["$defs"]["SDK_INFO.v1"]["properties"]["sdk_version"] = json!({"type": "boolean", "description": "x"});
    let model = Model::from_bundle(&bundle).unwrap_or_else(|error| panic!("{error}"));
    let (_, table) = model.table("SDK_INFO", 1).unwrap();
    assert_eq!(table.columns.iter().filter(|c| c.path.last().is_some_and(|k| k == "sdk_version")).count(), 1);
}

#[test]
fn an_event_named_sqlite_something_can_be_stored() {
    use telemetry_collector::store::Store as _;
    use telemetry_collector::store::sqlite::{SqliteOptions, SqliteStore};
    let dir = temp_dir("sqlite-prefix");
    let model = Model::from_bundle(&bundle_with_copy("SQLITE_QUERY")).unwrap();
    let mut store = SqliteStore::open(&dir.join("t.db"), SqliteOptions::default()).unwrap();
    store.migrate(&model).unwrap_or_else(|error| panic!("{error}"));
}

#[test]
fn out_of_range_counts_are_refused_on_the_command_line_not_by_a_panic() {
    // Semaphores and channels panic past 2^61 permits, and `--max-group` was an allocation of that many slots:
    // the process panicked at start-up (after logging "collector ready", for --max-connections), or aborted
    // out of memory, or lost its writer thread while the server kept answering.
    let dir = temp_dir("counts");
    let store = format!("sqlite:{}", dir.join("t.db").display());
    let schemas = schemas_dir();
    let mut cases: Vec<(&str, &str)> = Vec::new();
    for option in ["--queue-capacity", "--max-in-flight", "--max-connections", "--max-group"] {
        cases.extend([(option, "18446744073709551615"), (option, "100000000000")]);
    }
    // SQLite's busy timeout is an i32 of milliseconds: rusqlite panicked "too big" past 24 days.
    cases.push(("--sqlite-busy-timeout", "999999999d"));
    for (option, value) in cases {
        {
            let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
                .args(["--listen", "127.0.0.1:0", "--store", &store, option, value, "--schemas"])
                .arg(&schemas)
                .stdout(std::process::Stdio::null())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .unwrap();
            // A collector that accepted the value would serve: stop it after a while and read what it said.
            let deadline = std::time::Instant::now() + Duration::from_secs(20);
            while child.try_wait().unwrap().is_none() && std::time::Instant::now() < deadline {
                std::thread::sleep(Duration::from_millis(50));
            }
            let _ = child.kill();
            let output = child.wait_with_output().unwrap();
            let stderr = String::from_utf8_lossy(&output.stderr);
            assert_eq!(output.status.code(), Some(2), "{option} {value}: {stderr}");
            assert!(stderr.contains(option), "{option} {value}: {stderr}");
            assert!(
                !stderr.contains("panicked") && !stderr.contains("memory allocation"),
                "{option} {value}: {stderr}"
            );
        }
    }
}

/// A store whose commit panics, as a bug in a store would.
struct PanickingStore;

impl telemetry_collector::store::Store for PanickingStore {
    fn migrate(&mut self, _: &Model) -> Result<Vec<String>, telemetry_collector::store::StoreError> {
        Ok(Vec::new())
    }
    fn commit(
        &mut self,
        _: &[telemetry_collector::store::PreparedBatch],
    ) -> Result<Vec<telemetry_collector::store::CommitOutcome>, telemetry_collector::store::StoreError> {
        panic!("a bug in a store");
    }
    fn check(&mut self) -> Result<(), telemetry_collector::store::StoreError> {
        Ok(())
    }
}

#[test]
fn a_writer_thread_that_died_makes_healthz_unhealthy() {
    // Every batch is then answered 503 for ever; /healthz must not keep saying "ok".
    let metrics = std::sync::Arc::new(telemetry_collector::metrics::Metrics::default());
    let (handle, thread) = telemetry_collector::writer::spawn(Box::new(PanickingStore), 4, 4, metrics).unwrap();
    assert!(handle.healthy());
    let pending = handle.submit(telemetry_collector::store::PreparedBatch::default()).unwrap();
    assert!(pending.blocking_recv().is_err(), "the writer died without answering");
    assert!(thread.join().is_err());
    assert!(!handle.healthy(), "a dead writer reported healthy");
}

#[test]
fn slow_bodies_do_not_shut_out_other_clients() {
    use std::io::Write as _;
    let dir = temp_dir("slow-bodies");
    let collector = start(&dir, &["--max-in-flight", "2", "--body-timeout", "5s"]);
    let slow: Vec<std::net::TcpStream> = (0..2)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(collector.addr).unwrap();
            stream.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let body = batch_body(&batch_id(1), &acme_envelopes(&acme_header())[..1]);
    let response = post(collector.addr, body.as_bytes());
    drop(slow);
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
}

#[test]
fn a_body_slower_than_the_minimum_rate_gets_408_long_before_the_body_timeout() {
    use std::io::Write as _;
    let dir = temp_dir("min-rate");
    let collector = start(&dir, &["--min-body-rate", "100", "--body-timeout", "60s"]);
    let mut stream = std::net::TcpStream::connect(collector.addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
    stream.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n{").unwrap();
    let started = std::time::Instant::now();
    // A byte every 200 ms is 5 bytes/s: past the first second, the average falls under 100 bytes/s.
    let trickle = std::thread::spawn({
        let mut stream = stream.try_clone().unwrap();
        move || {
            for _ in 0..50 {
                std::thread::sleep(Duration::from_millis(200));
                if stream.write_all(b" ").is_err() {
                    break;
                }
            }
        }
    });
    let response = read_response(&mut stream).unwrap();
    assert_eq!(response.status, 408, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["error"], "body_too_slow");
    let message = response.json()["message"].as_str().unwrap().to_owned();
    assert!(message.contains("--min-body-rate"), "{message}");
    assert!(started.elapsed() < Duration::from_secs(10), "answered after {:?}", started.elapsed());
    drop(stream);
    trickle.join().unwrap();
}

#[test]
fn many_slow_bodies_hold_no_slot_and_a_fast_one_is_stored() {
    // More slow clients than `--max-in-flight`, the rate check off: a slow body holds only the bytes it sent.
    use std::io::Write as _;
    let dir = temp_dir("many-slow");
    let collector = start(&dir, &["--max-in-flight", "2", "--min-body-rate", "0", "--body-timeout", "30s"]);
    let slow: Vec<std::net::TcpStream> = (0..16)
        .map(|_| {
            let mut stream = std::net::TcpStream::connect(collector.addr).unwrap();
            stream.write_all(b"POST /v1/batch HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n{\"batch").unwrap();
            stream
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    for n in 0..3 {
        let body = batch_body(&batch_id(n), &acme_envelopes(&acme_header())[..1]);
        let response = post(collector.addr, body.as_bytes());
        assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    }
    drop(slow);
}

/// The names a payload field can take that the stores already use for a column of their own: the collector's
/// (`batch_id`, `received_at`), ClickHouse's `row_index`, the envelope's (`sdk_version`, `install_id`), and a group
/// `context` with a field `os` (the envelope's `context_os`).
const RESERVED_PAYLOAD_NAMES: [&str; 5] = ["batch_id", "received_at", "row_index", "sdk_version", "install_id"];

/// A bundle with `SQLITE_QUERY.v1` (a copy of `ERROR_FEEDBACK.v1`), `Sqlite_Stat.v1` (another), and `SDK_INFO.v1`
/// whose payload has a field of every reserved name and a group `context` with `os`.
fn bundle_with_reserved_names() -> Value {
    let mut bundle = bundle_with_copy("SQLITE_QUERY");
    bundle["$defs"]["Sqlite_Stat.v1"] = bundle["$defs"]["ERROR_FEEDBACK.v1"].clone();
    bundle["$defs"]["SDK_INFO.v1"] = bundle["$defs"]["ERROR_FEEDBACK.v1"].clone();
    let info = &mut bundle["$defs"]["SDK_INFO.v1"]["properties"];
    for name in RESERVED_PAYLOAD_NAMES {
        info[name] = json!({"type": "boolean", "description": "x"});
    }
    info["context"] = json!({
        "type": "object", "description": "x", "additionalProperties": false,
        "properties": {"os": {"type": "boolean", "description": "x"}}, "required": ["os"]
    });
    bundle
}

#[test]
fn reserved_table_and_column_names_are_mapped_the_same_way_in_every_dialect() {
    let model = Model::from_bundle(&bundle_with_reserved_names()).unwrap_or_else(|error| panic!("{error}"));
    for (event, table) in [("SQLITE_QUERY", "event_sqlite_query_v1"), ("Sqlite_Stat", "event_sqlite_stat_v1")] {
        assert_eq!(model.table(event, 1).unwrap().1.name, table);
    }
    let (_, info) = model.table("SDK_INFO", 1).unwrap();
    for name in RESERVED_PAYLOAD_NAMES {
        let column = info.columns.iter().find(|c| c.path == ["payload", name]).unwrap();
        assert_eq!(column.name, format!("payload_{name}"));
    }
    let os = info.columns.iter().find(|c| c.path == ["payload", "context", "os"]).unwrap();
    assert_eq!(os.name, "payload_context_os");
    // The envelope's columns keep their names (the stores that exist have them).
    for (name, path) in [("sdk_version", &["sdk", "version"][..]), ("context_os", &["context", "os"][..])] {
        assert_eq!(info.columns.iter().find(|c| c.name == name).unwrap().path, path);
    }
    // An event literally named EVENT_SQLITE_QUERY would now share a table: refused with both names.
    let mut bundle = bundle_with_reserved_names();
    bundle["$defs"]["EVENT_SQLITE_QUERY.v1"] = bundle["$defs"]["ERROR_FEEDBACK.v1"].clone();
    let error = refusal(&bundle);
    assert!(error.contains("SQLITE_QUERY") && error.contains("EVENT_SQLITE_QUERY"), "{error}");
    // And a payload field `payload_sdk_version` next to `sdk_version`: refused, naming both fields.
    let mut bundle = bundle_with_reserved_names();
    bundle["$defs"]["SDK_INFO.v1"]["properties"]["payload_sdk_version"] =
        json!({"type": "boolean", "description": "x"});
    let error = refusal(&bundle);
    assert!(error.contains("/payload/sdk_version") && error.contains("/payload/payload_sdk_version"), "{error}");
}

/// Stores a SQLITE_QUERY and an SDK_INFO event through the real binary into `store`, and checks the SDK_INFO row
/// that `read_row` reads back as JSON.
fn store_reserved_names(store: &str, read_row: impl Fn(&Model) -> Value) {
    let dir = temp_dir("reserved-names");
    let schemas = dir.join("schemas");
    std::fs::create_dir_all(&schemas).unwrap();
    let bundle = bundle_with_reserved_names();
    std::fs::write(schemas.join("bundle.json"), bundle.to_string()).unwrap();
    let model = Model::from_bundle(&bundle).unwrap();
    let collector = start_with_schemas_and_store(&schemas, store, &[]);
    let feedback = acme_envelopes(&acme_header())
        .into_iter()
        .map(|e| serde_json::from_str::<Value>(&e).unwrap())
        .find(|e| e["event"] == "ERROR_FEEDBACK")
        .unwrap();
    let mut query = feedback.clone();
    query["event"] = json!("SQLITE_QUERY");
    let mut info = feedback;
    info["event"] = json!("SDK_INFO");
    for name in RESERVED_PAYLOAD_NAMES {
        info["payload"][name] = json!(true);
    }
    info["payload"]["received_at"] = json!(false);
    info["payload"]["context"] = json!({"os": true});
    let response = post(collector.addr, batch_body(&batch_id(1), &[query.to_string(), info.to_string()]).as_bytes());
    assert_eq!(response.status, 200, "{}", String::from_utf8_lossy(&response.body));
    assert_eq!(response.json()["stored"], 2, "{}", response.json());
    let row = read_row(&model);
    let truthy = |name: &str| row[name] == json!(true) || row[name] == json!(1);
    for name in RESERVED_PAYLOAD_NAMES.iter().filter(|n| **n != "received_at") {
        assert!(truthy(&format!("payload_{name}")), "payload_{name} in {row}");
    }
    assert!(!truthy("payload_received_at") && truthy("payload_context_os"), "{row}");
    assert_eq!(row["sdk_version"], "0.1.0", "{row}");
    assert_eq!(row["context_os"], "linux", "{row}");
    assert_eq!(row["batch_id"], batch_id(1), "{row}");
    drop(collector);
}

#[test]
fn reserved_names_are_stored_in_sqlite() {
    let path = temp_dir("reserved-sqlite").join("t.db");
    store_reserved_names(&format!("sqlite:{}", path.display()), |_| {
        let conn = open_db(&path);
        let queries: i64 = conn.query_row("SELECT count(*) FROM event_sqlite_query_v1", [], |r| r.get(0)).unwrap();
        assert_eq!(queries, 1);
        rows(&conn, "sdk_info_v1", &batch_id(1)).into_iter().next().map(Value::Object).unwrap()
    });
}

#[test]
fn reserved_names_are_stored_in_postgres() {
    use support::warehouse::*;
    let Some(url) = server_url("TELEMETRY_TEST_POSTGRES_URL", "reserved_names_are_stored_in_postgres") else { return };
    let url = fresh_postgres(&url, "reserved");
    store_reserved_names(&url, |_| {
        let mut client = postgres::Client::connect(&url, postgres::NoTls).unwrap();
        let queries: i64 = client.query_one("SELECT count(*) FROM event_sqlite_query_v1", &[]).unwrap().get(0);
        assert_eq!(queries, 1);
        let row: String = client.query_one("SELECT row_to_json(t)::text FROM sdk_info_v1 t", &[]).unwrap().get(0);
        serde_json::from_str(&row).unwrap()
    });
    drop_postgres(&url);
}

#[test]
fn reserved_names_are_stored_in_clickhouse() {
    use support::warehouse::*;
    let Some(url) = server_url("TELEMETRY_TEST_CLICKHOUSE_URL", "reserved_names_are_stored_in_clickhouse") else {
        return;
    };
    let url = fresh_clickhouse(&url, "reserved");
    store_reserved_names(&url, |_| {
        assert_eq!(clickhouse_count(&url, "SELECT count() FROM event_sqlite_query_v1"), 1);
        serde_json::from_str(&clickhouse(&url, "SELECT * FROM sdk_info_v1 FORMAT JSONEachRow")).unwrap()
    });
    drop_clickhouse(&url);
}
