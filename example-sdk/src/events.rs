//! Every telemetry event the Acme SDK can send, and nothing else.
//!
//! Each field is a yes/no, a count, a duration, a version number or one of a fixed list of values: the compiler
//! refuses anything that could carry free text, names, paths or identifiers. The doc comments below are printed
//! on the "what is collected" page exactly as written.
//!
//! Every number is bounded (`max`, `buckets`, `precision`), so that no event can say more than the product's
//! budget of 64 bits (`PRODUCT.payload_budget_bits()`); each event's figure is on the page, and
//! `docs-gen --check` fails when one is over it. Changing a bound narrows the schema, so each bounded event got a new version.

use std::collections::BTreeSet;
use std::time::Duration;

pub use telemetry_schema::{Arch, Os};
use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, Version};

// ---------------------------------------------------------------------------------------------------------------
// The CLI
// ---------------------------------------------------------------------------------------------------------------

/// An `acme` subcommand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum Command {
    /// `acme init`: create a new project from a template.
    Init,
    /// `acme dev`: start the local development server.
    Dev,
    /// `acme build`: make a production build.
    Build,
    /// `acme deploy`: deploy the production build.
    Deploy,
    /// `acme upgrade`: move the project to a newer SDK version.
    Upgrade,
    /// `acme telemetry`: show or change the telemetry setting.
    Telemetry,
}

/// Sent each time an `acme` command starts, so we know which commands are used, on which versions and
/// platforms.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "CLI_COMMAND", version = 2, max_bits = 64)]
pub struct CliCommand {
    /// The subcommand that was run (never its arguments).
    pub command: Command,
    /// The version of the `acme` CLI (its major and minor numbers).
    #[telemetry(precision = "minor", max = 99)]
    pub cli_version: Version,
    /// Whether the command runs in a continuous-integration environment (detected from the `CI` variable and
    /// the variables that well-known CI services set; only yes or no is sent).
    pub is_ci: bool,
    /// How many logical CPUs the machine has, to size build parallelism.
    #[telemetry(max = 64)]
    pub cpu_count: u16,
    /// The operating system family.
    pub os: Os,
    /// The processor architecture.
    pub arch: Arch,
}

/// A project template offered by `acme init`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum Template {
    /// The minimal starter.
    Minimal,
    /// The blog starter.
    Blog,
    /// The e-commerce starter.
    Commerce,
    /// The documentation-site starter.
    Docs,
}

/// The package manager that installed the project's dependencies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum PackageManager {
    /// npm.
    Npm,
    /// pnpm.
    Pnpm,
    /// Yarn.
    Yarn,
    /// Bun.
    Bun,
}

/// Sent once when `acme init` creates a project, so we know which templates are worth maintaining.
#[derive(Debug, Clone, TelemetryEvent)]
pub struct ProjectCreated {
    /// The template the project started from.
    pub template: Template,
    /// Whether the project uses TypeScript.
    pub typescript: bool,
    /// The package manager that installed the dependencies, when it could be detected.
    pub package_manager: Option<PackageManager>,
}

// ---------------------------------------------------------------------------------------------------------------
// Builds and the dev server (modelled on Next.js)
// ---------------------------------------------------------------------------------------------------------------

/// The bundler that produced a build.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum Bundler {
    /// The default bundler.
    Webpack,
    /// The incremental bundler.
    Turbopack,
}

/// A well-known plugin a project can use. Plugins we do not know are never reported, not even by name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
pub enum Plugin {
    /// `@acme/images`: image optimization.
    Images,
    /// `@acme/mdx`: MDX pages.
    Mdx,
    /// `@acme/i18n`: internationalized routing.
    I18n,
    /// `@acme/pwa`: offline support.
    Pwa,
    /// `@acme/analytics`: the web-analytics component.
    Analytics,
}

