//! Shared by the collector's integration tests: the real binary on a loopback port with a temporary SQLite
//! file, a minimal HTTP/1.1 client over `TcpStream`, and acme envelopes (real types, or random from metadata).
#![allow(dead_code)]

mod random;
pub mod warehouse;
mod wire;
#[allow(unused_imports)]
pub use random::*;
pub use wire::*;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use rusqlite::types::ValueRef;
use serde_json::{Map, Value, json};
use telemetry_collector::model::{ColumnType, Model};

/// The tables, as the collector computes them.
pub fn model() -> Model {
    let bundle: Value = serde_json::from_slice(&std::fs::read(schemas_dir().join("bundle.json")).unwrap()).unwrap();
    Model::from_bundle(&bundle).unwrap()
}

/// A fresh, empty folder under cargo's temporary folder for tests.
pub fn temp_dir(name: &str) -> PathBuf {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
        "collector-{name}-{}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::Relaxed)
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A collector process.
pub struct Running {
    pub child: Child,
    pub addr: SocketAddr,
    pub logs: Arc<Mutex<String>>,
    pub db: PathBuf,
}

/// Starts the real binary on `127.0.0.1:0` with the workspace's schemas and `dir/telemetry.db`, and waits
/// until it listens.
pub fn start(dir: &Path, extra: &[&str]) -> Running {
    start_with_schemas(dir, &schemas_dir(), extra)
}

pub fn start_with_schemas(dir: &Path, schemas: &Path, extra: &[&str]) -> Running {
    let db = dir.join("telemetry.db");
    start_process(schemas, &format!("sqlite:{}", db.display()), db, extra)
}

/// Starts the real binary on `127.0.0.1:0` with the workspace's schemas and the store `store`.
pub fn start_with_store(store: &str, extra: &[&str]) -> Running {
    start_process(&schemas_dir(), store, PathBuf::new(), extra)
}

/// Starts the real binary on `127.0.0.1:0` with the schemas of `schemas` and the store `store`.
pub fn start_with_schemas_and_store(schemas: &Path, store: &str, extra: &[&str]) -> Running {
    start_process(schemas, store, PathBuf::new(), extra)
}

fn start_process(schemas: &Path, store: &str, db: PathBuf, extra: &[&str]) -> Running {
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_telemetry-collector"))
        .args(["--listen", "127.0.0.1:0", "--log-format", "json", "--schemas"])
        .arg(schemas)
        .arg("--store")
        .arg(store)
        .args(extra)
        .env("RUST_LOG", "debug")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let logs = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let sink = Arc::clone(&logs);
    std::thread::spawn(move || {
        let mut tx = Some(tx);
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if line.contains("collector ready")
                && let Some(tx) = tx.take()
            {
                let _ = tx.send(line.clone());
            }
            let mut logs = sink.lock().unwrap();
            logs.push_str(&line);
            logs.push('\n');
        }
    });
    let ready = match rx.recv_timeout(Duration::from_secs(60)) {
        Ok(line) => line,
        Err(_) => {
            let _ = child.kill();
            panic!("the collector did not start:\n{}", logs.lock().unwrap());
        }
    };
    let url = ready.split("http://").nth(1).and_then(|rest| rest.split('/').next()).unwrap();
    Running { child, addr: url.parse().unwrap(), logs, db }
}

impl Running {
    /// SIGTERM, then wait for the exit (at most `limit`).
    pub fn terminate(&mut self, limit: Duration) -> std::process::ExitStatus {
        let status = std::process::Command::new("kill").arg("-TERM").arg(self.child.id().to_string()).status().unwrap();
        assert!(status.success());
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the collector did not stop within {limit:?}");
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().clone()
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// One request on a fresh connection (`Connection: close`).
pub fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Response {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: collector\r\nConnection: close\r\n");
    if method == "POST" {
        head.push_str(&format!("Content-Length: {}\r\n", body.len()));
    }
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("\r\n");
    // The server may answer and close before reading a body it refuses: a failed write is not the test's end.
    let _ = stream.write_all(head.as_bytes()).and_then(|()| stream.write_all(body));
    read_response(&mut stream).unwrap_or_else(|error| panic!("no response to {method} {path}: {error}"))
}

pub fn post(addr: SocketAddr, body: &[u8]) -> Response {
    request(addr, "POST", "/v1/batch", &[("Content-Type", "application/json")], body)
}

pub fn get(addr: SocketAddr, path: &str) -> Response {
    request(addr, "GET", path, &[], b"")
}

/// Rows of an event table whose `batch_id` is `batch_id`, each as column name → JSON value (integers as
/// numbers, text as strings, NULL as null), in insertion order.
pub fn rows(conn: &rusqlite::Connection, table: &str, batch_id: &str) -> Vec<Map<String, Value>> {
    let mut statement = conn.prepare(&format!("SELECT * FROM \"{table}\" WHERE batch_id = ?1 ORDER BY rowid")).unwrap();
    let names: Vec<String> = statement.column_names().into_iter().map(str::to_owned).collect();
    let mut rows = statement.query([batch_id]).unwrap();
    let mut out = Vec::new();
    while let Some(row) = rows.next().unwrap() {
        let mut map = Map::new();
        for (i, name) in names.iter().enumerate() {
            let value = match row.get_ref(i).unwrap() {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(n) => json!(n),
                ValueRef::Real(f) => json!(f),
                ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
                ValueRef::Blob(b) => json!(b),
            };
            map.insert(name.clone(), value);
        }
        out.push(map);
    }
    out
}

/// What a stored row must hold for an envelope: each column's value looked up in the envelope by its path
/// (bools as 0/1, sets as their JSON text), `null` for an absent field.
pub fn expected_row(model: &Model, envelope: &Value, batch_id: &str, received_at: i64) -> (String, Map<String, Value>) {
    let event = envelope["event"].as_str().unwrap();
    let version = u32::try_from(envelope["schema_version"].as_u64().unwrap()).unwrap();
    let (_, table) = model.table(event, version).unwrap();
    let mut map = Map::new();
    for column in &table.columns {
        let value = match column.name.as_str() {
            "batch_id" => json!(batch_id),
            "received_at" => json!(received_at),
            _ => {
                let found = column.path.iter().try_fold(envelope, |v, key| v.get(key));
                match (found, &column.ty) {
                    (None, _) => Value::Null,
                    (Some(Value::Bool(b)), ColumnType::Bool) => json!(i64::from(*b)),
                    (Some(set @ Value::Array(_)), ColumnType::EnumSet(_)) => json!(set.to_string()),
                    (Some(other), _) => other.clone(),
                }
            }
        };
        map.insert(column.name.clone(), value);
    }
    (table.name.clone(), map)
}

/// Counts the rows of every event table.
pub fn event_rows(conn: &rusqlite::Connection, model: &Model) -> i64 {
    model
        .tables
        .iter()
        .map(|t| conn.query_row(&format!("SELECT count(*) FROM \"{}\"", t.name), [], |r| r.get::<_, i64>(0)).unwrap())
        .sum()
}

pub fn open_db(path: &Path) -> rusqlite::Connection {
    rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE).unwrap()
}
