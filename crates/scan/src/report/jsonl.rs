//! JSON Lines: one record per line, the output contract (`datavakt schema`).

use std::io::{self, Write};

use model::Summary;

use super::{finding_json, json_err, Out, Reporter};

/// One JSON object per line; the summary last, and in words on stderr unless quiet.
pub struct Jsonl<W: Write> {
    out: W,
    quiet: bool,
    /// A finding's JSON, made before its item's members are spliced in.
    scratch: Vec<u8>,
}

impl<W: Write> Jsonl<W> {
    pub fn new(out: W, quiet: bool) -> Jsonl<W> {
        Jsonl {
            out,
            quiet,
            scratch: Vec::new(),
        }
    }
}

impl<W: Write> Reporter for Jsonl<W> {
    fn record(&mut self, r: &Out<'_>) -> io::Result<()> {
        match r {
            Out::Finding { finding, item_json } => {
                finding_json(&mut self.out, &mut self.scratch, finding, *item_json)?
            }
            Out::Other(o) => serde_json::to_writer(&mut self.out, o).map_err(json_err)?,
            Out::Url(u) => serde_json::to_writer(&mut self.out, u).map_err(json_err)?,
        }
        self.out.write_all(b"\n")
    }

    fn end(&mut self, s: &Summary) -> io::Result<()> {
        serde_json::to_writer(&mut self.out, s).map_err(json_err)?;
        self.out.write_all(b"\n")?;
        if !self.quiet {
            super::human::write_summary(&mut io::stderr(), s)?;
        }
        self.out.flush()
    }

    fn json(&self) -> bool {
        true
    }
}
