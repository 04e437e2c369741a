//! Delta queries through the client, against a server on 127.0.0.1 that answers
//! the way Microsoft Graph's delta protocol describes: a full sync over pages
//! linked by `@odata.nextLink` (empty pages included), a last page with
//! `@odata.deltaLink`, later rounds from that link with changes and `@removed`
//! entries, `$deltatoken=latest`, and lost sync state as `410 Gone` with
//! `Location` or `400` with `syncStateNotFound`.

use futures_util::TryStreamExt as _;
use odata_codegen_runtime::{
    Change, Client, Delta, DeltaEvent, DeltaLink, Error, ErrorKind, ODataPath, Operation, Removed,
    RemovedReason, ServiceRoot, StaticToken, json,
};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "delta-token-7c1e";

/// A generated entity: every property optional, since delta rounds may carry only
/// the changed ones.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    id: Option<String>,
    display_name: Option<String>,
    job_title: Option<String>,
}

fn user(id: &str, name: Option<&str>, job: Option<&str>) -> DeltaEvent<User> {
    DeltaEvent::Change(Change::Upserted(User {
        id: Some(id.to_owned()),
        display_name: name.map(str::to_owned),
        job_title: job.map(str::to_owned),
    }))
}

fn removed(id: &str, reason: RemovedReason) -> DeltaEvent<User> {
    DeltaEvent::Change(Change::Removed(Removed {
        id: id.to_owned(),
        reason: Some(reason),
    }))
}

fn root(server: &MockServer) -> ServiceRoot {
    ServiceRoot::new(&format!("{}/v1.0", server.uri())).unwrap()
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .service_root(root(server))
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap()
}

/// What the generator emits for `users/delta()`.
fn users_delta() -> Operation<Delta<User>> {
    Operation::function(
        ODataPath::root().segment("users").function("delta", &[]),
        json,
    )
}

