use telemetry_schema::TelemetryEvent;

/// Sent when a route is rendered.
#[derive(TelemetryEvent)]
struct RouteRendered<'a> {
    /// Whether the route was rendered on the server.
    server_side: &'a bool,
    /// How many components were rendered.
    components: u32,
}

fn main() {}
