//! `Edm.DateTimeOffset`, `Edm.Date` and `Edm.TimeOfDay`.
//!
//! Services write the same instant in many ways (`Z` or `+00:00`, 0 to 9 fractional
//! digits, trailing zeros). These types keep the parsed value *and* how it was
//! written, so a value read from a response is written back unchanged: a round trip
//! through a client never rewrites data it did not touch.

use std::borrow::Cow;
use std::fmt::{self, Write as _};
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{OffsetDateTime, UtcOffset};

use super::{ValueError, string_serde};

/// Most fractional-second digits accepted: nanosecond precision.
const MAX_FRACTION_DIGITS: u8 = 9;

/// How the time-of-day part was written: `hh:mm`, `hh:mm:ss` or `hh:mm:ss.fff…`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
struct TimeText {
    seconds: bool,
    fraction_digits: u8,
}

impl TimeText {
    /// The shortest text that states `time` exactly.
    fn exact(time: time::Time) -> Self {
        let mut nanos = time.nanosecond();
        let mut fraction_digits = 0;
        if nanos != 0 {
            fraction_digits = MAX_FRACTION_DIGITS;
            while nanos % 10 == 0 {
                nanos /= 10;
                fraction_digits -= 1;
            }
        }
        Self {
            seconds: true,
            fraction_digits,
        }
    }

    /// Reads the shape of `hh:mm[:ss[.f…]]` at the start of `text`, returning it and
    /// its length in bytes. Digits are left for `time` to validate.
    fn scan(text: &str) -> Result<(Self, usize), &'static str> {
        let bytes = text.as_bytes();
        if bytes.get(2) != Some(&b':') {
            return Err("expected hh:mm");
        }
        if bytes.get(5) != Some(&b':') {
            return Ok((
                Self {
                    seconds: false,
                    fraction_digits: 0,
                },
                5,
            ));
        }
        if bytes.get(8) != Some(&b'.') {
            return Ok((
                Self {
                    seconds: true,
                    fraction_digits: 0,
                },
                8,
            ));
        }
        let digits = bytes
            .get(9..)
            .unwrap_or_default()
            .iter()
            .take_while(|b| b.is_ascii_digit())
            .count();
        match u8::try_from(digits) {
            Ok(0) => Err("expected digits after '.'"),
            Ok(fraction_digits) if fraction_digits <= MAX_FRACTION_DIGITS => Ok((
                Self {
                    seconds: true,
                    fraction_digits,
                },
                9 + digits,
            )),
            _ => Err("more than 9 fractional digits"),
        }
    }

    fn write(self, f: &mut fmt::Formatter<'_>, time: time::Time) -> fmt::Result {
        write!(f, "{:02}:{:02}", time.hour(), time.minute())?;
        if self.seconds {
            write!(f, ":{:02}", time.second())?;
        }
        if self.fraction_digits > 0 {
            let width = usize::from(self.fraction_digits);
            let divisor = 10_u32.pow(u32::from(
                MAX_FRACTION_DIGITS.saturating_sub(self.fraction_digits),
            ));
            write!(f, ".{:0width$}", time.nanosecond() / divisor)?;
        }
        Ok(())
    }
}

/// Writes `yyyy-mm-dd`, with a leading `-` for years before 1 BC (as OData allows).
fn write_date(f: &mut fmt::Formatter<'_>, date: time::Date) -> fmt::Result {
    let year = date.year();
    if year < 0 {
        f.write_char('-')?;
    }
    write!(
        f,
        "{:04}-{:02}-{:02}",
        year.unsigned_abs(),
        u8::from(date.month()),
        date.day()
    )
}

/// How the offset of a [`DateTimeOffset`] was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum OffsetText {
    /// `Z`
    Zulu,
    /// `+hh:mm` or `-hh:mm`
    Numeric,
    /// `-00:00`: RFC 3339's "UTC, local offset unknown".
    UnknownLocal,
}

