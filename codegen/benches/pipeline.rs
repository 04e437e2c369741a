//! The pipeline over the Microsoft Graph beta metadata: reading and resolving it, and
//! generating the whole crate in memory; beside them, for scale, three quick-xml passes
//! over the same text: tokenizing alone, tokenizing and reading every attribute, and the
//! same with quick-xml's own namespace resolution.
//!
//! The benchmarks allocate with mimalloc, as the `odata-codegen` command does.
//!
//! `cargo bench -p odata-codegen --bench pipeline` (the corpus must be at
//! `../shared/graph-beta-2021-07`, or in `ODATA_CODEGEN_CORPUS`).

use std::path::PathBuf;
use std::sync::OnceLock;

use odata_codegen::{Input, Inputs, Layout, Options, RuntimeDependency, Select};

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    if metadata().is_none() {
        eprintln!("corpus not found: set ODATA_CODEGEN_CORPUS; nothing to measure");
        return;
    }
    divan::main();
}

/// The beta metadata, read once.
fn metadata() -> Option<&'static String> {
    static METADATA: OnceLock<Option<String>> = OnceLock::new();
    METADATA
        .get_or_init(|| {
            let dir = std::env::var_os("ODATA_CODEGEN_CORPUS")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
                        .join("../../shared/graph-beta-2021-07")
                });
            std::fs::read_to_string(dir.join("metadata.xml")).ok()
        })
        .as_ref()
}

fn text() -> &'static str {
    metadata().map_or("", String::as_str)
}

/// Baseline: every XML event of the file, unescaped and unresolved, counted.
#[divan::bench]
fn tokenize_baseline() -> usize {
    let mut reader = quick_xml::Reader::from_str(text());
    let mut events = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(_) => events += 1,
        }
    }
    events
}

/// Baseline: every event, and every attribute of every tag: the least a reader of CSDL,
/// which keeps its facts in attributes, has to do.
#[divan::bench]
fn tokenize_attributes_baseline() -> usize {
    let mut reader = quick_xml::Reader::from_str(text());
    let mut seen = 0;
    loop {
        match reader.read_event() {
            Ok(quick_xml::events::Event::Eof) | Err(_) => break,
            Ok(quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag)) => {
                seen += attribute_bytes(&tag);
            }
            Ok(_) => seen += 1,
        }
    }
    seen
}

/// Baseline: every event with its namespace resolved, and every attribute of every tag.
#[divan::bench]
fn tokenize_namespaces_attributes_baseline() -> usize {
    let mut reader = quick_xml::NsReader::from_str(text());
    let mut seen = 0;
    loop {
        match reader.read_resolved_event() {
            Ok((_, quick_xml::events::Event::Eof)) | Err(_) => break,
            Ok((
                _,
                quick_xml::events::Event::Start(tag) | quick_xml::events::Event::Empty(tag),
            )) => {
                seen += attribute_bytes(&tag);
            }
            Ok(_) => seen += 1,
        }
    }
    seen
}

/// What the attribute baselines read of a tag: every attribute, raw.
fn attribute_bytes(tag: &quick_xml::events::BytesStart<'_>) -> usize {
    tag.attributes().flatten().map(|a| a.value.len()).sum()
}

/// The metadata as an input: copying the text is not timed.
fn metadata_input() -> Input {
    Input::new("metadata.xml", text())
}

/// Reading the metadata and resolving it into the model (names, aliases, inheritance,
/// annotations), then dropping both: the first two stages of every run.
#[divan::bench]
fn read_and_resolve(bencher: divan::Bencher) {
    bencher
        .with_inputs(metadata_input)
        .bench_refs(|input| odata_codegen::check_metadata(input).len());
}

/// Everything `generate --all --root-features` does before writing: read, resolve,
/// plan, emit and format the whole crate.
#[divan::bench(sample_count = 10)]
fn generate_whole_crate() -> usize {
    let inputs = Inputs::new(Input::new("metadata.xml", text()), Vec::new());
    let options = Options {
        layout: Layout::Crate {
            runtime: RuntimeDependency::Version("0.1".to_owned()),
        },
        select: Select::All,
        root_features: true,
        ..Options::default()
    };
    odata_codegen::generate(&inputs, &options).map_or(0, |g| g.files.len())
}
