//! The README's Rust block is the code `examples/readme_quickstart.rs` compiles.

#[test]
fn readme_rust_block_is_the_compiled_example() {
    let readme = include_str!("../../README.md");
    let start = readme.find("```rust\n").expect("a rust block in the README") + "```rust\n".len();
    let block = &readme[start..start + readme[start..].find("```").unwrap()];
    let example = include_str!("../examples/readme_quickstart.rs");
    let inner = &example[example.find("// README BEGIN\n").unwrap() + "// README BEGIN\n".len()
        ..example.find("    // README END").unwrap()];
    let dedented: String = inner
        .lines()
        .map(|l| l.strip_prefix("    ").unwrap_or(l))
        .collect::<Vec<_>>()
        .join("\n");
    assert_eq!(
        block.trim_end(),
        dedented.trim_end(),
        "README.md's Rust block drifted from examples/readme_quickstart.rs"
    );
}
