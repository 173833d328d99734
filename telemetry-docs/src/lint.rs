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

/// Sorts events by name and version and refuses two with one name.
pub(crate) fn sorted_unique(mut events: Vec<&EventMeta>) -> Result<Vec<&EventMeta>, Lints> {
    events.sort_by(|a, b| (a.name(), a.version()).cmp(&(b.name(), b.version())));
    let mut problems: Vec<Lint> = events
        .windows(2)
        .filter(|pair| pair[0].name() == pair[1].name())
        .map(|pair| Lint::DuplicateName(pair[0].name()))
        .collect();
    problems.dedup();
    if problems.is_empty() { Ok(events) } else { Err(Lints { problems }) }
}
