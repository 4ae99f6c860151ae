//! The configuration file: `--config FILE`, else `$DATAVAKT_CONFIG`, else
//! `$XDG_CONFIG_HOME/datavakt/config.toml` (or `~/.config/datavakt/config.toml`) when it exists.
//! Its keys are the long options: at the top for every subcommand that has the option, in a
//! table for one subcommand (`[scan]`, `[findings]`, `[findings.list]`, `[report]`). The
//! command line wins: a setting is added to the arguments only when they do not give it.
//!
//! ```toml
//! db = "/srv/datavakt/scans.db"
//! [scan]
//! min-confidence = "low"
//! exclude = ["*.log", "Backup/"]
//! no-names = true
//! ```

use std::ffi::OsString;
use std::path::{Path, PathBuf};

use clap::parser::ValueSource;
use clap::{ArgAction, CommandFactory};

use crate::paths;

/// A configuration file read.
pub struct Config {
    pub path: PathBuf,
    text: String,
    table: toml::Table,
}

/// One setting for a subcommand: its key (a long option), value, and where it was written.
pub struct Setting {
    pub key: String,
    pub value: toml::Value,
    /// `FILE:LINE`.
    pub at: String,
}

/// The environment variables that stand for options (read by the commands themselves).
pub const ENV: &[(&str, &str)] = &[
    ("db", "DATAVAKT_DB"),
    ("key-file", "DATAVAKT_KEY_FILE"),
    ("policy", "DATAVAKT_POLICY"),
    ("rules", "DATAVAKT_RULES"),
    ("names", "DATAVAKT_NAMES"),
];

impl Config {
    /// The file `explicit`, else `$DATAVAKT_CONFIG`, else the default one if it exists;
    /// `None` when there is none. A file that cannot be read or parsed is an error.
    pub fn load(explicit: Option<&Path>) -> Result<Option<Config>, String> {
        let path = match paths::chosen(explicit, "DATAVAKT_CONFIG") {
            Some(p) => p,
            None => match paths::config_file("config.toml") {
                Some(p) if p.exists() => p,
                _ => return Ok(None),
            },
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read the configuration file {}: {e}", path.display()))?;
        let table = text.parse::<toml::Table>().map_err(|e| {
            let (line, col) = detect::toml_error::position(&text, e.span().map_or(0, |s| s.start));
            format!(
                "{}:{line}:{col}: {}",
                path.display(),
                e.message().trim().replace('\n', "; ")
            )
        })?;
        Ok(Some(Config { path, text, table }))
    }

    /// `FILE:LINE` of the first line that sets `key` (the file when none does).
    fn at(&self, key: &str) -> String {
        let line = self.text.lines().position(|l| {
            let l = l.trim_start();
            l.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with('='))
        });
        match line {
            Some(n) => format!("{}:{}", self.path.display(), n + 1),
            None => self.path.display().to_string(),
        }
    }

    /// The settings for the subcommand `path` (`["findings", "list"]`): the top-level keys,
    /// then those of `[findings]`, then `[findings.list]`, later ones winning; with whether
    /// each came from a table of its own (where an unknown key is a mistake).
    fn settings(&self, path: &[&str]) -> Vec<(Setting, bool)> {
        let mut out: Vec<(Setting, bool)> = Vec::new();
        let mut put = |key: &str, value: &toml::Value, own: bool, me: &Config| {
            out.retain(|(s, _)| s.key != key);
            out.push((
                Setting {
                    key: key.to_string(),
                    value: value.clone(),
                    at: me.at(key),
                },
                own,
            ));
        };
        for (k, v) in &self.table {
            if !v.is_table() {
                put(k, v, false, self);
            }
        }
        let mut table = &self.table;
        for name in path {
            let Some(toml::Value::Table(t)) = table.get(*name) else {
                break;
            };
            for (k, v) in t {
                if !v.is_table() {
                    put(k, v, true, self);
                }
            }
            table = t;
        }
        out
    }
}

/// The subcommand path of `m` (`["findings", "list"]`) and its deepest matches.
fn leaf(m: &clap::ArgMatches) -> (Vec<String>, &clap::ArgMatches) {
    let (mut names, mut at) = (Vec::new(), m);
    while let Some((name, sub)) = at.subcommand() {
        names.push(name.to_string());
        at = sub;
    }
    (names, at)
}

/// The clap command of the subcommand `path`.
fn command_of(path: &[String]) -> clap::Command {
    let mut cmd = crate::Cli::command();
    cmd.build();
    for name in path {
        match cmd.find_subcommand(name) {
            Some(sub) => cmd = sub.clone(),
            None => break,
        }
    }
    cmd
}

/// The long options of every subcommand, for telling a typo from a setting of another one.
fn every_long() -> Vec<String> {
    fn walk(cmd: &clap::Command, out: &mut Vec<String>) {
        out.extend(
            cmd.get_arguments()
                .filter_map(|a| a.get_long().map(str::to_string)),
        );
        for sub in cmd.get_subcommands() {
            walk(sub, out);
        }
    }
    let mut out = Vec::new();
    walk(&crate::Cli::command(), &mut out);
    out
}

