//! Better Auth: `init`, sent once when an auth instance starts, with a snapshot of its configuration and of the
//! machine it runs on.
//!
//! Sources in better-auth/better-auth, `packages/telemetry/src/`: `node.ts` (the event, the project id, the
//! system info and the package.json readers), `detectors/detect-auth-config.ts` (the configuration snapshot,
//! about 120 values), `detectors/detect-runtime.ts`, `detectors/detect-database.ts`,
//! `detectors/detect-framework.ts` and `detectors/detect-project-info.ts`.
//!
//! Everything outside `config` is ported (21 values: 14 directly, 3 with an acceptable loss, 4 dropped). Of
//! `config`, this example ports a representative part (the adapter, email and password, social providers,
//! plugins, trusted origins, sessions and rate limiting) and leaves out the rest; the README lists what the
//! rest holds and what of it could not be ported.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

pub use telemetry_schema::{Arch, Os};
use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, Version};

/// The database adapter the instance was given.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum AuthAdapter {
    /// The built-in Kysely adapter.
    Kysely,
    /// The Drizzle ORM adapter.
    Drizzle,
    /// The Prisma adapter.
    Prisma,
    /// The MongoDB adapter.
    Mongodb,
    /// The in-memory adapter.
    Memory,
}

/// The kind of database the instance was given (`config.database`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum ConfiguredDatabase {
    /// An adapter function (Drizzle, Prisma, MongoDB, memory): the adapter says which.
    Adapter,
    /// PostgreSQL through Kysely.
    Postgres,
    /// MySQL through Kysely.
    Mysql,
    /// SQLite through Kysely.
    Sqlite,
    /// SQL Server through Kysely.
    Mssql,
}

/// Which email-and-password options are set (`emailAndPassword`).
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct EmailAndPassword {
    /// Whether email and password sign-in is on. Ported directly.
    pub enabled: bool,
    /// Whether sign-up is disabled. Ported directly.
    pub disable_sign_up: bool,
    /// Whether the email must be verified before sign-in. Ported directly.
    pub require_email_verification: bool,
    /// The shortest password allowed, when set, up to 255. Ported directly.
    #[telemetry(max = 255)]
    pub min_password_length: Option<u16>,
    /// The longest password allowed, when set, up to 1024. Ported directly.
    #[telemetry(max = 1024)]
    pub max_password_length: Option<u16>,
    /// Whether a reset-password email sender is configured (never the function). Ported directly.
    pub send_reset_password: bool,
    /// Whether users are signed in right after sign-up. Ported directly.
    pub auto_sign_in: bool,
}

/// A social sign-in provider Better Auth supports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum SocialProviderId {
    /// Apple.
    Apple,
    /// Discord.
    Discord,
    /// GitHub.
    Github,
    /// GitLab.
    Gitlab,
    /// Google.
    Google,
    /// Microsoft.
    Microsoft,
    /// Twitter / X.
    Twitter,
}

/// The settings of one configured social provider (`config.socialProviders[]`): only whether each option is
/// set, as the original sends them.
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct ProviderSettings {
    /// Whether a `mapProfileToUser` function is given. Ported directly.
    pub map_profile_to_user: bool,
    /// Whether the provider's default scopes are turned off. Ported directly.
    pub disable_default_scope: bool,
    /// Whether sign-in with an ID token is turned off. Ported directly.
    pub disable_id_token_sign_in: bool,
    /// Whether implicit sign-up is turned off, when set. Ported directly.
    pub disable_implicit_sign_up: Option<bool>,
    /// Whether sign-up is turned off, when set. Ported directly.
    pub disable_sign_up: Option<bool>,
    /// Whether a `getUserInfo` function is given. Ported directly.
    pub get_user_info: bool,
    /// Whether the user's info is overwritten at each sign-in. Ported directly.
    pub override_user_info_on_sign_in: bool,
    /// Whether a `verifyIdToken` function is given. Ported directly.
    pub verify_id_token: bool,
    /// Whether a `refreshAccessToken` function is given. Ported directly.
    pub refresh_access_token: bool,
}

/// A plugin shipped with Better Auth, by its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum AuthPlugin {
    /// `admin`.
    Admin,
    /// `anonymous`.
    Anonymous,
    /// `api-key`.
    ApiKey,
    /// `bearer`.
    Bearer,
    /// `email-otp`.
    EmailOtp,
    /// `jwt`.
    Jwt,
    /// `magic-link`.
    MagicLink,
    /// `multi-session`.
    MultiSession,
    /// `organization`.
    Organization,
    /// `passkey`.
    Passkey,
    /// `phone-number`.
    PhoneNumber,
    /// `two-factor`.
    TwoFactor,
    /// `username`.
    Username,
}

