//! The CSDL reader and the model builder on arbitrary bytes: any input gives a model or
//! diagnostics, never a panic, a hang or an unbounded allocation.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::Input;

fuzz_target!(|data: &[u8]| {
    let _ = odata_codegen::read_model(&Input::new("fuzz.xml", data));
});
