//! Requests every generated crate shares, whatever the schema: references (`$ref`),
//! streams and media (`$value`), action parameters, literals in function calls, and
//! polymorphic reading by `@odata.type`.

use http::header::ACCEPT;
use http::{HeaderValue, Method, StatusCode};
use serde::{Deserialize, Serialize};

use crate::operation::{bytes, no_content};
use crate::path::SystemSegment;
use crate::{Binary, Date, DateTimeOffset, Double, Duration, KeyValue, ODataEnum, ODataPath};
use crate::{Flags, Operation, Page, Single, TimeOfDay};

/// A `$ref` request that changes references: any success status will do, and no body
/// comes back.
fn ref_change(path: &ODataPath, method: Method) -> Operation<()> {
    Operation::new(
        method,
        path.system(SystemSegment::Ref),
        StatusCode::NO_CONTENT,
        no_content,
    )
    .with_any_success()
}

/// A reference to an entity, as `$ref` requests read and write it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntityReference {
    /// The entity's id: its URL.
    #[serde(rename = "@odata.id")]
    pub id: String,
}

impl EntityReference {
    /// The entity's absolute URL: the id as written when absolute, and otherwise (OData
    /// allows `Books(1)`) resolved against the service root.
    pub fn url(&self, root: &crate::ServiceRoot) -> Result<String, crate::Error> {
        crate::path::resolve_link(&format!("{root}/"), &self.id).map_err(|e| {
            crate::Error::InvalidRequest {
                reason: format!("invalid entity id {:?}: {e}", self.id),
            }
        })
    }
}

/// The references of a collection-valued navigation property without containment
/// (`.../members/$ref`): the entities it points to live elsewhere.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct References {
    path: ODataPath,
}

impl References {
    /// The references of the navigation property at `path`.
    pub fn new(path: ODataPath) -> Self {
        Self { path }
    }

    /// `GET .../$ref`: a page of the references.
    pub fn list(&self) -> Operation<Page<EntityReference>> {
        Operation::get(self.path.system(SystemSegment::Ref))
    }

    /// `POST .../$ref`: adds a reference to the entity at `target` (a path below the
    /// service root, such as a handle's `path()`).
    pub fn add(&self, target: &ODataPath) -> Operation<()> {
        ref_change(&self.path, Method::POST).with_entity_id_body(target)
    }

    /// `DELETE .../$ref?$id=...`: removes the reference to the entity at `target`.
    pub fn remove(&self, target: &ODataPath) -> Operation<()> {
        ref_change(&self.path, Method::DELETE).with_entity_id_query(target)
    }
}

/// The reference of a single-valued navigation property without containment
/// (`.../manager/$ref`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reference {
    path: ODataPath,
}

impl Reference {
    /// The reference of the navigation property at `path`.
    pub fn new(path: ODataPath) -> Self {
        Self { path }
    }

    /// `GET .../$ref`: the reference.
    pub fn get(&self) -> Operation<EntityReference> {
        Operation::get(self.path.system(SystemSegment::Ref))
    }

    /// `PUT .../$ref`: points the navigation property at the entity at `target`.
    pub fn set(&self, target: &ODataPath) -> Operation<()> {
        ref_change(&self.path, Method::PUT).with_entity_id_body(target)
    }

    /// `DELETE .../$ref`: removes the reference.
    pub fn delete(&self) -> Operation<()> {
        ref_change(&self.path, Method::DELETE)
    }
}

/// Binary content: a stream property (`.../content`) or a media entity's `$value`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stream {
    path: ODataPath,
}

impl Stream {
    /// The stream at `path`.
    pub fn new(path: ODataPath) -> Self {
        Self { path }
    }

    /// The path of the stream below the service root.
    pub fn path(&self) -> &ODataPath {
        &self.path
    }

    /// `GET`: the content, as bytes.
    pub fn get(&self) -> Operation<Vec<u8>> {
        Operation::new(Method::GET, self.path.clone(), StatusCode::OK, bytes)
            .with_header(ACCEPT, HeaderValue::from_static("*/*"))
    }

    /// `PUT`: replaces the content; any 2xx status is success.
    pub fn put(&self, content: Vec<u8>, content_type: HeaderValue) -> Operation<()> {
        Operation::new(
            Method::PUT,
            self.path.clone(),
            StatusCode::NO_CONTENT,
            no_content,
        )
        .with_any_success()
        .with_body(content, content_type)
    }
}

/// The JSON body of an action: its parameters by name.
///
/// ```
/// use odata_codegen_runtime::Parameters;
///
/// let body = Parameters::new().with("comment", "ok").with_optional::<i32>("count", None);
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"comment":"ok"}"#);
/// ```
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Parameters {
    /// Name, JSON text, and the JSON text with `Edm.Int64` and `Edm.Decimal` values as
    /// strings when it holds any (sent with `IEEE754Compatible=true`).
    values: Vec<(String, String, Option<String>)>,
    error: Option<String>,
}

