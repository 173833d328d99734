//! Strict decoding of the events for Rust servers (`telemetry_schema::decode`, behind telemetry-schema's `serde`
//! feature; without it these lines expand to nothing). Each list names the variants or fields in declaration
//! order, and a build-time check refuses a list that misses a field. Once `#[derive(TelemetryEvent)]` and
//! friends emit these calls themselves, this file goes away.

use telemetry_schema::impl_decode;

#[allow(unused_imports)] // used only when the macros expand
use crate::events::*;

impl_decode!(
    enum Command {
        Init,
        Dev,
        Build,
        Deploy,
        Upgrade,
        Telemetry,
    }
);
impl_decode!(event CliCommand { command, cli_version, is_ci, cpu_count, os, arch });
impl_decode!(
    enum Template {
        Minimal,
        Blog,
        Commerce,
        Docs,
    }
);
impl_decode!(
    enum PackageManager {
        Npm,
        Pnpm,
        Yarn,
        Bun,
    }
);
impl_decode!(event ProjectCreated { template, typescript, package_manager });
impl_decode!(
    enum Bundler {
        Webpack,
        Turbopack,
    }
);
impl_decode!(
    enum Plugin {
        Images,
        Mdx,
        I18n,
        Pwa,
        Analytics,
    }
);
impl_decode!(event BuildFinished { duration, page_count, static_page_count, plugins, bundler, has_custom_config });
impl_decode!(event DevServerStarted { startup, turbo, https, route_count });
impl_decode!(
    enum Feature {
        Middleware,
        ServerActions,
        IncrementalRegeneration,
        EdgeRuntime,
        CustomImageLoader,
    }
);
impl_decode!(event FeatureUsage { feature, invocation_count });
impl_decode!(
    enum Component {
        SignIn,
        SignUp,
        UserButton,
        UserProfile,
        OrganizationSwitcher,
    }
);
impl_decode!(group ComponentProps { appearance, routing, redirect_url, localization });
impl_decode!(event ComponentMounted { component, props });
impl_decode!(
    enum DatabaseKind {
        Postgres,
        Mysql,
        Sqlite,
        Mongodb,
        Memory,
        Other,
    }
);
impl_decode!(
    enum SocialProvider {
        Apple,
        Discord,
        GitHub,
        Google,
        Microsoft,
    }
);
impl_decode!(group AuthFeatures { email_password, two_factor, passkey, magic_link, organizations });
impl_decode!(event AuthInit {
    features, trusted_origin_count, database, database_version, social_providers, rate_limit, session_max_age
});
impl_decode!(
    enum CloudProvider {
        Aws,
        Cloudflare,
        Gcp,
        Azure,
    }
);
impl_decode!(
    enum DeployOutcome {
        Succeeded,
        Failed,
        Cancelled,
    }
);
impl_decode!(event DeployFinished { provider, outcome, duration, resources_changed, production });
impl_decode!(event SdkUpgraded { from, to, files_migrated });
impl_decode!(
    enum ErrorCode {
        ConfigInvalid,
        PrerenderFailed,
        NativeBindingMissing,
        CredentialsMissing,
        NetworkUnreachable,
        Unknown,
    }
);
impl_decode!(event ErrorFeedback { code });
