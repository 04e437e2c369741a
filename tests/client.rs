//! The generated requests sent through the runtime's client to a real HTTP server on
//! 127.0.0.1: the seed page's create example, paging, throttling, errors and hostile ids.

mod common;

use std::time::{Duration, Instant};

use futures_util::TryStreamExt;
use microsoft_graph::graph::ManagedDeviceMobileAppConfigurationUserStatus as UserStatus;
use microsoft_graph::requests::GraphService;
use microsoft_graph::requests::ios_lob_app_provisioning_configuration::UserStatuses;
use microsoft_graph::runtime::{Client, Error, ServiceRoot, StaticToken};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const CONFIGS: &str = "/beta/deviceAppManagement/iosLobAppProvisioningConfigurations";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/beta", server.uri())).unwrap())
        .token_provider(StaticToken::new("secret-token"))
        .initial_backoff(Duration::from_millis(10))
        .build()
        .unwrap()
}

fn user_statuses(config: &str) -> UserStatuses {
    GraphService
        .device_app_management()
        .ios_lob_app_provisioning_configurations()
        .by_id(config)
        .user_statuses()
}

/// The request and response bodies of the seed page's create example: the JSON after
/// the blank line of its first two `http` blocks.
fn seed_example() -> (Value, Value) {
    let page = std::fs::read_to_string(common::root().join(common::SEED_PAGE)).unwrap();
    let mut bodies = page.split("```").skip(1).step_by(2).filter_map(|block| {
        let (_, body) = block
            .trim_start()
            .strip_prefix("http")?
            .split_once("\n\n")?;
        serde_json::from_str::<Value>(body).ok()
    });
    (bodies.next().unwrap(), bodies.next().unwrap())
}

#[tokio::test]
async fn the_seed_create_example_goes_through_the_client() {
    let server = MockServer::start().await;
    let (request_body, response_body) = seed_example();
    Mock::given(method("POST"))
        .and(path(format!("{CONFIGS}/config-1/userStatuses")))
        .and(header("authorization", "Bearer secret-token"))
        .and(header("content-type", "application/json"))
        .and(body_json(&request_body))
        .respond_with(ResponseTemplate::new(201).set_body_json(&response_body))
        .expect(1)
        .mount(&server)
        .await;
    let model: UserStatus = serde_json::from_value(request_body).unwrap();
    let created = client(&server)
        .send(&user_statuses("config-1").create(&model))
        .await
        .unwrap();
    assert_eq!(created.id, "f983dfcd-dfcd-f983-cddf-83f9cddf83f9");
    assert_eq!(serde_json::to_value(&created).unwrap(), response_body);
}

#[tokio::test]
async fn list_follows_next_links_across_three_pages() {
    let server = MockServer::start().await;
    let base = format!("{}{CONFIGS}/c/userStatuses", server.uri());
    for (page, next) in [("1", Some("2")), ("2", Some("3")), ("3", None)] {
        let mut body = json!({"value": [{"id": format!("item-{page}")}]});
        if let Some(next) = next {
            body["@odata.nextLink"] = json!(format!("{base}?$skiptoken={next}"));
        }
        let mock = Mock::given(method("GET")).and(path(format!("{CONFIGS}/c/userStatuses")));
        let mock = if page == "1" {
            mock.and(query_param("$select", "id,userDisplayName"))
                .and(query_param("$top", "1"))
        } else {
            mock.and(query_param("$skiptoken", page))
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let list = user_statuses("c")
        .list()
        .select(["id", "userDisplayName"])
        .top(1);
    let items: Vec<UserStatus> = client(&server).items(&list).try_collect().await.unwrap();
    let ids: Vec<_> = items.iter().map(|i| i.id.clone()).collect();
    assert_eq!(ids, ["item-1", "item-2", "item-3"]);
    let first = &server.received_requests().await.unwrap()[0];
    assert_eq!(first.url.query(), Some("$select=id,userDisplayName&$top=1"));
}

#[tokio::test]
async fn a_throttled_create_is_retried_once_after_retry_after() {
    let server = MockServer::start().await;
    let (request_body, response_body) = seed_example();
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(&response_body))
        .mount(&server)
        .await;
    let model: UserStatus = serde_json::from_value(request_body).unwrap();
    let started = Instant::now();
    client(&server)
        .send(&user_statuses("c").create(&model))
        .await
        .unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(990),
        "waited {:?}",
        started.elapsed()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn a_graph_404_is_a_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": "ResourceNotFound", "message": "No such status", "innerError": {"request-id": "req-7", "date": "2021-07-01T10:00:00"}}
        })))
        .mount(&server)
        .await;
    let error = client(&server)
        .send(&user_statuses("c").by_id("nope").get())
        .await
        .unwrap_err();
    let Error::Service(service) = &error else {
        panic!("expected a service error, got {error:?}")
    };
    assert_eq!(service.status.as_u16(), 404);
    assert_eq!(
        (service.code.as_str(), service.message.as_str()),
        ("ResourceNotFound", "No such status")
    );
    assert_eq!(service.request_id.as_deref(), Some("req-7"));
    assert!(!format!("{error:?}{error}").contains("secret-token"));
}

#[tokio::test]
async fn an_id_with_slash_question_mark_and_hash_is_one_segment() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    client(&server)
        .send(&user_statuses("a/b?c#d").by_id("x").delete())
        .await
        .unwrap();
    let received: Vec<Request> = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].url.path(),
        format!("{CONFIGS}/a%2Fb%3Fc%23d/userStatuses/x")
    );
    assert_eq!(received[0].url.query(), None);
}
