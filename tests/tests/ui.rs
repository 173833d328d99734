//! Compile-fail and compile-pass cases for the derives. Each `ui/fail` file holds one mistake, and its
//! `.stderr` is the message a user sees: read it before accepting a change to it.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("ui/fail/*.rs");
    cases.pass("ui/pass/*.rs");
}
