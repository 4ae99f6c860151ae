//! The detector as the options make it: the built-in detectors turned on, the name lists and
//! the rules file; and a digest of those, so that items read with other settings are read
//! again.

use std::path::PathBuf;

/// The detector with the name lists and the rules file, as the options say, and a digest of
/// those lists and rules. A note on stderr (unless `quiet`) when no name lists are installed.
pub fn detector(
    mut on: detect::Detectors,
    names: Option<&std::path::Path>,
    rules: Option<&std::path::Path>,
    quiet: bool,
) -> Result<(detect::Detector, Digest), String> {
    let lists = if on.names {
        crate::names::load(names)?
    } else {
        None
    };
    if on.names && lists.is_none() && !quiet {
        eprintln!(
            "datavakt: note: no name lists installed, so names are not looked for; \
             run scripts/fetch-names (or give --names FILE, or --no-names)"
        );
    }
    on.names = lists.is_some();
    let mut det = detect::Detector::new(scan::today()).with(on);
    let mut digest = Digest::default();
    if let Some((lists, hash)) = lists {
        det = det.with_names(lists);
        digest.names = Some(hash);
    }
    if let Some((r, path, hash)) = crate::rules::load(rules)? {
        det = det.with_rules(r);
        digest.rules = Some((path, hash));
    }
    Ok((det, digest))
}

/// Which name lists and rules file a detector was built with.
#[derive(Default)]
pub struct Digest {
    pub names: Option<blake3::Hash>,
    pub rules: Option<(PathBuf, blake3::Hash)>,
}

impl Digest {
    pub fn to_hex(&self) -> String {
        let hex = |h: Option<&blake3::Hash>| h.map_or("-".into(), |h| h.to_hex().to_string());
        format!(
            "{}/{}",
            hex(self.names.as_ref()),
            hex(self.rules.as_ref().map(|r| &r.1))
        )
    }
}