/// An `Edm.DateTimeOffset`: a point in time with the offset it was written in.
///
/// Reading accepts RFC 3339 text (`2017-01-01T00:03:19.2710393+03:00`) with 0 to 9
/// fractional digits, lowercase `t`/`z`, and OData's optional seconds
/// (`2017-01-01T00:03Z`). Writing reproduces the text that was read, digit for
/// digit (`T` and `Z` in upper case). A leap second (`:60`) reads as the last
/// nanosecond of the preceding second.
///
/// Equality and hashing compare the written form: the same instant written with
/// another offset or precision is a different value. Compare [`value`](Self::value)s
/// to compare instants.
///
/// ```
/// use odata_codegen_runtime::DateTimeOffset;
///
/// let text = "2017-01-01T00:03:19.2710393+03:00";
/// let parsed: DateTimeOffset = text.parse().unwrap();
/// assert_eq!(parsed.to_string(), text);
/// assert_eq!(parsed.value().offset().whole_hours(), 3);
/// ```
#[derive(Clone, Copy, Debug)]
pub struct DateTimeOffset {
    value: OffsetDateTime,
    time_text: TimeText,
    offset_text: OffsetText,
}

impl DateTimeOffset {
    /// Wraps a value, to be written with as many fractional digits as it needs
    /// and `Z` for UTC.
    ///
    /// RFC 3339 cannot write an offset with seconds; such a value is converted to UTC.
    pub fn new(value: OffsetDateTime) -> Self {
        let value = if value.offset().seconds_past_minute() == 0 {
            value
        } else {
            value.checked_to_offset(UtcOffset::UTC).unwrap_or(value)
        };
        let offset_text = if value.offset().is_utc() {
            OffsetText::Zulu
        } else {
            OffsetText::Numeric
        };
        Self {
            value,
            time_text: TimeText::exact(value.time()),
            offset_text,
        }
    }

    /// The point in time, with its offset.
    pub fn value(&self) -> OffsetDateTime {
        self.value
    }

    fn key(&self) -> (OffsetDateTime, UtcOffset, TimeText, OffsetText) {
        (
            self.value,
            self.value.offset(),
            self.time_text,
            self.offset_text,
        )
    }
}

impl From<OffsetDateTime> for DateTimeOffset {
    fn from(value: OffsetDateTime) -> Self {
        Self::new(value)
    }
}

impl PartialEq for DateTimeOffset {
    fn eq(&self, other: &Self) -> bool {
        self.key() == other.key()
    }
}

impl Eq for DateTimeOffset {}

impl Hash for DateTimeOffset {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.key().hash(state);
    }
}

impl fmt::Display for DateTimeOffset {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.value.date())?;
        f.write_char('T')?;
        self.time_text.write(f, self.value.time())?;
        match self.offset_text {
            OffsetText::Zulu => f.write_char('Z'),
            OffsetText::UnknownLocal => f.write_str("-00:00"),
            OffsetText::Numeric => {
                let offset = self.value.offset();
                let sign = if offset.is_negative() { '-' } else { '+' };
                write!(
                    f,
                    "{sign}{:02}:{:02}",
                    offset.whole_hours().unsigned_abs(),
                    offset.minutes_past_hour().unsigned_abs()
                )
            }
        }
    }
}

impl FromStr for DateTimeOffset {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const TYPE: &str = "Edm.DateTimeOffset";
        let error = |reason| ValueError::new(TYPE, text, reason);

        if !matches!(text.as_bytes().get(10), Some(b'T' | b't')) {
            return Err(error("expected yyyy-mm-ddThh:mm"));
        }
        let (date, time_and_offset) = text
            .split_at_checked(11)
            .ok_or_else(|| error("expected yyyy-mm-ddThh:mm"))?;
        let (time_text, time_len) = TimeText::scan(time_and_offset).map_err(error)?;
        let (time, offset) = time_and_offset
            .split_at_checked(time_len)
            .ok_or_else(|| error("expected hh:mm"))?;
        let offset_text = match offset {
            "Z" | "z" => OffsetText::Zulu,
            "-00:00" => OffsetText::UnknownLocal,
            _ => OffsetText::Numeric,
        };
        // RFC 3339 requires seconds; OData does not.
        let full: Cow<'_, str> = if time_text.seconds {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{date}{time}:00{offset}"))
        };
        let value =
            OffsetDateTime::parse(&full, &Rfc3339).map_err(|e| ValueError::new(TYPE, text, e))?;
        Ok(Self {
            value,
            time_text,
            offset_text,
        })
    }
}

