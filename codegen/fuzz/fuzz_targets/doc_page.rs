//! The doc-page reader on arbitrary bytes; every diagnostic is also rendered, since
//! rendering slices the page at the diagnostic's position.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let input = odata_codegen::Input::new("fuzz.md", data);
    for d in odata_codegen::fuzzing::read_page(&input) {
        let _ = d.to_string();
    }
});
