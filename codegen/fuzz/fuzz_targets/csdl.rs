//! The CSDL reader and the model builder on arbitrary bytes: any input gives a model or
//! diagnostics, never a panic, a hang or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::Input;

fuzz_target!(|data: &[u8]| {
    for d in odata_codegen::check_metadata(&Input::new("fuzz.xml", data)) {
        let _ = d.to_string();
    }
});