impl AuthPlugin {
    /// The plugin whose id is `id`, or `None` for a plugin of the application's own.
    pub fn from_id(id: &str) -> Option<Self> {
        Some(match id {
            "admin" => Self::Admin,
            "anonymous" => Self::Anonymous,
            "api-key" => Self::ApiKey,
            "bearer" => Self::Bearer,
            "email-otp" => Self::EmailOtp,
            "jwt" => Self::Jwt,
            "magic-link" => Self::MagicLink,
            "multi-session" => Self::MultiSession,
            "organization" => Self::Organization,
            "passkey" => Self::Passkey,
            "phone-number" => Self::PhoneNumber,
            "two-factor" => Self::TwoFactor,
            "username" => Self::Username,
            _ => return None,
        })
    }
}

/// Which session options are set (`session`).
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct SessionOptions {
    /// How long a session lives, when set, up to 90 days. Ported directly (the original sends seconds, the
    /// port milliseconds).
    #[telemetry(max = "2160h")]
    pub expires_in: Option<Duration>,
    /// How often a session's expiry is pushed back, when set, up to 90 days. Ported directly (seconds become
    /// milliseconds).
    #[telemetry(max = "2160h")]
    pub update_age: Option<Duration>,
    /// Whether the session cookie cache is on, when set. Ported directly.
    pub cookie_cache_enabled: Option<bool>,
}

/// Where rate-limit counters are kept (`rateLimit.storage`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum RateLimitStorage {
    /// In the process's memory.
    Memory,
    /// In the database.
    Database,
    /// In the secondary storage.
    SecondaryStorage,
}

/// Which rate-limit options are set (`rateLimit`).
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct RateLimitOptions {
    /// Whether rate limiting is on, when set. Ported directly.
    pub enabled: Option<bool>,
    /// Where the counters are kept, when set. Ported directly.
    pub storage: Option<RateLimitStorage>,
    /// The window, when set, up to a day. Ported directly (the original sends seconds, the port milliseconds).
    #[telemetry(max = "24h")]
    pub window: Option<Duration>,
    /// The requests allowed per window, when set, up to 10 000. Ported directly.
    #[telemetry(max = 10000)]
    pub max: Option<u32>,
    /// Whether a custom storage is configured (never the object). Ported directly.
    pub custom_storage: bool,
}

/// The part of the configuration snapshot this example ports.
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct AuthConfig {
    /// The kind of database, when known. Ported directly (the original's `"unknown"` is sent as nothing).
    pub database: Option<ConfiguredDatabase>,
    /// The database adapter, when one is given. Ported directly.
    pub adapter: Option<AuthAdapter>,
    /// Email and password options. Ported directly.
    pub email_and_password: EmailAndPassword,
    /// The configured social providers and their settings, keyed by provider. Acceptable loss: the original
    /// sends a list of objects, each with the provider's id, the same 9 settings and its `prompt` and `scope`
    /// (free text: the OAuth prompt and scopes the application chooses), which are dropped; a provider Better
    /// Auth does not ship has no key.
    pub social_providers: BTreeMap<SocialProviderId, ProviderSettings>,
    /// The plugins shipped with Better Auth that are in use. Acceptable loss: the original sends every
    /// plugin's id, including the ids of the application's own plugins (free text).
    pub plugins: BTreeSet<AuthPlugin>,
    /// How many trusted origins are configured, up to 100. Ported directly (the original sends the count).
    #[telemetry(max = 100)]
    pub trusted_origins: Option<u16>,
    /// Session options. Ported as shown per field; the session's `modelName`, `fields` and `additionalFields`
    /// (table and column names of the application's database) are dropped.
    pub session: SessionOptions,
    /// Rate-limit options. Ported directly, except `modelName` (a table name), which is dropped.
    pub rate_limit: RateLimitOptions,
    /// Whether a secondary storage is configured. Ported directly.
    pub secondary_storage: bool,
}

/// The JavaScript runtime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum RuntimeName {
    /// Node.js.
    Node,
    /// Bun.
    Bun,
    /// Deno.
    Deno,
    /// An edge runtime without `process`.
    Edge,
}

