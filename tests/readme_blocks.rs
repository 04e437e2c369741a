//! The README's Rust examples as code to compile: the build script turns those for the
//! seed crate into `tests/readme.rs`'s functions, and `tests/whole_beta.rs` those for the
//! whole Graph beta crate into an example of that crate.

/// The ```` ```rust ```` blocks of `readme` that name the crate `krate`, in order.
pub fn rust_blocks(readme: &str, krate: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.trim_end() == "```rust" => current = Some(String::new()),
            Some(block) if line.trim_end() == "```" => {
                if block.contains(&format!("{krate}::")) {
                    blocks.push(std::mem::take(block));
                }
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// One async function `name` running `blocks` in order, each in a scope inside the one
/// before, so that later blocks see earlier bindings and may import names again.
pub fn as_function(name: &str, blocks: &[String]) -> String {
    let mut body = String::new();
    for block in blocks {
        body.push_str(block);
        body.push_str("{\n");
    }
    body.push_str("Ok(())\n");
    body.push_str(&"}\n".repeat(blocks.len()));
    format!("pub async fn {name}() -> Result<(), Box<dyn std::error::Error>> {{\n{body}}}\n")
}
