//! A bearer token never appears in Debug output or in error messages: the generated
//! requests sent through the runtime's client to a server on 127.0.0.1 that rejects
//! them, and to a port where nothing listens.

use std::time::Duration;

use microsoft_graph::requests::GraphService;
use microsoft_graph::runtime::{Client, ServiceRoot, StaticToken};
use serde_json::json;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "eyJ0eXAiOiJKV1QiLCJub25jZSI6InMzY3IzdCJ9.s3cr3t-b3ar3r";

fn client_for(root: &str) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(root).unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .max_retries(0)
        .timeout(Duration::from_secs(5))
        .build()
        .unwrap()
}

fn assert_secret_free(what: &str, text: &str) {
    assert!(!text.contains(TOKEN), "{what} shows the token: {text}");
    assert!(
        !text.contains("s3cr3t"),
        "{what} shows part of the token: {text}"
    );
}

#[tokio::test]
async fn the_token_is_in_no_debug_or_error_output() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_json(json!({
            "error": { "code": "InvalidAuthenticationToken", "message": "Access token has expired." }
        })))
        .mount(&server)
        .await;
    let client = client_for(&format!("{}/beta", server.uri()));
    let get = GraphService
        .device_app_management()
        .ios_lob_app_provisioning_configurations()
        .by_id("config")
        .user_statuses()
        .by_id("status")
        .get();
    let err = client.send(&get).await.unwrap_err();
    // The token was sent: the check below is not vacuous.
    let received = server.received_requests().await.unwrap();
    let authorization = received[0].headers.get("authorization").unwrap();
    assert_eq!(authorization.to_str().unwrap(), format!("Bearer {TOKEN}"));
    assert_secret_free("the client's Debug", &format!("{client:?}"));
    assert_secret_free(
        "the token provider's Debug",
        &format!("{:?}", StaticToken::new(TOKEN)),
    );
    assert_secret_free("the operation's Debug", &format!("{get:?}"));
    assert_secret_free("a service error", &format!("{err}"));
    assert_secret_free("a service error's Debug", &format!("{err:?}"));
    assert!(
        format!("{err}").contains("InvalidAuthenticationToken"),
        "{err}"
    );

    // Nothing listens on port 9 of 127.0.0.1 here: a transport error.
    let unreachable = client_for("http://127.0.0.1:9/beta");
    let err = unreachable.send(&get).await.unwrap_err();
    assert_secret_free("a transport error", &format!("{err}"));
    assert_secret_free("a transport error's Debug", &format!("{err:?}"));
}
