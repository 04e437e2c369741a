//! `Edm.Double` and `Edm.Single`.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// Implements a float newtype whose JSON form is a number, or one of the strings
/// `"INF"`, `"-INF"` and `"NaN"` that OData uses for values JSON numbers cannot hold.
macro_rules! ieee754 {
    ($name:ident, $float:ty, $edm:literal) => {
        #[doc = concat!("An `", $edm, "`: a JSON number, or `\"INF\"`, `\"-INF\"` or `\"NaN\"`.")]
        ///
        /// Plain JSON has no infinities or NaN, so OData writes them as strings. This
        /// newtype reads and writes both forms; numeric strings are accepted too.
        #[derive(Clone, Copy, Debug, Default, PartialEq, PartialOrd)]
        pub struct $name(pub $float);

        impl From<$float> for $name {
            fn from(value: $float) -> Self {
                Self(value)
            }
        }

        impl From<$name> for $float {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            /// Writes the number, or `INF`, `-INF` or `NaN`.
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                match special_text(self.0.to_f64()) {
                    Some(text) => f.write_str(text),
                    None => fmt::Display::fmt(&self.0, f),
                }
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                match special_text(self.0.to_f64()) {
                    Some(text) => serializer.serialize_str(text),
                    None => self.0.serialize(serializer),
                }
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                deserializer
                    .deserialize_any(FloatVisitor($edm))
                    .map(|value| Self(<$float as Float>::from_f64(value)))
            }
        }
    };
}

ieee754!(Double, f64, "Edm.Double");
ieee754!(Single, f32, "Edm.Single");

/// Conversions between the wrapped float and the `f64` that JSON readers produce.
trait Float: Copy {
    fn to_f64(self) -> f64;
    fn from_f64(value: f64) -> Self;
}

impl Float for f64 {
    fn to_f64(self) -> f64 {
        self
    }

    fn from_f64(value: f64) -> Self {
        value
    }
}

impl Float for f32 {
    fn to_f64(self) -> f64 {
        f64::from(self)
    }

    /// Rounds to the nearest `f32`: Edm.Single numbers were written from one.
    fn from_f64(value: f64) -> Self {
        value as f32
    }
}

fn special_text(value: f64) -> Option<&'static str> {
    if value.is_nan() {
        Some("NaN")
    } else if value == f64::INFINITY {
        Some("INF")
    } else if value == f64::NEG_INFINITY {
        Some("-INF")
    } else {
        None
    }
}

struct FloatVisitor(&'static str);

impl Visitor<'_> for FloatVisitor {
    type Value = f64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "an {} number or \"INF\", \"-INF\" or \"NaN\"", self.0)
    }

    fn visit_f64<E: de::Error>(self, value: f64) -> Result<f64, E> {
        Ok(value)
    }

    // Integers beyond 2^53 lose precision, as they would in any JSON reader.
    fn visit_i64<E: de::Error>(self, value: i64) -> Result<f64, E> {
        Ok(value as f64)
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<f64, E> {
        Ok(value as f64)
    }

    fn visit_str<E: de::Error>(self, value: &str) -> Result<f64, E> {
        match value {
            "INF" => Ok(f64::INFINITY),
            "-INF" => Ok(f64::NEG_INFINITY),
            "NaN" => Ok(f64::NAN),
            _ => value
                .parse::<f64>()
                .ok()
                .filter(|number| number.is_finite())
                .ok_or_else(|| E::invalid_value(de::Unexpected::Str(value), &self)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Field;

    #[test]
    fn numbers_and_special_values_round_trip() {
        for (json, value) in [
            ("1.5", 1.5),
            ("-2.0", -2.0),
            ("\"INF\"", f64::INFINITY),
            ("\"-INF\"", f64::NEG_INFINITY),
        ] {
            let parsed: Double = serde_json::from_str(json).unwrap();
            assert_eq!(parsed.0, value);
            assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
        }
        let nan: Double = serde_json::from_str("\"NaN\"").unwrap();
        assert!(nan.0.is_nan());
        assert_eq!(serde_json::to_string(&nan).unwrap(), "\"NaN\"");
        assert_eq!(serde_json::from_str::<Double>("3").unwrap(), Double(3.0));
        assert_eq!(serde_json::from_str::<Double>("-3").unwrap(), Double(-3.0));
        assert_eq!(
            serde_json::from_str::<Double>("\"2.5\"").unwrap(),
            Double(2.5)
        );
    }

    #[test]
    fn single_works_the_same() {
        let parsed: Single = serde_json::from_str("0.25").unwrap();
        assert_eq!(parsed, Single(0.25));
        assert_eq!(serde_json::to_string(&parsed).unwrap(), "0.25");
        let inf: Single = serde_json::from_str("\"-INF\"").unwrap();
        assert_eq!(f32::from(inf), f32::NEG_INFINITY);
        assert_eq!(inf.to_string(), "-INF");
        assert_eq!(Single::from(1.5).to_string(), "1.5");
    }

    #[test]
    fn rejects_other_values() {
        for json in [
            "\"inf\"",
            "\"Infinity\"",
            "\"nan\"",
            "\"x\"",
            "true",
            "null",
            "[]",
        ] {
            assert!(serde_json::from_str::<Double>(json).is_err(), "{json}");
        }
    }

    #[test]
    fn works_inside_field_and_option() {
        let field: Field<Double> = serde_json::from_str("\"NaN\"").unwrap();
        assert!(field.value().is_some_and(|d| d.0.is_nan()));
        let null: Field<Double> = serde_json::from_str("null").unwrap();
        assert!(null.is_null());
        let option: Option<Double> = serde_json::from_str("\"INF\"").unwrap();
        assert_eq!(option, Some(Double(f64::INFINITY)));
        assert_eq!(
            serde_json::to_string(&Field::Value(Double(f64::INFINITY))).unwrap(),
            "\"INF\""
        );
    }
}
