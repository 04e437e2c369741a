//! Upload sessions against a loopback server that keeps a session the way Graph
//! documents it: chunks `PUT` with `Content-Range`, `202` with `nextExpectedRanges`
//! until the last byte, `416` for a range it already has, `GET` for the session's
//! state and `DELETE` to cancel.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use odata_codegen_runtime::http::StatusCode;
use odata_codegen_runtime::{
    ChunkSize, Client, Error, ServiceRoot, StaticToken, UploadContent, UploadOutcome,
    UploadSession, Uploader,
};
use serde::Deserialize;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TOKEN: &str = "upload-test-token-77c1";
const FRAGMENT: usize = 320 * 1024;
const SESSION_PATH: &str = "/up/session-1";

#[derive(Debug, PartialEq, Deserialize)]
struct DriveItem {
    id: String,
    size: u64,
}

/// How the session answers the last chunk.
#[derive(Clone, Copy)]
enum Completion {
    /// A drive item: `201 Created` with the item.
    ItemBody,
    /// An attachment: `201 Created` with a `Location` and no body.
    LocationOnly,
}

struct State {
    total: usize,
    /// The bytes received so far: always a prefix of the file here.
    received: Vec<u8>,
    /// The `Content-Range` of every chunk `PUT`, in order.
    ranges: Vec<String>,
    /// Statuses to answer the `n`th chunk `PUT` with instead of taking it.
    failures: Vec<(usize, u16)>,
    completion: Completion,
    cancelled: bool,
}

/// One upload session, as Graph keeps it.
#[derive(Clone)]
struct Session(Arc<Mutex<State>>);

impl Session {
    fn new(total: usize, completion: Completion) -> Self {
        Self(Arc::new(Mutex::new(State {
            total,
            received: Vec::new(),
            ranges: Vec::new(),
            failures: Vec::new(),
            completion,
            cancelled: false,
        })))
    }

    fn failing(self, put: usize, status: u16) -> Self {
        self.0.lock().unwrap().failures.push((put, status));
        self
    }

    fn ranges(&self) -> Vec<String> {
        self.0.lock().unwrap().ranges.clone()
    }

    fn received(&self) -> Vec<u8> {
        self.0.lock().unwrap().received.clone()
    }

    fn status_body(state: &State) -> serde_json::Value {
        json!({
            "expirationDateTime": "2030-01-29T09:21:55.523Z",
            "nextExpectedRanges": [format!("{}-", state.received.len())]
        })
    }

    async fn mount(&self, server: &MockServer) {
        Mock::given(path(SESSION_PATH))
            .respond_with(self.clone())
            .mount(server)
            .await;
    }
}

impl Respond for Session {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut state = self.0.lock().unwrap();
        match request.method.as_str() {
            "GET" => ResponseTemplate::new(200).set_body_json(Self::status_body(&state)),
            "DELETE" => {
                state.cancelled = true;
                ResponseTemplate::new(204)
            }
            "PUT" => {
                let range = request.headers["content-range"]
                    .to_str()
                    .unwrap()
                    .to_owned();
                state.ranges.push(range.clone());
                let put = state.ranges.len();
                if let Some(&(_, status)) = state.failures.iter().find(|(n, _)| *n == put) {
                    return ResponseTemplate::new(status).set_body_json(json!({
                        "error": {"code": "serviceNotAvailable", "message": "try again"}
                    }));
                }
                let (first, last, total) = parse_range(&range);
                assert_eq!(total, state.total);
                assert_eq!(
                    request.headers["content-length"].to_str().unwrap(),
                    (last - first + 1).to_string()
                );
                assert_eq!(request.body.len(), last - first + 1);
                if first != state.received.len() {
                    return ResponseTemplate::new(416).set_body_json(json!({
                        "error": {"code": "invalidRange", "message": "The range is not expected."}
                    }));
                }
                state.received.extend_from_slice(&request.body);
                if state.received.len() < state.total {
                    return ResponseTemplate::new(202).set_body_json(Self::status_body(&state));
                }
                match state.completion {
                    Completion::ItemBody => ResponseTemplate::new(201)
                        .set_body_json(json!({"id": "item-1", "size": state.total})),
                    Completion::LocationOnly => ResponseTemplate::new(201).insert_header(
                        "Location",
                        "https://outlook.office.com/api/v2.0/Users('a')/Messages('m')/Attachments('att')",
                    ),
                }
            }
            other => panic!("unexpected method {other}"),
        }
    }
}

