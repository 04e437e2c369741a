//! Delta queries (feature `delta`): Microsoft Graph's change tracking, as plain data.
//!
//! A delta function (`/users/delta()`) returns a collection in rounds. The first
//! round is a full sync: every entity, over pages linked by `@odata.nextLink`
//! (pages may be empty). Its last page carries an `@odata.deltaLink` instead; a
//! later request to that link returns only what changed since, again ending with
//! a new delta link. Each page is a [`Delta`] of [`Change`]s: an entity created or
//! updated (for some resources only its changed properties), or the id of one
//! removed, with the [`RemovedReason`].
//!
//! [`Operation::next_step`] tells what follows a page: the next page's operation,
//! or the round's [`DeltaLink`] to store. [`Operation::resume`] starts the next
//! round from a stored link, and [`Operation::starting_now`] asks for a delta link
//! without the full sync. With the `client` feature, `Client::delta` streams the
//! changes of a whole round and ends with its delta link. When the service has lost
//! the sync state, requests fail with [`Error::ResyncRequired`], and
//! [`Operation::restart`] starts over with a full sync.
//!
//! ```
//! use odata_codegen_runtime::{
//!     Change, Delta, DeltaLink, DeltaStep, ODataPath, Operation, RemovedReason, ServiceRoot,
//!     http, json,
//! };
//!
//! #[derive(serde::Deserialize)]
//! #[serde(rename_all = "camelCase")]
//! struct User {
//!     id: Option<String>,
//!     display_name: Option<String>,
//! }
//!
//! let root = ServiceRoot::new("https://graph.microsoft.com/v1.0")?;
//! let users_delta: Operation<Delta<User>> =
//!     Operation::function(ODataPath::root().segment("users").function("delta", &[]), json);
//!
//! let response = http::Response::new(
//!     r#"{"value": [{"id": "1", "displayName": "Ada"},
//!                   {"id": "2", "@removed": {"reason": "deleted"}}],
//!         "@odata.deltaLink": "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=t1"}"#,
//! );
//! let page = users_delta.parse_response(&response)?;
//! for change in &page.value {
//!     match change {
//!         Change::Upserted(user) => assert_eq!(user.display_name.as_deref(), Some("Ada")),
//!         Change::Removed(removed) => {
//!             assert_eq!(removed.id, "2");
//!             assert_eq!(removed.reason, Some(RemovedReason::Deleted));
//!         }
//!     }
//! }
//!
//! let DeltaStep::Completed(link) = users_delta.next_step(&root, &page)? else {
//!     panic!("the page has a delta link");
//! };
//! let stored: String = link.into_string();
//!
//! // Later: the changes since then.
//! let next_round = users_delta.resume(&root, &DeltaLink::new(stored))?;
//! assert_eq!(
//!     next_round.to_http(&root)?.uri(),
//!     "https://graph.microsoft.com/v1.0/users/delta()?$deltatoken=t1"
//! );
//! # Ok::<(), odata_codegen_runtime::Error>(())
//! ```

use std::fmt;

use http::StatusCode;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Operation, ServiceRoot};

/// One page of a delta query's response: changes, and either the link to the next
/// page or the delta link that ends the round.
///
/// Reading a page that has neither link, or both, fails: Graph sends exactly one,
/// and without it the round could not go on or end.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Delta<T> {
    /// The changes on this page, in the service's order; possibly none.
    pub value: Vec<Change<T>>,
    /// URL of the next page of this round, absolute or relative to the request
    /// this page answered: follow it with [`Operation::next_page`] (or
    /// [`Operation::next_step`]).
    #[serde(rename = "@odata.nextLink", skip_serializing_if = "Option::is_none")]
    pub next_link: Option<String>,
    /// On the round's last page: URL of the next round, which returns the changes
    /// made after this one. [`Operation::next_step`] turns it into a [`DeltaLink`].
    #[serde(rename = "@odata.deltaLink", skip_serializing_if = "Option::is_none")]
    pub delta_link: Option<String>,
    /// The metadata context URL.
    #[serde(rename = "@odata.context", skip_serializing_if = "Option::is_none")]
    pub context: Option<String>,
}

