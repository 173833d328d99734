//! The product's config switch is enforced by the client itself: a host that never reads its project file still
//! honours `{"telemetry": false}` there, before any other file is read, and a file that cannot be read fails
//! closed, as the settings file does.

mod support;

use std::fs;

use support::{Captured, OPT_OUT, TempDir};
use telemetry_client::{Client, ConsentSource, MapEnv, MemoryTransport, SETTINGS_FILE_NAME};
use telemetry_schema::{ConfigSwitch, Product};

const TOML_PRODUCT: Product = Product::builder("Shipit", "shipit", telemetry_schema::Version::new(2, 0, 0))
    .env_prefix("SHIPIT")
    .opt_out()
    .endpoint("https://telemetry.shipit.example/v1/batch")
    .purpose("Shipit counts which commands are used.")
    .config_switch(ConfigSwitch::toml("shipit.toml", "tool.shipit.telemetry"))
    .build();

/// A client of `product` for a project at `project` with its settings in `config`; nothing touches the real
/// home, environment or network.
fn client(product: &'static Product, project: &TempDir, config: &TempDir, sent: &MemoryTransport) -> Client {
    Client::builder(product)
        .env(MapEnv::new())
        .config_dir(config.path().join("acme"))
        .project_root(project.path())
        .transport(sent.clone())
        .stderr(Captured::default())
        .build()
}

#[test]
fn json_false_in_the_project_file_turns_telemetry_off_without_any_host_code() {
    let (project, config, sent) =
        (TempDir::new("switch-json"), TempDir::new("switch-json-cfg"), MemoryTransport::new());
    fs::write(project.path().join("acme.config.json"), r#"{"name": "site", "telemetry": false}"#).unwrap();
    let client = client(&OPT_OUT, &project, &config, &sent);
    assert!(!client.is_enabled());
    assert_eq!(client.consent().source, ConsentSource::ProjectConfig);
    assert!(config.entries().is_empty(), "inert: no settings file, no id: {:?}", config.entries());
    let status = client.status().to_string();
    assert!(status.starts_with("Acme telemetry is disabled.\n"), "{status}");
    assert!(status.contains("reason:   the project's acme.config.json turns it off"), "{status}");
    assert!(status.contains("`telemetry` is false"), "{status}");
}

#[test]
fn toml_false_at_a_nested_key_turns_telemetry_off_and_true_leaves_it_on() {
    let (project, config, sent) =
        (TempDir::new("switch-toml"), TempDir::new("switch-toml-cfg"), MemoryTransport::new());
    let file = project.path().join("shipit.toml");
    fs::write(&file, "[tool.shipit]\ntelemetry = false\n").unwrap();
    let off = client(&TOML_PRODUCT, &project, &config, &sent);
    assert_eq!((off.is_enabled(), off.consent().source), (false, ConsentSource::ProjectConfig));

    fs::write(&file, "[tool.shipit]\ntelemetry = true\n").unwrap();
    let on = client(&TOML_PRODUCT, &project, &config, &sent);
    assert_eq!(
        (on.is_enabled(), on.consent().source),
        (true, ConsentSource::ProductDefault),
        "true never opts in, it only leaves the default"
    );
}

#[test]
fn the_project_switch_wins_over_a_saved_enable() {
    let (project, config, sent) =
        (TempDir::new("switch-enable"), TempDir::new("switch-enable-cfg"), MemoryTransport::new());
    fs::create_dir_all(config.path().join("acme")).unwrap();
    fs::write(config.path().join("acme").join(SETTINGS_FILE_NAME), r#"{"enabled":true}"#).unwrap();
    fs::write(project.path().join("acme.config.json"), r#"{"telemetry": false}"#).unwrap();
    let client = client(&OPT_OUT, &project, &config, &sent);
    assert_eq!((client.is_enabled(), client.consent().source), (false, ConsentSource::ProjectConfig));
}

#[test]
fn an_unparsable_or_non_boolean_project_file_counts_as_off() {
    let (project, config, sent) = (TempDir::new("switch-bad"), TempDir::new("switch-bad-cfg"), MemoryTransport::new());
    let file = project.path().join("acme.config.json");
    for content in [r#"{"telemetry": fal"#, r#"{"telemetry": "off please"}"#, "[false]", r#"{"telemetry": 0}"#] {
        fs::write(&file, content).unwrap();
        let client = client(&OPT_OUT, &project, &config, &sent);
        assert_eq!((client.is_enabled(), client.consent().source), (false, ConsentSource::ProjectConfig), "{content}");
    }
    assert!(config.entries().is_empty());
    // A missing key, or another key only, leaves the decision to the rest.
    fs::write(&file, r#"{"name": "site"}"#).unwrap();
    assert!(client(&OPT_OUT, &project, &config, &sent).is_enabled());
}

#[test]
#[cfg(unix)]
fn a_fifo_as_the_project_file_neither_hangs_nor_lets_telemetry_on() {
    let (project, config) = (TempDir::new("switch-fifo"), TempDir::new("switch-fifo-cfg"));
    support::mkfifo(&project.path().join("acme.config.json"));
    let root = project.path().to_path_buf();
    let config_dir = config.path().join("acme");
    let (on, status) =
        support::within(std::time::Duration::from_secs(10), "building with a fifo project file", move || {
            let client = Client::builder(&OPT_OUT)
                .env(MapEnv::new())
                .config_dir(config_dir)
                .project_root(root)
                .transport(MemoryTransport::new())
                .stderr(Captured::default())
                .build();
            (client.is_enabled(), client.status().to_string())
        });
    assert!(!on);
    assert!(status.contains("it cannot be read: it is a named pipe, not a regular file"), "{status}");
}

#[test]
fn the_environment_decides_before_the_project_file_is_read() {
    // An opt-out variable decides first: the project file (here a directory, which would fail closed) is not
    // what status reports.
    let (project, config, sent) = (TempDir::new("switch-env"), TempDir::new("switch-env-cfg"), MemoryTransport::new());
    fs::create_dir_all(project.path().join("acme.config.json")).unwrap();
    let client = Client::builder(&OPT_OUT)
        .env(MapEnv::new().with("DO_NOT_TRACK", "1"))
        .config_dir(config.path())
        .project_root(project.path())
        .transport(sent)
        .build();
    assert_eq!(client.consent().source, ConsentSource::DoNotTrack);
}
