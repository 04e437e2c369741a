//! [`Field`]: a nullable property that can also be left out; [`is_default`]: a key
//! that is not set.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Three states of a nullable property in a request or response.
///
/// `Option<T>` cannot tell "not sent" from "sent as null", yet OData gives them
/// different meanings: in a `PATCH`, an absent property is left unchanged while
/// `null` clears it; in a response, an absent property was not selected while
/// `null` means it has no value.
///
/// Generated structs mark such fields with
/// `#[serde(skip_serializing_if = "Field::is_absent")]` and read them through
/// [`Record`](crate::Record), so that a missing property reads as [`Field::Absent`]
/// and an absent one is never written.
///
/// ```
/// use odata_codegen_runtime::Field;
///
/// #[derive(serde::Serialize, serde::Deserialize)]
/// struct Patch {
///     #[serde(default, skip_serializing_if = "Field::is_absent")]
///     nickname: Field<String>,
/// }
///
/// let clear = Patch { nickname: Field::Null };
/// assert_eq!(serde_json::to_string(&clear).unwrap(), r#"{"nickname":null}"#);
/// let unchanged = Patch { nickname: Field::Absent };
/// assert_eq!(serde_json::to_string(&unchanged).unwrap(), "{}");
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub enum Field<T> {
    /// Not present: not sent in a request, not selected or not returned in a response.
    #[default]
    Absent,
    /// Present as an explicit JSON `null`.
    Null,
    /// Present with a value.
    Value(T),
}

impl<T> Field<T> {
    /// Whether the property is left out; used with `skip_serializing_if`.
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the property is an explicit `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// Whether the property has a value.
    pub fn is_value(&self) -> bool {
        matches!(self, Self::Value(_))
    }

    /// Borrows the value, keeping the state.
    pub fn as_ref(&self) -> Field<&T> {
        match self {
            Self::Absent => Field::Absent,
            Self::Null => Field::Null,
            Self::Value(value) => Field::Value(value),
        }
    }

    /// The value, if there is one; absent and null both give `None`.
    pub fn value(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Takes the value, if there is one; absent and null both give `None`.
    pub fn into_value(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// Transforms the value, keeping absent and null as they are.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Field<U> {
        match self {
            Self::Absent => Field::Absent,
            Self::Null => Field::Null,
            Self::Value(value) => Field::Value(f(value)),
        }
    }
}

impl<T> From<T> for Field<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl From<&str> for Field<String> {
    /// A text value: `subject: "Lunch".into()`.
    fn from(value: &str) -> Self {
        Self::Value(value.to_owned())
    }
}

impl<T> From<Option<T>> for Field<T> {
    /// `None` becomes [`Field::Null`]: an `Option` that was set means the property is present.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Field<T> {
    /// Writes `null` for [`Field::Null`] (and for [`Field::Absent`], which callers
    /// normally skip) and the value itself otherwise.
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Field<T> {
    /// Reads `null` as [`Field::Null`] and anything else as a value; a missing
    /// property becomes [`Field::Absent`] through `#[serde(default)]`.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Self::from)
    }
}

/// Whether a key is empty (its type's default: `""`, `0`); used with
/// `skip_serializing_if`. An empty key is not sent, so a create lets the service
/// assign one.
///
/// Generated structs hold a key as its plain type with
/// `#[serde(skip_serializing_if = "is_default")]`, read through
/// [`Record`](crate::Record): a response that leaves it
/// out reads as empty, and a body built with `..Default::default()` does not send
/// `"id": ""`.
///
/// ```
/// use odata_codegen_runtime::is_default;
///
/// #[derive(Default, serde::Serialize)]
/// struct Group {
///     #[serde(default, skip_serializing_if = "is_default")]
///     id: String,
///     name: String,
/// }
///
/// let new = Group { name: "ops".into(), ..Default::default() };
/// assert_eq!(serde_json::to_string(&new).unwrap(), r#"{"name":"ops"}"#);
/// let known = Group { id: "g1".into(), ..new };
/// assert_eq!(serde_json::to_string(&known).unwrap(), r#"{"id":"g1","name":"ops"}"#);
/// ```
pub fn is_default<T: Default + PartialEq>(value: &T) -> bool {
    *value == T::default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Model {
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        name: Field<String>,
        #[serde(default, skip_serializing_if = "Field::is_absent")]
        size: Field<i64>,
    }

    #[test]
    fn values_convert_into_a_set_field() {
        let text: Field<String> = "Lunch".into();
        assert_eq!(text, Field::Value("Lunch".to_owned()));
        assert_eq!(Field::from(5i64), Field::Value(5));
        assert_eq!(Field::<i64>::from(None), Field::Null);
    }

    #[test]
    fn three_states_read_from_json() {
        let model: Model = serde_json::from_str(r#"{"name":null}"#).unwrap();
        assert_eq!(model.name, Field::Null);
        assert_eq!(model.size, Field::Absent);

        let model: Model = serde_json::from_str(r#"{"name":"a","size":3}"#).unwrap();
        assert_eq!(model.name, Field::Value("a".to_owned()));
        assert_eq!(model.size, Field::Value(3));
    }

    #[test]
    fn three_states_write_to_json() {
        let model = Model {
            name: Field::Null,
            size: Field::Absent,
        };
        assert_eq!(serde_json::to_string(&model).unwrap(), r#"{"name":null}"#);

        let model = Model {
            name: "a".to_owned().into(),
            size: Some(3).into(),
        };
        assert_eq!(
            serde_json::to_string(&model).unwrap(),
            r#"{"name":"a","size":3}"#
        );
    }

    #[test]
    fn wrong_type_is_an_error() {
        assert!(serde_json::from_str::<Model>(r#"{"size":"x"}"#).is_err());
    }

    #[test]
    fn only_a_default_value_is_default() {
        assert!(is_default(&String::new()) && !is_default(&"a".to_owned()));
        assert!(is_default(&0_i64) && !is_default(&-1_i64));
        assert!(is_default(&crate::Binary::default()) && !is_default(&crate::Binary(vec![0])));
    }

    #[test]
    fn accessors() {
        let value = Field::Value(2);
        assert!(value.is_value() && !value.is_null() && !value.is_absent());
        assert_eq!(value.as_ref(), Field::Value(&2));
        assert_eq!(value.value(), Some(&2));
        assert_eq!(value.clone().map(|v| v * 2), Field::Value(4));
        assert_eq!(value.into_value(), Some(2));

        let null: Field<i32> = None.into();
        assert!(null.is_null());
        assert_eq!(null.value(), None);
        assert_eq!(null.map(|v| v * 2), Field::Null);
        assert!(Field::<i32>::default().is_absent());
        assert_eq!(Field::<i32>::Absent.into_value(), None);
    }
}
