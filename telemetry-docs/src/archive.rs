//! The archive of every published `(event, version)`: old clients keep sending old versions for years, so the
//! server must keep accepting them, and a version, once published, may only widen.
//!
//! Three things live in the repository:
//! - `schemas/events/<EVENT>.v<N>.json`: the schema of every version ever generated. The current version of an
//!   event is regenerated from the code; every older one is kept as the exact bytes that were published.
//!   docs-gen never deletes one.
//! - `schemas/archive.json` (written by docs-gen): per version, the SDK release it first appeared in, the release
//!   it was retired in if it was, and its catalog entry (doc and fields), which is what the compatibility gate
//!   and the page's "What changed" read.
//! - `schemas/retired.json` (written by people): versions no longer accepted, each with a date and a reason.
//!   Retiring is the only way a version leaves the bundle; its schema and its archive entry stay.

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

use serde_json::{Map, Value, json};
use telemetry_schema::schema::to_canonical_string;
use telemetry_schema::{Date, EventMeta};

use crate::compat::{self, Change};
use crate::{Disclosure, EVENT_SCHEMAS_DIR, GenerateError, catalog};

/// Where docs-gen writes the archive's metadata.
pub const ARCHIVE_PATH: &str = "schemas/archive.json";
/// Where the retired versions are listed, by hand.
pub const RETIRED_PATH: &str = "schemas/retired.json";
/// The version of the archive's layout.
pub const ARCHIVE_FORMAT_VERSION: u64 = 1;

/// One published version of an event.
#[derive(Debug, Clone, PartialEq)]
pub struct ArchivedVersion {
    /// The event name.
    pub event: String,
    /// Its schema version.
    pub version: u32,
    /// The SDK release (`Product::sdk_version` at generation time) in which this version first appeared.
    pub published_in: String,
    /// The SDK release in which the version was retired, if it was.
    pub retired_in: Option<String>,
    /// The event's doc comment in that version.
    pub doc: String,
    /// The fields, as `catalog.json` describes them: what the compatibility gate compares.
    pub fields: Value,
    /// The schema file's bytes as found in `schemas/events/` (`None` when absent or not read).
    pub schema: Option<String>,
    /// The SHA-256 of the schema file as published (lower-case hex), so that an edit in place is noticed.
    pub schema_sha256: Option<String>,
}

/// A version that is no longer accepted, from `schemas/retired.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Retirement {
    /// The event name.
    pub event: String,
    /// The retired version.
    pub version: u32,
    /// When it was retired.
    pub date: Date,
    /// Why, for the page.
    pub reason: String,
}

/// The archive as it is in the repository (see the module docs).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Archive {
    /// Every archived version, sorted by event and version.
    pub versions: Vec<ArchivedVersion>,
    /// The retired versions, as listed.
    pub retired: Vec<Retirement>,
    /// Every `.json` file name found in `schemas/events/`.
    pub files_on_disk: Vec<String>,
}

/// The archive files could not be read or do not have their layout.
#[derive(Debug)]
pub struct ArchiveError(String);

impl fmt::Display for ArchiveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ArchiveError {}

/// Something the archive forbids; each is fixed in the code or in `schemas/retired.json`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ArchiveProblem {
    /// A published version changed in a way that refuses some payload it used to accept.
    Incompatible {
        /// The event.
        event: String,
        /// The version both the archive and the code have.
        version: u32,
        /// The incompatible changes.
        changes: Vec<Change>,
    },
    /// The code's version is lower than one already published.
    VersionWentDown {
        /// The event.
        event: String,
        /// The code's version.
        version: u32,
        /// The highest archived version.
        archived: u32,
    },
    /// The code uses a version number that was retired (whether it still sends it or went back to it).
    RetiredVersionReused {
        /// The event.
        event: String,
        /// The version.
        version: u32,
        /// The highest version ever archived for the event.
        highest: u32,
    },
    /// `schemas/retired.json` names a version that was never published.
    RetiredUnknown {
        /// The event.
        event: String,
        /// The version.
        version: u32,
    },
    /// An archived version's schema file is missing.
    MissingSchema {
        /// Its path.
        path: String,
    },
    /// An archived version's schema file is not the one published: it was edited in place.
    EditedSchema {
        /// Its path.
        path: String,
    },
    /// A schema file that is neither the code's nor in the archive.
    UnknownSchema {
        /// Its path.
        path: String,
    },
}

