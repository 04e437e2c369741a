//! Enumerations that keep working when the service adds members.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// An OData enumeration type, read and written by member name.
///
/// Services add members over time (Graph even reserves `unknownFutureValue` for
/// that), so generated enums have a catch-all variant holding any name they do not
/// know: [`from_wire`](Self::from_wire) never fails and [`to_wire`](Self::to_wire)
/// gives the unknown name back unchanged.
///
/// ```
/// use odata_codegen_runtime::ODataEnum;
///
/// #[derive(Debug, PartialEq)]
/// enum Color { Red, Other(String) }
///
/// impl ODataEnum for Color {
///     fn from_wire(s: &str) -> Self {
///         match s { "red" => Color::Red, other => Color::Other(other.to_owned()) }
///     }
///     fn to_wire(&self) -> &str {
///         match self { Color::Red => "red", Color::Other(s) => s }
///     }
/// }
///
/// assert_eq!(Color::from_wire("teal").to_wire(), "teal");
/// ```
pub trait ODataEnum: Sized {
    /// The member named `s`, or the catch-all holding `s`.
    fn from_wire(s: &str) -> Self;

    /// The member name as the service writes it.
    fn to_wire(&self) -> &str;
}

/// Writes an [`ODataEnum`] as its member name; for use in `Serialize` impls.
pub fn serialize_enum<E: ODataEnum, S: Serializer>(value: &E, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(value.to_wire())
}

/// Reads an [`ODataEnum`] from its member name; for use in `Deserialize` impls.
/// Any string is accepted; only a non-string is an error.
pub fn deserialize_enum<'de, E: ODataEnum, D: Deserializer<'de>>(d: D) -> Result<E, D::Error> {
    struct Visitor<E>(std::marker::PhantomData<E>);

    impl<E: ODataEnum> serde::de::Visitor<'_> for Visitor<E> {
        type Value = E;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an enumeration member name")
        }

        fn visit_str<Err: serde::de::Error>(self, value: &str) -> Result<E, Err> {
            Ok(E::from_wire(value))
        }
    }

    d.deserialize_str(Visitor(std::marker::PhantomData))
}

/// The value of a flags enumeration (CSDL `IsFlags="true"`): a set of members,
/// written as a comma-separated list of names such as `"read,write"`.
///
/// Members keep the order they were read or inserted in, so text read from the
/// service is written back the same; a repeated member is kept once. Whitespace
/// around names is ignored when reading. Equality ignores order, as for any set.
#[derive(Clone, Debug)]
pub struct Flags<E> {
    members: Vec<E>,
}

impl<E> Flags<E> {
    /// The empty set, written as `""`.
    pub fn new() -> Self {
        Self {
            members: Vec::new(),
        }
    }

    /// How many members are set.
    pub fn len(&self) -> usize {
        self.members.len()
    }

    /// Whether no member is set.
    pub fn is_empty(&self) -> bool {
        self.members.is_empty()
    }

    /// The members, in order.
    pub fn iter(&self) -> std::slice::Iter<'_, E> {
        self.members.iter()
    }
}

impl<E: PartialEq> Flags<E> {
    /// Whether `member` is set.
    pub fn contains(&self, member: &E) -> bool {
        self.members.contains(member)
    }

    /// Sets `member`; returns `false` if it was already set.
    pub fn insert(&mut self, member: E) -> bool {
        if self.contains(&member) {
            return false;
        }
        self.members.push(member);
        true
    }
}

impl<E> Default for Flags<E> {
    fn default() -> Self {
        Self::new()
    }
}

impl<E: PartialEq> PartialEq for Flags<E> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().all(|member| other.contains(member))
    }
}

impl<E: Eq> Eq for Flags<E> {}

impl<E: PartialEq> FromIterator<E> for Flags<E> {
    fn from_iter<I: IntoIterator<Item = E>>(iter: I) -> Self {
        let mut flags = Self::new();
        flags.extend(iter);
        flags
    }
}

