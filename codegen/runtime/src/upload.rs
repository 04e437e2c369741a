//! Graph's upload sessions as plain data (feature `upload`): the session a
//! `createUploadSession` action returns, the byte ranges it expects, the chunk size
//! to send them in and what a finished upload returns.
//!
//! With the `client` feature, `Uploader` sends a file through a session.

use std::fmt;
use std::marker::PhantomData;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{DateTimeOffset, Error};

/// Graph's unit of upload fragments: every chunk but the last must be a multiple of
/// 320 KiB.
const FRAGMENT: u64 = 320 * 1024;

/// Graph refuses requests of 60 MiB or more.
const MAX_CHUNK_EXCLUSIVE: u64 = 60 * 1024 * 1024;

/// A resumable upload session (Graph's `uploadSession`): where to `PUT` the file's
/// bytes and which ranges the service still expects.
///
/// `T` is the item the upload creates (a drive item, an attachment, …): what the
/// last chunk's response returns. The session can be serialized and stored, and an
/// upload resumed from it later, in this or another process; the URL alone is
/// enough ([`from_url`](Self::from_url)), since the service reports the ranges it
/// still expects.
///
/// The upload URL is pre-authenticated: it carries its own credentials, so it is
/// as secret as a token, and requests to it are sent without `Authorization`.
pub struct UploadSession<T> {
    /// The pre-authenticated URL that takes the file's byte ranges.
    pub upload_url: String,
    /// When the session expires, if the service said.
    pub expiration_date_time: Option<DateTimeOffset>,
    /// The byte ranges the service still expects, as of the response this session
    /// came from; empty when unknown (a session restored from its URL).
    pub next_expected_ranges: Vec<ByteRange>,
    item: PhantomData<fn() -> T>,
}

impl<T> UploadSession<T> {
    /// A session known only by its upload URL, e.g. one stored earlier to resume
    /// from: the uploader first asks the service which ranges it still expects.
    pub fn from_url(upload_url: impl Into<String>) -> Self {
        Self {
            upload_url: upload_url.into(),
            expiration_date_time: None,
            next_expected_ranges: Vec::new(),
            item: PhantomData,
        }
    }
}

/// The JSON form of [`UploadSession`], as Graph writes it.
#[derive(Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
struct SessionJson {
    upload_url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    expiration_date_time: Option<DateTimeOffset>,
    #[serde(default)]
    next_expected_ranges: Vec<ByteRange>,
}

impl<T> Serialize for UploadSession<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        SessionJson {
            upload_url: self.upload_url.clone(),
            expiration_date_time: self.expiration_date_time,
            next_expected_ranges: self.next_expected_ranges.clone(),
        }
        .serialize(serializer)
    }
}

impl<'de, T> Deserialize<'de> for UploadSession<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let json = SessionJson::deserialize(deserializer)?;
        Ok(Self {
            upload_url: json.upload_url,
            expiration_date_time: json.expiration_date_time,
            next_expected_ranges: json.next_expected_ranges,
            item: PhantomData,
        })
    }
}

// Written by hand: derived impls would require `T` to be `Clone`, `Debug`, … too.
impl<T> Clone for UploadSession<T> {
    fn clone(&self) -> Self {
        Self {
            upload_url: self.upload_url.clone(),
            expiration_date_time: self.expiration_date_time,
            next_expected_ranges: self.next_expected_ranges.clone(),
            item: PhantomData,
        }
    }
}

impl<T> PartialEq for UploadSession<T> {
    fn eq(&self, other: &Self) -> bool {
        self.upload_url == other.upload_url
            && self.expiration_date_time == other.expiration_date_time
            && self.next_expected_ranges == other.next_expected_ranges
    }
}

impl<T> fmt::Debug for UploadSession<T> {
    /// Leaves the URL out: it carries the session's credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UploadSession")
            .field("expiration_date_time", &self.expiration_date_time)
            .field("next_expected_ranges", &self.next_expected_ranges)
            .finish_non_exhaustive()
    }
}

