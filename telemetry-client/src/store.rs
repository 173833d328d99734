//! The persisted choice: a small JSON file in the platform configuration directory, read without trusting what
//! is at its path, changed only under a lock, and written atomically.

use std::fmt;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde::{Deserialize, Serialize};
use telemetry_schema::{AnonymousId, Product};

use crate::consent::SavedChoice;
use crate::env::Env;
use crate::ids::{self, Salt};

/// The name of the settings file inside the SDK's configuration directory.
pub const SETTINGS_FILE_NAME: &str = "telemetry.json";

/// The name of the lock file next to the settings file: every change to the settings file (`enable`, `disable`,
/// the first-run bookkeeping) re-reads and writes it while holding an advisory lock on this file.
pub const LOCK_FILE_NAME: &str = "telemetry.lock";

/// The most the client reads of any file (the settings file, the throttle file) and what
/// [`read_small_file`] allows: 64 KiB. A larger file is refused unread.
pub const MAX_FILE_BYTES: u64 = 64 * 1024;

/// The name of the throttle file (digests of recently sent payloads of events with a dedup window).
pub const THROTTLE_FILE_NAME: &str = "telemetry-throttle.json";

/// The platform configuration directory of an SDK, from the (injected) environment:
/// `$XDG_CONFIG_HOME/<sdk>` or `$HOME/.config/<sdk>` on Linux and the BSDs, `$HOME/Library/Application
/// Support/<sdk>` on macOS, `%APPDATA%\<sdk>` on Windows. `None` when the variables it needs are unset or
/// hold relative paths.
pub fn platform_config_dir(product: &Product, env: &dyn Env) -> Option<PathBuf> {
    // Relative paths are invalid (the XDG spec says so for XDG_CONFIG_HOME; a relative HOME would put the
    // install id in whatever directory the program runs in): ignored.
    let absolute = |name: &str| env.var(name).map(PathBuf::from).filter(|p| p.is_absolute());
    let base = if cfg!(target_os = "windows") {
        absolute("APPDATA")
    } else if cfg!(target_os = "macos") {
        absolute("HOME").map(|home| home.join("Library").join("Application Support"))
    } else {
        absolute("XDG_CONFIG_HOME").or_else(|| absolute("HOME").map(|home| home.join(".config")))
    }?;
    Some(base.join(product.sdk_name()))
}

/// What the settings file holds. Unknown keys are ignored so newer versions can add some.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Settings {
    /// The user's explicit choice; `None` until they run enable or disable.
    #[serde(default)]
    pub(crate) enabled: Option<bool>,
    /// The anonymous install id (32 hex digits), created when telemetry is first active.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) install_id: Option<String>,
    /// The salt of the project id (64 hex digits). Never sent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(crate) project_salt: Option<String>,
    /// Whether the first-run notice was shown.
    #[serde(default)]
    pub(crate) notice_shown: bool,
}

impl Settings {
    pub(crate) fn install_id(&self) -> Option<AnonymousId> {
        self.install_id.as_deref().and_then(AnonymousId::parse_hex)
    }

    pub(crate) fn salt(&self) -> Option<Salt> {
        self.project_salt.as_deref().and_then(telemetry_schema::hex::decode::<32>).map(Salt)
    }
}

