//! The small conversions the ports run on what the original programs read: what passes and what is left behind.

use real_events::nextjs::NextLocale;
use real_events::sst::{CliStart, SstCommand, SstFlag};
use real_events::turborepo::{RemoteCache, TurboCiVendor};
use telemetry_schema::{Version, to_json};

#[test]
fn the_version_strings_the_doc_comments_name_are_read_as_they_say() {
    // What the originals read at run time, and what the ports' fields send (their doc comments quote these).
    let cases = [
        ("v20.11.1", Some("20.11.1")),
        ("15.1.0-canary.12", Some("15.1.0-canary.12")),
        ("19.0.0-rc-66855b96-20241106", Some("19.0.0-rc")),
        ("0.0.0-experimental-3ad2e1b-20241106", Some("0.0.0-pre")),
        ("6.29.4-canary.v20260821144439", Some("6.29.4-canary")),
        ("^8.13.1", Some("8.13.1")),
        ("~8.13.1", Some("8.13.1")),
        // What package.json can also hold: references to a workspace, a repository or a path, and tags.
        ("workspace:*", None),
        ("latest", None),
        ("git+https://github.com/acme/private-fork.git#main", None),
        ("github:acme/pg#v8", None),
        ("file:../vendor/pg", None),
        ("link:/home/jane/src/pg", None),
        (">=8 <9", None),
        // SST's development build.
        ("dev", None),
    ];
    for (text, expected) in cases {
        assert_eq!(Version::parse_lenient(text).map(|v| v.to_string()).as_deref(), expected, "{text:?}");
    }
}

#[test]
fn sst_arguments_keep_the_command_and_flag_names_only() {
    let start = CliStart::from_args(
        &["secret", "set", "DatabasePassword", "correct-horse-battery-staple", "--stage=production", "--verbose"],
        "3.3.7",
        None,
    );
    assert_eq!(start.command, Some(SstCommand::Secret));
    assert_eq!(start.flags.iter().copied().collect::<Vec<_>>(), [SstFlag::Stage, SstFlag::Verbose]);
    let wire = to_json(&start).unwrap();
    for left_behind in ["set", "DatabasePassword", "correct-horse-battery-staple", "production"] {
        assert!(!wire.contains(left_behind), "{left_behind:?} reached the wire: {wire}");
    }

    // The command is the first argument only; a command word later (a value) is not one.
    let shell = CliStart::from_args(&["shell", "--", "psql", "deploy"], "3.3.7", None);
    assert_eq!(shell.command, Some(SstCommand::Shell));
    let unknown = CliStart::from_args(&["/home/jane/infra/sst.config.ts", "deploy"], "3.3.7", None);
    assert_eq!(unknown.command, None);
    // A flag outside the list, or a single-dash one, is not sent at all.
    let flags = CliStart::from_args(&["deploy", "--acme-internal=1", "-s", "jane"], "dev", None);
    assert!(flags.flags.is_empty());
    assert_eq!(flags.sst_version, None, "a development build has no version");
}

#[test]
fn only_vercels_exact_url_is_the_vercel_remote_cache() {
    assert_eq!(RemoteCache::from_api_url("https://vercel.com/api"), RemoteCache::Vercel);
    for other in ["https://vercel.com/api/", "https://vercel.com.acme.example/api", "http://vercel.com/api", ""] {
        assert_eq!(RemoteCache::from_api_url(other), RemoteCache::SelfHosted, "{other:?}");
    }
}

#[test]
fn the_lists_hold_only_the_kind_of_value_they_promise() {
    use telemetry_schema::TelemetryEnum;

    // A locale is `ll` or `ll-RR`: nothing a project could use as a free-text label.
    for variant in NextLocale::META.variants() {
        let tag = variant.name().as_bytes();
        let language = tag.len() >= 2 && tag[..2].iter().all(u8::is_ascii_lowercase);
        let region =
            tag.len() == 2 || (tag.len() == 5 && tag[2] == b'-' && tag[3..].iter().all(u8::is_ascii_uppercase));
        assert!(language && region, "{:?} is not a locale tag", variant.name());
    }
    assert_eq!(TurboCiVendor::META.variants().len(), 45, "turborepo-ci recognises 45 services");
    let example = real_events::nextjs::example();
    assert_eq!((example.locales.len(), example.locale_count), (3, Some(4)), "nl-BE is counted, not named");
}

#[test]
fn memory_is_sent_in_gibibytes_rounded_down_to_a_power_of_two() {
    use real_events::better_auth::memory_gib;

    // A 24 GiB machine (25 769 803 776 bytes) is sent as 16, and its exact byte count goes nowhere.
    let mut event = real_events::better_auth::example();
    event.system_info.memory_gib = memory_gib(25_769_803_776);
    assert_eq!(event.system_info.memory_gib, Some(24));
    let wire = to_json(&event).unwrap();
    assert!(wire.contains(r#""memoryGiB":16"#), "{wire}");
    assert!(!wire.contains("25769803776"), "{wire}");
    assert_eq!(memory_gib(512 << 20), Some(0), "under 1 GiB");
}

#[test]
fn sign_in_and_sign_up_mounts_are_always_sent_and_the_others_one_in_ten() {
    use real_events::clerk::ClerkComponent;
    use telemetry_schema::TelemetryEvent;

    let rate = |component| {
        real_events::clerk::ComponentMounted { component, ..real_events::clerk::example() }.sample_rate_per_million()
    };
    assert_eq!(rate(ClerkComponent::SignIn), 1_000_000);
    assert_eq!(rate(ClerkComponent::SignUp), 1_000_000);
    for other in [ClerkComponent::UserButton, ClerkComponent::OrganizationSwitcher, ClerkComponent::Waitlist] {
        assert_eq!(rate(other), 100_000, "{other:?}");
    }
}

#[test]
fn a_run_sends_its_outcome_as_a_tagged_union_with_the_failures_only_when_it_failed() {
    use std::collections::BTreeSet;

    use real_events::turborepo::{Execution, RunFailure, TrackedError};

    let with =
        |execution| to_json(&real_events::turborepo::TurboRun { execution, ..real_events::turborepo::example() });
    let succeeded = with(Execution::Succeeded).unwrap();
    assert!(succeeded.contains(r#""execution":{"kind":"succeeded"}"#), "{succeeded}");
    let errors = BTreeSet::from([TrackedError::DaemonFailedToMarkOutputsAsCached, TrackedError::UnknownChildExit]);
    let failed = with(Execution::Failed(RunFailure { errors })).unwrap();
    assert!(
        failed.contains(
            r#""execution":{"kind":"failed","errors":["daemon/failed_to_mark_outputs_as_cached","unknown_child_exit"]}"#
        ),
        "{failed}"
    );
}
