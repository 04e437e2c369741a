//! The whole pipeline, in memory: CSDL bytes and page bytes in, generated files or
//! diagnostics out. The input is the metadata, then SEPARATOR, then the page; without a
//! separator it is all metadata and the page is the seed page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::{Input, Inputs, Options};

const SEPARATOR: &[u8] = b"\n\0--page--\0\n";
const SEED_PAGE: &[u8] = include_bytes!("../../../metadata/000_9e47ed566db0d7be.md");

fuzz_target!(|data: &[u8]| {
    let (metadata, page) = match data.windows(SEPARATOR.len()).position(|w| w == SEPARATOR) {
        Some(at) => (&data[..at], &data[at + SEPARATOR.len()..]),
        None => (data, SEED_PAGE),
    };
    let inputs = Inputs::new(
        Input::new("fuzz.xml", metadata),
        vec![Input::new("fuzz.md", page)],
    );
    let result = odata_codegen::generate(&inputs, &Options::default());
    let diagnostics = match &result {
        Ok(generated) => &generated.diagnostics,
        Err(failure) => &failure.diagnostics,
    };
    for d in diagnostics {
        let _ = d.to_string();
    }
});
