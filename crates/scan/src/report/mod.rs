//! Reporters: how a scan's records are printed. One file per format; the writer hands each
//! record to the scan's reporter as its item completes.
//!
//! To add a format: a file here with a type that implements [`Reporter`], a variant of
//! [`Format`] and its line in [`Format::reporter`].

use std::io::{self, Write};

use model::{Finding, Other, Summary, Url};

mod csv;
pub mod human;
mod json;
mod jsonl;

pub use self::csv::Csv;
pub use human::Human;
pub use json::Json;
pub use jsonl::Jsonl;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// For people: items by severity, then the summary.
    Human,
    /// One JSON object per line (the output contract).
    Jsonl,
    /// One JSON document `{"findings":[…],"other":[…],"summary":{…}}`.
    Json,
    /// A header row and one row per record.
    Csv,
}

impl Format {
    /// The reporter of this format, writing to `out`; `quiet`: no summary, no warnings.
    pub fn reporter<W: Write + Send + 'static>(
        self,
        out: W,
        quiet: bool,
        color: bool,
    ) -> Box<dyn Reporter + Send> {
        match self {
            Format::Human => Box::new(Human::new(out, quiet, color)),
            Format::Jsonl => Box::new(Jsonl::new(out, quiet)),
            Format::Json => Box::new(Json::new(out, quiet)),
            Format::Csv => Box::new(Csv::new(out, quiet)),
        }
    }
}

/// One record for a reporter.
pub enum Out<'a> {
    /// A finding with its item's exposure and severity; `item_json`, when given, is those
    /// members already serialised (`,"exposure":…,"why":[…]`), made once per item.
    Finding {
        finding: &'a Finding<'a>,
        item_json: Option<&'a str>,
    },
    Other(&'a Other<'a>),
    Url(&'a Url<'a>),
}

/// Prints a scan's records.
pub trait Reporter {
    /// Before the first record.
    fn begin(&mut self) -> io::Result<()> {
        Ok(())
    }

    fn record(&mut self, r: &Out<'_>) -> io::Result<()>;

    /// After the last record: the summary.
    fn end(&mut self, summary: &Summary) -> io::Result<()>;

    /// Findings are wanted most severe item first, at the end (the human report), rather
    /// than as items complete.
    fn by_severity(&self) -> bool {
        false
    }

    /// It writes JSON, so items' members are worth serialising once ([`Out::Finding`]).
    fn json(&self) -> bool {
        false
    }
}

/// Keeps the kind of an I/O error inside a JSON error, so a closed pipe stays one.
pub(crate) fn json_err(e: serde_json::Error) -> io::Error {
    match e.io_error_kind() {
        Some(kind) => io::Error::from(kind),
        None => io::Error::other(e),
    }
}

/// A finding as one JSON object, with its item's members spliced in when given.
/// `scratch` is a buffer kept between findings.
pub(crate) fn finding_json(
    out: &mut impl Write,
    scratch: &mut Vec<u8>,
    f: &Finding,
    item_json: Option<&str>,
) -> io::Result<()> {
    let Some(members) = item_json else {
        return serde_json::to_writer(out, f).map_err(json_err);
    };
    // The item's members are written after the finding's own, as they are.
    let own = Finding {
        exposure: None,
        severity: None,
        score: None,
        why: None,
        ..f.clone()
    };
    scratch.clear();
    serde_json::to_writer(&mut *scratch, &own).map_err(json_err)?;
    scratch.pop(); // the closing brace
    out.write_all(scratch)?;
    out.write_all(members.as_bytes())?;
    out.write_all(b"}")
}

/// Who can read a finding's item, in words: `group (mode 0640)`.
pub(crate) fn audience(f: &Finding) -> Option<String> {
    let e = f.exposure.as_deref()?;
    let audience = e.audience.name();
    Some(if e.via.is_empty() {
        audience.to_string()
    } else {
        format!("{audience} ({})", e.via)
    })
}
