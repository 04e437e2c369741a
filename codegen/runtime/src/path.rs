//! Where requests go: the service root and resource paths below it.

use std::fmt::{self, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

use crate::Error;

/// Characters left as they are in a path segment: RFC 3986 "unreserved".
/// Everything else is `%XX`-encoded, so no value can add a segment, a query or
/// a fragment.
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Inside a parenthesized key or argument list the quotes that delimit and escape
/// string literals stay literal, and so does the `@` of a parameter alias (`f(p=@p)`);
/// servers read them before or after decoding alike. Inside a quoted string they
/// cannot end it.
const KEY_VALUE: &AsciiSet = &SEGMENT.remove(b'\'').remove(b'@');

/// Where the service lives, e.g. `https://graph.microsoft.com/v1.0`.
///
/// An absolute `http` or `https` URL without query, fragment or credentials; a
/// trailing `/` is ignored, so resource paths can be appended as they are.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServiceRoot {
    url: String,
    /// Where the service is, for checking where next links point.
    origin: String,
}

impl ServiceRoot {
    /// Checks and keeps `url`.
    pub fn new(url: &str) -> Result<Self, Error> {
        let invalid = |reason: &str| Error::InvalidServiceRoot {
            url: url.to_owned(),
            reason: reason.to_owned(),
        };
        if url.contains('#') {
            return Err(invalid("a service root cannot have a fragment"));
        }
        let uri: http::Uri = url
            .parse()
            .map_err(|e: http::uri::InvalidUri| invalid(&e.to_string()))?;
        check_http_url(&uri).map_err(invalid)?;
        if uri.query().is_some() {
            return Err(invalid("a service root cannot have a query"));
        }
        Ok(Self {
            url: url.trim_end_matches('/').to_owned(),
            origin: origin(&uri),
        })
    }

    /// The URL, without a trailing `/`.
    pub fn as_str(&self) -> &str {
        &self.url
    }

    pub(crate) fn origin(&self) -> &str {
        &self.origin
    }
}

/// A Microsoft Graph deployment: the global service or a national cloud, each
/// with its own host (and its own sign-in authority and token audience).
///
/// ```
/// use odata_codegen_runtime::{GraphCloud, GraphVersion, ServiceRoot};
///
/// let root = ServiceRoot::graph(GraphCloud::UsGovL4, GraphVersion::V1);
/// assert_eq!(root.as_str(), "https://graph.microsoft.us/v1.0");
/// assert_eq!(GraphCloud::China.host(), "https://microsoftgraph.chinacloudapi.cn");
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GraphCloud {
    /// The global service, `https://graph.microsoft.com`.
    Global,
    /// Microsoft Graph for US Government L4, `https://graph.microsoft.us`.
    UsGovL4,
    /// Microsoft Graph for US Government L5 (DoD), `https://dod-graph.microsoft.us`.
    UsGovL5,
    /// Microsoft Graph China operated by 21Vianet,
    /// `https://microsoftgraph.chinacloudapi.cn`.
    China,
}

impl GraphCloud {
    /// Every cloud, for lookups by host.
    pub const ALL: [Self; 4] = [Self::Global, Self::UsGovL4, Self::UsGovL5, Self::China];

    /// The cloud's Graph endpoint: scheme and host, without a trailing `/`.
    pub const fn host(self) -> &'static str {
        match self {
            Self::Global => "https://graph.microsoft.com",
            Self::UsGovL4 => "https://graph.microsoft.us",
            Self::UsGovL5 => "https://dod-graph.microsoft.us",
            Self::China => "https://microsoftgraph.chinacloudapi.cn",
        }
    }

    /// The cloud whose Graph endpoint `root` is on, if any.
    pub fn of(root: &ServiceRoot) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|cloud| cloud.origin() == root.origin)
    }

    /// The host as [`origin`] writes it: every cloud is on `https`, port 443.
    fn origin(self) -> String {
        format!("{}:443", self.host())
    }
}

/// A version of the Microsoft Graph API: the path segment after the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum GraphVersion {
    /// `v1.0`: the generally available API.
    V1,
    /// `beta`: APIs in preview, which can change.
    Beta,
}

impl GraphVersion {
    /// The version's path segment: `v1.0` or `beta`.
    pub const fn segment(self) -> &'static str {
        match self {
            Self::V1 => "v1.0",
            Self::Beta => "beta",
        }
    }
}

