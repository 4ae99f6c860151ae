//! What a person's marks hide from a scan's output: findings marked false positive, still
//! there, under the scan's roots.

use crate::scan::{under, Store, UNDER};
use crate::{err, StoreError};

impl Store {
    /// The findings under this scan's roots that are marked false positive and not
    /// resolved: found again (or still there), and not reported.
    pub fn false_positives(&self) -> Result<u64, StoreError> {
        let Some(state) = self.scan.as_ref() else {
            return Ok(0);
        };
        let cond = UNDER.replace("path", "i.path");
        let mut n = 0u64;
        for root in &state.roots {
            let (r, dir, end) = under(root);
            let count: i64 = self
                .db
                .one(
                    &format!(
                        "SELECT count(*) FROM findings f JOIN items i ON i.id = f.item_id
                         WHERE {cond} AND f.status = 'false-positive'
                           AND f.resolution IS NULL AND i.gone_at IS NULL"
                    ),
                    &[&r, &dir, &end],
                    |row| row.get(0),
                )
                .map_err(err("cannot count the false positives"))?;
            n += u64::try_from(count).unwrap_or(0);
        }
        Ok(n)
    }
}
