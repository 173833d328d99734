use telemetry_schema::TelemetryEvent;

// The field type comes out of a macro; the check still sees that it is `String`.
macro_rules! label_type {
    () => {
        String
    };
}

/// Sent when a deployment finishes.
#[derive(TelemetryEvent)]
struct DeployFinished {
    /// The deployment's label.
    label: label_type!(),
    /// Whether the deployment succeeded.
    succeeded: bool,
}

fn main() {}
