//! `Edm.Duration`.

use std::fmt::{self, Write as _};
use std::str::FromStr;

use super::{ValueError, string_serde};

const TYPE: &str = "Edm.Duration";
const SECONDS_PER_MINUTE: u64 = 60;
const SECONDS_PER_HOUR: u64 = 60 * SECONDS_PER_MINUTE;
const SECONDS_PER_DAY: u64 = 24 * SECONDS_PER_HOUR;

/// An `Edm.Duration`: a signed length of time in ISO 8601 form, e.g. `P1DT2H3M4.5S`
/// or `-PT1S`.
///
/// OData allows days, hours, minutes and seconds only: years and months have no
/// fixed length and are rejected. The text that was read is kept and written back
/// unchanged; [`magnitude`](Self::magnitude) and [`is_negative`](Self::is_negative)
/// give its value. Seconds may have up to 9 fractional digits.
///
/// ```
/// use odata_codegen_runtime::Duration;
///
/// let d: Duration = "-PT1M30.5S".parse().unwrap();
/// assert!(d.is_negative());
/// assert_eq!(d.magnitude(), std::time::Duration::from_millis(90_500));
/// assert_eq!(d.to_string(), "-PT1M30.5S");
/// ```
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Duration {
    text: String,
    negative: bool,
    magnitude: std::time::Duration,
}

impl Duration {
    /// A duration of `magnitude`, negative if `negative` is set, written in the
    /// shortest form (`P1DT2H`, `PT0.25S`, `PT0S` for zero).
    pub fn new(negative: bool, magnitude: std::time::Duration) -> Self {
        let negative = negative && !magnitude.is_zero();
        let mut text = String::new();
        if negative {
            text.push('-');
        }
        text.push('P');
        let total = magnitude.as_secs();
        let days = total / SECONDS_PER_DAY;
        let hours = total % SECONDS_PER_DAY / SECONDS_PER_HOUR;
        let minutes = total % SECONDS_PER_HOUR / SECONDS_PER_MINUTE;
        let seconds = total % SECONDS_PER_MINUTE;
        let nanos = magnitude.subsec_nanos();
        // Writing to a String cannot fail.
        let _ = write_components(&mut text, days, hours, minutes, seconds, nanos);
        Self {
            text,
            negative,
            magnitude,
        }
    }

    /// Whether the duration points backwards in time.
    pub fn is_negative(&self) -> bool {
        self.negative
    }

    /// The length of time, without its sign.
    pub fn magnitude(&self) -> std::time::Duration {
        self.magnitude
    }

    /// The text form, as read or as built by [`new`](Self::new).
    pub fn as_str(&self) -> &str {
        &self.text
    }
}

fn write_components(
    out: &mut String,
    days: u64,
    hours: u64,
    minutes: u64,
    seconds: u64,
    nanos: u32,
) -> fmt::Result {
    if days > 0 {
        write!(out, "{days}D")?;
    }
    let has_time = hours > 0 || minutes > 0 || seconds > 0 || nanos > 0;
    if !has_time && days > 0 {
        return Ok(());
    }
    out.push('T');
    if hours > 0 {
        write!(out, "{hours}H")?;
    }
    if minutes > 0 {
        write!(out, "{minutes}M")?;
    }
    if seconds > 0 || nanos > 0 || !has_time {
        write!(out, "{seconds}")?;
        if nanos > 0 {
            let fraction = format!("{nanos:09}");
            write!(out, ".{}", fraction.trim_end_matches('0'))?;
        }
        out.push('S');
    }
    Ok(())
}

impl From<std::time::Duration> for Duration {
    fn from(magnitude: std::time::Duration) -> Self {
        Self::new(false, magnitude)
    }
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Reads a run of ASCII digits at the start of `text` as a number.
fn leading_number(text: &str) -> Result<(u64, &str), &'static str> {
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = text.split_at_checked(len).ok_or("expected digits")?;
    if digits.is_empty() {
        return Err("expected digits");
    }
    let number = digits.parse().map_err(|_| "number too large")?;
    Ok((number, rest))
}

/// Reads `.f…` (1 to 9 digits) as nanoseconds.
fn fraction_nanos(text: &str) -> Result<(u32, &str), &'static str> {
    let Some(text) = text.strip_prefix('.') else {
        return Ok((0, text));
    };
    let len = text.bytes().take_while(u8::is_ascii_digit).count();
    let (digits, rest) = text.split_at_checked(len).ok_or("expected digits")?;
    if digits.is_empty() || digits.len() > 9 {
        return Err("seconds need 1 to 9 fractional digits");
    }
    let mut nanos = 0_u32;
    for digit in digits.bytes().chain(std::iter::repeat(b'0')).take(9) {
        nanos = nanos * 10 + u32::from(digit - b'0');
    }
    Ok((nanos, rest))
}

