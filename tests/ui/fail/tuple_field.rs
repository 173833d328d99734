use telemetry_schema::TelemetryEvent;

/// Sent when a component mounts.
#[derive(TelemetryEvent)]
struct ComponentMounted {
    /// Whether appearance props were passed, and how many.
    appearance: (bool, u8),
    /// Whether the component is in a modal.
    in_modal: bool,
}

fn main() {}
