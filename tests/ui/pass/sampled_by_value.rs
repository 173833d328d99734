use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// A prebuilt component.
#[derive(Clone, Copy, TelemetryEnum)]
enum Component {
    /// The sign-in form: every mount is sent.
    SignIn,
    /// The account menu: one mount in ten.
    #[telemetry(sample_rate = 0.1)]
    UserButton,
    /// The profile page: one mount in four.
    #[telemetry(rename = "profile", sample_rate = 0.25)]
    UserProfile,
}

/// The same enum under another name: the compiler sees through aliases.
type Shown = Component;

/// Sent when a component mounts.
#[derive(TelemetryEvent)]
#[telemetry(sample_by = "component", dedup = "24h")]
struct Mounted {
    /// Whether the appearance was customized.
    customized: bool,
    /// Which component.
    component: Shown,
}

/// An event not sampled by value keeps its event-wide rate whatever the enum's variants say.
#[derive(TelemetryEvent)]
#[telemetry(sample_rate = 0.5)]
struct Clicked {
    /// Which component.
    component: Component,
}

fn main() {
    assert_eq!(Mounted::META.sample_by(), Some(1));
    assert_eq!(Mounted::META.sample_rate_per_million(), 1_000_000);
    let rates: Vec<u32> = Component::META.variants().iter().map(|v| v.sample_rate_per_million()).collect();
    assert_eq!(rates, [1_000_000, 100_000, 250_000]);
    let rate = |component| Mounted { customized: false, component }.sample_rate_per_million();
    assert_eq!(rate(Component::SignIn), 1_000_000);
    assert_eq!(rate(Component::UserButton), 100_000);
    assert_eq!(rate(Component::UserProfile), 250_000);
    assert_eq!(Clicked::META.sample_by(), None);
    assert_eq!(Clicked { component: Component::SignIn }.sample_rate_per_million(), 500_000);
    assert!(Mounted::META.check().is_ok());
}
