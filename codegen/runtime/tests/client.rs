//! The client against a real HTTP server on 127.0.0.1.

use std::time::{Duration, Instant};

use futures_util::{StreamExt as _, TryStreamExt as _};
use odata_codegen_runtime::http::{Method, StatusCode};
use odata_codegen_runtime::{
    Client, Error, ODataPath, Operation, Page, QueryOptions, ServiceRoot, StaticToken, json,
    no_content,
};
use serde::{Deserialize, Serialize};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "test-token-3f9a";

/// A tiny stand-in for a generated model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct User {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    id: Option<String>,
    display_name: String,
}

fn user(id: &str, name: &str) -> User {
    User {
        id: Some(id.to_owned()),
        display_name: name.to_owned(),
    }
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/v1.0/", server.uri())).unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .initial_backoff(Duration::from_millis(10))
        .build()
        .unwrap()
}

fn users() -> ODataPath {
    ODataPath::root().segment("users")
}

fn list_users() -> Operation<Page<User>> {
    Operation::new(Method::GET, users(), StatusCode::OK, json)
}

fn create_user(body: &User) -> Operation<User> {
    Operation::new(Method::POST, users(), StatusCode::CREATED, json).with_json_body(body)
}

#[tokio::test]
async fn create_sends_method_path_auth_and_body() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(json!({"displayName": "Ada"})))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "1", "displayName": "Ada"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let created = client(&server)
        .send(&create_user(&User {
            id: None,
            display_name: "Ada".to_owned(),
        }))
        .await
        .unwrap();
    assert_eq!(created, user("1", "Ada"));

    let requests = server.received_requests().await.unwrap();
    let user_agent = requests[0].headers["user-agent"].to_str().unwrap();
    assert!(
        user_agent.starts_with("odata-codegen-runtime/"),
        "{user_agent}"
    );
}

#[tokio::test]
async fn list_follows_next_links_over_three_pages() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0/users", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("$select", "id,displayName"))
        .and(query_param("$top", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "1", "displayName": "A"}, {"id": "2", "displayName": "B"}],
            "@odata.nextLink": format!("{base}?$skiptoken=a%2Bb")
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("$skiptoken", "a+b"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "3", "displayName": "C"}, {"id": "4", "displayName": "D"}],
            "@odata.nextLink": format!("{base}?$skiptoken=page3")
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(query_param("$skiptoken", "page3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "5", "displayName": "E"}]
        })))
        .expect(1)
        .mount(&server)
        .await;

    let query = QueryOptions::default().select(["id", "displayName"]).top(2);
    let operation = list_users().with_query(&query);
    let pages: Vec<Page<User>> = client(&server)
        .pages(&operation)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(
        pages.iter().map(|p| p.value.len()).collect::<Vec<_>>(),
        [2, 2, 1]
    );
    assert!(pages[2].next_link.is_none());

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests.len(), 3);
    assert_eq!(
        requests[0].url.query(),
        Some("$select=id,displayName&$top=2")
    );
    assert_eq!(requests[1].url.query(), Some("$skiptoken=a%2Bb"));
}

#[tokio::test]
async fn items_flatten_pages_and_take_stops_early() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0/users", server.uri());
    Mock::given(path("/v1.0/users"))
        .and(query_param("$skiptoken", "2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "2", "displayName": "B"}]
        })))
        .mount(&server)
        .await;
    Mock::given(path("/v1.0/users"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "1", "displayName": "A"}],
            "@odata.nextLink": format!("{base}?$skiptoken=2")
        })))
        .mount(&server)
        .await;

    let client = client(&server);
    let items: Vec<User> = client.items(&list_users()).try_collect().await.unwrap();
    assert_eq!(items, [user("1", "A"), user("2", "B")]);

    let first: Vec<_> = client.pages(&list_users()).take(1).collect().await;
    assert_eq!(first.len(), 1);
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}

