//! `datavakt completions SHELL` and `datavakt man`: shell completions and the manual page,
//! generated from the same argument definitions as `--help`.

use std::io::{self, Write};
use std::process::ExitCode;

use clap::{Args, CommandFactory, ValueEnum};

pub const COMPLETIONS_HELP: &str = "\
Examples:
  datavakt completions bash > ~/.local/share/bash-completion/completions/datavakt
  datavakt completions zsh > ~/.zfunc/_datavakt          (with fpath+=(~/.zfunc) in .zshrc)
  datavakt completions fish > ~/.config/fish/completions/datavakt.fish
  datavakt completions powershell >> $PROFILE";

pub const MAN_HELP: &str = "\
Examples:
  datavakt man | man -l -
  datavakt man > /usr/local/share/man/man1/datavakt.1";

/// `datavakt completions`.
#[derive(Args)]
pub struct CompletionsArgs {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

#[derive(Clone, Copy, ValueEnum)]
enum Shell {
    Bash,
    Zsh,
    Fish,
    Powershell,
}

pub fn completions(args: CompletionsArgs) -> Result<ExitCode, String> {
    let shell = match args.shell {
        Shell::Bash => clap_complete::Shell::Bash,
        Shell::Zsh => clap_complete::Shell::Zsh,
        Shell::Fish => clap_complete::Shell::Fish,
        Shell::Powershell => clap_complete::Shell::PowerShell,
    };
    let mut cmd = crate::Cli::command();
    let mut out = Vec::new();
    clap_complete::generate(shell, &mut cmd, "datavakt", &mut out);
    crate::cmd_findings::written(io::stdout().lock().write_all(&out)).map(|()| ExitCode::SUCCESS)
}

pub fn man() -> Result<ExitCode, String> {
    let mut out = Vec::new();
    clap_mangen::Man::new(crate::Cli::command())
        .render(&mut out)
        .map_err(|e| format!("cannot render the manual page: {e}"))?;
    crate::cmd_findings::written(io::stdout().lock().write_all(&out)).map(|()| ExitCode::SUCCESS)
}
