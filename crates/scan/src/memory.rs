//! One item held in memory (a mail on its way out, an upload), scanned with the same
//! extraction, detection and assessment as a walk, and no scan database.

use std::sync::{Arc, Mutex};

use detect::Detector;

use crate::options::{Memory, Options};
use crate::report::{Out, Reporter};
use crate::source::{Body, End, Item, Locator, Part, Scanners, Source};

/// What an item held: its records (findings with its exposure and severity, errors,
/// warnings) and the summary.
#[derive(Debug, Default)]
pub struct Scanned {
    pub records: Vec<model::Record<'static>>,
    pub summary: model::Summary,
}

/// Scans `data`, named `name` (a file name: it says the format, and is read for values like
/// one), with `det` and the fingerprint key `key`. Documents and archives are extracted in a
/// worker process, this program started again with `__extract-worker` (as `datavakt` does).
pub fn scan_bytes(
    name: &str,
    data: Vec<u8>,
    det: &Detector,
    key: &[u8],
    opts: &Options,
) -> Result<Scanned, String> {
    let source = Held {
        name: name.to_string(),
        data: Mutex::new(Some(data)),
    };
    let kept = Arc::new(Mutex::new(Vec::new()));
    let reporter = Box::new(Collect(kept.clone()));
    let memory = Memory {
        known: store::Known::default(),
        scanned_with: String::new(),
    };
    let summary = crate::run::run(&[&source], key, opts, det, None, &memory, reporter)?;
    let records = std::mem::take(&mut *kept.lock().unwrap_or_else(|p| p.into_inner()));
    Ok(Scanned { records, summary })
}

/// The one item.
struct Held {
    name: String,
    data: Mutex<Option<Vec<u8>>>,
}

impl Source for Held {
    fn roots(&self) -> Vec<Locator> {
        Vec::new()
    }

    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End> {
        let data = self.data.lock().unwrap_or_else(|p| p.into_inner()).take();
        let body = Body::Bytes {
            data: data.unwrap_or_default(),
            part: Part::Whole,
        };
        let name = self.name.rsplit('/').next().unwrap_or_default().to_string();
        let at = Locator::Url {
            url: self.name.clone(),
            name: Some(name),
        };
        scanner().item(Item::new(at, body));
        Vec::new()
    }
}

/// Keeps every record.
struct Collect(Arc<Mutex<Vec<model::Record<'static>>>>);

impl Collect {
    fn keep(&mut self, r: model::Record<'static>) {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).push(r);
    }
}

impl Reporter for Collect {
    fn record(&mut self, r: &Out<'_>) -> std::io::Result<()> {
        let owned = match r {
            Out::Finding { finding, .. } => model::Record::Finding((*finding).clone().into_owned()),
            Out::Other(o) => model::Record::Other((*o).clone().into_owned()),
            Out::Url(u) => model::Record::Url((*u).clone().into_owned()),
        };
        self.keep(owned);
        Ok(())
    }

    fn end(&mut self, _: &model::Summary) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {

    use super::*;

    #[test]
    fn an_item_in_memory_is_scanned_named_and_assessed_without_a_database() {
        let det = Detector::new(crate::options::today());
        let text = b"Borger: Jens Hansen\nCPR-nr: 010190-1238\n".to_vec();
        let got = scan_bytes(
            "ud/010190-1238.txt",
            text,
            &det,
            b"0123456789abcdef",
            &crate::options::test_options(),
        )
        .unwrap();
        let findings: Vec<&model::Finding> = got
            .records
            .iter()
            .filter_map(|r| match r {
                model::Record::Finding(f) => Some(f),
                _ => None,
            })
            .collect();
        let places: Vec<&str> = findings
            .iter()
            .filter_map(|f| f.location.as_deref())
            .collect();
        assert!(places.contains(&"file name"), "{places:?}");
        assert!(places.contains(&"line 2"), "{places:?}");
        assert_eq!(got.summary.findings, findings.len() as u64);
        assert_eq!(got.summary.files_scanned, 1);
        for f in &findings {
            // Masked in the item's name as everywhere, and assessed.
            assert!(!f.path.contains("010190-1238"), "{}", f.path);
            assert!(f.severity.is_some());
            assert!(f.value.is_none());
        }
    }
}
