//! Shared by the integration tests: products, events, temp dirs and a captured stderr.
#![allow(dead_code, unreachable_pub)]

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};

use telemetry_schema::{ConfigSwitch, Product, TelemetryEvent};

pub const OPT_OUT: Product = Product::builder("Acme", "acme", telemetry_schema::Version::new(1, 4, 0))
    .env_prefix("ACME")
    .opt_out()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose("Acme collects anonymous usage data.")
    .cli_command("acme telemetry")
    .config_switch(ConfigSwitch::json("acme.config.json", "telemetry"))
    .build();

pub const OPT_IN: Product = Product::builder("Authly", "authly", telemetry_schema::Version::new(1, 4, 0))
    .env_prefix("AUTHLY")
    .opt_in()
    .endpoint("https://telemetry.acme.example/v1/batch")
    .purpose("Acme collects anonymous usage data.")
    .config_switch(ConfigSwitch::json("acme.config.json", "telemetry"))
    .build();

/// Sent by the tests.
#[derive(Debug, Clone, TelemetryEvent)]
pub struct Counted {
    /// A sequence number, to check order.
    pub n: u32,
}

/// Sent by the tests, one in ten.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(sample_rate = 0.1)]
pub struct Sampled {
    /// A sequence number.
    pub n: u32,
}

/// A component, sampled by value in [`Mounted`]: forms always, the menu one time in ten.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, telemetry_schema::TelemetryEnum)]
pub enum Component {
    /// The sign-in form.
    SignIn,
    /// The account menu.
    #[telemetry(sample_rate = 0.1)]
    UserButton,
}

/// Sent by the tests, sampled by the value of `component`.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(sample_by = "component")]
pub struct Mounted {
    /// Which component.
    pub component: Component,
    /// A sequence number.
    pub n: u32,
}

/// Sent by the tests until the end of 2020: expired for good.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(expires = "2020-12-31")]
pub struct Expired {
    /// A sequence number.
    pub n: u32,
}

/// Sent by the tests until the last day the toolkit can write.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(expires = "9999-12-31")]
pub struct ExpiresLater {
    /// A sequence number.
    pub n: u32,
}

/// Sent by the tests, throttled.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(dedup = "24h")]
pub struct Throttled {
    /// The payload that is compared.
    pub value: u32,
}

/// A directory under the system temp dir, removed on drop. Never the real home.
#[derive(Debug)]
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(label: &str) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("tc-{label}-{}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path).expect("the temp dir is writable");
        Self(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    /// Every file and directory below the temp dir.
    pub fn entries(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
                out.push(entry.path());
                if entry.path().is_dir() {
                    walk(&entry.path(), out);
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.0, &mut out);
        out
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A `Write` that keeps what is written, for checking stderr output.
#[derive(Debug, Clone, Default)]
pub struct Captured(Arc<Mutex<Vec<u8>>>);

impl Captured {
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// Runs `f` on its own thread and returns its result, or panics if it takes longer than `limit`: a test of
/// "never hangs the host" must fail, not hang, when the host would hang. (A hung thread is left behind; the test
/// process exits anyway.)
pub fn within<T: Send + 'static>(limit: std::time::Duration, what: &str, f: impl FnOnce() -> T + Send + 'static) -> T {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(f());
    });
    match rx.recv_timeout(limit) {
        Ok(value) => value,
        Err(_) => panic!("{what} did not finish within {limit:?}: it hangs"),
    }
}

/// Makes a named pipe at `path` (with the system's `mkfifo`; std has no call for it).
#[cfg(unix)]
pub fn mkfifo(path: &Path) {
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {}", path.display());
}
