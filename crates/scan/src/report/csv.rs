//! CSV: a header row, then one row per record (findings and the other records alike), for a
//! spreadsheet.

use std::io::{self, Write};

use model::Summary;

use super::{audience, Out, Reporter};

const HEADER: [&str; 14] = [
    "kind",
    "path",
    "location",
    "confidence",
    "masked",
    "fingerprint",
    "value",
    "variant",
    "reason",
    "status",
    "resolution",
    "first_seen",
    "audience",
    "severity",
];

/// CSV rows.
pub struct Csv<W: Write> {
    out: csv::Writer<W>,
    quiet: bool,
    header: bool,
}

impl<W: Write> Csv<W> {
    pub fn new(out: W, quiet: bool) -> Csv<W> {
        Csv {
            out: csv::Writer::from_writer(out),
            quiet,
            header: false,
        }
    }
}

impl<W: Write> Reporter for Csv<W> {
    fn begin(&mut self) -> io::Result<()> {
        self.header = true;
        self.out.write_record(HEADER).map_err(io::Error::from)
    }

    fn record(&mut self, r: &Out<'_>) -> io::Result<()> {
        let row: [String; 14] = match r {
            Out::Finding { finding: f, .. } => [
                f.kind.to_string(),
                f.path.to_string(),
                f.location.as_deref().unwrap_or_default().into(),
                f.confidence.name().into(),
                f.masked.to_string(),
                f.fingerprint.as_deref().unwrap_or_default().into(),
                f.value.as_deref().unwrap_or_default().into(),
                f.variant.as_deref().unwrap_or_default().into(),
                String::new(),
                f.resolution.map_or(f.status.name(), |_| "resolved").into(),
                f.resolution.map(|r| r.name()).unwrap_or_default().into(),
                f.first_seen.to_string(),
                audience(f).unwrap_or_default(),
                f.severity.map(|s| s.name()).unwrap_or_default().into(),
            ],
            Out::Other(o) => [
                o.kind.name().into(),
                o.path.to_string(),
                o.location.as_deref().unwrap_or_default().into(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                o.reason.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            Out::Url(u) => {
                let mut what = u.status.map_or("no answer".into(), |s| format!("HTTP {s}"));
                if u.protected {
                    what.push_str(", needs credentials");
                }
                if let Some(l) = &u.listed_by {
                    what.push_str(&format!(", listed by {l}"));
                }
                [
                    "url".into(),
                    u.path.to_string(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    String::new(),
                    what,
                    String::new(),
                    String::new(),
                    String::new(),
                    u.transport.name().into(),
                    String::new(),
                ]
            }
        };
        self.out.write_record(&row).map_err(io::Error::from)
    }

    fn end(&mut self, s: &Summary) -> io::Result<()> {
        self.out.flush()?;
        if !self.quiet {
            super::human::write_summary(&mut io::stderr(), s)?;
        }
        Ok(())
    }
}
