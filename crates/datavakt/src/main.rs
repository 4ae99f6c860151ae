//! The `datavakt` command line.

//!
//! Argument parsing and one file per subcommand (`cmd_*.rs`); the pipeline is the library
//! `crates/scan`.

mod args;
mod cmd_findings;
mod cmd_report;
mod cmd_rules;
mod cmd_scan;
mod cmd_schema;
mod cmd_worker;
mod detector;
mod key;
mod names;
mod paths;
mod rules;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A scan allocates many small texts on several threads at once (paths, findings, JSON);
/// mimalloc's per-thread heaps serve that with less time in the allocator than glibc's.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

const EXIT_CODES: &str = "\
Exit codes:
  0  the scan completed (unreadable items are reported, not fatal)
  1  the scan completed and found something, with --fail-on-findings (with --changes-only:
     something new)
  2  usage error or fatal error (bad arguments, missing path, unusable key file)
  3  the scan is incomplete: a root could not be reached or read, or its walk was cut short
     (a limit, a server that went away); the summary names them. Takes precedence over 1";

/// Datavakt finds personal data where it must not be: Nordic identity numbers (Danish CPR,
/// Swedish personnummer, Norwegian fødselsnummer, Finnish henkilötunnus, Icelandic kennitala)
/// in file shares, validated to the digit.
#[derive(Parser)]
#[command(name = "datavakt", version, after_help = EXIT_CODES)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and folders for identity numbers.
    #[command(after_help = format!("{}\n\n{EXIT_CODES}", cmd_scan::SCAN_HELP))]
    Scan(cmd_scan::ScanArgs),
    /// List the detectors and rules, or test them on a sample.
    #[command(after_help = cmd_rules::RULES_HELP)]
    Rules(cmd_rules::RulesArgs),
    /// List, show and mark the findings in the scan database (false positive, accepted).
    #[command(after_help = cmd_findings::HELP)]
    Findings(cmd_findings::FindingsArgs),
    /// Report on the scan database: findings by folder, kind, age and over scans (text,
    /// JSON, CSV, HTML); `report breach FOLDER` for a breach notification.
    #[command(after_help = cmd_report::HELP)]
    Report(cmd_report::ReportArgs),
    /// Print the JSON Schema of the records `scan --format jsonl` writes (the output
    /// contract), or of the JSON of `findings` and `report`.
    #[command(after_help = cmd_schema::HELP)]
    Schema(cmd_schema::SchemaArgs),
    /// Internal: the extraction worker process that `scan` starts.
    #[command(name = "__extract-worker", hide = true)]
    ExtractWorker(cmd_worker::WorkerArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cmd_scan::run(args),
        Command::Rules(args) => cmd_rules::run(args),
        Command::Findings(args) => cmd_findings::run(args).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => cmd_report::run(args).map(|()| ExitCode::SUCCESS),
        Command::Schema(args) => cmd_schema::run(args),
        Command::ExtractWorker(w) => return cmd_worker::run(w),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("datavakt: error: {msg}");
            ExitCode::from(2)
        }
    }
}
