//! Compile-time refusals of `#[endpoint]` and `#[model]`, each with the
//! message the user sees (`tests/ui/fail/*.stderr`), and declarations that
//! compile and work (`tests/ui/pass/*.rs`, built and run).
//!
//! Regenerate the expected messages after a deliberate change with
//! `TRYBUILD=overwrite cargo test -p xportcn-macros --test ui`, and read
//! the diff.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