/// `bytes first-last/total`.
fn parse_range(header: &str) -> (usize, usize, usize) {
    let rest = header.strip_prefix("bytes ").unwrap();
    let (span, total) = rest.split_once('/').unwrap();
    let (first, last) = span.split_once('-').unwrap();
    (
        first.parse().unwrap(),
        last.parse().unwrap(),
        total.parse().unwrap(),
    )
}

fn content(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i * 7 % 251) as u8).collect()
}

/// A client for a service elsewhere: the upload host is another origin.
fn client(max_retries: u32) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new("http://127.0.0.1:9/v1.0").unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .max_retries(max_retries)
        .initial_backoff(Duration::from_millis(1))
        .build()
        .unwrap()
}

/// The session a `createUploadSession` call returns.
fn created(server: &MockServer) -> UploadSession<DriveItem> {
    serde_json::from_value(json!({
        "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
        "uploadUrl": format!("{}{SESSION_PATH}", server.uri()),
        "expirationDateTime": "2030-01-29T09:21:55.523Z",
        "nextExpectedRanges": ["0-"]
    }))
    .unwrap()
}

async fn assert_no_authorization(server: &MockServer) {
    for request in server.received_requests().await.unwrap() {
        assert!(
            request.headers.get("authorization").is_none(),
            "{} {} carried Authorization",
            request.method,
            request.url
        );
    }
}

#[tokio::test]
async fn several_chunks_carry_exact_content_ranges_and_report_progress() {
    let server = MockServer::start().await;
    let total = 3 * FRAGMENT + 1000;
    let session = Session::new(total, Completion::ItemBody);
    session.mount(&server).await;
    let file = content(total);
    let progress = Arc::new(Mutex::new(Vec::new()));
    let seen = progress.clone();

    let outcome = Uploader::new(&client(3), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .on_progress(move |p| seen.lock().unwrap().push(p))
        .upload(UploadContent::bytes(file.clone()))
        .await
        .unwrap();

    assert_eq!(
        outcome,
        UploadOutcome::Item(DriveItem {
            id: "item-1".into(),
            size: total as u64
        })
    );
    assert_eq!(
        session.ranges(),
        [
            format!("bytes 0-327679/{total}"),
            format!("bytes 327680-655359/{total}"),
            format!("bytes 655360-983039/{total}"),
            format!("bytes 983040-984039/{total}"),
        ]
    );
    assert!(session.received() == file, "the assembled file differs");
    let received: Vec<u64> = progress
        .lock()
        .unwrap()
        .iter()
        .map(|p| p.received)
        .collect();
    assert_eq!(received, [327_680, 655_360, 983_040, total as u64]);
    assert!(
        progress
            .lock()
            .unwrap()
            .iter()
            .all(|p| p.total == total as u64)
    );
    assert_no_authorization(&server).await;
}

#[tokio::test]
async fn interrupted_after_two_chunks_resumes_in_a_new_uploader_from_the_stored_url() {
    let server = MockServer::start().await;
    let total = 4 * FRAGMENT;
    let session = Session::new(total, Completion::ItemBody).failing(3, 500);
    session.mount(&server).await;
    let file = content(total);
    let stored = serde_json::to_string(&created(&server).upload_url).unwrap();

    // Without retries, the failed third chunk ends the first upload.
    let error = Uploader::new(&client(0), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::bytes(file.clone()))
        .await
        .unwrap_err();
    assert_eq!(error.status(), Some(StatusCode::INTERNAL_SERVER_ERROR));
    assert_eq!(session.received().len(), 2 * FRAGMENT);

    // Another process, knowing only the URL, and reading the file afresh.
    let url: String = serde_json::from_str(&stored).unwrap();
    let outcome = Uploader::<DriveItem>::new(&client(0), UploadSession::from_url(url))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::reader(
            std::io::Cursor::new(file.clone()),
            total as u64,
        ))
        .await
        .unwrap();
    assert_eq!(outcome.item().unwrap().size, total as u64);
    assert_eq!(
        session.ranges(),
        [
            format!("bytes 0-327679/{total}"),
            format!("bytes 327680-655359/{total}"),
            format!("bytes 655360-983039/{total}"),
            format!("bytes 655360-983039/{total}"),
            format!("bytes 983040-1310719/{total}"),
        ]
    );
    assert!(session.received() == file, "the assembled file differs");
    let methods: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["PUT", "PUT", "PUT", "GET", "PUT", "PUT"]);
    assert_no_authorization(&server).await;
}

