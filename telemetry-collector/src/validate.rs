//! The one place the collector touches the validator (`telemetry-validator`).

pub use telemetry_validator::{BundleError, Limits, Problem, ProblemKind, Rejection, Validator};

/// Why something was quarantined or refused: a closed set, so `/metrics` has a bounded number of series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// The body is not UTF-8 JSON.
    NotJson,
    /// Arrays or objects nest too deep.
    TooDeep,
    /// More envelopes than `--max-batch-events`.
    BatchTooLong,
    /// An object repeats a key.
    DuplicateKey,
    /// Not an object with an `events` array (or with other keys).
    NotABatch,
    /// `batch_id` missing or not 32 lower-case hex digits.
    BatchId,
    /// An event the bundle does not know.
    UnknownEvent,
    /// A version of the event the bundle does not know.
    UnknownSchemaVersion,
    /// A value does not match the schema.
    Schema,
    /// An envelope larger than the limit.
    TooLarge,
    /// A count the schema allows but the store's integers cannot hold (above 2^63 - 1).
    StoreRange,
    /// The store's constraints refused a row the validator accepted.
    StoreRejected,
}

impl Reason {
    /// Every reason, for `/metrics`.
    pub const ALL: [Reason; 12] = [
        Reason::NotJson,
        Reason::TooDeep,
        Reason::BatchTooLong,
        Reason::DuplicateKey,
        Reason::NotABatch,
        Reason::BatchId,
        Reason::UnknownEvent,
        Reason::UnknownSchemaVersion,
        Reason::Schema,
        Reason::TooLarge,
        Reason::StoreRange,
        Reason::StoreRejected,
    ];

    /// The word stored in `quarantine.reason` and used as the metrics label.
    pub const fn label(self) -> &'static str {
        match self {
            Reason::NotJson => "not_json",
            Reason::TooDeep => "too_deep",
            Reason::BatchTooLong => "batch_too_long",
            Reason::DuplicateKey => "duplicate_key",
            Reason::NotABatch => "not_a_batch",
            Reason::BatchId => "batch_id",
            Reason::UnknownEvent => "unknown_event",
            Reason::UnknownSchemaVersion => "unknown_schema_version",
            Reason::Schema => "schema",
            Reason::TooLarge => "too_large",
            Reason::StoreRange => "store_range",
            Reason::StoreRejected => "store_rejected",
        }
    }

    /// The position in [`Reason::ALL`].
    pub fn index(self) -> usize {
        Self::ALL.iter().position(|r| *r == self).unwrap_or(0)
    }

    /// The reason for a validator's problem.
    pub fn of(kind: &ProblemKind) -> Reason {
        match kind {
            ProblemKind::BodyTooLarge { .. }
            | ProblemKind::ArrayTooLong { .. }
            | ProblemKind::ObjectTooLarge { .. } => Reason::TooLarge,
            ProblemKind::TooDeep { .. } => Reason::TooDeep,
            ProblemKind::BatchTooLong { .. } => Reason::BatchTooLong,
            ProblemKind::NotJson { .. } => Reason::NotJson,
            ProblemKind::DuplicateKey { .. } => Reason::DuplicateKey,
            ProblemKind::NotABatch => Reason::NotABatch,
            ProblemKind::UnknownEvent => Reason::UnknownEvent,
            ProblemKind::UnknownSchemaVersion => Reason::UnknownSchemaVersion,
            _ => Reason::Schema,
        }
    }
}
