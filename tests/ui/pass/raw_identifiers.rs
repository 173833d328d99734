use telemetry_schema::{TelemetryEnum, TelemetryEvent, to_json};

/// What kind of project was created.
#[derive(Clone, Copy, TelemetryEnum)]
enum ProjectKind {
    /// A web application.
    App,
    /// A library.
    Library,
}

/// Sent when a project is created.
#[derive(TelemetryEvent)]
struct r#ProjectCreated {
    /// What kind of project it is; `type` is a keyword, so the field is a raw identifier.
    r#type: ProjectKind,
    /// Whether the project uses async request handlers; `async` is a keyword too.
    r#async: bool,
}

fn main() {
    let event = ProjectCreated { r#type: ProjectKind::Library, r#async: true };
    // The `r#` prefix never reaches the wire or the event name.
    assert_eq!(to_json(&event).unwrap(), r#"{"type":"Library","async":true}"#);
    assert_eq!(ProjectCreated::META.name(), "PROJECT_CREATED");
    assert_eq!(ProjectCreated::META.fields()[0].name(), "type");
}
