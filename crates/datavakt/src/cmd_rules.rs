//! `datavakt rules list|test`: every detector with its settings, and what each finds in a
//! sample.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;

pub const RULES_HELP: &str = "\
A rules file (TOML) adds your own detectors and tunes the built-in ones:

  [detector.dk-cpr]
  exceptions = [\"010190-1238\"]      # known test numbers: never reported
  context = [\"kundenr\"]             # more words that label the kind
  [detector.email]
  enabled = false
  [[rule]]
  id = \"employee-number\"
  kind = \"employee-number\"
  category = \"identifier\"          # identifier | health | contact | financial | other
  sensitivity = \"medium\"           # the confidence of its findings
  regex = '\\bEMP-(\\d{7})\\b'
  validator = \"luhn\"               # luhn | mod11 | mod97 | iban
  context = [\"anställningsnr\"]

Rules may also be word lists (words = [...]) and compositions (all_of, any_of,
none_of = [rule ids or built-in kinds], within = N bytes). The file is --rules FILE,
else $DATAVAKT_RULES, else ~/.config/datavakt/rules.toml if it exists. A mistake in it
stops datavakt at start with the file, line and column.

Examples:
  datavakt rules list --rules rules.toml
  datavakt rules test --rules rules.toml sample.txt
  echo 'Anställningsnr EMP-1234566' | datavakt rules test --rules rules.toml -";

#[derive(clap::Args)]
pub struct RulesArgs {
    #[command(subcommand)]
    action: RulesAction,
    /// The rules file [default: $DATAVAKT_RULES, else ~/.config/datavakt/rules.toml].
    #[arg(long, global = true, value_name = "FILE")]
    rules: Option<PathBuf>,
    /// The name lists [default: $DATAVAKT_NAMES, else the data directory].
    #[arg(long, global = true, value_name = "FILE")]
    names: Option<PathBuf>,
}

#[derive(Subcommand)]
pub enum RulesAction {
    /// Show every built-in detector with its settings, and every rule.
    List,
    /// Show what each detector and rule finds in a sample file ('-': standard input) and
    /// why: the validation, the context, and the rule matches turned away.
    Test {
        #[arg(value_name = "FILE")]
        sample: PathBuf,
        /// Show the found values in clear text (sensitive).
        #[arg(long)]
        show_values: bool,
    },
}

pub fn run(args: RulesArgs) -> Result<ExitCode, String> {
    let on = detect::Detectors::default();
    let (det, digest) =
        crate::detector::detector(on, args.names.as_deref(), args.rules.as_deref(), true)?;
    let origin = digest.rules.map(|r| r.0);
    let text = match args.action {
        RulesAction::List => {
            let names = crate::names::load(args.names.as_deref())?.is_some();
            crate::rules::list(&det, origin.as_deref(), names)
        }
        RulesAction::Test {
            sample,
            show_values,
        } => crate::rules::test(&det, &sample, show_values)?,
    };
    // A closed pipe (`| head`) is not an error.
    use std::io::Write;
    let _ = std::io::stdout().write_all(text.as_bytes());
    Ok(ExitCode::SUCCESS)
}
