//! Continuous access evaluation against a real HTTP server on 127.0.0.1: a `401`
//! with a claims challenge gets one token for those claims and one retry.

use std::sync::{Arc, Mutex};

use odata_codegen_runtime::{
    BoxFuture, Client, Error, ODataPath, Operation, ServiceRoot, Token, TokenProvider,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The claims request of Microsoft's continuous access evaluation example.
const CLAIMS: &str = r#"{"access_token":{"nbf":{"essential":true,"value":"1604106651"}}}"#;
/// `CLAIMS` in base64, as the challenge carries it.
const CLAIMS_BASE64: &str =
    "eyJhY2Nlc3NfdG9rZW4iOnsibmJmIjp7ImVzc2VudGlhbCI6dHJ1ZSwidmFsdWUiOiIxNjA0MTA2NjUxIn19fQ==";

/// Hands out `revoked` until asked for claims, then `fresh`; records the claims.
#[derive(Default)]
struct Recording {
    claims: Mutex<Vec<String>>,
}

impl TokenProvider for Recording {
    fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
        Box::pin(async { Ok(Token::new("revoked")) })
    }

    fn token_with_claims<'a>(&'a self, claims: &'a str) -> BoxFuture<'a, Result<Token, Error>> {
        self.claims.lock().unwrap().push(claims.to_owned());
        Box::pin(async { Ok(Token::new("fresh")) })
    }
}

fn client(server: &MockServer, provider: Arc<Recording>) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/v1.0", server.uri())).unwrap())
        .token_provider(provider)
        .build()
        .unwrap()
}

fn me() -> Operation<Value> {
    Operation::get(ODataPath::root().segment("me"))
}

/// Graph's answer to a revoked token: `401` with a claims challenge.
fn claims_challenge() -> ResponseTemplate {
    ResponseTemplate::new(401)
        .insert_header(
            "www-authenticate",
            format!(
                r#"Bearer realm="", authorization_uri="https://login.microsoftonline.com/common/oauth2/authorize", client_id="00000003-0000-0000-c000-000000000000", error="insufficient_claims", claims="{CLAIMS_BASE64}""#
            )
            .as_str(),
        )
        .set_body_json(json!({"error": {
            "code": "InvalidAuthenticationToken",
            "message": "Continuous access evaluation resulted in challenge with result: InteractionRequired and code: TokenIssuedBeforeRevocationTimestamp",
        }}))
}

#[tokio::test]
async fn a_claims_challenge_gets_a_token_for_its_claims_and_one_retry() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(header("authorization", "Bearer revoked"))
        .respond_with(claims_challenge())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(header("authorization", "Bearer fresh"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;

    let provider = Arc::new(Recording::default());
    let me = client(&server, provider.clone()).send(&me()).await.unwrap();
    assert_eq!(me, json!({"id": "1"}));
    assert_eq!(*provider.claims.lock().unwrap(), [CLAIMS]);
}

#[tokio::test]
async fn a_second_401_is_returned_as_the_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(claims_challenge())
        .expect(2)
        .mount(&server)
        .await;

    let provider = Arc::new(Recording::default());
    let error = client(&server, provider.clone())
        .send(&me())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert_eq!(
        error.service_error().unwrap().code,
        "InvalidAuthenticationToken"
    );
    assert_eq!(
        provider.claims.lock().unwrap().len(),
        1,
        "one fresh token only"
    );
}

#[tokio::test]
async fn a_401_without_a_claims_challenge_is_not_retried() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", r#"Bearer realm="", error="invalid_token""#)
                .set_body_json(json!({"error": {"code": "InvalidAuthenticationToken", "message": "Access token has expired."}})),
        )
        .expect(1)
        .mount(&server)
        .await;

    let provider = Arc::new(Recording::default());
    let error = client(&server, provider.clone())
        .send(&me())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(401));
    assert!(provider.claims.lock().unwrap().is_empty());
}

/// A provider written before claims challenges existed still compiles, and is
/// asked for a token again.
#[tokio::test]
async fn the_default_answer_to_a_challenge_asks_for_a_token_again() {
    struct Counting(Mutex<u32>);
    impl TokenProvider for Counting {
        fn token(&self) -> BoxFuture<'_, Result<Token, Error>> {
            let mut calls = self.0.lock().unwrap();
            *calls += 1;
            let token = Token::new(format!("token-{calls}"));
            Box::pin(async { Ok(token) })
        }
    }

    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(claims_challenge())
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(header("authorization", "Bearer token-2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;
    let provider = Arc::new(Counting(Mutex::new(0)));
    let client = Client::builder()
        .service_root(ServiceRoot::new(&server.uri()).unwrap())
        .token_provider(provider.clone())
        .build()
        .unwrap();
    assert_eq!(client.send(&me()).await.unwrap(), json!({"id": "1"}));
    assert_eq!(*provider.0.lock().unwrap(), 2);
}
