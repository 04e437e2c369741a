//! OData `$batch`: many operations in one HTTP request (feature `batch`).
//!
//! A [`Batch`] collects [`Operation`]s and turns them into one `POST {root}/$batch`
//! request, as plain data like an operation: [`Batch::to_http`] builds it and
//! [`Batch::parse_response`] splits the answer into one response per operation.
//! Each operation's result is then read with that operation's own
//! [`Operation::parse_response`], so a failed request of the batch is a typed
//! [`Error`] of that request alone.

mod json;
mod multipart;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};

use http::header::{ACCEPT, CONTENT_TYPE};
use http::{HeaderName, HeaderValue, Method, StatusCode};

use crate::{Error, Operation, ServiceRoot};

/// How many requests Microsoft Graph accepts in one batch.
pub(crate) const DEFAULT_MAX_REQUESTS: usize = 20;

const PREFER: HeaderName = HeaderName::from_static("prefer");

/// Tells every batch apart, so that an item is never read from another batch's results.
static NEXT_BATCH: AtomicU64 = AtomicU64::new(1);

/// The wire format of a batch.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BatchFormat {
    /// OData 4.01 JSON batch (`application/json`, `{"requests": [...]}`), the format
    /// of Microsoft Graph.
    #[default]
    Json,
    /// `multipart/mixed`, the batch format of OData 4.0 services; atomicity groups
    /// become change sets.
    Multipart,
}

/// The handle of one request in a [`Batch`], for naming it as a dependency of
/// later requests ([`Batch::add_after`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct RequestId {
    batch: u64,
    index: usize,
}

impl fmt::Display for RequestId {
    /// The id the request has on the wire (`id` in JSON, `Content-ID` in multipart).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.index + 1)
    }
}

/// An operation added to a [`Batch`]: take its typed result from the batch's
/// [`BatchResults`] with [`BatchResults::get`].
pub struct BatchItem<T> {
    id: RequestId,
    operation: Operation<T>,
}

impl<T> BatchItem<T> {
    /// This request's handle, for [`Batch::add_after`].
    pub fn id(&self) -> RequestId {
        self.id
    }

    /// The operation, which reads this request's response.
    pub fn operation(&self) -> &Operation<T> {
        &self.operation
    }
}

impl<T> fmt::Debug for BatchItem<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BatchItem")
            .field("id", &self.id)
            .field("operation", &self.operation)
            .finish()
    }
}

/// Builds the HTTP request of one operation: the type-erased part of an
/// [`Operation`] a batch keeps.
trait BuildRequest: Send + Sync {
    fn build(&self, root: &ServiceRoot) -> Result<http::Request<Vec<u8>>, Error>;
}

impl<T> BuildRequest for Operation<T> {
    fn build(&self, root: &ServiceRoot) -> Result<http::Request<Vec<u8>>, Error> {
        self.to_http(root)
    }
}

/// One request of a batch.
struct Entry {
    request: Box<dyn BuildRequest>,
    /// Indices of earlier requests that must succeed first.
    depends_on: Vec<usize>,
    /// The atomicity group the request belongs to, if any.
    group: Option<usize>,
}

