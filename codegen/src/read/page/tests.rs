use super::*;
use crate::diag::{Severity, Span};

fn read(text: &str) -> (DocPage, Vec<Diagnostic>) {
    read_page(&Source::new("t.md", text))
}

fn at(span: &Span) -> (u32, u32) {
    span.line_col()
}

fn codes(diagnostics: &[Diagnostic]) -> Vec<&'static str> {
    diagnostics.iter().map(|d| d.code).collect()
}

fn request(example: &Example) -> &RequestExample {
    match &example.message {
        HttpMessage::Request(r) => r,
        HttpMessage::Response(_) => panic!("expected a request at {}", example.span),
    }
}

fn response(example: &Example) -> &ResponseExample {
    match &example.message {
        HttpMessage::Response(r) => r,
        HttpMessage::Request(_) => panic!("expected a response at {}", example.span),
    }
}

fn requests(page: &DocPage) -> Vec<&RequestLine> {
    page.http_requests
        .iter()
        .flat_map(|b| &b.lines)
        .filter_map(|l| match l {
            RequestBlockLine::Request(r) => Some(r),
            RequestBlockLine::Other(_) => None,
        })
        .collect()
}

fn json_at<'a>(body: &'a Option<Body>, key: &str) -> &'a Spanned<JsonValue> {
    body.as_ref()
        .and_then(|b| b.json.as_ref())
        .and_then(|j| j.value.get(key))
        .unwrap_or_else(|| panic!("no `{key}` in the body"))
}

const SEED: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../metadata/000_9e47ed566db0d7be.md"
));

/// A page read from bytes, as the pipeline reads it.
fn read_bytes(name: &str, bytes: &[u8]) -> Result<(DocPage, Vec<Diagnostic>), Diagnostic> {
    crate::read::decode(&crate::read::Input::new(name, bytes)).map(|source| read_page(&source))
}