/// A value as command-line arguments for `--key`: `None` when it cannot be one.
fn as_args(key: &str, arg: &clap::Arg, value: &toml::Value) -> Result<Vec<String>, String> {
    let flag = matches!(arg.get_action(), ArgAction::SetTrue);
    let one = |v: &toml::Value| -> Result<String, String> {
        match v {
            toml::Value::String(s) => Ok(s.clone()),
            toml::Value::Integer(i) => Ok(i.to_string()),
            toml::Value::Float(f) => Ok(f.to_string()),
            toml::Value::Boolean(b) => Ok(b.to_string()),
            _ => Err(format!(
                "`{key}` takes a single value, not {}",
                v.type_str()
            )),
        }
    };
    match value {
        toml::Value::Boolean(b) if flag => Ok(if *b { vec![format!("--{key}")] } else { vec![] }),
        _ if flag => Err(format!("`{key}` is a switch: write `{key} = true`")),
        toml::Value::Array(items) => items
            .iter()
            .map(|v| one(v).map(|v| format!("--{key}={v}")))
            .collect(),
        v => Ok(vec![format!("--{key}={}", one(v)?)]),
    }
}

/// `argv` with the configuration's settings that the command line does not give added. When
/// the arguments do not parse, they are returned as they are: clap then says what is wrong.
pub fn apply(argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let Ok(m) = crate::Cli::command().try_get_matches_from(&argv) else {
        return Ok(argv);
    };
    let explicit = m.get_one::<PathBuf>("config").cloned();
    let Some(config) = Config::load(explicit.as_deref())? else {
        return Ok(argv);
    };
    let (path, leaf_m) = leaf(&m);
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let cmd = command_of(&path);
    let known = every_long();
    let mut extra: Vec<OsString> = Vec::new();
    for (s, own) in config.settings(&names) {
        let Some(arg) = cmd
            .get_arguments()
            .find(|a| a.get_long() == Some(s.key.as_str()))
        else {
            if own || !known.contains(&s.key) {
                return Err(format!(
                    "{}: `{}` is no option of `datavakt {}` (see its --help)",
                    s.at,
                    s.key,
                    names.join(" ")
                ));
            }
            continue;
        };
        if leaf_m.value_source(arg.get_id().as_str()) == Some(ValueSource::CommandLine) {
            continue;
        }
        let args = as_args(&s.key, arg, &s.value).map_err(|e| format!("{}: {e}", s.at))?;
        extra.extend(args.into_iter().map(OsString::from));
    }
    // Before a `--` that ends the options, else at the end.
    let mut out = argv;
    let at = out.iter().position(|a| a == "--").unwrap_or(out.len());
    out.splice(at..at, extra);
    Ok(out)
}

/// `datavakt config show [SUBCOMMAND...]`: every option of the subcommand with the value in
/// effect and where it comes from (the configuration file and line, the environment, or the
/// default).
pub fn show(explicit: Option<&Path>, path: &[String]) -> Result<String, String> {
    use std::fmt::Write as _;
    let config = Config::load(explicit)?;
    let names: Vec<&str> = path.iter().map(String::as_str).collect();
    let cmd = command_of(path);
    if cmd.get_name() == "datavakt" && !path.is_empty() {
        return Err(format!("no subcommand `{}`", names.join(" ")));
    }
    let settings = config
        .as_ref()
        .map(|c| c.settings(&names))
        .unwrap_or_default();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# datavakt {}: settings in effect (the command line wins over all of these)",
        names.join(" ")
    );
    match &config {
        Some(c) => {
            let _ = writeln!(out, "# configuration file: {}", c.path.display());
        }
        None => {
            let _ = writeln!(
                out,
                "# no configuration file (--config FILE, $DATAVAKT_CONFIG, or {})",
                paths::config_file("config.toml")
                    .map_or("~/.config/datavakt/config.toml".into(), |p| p
                        .display()
                        .to_string())
            );
        }
    }
    for arg in cmd.get_arguments() {
        let Some(long) = arg.get_long() else { continue };
        if arg.is_hide_set() || ["help", "version", "config"].contains(&long) {
            continue;
        }
        let (value, from) = if let Some((s, _)) = settings.iter().find(|(s, _)| s.key == long) {
            (s.value.to_string(), s.at.clone())
        } else if let Some(v) = ENV.iter().find(|(k, _)| *k == long).and_then(|(_, var)| {
            std::env::var(var)
                .ok()
                .filter(|v| !v.is_empty())
                .map(|v| (v, var))
        }) {
            (toml::Value::String(v.0).to_string(), format!("${}", v.1))
        } else {
            let defaults: Vec<String> = arg
                .get_default_values()
                .iter()
                .map(|d| d.to_string_lossy().into_owned())
                .collect();
            match defaults.as_slice() {
                _ if matches!(arg.get_action(), ArgAction::SetTrue) => {
                    ("false".into(), "default".into())
                }
                [] => ("(not set)".into(), "default".into()),
                [one] => (
                    toml::Value::String(one.clone()).to_string(),
                    "default".into(),
                ),
                many => (format!("{many:?}"), "default".into()),
            }
        };
        let _ = writeln!(out, "{long} = {value}  # {from}");
    }
    Ok(out)
}