impl fmt::Display for ArchiveProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Incompatible { event, version, changes } => {
                writeln!(
                    f,
                    "error: {event} version {version} changed incompatibly: a payload valid under the published \
                     version {version} would be refused"
                )?;
                for change in changes {
                    writeln!(f, "  {event}: {change}")?;
                }
                write!(
                    f,
                    "  bump the event's version with #[telemetry(version = {})] to publish these changes as a new \
                     version; version {version} stays archived and accepted for the clients that send it",
                    version + 1
                )
            }
            Self::VersionWentDown { event, version, archived } => write!(
                f,
                "error: {event} is at version {version} in the code, but version {archived} was already \
                 published; a version number never goes down: use #[telemetry(version = {})] or higher",
                archived + 1
            ),
            Self::RetiredVersionReused { event, version, highest } => write!(
                f,
                "error: {event} version {version} was retired (see {RETIRED_PATH}); a retired version number is \
                 never reused: bump the event to #[telemetry(version = {})]",
                highest + 1
            ),
            Self::RetiredUnknown { event, version } => write!(
                f,
                "error: {RETIRED_PATH} retires {event} version {version}, which was never published (it is not in \
                 {ARCHIVE_PATH})"
            ),
            Self::MissingSchema { path } => write!(
                f,
                "error: {path} is archived in {ARCHIVE_PATH} but missing: old clients still send it; restore it \
                 from version control (`git checkout -- {path}`)"
            ),
            Self::EditedSchema { path } => write!(
                f,
                "error: {path} differs from the version published (its SHA-256 is not the one in {ARCHIVE_PATH}): \
                 a published version never changes; restore it from version control (`git checkout -- {path}`) \
                 and publish the change as a new version"
            ),
            Self::UnknownSchema { path } => write!(
                f,
                "error: {path} is neither generated from the code nor in {ARCHIVE_PATH}, so docs-gen knows \
                 nothing about it and does not delete it: remove it by hand if it was never published"
            ),
        }
    }
}

fn read_optional(path: &Path) -> Result<Option<String>, ArchiveError> {
    match fs::read_to_string(path) {
        Ok(text) => Ok(Some(text)),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(ArchiveError(format!("error: could not read {}: {e}", path.display()))),
    }
}

fn schema_file(event: &str, version: u32) -> String {
    format!("{EVENT_SCHEMAS_DIR}/{event}.v{version}.json")
}

fn bad(path: &str, what: impl fmt::Display) -> ArchiveError {
    ArchiveError(format!("error: {path}: {what}"))
}

