//! Groups and lists of values used in more than one table of the page: documented once, in their own section,
//! and linked from every field that uses them (issue 14, item 9). Without this, a group used by three events was
//! printed three times, with every list of values under it.
//!
//! A *table* is an event's field table, the envelope's, or the table of a shared group. A group is shared when
//! more than one field uses it, counting the fields of a group once however often the group is used; an enum is
//! shared when fields of more than one table use it (within one table its values are already listed once).
//! Kinds are compared by structure, as everywhere else in docs-gen, never by name.

use telemetry_schema::{EnumMeta, EventMeta, FieldMeta, GroupMeta};

use crate::GenerateError;
use crate::words::Kind;

/// Where a table is on the page: its label (an event name, "envelope", a group's name) and its anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Place {
    pub(crate) label: String,
    pub(crate) anchor: String,
}

/// One field that uses a shared group or enum: the table it is in and its path there (`config.database`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Use {
    pub(crate) place: Place,
    pub(crate) path: String,
}

/// A shared group or enum, its anchor, and every field that uses it, in page order.
#[derive(Debug, Clone)]
pub(crate) struct SharedItem<M: 'static> {
    pub(crate) meta: &'static M,
    pub(crate) anchor: String,
    pub(crate) uses: Vec<Use>,
}

/// The shared groups and enums of one page, each in order of first use.
#[derive(Debug, Clone, Default)]
pub(crate) struct Shared {
    pub(crate) groups: Vec<SharedItem<GroupMeta>>,
    pub(crate) enums: Vec<SharedItem<EnumMeta>>,
}

/// A table to scan: where it is, the prefix of its paths (`context.` in the envelope) and its fields.
pub(crate) struct Source<'a> {
    pub(crate) place: Place,
    pub(crate) prefix: &'a str,
    pub(crate) fields: &'a [FieldMeta],
}

impl Shared {
    /// Finds what the tables share. `tables` are the events' and the envelope's, in page order; the tables of
    /// shared groups are added after them.
    pub(crate) fn find(tables: Vec<Source<'_>>) -> Result<Self, GenerateError> {
        // Which groups more than one field uses: each group's own fields are counted at its first use only.
        let mut group_counts: Vec<(&'static GroupMeta, usize)> = Vec::new();
        for table in &tables {
            count_groups(table.fields, &mut group_counts)?;
        }
        let mut shared = Shared::default();
        let mut group_anchors = Anchors::default();
        for (meta, count) in group_counts {
            if count > 1 {
                let anchor = group_anchors.take("group", meta.name());
                shared.groups.push(SharedItem { meta, anchor, uses: Vec::new() });
            }
        }

        // Every use of a group or enum, table by table, not looking inside shared groups (they have their own).
        let mut all: Vec<Source<'_>> = tables;
        for group in &shared.groups {
            all.push(Source {
                place: Place { label: group.meta.name().to_owned(), anchor: group.anchor.clone() },
                prefix: "",
                fields: group.meta.fields(),
            });
        }
        let mut enum_uses: Vec<(&'static EnumMeta, Vec<Use>)> = Vec::new();
        for table in &all {
            shared.scan(&table.place, table.prefix, table.fields, &mut enum_uses)?;
        }
        let mut enum_anchors = Anchors::default();
        for (meta, uses) in enum_uses {
            let mut places: Vec<&Place> = uses.iter().map(|u| &u.place).collect();
            places.dedup();
            if places.len() > 1 {
                let anchor = enum_anchors.take("values", meta.name());
                shared.enums.push(SharedItem { meta, anchor, uses });
            }
        }
        Ok(shared)
    }

    fn scan(
        &mut self,
        place: &Place,
        prefix: &str,
        fields: &[FieldMeta],
        enum_uses: &mut Vec<(&'static EnumMeta, Vec<Use>)>,
    ) -> Result<(), GenerateError> {
        for field in fields {
            let path = format!("{prefix}{}", field.name());
            let used = Use { place: place.clone(), path: path.clone() };
            match Kind::of(&field.kind())? {
                Kind::Enum(meta) | Kind::EnumSet(meta) => match enum_uses.iter_mut().find(|(m, _)| *m == meta) {
                    Some((_, uses)) => uses.push(used),
                    None => enum_uses.push((meta, vec![used])),
                },
                Kind::Group(meta) => match self.groups.iter_mut().find(|g| *g.meta == *meta) {
                    Some(group) => group.uses.push(used),
                    None => self.scan(place, &format!("{path}."), meta.fields(), enum_uses)?,
                },
                _ => {}
            }
        }
        Ok(())
    }

    /// The shared group `meta`, if it is one.
    pub(crate) fn group(&self, meta: &GroupMeta) -> Option<&SharedItem<GroupMeta>> {
        self.groups.iter().find(|g| *g.meta == *meta)
    }

    /// The shared enum `meta`, if it is one.
    pub(crate) fn enumeration(&self, meta: &EnumMeta) -> Option<&SharedItem<EnumMeta>> {
        self.enums.iter().find(|e| *e.meta == *meta)
    }

    /// Whether there is anything to put in the shared section.
    pub(crate) fn is_empty(&self) -> bool {
        self.groups.is_empty() && self.enums.is_empty()
    }
}

fn count_groups(fields: &[FieldMeta], counts: &mut Vec<(&'static GroupMeta, usize)>) -> Result<(), GenerateError> {
    for field in fields {
        if let Kind::Group(meta) = Kind::of(&field.kind())? {
            match counts.iter_mut().find(|(m, _)| *m == meta) {
                Some((_, count)) => *count += 1,
                None => {
                    counts.push((meta, 1));
                    count_groups(meta.fields(), counts)?;
                }
            }
        }
    }
    Ok(())
}

/// Anchors from type names: `group-Options`, `values-Os`. Two different types with one name (from two modules)
/// get `-2`, `-3`, … in order of first use, so every anchor on the page is unique.
#[derive(Default)]
struct Anchors {
    taken: Vec<String>,
}

impl Anchors {
    fn take(&mut self, prefix: &str, name: &str) -> String {
        let base = format!("{prefix}-{name}");
        let mut anchor = base.clone();
        let mut n = 1;
        while self.taken.contains(&anchor) {
            n += 1;
            anchor = format!("{base}-{n}");
        }
        self.taken.push(anchor.clone());
        anchor
    }
}

/// An event's table.
pub(crate) fn event_source<'a>(meta: &'a EventMeta) -> Source<'a> {
    Source {
        place: Place { label: meta.name().to_owned(), anchor: crate::page::event_anchor(meta) },
        prefix: "",
        fields: meta.fields(),
    }
}
