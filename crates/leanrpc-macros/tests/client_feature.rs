//! `#[rpc_service(client)]` against a facade built without its `client` feature. This crate's
//! dev-dependency on the facade leaves the feature off, and trybuild builds the case in a
//! workspace of its own, so features turned on elsewhere in this workspace do not leak in.

#[test]
fn client_without_the_feature_says_how_to_turn_it_on() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/ui-no-client/*.rs");
}
