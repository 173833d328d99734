//! A long doc read from a file in a script that is not ASCII (about 50 KB of Chinese text, under the 64 KiB limit
//! of a doc made by a macro) is checked in const evaluation without the compiler giving up
//! (`long_running_const_eval`).

use telemetry_schema::TelemetryEvent;

#[doc = include_str!("long_included_doc.md")]
#[derive(TelemetryEvent)]
struct BuildFinished {
    #[doc = include_str!("long_included_doc.md")]
    cached: bool,
}

fn main() {
    assert!(BuildFinished::META.doc().len() > 45_000);
}
