//! What a scan could not read stays visible: an item that could not be read (or not wholly)
//! and has not changed since is not read again, so the errors of its last reading are carried
//! over to each later scan, until a scan reads it again.

use foldhash::HashMap;

use crate::db::{Db, DbError};
use crate::scan::{under, Store, UNDER};
use crate::{err, StoreError};

/// An error of an item's last reading: where in it, and why.
pub type Unread = (Option<String>, String);

/// The errors of the last reading of every item under `roots` that is still there: the
/// errors of the latest scan that recorded any for the item, when that scan read the item or
/// came after the scan that did (carrying them over).
pub(crate) fn load(db: &Db, roots: &[String]) -> Result<HashMap<String, Vec<Unread>>, DbError> {
    let mut out: HashMap<String, Vec<Unread>> = HashMap::default();
    for root in roots {
        let (r, dir, end) = under(root);
        let cond = UNDER.replace("path", "i.path");
        db.each(
            &format!(
                "SELECT e.path, e.location, e.reason FROM errors e
                 JOIN items i ON i.path = e.path
                 WHERE {cond} AND i.gone_at IS NULL AND e.scan_id >= i.last_scan
                   AND e.scan_id = (SELECT max(x.scan_id) FROM errors x WHERE x.path = e.path)
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
    /// The errors of the last reading of the unchanged item `path`, recorded again for this
    /// scan (so that the next one carries them over too) and returned to report.
    pub fn unread_before(&mut self, path: &str) -> Result<Vec<Unread>, StoreError> {
        let Some(state) = self.scan.as_mut() else {
            return Ok(Vec::new());
        };
        if state.unread.is_none() {
            let loaded = load(&self.db, &state.roots)
                .map_err(err("cannot read the errors of earlier scans"))?;
            state.unread = Some(loaded);
        }
        let errors = state
            .unread
            .as_mut()
            .and_then(|u| u.remove(path))
            .unwrap_or_default();
        for (location, reason) in &errors {
            self.error(path, location.as_deref(), reason)?;
        }
        Ok(errors)
    }
}
