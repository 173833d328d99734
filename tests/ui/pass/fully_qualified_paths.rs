// Field types written with full paths, as generated or careful code often does.

/// Sent when a production build finishes.
#[derive(telemetry_schema::TelemetryEvent)]
struct BuildFinished {
    /// How long the build took.
    duration: std::time::Duration,
    /// The version of the compiler.
    compiler: ::telemetry_schema::Version,
    /// How many pages were built.
    pages: ::core::primitive::u32,
    /// Whether the build cache was used, when caching is on.
    cached: core::option::Option<bool>,
}

fn main() {
    let event = BuildFinished {
        duration: std::time::Duration::from_millis(3),
        compiler: telemetry_schema::Version::new(1, 95, 0),
        pages: 1,
        cached: None,
    };
    assert_eq!(telemetry_schema::to_json(&event).unwrap(), r#"{"duration":3,"compiler":"1.95.0","pages":1}"#);
}
