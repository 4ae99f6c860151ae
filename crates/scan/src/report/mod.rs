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
    /// The reporter of this format, writing to `out`; `quiet`: no summary, no warnings;
    /// `details`: the human report lists every finding, not a line per item.
    pub fn reporter<W: Write + Send + 'static>(
        self,
        out: W,
        quiet: bool,
        color: bool,
        details: bool,
    ) -> Box<dyn Reporter + Send> {
        match self {
            Format::Human => Box::new(Human::new(out, quiet, color, details)),
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

#[cfg(test)]
mod tests {
    use std::borrow::Cow;

    use model::{Audience, Confidence, Exposure, IsoTime, Media, OtherKind, Severity, Status};

    use super::*;

    fn exposure() -> Exposure {
        Exposure {
            audience: Audience::Group,
            principals: vec!["group:hr".into()],
            size: Some(3),
            transport: model::Transport::Local,
            via: "mode 0640".into(),
            listed_by: None,
        }
    }

    fn finding<'a>(e: &'a Exposure, why: &'a [String]) -> Finding<'a> {
        Finding {
            path: "/srv/hr/a.csv".into(),
            location: Some("line 2".into()),
            kind: "dk-cpr".into(),
            confidence: Confidence::High,
            masked: "010190-****".into(),
            fingerprint: Some("hmac-sha256:5f".into()),
            value: None,
            variant: None,
            media: Media::default(),
            status: Status::Open,
            resolution: None,
            first_seen: IsoTime(0),
            exposure: Some(Cow::Borrowed(e)),
            severity: Some(Severity::High),
            score: Some(7),
            why: Some(Cow::Borrowed(why)),
        }
    }

    fn other() -> Other<'static> {
        Other {
            path: "/srv/hr/b.pdf".into(),
            location: None,
            kind: OtherKind::Error,
            reason: "pdf: corrupt".into(),
        }
    }

    /// Feeds one finding and one error to a reporter, and ends it.
    fn feed(r: &mut dyn Reporter, members: Option<&str>) {
        let e = exposure();
        let why = vec!["because".to_string()];
        let f = finding(&e, &why);
        r.begin().unwrap();
        r.record(&Out::Finding {
            finding: &f,
            item_json: members,
        })
        .unwrap();
        r.record(&Out::Other(&other())).unwrap();
        r.end(&Summary::default()).unwrap();
    }

    #[test]
    fn json_lines_are_records_of_the_contract_and_splice_the_items_members_unchanged() {
        let mut plain = Vec::new();
        feed(&mut Jsonl::new(&mut plain, true), None);
        let text = String::from_utf8(plain).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        let back: model::Record = serde_json::from_str(lines[0]).unwrap();
        let e = exposure();
        let why = vec!["because".to_string()];
        assert_eq!(back, model::Record::Finding(finding(&e, &why).into_owned()));
        assert!(lines[1].contains(r#""kind":"error""#));
        assert!(lines[2].contains(r#""kind":"summary""#));
        // The same members, serialised once per item and spliced in, give the same line.
        let members = r#","exposure":{"audience":"group","principals":["group:hr"],"size":3,"transport":"local","via":"mode 0640"},"severity":"high","score":7,"why":["because"]"#;
        let mut spliced = Vec::new();
        feed(&mut Jsonl::new(&mut spliced, true), Some(members));
        assert_eq!(String::from_utf8(spliced).unwrap(), text);
    }

    #[test]
    fn one_json_document_holds_findings_other_records_and_the_summary() {
        let mut out = Vec::new();
        feed(&mut Json::new(&mut out, true), None);
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["findings"][0]["masked"], "010190-****");
        assert_eq!(v["other"][0]["reason"], "pdf: corrupt");
        assert_eq!(v["summary"]["kind"], "summary");
    }

    #[test]
    fn csv_has_a_header_and_a_row_per_record() {
        let mut out = Vec::new();
        feed(&mut Csv::new(&mut out, true), None);
        let text = String::from_utf8(out).unwrap();
        let rows: Vec<&str> = text.lines().collect();
        assert_eq!(rows.len(), 3, "{text}");
        assert!(rows[0].starts_with("kind,path,location,confidence"));
        assert_eq!(
            rows[1],
            "dk-cpr,/srv/hr/a.csv,line 2,high,010190-****,hmac-sha256:5f,,,,open,,\
             1970-01-01T00:00:00Z,group (mode 0640),high"
        );
        assert!(rows[2].starts_with("error,/srv/hr/b.pdf,,"));
        assert!(rows[2].contains("pdf: corrupt"));
    }

    #[test]
    fn the_human_report_names_the_item_once_then_its_findings_and_sums_up() {
        let mut out = Vec::new();
        feed(&mut Human::new(&mut out, false, false, true), None);
        let text = String::from_utf8(out).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "/srv/hr/a.csv  high  readable by: group (mode 0640)"
        );
        assert_eq!(lines[1], "  why: because");
        assert!(lines[2].contains("dk-cpr") && lines[2].contains("010190-****"));
        assert!(text.contains("Scanned 0 files"), "{text}");
        assert!(text.contains("No identity numbers found."));
        // Errors go to stderr, not into the report.
        assert!(!text.contains("pdf: corrupt"));
    }
}
