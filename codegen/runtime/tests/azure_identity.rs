//! `AzureTokenProvider` with a fake `TokenCredential` (no network), and the
//! client using it against a real HTTP server on 127.0.0.1.

use std::sync::{Arc, Mutex};

use odata_codegen_runtime::azure_core::credentials::{
    AccessToken, TokenCredential, TokenRequestOptions,
};
use odata_codegen_runtime::azure_core::time::{Duration, OffsetDateTime};
use odata_codegen_runtime::{
    AzureTokenProvider, Client, Error, GraphCloud, GraphVersion, ODataPath, Operation, ServiceRoot,
    TokenProvider,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "client-secret-9d41";

/// Records what it is asked for and hands out tokens that live `lifetime`.
/// Its derived `Debug` shows the secret it holds, as a careless credential's might.
#[derive(Debug)]
struct FakeCredential {
    #[expect(
        dead_code,
        reason = "read only by the derived Debug, which is the point"
    )]
    secret: String,
    lifetime: Duration,
    requests: Mutex<Vec<(Vec<String>, bool)>>,
}

impl FakeCredential {
    fn new(lifetime: Duration) -> Arc<Self> {
        Arc::new(Self {
            secret: SECRET.to_owned(),
            lifetime,
            requests: Mutex::new(Vec::new()),
        })
    }

    fn requests(&self) -> Vec<(Vec<String>, bool)> {
        self.requests.lock().unwrap().clone()
    }
}

#[async_trait::async_trait]
impl TokenCredential for FakeCredential {
    async fn get_token(
        &self,
        scopes: &[&str],
        options: Option<TokenRequestOptions<'_>>,
    ) -> odata_codegen_runtime::azure_core::Result<AccessToken> {
        let mut requests = self.requests.lock().unwrap();
        requests.push((
            scopes.iter().map(|s| (*s).to_owned()).collect(),
            options.is_some(),
        ));
        let token = format!("token-{}", requests.len());
        Ok(AccessToken::new(
            token,
            OffsetDateTime::now_utc() + self.lifetime,
        ))
    }
}

#[tokio::test]
async fn asks_for_the_roots_default_scope_and_caches_the_token() {
    let credential = FakeCredential::new(Duration::hours(1));
    let root = ServiceRoot::graph(GraphCloud::UsGovL5, GraphVersion::Beta);
    let provider = AzureTokenProvider::new(credential.clone(), &root);
    assert_eq!(provider.token().await.unwrap().secret(), "token-1");
    assert_eq!(
        provider.token().await.unwrap().secret(),
        "token-1",
        "cached"
    );
    assert_eq!(
        credential.requests(),
        [(
            vec!["https://dod-graph.microsoft.us/.default".to_owned()],
            false
        )]
    );
}

#[tokio::test]
async fn a_token_near_expiry_is_replaced_and_scopes_can_be_overridden() {
    // Within the five-minute margin: every request gets a new token.
    let credential = FakeCredential::new(Duration::minutes(4));
    let root = ServiceRoot::graph(GraphCloud::Global, GraphVersion::V1);
    let provider =
        AzureTokenProvider::new(credential.clone(), &root).with_scopes(["User.Read", "Mail.Read"]);
    assert_eq!(provider.scopes(), ["User.Read", "Mail.Read"]);
    provider.token().await.unwrap();
    assert_eq!(provider.token().await.unwrap().secret(), "token-2");
    let scopes = vec!["User.Read".to_owned(), "Mail.Read".to_owned()];
    assert_eq!(
        credential.requests(),
        [(scopes.clone(), false), (scopes, false)]
    );
}

#[test]
fn debug_shows_neither_the_credential_nor_a_token() {
    let root = ServiceRoot::graph(GraphCloud::China, GraphVersion::V1);
    let provider = AzureTokenProvider::new(FakeCredential::new(Duration::hours(1)), &root);
    let debug = format!("{provider:?}");
    assert!(!debug.contains(SECRET), "{debug}");
    assert!(
        debug.contains("https://microsoftgraph.chinacloudapi.cn/.default"),
        "{debug}"
    );

    let real =
        AzureTokenProvider::client_secret(&root, "contoso.onmicrosoft.com", "app-id", SECRET)
            .unwrap();
    let debug = format!("{real:?}");
    assert!(!debug.contains(SECRET), "{debug}");

    for (tenant, client_id) in [
        ("", "app-id"),
        ("bad tenant/../", "app-id"),
        ("contoso.onmicrosoft.com", ""),
    ] {
        let error =
            AzureTokenProvider::client_secret(&root, tenant, client_id, SECRET).unwrap_err();
        assert!(
            matches!(error, Error::InvalidConfiguration { .. }),
            "{error:?}"
        );
        assert!(!error.to_string().contains(SECRET), "{error}");
        assert!(!format!("{error:?}").contains(SECRET), "{error:?}");
    }
}

#[tokio::test]
async fn the_client_sends_its_tokens_and_reports_a_claims_challenge_it_cannot_meet() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1.0/me"))
        .and(header("authorization", "Bearer token-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "1"})))
        .expect(1)
        .mount(&server)
        .await;
    // "eyJhY2Nlc3NfdG9rZW4iOnt9fQ==" is {"access_token":{}}.
    Mock::given(method("GET"))
        .and(path("/v1.0/me/manager"))
        .respond_with(ResponseTemplate::new(401).insert_header(
            "www-authenticate",
            r#"Bearer realm="", error="insufficient_claims", claims="eyJhY2Nlc3NfdG9rZW4iOnt9fQ==""#,
        ))
        .expect(2)
        .mount(&server)
        .await;

    let root = ServiceRoot::new(&format!("{}/v1.0", server.uri())).unwrap();
    let credential = FakeCredential::new(Duration::hours(1));
    let provider = AzureTokenProvider::new(credential.clone(), &root);
    assert_eq!(provider.scopes(), [format!("{}/.default", server.uri())]);
    let client = Client::builder()
        .service_root(root)
        .token_provider(provider)
        .build()
        .unwrap();

    let me: Value = client
        .send(&Operation::get(ODataPath::root().segment("me")))
        .await
        .unwrap();
    assert_eq!(me, json!({"id": "1"}));
    let manager: Operation<Value> =
        Operation::get(ODataPath::root().segment("me").segment("manager"));
    let error = client.send(&manager).await.unwrap_err();
    assert!(matches!(error, Error::Authentication(_)), "{error:?}");
    assert!(
        error.to_string().contains(r#"{"access_token":{}}"#),
        "{error}"
    );
    // The revoked token is not kept: the next request asks the credential again.
    assert_eq!(credential.requests().len(), 1);
    let _ = client.send(&manager).await;
    assert_eq!(credential.requests().len(), 2);
}