/// Reads a small file without trusting what is at `path`: it never blocks (a named pipe is opened
/// non-blocking), it refuses anything but a regular file (a pipe, a device such as `/dev/zero`, a directory;
/// checked on the opened handle, so a symlink swapped in between cannot fool it), and it reads at most
/// [`MAX_FILE_BYTES`] (64 KiB; a larger file is refused). For the client's own files, and for a host that reads
/// a project configuration file to find its telemetry switch.
///
/// ```
/// let dir = std::env::temp_dir().join(format!("read-small-file-doc-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// std::fs::write(dir.join("config.json"), r#"{"telemetry": false}"#).unwrap();
/// assert_eq!(telemetry_client::read_small_file(&dir.join("config.json")).unwrap(), br#"{"telemetry": false}"#);
/// assert!(telemetry_client::read_small_file(&dir).is_err(), "a directory is not a file");
/// # std::fs::remove_dir_all(dir).ok();
/// ```
///
/// # Errors
/// When the file cannot be opened (`NotFound` when it does not exist), is not a regular file, or is larger than
/// 64 KiB (`InvalidData`, with a message that says which).
pub fn read_small_file(path: &Path) -> io::Result<Vec<u8>> {
    let file = open_no_wait(fs::OpenOptions::new().read(true), path)?;
    let metadata = file.metadata()?;
    if !metadata.is_file() {
        return Err(io::Error::new(io::ErrorKind::InvalidData, not_a_file(&metadata)));
    }
    let too_large = || io::Error::new(io::ErrorKind::InvalidData, "it is larger than 64 KiB");
    if metadata.len() > MAX_FILE_BYTES {
        return Err(too_large());
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    // The file may grow after the check: read one byte past the limit to notice.
    file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large());
    }
    Ok(bytes)
}

/// Opens without ever waiting: `O_NONBLOCK` makes opening a named pipe return at once (and `O_NOCTTY` keeps a
/// terminal device from becoming the controlling terminal). Elsewhere a plain open.
pub(crate) fn open_no_wait(options: &mut fs::OpenOptions, path: &Path) -> io::Result<fs::File> {
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::custom_flags(options, libc::O_NONBLOCK | libc::O_NOCTTY);
    options.open(path)
}

pub(crate) fn not_a_file(metadata: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = metadata.file_type();
        if kind.is_fifo() {
            return "it is a named pipe, not a regular file";
        }
        if kind.is_char_device() || kind.is_block_device() {
            return "it is a device, not a regular file";
        }
        if kind.is_socket() {
            return "it is a socket, not a regular file";
        }
    }
    if metadata.is_dir() { "it is a directory, not a regular file" } else { "it is not a regular file" }
}

/// The result of reading the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// No file: nothing decided yet.
    Missing,
    /// A file that cannot be read as settings, and why. It may hold a `disable`, so it counts as one (fail
    /// closed) and is only ever replaced by an explicit `enable` or `disable`.
    Unreadable(String),
    /// The settings.
    Found(Settings),
}

impl Loaded {
    pub(crate) fn settings(&self) -> Option<&Settings> {
        match self {
            Loaded::Found(settings) => Some(settings),
            Loaded::Missing | Loaded::Unreadable(_) => None,
        }
    }

    /// The user's choice as consent sees it.
    pub(crate) fn choice(&self) -> SavedChoice {
        match self {
            Loaded::Missing => SavedChoice::None,
            Loaded::Unreadable(_) => SavedChoice::Unreadable,
            Loaded::Found(settings) => match settings.enabled {
                None => SavedChoice::None,
                Some(true) => SavedChoice::Enabled,
                Some(false) => SavedChoice::Disabled,
            },
        }
    }
}

pub(crate) fn load(path: &Path) -> Loaded {
    let bytes = match read_small_file(path) {
        Ok(bytes) => bytes,
        // No file, or no directory where one should be: nothing was ever saved there.
        Err(err) if matches!(err.kind(), io::ErrorKind::NotFound | io::ErrorKind::NotADirectory) => {
            return Loaded::Missing;
        }
        Err(err) => return Loaded::Unreadable(err.to_string()),
    };
    // Parsed as an object first: serde would also accept an array (`[true]`) as the struct, and would keep the
    // last of two `enabled` keys, where a hand edit may have put a `disable` first.
    let parsed =
        serde_json::from_slice::<UniqueKeys>(&bytes).map_err(|err| err.to_string()).and_then(|UniqueKeys(map)| {
            serde_json::from_value::<Settings>(serde_json::Value::Object(map)).map_err(|err| err.to_string())
        });
    match parsed {
        Ok(mut settings) => {
            // A hand-edited id that is not ours is dropped (and replaced when one is needed).
            if settings.install_id().is_none() {
                settings.install_id = None;
            }
            if settings.salt().is_none() {
                settings.project_salt = None;
            }
            Loaded::Found(settings)
        }
        Err(err) => Loaded::Unreadable(format!("it is not valid settings JSON ({err})")),
    }
}