impl ServiceRoot {
    /// The root of `version` of Microsoft Graph in `cloud`, e.g.
    /// `https://dod-graph.microsoft.us/beta`.
    ///
    /// ```
    /// use odata_codegen_runtime::{GraphCloud, GraphVersion, ServiceRoot};
    ///
    /// assert_eq!(
    ///     ServiceRoot::graph(GraphCloud::UsGovL5, GraphVersion::Beta).as_str(),
    ///     "https://dod-graph.microsoft.us/beta"
    /// );
    /// ```
    pub fn graph(cloud: GraphCloud, version: GraphVersion) -> Self {
        // Built from fixed, valid hosts rather than parsed, so it cannot fail.
        Self {
            url: format!("{}/{}", cloud.host(), version.segment()),
            origin: cloud.origin(),
        }
    }
}

impl fmt::Display for ServiceRoot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.url)
    }
}

/// `scheme://host:port` in lower case with the port made explicit, for comparing
/// where URLs point.
pub(crate) fn origin(uri: &http::Uri) -> String {
    let scheme = uri.scheme_str().unwrap_or_default().to_ascii_lowercase();
    let default_port = if scheme == "https" { 443 } else { 80 };
    let port = uri.port_u16().unwrap_or(default_port);
    let host = uri.host().unwrap_or_default().to_ascii_lowercase();
    format!("{scheme}://{host}:{port}")
}

/// Checks that `uri` is an absolute `http(s)` URL without credentials.
pub(crate) fn check_http_url(uri: &http::Uri) -> Result<(), &'static str> {
    match uri.scheme_str() {
        Some(scheme)
            if scheme.eq_ignore_ascii_case("https") || scheme.eq_ignore_ascii_case("http") => {}
        _ => return Err("expected an absolute http or https URL"),
    }
    match uri.authority() {
        Some(authority) if authority.as_str().contains('@') => {
            Err("credentials in the URL are not supported")
        }
        Some(authority) if !authority.host().is_empty() => Ok(()),
        _ => Err("expected a host"),
    }
}

/// Resolves `link` (absolute, or relative as OData allows for next, delta and edit
/// links and entity ids) against `base`, the URL of the request whose response
/// carried it, by RFC 3986.
pub(crate) fn resolve_link(base: &str, link: &str) -> Result<String, url::ParseError> {
    if url::Url::parse(link).is_ok() {
        // Absolute: sent as the service wrote it.
        return Ok(link.to_owned());
    }
    Ok(url::Url::parse(base)?.join(link)?.to_string())
}

/// The system segments a path can end with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SystemSegment {
    /// `$ref`: references instead of entities.
    Ref,
    /// `$count`: the number of items of a collection.
    Count,
    /// `$value`: the content of a media entity or the raw value of a property.
    Value,
}

/// A key value in a [compound key](ODataPath::compound_key) or function call.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KeyValue<'a> {
    /// A string, written as a quoted OData literal: `'O''Neil'`.
    String(&'a str),
    /// Any other value already written as an OData literal (`42`, a GUID, a
    /// date), written unquoted.
    Literal(String),
}

/// A resource path below the service root, such as
/// `/deviceAppManagement/iosLobAppProvisioningConfigurations/abc/userStatuses`.
///
/// Built one segment at a time; every piece is percent-encoded as it is added, so
/// the path always has exactly the segments it was built from, whatever the values.
///
/// ```
/// use odata_codegen_runtime::ODataPath;
///
/// let path = ODataPath::root().segment("users").key("a/b?c").segment("manager");
/// assert_eq!(path.as_str(), "/users/a%2Fb%3Fc/manager");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct ODataPath {
    path: String,
}

impl ODataPath {
    /// The service root itself: the empty path.
    pub fn root() -> Self {
        Self::default()
    }

