//! docs-gen never trusts metadata unchecked. The derives build it with unchecked `#[doc(hidden)]` constructors,
//! which any code can call, and a `static` can point back at itself; docs-gen re-checks every name before it
//! becomes a file name, an anchor or a key, refuses cycles and hidden characters, and never writes outside its
//! output directory.

mod common;

use telemetry_docs::{
    Disclosure, Format, Generated, OutputFile, generate, render_catalog, render_html, render_markdown,
};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{CollectableKind, EnumMeta, EventMeta, FieldMeta, GroupMeta, Product, VariantMeta};

const PRODUCT: Product = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
    .env_prefix("TOOL")
    .opt_in()
    .endpoint("https://telemetry.tool.example/v1")
    .purpose("Tool counts how often it starts.")
    .build();

/// Every renderer refuses the disclosure, and each error says `expected`.
fn assert_refused(events: &[&EventMeta], expected: &str) {
    // Built directly: `Disclosure`'s fields are public, so `Disclosure::new` is not the only door.
    let disclosure = Disclosure { product: &PRODUCT, events: events.to_vec() };
    let errors = [
        render_markdown(&disclosure).unwrap_err().to_string(),
        render_html(&disclosure).unwrap_err().to_string(),
        render_catalog(&disclosure).unwrap_err().to_string(),
        generate(&disclosure, &Format::ALL, &SchemaOptions::default()).unwrap_err().to_string(),
    ];
    for error in errors {
        assert!(error.contains(expected), "{error:?} does not say {expected:?}");
    }
}

const BOOL_FIELD: &[FieldMeta] = &[FieldMeta::new("ok", "Whether it worked.", CollectableKind::Bool)];

#[test]
fn an_event_name_that_climbs_out_of_the_output_directory_is_refused() {
    const ESCAPED: EventMeta = EventMeta::__derived("../../../escaped", 1, "An event.", BOOL_FIELD);
    assert_refused(&[&ESCAPED], "an event name must start with an ASCII letter");
    assert_refused(&[&ESCAPED], r#"event "../../../escaped""#);
}

#[test]
fn an_event_name_with_markup_or_quotes_is_refused() {
    for name in ["X<script>alert(1)</script>", "X\",\"injected_key\":\"1", "X\u{202E}", "X Y", ""] {
        let meta: &'static EventMeta = Box::leak(Box::new(EventMeta::__derived(name, 1, "An event.", BOOL_FIELD)));
        assert_refused(&[meta], "an event name must");
    }
}

#[test]
fn a_field_variant_enum_or_group_name_that_needs_escaping_is_refused() {
    const FIELD: &[FieldMeta] =
        &[FieldMeta::__derived("home\":\"/root/.ssh/id_rsa", "The home.", CollectableKind::Bool)];
    const VARIANTS: &[VariantMeta] = &[VariantMeta::__derived("<b>jane</b>", "Jane.")];
    const ENUM: EnumMeta = EnumMeta::__derived("Plan", "The plan.", VARIANTS);
    const ENUM_NAME: EnumMeta = EnumMeta::__derived("Plan/../x", "The plan.", &[VariantMeta::new("Free", "Free.")]);
    const GROUP: GroupMeta = GroupMeta::__derived("Props", "The props.", FIELD);
    const GROUP_NAME: GroupMeta = GroupMeta::__derived("#/$defs/x", "The props.", BOOL_FIELD);
    let field = |kind| -> &'static EventMeta {
        let fields: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::new("f", "A field.", kind)]));
        Box::leak(Box::new(EventMeta::new("EVENT", 1, "An event.", fields)))
    };
    assert_refused(&[&EventMeta::__derived("FIELD", 1, "An event.", FIELD)], "home");
    assert_refused(&[field(CollectableKind::Enum(&ENUM))], "<b>jane</b>");
    assert_refused(&[field(CollectableKind::EnumSet(&ENUM_NAME))], "Plan/../x");
    assert_refused(&[field(CollectableKind::Optional(&CollectableKind::Group(&GROUP)))], "home");
    assert_refused(&[field(CollectableKind::Group(&GROUP_NAME))], "#/$defs/x");
}

#[test]
fn an_enum_without_variants_two_fields_of_one_name_and_version_zero_are_refused() {
    const EMPTY: EnumMeta = EnumMeta::__derived("Empty", "Nothing.", &[]);
    const TWICE: &[FieldMeta] = &[
        FieldMeta::__derived("a", "First.", CollectableKind::Bool),
        FieldMeta::__derived("a", "Second.", CollectableKind::Bool),
    ];
    const EMPTY_FIELD: &[FieldMeta] = &[FieldMeta::new("e", "E.", CollectableKind::Enum(&EMPTY))];
    assert_refused(&[&EventMeta::__derived("E", 1, "An event.", EMPTY_FIELD)], "an enum without variants");
    assert_refused(&[&EventMeta::__derived("E", 1, "An event.", TWICE)], "the same name");
    assert_refused(&[&EventMeta::__derived("E", 0, "An event.", BOOL_FIELD)], "version starts at 1");
}