/// A range of bytes an upload session expects: `start-end` (both included) or
/// `start-` (to the end of the file), as in Graph's `nextExpectedRanges`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ByteRange {
    /// The first byte.
    pub start: u64,
    /// The last byte, included; `None` for the rest of the file.
    pub end: Option<u64>,
}

impl fmt::Display for ByteRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.end {
            Some(end) => write!(f, "{}-{end}", self.start),
            None => write!(f, "{}-", self.start),
        }
    }
}

impl FromStr for ByteRange {
    type Err = String;

    /// Reads `start-end` or `start-`; Graph documents no other form.
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let invalid =
            || format!("invalid byte range {text:?}: expected \"start-end\" or \"start-\"");
        let (start, end) = text.trim().split_once('-').ok_or_else(invalid)?;
        let start = start.parse().map_err(|_| invalid())?;
        let end = match end {
            "" => None,
            end => Some(end.parse().map_err(|_| invalid())?),
        };
        if end.is_some_and(|end| end < start) {
            return Err(invalid());
        }
        Ok(Self { start, end })
    }
}

impl Serialize for ByteRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for ByteRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// How many bytes each chunk `PUT` of an upload carries.
///
/// Graph requires a multiple of 320 KiB (327,680 bytes) below 60 MiB; only the last
/// chunk of a file may be shorter. The default is 10 × 320 KiB (3.125 MiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct ChunkSize(u64);

impl ChunkSize {
    /// The size Graph's fragments must be a multiple of: 320 KiB.
    pub const FRAGMENT: Self = Self(FRAGMENT);

    /// The largest size Graph accepts: 191 × 320 KiB, just under 60 MiB.
    pub const MAX: Self = Self((MAX_CHUNK_EXCLUSIVE - 1) / FRAGMENT * FRAGMENT);

    /// Checks `bytes`: a positive multiple of 320 KiB below 60 MiB, as Graph requires.
    pub fn new(bytes: u64) -> Result<Self, Error> {
        if bytes == 0 || bytes % FRAGMENT != 0 || bytes >= MAX_CHUNK_EXCLUSIVE {
            return Err(Error::InvalidRequest {
                reason: format!(
                    "upload chunk size {bytes} is not a positive multiple of 320 KiB \
                     ({FRAGMENT} bytes) below 60 MiB"
                ),
            });
        }
        Ok(Self(bytes))
    }

    /// The size in bytes.
    pub fn bytes(self) -> u64 {
        self.0
    }
}

impl Default for ChunkSize {
    fn default() -> Self {
        Self(10 * FRAGMENT)
    }
}

/// How far an upload has come: bytes the service has received of the file's total.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct UploadProgress {
    /// Bytes the service reports received (the total less the ranges it still
    /// expects).
    pub received: u64,
    /// The file's size.
    pub total: u64,
}

impl UploadProgress {
    /// The progress of a `total`-byte file whose session still expects `expected`
    /// (a session's [`next_expected_ranges`](UploadSession::next_expected_ranges)).
    pub fn of(expected: &[ByteRange], total: u64) -> Self {
        let missing: u64 = expected
            .iter()
            .filter(|range| range.start < total)
            .map(|range| {
                let end = range.end.map_or(total, |end| end.min(total - 1) + 1);
                end.saturating_sub(range.start)
            })
            .sum();
        Self {
            received: total.saturating_sub(missing),
            total,
        }
    }
}

/// What the last chunk of an upload returned.
#[derive(Clone, Debug, PartialEq)]
pub enum UploadOutcome<T> {
    /// The created item (a drive item's upload answers `200` or `201` with it).
    Item(T),
    /// Success without a body: an attachment's upload answers `201 Created` with
    /// only a `Location` header naming the new attachment.
    WithoutBody {
        /// The `Location` header, if any.
        location: Option<String>,
    },
}

impl<T> UploadOutcome<T> {
    /// The created item, if the service returned it.
    pub fn item(self) -> Option<T> {
        match self {
            Self::Item(item) => Some(item),
            Self::WithoutBody { .. } => None,
        }
    }
}

