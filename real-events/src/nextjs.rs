//! Next.js: `NEXT_CLI_SESSION_STARTED`, sent when `next dev`, `next build` or `next start` begins.
//!
//! Source: `packages/next/src/telemetry/events/version.ts` (`eventCliSession`) in vercel/next.js. The original's
//! 28 fields: 24 are ported directly (the same information, sometimes spelled differently), 2 with an
//! acceptable loss (`locales`, `imageSizes`), 2 are dropped because they carry nothing (`buildTarget`,
//! `imageFutureEnabled`). One field is added (`localeCount`).

use std::collections::BTreeSet;

use telemetry_schema::{TelemetryEnum, TelemetryEvent, Version};

/// The `next` subcommand that started the session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum NextCommand {
    /// `next dev`: the development server.
    Dev,
    /// `next build`: a production build.
    Build,
    /// `next start`: the production server.
    Start,
    /// `next export`: a static export (before Next.js 14).
    Export,
    /// `next lint`: ESLint over the project.
    Lint,
}

telemetry_schema::telemetry_enum_from_list! {
    /// A locale a project serves, from a list of common ones (`lists/next_locales.txt`).
    pub enum NextLocale = "../lists/next_locales.txt";
}

/// The image loader configured in `images.loader`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
#[telemetry(rename_all = "lowercase")]
pub enum ImageLoader {
    /// Next.js's own optimizer.
    Default,
    /// imgix.
    Imgix,
    /// Cloudinary.
    Cloudinary,
    /// Akamai.
    Akamai,
    /// A loader function of the project's own.
    Custom,
}

/// An output format of the image optimizer (`images.formats`), by its media type.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
pub enum ImageFormat {
    /// AVIF.
    #[telemetry(rename = "image/avif")]
    Avif,
    /// WebP.
    #[telemetry(rename = "image/webp")]
    Webp,
}

/// Sent when a `next` command starts a session, with which framework features the project's configuration
/// turns on. Dropped from the original: `buildTarget` (always `"default"` since the `target` option was
/// removed) and `imageFutureEnabled` (computed as `!!images`, the same value as `imageEnabled`).
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "NEXT_CLI_SESSION_STARTED", version = 1, rename_all = "camelCase")]
pub struct CliSessionStarted {
    /// The Next.js version (`__NEXT_VERSION`, e.g. `15.1.0-canary.12`). Ported directly, read with
    /// `Version::parse_lenient`: the hash and date in the tail of an experimental or release-candidate build are
    /// dropped (`19.0.0-rc-66855b96-20241106` is sent as `19.0.0-rc`, `0.0.0-experimental-…` as `0.0.0-pre`).
    pub next_version: Option<Version>,
    /// The Node.js version. Ported directly: Node reports `v20.11.1`, `Version::parse_lenient` sends `20.11.1`.
    pub node_version: Option<Version>,
    /// The command. Ported directly: Next.js passes its own command's name, a literal in its source.
    pub cli_command: NextCommand,
    /// Whether the pages live under `src/`, when known. Ported directly.
    pub is_src_dir: Option<bool>,
    /// Whether a legacy `now.json` exists. Ported directly.
    pub has_now_json: bool,
    /// Whether a custom server runs Next.js, when known. Ported directly.
    pub is_custom_server: Option<bool>,
    /// Whether a `next.config` file exists. Ported directly.
    pub has_next_config: bool,
    /// Whether the config customizes webpack. Ported directly.
    pub has_webpack_config: bool,
    /// Whether the project has its own Babel config. Ported directly.
    pub has_babel_config: bool,
    /// Whether a `basePath` is set (never the path). Ported directly.
    pub base_path_enabled: bool,
    /// Whether internationalized routing is configured. Ported directly.
    pub i18n_enabled: bool,
    /// Whether the image optimizer is configured. Ported directly.
    pub image_enabled: bool,
    /// The configured locales that are on a list of common ones. Acceptable loss: the original joins every
    /// locale string from `next.config.js` with commas, free text a project chooses; a locale outside the list
    /// is only counted in `localeCount`.
    pub locales: BTreeSet<NextLocale>,
    /// How many locales are configured, up to 100 (a larger number is sent as 100). Added so that the locales
    /// left out of `locales` are still counted.
    #[telemetry(max = 100)]
    pub locale_count: Option<u16>,
    /// How many locale domains are configured, up to 100. Ported directly.
    #[telemetry(max = 100)]
    pub locale_domains_count: Option<u16>,
    /// Whether automatic locale detection is on. Ported directly.
    pub locale_detection_enabled: Option<bool>,
    /// How many image domains are allowed, up to 100. Ported directly.
    #[telemetry(max = 100)]
    pub image_domains_count: Option<u16>,
    /// How many remote image patterns are allowed, up to 100. Ported directly.
    #[telemetry(max = 100)]
    pub image_remote_patterns_count: Option<u16>,
    /// How many image sizes are configured, up to 100. Acceptable loss: the original sends the sizes
    /// themselves, joined with commas.
    #[telemetry(max = 100)]
    pub image_sizes_count: Option<u16>,
    /// The image loader. Ported directly: the config only accepts these names.
    pub image_loader: Option<ImageLoader>,
    /// The image formats the optimizer produces. Ported directly: the original joins the same media types with
    /// commas (`image/avif,image/webp`), the port sends them as a set.
    pub image_formats: BTreeSet<ImageFormat>,
    /// Whether `trailingSlash` is on. Ported directly.
    pub trailing_slash_enabled: bool,
    /// Whether React's strict mode is on. Ported directly.
    pub react_strict_mode: bool,
    /// The major version of webpack, when webpack is used. Ported directly.
    #[telemetry(max = 99)]
    pub webpack_version: Option<u8>,
    /// Whether `--turbo` (Turbopack) was given. Ported directly.
    pub turbo_flag: bool,
    /// Whether the project has an `app/` directory, when known. Ported directly.
    pub app_dir: Option<bool>,
    /// Whether the project has a `pages/` directory, when known. Ported directly.
    pub pages_dir: Option<bool>,
}

/// The original's example (`README.md`, "Real events"), ported: `next dev --turbo` in an App Router project
/// with four locales and remote images.
pub fn example() -> CliSessionStarted {
    // `i18n.locales` is `["en-US", "fr", "de", "nl-BE"]`; `nl-BE` is not on the list, so it is only counted.
    CliSessionStarted {
        next_version: Version::parse_lenient("15.1.0-canary.12"),
        node_version: Version::parse_lenient("v20.11.1"),
        cli_command: NextCommand::Dev,
        is_src_dir: Some(true),
        has_now_json: false,
        is_custom_server: Some(false),
        has_next_config: true,
        has_webpack_config: false,
        has_babel_config: false,
        base_path_enabled: false,
        i18n_enabled: true,
        image_enabled: true,
        locales: BTreeSet::from([NextLocale::EnUS, NextLocale::Fr, NextLocale::De]),
        locale_count: Some(4),
        locale_domains_count: None,
        locale_detection_enabled: Some(true),
        image_domains_count: None,
        image_remote_patterns_count: Some(2),
        image_sizes_count: Some(8),
        image_loader: Some(ImageLoader::Default),
        image_formats: BTreeSet::from([ImageFormat::Avif, ImageFormat::Webp]),
        trailing_slash_enabled: false,
        react_strict_mode: true,
        webpack_version: None,
        turbo_flag: true,
        app_dir: Some(true),
        pages_dir: Some(false),
    }
}
