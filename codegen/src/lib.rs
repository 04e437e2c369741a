//! odata-codegen: OData CSDL metadata and Graph API reference pages in, a typed Rust
//! client crate out.

pub mod diag;
pub mod doc;