/// Sent when `acme build` finishes successfully, so we can see how long builds take and which plugins matter.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "BUILD_FINISHED", version = 3, max_bits = 64)]
pub struct BuildFinished {
    /// How long the build took.
    #[telemetry(buckets = "exp2/4", max = "1h")]
    pub duration: Duration,
    /// How many pages the build produced.
    #[telemetry(buckets = "exp2")]
    pub page_count: u32,
    /// How many of those pages were pre-rendered as static files.
    #[telemetry(buckets = "exp2")]
    pub static_page_count: u32,
    /// Which well-known plugins the project uses.
    pub plugins: BTreeSet<Plugin>,
    /// The bundler that made the build.
    pub bundler: Bundler,
    /// Whether the project has an `acme.config` file (never its contents).
    pub has_custom_config: bool,
}

/// Sent when `acme dev` is ready to serve, so we can track how fast the development server starts.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(version = 2, max_bits = 64)]
pub struct DevServerStarted {
    /// How long the server took to become ready.
    #[telemetry(buckets = "exp2/4", max = "10m")]
    pub startup: Duration,
    /// Whether the incremental bundler was used.
    pub turbo: bool,
    /// Whether the server uses HTTPS with a local certificate.
    pub https: bool,
    /// How many routes the project has.
    #[telemetry(buckets = "exp2")]
    pub route_count: u32,
}

/// An optional framework feature whose adoption we follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "camelCase")]
pub enum Feature {
    /// Middleware that runs before each request.
    Middleware,
    /// Server actions.
    ServerActions,
    /// Incremental static regeneration.
    IncrementalRegeneration,
    /// The edge runtime.
    EdgeRuntime,
    /// Custom image loaders.
    CustomImageLoader,
}

/// Sent once per build for each optional feature the project uses, with how often it is used. Sampled: each
/// of these events is sent with a chance of one in ten, so most builds report none of their features. Only
/// while these features are new: it stops at the end of June 2027.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "BUILD_FEATURE_USAGE", version = 2, sample_rate = 0.1, expires = "2027-06-30", max_bits = 64)]
pub struct FeatureUsage {
    /// The feature.
    pub feature: Feature,
    /// In how many files or routes the feature is used.
    #[telemetry(buckets = "exp2")]
    pub invocation_count: u32,
}

// ---------------------------------------------------------------------------------------------------------------
// UI components (modelled on Clerk)
// ---------------------------------------------------------------------------------------------------------------

/// A prebuilt UI component of the SDK.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
pub enum Component {
    /// The sign-in form.
    SignIn,
    /// The sign-up form.
    SignUp,
    /// The account menu button.
    #[telemetry(sample_rate = 0.1)]
    UserButton,
    /// The profile page.
    #[telemetry(sample_rate = 0.1)]
    UserProfile,
    /// The organization switcher.
    #[telemetry(sample_rate = 0.1)]
    OrganizationSwitcher,
}

/// Which optional properties a component was given: only whether each was set, never its value.
#[derive(Debug, Clone, Default, TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
pub struct ComponentProps {
    /// Whether the appearance (theme, colours) was customized.
    pub appearance: bool,
    /// Whether a custom routing strategy was set.
    pub routing: bool,
    /// Whether a redirect after completion was set (never the URL itself).
    pub redirect_url: bool,
    /// Whether custom texts (localization) were given.
    pub localization: bool,
}

/// Sent when a component is shown, so we know which components and options are used. Throttled: the same
/// component with the same options is reported at most once a day from one machine, however often it is shown.
// Sampled by value as Clerk does: the sign-in and sign-up forms always, other components one time in ten.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(dedup = "24h", sample_by = "component")]
pub struct ComponentMounted {
    /// The component that was shown.
    pub component: Component,
    /// Which optional properties were set.
    pub props: ComponentProps,
}

// ---------------------------------------------------------------------------------------------------------------
// Authentication library (modelled on Better Auth)
// ---------------------------------------------------------------------------------------------------------------

/// The kind of database the auth library stores sessions in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum DatabaseKind {
    /// PostgreSQL.
    Postgres,
    /// MySQL or MariaDB.
    Mysql,
    /// SQLite.
    Sqlite,
    /// MongoDB.
    Mongodb,
    /// The in-memory store (development only).
    Memory,
    /// Any other database, through a custom adapter.
    Other,
}

/// A social sign-in provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum SocialProvider {
    /// Sign in with Apple.
    Apple,
    /// Sign in with Discord.
    Discord,
    /// Sign in with GitHub.
    GitHub,
    /// Sign in with Google.
    Google,
    /// Sign in with Microsoft.
    Microsoft,
}

