//! A finding: one value found in one place of one item, masked and fingerprinted, with its
//! item's exposure and severity.

use std::borrow::Cow;

use std::fmt;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Exposure, IsoTime};

/// How sure the detector is: the detector's own type, described here for the schema.
pub use detect::Confidence;

/// The schema of [`Confidence`] (the detector has no schema generator).
fn confidence_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    let names: Vec<&str> = Confidence::ALL.iter().map(|c| c.name()).collect();
    schemars::json_schema!({
        "type": "string",
        "description": "How sure the detector is.",
        "enum": names,
    })
}

/// How urgent an item is, from `info` to `critical`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Info,
        Severity::Low,
        Severity::Medium,
        Severity::High,
        Severity::Critical,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }

    pub fn parse(name: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|s| s.name() == name)
    }

    /// `steps` levels higher, at most critical.
    pub fn raised(self, steps: usize) -> Severity {
        let i = (self as usize + steps).min(Severity::Critical as usize);
        Severity::ALL[i]
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Where a finding stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// Current and not handled.
    Open,
    /// Current, and allowed where it is (marked so, with a reason).
    Accepted,
    /// Marked as no finding; not reported until its item's content changes.
    FalsePositive,
    /// Gone: its item was edited or removed (`resolution` says which).
    Resolved,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::Open,
        Status::Accepted,
        Status::FalsePositive,
        Status::Resolved,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Accepted => "accepted",
            Status::FalsePositive => "false-positive",
            Status::Resolved => "resolved",
        }
    }

    pub fn parse(name: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.name() == name)
    }
}

/// How a finding was resolved.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Resolution {
    /// Its item changed and no longer holds it.
    Edited,
    /// Its item is gone.
    Removed,
    /// Handled by an action of Datavakt's (quarantined, deleted).
    Remediated,
}

impl Resolution {
    pub fn name(self) -> &'static str {
        match self {
            Resolution::Edited => "edited",
            Resolution::Removed => "removed",
            Resolution::Remediated => "remediated",
        }
    }

    pub fn parse(name: &str) -> Option<Resolution> {
        [
            Resolution::Edited,
            Resolution::Removed,
            Resolution::Remediated,
        ]
        .into_iter()
        .find(|r| r.name() == name)
    }
}

/// The facts of a recording or camera photo, written among the finding's members.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Media<'a> {
    /// The container or image format (`wav`, `mp4`, `jpeg`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub duration_seconds: Option<f64>,
    /// The camera's make and model.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub camera: Option<Cow<'a, str>>,
    /// When the photo was taken, as the camera wrote it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub captured: Option<Cow<'a, str>>,
    /// Whether a camera photo carries a GPS position.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gps: Option<bool>,
}

/// One finding, as `datavakt scan --format jsonl` prints it and the scan database's readers
/// return it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct Finding<'a> {
    /// The item: a file path, URL or `smb://` URL (`-` for standard input); a value in a
    /// file or folder name masked and tagged (`010190-****#5f1c2a9b`).
    pub path: Cow<'a, str>,
    /// Where in it: `line N`, prefixed by archive member, attachment, page or sheet and cell;
    /// `file name` or `folder name` for a value in a name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<Cow<'a, str>>,
    /// `dk-cpr`, `se-personnummer`, …, `health`, `email`, …, a rule's kind,
    /// `encrypted-archive`, `audio-recording`, `video-recording`, `camera-photo`.
    pub kind: Cow<'a, str>,
    #[schemars(schema_with = "confidence_schema")]
    pub confidence: Confidence,
    /// The value with its identifying part hidden; for `health`, its evidence's categories.
    pub masked: Cow<'a, str>,
    /// `hmac-sha256:…`, keyed: same value, same fingerprint; null where there is no value.
    pub fingerprint: Option<Cow<'a, str>>,
    /// The value as written: only with `--show-values`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Cow<'a, str>>,
    /// A special series (`samordningsnummer`, `d-nummer`, `test-number`, …).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variant: Option<Cow<'a, str>>,
    #[serde(flatten)]
    pub media: Media<'a>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// When the scan database first saw it.
    pub first_seen: IsoTime,
    /// Who can read its item.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposure: Option<Cow<'a, Exposure>>,
    /// Its item's severity, the score that orders items of one severity, and the reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub why: Option<Cow<'a, [String]>>,
}

/// How much a kind weighs in a report, lightest last: identity numbers 0, health data 1,
/// payment and passport data 2, the rest 3, names 4. Reports list kinds in this order.
pub fn kind_weight(kind: &str) -> u8 {
    if detect::Kind::IDENTITY.iter().any(|k| k.name() == kind) {
        return 0;
    }
    match kind {
        "health" => 1,
        "payment-card" | "passport-mrz" | "iban" => 2,
        "name" => 4,
        _ => 3,
    }
}

/// A text that owns what it borrowed.
pub(crate) fn own(c: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(c.into_owned())
}

impl Media<'_> {
    pub fn into_owned(self) -> Media<'static> {
        Media {
            format: self.format.map(own),
            duration_seconds: self.duration_seconds,
            camera: self.camera.map(own),
            captured: self.captured.map(own),
            gps: self.gps,
        }
    }
}

impl Finding<'_> {
    /// The same finding, owning its texts.
    pub fn into_owned(self) -> Finding<'static> {
        Finding {
            path: own(self.path),
            location: self.location.map(own),
            kind: own(self.kind),
            confidence: self.confidence,
            masked: own(self.masked),
            fingerprint: self.fingerprint.map(own),
            value: self.value.map(own),
            variant: self.variant.map(own),
            media: self.media.into_owned(),
            status: self.status,
            resolution: self.resolution,
            first_seen: self.first_seen,
            exposure: self.exposure.map(|e| Cow::Owned(e.into_owned())),
            severity: self.severity,
            score: self.score,
            why: self.why.map(|w| Cow::Owned(w.into_owned())),
        }
    }
}