static LOOP: GroupMeta = GroupMeta::new(
    "Loop",
    "A group inside itself.",
    &[FieldMeta::new("inner", "Itself.", CollectableKind::Group(&LOOP))],
);
static LOOP_FIELDS: [FieldMeta; 1] = [FieldMeta::new("group", "The loop.", CollectableKind::Group(&LOOP))];
static LOOPED: EventMeta = EventMeta::new("LOOPED", 1, "An event with a cycle.", &LOOP_FIELDS);

static PING: GroupMeta = GroupMeta::new(
    "Ping",
    "Holds a pong.",
    &[FieldMeta::new("pong", "The pong.", CollectableKind::Optional(&CollectableKind::Group(&PONG)))],
);
static PONG: GroupMeta =
    GroupMeta::new("Pong", "Holds a ping.", &[FieldMeta::new("ping", "The ping.", CollectableKind::Group(&PING))]);
static RALLY_FIELDS: [FieldMeta; 1] = [FieldMeta::new("ping", "The ping.", CollectableKind::Group(&PING))];
static RALLY: EventMeta = EventMeta::new("RALLY", 1, "An event with a longer cycle.", &RALLY_FIELDS);

static MAYBE: CollectableKind = CollectableKind::Optional(&MAYBE);
static MAYBE_FIELDS: [FieldMeta; 1] = [FieldMeta::new("maybe", "Maybe.", CollectableKind::Optional(&MAYBE))];
static MAYBES: EventMeta = EventMeta::new("MAYBES", 1, "An event with an endless option.", &MAYBE_FIELDS);

static KEYS: EnumMeta = EnumMeta::new("Keys", "The keys.", &[VariantMeta::new("A", "The first key.")]);
static ENDLESS_MAP: CollectableKind = CollectableKind::Map(&KEYS, &ENDLESS_MAP);
static ENDLESS_MAP_FIELDS: [FieldMeta; 1] = [FieldMeta::new("map", "A map of itself.", ENDLESS_MAP)];
static ENDLESS_MAPS: EventMeta =
    EventMeta::new("ENDLESS_MAPS", 1, "An event with an endless map.", &ENDLESS_MAP_FIELDS);
static MAYBE_MAP_FIELDS: [FieldMeta; 1] = [FieldMeta::new(
    "map",
    "A map of optional values.",
    CollectableKind::Map(&KEYS, &CollectableKind::Optional(&CollectableKind::Bool)),
)];
static MAYBE_MAPS: EventMeta = EventMeta::new("MAYBE_MAPS", 1, "An event with optional map values.", &MAYBE_MAP_FIELDS);

static TAGGED: GroupMeta = GroupMeta::new(
    "Tagged",
    "A group with the tag's name.",
    &[FieldMeta::new("kind", "A field named like the tag.", CollectableKind::Bool)],
);
static COLLIDING: telemetry_schema::UnionMeta = telemetry_schema::UnionMeta::new(
    "Colliding",
    "A union whose case's group has a field named kind.",
    &[telemetry_schema::UnionVariantMeta::new("Case", "The case.", Some(&TAGGED))],
);
static COLLIDING_FIELDS: [FieldMeta; 1] =
    [FieldMeta::new("outcome", "The outcome.", CollectableKind::Union(&COLLIDING))];
static COLLIDES: EventMeta = EventMeta::new("COLLIDES", 1, "An event whose union's tag collides.", &COLLIDING_FIELDS);

#[test]
fn a_union_case_with_a_field_named_like_the_tag_is_refused() {
    assert_refused(&[&COLLIDES], "cannot have a field named `kind`");
}

#[test]
fn a_group_that_contains_itself_is_refused_not_a_stack_overflow() {
    assert_refused(&[&LOOPED], "a group that contains itself");
    assert_refused(&[&RALLY], "a group that contains itself");
    assert_refused(&[&MAYBES], "an optional optional value");
    assert_refused(&[&ENDLESS_MAPS], "or a map whose values do");
    assert_refused(&[&MAYBE_MAPS], "the value of a map cannot be optional");
}

#[test]
fn the_schema_renderer_refuses_a_cycle_with_a_message_not_a_stack_overflow() {
    for meta in [&LOOPED, &RALLY, &MAYBES, &ENDLESS_MAPS, &MAYBE_MAPS] {
        let panic =
            std::panic::catch_unwind(|| telemetry_schema::schema::event_schema(meta, &SchemaOptions::default()))
                .unwrap_err();
        let message = panic.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("refusing to render"), "{message}");
        let bundle =
            std::panic::catch_unwind(|| telemetry_schema::schema::bundle_schema(&[meta], &SchemaOptions::default()));
        assert!(bundle.is_err());
    }
}