/// The runtime and its version (`runtime`).
#[derive(Debug, Clone, TelemetryGroup)]
pub struct Runtime {
    /// Which runtime. Ported directly.
    pub name: RuntimeName,
    /// Its version, when the runtime reports one. Ported directly (read with `Version::parse_lenient`).
    pub version: Option<Version>,
}

/// The database driver found among the dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum DatabaseName {
    /// `pg`.
    Postgresql,
    /// `mysql`.
    Mysql,
    /// `mariadb`.
    Mariadb,
    /// `sqlite3` or `better-sqlite3`.
    Sqlite,
    /// `@prisma/client`.
    Prisma,
    /// `mongoose` or `mongodb`.
    Mongodb,
    /// `drizzle-orm`.
    Drizzle,
}

/// The database driver and its version (`database`).
#[derive(Debug, Clone, TelemetryGroup)]
pub struct Database {
    /// Which driver. Ported directly.
    pub name: DatabaseName,
    /// The version the project depends on. Acceptable loss: the original sends the dependency's range
    /// from `package.json` as written (`^8.13.1`, but also `workspace:*`, a git URL or a local path); the port
    /// reads it with `Version::parse_lenient`, which sends the lowest version a `^`, `~`, `=` or `>=` range
    /// names and nothing for anything else.
    pub version: Option<Version>,
}

/// The web framework found among the dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum FrameworkName {
    /// `next`.
    Next,
    /// `nuxt`.
    Nuxt,
    /// `react-router`.
    ReactRouter,
    /// `astro`.
    Astro,
    /// `@sveltejs/kit`.
    Sveltekit,
    /// `solid-start`.
    SolidStart,
    /// `tanstack-start`.
    TanstackStart,
    /// `hono`.
    Hono,
    /// `express`.
    Express,
    /// `elysia`.
    Elysia,
    /// `expo`.
    Expo,
}

/// The web framework and its version (`framework`).
#[derive(Debug, Clone, TelemetryGroup)]
pub struct Framework {
    /// Which framework. Ported directly.
    pub name: FrameworkName,
    /// The version the project depends on. Acceptable loss, as for the database's version.
    pub version: Option<Version>,
}

/// What `NODE_ENV` and the CI variables say the instance runs as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum Environment {
    /// `NODE_ENV=production`.
    Production,
    /// A CI service.
    Ci,
    /// A test runner.
    Test,
    /// Anything else.
    Development,
}

/// The hosting platform, detected from the variables it sets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum DeploymentVendor {
    /// Cloudflare.
    Cloudflare,
    /// Vercel.
    Vercel,
    /// Netlify.
    Netlify,
    /// Render.
    Render,
    /// AWS.
    Aws,
    /// Google Cloud.
    Gcp,
    /// Azure.
    Azure,
    /// Deno Deploy.
    DenoDeploy,
    /// Fly.io.
    FlyIo,
    /// Railway.
    Railway,
    /// Heroku.
    Heroku,
    /// DigitalOcean.
    Digitalocean,
    /// Koyeb.
    Koyeb,
}

/// The machine (`systemInfo`).
#[derive(Debug, Clone, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct SystemInfo {
    /// The hosting platform, when detected. Ported directly.
    pub deployment_vendor: Option<DeploymentVendor>,
    /// The operating system. Ported directly, spelled `macos`, `linux`, `windows` instead of Node's
    /// `darwin`, `linux`, `win32`.
    pub system_platform: Option<Os>,
    /// The processor architecture. Ported directly, spelled `x86_64`, `aarch64` instead of Node's `x64`,
    /// `arm64`.
    pub system_architecture: Option<Arch>,
    /// How many logical CPUs, up to 256. Ported directly.
    #[telemetry(max = 256)]
    pub cpu_count: Option<u16>,
    /// The machine's memory in whole gibibytes, rounded down to a power of two, at most 1024. Acceptable loss:
    /// the original sends the exact number of bytes (`os.totalmem()`), which tells machines apart.
    #[telemetry(rename = "memoryGiB", buckets = "exp2", max = 1024)]
    pub memory_gib: Option<u32>,
    /// Whether the process runs in WSL. Ported directly.
    #[telemetry(rename = "isWSL")]
    pub is_wsl: Option<bool>,
    /// Whether the process runs in Docker. Ported directly.
    pub is_docker: Option<bool>,
    /// Whether standard output is a terminal. Ported directly.
    #[telemetry(rename = "isTTY")]
    pub is_tty: Option<bool>,
}

