//! `telemetry_enum_from_list!` in an ordinary crate of a workspace. Cargo hands the compiler relative source paths
//! here (trybuild, which the UI cases use, hands it absolute ones), so this is where a list path resolved against
//! the compiler's working directory and one resolved against the calling file can disagree.

use telemetry_schema::{TelemetryEnum, telemetry_enum_from_list};

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