/// The wire form of [`Delta`], read before its links are checked.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: DeserializeOwned"))]
struct RawDelta<T> {
    #[serde(default)]
    value: Vec<Change<T>>,
    #[serde(rename = "@odata.nextLink", default)]
    next_link: Option<String>,
    #[serde(rename = "@odata.deltaLink", default)]
    delta_link: Option<String>,
    #[serde(rename = "@odata.context", default)]
    context: Option<String>,
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Delta<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = RawDelta::<T>::deserialize(deserializer)?;
        page_link(raw.next_link.as_deref(), raw.delta_link.as_deref()).map_err(D::Error::custom)?;
        Ok(Self {
            value: raw.value,
            next_link: raw.next_link,
            delta_link: raw.delta_link,
            context: raw.context,
        })
    }
}

/// Which link a page carries: a delta page has exactly one.
enum PageLink<'a> {
    Next(&'a str),
    Delta(&'a str),
}

/// The one link of a delta page, or why these links are not a delta page's.
fn page_link<'a>(
    next_link: Option<&'a str>,
    delta_link: Option<&'a str>,
) -> Result<PageLink<'a>, &'static str> {
    match (next_link, delta_link) {
        (Some(next_link), None) => Ok(PageLink::Next(next_link)),
        (None, Some(delta_link)) => Ok(PageLink::Delta(delta_link)),
        (None, None) => Err("a delta page has neither @odata.nextLink nor @odata.deltaLink"),
        (Some(_), Some(_)) => Err("a delta page has both @odata.nextLink and @odata.deltaLink"),
    }
}

/// One entry of a delta page.
#[derive(Clone, Debug, PartialEq)]
pub enum Change<T> {
    /// An entity created or updated since the last round (in a full sync: every
    /// entity). For some resources Graph sends only the changed properties, so
    /// absent properties mean "unchanged", not "empty".
    Upserted(T),
    /// An entity gone from the collection: an entry with `@removed`.
    Removed(Removed),
}

impl<'de, T: DeserializeOwned> Deserialize<'de> for Change<T> {
    /// An object with `@removed` is [`Change::Removed`]; anything else is read as `T`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let entry = serde_json::Value::deserialize(deserializer)?;
        if entry.get("@removed").is_some() {
            return serde_json::from_value(entry)
                .map(Change::Removed)
                .map_err(|e| D::Error::custom(format!("a removed entry (@removed): {e}")));
        }
        serde_json::from_value(entry)
            .map(Change::Upserted)
            .map_err(D::Error::custom)
    }
}

impl<T: Serialize> Serialize for Change<T> {
    /// Writes the entry as it came: the entity, or `{"id": ..., "@removed": {...}}`.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Upserted(entity) => entity.serialize(serializer),
            Self::Removed(removed) => removed.serialize(serializer),
        }
    }
}

/// An entity removed from the collection, as Graph reports it:
/// `{"id": "x", "@removed": {"reason": "deleted"}}`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(from = "RemovedEntry", into = "RemovedEntry")]
pub struct Removed {
    /// The removed entity's id.
    pub id: String,
    /// Why it was removed; `None` when the service did not say (OData makes the
    /// reason optional).
    pub reason: Option<RemovedReason>,
}

/// The wire form of [`Removed`].
#[derive(Serialize, Deserialize)]
struct RemovedEntry {
    id: String,
    #[serde(rename = "@removed")]
    removed: RemovedMarker,
}

/// The `@removed` object.
#[derive(Serialize, Deserialize)]
struct RemovedMarker {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reason: Option<RemovedReason>,
}

impl From<RemovedEntry> for Removed {
    fn from(entry: RemovedEntry) -> Self {
        Self {
            id: entry.id,
            reason: entry.removed.reason,
        }
    }
}

impl From<Removed> for RemovedEntry {
    fn from(removed: Removed) -> Self {
        Self {
            id: removed.id,
            removed: RemovedMarker {
                reason: removed.reason,
            },
        }
    }
}

