//! Versions over time: the archive keeps every published version byte for byte, the bundle keeps accepting it
//! until it is retired, the compatibility gate refuses an in-place change that would refuse an old payload, and
//! expiry dates are warned about, refused after, and required when the product says so.

mod common;

use std::path::Path;

use serde_json::Value;
use telemetry_docs::{
    ARCHIVE_PATH, Archive, ArchiveProblem, BUNDLE_SCHEMA_PATH, Disclosure, ExpiryNotice, Format, MARKDOWN_PATH,
    RETIRED_PATH, WriteStatus, expiry_notices, generate_with_archive,
};
use telemetry_schema::schema::SchemaOptions;
use telemetry_schema::{CollectableKind, Date, EventMeta, FieldMeta, Product};

const fn product(version: telemetry_schema::Version) -> telemetry_schema::ProductBuilder {
    Product::builder("Tool", "tool", version)
        .env_prefix("TOOL")
        .opt_in()
        .endpoint("https://telemetry.tool.example/v1")
        .purpose("Tool counts how often it starts.")
}

const PRODUCT: Product = product(telemetry_schema::version!("1.0.0")).build();

/// The same product, one release later.
const PRODUCT_1_1: Product = product(telemetry_schema::version!("1.1.0")).build();

const IS_CI: FieldMeta = FieldMeta::new("is_ci", "Whether the tool runs in CI.", CollectableKind::Bool);
const RUNS: FieldMeta =
    FieldMeta::new("runs", "How often it ran today.", CollectableKind::Count(telemetry_schema::CountWidth::U16));
const V1_FIELDS: &[FieldMeta] = &[IS_CI, RUNS];
const V2_FIELDS: &[FieldMeta] = &[IS_CI];
const STARTED_V1: EventMeta = EventMeta::new("STARTED", 1, "Sent when the tool starts.", V1_FIELDS);
const STARTED_V1_WITHOUT_RUNS: EventMeta = EventMeta::new("STARTED", 1, "Sent when the tool starts.", V2_FIELDS);
const STARTED_V2: EventMeta = EventMeta::new("STARTED", 2, "Sent when the tool starts.", V2_FIELDS);
const STARTED_V3: EventMeta = EventMeta::new("STARTED", 3, "Sent when the tool starts.", V2_FIELDS);

/// Loads the archive under `dir`, updates it for `events` of `product` and writes everything: what a
/// `cargo run -p docs-gen` does. The problems, if the archive refuses.
fn run(
    dir: &Path,
    product: &Product,
    events: &[&EventMeta],
) -> Result<Vec<(String, WriteStatus)>, Vec<ArchiveProblem>> {
    let disclosure = Disclosure::new(product, events.iter().copied()).unwrap();
    let archive = Archive::load(dir).unwrap().update(&disclosure).unwrap()?;
    let generated =
        generate_with_archive(&disclosure, &archive, &Format::ALL, &SchemaOptions::for_product(product)).unwrap();
    Ok(generated.write(dir).unwrap())
}

