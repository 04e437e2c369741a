//! [`Record`]: how a generated struct is read from a JSON object.
//!
//! `#[derive(Deserialize)]` on a struct with a `#[serde(flatten)]` map writes a field
//! enum, two visitors and a local per property for every struct; over thousands of
//! structs that code is most of what a whole-service crate costs to compile. A
//! generated struct instead numbers its properties and says how to read each one,
//! and [`deserialize_record`] does the rest once for all of them, with the same
//! result: declared properties by wire name, each at most once, everything else kept
//! in `additional_data`, anything left out at its default.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::Deserializer;
use serde::de::{self, DeserializeSeed, MapAccess, Visitor};

use crate::ieee754::{Int64Value, Read};

/// A generated struct that [`deserialize_record`] reads from a JSON object.
pub trait Record: Sized {
    /// The wire names of the declared properties; a property's position here is the
    /// index [`read_property`](Record::read_property) is given for it.
    const PROPERTIES: &'static [&'static str];

    /// What the value was expected to be, for the error when it is not an object
    /// (`struct User`).
    const EXPECTING: &'static str;

    /// The value of an empty object: every property absent, and no `@odata.type`.
    fn empty() -> Self;

    /// Reads the value of the property `PROPERTIES[index]` from `map` into `self`.
    fn read_property<'de, A: MapAccess<'de>>(
        &mut self,
        index: usize,
        map: &mut A,
    ) -> Result<(), A::Error>;

    /// Where the properties the schema does not declare go.
    fn additional_data(&mut self) -> &mut BTreeMap<String, serde_json::Value>;
}

/// Reads a [`Record`] from a map: each declared property by its wire name (twice is
/// an error, as with serde's derive), any other property into `additional_data`.
pub fn deserialize_record<'de, T: Record, D: Deserializer<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(RecordVisitor(PhantomData))
}

/// Reads the next value of `map` as an `Edm.Int64` property (a number or a string);
/// the [`Record::read_property`] form of `#[serde(with = "rt::int64")]`.
pub fn next_int64<'de, T: Int64Value, A: MapAccess<'de>>(map: &mut A) -> Result<T, A::Error> {
    map.next_value::<Read<T>>().map(|read| read.0)
}

struct RecordVisitor<T>(PhantomData<T>);

impl<'de, T: Record> Visitor<'de> for RecordVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<T, A::Error> {
        let mut record = T::empty();
        let mut seen = vec![false; T::PROPERTIES.len()];
        while let Some(key) = map.next_key_seed(KeySeed(T::PROPERTIES))? {
            match key {
                Key::Declared(index) => {
                    match seen.get_mut(index) {
                        Some(seen) if *seen => {
                            let name = T::PROPERTIES.get(index).copied().unwrap_or_default();
                            return Err(de::Error::duplicate_field(name));
                        }
                        Some(seen) => *seen = true,
                        None => {}
                    }
                    record.read_property(index, &mut map)?;
                }
                Key::Other(name) => {
                    let value = map.next_value()?;
                    record.additional_data().insert(name, value);
                }
            }
        }
        Ok(record)
    }
}

/// A property name: the index of a declared one, or the name of another.
enum Key {
    Declared(usize),
    Other(String),
}

/// Reads a property name against the declared ones, allocating only for others.
struct KeySeed(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Key, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl Visitor<'_> for KeySeed {
    type Value = Key;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }

    fn visit_str<E: de::Error>(self, name: &str) -> Result<Key, E> {
        Ok(match self.0.iter().position(|declared| *declared == name) {
            Some(index) => Key::Declared(index),
            None => Key::Other(name.to_owned()),
        })
    }

    fn visit_string<E: de::Error>(self, name: String) -> Result<Key, E> {
        Ok(match self.0.iter().position(|declared| *declared == name) {
            Some(index) => Key::Declared(index),
            None => Key::Other(name),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Field;

    /// What the generator emits for a struct with a plain, a nullable, an `Edm.Int64`
    /// and a key property.
    #[derive(Debug, Default, PartialEq)]
    struct User {
        odata_type: Option<String>,
        id: String,
        display_name: Option<String>,
        nickname: Field<String>,
        quota: Option<i64>,
        additional_data: BTreeMap<String, serde_json::Value>,
    }

    impl<'de> serde::Deserialize<'de> for User {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            deserialize_record(deserializer)
        }
    }

    impl Record for User {
        const PROPERTIES: &'static [&'static str] =
            &["@odata.type", "id", "displayName", "nickname", "quota"];
        const EXPECTING: &'static str = "struct User";

        fn empty() -> Self {
            Self::default()
        }

        fn read_property<'de, A: MapAccess<'de>>(
            &mut self,
            index: usize,
            map: &mut A,
        ) -> Result<(), A::Error> {
            match index {
                0 => self.odata_type = map.next_value()?,
                1 => self.id = map.next_value()?,
                2 => self.display_name = map.next_value()?,
                3 => self.nickname = map.next_value()?,
                4 => self.quota = next_int64(map)?,
                _ => {}
            }
            Ok(())
        }

        fn additional_data(&mut self) -> &mut BTreeMap<String, serde_json::Value> {
            &mut self.additional_data
        }
    }

    fn read(json: &str) -> Result<User, serde_json::Error> {
        serde_json::from_str(json)
    }

    #[test]
    fn declared_properties_are_read_by_wire_name_and_others_are_kept() {
        let user = read(
            r##"{"@odata.type":"#ns.user","id":"7","displayName":"Ada","nickname":null,
                "quota":"9007199254740993","extra":[1,{"a":true}]}"##,
        )
        .unwrap();
        assert_eq!(user.odata_type.as_deref(), Some("#ns.user"));
        assert_eq!(user.id, "7");
        assert_eq!(user.display_name.as_deref(), Some("Ada"));
        assert_eq!(user.nickname, Field::Null);
        assert_eq!(user.quota, Some(9_007_199_254_740_993));
        assert_eq!(
            user.additional_data.get("extra"),
            Some(&serde_json::json!([1, {"a": true}]))
        );
    }

    #[test]
    fn left_out_properties_are_absent_and_the_same_from_a_json_value() {
        let user = read(r#"{"id":"7"}"#).unwrap();
        assert_eq!(
            user,
            User {
                id: "7".to_owned(),
                ..User::default()
            }
        );
        // Polymorphic unions read their variant from a `serde_json::Value`.
        let value = serde_json::json!({"id": "7", "nickname": "A", "other": 1});
        let user: User = serde_json::from_value(value).unwrap();
        assert_eq!(user.nickname, Field::Value("A".to_owned()));
        assert_eq!(
            user.additional_data.get("other"),
            Some(&serde_json::json!(1))
        );
    }

    #[test]
    fn a_declared_property_sent_twice_is_an_error_as_with_serde_derive() {
        let error = read(r#"{"id":"1","id":"2"}"#).unwrap_err();
        assert!(
            error.to_string().contains("duplicate field `id`"),
            "{error}"
        );
    }

    #[test]
    fn a_value_that_is_not_an_object_says_which_struct_was_expected() {
        let error = read("[1]").unwrap_err();
        assert!(
            error.to_string().contains("expected struct User"),
            "{error}"
        );
        let error = read(r#"{"displayName":5}"#).unwrap_err();
        assert!(error.to_string().contains("expected a string"), "{error}");
    }
}