impl Archive {
    /// Reads `schemas/archive.json`, `schemas/retired.json` and the schema files under `dir` (all optional: a
    /// repository without them has an empty archive).
    ///
    /// # Errors
    /// A file that cannot be read or does not have its layout.
    pub fn load(dir: &Path) -> Result<Self, ArchiveError> {
        let archive = read_optional(&dir.join(ARCHIVE_PATH))?;
        let retired = read_optional(&dir.join(RETIRED_PATH))?;
        let mut loaded = Self::parse(archive.as_deref(), retired.as_deref())?;
        let events_dir = dir.join(EVENT_SCHEMAS_DIR);
        match fs::read_dir(&events_dir) {
            Ok(entries) => {
                for entry in entries {
                    let entry =
                        entry.map_err(|e| ArchiveError(format!("error: could not list {EVENT_SCHEMAS_DIR}: {e}")))?;
                    let is_file = entry.file_type().map(|t| t.is_file()).unwrap_or(false);
                    if let Some(name) = entry.file_name().to_str().filter(|name| is_file && name.ends_with(".json")) {
                        loaded.files_on_disk.push(name.to_owned());
                    }
                }
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(ArchiveError(format!("error: could not list {}: {e}", events_dir.display()))),
        }
        loaded.files_on_disk.sort();
        for version in &mut loaded.versions {
            version.schema = read_optional(&dir.join(schema_file(&version.event, version.version)))?;
        }
        Ok(loaded)
    }

    /// The archive from the contents of `schemas/archive.json` and `schemas/retired.json` (without schemas).
    ///
    /// # Errors
    /// A file that is not JSON or does not have its layout.
    pub fn parse(archive: Option<&str>, retired: Option<&str>) -> Result<Self, ArchiveError> {
        let mut out = Self::default();
        if let Some(text) = archive {
            let value: Value = serde_json::from_str(text).map_err(|e| bad(ARCHIVE_PATH, e))?;
            if value.get("archive_format_version").and_then(Value::as_u64) != Some(ARCHIVE_FORMAT_VERSION) {
                return Err(bad(ARCHIVE_PATH, format!("its archive_format_version is not {ARCHIVE_FORMAT_VERSION}")));
            }
            let entries = value
                .get("versions")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(ARCHIVE_PATH, "no \"versions\" array"))?;
            for entry in entries {
                let string = |key: &str| entry.get(key).and_then(Value::as_str).map(str::to_owned);
                let (Some(event), Some(version), Some(published_in), Some(doc), Some(fields)) = (
                    string("event"),
                    entry
                        .get("version")
                        .and_then(Value::as_u64)
                        .and_then(|v| u32::try_from(v).ok())
                        .filter(|v| *v >= 1),
                    string("published_in"),
                    string("doc"),
                    entry.get("fields").filter(|fields| fields.is_array()).cloned(),
                ) else {
                    return Err(bad(
                        ARCHIVE_PATH,
                        format!("an entry lacks event, version, published_in, doc or fields: {entry}"),
                    ));
                };
                if !telemetry_schema::is_valid_event_name(&event) {
                    return Err(bad(ARCHIVE_PATH, format!("{event:?} is not an event name")));
                }
                out.versions.push(ArchivedVersion {
                    event,
                    version,
                    published_in,
                    retired_in: string("retired_in"),
                    doc,
                    fields,
                    schema: None,
                    schema_sha256: string("schema_sha256"),
                });
            }
            out.versions.sort_by(|a, b| (&a.event, a.version).cmp(&(&b.event, b.version)));
            if out.versions.windows(2).any(|w| (&w[0].event, w[0].version) == (&w[1].event, w[1].version)) {
                return Err(bad(ARCHIVE_PATH, "a version is listed twice"));
            }
        }
        if let Some(text) = retired {
            let value: Value = serde_json::from_str(text).map_err(|e| bad(RETIRED_PATH, e))?;
            let entries = value
                .get("retired")
                .and_then(Value::as_array)
                .ok_or_else(|| bad(RETIRED_PATH, "no \"retired\" array (`{\"retired\": [{\"event\": …, \"version\": …, \"date\": \"YYYY-MM-DD\", \"reason\": …}]}`)"))?;
            for entry in entries {
                let string = |key: &str| entry.get(key).and_then(Value::as_str);
                let (Some(event), Some(version), Some(date), Some(reason)) = (
                    string("event"),
                    entry.get("version").and_then(Value::as_u64).and_then(|v| u32::try_from(v).ok()),
                    string("date").and_then(Date::parse),
                    string("reason").filter(|reason| !reason.trim().is_empty()),
                ) else {
                    return Err(bad(
                        RETIRED_PATH,
                        format!("an entry needs event, version, date (YYYY-MM-DD) and a reason: {entry}"),
                    ));
                };
                if !telemetry_schema::is_valid_event_name(event) {
                    return Err(bad(RETIRED_PATH, format!("{event:?} is not an event name")));
                }
                if telemetry_schema::find_hidden_character(reason).is_some() {
                    return Err(bad(
                        RETIRED_PATH,
                        format!("the reason for {event} version {version} holds a hidden character"),
                    ));
                }
                out.retired.push(Retirement { event: event.to_owned(), version, date, reason: reason.to_owned() });
            }
        }
        Ok(out)
    }

