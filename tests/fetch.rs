//! `--metadata URL` against a real HTTP server on loopback: the metadata is fetched with
//! the headers given (values from the environment), diagnostics and the generated header
//! name the URL, and each way a fetch can fail is a `fetch` diagnostic with exit 1 and
//! nothing written: an error status, a timeout, a size limit (announced or not), a
//! redirect loop, an answer that is not metadata, a header that names no variable. The
//! metadata may come as CSDL JSON (`$format=json`).

mod common;

use std::fs;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::time::Duration;

/// The default metadata as CSDL JSON.
const METADATA_JSON: &str = "tests/fixtures/csdl_json/graph-user-statuses.json";

/// A server on 127.0.0.1 answering each request by its path, on its own thread for as
/// long as the test runs.
fn serve() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let address = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            std::thread::spawn(move || answer(stream));
        }
    });
    format!("http://{address}")
}

fn answer(mut stream: TcpStream) {
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut request_line = String::new();
    if reader.read_line(&mut request_line).is_err() {
        return;
    }
    let mut authorization = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(value) = line
            .strip_prefix("authorization: ")
            .or(line.strip_prefix("Authorization: "))
        {
            authorization = Some(value.trim().to_owned());
        }
    }
    let path = request_line.split(' ').nth(1).unwrap_or("").to_owned();
    let metadata = fs::read(common::root().join(common::METADATA)).unwrap();
    let metadata_json = fs::read(common::root().join(METADATA_JSON)).unwrap();
    let respond = |stream: &mut TcpStream, status: &str, headers: &str, body: &[u8]| {
        let head = format!(
            "HTTP/1.1 {status}\r\nContent-Length: {}\r\nConnection: close\r\n{headers}\r\n",
            body.len()
        );
        let _ = stream.write_all(head.as_bytes());
        let _ = stream.write_all(body);
    };
    match path.as_str() {
        "/svc/$metadata" if authorization.as_deref() == Some("Bearer s3cr3t") => respond(
            &mut stream,
            "200 OK",
            "Content-Type: application/xml\r\n",
            &metadata,
        ),
        "/svc/$metadata?$format=json" if authorization.as_deref() == Some("Bearer s3cr3t") => {
            respond(
                &mut stream,
                "200 OK",
                "Content-Type: application/json\r\n",
                &metadata_json,
            )
        }
        "/svc/$metadata" => respond(&mut stream, "401 Unauthorized", "", b""),
        "/moved/$metadata" => respond(
            &mut stream,
            "302 Found",
            "Location: /svc/$metadata\r\n",
            b"",
        ),
        "/loop/$metadata" => respond(
            &mut stream,
            "302 Found",
            "Location: /loop/$metadata\r\n",
            b"",
        ),
        "/html/$metadata" => respond(
            &mut stream,
            "200 OK",
            "Content-Type: text/html\r\n",
            b"<!DOCTYPE html>\n<html><body>Sign in</body></html>\n",
        ),
        "/json/$metadata" => respond(&mut stream, "200 OK", "", b"{\"error\": \"no\"}"),
        "/slow/$metadata" => {
            std::thread::sleep(Duration::from_secs(5));
            respond(&mut stream, "200 OK", "", &metadata);
        }
        "/announced-huge/$metadata" => {
            let head =
                "HTTP/1.1 200 OK\r\nContent-Length: 10737418240\r\nConnection: close\r\n\r\n<";
            let _ = stream.write_all(head.as_bytes());
        }
        "/unannounced-huge/$metadata" => {
            let head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            let _ = stream.write_all(head.as_bytes());
            let chunk = vec![b' '; 1 << 20];
            let framed = [
                format!("{:x}\r\n", chunk.len()).into_bytes(),
                chunk,
                b"\r\n".to_vec(),
            ]
            .concat();
            // Until the client hangs up, which it must do after the limit.
            while stream.write_all(&framed).is_ok() {}
        }
        _ => respond(&mut stream, "404 Not Found", "", b"no such thing"),
    }
    let _ = stream.flush();
    let mut rest = Vec::new();
    let _ = reader.read_to_end(&mut rest);
}