fn read(dir: &Path, path: &str) -> String {
    std::fs::read_to_string(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn bundle(dir: &Path) -> Value {
    serde_json::from_str(&read(dir, BUNDLE_SCHEMA_PATH)).unwrap()
}

fn messages(problems: &[ArchiveProblem]) -> String {
    problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n")
}

#[test]
fn the_archive_survives_docs_gen_runs_byte_for_byte_and_the_bundle_keeps_old_versions() {
    let dir = common::TempDir::new("versions-archive");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    let v1_schema = std::fs::read(dir.path().join("schemas/events/STARTED.v1.json")).unwrap();

    // Release 1.1.0 drops `runs` and bumps the version.
    let report = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
    assert!(report.contains(&("schemas/events/STARTED.v1.json".to_owned(), WriteStatus::Unchanged)), "{report:?}");
    assert!(report.contains(&("schemas/events/STARTED.v2.json".to_owned(), WriteStatus::Created)), "{report:?}");
    assert_eq!(std::fs::read(dir.path().join("schemas/events/STARTED.v1.json")).unwrap(), v1_schema);
    let archive_after_bump = read(dir.path(), ARCHIVE_PATH);

    // Further runs change nothing at all, old version included.
    for _ in 0..2 {
        let report = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
        assert!(report.iter().all(|(_, status)| *status == WriteStatus::Unchanged), "{report:?}");
    }
    assert_eq!(std::fs::read(dir.path().join("schemas/events/STARTED.v1.json")).unwrap(), v1_schema);
    assert_eq!(read(dir.path(), ARCHIVE_PATH), archive_after_bump);

    // The archive says when each version appeared; the bundle accepts both and marks the old one deprecated.
    let archive: Value = serde_json::from_str(&archive_after_bump).unwrap();
    let published: Vec<(u64, &str)> = archive["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_u64().unwrap(), v["published_in"].as_str().unwrap()))
        .collect();
    assert_eq!(published, [(1, "1.0.0"), (2, "1.1.0")]);
    let bundle = bundle(dir.path());
    assert!(bundle["$defs"]["STARTED.v1"].is_object() && bundle["$defs"]["STARTED.v2"].is_object());
    let text = bundle.to_string();
    assert_eq!(text.matches("\"deprecated\":true").count(), 1);

    let validator = jsonschema::draft202012::new(&bundle).unwrap();
    let envelope = |version: u32, payload: Value| {
        serde_json::json!({
            "event": "STARTED", "schema_version": version, "sdk": {"name": "tool", "version": "1.0.0"},
            "toolkit_version": "0.1.0", "install_id": "0123456789abcdef0123456789abcdef",
            "session_id": "0123456789abcdef0123456789abcdef",
            "context": {"os": "linux", "arch": "x86_64", "cpu_count": 2, "is_ci": false, "is_tty": false},
            "payload": payload,
        })
    };
    assert!(validator.is_valid(&envelope(1, serde_json::json!({"is_ci": true, "runs": 3}))), "an old client's v1");
    assert!(validator.is_valid(&envelope(2, serde_json::json!({"is_ci": true}))));
    assert!(!validator.is_valid(&envelope(1, serde_json::json!({"is_ci": true}))), "v1 still needs `runs`");
    assert!(!validator.is_valid(&envelope(2, serde_json::json!({"is_ci": true, "runs": 3}))));

    // The page says so, and what changed in which release.
    let page = read(dir.path(), MARKDOWN_PATH);
    assert!(page.contains("- **Older versions still accepted:** 1 (sent by earlier releases"), "{page}");
    assert!(page.contains("- **1.1.0**\n  - New version of [`STARTED`](#event-STARTED): version 2 (after version 1). Field `runs`: removed (or renamed).\n- **1.0.0**\n  - Added [`STARTED`](#event-STARTED) (version 1).\n"), "{page}");
}

#[test]
fn removing_a_field_without_a_bump_is_refused_naming_the_event_the_field_and_the_bump() {
    let dir = common::TempDir::new("versions-refused");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    let before = read(dir.path(), ARCHIVE_PATH);
    let problems = run(dir.path(), &PRODUCT, &[&STARTED_V1_WITHOUT_RUNS]).unwrap_err();
    let text = messages(&problems);
    assert!(text.contains("error: STARTED version 1 changed incompatibly"), "{text}");
    assert!(text.contains("STARTED: field `runs`: removed (or renamed)"), "{text}");
    assert!(text.contains("bump the event's version with #[telemetry(version = 2)]"), "{text}");
    assert_eq!(read(dir.path(), ARCHIVE_PATH), before, "a refused run writes nothing");
}

#[test]
fn adding_an_optional_field_keeps_the_version_and_widens_its_archived_entry() {
    const OPTIONAL: FieldMeta = FieldMeta::new(
        "plugins",
        "How many plugins.",
        CollectableKind::Optional(&CollectableKind::Count(telemetry_schema::CountWidth::U8)),
    );
    const WIDER: EventMeta = EventMeta::new("STARTED", 1, "Sent when the tool starts.", &[IS_CI, RUNS, OPTIONAL]);
    let dir = common::TempDir::new("versions-widen");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&WIDER]).unwrap();
    let archive: Value = serde_json::from_str(&read(dir.path(), ARCHIVE_PATH)).unwrap();
    let entry = &archive["versions"][0];
    assert_eq!((entry["version"].as_u64(), entry["published_in"].as_str()), (Some(1), Some("1.0.0")));
    assert_eq!(entry["fields"].as_array().unwrap().len(), 3, "the gate now compares against the wider version");
    // Dropping it again would refuse payloads the widened version accepts.
    let problems = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V1]).unwrap_err();
    assert!(messages(&problems).contains("field `plugins`: removed (or renamed)"));
}