    /// Appends a segment naming a schema element: an entity set, singleton,
    /// navigation property, or a qualified type cast or operation name.
    ///
    /// The name is percent-encoded like any value, but names are identifiers: `.`
    /// and `..` are not names and would be resolved as dot segments.
    #[must_use]
    pub fn segment(&self, name: &str) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.push_encoded(name, SEGMENT);
        next
    }

    /// Appends a system segment: `$ref`, `$count` or `$value`. Its `$` is written as
    /// is, which [`segment`](Self::segment) and [`key`](Self::key) never do, so no key
    /// value can turn into one.
    #[must_use]
    pub fn system(&self, name: SystemSegment) -> Self {
        let mut next = self.clone();
        next.path.push('/');
        next.path.push_str(match name {
            SystemSegment::Ref => "$ref",
            SystemSegment::Count => "$count",
            SystemSegment::Value => "$value",
        });
        next
    }

    /// Appends a single-part string key as its own segment, Graph style
    /// (`/users/{id}`).
    ///
    /// Everything outside RFC 3986 "unreserved" is percent-encoded, so `/`, `?`,
    /// `#`, `%` and the like stay inside the segment. An empty value, `.` or `..`
    /// cannot be a segment (URL normalization drops or resolves it, and WHATWG URL
    /// parsers treat `%2e%2e` as `..` too), so such a value is written in OData's
    /// parenthesized form on the previous segment instead: `/users('..')`.
    #[must_use]
    pub fn key(&self, value: &str) -> Self {
        if is_dot_segment(value) {
            self.parenthesized(|path| path.push_string_literal(value))
        } else {
            self.segment(value)
        }
    }

    /// Appends a single-part key that is already an OData literal other than a
    /// string (`42`, a GUID) as its own segment, percent-encoded like
    /// [`key`](Self::key); an empty, `.` or `..` literal goes in parentheses.
    #[must_use]
    pub fn key_literal(&self, literal: &str) -> Self {
        if is_dot_segment(literal) {
            self.parenthesized(|path| path.push_encoded(literal, KEY_VALUE))
        } else {
            self.segment(literal)
        }
    }

    /// Appends a single-part string key in OData's parenthesized form, the
    /// convention of services that do not declare key-as-segment support:
    /// `/Genres('a%2Fb')`. Quotes are doubled and everything else outside RFC 3986
    /// "unreserved" is percent-encoded, so no value can end the literal or the path.
    #[must_use]
    pub fn key_in_parentheses(&self, value: &str) -> Self {
        self.parenthesized(|path| path.push_string_literal(value))
    }

    /// Appends a single-part key that is already an OData literal other than a
    /// string (`42`, a GUID) in parentheses: `/Books(42)`.
    #[must_use]
    pub fn key_literal_in_parentheses(&self, literal: &str) -> Self {
        self.parenthesized(|path| path.push_encoded(literal, KEY_VALUE))
    }

    /// Appends a multi-part key to the last segment: `/orders(id='x',line=2)`.
    #[must_use]
    pub fn compound_key(&self, parts: &[(&str, KeyValue<'_>)]) -> Self {
        self.parenthesized(|path| path.push_arguments(parts))
    }

    /// Appends a function call as a segment: `/delta()` or
    /// `/reminderView(StartDateTime='…',EndDateTime='…')`.
    #[must_use]
    pub fn function(&self, name: &str, parameters: &[(&str, KeyValue<'_>)]) -> Self {
        self.segment(name)
            .parenthesized(|path| path.push_arguments(parameters))
    }

    /// The encoded path: empty for the root, otherwise starting with `/`.
    pub fn as_str(&self) -> &str {
        &self.path
    }

    /// Whether this is the service root itself.
    pub fn is_root(&self) -> bool {
        self.path.is_empty()
    }

    /// Appends `(…)` to the last segment (or as a segment of its own at the root).
    fn parenthesized(&self, write_inside: impl FnOnce(&mut Self)) -> Self {
        let mut next = self.clone();
        if next.path.is_empty() {
            next.path.push('/');
        }
        next.path.push('(');
        write_inside(&mut next);
        next.path.push(')');
        next
    }

    fn push_arguments(&mut self, parts: &[(&str, KeyValue<'_>)]) {
        for (i, (name, value)) in parts.iter().enumerate() {
            if i > 0 {
                self.path.push(',');
            }
            self.push_encoded(name, SEGMENT);
            self.path.push('=');
            match value {
                KeyValue::String(text) => self.push_string_literal(text),
                KeyValue::Literal(literal) => self.push_encoded(literal, KEY_VALUE),
            }
        }
    }

    /// Writes `'value'` with inner quotes doubled, percent-encoded.
    fn push_string_literal(&mut self, value: &str) {
        self.path.push('\'');
        self.push_encoded(&value.replace('\'', "''"), KEY_VALUE);
        self.path.push('\'');
    }

    fn push_encoded(&mut self, text: &str, set: &'static AsciiSet) {
        // Writing to a String cannot fail.
        let _ = write!(self.path, "{}", utf8_percent_encode(text, set));
    }
}

impl fmt::Display for ODataPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.path)
    }
}

/// Values that URL normalization would drop or resolve if written as a segment.
fn is_dot_segment(value: &str) -> bool {
    matches!(value, "" | "." | "..")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn graph_roots_of_every_cloud_and_version() {
        let expected = [
            (GraphCloud::Global, "https://graph.microsoft.com"),
            (GraphCloud::UsGovL4, "https://graph.microsoft.us"),
            (GraphCloud::UsGovL5, "https://dod-graph.microsoft.us"),
            (GraphCloud::China, "https://microsoftgraph.chinacloudapi.cn"),
        ];
        for (cloud, host) in expected {
            for (version, segment) in [(GraphVersion::V1, "v1.0"), (GraphVersion::Beta, "beta")] {
                let root = ServiceRoot::graph(cloud, version);
                assert_eq!(root.as_str(), format!("{host}/{segment}"));
                assert_eq!(
                    root,
                    ServiceRoot::new(&format!("{host}/{segment}/")).unwrap()
                );
                assert_eq!(GraphCloud::of(&root), Some(cloud));
            }
        }
        let upper = ServiceRoot::new("HTTPS://Graph.Microsoft.US:443/v1.0").unwrap();
        assert_eq!(GraphCloud::of(&upper), Some(GraphCloud::UsGovL4));
        for other in [
            "http://graph.microsoft.com/v1.0",
            "https://graph.microsoft.com:8443",
            "https://example.com",
        ] {
            assert_eq!(
                GraphCloud::of(&ServiceRoot::new(other).unwrap()),
                None,
                "{other}"
            );
        }
    }

    #[test]
    fn service_root_accepts_http_urls() {
        let root = ServiceRoot::new("https://graph.microsoft.com/beta/").unwrap();
        assert_eq!(root.as_str(), "https://graph.microsoft.com/beta");
        assert_eq!(root.to_string(), "https://graph.microsoft.com/beta");
        assert_eq!(
            ServiceRoot::new("http://127.0.0.1:8080").unwrap().as_str(),
            "http://127.0.0.1:8080"
        );
        assert_eq!(
            ServiceRoot::new("HTTPS://example.com/").unwrap().as_str(),
            "HTTPS://example.com"
        );
    }

    #[test]
    fn service_root_rejects_other_text() {
        for url in [
            "",
            "graph.microsoft.com/beta",
            "/beta",
            "ftp://example.com",
            "https://example.com/beta?x=1",
            "https://example.com/beta#top",
            "https://user:secret@example.com/",
            "https://exa mple.com",
            "https://",
            "https:///path",
        ] {
            let error = ServiceRoot::new(url).unwrap_err();
            assert!(matches!(error, Error::InvalidServiceRoot { .. }), "{url}");
        }
    }

    #[test]
    fn builds_segments_and_keys() {
        let path = ODataPath::root()
            .segment("deviceAppManagement")
            .segment("iosLobAppProvisioningConfigurations")
            .key("abc")
            .segment("userStatuses");
        assert_eq!(
            path.to_string(),
            "/deviceAppManagement/iosLobAppProvisioningConfigurations/abc/userStatuses"
        );
        assert!(ODataPath::root().is_root());
        assert!(!path.is_root());
        assert_eq!(
            ODataPath::root().segment("users").key("a b%/é#?").as_str(),
            "/users/a%20b%25%2F%C3%A9%23%3F"
        );
        assert_eq!(
            ODataPath::root()
                .segment("items")
                .key_literal("42")
                .as_str(),
            "/items/42"
        );
    }

    #[test]
    fn dot_keys_use_parentheses() {
        let users = ODataPath::root().segment("users");
        assert_eq!(users.key("").as_str(), "/users('')");
        assert_eq!(users.key(".").as_str(), "/users('.')");
        assert_eq!(users.key("..").as_str(), "/users('..')");
        assert_eq!(users.key("...").as_str(), "/users/...");
        assert_eq!(users.key_literal("..").as_str(), "/users(..)");
        assert_eq!(ODataPath::root().key("").as_str(), "/('')");
    }

    #[test]
    fn parenthesized_keys_keep_every_character_inside_the_literal() {
        let genres = ODataPath::root().segment("Genres");
        assert_eq!(
            genres.key_in_parentheses("a/b").as_str(),
            "/Genres('a%2Fb')"
        );
        assert_eq!(
            genres.key_in_parentheses("O'Neil & #1? (x)\\ é+%").as_str(),
            "/Genres('O''Neil%20%26%20%231%3F%20%28x%29%5C%20%C3%A9%2B%25')"
        );
        assert_eq!(genres.key_in_parentheses("").as_str(), "/Genres('')");
        assert_eq!(
            ODataPath::root()
                .segment("Books")
                .key_literal_in_parentheses("42")
                .segment("chapters")
                .key_literal_in_parentheses("7")
                .as_str(),
            "/Books(42)/chapters(7)"
        );
    }

    #[test]
    fn compound_keys_and_functions() {
        let path = ODataPath::root().segment("orders").compound_key(&[
            ("id", KeyValue::String("O'Neil/1")),
            ("line", KeyValue::Literal("2".to_owned())),
        ]);
        assert_eq!(path.as_str(), "/orders(id='O''Neil%2F1',line=2)");
        assert_eq!(
            ODataPath::root()
                .segment("me")
                .function("delta", &[])
                .as_str(),
            "/me/delta()"
        );
        assert_eq!(
            ODataPath::root()
                .function(
                    "f",
                    &[("d", KeyValue::Literal("2021-01-01T00:00:00Z".into()))]
                )
                .as_str(),
            "/f(d=2021-01-01T00%3A00%3A00Z)"
        );
    }
}