/// A chain of `depth` groups, each holding the next, built at run time.
fn nested(depth: usize) -> &'static EventMeta {
    let mut kind = CollectableKind::Bool;
    for level in 0..depth {
        let name: &'static str = Box::leak(format!("Level{level}").into_boxed_str());
        let fields: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::__derived("next", "The next level.", kind)]));
        kind = CollectableKind::Group(Box::leak(Box::new(GroupMeta::__derived(name, "A level.", fields))));
    }
    let fields: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::__derived("top", "The top.", kind)]));
    Box::leak(Box::new(EventMeta::__derived("NESTED", 1, "Deeply nested.", fields)))
}

#[test]
fn groups_nest_at_most_max_group_depth() {
    let disclosure = Disclosure::new(&PRODUCT, [nested(telemetry_schema::MAX_GROUP_DEPTH)]).unwrap();
    render_markdown(&disclosure).unwrap();
    assert_refused(&[nested(telemetry_schema::MAX_GROUP_DEPTH + 1)], "nested more than 8 deep");
}

#[test]
fn docs_with_hidden_characters_are_refused_wherever_they_are() {
    const FREE: &[VariantMeta] = &[VariantMeta::new("Free", "Free.")];
    for c in ['\u{202E}', '\u{2066}', '\u{200B}', '\u{FEFF}', '\u{E0041}', '\u{FE0F}', '\r', '\u{1B}', '\u{2028}'] {
        let doc: &'static str = Box::leak(format!("Looks harmless{c} but is not.").into_boxed_str());
        let variants: &'static [VariantMeta] = Box::leak(Box::new([VariantMeta::__derived("Free", doc)]));
        let hostile_enum: &'static EnumMeta = Box::leak(Box::new(EnumMeta::__derived("Plan", "The plan.", variants)));
        let enum_doc: &'static EnumMeta = Box::leak(Box::new(EnumMeta::__derived("Plan", doc, FREE)));
        let group: &'static GroupMeta = Box::leak(Box::new(GroupMeta::__derived("Props", doc, BOOL_FIELD)));
        let kinds = [
            CollectableKind::Enum(hostile_enum),
            CollectableKind::EnumSet(enum_doc),
            CollectableKind::Optional(Box::leak(Box::new(CollectableKind::Group(group)))),
        ];
        let expected = format!("U+{:04X}", u32::from(c));
        assert_refused(&[Box::leak(Box::new(EventMeta::__derived("EVENT", 1, doc, BOOL_FIELD)))], &expected);
        let field: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::__derived("f", doc, CollectableKind::Bool)]));
        assert_refused(&[Box::leak(Box::new(EventMeta::__derived("EVENT", 1, "An event.", field)))], &expected);
        for kind in kinds {
            let field: &'static [FieldMeta] = Box::leak(Box::new([FieldMeta::__derived("f", "A field.", kind)]));
            assert_refused(&[Box::leak(Box::new(EventMeta::__derived("EVENT", 1, "An event.", field)))], &expected);
        }
    }
}

#[test]
fn product_text_with_hidden_characters_is_refused() {
    // Product's fields are private: the builder is the only door, and it refuses (in a const, at compile time).
    let builder = Product::builder("Tool", "tool", telemetry_schema::version!("1.0.0"))
        .env_prefix("TOOL")
        .opt_in()
        .endpoint("https://telemetry.tool.example/v1")
        .purpose("Tool counts \u{202E}nothing\u{202C} you type.");
    let error = builder.try_build().unwrap_err();
    assert!(error.message().contains("hidden or control character"), "{error}");
}

#[test]
fn a_generated_path_that_leaves_the_output_directory_is_refused_and_nothing_is_written() {
    let root = common::TempDir::new("forged-paths");
    let out = root.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    for path in [
        "schemas/events/../../../escaped.v1.json",
        "../escaped.json",
        "/tmp/escaped.json",
        "schemas//escaped.json",
        "./escaped.json",
        "schemas\\..\\..\\escaped.json",
        "",
    ] {
        let generated = Generated {
            files: vec![
                OutputFile { path: "docs/first.md".into(), contents: "fine\n".into() },
                OutputFile { path: path.into(), contents: "escaped\n".into() },
            ],
            owned_dirs: Vec::new(),
        };
        let error = generated.write(&out).unwrap_err().to_string();
        assert!(error.contains("not a plain relative path"), "{path:?}: {error}");
        assert!(generated.check(&out).is_err(), "{path:?}");
        assert!(!out.join("docs/first.md").exists(), "{path:?}: a file was written before the refusal");
    }
    assert!(!root.path().join("escaped.json").exists() && !root.path().join("escaped.v1.json").exists());
}
