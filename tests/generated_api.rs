//! The generated crate's models and request builders, used as a caller would.

use microsoft_graph::graph::{
    ComplianceStatus, ManagedDeviceMobileAppConfigurationUserStatus as UserStatus,
};
use microsoft_graph::requests::GraphService;
use microsoft_graph::runtime::{DateTimeOffset, Error, Field, ODataEnum, ServiceRoot, http};
use serde_json::json;

fn root() -> ServiceRoot {
    ServiceRoot::new(microsoft_graph::SERVICE_ROOT).unwrap()
}

fn user_statuses(
    config_id: &str,
) -> microsoft_graph::requests::ios_lob_app_provisioning_configuration::UserStatuses {
    GraphService
        .device_app_management()
        .ios_lob_app_provisioning_configurations()
        .by_id(config_id)
        .user_statuses()
}

#[test]
fn models_keep_wire_names_and_every_property() {
    let value = json!({
        "@odata.type": "#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus",
        "id": "1",
        "userDisplayName": "Ada",
        "devicesCount": 3,
        "status": "nonCompliant",
        "lastReportedDateTime": "2017-01-01T00:03:19.2710393+03:00",
        "userPrincipalName": "ada@example.com"
    });
    let status: UserStatus = serde_json::from_value(value.clone()).unwrap();
    assert_eq!(status.id, "1");
    assert_eq!(status.devices_count, Some(3i32));
    assert_eq!(status.status, Some(ComplianceStatus::NonCompliant));
    assert_eq!(status.user_display_name, Field::Value("Ada".to_owned()));
    let when: &DateTimeOffset = status.last_reported_date_time.as_ref().unwrap();
    assert_eq!(when.to_string(), "2017-01-01T00:03:19.2710393+03:00");
    assert_eq!(when.value().offset().whole_hours(), 3);
    assert_eq!(serde_json::to_value(&status).unwrap(), value);
}

#[test]
fn enum_members_are_in_csdl_order_and_unknown_values_round_trip() {
    let members = [
        "unknown",
        "notApplicable",
        "compliant",
        "remediated",
        "nonCompliant",
        "error",
        "conflict",
        "notAssigned",
    ];
    for wire in members {
        let member = ComplianceStatus::from_wire(wire);
        assert!(
            !matches!(member, ComplianceStatus::Unrecognized(_)),
            "{wire}"
        );
        assert_eq!(serde_json::to_value(&member).unwrap(), json!(wire));
    }
    let future: ComplianceStatus = serde_json::from_value(json!("quarantined")).unwrap();
    assert_eq!(
        future,
        ComplianceStatus::Unrecognized("quarantined".to_owned())
    );
    assert_eq!(serde_json::to_value(&future).unwrap(), json!("quarantined"));
}

#[test]
fn a_selected_partial_response_deserializes() {
    let partial: UserStatus =
        serde_json::from_value(json!({"userDisplayName": null, "devicesCount": 1})).unwrap();
    assert_eq!(partial.devices_count, Some(1));
    assert_eq!(partial.user_display_name, Field::Null);
    assert_eq!(partial.user_principal_name, Field::Absent);
    assert_eq!(partial.odata_type, None);
}

#[test]
fn an_update_sends_only_what_was_set_including_explicit_null() {
    let patch = UserStatus {
        odata_type: None,
        user_display_name: Field::Null,
        devices_count: Some(2),
        ..UserStatus::default()
    };
    let operation = user_statuses("c").by_id("s").update(&patch);
    let request = operation.to_http(&root()).unwrap();
    assert_eq!(request.method(), http::Method::PATCH);
    assert_eq!(
        request.uri(),
        "https://graph.microsoft.com/beta/deviceAppManagement/iosLobAppProvisioningConfigurations/c/userStatuses/s"
    );
    let body: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(body, json!({"userDisplayName": null, "devicesCount": 2}));
    let no_content = http::Response::builder()
        .status(204)
        .body(Vec::new())
        .unwrap();
    operation.parse_response(&no_content).unwrap();
}

#[test]
fn create_body_names_its_type() {
    let body = UserStatus {
        status: Some(ComplianceStatus::Compliant),
        ..UserStatus::default()
    };
    let request = user_statuses("c").create(&body).to_http(&root()).unwrap();
    assert_eq!(request.method(), http::Method::POST);
    assert_eq!(request.headers()["content-type"], "application/json");
    assert_eq!(request.headers()["accept"], "application/json");
    let sent: serde_json::Value = serde_json::from_slice(request.body()).unwrap();
    assert_eq!(
        sent,
        json!({"@odata.type": "#microsoft.graph.managedDeviceMobileAppConfigurationUserStatus", "status": "compliant"})
    );
}

