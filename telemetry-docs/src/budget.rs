//! The product's payload budget: no event may say more than [`Product::payload_budget_bits`].

use std::fmt;

use telemetry_schema::{Bound, EventMeta, FieldBound, FieldMeta, Product};

use crate::words::{self, Kind};

/// How many of an over-budget event's heaviest fields the error names.
const HEAVIEST_SHOWN: usize = 3;

/// An event whose [`EventMeta::payload_bits`] is above the product's budget.
#[derive(Debug, Clone, PartialEq)]
pub struct OverBudget {
    /// The event's name.
    pub event: &'static str,
    /// Its schema version.
    pub version: u32,
    /// Its information bound.
    pub bits: f64,
    /// The product's budget.
    pub budget: u32,
    /// Its heaviest fields (a group's fields named `group.field`), heaviest first, each with its figure and the
    /// attribute that would shrink it (`None` when none can: a bool, an enum, a set).
    pub heaviest: Vec<(String, f64, Option<&'static str>)>,
}

/// Every event of `events` over `product`'s budget, in the order given; empty when the product has no budget.
pub fn over_budget(product: &Product, events: &[&EventMeta]) -> Vec<OverBudget> {
    let Some(budget) = product.payload_budget_bits() else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for meta in events {
        let bits = meta.payload_bits();
        if bits <= f64::from(budget) {
            continue;
        }
        let mut heaviest = Vec::new();
        leaves("", meta.fields(), meta.bounds(), &mut heaviest);
        heaviest.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        heaviest.retain(|(_, bits, _)| *bits > 0.0);
        heaviest.truncate(HEAVIEST_SHOWN);
        out.push(OverBudget { event: meta.name(), version: meta.version(), bits, budget, heaviest });
    }
    out
}

/// Every field that is not a group, with its figure and the attribute that would shrink it: a heavy group is
/// shrunk through its own fields, so those are what the error names.
fn leaves(
    prefix: &str,
    fields: &[FieldMeta],
    bounds: &[FieldBound],
    out: &mut Vec<(String, f64, Option<&'static str>)>,
) {
    for (index, field) in fields.iter().enumerate() {
        let path = format!("{prefix}{}", field.name());
        let bound = bounds.iter().find(|b| b.field == index).map_or(Bound::NONE, |b| b.bound);
        let bits = field.payload_bits(bound);
        match Kind::of(&field.kind()) {
            Ok(Kind::Group(inner)) if field.is_required() => {
                leaves(&format!("{path}."), inner.fields(), inner.bounds(), out);
            }
            Ok(kind) => out.push((path, bits, kind.shrinking_attribute())),
            Err(_) => out.push((path, bits, None)),
        }
    }
}

impl fmt::Display for OverBudget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "error: event `{}` (schema version {}) can carry up to {}, over the product's payload budget of {}. \
             Its heaviest fields:",
            self.event,
            self.version,
            words::plural_bits(self.bits),
            words::plural_bits(f64::from(self.budget))
        )?;
        for (path, bits, attribute) in &self.heaviest {
            write!(f, "\n  `{path}`: {}", words::plural_bits(*bits))?;
            match attribute {
                Some(attribute) => write!(f, "; shrink it with {attribute}")?,
                None => f.write_str("; no attribute shrinks it (fewer variants, or leave it out)")?,
            }
        }
        Ok(())
    }
}
