//! The CSDL reader on two threads against the reader on one: wherever the second thread
//! starts, at any `<` of any document, the result, or the first error and its position,
//! is the same.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::Source;
use odata_codegen::csdl::{read_csdl, read_csdl_split_at};

fuzz_target!(|data: &[u8]| {
    // The first two bytes choose the `<` the second thread starts at.
    let [low, high, document @ ..] = data else {
        return;
    };
    let Ok(text) = std::str::from_utf8(document) else {
        return;
    };
    let starts: Vec<usize> = text.match_indices('<').map(|(at, _)| at).collect();
    if starts.is_empty() {
        return;
    }
    let at = starts[usize::from(u16::from_le_bytes([*low, *high])) % starts.len()];
    let source = Source::new("fuzz.xml", text);
    let Some(on_two) = read_csdl_split_at(&source, at) else {
        return;
    };
    let on_one = read_csdl(&source);
    assert_eq!(
        format!("{on_one:?}"),
        format!("{on_two:?}"),
        "the second thread started at byte {at}"
    );
});
