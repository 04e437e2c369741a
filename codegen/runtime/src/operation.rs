//! Requests as plain data: building them, and reading their responses.

use std::fmt;
use std::time::Duration;

use http::header::{ACCEPT, CONTENT_TYPE, DATE, IF_MATCH, IF_NONE_MATCH};
use http::{HeaderMap, HeaderName, HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::ieee754;
use crate::path::{SystemSegment, check_http_url, origin};
use crate::{Error, ODataPath, QueryOptions, ServiceError, ServiceRoot};

/// How much of an unexpected body errors quote.
const EXCERPT_BYTES: usize = 1024;

/// The header Graph requires for `$count` and `$search` on directory objects.
const CONSISTENCY_LEVEL: HeaderName = HeaderName::from_static("consistencylevel");

/// The header that carries a request's preferences (RFC 7240).
const PREFER: HeaderName = HeaderName::from_static("prefer");

/// One page of a collection response.
///
/// Follow [`next_link`](Self::next_link) (with [`Operation::next_page`]) for the
/// rest of the collection; [`delta_link`](Self::delta_link) ends a delta query.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub struct Page<T> {
    /// The items on this page.
    #[serde(default)]
    pub value: Vec<T>,
    /// URL of the next page, if there is one: absolute, or relative to the request
    /// this page answered ([`Operation::next_page`] resolves either).
    #[serde(
        rename = "@odata.nextLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub next_link: Option<String>,
    /// Total number of items, when `$count=true` was asked for.
    #[serde(
        rename = "@odata.count",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub count: Option<i64>,
    /// URL for the next round of a delta query, on its last page; follow it with
    /// [`Operation::next_page`] like a next link, absolute or relative.
    #[serde(
        rename = "@odata.deltaLink",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub delta_link: Option<String>,
    /// The metadata context URL.
    #[serde(
        rename = "@odata.context",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub context: Option<String>,
}

/// Reads a JSON body as `T`; the usual `parse` function of an [`Operation`].
pub fn json<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    serde_json::from_slice(body)
}

/// The `parse` function of operations that return no content (`204`): any body,
/// normally empty, is ignored.
pub fn no_content(_body: &[u8]) -> Result<(), serde_json::Error> {
    Ok(())
}

/// Reads `{"value": ...}` as the `T` inside: how OData returns a single primitive or
/// enumeration value from a function or action.
pub fn json_value<T: serde::de::DeserializeOwned>(body: &[u8]) -> Result<T, serde_json::Error> {
    #[derive(Deserialize)]
    struct Wrapped<T> {
        value: T,
    }
    serde_json::from_slice::<Wrapped<T>>(body).map(|w| w.value)
}

/// Reads a `$count` response: a plain-text integer.
pub fn count(body: &[u8]) -> Result<i64, serde_json::Error> {
    // A bare JSON number is the same text as the plain-text count.
    serde_json::from_slice(trim_ascii(body))
}

/// Keeps the raw body: the content of a stream or media entity.
pub fn bytes(body: &[u8]) -> Result<Vec<u8>, serde_json::Error> {
    Ok(body.to_vec())
}

fn trim_ascii(bytes: &[u8]) -> &[u8] {
    let start = bytes
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(bytes.len());
    let end = bytes
        .iter()
        .rposition(|b| !b.is_ascii_whitespace())
        .map_or(start, |i| i + 1);
    bytes.get(start..end).unwrap_or_default()
}

/// Where an entity id (`{service root}{path}`) goes when the request is built.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EntityIdPlacement {
    /// `{"@odata.id": "..."}` as the JSON body: adding or setting a reference.
    Body,
    /// `$id=...` in the query: removing a reference from a collection.
    Query,
}

/// A request to send and how to read its response.
///
/// Building one does no I/O: [`to_http`](Self::to_http) turns it into an
/// [`http::Request`] for any HTTP client, and [`parse_response`](Self::parse_response)
/// reads the [`http::Response`] that came back.
pub struct Operation<T> {
    method: Method,
    path: ODataPath,
    /// Set by [`next_page`](Self::next_page) and [`at_url`](Self::at_url): the
    /// exact URL to request instead of root + path + query.
    next_link: Option<http::Uri>,
    success: StatusCode,
    parse: fn(&[u8]) -> Result<T, serde_json::Error>,
    query: QueryOptions,
    headers: HeaderMap,
    body: Option<Vec<u8>>,
    /// The JSON body with `Edm.Int64` and `Edm.Decimal` values as strings, when it
    /// holds any: what is sent with `IEEE754Compatible=true`.
    body_ieee754: Option<Vec<u8>>,
    /// Whether to ask for, and send, `IEEE754Compatible=true` JSON.
    ieee754: bool,
    /// The body's content type when it is not JSON.
    content_type: Option<HeaderValue>,
    /// Why the body (or a parameter) could not be serialized; reported by `to_http`.
    body_error: Option<String>,
    /// Accept any 2xx status as success, not only `success`.
    any_success: bool,
    /// An entity id to write once the service root is known.
    entity_id: Option<(ODataPath, EntityIdPlacement)>,
    /// Time limit for each attempt of this request, instead of the client's.
    timeout: Option<Duration>,
    /// Retries for this request, instead of the client's.
    max_retries: Option<u32>,
}

impl<T: serde::de::DeserializeOwned> Operation<T> {
    /// `GET` `path`, succeeding with `200` and a JSON body: reads an entity, or (with
    /// `T` = [`Page`]) a page of a collection. Add query options with
    /// [`select`](Self::select), [`filter`](Self::filter), [`top`](Self::top), ….
    pub fn get(path: ODataPath) -> Self {
        Self::new(Method::GET, path, StatusCode::OK, json)
    }

    /// `POST` `body` to the collection at `path`, succeeding with `201 Created` and the
    /// created entity.
    pub fn create<B: Serialize + ?Sized>(path: ODataPath, body: &B) -> Self {
        Self::new(Method::POST, path, StatusCode::CREATED, json).with_json_body(body)
    }
}

