//! Generates the "what is collected" page, its catalog and the JSON Schemas of an SDK's telemetry from the
//! events and the [`Product`] linked into the program, and checks that the committed copies are up to date.
//!
//! Nothing on the page is written by hand: the events, their fields and values come from the registry that
//! `#[derive(TelemetryEvent)]` fills, the title, purpose and opt-out instructions from the SDK's `Product`
//! const (the same one its telemetry client reads), and the envelope from the toolkit's own description of it.
//!
//! # Your SDK's own page generator
//!
//! A binary crate (or a feature-gated binary of the SDK's package) that depends on the SDK and on
//! `telemetry-docs = "0.1"` needs five lines:
//!
//! ```ignore
//! // Linking the SDK crate is what puts its events in the registry.
//! use my_sdk as _;
//!
//! fn main() -> std::process::ExitCode {
//!     telemetry_docs::main!()
//! }
//! ```
//!
//! `cargo run -p <that crate>` then writes the files at the workspace root, and `-- --check` fails when they are
//! out of date (run it in CI).
//!
//! # As a library
//!
//! ```
//! use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Product};
//!
//! const FIELDS: &[FieldMeta] = &[FieldMeta::new("is_ci", "Whether the command runs in CI.", CollectableKind::Bool)];
//! const STARTED: EventMeta = EventMeta::new("STARTED", 1, "Sent when the tool starts.", FIELDS);
//! const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
//!     .env_prefix("TOOL")
//!     .opt_in()
//!     .endpoint("https://telemetry.tool.example/v1")
//!     .purpose("Tool counts how often it starts.")
//!     .build();
//!
//! let disclosure = telemetry_docs::Disclosure::new(&PRODUCT, [&STARTED]).unwrap();
//! let page = telemetry_docs::render_markdown(&disclosure).unwrap();
//! assert!(page.starts_with("# What Tool collects\n"));
//! assert!(page.contains("| `is_ci` | yes / no | always | Whether the command runs in CI. |"));
//! assert!(page.contains("`TOOL_TELEMETRY_DISABLED=1`"));
//! ```

// docs.rs (which sets `docsrs`) marks what each feature adds.
#![cfg_attr(docsrs, feature(doc_cfg))]

mod archive;
mod budget;
mod catalog;
pub mod cli;
mod compat;
mod example;
mod expiry;
mod files;
mod html;
mod json;
mod lint;
mod markdown;
mod page;
mod shared;
mod text;
mod words;

use std::fmt;

use telemetry_schema::schema::{
    ArchivedSchema, SchemaOptions, batch_schema, bundle_schema_with_archive, envelope_schema, event_file_name,
    event_schema, to_canonical_string,
};
use telemetry_schema::{EventMeta, MetaError, Product};

pub use archive::{
    ARCHIVE_FORMAT_VERSION, ARCHIVE_PATH, Archive, ArchiveError, ArchiveProblem, ArchivedVersion, RETIRED_PATH,
    Retirement,
};
pub use budget::{OverBudget, over_budget};
pub use catalog::CATALOG_FORMAT_VERSION;
pub use compat::{Change, ChangeKind};
pub use expiry::{EXPIRY_WARNING_DAYS, ExpiryNotice, expiry_notices};
pub use files::{Difference, Generated, OutputError, OutputFile, WriteStatus};
pub use lint::{Lint, Lints};
pub use page::event_anchor;

/// Where the Markdown page is written, relative to the output directory.
pub const MARKDOWN_PATH: &str = "docs/telemetry.md";
/// Where the HTML page is written.
pub const HTML_PATH: &str = "docs/telemetry.html";
/// Where the catalog is written.
pub const CATALOG_PATH: &str = "docs/catalog.json";
/// The directory of the per-event schemas (`<EVENT_NAME>.v<N>.json`); docs-gen owns it, so a `.json` file there
/// that is no longer generated is stale.
pub const EVENT_SCHEMAS_DIR: &str = "schemas/events";
/// Where the envelope schema is written.
pub const ENVELOPE_SCHEMA_PATH: &str = "schemas/envelope.json";
/// Where the batch schema is written.
pub const BATCH_SCHEMA_PATH: &str = "schemas/batch.json";
/// Where the bundle schema (what the ingest server enforces) is written.
pub const BUNDLE_SCHEMA_PATH: &str = "schemas/bundle.json";

