//! One finding in full: `datavakt findings show ID` (and a future web API's page of a
//! finding). The finding with its item (size, owner, hash, when seen, who can read it) and
//! the history of its status.

use super::{listed, Connection, Listed, LISTED};
use crate::{err, StoreError};

/// What the store knows of the item a finding is in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemInfo {
    /// In bytes, when it is a file.
    pub size: Option<i64>,
    /// The owner's user id.
    pub owner: Option<i64>,
    /// `blake3:<hex>` of its bytes, when read whole.
    pub hash: Option<String>,
    /// Unix seconds.
    pub first_seen: i64,
    /// Unix seconds.
    pub last_seen: i64,
    /// When a scan found it deleted.
    pub gone_at: Option<i64>,
    /// Who can read it (JSON), when assessed.
    pub exposure: Option<String>,
}

/// One change of a finding's status.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistoryEntry {
    /// Unix seconds.
    pub at: i64,
    /// The scan that made the change; none for a person's mark.
    pub scan_id: Option<i64>,
    /// `open`, `accepted`, `false-positive` or `resolved`.
    pub status: String,
    /// How it was resolved: `removed`, `edited` or `remediated`.
    pub resolution: Option<String>,
    /// Why, when anyone said.
    pub reason: Option<String>,
    /// Who made the change (`scan` for a scan).
    pub by: Option<String>,
}

/// Everything known about one finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Detail {
    /// The finding with its item's path.
    pub finding: Listed,
    /// Why it has its status, as the person who set it wrote.
    pub status_reason: Option<String>,
    /// Who set the status (`scan` for a scan).
    pub status_by: Option<String>,
    /// Unix seconds.
    pub status_at: Option<i64>,
    /// The last scan that saw it.
    pub last_scan: i64,
    /// Its item.
    pub item: ItemInfo,
    /// Oldest first.
    pub history: Vec<HistoryEntry>,
}

/// The finding with this id, with its item and history; `None` when there is none.
pub fn finding(db: &Connection, id: i64) -> Result<Option<Detail>, StoreError> {
    let read = err("cannot read the finding");
    let found = db
        .optional(
            &format!(
                "SELECT {LISTED}, f.status_reason, f.status_by, f.status_at,
                        CASE WHEN f.resolution IS NULL THEN max(f.last_scan, {last_scan})
                             ELSE f.last_scan END,
                        i.size, i.owner, i.hash, i.first_seen, {last_seen}, i.gone_at, i.exposure
                 FROM findings f JOIN items i ON i.id = f.item_id WHERE f.id = ?1",
                last_scan = item_seen!("last_scan"),
                last_seen = item_seen!("last_seen"),
            ),
            &[&id],
            |r| {
                Ok(Detail {
                    finding: listed(r)?,
                    status_reason: r.get(13)?,
                    status_by: r.get(14)?,
                    status_at: r.get(15)?,
                    last_scan: r.get(16)?,
                    item: ItemInfo {
                        size: r.get(17)?,
                        owner: r.get(18)?,
                        hash: r.get(19)?,
                        first_seen: r.get(20)?,
                        last_seen: r.get(21)?,
                        gone_at: r.get(22)?,
                        exposure: r.get(23)?,
                    },
                    history: Vec::new(),
                })
            },
        )
        .map_err(&read)?;
    let Some(mut detail) = found else {
        return Ok(None);
    };
    detail.history = db
        .rows(
            "SELECT at, scan_id, status, resolution, reason, by_whom FROM finding_history
             WHERE finding_id = ?1 ORDER BY at, id",
            &[&id],
            |r| {
                Ok(HistoryEntry {
                    at: r.get(0)?,
                    scan_id: r.get(1)?,
                    status: r.get(2)?,
                    resolution: r.get(3)?,
                    reason: r.get(4)?,
                    by: r.get(5)?,
                })
            },
        )
        .map_err(&read)?;
    Ok(Some(detail))
}
