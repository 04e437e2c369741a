//! The doc-page reader on arbitrary bytes; every diagnostic is also rendered, since
//! rendering slices the page at the diagnostic's position.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    match odata_codegen::doc::read_page_bytes("fuzz.md", data) {
        Ok((_, diagnostics)) => {
            for d in diagnostics {
                let _ = d.to_string();
            }
        }
        Err(d) => {
            let _ = d.to_string();
        }
    }
});
