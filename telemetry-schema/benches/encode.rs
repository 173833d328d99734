//! The toolkit's serializer against `serde_json` on identical `#[derive(Serialize)]` structs, in one run.
//!
//! `cargo bench -p telemetry-schema --bench encode`
//!
//! Both sides encode the ten example events of `example-sdk` into a reused buffer, producing byte-identical
//! JSON (checked before measuring).

use std::collections::BTreeSet;
use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use example_sdk::events as ours;
use serde::{Serialize, Serializer};
use telemetry_schema::{TelemetryEvent, Version, write_json};

/// The serde mirror of `example_sdk::events`: same names, same renames, same wire format.
#[allow(dead_code, clippy::enum_variant_names)] // declares every variant, named as the real enums
mod mirror {
    use super::*;

    fn millis<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }
    fn opt_millis<S: Serializer>(d: &Option<Duration>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_u64(d.as_millis() as u64),
            None => s.serialize_none(),
        }
    }
    fn version<S: Serializer>(v: &Version, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(v)
    }
    fn opt_version<S: Serializer>(v: &Option<Version>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(v) => s.collect_str(v),
            None => s.serialize_none(),
        }
    }

    #[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    #[serde(rename_all = "lowercase")]
    pub enum Os {
        Linux,
        MacOs,
        Windows,
        Bsd,
        Other,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "snake_case")]
    pub enum Arch {
        X86_64,
        Aarch64,
        Other,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "kebab-case")]
    pub enum Command {
        Init,
        Dev,
        Build,
        Deploy,
        Upgrade,
        Telemetry,
    }
    #[derive(Serialize)]
    pub struct CliCommand {
        pub command: Command,
        #[serde(serialize_with = "version")]
        pub cli_version: Version,
        pub is_ci: bool,
        pub cpu_count: u16,
        pub os: Os,
        pub arch: Arch,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "kebab-case")]
    pub enum Template {
        Minimal,
        Blog,
        Commerce,
        Docs,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    pub enum PackageManager {
        Npm,
        Pnpm,
        Yarn,
        Bun,
    }
    #[derive(Serialize)]
    pub struct ProjectCreated {
        pub template: Template,
        pub typescript: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        pub package_manager: Option<PackageManager>,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    pub enum Bundler {
        Webpack,
        Turbopack,
    }
    #[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    #[serde(rename_all = "kebab-case")]
    pub enum Plugin {
        Images,
        Mdx,
        I18n,
        Pwa,
        Analytics,
    }
    #[derive(Serialize)]
    pub struct BuildFinished {
        #[serde(serialize_with = "millis")]
        pub duration: Duration,
        pub page_count: u32,
        pub static_page_count: u32,
        pub plugins: BTreeSet<Plugin>,
        pub bundler: Bundler,
        pub has_custom_config: bool,
    }
    #[derive(Serialize)]
    pub struct DevServerStarted {
        #[serde(serialize_with = "millis")]
        pub startup: Duration,
        pub turbo: bool,
        pub https: bool,
        pub route_count: u32,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "camelCase")]
    pub enum Feature {
        Middleware,
        ServerActions,
        IncrementalRegeneration,
        EdgeRuntime,
        CustomImageLoader,
    }
    #[derive(Serialize)]
    pub struct FeatureUsage {
        pub feature: Feature,
        pub invocation_count: u32,
    }
    #[derive(Serialize, Clone, Copy)]
    pub enum Component {
        SignIn,
        SignUp,
        UserButton,
        UserProfile,
        OrganizationSwitcher,
    }
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    pub struct ComponentProps {
        pub appearance: bool,
        pub routing: bool,
        pub redirect_url: bool,
        pub localization: bool,
    }
    #[derive(Serialize)]
    pub struct ComponentMounted {
        pub component: Component,
        pub props: ComponentProps,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    pub enum DatabaseKind {
        Postgres,
        Mysql,
        Sqlite,
        Mongodb,
        Memory,
        Other,
    }
    #[derive(Serialize, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
    #[serde(rename_all = "lowercase")]
    pub enum SocialProvider {
        Apple,
        Discord,
        GitHub,
        Google,
        Microsoft,
    }
    #[derive(Serialize)]
    pub struct AuthFeatures {
        pub email_password: bool,
        pub two_factor: bool,
        pub passkey: bool,
        pub magic_link: bool,
        pub organizations: bool,
    }
    #[derive(Serialize)]
    pub struct AuthInit {
        pub features: AuthFeatures,
        pub trusted_origin_count: u16,
        pub database: DatabaseKind,
        #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_version")]
        pub database_version: Option<Version>,
        pub social_providers: BTreeSet<SocialProvider>,
        pub rate_limit: bool,
        #[serde(skip_serializing_if = "Option::is_none", serialize_with = "opt_millis")]
        pub session_max_age: Option<Duration>,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    pub enum CloudProvider {
        Aws,
        Cloudflare,
        Gcp,
        Azure,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "lowercase")]
    pub enum DeployOutcome {
        Succeeded,
        Failed,
        Cancelled,
    }
    #[derive(Serialize)]
    pub struct DeployFinished {
        pub provider: CloudProvider,
        pub outcome: DeployOutcome,
        #[serde(serialize_with = "millis")]
        pub duration: Duration,
        pub resources_changed: u32,
        pub production: bool,
    }
    #[derive(Serialize)]
    pub struct SdkUpgraded {
        #[serde(serialize_with = "version")]
        pub from: Version,
        #[serde(serialize_with = "version")]
        pub to: Version,
        pub files_migrated: u32,
    }
    #[derive(Serialize, Clone, Copy)]
    #[serde(rename_all = "SCREAMING_SNAKE_CASE")]
    pub enum ErrorCode {
        ConfigInvalid,
        PrerenderFailed,
        NativeBindingMissing,
        CredentialsMissing,
        NetworkUnreachable,
        Unknown,
    }
    #[derive(Serialize)]
    pub struct ErrorFeedback {
        pub code: ErrorCode,
    }
}

struct Both<A, B> {
    ours: A,
    serde: B,
}

macro_rules! examples {
    ($($name:ident: $ours:expr, $serde:expr;)*) => {
        #[allow(non_snake_case)] // fields named after the event types
        struct Examples { $($name: Both<ours::$name, mirror::$name>,)* }
        fn examples() -> Examples {
            Examples { $($name: Both { ours: $ours, serde: $serde },)* }
        }
        fn encode_ours(e: &Examples, out: &mut String) {
            $( out.clear(); write_json(black_box(&e.$name.ours), out).unwrap(); black_box(&*out); )*
        }
        fn encode_serde(e: &Examples, out: &mut Vec<u8>) {
            $( out.clear(); serde_json::to_writer(&mut *out, black_box(&e.$name.serde)).unwrap(); black_box(&*out); )*
        }
        fn check_identical(e: &Examples) {
            $(
                let a = telemetry_schema::to_json(&e.$name.ours).unwrap();
                let b = serde_json::to_string(&e.$name.serde).unwrap();
                assert_eq!(a, b, "{} differs", <ours::$name as TelemetryEvent>::META.name());
            )*
        }
    };
}

fn v(text: &str) -> Version {
    text.parse().unwrap()
}

examples! {
    CliCommand:
        ours::CliCommand { command: ours::Command::Build, cli_version: v("2.3.0-beta.4"), is_ci: true, cpu_count: 8, os: ours::Os::Linux, arch: ours::Arch::X86_64 },
        mirror::CliCommand { command: mirror::Command::Build, cli_version: v("2.3.0-beta.4"), is_ci: true, cpu_count: 8, os: mirror::Os::Linux, arch: mirror::Arch::X86_64 };
    ProjectCreated:
        ours::ProjectCreated { template: ours::Template::Blog, typescript: true, package_manager: Some(ours::PackageManager::Pnpm) },
        mirror::ProjectCreated { template: mirror::Template::Blog, typescript: true, package_manager: Some(mirror::PackageManager::Pnpm) };
    BuildFinished:
        ours::BuildFinished { duration: Duration::from_millis(48_213), page_count: 120, static_page_count: 97, plugins: BTreeSet::from([ours::Plugin::Images, ours::Plugin::Mdx, ours::Plugin::Pwa]), bundler: ours::Bundler::Turbopack, has_custom_config: true },
        mirror::BuildFinished { duration: Duration::from_millis(48_213), page_count: 120, static_page_count: 97, plugins: BTreeSet::from([mirror::Plugin::Images, mirror::Plugin::Mdx, mirror::Plugin::Pwa]), bundler: mirror::Bundler::Turbopack, has_custom_config: true };
    DevServerStarted:
        ours::DevServerStarted { startup: Duration::from_millis(812), turbo: true, https: false, route_count: 31 },
        mirror::DevServerStarted { startup: Duration::from_millis(812), turbo: true, https: false, route_count: 31 };
    FeatureUsage:
        ours::FeatureUsage { feature: ours::Feature::ServerActions, invocation_count: 14 },
        mirror::FeatureUsage { feature: mirror::Feature::ServerActions, invocation_count: 14 };
    ComponentMounted:
        ours::ComponentMounted { component: ours::Component::UserButton, props: ours::ComponentProps { appearance: true, routing: false, redirect_url: true, localization: false } },
        mirror::ComponentMounted { component: mirror::Component::UserButton, props: mirror::ComponentProps { appearance: true, routing: false, redirect_url: true, localization: false } };
    AuthInit:
        ours::AuthInit { features: ours::AuthFeatures { email_password: true, two_factor: true, passkey: false, magic_link: true, organizations: false }, trusted_origin_count: 3, database: ours::DatabaseKind::Postgres, database_version: Some(Version::new(16, 4, 0)), social_providers: BTreeSet::from([ours::SocialProvider::GitHub, ours::SocialProvider::Google]), rate_limit: true, session_max_age: Some(Duration::from_secs(604_800)) },
        mirror::AuthInit { features: mirror::AuthFeatures { email_password: true, two_factor: true, passkey: false, magic_link: true, organizations: false }, trusted_origin_count: 3, database: mirror::DatabaseKind::Postgres, database_version: Some(Version::new(16, 4, 0)), social_providers: BTreeSet::from([mirror::SocialProvider::GitHub, mirror::SocialProvider::Google]), rate_limit: true, session_max_age: Some(Duration::from_secs(604_800)) };
    DeployFinished:
        ours::DeployFinished { provider: ours::CloudProvider::Aws, outcome: ours::DeployOutcome::Succeeded, duration: Duration::from_secs(95), resources_changed: 12, production: true },
        mirror::DeployFinished { provider: mirror::CloudProvider::Aws, outcome: mirror::DeployOutcome::Succeeded, duration: Duration::from_secs(95), resources_changed: 12, production: true };
    SdkUpgraded:
        ours::SdkUpgraded { from: Version::new(1, 9, 2), to: v("2.0.0-rc.1"), files_migrated: 7 },
        mirror::SdkUpgraded { from: Version::new(1, 9, 2), to: v("2.0.0-rc.1"), files_migrated: 7 };
    ErrorFeedback:
        ours::ErrorFeedback { code: ours::ErrorCode::ConfigInvalid },
        mirror::ErrorFeedback { code: mirror::ErrorCode::ConfigInvalid };
}

fn encode(c: &mut Criterion) {
    let examples = examples();
    check_identical(&examples);
    let mut group = c.benchmark_group("encode_10_example_events");
    let mut text = String::with_capacity(512);
    group.bench_function("telemetry_schema", |b| b.iter(|| encode_ours(&examples, &mut text)));
    let mut bytes = Vec::with_capacity(512);
    group.bench_function("serde_json", |b| b.iter(|| encode_serde(&examples, &mut bytes)));
    group.finish();
}

criterion_group!(benches, encode);
criterion_main!(benches);
