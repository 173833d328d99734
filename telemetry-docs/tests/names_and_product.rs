//! What valid identifiers and a product that skipped the checked builder could break: event names that differ only in
//! case (one schema file on macOS and Windows, one collector table), event names that Windows reads as devices, and
//! a product whose opt-out variable nobody can type.

mod common;

use telemetry_docs::{Disclosure, Format, Lint, generate, render_catalog, render_html, render_markdown};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{CollectableKind, EventMeta, FieldMeta, Product};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts how often it starts.")
    .build();

const BOOL_FIELD: &[FieldMeta] = &[FieldMeta::new("ok", "Whether it worked.", CollectableKind::Bool)];
// Both names pass every check of the toolkit on their own: they are valid, distinct identifiers.
const UPPER: EventMeta = EventMeta::new("CLI_COMMAND", 1, "Sent when a command runs.", BOOL_FIELD);
const MIXED: EventMeta = EventMeta::new("Cli_Command", 1, "Also sent when a command runs.", BOOL_FIELD);

/// Every renderer refuses the disclosure, and each error says `expected`.
fn assert_refused(disclosure: &Disclosure<'_>, expected: &str) {
    let errors = [
        render_markdown(disclosure).unwrap_err().to_string(),
        render_html(disclosure).unwrap_err().to_string(),
        render_catalog(disclosure).unwrap_err().to_string(),
        generate(disclosure, &Format::ALL, &SchemaOptions::default()).unwrap_err().to_string(),
    ];
    for error in errors {
        assert!(error.contains(expected), "{error:?} does not say {expected:?}");
    }
}

#[test]
fn event_names_that_differ_only_in_case_are_refused() {
    let lints = Disclosure::new(&PRODUCT, [&UPPER, &MIXED]).unwrap_err();
    assert_eq!(lints.problems(), [Lint::NamesDifferOnlyInCase("CLI_COMMAND", "Cli_Command")]);
    let message = lints.to_string();
    assert!(message.contains("`CLI_COMMAND` and `Cli_Command` differ only in case"), "{message}");
    assert!(message.contains("one file") && message.contains("one table"), "says why: {message}");
    // `Disclosure`'s fields are public: every renderer checks again.
    let direct = Disclosure { product: &PRODUCT, events: vec![&UPPER, &MIXED] };
    assert_refused(&direct, "`CLI_COMMAND` and `Cli_Command` differ only in case");
    let twice = Disclosure { product: &PRODUCT, events: vec![&UPPER, &UPPER] };
    assert_refused(&twice, "two events are named `CLI_COMMAND`");
}

#[test]
fn an_event_named_like_a_windows_device_is_refused_before_anything_is_written() {
    let root = common::TempDir::new("device-names");
    for name in ["CON", "Nul", "aux", "PRN", "COM1", "LPT9", "COM0"] {
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let meta: &'static EventMeta = Box::leak(Box::new(EventMeta::new(name, 1, "An event.", BOOL_FIELD)));
        let disclosure = Disclosure::new(&PRODUCT, [meta]).unwrap();
        let generated = generate(&disclosure, &Format::ALL, &SchemaOptions::default()).unwrap();
        let error = generated.write(root.path()).unwrap_err().to_string();
        assert!(error.contains(&format!("schemas/events/{name}.v1.json")), "{error}");
        assert!(error.contains("device name on Windows"), "{error}");
        assert!(generated.check(root.path()).is_err(), "{name}");
        assert!(std::fs::read_dir(root.path()).unwrap().next().is_none(), "{name}: something was written");
    }
    // Names that only start like a device are files like any other.
    for name in ["CONSOLE", "COM10", "NULL_RESULT", "LPT"] {
        let name: &'static str = Box::leak(name.to_owned().into_boxed_str());
        let meta: &'static EventMeta = Box::leak(Box::new(EventMeta::new(name, 1, "An event.", BOOL_FIELD)));
        let disclosure = Disclosure::new(&PRODUCT, [meta]).unwrap();
        let generated = generate(&disclosure, &[Format::Schemas], &SchemaOptions::default()).unwrap();
        assert!(generated.check(root.path()).is_ok(), "{name}");
    }
    // A file on disk with such a name (possible on Linux) is not refused as a generated name, and it is not deleted
    // either: schemas/events/ is the archive, and docs-gen never deletes anything there.
    let events = root.path().join("schemas/events");
    std::fs::create_dir_all(&events).unwrap();
    std::fs::write(events.join("aux.json"), "{}").unwrap();
    let meta: &'static EventMeta = Box::leak(Box::new(EventMeta::new("STARTED", 1, "An event.", BOOL_FIELD)));
    let disclosure = Disclosure::new(&PRODUCT, [meta]).unwrap();
    let report = generate(&disclosure, &[Format::Schemas], &SchemaOptions::default()).unwrap().write(root.path());
    assert!(report.is_ok(), "{report:?}");
    assert!(events.join("aux.json").exists());
}

