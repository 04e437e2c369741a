use std::collections::HashSet;

use http::header::CONTENT_TYPE;
use proptest::prelude::*;
use serde::Deserialize;
use serde_json::json;

use super::*;
use crate::{ErrorKind, ODataPath, json};

#[derive(Debug, PartialEq, Deserialize)]
struct Book {
    id: i64,
}

fn odata_root() -> ServiceRoot {
    ServiceRoot::new("http://host/odata/").unwrap()
}

fn book(id: i64) -> Operation<Book> {
    Operation::get(
        ODataPath::root()
            .segment("Books")
            .key_literal_in_parentheses(&id.to_string()),
    )
}

fn response(content_type: &str, body: &[u8]) -> http::Response<Vec<u8>> {
    http::Response::builder()
        .header(CONTENT_TYPE, content_type)
        .body(body.to_vec())
        .unwrap()
}

fn json_body(request: &http::Request<Vec<u8>>) -> serde_json::Value {
    serde_json::from_slice(request.body()).unwrap()
}

#[test]
fn json_requests_carry_ids_urls_headers_bodies_dependencies_and_groups() {
    let mut batch = Batch::new();
    let first = batch.add(&book(1));
    let create = Operation::<Book>::new(
        Method::POST,
        ODataPath::root().segment("Books"),
        StatusCode::CREATED,
        json,
    )
    .with_body(
        br#"{"price": 12345678901234567890.125}"#.to_vec(),
        HeaderValue::from_static("application/json"),
    );
    let mut group = batch.atomicity_group();
    let created = group.add(&create);
    let picture = Operation::new(
        Method::PUT,
        ODataPath::root()
            .segment("Books")
            .key_literal("2")
            .segment("cover"),
        StatusCode::NO_CONTENT,
        crate::no_content,
    )
    .with_body(
        vec![0xfb, 0xff, 0x00],
        HeaderValue::from_static("image/png"),
    );
    group.add_after(&picture, &[first.id()]).unwrap();
    let request = batch.to_http(&odata_root()).unwrap();
    assert_eq!(request.uri(), "http://host/odata/$batch");
    assert_eq!(request.method(), Method::POST);
    assert_eq!(request.headers()[CONTENT_TYPE], "application/json");
    assert!(
        request.headers().get("prefer").is_none(),
        "dependencies stop at a failure"
    );
    // The decimal keeps every digit: the body goes inline exactly as serialized.
    let text = std::str::from_utf8(request.body()).unwrap();
    assert!(text.contains("12345678901234567890.125"), "{text}");
    assert_eq!(
        json_body(&request),
        json!({"requests": [
            {"id": "1", "method": "GET", "url": "Books(1)",
             "headers": {"accept": "application/json"}},
            {"id": "2", "method": "POST", "url": "Books", "atomicityGroup": "g1",
             "headers": {"accept": "application/json", "content-type": "application/json"},
             "body": {"price": 12345678901234567890.125_f64}},
            {"id": "3", "method": "PUT", "url": "Books/2/cover", "atomicityGroup": "g1",
             "dependsOn": ["1"],
             "headers": {"accept": "application/json", "content-type": "image/png"},
             "body": "-_8A"},
        ]})
    );
    assert_eq!(created.id().to_string(), "2");
}

#[test]
fn graph_hosts_get_a_leading_slash_and_others_the_relative_form() {
    let op = Operation::<Book>::get(ODataPath::root().segment("users").key("1")).select(["id"]);
    for (root, url) in [
        ("https://graph.microsoft.com/v1.0", "/users/1?$select=id"),
        ("https://GRAPH.microsoft.us/beta/", "/users/1?$select=id"),
        ("https://dod-graph.microsoft.us/v1.0", "/users/1?$select=id"),
        (
            "https://microsoftgraph.chinacloudapi.cn/v1.0",
            "/users/1?$select=id",
        ),
        ("http://host/odata", "users/1?$select=id"),
        (
            "http://graph.microsoft.com.example/v1.0",
            "users/1?$select=id",
        ),
    ] {
        let mut batch = Batch::new();
        batch.add(&op);
        let request = batch.to_http(&ServiceRoot::new(root).unwrap()).unwrap();
        assert_eq!(json_body(&request)["requests"][0]["url"], url, "{root}");
        assert_eq!(
            request.headers()["prefer"],
            "odata.continue-on-error",
            "independent requests each get an answer"
        );
    }
}