impl<E: PartialEq> Extend<E> for Flags<E> {
    fn extend<I: IntoIterator<Item = E>>(&mut self, iter: I) {
        for member in iter {
            self.insert(member);
        }
    }
}

impl<E> IntoIterator for Flags<E> {
    type Item = E;
    type IntoIter = std::vec::IntoIter<E>;

    fn into_iter(self) -> Self::IntoIter {
        self.members.into_iter()
    }
}

impl<'a, E> IntoIterator for &'a Flags<E> {
    type Item = &'a E;
    type IntoIter = std::slice::Iter<'a, E>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<E: ODataEnum> fmt::Display for Flags<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, member) in self.members.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(member.to_wire())?;
        }
        Ok(())
    }
}

impl<E: ODataEnum + PartialEq> FromStr for Flags<E> {
    type Err = Infallible;

    /// Reads `"a,b"`; unknown names land in the enum's catch-all, so this never fails.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        Ok(text
            .split(',')
            .map(str::trim)
            .filter(|name| !name.is_empty())
            .map(E::from_wire)
            .collect())
    }
}

impl<E: ODataEnum> Serialize for Flags<E> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de, E: ODataEnum + PartialEq> Deserialize<'de> for Flags<E> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        crate::edm::deserialize_from_str(deserializer, "a comma-separated list of member names")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Debug, PartialEq, Eq)]
    enum Access {
        Read,
        Write,
        Unknown(String),
    }

    impl ODataEnum for Access {
        fn from_wire(s: &str) -> Self {
            match s {
                "read" => Self::Read,
                "write" => Self::Write,
                other => Self::Unknown(other.to_owned()),
            }
        }

        fn to_wire(&self) -> &str {
            match self {
                Self::Read => "read",
                Self::Write => "write",
                Self::Unknown(other) => other,
            }
        }
    }

    impl Serialize for Access {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            serialize_enum(self, s)
        }
    }

    impl<'de> Deserialize<'de> for Access {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            deserialize_enum(d)
        }
    }

    #[test]
    fn known_and_unknown_members_round_trip() {
        let read: Access = serde_json::from_str("\"read\"").unwrap();
        assert_eq!(read, Access::Read);
        assert_eq!(serde_json::to_string(&read).unwrap(), "\"read\"");

        let future: Access = serde_json::from_str("\"unknownFutureValue\"").unwrap();
        assert_eq!(future, Access::Unknown("unknownFutureValue".to_owned()));
        assert_eq!(
            serde_json::to_string(&future).unwrap(),
            "\"unknownFutureValue\""
        );
        assert!(serde_json::from_str::<Access>("3").is_err());
    }

    #[test]
    fn flags_round_trip_in_order() {
        let flags: Flags<Access> = serde_json::from_str("\"write,read,execute\"").unwrap();
        assert_eq!(flags.len(), 3);
        assert!(flags.contains(&Access::Read));
        assert!(flags.contains(&Access::Unknown("execute".to_owned())));
        assert_eq!(
            serde_json::to_string(&flags).unwrap(),
            "\"write,read,execute\""
        );
        assert_eq!(
            flags.iter().map(ODataEnum::to_wire).collect::<Vec<_>>(),
            ["write", "read", "execute"]
        );
    }

    #[test]
    fn flags_set_semantics() {
        let a: Flags<Access> = "read, write,read".parse().unwrap();
        assert_eq!(a.to_string(), "read,write");
        let b: Flags<Access> = [Access::Write, Access::Read].into_iter().collect();
        assert_eq!(a, b);
        assert_ne!(a, Flags::from_iter([Access::Read]));

        let mut empty: Flags<Access> = serde_json::from_str("\"\"").unwrap();
        assert!(empty.is_empty());
        assert_eq!(empty.to_string(), "");
        assert!(empty.insert(Access::Read));
        assert!(!empty.insert(Access::Read));
        assert_eq!((&empty).into_iter().count(), 1);
        assert_eq!(empty.into_iter().collect::<Vec<_>>(), [Access::Read]);
        assert!(serde_json::from_str::<Flags<Access>>("1").is_err());
    }
}
