//! No key value can change a request's path or query: random strings (rich in `/`, `?`,
//! `#`, `%`, `..`, quotes and non-ASCII) go through the generated request builders and
//! every operation they offer, and each key stays exactly one segment that decodes back
//! to the value given.

use microsoft_graph::graph::ManagedDeviceMobileAppConfigurationUserStatus as UserStatus;
use microsoft_graph::requests::GraphService;
use microsoft_graph::runtime::{ServiceRoot, http};
use percent_encoding::percent_decode_str;
use proptest::prelude::*;

const ROOT: &str = "https://graph.example/beta";
const CONFIGS: &str = "/beta/deviceAppManagement/iosLobAppProvisioningConfigurations";

fn key_strategy() -> impl Strategy<Value = String> {
    prop_oneof![
        Just(String::new()),
        Just(".".to_owned()),
        Just("..".to_owned()),
        Just("%2e%2e".to_owned()),
        Just("../../users?$top=1#x".to_owned()),
        proptest::collection::vec(
            prop_oneof![
                Just("/"),
                Just("?"),
                Just("#"),
                Just("%"),
                Just(".."),
                Just("'"),
                Just("&"),
                Just("$"),
                Just(" "),
                Just("\\"),
                Just("é"),
                Just("名"),
                Just("a"),
            ],
            0..12
        )
        .prop_map(|parts| parts.concat()),
        any::<String>(),
    ]
}

fn decode(text: &str) -> String {
    percent_decode_str(text)
        .decode_utf8()
        .expect("UTF-8")
        .into_owned()
}

/// One key segment as written: `/value` (percent-encoded), or `('value')` for the values
/// a URL normaliser would collapse. Returns the decoded value and the rest of the path.
fn take_key(path: &str) -> (String, &str) {
    if let Some(rest) = path.strip_prefix("('") {
        let end = rest.find("')").expect("closing quote");
        (decode(&rest[..end]).replace("''", "'"), &rest[end + 2..])
    } else {
        let rest = path.strip_prefix('/').expect("a key segment");
        let end = rest.find('/').unwrap_or(rest.len());
        (decode(&rest[..end]), &rest[end..])
    }
}

/// Every request's URL: no fragment, the expected query only, a path that WHATWG
/// parsing (what reqwest does) leaves as it is; the keys read back from the path.
fn keys_of(request: &http::Request<Vec<u8>>, query: Option<&str>) -> (String, String) {
    let uri = request.uri();
    let full = uri.to_string();
    assert!(!full.contains('#'), "{full}");
    assert_eq!(uri.query(), query, "{full}");
    let parsed = url::Url::parse(&full).expect("a URL");
    assert_eq!(parsed.path(), uri.path(), "{full}");
    assert_eq!(parsed.fragment(), None);
    let path = uri.path().strip_prefix(CONFIGS).expect("the prefix stays");
    let (config, rest) = take_key(path);
    let rest = rest
        .strip_prefix("/userStatuses")
        .expect("the navigation stays");
    let (status, rest) = take_key(rest);
    assert_eq!(rest, "", "nothing follows the last key: {full}");
    (config, status)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn keys_never_change_path_or_query(config in key_strategy(), status in key_strategy()) {
        let root = ServiceRoot::new(ROOT).unwrap();
        let item = GraphService
            .device_app_management()
            .ios_lob_app_provisioning_configurations()
            .by_id(&config)
            .user_statuses()
            .by_id(&status);
        let expected = (config.clone(), status.clone());
        let get = item.get().to_http(&root).unwrap();
        prop_assert_eq!(keys_of(&get, None), expected.clone());
        let select = item.get().select(["id"]).to_http(&root).unwrap();
        prop_assert_eq!(keys_of(&select, Some("$select=id")), expected.clone());
        let update = item.update(&UserStatus::default()).to_http(&root).unwrap();
        prop_assert_eq!(keys_of(&update, None), expected.clone());
        let delete = item.delete().to_http(&root).unwrap();
        prop_assert_eq!(keys_of(&delete, None), expected);
    }
}