/// Many [`Operation`]s sent as one OData `$batch` request.
///
/// Add operations with [`add`](Self::add) (each returns a typed [`BatchItem`]),
/// order them with [`add_after`](Self::add_after) (`dependsOn`: run only after
/// the named requests succeeded) and make sets that succeed or fail together with
/// [`atomicity_group`](Self::atomicity_group). Each request gets a generated id,
/// unique in the batch; the service may answer in any order and responses are
/// matched by id.
///
/// Sub-request URLs are relative: OData resolves them against the batch URL
/// (`{root}/$batch`), so a request for `{root}/users/1` is written `users/1`.
/// Microsoft Graph documents a leading slash instead (`/users/1`, relative to its
/// version root), which is written when the service root's host is a Graph host
/// (`graph.microsoft.com`, `graph.microsoft.us`, `dod-graph.microsoft.us`,
/// `microsoftgraph.chinacloudapi.cn`).
///
/// ```
/// use odata_codegen_runtime::{Batch, ODataPath, Operation, ServiceRoot, http};
///
/// #[derive(serde::Deserialize)]
/// struct User {
///     id: String,
/// }
///
/// let root = ServiceRoot::new("https://graph.microsoft.com/v1.0")?;
/// let mut batch = Batch::new();
/// let me = batch.add(&Operation::<User>::get(ODataPath::root().segment("me")));
/// let request = batch.to_http(&root)?;
/// assert_eq!(request.uri(), "https://graph.microsoft.com/v1.0/$batch");
///
/// let response = http::Response::builder()
///     .header("content-type", "application/json")
///     .body(r#"{"responses":[{"id":"1","status":200,"body":{"id":"42"}}]}"#)?;
/// let results = batch.parse_response(&response)?;
/// assert_eq!(results.get(&me)?.id, "42");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Batch {
    id: u64,
    format: BatchFormat,
    max_requests: usize,
    entries: Vec<Entry>,
    groups: usize,
}

impl Default for Batch {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for Batch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Batch")
            .field("format", &self.format)
            .field("max_requests", &self.max_requests)
            .field("requests", &self.entries.len())
            .field("groups", &self.groups)
            .finish_non_exhaustive()
    }
}

impl Batch {
    /// An empty JSON batch, sent at most 20 requests per HTTP request (Graph's limit).
    pub fn new() -> Self {
        Self {
            id: NEXT_BATCH.fetch_add(1, Ordering::Relaxed),
            format: BatchFormat::Json,
            max_requests: DEFAULT_MAX_REQUESTS,
            entries: Vec::new(),
            groups: 0,
        }
    }

    /// Sets the wire format (default [`BatchFormat::Json`]).
    #[must_use]
    pub fn with_format(mut self, format: BatchFormat) -> Self {
        self.format = format;
        self
    }

    /// Sets how many requests one HTTP batch request may carry when the batch is sent
    /// with the client (default 20, Graph's limit); larger batches are split.
    #[must_use]
    pub fn with_max_requests(mut self, max_requests: usize) -> Self {
        self.max_requests = max_requests;
        self
    }

    /// The wire format.
    pub fn format(&self) -> BatchFormat {
        self.format
    }

    /// How many requests one HTTP batch request may carry.
    pub fn max_requests(&self) -> usize {
        self.max_requests
    }