/// A JSON object in which no key appears twice: readers disagree on which of two values counts (serde_json,
/// Python and JavaScript keep the last), so a settings file with a repeated key cannot be read as settings.
struct UniqueKeys(serde_json::Map<String, serde_json::Value>);

impl<'de> Deserialize<'de> for UniqueKeys {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Members;
        impl<'de> serde::de::Visitor<'de> for Members {
            type Value = UniqueKeys;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a JSON object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut access: A) -> Result<UniqueKeys, A::Error> {
                let mut map = serde_json::Map::new();
                while let Some(key) = access.next_key::<String>()? {
                    if map.contains_key(&key) {
                        return Err(serde::de::Error::custom(format_args!("the key {key:?} appears twice")));
                    }
                    let value = access.next_value()?;
                    map.insert(key, value);
                }
                Ok(UniqueKeys(map))
            }
        }
        deserializer.deserialize_map(Members)
    }
}

/// Why the settings lock was not taken.
#[derive(Debug)]
pub(crate) enum LockError {
    /// Another process held it for the whole wait.
    Busy,
    /// The lock file could not be created, opened or used (an unwritable directory, a pipe at its path).
    Io,
    /// The lock file is there but the file system refuses to lock it (some network file systems).
    NoLocking,
}

/// Runs `f` while holding the advisory lock next to `settings_path` (created if needed), waiting at most `wait`
/// for another process to release it. Never blocks beyond `wait`; the lock is released when `f` returns (and by
/// the OS if the process dies).
pub(crate) fn with_lock<T>(settings_path: &Path, wait: Duration, f: impl FnOnce() -> T) -> Result<T, LockError> {
    let dir = settings_path.parent().ok_or(LockError::Io)?;
    fs::create_dir_all(dir).map_err(|_| LockError::Io)?;
    let mut options = fs::OpenOptions::new();
    options.read(true).write(true).create(true).truncate(false);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let file = open_no_wait(&mut options, &dir.join(LOCK_FILE_NAME)).map_err(|_| LockError::Io)?;
    let metadata = file.metadata().map_err(|_| LockError::Io)?;
    if !metadata.is_file() {
        return Err(LockError::Io);
    }
    let deadline = crate::delivery::deadline_after(wait);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(fs::TryLockError::WouldBlock) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(fs::TryLockError::WouldBlock) => return Err(LockError::Busy),
            Err(fs::TryLockError::Error(_)) => return Err(LockError::NoLocking),
        }
    }
    let result = f();
    let _ = file.unlock();
    Ok(result)
}

/// The telemetry setting could not be written.
#[derive(Debug)]
pub struct SaveError {
    path: Option<PathBuf>,
    source: io::Error,
}

impl SaveError {
    pub(crate) fn new(path: &Path, source: io::Error) -> Self {
        Self { path: Some(path.to_path_buf()), source }
    }

    pub(crate) fn no_config_dir() -> Self {
        Self {
            path: None,
            source: io::Error::new(
                io::ErrorKind::NotFound,
                "no configuration directory is known (set XDG_CONFIG_HOME or HOME)",
            ),
        }
    }

    /// The file that could not be written, if a location was known.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// The underlying I/O error.
    pub fn io_error(&self) -> &io::Error {
        &self.source
    }
}

impl fmt::Display for SaveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.path {
            Some(path) => write!(f, "could not save the telemetry setting to {}: {}", path.display(), self.source),
            None => write!(f, "could not save the telemetry setting: {}", self.source),
        }
    }
}