/// Where an event's schema is written, e.g. `schemas/events/CLI_COMMAND.v1.json`.
pub fn event_schema_path(meta: &EventMeta) -> String {
    format!("{EVENT_SCHEMAS_DIR}/{}", event_file_name(meta))
}

/// What to document: one SDK's product definition and its events, sorted by name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Disclosure<'a> {
    /// The SDK's disclosure definition.
    pub product: &'a Product,
    /// The events, sorted by name, names unique.
    pub events: Vec<&'a EventMeta>,
}

impl<'a> Disclosure<'a> {
    /// Documents `events` (in any order) of `product`.
    ///
    /// # Errors
    /// When two events share a name.
    pub fn new(product: &'a Product, events: impl IntoIterator<Item = &'a EventMeta>) -> Result<Self, Lints> {
        Ok(Self { product, events: lint::sorted_unique(events.into_iter().collect())? })
    }
}

impl Disclosure<'static> {
    /// The events and the product linked into this program.
    ///
    /// # Errors
    /// Every problem found: duplicate event names (with both definitions' file and line), no event at all (the
    /// binary does not link the SDK crate), no product or several.
    pub fn from_registry() -> Result<Self, Lints> {
        let (product, events) = lint::from_registry()?;
        Self::new(product, events)
    }
}

/// One kind of output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Format {
    /// `docs/telemetry.md`.
    Markdown,
    /// `docs/telemetry.html`.
    Html,
    /// `docs/catalog.json`.
    Catalog,
    /// `schemas/`: one schema per event, and the envelope, batch and bundle schemas.
    Schemas,
}

impl Format {
    /// Every format, in output order.
    pub const ALL: [Format; 4] = [Format::Markdown, Format::Html, Format::Catalog, Format::Schemas];

    /// The name used by `--format`.
    pub const fn name(self) -> &'static str {
        match self {
            Self::Markdown => "markdown",
            Self::Html => "html",
            Self::Catalog => "catalog",
            Self::Schemas => "schemas",
        }
    }

    /// The format called `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }
}

/// The metadata holds something this version of docs-gen cannot describe.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum GenerateError {
    /// A field or envelope kind newer than this docs-gen.
    UnknownKind(String),
    /// An enum without variants (the toolkit refuses these at compile time).
    EmptyEnum(&'static str),
    /// An archived schema file that is not JSON.
    BadArchivedSchema(String),
    /// Metadata that [`EventMeta::check`] refuses: a name that is not an identifier (it would become a file name,
    /// an anchor, a JSON key), a cycle, a blank doc or a doc with a hidden character. The derives and the checking
    /// constructors never produce it; hand-built metadata with the unchecked ones can.
    InvalidMetadata {
        /// The event whose metadata it is (possibly the invalid name itself).
        event: &'static str,
        /// What is wrong, and where.
        error: MetaError,
    },
    /// Two events with one name, or with names that differ only in case (they would share a schema file on a
    /// case-insensitive file system, and a collector table). [`Disclosure::new`] refuses them too; this catches a
    /// `Disclosure` built directly.
    EventNameClash {
        /// The first name, in sorted order.
        first: &'static str,
        /// The other.
        second: &'static str,
    },
    /// Two fields of one event that a collector would store in one column (groups are flattened with `_`, and SQL
    /// names compared without case): `a_b` next to a group `a` with a field `b`, or `is_ci` and `Is_Ci`. Valid
    /// metadata, but the collector would refuse the whole bundle.
    ColumnClash {
        /// The event.
        event: &'static str,
        /// The first field's path (`a_b`), in declaration order.
        first: String,
        /// The other's (`a.b`).
        second: String,
        /// The column both would be stored in, in lower case.
        column: String,
    },
    /// The [`Product`] breaks a rule of [`ProductBuilder::build`](telemetry_schema::ProductBuilder::build) (the
    /// message says which; [`Product::check`] re-runs them). Its switches are what the client obeys, so the page must
    /// not name an opt-out variable nobody can type.
    InvalidProduct(&'static str),
    /// A text of the [`Product`] (which one is named) contains a character of
    /// [`HIDDEN_CHARACTERS`](telemetry_schema::HIDDEN_CHARACTERS).
    HiddenCharacterInProduct {
        /// `name`, `purpose`, `endpoint`, `cli_command`, `config_switch`, `page_url`, `retention`, `contact` or
        /// `deletion`.
        field: &'static str,
        /// The character.
        character: char,
    },
}

impl fmt::Display for GenerateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::UnknownKind(kind) => write!(
                f,
                "error: docs-gen cannot describe the kind {kind}; use the docs-gen version that matches the SDK's \
                 telemetry-schema version"
            ),
            Self::BadArchivedSchema(path) => {
                write!(f, "error: the archived schema {path} is not JSON; restore it from version control")
            }
            Self::EmptyEnum(name) => {
                write!(f, "error: the telemetry enum `{name}` has no variants; give it at least one documented variant")
            }
            // `{:?}`: a refused name is shown escaped, never obeyed by the terminal.
            Self::InvalidMetadata { event, error } => write!(
                f,
                "error: event {event:?}: {error}; nothing was generated. Derive the event and its enums and groups \
                 rather than building their metadata by hand"
            ),
            Self::EventNameClash { first, second } if first == second => {
                write!(f, "error: two events are named `{first}`; every event needs its own name")
            }
            Self::EventNameClash { first, second } => write!(f, "error: {}", lint::case_clash(first, second)),
            Self::ColumnClash { event, first, second, column } => write!(
                f,
                "error: event `{event}`: the fields `{first}` and `{second}` would be stored in one column \
                 `{column}` by the collector (it joins a group's fields with `_` and compares names without case), \
                 which would refuse every event; rename one of them (`#[telemetry(rename = \"...\")]`)"
            ),
            Self::InvalidProduct(problem) => write!(
                f,
                "error: the product is not valid ({problem}); nothing was generated. Define it as a `const` with \
                 `Product::builder(…)….build()` and register it with `telemetry_schema::register_product!`"
            ),
            Self::HiddenCharacterInProduct { field, character } => write!(
                f,
                "error: the product's `{field}` contains U+{:04X}, {}: on the page it would hide or reorder the text \
                 around it; remove it",
                u32::from(*character),
                telemetry_schema::hidden_character_name(*character).unwrap_or("a hidden character")
            ),
        }
    }
}

