//! `Edm.Decimal`: exact decimal numbers, kept as the text the service wrote.

use std::fmt;
use std::str::FromStr;

use serde::de::{self, Visitor};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::ValueError;
use crate::ieee754;

/// An `Edm.Decimal`, exact at any precision: the digits are kept as written, never
/// rounded through `f64`. Serialized as a JSON number with exactly these digits,
/// or as a string when the request asks for `IEEE754Compatible=true`
/// ([`Operation::ieee754_compatible`](crate::Operation::ieee754_compatible)); read
/// from either form.
///
/// ```
/// use odata_codegen_runtime::Decimal;
///
/// let price: Decimal = "12345678901234567890.0123456789".parse()?;
/// assert_eq!(serde_json::to_string(&price).unwrap(), "12345678901234567890.0123456789");
/// let read: Decimal = serde_json::from_str(r#""54.05""#).unwrap();
/// assert_eq!(read.as_str(), "54.05");
/// # Ok::<(), odata_codegen_runtime::ValueError>(())
/// ```
///
/// Equality compares values: `1.50`, `1.5` and `15e-1` are equal, as services that
/// pad to their scale (`1.500000`) answer.
#[derive(Clone, Debug)]
pub struct Decimal(String);

const TYPE_NAME: &str = "Edm.Decimal";

impl Decimal {
    /// The decimal as OData writes it, e.g. `-12.50` or `1e-3`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The nearest `f64`, for arithmetic where exactness does not matter.
    pub fn to_f64(&self) -> f64 {
        // Checked on construction, so the text always parses.
        self.0.parse().unwrap_or(f64::NAN)
    }
}

impl Decimal {
    /// The value as (negative, significant digits without leading or trailing zeros,
    /// exponent of the last digit); zero is `(false, "", 0)`.
    fn normalized(&self) -> (bool, String, i64) {
        let text = self.0.as_str();
        let negative = text.starts_with('-');
        let unsigned = text.trim_start_matches(['-', '+']);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (
                &unsigned[..at],
                unsigned[at + 1..].parse::<i64>().unwrap_or(0),
            ),
            None => (unsigned, 0),
        };
        let (whole, fraction) = mantissa.split_once('.').unwrap_or((mantissa, ""));
        let digits = format!("{whole}{fraction}");
        let digits = digits.trim_start_matches('0');
        let trimmed = digits.trim_end_matches('0');
        if trimmed.is_empty() {
            return (false, String::new(), 0);
        }
        let exponent = exponent - fraction.len() as i64 + (digits.len() - trimmed.len()) as i64;
        (negative, trimmed.to_owned(), exponent)
    }
}

impl PartialEq for Decimal {
    fn eq(&self, other: &Self) -> bool {
        self.normalized() == other.normalized()
    }
}

impl Eq for Decimal {}

impl std::hash::Hash for Decimal {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.normalized().hash(state);
    }
}

impl FromStr for Decimal {
    type Err = ValueError;

