//! `Version::parse_lenient` reduces the versions real programs read at run time to the safe form, and never lets
//! a word of its input through: only numbers and a tag from the closed vocabulary come out.

use proptest::prelude::*;
use telemetry_schema::{PreRelease, PreTag, Version};

fn lenient(text: &str) -> Option<String> {
    Version::parse_lenient(text).map(|v| v.to_string())
}

/// Real strings, from where Next.js, Clerk, Better Auth, SST and Turborepo read them, each row pinning a rule.
#[test]
fn real_version_strings_reduce_as_documented() {
    let table: &[(&str, Option<&str>, &str)] = &[
        // Node versions (process.version, `node --version`).
        ("v20.11.1", Some("20.11.1"), "a leading v is dropped"),
        ("v18.19.0\n", Some("18.19.0"), "the newline of a command's output is trimmed"),
        ("V16.0.0", Some("16.0.0"), "a capital V is dropped too"),
        ("v20", Some("20.0.0"), "missing minor and patch are padded"),
        ("v21.0.0-rc.2", Some("21.0.0-rc.2"), "a known tag with one number is kept"),
        ("v22.0.0-nightly2024010180b1c8dbd0", Some("22.0.0-nightly"), "a nightly's date and commit are dropped"),
        ("v21.0.0-v8-canary202309143a9af8c8b7", Some("21.0.0-canary"), "the first known tag gives the tag"),
        // Next.js: its own versions and the dependency ranges it reads from package.json.
        ("15.1.0", Some("15.1.0"), "a release is itself"),
        ("15.0.0-canary.52", Some("15.0.0-canary.52"), "a canary with its number"),
        ("14.3.0-canary.87", Some("14.3.0-canary.87"), "a canary with its number"),
        ("15.0.0-rc.1", Some("15.0.0-rc.1"), "a release candidate with its number"),
        ("^15.1.0", Some("15.1.0"), "a caret range names its lowest version"),
        ("~14.2.3", Some("14.2.3"), "a tilde range names its lowest version"),
        ("~1.2", Some("1.2.0"), "a tilde range, padded"),
        ("=15.0.3", Some("15.0.3"), "an exact range"),
        (">=1.0.0", Some("1.0.0"), "an at-least range names its lowest version"),
        (">= 18.17.0", Some("18.17.0"), "a space after the operator (engines field)"),
        (">18.0.0", None, "an exclusive bound names no version"),
        ("<2.0.0", None, "an upper bound names no version"),
        ("<=2.0.0", None, "an upper bound names no version"),
        (">=1.0.0 <2.0.0", None, "two comparators name no single version"),
        ("^18.2.0 || ^19.0.0", None, "alternatives name no single version"),
        ("1.2.3 - 2.3.4", None, "a hyphen range names no single version"),
        ("1.x", None, "a wildcard names no version"),
        ("15.x.x", None, "a wildcard names no version"),
        ("*", None, "a wildcard names no version"),
        ("latest", None, "a dist-tag is not a version"),
        ("canary", None, "a dist-tag that is also a known tag is still not a version"),
        ("workspace:*", None, "a pnpm workspace protocol"),
        ("workspace:^1.2.3", None, "a protocol, whatever follows it"),
        ("file:../x", None, "a path"),
        ("link:../packages/ui", None, "a path"),
        ("npm:react@18.2.0", None, "an alias"),
        ("git+https://github.com/vercel/next.js.git#v14.0.0", None, "a git URL"),
        ("github:user/repo#semver:^1.0.0", None, "a GitHub shorthand"),
        ("https://example.com/pkg-1.0.0.tgz", None, "a tarball URL"),
        ("user/repo", None, "a GitHub shorthand"),
        // React versions that Next.js reports (canary and experimental channels carry a commit and a date).
        ("19.0.0-rc-66855b96-20241106", Some("19.0.0-rc"), "a hash-bearing tail is reduced to its tag"),
        ("19.0.0-beta-26f2496093-20240514", Some("19.0.0-beta"), "a hash-bearing tail is reduced to its tag"),
        ("18.3.0-canary-14898b6a9-20240318", Some("18.3.0-canary"), "a hash-bearing tail is reduced to its tag"),
        ("0.0.0-experimental-66855b96-20241106", Some("0.0.0-pre"), "an unknown tag becomes pre, its data dropped"),
        // Clerk: canary and snapshot builds carry a timestamp.
        ("6.29.4-canary.v20260821144439", Some("6.29.4-canary"), "a timestamp after the tag is dropped"),
        ("5.0.0-snapshot.v20240206123005", Some("5.0.0-pre"), "an unknown tag becomes pre"),
        ("6.9.6", Some("6.9.6"), "a release is itself"),
        // Better Auth.
        ("1.2.8", Some("1.2.8"), "a release is itself"),
        ("1.3.0-beta.12", Some("1.3.0-beta.12"), "a beta with its number"),
        ("^1.2.7", Some("1.2.7"), "a caret range names its lowest version"),
        // SST: snapshot builds are 0.0.0 with a Unix time, released versions are plain.
        ("3.17.10", Some("3.17.10"), "a release is itself"),
        ("0.0.0-1741803086", Some("0.0.0-pre"), "a tail without a tag becomes pre, its number dropped"),
        ("2.43.3", Some("2.43.3"), "a release is itself"),
        // Turborepo.
        ("2.5.4", Some("2.5.4"), "a release is itself"),
        ("2.5.5-canary.2", Some("2.5.5-canary.2"), "a canary with its number"),
        ("1.13.4-canary.3", Some("1.13.4-canary.3"), "a canary with its number"),
        // Package managers the five report.
        ("10.2.4", Some("10.2.4"), "npm"),
        ("1.22.22", Some("1.22.22"), "yarn classic"),
        ("9.15.0", Some("9.15.0"), "pnpm"),
        ("1.1.38", Some("1.1.38"), "bun"),
        // Other shapes seen in the wild.
        ("2.35", Some("2.35.0"), "a two-part version (glibc) is padded"),
        ("2024.01.05", Some("2024.1.5"), "leading zeros are read as the number"),
        ("1.2.3+build", Some("1.2.3"), "build metadata is dropped"),
        ("1.0.0-rc.1+sha.5114f85", Some("1.0.0-rc.1"), "build metadata after a pre-release is dropped"),
        ("1.0.0-RC1", Some("1.0.0-rc.1"), "a tag is read case-insensitively, its glued number kept"),
        ("1.0.0-beta-3", Some("1.0.0-beta.3"), "a dash between tag and number"),
        ("1.0.0-alpha.beta", Some("1.0.0-alpha"), "only the first tag and no word"),
        ("1.0.0-rc.1.2", Some("1.0.0-rc"), "two numbers are data, not a count"),
        ("1.0.0-jane.doe", Some("1.0.0-pre"), "a name in the tail is not sent"),
        ("1.0.0-feature-login", Some("1.0.0-pre"), "a branch in the tail is not sent"),
        ("1.0.0-devtools", Some("1.0.0-pre"), "a word that starts with a tag is not that tag"),
        ("1.0.0-rc.20260821144439", Some("1.0.0-rc"), "a pre-release number above nine digits is dropped"),
        // A count of pre-releases has a few digits; more are a date, a timestamp or a hash fragment.
        ("1.0.0-rc.9999", Some("1.0.0-rc.9999"), "a four-digit pre-release count is kept"),
        ("1.0.0-rc.00012", Some("1.0.0-rc.12"), "leading zeros do not count as digits"),
        ("19.0.0-rc.66855", Some("19.0.0-rc"), "five digits are a hash fragment, not a count"),
        ("19.0.0-rc-66855", Some("19.0.0-rc"), "five digits are a hash fragment, not a count"),
        ("5.4.0-dev.20231215", Some("5.4.0-dev"), "a TypeScript nightly's date is dropped"),
        ("0.0.0-canary-20241106", Some("0.0.0-canary"), "a canary's date is dropped"),
        ("23.0.0-nightly20241106", Some("23.0.0-nightly"), "a date glued to the tag is dropped"),
        ("1.0.0-canary.241106", Some("1.0.0-canary"), "a six-digit date is dropped"),
        ("1.0.0-beta.174180308", Some("1.0.0-beta"), "a nine-digit number is not a count"),
        ("1.2.3.4", None, "four numbers are not SemVer"),
        ("10.0.19045.1234", None, "a Windows build number is not SemVer"),
        ("1.2.20241106093000", None, "a component above nine digits"),
        ("99999999999999999999999999.0.0", None, "a huge number does not overflow"),
        ("0000000001.2.3", Some("1.2.3"), "leading zeros do not count as digits"),
        ("١.٢.٣", None, "Arabic-Indic digits are not ASCII digits"),
        ("１.２.３", None, "full-width digits are not ASCII digits"),
        ("1.2.3-ünï", None, "a tail outside SemVer's characters"),
        ("1.2.3+jane doe", None, "build metadata outside SemVer's characters"),
        ("1.2.3+", None, "empty build metadata"),
        ("1.2.3-", None, "an empty pre-release"),
        ("1..3", None, "an empty component"),
        ("1.2.", None, "an empty component"),
        ("v", None, "a v alone"),
        ("", None, "empty"),
        ("   ", None, "only whitespace"),
        ("\u{a0}1.2.3", None, "a non-ASCII space is not trimmed"),
        ("1.2.3 extra", None, "a word after the version"),
        ("==1.2.3", None, "a doubled operator"),
        ("~>1.2", None, "a pessimistic (Ruby) range is not reduced"),
    ];
    let mut failures = Vec::new();
    for &(input, expected, rule) in table {
        let got = lenient(input);
        if got.as_deref() != expected {
            failures.push(format!("{input:?} ({rule}): expected {expected:?}, got {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_reduced_pre_release_has_the_expected_parts() {
    let version = Version::parse_lenient("15.0.0-canary.52").unwrap();
    assert_eq!(version, Version::new(15, 0, 0).with_pre_release(PreRelease::new(PreTag::Canary, Some(52))));
    let version = Version::parse_lenient("19.0.0-rc-66855b96-20241106").unwrap();
    assert_eq!(version.pre_release(), Some(PreRelease::new(PreTag::Rc, None)));
}

/// The class of a date or a hash fragment in the pre-release number: whatever the text, a number kept after the
/// tag has at most four digits, like the counts real pre-releases carry (`canary.207`, `beta.12`).
#[test]
fn a_kept_pre_release_number_is_a_count_of_at_most_four_digits() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = (select(&["rc", "canary", "Beta", "nightly"]), select(&[".", "-", ""]), "[0-9]{1,12}");
    for _ in 0..4_000 {
        let (tag, sep, digits) = strategy.new_tree(&mut runner).unwrap().current();
        let text = format!("1.0.0-{tag}{sep}{digits}");
        let version = Version::parse_lenient(&text).unwrap();
        let pre = version.pre_release().unwrap();
        let significant = digits.trim_start_matches('0').len();
        match pre.number() {
            Some(number) => assert!(number <= 9_999 && significant <= 4, "{text:?} kept {number}"),
            None => assert!(significant > 4, "{text:?} dropped a count of {significant} digits"),
        }
    }
}

/// Every known tag is read whatever its case, with and without a number.
#[test]
fn every_known_tag_is_recognised() {
    for tag in PreTag::ALL {
        let upper = tag.as_str().to_ascii_uppercase();
        assert_eq!(lenient(&format!("1.0.0-{upper}.4")), Some(format!("1.0.0-{}.4", tag.as_str())));
        assert_eq!(lenient(&format!("1.0.0-{}", tag.as_str())), Some(format!("1.0.0-{}", tag.as_str())));
        assert_eq!(lenient(&format!("1.0.0-{}7", tag.as_str())), Some(format!("1.0.0-{}.7", tag.as_str())));
    }
}

/// The maximal runs of ASCII digits in `text`, as numbers written without leading zeros.
fn digit_runs(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_ascii_digit())
        .filter(|run| !run.is_empty())
        .map(|run| match run.trim_start_matches('0') {
            "" => "0".to_owned(),
            significant => significant.to_owned(),
        })
        .collect()
}

/// What leaves `parse_lenient` is only numbers found in the input (or padding zeros) and a known tag that the
/// input named (or `pre`), and it is a version the strict parser accepts as is.
fn assert_nothing_leaks(input: &str) -> Result<(), TestCaseError> {
    let Some(version) = Version::parse_lenient(input) else { return Ok(()) };
    let printed = version.to_string();
    prop_assert_eq!(Version::parse(&printed), Ok(version), "{:?} printed {:?}", input, printed);

    let (numbers, pre) = printed.split_once('-').map_or((printed.as_str(), None), |(n, p)| (n, Some(p)));
    let runs = digit_runs(input);
    let mut printed_numbers: Vec<&str> = numbers.split('.').collect();
    if let Some(pre) = pre {
        let (tag, number) = pre.split_once('.').map_or((pre, None), |(t, n)| (t, Some(n)));
        let named = input.to_ascii_lowercase().contains(tag);
        prop_assert!(named || tag == "pre", "{:?} printed tag {:?} it did not name", input, tag);
        printed_numbers.extend(number);
    }
    for number in printed_numbers {
        prop_assert!(
            number == "0" || runs.iter().any(|run| run == number),
            "{:?} printed {:?}, a number not in the input",
            input,
            number
        );
    }
    Ok(())
}

fn select(texts: &[&'static str]) -> impl Strategy<Value = &'static str> + use<> {
    proptest::sample::select(texts.to_vec())
}

/// Text that looks like what programs read: operators, a `v`, numbers of every length (some with leading zeros
/// or wildcards), a pre-release tail mixing tags, words and hashes, build metadata.
fn version_like() -> impl Strategy<Value = String> {
    // Literal texts go through `select`: a `&str` strategy is a regex, where `^` and `.` mean something else.
    let operator = select(&["", "v", "V", "^", "~", "=", ">=", ">= ", ">", "<", "~>", "^v"]);
    let number = prop_oneof!["[0-9]{1,3}", "0[0-9]{1,4}", "[0-9]{8,22}", "x|\\*"];
    let core = proptest::collection::vec(number, 1..=4).prop_map(|parts| parts.join("."));
    let identifier = prop_oneof![
        proptest::sample::select(PreTag::ALL.iter().map(|t| t.as_str().to_owned()).collect::<Vec<_>>()),
        "(RC|Beta|NIGHTLY|canary)[0-9]{0,3}",
        "[0-9]{1,14}",
        "[0-9a-f]{7,10}",
        "v[0-9]{14}",
        "[a-zA-Z]{1,10}",
        "[a-z0-9]{0,4}",
    ];
    let tail = proptest::collection::vec((identifier, select(&[".", "-", ""])), 0..4)
        .prop_map(|ids| ids.into_iter().map(|(id, sep)| format!("{sep}{id}")).collect::<String>());
    let pre = proptest::option::of(tail.prop_map(|t| format!("-{t}")));
    let build = proptest::option::of("\\+[0-9A-Za-z.-]{0,12}");
    let space = select(&["", " ", "\n", "\t"]);
    (operator, core, pre, build, space).prop_map(|(op, core, pre, build, space)| {
        format!("{op}{core}{}{}{space}", pre.unwrap_or_default(), build.unwrap_or_default())
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4_000))]

    /// Any string at all: the class of the leak is text of the input other than digits and known tags.
    #[test]
    fn any_text_yields_only_digits_and_known_tags(input in "\\PC{0,40}") {
        assert_nothing_leaks(&input)?;
    }

    /// Version-shaped text, where most inputs produce Some and the reduction rules are exercised.
    #[test]
    fn version_like_text_yields_only_digits_and_known_tags(input in version_like()) {
        assert_nothing_leaks(&input)?;
    }

    /// Arbitrary bytes read as UTF-8 (lossily): control characters, mixed scripts, unicode digits.
    #[test]
    fn arbitrary_bytes_yield_only_digits_and_known_tags(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
        assert_nothing_leaks(&String::from_utf8_lossy(&bytes))?;
    }

    /// Lenient parsing extends strict parsing: whatever the strict parser accepts means the same here, except a
    /// pre-release number of more than four digits, which the lenient parser drops (keeping the tag).
    #[test]
    fn strictly_valid_text_means_the_same(input in prop_oneof![strict_text(), version_like()]) {
        if let Ok(strict) = Version::parse(&input) {
            let expected = match strict.pre_release() {
                Some(pre) if pre.number().is_some_and(|n| n > 9_999) => Version::new(
                    strict.major(), strict.minor(), strict.patch(),
                ).with_pre_release(PreRelease::new(pre.tag(), None)),
                _ => strict,
            };
            prop_assert_eq!(Version::parse_lenient(&input), Some(expected));
        }
    }
}

/// Text the strict parser accepts: three numbers, maybe a known tag and a number, maybe build metadata.
fn strict_text() -> impl Strategy<Value = String> {
    "(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})\\.(0|[1-9][0-9]{0,3})\
     (-(alpha|beta|canary|dev|next|nightly|pre|preview|rc)(\\.(0|[1-9][0-9]{0,2}))?)?(\\+[0-9A-Za-z.-]{1,8})?"
}

/// The generators are not vacuous: many version-like texts are versions to the lenient parser, and the strict
/// texts are all valid to the strict parser.
#[test]
fn the_generators_exercise_both_parsers() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = version_like();
    let (mut lenient_some, mut with_pre) = (0, 0);
    for _ in 0..2_000 {
        let text = strategy.new_tree(&mut runner).unwrap().current();
        if let Some(version) = Version::parse_lenient(&text) {
            lenient_some += 1;
            with_pre += usize::from(version.pre_release().is_some());
        }
    }
    assert!(lenient_some > 300, "only {lenient_some} of 2000 generated texts were versions");
    assert!(with_pre > 100, "only {with_pre} of 2000 generated texts kept a pre-release");
    let strict = strict_text();
    for _ in 0..500 {
        let text = strict.new_tree(&mut runner).unwrap().current();
        assert!(Version::parse(&text).is_ok(), "{text:?} should be strictly valid");
    }
}
