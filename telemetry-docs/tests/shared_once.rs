//! A group or enum used by several events is documented once, in its own section, and every use links to it
//! (issue 14, item 9: a 52-event page grew to 3 357 lines because one config group was repeated in three events).

mod common;

use telemetry_docs::{Disclosure, render_html, render_markdown};
use telemetry_schema::{CollectableKind, CountWidth, EnumMeta, EventMeta, FieldMeta, GroupMeta, Product, VariantMeta};

const DATABASE_VALUES: &[VariantMeta] = &[
    VariantMeta::new("postgres", "The database is PostgreSQL."),
    VariantMeta::new("sqlite", "The database is SQLite."),
];
const DATABASE: EnumMeta = EnumMeta::new("Database", "The kind of database sessions are stored in.", DATABASE_VALUES);
const LIMITS_FIELDS: &[FieldMeta] =
    &[FieldMeta::new("window", "The rate-limit window as configured.", CollectableKind::DurationMillis)];
const LIMITS: GroupMeta = GroupMeta::new("Limits", "The rate limits as configured.", LIMITS_FIELDS);
const CONFIG_FIELDS: &[FieldMeta] = &[
    FieldMeta::new("database", "Which database the configuration names.", CollectableKind::Enum(&DATABASE)),
    FieldMeta::new("two_factor", "Whether two-factor sign-in is switched on.", CollectableKind::Bool),
    FieldMeta::new("limits", "The rate limits of the configuration.", CollectableKind::Group(&LIMITS)),
];
const CONFIG: GroupMeta = GroupMeta::new("AuthConfig", "The auth library's configuration, as flags.", CONFIG_FIELDS);

const INIT_FIELDS: &[FieldMeta] =
    &[FieldMeta::new("config", "The configuration at start-up.", CollectableKind::Group(&CONFIG))];
const MIGRATE_FIELDS: &[FieldMeta] = &[
    FieldMeta::new("config", "The configuration being migrated.", CollectableKind::Group(&CONFIG)),
    FieldMeta::new("tables", "How many tables were migrated.", CollectableKind::Count(CountWidth::U16)),
];
const GENERATE_FIELDS: &[FieldMeta] = &[
    FieldMeta::new("before", "The configuration before the change.", CollectableKind::Group(&CONFIG)),
    FieldMeta::new("after", "The configuration after the change.", CollectableKind::Group(&CONFIG)),
    FieldMeta::new("target", "The database the schema is generated for.", CollectableKind::Enum(&DATABASE)),
];
const INIT: EventMeta = EventMeta::new("AUTH_INIT", 1, "Sent when the auth library starts.", INIT_FIELDS);
const MIGRATE: EventMeta = EventMeta::new("AUTH_MIGRATE", 1, "Sent when a migration runs.", MIGRATE_FIELDS);
const GENERATE: EventMeta = EventMeta::new("AUTH_GENERATE", 1, "Sent when a schema is generated.", GENERATE_FIELDS);

const PRODUCT: Product = Product::builder("Auth", "auth", telemetry_schema::version!("1.0.0"))
    .env_prefix("AUTH")
    .opt_in()
    .endpoint("https://telemetry.auth.example/v1")
    .purpose("Auth counts which options are used.")
    .build();

fn occurrences(haystack: &str, needle: &str) -> usize {
    haystack.matches(needle).count()
}

#[test]
fn a_group_used_by_three_events_is_documented_once() {
    let disclosure = Disclosure::new(&PRODUCT, [&INIT, &MIGRATE, &GENERATE]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);

    // Each field of the group, and each value of its enum, is described once on the whole page.
    for doc in [
        "Whether two-factor sign-in is switched on.",
        "Which database the configuration names.",
        "The rate-limit window as configured.",
        "The database is PostgreSQL.",
    ] {
        assert_eq!(occurrences(&markdown, doc), 1, "{doc:?} is repeated:\n{markdown}");
    }
    assert!(parsed.headings.iter().any(|h| h == "Group AuthConfig"), "{:?}", parsed.headings);
    assert!(parsed.headings.iter().any(|h| h == "Values of Database"), "{:?}", parsed.headings);
    // The nested group used only inside the shared one stays in its table, as `limits.window`.
    assert!(!parsed.headings.iter().any(|h| h.contains("Limits")), "{:?}", parsed.headings);

    // Every use links to the group's section: four fields in three events.
    assert_eq!(occurrences(&markdown, "a group of the fields listed under [`AuthConfig`](#group-AuthConfig)"), 4);
    let group_table = parsed.tables.iter().find(|t| t.iter().any(|row| row[0] == "two_factor")).unwrap();
    assert_eq!(common::row(group_table, "database")[1], "one of: postgres, sqlite (see Database)");
    // (The parser's last cell of a table runs on into the text after it, hence `starts_with`.)
    assert!(common::row(group_table, "limits.window")[3].starts_with("The rate-limit window as configured."));
    // The enum is used by the group's table and directly by AUTH_GENERATE: both link to its one list.
    assert_eq!(occurrences(&markdown, "(see [`Database`](#values-Database))"), 2);
    assert!(markdown.contains(
        "**Used by:** [`AUTH_GENERATE`](#event-AUTH_GENERATE) (`before`), [`AUTH_GENERATE`](#event-AUTH_GENERATE) \
         (`after`), [`AUTH_INIT`](#event-AUTH_INIT) (`config`), [`AUTH_MIGRATE`](#event-AUTH_MIGRATE) (`config`)."
    ));
    assert!(markdown.contains(
        "**Used by:** [`AUTH_GENERATE`](#event-AUTH_GENERATE) (`target`), [`AuthConfig`](#group-AuthConfig) \
         (`database`)."
    ));
}