#[test]
fn seed_page_reads_exactly() {
    let (page, diagnostics) = read(SEED);
    assert_eq!(diagnostics, []);

    let title = page.title.as_ref().expect("title");
    assert_eq!(
        (title.value.as_str(), at(&title.span)),
        ("Add userStatuses", (2, 9))
    );
    let description = page.description.as_ref().expect("description");
    assert_eq!(
        description.value,
        "Add userStatuses by posting to the userStatuses collection."
    );
    assert_eq!(at(&description.span), (3, 15));
    let keys: Vec<_> = page
        .front_matter
        .iter()
        .map(|e| e.key.value.as_str())
        .collect();
    assert_eq!(
        keys,
        [
            "title",
            "description",
            "author",
            "localization_priority",
            "ms.prod",
            "doc_type"
        ]
    );
    assert_eq!(page.front_matter[2].value.value, "");
    assert_eq!(page.front_matter[5].value.value, "apiPageType");
    let namespace = page.namespace.as_ref().expect("namespace");
    assert_eq!(
        (namespace.value.as_str(), at(&namespace.span)),
        ("microsoft.graph", (12, 12))
    );

    let kinds: Vec<_> = page.permissions.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [
            PermissionValue::Placeholder,
            PermissionValue::NotSupported,
            PermissionValue::Placeholder
        ]
    );
    let first = &page.permissions[0];
    assert_eq!(
        first.permission_type.text,
        "Delegated (work or school account)"
    );
    assert_eq!(first.value.raw, "**TODO: Determine scopes **");
    assert_eq!(at(&first.value.span), (21, 37));
    assert_eq!(page.permissions[1].value.text, "Not supported.");
    assert_eq!(at(&page.permissions[1].value.span), (22, 41));

    let [block] = page.http_requests.as_slice() else {
        panic!("one request block expected");
    };
    let annotation = block.annotation.as_ref().expect("annotation");
    assert_eq!(
        annotation.block_type.as_ref().map(|t| t.value.as_str()),
        Some("ignored")
    );
    assert_eq!(at(&annotation.span), (26, 1));
    assert_eq!(at(&block.span), (30, 1));
    let [RequestBlockLine::Request(line)] = block.lines.as_slice() else {
        panic!("one request line expected: {:?}", block.lines);
    };
    assert_eq!(line.method.value, HttpMethod::Post);
    assert_eq!(at(&line.method.span), (31, 1));
    assert_eq!(
        line.target.value,
        "/deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses/$ref"
    );
    assert_eq!(at(&line.target.span), (31, 6));

    let headers: Vec<_> = page
        .request_headers
        .iter()
        .map(|h| h.name.text.as_str())
        .collect();
    assert_eq!(headers, ["Authorization", "Content-Type"]);
    assert_eq!(
        page.request_headers[0].description.text,
        "Bearer {token}.Required"
    );

    let [table] = page.request_body.as_slice() else {
        panic!("one body table expected");
    };
    assert_eq!(
        table.heading.as_ref().map(|h| h.value.as_str()),
        Some("Request body")
    );
    assert_eq!(table.rows.len(), 6);
    let status = &table.rows[3];
    assert_eq!(
        (status.name.text.as_str(), status.type_name.text.as_str()),
        ("status", "Enumeration")
    );
    assert_eq!(at(&status.name.span), (50, 2));
    assert_eq!(table.rows[0].description.text, "Inherited from entity");
    assert_eq!(table.rows[1].description.text, "");

    let status = page.response.status.as_ref().expect("response status");
    assert_eq!((status.value, at(&status.span)), (201, (57, 39)));

    let [req, resp] = page.examples.as_slice() else {
        panic!("two examples expected, got {}", page.examples.len());
    };
    let headings: Vec<_> = req.headings.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(headings, ["Examples", "Request"]);
    assert_eq!(req.language, "http");
    let names: Vec<_> = req
        .annotation
        .iter()
        .flat_map(|a| &a.names)
        .map(|n| n.value.as_str())
        .collect();
    assert_eq!(
        names,
        ["create_manageddevicemobileappconfigurationuserstatus_from_"]
    );
    let r = request(req);
    assert_eq!(
        (r.line.method.value, at(&r.line.method.span)),
        (HttpMethod::Post, (69, 1))
    );
    assert_eq!(
        r.line.target.value,
        "https://graph.microsoft.com/beta/deviceAppManagement/iosLobAppProvisioningConfigurations/{iosLobAppProvisioningConfigurationId}/userStatuses"
    );
    assert_eq!(at(&r.line.target.span), (69, 6));
    let names: Vec<_> = r.headers.iter().map(|h| h.name.value.as_str()).collect();
    assert_eq!(names, ["Content-type", "Content-length"]);
    assert_eq!(r.headers[0].value.value, "application/json");
    assert_eq!(at(&r.headers[0].value.span), (70, 15));
    let body = r.body.as_ref().expect("request body");
    assert_eq!(at(&body.text.span), (73, 1));
    assert!(body.text.value.starts_with("{\n  \"@odata.type\""));
    assert!(
        body.text
            .value
            .ends_with("\"User Principal Name value\"\n}")
    );
    assert_eq!(at(&body.json.as_ref().expect("json").span), (73, 1));
    let value = json_at(&r.body, "status");
    assert_eq!(value.value, JsonValue::String("String".into()));
    assert_eq!(at(&value.span), (77, 13));
    assert_eq!(
        json_at(&r.body, "devicesCount").value,
        JsonValue::Number("12".into())
    );

    let r = response(resp);
    assert_eq!((r.status.value, at(&r.status.span)), (201, (92, 10)));
    assert_eq!(
        r.reason.as_ref().map(|s| (s.value.as_str(), at(&s.span))),
        Some(("Created", (92, 14)))
    );
    assert_eq!(r.headers.len(), 2);
    let annotation = resp.annotation.as_ref().expect("annotation");
    let odata_type = annotation.odata_type.as_ref().expect("@odata.type");
    assert_eq!(
        (odata_type.value.as_str(), at(&odata_type.span)),
        (
            "microsoft.graph.manageddevicemobileappconfigurationuserstatus",
            (88, 18)
        )
    );
    assert_eq!(annotation.truncated.as_ref().map(|t| t.value), Some(true));
    assert_eq!(annotation.is_collection, None);
    assert_eq!(at(&json_at(&r.body, "status").span), (101, 13));
    assert!(page.other_blocks.is_empty());
}

