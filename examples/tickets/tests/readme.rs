//! The README's Rust client example is `examples/client.rs`, which CI compiles: this keeps the
//! two the same.

#[test]
fn the_readme_shows_the_client_example_as_it_compiles() {
    let readme = include_str!("../../../README.md");
    let example = include_str!("../examples/client.rs");
    let marker = "<!-- examples/tickets/examples/client.rs -->\n```rust\n";
    let start = readme
        .find(marker)
        .expect("the README marks the client example")
        + marker.len();
    let end = start + readme[start..].find("```\n").expect("the block ends");
    assert_eq!(
        &readme[start..end],
        example,
        "README.md and examples/tickets/examples/client.rs differ: copy the file into the README"
    );
}
