//! Per-request options against a real HTTP server on 127.0.0.1: headers, a URL
//! the caller holds, and the time limit and retries of one request.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use odata_codegen_runtime::http::{Method, StatusCode};
use odata_codegen_runtime::{
    Client, Error, ODataPath, Operation, Page, ServiceRoot, StaticToken, json,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "options-token-71c2";

fn client(server: &MockServer, max_retries: u32) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/v1.0", server.uri())).unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .timeout(Duration::from_secs(100))
        .max_retries(max_retries)
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

fn me() -> Operation<Value> {
    Operation::get(ODataPath::root().segment("me"))
}

async fn throttled_server(expected_requests: u64) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(expected_requests)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn per_request_timeout_replaces_the_clients_longer_one() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "1"}))
                .set_delay(Duration::from_secs(3)),
        )
        .mount(&server)
        .await;

    let error = client(&server, 3)
        .send(&me().timeout(Duration::from_millis(200)))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Timeout(_)), "{error:?}");
    // A timeout is not retried: the request may have been processed.
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn per_request_max_retries_replaces_the_clients() {
    // Throttling (429) is retried up to the limit; the operation's limit wins.
    let server = throttled_server(1).await;
    let error = client(&server, 3)
        .send(&me().max_retries(0))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    server.verify().await;

    let server = throttled_server(3).await;
    let error = client(&server, 0)
        .send(&me().max_retries(2))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    server.verify().await;

    let server = throttled_server(2).await;
    let error = client(&server, 1).send(&me()).await.unwrap_err();
    assert_eq!(
        error.status(),
        Some(StatusCode::TOO_MANY_REQUESTS),
        "the client's limit applies otherwise"
    );
}

#[tokio::test]
async fn prefer_and_consistency_level_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users"))
        .and(header("consistencylevel", "eventual"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": [{"id": "1"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let users = Operation::<Page<Value>>::get(ODataPath::root().segment("users"))
        .filter("endsWith(mail,'@contoso.com')")
        .consistency_level_eventual()
        .prefer("odata.maxpagesize=1")
        .prefer("outlook.timezone=\"UTC\"");
    let page = client(&server, 0).send(&users).await.unwrap();
    assert_eq!(page.value, [json!({"id": "1"})]);
    let requests = server.received_requests().await.unwrap();
    let prefer: Vec<_> = requests[0].headers.get_all("prefer").iter().collect();
    // One field, the preferences in order (RFC 7240 reads either form).
    assert_eq!(prefer, ["odata.maxpagesize=1, outlook.timezone=\"UTC\""]);
}

#[tokio::test]
async fn a_stored_delta_link_is_sent_as_is_and_its_pages_followed() {
    let server = MockServer::start().await;
    let base = format!("{}/v1.0/users/delta()", server.uri());
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$deltatoken", "stored"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "1"}],
            "@odata.nextLink": format!("{base}?$skiptoken=2"),
        })))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/users/delta()"))
        .and(query_param("$skiptoken", "2"))
        .and(header("prefer", "return=minimal"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "value": [{"id": "2"}],
            "@odata.deltaLink": format!("{base}?$deltatoken=next"),
        })))
        .expect(2)
        .mount(&server)
        .await;

    let stored = format!("{base}?$deltatoken=stored");
    let changes: Operation<Page<Value>> =
        Operation::at_url(Method::GET, &stored, StatusCode::OK, json)
            .unwrap()
            .prefer("return=minimal");
    let client = client(&server, 0);
    // Once by pages, once by items: two requests to each page.
    let pages: Vec<Page<Value>> = client.pages(&changes).try_collect().await.unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(
        pages[1].delta_link.as_deref(),
        Some(format!("{base}?$deltatoken=next").as_str())
    );
    let items: Vec<Value> = client.items(&changes).try_collect().await.unwrap();
    assert_eq!(items, [json!({"id": "1"}), json!({"id": "2"})]);
}

#[tokio::test]
async fn a_url_on_another_origin_is_refused_before_anything_is_sent() {
    let service = MockServer::start().await;
    let elsewhere = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"value": []})))
        .expect(0)
        .mount(&elsewhere)
        .await;
    let link = format!("{}/v1.0/users?$skiptoken=x", elsewhere.uri());
    let operation: Operation<Page<Value>> =
        Operation::at_url(Method::GET, &link, StatusCode::OK, json).unwrap();
    let error = client(&service, 0).send(&operation).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error:?}");
    assert!(
        error.to_string().contains("not on the service root's host"),
        "{error}"
    );
    assert!(!error.to_string().contains(TOKEN));
    elsewhere.verify().await;
}