    /// The archived version `event`/`version`, if any.
    pub fn get(&self, event: &str, version: u32) -> Option<&ArchivedVersion> {
        self.versions.iter().find(|v| v.event == event && v.version == version)
    }

    /// The retirement of `event`/`version`, if it is retired.
    pub fn retirement(&self, event: &str, version: u32) -> Option<&Retirement> {
        self.retired.iter().find(|r| r.event == event && r.version == version)
    }

    /// The archive after this run: the code's versions added (or, for a version already archived, its entry
    /// refreshed after checking that it only widened), retirements recorded, and every rule checked.
    ///
    /// # Errors
    /// The outer error: metadata nothing may be generated from (see [`GenerateError`]). The inner one: every
    /// problem with the published versions (nothing should be written then).
    pub fn update(&self, disclosure: &Disclosure<'_>) -> Result<Result<Self, Vec<ArchiveProblem>>, GenerateError> {
        // Names become file names and the catalog recurses into groups: never unchecked.
        crate::check(disclosure)?;
        let release = disclosure.product.sdk_version().to_string();
        let mut problems = Vec::new();
        let mut next =
            Self { versions: Vec::new(), retired: self.retired.clone(), files_on_disk: self.files_on_disk.clone() };
        for meta in &disclosure.events {
            let (event, version) = (meta.name(), meta.version());
            let fields = catalog::fields_value(meta)?;
            let highest = self.versions.iter().filter(|v| v.event == event).map(|v| v.version).max();
            if self.retirement(event, version).is_some() {
                problems.push(ArchiveProblem::RetiredVersionReused {
                    event: event.to_owned(),
                    version,
                    highest: highest.unwrap_or(version).max(version),
                });
            }
            if let Some(archived) = highest.filter(|highest| *highest > version) {
                problems.push(ArchiveProblem::VersionWentDown { event: event.to_owned(), version, archived });
            }
            match self.get(event, version) {
                Some(archived) => {
                    let changes = compat::incompatible(&archived.fields, &fields);
                    if !changes.is_empty() {
                        problems.push(ArchiveProblem::Incompatible { event: event.to_owned(), version, changes });
                    }
                    next.versions.push(ArchivedVersion {
                        doc: meta.doc().to_owned(),
                        fields,
                        schema: None,
                        ..archived.clone()
                    });
                }
                None => {
                    next.versions.push(ArchivedVersion {
                        event: event.to_owned(),
                        version,
                        published_in: release.clone(),
                        retired_in: None,
                        doc: meta.doc().to_owned(),
                        fields,
                        schema: None,
                        schema_sha256: None,
                    });
                }
            }
        }
        let is_current =
            |event: &str, version: u32| disclosure.events.iter().any(|m| m.name() == event && m.version() == version);
        for old in self.versions.iter().filter(|v| !is_current(&v.event, v.version)) {
            match (&old.schema, &old.schema_sha256) {
                (None, _) => {
                    problems.push(ArchiveProblem::MissingSchema { path: schema_file(&old.event, old.version) })
                }
                (Some(bytes), Some(published)) if sha256_hex(bytes) != *published => {
                    problems.push(ArchiveProblem::EditedSchema { path: schema_file(&old.event, old.version) });
                }
                _ => {}
            }
            let mut kept = old.clone();
            if kept.retired_in.is_none() && self.retirement(&old.event, old.version).is_some() {
                kept.retired_in = Some(release.clone());
            }
            next.versions.push(kept);
        }
        for retirement in &self.retired {
            if self.get(&retirement.event, retirement.version).is_none()
                && !is_current(&retirement.event, retirement.version)
            {
                problems.push(ArchiveProblem::RetiredUnknown {
                    event: retirement.event.clone(),
                    version: retirement.version,
                });
            }
        }
        for name in &self.files_on_disk {
            let known = next.versions.iter().any(|v| format!("{}.v{}.json", v.event, v.version) == *name);
            if !known {
                problems.push(ArchiveProblem::UnknownSchema { path: format!("{EVENT_SCHEMAS_DIR}/{name}") });
            }
        }
        next.versions.sort_by(|a, b| (&a.event, a.version).cmp(&(&b.event, b.version)));
        Ok(if problems.is_empty() { Ok(next) } else { Err(problems) })
    }