#[test]
fn a_version_number_never_goes_down() {
    let dir = common::TempDir::new("versions-down");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
    let problems = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V1]).unwrap_err();
    assert_eq!(problems, [ArchiveProblem::VersionWentDown { event: "STARTED".into(), version: 1, archived: 2 }]);
    assert!(messages(&problems).contains("a version number never goes down: use #[telemetry(version = 3)]"));
}

#[test]
fn a_retired_version_leaves_the_bundle_keeps_its_schema_and_is_never_reused() {
    let dir = common::TempDir::new("versions-retired");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
    let v1_schema = read(dir.path(), "schemas/events/STARTED.v1.json");
    std::fs::write(
        dir.path().join(RETIRED_PATH),
        r#"{"retired": [{"event": "STARTED", "version": 1, "date": "2026-11-30", "reason": "No release before 1.1 is supported any more."}]}"#,
    )
    .unwrap();
    const PRODUCT_1_2: Product = product(telemetry_schema::version!("1.2.0")).build();
    run(dir.path(), &PRODUCT_1_2, &[&STARTED_V2]).unwrap();
    assert_eq!(read(dir.path(), "schemas/events/STARTED.v1.json"), v1_schema, "the schema stays");
    let bundle = bundle(dir.path());
    assert!(bundle["$defs"].get("STARTED.v1").is_none() && bundle["$defs"]["STARTED.v2"].is_object());
    let page = read(dir.path(), MARKDOWN_PATH);
    assert!(!page.contains("Older versions still accepted"), "{page}");
    assert!(
        page.contains("- **1.2.0**\n  - Retired [`STARTED`](#event-STARTED) version 1 on 2026-11-30: No release before 1.1 is supported any more. It is no longer accepted.\n"),
        "{page}"
    );
    // The release it was retired in is recorded once, and stays.
    let archive = read(dir.path(), ARCHIVE_PATH);
    assert!(archive.contains("\"retired_in\": \"1.2.0\""), "{archive}");
    const PRODUCT_1_3: Product = product(telemetry_schema::version!("1.3.0")).build();
    run(dir.path(), &PRODUCT_1_3, &[&STARTED_V2]).unwrap();
    assert_eq!(read(dir.path(), ARCHIVE_PATH), archive);

    // Retiring the version the code sends, or one never published, is refused.
    std::fs::write(
        dir.path().join(RETIRED_PATH),
        r#"{"retired": [{"event": "STARTED", "version": 2, "date": "2026-11-30", "reason": "Gone."}, {"event": "STARTED", "version": 7, "date": "2026-11-30", "reason": "Typo."}]}"#,
    )
    .unwrap();
    let problems = run(dir.path(), &PRODUCT_1_3, &[&STARTED_V2]).unwrap_err();
    assert_eq!(
        problems,
        [
            ArchiveProblem::RetiredVersionReused { event: "STARTED".into(), version: 2, highest: 2 },
            ArchiveProblem::RetiredUnknown { event: "STARTED".into(), version: 7 },
        ]
    );
    assert!(
        messages(&problems)
            .contains("a retired version number is never reused: bump the event to #[telemetry(version = 3)]")
    );
    // And a retired number cannot come back after a later one either.
    std::fs::write(
        dir.path().join(RETIRED_PATH),
        r#"{"retired": [{"event": "STARTED", "version": 1, "date": "2026-11-30", "reason": "Old."}]}"#,
    )
    .unwrap();
    run(dir.path(), &PRODUCT_1_3, &[&STARTED_V3]).unwrap();
    let problems = run(dir.path(), &PRODUCT_1_3, &[&STARTED_V1]).unwrap_err();
    assert!(problems.contains(&ArchiveProblem::RetiredVersionReused {
        event: "STARTED".into(),
        version: 1,
        highest: 3
    }));
}