#[test]
fn sections_are_found_under_varied_headings() {
    let text = "# Title\n\nFirst words.\n\n### Prerequisites\n\n| Permission type | Permissions |\n|--|--|\n| Application | User.Read.All |\n| Delegated | |\n\n### HTTP Request\n\n```http\nGET /me\n```\n\n### Response\n\nReturns `204 No Content`.\n";
    let (page, diagnostics) = read(text);
    assert_eq!(diagnostics, []);
    assert_eq!(page.title.as_ref().map(|t| t.value.as_str()), Some("Title"));
    assert_eq!(
        page.description.as_ref().map(|t| t.value.as_str()),
        Some("First words.")
    );
    let kinds: Vec<_> = page.permissions.iter().map(|p| p.kind).collect();
    assert_eq!(
        kinds,
        [PermissionValue::Listed, PermissionValue::Placeholder]
    );
    assert_eq!(requests(&page)[0].target.value, "/me");
    assert_eq!(page.response.status.as_ref().map(|s| s.value), Some(204));
}

#[test]
fn permission_tables_with_several_value_columns() {
    let text = "## Permissions\n| Permission type | Acting on self | Acting on others |\n|--|--|--|\n| Application | A.Read | A.Read.All |\n\n| Supported resource | Delegated | Application |\n|--|--|--|\n| event | Calendars.Read | TODO |\n";
    let (page, _) = read(text);
    let found: Vec<_> = page
        .permissions
        .iter()
        .map(|p| {
            (
                p.permission_type.text.as_str(),
                p.value.text.as_str(),
                p.scope.as_ref().map(|s| s.text.as_str()),
                p.kind,
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            (
                "Application",
                "A.Read",
                Some("Acting on self"),
                PermissionValue::Listed
            ),
            (
                "Application",
                "A.Read.All",
                Some("Acting on others"),
                PermissionValue::Listed
            ),
            (
                "Delegated",
                "Calendars.Read",
                Some("event"),
                PermissionValue::Listed
            ),
            (
                "Application",
                "TODO",
                Some("event"),
                PermissionValue::Placeholder
            ),
        ]
    );
    assert_eq!(at(&page.permissions[3].permission_type.span), (6, 36));
}

#[test]
fn annotations_are_read_tolerantly() {
    let text = "## Examples\n\n<!-- {\n  blockType: \"request\",\n  \"name\": \"x\",\n} -->\n```http\nGET /me\n```\n\n<!-- { \"blockType\": \"response\", \"@type\": \"microsoft.graph.user\", \"isCollection\": \"true\", \"truncated\": \"False\" } -->\n```http\nHTTP/1.1 200 OK\n```\n";
    let (page, diagnostics) = read(text);
    assert_eq!(codes(&diagnostics), ["no-http-request-block"]);
    let [req, resp] = page.examples.as_slice() else {
        panic!("two examples expected");
    };
    let a = req.annotation.as_ref().expect("annotation");
    assert_eq!(
        a.block_type
            .as_ref()
            .map(|t| (t.value.as_str(), at(&t.span))),
        Some(("request", (4, 14)))
    );
    assert_eq!(
        a.names.iter().map(|n| n.value.as_str()).collect::<Vec<_>>(),
        ["x"]
    );
    assert!(a.raw.starts_with('{') && a.raw.ends_with('}'));
    let a = resp.annotation.as_ref().expect("annotation");
    assert_eq!(
        a.odata_type.as_ref().map(|t| t.value.as_str()),
        Some("microsoft.graph.user")
    );
    assert_eq!(a.is_collection.as_ref().map(|b| b.value), Some(true));
    assert_eq!(a.truncated.as_ref().map(|b| b.value), Some(false));
}

#[test]
fn broken_annotations_are_reported() {
    let text = "## HTTP request\n<!-- { \"blockType\": \"ignored\" \"name\" -->\n```http\nGET /me\n```\n## Examples\n<!-- { \"blockType\": \"request\", \"truncated\": \"maybe\" } -->\n```json\n{ \"a\": 1 }\n```\n";
    let (page, diagnostics) = read(text);
    assert_eq!(
        codes(&diagnostics),
        [
            "annotation-not-json",
            "annotation-field-type",
            "example-not-http"
        ]
    );
    // Just past `"name"`, where a colon was expected.
    assert_eq!(at(diagnostics[0].span.as_ref().expect("span")), (2, 37));
    assert_eq!(
        diagnostics[1].message,
        "annotation field `truncated` should be true or false, found \"maybe\""
    );
    let annotation = page.http_requests[0]
        .annotation
        .as_ref()
        .expect("annotation");
    assert_eq!(annotation.value, None);
    assert_eq!(page.other_blocks.len(), 1);
}

#[test]
fn examples_without_annotations_and_tab_markers() {
    let text = "## Example\n\n### Request\n\n# [HTTP](#tab/http)\n```msgraph-interactive\nGET https://graph.microsoft.com/beta/me\n```\n# [C#](#tab/csharp)\n```csharp\nvar x = 1;\n```\n\n---\n\n### Response\n```\nHTTP/1.1 200 OK\nContent-Type: application/json\n\n{\"id\": \"1\"}\n```\n";
    let (page, _) = read(text);
    let [req, resp] = page.examples.as_slice() else {
        panic!("two examples expected, got {:?}", page.examples);
    };
    assert_eq!(req.annotation, None);
    assert_eq!(req.language, "msgraph-interactive");
    let headings: Vec<_> = req.headings.iter().map(|h| h.value.as_str()).collect();
    assert_eq!(headings, ["Example", "Request"]);
    assert_eq!(
        request(req).line.target.value,
        "https://graph.microsoft.com/beta/me"
    );
    let r = response(resp);
    assert_eq!(r.status.value, 200);
    assert_eq!(at(&json_at(&r.body, "id").span), (21, 8));
    let [other] = page.other_blocks.as_slice() else {
        panic!("the C# block is kept aside");
    };
    assert_eq!(
        (other.language.as_str(), at(&other.span)),
        ("csharp", (10, 1))
    );
}

#[test]
fn indented_fences() {
    let text = "## HTTP request\n\n1. In a list:\n\n   ```http\n   GET /a\n   ```\n\n  ```http\n  GET /b\n  ```\n\n    ```http\n    GET /c\n    ```\n";
    let (page, diagnostics) = read(text);
    assert_eq!(diagnostics, []);
    let found: Vec<_> = requests(&page)
        .iter()
        .map(|r| {
            (
                r.target.value.as_str(),
                at(&r.method.span),
                at(&r.target.span),
            )
        })
        .collect();
    assert_eq!(
        found,
        [
            ("/a", (6, 4), (6, 8)),
            ("/b", (10, 3), (10, 7)),
            ("/c", (14, 5), (14, 9))
        ]
    );
    assert_eq!(at(&page.http_requests[2].span), (13, 5));
}

#[test]
fn prose_and_unknown_methods_in_request_blocks() {
    let text = "## HTTP request\n```http\nGET /me/events\n\nFor a user:\nget   /users/{id}/events  \nHEAD /me\nDELETE/me/x\n```\n";
    let (page, diagnostics) = read(text);
    assert_eq!(codes(&diagnostics), ["unknown-http-method"]);
    assert_eq!(at(diagnostics[0].span.as_ref().expect("span")), (7, 1));
    let lines = &page.http_requests[0].lines;
    let described: Vec<String> = lines
        .iter()
        .map(|l| match l {
            RequestBlockLine::Request(r) => format!(
                "{} {} @{:?}",
                r.method.value,
                r.target.value,
                at(&r.target.span)
            ),
            RequestBlockLine::Other(o) => format!("other {} @{:?}", o.value, at(&o.span)),
        })
        .collect();
    assert_eq!(
        described,
        [
            "GET /me/events @(3, 5)",
            "other For a user: @(5, 1)",
            "GET /users/{id}/events @(6, 7)",
            "other HEAD /me @(7, 1)",
            "DELETE /me/x @(8, 7)",
        ]
    );
}

#[test]
fn request_only_blocks_are_the_requests_of_a_page_without_a_request_section() {
    let text = "# Get a site\n\n## Permissions\n\n<!-- { \"blockType\": \"ignored\" } -->\n```http\nPOST /chats/{id}/members\n```\n\n## Root site\n\n```http\nGET /sites/root\nGET /sites/contoso.com\n```\n\n```http\nGET /sites/x\nHost: y\n```\n";
    let (page, diagnostics) = read(text);
    // Still reported, so the missing section gets fixed, but the page serves.
    assert_eq!(codes(&diagnostics), ["no-http-request-block"]);
    assert!(
        diagnostics[0].message.contains("stands in for it"),
        "{}",
        diagnostics[0].message
    );
    let lines: Vec<(&str, (u32, u32))> = requests(&page)
        .iter()
        .map(|r| (r.target.value.as_str(), at(&r.target.span)))
        .collect();
    assert_eq!(
        lines,
        [
            ("/chats/{id}/members", (7, 6)),
            ("/sites/root", (13, 5)),
            ("/sites/contoso.com", (14, 5)),
        ]
    );
    // With a request section, blocks elsewhere stay what they are.
    let with_section = format!("{text}\n## HTTP request\n\n```http\nGET /me\n```\n");
    let (page, _) = read(&with_section);
    assert_eq!(requests(&page).len(), 1);
}

#[test]
fn request_body_tables_keep_their_intro_and_required_column() {
    let text = "# Create\n\n## Request body\n\nThe following table shows the properties that are required when you create the thing.\n\n| Property | Type | Required | Description |\n|:--|:--|:--|:--|\n| name | String | Yes | The name. |\n| size | Int32 | | |\n\n| Property | Type |\n|:--|:--|\n| other | String |\n";
    let (page, _) = read(text);
    let [first, second] = page.request_body.as_slice() else {
        panic!("{:?}", page.request_body);
    };
    let intro = first
        .intro
        .as_ref()
        .expect("the paragraph before the table");
    assert!(intro.value.starts_with("The following table"));
    assert_eq!(at(&intro.span), (5, 1));
    let required: Vec<Option<&str>> = first
        .rows
        .iter()
        .map(|r| r.required.as_ref().map(|c| c.text.as_str()))
        .collect();
    assert_eq!(required, [Some("Yes"), Some("")]);
    assert!(second.intro.is_none(), "a table is not an intro");
    assert_eq!(second.rows[0].required, None);
}

#[test]
fn crlf_line_endings_keep_positions() {
    let text = "---\r\ntitle: 'T'\r\n---\r\n# H\r\n\r\n## HTTP request\r\n```http\r\nPOST /x\r\n```\r\n## Examples\r\n```http\r\nPOST /x\r\nContent-Type: application/json\r\n\r\n{\r\n  \"a\": [1, true, null]\r\n}\r\n```\r\n";
    let (page, diagnostics) = read(text);
    assert_eq!(diagnostics, []);
    assert_eq!(
        page.title.as_ref().map(|t| (t.value.as_str(), at(&t.span))),
        Some(("T", (2, 9)))
    );
    assert_eq!(at(&requests(&page)[0].target.span), (8, 6));
    let r = request(&page.examples[0]);
    assert_eq!(r.headers[0].value.value, "application/json");
    let body = r.body.as_ref().expect("body");
    assert_eq!(body.text.value, "{\n  \"a\": [1, true, null]\n}");
    let JsonValue::Array(items) = &json_at(&r.body, "a").value else {
        panic!("array expected");
    };
    let spans: Vec<_> = items.iter().map(|i| at(&i.span)).collect();
    assert_eq!(spans, [(16, 9), (16, 12), (16, 18)]);
}

#[test]
fn bodies_that_are_not_json() {
    let text = "## Examples\n```http\nPOST /me\nContent-Type: application/json\n\n{\n  \"a\": 1,\n  ...\n  \"b\": [ { \"c\": 2 }, ... ]\n}\n```\n```http\nPOST /me\nContent-Type: application/json\n\nnot json\n```\n```http\nPUT /me/photo\nContent-Type: image/jpeg\n\nbinary data\n```\n";
    let (page, diagnostics) = read(text);
    let found: Vec<_> = diagnostics
        .iter()
        .map(|d| (d.code, d.span.as_ref().map(at)))
        .collect();
    assert_eq!(
        found,
        [
            ("example-body-not-json", Some((8, 3))),
            ("example-body-not-json", Some((16, 1))),
            ("no-http-request-block", Some((1, 1))),
        ]
    );
    assert_eq!(diagnostics[0].notes, ["2 placeholders in this body"]);
    let first = request(&page.examples[0]);
    let JsonValue::Array(b) = &json_at(&first.body, "b").value else {
        panic!("array expected");
    };
    assert_eq!(b.len(), 1);
    assert!(
        first
            .body
            .as_ref()
            .is_some_and(|b| b.text.value.contains("..."))
    );
    assert_eq!(
        request(&page.examples[1])
            .body
            .as_ref()
            .and_then(|b| b.json.as_ref()),
        None
    );
    let photo = request(&page.examples[2]).body.as_ref().expect("body");
    assert_eq!(
        (photo.text.value.as_str(), photo.json.as_ref()),
        ("binary data", None)
    );
}

#[test]
fn misplaced_blank_lines_in_examples() {
    let text = "## Examples\n```http\nPATCH /me\n{\"a\": 1}\n```\n```http\nPOST /me\n\nContent-Type: application/json\n\n[1]\n```\n";
    let (page, diagnostics) = read(text);
    let r = request(&page.examples[0]);
    assert!(r.headers.is_empty());
    assert_eq!(at(&json_at(&r.body, "a").span), (4, 7));
    let r = request(&page.examples[1]);
    assert_eq!(r.headers.len(), 1);
    assert_eq!(r.body.as_ref().map(|b| at(&b.text.span)), Some((11, 1)));
    assert_eq!(
        codes(&diagnostics),
        ["example-headers-after-blank", "no-http-request-block"]
    );
    assert_eq!(at(diagnostics[0].span.as_ref().expect("span")), (9, 1));
}

#[test]
fn empty_and_contentless_pages() {
    let (page, diagnostics) = read("");
    assert_eq!(codes(&diagnostics), ["empty-page"]);
    assert!(diagnostics[0].is_error());
    assert_eq!(page.title, None);
    let (_, diagnostics) = read("# Only a title\n");
    assert_eq!(codes(&diagnostics), ["no-http-request-block"]);
    assert_eq!(diagnostics[0].severity, Severity::Warning);
    let (_, diagnostics) = read("## HTTP request\nNothing here.\n");
    assert_eq!(
        diagnostics[0].message,
        "the \"HTTP request\" section has no code block"
    );
    assert_eq!(at(diagnostics[0].span.as_ref().expect("span")), (1, 4));
}

#[test]
fn front_matter_needs_its_closing_line() {
    let (page, _) = read("---\ntitle: x\n\n# Real title\n");
    assert!(page.front_matter.is_empty());
    assert_eq!(
        page.title.as_ref().map(|t| t.value.as_str()),
        Some("Real title")
    );
    let (page, _) = read("\u{feff}---\ntitle: \"x\"\n---\n");
    assert_eq!(
        page.title.as_ref().map(|t| (t.value.as_str(), at(&t.span))),
        Some(("x", (2, 9)))
    );
}

#[test]
fn garbage_never_panics() {
    let fragments = [
        "```",
        "~~~",
        "    ",
        "<!--",
        "-->",
        "{",
        "}",
        "[",
        "]",
        "\"",
        "'",
        ":",
        ",",
        "...",
        "…",
        "|",
        "|---|",
        "#",
        "## HTTP request",
        "## Examples",
        "### Response",
        "GET /x",
        "HTTP/1.1 200 OK",
        "Content-Type: application/json",
        "\n",
        "\r\n",
        "\t",
        "> ",
        "1. ",
        "- ",
        "ü",
        "\u{feff}",
        "---",
        "\\",
        "/*",
        "//",
        "\0",
        "€€",
        "<br>",
        "**",
        "`",
    ];
    // A fixed linear congruential sequence keeps the test deterministic.
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (state >> 33) as usize
    };
    for _ in 0..2000 {
        let len = next() % 60;
        let text: String = (0..len)
            .map(|_| fragments[next() % fragments.len()])
            .collect();
        let _ = read(&text);
        let bytes: Vec<u8> = (0..len).map(|_| (next() % 256) as u8).collect();
        let _ = read_bytes("garbage.md", &bytes);
    }
    let mut deep = "## Examples\n```http\nPOST /x\n\n".to_owned();
    deep.push_str(&"[".repeat(5000));
    deep.push_str("\n```\n");
    let _ = read(&deep);
}

