//! The full Graph beta metadata with the seed page generates the same crate as the
//! hand-written subset in `metadata/`: the generator selects what the page needs.

mod common;

use odata_codegen::{Input, Inputs};

/// The files without their first line, which names the inputs.
fn without_header(files: &odata_codegen::Files) -> Vec<(String, String)> {
    files
        .iter()
        .map(|(name, text)| {
            (
                name.clone(),
                text.split_once('\n')
                    .map_or("", |(_, rest)| rest)
                    .to_owned(),
            )
        })
        .collect()
}

#[test]
#[cfg_attr(
    corpus_missing,
    ignore = "needs the Graph beta corpus at ../shared/graph-beta-2021-07 or $ODATA_CODEGEN_CORPUS"
)]
fn full_beta_metadata_generates_the_same_crate() {
    let corpus = common::corpus();
    let metadata =
        std::fs::read(corpus.join("metadata.xml")).expect("the corpus metadata is readable");
    let inputs = Inputs::new(
        Input::new("metadata.xml", metadata),
        vec![common::input(common::SEED_PAGE)],
    );
    let full = odata_codegen::generate(&inputs, &common::crate_options())
        .expect("the full metadata generates");
    let subset = common::generate_default();
    let full_files = without_header(&full.files);
    let subset_files = without_header(&subset);
    assert_eq!(full_files.len(), subset_files.len());
    for ((name_a, a), (name_b, b)) in full_files.iter().zip(&subset_files) {
        assert_eq!(name_a, name_b);
        assert_eq!(
            a, b,
            "{name_a} differs between the full metadata and metadata/"
        );
    }
}
