//! Writing the generated files, and comparing them with what is on disk (`--check`).

use std::fmt;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use similar::TextDiff;

/// One generated file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputFile {
    /// Where it goes, relative to the output directory, with `/` separators (e.g. `docs/telemetry.md`).
    pub path: String,
    /// Its full contents.
    pub contents: String,
}

/// Everything one run generates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Generated {
    /// The files, in a fixed order.
    pub files: Vec<OutputFile>,
    /// Directories (relative, `/`-separated) that hold only generated `.json` files: a `.json` file there that
    /// is no longer generated is stale, and is removed on write.
    pub owned_dirs: Vec<&'static str>,
}

/// What writing did to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WriteStatus {
    /// The file did not exist.
    Created,
    /// The file existed with other contents.
    Updated,
    /// The file already had these contents and was not touched.
    Unchanged,
    /// A stale file in an owned directory was deleted.
    Removed,
}

impl fmt::Display for WriteStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // `pad`, so that `{:<9}` aligns the report.
        f.pad(match self {
            Self::Created => "created",
            Self::Updated => "updated",
            Self::Unchanged => "unchanged",
            Self::Removed => "removed",
        })
    }
}

/// How a file on disk differs from what would be generated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Difference {
    /// The file does not exist.
    Missing {
        /// The file's relative path.
        path: String,
    },
    /// The file has other contents.
    Changed {
        /// The file's relative path.
        path: String,
        /// A unified diff from the file on disk (`a/`) to the generated contents (`b/`).
        diff: String,
    },
    /// The file is in an owned directory but no longer generated.
    Stale {
        /// The file's relative path.
        path: String,
    },
}

impl Difference {
    /// The relative path of the file.
    pub fn path(&self) -> &str {
        match self {
            Self::Missing { path } | Self::Changed { path, .. } | Self::Stale { path } => path,
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Missing { path } => write!(f, "{path}: missing (it would be created)"),
            Self::Changed { diff, .. } => f.write_str(diff),
            Self::Stale { path } => write!(f, "{path}: no longer generated (it would be removed)"),
        }
    }
}

/// A file could not be read, written or removed.
#[derive(Debug)]
pub struct OutputError {
    action: &'static str,
    path: PathBuf,
    source: io::Error,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "could not {} {}: {}", self.action, self.path.display(), self.source)
    }
}

impl std::error::Error for OutputError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

fn error(action: &'static str, path: &Path) -> impl FnOnce(io::Error) -> OutputError {
    let path = path.to_owned();
    move |source| OutputError { action, path, source }
}

/// `relative` (with `/` separators) under `dir`, refusing any path that could leave `dir`: every part must be a
/// plain name (no `..`, `.`, empty part, root, drive or backslash), whoever built the [`OutputFile`].
fn join(dir: &Path, relative: &str) -> Result<PathBuf, OutputError> {
    let plain = |part: &str| {
        !part.contains('\\')
            && matches!(Path::new(part).components().collect::<Vec<_>>().as_slice(), [std::path::Component::Normal(name)] if *name == part)
    };
    if !relative.split('/').all(plain) {
        return Err(OutputError {
            action: "use the path",
            path: PathBuf::from(relative),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is not a plain relative path inside the output directory; nothing was written there",
            ),
        });
    }
    Ok(relative.split('/').fold(dir.to_owned(), |path, part| path.join(part)))
}

/// [`join`] for a file docs-gen generates, which must also be a file on every system the SDK is built on. (A stale
/// file found on disk is only ever removed, so it is joined without this check.)
fn join_generated(dir: &Path, relative: &str) -> Result<PathBuf, OutputError> {
    let path = join(dir, relative)?;
    if relative.split('/').any(is_windows_device_name) {
        return Err(OutputError {
            action: "use the path",
            path: PathBuf::from(relative),
            source: io::Error::new(
                io::ErrorKind::InvalidInput,
                "a part of it is a device name on Windows (CON, PRN, AUX, NUL, COM0-9, LPT0-9, with any extension), \
                 which is not a file there; rename the event; nothing was written",
            ),
        });
    }
    Ok(path)
}