impl Parameters {
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parameter. A value that cannot be serialized makes serializing the whole
    /// body fail, which [`Operation::to_http`] reports.
    #[must_use]
    pub fn with<T: Serialize + ?Sized>(mut self, name: &str, value: &T) -> Self {
        let text = |json: Vec<u8>| String::from_utf8(json).unwrap_or_default();
        match crate::ieee754::to_json_both(value) {
            Ok((plain, as_strings)) => {
                self.values.retain(|(n, _, _)| n != name);
                self.values
                    .push((name.to_owned(), text(plain), as_strings.map(text)));
            }
            Err(error) => self.error = Some(format!("parameter {name}: {error}")),
        }
        self
    }

    /// Adds a parameter if it is `Some`; `None` leaves it out.
    #[must_use]
    pub fn with_optional<T: Serialize + ?Sized>(self, name: &str, value: Option<&T>) -> Self {
        match value {
            Some(value) => self.with(name, value),
            None => self,
        }
    }
}

impl Serialize for Parameters {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match &self.error {
            Some(error) => Err(serde::ser::Error::custom(error)),
            None => {
                use serde::ser::{Error as _, SerializeMap as _};
                let mut map = serializer.serialize_map(Some(self.values.len()))?;
                for (name, plain, as_strings) in &self.values {
                    let json = crate::ieee754::form(plain, as_strings.as_ref());
                    let raw = serde_json::value::RawValue::from_string(json.clone())
                        .map_err(S::Error::custom)?;
                    map.serialize_entry(name, &raw)?;
                }
                map.end()
            }
        }
    }
}

/// A value written as an OData literal in a URL: a function argument or a key.
pub trait ToLiteral {
    fn to_literal(&self) -> KeyValue<'_>;
}

impl ToLiteral for str {
    fn to_literal(&self) -> KeyValue<'_> {
        KeyValue::String(self)
    }
}

impl ToLiteral for String {
    fn to_literal(&self) -> KeyValue<'_> {
        KeyValue::String(self)
    }
}

macro_rules! display_literal {
    ($($type:ty),*) => {
        $(impl ToLiteral for $type {
            fn to_literal(&self) -> KeyValue<'_> {
                KeyValue::Literal(self.to_string())
            }
        })*
    };
}

display_literal!(
    bool,
    u8,
    i8,
    i16,
    i32,
    i64,
    Double,
    Single,
    Date,
    DateTimeOffset,
    TimeOfDay,
    serde_json::Number
);

impl ToLiteral for Duration {
    fn to_literal(&self) -> KeyValue<'_> {
        KeyValue::Literal(format!("duration'{self}'"))
    }
}

impl ToLiteral for Binary {
    fn to_literal(&self) -> KeyValue<'_> {
        KeyValue::Literal(format!("binary'{self}'"))
    }
}

impl<T: ToLiteral + ?Sized> ToLiteral for &T {
    fn to_literal(&self) -> KeyValue<'_> {
        (**self).to_literal()
    }
}

/// An enumeration member as a URL literal: `Namespace.Type'member'`.
pub fn enum_literal<E: ODataEnum>(qualified_type: &str, value: &E) -> KeyValue<'static> {
    KeyValue::Literal(format!("{qualified_type}'{}'", value.to_wire()))
}

/// A flags value as a URL literal: `Namespace.Type'a,b'`.
pub fn flags_literal<E: ODataEnum>(qualified_type: &str, value: &Flags<E>) -> KeyValue<'static> {
    KeyValue::Literal(format!("{qualified_type}'{value}'"))
}