    /// The archive of a repository that has none yet: every version in the code, first published now.
    ///
    /// # Errors
    /// A kind docs-gen cannot describe.
    pub fn fresh(disclosure: &Disclosure<'_>) -> Result<Self, GenerateError> {
        // An empty archive has nothing to conflict with.
        Ok(Self::default().update(disclosure)?.unwrap_or_default())
    }

    /// `schemas/archive.json`; `current_schema` gives the generated schema of a version the code has.
    pub(crate) fn render(&self, current_schema: impl Fn(&str, u32) -> Option<String>) -> String {
        let versions: Vec<Value> = self
            .versions
            .iter()
            .map(|v| {
                let mut entry = Map::new();
                entry.insert("event".into(), v.event.clone().into());
                entry.insert("version".into(), v.version.into());
                entry.insert("published_in".into(), v.published_in.clone().into());
                if let Some(retired_in) = &v.retired_in {
                    entry.insert("retired_in".into(), retired_in.clone().into());
                }
                entry.insert("doc".into(), v.doc.clone().into());
                entry.insert("fields".into(), v.fields.clone());
                let sha = match current_schema(&v.event, v.version) {
                    Some(contents) => Some(sha256_hex(&contents)),
                    None => v.schema_sha256.clone().or_else(|| v.schema.as_deref().map(sha256_hex)),
                };
                if let Some(sha) = sha {
                    entry.insert("schema_sha256".into(), sha.into());
                }
                Value::Object(entry)
            })
            .collect();
        to_canonical_string(&json!({
            "archive_format_version": ARCHIVE_FORMAT_VERSION,
            "description": "Every published version of every event: the SDK release it first appeared in, and its \
                            fields as the catalog describes them. Written by docs-gen, which checks the code against \
                            it; never edit it by hand. Retire a version in retired.json.",
            "versions": versions,
        }))
    }

    /// The versions of `meta`'s event other than the code's, still accepted (not retired), in order.
    pub fn older_accepted(&self, meta: &EventMeta) -> Vec<&ArchivedVersion> {
        self.versions
            .iter()
            .filter(|v| v.event == meta.name() && v.version != meta.version())
            .filter(|v| self.retirement(&v.event, v.version).is_none())
            .collect()
    }

    /// Versions still accepted whose event is no longer in the code.
    pub fn accepted_without_code<'a>(&'a self, disclosure: &Disclosure<'_>) -> Vec<&'a ArchivedVersion> {
        self.versions
            .iter()
            .filter(|v| !disclosure.events.iter().any(|m| m.name() == v.event))
            .filter(|v| self.retirement(&v.event, v.version).is_none())
            .collect()
    }
}

/// The SHA-256 of `text`, in lower-case hex.
pub(crate) fn sha256_hex(text: &str) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(text.as_bytes()).iter().map(|byte| format!("{byte:02x}")).collect()
}
