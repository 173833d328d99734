//! Doc comments written as `#[doc = include_str!("…")]` or `#[doc = concat!(…)]` are read, on events, fields,
//! groups, enums and variants, and normalized exactly as `///` lines are.

use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

#[doc = include_str!("included_doc.md")]
#[derive(TelemetryEvent)]
struct Deployed {
    #[doc = concat!("How many ", "targets, at most ", stringify!(8), ".")]
    #[telemetry(max = 8)]
    targets: u8,
    /// A `///` line first,
    #[doc = concat!(" then one from `concat!`.")]
    ///
    /// And a last paragraph.
    mixed: bool,
    #[doc = include_str!("included_doc.md")]
    region: Region,
    #[doc = concat!("The ", "build.")]
    build: Build,
}

/// Where it went.
#[derive(Clone, Copy, TelemetryEnum)]
enum Region {
    #[doc = concat!("Europe", ".")]
    Europe,
    /// Elsewhere.
    Elsewhere,
}

#[doc = concat!("How the ", "build went.")]
#[derive(TelemetryGroup)]
struct Build {
    #[doc = include_str!("included_doc.md")]
    cached: bool,
}

/// The same docs written as `///` lines, for comparison.
#[derive(TelemetryEvent)]
struct Written {
    /// A `///` line first,
    /// then one from `concat!`.
    ///
    /// And a last paragraph.
    mixed: bool,
    /// # Deployed
    ///
    /// Sent after each deployment, from a file kept next to the code.
    ///
    /// It counts *nothing* about the project itself.
    included: bool,
}

const INCLUDED: &str =
    "# Deployed\n\nSent after each deployment, from a file kept next to the code.\n\nIt counts *nothing* about the project itself.";

fn main() {
    let meta = Deployed::META;
    assert_eq!(meta.doc(), INCLUDED);
    assert_eq!(meta.fields()[0].doc(), "How many targets, at most 8.");
    // A `concat!` part between `///` lines is joined and normalized exactly as the lines are.
    assert_eq!(meta.fields()[1].doc(), Written::META.fields()[0].doc());
    assert_eq!(meta.fields()[1].doc(), "A `///` line first,\nthen one from `concat!`.\n\nAnd a last paragraph.");
    assert_eq!(meta.fields()[2].doc(), Written::META.fields()[1].doc());
    assert_eq!(meta.fields()[3].doc(), "The build.");
    assert_eq!(<Region as TelemetryEnum>::META.variants()[0].doc(), "Europe.");
    assert_eq!(<Build as TelemetryGroup>::META.doc(), "How the build went.");
    assert_eq!(<Build as TelemetryGroup>::META.fields()[0].doc(), INCLUDED);
    assert_eq!(meta.check(), Ok(()));
}