    /// Accepts OData's decimal literal: an optional sign, digits with an optional
    /// fraction, and an optional exponent (`-1.5`, `12`, `3.0e-4`).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid = |reason: &str| ValueError::new(TYPE_NAME, text, reason);
        let unsigned = text.strip_prefix(['-', '+']).unwrap_or(text);
        let (mantissa, exponent) = match unsigned.find(['e', 'E']) {
            Some(at) => (&unsigned[..at], Some(&unsigned[at + 1..])),
            None => (unsigned, None),
        };
        let (whole, fraction) = match mantissa.split_once('.') {
            Some((whole, fraction)) => (whole, Some(fraction)),
            None => (mantissa, None),
        };
        let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits(whole) {
            return Err(invalid("expected digits before any `.`"));
        }
        if fraction.is_some_and(|f| !digits(f)) {
            return Err(invalid("expected digits after `.`"));
        }
        if let Some(exponent) = exponent {
            if !digits(exponent.strip_prefix(['-', '+']).unwrap_or(exponent)) {
                return Err(invalid("expected an exponent after `e`"));
            }
        }
        Ok(Self(text.to_owned()))
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

macro_rules! from_integer {
    ($($int:ty),*) => {$(
        impl From<$int> for Decimal {
            fn from(value: $int) -> Self {
                Self(value.to_string())
            }
        }
    )*};
}
from_integer!(i8, i16, i32, i64, i128, u8, u16, u32, u64, u128);

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if ieee754::numbers_as_strings() {
            return serializer.serialize_str(&self.0);
        }
        // A raw JSON number keeps every digit; `f64` would round past 17 of them.
        match serde_json::value::RawValue::from_string(self.0.clone()) {
            Ok(raw) => raw.serialize(serializer),
            Err(_) => serializer.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(DecimalVisitor)
    }
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an Edm.Decimal as a JSON number or string")
    }

    fn visit_str<E: de::Error>(self, text: &str) -> Result<Decimal, E> {
        text.parse().map_err(E::custom)
    }

    fn visit_i64<E: de::Error>(self, value: i64) -> Result<Decimal, E> {
        Ok(value.into())
    }

    fn visit_u64<E: de::Error>(self, value: u64) -> Result<Decimal, E> {
        Ok(value.into())
    }

    /// A JSON number with a fraction, read as `f64` by the JSON reader: its shortest
    /// text that reads back the same. Exact up to 15 significant digits; ask for
    /// `IEEE754Compatible=true` to read longer decimals exactly.
    fn visit_f64<E: de::Error>(self, value: f64) -> Result<Decimal, E> {
        if !value.is_finite() {
            return Err(E::custom("an Edm.Decimal is finite"));
        }
        Ok(Decimal(value.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_every_digit_both_ways() {
        let text = "12345678901234567890.0123456789";
        let decimal: Decimal = text.parse().unwrap();
        assert_eq!(serde_json::to_string(&decimal).unwrap(), text);
        let from_string: Decimal = serde_json::from_str(&format!("\"{text}\"")).unwrap();
        assert_eq!(from_string, decimal);
        let as_string = ieee754::with_numbers_as_strings(|| serde_json::to_string(&decimal));
        assert_eq!(as_string.unwrap(), format!("\"{text}\""));
    }

    #[test]
    fn reads_json_numbers() {
        let read = |json: &str| serde_json::from_str::<Decimal>(json).unwrap();
        assert_eq!(read("54.05").as_str(), "54.05");
        assert_eq!(read("-7").as_str(), "-7");
        assert_eq!(
            read("18446744073709551615").as_str(),
            "18446744073709551615"
        );
        assert!((read("0.5").to_f64() - 0.5).abs() < f64::EPSILON);
    }

    #[test]
    fn equal_values_are_equal_however_written() {
        let d = |text: &str| text.parse::<Decimal>().unwrap();
        assert_eq!(d("1.5"), d("1.500000"));
        assert_eq!(d("15e-1"), d("+1.5"));
        assert_eq!(d("0"), d("-0.000"));
        assert_eq!(d("1200"), d("12E2"));
        assert_ne!(d("1.5"), d("-1.5"));
        assert_ne!(d("1.5"), d("1.05"));
        assert_ne!(d("12345678901234567890.1"), d("12345678901234567890.2"));
    }

    #[test]
    fn rejects_what_is_not_a_decimal() {
        for text in [
            "", "-", "1.", ".5", "1e", "1.2.3", "NaN", "INF", "0x10", "1 ", "١",
        ] {
            assert!(text.parse::<Decimal>().is_err(), "{text:?}");
            let json = serde_json::to_string(text).unwrap();
            assert!(serde_json::from_str::<Decimal>(&json).is_err(), "{text:?}");
        }
        for text in ["0", "-1.50", "+2", "3.0e-4", "1E+10"] {
            assert_eq!(text.parse::<Decimal>().unwrap().as_str(), text);
        }
    }
}
