//! The pages, catalog and schemas generated for the example SDK: reviewed snapshots, structure, validity,
//! determinism, and the `--check` exit codes of both the library entry point and the real binary.

#[path = "../../telemetry-docs/tests/common/mod.rs"]
mod common;

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use serde_json::Value;
use telemetry_docs::cli::{Binary, SourceLocation, run_with};
use telemetry_docs::{
    BUNDLE_SCHEMA_PATH, CATALOG_PATH, Disclosure, Format, HTML_PATH, MARKDOWN_PATH, event_schema_path, generate,
    render_html, render_markdown,
};
use telemetry_schema::schema::SchemaOptions;

// Linking the SDK is what registers its events and product in this test binary.
use example_sdk as _;

fn disclosure() -> Disclosure<'static> {
    Disclosure::from_registry().expect("the example SDK registers its events and product")
}

const BINARY: Binary = Binary {
    package: "docs-gen",
    manifest_dir: env!("CARGO_MANIFEST_DIR"),
    main: SourceLocation { file: file!(), line: line!() },
};

/// Runs the command line in-process: (exit code, stdout, stderr).
fn run(args: &[&str]) -> (u8, String, String) {
    let args = std::iter::once("docs-gen").chain(args.iter().copied()).map(OsString::from);
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let code = run_with(&BINARY, args, &mut stdout, &mut stderr);
    (code, String::from_utf8(stdout).unwrap(), String::from_utf8(stderr).unwrap())
}

fn out_arg(dir: &Path) -> String {
    dir.to_str().expect("a UTF-8 temp dir").to_owned()
}

#[test]
fn markdown_page_snapshot() {
    insta::assert_snapshot!("telemetry_md", render_markdown(&disclosure()).unwrap());
}

#[test]
fn html_page_snapshot() {
    insta::assert_snapshot!("telemetry_html", render_html(&disclosure()).unwrap());
}

#[test]
fn markdown_page_is_well_formed_and_complete() {
    let disclosure = disclosure();
    let markdown = render_markdown(&disclosure).unwrap();
    let parsed = common::assert_well_formed_markdown(&markdown, 4);
    // One table per event with fields, plus the envelope's.
    assert_eq!(parsed.table_rows.len(), disclosure.events.iter().filter(|e| !e.fields().is_empty()).count() + 1);
    assert_eq!(parsed.code_blocks, ["json", "sh"]);
    for meta in &disclosure.events {
        let anchor = telemetry_docs::event_anchor(meta);
        assert!(markdown.contains(&format!("<a id=\"{anchor}\"></a>`{}`", meta.name())), "{anchor}");
        assert!(markdown.contains(&format!("](#{anchor})")), "the contents link to {anchor}");
        for field in meta.fields() {
            assert!(markdown.contains(&format!("| `{}` |", field.name())), "{}.{}", meta.name(), field.name());
        }
    }
    // Every switch a user needs, named by the same Product the client reads.
    let product = example_sdk::PRODUCT;
    for needed in [
        format!("`{}=1`", product.debug_var()),
        format!("`{}=1`", product.disabled_var()),
        format!("`{}=1`", telemetry_schema::DO_NOT_TRACK),
        format!("`{}`", product.endpoint_var()),
        format!("`{} disable`", product.cli_command().unwrap()),
        // The config switch, printed from the same constant the client enforces.
        format!(
            "`{}` in the `{}` file",
            product.config_switch().unwrap().setting(),
            product.config_switch().unwrap().file()
        ),
        format!("**How long it is kept:** {}", product.retention().unwrap()),
        format!("**Who to contact:** {}", product.contact().unwrap()),
        // The documented limit of the type rules.
        "A count, a duration or a version number is a number chosen by".to_owned(),
    ] {
        assert!(markdown.contains(&needed), "the page does not say {needed}");
    }
}

#[test]
fn html_page_parses_without_errors_and_loads_nothing() {
    let html = render_html(&disclosure()).unwrap();
    let parsed = common::assert_self_contained_html(&html);
    assert!(parsed.text.contains("What Acme collects"));
    // Every in-page link has its target.
    for (_, attrs) in &parsed.elements {
        for (name, value) in attrs {
            if name == "href" {
                let id = &value[1..];
                assert!(html.contains(&format!("id=\"{id}\"")), "link to missing anchor {value}");
            }
        }
    }
}

