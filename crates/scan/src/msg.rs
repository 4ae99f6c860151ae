//! What scanning threads tell the writer: batches of messages over a bounded channel.

use std::sync::mpsc::SyncSender;
use std::sync::Arc;
use std::time::{Duration, Instant};

use detect::Confidence;

use crate::source::Walked;

/// A finding ready for the writer: masked, fingerprinted, located.
pub(crate) struct FindingOut {
    pub path: String,
    pub location: String,
    /// An identity number's kind, or `encrypted-archive` and the like.
    pub kind: &'static str,
    pub confidence: Confidence,
    pub masked: String,
    /// Keyed fingerprint of the value; `None` for findings without one (encrypted archives).
    pub fingerprint: Option<String>,
    /// Only with `--show-values`.
    pub value: Option<String>,
    pub variant: Option<&'static str>,
    /// For recordings and camera photos.
    pub media: Option<extract::media::Media>,
}

/// Records other than findings go out as the model's types.
pub(crate) enum Record {
    Finding(FindingOut),
    /// An error, a skipped item or a warning.
    Other(model::Other<'static>),
    /// What a web server answered for one URL.
    Url(model::Url<'static>),
}

impl Record {
    pub(crate) fn other(kind: model::OtherKind, path: String, reason: String) -> Record {
        Record::Other(model::Other {
            path: path.into(),
            location: None,
            kind,
            reason: reason.into(),
        })
    }
}

/// Who can read an item (found values in it masked), and its JSON as the scan database keeps
/// it: made once by the scanning thread, used typed by the writer.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Exposed {
    pub value: Arc<model::Exposure>,
    pub json: Arc<str>,
}

impl Exposed {
    pub(crate) fn new(value: model::Exposure) -> Exposed {
        let json = serde_json::to_string(&value).unwrap_or_default().into();
        Exposed {
            value: Arc::new(value),
            json,
        }
    }
}

/// The end of one item.
pub(crate) enum Outcome {
    Text {
        bytes: u64,
    },
    Binary {
        bytes: u64,
    },
    /// Not read: unchanged since the last scan.
    Unchanged,
    /// Read and hashed, and found to be a copy of an item read before.
    Copy {
        bytes: u64,
    },
    Skipped,
    Error,
}

pub(crate) enum Msg {
    Records(Vec<Record>),
    /// Time spent reading one image or scanned page with OCR.
    Ocr(Duration),
    /// An item read to its end: a file with its state and (when read whole) content hash, or
    /// a folder whose name was read. Sent after the item's findings.
    Read {
        path: String,
        meta: Option<store::Meta>,
        hash: Option<String>,
    },
    /// An item that was not read to its end (an error): its findings so far are all there
    /// will be.
    Unfinished(String),
    /// A file that did not change since the scan database last read it, and who can read it
    /// now.
    Unchanged {
        path: String,
        exposure: Option<Arc<Exposed>>,
    },
    /// Who can read an item, sent before its findings.
    Exposure {
        path: String,
        exposure: Arc<Exposed>,
    },
    /// A new or changed file whose content is that of `original`, read before.
    Copy {
        path: String,
        meta: store::Meta,
        hash: String,
        original: String,
    },
    Done(Outcome),
    /// No message came for a while: the writer's own, to redraw the progress line while an
    /// item holds every thread (OCR, a large archive).
    Tick,
    /// The walk of a root ended (its stored form, and what the walk can say of the items it
    /// did not meet; places in `unread` stored too).
    Ended {
        root: String,
        walked: Walked,
    },
}

/// A worker's messages, sent to the writer in batches: one wake-up per batch, not per file.
/// A batch is sent at 256 messages or 1,024 records, whichever comes first: the channel holds
/// a bounded number of batches, and so a bounded number of findings while the writer is
/// behind (at 256 parts of 1,024 findings a batch, a file of 900,000 findings waited in it
/// whole, 600 MB).
pub(crate) struct Outbox {
    tx: SyncSender<Vec<Msg>>,
    batch: Vec<Msg>,
    /// Records in the batch.
    records: usize,
    since: Instant,
}

impl Outbox {
    const SIZE: usize = 256;
    const RECORDS: usize = 1024;
    /// Keeps the progress display and the output moving on slow items.
    const AGE: Duration = Duration::from_millis(100);

    pub(crate) fn new(tx: SyncSender<Vec<Msg>>) -> Outbox {
        Outbox {
            tx,
            batch: Vec::with_capacity(Self::SIZE),
            records: 0,
            since: Instant::now(),
        }
    }

    /// Queues a message; `Err` when the writer is gone.
    pub(crate) fn send(&mut self, msg: Msg) -> Result<(), ()> {
        if let Msg::Records(r) = &msg {
            self.records += r.len();
        }
        self.batch.push(msg);
        if self.batch.len() >= Self::SIZE
            || self.records >= Self::RECORDS
            || self.since.elapsed() >= Self::AGE
        {
            return self.flush();
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), ()> {
        self.since = Instant::now();
        self.records = 0;
        if self.batch.is_empty() {
            return Ok(());
        }
        let batch = std::mem::replace(&mut self.batch, Vec::with_capacity(Self::SIZE));
        self.tx.send(batch).map_err(|_| ())
    }
}

impl Drop for Outbox {
    fn drop(&mut self) {
        // The writer may already be gone (closed pipe); nothing is lost that could be shown.
        let _ = self.flush();
    }
}
