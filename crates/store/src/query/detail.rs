//! One finding in full: `datavakt findings show ID` (and a future web API's page of a
//! finding). The finding with its item (size, owner, hash, when seen, who can read it) and
//! the history of its status.

use model::{FindingDetail, IsoTime, Resolution, Status, StatusChange, StoredItem};

use super::{listed, Connection, LISTED};
use crate::db::DbError;
use crate::{err, StoreError};

/// The finding with this id, with its item and history, its age counted at `now` (Unix
/// seconds); `None` when there is none.
pub fn finding(
    db: &Connection,
    id: i64,
    now: i64,
) -> Result<Option<FindingDetail<'static>>, StoreError> {
    let read = err("cannot read the finding");
    let found = db
        .optional(
            &format!(
                "SELECT {LISTED}, f.status_reason, f.status_by, f.status_at,
                        CASE WHEN f.resolution IS NULL THEN max(f.last_scan, {last_scan})
                             ELSE f.last_scan END,
                        i.size, i.owner, i.hash, i.first_seen, {last_seen}, i.gone_at
                 FROM findings f JOIN items i ON i.id = f.item_id WHERE f.id = ?1",
                last_scan = item_seen!("last_scan"),
                last_seen = item_seen!("last_seen"),
            ),
            &[&id],
            |r| {
                let stored = listed(r)?.into_model(now)?;
                let modified = stored.modified;
                Ok(FindingDetail {
                    stored,
                    status_reason: r.get::<Option<String>>(16)?.map(Into::into),
                    status_by: r.get::<Option<String>>(17)?.map(Into::into),
                    status_at: r.get::<Option<i64>>(18)?.map(IsoTime),
                    last_scan: r.get(19)?,
                    item: StoredItem {
                        size: r.get(20)?,
                        modified,
                        owner: r.get(21)?,
                        owner_name: None,
                        hash: r.get::<Option<String>>(22)?.map(Into::into),
                        first_seen: IsoTime(r.get(23)?),
                        last_seen: IsoTime(r.get(24)?),
                        deleted: r.get::<Option<i64>>(25)?.map(IsoTime),
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
                let status: String = r.get(2)?;
                let resolution: Option<String> = r.get(3)?;
                Ok(StatusChange {
                    at: IsoTime(r.get(0)?),
                    scan: r.get(1)?,
                    status: Status::parse(&status).ok_or_else(|| {
                        DbError::Corrupt(format!("a status {status:?} in a finding's history"))
                    })?,
                    resolution: resolution.as_deref().and_then(Resolution::parse),
                    reason: r.get::<Option<String>>(4)?.map(Into::into),
                    by: r.get::<Option<String>>(5)?.map(Into::into),
                })
            },
        )
        .map_err(&read)?;
    Ok(Some(detail))
}
