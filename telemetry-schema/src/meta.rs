//! Compile-time metadata: what an event, a field, an enum or a nested group *is*.
//!
//! Every value here is built by a `const fn` constructor that checks its input while the program compiles, so a
//! name that could break the wire format (or a missing description) is a build error even for hand-written impls.
//! Docs-gen, the schema renderer and the serializer all read these types; nothing else describes an event.

use crate::kind::CollectableKind;

/// Longest name (event, field, enum variant) the toolkit accepts.
pub const MAX_NAME_LEN: usize = 64;

/// Describes one telemetry event: the associated `const` [`TelemetryEvent::META`](crate::TelemetryEvent::META).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EventMeta {
    name: &'static str,
    version: u32,
    doc: &'static str,
    fields: &'static [FieldMeta],
    sample_per_million: u32,
    dedup_window_secs: Option<u64>,
}

impl EventMeta {
    /// Builds event metadata, refusing (at compile time, when used in a `const`) an invalid event name, a
    /// version of 0, an empty doc, or two fields with the same name.
    pub const fn new(name: &'static str, version: u32, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        assert!(
            is_valid_event_name(name),
            "telemetry: an event name must start with an ASCII letter, contain only ASCII letters, digits and '_', \
             and be at most 64 bytes"
        );
        assert!(version >= 1, "telemetry: an event's schema version starts at 1");
        assert!(!is_blank(doc), "telemetry: every event needs a doc comment");
        assert!(fields_are_unique(fields), "telemetry: two fields of one event have the same name");
        Self { name, version, doc, fields, sample_per_million: 1_000_000, dedup_window_secs: None }
    }

    /// Sends only this many occurrences per million (`#[telemetry(sample_rate = 0.1)]` is 100 000).
    pub const fn with_sample_rate_per_million(self, per_million: u32) -> Self {
        assert!(
            per_million >= 1 && per_million <= 1_000_000,
            "telemetry: a sample rate is between 1 and 1 000 000 per million"
        );
        Self { sample_per_million: per_million, ..self }
    }

    /// Sends an identical payload at most once per window (`#[telemetry(dedup = "24h")]`).
    pub const fn with_dedup_window_secs(self, secs: u64) -> Self {
        assert!(secs >= 1, "telemetry: a dedup window is at least one second");
        Self { dedup_window_secs: Some(secs), ..self }
    }

    /// How many occurrences per million are sent; 1 000 000 (the default) sends every one.
    pub const fn sample_rate_per_million(&self) -> u32 {
        self.sample_per_million
    }

    /// The window during which an identical payload is sent only once, if the event is throttled.
    pub const fn dedup_window(&self) -> Option<std::time::Duration> {
        match self.dedup_window_secs {
            Some(secs) => Some(std::time::Duration::from_secs(secs)),
            None => None,
        }
    }

    /// For `#[derive(TelemetryEvent)]`, which has already checked everything [`EventMeta::new`] checks, with
    /// spans; skipping the repeat keeps compile-time evaluation cheap. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, version: u32, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        Self { name, version, doc, fields, sample_per_million: 1_000_000, dedup_window_secs: None }
    }

    /// The event name on the wire, e.g. `CLI_COMMAND`.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The schema version of the payload, starting at 1.
    pub const fn version(&self) -> u32 {
        self.version
    }

    /// The doc comment of the event, as written for the person reading the disclosure page.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The payload's fields, in declaration order (which is also the order on the wire).
    pub const fn fields(&self) -> &'static [FieldMeta] {
        self.fields
    }
}

/// Describes one field of an event or of a nested group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldMeta {
    name: &'static str,
    doc: &'static str,
    kind: CollectableKind,
}

impl FieldMeta {
    /// Builds field metadata, refusing an invalid name or an empty doc at compile time.
    pub const fn new(name: &'static str, doc: &'static str, kind: CollectableKind) -> Self {
        assert!(
            is_valid_name(name),
            "telemetry: a field name must start with an ASCII letter, contain only ASCII letters, digits, '_' and \
             '-', and be at most 64 bytes"
        );
        assert!(!is_blank(doc), "telemetry: every field needs a doc comment");
        Self { name, doc, kind }
    }

    /// For the derives, which have already checked the name and the doc. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, kind: CollectableKind) -> Self {
        Self { name, doc, kind }
    }

    /// The key of this field in the JSON payload.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the field.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// What kind of value the field holds.
    pub const fn kind(&self) -> CollectableKind {
        self.kind
    }

    /// Whether the field is always present (everything but `Option`).
    pub const fn is_required(&self) -> bool {
        !matches!(self.kind, CollectableKind::Optional(_))
    }
}

/// Describes a fieldless enum deriving [`TelemetryEnum`](crate::TelemetryEnum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnumMeta {
    name: &'static str,
    doc: &'static str,
    variants: &'static [VariantMeta],
}

impl EnumMeta {
    /// Builds enum metadata, refusing at compile time an empty doc, an enum without variants, or two variants
    /// with the same wire name.
    pub const fn new(name: &'static str, doc: &'static str, variants: &'static [VariantMeta]) -> Self {
        assert!(is_valid_name(name), "telemetry: invalid enum type name");
        assert!(!is_blank(doc), "telemetry: every enum needs a doc comment");
        assert!(!variants.is_empty(), "telemetry: an enum without variants can never be sent");
        assert!(variants_are_unique(variants), "telemetry: two variants of one enum have the same name");
        Self { name, doc, variants }
    }