    /// How many requests the batch holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the batch holds no request.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Adds `operation`; its result is read with the returned item.
    pub fn add<T: 'static>(&mut self, operation: &Operation<T>) -> BatchItem<T> {
        self.push(operation, Vec::new(), None)
    }

    /// Adds `operation` to run only after the requests `depends_on` succeeded
    /// (OData's `dependsOn`); if one fails, the service answers this one with
    /// `424 Failed Dependency` ([`ErrorKind::FailedDependency`](crate::ErrorKind)).
    ///
    /// Fails if a handle belongs to another batch.
    pub fn add_after<T: 'static>(
        &mut self,
        operation: &Operation<T>,
        depends_on: &[RequestId],
    ) -> Result<BatchItem<T>, Error> {
        let depends_on = self.own_indices(depends_on)?;
        Ok(self.push(operation, depends_on, None))
    }

    /// Starts an atomicity group: the requests added through the returned
    /// [`AtomicityGroup`] succeed or fail together (a change set in multipart). The
    /// group ends when it is dropped; while it lives, requests can only be added
    /// through it, so that its requests stay adjacent as OData requires.
    pub fn atomicity_group(&mut self) -> AtomicityGroup<'_> {
        let group = self.groups;
        self.groups += 1;
        AtomicityGroup { batch: self, group }
    }

    fn push<T: 'static>(
        &mut self,
        operation: &Operation<T>,
        depends_on: Vec<usize>,
        group: Option<usize>,
    ) -> BatchItem<T> {
        let id = RequestId {
            batch: self.id,
            index: self.entries.len(),
        };
        self.entries.push(Entry {
            request: Box::new(operation.clone()),
            depends_on,
            group,
        });
        BatchItem {
            id,
            operation: operation.clone(),
        }
    }

    /// The indices of `ids`, which must be requests of this batch.
    fn own_indices(&self, ids: &[RequestId]) -> Result<Vec<usize>, Error> {
        ids.iter()
            .map(|id| {
                if id.batch == self.id && id.index < self.entries.len() {
                    Ok(id.index)
                } else {
                    Err(Error::InvalidRequest {
                        reason: format!("request {id} named as a dependency is not in this batch"),
                    })
                }
            })
            .collect()
    }

    /// Builds the `POST {root}/$batch` request carrying every request of the batch,
    /// however many (the client splits by [`max_requests`](Self::max_requests)).
    pub fn to_http(&self, root: &ServiceRoot) -> Result<http::Request<Vec<u8>>, Error> {
        let all: Vec<usize> = (0..self.entries.len()).collect();
        self.to_http_of(root, &all)
    }

    /// Builds the batch request of the requests at `members` (ascending indices);
    /// dependencies on requests outside `members` are left out, as those have
    /// succeeded in an earlier batch.
    pub(crate) fn to_http_of(
        &self,
        root: &ServiceRoot,
        members: &[usize],
    ) -> Result<http::Request<Vec<u8>>, Error> {
        if members.is_empty() {
            return Err(Error::InvalidRequest {
                reason: "a batch needs at least one request".to_owned(),
            });
        }
        let graph = is_graph(root);
        let mut requests = Vec::with_capacity(members.len());
        for &index in members {
            let Some(entry) = self.entries.get(index) else {
                continue;
            };
            let request = entry.request.build(root)?;
            let (parts, body) = request.into_parts();
            requests.push(SubRequest {
                id: index,
                method: parts.method,
                url: relative_url(root, &parts.uri, graph),
                headers: parts.headers,
                body,
                depends_on: entry
                    .depends_on
                    .iter()
                    .copied()
                    .filter(|dependency| members.contains(dependency))
                    .collect(),
                group: entry.group,
            });
        }
        let (content_type, body) = match self.format {
            BatchFormat::Json => (
                HeaderValue::from_static("application/json"),
                json::write(&requests)?,
            ),
            BatchFormat::Multipart => multipart::write(&requests)?,
        };
        let url = format!("{root}/$batch");
        let mut request = http::Request::new(body);
        *request.method_mut() = Method::POST;
        *request.uri_mut() = url.parse().map_err(|e| Error::InvalidRequest {
            reason: format!("invalid batch URI {url:?}: {e}"),
        })?;
        let headers = request.headers_mut();
        headers.insert(CONTENT_TYPE, content_type);
        headers.insert(
            ACCEPT,
            HeaderValue::from_static(match self.format {
                BatchFormat::Json => "application/json",
                BatchFormat::Multipart => "multipart/mixed",
            }),
        );
        if requests.iter().all(|request| request.depends_on.is_empty()) {
            // Independent requests each get their own answer, as in Graph's JSON
            // batches; with dependencies, a failure stops the requests after it.
            headers.insert(PREFER, HeaderValue::from_static("odata.continue-on-error"));
        }
        Ok(request)
    }

    /// Splits the batch's response into one response per request.
    ///
    /// A batch response other than `200` (the batch request itself failed) is its
    /// [`Error`], read like an operation's. The body is read by its own content
    /// type, JSON or multipart, whatever [`format`](Self::format) the batch has.
    pub fn parse_response<B: AsRef<[u8]>>(
        &self,
        response: &http::Response<B>,
    ) -> Result<BatchResults, Error> {
        let all: Vec<usize> = (0..self.entries.len()).collect();
        let answers = self.parse_response_of(&all, response)?;
        let mut results = BatchResults::new(self.id);
        results.record(&all, answers);
        Ok(results)
    }

    /// The responses to the requests at `members` that `response` carries.
    pub(crate) fn parse_response_of<B: AsRef<[u8]>>(
        &self,
        members: &[usize],
        response: &http::Response<B>,
    ) -> Result<HashMap<usize, Answer>, Error> {
        let status = response.status();
        let body = response.body().as_ref();
        if status != StatusCode::OK {
            return Err(crate::operation::failure(status, response.headers(), body));
        }
        let content_type = response
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let media_type = content_type
            .split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let answers = match media_type.as_str() {
            "multipart/mixed" => {
                let units = self.units(members);
                multipart::read(content_type, body, &units)
            }
            _ if is_json(&media_type) => json::read(body, members),
            _ => Err(format!(
                "the batch response has content type {content_type:?}, \
                 neither JSON nor multipart/mixed"
            )),
        };
        answers.map_err(|reason| Error::Batch { reason })
    }

    /// `members` as multipart parts: single requests, and the requests of each
    /// atomicity group together.
    fn units(&self, members: &[usize]) -> Vec<Unit> {
        let mut units: Vec<Unit> = Vec::new();
        for &index in members {
            let group = self.entries.get(index).and_then(|entry| entry.group);
            match (group, units.last_mut()) {
                (Some(group), Some(Unit::Group(last, requests))) if *last == group => {
                    requests.push(index);
                }
                (Some(group), _) => units.push(Unit::Group(group, vec![index])),
                (None, _) => units.push(Unit::Single(index)),
            }
        }
        units
    }

    #[cfg(feature = "client")]
    /// The sets of requests that must travel in one HTTP batch: those linked by
    /// `dependsOn` or by an atomicity group, in order of their first request.
    pub(crate) fn chains(&self, members: &[usize]) -> Vec<Vec<usize>> {
        let links: Vec<(usize, Vec<usize>, Option<usize>)> = members
            .iter()
            .filter_map(|&index| {
                let entry = self.entries.get(index)?;
                Some((index, entry.depends_on.clone(), entry.group))
            })
            .collect();
        chains(&links)
    }

    #[cfg(feature = "client")]
    /// The indices of the requests that depend on `index`, directly or not.
    pub(crate) fn dependents(&self, index: usize) -> Vec<usize> {
        let mut found = vec![index];
        for (later, entry) in self.entries.iter().enumerate().skip(index + 1) {
            if entry.depends_on.iter().any(|d| found.contains(d)) {
                found.push(later);
            }
        }
        found.remove(0);
        found
    }

    #[cfg(feature = "client")]
    /// The requests in the same atomicity group as `index`, itself included.
    pub(crate) fn group_of(&self, index: usize) -> Vec<usize> {
        match self.entries.get(index).and_then(|entry| entry.group) {
            Some(group) => (0..self.entries.len())
                .filter(|&i| self.entries.get(i).and_then(|e| e.group) == Some(group))
                .collect(),
            None => vec![index],
        }
    }

    #[cfg(feature = "client")]
    pub(crate) fn id(&self) -> u64 {
        self.id
    }
}