impl std::error::Error for SaveError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Writes `bytes` to `path` atomically: a temporary file in the same directory, flushed to disk, then renamed
/// over the target. Readers see the old file or the new one, never a mix.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    let fail = |source: io::Error| SaveError { path: Some(path.to_path_buf()), source };
    let dir = path.parent().ok_or_else(|| fail(io::Error::other("the settings path has no parent directory")))?;
    fs::create_dir_all(dir).map_err(fail)?;
    let unique = ids::random::<8>().map(|b| telemetry_schema::hex::encode(&b)).unwrap_or_default();
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let temp = dir.join(format!(".{file_name}.{}.{unique}.tmp", std::process::id()));
    let written = (|| {
        let mut options = fs::OpenOptions::new();
        options.write(true).create_new(true);
        // The file holds the install id and the project-id salt: readable by this user only.
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        fs::rename(&temp, path)
    })();
    if let Err(err) = written {
        let _ = fs::remove_file(&temp);
        return Err(fail(err));
    }
    Ok(())
}

pub(crate) fn save(path: &Path, settings: &Settings) -> Result<(), SaveError> {
    let mut json = serde_json::to_vec_pretty(settings)
        .map_err(|err| SaveError { path: Some(path.to_path_buf()), source: io::Error::other(err) })?;
    json.push(b'\n');
    write_atomic(path, &json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_settings_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("telemetry-store-mode-{}", std::process::id()));
        let path = dir.join("telemetry.json");
        write_atomic(&path, b"{}\n").unwrap();
        let mode = fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        let _ = fs::remove_dir_all(&dir);
        assert_eq!(mode, 0o600);
    }
    use crate::env::MapEnv;

    const PRODUCT: Product = Product::builder("Acme", "acme", telemetry_schema::Version::new(1, 0, 0))
        .env_prefix("ACME")
        .opt_out()
        .endpoint("https://t.example/v1")
        .purpose("Why.")
        .build();

    #[test]
    #[cfg(all(unix, not(target_os = "macos")))]
    fn xdg_config_home_is_honoured_and_home_is_the_fallback() {
        let xdg = MapEnv::new().with("XDG_CONFIG_HOME", "/x/config").with("HOME", "/home/jane");
        assert_eq!(platform_config_dir(&PRODUCT, &xdg), Some(PathBuf::from("/x/config/acme")));
        let home = MapEnv::new().with("HOME", "/home/jane");
        assert_eq!(platform_config_dir(&PRODUCT, &home), Some(PathBuf::from("/home/jane/.config/acme")));
        // The XDG spec says relative paths are invalid and must be ignored.
        let relative = MapEnv::new().with("XDG_CONFIG_HOME", "config").with("HOME", "/home/jane");
        assert_eq!(platform_config_dir(&PRODUCT, &relative), Some(PathBuf::from("/home/jane/.config/acme")));
        assert_eq!(platform_config_dir(&PRODUCT, &MapEnv::new()), None);
    }

    #[test]
    fn settings_round_trip_and_bad_ids_are_dropped() {
        let dir = std::env::temp_dir().join(format!("tc-store-{}", std::process::id()));
        let path = dir.join(SETTINGS_FILE_NAME);
        let settings = Settings {
            enabled: Some(true),
            install_id: Some("0123456789abcdef0123456789abcdef".into()),
            project_salt: None,
            notice_shown: true,
        };
        save(&path, &settings).expect("temp dir is writable");
        assert_eq!(load(&path), Loaded::Found(settings));

        fs::write(&path, r#"{"enabled":false,"install_id":"jane@example.com"}"#).unwrap();
        let Loaded::Found(loaded) = load(&path) else { panic!("valid JSON is found") };
        assert_eq!((loaded.enabled, loaded.install_id), (Some(false), None));

        fs::write(&path, "{\"enabled\": tru").unwrap();
        assert!(matches!(load(&path), Loaded::Unreadable(why) if why.starts_with("it is not valid settings JSON")));
        fs::write(&path, "[true]").unwrap();
        assert!(matches!(load(&path), Loaded::Unreadable(why) if why.contains("expected a JSON object")));
        assert_eq!(load(&dir.join("absent.json")), Loaded::Missing);
        let _ = fs::remove_dir_all(&dir);
    }
}
