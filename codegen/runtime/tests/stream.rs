//! Streamed content: Graph's `GET .../content` answers `302 Found` with a
//! pre-authenticated URL on another host, which must get the bytes request without
//! the bearer token; the content then arrives piece by piece.

use futures_util::StreamExt as _;
use odata_codegen_runtime::http::HeaderValue;
use odata_codegen_runtime::{Client, Error, ODataPath, ServiceRoot, StaticToken, Stream};
use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;
use tokio::sync::{mpsc, oneshot};
use wiremock::matchers::{body_bytes, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "stream-test-token-5d2e";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .service_root(ServiceRoot::new(&format!("{}/v1.0", server.uri())).unwrap())
        .token_provider(StaticToken::new(TOKEN))
        .build()
        .unwrap()
}

fn content() -> Stream {
    Stream::new(
        ODataPath::root()
            .segment("drives")
            .key("d")
            .segment("items")
            .key("1")
            .segment("content"),
    )
}

/// A download host on its own port (another origin): answers one request with a
/// chunked body in two pieces, sending the second only once `go` fires, and hands
/// the request's head to `heads`.
async fn download_host(
    first: &'static [u8],
    second: &'static [u8],
    go: oneshot::Receiver<()>,
    heads: mpsc::UnboundedSender<String>,
) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut head = Vec::new();
        while !head.ends_with(b"\r\n\r\n") {
            let mut byte = [0_u8; 1];
            socket.read_exact(&mut byte).await.unwrap();
            head.push(byte[0]);
        }
        heads.send(String::from_utf8(head).unwrap()).unwrap();
        let piece = |bytes: &[u8]| {
            let mut framed = format!("{:x}\r\n", bytes.len()).into_bytes();
            framed.extend_from_slice(bytes);
            framed.extend_from_slice(b"\r\n");
            framed
        };
        socket
            .write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n\
                  Transfer-Encoding: chunked\r\n\r\n",
            )
            .await
            .unwrap();
        socket.write_all(&piece(first)).await.unwrap();
        socket.flush().await.unwrap();
        go.await.unwrap();
        socket.write_all(&piece(second)).await.unwrap();
        socket.write_all(b"0\r\n\r\n").await.unwrap();
        socket.flush().await.unwrap();
    });
    format!("http://{address}")
}

#[tokio::test]
async fn download_follows_the_redirect_without_the_token_and_streams_pieces() {
    let graph = MockServer::start().await;
    let (go, wait) = oneshot::channel();
    let (heads, mut received) = mpsc::unbounded_channel();
    let host = download_host(b"first piece;", b"second piece", wait, heads).await;
    let bearer = format!("Bearer {TOKEN}");
    // A relative redirect stays on the service's origin and keeps the token.
    Mock::given(method("GET"))
        .and(path("/v1.0/drives/d/items/1/content"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(ResponseTemplate::new(302).insert_header("Location", "/v1.0/moved"))
        .expect(1)
        .mount(&graph)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1.0/moved"))
        .and(header("authorization", bearer.as_str()))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{host}/download/abc?tempauth=xyz")),
        )
        .expect(1)
        .mount(&graph)
        .await;

    let mut download = content().download(&client(&graph)).await.unwrap();
    assert_eq!(download.content_type(), Some("application/octet-stream"));
    assert_eq!(download.content_length(), None);

    let head = received.recv().await.unwrap();
    assert!(
        head.starts_with("GET /download/abc?tempauth=xyz HTTP/1.1\r\n"),
        "{head}"
    );
    assert!(
        !head.to_ascii_lowercase().contains("authorization"),
        "{head}"
    );
    assert!(!head.contains(TOKEN), "{head}");

    // The first piece is here before the host has sent the second.
    let first = download.next().await.unwrap().unwrap();
    assert_eq!(&first[..], b"first piece;");
    go.send(()).unwrap();
    let mut rest = Vec::new();
    while let Some(piece) = download.next().await {
        rest.extend_from_slice(&piece.unwrap());
    }
    assert_eq!(rest, b"second piece");
}

#[tokio::test]
async fn endless_redirects_stop_with_an_error() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("Location", "/v1.0/drives/d/items/1/content"),
        )
        .mount(&graph)
        .await;
    let error = content().download(&client(&graph)).await.unwrap_err();
    assert!(matches!(error, Error::InvalidRequest { .. }), "{error}");
    assert!(error.to_string().contains("redirects"), "{error}");
    assert_eq!(graph.received_requests().await.unwrap().len(), 11);
}

#[tokio::test]
async fn a_missing_item_gives_the_service_error() {
    let graph = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "error": {"code": "itemNotFound", "message": "The resource could not be found."}
        })))
        .expect(1)
        .mount(&graph)
        .await;
    let error = content().download(&client(&graph)).await.unwrap_err();
    assert_eq!(error.service_error().unwrap().code, "itemNotFound");
}

#[tokio::test]
async fn put_reader_streams_the_body_with_the_token_to_the_service() {
    let graph = MockServer::start().await;
    let body: Vec<u8> = (0..200_000_u32).map(|i| (i % 253) as u8).collect();
    Mock::given(method("PUT"))
        .and(path("/v1.0/drives/d/items/1/content"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "text/plain"))
        .and(header("content-length", "200000"))
        .and(body_bytes(body.clone()))
        .respond_with(ResponseTemplate::new(201).set_body_json(json!({"id": "1"})))
        .expect(1)
        .mount(&graph)
        .await;
    content()
        .put_reader(
            &client(&graph),
            std::io::Cursor::new(body.clone()),
            HeaderValue::from_static("text/plain"),
            Some(body.len() as u64),
        )
        .await
        .unwrap();
}
