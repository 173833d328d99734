use telemetry_schema::{TelemetryEnum, TelemetryEvent, TelemetryGroup, to_json};

/// The package manager that installed dependencies.
#[derive(Clone, Copy, TelemetryEnum)]
#[telemetry(rename_all = "kebab-case")]
enum PackageManager {
    /// npm.
    Npm,
    /// Yarn, version 1.
    YarnClassic,
    /// Bun.
    #[telemetry(rename = "bun-runtime")]
    Bun,
}

/// How the project's workspace is laid out.
#[derive(TelemetryGroup)]
#[telemetry(rename_all = "camelCase")]
struct WorkspaceLayout {
    /// How many packages the workspace has.
    package_count: u16,
    /// Whether the workspace uses a single lockfile.
    #[telemetry(rename = "oneLockfile")]
    single_lockfile: bool,
}

/// Sent when dependencies are installed.
#[derive(TelemetryEvent)]
#[telemetry(rename_all = "camelCase")]
struct DependenciesInstalled {
    /// Which package manager installed them.
    package_manager: PackageManager,
    /// How the workspace is laid out.
    workspace_layout: WorkspaceLayout,
    /// Whether the lockfile was written, under an explicit name.
    #[telemetry(rename = "lockfile_written")]
    wrote_lockfile: bool,
}

fn main() {
    let event = DependenciesInstalled {
        package_manager: PackageManager::YarnClassic,
        workspace_layout: WorkspaceLayout { package_count: 4, single_lockfile: true },
        wrote_lockfile: false,
    };
    assert_eq!(
        to_json(&event).unwrap(),
        r#"{"packageManager":"yarn-classic","workspaceLayout":{"packageCount":4,"oneLockfile":true},"lockfile_written":false}"#
    );
    let names: Vec<&str> = PackageManager::META.variants().iter().map(|v| v.name()).collect();
    assert_eq!(names, ["npm", "yarn-classic", "bun-runtime"]);
    // The event name is not affected by rename_all.
    assert_eq!(DependenciesInstalled::META.name(), "DEPENDENCIES_INSTALLED");
}