fn parse_magnitude(text: &str) -> Result<std::time::Duration, &'static str> {
    let body = text.strip_prefix('P').ok_or("expected 'P'")?;
    let (date, time) = match body.split_once('T') {
        Some((date, time)) => (date, Some(time)),
        None => (body, None),
    };
    if date.contains(['Y', 'M', 'W']) {
        return Err("years, months and weeks are not allowed");
    }
    let mut seconds = 0_u64;
    let mut add = |amount: u64, unit: u64| -> Result<(), &'static str> {
        seconds = amount
            .checked_mul(unit)
            .and_then(|s| s.checked_add(seconds))
            .ok_or("duration too large")?;
        Ok(())
    };
    if !date.is_empty() {
        let (days, rest) = leading_number(date)?;
        if rest != "D" {
            return Err("expected a number of days followed by 'D'");
        }
        add(days, SECONDS_PER_DAY)?;
    }
    let mut nanos = 0;
    match time {
        None if date.is_empty() => return Err("no components"),
        None => {}
        Some("") => return Err("expected components after 'T'"),
        Some(mut rest) => {
            let mut units = [('H', SECONDS_PER_HOUR), ('M', SECONDS_PER_MINUTE), ('S', 1)].iter();
            while !rest.is_empty() {
                let (amount, after_number) = leading_number(rest)?;
                let (fraction, after_fraction) = fraction_nanos(after_number)?;
                let mut chars = after_fraction.chars();
                let designator = chars.next().ok_or("expected 'H', 'M' or 'S'")?;
                let &(_, unit) = units
                    .find(|(d, _)| *d == designator)
                    .ok_or("expected 'H', 'M' or 'S', in that order")?;
                if after_number.starts_with('.') && designator != 'S' {
                    return Err("only seconds may have a fraction");
                }
                add(amount, unit)?;
                nanos = fraction;
                rest = chars.as_str();
            }
        }
    }
    Ok(std::time::Duration::new(seconds, nanos))
}

impl FromStr for Duration {
    type Err = ValueError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text.strip_prefix('+').unwrap_or(text)),
        };
        let magnitude = parse_magnitude(unsigned).map_err(|e| ValueError::new(TYPE, text, e))?;
        Ok(Self {
            text: text.to_owned(),
            negative,
            magnitude,
        })
    }
}

string_serde!(Duration, "an Edm.Duration string");

#[cfg(test)]
mod tests {
    use std::time::Duration as Std;

    use super::*;

    fn parse(text: &str) -> Duration {
        text.parse().unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    #[test]
    fn parses_and_keeps_text() {
        for (text, negative, magnitude) in [
            ("P1DT2H3M4.5S", false, Std::new(93_784, 500_000_000)),
            ("-PT1S", true, Std::from_secs(1)),
            ("+PT1S", false, Std::from_secs(1)),
            ("P2D", false, Std::from_secs(2 * 86_400)),
            ("PT36H", false, Std::from_secs(36 * 3_600)),
            ("PT0S", false, Std::ZERO),
            ("PT0.000000001S", false, Std::from_nanos(1)),
            ("PT1M", false, Std::from_secs(60)),
            ("PT1H0.10S", false, Std::from_millis(3_600_100)),
        ] {
            let d = parse(text);
            assert_eq!(d.is_negative(), negative, "{text}");
            assert_eq!(d.magnitude(), magnitude, "{text}");
            assert_eq!(d.to_string(), text);
            assert_eq!(d.as_str(), text);
            let json = serde_json::to_string(&d).unwrap();
            assert_eq!(serde_json::from_str::<Duration>(&json).unwrap(), d);
        }
    }

    #[test]
    fn rejects_invalid_text() {
        for text in [
            "",
            "P",
            "PT",
            "-",
            "1D",
            "P1Y",
            "P1M",
            "P1W",
            "P1DT",
            "PT1H2H",
            "PT1S1M",
            "PT1.5M",
            "PT1.S",
            "PT.5S",
            "PT1.1234567890S",
            "PT1",
            "P1H",
            "pt1s",
            "PT1X",
            "PT-1S",
            "P99999999999999999999D",
            "P213503982334602D",
            "PT1Sé",
            "PTé",
            "--PT1S",
        ] {
            let error = text.parse::<Duration>().unwrap_err();
            assert_eq!(error.type_name(), "Edm.Duration", "{text}");
        }
    }

    #[test]
    fn builds_shortest_text() {
        for (negative, magnitude, text) in [
            (false, Std::ZERO, "PT0S"),
            (true, Std::ZERO, "PT0S"),
            (false, Std::from_secs(86_400), "P1D"),
            (true, Std::new(93_784, 500_000_000), "-P1DT2H3M4.5S"),
            (false, Std::from_secs(3_600), "PT1H"),
            (false, Std::from_millis(250), "PT0.25S"),
        ] {
            let d = Duration::new(negative, magnitude);
            assert_eq!(d.to_string(), text);
            assert_eq!(parse(text), d);
        }
        assert_eq!(Duration::from(Std::from_secs(61)).as_str(), "PT1M1S");
    }
}