#[test]
fn cr_and_mixed_line_endings_keep_positions() {
    let crlf = "---\r\ntitle: 'T'\r\n---\r\n# H\r\n\r\n## HTTP request\r\n```http\r\nPOST /x\r\n```\r\n## Examples\r\n```http\r\nPOST /x\r\nContent-Type: application/json\r\n\r\n{\r\n  \"a\": [1, true, null]\r\n}\r\n```\r\n";
    let cr = crlf.replace("\r\n", "\r");
    let mut mixed = String::new();
    for (i, line) in crlf.split_inclusive("\r\n").enumerate() {
        let line = line.trim_end_matches("\r\n");
        // A `\r` and the `\n` of an empty line after it would make one `\r\n`.
        let ending = match ["\r", "\n", "\r\n"][i % 3] {
            "\n" if line.is_empty() && mixed.ends_with('\r') => "\r",
            ending => ending,
        };
        mixed.push_str(line);
        mixed.push_str(ending);
    }
    for text in [cr, mixed] {
        let (page, diagnostics) = read(&text);
        assert_eq!(diagnostics, [], "{text:?}");
        assert_eq!(
            page.title.as_ref().map(|t| (t.value.as_str(), at(&t.span))),
            Some(("T", (2, 9)))
        );
        assert_eq!(at(&requests(&page)[0].target.span), (8, 6), "{text:?}");
        let r = request(&page.examples[0]);
        assert_eq!(r.headers[0].value.value, "application/json");
        let body = r.body.as_ref().expect("body");
        assert_eq!(body.text.value, "{\n  \"a\": [1, true, null]\n}");
        let JsonValue::Array(items) = &json_at(&r.body, "a").value else {
            panic!("array expected");
        };
        let spans: Vec<_> = items.iter().map(|i| at(&i.span)).collect();
        assert_eq!(spans, [(16, 9), (16, 12), (16, 18)]);
    }
}