/// Every link on both pages leads to an anchor that exists, and no anchor is defined twice.
#[test]
fn every_link_has_one_target() {
    let disclosure = Disclosure::new(&PRODUCT, [&INIT, &MIGRATE, &GENERATE]).unwrap();
    let html = render_html(&disclosure).unwrap();
    let parsed = common::assert_self_contained_html(&html);
    let attribute = |wanted: &str| -> Vec<String> {
        parsed
            .elements
            .iter()
            .flat_map(|(_, attrs)| attrs.iter().filter(|(k, _)| k == wanted).map(|(_, v)| v.clone()))
            .collect()
    };
    let ids = attribute("id");
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "an anchor is defined twice: {ids:?}");
    for href in attribute("href") {
        assert!(ids.iter().any(|id| format!("#{id}") == href), "{href} leads nowhere");
    }
    assert!(ids.contains(&"group-AuthConfig".to_owned()) && ids.contains(&"values-Database".to_owned()));
    assert_eq!(occurrences(&html, "Whether two-factor sign-in is switched on."), 1);

    let markdown = render_markdown(&disclosure).unwrap();
    for destination in common::parse_markdown(&markdown).destinations {
        let anchor = format!("<a id=\"{}\"></a>", destination.trim_start_matches('#'));
        assert_eq!(occurrences(&markdown, &anchor), 1, "{destination} has no single target");
    }
}

/// Two different groups with one type name (from two modules) get two anchors; kinds are compared by structure.
#[test]
fn same_named_groups_get_distinct_anchors() {
    const OTHER_FIELDS: &[FieldMeta] = &[FieldMeta::new("other", "Another flag.", CollectableKind::Bool)];
    const OTHER_CONFIG: GroupMeta = GroupMeta::new("AuthConfig", "Another configuration.", OTHER_FIELDS);
    const FIELDS: &[FieldMeta] = &[
        FieldMeta::new("first", "The other configuration.", CollectableKind::Group(&OTHER_CONFIG)),
        FieldMeta::new("second", "The other configuration again.", CollectableKind::Group(&OTHER_CONFIG)),
    ];
    const OTHER: EventMeta = EventMeta::new("OTHER", 1, "Sent with the other configuration.", FIELDS);
    let disclosure = Disclosure::new(&PRODUCT, [&INIT, &MIGRATE, &OTHER]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    assert!(markdown.contains("<a id=\"group-AuthConfig\"></a>"));
    assert!(markdown.contains("<a id=\"group-AuthConfig-2\"></a>"));
    assert_eq!(occurrences(&markdown, "(#group-AuthConfig-2)"), 3, "two fields and the contents link to it");
    assert_eq!(occurrences(&markdown, "Another flag."), 1);
}

/// A group used once stays in its event's table, as before: nothing is moved for nothing.
#[test]
fn a_group_used_once_stays_in_its_table() {
    let disclosure = Disclosure::new(&PRODUCT, [&INIT]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    assert!(!markdown.contains("(#shared)") && !markdown.contains("group-"), "{markdown}");
    let table = &parsed.tables[0];
    assert_eq!(common::row(table, "config.two_factor")[3], "Whether two-factor sign-in is switched on.");
    assert_eq!(common::row(table, "config.database")[1], "one of: postgres, sqlite");
}

/// Hostile docs on a shared group and enum stay text on both pages.
#[test]
fn hostile_docs_of_shared_items_stay_text() {
    const HOSTILE: &str = "Pipes | in `co|de` <script>alert(1)</script>\n# not a heading\n- not a list";
    const VALUES: &[VariantMeta] = &[VariantMeta::new("a", HOSTILE), VariantMeta::new("b", "| b |")];
    const ENUM: EnumMeta = EnumMeta::new("Hostile", HOSTILE, VALUES);
    const GROUP_FIELDS: &[FieldMeta] = &[FieldMeta::new("pick", HOSTILE, CollectableKind::Enum(&ENUM))];
    const GROUP: GroupMeta = GroupMeta::new("HostileGroup", HOSTILE, GROUP_FIELDS);
    const FIELDS: &[FieldMeta] = &[
        FieldMeta::new("one", HOSTILE, CollectableKind::Group(&GROUP)),
        FieldMeta::new("two", HOSTILE, CollectableKind::EnumSet(&ENUM)),
    ];
    const A: EventMeta = EventMeta::new("A_EVENT", 1, HOSTILE, FIELDS);
    const B: EventMeta = EventMeta::new("B_EVENT", 1, HOSTILE, FIELDS);
    let disclosure = Disclosure::new(&PRODUCT, [&A, &B]).unwrap();
    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    assert!(parsed.headings.iter().all(|h| !h.contains("not a heading")), "{:?}", parsed.headings);
    let text: String = parsed.text.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(text.contains("Pipes | in co|de <script>alert(1)</script> # not a heading - not a list"), "{text}");
    let html = render_html(&disclosure).unwrap();
    common::assert_self_contained_html(&html);
    assert!(!html.contains("<script>"));
}
