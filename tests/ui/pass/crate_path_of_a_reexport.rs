// An SDK that re-exports the toolkit: its users derive through `#[telemetry(crate = "...")]` and generated code
// reaches telemetry_schema through that path.
mod sdk {
    pub use telemetry_schema;
}

use sdk::telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup};

/// Which bundler ran.
#[derive(Clone, Copy, TelemetryEnum)]
#[telemetry(crate = "sdk::telemetry_schema")]
enum Bundler {
    // A doc built by a macro is normalized and checked through the same path.
    #[doc = concat!("Web", "pack.")]
    Webpack,
}

/// The build's size.
#[derive(TelemetryGroup)]
#[telemetry(crate = "crate::sdk::telemetry_schema")]
struct Size {
    /// Pages built.
    pages: u32,
}

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
#[telemetry(crate = "sdk::telemetry_schema", name = "BUILT")]
struct Built {
    /// The bundler.
    bundler: Bundler,
    /// The size.
    size: Size,
}

fn main() {
    let json = sdk::telemetry_schema::to_json(&Built { bundler: Bundler::Webpack, size: Size { pages: 3 } }).unwrap();
    assert_eq!(json, r#"{"bundler":"Webpack","size":{"pages":3}}"#);
    assert_eq!(Bundler::META.variants()[0].doc(), "Webpack.");
}
