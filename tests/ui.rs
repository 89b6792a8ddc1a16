//! The `#[rpc_service]` UI tests: what compiles, and the exact errors for what does not.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("ui/pass/*.rs");
    t.compile_fail("ui/fail/*/*.rs");
}
