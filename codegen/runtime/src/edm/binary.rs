//! `Edm.Binary`.

use std::fmt;
use std::str::FromStr;

use base64::Engine as _;
use base64::engine::general_purpose::{
    STANDARD, STANDARD_PAD_INDIFFERENT, URL_SAFE_PAD_INDIFFERENT,
};

use super::{ValueError, string_serde};

/// An `Edm.Binary` value: bytes carried in JSON as base64 text.
///
/// OData specifies the URL-safe alphabet, but Microsoft Graph sends and expects
/// the standard one. Reading therefore accepts both alphabets, padded or not;
/// writing uses the standard alphabet with padding, as Graph does.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Binary(pub Vec<u8>);

impl Binary {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Takes the bytes.
    pub fn into_bytes(self) -> Vec<u8> {
        self.0
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Binary {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl fmt::Display for Binary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&STANDARD.encode(&self.0))
    }
}

impl FromStr for Binary {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        STANDARD_PAD_INDIFFERENT
            .decode(text)
            .or_else(|_| URL_SAFE_PAD_INDIFFERENT.decode(text))
            .map(Self)
            .map_err(|error| ValueError::new("Edm.Binary", text, error))
    }
}

string_serde!(Binary, "a base64 Edm.Binary string");

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_both_alphabets_padded_or_not() {
        let bytes = vec![0xfb, 0xff, 0xbf, 0x01];
        for text in ["+/+/AQ==", "+/+/AQ", "-_-_AQ==", "-_-_AQ"] {
            assert_eq!(text.parse::<Binary>().unwrap().0, bytes, "{text}");
        }
        assert_eq!("".parse::<Binary>().unwrap(), Binary::default());
    }

    #[test]
    fn writes_standard_padded() {
        let binary = Binary::from(&[0xfb, 0xff, 0xbf, 0x01][..]);
        assert_eq!(serde_json::to_string(&binary).unwrap(), r#""+/+/AQ==""#);
        let back: Binary = serde_json::from_str(r#""+/+/AQ==""#).unwrap();
        assert_eq!(back.as_bytes(), binary.as_bytes());
        assert_eq!(back.into_bytes(), vec![0xfb, 0xff, 0xbf, 0x01]);
    }

    #[test]
    fn rejects_invalid_text() {
        for text in ["+/-_AQ==", "A", "é", "AQ==AQ==", "AQ =", "AQ==="] {
            assert!(text.parse::<Binary>().is_err(), "{text}");
        }
        assert!(serde_json::from_str::<Binary>("[1,2]").is_err());
    }
}
