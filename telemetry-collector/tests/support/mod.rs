//! Shared by the collector's integration tests: the real binary on a loopback port with a temporary SQLite
//! file, a minimal HTTP/1.1 client over `TcpStream`, and acme envelopes (real types, or random from metadata).
#![allow(dead_code)]

pub mod warehouse;
mod wire;
pub use wire::*;

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use example_sdk::events::*;
use rusqlite::types::ValueRef;
use serde_json::{Map, Value, json};
use telemetry_collector::model::{ColumnType, Model};
use telemetry_schema::{
    AnonymousId, Bound, CollectableKind, CountWidth, EnvelopeHeader, EventMeta, FieldBound, FieldMeta, PreTag,
    ProjectId, TelemetryEvent, Version, write_envelope,
};

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

/// The example events' metadata.
pub fn example_metas() -> Vec<&'static EventMeta> {
    vec![
        &CliCommand::META,
        &ProjectCreated::META,
        &BuildFinished::META,
        &DevServerStarted::META,
        &FeatureUsage::META,
        &ComponentMounted::META,
        &AuthInit::META,
        &DeployFinished::META,
        &SdkUpgraded::META,
        &ErrorFeedback::META,
    ]
}

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }

    /// Mostly edges: 0, the maximum, small numbers, anything.
    pub fn up_to(&mut self, max: u64) -> u64 {
        match self.below(4) {
            0 => 0,
            1 => max,
            2 => self.below(max.min(1000) + 1),
            _ => self.below(max).max(1),
        }
    }

    pub fn version(&mut self) -> Version {
        let max = u64::from(telemetry_schema::MAX_COMPONENT);
        let mut c = || u32::try_from(self.up_to(max)).unwrap();
        let version = Version::new(c(), c(), c());
        match self.below(3) {
            0 => version,
            _ => {
                let tag = PreTag::ALL[usize::try_from(self.below(PreTag::ALL.len() as u64)).unwrap()];
                let number = (self.below(2) == 0).then(|| u32::try_from(self.up_to(max)).unwrap());
                version.with_pre_release(telemetry_schema::PreRelease::new(tag, number))
            }
        }
    }
}

/// The largest count SQLite's signed integers hold; durations above it are quarantined (`store_range`), which
/// a test of its own pins, so random valid values stay within it here.
const STORE_MAX: u64 = i64::MAX as u64;

/// A random valid value of `kind` under `bound` (`#[telemetry(max, buckets, precision)]`), as the serializer writes it.
fn random_value(kind: &CollectableKind, bound: &Bound, rng: &mut Rng) -> Option<Value> {
    Some(match kind {
        CollectableKind::Bool => json!(rng.below(2) == 0),
        CollectableKind::Count(width) => json!(bound.round(rng.up_to(CountWidth::max(*width).min(STORE_MAX)))),
        CollectableKind::DurationMillis => json!(bound.round(rng.up_to(STORE_MAX))),
        CollectableKind::Version => {
            let version = rng.version();
            json!(match bound.precision().parts() {
                Some(parts) => [version.major(), version.minor(), version.patch()]
                    .iter()
                    .take(parts)
                    .map(|part| bound.cap_part(*part).to_string())
                    .collect::<Vec<_>>()
                    .join("."),
                None => version.to_string(),
            })
        }
        CollectableKind::Enum(meta) => {
            json!(meta.variants()[usize::try_from(rng.below(meta.variants().len() as u64)).unwrap()].name())
        }
        CollectableKind::EnumSet(meta) => {
            Value::Array(meta.variants().iter().filter(|_| rng.below(2) == 0).map(|v| json!(v.name())).collect())
        }
        CollectableKind::Group(meta) => random_object(meta.fields(), meta.bounds(), rng),
        CollectableKind::Optional(inner) => {
            return (rng.below(2) == 0).then(|| random_value(inner, bound, rng)).flatten();
        }
        other => panic!("a kind this test does not know yet: {other:?}"),
    })
}

fn random_object(fields: &[FieldMeta], bounds: &[FieldBound], rng: &mut Rng) -> Value {
    let mut map = Map::new();
    for (index, field) in fields.iter().enumerate() {
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        if let Some(value) = random_value(&field.kind(), &bound, rng) {
            map.insert(field.name().to_owned(), value);
        }
    }
    Value::Object(map)
}

pub fn random_header(rng: &mut Rng) -> EnvelopeHeader {
    let mut bytes16 = || {
        let (a, b) = (rng.next().to_le_bytes(), rng.next().to_le_bytes());
        let mut out = [0u8; 16];
        out[..8].copy_from_slice(&a);
        out[8..].copy_from_slice(&b);
        out
    };
    let install_id = AnonymousId::from_random_bytes(bytes16());
    let session_id = AnonymousId::from_random_bytes(bytes16());
    let project = bytes16();
    let project_id = (rng.below(2) == 0).then(|| {
        let mut digest = [0u8; 32];
        digest[..16].copy_from_slice(&project);
        digest[16..].copy_from_slice(&project);
        ProjectId::from_salted_digest(digest)
    });
    let pick = |rng: &mut Rng, n: u64| usize::try_from(rng.below(n)).unwrap();
    let os = [Os::Linux, Os::MacOs, Os::Windows, Os::Bsd, Os::Other][pick(rng, 5)];
    let arch = [Arch::X86_64, Arch::Aarch64, Arch::Other][pick(rng, 3)];
    EnvelopeHeader {
        sdk_name: "acme",
        sdk_version: rng.version(),
        install_id,
        project_id,
        session_id,
        context: telemetry_schema::Context {
            os,
            arch,
            cpu_count: u16::try_from(rng.up_to(u64::from(u16::MAX))).unwrap(),
            is_ci: rng.below(2) == 0,
            is_tty: rng.below(2) == 0,
        },
    }
}

/// A random valid envelope of `meta`: the header through `write_envelope`, the payload from the metadata.
pub fn random_envelope(meta: &EventMeta, rng: &mut Rng) -> String {
    let payload = random_object(meta.fields(), meta.bounds(), rng);
    let header = random_header(rng);
    let mut out = String::new();
    write_envelope(&mut out, &header, &Stub {}).unwrap();
    let prefix = out.strip_suffix(r#""payload":{}}"#).unwrap();
    let prefix = prefix.replacen(
        r#""event":"STUB","schema_version":1"#,
        &format!(r#""event":"{}","schema_version":{}"#, meta.name(), meta.version()),
        1,
    );
    format!(r#"{prefix}"payload":{payload}}}"#)
}

/// Stands in for an event while writing a header.
#[derive(TelemetryEvent)]
struct Stub {}

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
