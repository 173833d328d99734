//! `telemetry_enum_from_list!` in an ordinary crate of a workspace. Cargo hands the compiler relative source paths
//! here (trybuild, which the UI cases use, hands it absolute ones), so this is where a list path resolved against
//! the compiler's working directory and one resolved against the calling file can disagree.

use telemetry_schema::{TelemetryEnum, TelemetryEvent, telemetry_enum_from_list, to_json};

telemetry_enum_from_list! {
    /// A CI service the build runs on.
    pub enum CiService = "../ui/lists/ci_services.txt";
}

#[test]
fn a_list_next_to_a_workspace_crates_file_is_read_and_tracked() {
    let names: Vec<&str> = CiService::META.variants().iter().map(|v| v.name()).collect();
    assert_eq!(names.first(), Some(&"github-actions"));
    assert_eq!(CiService::GithubActions.variant_index(), 0);
}

telemetry_enum_from_list! {
    /// Where the product runs.
    pub enum Hosting = "../ui/lists/hosting.txt";
}

/// Sent when the product starts.
#[derive(TelemetryEvent)]
struct Started {
    /// Where it runs.
    hosting: Hosting,
}

/// A list saved with a byte order mark and CRLF line ends, holding the value `self` (variant `Self_`).
#[test]
fn a_windows_saved_list_with_the_value_self_is_sent_by_its_name() {
    assert_eq!(to_json(&Started { hosting: Hosting::Self_ }).unwrap(), r#"{"hosting":"self"}"#);
    let docs: Vec<&str> = Hosting::META.variants().iter().map(|v| v.doc()).collect();
    assert_eq!(docs, ["Self-hosted, on the customer's machines.", "Hosted by us."]);
}
