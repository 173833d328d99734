use std::collections::BTreeSet;

use telemetry_schema::{CollectableKind, CountWidth, TelemetryEnum, TelemetryEvent, to_json};

/// A bundler plugin the project uses.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Plugin {
    /// The image optimizer.
    Images,
    /// The MDX loader.
    Mdx,
}

type PageCount = u32;
type Plugins = BTreeSet<Plugin>;
type MaybeCount = Option<PageCount>;

/// Sent when a production build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// How many pages were built.
    pages: PageCount,
    /// Which known plugins are present.
    plugins: Plugins,
    /// How many pages were served from cache, when caching is on.
    cached_pages: MaybeCount,
}

fn main() {
    let event = BuildFinished { pages: 3, plugins: BTreeSet::from([Plugin::Mdx]), cached_pages: Some(1) };
    assert_eq!(to_json(&event).unwrap(), r#"{"pages":3,"plugins":["Mdx"],"cached_pages":1}"#);
    // Aliases are seen through: the kinds are those of the aliased types.
    assert_eq!(BuildFinished::META.fields()[0].kind(), CollectableKind::Count(CountWidth::U32));
    assert_eq!(BuildFinished::META.fields()[1].kind(), CollectableKind::EnumSet(&Plugin::META));
}
