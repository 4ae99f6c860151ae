//! A scan: every source on a thread of its own, one writer.

use std::sync::mpsc::sync_channel;

use detect::{Detector, Fingerprinter};

use crate::item::ItemScanner;
use crate::masking::{Folders, Masker};
use crate::msg::{Msg, Outbox};
use crate::options::{Ctx, Memory, Options};
use crate::report::Reporter;
use crate::source::{Scanner, Source, Walked};
use crate::writer;

/// The roots of `sources` as the scan database stores them: with found values in their
/// names masked, as the scan masks the items under them.
pub fn stored_roots(sources: &[&dyn Source], mask: &Masker) -> Vec<String> {
    let mut folders = Folders::default();
    sources
        .iter()
        .flat_map(|s| s.roots())
        .map(|r| folders.locator(mask, &r))
        .collect()
}

/// Runs a scan of `sources`, each on a thread of its own, into `db` (none: every finding is
/// new, nothing is kept), printing through `reporter`; returns the summary, or a fatal error.
#[allow(clippy::too_many_arguments)]
pub fn run(
    sources: &[&dyn Source],
    key: &[u8],
    opts: &Options,
    det: &Detector,
    db: Option<store::Store>,
    memory: &Memory,
    reporter: Box<dyn Reporter + Send>,
) -> Result<model::Summary, String> {
    let fp = Fingerprinter::new(key);
    let mask = Masker::new(det, &fp);
    // The progress line's totals, counted beside the scan, and what holds each scanning
    // thread: only when the line is shown.
    let shown = !opts.quiet && std::io::IsTerminal::is_terminal(&std::io::stderr());
    let totals = crate::progress::Totals::default();
    let ctx = Ctx {
        det,
        fp: &fp,
        mask: &mask,
        opts,
        memory,
        progress: shown.then_some(&totals),
    };
    let (tx, rx) = sync_channel::<Vec<Msg>>(64);
    std::thread::scope(|s| {
        let scanned_with = memory.scanned_with.as_str();
        let mask = &mask;
        let totals = &totals;
        if shown {
            for source in sources {
                totals.start();
                s.spawn(move || totals.finish(source.count(totals)));
            }
        }
        let writer =
            s.spawn(move || writer::write_all(rx, opts, db, scanned_with, mask, reporter, totals));
        for source in sources {
            let (ctx, tx) = (&ctx, tx.clone());
            s.spawn(move || {
                let make = || -> Box<dyn Scanner + '_> {
                    Box::new(ItemScanner::new(ctx, Outbox::new(tx.clone())))
                };
                let ends = source.walk(&make);
                let mut folders = Folders::default();
                let mut out = Outbox::new(tx);
                for end in ends {
                    let walked = match end.walked {
                        Walked::Complete { unread } => Walked::Complete {
                            unread: unread.iter().map(|u| mask.text(u).into_owned()).collect(),
                        },
                        Walked::CutShort { reason } => Walked::CutShort {
                            reason: mask.text(&reason).into_owned(),
                        },
                        w => w,
                    };
                    let root = folders.locator(mask, &end.root);
                    if out.send(Msg::Ended { root, walked }).is_err() {
                        return;
                    }
                }
            });
        }
        drop(tx);
        writer
            .join()
            .unwrap_or_else(|_| Err("the output thread failed".into()))
    })
}