#[test]
fn example_envelope_and_payloads_validate_against_the_generated_schemas() {
    let disclosure = disclosure();
    let generated = generate(&disclosure, &Format::ALL, &SchemaOptions::for_product(&example_sdk::PRODUCT)).unwrap();
    let file = |path: &str| -> Value {
        let file = generated.files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} generated"));
        serde_json::from_str(&file.contents).unwrap()
    };
    let catalog = file(CATALOG_PATH);
    let bundle = jsonschema::draft202012::new(&file(BUNDLE_SCHEMA_PATH)).expect("the bundle compiles offline");
    let example = &catalog["envelope"]["example"];
    assert!(bundle.is_valid(example), "{:?}", bundle.iter_errors(example).map(|e| e.to_string()).collect::<Vec<_>>());

    // The example printed on the page is the catalog's, byte for byte after parsing.
    let markdown = render_markdown(&disclosure).unwrap();
    let json_block = markdown.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
    assert_eq!(&serde_json::from_str::<Value>(json_block).unwrap(), example);

    for (meta, event) in disclosure.events.iter().zip(catalog["events"].as_array().unwrap()) {
        let schema = jsonschema::draft202012::new(&file(&event_schema_path(meta))).unwrap();
        let payload = &event["example_payload"];
        assert!(schema.is_valid(payload), "{}: {payload}", meta.name());
        assert_eq!(event["schema"], event_schema_path(meta));
        // And wrapped in the envelope, the bundle accepts it.
        let mut envelope = example.clone();
        envelope["event"] = meta.name().into();
        envelope["schema_version"] = meta.version().into();
        envelope["payload"] = payload.clone();
        assert!(bundle.is_valid(&envelope), "{} in an envelope", meta.name());
    }
}

#[test]
fn the_example_on_the_page_is_what_the_serializer_writes_for_the_same_values() {
    use std::collections::BTreeSet;
    use std::time::Duration;

    use example_sdk::events::{AuthFeatures, AuthInit, DatabaseKind, SocialProvider};
    use telemetry_schema::{AnonymousId, Arch, Context, EnvelopeHeader, Os, ProjectId, Version, write_envelope};

    // The values the page's example shows: first variants, 3 for counts, 1500 ms, 1.2.3, false, zero ids.
    let event = AuthInit {
        features: AuthFeatures::default(),
        trusted_origin_count: 3,
        database: DatabaseKind::Postgres,
        database_version: Some(Version::new(1, 2, 3)),
        social_providers: BTreeSet::from([SocialProvider::Apple]),
        rate_limit: false,
        session_max_age: Some(Duration::from_millis(1_500)),
    };
    let header = EnvelopeHeader {
        sdk_name: example_sdk::PRODUCT.sdk_name(),
        sdk_version: example_sdk::PRODUCT.sdk_version(),
        install_id: AnonymousId::from_random_bytes([0; 16]),
        project_id: Some(ProjectId::from_salted_digest([0; 32])),
        session_id: AnonymousId::from_random_bytes([0; 16]),
        context: Context { os: Os::Linux, arch: Arch::X86_64, cpu_count: 3, is_ci: false, is_tty: false },
    };
    let mut wire = String::new();
    write_envelope(&mut wire, &header, &event).unwrap();

    let markdown = render_markdown(&disclosure()).unwrap();
    let example = markdown.split("```json\n").nth(1).and_then(|rest| rest.split("```").next()).unwrap();
    // The example holds no string with whitespace, so dropping the indentation gives the compact wire form:
    // same keys, same order, same values.
    let compact: String = example.chars().filter(|c| !c.is_whitespace()).collect();
    assert_eq!(compact, wire);
}

