//! `datavakt __extract-worker` (hidden): the extraction worker process that `scan` starts for
//! each scanning thread (see `crates/scan/src/worker.rs`).

use std::process::ExitCode;

/// Its arguments: a command line of its own, not a subcommand of `datavakt`'s (so that no
/// completion or manual page offers it).
#[derive(clap::Parser)]
#[command(name = "datavakt __extract-worker")]
pub struct WorkerArgs {
    #[arg(long)]
    pub memory: u64,
    #[arg(long)]
    pub max_depth: u32,
    #[arg(long)]
    pub max_item_bytes: u64,
    #[arg(long)]
    pub max_expanded_bytes: u64,
    #[arg(long)]
    pub max_ratio: u64,
    #[arg(long)]
    pub ocr: Option<String>,
    /// Tell what holds an item (OCR, unpacking), for the scan's progress line.
    #[arg(long)]
    pub phases: bool,
}

pub fn run(w: WorkerArgs) -> ExitCode {
    let limits = extract::Limits {
        max_depth: w.max_depth,
        max_item_bytes: w.max_item_bytes,
        max_expanded_bytes: w.max_expanded_bytes,
        max_ratio: w.max_ratio,
        ocr_languages: w.ocr,
    };
    match scan::worker::serve(limits, w.memory, w.phases) {
        Ok(()) => ExitCode::SUCCESS,
        Err(_) => ExitCode::from(2),
    }
}
