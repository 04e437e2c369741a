//! The CSDL reader's attribute scanner against quick-xml's attribute iterator, which it
//! replaces on the hot path: on any tag text, the same names and values up to the first
//! malformed attribute, and that one at the same position.
#![no_main]

use libfuzzer_sys::fuzz_target;
use odata_codegen::fuzzing::attribute_scans;

fuzz_target!(|tag: &str| {
    assert_eq!(
        attribute_scans::here(tag),
        attribute_scans::quick_xml(tag),
        "<{tag}>"
    );
});