#[test]
fn json_responses_out_of_order_are_matched_by_id_and_typed() {
    let mut batch = Batch::new();
    let one = batch.add(&book(1));
    let two = batch.add_after(&book(2), &[one.id()]).unwrap();
    let three = batch.add(&book(3));
    let four = batch.add(&Operation::new(
        Method::GET,
        ODataPath::root()
            .segment("Books")
            .key_literal("4")
            .segment("cover"),
        StatusCode::OK,
        crate::bytes,
    ));
    let five = batch.add(&Operation::count_of(ODataPath::root().segment("Books")));
    let body = json!({"responses": [
        {"id": "3", "status": 404, "headers": {"Content-Type": "application/json"},
         "body": {"error": {"code": "NotFound", "message": "no book 3"}}},
        {"id": "2", "status": 424, "body": {"error": {"code": "FailedDependency", "message": "dependency failed"}}},
        {"id": "5", "status": 200, "headers": {"content-type": "text/plain"}, "body": "25"},
        {"id": "4", "status": 200, "headers": {"content-type": "image/png"}, "body": "-_8A"},
        {"id": "1", "status": 500, "body": "<html>oops</html>"},
        {"id": "99", "status": 200, "body": {}},
    ]});
    let results = batch
        .parse_response(&response(
            "application/json; odata.metadata=minimal",
            body.to_string().as_bytes(),
        ))
        .unwrap();
    let error = results.get(&three).unwrap_err();
    assert!(
        matches!(&error, Error::Service(s) if s.code == "NotFound"),
        "{error}"
    );
    assert_eq!(error.kind(), Some(ErrorKind::NotFound));
    let error = results.get(&two).unwrap_err();
    assert_eq!(error.kind(), Some(ErrorKind::FailedDependency), "{error}");
    assert_eq!(results.get(&five).unwrap(), 25);
    assert_eq!(results.get(&four).unwrap(), [0xfb, 0xff, 0x00]);
    let error = results.get(&one).unwrap_err();
    assert!(matches!(error, Error::UnexpectedResponse { .. }), "{error}");
    assert_eq!(results.status(three.id()), Some(StatusCode::NOT_FOUND));
}

