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
mod config;
mod detector;
mod key;
mod lang;
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
  2  usage error or fatal error (bad arguments, missing path, unusable key file or one that
     others may read)
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

    /// The configuration file [default: $DATAVAKT_CONFIG, else
    /// $XDG_CONFIG_HOME/datavakt/config.toml or ~/.config/datavakt/config.toml if there is one].
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<std::path::PathBuf>,
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
    /// Show the settings in effect for a subcommand and where each comes from.
    #[command(after_help = CONFIG_HELP)]
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
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

const CONFIG_HELP: &str = "\
The configuration file holds long options as keys: at the top for every subcommand that has
the option, in a table for one subcommand. The command line wins over it; $DATAVAKT_DB and
the other variables are used when neither gives the option.

  db = \"/srv/datavakt/scans.db\"
  [scan]
  min-confidence = \"low\"
  exclude = [\"*.log\", \"Backup/\"]
  no-names = true
  [findings.list]
  min-severity = \"high\"

Examples:
  datavakt config show scan
  datavakt config show findings list
  datavakt --config ./datavakt.toml config show report";

#[derive(Subcommand)]
enum ConfigAction {
    /// Print every option of SUBCOMMAND with its value in effect and where it comes from.
    Show {
        /// The subcommand, e.g. `scan` or `findings list` [default: scan].
        #[arg(value_name = "SUBCOMMAND", default_values_t = ["scan".to_string()])]
        subcommand: Vec<String>,
    },
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
    let argv = match config::apply(std::env::args_os().collect()) {
        Ok(argv) => argv,
        Err(msg) => {
            eprintln!("datavakt: error: {msg}");
            return ExitCode::from(2);
        }
    };
    let cli = Cli::parse_from(argv);
    let result = match cli.command {
        Command::Scan(args) => cmd_scan::run(args),
        Command::Rules(args) => cmd_rules::run(args),
        Command::Findings(args) => cmd_findings::run(args).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => cmd_report::run(args).map(|()| ExitCode::SUCCESS),
        Command::Schema(args) => cmd_schema::run(args),
        Command::Completions(args) => cmd_completions::completions(args),
        Command::Man => cmd_completions::man(),
        Command::Config {
            action: ConfigAction::Show { subcommand },
        } => config::show(cli.config.as_deref(), &subcommand).map(|text| {
            print!("{text}");
            ExitCode::SUCCESS
        }),
    };
    match result {
        Ok(code) => code,
        Err(msg) => {
            eprintln!("datavakt: error: {msg}");
            ExitCode::from(2)
        }
    }
}
