//! `Version` accepts exactly `MAJOR.MINOR.PATCH[-TAG[.N]]` with TAG from a closed vocabulary, drops build
//! metadata, and refuses everything else with a reason.

use proptest::prelude::*;
use telemetry_schema::{MAX_COMPONENT, PreRelease, PreTag, Version, VersionProblem};

#[test]
fn valid_versions_parse_and_print_back() {
    for (input, printed) in [
        ("0.0.0", "0.0.0"),
        ("1.2.3", "1.2.3"),
        ("10.20.30", "10.20.30"),
        ("2026.11.22", "2026.11.22"),
        ("999999999.0.1", "999999999.0.1"),
        ("1.0.0-alpha", "1.0.0-alpha"),
        ("1.0.0-rc.1", "1.0.0-rc.1"),
        ("15.0.0-canary.42", "15.0.0-canary.42"),
        ("3.1.4-nightly.20261122", "3.1.4-nightly.20261122"),
        ("1.0.0+build.5", "1.0.0"),
        ("1.0.0-beta.2+sha.9f2c1a0", "1.0.0-beta.2"),
        ("1.0.0-preview", "1.0.0-preview"),
        ("1.0.0-pre.0", "1.0.0-pre.0"),
    ] {
        let version = Version::parse(input).unwrap_or_else(|e| panic!("{input:?} should parse: {e}"));
        assert_eq!(version.to_string(), printed, "{input:?}");
    }
}

#[test]
fn refused_versions_say_why() {
    use VersionProblem::*;
    for (input, problem) in [
        ("", Empty),
        ("1", NotThreeNumbers),
        ("1.2", NotThreeNumbers),
        ("1.2.3.4", NotThreeNumbers),
        ("v1.2.3", NotThreeNumbers),
        ("1.2.x", NotThreeNumbers),
        (" 1.2.3", NotThreeNumbers),
        ("1.2.3 ", NotThreeNumbers),
        ("01.2.3", LeadingZero),
        ("1.02.3", LeadingZero),
        ("1000000000.0.0", TooLarge),
        ("1.2.18446744073709551616", TooLarge),
        ("1.0.0-jane.doe", UnknownPreReleaseTag),
        ("1.0.0-feature-login", UnknownPreReleaseTag),
        ("1.0.0-RC.1", UnknownPreReleaseTag),
        ("1.0.0-", UnknownPreReleaseTag),
        ("1.0.0-rc1", UnknownPreReleaseTag),
        ("1.0.0-rc.", BadPreReleaseNumber),
        ("1.0.0-rc.1.2", BadPreReleaseNumber),
        ("1.0.0-rc.x", BadPreReleaseNumber),
        ("1.0.0-rc.01", LeadingZero),
        ("1.0.0+", BadBuildMetadata),
        ("1.0.0+jane doe", BadBuildMetadata),
        ("1.0.0+a+b", BadBuildMetadata),
    ] {
        let err = Version::parse(input).expect_err(input);
        assert_eq!(err.problem(), problem, "{input:?}: {err}");
    }
}

#[test]
fn the_error_message_names_the_input_and_the_fix() {
    let message = Version::parse("1.0.0-jane.doe").unwrap_err().to_string();
    assert_eq!(
        message,
        "invalid version \"1.0.0-jane.doe\": the pre-release tag must be one of alpha, beta, canary, dev, next, \
         nightly, pre, preview, rc (a free-text tag could carry a name or a branch); write e.g. 1.0.0-beta.2"
    );
}

#[test]
fn run_time_numbers_have_fallible_constructors() {
    assert_eq!(Version::try_new(1, 2, 3), Some(Version::new(1, 2, 3)));
    assert_eq!(Version::try_new(MAX_COMPONENT + 1, 0, 0), None);
    assert_eq!(Version::try_new(0, 0, u32::MAX), None);
    assert_eq!(
        PreRelease::try_new(PreTag::Rc, Some(MAX_COMPONENT)),
        Some(PreRelease::new(PreTag::Rc, Some(MAX_COMPONENT)))
    );
    assert_eq!(PreRelease::try_new(PreTag::Rc, Some(MAX_COMPONENT + 1)), None);
}

#[test]
fn ordering_follows_semver() {
    let ordered = [
        "1.0.0-alpha",
        "1.0.0-alpha.1",
        "1.0.0-beta",
        "1.0.0-beta.2",
        "1.0.0-beta.11",
        "1.0.0-rc.1",
        "1.0.0",
        "1.0.1",
        "1.1.0",
        "2.0.0",
    ];
    let parsed: Vec<Version> = ordered.iter().map(|v| v.parse().unwrap()).collect();
    for pair in parsed.windows(2) {
        assert!(pair[0] < pair[1], "{} < {}", pair[0], pair[1]);
    }
}

#[test]
fn the_version_macro_reads_the_crate_version_at_compile_time() {
    const OURS: Version = telemetry_schema::version!();
    assert_eq!(OURS.to_string(), env!("CARGO_PKG_VERSION"));
    const LITERAL: Version = telemetry_schema::version!("4.5.6-dev.7");
    assert_eq!(LITERAL, Version::new(4, 5, 6).with_pre_release(PreRelease::new(PreTag::Dev, Some(7))));
}

fn component() -> impl Strategy<Value = u32> {
    prop_oneof![0..=20u32, 0..=MAX_COMPONENT]
}

fn any_version() -> impl Strategy<Value = Version> {
    let pre = proptest::option::of((proptest::sample::select(PreTag::ALL.to_vec()), proptest::option::of(component())));
    (component(), component(), component(), pre).prop_map(|(major, minor, patch, pre)| {
        let version = Version::new(major, minor, patch);
        match pre {
            Some((tag, number)) => version.with_pre_release(PreRelease::new(tag, number)),
            None => version,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn every_version_round_trips_through_its_text(version in any_version()) {
        let text = version.to_string();
        prop_assert_eq!(Version::parse(&text).unwrap(), version);
    }

    #[test]
    fn build_metadata_never_survives(version in any_version(), build in "[0-9A-Za-z.-]{1,20}") {
        let text = format!("{version}+{build}");
        prop_assert_eq!(Version::parse(&text).unwrap().to_string(), version.to_string());
    }

    /// Whatever text goes in, what comes out is only digits, dots, one dash and a tag from the vocabulary.
    #[test]
    fn anything_accepted_prints_as_a_closed_form(text in "\\PC{0,30}|[0-9.]{1,12}(-[a-z]{1,8}(\\.[0-9]{1,3})?)?") {
        if let Ok(version) = Version::parse(&text) {
            let printed = version.to_string();
            let (numbers, pre) = printed.split_once('-').map_or((printed.as_str(), None), |(n, p)| (n, Some(p)));
            prop_assert_eq!(numbers.split('.').count(), 3);
            prop_assert!(numbers.split('.').all(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())));
            if let Some(pre) = pre {
                let tag = pre.split('.').next().unwrap();
                prop_assert!(PreTag::ALL.iter().any(|t| t.as_str() == tag), "{}", printed);
            }
            prop_assert_eq!(Version::parse(&printed).unwrap(), version);
        }
    }

    #[test]
    fn ordering_agrees_with_numeric_components(a in any_version(), b in any_version()) {
        let key = |v: &Version| (v.major(), v.minor(), v.patch());
        if key(&a) != key(&b) {
            prop_assert_eq!(a.cmp(&b), key(&a).cmp(&key(&b)));
        }
    }
}