#[tokio::test]
async fn a_failed_chunk_is_retried_from_the_sessions_next_expected_ranges() {
    let server = MockServer::start().await;
    let total = 2 * FRAGMENT + 10;
    let session = Session::new(total, Completion::ItemBody)
        .failing(2, 503)
        .failing(3, 502);
    session.mount(&server).await;
    let file = content(total);

    let outcome = Uploader::new(&client(3), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::reader(&file[..], total as u64))
        .await
        .unwrap();
    assert!(matches!(outcome, UploadOutcome::Item(_)));
    let second = format!("bytes 327680-655359/{total}");
    assert_eq!(
        session.ranges(),
        [
            format!("bytes 0-327679/{total}"),
            second.clone(),
            second.clone(),
            second,
            format!("bytes 655360-655369/{total}"),
        ]
    );
    assert!(session.received() == file, "the assembled file differs");
}

#[tokio::test]
async fn stale_ranges_on_resume_get_416_and_the_upload_goes_on() {
    let server = MockServer::start().await;
    let total = 3 * FRAGMENT;
    let session = Session::new(total, Completion::ItemBody).failing(2, 500);
    session.mount(&server).await;
    let file = content(total);
    // Stored as createUploadSession returned it: expecting "0-".
    let stored = serde_json::to_string(&created(&server)).unwrap();

    let first = Uploader::new(&client(0), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::bytes(file.clone()))
        .await;
    assert!(first.is_err());

    let restored: UploadSession<DriveItem> = serde_json::from_str(&stored).unwrap();
    assert_eq!(restored.next_expected_ranges[0].to_string(), "0-");
    let outcome = Uploader::new(&client(0), restored)
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::bytes(file.clone()))
        .await
        .unwrap();
    assert!(matches!(outcome, UploadOutcome::Item(_)));
    assert_eq!(
        session.ranges(),
        [
            format!("bytes 0-327679/{total}"),
            format!("bytes 327680-655359/{total}"),
            // Refused with 416: the service has it. Its state says where to go on.
            format!("bytes 0-327679/{total}"),
            format!("bytes 327680-655359/{total}"),
            format!("bytes 655360-983039/{total}"),
        ]
    );
    assert!(session.received() == file, "the assembled file differs");
}

#[tokio::test]
async fn a_reader_cannot_go_back_for_bytes_it_has_passed() {
    let server = MockServer::start().await;
    let total = 3 * FRAGMENT;
    let session = Session::new(total, Completion::ItemBody);
    session.mount(&server).await;
    let file = content(total);
    session
        .0
        .lock()
        .unwrap()
        .received
        .extend_from_slice(&file[..FRAGMENT]);
    // A stored state ahead of the service's: the reader skips to byte 655360, the
    // service refuses it (416) and asks for 327680-, which the reader has passed.
    let mut ahead = created(&server);
    ahead.next_expected_ranges = vec!["655360-".parse().unwrap()];
    let error = Uploader::new(&client(0), ahead)
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::reader(&file[..], total as u64))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::UploadSession { .. }), "{error}");
    assert!(error.to_string().contains("327680-655359 again"), "{error}");
    assert_eq!(session.ranges(), [format!("bytes 655360-983039/{total}")]);
}

