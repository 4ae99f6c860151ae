//! One JSON document: `{"findings":[…],"other":[…],"summary":{…}}`; findings are written as
//! they come, the other records kept for the end.

use std::io::{self, Write};

use model::Summary;

use super::{finding_json, json_err, Out, Reporter};

/// One JSON document.
pub struct Json<W: Write> {
    out: W,
    quiet: bool,
    findings: u64,
    /// Errors, skipped items, warnings and URLs, written after the findings.
    other: Vec<serde_json::Value>,
    scratch: Vec<u8>,
}

impl<W: Write> Json<W> {
    pub fn new(out: W, quiet: bool) -> Json<W> {
        Json {
            out,
            quiet,
            findings: 0,
            other: Vec::new(),
            scratch: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Json<W> {
    fn begin(&mut self) -> io::Result<()> {
        self.out.write_all(b"{\"findings\":[")
    }

    fn record(&mut self, r: &Out<'_>) -> io::Result<()> {
        let other = match r {
            Out::Finding { finding, item_json } => {
                if self.findings > 0 {
                    self.out.write_all(b",")?;
                }
                self.findings += 1;
                return finding_json(&mut self.out, &mut self.scratch, finding, *item_json);
            }
            Out::Other(o) => serde_json::to_value(o),
            Out::Url(u) => serde_json::to_value(u),
        };
        self.other.push(other.map_err(json_err)?);
        Ok(())
    }

    fn end(&mut self, s: &Summary) -> io::Result<()> {
        self.out.write_all(b"],\"other\":")?;
        serde_json::to_writer(&mut self.out, &self.other).map_err(json_err)?;
        self.out.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut self.out, s).map_err(json_err)?;
        self.out.write_all(b"}\n")?;
        if !self.quiet {
            super::human::write_summary(&mut io::stderr(), s)?;
        }
        self.out.flush()
    }

    fn json(&self) -> bool {
        true
    }
}
