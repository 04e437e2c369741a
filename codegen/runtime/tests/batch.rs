//! Batches sent with the client to a loopback server that answers like Microsoft
//! Graph's JSON batch endpoint: `POST /$batch` with `{"requests": [...]}`, answered
//! `200` with `{"responses": [...]}` in any order, a request whose `dependsOn`
//! failed answered `424 Failed Dependency`, throttled requests `429` with
//! `Retry-After`.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;
use std::time::Duration;

use odata_codegen_runtime::http::StatusCode;
use odata_codegen_runtime::{
    Batch, BatchItem, Client, Error, ErrorKind, ODataPath, Operation, ServiceRoot, StaticToken,
};
use serde::Deserialize;
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "batch-token-81c2";

#[derive(Debug, PartialEq, Deserialize)]
struct User {
    id: String,
}

fn client(server: &MockServer) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/v1.0/", server.uri())).unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

fn get_user(id: &str) -> Operation<User> {
    Operation::get(ODataPath::root().segment("users").key(id))
}

/// Answers JSON batches as Graph does: each request by its URL (`users/<id>` is a
/// user, `users/missing` is `404`, `users/throttled-<n>` is `429` the first time),
/// `424` for a request whose dependency failed, responses in reverse order.
#[derive(Default)]
struct Graph {
    /// Every batch received, as its request ids.
    batches: Mutex<Vec<Vec<String>>>,
    /// The throttled URLs already answered `429` once.
    throttled: Mutex<HashSet<String>>,
    retry_after: &'static str,
}

impl Respond for &'static Graph {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let requests = body["requests"].as_array().unwrap();
        assert!(requests.len() <= 20, "Graph takes at most 20 requests");
        let ids: Vec<String> = requests
            .iter()
            .map(|r| r["id"].as_str().unwrap().to_owned())
            .collect();
        self.batches.lock().unwrap().push(ids.clone());
        let mut status_of: HashMap<String, u16> = HashMap::new();
        let mut responses = Vec::new();
        for sub in requests {
            let id = sub["id"].as_str().unwrap().to_owned();
            let url = sub["url"].as_str().unwrap().to_owned();
            for dependency in sub["dependsOn"].as_array().into_iter().flatten() {
                // Graph requires a dependency to be in the same batch.
                assert!(
                    ids.iter().any(|i| i == dependency),
                    "{dependency} elsewhere"
                );
            }
            let failed_dependency = sub["dependsOn"].as_array().into_iter().flatten().any(|d| {
                status_of
                    .get(d.as_str().unwrap())
                    .is_some_and(|s| *s >= 400)
            });
            let user = url.strip_prefix("users/").unwrap().to_owned();
            let response = if failed_dependency {
                json!({"id": id, "status": 424, "body": {"error": {
                    "code": "BadRequest", "message": "Failed dependency"}}})
            } else if user == "missing" {
                json!({"id": id, "status": 404,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"error": {"code": "Request_ResourceNotFound",
                        "message": "Resource 'missing' does not exist.",
                        "innerError": {"request-id": "r-404"}}}})
            } else if user.starts_with("throttled") && self.throttled.lock().unwrap().insert(url) {
                json!({"id": id, "status": 429,
                    "headers": {"Retry-After": self.retry_after},
                    "body": {"error": {"code": "TooManyRequests", "message": "slow down"}}})
            } else {
                json!({"id": id, "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": user}})
            };
            status_of.insert(id, response["status"].as_u64().unwrap() as u16);
            responses.push(response);
        }
        responses.reverse();
        ResponseTemplate::new(200).set_body_json(json!({ "responses": responses }))
    }
}

async fn graph(retry_after: &'static str) -> (MockServer, &'static Graph) {
    let server = MockServer::start().await;
    let graph: &'static Graph = Box::leak(Box::new(Graph {
        retry_after,
        ..Graph::default()
    }));
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json"))
        .respond_with(graph)
        .mount(&server)
        .await;
    (server, graph)
}

#[tokio::test]
async fn responses_in_any_order_give_each_request_its_typed_result() {
    let (server, graph) = graph("0").await;
    let mut batch = Batch::new();
    let ada = batch.add(&get_user("ada"));
    let missing = batch.add(&get_user("missing"));
    let after_missing = batch.add_after(&get_user("bob"), &[missing.id()]).unwrap();
    let after_ada = batch.add_after(&get_user("cy"), &[ada.id()]).unwrap();

    let results = batch.send(&client(&server)).await.unwrap();

    assert_eq!(results.get(&ada).unwrap(), User { id: "ada".into() });
    assert_eq!(results.get(&after_ada).unwrap(), User { id: "cy".into() });
    let not_found = results.get(&missing).unwrap_err();
    let Error::Service(service) = &not_found else {
        panic!("{not_found:?}")
    };
    assert_eq!(service.code, "Request_ResourceNotFound");
    assert_eq!(service.request_id.as_deref(), Some("r-404"));
    assert_eq!(not_found.kind(), Some(ErrorKind::NotFound));
    let failed = results.get(&after_missing).unwrap_err();
    assert_eq!(failed.kind(), Some(ErrorKind::FailedDependency), "{failed}");
    assert_eq!(failed.status(), Some(StatusCode::FAILED_DEPENDENCY));
    assert_eq!(*graph.batches.lock().unwrap(), [vec!["1", "2", "3", "4"]]);
}