string_serde!(DateTimeOffset, "an Edm.DateTimeOffset string");

/// An `Edm.Date`: a calendar date without time or offset, written `yyyy-mm-dd`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Date(time::Date);

impl Date {
    /// Wraps a date.
    pub fn new(value: time::Date) -> Self {
        Self(value)
    }

    /// The calendar date.
    pub fn value(&self) -> time::Date {
        self.0
    }
}

impl From<time::Date> for Date {
    fn from(value: time::Date) -> Self {
        Self(value)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_date(f, self.0)
    }
}

impl FromStr for Date {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        time::Date::parse(text, format_description!("[year]-[month]-[day]"))
            .map(Self)
            .map_err(|error| ValueError::new("Edm.Date", text, error))
    }
}

string_serde!(Date, "an Edm.Date string");

/// An `Edm.TimeOfDay`: a clock time without date or offset, e.g. `13:20:00` or
/// `08:00:00.0000000`, written back exactly as read (seconds and fractional digits kept).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TimeOfDay {
    value: time::Time,
    text: TimeText,
}

impl TimeOfDay {
    /// Wraps a time, to be written with seconds and as many fractional digits as it needs.
    pub fn new(value: time::Time) -> Self {
        Self {
            value,
            text: TimeText::exact(value),
        }
    }

    /// The clock time.
    pub fn value(&self) -> time::Time {
        self.value
    }
}

impl From<time::Time> for TimeOfDay {
    fn from(value: time::Time) -> Self {
        Self::new(value)
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.text.write(f, self.value)
    }
}

impl FromStr for TimeOfDay {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        const TYPE: &str = "Edm.TimeOfDay";
        let (time_text, len) = TimeText::scan(text).map_err(|e| ValueError::new(TYPE, text, e))?;
        if len != text.len() {
            return Err(ValueError::new(
                TYPE,
                text,
                "unexpected text after the time",
            ));
        }
        let full: Cow<'_, str> = if time_text.seconds {
            Cow::Borrowed(text)
        } else {
            Cow::Owned(format!("{text}:00"))
        };
        let value = time::Time::parse(
            &full,
            format_description!("[hour]:[minute]:[second][optional [.[subsecond]]]"),
        )
        .map_err(|error| ValueError::new(TYPE, text, error))?;
        Ok(Self {
            value,
            text: time_text,
        })
    }
}