#[test]
fn unanswered_and_foreign_items_are_errors() {
    let mut batch = Batch::new();
    let one = batch.add(&book(1));
    let two = batch.add(&book(2));
    let body = br#"{"responses":[{"id":"1","status":200,"body":{"id":1}},{"id":"1","status":200,"body":{"id":1}},{"id":"2","status":99}]}"#;
    let results = batch
        .parse_response(&response("application/json", body))
        .unwrap();
    let twice = results.get(&one).unwrap_err();
    assert!(twice.to_string().contains("twice"), "{twice}");
    let bad_status = results.get(&two).unwrap_err();
    assert!(matches!(bad_status, Error::Batch { .. }), "{bad_status}");

    let mut other = Batch::new();
    let foreign = other.add(&book(1));
    assert!(matches!(
        results.get(&foreign),
        Err(Error::InvalidRequest { .. })
    ));
    assert!(batch.add_after(&book(3), &[foreign.id()]).is_err());
    let empty = batch
        .parse_response(&response("application/json", br#"{"responses":[]}"#))
        .unwrap();
    let missing = empty.get(&one).unwrap_err();
    assert!(
        missing.to_string() == "batch: request 1: the batch response has no response to it",
        "{missing}"
    );
}

#[test]
fn a_failed_batch_request_is_a_typed_error() {
    let mut batch = Batch::new();
    batch.add(&book(1));
    let mut failed = response(
        "application/json",
        br#"{"error":{"code":"BadRequest","message":"Invalid batch payload"}}"#,
    );
    *failed.status_mut() = StatusCode::BAD_REQUEST;
    let error = batch.parse_response(&failed).unwrap_err();
    assert_eq!(error.kind(), Some(ErrorKind::BadRequest));
    for (content_type, body) in [
        ("application/json", &b"{\"value\":[]}"[..]),
        ("text/html", b"<html/>"),
        ("multipart/mixed", b"--x--"),
        ("multipart/mixed; boundary=x", b"no delimiter"),
    ] {
        let error = batch
            .parse_response(&response(content_type, body))
            .unwrap_err();
        assert!(
            matches!(error, Error::Batch { .. }),
            "{content_type}: {error}"
        );
    }
    assert!(Batch::new().to_http(&odata_root()).is_err());
}

#[test]
fn multipart_request_bytes() {
    let mut batch = Batch::new().with_format(BatchFormat::Multipart);
    batch.add(&book(1));
    {
        let mut group = batch.atomicity_group();
        group.add(&Operation::<Book>::create(
            ODataPath::root().segment("Books"),
            &json!({"id": 7}),
        ));
        group.add(&Operation::delete(
            ODataPath::root()
                .segment("Books")
                .key_literal_in_parentheses("2"),
        ));
    }
    let request = batch.to_http(&odata_root()).unwrap();
    let content_type = request.headers()[CONTENT_TYPE].to_str().unwrap().to_owned();
    let boundary = content_type
        .strip_prefix("multipart/mixed; boundary=")
        .unwrap();
    let body = std::str::from_utf8(request.body()).unwrap();
    let changeset = body
        .split("boundary=")
        .nth(1)
        .and_then(|rest| rest.split("\r\n").next())
        .unwrap();
    assert!(boundary.starts_with("batch_") && changeset.starts_with("changeset_"));
    let expected = format!(
        "--{boundary}\r\n\
         Content-Type: application/http\r\n\
         Content-Transfer-Encoding: binary\r\n\
         Content-ID: 1\r\n\
         \r\n\
         GET Books(1) HTTP/1.1\r\n\
         accept: application/json\r\n\
         \r\n\
         \r\n\
         --{boundary}\r\n\
         Content-Type: multipart/mixed; boundary={changeset}\r\n\
         \r\n\
         --{changeset}\r\n\
         Content-Type: application/http\r\n\
         Content-Transfer-Encoding: binary\r\n\
         Content-ID: 2\r\n\
         \r\n\
         POST Books HTTP/1.1\r\n\
         accept: application/json\r\n\
         content-type: application/json\r\n\
         Content-Length: 8\r\n\
         \r\n\
         {{\"id\":7}}\r\n\
         --{changeset}\r\n\
         Content-Type: application/http\r\n\
         Content-Transfer-Encoding: binary\r\n\
         Content-ID: 3\r\n\
         \r\n\
         DELETE Books(2) HTTP/1.1\r\n\
         accept: application/json\r\n\
         \r\n\
         \r\n\
         --{changeset}--\r\n\
         --{boundary}--\r\n"
    );
    assert_eq!(body, expected);
    assert_eq!(request.headers()["accept"], "multipart/mixed");
}

#[test]
fn multipart_boundaries_never_occur_in_a_body() {
    let mut batch = Batch::new().with_format(BatchFormat::Multipart);
    let request = |batch: &Batch| batch.to_http(&odata_root()).unwrap();
    batch.add(&book(1));
    let boundary = request(&batch).headers()[CONTENT_TYPE].to_str().unwrap()[30..].to_owned();
    // A body holding many candidate boundaries still gets one of its own.
    let body = format!("{boundary}{}", "batch_".repeat(10));
    batch.add(
        &Operation::<Book>::new(
            Method::POST,
            ODataPath::root().segment("Books"),
            StatusCode::CREATED,
            json,
        )
        .with_body(
            body.clone().into_bytes(),
            HeaderValue::from_static("text/plain"),
        ),
    );
    let built = request(&batch);
    let used = built.headers()[CONTENT_TYPE].to_str().unwrap()[30..].to_owned();
    assert!(!body.contains(&used), "{used}");
}

/// An OData 4.0 multipart response (LF line ends, quoted boundary, preamble): a
/// single response, a change set whose responses come in another order, then a
/// change set that failed as a whole.
#[test]
fn multipart_response_with_changesets_is_parsed() {
    let mut batch = Batch::new().with_format(BatchFormat::Multipart);
    let one = batch.add(&book(1));
    let (created, deleted) = {
        let mut group = batch.atomicity_group();
        let created = group.add(&Operation::<Book>::create(
            ODataPath::root().segment("Books"),
            &json!({"id": 7}),
        ));
        let deleted = group.add(&Operation::delete(
            ODataPath::root()
                .segment("Books")
                .key_literal_in_parentheses("2"),
        ));
        (created, deleted)
    };
    let (a, b) = {
        let mut group = batch.atomicity_group();
        (group.add(&book(8)), group.add(&book(9)))
    };
    let body = "preamble\n\
        --b_1\n\
        Content-Type: application/http\n\
        \n\
        HTTP/1.1 200 OK\n\
        Content-Type: application/json\n\
        \n\
        {\"id\":1}\n\
        --b_1\n\
        Content-Type: multipart/mixed; boundary=cs_1\n\
        \n\
        --cs_1\n\
        Content-Type: application/http\n\
        Content-ID: 3\n\
        \n\
        HTTP/1.1 204 No Content\n\
        \n\
        \n\
        --cs_1\n\
        Content-Type: application/http\n\
        Content-ID: 2\n\
        \n\
        HTTP/1.1 201 Created\n\
        Content-Type: application/json\n\
        Content-Length: 8\n\
        \n\
        {\"id\":7}\n\
        \n\
        --cs_1--\n\
        --b_1\r\n\
        Content-Type: application/http\r\n\
        \r\n\
        HTTP/1.1 400 Bad Request\r\n\
        Content-Type: application/json\r\n\
        \r\n\
        {\"error\":{\"code\":\"400\",\"message\":\"change set failed\"}}\r\n\
        --b_1--\n\
        epilogue";
    let results = batch
        .parse_response(&response(
            "multipart/mixed; boundary=\"b_1\"",
            body.as_bytes(),
        ))
        .unwrap();
    assert_eq!(results.get(&one).unwrap(), Book { id: 1 });
    assert_eq!(results.get(&created).unwrap(), Book { id: 7 });
    results.get(&deleted).unwrap();
    for item in [&a, &b] {
        let error = results.get(item).unwrap_err();
        assert_eq!(error.kind(), Some(ErrorKind::BadRequest), "{error}");
    }
}

#[test]
fn multipart_part_without_status_line_is_that_requests_error() {
    let mut batch = Batch::new().with_format(BatchFormat::Multipart);
    let one = batch.add(&book(1));
    let two = batch.add(&book(2));
    let body = "--x\r\nContent-Type: application/http\r\n\r\ngarbage\r\n--x\r\n\r\nHTTP/1.1 abc\r\n\r\n--x--";
    let results = batch
        .parse_response(&response("multipart/mixed;boundary=x", body.as_bytes()))
        .unwrap();
    for item in [&one, &two] {
        let error = results.get(item).unwrap_err();
        assert!(matches!(error, Error::Batch { .. }), "{error}");
    }
}

/// Requests as (dependencies, group) in index order: each depends only on
/// earlier ones, and a group's requests are adjacent, as a `Batch` makes them.
fn requests() -> impl Strategy<Value = Vec<(Vec<usize>, Option<usize>)>> {
    prop::collection::vec(
        (
            prop::collection::vec(any::<prop::sample::Index>(), 0..3),
            0..8_u8,
        ),
        1..80,
    )
    .prop_map(|raw| {
        let mut group = 0;
        let mut out = Vec::new();
        for (index, (dependencies, kind)) in raw.into_iter().enumerate() {
            let depends_on: Vec<usize> = if index == 0 || kind % 3 != 0 {
                Vec::new()
            } else {
                dependencies.iter().map(|d| d.index(index)).collect()
            };
            let grouped = match kind {
                // Continue the previous request's group.
                1 => out
                    .last()
                    .and_then(|(_, g): &(Vec<usize>, Option<usize>)| *g),
                2 => {
                    group += 1;
                    Some(group)
                }
                _ => None,
            };
            out.push((depends_on, grouped));
        }
        out
    })
}

proptest! {
    #[test]
    fn splitting_keeps_each_request_once_chains_together_and_batches_in_the_limit(
        requests in requests(),
        limit in 1..25_usize,
    ) {
        let links: Vec<(usize, Vec<usize>, Option<usize>)> = requests
            .iter()
            .enumerate()
            .map(|(index, (depends_on, group))| (index, depends_on.clone(), *group))
            .collect();
        let sets = chains(&links);
        let largest = sets.iter().map(Vec::len).max().unwrap_or(0);
        let Ok(batches) = split(sets, limit) else {
            prop_assert!(largest > limit, "only an oversized chain fails");
            return Ok(());
        };
        prop_assert!(largest <= limit);
        let mut seen = HashSet::new();
        let mut batch_of = vec![usize::MAX; requests.len()];
        for (number, batch) in batches.iter().enumerate() {
            prop_assert!(!batch.is_empty() && batch.len() <= limit);
            prop_assert!(batch.windows(2).all(|w| w[0] < w[1]), "in order: {batch:?}");
            for &index in batch {
                prop_assert!(seen.insert(index), "{index} twice");
                batch_of[index] = number;
            }
        }
        prop_assert_eq!(seen.len(), requests.len());
        for (index, (depends_on, group)) in requests.iter().enumerate() {
            for &dependency in depends_on {
                prop_assert_eq!(batch_of[dependency], batch_of[index]);
            }
            if let Some(group) = group {
                let first = requests.iter().position(|(_, g)| g == &Some(*group)).unwrap();
                prop_assert_eq!(batch_of[first], batch_of[index]);
            }
        }
    }
}

#[test]
fn a_chain_longer_than_the_limit_is_an_error() {
    let links: Vec<(usize, Vec<usize>, Option<usize>)> = (0..5)
        .map(|i| (i, if i == 0 { vec![] } else { vec![i - 1] }, None))
        .collect();
    let error = split(chains(&links), 4).unwrap_err();
    assert!(error.to_string().contains("5 requests linked"), "{error}");
    assert_eq!(split(chains(&links), 5).unwrap(), [vec![0, 1, 2, 3, 4]]);
}