/// Requests added here succeed or fail together; see [`Batch::atomicity_group`].
pub struct AtomicityGroup<'a> {
    batch: &'a mut Batch,
    group: usize,
}

impl fmt::Debug for AtomicityGroup<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AtomicityGroup")
            .field("group", &self.group)
            .finish_non_exhaustive()
    }
}

impl AtomicityGroup<'_> {
    /// Adds `operation` to the group.
    pub fn add<T: 'static>(&mut self, operation: &Operation<T>) -> BatchItem<T> {
        self.batch.push(operation, Vec::new(), Some(self.group))
    }

    /// Adds `operation` to the group, to run only after the requests `depends_on`
    /// (see [`Batch::add_after`]).
    pub fn add_after<T: 'static>(
        &mut self,
        operation: &Operation<T>,
        depends_on: &[RequestId],
    ) -> Result<BatchItem<T>, Error> {
        let depends_on = self.batch.own_indices(depends_on)?;
        Ok(self.batch.push(operation, depends_on, Some(self.group)))
    }
}

/// One response of a batch, or why a request got none.
pub(crate) type Answer = Result<http::Response<Vec<u8>>, String>;

/// The responses of a sent batch; read each request's typed result with
/// [`get`](Self::get).
#[derive(Debug)]
pub struct BatchResults {
    batch: u64,
    answers: HashMap<usize, Answer>,
}

