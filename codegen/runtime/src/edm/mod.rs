//! OData primitive types whose JSON form needs more care than a plain Rust type gives.

mod binary;
mod datetime;
mod decimal;
mod duration;
mod float;

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

pub use binary::Binary;
pub use datetime::{Date, DateTimeOffset, TimeOfDay};
pub use decimal::Decimal;
pub use duration::Duration;
pub use float::{Double, Single};

/// Text that is not a valid value of an OData primitive type.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("invalid {type_name} value {input:?}: {reason}")]
pub struct ValueError {
    type_name: &'static str,
    input: String,
    reason: String,
}

/// How much of a rejected input an error repeats: enough to recognise it, bounded
/// so that a huge value cannot bloat error messages.
const INPUT_EXCERPT_CHARS: usize = 64;

impl ValueError {
    pub(crate) fn new(type_name: &'static str, input: &str, reason: impl fmt::Display) -> Self {
        Self {
            type_name,
            input: input.chars().take(INPUT_EXCERPT_CHARS).collect(),
            reason: reason.to_string(),
        }
    }

    /// The OData type the text was meant to be, e.g. `Edm.DateTimeOffset`.
    pub fn type_name(&self) -> &'static str {
        self.type_name
    }
}

/// Deserializes a JSON string through `T`'s `FromStr`, naming `expecting` in errors.
pub(crate) fn deserialize_from_str<'de, T, D>(
    deserializer: D,
    expecting: &'static str,
) -> Result<T, D::Error>
where
    T: FromStr,
    T::Err: fmt::Display,
    D: serde::Deserializer<'de>,
{
    struct Visitor<T>(&'static str, PhantomData<T>);

    impl<T> serde::de::Visitor<'_> for Visitor<T>
    where
        T: FromStr,
        T::Err: fmt::Display,
    {
        type Value = T;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str(self.0)
        }

        fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<T, E> {
            value.parse().map_err(E::custom)
        }
    }

    deserializer.deserialize_str(Visitor(expecting, PhantomData))
}

/// Implements `Serialize` (through `Display`) and `Deserialize` (through `FromStr`)
/// for a type whose JSON form is a string.
macro_rules! string_serde {
    ($type:ty, $expecting:literal) => {
        impl serde::Serialize for $type {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::edm::deserialize_from_str(deserializer, $expecting)
            }
        }
    };
}
use string_serde;
