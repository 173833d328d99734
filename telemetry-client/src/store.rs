//! The persisted choice: a small JSON file in the platform configuration directory, written atomically.

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use telemetry_schema::{AnonymousId, Product};

use crate::env::Env;
use crate::ids::{self, Salt};

/// The name of the settings file inside the SDK's configuration directory.
pub const SETTINGS_FILE_NAME: &str = "telemetry.json";

/// The name of the throttle file (digests of recently sent payloads of events with a dedup window).
pub const THROTTLE_FILE_NAME: &str = "telemetry-throttle.json";

/// The platform configuration directory of an SDK, from the (injected) environment:
/// `$XDG_CONFIG_HOME/<sdk>` or `$HOME/.config/<sdk>` on Linux and the BSDs, `$HOME/Library/Application
/// Support/<sdk>` on macOS, `%APPDATA%\<sdk>` on Windows. `None` when the variables it needs are unset.
pub fn platform_config_dir(product: &Product, env: &dyn Env) -> Option<PathBuf> {
    let non_empty = |name: &str| env.var(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    let base = if cfg!(target_os = "windows") {
        non_empty("APPDATA")
    } else if cfg!(target_os = "macos") {
        non_empty("HOME").map(|home| home.join("Library").join("Application Support"))
    } else {
        non_empty("XDG_CONFIG_HOME")
            .filter(|p| p.is_absolute())
            .or_else(|| non_empty("HOME").map(|home| home.join(".config")))
    }?;
    Some(base.join(product.sdk_name))
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

/// The result of reading the settings file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Loaded {
    /// No file (or it could not be read): nothing decided yet.
    Missing,
    /// The file is not valid settings JSON: treated as absent, and replaced on the next write.
    Corrupt,
    /// The settings.
    Found(Settings),
}

impl Loaded {
    pub(crate) fn settings(&self) -> Option<&Settings> {
        match self {
            Loaded::Found(settings) => Some(settings),
            Loaded::Missing | Loaded::Corrupt => None,
        }
    }

    pub(crate) fn into_settings(self) -> Settings {
        match self {
            Loaded::Found(settings) => settings,
            Loaded::Missing | Loaded::Corrupt => Settings::default(),
        }
    }
}

pub(crate) fn load(path: &Path) -> Loaded {
    let Ok(text) = fs::read(path) else {
        return Loaded::Missing;
    };
    match serde_json::from_slice::<Settings>(&text) {
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
        Err(_) => Loaded::Corrupt,
    }
}

/// The telemetry setting could not be written.
#[derive(Debug)]
pub struct SaveError {
    path: Option<PathBuf>,
    source: io::Error,
}

impl SaveError {
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

    const PRODUCT: Product = Product {
        name: "Acme",
        sdk_name: "acme",
        sdk_version: telemetry_schema::Version::new(1, 0, 0),
        env_prefix: "ACME",
        consent_default: telemetry_schema::ConsentDefault::OptOut,
        endpoint: "https://t.example/v1",
        purpose: "Why.",
        cli_command: None,
        config_switch: None,
    };

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
        assert_eq!(load(&path), Loaded::Corrupt);
        assert_eq!(load(&dir.join("absent.json")), Loaded::Missing);
        let _ = fs::remove_dir_all(&dir);
    }
}