impl Operation<()> {
    /// `PATCH` `body` to the entity at `path`, succeeding with `204 No Content`, or
    /// with `200 OK` and the updated entity, which services may send instead (and
    /// do for `Prefer: return=representation`).
    pub fn update<B: Serialize + ?Sized>(path: ODataPath, body: &B) -> Self {
        Self::new(Method::PATCH, path, StatusCode::NO_CONTENT, no_content)
            .with_json_body(body)
            .with_any_success()
    }

    /// `DELETE` the entity at `path`, succeeding with `204 No Content`.
    pub fn delete(path: ODataPath) -> Self {
        Self::new(Method::DELETE, path, StatusCode::NO_CONTENT, no_content)
    }
}

impl Operation<i64> {
    /// `GET` `path/$count`: how many items the collection at `path` has, with the
    /// [`filter`](Self::filter) and [`search`](Self::search) applied.
    pub fn count_of(path: ODataPath) -> Self {
        Self::new(
            Method::GET,
            path.system(SystemSegment::Count),
            StatusCode::OK,
            count,
        )
        .with_header(ACCEPT, HeaderValue::from_static("text/plain"))
    }

    /// Counts only the items that match `$filter`, an OData expression.
    #[must_use]
    pub fn filter(self, expression: impl Into<String>) -> Self {
        self.with_query_option(|q| q.filter(expression))
    }

    /// Counts only the items that match `$search` (see [`QueryOptions::search`]).
    #[must_use]
    pub fn search(self, search: impl Into<String>) -> Self {
        self.with_query_option(|q| q.search(search))
    }
}

/// The options of a request for a collection: what it returns, in what order, how many.
impl<T> Operation<Page<T>> {
    /// Sets `$filter` to an OData expression, e.g. `startswith(displayName,'A')`.
    #[must_use]
    pub fn filter(self, expression: impl Into<String>) -> Self {
        self.with_query_option(|q| q.filter(expression))
    }

    /// Adds sort keys (`displayName desc`) to `$orderby`.
    #[must_use]
    pub fn orderby(self, keys: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.with_query_option(|q| q.orderby(keys))
    }

    /// Sets `$top`: how many items to return, or the page size where the service pages.
    #[must_use]
    pub fn top(self, top: u64) -> Self {
        self.with_query_option(|q| q.top(top))
    }

    /// Sets `$skip`: how many items to leave out first.
    #[must_use]
    pub fn skip(self, skip: u64) -> Self {
        self.with_query_option(|q| q.skip(skip))
    }

    /// Asks for the total count (`$count=true`) with the results, in [`Page::count`].
    #[must_use]
    pub fn count(self, count: bool) -> Self {
        self.with_query_option(|q| q.count(count))
    }

    /// Sets `$search` (see [`QueryOptions::search`]).
    #[must_use]
    pub fn search(self, search: impl Into<String>) -> Self {
        self.with_query_option(|q| q.search(search))
    }
}

impl<T> Operation<T> {
    /// Calls the function at `path` (whose last segment is the function with its
    /// arguments) with `GET`; any 2xx status is success.
    pub fn function(path: ODataPath, parse: fn(&[u8]) -> Result<T, serde_json::Error>) -> Self {
        Self::new(Method::GET, path, StatusCode::OK, parse).with_any_success()
    }

    /// Invokes the action at `path` with `POST`; any 2xx status is success. Add the
    /// parameters with [`with_json_body`](Self::with_json_body) and [`Parameters`](crate::Parameters).
    pub fn action(path: ODataPath, parse: fn(&[u8]) -> Result<T, serde_json::Error>) -> Self {
        Self::new(Method::POST, path, StatusCode::OK, parse).with_any_success()
    }

