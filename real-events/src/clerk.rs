//! Clerk: `COMPONENT_MOUNTED`, sent when a prebuilt component (sign-in form, user button, …) is shown.
//!
//! Sources in clerk/javascript: `packages/shared/src/telemetry/events/component-mounted.ts` (the payload and its
//! sampling), `packages/shared/src/telemetry/collector.ts` (the fields added to every event: `cv`, `it`, `sdk`,
//! `sdkv`, `pk`, `sk`) and `packages/shared/src/telemetry/throttler.ts` (one identical event a day). Of the 11
//! fields, 8 are ported directly, 3 are dropped (`it`, `pk`, `sk`), and the open `additionalPayload` is not
//! ported. Sampling by component is kept (see [`ComponentMounted`]).

use telemetry_schema::{TelemetryEnum, TelemetryEvent, Version};

/// A prebuilt Clerk component. Its mounts are sampled by value, as Clerk does: every `SignIn` and `SignUp`
/// mount is sent, one in ten of the others.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
pub enum ClerkComponent {
    /// `<SignIn />`.
    SignIn,
    /// `<SignUp />`.
    SignUp,
    /// `<UserButton />`.
    #[telemetry(sample_rate = 0.1)]
    UserButton,
    /// `<UserProfile />`.
    #[telemetry(sample_rate = 0.1)]
    UserProfile,
    /// `<OrganizationSwitcher />`.
    #[telemetry(sample_rate = 0.1)]
    OrganizationSwitcher,
    /// `<OrganizationProfile />`.
    #[telemetry(sample_rate = 0.1)]
    OrganizationProfile,
    /// `<OrganizationList />`.
    #[telemetry(sample_rate = 0.1)]
    OrganizationList,
    /// `<CreateOrganization />`.
    #[telemetry(sample_rate = 0.1)]
    CreateOrganization,
    /// `<GoogleOneTap />`.
    #[telemetry(sample_rate = 0.1)]
    GoogleOneTap,
    /// `<Waitlist />`.
    #[telemetry(sample_rate = 0.1)]
    Waitlist,
}

/// The Clerk SDK package the application uses, by its npm name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, TelemetryEnum)]
pub enum ClerkSdk {
    /// Next.js.
    #[telemetry(rename = "@clerk/nextjs")]
    Nextjs,
    /// React.
    #[telemetry(rename = "@clerk/clerk-react")]
    ClerkReact,
    /// Remix.
    #[telemetry(rename = "@clerk/remix")]
    Remix,
    /// Astro.
    #[telemetry(rename = "@clerk/astro")]
    Astro,
    /// Vue.
    #[telemetry(rename = "@clerk/vue")]
    Vue,
    /// Nuxt.
    #[telemetry(rename = "@clerk/nuxt")]
    Nuxt,
    /// Expo (React Native).
    #[telemetry(rename = "@clerk/clerk-expo")]
    ClerkExpo,
    /// TanStack React Start.
    #[telemetry(rename = "@clerk/tanstack-react-start")]
    TanstackReactStart,
    /// Chrome extensions.
    #[telemetry(rename = "@clerk/chrome-extension")]
    ChromeExtension,
    /// `clerk-js` used directly, without a framework SDK.
    #[telemetry(rename = "@clerk/clerk-js")]
    ClerkJs,
}

impl ClerkSdk {
    /// The SDK whose npm package is `package`, or `None` for one outside the list.
    pub fn from_package(package: &str) -> Option<Self> {
        Some(match package {
            "@clerk/nextjs" => Self::Nextjs,
            "@clerk/clerk-react" => Self::ClerkReact,
            "@clerk/remix" => Self::Remix,
            "@clerk/astro" => Self::Astro,
            "@clerk/vue" => Self::Vue,
            "@clerk/nuxt" => Self::Nuxt,
            "@clerk/clerk-expo" => Self::ClerkExpo,
            "@clerk/tanstack-react-start" => Self::TanstackReactStart,
            "@clerk/chrome-extension" => Self::ChromeExtension,
            "@clerk/clerk-js" => Self::ClerkJs,
            _ => return None,
        })
    }
}

/// Sent when a prebuilt component is shown, with whether its appearance was customized. Sampled by component,
/// as Clerk does: every `SignIn` and `SignUp` mount is sent, one in ten of the others. Throttled: the same
/// payload at most once a day from one machine, as Clerk's throttler does. Only development instances send it. Dropped from the original:
/// `it` (the instance type: always `development`, since the collector sends nothing from production), `pk`
/// (the publishable key, which encodes the application's Frontend API domain in base64), `sk` (the first 16
/// characters of the secret key) and the open `additionalPayload` record (any keys a caller passes).
#[derive(Debug, Clone, TelemetryEvent)]
#[telemetry(name = "COMPONENT_MOUNTED", version = 1, rename_all = "camelCase", sample_by = "component", dedup = "24h")]
pub struct ComponentMounted {
    /// The component. Ported directly for the prebuilt components; the original's string also accepts any
    /// name a caller of `eventComponentMounted` passes, which has no counterpart.
    pub component: ClerkComponent,
    /// Whether an `appearance` prop was given. Ported directly.
    pub appearance_prop: bool,
    /// Whether the appearance sets a `baseTheme`. Ported directly.
    pub base_theme: bool,
    /// Whether the appearance overrides `elements`. Ported directly.
    pub elements: bool,
    /// Whether the appearance sets `variables`. Ported directly.
    pub variables: bool,
    /// The Clerk SDK package. Ported directly, by its npm name; a package outside the list is sent as nothing.
    #[telemetry(rename = "sdk")]
    pub sdk: Option<ClerkSdk>,
    /// The version of that SDK package. Ported directly (read with `Version::parse_lenient`, which keeps a
    /// canary's tag and drops its timestamp: `6.29.4-canary.v20260821144439` is sent as `6.29.4-canary`).
    #[telemetry(rename = "sdkv")]
    pub sdk_version: Option<Version>,
    /// The version of `clerk-js` in the browser; nothing on a server, where the original sends `""`. Ported
    /// directly (read like `sdkv`).
    #[telemetry(rename = "cv")]
    pub clerk_version: Option<Version>,
}

/// The original's example (`README.md`, "Real events"), ported: a customized `<SignIn />` in a Next.js app.
pub fn example() -> ComponentMounted {
    ComponentMounted {
        component: ClerkComponent::SignIn,
        appearance_prop: true,
        base_theme: true,
        elements: false,
        variables: true,
        sdk: ClerkSdk::from_package("@clerk/nextjs"),
        sdk_version: Version::parse_lenient("6.12.0"),
        clerk_version: Version::parse_lenient("5.56.0"),
    }
}
