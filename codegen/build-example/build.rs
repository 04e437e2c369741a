//! Generates the userStatuses client into OUT_DIR from the repository's metadata.

fn main() {
    let manifest_dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let metadata = manifest_dir.join("../../metadata");
    let metadata = metadata.canonicalize().unwrap_or(metadata);
    if let Err(error) = odata_codegen::Config::new()
        .metadata(metadata.join("graph-user-statuses.xml"))
        .doc(metadata.join("000_9e47ed566db0d7be.md"))
        .compile("graph.rs")
    {
        // Cargo shows a build script's stderr; the diagnostics name file, line and column.
        eprintln!("{error}");
        std::process::exit(1);
    }
}