#[tokio::test]
async fn throttled_request_waits_for_retry_after_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("Retry-After", "1")
                .set_body_json(
                    json!({"error": {"code": "TooManyRequests", "message": "slow down"}}),
                ),
        )
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1.0/users"))
        .respond_with(
            ResponseTemplate::new(201).set_body_json(json!({"id": "1", "displayName": "Ada"})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let started = Instant::now();
    let created = client(&server)
        .send(&create_user(&user("1", "Ada")))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(created, user("1", "Ada"));
    assert!(elapsed >= Duration::from_millis(990), "{elapsed:?}");
    assert!(elapsed < Duration::from_secs(5), "{elapsed:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn throttling_gives_up_after_max_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("Retry-After", "0"))
        .expect(3)
        .mount(&server)
        .await;
    let client = Client::builder()
        .service_root(ServiceRoot::new(&server.uri()).unwrap())
        .max_retries(2)
        .build()
        .unwrap();
    let error = client.send(&list_users()).await.unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn errors_other_than_throttling_are_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(502))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(client.send(&list_users()).await.is_err());
    assert!(client.send(&create_user(&user("1", "A"))).await.is_err());
}

#[tokio::test]
async fn not_found_gives_the_service_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/nobody"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {
                "code": "Request_ResourceNotFound",
                "message": "Resource 'nobody' does not exist.",
                "innerError": {
                    "date": "2024-05-01T10:00:00",
                    "request-id": "7b1c-request",
                    "client-request-id": "7b1c-client"
                }
            }
        })))
        .expect(1)
        .mount(&server)
        .await;

    let operation: Operation<User> =
        Operation::new(Method::GET, users().key("nobody"), StatusCode::OK, json);
    let error = client(&server).send(&operation).await.unwrap_err();
    let Error::Service(service) = &error else {
        panic!("{error:?}")
    };
    assert_eq!(service.status, StatusCode::NOT_FOUND);
    assert_eq!(service.code, "Request_ResourceNotFound");
    assert_eq!(service.message, "Resource 'nobody' does not exist.");
    assert_eq!(service.request_id.as_deref(), Some("7b1c-request"));
    assert_eq!(service.date.as_deref(), Some("2024-05-01T10:00:00"));
    assert!(error.to_string().contains("7b1c-request"));
}

#[tokio::test]
async fn key_with_reserved_characters_is_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .expect(2)
        .mount(&server)
        .await;

    let client = client(&server);
    for id in ["a/b?c#d", ".."] {
        let operation = Operation::new(
            Method::DELETE,
            users().key(id),
            StatusCode::NO_CONTENT,
            no_content,
        );
        client.send(&operation).await.unwrap();
    }

    let requests = server.received_requests().await.unwrap();
    assert_eq!(requests[0].url.path(), "/v1.0/users/a%2Fb%3Fc%23d");
    assert_eq!(requests[0].url.query(), None);
    assert_eq!(requests[0].url.fragment(), None);
    assert_eq!(requests[1].url.path(), "/v1.0/users('..')");
}

#[tokio::test]
async fn transport_errors_never_show_the_token() {
    // Nothing listens on port 1.
    let client = Client::builder()
        .service_root(ServiceRoot::new("http://127.0.0.1:1/v1.0").unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .max_retries(1)
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let error = client.send(&list_users()).await.unwrap_err();
    assert!(matches!(error, Error::Transport(_)), "{error:?}");
    let shown = format!("{error} {error:?}");
    assert!(!shown.contains(TOKEN), "{shown}");
}

#[tokio::test]
async fn next_links_to_other_hosts_are_refused() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [],
            "@odata.nextLink": "http://127.0.0.2:9/v1.0/users?$skiptoken=x"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).pages(&list_users()).collect().await;
    assert_eq!(results.len(), 2);
    assert!(results[0].is_ok());
    assert!(matches!(results[1], Err(Error::InvalidRequest { .. })));
}

#[tokio::test]
async fn adding_a_reference_sends_the_entity_id_written_at_request_time() {
    let server = MockServer::start().await;
    let root = format!("{}/v1.0", server.uri());
    Mock::given(method("POST"))
        .and(path("/v1.0/groups/g/members/$ref"))
        .and(body_json(json!({"@odata.id": format!("{root}/users/42")})))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    let members = odata_codegen_runtime::References::new(
        ODataPath::root()
            .segment("groups")
            .key("g")
            .segment("members"),
    );
    client(&server)
        .send(&members.add(&users().key("42")))
        .await
        .unwrap();
}
