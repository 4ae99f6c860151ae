//! What a scan could not read stays visible: an item that could not be read (or not wholly)
//! and has not changed since is not read again, so the errors of its last reading are
//! reported again by each later scan, until a scan reads it again.

use foldhash::HashMap;

use crate::db::{Db, DbError};
use crate::scan::{under, Store, UNDER};
use crate::{err, StoreError};

/// An error of an item's last reading: where in it, and why.
pub type Unread = (Option<String>, String);

/// The errors of the last reading of every item under `roots` that is still there: those the
/// scan that last read it recorded (an unchanged item keeps that scan as its `last_scan`, so
/// nothing is copied from scan to scan).
pub(crate) fn load(db: &Db, roots: &[String]) -> Result<HashMap<String, Vec<Unread>>, DbError> {
    let mut out: HashMap<String, Vec<Unread>> = HashMap::default();
    for root in roots {
        let (r, dir, end) = under(root);
        let cond = UNDER.replace("path", "i.path");
        db.each(
            &format!(
                "SELECT e.path, e.location, e.reason FROM errors e
                 JOIN items i ON i.path = e.path
                 WHERE {cond} AND i.gone_at IS NULL AND e.scan_id = i.last_scan
                 ORDER BY e.id"
            ),
            &[&r, &dir, &end],
            &mut |row| {
                out.entry(row.get(0)?)
                    .or_default()
                    .push((row.get(1)?, row.get(2)?));
                Ok(true)
            },
        )?;
    }
    Ok(out)
}

impl Store {
    /// The errors of the last reading of the unchanged item `path`, to report again.
    pub fn unread_before(&mut self, path: &str) -> Result<Vec<Unread>, StoreError> {
        let Some(state) = self.scan.as_mut() else {
            return Ok(Vec::new());
        };
        if state.unread.is_none() {
            let loaded = load(&self.db, &state.roots)
                .map_err(err("cannot read the errors of earlier scans"))?;
            state.unread = Some(loaded);
        }
        Ok(state
            .unread
            .as_mut()
            .and_then(|u| u.remove(path))
            .unwrap_or_default())
    }
}