    /// For `#[derive(TelemetryEnum)]`, which has already checked the docs and the variants. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, variants: &'static [VariantMeta]) -> Self {
        Self { name, doc, variants }
    }

    /// The Rust name of the enum type (used in docs and as the schema definition name).
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the enum type.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The variants, in declaration order; a value is sent as the name of its variant.
    pub const fn variants(&self) -> &'static [VariantMeta] {
        self.variants
    }
}

/// Describes one variant of a [`TelemetryEnum`](crate::TelemetryEnum).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VariantMeta {
    name: &'static str,
    doc: &'static str,
}

impl VariantMeta {
    /// Builds variant metadata, refusing an invalid name or an empty doc at compile time.
    pub const fn new(name: &'static str, doc: &'static str) -> Self {
        assert!(
            is_valid_name(name),
            "telemetry: a variant name must start with an ASCII letter, contain only ASCII letters, digits, '_' \
             and '-', and be at most 64 bytes"
        );
        assert!(!is_blank(doc), "telemetry: every enum variant needs a doc comment");
        Self { name, doc }
    }

    /// For `#[derive(TelemetryEnum)]`, which has already checked the name and the doc. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str) -> Self {
        Self { name, doc }
    }

    /// The variant's value on the wire.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the variant.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }
}

/// Describes a nested group of fields deriving [`TelemetryGroup`](crate::TelemetryGroup).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct GroupMeta {
    name: &'static str,
    doc: &'static str,
    fields: &'static [FieldMeta],
}

impl GroupMeta {
    /// Builds group metadata, refusing an empty doc or duplicate field names at compile time.
    pub const fn new(name: &'static str, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        assert!(is_valid_name(name), "telemetry: invalid group type name");
        assert!(!is_blank(doc), "telemetry: every group needs a doc comment");
        assert!(fields_are_unique(fields), "telemetry: two fields of one group have the same name");
        Self { name, doc, fields }
    }

    /// For `#[derive(TelemetryGroup)]`, which has already checked the docs and the fields. Not public API.
    #[doc(hidden)]
    pub const fn __derived(name: &'static str, doc: &'static str, fields: &'static [FieldMeta]) -> Self {
        Self { name, doc, fields }
    }

    /// The Rust name of the group type.
    pub const fn name(&self) -> &'static str {
        self.name
    }

    /// The doc comment of the group type.
    pub const fn doc(&self) -> &'static str {
        self.doc
    }

    /// The group's fields, in wire order.
    pub const fn fields(&self) -> &'static [FieldMeta] {
        self.fields
    }
}

/// `[A-Za-z][A-Za-z0-9_]*`, at most [`MAX_NAME_LEN`] bytes: event names are identifiers everywhere they go
/// (file names, schema `$id`s, anchors).
pub const fn is_valid_event_name(name: &str) -> bool {
    is_name_with(name, false)
}

/// `[A-Za-z][A-Za-z0-9_-]*`, at most [`MAX_NAME_LEN`] bytes. Such a name never needs escaping in JSON, HTML or
/// Markdown, which is why the serializer can copy it verbatim.
pub const fn is_valid_name(name: &str) -> bool {
    is_name_with(name, true)
}

const fn is_name_with(name: &str, allow_dash: bool) -> bool {
    let bytes = name.as_bytes();
    if bytes.is_empty() || bytes.len() > MAX_NAME_LEN || !bytes[0].is_ascii_alphabetic() {
        return false;
    }
    let mut i = 1;
    while i < bytes.len() {
        let b = bytes[i];
        if !(b.is_ascii_alphanumeric() || b == b'_' || (allow_dash && b == b'-')) {
            return false;
        }
        i += 1;
    }
    true
}

const fn is_blank(text: &str) -> bool {
    text.trim_ascii().is_empty()
}

const fn str_eq(a: &str, b: &str) -> bool {
    bytes_eq(a.as_bytes(), b.as_bytes())
}

/// `a == b` for byte slices, usable in `const fn` (slice `==` is not `const` yet).
pub(crate) const fn bytes_eq(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

const fn fields_are_unique(fields: &[FieldMeta]) -> bool {
    let mut i = 0;
    while i < fields.len() {
        let mut j = i + 1;
        while j < fields.len() {
            if str_eq(fields[i].name, fields[j].name) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

const fn variants_are_unique(variants: &[VariantMeta]) -> bool {
    let mut i = 0;
    while i < variants.len() {
        let mut j = i + 1;
        while j < variants.len() {
            if str_eq(variants[i].name, variants[j].name) {
                return false;
            }
            j += 1;
        }
        i += 1;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_identifiers() {
        assert!(is_valid_name("cpu_count"));
        assert!(is_valid_name("is-ci"));
        assert!(is_valid_event_name("CLI_COMMAND"));
        assert!(!is_valid_event_name("cli-command"));
        for bad in ["", "1abc", "_x", "a b", "a\"b", "émoji", "a.b", &"x".repeat(65)] {
            assert!(!is_valid_name(bad), "{bad:?} should be refused");
        }
    }
}