#[test]
fn generating_twice_is_byte_identical() {
    let first = generate(&disclosure(), &Format::ALL, &SchemaOptions::for_product(&example_sdk::PRODUCT)).unwrap();
    let second = generate(&disclosure(), &Format::ALL, &SchemaOptions::for_product(&example_sdk::PRODUCT)).unwrap();
    assert_eq!(first, second);
    for file in &first.files {
        assert!(
            file.contents.ends_with('\n') && !file.contents.ends_with("\n\n"),
            "{}: one trailing newline",
            file.path
        );
        assert!(!file.contents.contains('\r'), "{}: LF only", file.path);
    }
    let paths: Vec<&str> = first.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(&paths[..3], [MARKDOWN_PATH, HTML_PATH, CATALOG_PATH]);
    // The page, its HTML and the catalog; one schema per event; envelope, batch and bundle; the archive.
    assert_eq!(paths.len(), 3 + disclosure().events.len() + 3 + 1);
}

#[test]
fn check_exits_0_when_equal_and_1_when_changed_missing_or_unknown() {
    let dir = common::TempDir::new("check");
    let out = out_arg(dir.path());

    let (code, stdout, _) = run(&["--out", &out]);
    assert_eq!(code, 0);
    assert!(stdout.contains("created   docs/telemetry.md"), "{stdout}");
    assert_eq!(run(&["--out", &out, "--check"]).0, 0, "freshly written files are up to date");

    // Changed: a diff and the command to run.
    let page = dir.path().join("docs/telemetry.md");
    let original = std::fs::read_to_string(&page).unwrap();
    std::fs::write(&page, original.replace("Each time it happens.", "Whenever we like.")).unwrap();
    let (code, stdout, stderr) = run(&["--out", &out, "--check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("--- a/docs/telemetry.md (on disk)\n+++ b/docs/telemetry.md (generated)\n"), "{stdout}");
    assert!(
        stdout.contains("\n-- **How often:** Whenever we like.\n+- **How often:** Each time it happens.\n"),
        "{stdout}"
    );
    assert!(stderr.contains("docs/telemetry.md") && stderr.contains("run `cargo run -p docs-gen`"), "{stderr}");

    // Writing again repairs it, and says so.
    let (code, stdout, _) = run(&["--out", &out]);
    assert_eq!(code, 0);
    assert!(stdout.contains("updated   docs/telemetry.md") && stdout.contains("unchanged docs/telemetry.html"));
    assert_eq!(run(&["--out", &out, "--check"]).0, 0);

    // Missing.
    std::fs::remove_file(dir.path().join("schemas/bundle.json")).unwrap();
    let (code, stdout, stderr) = run(&["--out", &out, "--check"]);
    assert_eq!(code, 1);
    assert!(stdout.contains("schemas/bundle.json: missing"), "{stdout}");
    assert!(stderr.contains("1 generated file is out of date"), "{stderr}");
    run(&["--out", &out]);

    // Unknown: a schema neither generated nor archived. docs-gen never deletes a schema (it may be a published
    // version), so both modes refuse to go on until a person removes it.
    std::fs::write(dir.path().join("schemas/events/GONE.v1.json"), "{}\n").unwrap();
    let (code, _, stderr) = run(&["--out", &out, "--check"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("schemas/events/GONE.v1.json is neither generated from the code nor in schemas/archive.json"),
        "{stderr}"
    );
    let (code, stdout, stderr) = run(&["--out", &out]);
    assert_eq!(code, 1, "{stdout}");
    assert!(stderr.contains("nothing was written"), "{stderr}");
    assert!(dir.path().join("schemas/events/GONE.v1.json").exists());
    std::fs::remove_file(dir.path().join("schemas/events/GONE.v1.json")).unwrap();
    assert_eq!(run(&["--out", &out, "--check"]).0, 0);
}

#[test]
fn format_selects_outputs() {
    let dir = common::TempDir::new("format");
    let out = out_arg(dir.path());
    assert_eq!(run(&["--out", &out, "--format", "markdown,catalog"]).0, 0);
    assert!(dir.path().join(MARKDOWN_PATH).is_file() && dir.path().join(CATALOG_PATH).is_file());
    assert!(!dir.path().join(HTML_PATH).exists() && !dir.path().join("schemas").exists());
    assert_eq!(run(&["--out", &out, "--format", "markdown", "--check"]).0, 0);
    assert_eq!(run(&["--out", &out, "--format", "html", "--check"]).0, 1, "the HTML page is missing");

    let (code, _, stderr) = run(&["--out", &out, "--format", "pdf"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("pdf") && stderr.contains("markdown"), "{stderr}");
}

#[test]
fn the_binary_exits_0_when_up_to_date_and_1_with_a_diff_when_not() {
    let dir = common::TempDir::new("binary");
    let docs_gen = env!("CARGO_BIN_EXE_docs-gen");
    let run_binary = |args: &[&str]| Command::new(docs_gen).args(args).output().expect("run docs-gen");

    let write = run_binary(&["--out", &out_arg(dir.path())]);
    assert!(write.status.success(), "{}", String::from_utf8_lossy(&write.stderr));
    let check = run_binary(&["--out", &out_arg(dir.path()), "--check"]);
    assert_eq!(check.status.code(), Some(0), "{}", String::from_utf8_lossy(&check.stdout));

    // The binary writes what the library generates.
    let generated = generate(&disclosure(), &Format::ALL, &SchemaOptions::for_product(&example_sdk::PRODUCT)).unwrap();
    for file in &generated.files {
        assert_eq!(std::fs::read_to_string(dir.path().join(&file.path)).unwrap(), file.contents, "{}", file.path);
    }

    std::fs::write(dir.path().join(CATALOG_PATH), "{}\n").unwrap();
    let check = run_binary(&["--out", &out_arg(dir.path()), "--check"]);
    assert_eq!(check.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&check.stdout).contains("+++ b/docs/catalog.json (generated)"));
    assert!(String::from_utf8_lossy(&check.stderr).contains("run `cargo run -p docs-gen`"));

    // Two runs into two directories write the same bytes.
    let other = common::TempDir::new("binary-2");
    assert!(run_binary(&["--out", &out_arg(other.path())]).status.success());
    std::fs::write(dir.path().join(CATALOG_PATH), &generated.files[2].contents).unwrap();
    for file in &generated.files {
        let a = std::fs::read(dir.path().join(&file.path)).unwrap();
        let b = std::fs::read(other.path().join(&file.path)).unwrap();
        assert_eq!(a, b, "{} differs between runs", file.path);
    }
}

#[test]
fn committed_files_are_what_the_generator_writes() {
    // The same gate as `cargo run -p docs-gen -- --check` in CI, so `cargo test` catches a forgotten regeneration.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    let (code, stdout, stderr) = run(&["--out", &out_arg(root), "--check"]);
    assert_eq!(code, 0, "{stdout}{stderr}");
}

#[test]
fn check_warns_before_an_expiry_date_fails_after_it_and_nothing_written_depends_on_the_day() {
    let early = common::TempDir::new("today-early");
    let late = common::TempDir::new("today-late");
    assert_eq!(run(&["--out", &out_arg(early.path()), "--today", "2026-01-01"]).0, 0);
    run(&["--out", &out_arg(late.path()), "--today", "2030-01-01"]);
    for path in [MARKDOWN_PATH, HTML_PATH, CATALOG_PATH, BUNDLE_SCHEMA_PATH, telemetry_docs::ARCHIVE_PATH] {
        assert_eq!(
            std::fs::read(early.path().join(path)).unwrap(),
            std::fs::read(late.path().join(path)).unwrap(),
            "{path}"
        );
    }
    let out = out_arg(early.path());
    let (code, _, stderr) = run(&["--out", &out, "--check", "--today", "2027-05-30"]);
    assert_eq!((code, stderr.as_str()), (0, ""));
    let (code, _, stderr) = run(&["--out", &out, "--check", "--today", "2027-06-05"]);
    assert_eq!(code, 0);
    assert!(stderr.contains("warning: BUILD_FEATURE_USAGE expires on 2027-06-30, in 25 days"), "{stderr}");
    let (code, _, stderr) = run(&["--out", &out, "--check", "--today", "2027-07-01"]);
    assert_eq!(code, 1);
    assert!(
        stderr.contains("error: BUILD_FEATURE_USAGE expired on 2027-06-30: the client no longer sends it"),
        "{stderr}"
    );
    let (code, _, stderr) = run(&["--out", &out, "--check", "--today", "2027-02-30"]);
    assert_eq!(code, 2, "{stderr}");
}