#[tokio::test]
async fn a_reader_that_ends_early_is_an_error_not_a_short_upload() {
    let server = MockServer::start().await;
    let total = 3 * FRAGMENT;
    let session = Session::new(total, Completion::ItemBody);
    session.mount(&server).await;
    let short = content(2 * FRAGMENT + 5);
    let error = Uploader::new(&client(0), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::reader(&short[..], total as u64))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::ReadContent(_)), "{error}");
    assert!(error.to_string().contains("ended after 655365"), "{error}");
    assert_eq!(session.ranges().len(), 2);
}

#[tokio::test]
async fn a_file_smaller_than_one_chunk_is_one_put() {
    let server = MockServer::start().await;
    let session = Session::new(1000, Completion::ItemBody);
    session.mount(&server).await;
    let file = content(1000);

    let item = Uploader::new(&client(0), created(&server))
        .upload(UploadContent::bytes(file.clone()))
        .await
        .unwrap()
        .item()
        .unwrap();
    assert_eq!(item.size, 1000);
    assert_eq!(session.ranges(), ["bytes 0-999/1000"]);
    assert!(session.received() == file);
}

#[tokio::test]
async fn an_attachment_completes_with_201_location_and_no_body() {
    let server = MockServer::start().await;
    let session = Session::new(FRAGMENT + 1, Completion::LocationOnly);
    session.mount(&server).await;

    let outcome = Uploader::new(&client(0), created(&server))
        .chunk_size(ChunkSize::FRAGMENT)
        .upload(UploadContent::bytes(content(FRAGMENT + 1)))
        .await
        .unwrap();
    let UploadOutcome::WithoutBody { location } = outcome else {
        panic!("{outcome:?}")
    };
    assert!(location.unwrap().ends_with("/Attachments('att')"));
    assert_no_authorization(&server).await;
}

#[tokio::test]
async fn status_and_cancel_use_the_session_url_without_the_token() {
    let server = MockServer::start().await;
    let session = Session::new(FRAGMENT * 2, Completion::ItemBody);
    session.mount(&server).await;
    let client = client(0);
    let stored = UploadSession::<DriveItem>::from_url(format!("{}{SESSION_PATH}", server.uri()));

    let status = stored.status(&client).await.unwrap();
    assert_eq!(status.next_expected_ranges[0].to_string(), "0-");
    assert_eq!(
        status.expiration_date_time.unwrap().to_string(),
        "2030-01-29T09:21:55.523Z"
    );
    stored.cancel(&client).await.unwrap();
    assert!(session.0.lock().unwrap().cancelled);
    let methods: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| r.method.to_string())
        .collect();
    assert_eq!(methods, ["GET", "DELETE"]);
    assert_no_authorization(&server).await;
}

#[tokio::test]
async fn an_expired_session_gives_the_service_error() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": "itemNotFound", "message": "The upload session was not found"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let error = Uploader::new(&client(3), created(&server))
        .upload(UploadContent::bytes(content(10)))
        .await
        .unwrap_err();
    assert_eq!(error.service_error().unwrap().code, "itemNotFound");
}

#[tokio::test]
async fn nothing_is_sent_for_an_empty_file_or_a_bad_session_url() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&server)
        .await;
    let error = Uploader::new(&client(0), created(&server))
        .upload(UploadContent::bytes(Vec::new()))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    let error = Uploader::<DriveItem>::new(&client(0), UploadSession::from_url("not a url"))
        .upload(UploadContent::bytes(content(10)))
        .await
        .unwrap_err();
    assert!(error.to_string().contains("invalid upload URL"), "{error}");
}