#[test]
fn five_operations_with_their_methods_and_statuses() {
    let collection = user_statuses("c");
    let item = collection.by_id("s");
    let model = UserStatus::default();
    let cases = [
        (
            collection.list().method().clone(),
            collection.list().success_status(),
            "/userStatuses",
        ),
        (
            collection.create(&model).method().clone(),
            collection.create(&model).success_status(),
            "/userStatuses",
        ),
        (
            item.get().method().clone(),
            item.get().success_status(),
            "/userStatuses/s",
        ),
        (
            item.update(&model).method().clone(),
            item.update(&model).success_status(),
            "/userStatuses/s",
        ),
        (
            item.delete().method().clone(),
            item.delete().success_status(),
            "/userStatuses/s",
        ),
    ];
    let expected = [
        (http::Method::GET, 200),
        (http::Method::POST, 201),
        (http::Method::GET, 200),
        (http::Method::PATCH, 204),
        (http::Method::DELETE, 204),
    ];
    for ((method, status, tail), (want_method, want_status)) in cases.iter().zip(expected) {
        assert_eq!((method, status.as_u16()), (&want_method, want_status));
        let path = if *tail == "/userStatuses" {
            collection.path()
        } else {
            item.path()
        };
        assert!(path.as_str().ends_with(tail), "{}", path.as_str());
    }
}

#[test]
fn list_encodes_every_query_option_and_reads_a_page() {
    let operation = user_statuses("c")
        .list()
        .select(["id", "userDisplayName"])
        .filter("status eq 'compliant' and devicesCount gt 1")
        .orderby(["userDisplayName desc"])
        .top(5)
        .skip(10)
        .count(true)
        .expand(["x"])
        .search("\"ada & bob\"");
    let request = operation.to_http(&root()).unwrap();
    assert_eq!(
        request.uri().query(),
        Some(
            "$select=id,userDisplayName&$expand=x&$filter=status%20eq%20'compliant'%20and%20devicesCount%20gt%201&$orderby=userDisplayName%20desc&$search=%22ada%20%26%20bob%22&$top=5&$skip=10&$count=true"
        )
    );
    assert_eq!(request.headers()["consistencylevel"], "eventual");
    let body = json!({
        "value": [{"id": "1", "status": "error"}],
        "@odata.nextLink": "https://graph.microsoft.com/beta/next?$skiptoken=abc"
    });
    let response = http::Response::builder()
        .status(200)
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap();
    let page = operation.parse_response(&response).unwrap();
    assert_eq!(page.value[0].status, Some(ComplianceStatus::Error));
    assert_eq!(
        page.next_link.as_deref(),
        Some("https://graph.microsoft.com/beta/next?$skiptoken=abc")
    );
}

#[test]
fn keys_cannot_change_the_path_or_add_a_query() {
    for (id, expected) in [
        ("a/b", "/a%2Fb/"),
        ("a?b=c", "/a%3Fb%3Dc/"),
        ("#frag", "/%23frag/"),
        ("100%", "/100%25/"),
        ("..", "('..')/"),
    ] {
        let request = user_statuses(id).list().to_http(&root()).unwrap();
        let uri = request.uri();
        assert_eq!(uri.query(), None, "{id}");
        let path = uri.path();
        assert!(
            path.contains(&format!(
                "iosLobAppProvisioningConfigurations{expected}userStatuses"
            )),
            "{id}: {path}"
        );
    }
}

#[test]
fn graph_errors_are_typed_and_anything_else_says_what_arrived() {
    let operation = user_statuses("c").by_id("missing").get();
    let body = json!({"error": {"code": "ResourceNotFound", "message": "Not found", "innerError": {"request-id": "r-1", "date": "2021-07-01T00:00:00"}}});
    let response = http::Response::builder()
        .status(404)
        .body(serde_json::to_vec(&body).unwrap())
        .unwrap();
    match operation.parse_response(&response) {
        Err(Error::Service(e)) => {
            assert_eq!(
                (e.status.as_u16(), e.code.as_str(), e.message.as_str()),
                (404, "ResourceNotFound", "Not found")
            );
            assert_eq!(e.request_id.as_deref(), Some("r-1"));
        }
        other => panic!("expected a service error, got {other:?}"),
    }
    let html = http::Response::builder()
        .status(502)
        .header("content-type", "text/html")
        .body(b"<html>Bad gateway</html>".to_vec())
        .unwrap();
    let error = operation.parse_response(&html).unwrap_err();
    let text = error.to_string();
    assert!(
        text.contains("502") && text.contains("Bad gateway"),
        "{text}"
    );
}
