//! The exact JSON of every example event: what the Acme SDK puts on the wire, byte for byte.

use std::collections::BTreeSet;
use std::time::Duration;

use example_sdk::events::*;
use telemetry_schema::{TelemetryEvent, Version, to_json};

fn json<E: TelemetryEvent>(event: &E) -> String {
    to_json(event).expect("derived events always encode")
}

#[test]
fn cli_command() {
    let event = CliCommand {
        command: Command::Deploy,
        cli_version: Version::parse("2.3.0-beta.4").unwrap(),
        is_ci: true,
        cpu_count: 8,
        os: Os::MacOs,
        arch: Arch::Aarch64,
    };
    assert_eq!(
        json(&event),
        r#"{"command":"deploy","cli_version":"2.3","is_ci":true,"cpu_count":8,"os":"macos","arch":"aarch64"}"#
    );
    assert_eq!(CliCommand::META.name(), "CLI_COMMAND");
}

#[test]
fn project_created_omits_an_unknown_package_manager() {
    let known =
        ProjectCreated { template: Template::Commerce, typescript: true, package_manager: Some(PackageManager::Pnpm) };
    assert_eq!(json(&known), r#"{"template":"commerce","typescript":true,"package_manager":"pnpm"}"#);
    let unknown = ProjectCreated { template: Template::Minimal, typescript: false, package_manager: None };
    assert_eq!(json(&unknown), r#"{"template":"minimal","typescript":false}"#);
    assert_eq!(ProjectCreated::META.name(), "PROJECT_CREATED");
}

#[test]
fn build_finished() {
    let event = BuildFinished {
        duration: Duration::from_micros(12_345_678),
        page_count: 120,
        static_page_count: 97,
        plugins: BTreeSet::from([Plugin::Pwa, Plugin::Images, Plugin::I18n]),
        bundler: Bundler::Turbopack,
        has_custom_config: false,
    };
    // Whole milliseconds (rounded down), then to four steps per power of two (12 345 -> 12 288); page counts to a
    // power of two; plugins in declaration order whatever the insertion order.
    assert_eq!(
        json(&event),
        r#"{"duration":12288,"page_count":64,"static_page_count":64,"plugins":["images","i18n","pwa"],"bundler":"turbopack","has_custom_config":false}"#
    );
    assert_eq!(BuildFinished::META.version(), 3);
}

#[test]
fn dev_server_started() {
    let event = DevServerStarted { startup: Duration::from_millis(812), turbo: true, https: false, route_count: 31 };
    assert_eq!(json(&event), r#"{"startup":768,"turbo":true,"https":false,"route_count":16}"#);
}

#[test]
fn feature_usage_is_sampled() {
    let event = FeatureUsage { feature: Feature::ServerActions, invocation_count: 4 };
    assert_eq!(json(&event), r#"{"feature":"serverActions","invocation_count":4}"#);
    assert_eq!(FeatureUsage::META.name(), "BUILD_FEATURE_USAGE");
    assert_eq!(FeatureUsage::META.sample_rate_per_million(), 100_000);
}

#[test]
fn component_mounted_nests_its_props_and_is_throttled() {
    let event = ComponentMounted {
        component: Component::UserButton,
        props: ComponentProps { appearance: true, routing: false, redirect_url: true, localization: false },
    };
    assert_eq!(
        json(&event),
        r#"{"component":"UserButton","props":{"appearance":true,"routing":false,"redirectUrl":true,"localization":false}}"#
    );
    assert_eq!(ComponentMounted::META.dedup_window(), Some(Duration::from_secs(24 * 3600)));
}

#[test]
fn auth_init_is_a_redacted_config_snapshot() {
    let event = AuthInit {
        features: AuthFeatures {
            email_password: true,
            two_factor: true,
            passkey: false,
            magic_link: false,
            organizations: true,
        },
        trusted_origin_count: 3,
        database: DatabaseKind::Postgres,
        database_version: Some(Version::new(16, 4, 0)),
        social_providers: BTreeSet::from([SocialProvider::Google, SocialProvider::GitHub]),
        rate_limit: true,
        session_max_age: None,
    };
    assert_eq!(
        json(&event),
        r#"{"features":{"email_password":true,"two_factor":true,"passkey":false,"magic_link":false,"organizations":true},"trusted_origin_count":3,"database":"postgres","database_version":"16.4","social_providers":["github","google"],"rate_limit":true}"#
    );
    let minimal = AuthInit {
        features: AuthFeatures::default(),
        trusted_origin_count: 0,
        database: DatabaseKind::Memory,
        database_version: None,
        social_providers: BTreeSet::new(),
        rate_limit: false,
        session_max_age: Some(Duration::from_secs(7 * 86_400)),
    };
    assert_eq!(
        json(&minimal),
        r#"{"features":{"email_password":false,"two_factor":false,"passkey":false,"magic_link":false,"organizations":false},"trusted_origin_count":0,"database":"memory","social_providers":[],"rate_limit":false,"session_max_age":536870912}"#
    );
}

#[test]
fn deploy_finished() {
    let event = DeployFinished {
        provider: CloudProvider::Cloudflare,
        outcome: DeployOutcome::Failed,
        duration: Duration::from_secs(95),
        resources_changed: 12,
        production: true,
    };
    assert_eq!(
        json(&event),
        r#"{"provider":"cloudflare","outcome":"failed","duration":81920,"resources_changed":8,"production":true}"#
    );
}

#[test]
fn sdk_upgraded() {
    let event =
        SdkUpgraded { from: Version::new(1, 9, 2), to: Version::parse("2.0.0-rc.1").unwrap(), files_migrated: 7 };
    assert_eq!(json(&event), r#"{"from":"1.9","to":"2.0","files_migrated":4}"#);
}

#[test]
fn error_feedback_carries_only_a_code() {
    let event = ErrorFeedback { code: ErrorCode::NativeBindingMissing };
    assert_eq!(json(&event), r#"{"code":"NATIVE_BINDING_MISSING"}"#);
    assert_eq!(ErrorFeedback::META.fields().len(), 1);
}

#[test]
fn registry_lists_every_example_event_sorted() {
    let names: Vec<&str> = telemetry_schema::events().unwrap().iter().map(|e| e.meta().name()).collect();
    assert_eq!(
        names,
        [
            "AUTH_INIT",
            "BUILD_FEATURE_USAGE",
            "BUILD_FINISHED",
            "CLI_COMMAND",
            "COMPONENT_MOUNTED",
            "DEPLOY_FINISHED",
            "DEV_SERVER_STARTED",
            "ERROR_FEEDBACK",
            "PROJECT_CREATED",
            "SDK_UPGRADED",
        ]
    );
    let cli = telemetry_schema::events().unwrap().into_iter().find(|e| e.meta().name() == "CLI_COMMAND").unwrap();
    assert_eq!(cli.rust_type(), "example_sdk::events::CliCommand");
    assert!(cli.location().file.ends_with("events.rs"), "{}", cli.location());
}

#[test]
fn the_product_is_registered_next_to_the_events() {
    let products = telemetry_schema::products();
    assert_eq!(products, [&example_sdk::PRODUCT]);
    assert_eq!(example_sdk::PRODUCT.disabled_var(), "ACME_TELEMETRY_DISABLED");
}