/// The package manager that ran the process.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum PackageManagerName {
    /// npm.
    Npm,
    /// cnpm.
    Cnpm,
    /// pnpm.
    Pnpm,
    /// Yarn.
    Yarn,
    /// Bun.
    Bun,
}

/// The package manager and its version (`packageManager`).
#[derive(Debug, Clone, TelemetryGroup)]
pub struct PackageManager {
    /// Which package manager. Ported directly for these; the original sends whatever name
    /// `npm_config_user_agent` starts with, which has no counterpart.
    pub name: PackageManagerName,
    /// Its version, from `npm_config_user_agent`. Ported directly (read with `Version::parse_lenient`).
    pub version: Option<Version>,
}

/// Sent once when an auth instance starts, with which options its configuration sets and what it runs on.
/// Dropped from the original: `anonymousId` (an unsalted SHA-256 of the base URL and the `package.json` name,
/// which anyone can recompute from a public URL; the toolkit's envelope carries a project id salted on the
/// machine instead) and, in `systemInfo`, `systemRelease` (the kernel's release string), `cpuModel` (free text)
/// and `cpuSpeed`, which together fingerprint a machine.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "init", version = 1, rename_all = "camelCase")]
pub struct Init {
    /// The configuration snapshot, in part (see [`AuthConfig`]).
    pub config: AuthConfig,
    /// The runtime. Ported directly.
    pub runtime: Runtime,
    /// The database driver, when one is found. Ported as shown per field.
    pub database: Option<Database>,
    /// The framework, when one is found. Ported as shown per field.
    pub framework: Option<Framework>,
    /// What the instance runs as. Ported directly.
    pub environment: Environment,
    /// The machine. Ported as shown per field.
    pub system_info: SystemInfo,
    /// The package manager, when `npm_config_user_agent` names one. Ported as shown per field.
    pub package_manager: Option<PackageManager>,
}

/// The machine's memory in whole gibibytes, from the bytes `os.totalmem()` reports (the serializer then rounds
/// it down to a power of two).
pub fn memory_gib(total_bytes: u64) -> Option<u32> {
    u32::try_from(total_bytes >> 30).ok()
}

/// The original's example (`README.md`, "Real events"), ported: a Next.js app on a developer's Mac, with
/// Drizzle on PostgreSQL, GitHub and Google sign-in, two shipped plugins and one of its own.
pub fn example() -> Init {
    Init {
        config: AuthConfig {
            database: Some(ConfiguredDatabase::Adapter),
            adapter: Some(AuthAdapter::Drizzle),
            email_and_password: EmailAndPassword {
                enabled: true,
                disable_sign_up: false,
                require_email_verification: true,
                min_password_length: Some(12),
                max_password_length: None,
                send_reset_password: true,
                auto_sign_in: true,
            },
            social_providers: BTreeMap::from([
                (SocialProviderId::Github, ProviderSettings::default()),
                (
                    SocialProviderId::Google,
                    ProviderSettings { map_profile_to_user: true, ..ProviderSettings::default() },
                ),
            ]),
            plugins: ["two-factor", "organization", "acme-audit-log"]
                .into_iter()
                .filter_map(AuthPlugin::from_id)
                .collect(),
            trusted_origins: Some(2),
            session: SessionOptions {
                expires_in: Some(Duration::from_secs(604_800)),
                update_age: Some(Duration::from_secs(86_400)),
                cookie_cache_enabled: Some(true),
            },
            rate_limit: RateLimitOptions {
                enabled: Some(true),
                storage: Some(RateLimitStorage::Database),
                window: Some(Duration::from_secs(60)),
                max: Some(100),
                custom_storage: false,
            },
            secondary_storage: false,
        },
        runtime: Runtime { name: RuntimeName::Node, version: Version::parse_lenient("22.11.0") },
        database: Some(Database { name: DatabaseName::Postgresql, version: Version::parse_lenient("^8.13.1") }),
        framework: Some(Framework { name: FrameworkName::Next, version: Version::parse_lenient("15.1.0") }),
        environment: Environment::Development,
        system_info: SystemInfo {
            deployment_vendor: None,
            system_platform: Some(Os::MacOs),
            system_architecture: Some(Arch::Aarch64),
            cpu_count: Some(10),
            memory_gib: memory_gib(17_179_869_184),
            is_wsl: Some(false),
            is_docker: Some(false),
            is_tty: Some(true),
        },
        package_manager: Some(PackageManager {
            name: PackageManagerName::Pnpm,
            version: Version::parse_lenient("9.15.0"),
        }),
    }
}
