use std::collections::BTreeMap;

use telemetry_schema::{CollectableKind, TelemetryEnum, TelemetryEvent, TelemetryGroup, TelemetryUnion, to_json};

/// What went wrong.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum ErrorCode {
    /// The request timed out.
    Timeout,
    /// The server refused it.
    Refused,
}

/// Why an upgrade failed.
#[derive(TelemetryGroup)]
struct FailureInfo {
    /// What went wrong.
    code: ErrorCode,
    /// How many retries were made, capped.
    #[telemetry(max = 3)]
    retries: u8,
}

/// What an upgrade changed.
#[derive(TelemetryGroup)]
struct SuccessInfo {
    /// How many files were rewritten, capped.
    #[telemetry(max = 9)]
    files: u16,
}

/// How an upgrade ended.
#[derive(TelemetryEnum)]
#[telemetry(rename_all = "snake_case")]
enum Outcome {
    /// It changed files.
    Success(SuccessInfo),
    /// Nothing needed changing.
    NothingToDo,
    /// It failed.
    Failure(FailureInfo),
}

/// A package that may be upgraded.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, TelemetryEnum)]
enum Package {
    /// The core package.
    Core,
    /// The CLI.
    Cli,
}

/// Sent when an upgrade ends.
#[derive(TelemetryEvent)]
struct UpgradeEnded {
    /// How it ended.
    outcome: Outcome,
    /// How the previous attempt ended, if there was one.
    previous: Option<Outcome>,
    /// How each package's upgrade ended.
    packages: BTreeMap<Package, Outcome>,
}

fn main() {
    let event = UpgradeEnded {
        outcome: Outcome::Failure(FailureInfo { code: ErrorCode::Refused, retries: 7 }),
        previous: None,
        packages: BTreeMap::from([
            (Package::Cli, Outcome::NothingToDo),
            (Package::Core, Outcome::Success(SuccessInfo { files: 40 })),
        ]),
    };
    assert_eq!(
        to_json(&event).unwrap(),
        concat!(
            r#"{"outcome":{"kind":"failure","code":"Refused","retries":3},"#,
            r#""packages":{"Core":{"kind":"success","files":9},"Cli":{"kind":"nothing_to_do"}}}"#,
        )
    );
    assert_eq!(UpgradeEnded::META.fields()[0].kind(), CollectableKind::Union(&<Outcome as TelemetryUnion>::META));
    // Success: 10 values; nothing to do: 1; failure: 2 codes x 4 retry counts = 8. log2(19).
    assert!((UpgradeEnded::META.field_bits(0) - 19f64.log2()).abs() < 1e-12);
    assert!((UpgradeEnded::META.field_bits(1) - 20f64.log2()).abs() < 1e-12);
}