#[test]
fn a_byte_order_mark_takes_no_column() {
    let (page, diagnostics) = read("\u{feff}# Get x\n\n## HTTP request\n```http\nGET /me\n```\n");
    assert_eq!(diagnostics, []);
    let title = page.title.clone().expect("a title");
    assert_eq!((title.value.as_str(), at(&title.span)), ("Get x", (1, 3)));
    assert_eq!(at(&requests(&page)[0].target.span), (5, 5));
}

#[test]
fn a_title_starting_with_example_is_no_examples_section() {
    for title in [
        "# Example service",
        "# Examples of Graph",
        "# Example: a title",
    ] {
        let text = format!("{title}\n\n## HTTP request\n```http\nGET /me\n```\n");
        let (page, diagnostics) = read(&text);
        assert_eq!(diagnostics, [], "{title}");
        assert_eq!(requests(&page).len(), 1, "{title}");
    }
    // Below the title, "Example" headings still open the examples section.
    for heading in [
        "## Example",
        "## Examples",
        "## Example 1: Get me",
        "## Example (file)",
        "## Example - Mute",
        "## Example: update",
        "## Examples using $orderBy",
    ] {
        let text = format!(
            "# T\n\n## HTTP request\n```http\nGET /me\n```\n{heading}\n```http\nGET /me\n```\n"
        );
        let (page, _) = read(&text);
        assert_eq!(page.examples.len(), 1, "{heading}");
    }
    let text = "# T\n\n## Example service\n\n## HTTP request\n```http\nGET /me\n```\n";
    assert_eq!(requests(&read(text).0).len(), 1);
}
