use telemetry_schema::{TelemetryEnum, TelemetryEvent};

/// The bundler.
#[derive(Clone, Copy, TelemetryEnum)]
enum Bundler {
    /// The default one.
    Webpack,
    /// The fast one.
    Turbopack,
}

/// Sent when a build finishes.
#[derive(TelemetryEvent)]
struct BuildFinished {
    /// The bundler that made the build.
    #[telemetry(buckets = "exp2")]
    bundler: Bundler,
}

fn main() {}