/// Why an entity left the collection: the `reason` of `@removed`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum RemovedReason {
    /// `changed`: the entity no longer belongs to the collection but may still
    /// exist, e.g. a directory object deleted softly (restorable for a while) or
    /// one that no longer matches the query.
    Changed,
    /// `deleted`: the entity is deleted for good.
    Deleted,
    /// A reason this crate does not know, kept as written.
    Other(String),
}

impl RemovedReason {
    /// The reason as Graph writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Changed => "changed",
            Self::Deleted => "deleted",
            Self::Other(reason) => reason,
        }
    }
}

impl fmt::Display for RemovedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for RemovedReason {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for RemovedReason {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let reason = String::deserialize(deserializer)?;
        Ok(match reason.as_str() {
            "changed" => Self::Changed,
            "deleted" => Self::Deleted,
            _ => Self::Other(reason),
        })
    }
}

/// Where the next round of a delta query starts: the `@odata.deltaLink` of a
/// round's last page, made absolute.
///
/// Store it (as text with [`as_str`](Self::as_str) or [`into_string`](Self::into_string),
/// or with serde, as a JSON string) and pass it to [`Operation::resume`] later. It
/// holds the service's sync state token, not a credential.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DeltaLink(String);

impl DeltaLink {
    /// A delta link read back from storage. It is checked when
    /// [`Operation::resume`] and the request use it.
    pub fn new(link: impl Into<String>) -> Self {
        Self(link.into())
    }

    /// The link's URL.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The link's URL, for storing.
    pub fn into_string(self) -> String {
        self.0
    }
}

impl fmt::Display for DeltaLink {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// What follows a delta page: from [`Operation::next_step`].
#[derive(Debug)]
pub enum DeltaStep<T> {
    /// The round goes on: send this operation (the page's next link) for the next
    /// page. Boxed: an operation is large, a link small.
    NextPage(Box<Operation<Delta<T>>>),
    /// The round is complete: store this link to resume from later.
    Completed(DeltaLink),
}

/// Delta queries: how a round goes on, ends, and starts again.
impl<T> Operation<Delta<T>> {
    /// Adds `$deltatoken=latest`: the service returns no entities, only a delta
    /// link from which later rounds report the changes made after now. Graph's
    /// directory resources (users, groups, …) support it; OneDrive and SharePoint
    /// items take the delta function's `token='latest'` argument instead.
    #[must_use]
    pub fn starting_now(self) -> Self {
        self.query_option("$deltatoken", "latest")
    }

    /// The operation that starts the next round at `link`, a delta link stored
    /// from an earlier round, read like this one (same headers, same parsing).
    /// Call it on the operation that started the sync; a relative link resolves
    /// against its URL. Like a next link, the link must be on the service root's
    /// host, which [`to_http`](Self::to_http) checks.
    pub fn resume(&self, root: &ServiceRoot, link: &DeltaLink) -> Result<Self, Error> {
        self.at_link(root, link.as_str(), "delta link")
    }

    /// The operation for a new full sync after [`Error::ResyncRequired`]: `GET`
    /// `location` (the error's [`resync_location`](Error::resync_location)) when
    /// the service gave one, resolved against this operation's URL and checked like
    /// a delta link; else this operation again. Call it on the operation that
    /// started the sync (the delta function), not on a resumed round.
    pub fn restart(&self, root: &ServiceRoot, location: Option<&str>) -> Result<Self, Error> {
        match location {
            Some(location) => self.at_link(root, location, "resync location"),
            None => Ok(self.clone()),
        }
    }