fn ok(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

async fn collect(client: &Client, operation: &Operation<Delta<User>>) -> Vec<DeltaEvent<User>> {
    client.delta(operation).try_collect().await.unwrap()
}

#[tokio::test]
async fn full_sync_over_three_pages_then_a_resumed_round_from_the_stored_link() {
    let server = MockServer::start().await;
    let delta_url = format!("{}/v1.0/users/delta()", server.uri());
    let bearer = format!("Bearer {TOKEN}");
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param_is_missing("$skiptoken"))
        .and(query_param_is_missing("$deltatoken"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ok(json!({
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#users",
            "value": [
                {"id": "1", "displayName": "Ada", "jobTitle": null},
                {"id": "2", "displayName": "Bob", "jobTitle": "Clerk"}
            ],
            "@odata.nextLink": format!("{delta_url}?$skiptoken=p2")
        })))
        .expect(1)
        .mount(&server)
        .await;
    // An empty page that is not the last: the round goes on.
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$skiptoken", "p2"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ok(json!({
            "value": [],
            "@odata.nextLink": "delta()?$skiptoken=p3"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$skiptoken", "p3"))
        .respond_with(ok(json!({
            "value": [{"id": "3", "displayName": "Cy"}],
            "@odata.deltaLink": format!("{delta_url}?$deltatoken=t1")
        })))
        .expect(1)
        .mount(&server)
        .await;

    let first = collect(&client(&server), &users_delta()).await;
    assert_eq!(
        first[..3],
        [
            user("1", Some("Ada"), None),
            user("2", Some("Bob"), Some("Clerk")),
            user("3", Some("Cy"), None),
        ]
    );
    let [.., DeltaEvent::Completed(link)] = first.as_slice() else {
        panic!("the round ends with its delta link: {first:?}")
    };
    assert_eq!(first.len(), 4);
    let stored: String = link.clone().into_string();
    assert_eq!(stored, format!("{delta_url}?$deltatoken=t1"));

    // Later, with a new client: only the changes, with both removal reasons and a
    // partial entity (only the changed property), then the next link.
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$deltatoken", "t1"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ok(json!({
            "value": [
                {"id": "1", "jobTitle": "Engineer"},
                {"id": "2", "@removed": {"reason": "changed"}},
                {"id": "3", "@removed": {"reason": "deleted"}}
            ],
            "@odata.deltaLink": format!("{delta_url}?$deltatoken=t2")
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let round = users_delta()
        .resume(client.service_root(), &DeltaLink::new(stored))
        .unwrap();
    let second = collect(&client, &round).await;
    assert_eq!(
        second,
        [
            user("1", None, Some("Engineer")),
            removed("2", RemovedReason::Changed),
            removed("3", RemovedReason::Deleted),
            DeltaEvent::Completed(DeltaLink::new(format!("{delta_url}?$deltatoken=t2"))),
        ]
    );

    let requests = server.received_requests().await.unwrap();
    let queries: Vec<_> = requests.iter().map(|r| r.url.query()).collect();
    assert_eq!(
        queries,
        [
            None,
            Some("$skiptoken=p2"),
            Some("$skiptoken=p3"),
            Some("$deltatoken=t1")
        ]
    );
}

#[tokio::test]
async fn deltatoken_latest_gives_no_changes_but_a_delta_link() {
    let server = MockServer::start().await;
    let delta_url = format!("{}/v1.0/users/delta()", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$deltatoken", "latest"))
        .respond_with(ok(json!({
            "value": [],
            "@odata.deltaLink": format!("{delta_url}?$deltatoken=now")
        })))
        .expect(1)
        .mount(&server)
        .await;

    let events = collect(&client(&server), &users_delta().starting_now()).await;
    assert_eq!(
        events,
        [DeltaEvent::Completed(DeltaLink::new(format!(
            "{delta_url}?$deltatoken=now"
        )))]
    );
}

#[tokio::test]
async fn gone_with_location_is_resync_required_and_the_location_starts_a_full_sync() {
    let server = MockServer::start().await;
    let drive_delta = format!("{}/v1.0/drives/d1/root/delta()", server.uri());
    let items_delta: Operation<Delta<User>> = Operation::function(
        ODataPath::root()
            .segment("drives")
            .key("d1")
            .segment("root")
            .function("delta", &[]),
        json,
    );
    Mock::given(method("GET"))
        .and(path("/v1.0/drives/d1/root/delta()"))
        .and(query_param("token", "expired"))
        .respond_with(
            ResponseTemplate::new(410)
                .insert_header("location", format!("{drive_delta}?token=fresh").as_str())
                .set_body_json(json!({"error": {
                    "code": "resyncChangesApplyDifferences",
                    "message": "Resync required. Replace any local items with the server's version."
                }})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/drives/d1/root/delta()"))
        .and(query_param("token", "fresh"))
        .respond_with(ok(json!({
            "value": [{"id": "f1", "displayName": "report.docx"}],
            "@odata.deltaLink": format!("{drive_delta}?token=t9")
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let root = client.service_root().clone();
    let stale = items_delta
        .resume(
            &root,
            &DeltaLink::new(format!("{drive_delta}?token=expired")),
        )
        .unwrap();
    let error: Error = client
        .delta(&stale)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), Some(ErrorKind::ResyncRequired), "{error}");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(410));
    let location = error.resync_location().unwrap().to_owned();
    assert_eq!(location, format!("{drive_delta}?token=fresh"));
    assert_eq!(
        error.service_error().unwrap().code,
        "resyncChangesApplyDifferences"
    );

    let full_sync = items_delta.restart(&root, Some(&location)).unwrap();
    let events = collect(&client, &full_sync).await;
    assert_eq!(
        events,
        [
            user("f1", Some("report.docx"), None),
            DeltaEvent::Completed(DeltaLink::new(format!("{drive_delta}?token=t9"))),
        ]
    );
}

#[tokio::test]
async fn sync_state_not_found_is_resync_required_and_restarts_from_the_delta_function() {
    let server = MockServer::start().await;
    let delta_url = format!("{}/v1.0/users/delta()", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$deltatoken", "week-old"))
        .respond_with(ResponseTemplate::new(400).set_body_json(json!({"error": {
            "code": "syncStateNotFound",
            "message": "The sync state generation is not found. The delta token is expired and data must be synchronized again.",
            "innerError": {"request-id": "r-1", "date": "2024-05-01T00:00:00"}
        }})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param_is_missing("$deltatoken"))
        .respond_with(ok(json!({
            "value": [{"id": "1", "displayName": "Ada"}],
            "@odata.deltaLink": format!("{delta_url}?$deltatoken=fresh")
        })))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let root = client.service_root().clone();
    let stale = users_delta()
        .resume(
            &root,
            &DeltaLink::new(format!("{delta_url}?$deltatoken=week-old")),
        )
        .unwrap();
    let error = client
        .delta(&stale)
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), Some(ErrorKind::ResyncRequired), "{error}");
    assert!(matches!(error, Error::ResyncRequired { .. }));
    assert_eq!(error.resync_location(), None);
    let service = error.service_error().unwrap();
    assert_eq!(service.code, "syncStateNotFound");
    assert_eq!(service.request_id.as_deref(), Some("r-1"));
    assert!(
        error.to_string().contains("start a full sync again"),
        "{error}"
    );

    let full_sync = users_delta()
        .restart(&root, error.resync_location())
        .unwrap();
    let events = collect(&client, &full_sync).await;
    assert_eq!(
        events,
        [
            user("1", Some("Ada"), None),
            DeltaEvent::Completed(DeltaLink::new(format!("{delta_url}?$deltatoken=fresh"))),
        ]
    );
}

#[tokio::test]
async fn a_page_without_either_link_fails_the_round_instead_of_ending_it() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .respond_with(ok(json!({"value": [{"id": "1"}]})))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .delta(&users_delta())
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidBody { .. }), "{error}");
    assert!(
        error
            .to_string()
            .contains("neither @odata.nextLink nor @odata.deltaLink"),
        "{error}"
    );
}