#[test]
fn an_archived_schema_edited_in_place_or_deleted_is_refused() {
    let dir = common::TempDir::new("versions-edited");
    run(dir.path(), &PRODUCT, &[&STARTED_V1]).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
    let path = dir.path().join("schemas/events/STARTED.v1.json");
    let original = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, original.replace("\"is_ci\"", "\"is_cI\"")).unwrap();
    let problems = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap_err();
    assert_eq!(problems, [ArchiveProblem::EditedSchema { path: "schemas/events/STARTED.v1.json".into() }]);
    std::fs::remove_file(&path).unwrap();
    let problems = run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap_err();
    assert_eq!(problems, [ArchiveProblem::MissingSchema { path: "schemas/events/STARTED.v1.json".into() }]);
    std::fs::write(&path, original).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&STARTED_V2]).unwrap();
}

#[test]
fn expiry_is_warned_about_30_days_before_refused_after_and_required_when_the_product_says_so() {
    const EXPIRING: EventMeta = STARTED_V1.with_expires(Date::new(2027, 6, 30));
    let disclosure = Disclosure::new(&PRODUCT, [&EXPIRING]).unwrap();
    let on = |text: &str| expiry_notices(&disclosure, Date::parse(text).unwrap());
    assert_eq!(on("2027-05-30"), []);
    assert_eq!(
        on("2027-05-31"),
        [ExpiryNotice::ExpiresSoon { event: "STARTED", date: Date::new(2027, 6, 30), days: 30 }]
    );
    assert!(!on("2027-06-30")[0].is_error(), "the last day is still a day it is sent");
    let after = on("2027-07-01");
    assert_eq!(after, [ExpiryNotice::Expired { event: "STARTED", date: Date::new(2027, 6, 30) }]);
    assert!(after[0].is_error());
    assert!(after[0].to_string().starts_with("error: STARTED expired on 2027-06-30: the client no longer sends it"));

    const STRICT: Product = product(telemetry_schema::version!("1.0.0")).require_expiry().build();
    let strict = Disclosure::new(&STRICT, [&STARTED_V2]).unwrap();
    let notices = expiry_notices(&strict, Date::new(2026, 11, 30));
    assert_eq!(notices, [ExpiryNotice::Missing { event: "STARTED", product: "Tool" }]);
    assert!(notices[0].to_string().contains("add #[telemetry(expires = \"YYYY-MM-DD\")]"));
    assert_eq!(expiry_notices(&Disclosure::new(&STRICT, [&EXPIRING]).unwrap(), Date::new(2026, 11, 30)), []);
}

#[test]
fn an_event_removed_from_the_code_stays_accepted_until_retired() {
    const OTHER: EventMeta = EventMeta::new("STOPPED", 1, "Sent when the tool stops.", &[IS_CI]);
    let dir = common::TempDir::new("versions-removed");
    run(dir.path(), &PRODUCT, &[&STARTED_V1, &OTHER]).unwrap();
    run(dir.path(), &PRODUCT_1_1, &[&OTHER]).unwrap();
    assert!(dir.path().join("schemas/events/STARTED.v1.json").is_file());
    let bundle = bundle(dir.path());
    assert!(bundle["$defs"]["STARTED.v1"].is_object());
    assert_eq!(bundle["properties"]["event"]["enum"], serde_json::json!(["STARTED", "STOPPED"]));
    let page = read(dir.path(), MARKDOWN_PATH);
    assert!(
        page.contains("No longer sent by this release, but still accepted from earlier ones: `STARTED` version 1."),
        "{page}"
    );
}

#[test]
fn malformed_archive_files_are_refused_with_their_path() {
    let error =
        |archive: Option<&str>, retired: Option<&str>| Archive::parse(archive, retired).unwrap_err().to_string();
    assert!(error(Some("{"), None).starts_with("error: schemas/archive.json: "));
    assert!(
        error(Some(r#"{"archive_format_version": 2, "versions": []}"#), None)
            .contains("archive_format_version is not 1")
    );
    assert!(
        error(None, Some(r#"{"retired": [{"event": "STARTED", "version": 1, "date": "2026-02-30", "reason": "x"}]}"#))
            .contains("an entry needs event, version, date (YYYY-MM-DD) and a reason")
    );
    assert!(
        error(None, Some(r#"{"retired": [{"event": "STARTED", "version": 1, "date": "2026-02-03", "reason": " "}]}"#))
            .contains("and a reason")
    );
    assert!(
        error(None, Some(r#"{"retired": [{"event": "../x", "version": 1, "date": "2026-02-03", "reason": "x"}]}"#))
            .contains("is not an event name")
    );
    assert_eq!(Archive::parse(None, None).unwrap(), Archive::default());
}