string_serde!(TimeOfDay, "an Edm.TimeOfDay string");

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(text: &str)
    where
        T: FromStr<Err = ValueError>
            + fmt::Display
            + serde::Serialize
            + serde::de::DeserializeOwned,
    {
        let parsed: T = text.parse().unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(parsed.to_string(), text);
        let json = serde_json::to_string(&parsed).unwrap();
        assert_eq!(json, format!("\"{text}\""));
        let back: T = serde_json::from_str(&json).unwrap();
        assert_eq!(back.to_string(), text);
    }

    #[test]
    fn date_time_offset_round_trips_exact_text() {
        for text in [
            "2017-01-01T00:03:19.2710393+03:00",
            "2017-01-01T00:03:19.2710393Z",
            "2017-01-01T00:03:19.1000000Z",
            "2017-01-01T00:03:19Z",
            "2017-01-01T00:03:19.5-05:30",
            "2017-01-01T00:03:19.123456789+14:00",
            "2017-01-01T00:03:19-00:00",
            "2017-01-01T00:03Z",
            "0001-01-01T00:00:00Z",
            "9999-12-31T23:59:59.9999999Z",
        ] {
            round_trip::<DateTimeOffset>(text);
        }
    }

    #[test]
    fn date_time_offset_value_is_correct() {
        let parsed: DateTimeOffset = "2017-01-01T00:03:19.2710393+03:00".parse().unwrap();
        let value = parsed.value();
        assert_eq!(value.unix_timestamp(), 1_483_218_199);
        assert_eq!(value.nanosecond(), 271_039_300);
        assert_eq!(value.offset().whole_hours(), 3);
    }

    #[test]
    fn date_time_offset_lowercase_is_accepted_and_written_uppercase() {
        let parsed: DateTimeOffset = "2017-01-01t00:03:19z".parse().unwrap();
        assert_eq!(parsed.to_string(), "2017-01-01T00:03:19Z");
    }

    #[test]
    fn date_time_offset_equality_is_textual() {
        let a: DateTimeOffset = "2017-01-01T03:00:00+03:00".parse().unwrap();
        let b: DateTimeOffset = "2017-01-01T00:00:00Z".parse().unwrap();
        let c: DateTimeOffset = "2017-01-01T00:00:00.0Z".parse().unwrap();
        assert_eq!(a.value(), b.value());
        assert_ne!(a, b);
        assert_ne!(b, c);
        assert_eq!(b, "2017-01-01T00:00:00Z".parse().unwrap());
    }

    #[test]
    fn date_time_offset_from_value_is_minimal() {
        let value = time::macros::datetime!(2020-02-03 04:05:06.25 +02:00);
        assert_eq!(
            DateTimeOffset::from(value).to_string(),
            "2020-02-03T04:05:06.25+02:00"
        );
        let utc = time::macros::datetime!(2020-02-03 04:05:06 UTC);
        assert_eq!(DateTimeOffset::new(utc).to_string(), "2020-02-03T04:05:06Z");
        let odd = time::macros::datetime!(2020-02-03 04:05:06 +01:00:30);
        assert_eq!(DateTimeOffset::new(odd).to_string(), "2020-02-03T03:04:36Z");
    }

    #[test]
    fn date_time_offset_rejects_garbage() {
        for text in [
            "",
            "2017",
            "2017-01-01",
            "2017-01-01T",
            "2017-01-01 00:03:19Z",
            "2017-01-01T00:03:19",
            "2017-01-01T00:03:19.Z",
            "2017-01-01T00:03:19.1234567890Z",
            "2017-13-01T00:03:19Z",
            "2017-02-30T00:03:19Z",
            "2017-01-01T24:00:00Z",
            "2017-01-01T00:03:19+24:00",
            "2017-01-01T00:03:19Zjunk",
            "2017-01-01T00:03:19.12é",
            "2017-01-01Té0:03:19Z",
            "éééééééééééééééé",
            "2017-01-01T0",
        ] {
            let error = text.parse::<DateTimeOffset>().unwrap_err();
            assert_eq!(error.type_name(), "Edm.DateTimeOffset");
        }
        assert!(serde_json::from_str::<DateTimeOffset>("\"nope\"").is_err());
        assert!(serde_json::from_str::<DateTimeOffset>("12").is_err());
    }

    #[test]
    fn date_round_trips_and_rejects() {
        round_trip::<Date>("2021-07-01");
        round_trip::<Date>("0001-01-01");
        for text in [
            "2021-7-1",
            "21-07-01",
            "2021-02-29",
            "2021-07-01T00:00:00Z",
            "",
        ] {
            assert!(text.parse::<Date>().is_err(), "{text}");
        }
        let date = Date::new(time::macros::date!(2021 - 07 - 01));
        assert_eq!(date.value(), time::macros::date!(2021 - 07 - 01));
        assert_eq!(Date::from(date.value()), date);
    }

    #[test]
    fn time_of_day_round_trips_and_rejects() {
        for text in [
            "13:20:00",
            "13:20",
            "08:00:00.0000000",
            "23:59:59.999999999",
            "00:00:00.5",
        ] {
            round_trip::<TimeOfDay>(text);
        }
        for text in [
            "1:00",
            "24:00:00",
            "13:60",
            "13:20:00.",
            "13:20:00.1234567891",
            "13:20:00Z",
            "",
            "é",
        ] {
            assert!(text.parse::<TimeOfDay>().is_err(), "{text}");
        }
        let time = time::macros::time!(13:20:00.125);
        assert_eq!(TimeOfDay::new(time).to_string(), "13:20:00.125");
        assert_eq!(TimeOfDay::from(time).value(), time);
    }
}