/// The next chunk to send of a `total`-byte file, as `(first, last)` byte (both
/// included): the start of the first range the session expects, at most `chunk`
/// bytes long, never past that range or the end of the file. `None` when the
/// session expects nothing more.
///
/// Sending chunks from the start of the first expected range keeps every chunk but
/// the last of a range a whole multiple of the chunk size, hence of 320 KiB.
///
/// This is the uploader's plan; it is public for sending a session's chunks with
/// another HTTP client.
pub fn next_chunk(
    expected: &[ByteRange],
    total: u64,
    chunk: ChunkSize,
) -> Result<Option<(u64, u64)>, Error> {
    let Some(range) = expected.iter().min_by_key(|range| range.start) else {
        return Ok(None);
    };
    if range.start >= total || range.end.is_some_and(|end| end < range.start) {
        return Err(Error::UploadSession {
            reason: format!("the session expects bytes {range} of a file of {total} bytes"),
        });
    }
    let last_of_file = total - 1;
    let last = range
        .end
        .unwrap_or(last_of_file)
        .min(last_of_file)
        .min(range.start.saturating_add(chunk.0 - 1));
    Ok(Some((range.start, last)))
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn ranges(texts: &[&str]) -> Vec<ByteRange> {
        texts.iter().map(|text| text.parse().unwrap()).collect()
    }

    #[test]
    fn session_reads_graphs_json_and_round_trips() {
        let json = r#"{
            "@odata.context": "https://graph.microsoft.com/v1.0/$metadata#microsoft.graph.uploadSession",
            "uploadUrl": "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337",
            "expirationDateTime": "2015-01-29T09:21:55.523Z",
            "nextExpectedRanges": ["0-", "12345-55232"]
        }"#;
        let session: UploadSession<()> = serde_json::from_str(json).unwrap();
        assert_eq!(
            session.upload_url,
            "https://sn3302.up.1drv.com/up/fe6987415ace7X4e1eF866337"
        );
        assert_eq!(
            session.expiration_date_time.unwrap().to_string(),
            "2015-01-29T09:21:55.523Z"
        );
        assert_eq!(session.next_expected_ranges, ranges(&["0-", "12345-55232"]));
        let stored = serde_json::to_string(&session).unwrap();
        let restored: UploadSession<()> = serde_json::from_str(&stored).unwrap();
        assert_eq!(restored, session);
        assert!(!format!("{session:?}").contains("1drv"));

        let bare: UploadSession<()> =
            serde_json::from_str(r#"{"uploadUrl": "https://up.example/s"}"#).unwrap();
        assert_eq!(bare, UploadSession::from_url("https://up.example/s"));
        assert_eq!(
            serde_json::to_string(&bare).unwrap(),
            r#"{"uploadUrl":"https://up.example/s","nextExpectedRanges":[]}"#
        );
    }

    #[test]
    fn byte_ranges_parse_graphs_forms_only() {
        assert_eq!(
            "26-".parse::<ByteRange>(),
            Ok(ByteRange {
                start: 26,
                end: None
            })
        );
        assert_eq!("5-5".parse::<ByteRange>().unwrap().end, Some(5));
        for bad in ["", "-5", "a-", "5", "9-3", "1-2-3", "0x1-"] {
            assert!(bad.parse::<ByteRange>().is_err(), "{bad}");
        }
        let error = serde_json::from_str::<UploadSession<()>>(
            r#"{"uploadUrl": "u", "nextExpectedRanges": ["x"]}"#,
        )
        .unwrap_err();
        assert!(error.to_string().contains("invalid byte range"), "{error}");
    }

    #[test]
    fn chunk_sizes_are_multiples_of_320_kib_below_60_mib() {
        assert_eq!(ChunkSize::default().bytes(), 3_276_800);
        assert_eq!(ChunkSize::new(327_680).unwrap(), ChunkSize::FRAGMENT);
        assert_eq!(ChunkSize::MAX.bytes(), 191 * 327_680);
        assert_eq!(
            ChunkSize::new(ChunkSize::MAX.bytes()).unwrap(),
            ChunkSize::MAX
        );
        for bad in [0, 1, 327_679, 327_681, 192 * 327_680, u64::MAX] {
            let error = ChunkSize::new(bad).unwrap_err();
            assert!(matches!(error, Error::InvalidRequest { .. }), "{bad}");
        }
    }

    #[test]
    fn next_chunk_follows_the_first_expected_range() {
        let chunk = ChunkSize::FRAGMENT;
        assert_eq!(next_chunk(&[], 10, chunk).unwrap(), None);
        assert_eq!(
            next_chunk(&ranges(&["0-"]), 10, chunk).unwrap(),
            Some((0, 9))
        );
        assert_eq!(
            next_chunk(&ranges(&["700000-"]), 1_000_000, chunk).unwrap(),
            Some((700_000, 999_999))
        );
        assert_eq!(
            next_chunk(&ranges(&["900-", "5-10"]), 1000, chunk).unwrap(),
            Some((5, 10))
        );
        let error = next_chunk(&ranges(&["10-"]), 10, chunk).unwrap_err();
        assert!(matches!(error, Error::UploadSession { .. }), "{error}");
    }

    #[test]
    fn progress_counts_what_is_no_longer_expected() {
        assert_eq!(UploadProgress::of(&ranges(&["0-"]), 100).received, 0);
        assert_eq!(UploadProgress::of(&ranges(&["40-"]), 100).received, 40);
        assert_eq!(
            UploadProgress::of(&ranges(&["10-19", "50-"]), 100).received,
            40
        );
        assert_eq!(UploadProgress::of(&ranges(&["0-999"]), 100).received, 0);
        assert_eq!(UploadProgress::of(&[], 100).received, 100);
    }

    proptest! {
        /// Graph: "each byte range MUST be a multiple of 320 KiB", except the last;
        /// and the chunks sent for a fresh session cover the file exactly once.
        #[test]
        fn chunks_cover_the_file_exactly_once(
            total in 1_u64..40_000_000,
            fragments in 1_u64..192,
        ) {
            let chunk = ChunkSize::new(fragments * FRAGMENT).unwrap();
            let sent = simulate(total, chunk, &[]);
            let mut next = 0;
            for (first, last) in &sent {
                prop_assert_eq!(*first, next, "no gap and no overlap");
                next = last + 1;
            }
            prop_assert_eq!(next, total);
            if let Some(((first, last), full)) = sent.split_last() {
                prop_assert!(last - first < chunk.bytes());
                for (first, last) in full {
                    prop_assert_eq!(last - first + 1, chunk.bytes());
                    prop_assert_eq!((last - first + 1) % FRAGMENT, 0);
                }
            }
        }

        /// When the service keeps only part of a chunk, the next chunk starts where
        /// its `nextExpectedRanges` says, still a whole chunk long unless it ends
        /// the file.
        #[test]
        fn short_receipts_resume_where_the_service_stopped(
            total in 1_u64..10_000_000,
            cuts in proptest::collection::vec(proptest::option::of(0_u64..327_680), 0..8),
        ) {
            let chunk = ChunkSize::FRAGMENT;
            let sent = simulate(total, chunk, &cuts);
            prop_assert_eq!(sent.first().map(|s| s.0), Some(0));
            prop_assert_eq!(sent.last().map(|s| s.1), Some(total - 1));
            for (first, last) in &sent {
                prop_assert!(last - first + 1 == chunk.bytes() || *last == total - 1);
            }
        }
    }

    /// The chunks an uploader sends to a service that keeps, of the `i`th chunk,
    /// only the first `cuts[i]` bytes when that is `Some` and shorter.
    fn simulate(total: u64, chunk: ChunkSize, cuts: &[Option<u64>]) -> Vec<(u64, u64)> {
        let mut expected = vec![ByteRange {
            start: 0,
            end: None,
        }];
        let mut sent = Vec::new();
        while let Some((first, last)) = next_chunk(&expected, total, chunk).unwrap() {
            assert!(first <= last && last < total);
            let kept_to = match cuts.get(sent.len()).copied().flatten() {
                Some(cut) if cut < last - first => first + cut + 1,
                _ => last + 1,
            };
            sent.push((first, last));
            expected = if kept_to == total {
                Vec::new()
            } else {
                vec![ByteRange {
                    start: kept_to,
                    end: None,
                }]
            };
        }
        sent
    }
}