    /// What follows `page`, the response to this operation: the operation for the
    /// next page, or the round's [`DeltaLink`], resolved against this operation's
    /// URL and checked to be on the service root's host so that it can be resumed.
    ///
    /// Fails if the link is not a usable URL, or if `page` has neither link or both
    /// (which a page read from a response never has).
    pub fn next_step(&self, root: &ServiceRoot, page: &Delta<T>) -> Result<DeltaStep<T>, Error> {
        let link =
            page_link(page.next_link.as_deref(), page.delta_link.as_deref()).map_err(|reason| {
                Error::InvalidRequest {
                    reason: reason.to_owned(),
                }
            })?;
        match link {
            PageLink::Next(next_link) => self
                .next_page(root, next_link)
                .map(|next| DeltaStep::NextPage(Box::new(next))),
            PageLink::Delta(delta_link) => {
                let next_round = self.at_link(root, delta_link, "delta link")?;
                let uri = next_round.uri(root)?;
                Ok(DeltaStep::Completed(DeltaLink(uri.to_string())))
            }
        }
    }
}

/// Whether a failed response says the delta query's sync state is gone: `410 Gone`
/// with a `Location` (drive items, messages), or a 4xx whose service error code is
/// `syncState…` (`syncStateNotFound`) or `resync…` (`resyncRequired`,
/// `resyncChangesApplyDifferences`), which Graph writes in either case.
pub(crate) fn requires_resync(status: StatusCode, has_location: bool, code: Option<&str>) -> bool {
    let starts_with = |text: &str, prefix: &str| {
        text.get(..prefix.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(prefix))
    };
    let resync_code =
        code.is_some_and(|code| starts_with(code, "syncState") || starts_with(code, "resync"));
    status.is_client_error() && ((status == StatusCode::GONE && has_location) || resync_code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ErrorKind, ODataPath, json};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct User {
        #[serde(default)]
        id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        display_name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        job_title: Option<String>,
    }

    fn root() -> ServiceRoot {
        ServiceRoot::new("https://graph.example/v1.0").unwrap()
    }

    fn users_delta() -> Operation<Delta<User>> {
        Operation::function(
            ODataPath::root().segment("users").function("delta", &[]),
            json,
        )
    }

    fn parse(body: &str) -> Result<Delta<User>, serde_json::Error> {
        serde_json::from_str(body)
    }

    #[test]
    fn removed_entries_are_removed_changes_and_others_are_entities() {
        let page = parse(
            r##"{"@odata.context": "c", "value": [
                {"id": "1", "displayName": "Ada"},
                {"jobTitle": "only the changed property"},
                {"id": "2", "@removed": {"reason": "changed"}},
                {"id": "3", "@removed": {"reason": "deleted"}, "@odata.type": "#microsoft.graph.user"}
            ], "@odata.nextLink": "next"}"##,
        )
        .unwrap();
        assert_eq!(
            page.value,
            [
                Change::Upserted(User {
                    id: Some("1".into()),
                    display_name: Some("Ada".into()),
                    job_title: None,
                }),
                Change::Upserted(User {
                    id: None,
                    display_name: None,
                    job_title: Some("only the changed property".into()),
                }),
                Change::Removed(Removed {
                    id: "2".into(),
                    reason: Some(RemovedReason::Changed),
                }),
                Change::Removed(Removed {
                    id: "3".into(),
                    reason: Some(RemovedReason::Deleted),
                }),
            ]
        );
        assert_eq!(page.next_link.as_deref(), Some("next"));
        assert_eq!(page.delta_link, None);
        assert_eq!(page.context.as_deref(), Some("c"));
    }

    #[test]
    fn unknown_and_missing_reasons_are_kept() {
        let page =
            parse(r#"{"value": [{"id": "a", "@removed": {"reason": "archived"}}, {"id": "b", "@removed": {}}], "@odata.deltaLink": "d"}"#)
                .unwrap();
        let reasons: Vec<_> = page
            .value
            .iter()
            .map(|change| match change {
                Change::Removed(removed) => removed.reason.clone(),
                Change::Upserted(user) => panic!("{user:?}"),
            })
            .collect();
        assert_eq!(
            reasons,
            [Some(RemovedReason::Other("archived".into())), None]
        );
        assert_eq!(
            RemovedReason::Other("archived".into()).to_string(),
            "archived"
        );
        assert_eq!(RemovedReason::Changed.as_str(), "changed");
    }

    #[test]
    fn removed_entries_without_an_id_or_with_a_bad_marker_fail_with_the_reason() {
        for (body, expected) in [
            (
                r#"{"@removed": {"reason": "deleted"}}"#,
                "missing field `id`",
            ),
            (r#"{"id": "x", "@removed": "deleted"}"#, "invalid type"),
            (r#"{"id": 7, "@removed": {}}"#, "invalid type"),
        ] {
            let text = format!(r#"{{"value": [{body}], "@odata.deltaLink": "d"}}"#);
            let error = parse(&text).unwrap_err().to_string();
            assert!(error.contains("a removed entry (@removed)"), "{error}");
            assert!(error.contains(expected), "{body}: {error}");
        }
        let not_an_entity = parse(r#"{"value": [42], "@odata.deltaLink": "d"}"#).unwrap_err();
        assert!(
            not_an_entity.to_string().contains("invalid type"),
            "{not_an_entity}"
        );
    }

    #[test]
    fn a_page_has_exactly_one_of_next_link_and_delta_link() {
        let empty = parse(r#"{"@odata.nextLink": "n"}"#).unwrap();
        assert!(empty.value.is_empty());
        let neither = parse(r#"{"value": []}"#).unwrap_err().to_string();
        assert!(
            neither.contains("neither @odata.nextLink nor @odata.deltaLink"),
            "{neither}"
        );
        let both = parse(r#"{"value": [], "@odata.nextLink": "n", "@odata.deltaLink": "d"}"#)
            .unwrap_err()
            .to_string();
        assert!(both.contains("both"), "{both}");
    }

    #[test]
    fn pages_write_back_as_read() {
        let text = r#"{"value":[{"id":"1","displayName":"Ada"},{"id":"2","@removed":{"reason":"deleted"}},{"id":"3","@removed":{}}],"@odata.deltaLink":"d"}"#;
        let page = parse(text).unwrap();
        assert_eq!(serde_json::to_string(&page).unwrap(), text);
        let link = DeltaLink::new("https://graph.example/v1.0/users/delta()?$deltatoken=x");
        let stored = serde_json::to_string(&link).unwrap();
        assert_eq!(
            stored,
            r#""https://graph.example/v1.0/users/delta()?$deltatoken=x""#
        );
        assert_eq!(serde_json::from_str::<DeltaLink>(&stored).unwrap(), link);
    }

    #[test]
    fn next_step_follows_next_links_and_completes_with_an_absolute_delta_link() {
        let op = users_delta();
        let page = |next: Option<&str>, delta: Option<&str>| Delta::<User> {
            value: vec![],
            next_link: next.map(str::to_owned),
            delta_link: delta.map(str::to_owned),
            context: None,
        };
        let DeltaStep::NextPage(next) = op
            .next_step(&root(), &page(Some("delta()?$skiptoken=2"), None))
            .unwrap()
        else {
            panic!("expected a next page")
        };
        assert_eq!(
            next.to_http(&root()).unwrap().uri(),
            "https://graph.example/v1.0/users/delta()?$skiptoken=2"
        );
        let DeltaStep::Completed(link) = next
            .next_step(&root(), &page(None, Some("delta()?$deltatoken=t")))
            .unwrap()
        else {
            panic!("expected the end of the round")
        };
        assert_eq!(
            link.as_str(),
            "https://graph.example/v1.0/users/delta()?$deltatoken=t"
        );

        for (next_link, delta_link) in [(None, None), (Some("a"), Some("b"))] {
            let error = op
                .next_step(&root(), &page(next_link, delta_link))
                .unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
        }
        let elsewhere = page(
            None,
            Some("https://attacker.example/v1.0/users/delta()?$deltatoken=t"),
        );
        let error = op.next_step(&root(), &elsewhere).unwrap_err();
        assert!(
            error.to_string().contains("not on the service root's host"),
            "{error}"
        );
        let bad = op
            .next_step(&root(), &page(None, Some("delta()#x")))
            .unwrap_err();
        assert!(bad.to_string().contains("invalid delta link"), "{bad}");
    }

    #[test]
    fn resume_requests_the_stored_link_with_the_same_headers() {
        let op = users_delta().with_header(
            http::header::HeaderName::from_static("prefer"),
            http::HeaderValue::from_static("return=minimal"),
        );
        let link = DeltaLink::new("https://graph.example/v1.0/users/delta()?$deltatoken=abc");
        let resumed = op.resume(&root(), &link).unwrap();
        let request = resumed.to_http(&root()).unwrap();
        assert_eq!(request.uri(), link.as_str());
        assert_eq!(request.method(), http::Method::GET);
        assert_eq!(request.headers()["prefer"], "return=minimal");
        // A round with no changes may hand back the link it was asked for.
        assert!(resumed.resume(&root(), &link).is_ok());

        let foreign = op
            .resume(
                &root(),
                &DeltaLink::new("https://attacker.example/v1.0/users/delta()"),
            )
            .unwrap();
        assert!(foreign.to_http(&root()).is_err());
        assert!(op.resume(&root(), &DeltaLink::new("")).is_err());
    }

    #[test]
    fn starting_now_asks_for_the_latest_token() {
        let request = users_delta().starting_now().to_http(&root()).unwrap();
        assert_eq!(
            request.uri(),
            "https://graph.example/v1.0/users/delta()?$deltatoken=latest"
        );
    }

    fn failure(status: u16, location: Option<&str>, body: &str) -> Error {
        let mut response = http::Response::builder().status(status);
        if let Some(location) = location {
            response = response.header(http::header::LOCATION, location);
        }
        let response = response
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body.as_bytes().to_vec())
            .unwrap();
        users_delta().parse_response(&response).unwrap_err()
    }

    #[test]
    fn lost_sync_state_is_resync_required() {
        let gone = failure(
            410,
            Some("https://graph.example/v1.0/drives/d/root/delta()?token=fresh"),
            r#"{"error": {"code": "resyncChangesApplyDifferences", "message": "Resync"}}"#,
        );
        assert_eq!(gone.kind(), Some(ErrorKind::ResyncRequired));
        assert_eq!(gone.status(), Some(StatusCode::GONE));
        assert_eq!(
            gone.resync_location(),
            Some("https://graph.example/v1.0/drives/d/root/delta()?token=fresh")
        );
        assert_eq!(
            gone.service_error().unwrap().code,
            "resyncChangesApplyDifferences"
        );
        let text = gone.to_string();
        assert!(
            text.starts_with("resync required (HTTP 410 Gone)"),
            "{text}"
        );
        assert!(
            text.contains("from https://graph.example/v1.0/drives/d/root/delta()?token=fresh"),
            "{text}"
        );

        let bare_gone = failure(410, Some("https://graph.example/v1.0/x"), "");
        assert_eq!(bare_gone.kind(), Some(ErrorKind::ResyncRequired));
        assert!(bare_gone.service_error().is_none());

        for code in ["syncStateNotFound", "SyncStateNotFound", "resyncRequired"] {
            let expired = failure(
                400,
                None,
                &format!(
                    r#"{{"error": {{"code": "{code}", "message": "The delta token is expired"}}}}"#
                ),
            );
            assert_eq!(expired.kind(), Some(ErrorKind::ResyncRequired), "{code}");
            assert_eq!(expired.resync_location(), None);
            assert!(matches!(expired, Error::ResyncRequired { .. }));
        }
    }

    #[test]
    fn other_failures_are_not_resync_required() {
        let gone_without_location = failure(410, None, r#"{"error": {"code": "itemGone"}}"#);
        assert_eq!(
            gone_without_location.kind(),
            Some(ErrorKind::OtherClientError)
        );
        let bad = failure(
            400,
            Some("https://graph.example/x"),
            r#"{"error": {"code": "badRequest"}}"#,
        );
        assert_eq!(bad.kind(), Some(ErrorKind::BadRequest));
        assert_eq!(bad.resync_location(), None);
        let server = failure(503, None, r#"{"error": {"code": "syncStateNotFound"}}"#);
        assert_eq!(server.kind(), Some(ErrorKind::ServerError));
        // A code cut inside a character is no prefix.
        assert!(!requires_resync(
            StatusCode::BAD_REQUEST,
            false,
            Some("ééééé")
        ));
    }
}
