//! The CSDL reader and the model builder on two threads against the same on one. Wherever
//! the reader's second thread starts, at any `<` of any document, the document read, or
//! the first error and its position, is the same; and the builder gives the same model
//! and the same errors however the types are shared between threads.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::Source;
use odata_codegen::csdl::{read_csdl, read_csdl_split_at};
use odata_codegen::model::{Model, build_model, build_model_on_two_threads};

/// What a model holds, in an order that does not depend on hashing.
fn contents(model: &Result<Model, Vec<odata_codegen::Diagnostic>>) -> String {
    match model {
        Ok(m) => format!(
            "{:?} {:?} {:?} {:?}",
            m.types, m.namespaces, m.container, m.operations
        ),
        Err(errors) => format!("{errors:?}"),
    }
}

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the `<` the reader's second thread starts at.
    let [low, high, document @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(document) else {
        return;
    };
    let source = Source::new("fuzz.xml", text);
    let on_one = read_csdl(&source);
    if let Ok(csdl) = &on_one {
        assert_eq!(
            contents(&build_model(csdl)),
            contents(&build_model_on_two_threads(csdl)),
            "types built on two threads"
        );
    }
    let starts: Vec<usize> = text.match_indices('<').map(|(at, _)| at).collect();
    if starts.is_empty() {
        return;
    }
    let at = starts[usize::from(u16::from_le_bytes([*low, *high])) % starts.len()];
    let Some(on_two) = read_csdl_split_at(&source, at) else {
        return;
    };
    assert_eq!(
        format!("{on_one:?}"),
        format!("{on_two:?}"),
        "the reader's second thread started at byte {at}"
    );
});