impl BatchResults {
    pub(crate) fn new(batch: u64) -> Self {
        Self {
            batch,
            answers: HashMap::new(),
        }
    }

    /// Records the answers to `members`; a member without one is recorded as not
    /// answered.
    pub(crate) fn record(&mut self, members: &[usize], mut answers: HashMap<usize, Answer>) {
        for &index in members {
            let answer = answers
                .remove(&index)
                .unwrap_or_else(|| Err("the batch response has no response to it".to_owned()));
            self.answers.insert(index, answer);
        }
    }

    /// Records `reason` as the answer of each of `members`.
    #[cfg(feature = "client")]
    pub(crate) fn record_failure(&mut self, members: &[usize], reason: &str) {
        for &index in members {
            self.answers.insert(index, Err(reason.to_owned()));
        }
    }

    /// The response recorded for `index`.
    #[cfg(feature = "client")]
    pub(crate) fn answer(&self, index: usize) -> Option<&Answer> {
        self.answers.get(&index)
    }

    /// The typed result of `item`, read by its operation's
    /// [`parse_response`](Operation::parse_response): a failed request is its own
    /// [`Error`]. A request the batch response did not answer, or answered with a
    /// body that could not be read, is [`Error::Batch`]; an item of another batch
    /// is [`Error::InvalidRequest`].
    pub fn get<T>(&self, item: &BatchItem<T>) -> Result<T, Error> {
        if item.id.batch != self.batch {
            return Err(Error::InvalidRequest {
                reason: format!("request {} is an item of another batch", item.id),
            });
        }
        match self.answers.get(&item.id.index) {
            Some(Ok(response)) => item.operation.parse_response(response),
            Some(Err(reason)) => Err(Error::Batch {
                reason: format!("request {}: {reason}", item.id),
            }),
            None => Err(Error::Batch {
                reason: format!("request {} was not sent with this batch", item.id),
            }),
        }
    }

    /// The status the service answered request `id` with, if it answered it.
    pub fn status(&self, id: RequestId) -> Option<StatusCode> {
        if id.batch != self.batch {
            return None;
        }
        match self.answers.get(&id.index) {
            Some(Ok(response)) => Some(response.status()),
            _ => None,
        }
    }
}

/// A request of the batch as it goes on the wire.
struct SubRequest {
    /// Index in the batch; the wire id is `id + 1`.
    id: usize,
    method: Method,
    url: String,
    headers: http::HeaderMap,
    body: Vec<u8>,
    depends_on: Vec<usize>,
    group: Option<usize>,
}

/// A top-level part of a multipart batch.
#[derive(Debug)]
enum Unit {
    Single(usize),
    /// An atomicity group (its number) and its requests: a change set.
    Group(usize, Vec<usize>),
}

/// Whether `media_type` (lower case, without parameters) is JSON.
fn is_json(media_type: &str) -> bool {
    media_type == "application/json" || media_type.ends_with("+json")
}

/// Whether `root` is on a Microsoft Graph host, of any cloud.
fn is_graph(root: &ServiceRoot) -> bool {
    crate::GraphCloud::of(root).is_some()
}