fn generate(dir: &std::path::Path, url: &str, extra: &[&str]) -> (u8, String) {
    let out = dir.join("out").display().to_string();
    let page = common::root().join(common::SEED_PAGE).display().to_string();
    let mut args = vec!["generate", "--metadata", url, "--doc", &page, "--out", &out];
    args.extend_from_slice(extra);
    let (code, _, stderr) = common::cli(&args);
    (code, stderr)
}

#[test]
fn metadata_is_fetched_with_the_headers_given() {
    let root = serve();
    let dir = common::temp_dir("fetch-ok");
    // SAFETY: this test binary reads the variable only through the CLI below.
    unsafe { std::env::set_var("ODATA_CODEGEN_TEST_TOKEN", "s3cr3t") };
    for path in [
        "/svc/$metadata",
        "/moved/$metadata",
        "/svc/$metadata?$format=json",
    ] {
        let url = format!("{root}{path}");
        let (code, stderr) = generate(
            &dir,
            &url,
            &[
                "--header",
                "Authorization: Bearer ${ODATA_CODEGEN_TEST_TOKEN}",
            ],
        );
        assert_eq!(code, 0, "{stderr}");
        let manifest = fs::read_to_string(dir.join("out/Cargo.toml")).unwrap();
        assert!(
            manifest
                .lines()
                .next()
                .unwrap()
                .contains(&format!("from {url}, 000_9e47ed566db0d7be.md")),
            "the header names the URL: {manifest}"
        );
        assert!(!stderr.contains("s3cr3t"), "{stderr}");
    }
    let (code, _, stderr) = common::cli(&[
        "validate",
        "--metadata",
        &format!("{root}/svc/$metadata"),
        "--header",
        "Authorization: Bearer $ODATA_CODEGEN_TEST_TOKEN",
        "--doc",
        &common::root().join(common::SEED_PAGE).display().to_string(),
    ]);
    assert_eq!(code, 0, "{stderr}");
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_failed_fetch_is_a_diagnostic_and_writes_nothing() {
    let root = serve();
    let dir = common::temp_dir("fetch-failures");
    let cases: &[(&str, &[&str], &str)] = &[
        (
            "/svc/$metadata",
            &[],
            "error[fetch]: cannot fetch `{root}/svc/$metadata`: the service answered 401 Unauthorized",
        ),
        (
            "/nothing/$metadata",
            &[],
            "the service answered 404 Not Found",
        ),
        ("/loop/$metadata", &[], "more than 5 redirects"),
        (
            "/slow/$metadata",
            &["--fetch-timeout", "0.5"],
            "no answer within 0.5 s",
        ),
        (
            "/announced-huge/$metadata",
            &[],
            "is larger than 256 MiB, the limit for metadata; it was not read",
        ),
        ("/unannounced-huge/$metadata", &[], "is larger than 256 MiB"),
        (
            "/html/$metadata",
            &[],
            "{root}/html/$metadata:2:1: error[csdl-root]",
        ),
        (
            "/json/$metadata",
            &[],
            "{root}/json/$metadata:1:2: error[csdl-root]",
        ),
        (
            "/svc/$metadata",
            &[
                "--header",
                "Authorization: Bearer $ODATA_CODEGEN_TEST_UNSET",
            ],
            "error[fetch]: `--header Authorization` names `$ODATA_CODEGEN_TEST_UNSET`, which is not set",
        ),
        (
            "/svc/$metadata",
            &["--header", "no colon"],
            "is not `Name: value`",
        ),
        (
            "/svc/$metadata",
            &["--fetch-timeout", "0"],
            "error[invalid-option]: `--fetch-timeout 0`",
        ),
    ];
    for (path, extra, wanted) in cases {
        let url = format!("{root}{path}");
        let (code, stderr) = generate(&dir, &url, extra);
        let wanted = wanted.replace("{root}", &root);
        assert_eq!(code, 1, "{path}: {stderr}");
        assert!(
            stderr.contains(&wanted),
            "{path}: wanted `{wanted}` in:\n{stderr}"
        );
        assert!(!dir.join("out").exists(), "{path}: nothing is written");
    }
    let file = common::root().join(common::METADATA).display().to_string();
    let (code, _, stderr) = common::cli(&[
        "validate",
        "--metadata",
        &file,
        "--header",
        "X: y",
        "--doc",
        &file,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("`--header` is sent only when `--metadata` is a URL"),
        "{stderr}"
    );
    fs::remove_dir_all(&dir).unwrap();
}
