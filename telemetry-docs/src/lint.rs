//! Checks on what the registry holds, reported before anything is generated.

use std::fmt;

use telemetry_schema::{EventMeta, Product, RegistryError};

/// One problem with the registered events or product.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Lint {
    /// Two registered events share a name; the error names both definitions with file and line.
    DuplicateEvents(RegistryError),
    /// Two events given to [`Disclosure::new`](crate::Disclosure::new) share a name.
    DuplicateName(&'static str),
    /// Two events whose names differ only in case (`CLI_COMMAND`, `Cli_Command`): on a case-insensitive file system
    /// (macOS, Windows) their schema files would be one file, and the collector would store both in one table.
    NamesDifferOnlyInCase(&'static str, &'static str),
    /// No event is linked into the program: the binary does not link the SDK crate.
    NoEvents,
    /// No [`Product`] is registered.
    NoProduct,
    /// More than one [`Product`] is registered (their SDK names).
    SeveralProducts(Vec<&'static str>),
}

impl Lint {
    /// Whether the fix is in the docs-gen binary itself (what it links), so a report can point at its
    /// `main.rs`.
    pub fn is_about_the_binary(&self) -> bool {
        matches!(self, Self::NoEvents | Self::NoProduct | Self::SeveralProducts(_))
    }
}

impl fmt::Display for Lint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // RegistryError already reads "file:line: error: ..." for each clash.
            Self::DuplicateEvents(error) => write!(f, "{error}"),
            Self::DuplicateName(name) => write!(
                f,
                "error: two events are named `{name}`; every event needs its own name (rename one with \
                 #[telemetry(name = \"...\")])"
            ),
            Self::NamesDifferOnlyInCase(first, second) => write!(f, "error: {}", case_clash(first, second)),
            Self::NoEvents => f.write_str(
                "error: no telemetry events are linked into this program, so there is nothing to document. \
                 docs-gen sees only the events of crates the binary links: add the SDK crate to the binary's \
                 [dependencies] and `use your_sdk as _;` to its main.rs",
            ),
            Self::NoProduct => f.write_str(
                "error: no telemetry `Product` is registered, so the page has no title, purpose or opt-out \
                 instructions. In the SDK crate, define `pub const PRODUCT: telemetry_schema::Product = ...;` and \
                 register it with `telemetry_schema::register_product!(PRODUCT);`",
            ),
            Self::SeveralProducts(names) => write!(
                f,
                "error: {} products are registered ({}); a docs-gen binary documents one SDK: link only one SDK \
                 crate into it",
                names.len(),
                names.join(", ")
            ),
        }
    }
}

/// Every problem found, reported together so one run shows them all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lints {
    problems: Vec<Lint>,
}

impl Lints {
    /// The problems, in a fixed order.
    pub fn problems(&self) -> &[Lint] {
        &self.problems
    }
}

impl fmt::Display for Lints {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, problem) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{problem}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Lints {}

/// The registry's events and product, or every problem with them.
pub(crate) fn from_registry() -> Result<(&'static Product, Vec<&'static EventMeta>), Lints> {
    let mut problems = Vec::new();
    let events = match telemetry_schema::events() {
        Ok(events) if events.is_empty() => {
            problems.push(Lint::NoEvents);
            Vec::new()
        }
        Ok(events) => events.into_iter().map(|registered| registered.meta()).collect(),
        Err(error) => {
            problems.push(Lint::DuplicateEvents(error));
            Vec::new()
        }
    };
    let products = telemetry_schema::products();
    let product = match products.as_slice() {
        [product] => Some(*product),
        [] => {
            problems.push(Lint::NoProduct);
            None
        }
        several => {
            problems.push(Lint::SeveralProducts(several.iter().map(|p| p.sdk_name()).collect()));
            None
        }
    };
    match product {
        Some(product) if problems.is_empty() => Ok((product, events)),
        _ => Err(Lints { problems }),
    }
}

/// Sorts events by name and version and refuses two with one name, or with names that differ only in case.
pub(crate) fn sorted_unique(mut events: Vec<&EventMeta>) -> Result<Vec<&EventMeta>, Lints> {
    events.sort_by(|a, b| (a.name(), a.version()).cmp(&(b.name(), b.version())));
    let mut problems: Vec<Lint> = name_clashes(&events)
        .into_iter()
        .map(
            |(first, second)| {
                if first == second { Lint::DuplicateName(first) } else { Lint::NamesDifferOnlyInCase(first, second) }
            },
        )
        .collect();
    problems.dedup();
    if problems.is_empty() { Ok(events) } else { Err(Lints { problems }) }
}

/// Every pair of events (in the order given) whose names are equal ignoring ASCII case, the first of each name
/// against each later one. Event names become file names and collector table names (in lower case), so names that
/// differ only in case clash as surely as equal ones.
pub(crate) fn name_clashes(events: &[&EventMeta]) -> Vec<(&'static str, &'static str)> {
    let mut first_of: std::collections::BTreeMap<String, &'static str> = std::collections::BTreeMap::new();
    let mut clashes = Vec::new();
    for meta in events {
        match first_of.entry(meta.name().to_ascii_lowercase()) {
            std::collections::btree_map::Entry::Occupied(first) => clashes.push((*first.get(), meta.name())),
            std::collections::btree_map::Entry::Vacant(slot) => {
                slot.insert(meta.name());
            }
        }
    }
    clashes
}

/// The problem with two event names that differ only in case, in words.
pub(crate) fn case_clash(first: &str, second: &str) -> String {
    format!(
        "the event names `{first}` and `{second}` differ only in case: on a case-insensitive file system (macOS, \
         Windows) their schema files would be one file, and the collector would store both in one table; give one \
         of them another name with #[telemetry(name = \"...\")]"
    )
}

/// The first two fields of `fields` (paths with `.`, in declaration order) that a collector would store in one
/// column, and the column: the collector gives each field a column named by its path joined with `_` (a group's
/// fields flattened, optional groups too; a map, a set or a union is one column) and compares SQL names without
/// case, so `a_b` and `a.b`, or `is_ci` and `Is_Ci`, would share one and it refuses the bundle.
pub(crate) fn column_clash(fields: &'static [telemetry_schema::FieldMeta]) -> Option<(String, String, String)> {
    fn walk(fields: &'static [telemetry_schema::FieldMeta], prefix: &[&'static str], out: &mut Vec<(String, String)>) {
        for field in fields {
            let mut path = prefix.to_vec();
            path.push(field.name());
            let group = match field.kind() {
                telemetry_schema::CollectableKind::Group(group) => Some(group),
                telemetry_schema::CollectableKind::Optional(telemetry_schema::CollectableKind::Group(group)) => {
                    Some(*group)
                }
                _ => None,
            };
            match group {
                Some(group) => walk(group.fields(), &path, out),
                None => out.push((path.join("_").to_ascii_lowercase(), path.join("."))),
            }
        }
    }
    let mut columns = Vec::new();
    walk(fields, &[], &mut columns);
    let mut first_of = std::collections::BTreeMap::new();
    for (column, path) in columns {
        if let Some(first) = first_of.insert(column.clone(), path.clone()) {
            return Some((first, path, column));
        }
    }
    None
}