impl std::error::Error for GenerateError {}

/// Refuses what no page, catalog or schema may be written from, whatever constructor built it: every name must be
/// an identifier before it becomes a file name, an anchor or a key, groups must not nest without end, and no
/// doc or product text may hide or reorder what a reader sees. `Disclosure`'s fields are public, so every
/// renderer checks, not only [`Disclosure::new`].
fn check(disclosure: &Disclosure<'_>) -> Result<(), GenerateError> {
    for meta in &disclosure.events {
        meta.check().map_err(|error| GenerateError::InvalidMetadata { event: meta.name(), error })?;
        if let Some((first, second, column)) = lint::column_clash(meta.fields()) {
            return Err(GenerateError::ColumnClash { event: meta.name(), first, second, column });
        }
    }
    if let Some(&(first, second)) = lint::name_clashes(&disclosure.events).first() {
        return Err(GenerateError::EventNameClash { first, second });
    }
    let product = disclosure.product;
    product.check().map_err(GenerateError::InvalidProduct)?;
    let texts = [
        ("name", Some(product.name())),
        ("purpose", Some(product.purpose())),
        ("endpoint", Some(product.endpoint())),
        ("cli_command", product.cli_command()),
        ("config_switch", product.config_switch().map(|switch| switch.file())),
        ("page_url", product.page_url()),
        ("retention", product.retention()),
        ("contact", product.contact()),
        ("deletion", product.deletion()),
    ];
    for (field, text) in texts {
        if let Some((_, character)) = text.and_then(telemetry_schema::find_hidden_character) {
            return Err(GenerateError::HiddenCharacterInProduct { field, character });
        }
    }
    Ok(())
}

/// The disclosure page as Markdown, for a repository without an archive (every version first published now).
///
/// # Errors
/// See [`GenerateError`].
pub fn render_markdown(disclosure: &Disclosure<'_>) -> Result<String, GenerateError> {
    check(disclosure)?;
    Ok(markdown::render(&page::build(disclosure, &Archive::fresh(disclosure)?)?))
}

/// The disclosure page as a self-contained HTML file, for a repository without an archive.
///
/// # Errors
/// See [`GenerateError`].
pub fn render_html(disclosure: &Disclosure<'_>) -> Result<String, GenerateError> {
    check(disclosure)?;
    Ok(html::render(&page::build(disclosure, &Archive::fresh(disclosure)?)?))
}

