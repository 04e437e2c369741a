//! Runtime support for generated OData client crates.
//!
//! Generated crates describe each service operation as an [`Operation`]: a method,
//! an [`ODataPath`], [`QueryOptions`], an optional JSON body, the status that means
//! success and a function that reads the success body. An operation is plain data:
//! [`Operation::to_http`] turns it into an [`http::Request`] for any HTTP client and
//! [`Operation::parse_response`] reads the [`http::Response`], telling the service's
//! own errors ([`ServiceError`]) from unexpected answers. With the `client` feature,
//! `Client` sends operations itself, authenticates, retries throttled requests
//! and follows `@odata.nextLink` through collections.
//!
//! The value types keep OData's JSON forms intact: [`Field`] tells an absent
//! property from a null one, [`DateTimeOffset`], [`TimeOfDay`] and [`Duration`]
//! write back exactly the text they read, [`Decimal`] keeps every digit, `Edm.Int64`
//! reads from a number or a string ([`int64`]), [`Double`] and [`Single`] accept `"INF"`
//! and `"NaN"`, and [`ODataEnum`] and [`Flags`] keep enumeration members the
//! generated code does not know yet.
//!
//! ```
//! use odata_codegen_runtime::{http, json, ODataPath, Operation, Page, ServiceRoot};
//!
//! #[derive(serde::Deserialize)]
//! struct User {
//!     id: String,
//! }
//!
//! let root = ServiceRoot::new("https://graph.microsoft.com/v1.0")?;
//! let list_users: Operation<Page<User>> = Operation::new(
//!     http::Method::GET,
//!     ODataPath::root().segment("users"),
//!     http::StatusCode::OK,
//!     json,
//! )
//! .select(["id", "displayName"])
//! .top(5);
//!
//! let request = list_users.to_http(&root)?;
//! assert_eq!(
//!     request.uri(),
//!     "https://graph.microsoft.com/v1.0/users?$select=id,displayName&$top=5"
//! );
//!
//! let response = http::Response::new(r#"{"value":[{"id":"42"}]}"#);
//! let page = list_users.parse_response(&response)?;
//! assert_eq!(page.value[0].id, "42");
//! # Ok::<(), odata_codegen_runtime::Error>(())
//! ```
//!
//! # Features
//!
//! - `client`: the async `Client` on `reqwest` with rustls (ring crypto
//!   provider, no OpenSSL) and tokio.
//! - `batch`: OData `$batch` (`Batch`): many operations in one request, in the
//!   OData 4.01 JSON format or OData 4.0's `multipart/mixed`, with `dependsOn` and
//!   atomicity groups; each operation's typed result is read as if it had been
//!   sent alone. With `client` too, `Client::send_batch` sends a batch, split to
//!   the service's limit, and sends throttled requests of it again.

pub use http;
pub use serde;
pub use serde_json;

pub mod access;

#[cfg(feature = "batch")]
mod batch;

mod edm;
mod enums;
mod error;
mod field;
mod ieee754;
mod operation;
mod path;
mod query;
mod resource;

#[cfg(feature = "client")]
mod client;

#[cfg(feature = "batch")]
pub use batch::{AtomicityGroup, Batch, BatchFormat, BatchItem, BatchResults, RequestId};
#[cfg(feature = "client")]
pub use client::{BoxFuture, Client, ClientBuilder, StaticToken, Token, TokenProvider};
pub use edm::{
    Binary, Date, DateTimeOffset, Decimal, Double, Duration, Single, TimeOfDay, ValueError,
};
pub use enums::{Flags, ODataEnum, deserialize_enum, serialize_enum};
pub use error::{Error, ErrorKind, ServiceError};
pub use field::{Field, is_default};
pub use ieee754::{Int64Value, int64};
pub use operation::{Operation, Page, bytes, count, json, json_value, no_content};
pub use path::{KeyValue, ODataPath, ServiceRoot, SystemSegment};
pub use query::QueryOptions;
pub use resource::{
    EntityReference, Parameters, Reference, References, Stream, ToLiteral, deserialize_polymorphic,
    enum_literal, flags_literal, from_value,
};
