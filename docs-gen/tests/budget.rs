//! The product's payload budget: an event above it is named with its bound and its heaviest fields, each with the
//! attribute that would shrink it, and the example SDK is within its own.

use telemetry_docs::over_budget;
use telemetry_schema::{Bound, CollectableKind, CountWidth, EventMeta, FieldBound, FieldMeta, Product, Scale};

const fn product(budget: Option<u32>) -> Product {
    let builder = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
        .env_prefix("TOOL")
        .opt_in()
        .endpoint("https://telemetry.tool.example/v1")
        .purpose("Tool counts how often it starts.");
    match budget {
        Some(bits) => builder.payload_budget_bits(bits).build(),
        None => builder.build(),
    }
}

const FIELDS: &[FieldMeta] = &[
    FieldMeta::new("is_ci", "Whether the tool runs in CI.", CollectableKind::Bool),
    FieldMeta::new("files", "How many files.", CollectableKind::Count(CountWidth::U32)),
    FieldMeta::new("took", "How long it took.", CollectableKind::DurationMillis),
    FieldMeta::new("tool_version", "The tool's version.", CollectableKind::Version),
];
const HEAVY: EventMeta = EventMeta::new("STARTED", 2, "Sent when the tool starts.", FIELDS);
const TWO: &[FieldMeta] = &[
    FieldMeta::new("is_ci", "Whether the tool runs in CI.", CollectableKind::Bool),
    FieldMeta::new("files", "How many files.", CollectableKind::Count(CountWidth::U32)),
];
const BOUNDED: EventMeta = EventMeta::new("STARTED_BOUNDED", 1, "Sent when the tool starts.", TWO)
    .with_bounds(&[FieldBound { field: 1, bound: Bound::NONE.with_scale(Scale::Exp2) }]);

#[test]
fn an_event_over_the_budget_is_named_with_its_heaviest_fields_and_how_to_shrink_them() {
    let over = over_budget(&product(Some(16)), &[&HEAVY, &BOUNDED]);
    assert_eq!(over.len(), 1, "{over:?}");
    let message = over[0].to_string();
    assert!(message.starts_with("error: event `STARTED` (schema version 2) can carry up to 219.8 bits, over the product's payload budget of 16 bits."), "{message}");
    let lines: Vec<&str> = message.lines().skip(1).collect();
    assert_eq!(
        lines,
        [
            "  `tool_version`: 122.8 bits; shrink it with #[telemetry(precision = \"minor\", max = 99)]",
            "  `took`: 64 bits; shrink it with #[telemetry(buckets = \"exp2\", max = \"10m\")]",
            "  `files`: 32 bits; shrink it with #[telemetry(max = N)] or #[telemetry(buckets = \"exp2\")]",
        ]
    );
    // 1 + log2(33) = 6.04 bits: within the budget.
    assert!(BOUNDED.payload_bits() < 16.0);
}

#[test]
fn without_a_budget_nothing_is_over_it() {
    assert!(over_budget(&product(None), &[&HEAVY]).is_empty());
}

#[test]
fn the_example_sdk_is_within_its_budget() {
    use example_sdk as _;
    let events: Vec<&EventMeta> = telemetry_schema::events().unwrap().into_iter().map(|e| e.meta()).collect();
    assert_eq!(example_sdk::PRODUCT.payload_budget_bits(), Some(64));
    assert!(over_budget(&example_sdk::PRODUCT, &events).is_empty());
}