/// `uri` relative to the batch URL: `users/1` by OData's rule, `/users/1` on
/// Graph. A URI outside the service root (a next link elsewhere on its host) is
/// written absolute.
fn relative_url(root: &ServiceRoot, uri: &http::Uri, graph: bool) -> String {
    let absolute = uri.to_string();
    match absolute.strip_prefix(root.as_str()) {
        Some(rest) if rest.is_empty() || rest.starts_with(['/', '?']) => {
            let rest = rest.strip_prefix('/').unwrap_or(rest);
            if graph {
                format!("/{rest}")
            } else {
                rest.to_owned()
            }
        }
        _ => absolute,
    }
}

#[cfg(any(test, feature = "client"))]
/// Groups requests, given as (index, dependencies, atomicity group) in ascending
/// index order, into the sets that must travel together, ordered by first index;
/// each set is in ascending order.
fn chains(links: &[(usize, Vec<usize>, Option<usize>)]) -> Vec<Vec<usize>> {
    // Union-find over positions in `links`.
    let position: HashMap<usize, usize> = links
        .iter()
        .enumerate()
        .map(|(position, (index, _, _))| (*index, position))
        .collect();
    let mut parent: Vec<usize> = (0..links.len()).collect();
    fn find(parent: &mut [usize], mut at: usize) -> usize {
        while let Some(&up) = parent.get(at) {
            if up == at {
                break;
            }
            // Path halving keeps the trees flat.
            let grand = parent.get(up).copied().unwrap_or(up);
            if let Some(slot) = parent.get_mut(at) {
                *slot = grand;
            }
            at = up;
        }
        at
    }
    let mut group_first: HashMap<usize, usize> = HashMap::new();
    for (at, (_, depends_on, group)) in links.iter().enumerate() {
        let mut others: Vec<usize> = depends_on
            .iter()
            .filter_map(|dependency| position.get(dependency).copied())
            .collect();
        if let Some(group) = group {
            others.push(*group_first.entry(*group).or_insert(at));
        }
        for other in others {
            let (a, b) = (find(&mut parent, at), find(&mut parent, other));
            // The smaller root wins, so a set's root is its first request.
            if let Some(slot) = parent.get_mut(a.max(b)) {
                *slot = a.min(b);
            }
        }
    }
    let mut sets: Vec<Vec<usize>> = Vec::new();
    let mut set_of_root: HashMap<usize, usize> = HashMap::new();
    for (at, (index, _, _)) in links.iter().enumerate() {
        let root = find(&mut parent, at);
        let set = *set_of_root.entry(root).or_insert_with(|| {
            sets.push(Vec::new());
            sets.len() - 1
        });
        if let Some(members) = sets.get_mut(set) {
            members.push(*index);
        }
    }
    sets
}

#[cfg(any(test, feature = "client"))]
/// Packs `chains` (each in ascending order) into batches of at most `limit`
/// requests: each chain whole into the first batch with room, each batch in
/// ascending order so that dependencies come before the requests that need them.
/// Fails if a chain alone is larger than `limit`.
pub(crate) fn split(chains: Vec<Vec<usize>>, limit: usize) -> Result<Vec<Vec<usize>>, Error> {
    let mut batches: Vec<Vec<usize>> = Vec::new();
    for chain in chains {
        if chain.len() > limit {
            let first = chain.first().map_or(0, |index| index + 1);
            return Err(Error::InvalidRequest {
                reason: format!(
                    "{} requests linked by dependsOn or an atomicity group (from request {first}) \
                     must go in one batch, which takes at most {limit}",
                    chain.len()
                ),
            });
        }
        match batches
            .iter_mut()
            .find(|batch| batch.len() + chain.len() <= limit)
        {
            Some(batch) => batch.extend(chain),
            None => batches.push(chain),
        }
    }
    for batch in &mut batches {
        batch.sort_unstable();
    }
    Ok(batches)
}
