use std::collections::BTreeSet;

use telemetry_schema::{TelemetryEnum, TelemetryEvent, telemetry_enum_from_list, to_json};

telemetry_enum_from_list! {
    /// A CI service the build runs on.
    pub enum CiService = "../lists/ci_services.txt";
}

/// Sent when a build starts in CI.
#[derive(TelemetryEvent)]
struct CiBuild {
    /// The CI service, when it is a known one.
    service: Option<CiService>,
    /// Every CI service whose variables are set.
    detected: BTreeSet<CiService>,
}

fn main() {
    let meta = CiService::META;
    assert_eq!(meta.name(), "CiService");
    assert_eq!(meta.doc(), "A CI service the build runs on.");
    let variants: Vec<(&str, &str)> = meta.variants().iter().map(|v| (v.name(), v.doc())).collect();
    assert_eq!(
        variants,
        [
            ("github-actions", "GitHub Actions."),
            ("gitlab-ci", "GitLab CI/CD."),
            ("circleci", "CircleCI."),
            ("azure_pipelines", "Azure Pipelines, Microsoft's hosted CI."),
            ("gpt-5", "A value with digits after a dash."),
            ("v2", "A value whose name is a letter and a digit."),
            ("next/image", "A value with a path separator, as real dashboards name things."),
            ("@scope/pkg", "A scoped package name."),
            ("2025-11", "A value that starts with a digit."),
        ]
    );
    // Variant names are made from the values' names.
    let all = [
        CiService::GithubActions,
        CiService::GitlabCi,
        CiService::Circleci,
        CiService::AzurePipelines,
        CiService::Gpt5,
        CiService::V2,
        CiService::NextImage,
        CiService::ScopePkg,
        CiService::V2025_11,
    ];
    for (index, service) in all.iter().enumerate() {
        assert_eq!(service.variant_index(), index);
    }
    let event = CiBuild {
        service: Some(CiService::GitlabCi),
        detected: BTreeSet::from([CiService::Circleci, CiService::GithubActions, CiService::NextImage]),
    };
    assert_eq!(
        to_json(&event).unwrap(),
        r#"{"service":"gitlab-ci","detected":["github-actions","circleci","next/image"]}"#
    );
}
