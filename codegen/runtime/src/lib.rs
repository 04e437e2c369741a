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
//!   provider, no OpenSSL) and tokio. It retries throttled requests, follows
//!   next links, honours each operation's own timeout and retry limit, and meets
//!   continuous access evaluation's claims challenges once
//!   (`TokenProvider::token_with_claims`).
//! - `batch`: OData `$batch` (`Batch`): many operations in one request, in the
//!   OData 4.01 JSON format or OData 4.0's `multipart/mixed`, with `dependsOn` and
//!   atomicity groups; each operation's typed result is read as if it had been
//!   sent alone. With `client` too, `Client::send_batch` sends a batch, split to
//!   the service's limit, and sends throttled requests of it again.
//! - `delta`: Microsoft Graph delta queries (change tracking): pages of typed
//!   changes (`Delta`, `Change`), storable delta links to resume from, and
//!   `Error::ResyncRequired` when the sync state is gone; with `client` as well,
//!   `Client::delta` streams a round's changes and ends with its delta link.
//! - `upload`: Graph's resumable upload sessions ([`UploadSession`], the type
//!   `createUploadSession` actions return). With `client`, `Uploader` sends a large
//!   file through one in chunks, from bytes or an async reader, resuming where the
//!   service's `nextExpectedRanges` say.
//! - `stream`: with `client`, `Stream::download` streams a stream property or
//!   `$value` (following redirects to pre-authenticated URLs without the token),
//!   and `Stream::put_reader` uploads one from an async reader.
//! - `azure-identity` (implies `client`): `AzureTokenProvider`, sign-in with
//!   Microsoft's `azure_identity` credentials (client secret, managed identity,
//!   workload identity, Azure CLI / Azure Developer CLI, or any
//!   `azure_core::credentials::TokenCredential`), over the same rustls; the
//!   `azure_core` and `azure_identity` crates are re-exported so their versions
//!   match. Client certificates are not offered: `azure_identity` reads them with
//!   OpenSSL.

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
mod record;
mod resource;
#[cfg(feature = "upload")]
mod upload;

#[cfg(feature = "client")]
mod client;
#[cfg(feature = "delta")]
mod delta;

#[cfg(feature = "azure-identity")]
pub use azure_core;
#[cfg(feature = "azure-identity")]
pub use azure_identity;
#[cfg(feature = "batch")]
pub use batch::{AtomicityGroup, Batch, BatchFormat, BatchItem, BatchResults, RequestId};
#[cfg(feature = "stream")]
pub use bytes::Bytes;
#[cfg(feature = "azure-identity")]
pub use client::AzureTokenProvider;
#[cfg(all(feature = "client", feature = "delta"))]
pub use client::DeltaEvent;
#[cfg(all(feature = "client", feature = "stream"))]
pub use client::Download;
#[cfg(feature = "client")]
pub use client::{BoxFuture, Client, ClientBuilder, StaticToken, Token, TokenProvider};
#[cfg(all(feature = "client", feature = "upload"))]
pub use client::{UploadContent, Uploader};
#[cfg(feature = "delta")]
pub use delta::{Change, Delta, DeltaLink, DeltaStep, Removed, RemovedReason};
pub use edm::{
    Binary, Date, DateTimeOffset, Decimal, Double, Duration, Single, TimeOfDay, ValueError,
};
pub use enums::{Flags, ODataEnum, deserialize_enum, serialize_enum};
pub use error::{Error, ErrorKind, ServiceError};
pub use field::{Field, is_default};
pub use ieee754::{Int64Value, int64};
pub use operation::{Operation, Page, bytes, count, json, json_value, no_content};
pub use path::{GraphCloud, GraphVersion, KeyValue, ODataPath, ServiceRoot, SystemSegment};
pub use query::QueryOptions;
pub use record::{Record, deserialize_record, next_int64};
pub use resource::{
    EntityReference, Parameters, Reference, References, Stream, ToLiteral, deserialize_polymorphic,
    enum_literal, flags_literal, from_value,
};
#[cfg(feature = "upload")]
pub use upload::{ByteRange, ChunkSize, UploadOutcome, UploadProgress, UploadSession, next_chunk};
