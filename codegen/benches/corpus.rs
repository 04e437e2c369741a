//! The whole Graph beta reference, read and checked: `cargo bench -p odata-codegen --bench
//! corpus`. The baseline is reading the same files from disk. The corpus is
//! `$ODATA_CODEGEN_CORPUS`, else `../shared/graph-beta-2021-07` beside the workspace;
//! without it the benchmarks say so and measure nothing.

use std::path::{Path, PathBuf};

use odata_codegen::{Input, Inputs, Levels};

fn main() {
    if corpus().is_none() {
        eprintln!("corpus not found (set ODATA_CODEGEN_CORPUS): nothing to measure");
        return;
    }
    divan::main();
}

fn corpus() -> Option<PathBuf> {
    let dir = std::env::var_os("ODATA_CODEGEN_CORPUS").map_or_else(
        || Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/graph-beta-2021-07"),
        PathBuf::from,
    );
    dir.join("metadata.xml").is_file().then_some(dir)
}

/// The metadata and every `api/*.md` page, as `odata-codegen validate` reads them.
fn read_corpus() -> Inputs {
    let dir = corpus().expect("checked in main");
    let mut pages: Vec<PathBuf> = std::fs::read_dir(dir.join("api"))
        .expect("the corpus pages")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    pages.sort();
    let read = |p: &Path| Input::new(p.display().to_string(), std::fs::read(p).expect("a file"));
    Inputs::new(
        read(&dir.join("metadata.xml")),
        pages.iter().map(|p| read(p)).collect(),
    )
}

/// Baseline: reading the 5,015 files from disk.
#[divan::bench(sample_count = 10)]
fn read_files_from_disk() -> Inputs {
    read_corpus()
}

/// Reading the metadata into the model (part of every run).
#[divan::bench(sample_count = 10)]
fn read_metadata(bencher: divan::Bencher) {
    let inputs = read_corpus();
    bencher.bench(|| odata_codegen::check_metadata(&inputs.metadata).len());
}

/// Everything `validate` does after the files are in memory: the model, then every
/// page read, resolved and checked, on all cores.
#[divan::bench(sample_count = 10)]
fn validate_in_memory(bencher: divan::Bencher) {
    let inputs = read_corpus();
    bencher.bench(|| {
        odata_codegen::validate(&inputs, &Levels::default(), &mut |_, _| {})
            .summary
            .resolved
    });
}

/// The whole run: files read from disk, then validated.
#[divan::bench(sample_count = 10)]
fn read_and_validate() -> usize {
    let inputs = read_corpus();
    odata_codegen::validate(&inputs, &Levels::default(), &mut |_, _| {})
        .summary
        .resolved
}
