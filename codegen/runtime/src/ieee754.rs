//! `IEEE754Compatible=true`: `Edm.Int64` and `Edm.Decimal` as JSON strings.
//!
//! JavaScript and other readers that hold every number in an `f64` lose digits of
//! large integers and long decimals, so OData lets a client ask for both as strings
//! (`Accept` and `Content-Type` parameter `IEEE754Compatible=true`). Reading always
//! takes either form. Writing depends on the request: a body is serialized once as
//! usual, and again with strings only if it holds such a value, so the request can
//! send whichever form its headers announce.

use std::cell::Cell;
use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::Field;

thread_local! {
    /// Whether `Edm.Int64` and `Edm.Decimal` values are being written as strings.
    static AS_STRINGS: Cell<bool> = const { Cell::new(false) };
    /// Whether any such value was written since the flag was last cleared.
    static WRITTEN: Cell<bool> = const { Cell::new(false) };
}

/// Called by the serializers of `Edm.Int64` and `Edm.Decimal` values: whether to
/// write them as strings now. Records that one was written.
pub(crate) fn numbers_as_strings() -> bool {
    WRITTEN.set(true);
    AS_STRINGS.get()
}

/// Runs `write` with `Edm.Int64` and `Edm.Decimal` values written as strings.
pub(crate) fn with_numbers_as_strings<R>(write: impl FnOnce() -> R) -> R {
    let before = AS_STRINGS.replace(true);
    let result = write();
    AS_STRINGS.set(before);
    result
}

/// Of a value serialized by [`to_json_both`], the form to write now.
pub(crate) fn form<'a, T>(plain: &'a T, as_strings: Option<&'a T>) -> &'a T {
    match as_strings {
        Some(as_strings) if numbers_as_strings() => as_strings,
        _ => plain,
    }
}

/// Serializes `body` as JSON, and, if it holds an `Edm.Int64` or `Edm.Decimal`,
/// also in the form `IEEE754Compatible=true` asks for.
pub(crate) fn to_json_both<B: Serialize + ?Sized>(
    body: &B,
) -> Result<(Vec<u8>, Option<Vec<u8>>), serde_json::Error> {
    let written_before = WRITTEN.replace(false);
    let plain = serde_json::to_vec(body);
    let holds_numbers = WRITTEN.replace(written_before);
    let plain = plain?;
    let as_strings = if holds_numbers {
        Some(with_numbers_as_strings(|| serde_json::to_vec(body))?)
    } else {
        None
    };
    Ok((plain, as_strings))
}

/// `#[serde(with = "rt::int64")]`: an `Edm.Int64` property (`i64`, or an `Option`,
/// [`Field`] or `Vec` of them) read from a JSON number or string, and written as a
/// number, or as a string for a request that asks for `IEEE754Compatible=true`.
pub mod int64 {
    use super::{Deserializer, Int64Value, Serializer};

    /// Writes the value as its request asks.
    pub fn serialize<T: Int64Value, S: Serializer>(
        value: &T,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        value.serialize_int64(serializer)
    }

    /// Reads the value from numbers or strings.
    pub fn deserialize<'de, T: Int64Value, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<T, D::Error> {
        T::deserialize_int64(deserializer)
    }
}

/// The shapes an `Edm.Int64` property takes in a generated struct; see [`int64`].
pub trait Int64Value: Sized {
    fn serialize_int64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error>;
    fn deserialize_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error>;
}

/// One `Edm.Int64` on the wire.
struct Int64(i64);

impl Serialize for Int64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if numbers_as_strings() {
            serializer.collect_str(&self.0)
        } else {
            serializer.serialize_i64(self.0)
        }
    }
}

impl<'de> Deserialize<'de> for Int64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(Int64Visitor)
    }
}

struct Int64Visitor;

impl Visitor<'_> for Int64Visitor {
    type Value = Int64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.Int64 as a JSON number or string")
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Int64, E> {
        Ok(Int64(value))
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Int64, E> {
        i64::try_from(value)
            .map(Int64)
            .map_err(|_| E::custom(format!("{value} is out of range for Edm.Int64")))
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Int64, E> {
        text.parse()
            .map(Int64)
            .map_err(|_| E::custom(format!("invalid Edm.Int64 value {text:?}")))
    }
}

impl Int64Value for i64 {
    fn serialize_int64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Int64(*self).serialize(serializer)
    }
    fn deserialize_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Int64::deserialize(deserializer).map(|n| n.0)
    }
}

impl Int64Value for Vec<i64> {
    fn serialize_int64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.iter().map(|n| Int64(*n)))
    }
    fn deserialize_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<Int64>::deserialize(deserializer).map(|v| v.into_iter().map(|n| n.0).collect())
    }
}

/// Writes through `T`'s own form; used inside `Option` and `Field`.
struct Wire<'a, T>(&'a T);

impl<T: Int64Value> Serialize for Wire<'_, T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize_int64(serializer)
    }
}

/// Reads through `T`'s own form; used inside `Option` and `Field`, and by
/// [`next_int64`](crate::next_int64).
pub(crate) struct Read<T>(pub(crate) T);

impl<'de, T: Int64Value> Deserialize<'de> for Read<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        T::deserialize_int64(deserializer).map(Read)
    }
}

impl<T: Int64Value> Int64Value for Option<T> {
    fn serialize_int64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_ref().map(Wire).serialize(serializer)
    }
    fn deserialize_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Option::<Read<T>>::deserialize(deserializer).map(|v| v.map(|r| r.0))
    }
}

impl<T: Int64Value> Int64Value for Field<T> {
    fn serialize_int64<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.as_ref().map(Wire).serialize(serializer)
    }
    fn deserialize_int64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Field::<Read<T>>::deserialize(deserializer).map(|v| v.map(|r| r.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Default, PartialEq, Serialize, Deserialize)]
    struct Row {
        #[serde(with = "int64", default)]
        plain: i64,
        #[serde(with = "int64", default, skip_serializing_if = "Field::is_absent")]
        field: Field<i64>,
        #[serde(with = "int64", default, skip_serializing_if = "Option::is_none")]
        list: Option<Vec<i64>>,
    }

    #[test]
    fn reads_numbers_and_strings() {
        let row: Row =
            serde_json::from_str(r#"{"plain":"9007199254740993","field":-2,"list":["1",2]}"#)
                .unwrap();
        assert_eq!(row.plain, 9_007_199_254_740_993);
        assert_eq!(row.field, Field::Value(-2));
        assert_eq!(row.list, Some(vec![1, 2]));
        let null: Row = serde_json::from_str(r#"{"field":null}"#).unwrap();
        assert_eq!(null.field, Field::Null);
        assert!(serde_json::from_str::<Row>(r#"{"plain":"1.5"}"#).is_err());
        assert!(serde_json::from_str::<Row>(r#"{"plain":18446744073709551615}"#).is_err());
    }

    #[test]
    fn writes_numbers_unless_strings_are_asked_for() {
        let row = Row {
            plain: 9_007_199_254_740_993,
            field: Field::Value(3),
            list: Some(vec![4]),
        };
        let (plain, strings) = to_json_both(&row).unwrap();
        assert_eq!(
            String::from_utf8(plain).unwrap(),
            r#"{"plain":9007199254740993,"field":3,"list":[4]}"#
        );
        assert_eq!(
            String::from_utf8(strings.unwrap()).unwrap(),
            r#"{"plain":"9007199254740993","field":"3","list":["4"]}"#
        );
        let (_, none) = to_json_both(&serde_json::json!({"n": 1})).unwrap();
        assert!(
            none.is_none(),
            "a body without Int64 or Decimal has one form"
        );
    }
}
