//! Sources: where items come from. A source walks what it was given (a file tree, a web
//! server, a share) and hands every item it meets to a [`Scanner`]; the pipeline does the
//! rest (names, unchanged and copied items, extraction, detection, masking, the writer).
//!
//! To add a source: implement [`Source`] in a file of its own (see `web.rs`, the smallest)
//! and register it where the binary turns its arguments into sources (`cmd_scan.rs`).

use std::io::Read;
use std::path::PathBuf;

pub mod local;
pub mod stdin;
pub mod web;

/// One thread's handle on the pipeline: a source hands it each item it meets. The pipeline
/// gives one to each thread a source uses (it keeps the thread's extraction worker, caches
/// and batch of messages for the writer).
pub trait Scanner: Send {
    /// Scans one item; false when the scan is over (the writer is gone): stop walking.
    fn item(&mut self, item: Item) -> bool;

    /// A place the source could not read (a folder it could not list, a server that did not
    /// answer); false when the scan is over.
    fn error(&mut self, at: Option<&Locator>, reason: &str) -> bool;

    /// Something the source does not read (a link not followed, a device), and why.
    fn skipped(&mut self, at: &Locator, reason: &str) -> bool;
}

/// Makes a [`Scanner`] for each thread of a source.
pub type Scanners<'s> = dyn Fn() -> Box<dyn Scanner + 's> + Sync + 's;

/// A source of items.
pub trait Source: Sync {
    /// The roots it walks, as the user named them (unmasked): the scan database knows items
    /// under them, and what it knows decides what is unchanged.
    fn roots(&self) -> Vec<Locator>;

    /// Walks everything, handing each item to a scanner; `scanner` makes one for each
    /// thread the source uses (a scanner is not shared between threads). Returns how each
    /// root's walk ended. Stops early when a scanner says the scan is over (`false`).
    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End>;

    /// How many files and bytes it holds, counted quickly for the progress line (adding to
    /// `totals` as it goes); `false` when it cannot tell before walking (a crawl).
    fn count(&self, totals: &crate::progress::Totals) -> bool {
        let _ = totals;
        false
    }
}

/// How the walk of one root ended: decides whether the items the scan database knows under
/// it, and that the walk did not meet, are gone.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct End {
    /// The root as [`Source::roots`] named it.
    pub root: Locator,
    pub walked: Walked,
}

/// What a walk can say about the items it did not meet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Walked {
    /// It met every item it could reach (no error, no limit): an item not met is gone,
    /// unless it lies under one of `unread` (places behind a password it could not pass).
    Complete { unread: Vec<String> },
    /// It met what it could reach, but some of it could not be read (errors, reported on
    /// their own): nothing under the root is judged gone.
    Incomplete,
    /// It did not cover the root (the root could not be reached or read, a limit stopped
    /// it, the server went away), for `reason`: the scan is incomplete, says so and exits
    /// with its own code; nothing under the root is judged gone.
    CutShort { reason: String },
    /// It cannot tell, but each item can be looked for where it was (a file system): an
    /// item not met is gone when it is not there any more.
    LookEach,
}

/// Where an item is, as its source names it (unmasked; the pipeline masks what it shows and
/// stores).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Locator {
    /// A file or folder of a local file system (or a mounted share).
    Path(PathBuf),
    /// An item reached by a URL (`http`, `https`, `smb`), or named by its caller (an item
    /// held in memory); `name`, when given, is its last part, looked at for values like a
    /// file's name (a share's file names; a web server's URLs are not).
    Url { url: String, name: Option<String> },
    /// Standard input: read, never remembered.
    Stdin,
}

/// One thing a source met.
pub struct Item {
    pub locator: Locator,
    /// A folder is read for its name only.
    pub folder: bool,
    /// Who can read it, judged by the source.
    pub exposure: Option<model::Exposure>,
    /// What a web server answered for it: reported before anything else.
    pub answer: Option<model::Url<'static>>,
    /// What is worth knowing about it (reported as warnings).
    pub notes: Vec<String>,
    /// Its state (size, times, identity) when the source can tell: the scan database reads
    /// again only what changed.
    pub meta: Option<store::Meta>,
    pub body: Body,
}

/// An item's content.
pub enum Body {
    /// Nothing to read: a folder, or what is behind a password.
    Nothing,
    /// It could not be read: why.
    Error(String),
    /// Held in memory.
    Bytes { data: Vec<u8>, part: Part },
    /// A local file, opened read-only when it must be read (not when the scan database says
    /// it did not change).
    File,
    /// A stream, read once.
    Stream(Box<dyn Read + Send>),
}

/// How much of an item a [`Body::Bytes`] holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// All of it: hashed, to know copies.
    Whole,
    /// Its head, which says all there is to say (a recording): not hashed.
    Head,
    /// Its start only: what lies beyond is not known, so its findings are not all.
    Truncated,
}

impl Item {
    /// An item with nothing but a place and a body.
    pub fn new(locator: Locator, body: Body) -> Item {
        Item {
            locator,
            folder: false,
            exposure: None,
            answer: None,
            notes: Vec::new(),
            meta: None,
            body,
        }
    }
}
