//! Key values can never change the shape of a request URL.

use odata_codegen_runtime::http::{Method, StatusCode};
use odata_codegen_runtime::{KeyValue, ODataPath, Operation, ServiceRoot, no_content};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

const ROOT: &str = "https://graph.example/v1.0";
const PREFIX: &str = "/v1.0/deviceAppManagement/userStatuses";

fn uri_for(path: ODataPath) -> http::Uri {
    let root = ServiceRoot::new(ROOT).unwrap();
    Operation::new(Method::GET, path, StatusCode::OK, no_content)
        .to_http(&root)
        .unwrap()
        .uri()
        .clone()
}

fn prefix_path() -> ODataPath {
    ODataPath::root()
        .segment("deviceAppManagement")
        .segment("userStatuses")
}

fn decode(text: &str) -> String {
    percent_decode_str(text).decode_utf8().unwrap().into_owned()
}

/// Strings rich in the characters that could break a path.
fn key_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("'".to_owned()),
        proptest::collection::vec(
            prop_oneof![
                Just("/".to_owned()),
                Just("?".to_owned()),
                Just("#".to_owned()),
                Just("%".to_owned()),
                Just(".".to_owned()),
                Just("'".to_owned()),
                Just(" ".to_owned()),
                Just("\\".to_owned()),
                Just("é".to_owned()),
                any::<char>().prop_map(String::from),
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

/// Checks what every URL must satisfy, returning its path.
fn check_url_shape(uri: &http::Uri) -> String {
    assert_eq!(uri.query(), None);
    let full = uri.to_string();
    assert!(!full.contains('#'), "{full}");
    let path = uri.path().to_owned();
    assert!(path.starts_with(PREFIX), "{path}");
    // WHATWG parsing (what browsers and reqwest do) must not rewrite the path.
    let parsed = url::Url::parse(&full).unwrap();
    assert_eq!(parsed.path(), path);
    assert_eq!(parsed.query(), None);
    assert_eq!(parsed.fragment(), None);
    path
}

proptest! {
    #[test]
    fn string_key_is_exactly_one_segment(value in key_strategy()) {
        let uri = uri_for(prefix_path().key(&value));
        let path = check_url_shape(&uri);
        let prefix_segments = PREFIX.split('/').count();
        if let Some(segment) = path.strip_prefix(&format!("{PREFIX}/")) {
            prop_assert_eq!(path.split('/').count(), prefix_segments + 1);
            prop_assert_eq!(decode(segment), value);
        } else {
            prop_assert_eq!(path.split('/').count(), prefix_segments);
            let literal = path
                .strip_prefix(&format!("{PREFIX}('"))
                .and_then(|rest| rest.strip_suffix("')"))
                .unwrap();
            prop_assert_eq!(decode(literal).replace("''", "'"), value);
        }
    }

    #[test]
    fn literal_key_is_exactly_one_segment(value in key_strategy()) {
        let path = check_url_shape(&uri_for(prefix_path().key_literal(&value)));
        let prefix_segments = PREFIX.split('/').count();
        if let Some(segment) = path.strip_prefix(&format!("{PREFIX}/")) {
            prop_assert_eq!(path.split('/').count(), prefix_segments + 1);
            prop_assert_eq!(decode(segment), value);
        } else {
            prop_assert_eq!(path.split('/').count(), prefix_segments);
            let inner = path
                .strip_prefix(&format!("{PREFIX}("))
                .and_then(|rest| rest.strip_suffix(')'))
                .unwrap();
            prop_assert_eq!(decode(inner), value);
        }
    }

    #[test]
    fn compound_key_stays_in_its_segment(a in key_strategy(), b in key_strategy()) {
        let path = prefix_path().compound_key(&[
            ("a", KeyValue::String(&a)),
            ("b", KeyValue::String(&b)),
        ]);
        let path = check_url_shape(&uri_for(path));
        prop_assert_eq!(path.split('/').count(), PREFIX.split('/').count());
        let inner = path
            .strip_prefix(&format!("{PREFIX}(a='"))
            .and_then(|rest| rest.strip_suffix("')"))
            .unwrap();
        let (encoded_a, encoded_b) = inner.split_once("',b='").unwrap();
        prop_assert_eq!(decode(encoded_a).replace("''", "'"), a);
        prop_assert_eq!(decode(encoded_b).replace("''", "'"), b);
    }
}