    /// An operation on `path` that succeeds with `success` and reads the success
    /// body with `parse` (usually [`json`] or [`no_content`]).
    pub fn new(
        method: Method,
        path: ODataPath,
        success: StatusCode,
        parse: fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Self {
        Self {
            method,
            path,
            next_link: None,
            success,
            parse,
            query: QueryOptions::default(),
            headers: HeaderMap::new(),
            body: None,
            body_ieee754: None,
            ieee754: false,
            content_type: None,
            body_error: None,
            any_success: false,
            entity_id: None,
            timeout: None,
            max_retries: None,
        }
    }

    /// An operation on a URL the caller holds, such as a stored `@odata.nextLink`
    /// or `@odata.deltaLink`, sent as it is instead of root + path + query.
    ///
    /// The URL must be absolute `http(s)` without credentials or fragment. Like a
    /// next link, it must be on the service root's scheme, host and port: building
    /// the request for another origin fails, so the bearer token never goes there.
    /// Its [`path`](Self::path) is the service root's.
    ///
    /// ```
    /// use odata_codegen_runtime::{http, json, Operation, Page, ServiceRoot};
    ///
    /// let root = ServiceRoot::new("https://graph.microsoft.com/v1.0")?;
    /// let link = "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=abc";
    /// let next_round: Operation<Page<serde_json::Value>> =
    ///     Operation::at_url(http::Method::GET, link, http::StatusCode::OK, json)?;
    /// assert_eq!(next_round.to_http(&root)?.uri(), link);
    ///
    /// let elsewhere: Operation<Page<serde_json::Value>> = Operation::at_url(
    ///     http::Method::GET,
    ///     "https://attacker.example/v1.0/users",
    ///     http::StatusCode::OK,
    ///     json,
    /// )?;
    /// assert!(elsewhere.to_http(&root).is_err());
    /// # Ok::<(), odata_codegen_runtime::Error>(())
    /// ```
    pub fn at_url(
        method: Method,
        url: &str,
        success: StatusCode,
        parse: fn(&[u8]) -> Result<T, serde_json::Error>,
    ) -> Result<Self, Error> {
        let invalid =
            |reason: &dyn fmt::Display| invalid_request(format!("invalid URL {url:?}: {reason}"));
        check_link_text(url).map_err(|e| invalid(&e))?;
        let uri = http_url(url).map_err(|e| invalid(&e))?;
        let mut operation = Self::new(method, ODataPath::root(), success, parse);
        operation.next_link = Some(uri);
        Ok(operation)
    }

    /// Accepts any 2xx status as success: services answer actions with `200`, `202` or
    /// `204` alike.
    #[must_use]
    pub fn with_any_success(mut self) -> Self {
        self.any_success = true;
        self
    }

    /// Sets a raw request body with its content type, e.g. the content of a stream.
    #[must_use]
    pub fn with_body(mut self, body: Vec<u8>, content_type: HeaderValue) -> Self {
        self.body = Some(body);
        self.body_ieee754 = None;
        self.content_type = Some(content_type);
        self.body_error = None;
        self
    }

    /// Passes `value` as the JSON text of the parameter alias `name` (`@p` in
    /// `f(x=@p)`): how a function takes a structured or collection argument.
    #[must_use]
    pub fn with_parameter_alias<V: Serialize + ?Sized>(mut self, name: &str, value: &V) -> Self {
        match serde_json::to_string(value) {
            Ok(text) => self.with_query_option(|q| q.custom(name, text)),
            Err(error) => {
                self.body_error = Some(format!(
                    "the request body could not be serialized: parameter {name}: {error}"
                ));
                self
            }
        }
    }

    /// Writes `{"@odata.id": "<service root><target>"}` as the body when the request is
    /// built: the reference `$ref` requests add or set.
    #[must_use]
    pub(crate) fn with_entity_id_body(mut self, target: &ODataPath) -> Self {
        self.entity_id = Some((target.clone(), EntityIdPlacement::Body));
        self
    }

    /// Adds `$id=<service root><target>` to the query when the request is built: the
    /// reference a `$ref` request removes from a collection.
    #[must_use]
    pub(crate) fn with_entity_id_query(mut self, target: &ODataPath) -> Self {
        self.entity_id = Some((target.clone(), EntityIdPlacement::Query));
        self
    }

    /// Sets the JSON request body, serialized now. A serialization error is kept
    /// and returned by [`to_http`](Self::to_http).
    #[must_use]
    pub fn with_json_body<B: Serialize + ?Sized>(mut self, body: &B) -> Self {
        match ieee754::to_json_both(body) {
            Ok((bytes, as_strings)) => {
                self.body = Some(bytes);
                self.body_ieee754 = as_strings;
                self.content_type = None;
                self.body_error = None;
            }
            Err(error) => {
                self.body = None;
                self.body_ieee754 = None;
                self.body_error =
                    Some(format!("the request body could not be serialized: {error}"));
            }
        }
        self
    }

    /// Asks for `Edm.Int64` and `Edm.Decimal` values as JSON strings, and sends
    /// them so (`IEEE754Compatible=true` on `Accept` and on a JSON body's
    /// `Content-Type`): how large integers and long decimals cross readers that
    /// keep numbers in an `f64`. Responses are read in either form.
    #[must_use]
    pub fn ieee754_compatible(mut self, enabled: bool) -> Self {
        self.ieee754 = enabled;
        self
    }

    /// Sends the request only if the entity still has this ETag (`If-Match`): an
    /// update or delete that fails with [`ErrorKind::PreconditionFailed`](crate::ErrorKind)
    /// when someone changed the entity since it was read. `"*"` matches any version.
    #[must_use]
    pub fn if_match(self, etag: &str) -> Self {
        self.with_etag_header(IF_MATCH, etag)
    }

    /// Sends the request only if the entity no longer has this ETag
    /// (`If-None-Match`): a read that answers `304 Not Modified` when nothing changed.
    #[must_use]
    pub fn if_none_match(self, etag: &str) -> Self {
        self.with_etag_header(IF_NONE_MATCH, etag)
    }

    /// Adds a preference (RFC 7240) to the request's `Prefer` header, after any
    /// already there, e.g. `return=representation`, `odata.maxpagesize=50`,
    /// `outlook.timezone="Pacific Standard Time"` or `respond-async`. Preferences
    /// are joined into one header field, which every server reads.
    ///
    /// ```
    /// use odata_codegen_runtime::{ODataPath, Operation, ServiceRoot};
    ///
    /// let root = ServiceRoot::new("https://graph.microsoft.com/v1.0")?;
    /// let events = Operation::<serde_json::Value>::get(ODataPath::root().segment("me").segment("events"))
    ///     .prefer("outlook.timezone=\"UTC\"")
    ///     .prefer("odata.maxpagesize=10");
    /// let request = events.to_http(&root)?;
    /// assert_eq!(request.headers()["prefer"], "outlook.timezone=\"UTC\", odata.maxpagesize=10");
    /// # Ok::<(), odata_codegen_runtime::Error>(())
    /// ```
    #[must_use]
    pub fn prefer(mut self, preference: &str) -> Self {
        let mut joined: Vec<&[u8]> = self
            .headers
            .get_all(PREFER)
            .iter()
            .map(HeaderValue::as_bytes)
            .collect();
        joined.push(preference.as_bytes());
        match HeaderValue::from_bytes(&joined.join(&b", "[..])) {
            Ok(value) => {
                self.headers.insert(PREFER, value);
            }
            Err(_) => {
                self.body_error = Some(format!(
                    "the preference {preference:?} is not a header value"
                ));
            }
        }
        self
    }

    /// Sends `ConsistencyLevel: eventual`: Graph's advanced queries on directory
    /// objects (`$count`, `$search`, `$filter` with `endsWith` or `ne`, `$orderby`
    /// on some properties) are answered only with it. `$count` and `$search` set
    /// it by themselves; this is for the other advanced queries.
    ///
    /// ```
    /// use odata_codegen_runtime::{ODataPath, Operation, Page, ServiceRoot};
    ///
    /// let users = Operation::<Page<serde_json::Value>>::get(ODataPath::root().segment("users"))
    ///     .filter("endsWith(mail,'@contoso.com')")
    ///     .consistency_level_eventual();
    /// let request = users.to_http(&ServiceRoot::new("https://graph.microsoft.com/v1.0")?)?;
    /// assert_eq!(request.headers()["consistencylevel"], "eventual");
    /// # Ok::<(), odata_codegen_runtime::Error>(())
    /// ```
    #[must_use]
    pub fn consistency_level_eventual(mut self) -> Self {
        self.headers
            .insert(CONSISTENCY_LEVEL, HeaderValue::from_static("eventual"));
        self
    }

    /// Limits each attempt of this request (from sending to the end of the body)
    /// to `timeout`, instead of the client's limit: a long export can get more
    /// time, an interactive lookup less. Plain data, like the rest of the
    /// operation: the `client` feature's `Client` honours it, and other HTTP
    /// clients can read it with [`request_timeout`](Self::request_timeout).
    ///
    /// ```
    /// use std::time::Duration;
    /// use odata_codegen_runtime::{ODataPath, Operation};
    ///
    /// let me = Operation::<serde_json::Value>::get(ODataPath::root().segment("me"))
    ///     .timeout(Duration::from_secs(5));
    /// assert_eq!(me.request_timeout(), Some(Duration::from_secs(5)));
    /// ```
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Retries this request at most `max_retries` times after the first attempt,
    /// instead of the client's setting (which says which failures are retried):
    /// `0` returns a throttling answer at once, to a caller that schedules its own
    /// retries.
    ///
    /// ```
    /// use odata_codegen_runtime::{ODataPath, Operation};
    ///
    /// let me = Operation::<serde_json::Value>::get(ODataPath::root().segment("me")).max_retries(0);
    /// assert_eq!(me.retry_limit(), Some(0));
    /// ```
    #[must_use]
    pub fn max_retries(mut self, max_retries: u32) -> Self {
        self.max_retries = Some(max_retries);
        self
    }

    /// The time limit set with [`timeout`](Self::timeout), if any: the client's
    /// applies otherwise.
    pub fn request_timeout(&self) -> Option<Duration> {
        self.timeout
    }

    /// The retry limit set with [`max_retries`](Self::max_retries), if any: the
    /// client's applies otherwise.
    pub fn retry_limit(&self) -> Option<u32> {
        self.max_retries
    }

    fn with_etag_header(mut self, name: HeaderName, etag: &str) -> Self {
        match HeaderValue::from_str(etag) {
            Ok(value) => {
                self.headers.insert(name, value);
            }
            Err(_) => {
                self.body_error = Some(format!("the ETag {etag:?} is not a header value"));
            }
        }
        self
    }

    /// Adds properties to `$select`: the response carries only these (and the key).
    #[must_use]
    pub fn select(self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.with_query_option(|q| q.select(properties))
    }

    /// Adds navigation properties to `$expand`, with nested options if wanted (e.g.
    /// `members($select=id)`): the response carries them inline.
    #[must_use]
    pub fn expand(self, properties: impl IntoIterator<Item = impl Into<String>>) -> Self {
        self.with_query_option(|q| q.expand(properties))
    }

    /// Adds any other query option (`$format`, a service-specific name), written after
    /// the system options.
    #[must_use]
    pub fn query_option(self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.with_query_option(|q| q.custom(name, value))
    }

    /// Replaces the query options with `query`, adding `ConsistencyLevel: eventual`
    /// when they need it.
    #[must_use]
    pub fn with_query(self, query: &QueryOptions) -> Self {
        self.with_query_option(|_| query.clone())
    }

    /// Changes the query options, adding `ConsistencyLevel: eventual` when they come
    /// to need it (`$count` or `$search`, which Graph answers only with it).
    fn with_query_option(mut self, change: impl FnOnce(QueryOptions) -> QueryOptions) -> Self {
        self.query = change(std::mem::take(&mut self.query));
        if self.query.needs_eventual_consistency() && !self.headers.contains_key(CONSISTENCY_LEVEL)
        {
            self.headers
                .insert(CONSISTENCY_LEVEL, HeaderValue::from_static("eventual"));
        }
        self
    }

    /// Adds a request header; a name added more than once is sent with each value,
    /// and replaces the default `Accept` or `Content-Type`.
    #[must_use]
    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> Self {
        self.headers.append(name, value);
        self
    }

    /// The HTTP method.
    pub fn method(&self) -> &Method {
        &self.method
    }

    /// The resource path. For an operation made by [`next_page`](Self::next_page)
    /// this is the path of the first page; the request goes to the next link.
    pub fn path(&self) -> &ODataPath {
        &self.path
    }

    /// The status that means success.
    pub fn success_status(&self) -> StatusCode {
        self.success
    }

    /// The query options.
    pub fn query(&self) -> &QueryOptions {
        &self.query
    }

    /// The serialized request body, if any.
    pub fn body(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// Builds the HTTP request: `root` + path + `?` + query (or the next link),
    /// with `Accept: application/json`, `Content-Type: application/json` when there
    /// is a body, and the added headers.
    ///
    /// A next link must be on the same scheme and host as `root`, so that
    /// credentials are never sent to a host a response named.
    pub fn to_http(&self, root: &ServiceRoot) -> Result<http::Request<Vec<u8>>, Error> {
        if let Some(reason) = &self.body_error {
            return Err(invalid_request(reason.clone()));
        }
        let uri = self.uri(root)?;
        let body = match &self.entity_id {
            Some((target, EntityIdPlacement::Body)) => Some(
                serde_json::to_vec(&serde_json::json!({ "@odata.id": format!("{root}{target}") }))
                    .map_err(|e| invalid_request(e.to_string()))?,
            ),
            _ if self.ieee754 => self.body_ieee754.clone().or_else(|| self.body.clone()),
            _ => self.body.clone(),
        };

        let json = HeaderValue::from_static(if self.ieee754 {
            "application/json;IEEE754Compatible=true"
        } else {
            "application/json"
        });
        let has_body = body.is_some();
        let mut request = http::Request::new(body.unwrap_or_default());
        *request.method_mut() = self.method.clone();
        *request.uri_mut() = uri;
        let headers = request.headers_mut();
        headers.insert(ACCEPT, json.clone());
        if has_body {
            let content_type = self.content_type.clone().unwrap_or(json);
            headers.insert(CONTENT_TYPE, content_type);
        }
        for name in self.headers.keys() {
            headers.remove(name);
        }
        for (name, value) in &self.headers {
            headers.append(name, value.clone());
        }
        Ok(request)
    }

    /// The request URI at `root`: root + path + query, or the next link.
    pub(crate) fn uri(&self, root: &ServiceRoot) -> Result<http::Uri, Error> {
        if let Some(link) = &self.next_link {
            if origin(link) != root.origin() {
                return Err(invalid_request(format!(
                    "{link} is not on the service root's host {root}: the token is sent only there"
                )));
            }
            return Ok(link.clone());
        }
        let mut query = self.query.clone();
        if let Some((target, EntityIdPlacement::Query)) = &self.entity_id {
            query = query.custom("$id", format!("{root}{target}"));
        }
        let mut url = format!("{root}{}", self.path);
        if !query.is_empty() {
            url.push('?');
            url.push_str(&query.to_query_string());
        }
        url.parse()
            .map_err(|e| invalid_request(format!("invalid request URI {url:?}: {e}")))
    }

    /// Reads a response.
    ///
    /// - The expected success status: the body parsed as `T`, or
    ///   [`Error::InvalidBody`] if it does not parse.
    /// - With feature `delta`, a delta query's lost sync state (see
    ///   [`ErrorKind::ResyncRequired`](crate::ErrorKind)): `Error::ResyncRequired`.
    /// - A 4xx or 5xx with the service's JSON error body: [`Error::Service`].
    /// - Anything else (another status, an HTML error page): [`Error::UnexpectedResponse`]
    ///   with the status, content type and the start of the body.
    pub fn parse_response<B: AsRef<[u8]>>(&self, response: &http::Response<B>) -> Result<T, Error> {
        let status = response.status();
        let body = response.body().as_ref();
        if status == self.success || (self.any_success && status.is_success()) {
            return (self.parse)(body).map_err(|source| invalid_body(status, source, body));
        }
        #[cfg(feature = "delta")]
        if status.is_client_error() {
            let location = header_text(response.headers(), &http::header::LOCATION);
            let service = service_error(status, response.headers(), body);
            let code = service.as_ref().map(|error| error.code.as_str());
            if crate::delta::requires_resync(status, location.is_some(), code) {
                return Err(Error::ResyncRequired {
                    status,
                    location,
                    service: service.map(Box::new),
                });
            }
        }
        Err(error_response(response))
    }

    /// An operation that `GET`s `next_link` (a page's `@odata.nextLink`) and reads
    /// it like this one; headers such as `ConsistencyLevel` are kept. A relative
    /// link (`Books?$skiptoken=10`, which OData allows) is resolved against this
    /// operation's URL at `root`, the request the page answered.
    pub fn next_page(&self, root: &ServiceRoot, next_link: &str) -> Result<Operation<T>, Error> {
        let next = self.at_link(root, next_link, "next link")?;
        if next.next_link == Some(self.uri(root)?) {
            // Following it would request this page again, forever.
            return Err(invalid_request(format!(
                "invalid next link {next_link:?}: the link names the page it is on"
            )));
        }
        Ok(next)
    }

    /// An operation that `GET`s `link` (a next or delta link, `what` in errors),
    /// resolved against this operation's URL at `root`, and reads it like this one.
    pub(crate) fn at_link(
        &self,
        root: &ServiceRoot,
        link: &str,
        what: &str,
    ) -> Result<Operation<T>, Error> {
        let invalid = |reason: &dyn fmt::Display| {
            invalid_request(format!("invalid {what} {link:?}: {reason}"))
        };
        check_link_text(link).map_err(|e| invalid(&e))?;
        let base = self.uri(root)?.to_string();
        let absolute = crate::path::resolve_link(&base, link).map_err(|e| invalid(&e))?;
        let uri = http_url(&absolute).map_err(|e| invalid(&e))?;
        Ok(Self {
            method: Method::GET,
            path: self.path.clone(),
            next_link: Some(uri),
            success: self.success,
            parse: self.parse,
            query: QueryOptions::default(),
            headers: self.headers.clone(),
            body: None,
            body_ieee754: None,
            ieee754: self.ieee754,
            content_type: None,
            body_error: None,
            any_success: self.any_success,
            entity_id: None,
            timeout: self.timeout,
            max_retries: self.max_retries,
        })
    }
}

impl<T> Clone for Operation<T> {
    fn clone(&self) -> Self {
        Self {
            method: self.method.clone(),
            path: self.path.clone(),
            next_link: self.next_link.clone(),
            success: self.success,
            parse: self.parse,
            query: self.query.clone(),
            headers: self.headers.clone(),
            body: self.body.clone(),
            body_ieee754: self.body_ieee754.clone(),
            ieee754: self.ieee754,
            content_type: self.content_type.clone(),
            body_error: self.body_error.clone(),
            any_success: self.any_success,
            entity_id: self.entity_id.clone(),
            timeout: self.timeout,
            max_retries: self.max_retries,
        }
    }
}

impl<T> fmt::Debug for Operation<T> {
    /// Shows the body's size only: bodies can be large or hold secrets.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Operation")
            .field("method", &self.method)
            .field("path", &self.path)
            .field("next_link", &self.next_link)
            .field("success", &self.success)
            .field("query", &self.query)
            .field("headers", &self.headers)
            .field("body_len", &self.body.as_ref().map(Vec::len))
            .field("ieee754", &self.ieee754)
            .field("body_error", &self.body_error)
            .field("any_success", &self.any_success)
            .field("entity_id", &self.entity_id)
            .field("timeout", &self.timeout)
            .field("max_retries", &self.max_retries)
            .finish_non_exhaustive()
    }
}

/// [`failure`] of a whole response.
pub(crate) fn error_response<B: AsRef<[u8]>>(response: &http::Response<B>) -> Error {
    failure(
        response.status(),
        response.headers(),
        response.body().as_ref(),
    )
}

/// The error for a success `body` that is not what `T` expects.
pub(crate) fn invalid_body(status: StatusCode, source: serde_json::Error, body: &[u8]) -> Error {
    Error::InvalidBody {
        status,
        source,
        excerpt: excerpt(body),
    }
}

/// Why `text`, a URL given to request (a link or a held URL), is refused before it is
/// resolved: a fragment, emptiness, spaces or control characters.
fn check_link_text(text: &str) -> Result<(), &'static str> {
    if text.contains('#') {
        return Err("a link cannot have a fragment");
    }
    if text.is_empty() || text.contains(|c: char| c.is_whitespace() || c.is_control()) {
        return Err("a link is a non-empty URL without spaces");
    }
    Ok(())
}

