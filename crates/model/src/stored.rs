//! What the scan database says of its findings: a finding with its id and history
//! (`datavakt findings list` and `show`), and the summaries of `datavakt report` and
//! `report breach`. The store fills these types; the command line and, later, the web API
//! print them as they are.

use std::borrow::Cow;
use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Audience, Finding, IsoTime, Resolution, Severity, Status};

/// A finding as the scan database keeps it: the scan's finding (with its item's exposure and
/// severity as the last scan judged them) and what only the database knows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct StoredFinding<'a> {
    /// Its row id: what `findings show` and `findings mark` take.
    pub id: i64,
    #[serde(flatten)]
    pub finding: Finding<'a>,
    /// When a scan last saw it (or its unchanged item).
    pub last_seen: IsoTime,
    /// Whole days since it was first seen.
    pub age_days: i64,
    /// Its item's modification time, when the item is a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<IsoTime>,
}

/// One finding in full: `datavakt findings show ID --format json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, JsonSchema)]
pub struct FindingDetail<'a> {
    #[serde(flatten)]
    pub stored: StoredFinding<'a>,
    /// Why it has its status, as the person who set it wrote.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_reason: Option<Cow<'a, str>>,
    /// Who set the status (`scan` for a scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_by: Option<Cow<'a, str>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_at: Option<IsoTime>,
    /// The last scan that saw it.
    pub last_scan: i64,
    pub item: StoredItem<'a>,
    /// Every change of its status after it was first seen, oldest first.
    pub history: Vec<StatusChange<'a>>,
}

/// What the scan database knows of an item (its exposure is the finding's).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StoredItem<'a> {
    /// In bytes, when it is a file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub modified: Option<IsoTime>,
    /// The owner's user id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<i64>,
    /// The owner's account name, as the machine reading the database names the id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<Cow<'a, str>>,
    /// `blake3:<hex>` of its bytes, when read whole.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<Cow<'a, str>>,
    pub first_seen: IsoTime,
    pub last_seen: IsoTime,
    /// When a scan found it deleted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deleted: Option<IsoTime>,
}

/// One change of a finding's status.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct StatusChange<'a> {
    pub at: IsoTime,
    /// The scan that made it; none for a person's mark.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scan: Option<i64>,
    pub status: Status,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolution: Option<Resolution>,
    /// Why, when anyone said.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Cow<'a, str>>,
    /// Who made it (`scan` for a scan).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<Cow<'a, str>>,
}

/// The findings and items of one part of a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Group {
    /// What is counted: a folder, kind, confidence, status or age bucket.
    pub name: String,
    pub findings: u64,
    /// Items holding them.
    pub items: u64,
}

/// One of a report's most severe items.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct TopItem {
    pub path: String,
    pub findings: u64,
    /// Distinct identity-number fingerprints.
    pub identity_numbers: u64,
    /// It also holds health data.
    pub health: bool,
    /// As the last scan assessed it.
    pub severity: Option<Severity>,
    pub score: Option<i64>,
    /// Who can read it, as the last scan judged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub audience: Option<Audience>,
    /// The owner's user id, and account name as the machine reading the database names it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner_name: Option<String>,
    /// Why it is severe, a sentence per step as the scan's `why` says them: judged again when
    /// the report is made, from its findings, exposure and dates in the database. `severity`
    /// is the last scan's, so the last step may already name another after a mark or a policy
    /// change since.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub why: Vec<String>,
}

/// One completed scan, for a report's trend.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct ScanPoint {
    /// The scan's id.
    pub scan: i64,
    /// The roots it scanned, joined by spaces.
    pub target: String,
    pub started_at: IsoTime,
    pub ended_at: IsoTime,
    /// Files it read or found unchanged.
    pub files: i64,
    pub findings: i64,
    /// Findings it saw for the first time (or again after they were resolved).
    pub new_findings: i64,
    /// Findings it resolved (their item edited or deleted).
    pub resolved: i64,
    /// Items it could not read.
    pub errors: i64,
    /// The roots it did not cover, and why: an incomplete scan.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub incomplete: BTreeMap<String, String>,
}

/// `datavakt report --format json`: the current findings (open or accepted) under a folder.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Report {
    /// The folder reported on: the one asked for, else the deepest folder holding every
    /// current finding.
    pub prefix: String,
    pub generated_at: IsoTime,
    pub findings: u64,
    /// Items holding them.
    pub items: u64,
    /// Distinct identity-number fingerprints.
    pub identity_numbers: u64,
    /// Of them, those in items that also hold health data.
    #[serde(default)]
    pub identity_numbers_with_health: u64,
    /// Items (and their findings) by severity, most severe first.
    #[serde(default)]
    pub by_severity: Vec<Group>,
    /// Items (and their findings) by who can read them, widest first.
    #[serde(default)]
    pub by_audience: Vec<Group>,
    /// By the first path component below the prefix (`.` for items directly in it), most
    /// findings first.
    pub by_folder: Vec<Group>,
    /// Most findings first.
    pub by_kind: Vec<Group>,
    /// high, medium, low.
    pub by_confidence: Vec<Group>,
    /// Open and accepted.
    pub by_status: Vec<Group>,
    /// By days since first seen: `<7 d`, `<30 d`, `<365 d`, `older`.
    pub by_age: Vec<Group>,
    /// The ten most severe items (by the last scan's severity and score; then health data
    /// with identity numbers, then the most findings).
    pub top_items: Vec<TopItem>,
    /// Completed scans whose target overlaps the prefix, oldest first.
    pub trend: Vec<ScanPoint>,
    /// When the prefix was last covered by a scan that was complete where it lies; `None`
    /// when no scan was.
    pub last_complete_scan: Option<IsoTime>,
    /// The roots over or under the prefix that the latest scan covering it did not cover,
    /// and why: what the report's numbers may miss.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_covered: BTreeMap<String, String>,
}

/// The earliest and latest of some times.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Span {
    pub earliest: Option<IsoTime>,
    pub latest: Option<IsoTime>,
}

/// `datavakt report breach --format json`: the scope of a personal-data breach under a folder,
/// for a notification (GDPR art. 33): how many people, which categories, how many records,
/// since when, readable by whom.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub struct Breach {
    /// The folder (or file) the breach concerns.
    pub prefix: String,
    pub generated_at: IsoTime,
    /// Resolved findings counted too (a breach of files since edited or deleted).
    pub include_resolved: bool,
    /// Distinct identity-number fingerprints over all identity kinds.
    pub distinct_people: u64,
    /// Distinct fingerprints per kind (every kind with fingerprints).
    pub by_kind: BTreeMap<String, u64>,
    /// The per-kind distinct identity numbers summed (the same person under two kinds
    /// counts twice, which only happens with two different numbers).
    pub identity_numbers_summed: u64,
    /// Distinct identity numbers in items that also hold health data.
    pub with_health: u64,
    /// Items with health data.
    pub health_items: u64,
    /// Items with a finding.
    pub items: u64,
    /// Findings.
    pub records: u64,
    /// Findings per kind (health included).
    pub records_by_kind: BTreeMap<String, u64>,
    /// The items' modification times.
    pub modified: Span,
    /// The earliest first sighting of a finding.
    pub first_seen: Option<IsoTime>,
    /// The latest sighting of a finding.
    pub last_seen: Option<IsoTime>,
    /// Items by who can read them: the audience with the principals (`group (group:hr)`),
    /// `unknown (not assessed)` for items never assessed.
    pub exposure: BTreeMap<String, u64>,
}