#[tokio::test]
async fn a_throttled_request_is_sent_again_alone_in_a_second_batch() {
    let (server, graph) = graph("0").await;
    let mut batch = Batch::new();
    let ada = batch.add(&get_user("ada"));
    let slow = batch.add(&get_user("throttled-1"));
    let bob = batch.add(&get_user("bob"));

    let results = client(&server).send_batch(&batch).await.unwrap();

    assert_eq!(results.get(&ada).unwrap().id, "ada");
    assert_eq!(results.get(&slow).unwrap().id, "throttled-1");
    assert_eq!(results.get(&bob).unwrap().id, "bob");
    assert_eq!(
        *graph.batches.lock().unwrap(),
        [vec!["1", "2", "3"], vec!["2"]]
    );
}

#[tokio::test]
async fn a_throttled_dependency_goes_again_with_its_dependent() {
    let (server, graph) = graph("0").await;
    let mut batch = Batch::new();
    let ada = batch.add(&get_user("ada"));
    let slow = batch.add(&get_user("throttled-2"));
    let next = batch.add_after(&get_user("bob"), &[slow.id()]).unwrap();

    let results = client(&server).send_batch(&batch).await.unwrap();

    assert_eq!(results.get(&ada).unwrap().id, "ada");
    assert_eq!(results.get(&slow).unwrap().id, "throttled-2");
    assert_eq!(results.get(&next).unwrap().id, "bob");
    assert_eq!(
        *graph.batches.lock().unwrap(),
        [vec!["1", "2", "3"], vec!["2", "3"]]
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_max_retry_delay_is_the_requests_result() {
    let (server, graph) = graph("3600").await;
    let mut batch = Batch::new();
    let slow = batch.add(&get_user("throttled-3"));

    let results = client(&server).send_batch(&batch).await.unwrap();

    let error = results.get(&slow).unwrap_err();
    assert_eq!(error.kind(), Some(ErrorKind::TooManyRequests), "{error}");
    assert_eq!(graph.batches.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn forty_five_requests_go_as_twenty_twenty_five_with_a_chain_kept_together() {
    let (server, graph) = graph("0").await;
    let mut batch = Batch::new();
    let mut items: Vec<BatchItem<User>> = Vec::new();
    for n in 0..45 {
        let operation = get_user(&format!("u{n}"));
        // Requests 19, 20 and 21 form a dependsOn chain across the first limit.
        let item = match n {
            20 | 21 => batch.add_after(&operation, &[items[n - 1].id()]).unwrap(),
            _ => batch.add(&operation),
        };
        items.push(item);
    }

    let results = client(&server).send_batch(&batch).await.unwrap();

    for (n, item) in items.iter().enumerate() {
        assert_eq!(results.get(item).unwrap().id, format!("u{n}"));
    }
    let batches = graph.batches.lock().unwrap();
    let sizes: Vec<usize> = batches.iter().map(Vec::len).collect();
    assert_eq!(sizes, [20, 20, 5]);
    let chain: Vec<String> = ["20", "21", "22"].map(String::from).to_vec();
    assert!(
        batches
            .iter()
            .any(|b| chain.iter().all(|id| b.contains(id))),
        "the chain travels in one batch: {batches:?}"
    );
    let mut seen: Vec<&String> = batches.iter().flatten().collect();
    seen.sort();
    seen.dedup();
    assert_eq!(seen.len(), 45, "each request exactly once");
}

#[tokio::test]
async fn a_chain_longer_than_the_limit_fails_before_sending() {
    let (server, graph) = graph("0").await;
    let mut batch = Batch::new().with_max_requests(2);
    let first = batch.add(&get_user("a"));
    let second = batch.add_after(&get_user("b"), &[first.id()]).unwrap();
    batch.add_after(&get_user("c"), &[second.id()]).unwrap();

    let error = client(&server).send_batch(&batch).await.unwrap_err();

    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(graph.batches.lock().unwrap().is_empty());
}

#[tokio::test]
async fn a_failed_batch_request_is_each_requests_typed_error() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1.0/$batch"))
        .respond_with(ResponseTemplate::new(400).set_body_json(
            json!({"error": {"code": "BadRequest", "message": "Invalid batch payload"}}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let mut batch = Batch::new();
    let one = batch.add(&get_user("a"));
    let two = batch.add(&get_user("b"));

    let results = client(&server).send_batch(&batch).await.unwrap();

    for item in [&one, &two] {
        let error = results.get(item).unwrap_err();
        assert!(
            matches!(&error, Error::Service(s) if s.message == "Invalid batch payload"),
            "{error}"
        );
    }
}