/// `text` as an absolute `http` or `https` URI.
fn http_url(text: &str) -> Result<http::Uri, String> {
    let uri: http::Uri = text
        .parse()
        .map_err(|e: http::uri::InvalidUri| e.to_string())?;
    check_http_url(&uri)?;
    Ok(uri)
}

fn invalid_request(reason: String) -> Error {
    Error::InvalidRequest { reason }
}

/// The error a response that is not the expected success reports: the service's
/// JSON error body for a 4xx or 5xx when it sent one, otherwise the status, content
/// type and the start of the body.
pub(crate) fn failure(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Error {
    if status.is_client_error() || status.is_server_error() {
        if let Some(error) = service_error(status, headers, body) {
            return Error::Service(Box::new(error));
        }
    }
    Error::UnexpectedResponse {
        status,
        content_type: header_text(headers, &CONTENT_TYPE),
        excerpt: excerpt(body),
    }
}

fn header_text(headers: &HeaderMap, name: &HeaderName) -> Option<String> {
    headers
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}

/// The start of `body` as text, at most [`EXCERPT_BYTES`] long, cut on a character
/// boundary, with `…` when cut.
fn excerpt(body: &[u8]) -> String {
    if body.len() <= EXCERPT_BYTES {
        return String::from_utf8_lossy(body).into_owned();
    }
    let mut end = EXCERPT_BYTES;
    // Step back over UTF-8 continuation bytes (at most 3 for a valid sequence).
    while end > EXCERPT_BYTES - 3 && body.get(end).is_some_and(|b| b & 0xC0 == 0x80) {
        end -= 1;
    }
    let mut text = String::from_utf8_lossy(body.get(..end).unwrap_or_default()).into_owned();
    text.push('…');
    text
}

/// The JSON error body that OData services (and Graph) send with 4xx and 5xx.
#[derive(Deserialize)]
struct ErrorEnvelope {
    error: ErrorBody,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    code: String,
    #[serde(default)]
    message: serde_json::Value,
    #[serde(rename = "innerError", alias = "innererror", default)]
    inner_error: Option<serde_json::Value>,
    #[serde(default)]
    details: Option<Vec<serde_json::Value>>,
}

fn service_error(status: StatusCode, headers: &HeaderMap, body: &[u8]) -> Option<ServiceError> {
    let ErrorEnvelope { error } = serde_json::from_slice(body).ok()?;
    let inner_text = |name: &str| {
        error
            .inner_error
            .as_ref()
            .and_then(|inner| inner.get(name))
            .and_then(serde_json::Value::as_str)
            .map(str::to_owned)
    };
    let request_id = inner_text("request-id")
        .or_else(|| header_text(headers, &HeaderName::from_static("request-id")));
    let client_request_id = inner_text("client-request-id")
        .or_else(|| header_text(headers, &HeaderName::from_static("client-request-id")));
    let date = inner_text("date").or_else(|| header_text(headers, &DATE));
    let message = match &error.message {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        // OData v3 and some services write {"lang": "en", "value": "..."}.
        other => other
            .get("value")
            .and_then(serde_json::Value::as_str)
            .map_or_else(|| other.to_string(), str::to_owned),
    };
    Some(ServiceError {
        status,
        code: error.code,
        message,
        request_id,
        client_request_id,
        date,
        inner_error: error.inner_error,
        details: error.details.unwrap_or_default(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Item {
        id: String,
    }

    fn root() -> ServiceRoot {
        ServiceRoot::new("https://graph.example/v1.0").unwrap()
    }

    fn get_items() -> Operation<Page<Item>> {
        Operation::new(
            Method::GET,
            ODataPath::root().segment("items"),
            StatusCode::OK,
            json,
        )
    }

    fn response(status: u16, content_type: &str, body: &str) -> http::Response<Vec<u8>> {
        http::Response::builder()
            .status(status)
            .header(CONTENT_TYPE, content_type)
            .body(body.as_bytes().to_vec())
            .unwrap()
    }

    #[test]
    fn to_http_builds_uri_and_headers() {
        let op = get_items()
            .with_query(&QueryOptions::default().select(["id"]).count(true))
            .with_header(
                HeaderName::from_static("prefer"),
                HeaderValue::from_static("a"),
            )
            .with_header(
                HeaderName::from_static("prefer"),
                HeaderValue::from_static("b"),
            );
        let request = op.to_http(&root()).unwrap();
        assert_eq!(request.method(), Method::GET);
        assert_eq!(
            request.uri().to_string(),
            "https://graph.example/v1.0/items?$select=id&$count=true"
        );
        assert_eq!(request.headers()[ACCEPT], "application/json");
        assert_eq!(request.headers()["consistencylevel"], "eventual");
        assert_eq!(request.headers().get_all("prefer").iter().count(), 2);
        assert!(request.headers().get(CONTENT_TYPE).is_none());
        assert!(request.body().is_empty());
        assert_eq!(op.query().to_query_string(), "$select=id&$count=true");
        assert_eq!(op.path().as_str(), "/items");
        assert_eq!(op.method(), Method::GET);
        assert_eq!(op.success_status(), StatusCode::OK);
        assert!(format!("{op:?}").contains("/items"));
    }

    #[test]
    fn to_http_with_body() {
        let op = Operation::new(
            Method::POST,
            ODataPath::root().segment("items"),
            StatusCode::CREATED,
            json::<Item>,
        )
        .with_json_body(&Item { id: "1".into() })
        .with_header(
            ACCEPT,
            HeaderValue::from_static("application/json;odata.metadata=none"),
        );
        assert_eq!(op.body(), Some(&br#"{"id":"1"}"#[..]));
        let request = op.to_http(&root()).unwrap();
        assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
        assert_eq!(request.headers().get_all(ACCEPT).iter().count(), 1);
        assert_eq!(
            request.headers()[ACCEPT],
            "application/json;odata.metadata=none"
        );
        assert_eq!(request.body(), br#"{"id":"1"}"#);
        let debug = format!("{op:?}");
        assert!(debug.contains("body_len: Some(10)"), "{debug}");
    }

    #[test]
    fn body_serialization_error_is_reported_by_to_http() {
        let mut map = std::collections::HashMap::new();
        map.insert(vec![1_u8], 1);
        let op = get_items().with_json_body(&map);
        assert!(op.body().is_none());
        let error = op.to_http(&root()).unwrap_err();
        assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
        assert!(error.to_string().contains("serialized"));
    }

    #[test]
    fn parse_success() {
        let op = get_items();
        let page = op
            .parse_response(&response(
                200,
                "application/json",
                r#"{"@odata.context":"c","value":[{"id":"a"}],"@odata.nextLink":"https://graph.example/v1.0/items?$skiptoken=x"}"#,
            ))
            .unwrap();
        assert_eq!(page.value, [Item { id: "a".into() }]);
        assert_eq!(page.context.as_deref(), Some("c"));
        assert!(page.next_link.is_some());
        assert_eq!(page.count, None);
        let written = serde_json::to_string(&Page::<Item> {
            value: vec![],
            next_link: None,
            count: Some(2),
            delta_link: None,
            context: None,
        })
        .unwrap();
        assert_eq!(written, r#"{"value":[],"@odata.count":2}"#);
    }

    #[test]
    fn parse_no_content() {
        let op = Operation::new(
            Method::DELETE,
            ODataPath::root().segment("items").key("a"),
            StatusCode::NO_CONTENT,
            no_content,
        );
        op.parse_response(&response(204, "text/plain", "")).unwrap();
    }

    #[test]
    fn parse_graph_error() {
        let body = r#"{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist.",
            "innerError":{"date":"2024-01-01T00:00:00","request-id":"rid","client-request-id":"cid"},
            "details":[{"code":"a"}]}}"#;
        let error = get_items()
            .parse_response(&response(404, "application/json", body))
            .unwrap_err();
        let Error::Service(service) = &error else {
            panic!("{error:?}")
        };
        assert_eq!(service.status, StatusCode::NOT_FOUND);
        assert_eq!(service.code, "Request_ResourceNotFound");
        assert_eq!(service.message, "Resource 'x' does not exist.");
        assert_eq!(service.request_id.as_deref(), Some("rid"));
        assert_eq!(service.client_request_id.as_deref(), Some("cid"));
        assert_eq!(service.date.as_deref(), Some("2024-01-01T00:00:00"));
        assert_eq!(service.details.len(), 1);
        assert_eq!(error.status(), Some(StatusCode::NOT_FOUND));
        assert!(error.service_error().is_some());
        assert_eq!(
            error.to_string(),
            "HTTP 404 Not Found: Request_ResourceNotFound: Resource 'x' does not exist. \
             (request-id: rid, date: 2024-01-01T00:00:00)"
        );
    }

    #[test]
    fn parse_odata_error_with_header_ids() {
        let body = r#"{"error":{"code":"X","message":{"lang":"en","value":"Bad"}}}"#;
        let mut response = response(500, "application/json", body);
        response
            .headers_mut()
            .insert("request-id", HeaderValue::from_static("hdr"));
        let error = get_items().parse_response(&response).unwrap_err();
        let service = error.service_error().unwrap();
        assert_eq!(service.message, "Bad");
        assert_eq!(service.request_id.as_deref(), Some("hdr"));
        assert_eq!(service.date, None);
        assert_eq!(
            error.to_string(),
            "HTTP 500 Internal Server Error: X: Bad (request-id: hdr)"
        );
    }

    #[test]
    fn parse_html_error_page() {
        let html = format!("<html><body>{}</body></html>", "é".repeat(2000));
        let error = get_items()
            .parse_response(&response(502, "text/html", &html))
            .unwrap_err();
        let Error::UnexpectedResponse {
            status,
            content_type,
            excerpt,
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(*status, StatusCode::BAD_GATEWAY);
        assert_eq!(content_type.as_deref(), Some("text/html"));
        assert!(excerpt.len() <= EXCERPT_BYTES + '…'.len_utf8());
        assert!(excerpt.starts_with("<html><body>é"));
        assert!(excerpt.ends_with("é…"), "{excerpt}");
        assert!(
            error
                .to_string()
                .contains("HTTP 502 Bad Gateway, content type text/html")
        );
    }

    #[test]
    fn parse_wrong_success_status() {
        let error = get_items()
            .parse_response(&response(202, "application/json", "{}"))
            .unwrap_err();
        assert!(
            matches!(error, Error::UnexpectedResponse { status, .. } if status == StatusCode::ACCEPTED)
        );
        let mut bare = http::Response::new(Vec::new());
        *bare.status_mut() = StatusCode::INTERNAL_SERVER_ERROR;
        let error = get_items().parse_response(&bare).unwrap_err();
        assert!(error.to_string().contains("content type (none)"), "{error}");
    }

    #[test]
    fn parse_invalid_json() {
        let error = get_items()
            .parse_response(&response(200, "application/json", "{\"value\": [1"))
            .unwrap_err();
        let Error::InvalidBody {
            status, excerpt, ..
        } = &error
        else {
            panic!("{error:?}")
        };
        assert_eq!(*status, StatusCode::OK);
        assert_eq!(excerpt, "{\"value\": [1");
        let invalid_utf8 = [0xff, 0xfe];
        assert!(
            get_items()
                .parse_response(&http::Response::new(&invalid_utf8[..]))
                .is_err()
        );
    }

    #[test]
    fn query_options_chain_on_the_operation() {
        let list = get_items()
            .select(["id", "displayName"])
            .filter("startswith(displayName,'A&B')")
            .orderby(["displayName desc"])
            .top(5)
            .skip(10)
            .expand(["manager($select=id)"])
            .query_option("$format", "json");
        assert_eq!(
            list.to_http(&root()).unwrap().uri().to_string(),
            "https://graph.example/v1.0/items?$select=id,displayName&$expand=manager($select%3Did)\
             &$filter=startswith(displayName,'A%26B')&$orderby=displayName%20desc&$top=5&$skip=10\
             &$format=json"
        );
        assert!(list.headers.get(CONSISTENCY_LEVEL).is_none());

        let counted = get_items().count(true);
        assert_eq!(counted.headers.get(CONSISTENCY_LEVEL).unwrap(), "eventual");
        let how_many = Operation::count_of(ODataPath::root().segment("items"))
            .filter("a eq 1")
            .search("\"b\"");
        let request = how_many.to_http(&root()).unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://graph.example/v1.0/items/$count?$filter=a%20eq%201&$search=%22b%22"
        );
        assert_eq!(
            request.headers().get(CONSISTENCY_LEVEL).unwrap(),
            "eventual"
        );
        // A ConsistencyLevel the caller set is theirs.
        let own = get_items()
            .with_header(CONSISTENCY_LEVEL, HeaderValue::from_static("session"))
            .search("x");
        let sent: Vec<_> = own.headers.get_all(CONSISTENCY_LEVEL).iter().collect();
        assert_eq!(sent, ["session"]);
    }

    #[test]
    fn excerpt_handles_odd_bytes() {
        assert_eq!(excerpt(b""), "");
        let garbage = vec![0x80; 3000];
        let text = excerpt(&garbage);
        assert!(text.ends_with('…'));
        assert!(text.chars().count() <= EXCERPT_BYTES + 1);
    }

    #[test]
    fn next_page_requests_the_link() {
        let op = get_items().with_query(&QueryOptions::default().search("\"a\""));
        let next = op
            .next_page(&root(), "https://GRAPH.example/v1.0/items?$skiptoken=abc")
            .unwrap();
        let request = next.to_http(&root()).unwrap();
        assert_eq!(
            request.uri().to_string(),
            "https://GRAPH.example/v1.0/items?$skiptoken=abc"
        );
        assert_eq!(request.method(), Method::GET);
        assert_eq!(request.headers()["consistencylevel"], "eventual");
        assert!(next.query().is_empty());
        assert_eq!(next.path(), op.path());
    }

    #[test]
    fn relative_next_links_resolve_against_the_request() {
        let op = get_items().top(5);
        let link = |op: &Operation<Page<Item>>, link: &str| {
            let next = op.next_page(&root(), link).unwrap();
            next.to_http(&root()).unwrap().uri().to_string()
        };
        assert_eq!(
            link(&op, "items?%24skiptoken=10"),
            "https://graph.example/v1.0/items?%24skiptoken=10"
        );
        assert_eq!(
            link(&op, "/v1.0/items?$skip=1"),
            "https://graph.example/v1.0/items?$skip=1"
        );
        let second = op.next_page(&root(), "items?$skip=5").unwrap();
        assert_eq!(
            link(&second, "items?$skip=10"),
            "https://graph.example/v1.0/items?$skip=10",
            "a link on a later page is relative to that page's URL"
        );
        let nested = Operation::<Page<Item>>::get(ODataPath::root().segment("a").segment("b"));
        assert_eq!(link(&nested, "c?x=1"), "https://graph.example/v1.0/a/c?x=1");
    }

    #[test]
    fn next_page_rejects_bad_links() {
        let op = get_items();
        for link in [
            "",
            "ftp://graph.example/x",
            "https://graph.example/x#f",
            "https://u:p@graph.example/x",
            "not a url",
            "https://graph.example/v1.0/items",
        ] {
            let error = op.next_page(&root(), link).unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{link}");
        }
        let elsewhere = op
            .next_page(&root(), "https://attacker.example/v1.0/items")
            .unwrap();
        assert!(matches!(
            elsewhere.to_http(&root()),
            Err(Error::InvalidRequest { .. })
        ));
        let other_port = op
            .next_page(&root(), "https://graph.example:444/v1.0/items")
            .unwrap();
        assert!(other_port.to_http(&root()).is_err());
        let plain = op
            .next_page(&root(), "http://graph.example/v1.0/items")
            .unwrap();
        assert!(plain.to_http(&root()).is_err());
        let relative_elsewhere = op.next_page(&root(), "//attacker.example/items").unwrap();
        assert!(relative_elsewhere.to_http(&root()).is_err());
    }

    #[test]
    fn at_url_checks_the_url_and_next_pages_keep_the_request_options() {
        for url in [
            "",
            "users",
            "ftp://graph.example/x",
            "https://graph.example/x#f",
            "https://u:p@graph.example/x",
            "https://graph.example/a b",
        ] {
            let error = Operation::at_url(Method::GET, url, StatusCode::OK, json::<Page<Item>>)
                .unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{url}");
        }
        let held = Operation::at_url(
            Method::GET,
            "https://graph.example/v1.0/items?$skiptoken=1",
            StatusCode::OK,
            json::<Page<Item>>,
        )
        .unwrap()
        .timeout(Duration::from_secs(7))
        .max_retries(1);
        assert!(held.path().is_root());
        let next = held.next_page(&root(), "items?$skiptoken=2").unwrap();
        assert_eq!(
            next.to_http(&root()).unwrap().uri(),
            "https://graph.example/v1.0/items?$skiptoken=2"
        );
        assert_eq!(next.request_timeout(), Some(Duration::from_secs(7)));
        assert_eq!(next.retry_limit(), Some(1));
        assert_eq!(get_items().request_timeout(), None);
        assert_eq!(get_items().retry_limit(), None);
    }

    #[test]
    fn prefer_joins_preferences_and_rejects_what_is_no_header_value() {
        let op = get_items()
            .with_header(PREFER, HeaderValue::from_static("return=minimal"))
            .prefer("odata.maxpagesize=5");
        assert_eq!(
            op.to_http(&root()).unwrap().headers()[PREFER],
            "return=minimal, odata.maxpagesize=5"
        );
        let error = get_items().prefer("a\nb").to_http(&root()).unwrap_err();
        assert!(error.to_string().contains("preference"), "{error}");
        let eventual = get_items()
            .consistency_level_eventual()
            .consistency_level_eventual();
        let sent: Vec<_> = eventual.headers.get_all(CONSISTENCY_LEVEL).iter().collect();
        assert_eq!(sent, ["eventual"]);
    }
}