/// The catalog: the page's content as JSON, for a repository without an archive.
///
/// # Errors
/// See [`GenerateError`].
pub fn render_catalog(disclosure: &Disclosure<'_>) -> Result<String, GenerateError> {
    check(disclosure)?;
    catalog::render(disclosure, &Archive::fresh(disclosure)?)
}

/// Every file of the given formats, in a fixed order, for a repository without an archive (every version in the
/// code first published now). `schema` says where the schemas will be published (their `$id`s).
///
/// # Errors
/// See [`GenerateError`].
pub fn generate(
    disclosure: &Disclosure<'_>,
    formats: &[Format],
    schema: &SchemaOptions,
) -> Result<Generated, GenerateError> {
    check(disclosure)?;
    generate_with_archive(disclosure, &Archive::fresh(disclosure)?, formats, schema)
}

/// Every file of the given formats, in a fixed order. Each format is generated at most once, whatever the order
/// and repetitions in `formats`. `archive` is the archive after this run ([`Archive::update`] of the one on
/// disk): its older versions are written back byte for byte and accepted by the bundle unless retired.
///
/// # Errors
/// See [`GenerateError`].
pub fn generate_with_archive(
    disclosure: &Disclosure<'_>,
    archive: &Archive,
    formats: &[Format],
    schema: &SchemaOptions,
) -> Result<Generated, GenerateError> {
    check(disclosure)?;
    let wants = |format| formats.contains(&format);
    // Nothing is ever deleted from `schemas/events`: no owned directory.
    let mut generated = Generated { files: Vec::new(), owned_dirs: Vec::new() };
    if wants(Format::Markdown) || wants(Format::Html) {
        let page = page::build(disclosure, archive)?;
        if wants(Format::Markdown) {
            generated.files.push(OutputFile { path: MARKDOWN_PATH.to_owned(), contents: markdown::render(&page) });
        }
        if wants(Format::Html) {
            generated.files.push(OutputFile { path: HTML_PATH.to_owned(), contents: html::render(&page) });
        }
    }
    if wants(Format::Catalog) {
        generated
            .files
            .push(OutputFile { path: CATALOG_PATH.to_owned(), contents: catalog::render(disclosure, archive)? });
    }
    if wants(Format::Schemas) {
        for meta in &disclosure.events {
            generated.files.push(OutputFile {
                path: event_schema_path(meta),
                contents: to_canonical_string(&event_schema(meta, schema)),
            });
        }
        let is_current =
            |event: &str, version: u32| disclosure.events.iter().any(|m| m.name() == event && m.version() == version);
        let mut older = Vec::new();
        for old in archive.versions.iter().filter(|v| !is_current(&v.event, v.version)) {
            let path = format!("{EVENT_SCHEMAS_DIR}/{}.v{}.json", old.event, old.version);
            let Some(bytes) = &old.schema else { return Err(GenerateError::BadArchivedSchema(path)) };
            if archive.retirement(&old.event, old.version).is_none() {
                let parsed: serde_json::Value =
                    serde_json::from_str(bytes).map_err(|_| GenerateError::BadArchivedSchema(path.clone()))?;
                older.push((old.event.as_str(), old.version, parsed));
            }
            generated.files.push(OutputFile { path, contents: bytes.clone() });
        }
        let archived: Vec<ArchivedSchema<'_>> =
            older.iter().map(|(name, version, schema)| ArchivedSchema { name, version: *version, schema }).collect();
        let schemas = [
            (ENVELOPE_SCHEMA_PATH, envelope_schema(schema)),
            (BATCH_SCHEMA_PATH, batch_schema(schema)),
            (BUNDLE_SCHEMA_PATH, bundle_schema_with_archive(&disclosure.events, &archived, schema)),
        ];
        for (path, value) in schemas {
            generated.files.push(OutputFile { path: path.to_owned(), contents: to_canonical_string(&value) });
        }
        let current_schema = |event: &str, version: u32| {
            let path = format!("{EVENT_SCHEMAS_DIR}/{event}.v{version}.json");
            is_current(event, version)
                .then(|| generated.files.iter().find(|f| f.path == path).map(|f| f.contents.clone()))
                .flatten()
        };
        let contents = archive.render(current_schema);
        generated.files.push(OutputFile { path: ARCHIVE_PATH.to_owned(), contents });
    }
    Ok(generated)
}