/// Whether Windows reads `part` as a device rather than a file: `CON`, `PRN`, `AUX`, `NUL`, `COM0`-`COM9` and
/// `LPT0`-`LPT9` in any case, alone or followed by an extension (`CON.v1.json`). An event with such a name (a valid
/// identifier) would have its schema written to, or read from, a device by an SDK author on Windows.
fn is_windows_device_name(part: &str) -> bool {
    let stem = part.split('.').next().unwrap_or(part).trim_end_matches(' ').to_ascii_uppercase();
    matches!(stem.as_str(), "CON" | "PRN" | "AUX" | "NUL")
        || ((stem.starts_with("COM") || stem.starts_with("LPT"))
            && stem.len() == 4
            && stem.as_bytes()[3].is_ascii_digit())
}

/// Reads a file, `None` when it does not exist. Invalid UTF-8 is read lossily: it then simply differs.
fn read(path: &Path) -> Result<Option<String>, OutputError> {
    match fs::read(path) {
        Ok(bytes) => {
            Ok(Some(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into())))
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(error("read", path)(e)),
    }
}

impl Generated {
    /// Writes every file under `dir` (creating directories as needed) and removes stale files from the owned
    /// directories. A file that already has the right contents is not touched.
    ///
    /// # Errors
    /// The first file that cannot be read, written or removed, with its path.
    pub fn write(&self, dir: &Path) -> Result<Vec<(String, WriteStatus)>, OutputError> {
        let mut report = Vec::with_capacity(self.files.len());
        // Every path is checked before anything is written, so a bad one leaves the directory untouched.
        for file in &self.files {
            join_generated(dir, &file.path)?;
        }
        for file in &self.files {
            let path = join_generated(dir, &file.path)?;
            let status = match read(&path)? {
                Some(existing) if existing == file.contents => WriteStatus::Unchanged,
                Some(_) => WriteStatus::Updated,
                None => WriteStatus::Created,
            };
            if status != WriteStatus::Unchanged {
                if let Some(parent) = path.parent() {
                    fs::create_dir_all(parent).map_err(error("create the directory", parent))?;
                }
                fs::write(&path, &file.contents).map_err(error("write", &path))?;
            }
            report.push((file.path.clone(), status));
        }
        for stale in self.stale_files(dir)? {
            let path = join(dir, &stale)?;
            fs::remove_file(&path).map_err(error("remove the stale file", &path))?;
            report.push((stale, WriteStatus::Removed));
        }
        Ok(report)
    }

    /// Compares every file with what is under `dir`. An empty list means the files are up to date.
    ///
    /// # Errors
    /// A file that exists but cannot be read, or an owned directory that cannot be listed.
    pub fn check(&self, dir: &Path) -> Result<Vec<Difference>, OutputError> {
        let mut differences = Vec::new();
        for file in &self.files {
            match read(&join_generated(dir, &file.path)?)? {
                None => differences.push(Difference::Missing { path: file.path.clone() }),
                Some(existing) if existing != file.contents => differences.push(Difference::Changed {
                    path: file.path.clone(),
                    diff: unified_diff(&file.path, &existing, &file.contents),
                }),
                Some(_) => {}
            }
        }
        differences.extend(self.stale_files(dir)?.into_iter().map(|path| Difference::Stale { path }));
        Ok(differences)
    }

    /// `.json` files in the owned directories that are not generated, sorted.
    fn stale_files(&self, dir: &Path) -> Result<Vec<String>, OutputError> {
        let mut stale = Vec::new();
        for owned in &self.owned_dirs {
            let path = join(dir, owned)?;
            let entries = match fs::read_dir(&path) {
                Ok(entries) => entries,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                Err(e) => return Err(error("list", &path)(e)),
            };
            for entry in entries {
                let entry = entry.map_err(error("list", &path))?;
                let Some(name) = entry.file_name().to_str().map(str::to_owned) else { continue };
                let relative = format!("{owned}/{name}");
                let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
                if is_file && name.ends_with(".json") && !self.files.iter().any(|f| f.path == relative) {
                    stale.push(relative);
                }
            }
        }
        stale.sort();
        Ok(stale)
    }
}

/// A unified diff with three lines of context, from the file on disk to the generated contents.
fn unified_diff(path: &str, old: &str, new: &str) -> String {
    TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path} (on disk)"), &format!("b/{path} (generated)"))
        .to_string()
}
