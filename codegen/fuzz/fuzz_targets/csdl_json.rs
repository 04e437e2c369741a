//! The CSDL JSON reader and the model builder on arbitrary bytes after a `{`, which makes
//! every input CSDL JSON: any input gives a model or diagnostics, never a panic, a hang
//! or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::Input;

fuzz_target!(|data: &[u8]| {
    let bytes = [b"{".as_slice(), data].concat();
    for d in odata_codegen::check_metadata(&Input::new("fuzz.json", bytes)) {
        let _ = d.to_string();
    }
});
