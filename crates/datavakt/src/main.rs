//! The `datavakt` command line.

//!
//! Argument parsing and one file per subcommand (`cmd_*.rs`); the pipeline is the library
//! `crates/scan`.

mod args;
mod cmd_completions;
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
pub struct Cli {
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
    /// Print shell completions (bash, zsh, fish, powershell).
    #[command(after_help = cmd_completions::COMPLETIONS_HELP)]
    Completions(cmd_completions::CompletionsArgs),
    /// Print the manual page (roff).
    #[command(after_help = cmd_completions::MAN_HELP)]
    Man,
}

/// `datavakt --version`: the version, and which optional parts this build and this machine
/// have (asked of the machine only then: it runs `tesseract`).
fn long_version() -> String {
    let smb = if cfg!(feature = "smb") {
        "smb:// shares (libsmbclient)"
    } else {
        "no smb:// shares (built without the smb feature)"
    };
    let langs = extract::ocr::languages();
    let ocr = if langs.is_empty() {
        "no OCR (tesseract not found)".to_string()
    } else {
        format!("OCR with tesseract: {}", langs.join(" "))
    };
    let pdf = if extract::ocr::pdf_renderer_available() {
        "scanned PDF pages (pdftoppm)"
    } else {
        "no scanned PDF pages (pdftoppm not found)"
    };
    format!(
        "datavakt {}\n  {smb}\n  {ocr}\n  {pdf}",
        env!("CARGO_PKG_VERSION")
    )
}

fn main() -> ExitCode {
    // `--version` says more than `-V`; clap's own would look for OCR on every run.
    let mut args = std::env::args_os().skip(1);
    match (args.next(), args.next()) {
        (Some(v), None) if v == "--version" => {
            println!("{}", long_version());
            return ExitCode::SUCCESS;
        }
        // The extraction worker that `scan` starts: internal, so not among the subcommands.
        (Some(w), _) if w == "__extract-worker" => {
            use clap::Parser as _;
            let w = cmd_worker::WorkerArgs::parse_from(std::env::args_os().skip(1));
            return cmd_worker::run(w);
        }
        _ => {}
    }
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Scan(args) => cmd_scan::run(args),
        Command::Rules(args) => cmd_rules::run(args),
        Command::Findings(args) => cmd_findings::run(args).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => cmd_report::run(args).map(|()| ExitCode::SUCCESS),
        Command::Schema(args) => cmd_schema::run(args),
        Command::Completions(args) => cmd_completions::completions(args),
        Command::Man => cmd_completions::man(),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("datavakt: error: {msg}");
            ExitCode::from(2)
        }
    }
}
