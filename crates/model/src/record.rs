//! The other records of a scan: errors, skipped items, warnings, what a web server answered,
//! and the summary; and [`Record`], any one of them.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::finding::own;
use crate::{Finding, Transport};

/// Any record of `datavakt scan --format jsonl`: its `kind` tells which.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Record<'a> {
    Other(Other<'a>),
    Url(Url<'a>),
    Summary(Summary),
    Finding(Finding<'a>),
}

/// The kinds of [`Other`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum OtherKind {
    /// An item, or a place inside one, that could not be read.
    Error,
    /// An item not read as text (binary, or a part the format does not let us read).
    Skipped,
    /// Read, but something about it is worth knowing.
    Warning,
}

impl OtherKind {
    pub fn name(self) -> &'static str {
        match self {
            OtherKind::Error => "error",
            OtherKind::Skipped => "skipped",
            OtherKind::Warning => "warning",
        }
    }
}

/// An error, a skipped item or a warning.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Other<'a> {
    pub path: Cow<'a, str>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Cow<'a, str>>,
    pub kind: OtherKind,
    pub reason: Cow<'a, str>,
}

/// `"url"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum UrlKind {
    #[default]
    #[serde(rename = "url")]
    Url,
}

/// What a web server answered for one URL. Members in alphabetical order, as the contract
/// has always had them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Url<'a> {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub content_type: Option<Cow<'a, str>>,
    #[serde(default)]
    pub kind: UrlKind,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<Cow<'a, str>>,
    /// The directory listing that exposed it, if one did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub listed_by: Option<Cow<'a, str>>,
    pub path: Cow<'a, str>,
    /// Credentials were needed (HTTP 401 with a challenge).
    pub protected: bool,
    /// An audio or video recording (only its head was fetched).
    pub recording: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub transport: Transport,
    /// The body was longer than the limit and was read only up to it.
    pub truncated: bool,
}

/// `"summary"`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum SummaryKind {
    #[default]
    #[serde(rename = "summary")]
    Summary,
}

/// What a scan did: the last record. Members in alphabetical order.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Summary {
    /// Findings below `--min-confidence`: kept, not printed or counted.
    pub below_min_confidence: u64,
    /// Findings of items below `--min-severity`: counted and kept, not printed.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub below_min_severity: u64,
    pub binary_skipped: u64,
    pub bytes_read: u64,
    /// Files hashed and found to be copies of files read before.
    pub copies: u64,
    /// Distinct fingerprints among the findings.
    pub distinct_numbers: u64,
    pub elapsed_seconds: f64,
    pub errors: u64,
    /// Findings that a person marked false positive: found again, not listed or counted.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub false_positives: u64,
    pub files_scanned: u64,
    /// Current findings: found now or carried over from earlier scans.
    pub findings: u64,
    pub findings_by_confidence: BTreeMap<String, u64>,
    pub findings_by_kind: BTreeMap<String, u64>,
    /// Current findings by the severity of their item.
    pub findings_by_severity: BTreeMap<String, u64>,
    /// The roots the scan did not cover, and why (unreachable, unreadable, a limit): when
    /// there are any, the scan is incomplete and `datavakt scan` exits with 3.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub incomplete_roots: BTreeMap<String, String>,
    #[serde(default)]
    pub kind: SummaryKind,
    pub megabytes_per_second: f64,
    /// Findings not known before this scan (or resolved before and found again).
    pub new_findings: u64,
    /// Images and scanned pages read with OCR, the thread time that took, and its share of
    /// all scanning threads' time.
    pub ocr_reads: u64,
    pub ocr_seconds: f64,
    pub ocr_share: f64,
    /// Items not read as text for other reasons than being binary, by reason.
    pub other_skipped: BTreeMap<String, u64>,
    /// Findings of earlier scans resolved by this one (edited or removed items).
    pub resolved_findings: u64,
    /// Files not read again because they did not change since the last scan.
    pub unchanged_files: u64,
    /// Of the errors, those of unchanged files carried over: an earlier scan could not read
    /// them (or a part of them), and they were not read again.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unread_unchanged: u64,
    /// URLs fetched from web servers, and how many of them needed credentials.
    pub urls: u64,
    pub urls_protected: u64,
}

/// For members written only when they say something.
fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl Other<'_> {
    /// The same record, owning its texts.
    pub fn into_owned(self) -> Other<'static> {
        Other {
            path: own(self.path),
            location: self.location.map(own),
            kind: self.kind,
            reason: own(self.reason),
        }
    }
}

impl Url<'_> {
    /// The same record, owning its texts.
    pub fn into_owned(self) -> Url<'static> {
        Url {
            content_type: self.content_type.map(own),
            kind: self.kind,
            last_modified: self.last_modified.map(own),
            listed_by: self.listed_by.map(own),
            path: own(self.path),
            protected: self.protected,
            recording: self.recording,
            size: self.size,
            status: self.status,
            transport: self.transport,
            truncated: self.truncated,
        }
    }
}