/// Which authentication features are switched on.
#[derive(Debug, Clone, Default, TelemetryGroup)]
pub struct AuthFeatures {
    /// Email and password sign-in.
    pub email_password: bool,
    /// Two-factor authentication.
    pub two_factor: bool,
    /// Passkeys.
    pub passkey: bool,
    /// Sign-in links sent by email.
    pub magic_link: bool,
    /// Organizations and teams.
    pub organizations: bool,
}

/// Sent when the auth library starts, with a redacted snapshot of its configuration: which features are on and
/// how many origins are trusted, never secrets, URLs or the origins themselves.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "AUTH_INIT", version = 2, max_bits = 64)]
pub struct AuthInit {
    /// Which authentication features are on.
    pub features: AuthFeatures,
    /// How many trusted origins are configured.
    #[telemetry(max = 32)]
    pub trusted_origin_count: u16,
    /// The kind of database.
    pub database: DatabaseKind,
    /// The version of the database server (its major and minor numbers), when the adapter reports one.
    #[telemetry(precision = "minor", max = 99)]
    pub database_version: Option<Version>,
    /// Which social sign-in providers are configured.
    pub social_providers: BTreeSet<SocialProvider>,
    /// Whether rate limiting is on.
    pub rate_limit: bool,
    /// The configured session lifetime, when it differs from the default.
    #[telemetry(buckets = "exp2", max = "2160h")]
    pub session_max_age: Option<Duration>,
}

// ---------------------------------------------------------------------------------------------------------------
// Deployments (modelled on SST)
// ---------------------------------------------------------------------------------------------------------------

/// The cloud a deployment goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum CloudProvider {
    /// Amazon Web Services.
    Aws,
    /// Cloudflare.
    Cloudflare,
    /// Google Cloud.
    Gcp,
    /// Microsoft Azure.
    Azure,
}

/// How a deployment ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum DeployOutcome {
    /// Every resource was deployed.
    Succeeded,
    /// The deployment failed and was rolled back.
    Failed,
    /// The user cancelled the deployment.
    Cancelled,
}

/// Sent when `acme deploy` ends, so we know how long deployments take and how often they fail.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(version = 2, max_bits = 64)]
pub struct DeployFinished {
    /// The cloud deployed to.
    pub provider: CloudProvider,
    /// How the deployment ended.
    pub outcome: DeployOutcome,
    /// How long it took.
    #[telemetry(buckets = "exp2/4", max = "1h")]
    pub duration: Duration,
    /// How many resources were created, changed or deleted.
    #[telemetry(buckets = "exp2")]
    pub resources_changed: u32,
    /// Whether it deployed to a production stage (as opposed to a personal or preview stage; never the stage's
    /// name).
    pub production: bool,
}

/// Sent when `acme upgrade` moves a project to a new SDK version.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(version = 2, max_bits = 64)]
pub struct SdkUpgraded {
    /// The version before the upgrade (its major and minor numbers).
    #[telemetry(precision = "minor", max = 99)]
    pub from: Version,
    /// The version after the upgrade (its major and minor numbers).
    #[telemetry(precision = "minor", max = 99)]
    pub to: Version,
    /// How many files the automatic migration changed.
    #[telemetry(buckets = "exp2")]
    pub files_migrated: u32,
}

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/// A known failure of the SDK. The error message itself is never sent: it may contain paths or names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ErrorCode {
    /// The configuration file could not be parsed.
    ConfigInvalid,
    /// A page failed to pre-render.
    PrerenderFailed,
    /// The native compiler could not be loaded, so the slower fallback was used.
    NativeBindingMissing,
    /// The cloud credentials were missing or expired.
    CredentialsMissing,
    /// The network was unreachable.
    NetworkUnreachable,
    /// Any other error.
    Unknown,
}

/// Sent when a command fails with a known error, carrying only the error code, so we can find the most
/// common failures.
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "ERROR_FEEDBACK")]
pub struct ErrorFeedback {
    /// Which known error happened.
    pub code: ErrorCode,
}