/// Reads a JSON object once and lets `select` pick the Rust type by its `@odata.type`
/// (without the leading `#`; empty when absent). Generated enums of a base type and
/// its derived types deserialize through this: a known name gives its variant, any
/// other name the base type, which keeps every property it does not declare.
pub fn deserialize_polymorphic<'de, D, T>(
    deserializer: D,
    select: impl FnOnce(&str, serde_json::Value) -> Result<T, serde_json::Error>,
) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
{
    let value = serde_json::Value::deserialize(deserializer)?;
    let odata_type = value
        .get("@odata.type")
        .and_then(serde_json::Value::as_str)
        .map(|t| t.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    select(&odata_type, value).map_err(serde::de::Error::custom)
}

/// Reads `value` as `T`: for the arms of [`deserialize_polymorphic`].
pub fn from_value<T: serde::de::DeserializeOwned>(
    value: serde_json::Value,
) -> Result<T, serde_json::Error> {
    serde_json::from_value(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ServiceRoot;

    fn root() -> ServiceRoot {
        ServiceRoot::new("https://graph.example/v1.0").unwrap()
    }

    #[test]
    fn relative_entity_ids_resolve_against_the_service_root() {
        let id = |text: &str| {
            EntityReference {
                id: text.to_owned(),
            }
            .url(&root())
            .unwrap()
        };
        assert_eq!(id("Books(1)"), "https://graph.example/v1.0/Books(1)");
        assert_eq!(
            id("https://graph.example/v1.0/users/u%2F1"),
            "https://graph.example/v1.0/users/u%2F1"
        );
        assert_eq!(
            id("/other/Books(2)"),
            "https://graph.example/other/Books(2)"
        );
    }

    #[test]
    fn references_write_entity_ids_with_the_service_root() {
        let members = References::new(
            ODataPath::root()
                .segment("groups")
                .key("g")
                .segment("members"),
        );
        let user = ODataPath::root().segment("users").key("u/1");
        let add = members.add(&user).to_http(&root()).unwrap();
        assert_eq!(add.method(), Method::POST);
        assert_eq!(
            add.uri(),
            "https://graph.example/v1.0/groups/g/members/$ref"
        );
        assert_eq!(
            add.body(),
            br#"{"@odata.id":"https://graph.example/v1.0/users/u%2F1"}"#
        );
        let remove = members.remove(&user).to_http(&root()).unwrap();
        assert_eq!(remove.method(), Method::DELETE);
        assert_eq!(
            remove.uri(),
            "https://graph.example/v1.0/groups/g/members/$ref?$id=https://graph.example/v1.0/users/u%252F1"
        );
        let list = members.list().top(2);
        assert_eq!(
            list.to_http(&root()).unwrap().uri(),
            "https://graph.example/v1.0/groups/g/members/$ref?$top=2"
        );
        let manager = Reference::new(ODataPath::root().segment("me").segment("manager"));
        let set = manager.set(&user).to_http(&root()).unwrap();
        assert_eq!(set.method(), Method::PUT);
        assert_eq!(set.uri(), "https://graph.example/v1.0/me/manager/$ref");
        assert_eq!(
            manager.delete().to_http(&root()).unwrap().method(),
            Method::DELETE
        );
    }

    #[test]
    fn streams_send_and_read_raw_bytes() {
        let photo = Stream::new(
            ODataPath::root()
                .segment("me")
                .segment("photo")
                .system(SystemSegment::Value),
        );
        let put = photo
            .put(vec![1, 2, 3], HeaderValue::from_static("image/png"))
            .to_http(&root())
            .unwrap();
        assert_eq!(put.headers()["content-type"], "image/png");
        assert_eq!(put.body(), &[1, 2, 3]);
        let get = photo.get();
        let response = http::Response::builder()
            .status(200)
            .body(vec![9u8, 8])
            .unwrap();
        assert_eq!(get.parse_response(&response).unwrap(), vec![9, 8]);
        let accepted = http::Response::builder()
            .status(202)
            .body(Vec::new())
            .unwrap();
        photo
            .put(Vec::new(), HeaderValue::from_static("a/b"))
            .parse_response(&accepted)
            .unwrap();
    }

    #[test]
    fn literals_and_parameters() {
        let path = ODataPath::root().function(
            "f",
            &[
                ("s", "O'Neil".to_literal()),
                ("n", 42i32.to_literal()),
                ("b", true.to_literal()),
                (
                    "d",
                    Duration::from(std::time::Duration::from_secs(60)).to_literal(),
                ),
            ],
        );
        assert_eq!(
            path.as_str(),
            "/f(s='O''Neil',n=42,b=true,d=duration'PT1M')"
        );
        let body = Parameters::new()
            .with("a", &[1, 2])
            .with_optional::<str>("b", None);
        assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"a":[1,2]}"#);
    }

    #[test]
    fn count_reads_plain_text() {
        let op = Operation::count_of(ODataPath::root().segment("users"));
        let request = op.to_http(&root()).unwrap();
        assert_eq!(request.uri(), "https://graph.example/v1.0/users/$count");
        assert_eq!(request.headers()["accept"], "text/plain");
        let response = http::Response::builder()
            .status(200)
            .body(&b" 17\n"[..])
            .unwrap();
        assert_eq!(op.parse_response(&response).unwrap(), 17);
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Base {
        id: String,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    struct Derived {
        id: String,
        extra: i32,
    }

    #[derive(Debug, PartialEq)]
    enum AnyBase {
        Base(Base),
        Derived(Derived),
    }

    impl<'de> Deserialize<'de> for AnyBase {
        fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_polymorphic(d, |t, v| {
                Ok(match t {
                    "ns.derived" => AnyBase::Derived(from_value(v)?),
                    _ => AnyBase::Base(from_value(v)?),
                })
            })
        }
    }

    #[test]
    fn polymorphic_reading_picks_the_type_by_name() {
        let items: Vec<AnyBase> = serde_json::from_str(
            r##"[{"@odata.type":"#ns.derived","id":"a","extra":1},{"@odata.type":"#ns.future","id":"b"},{"id":"c"}]"##,
        )
        .unwrap();
        assert_eq!(
            items,
            [
                AnyBase::Derived(Derived {
                    id: "a".into(),
                    extra: 1
                }),
                AnyBase::Base(Base { id: "b".into() }),
                AnyBase::Base(Base { id: "c".into() }),
            ]
        );
        assert!(
            serde_json::from_str::<AnyBase>(r##"{"@odata.type":"#ns.derived","id":"a"}"##).is_err()
        );
    }
}