#[test]
fn a_product_that_breaks_a_rule_cannot_be_built() {
    // Product's fields are private: the checked builder is the only way to make one, so docs-gen never sees a
    // product that skipped a rule. U+200B after the prefix would have the page show `TOOL​_TELEMETRY_DISABLED=1`,
    // which looks like the variable a user types, while the client reads another one.
    let base = || {
        Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
            .env_prefix("TOOL")
            .opt_in()
            .endpoint("https://telemetry.tool.example/v1")
            .purpose("Tool counts how often it starts.")
    };
    let cases = [
        (base().env_prefix("TOOL\u{200B}"), "env_prefix must be"),
        (base().env_prefix("tool"), "env_prefix must be"),
        (base().env_prefix(""), "env_prefix must be"),
        (
            Product::builder("Tool", "tool\",\"x\":\"", telemetry_schema::version!("1.0.0"))
                .env_prefix("TOOL")
                .opt_in()
                .endpoint("https://telemetry.tool.example/v1")
                .purpose("Why."),
            "invalid sdk_name",
        ),
        (base().endpoint("javascript:alert(1)"), "the endpoint must be an http(s) URL"),
        (base().purpose(" "), "say why the product collects telemetry"),
        (
            Product::builder("", "tool", telemetry_schema::version!("1.0.0"))
                .env_prefix("TOOL")
                .opt_in()
                .endpoint("https://telemetry.tool.example/v1")
                .purpose("Why."),
            "the product needs a name",
        ),
    ];
    for (builder, expected) in cases {
        let error = builder.try_build().unwrap_err();
        assert!(error.message().contains(expected), "{error}");
    }
    assert_eq!(PRODUCT.check(), Ok(()));
}

const INNER: &[FieldMeta] = &[FieldMeta::new("b", "Whether b.", CollectableKind::Bool)];
const GROUP_A: telemetry_schema::GroupMeta = telemetry_schema::GroupMeta::new("A", "About a.", INNER);
const FLAT_AND_NESTED: &[FieldMeta] = &[
    FieldMeta::new("a_b", "Whether a and b.", CollectableKind::Bool),
    FieldMeta::new("a", "About a.", CollectableKind::Group(&GROUP_A)),
];
const CASES: &[FieldMeta] = &[
    FieldMeta::new("is_ci", "Whether in CI.", CollectableKind::Bool),
    FieldMeta::new("Is_Ci", "Whether in CI, again.", CollectableKind::Bool),
];

/// The collector stores a group's fields as columns joined with `_` and compares SQL names without case, so a field
/// `a_b` next to a group `a` with a field `b`, or fields `is_ci` and `Is_Ci`, would share one column: the collector
/// refuses such a bundle at start-up, and with it every event. Valid for the toolkit on their own, so docs-gen must
/// say so when the SDK is built, not the collector when it is deployed.
#[test]
fn fields_that_the_collector_would_store_in_one_column_are_refused() {
    for (fields, first, second, column) in [(FLAT_AND_NESTED, "a_b", "a.b", "a_b"), (CASES, "is_ci", "Is_Ci", "is_ci")]
    {
        let meta: &'static EventMeta = Box::leak(Box::new(EventMeta::new("PLUGIN_LOADED", 1, "An event.", fields)));
        let disclosure = Disclosure { product: &PRODUCT, events: vec![meta] };
        assert_refused(&disclosure, &format!("`{first}` and `{second}`"));
        assert_refused(&disclosure, &format!("column `{column}`"));
    }
}
