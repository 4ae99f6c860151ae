//! `datavakt scan`: turns the arguments into sources, options and a reporter, and runs the
//! pipeline (`crates/scan`).

use std::io::{self, IsTerminal};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::ValueEnum;

use crate::paths;

pub const SCAN_HELP: &str = "\
Examples:
  datavakt scan /mnt/shares/gemensam             report for people, values masked
  datavakt scan DIR --format jsonl > found.jsonl  one JSON object per finding
  datavakt scan DIR --format csv --min-confidence low
  cat export.csv | datavakt scan -                read standard input
  datavakt scan DIR --quiet --fail-on-findings    for cron and CI: exit 1 on findings
  datavakt scan DIR --changes-only                daily: only what is new or resolved
  datavakt scan https://www.example.dk/files/     crawl a web server you are responsible for

Values are never printed in clear text unless --show-values is given; findings carry a
masked form (010190-****) and a keyed fingerprint (HMAC-SHA256) that counts distinct
people without revealing them. The key lives in a file outside any database: --key-file,
else $DATAVAKT_KEY_FILE, else one created on first use in your config directory
($XDG_CONFIG_HOME/datavakt/key or ~/.config/datavakt/key, mode 0600). A key file that
others may read is refused: chmod 600 FILE.";

#[derive(clap::Args)]
pub struct ScanArgs {
    /// Files and folders to scan, web servers to crawl (http:// or https://…); '-' reads
    /// standard input.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Output format: human-readable text, JSON Lines (one record per line), one JSON
    /// document, or CSV.
    #[arg(long, value_enum, default_value_t = FormatArg::Human)]
    format: FormatArg,

    /// Report findings of at least this confidence.
    #[arg(long, value_enum, default_value_t = crate::args::ConfidenceArg::Medium)]
    min_confidence: crate::args::ConfidenceArg,

    /// Leave out files and folders whose path (relative to the root given) matches GLOB,
    /// gitignore-style: `*.log` at any depth, `HR/archive` from the root, `tmp/` folders
    /// only; an excluded folder is not walked. Repeat for several. For every source: local
    /// trees, web crawls (URL paths), shares.
    #[arg(long, value_name = "GLOB")]
    exclude: Vec<String>,

    /// Read only files whose path matches GLOB (folders are still walked to find them);
    /// repeat for several. An --exclude wins.
    #[arg(long, value_name = "GLOB")]
    include: Vec<String>,

    /// Print only the items of at least this severity (the others are counted in the
    /// summary as below_min_severity, and kept in the scan database).
    #[arg(long, value_enum, value_name = "LEVEL")]
    min_severity: Option<crate::args::SeverityArg>,

    /// Colours in the human report: when stdout is a terminal and NO_COLOR is not set
    /// (auto), always, or never.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorArg::Auto)]
    color: ColorArg,

    /// Not an option: said instead of a suggestion by spelling (clap offered --insecure).
    #[arg(long, hide = true, value_name = "WHEN", num_args = 0..=1)]
    since: Option<Option<String>>,

    /// The human report lists every finding with its place in its item, instead of one line
    /// per item.
    #[arg(long, short = 'v')]
    details: bool,

    /// Print found values in clear text as well (they are sensitive: handle the output
    /// accordingly). Values are never stored, so this reads every file again.
    #[arg(long)]
    show_values: bool,

    /// The secret key for fingerprints [default: $DATAVAKT_KEY_FILE, else created in the
    /// config directory on first use].
    #[arg(long, value_name = "FILE")]
    key_file: Option<PathBuf>,

    /// Follow symbolic links (by default a scan never leaves the trees it was given).
    #[arg(long)]
    follow: bool,

    /// Worker threads [default: one per core].
    #[arg(
        long,
        short = 'j',
        value_name = "N",
        default_value_t = 0,
        hide_default_value = true
    )]
    threads: usize,

    /// No progress bar and no summary; findings and errors only.
    #[arg(long, short = 'q')]
    quiet: bool,

    /// Exit with code 1 when the scan reports any finding (with --changes-only: any new
    /// finding).
    #[arg(long)]
    fail_on_findings: bool,

    /// Time allowed for extracting one document or archive, in seconds; an item that takes
    /// longer is reported and skipped.
    #[arg(long, value_name = "SECONDS", default_value_t = 120)]
    item_timeout: u64,

    /// Memory allowed for extracting one document or archive, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 2048)]
    item_memory: u64,

    /// Largest document or archive member read or expanded into memory, in MiB.
    #[arg(long, value_name = "MIB", default_value_t = 512)]
    max_item_size: u64,

    /// Do not read images and scanned PDF pages with OCR (the slowest part of a scan).
    #[arg(long)]
    no_ocr: bool,

    /// Tesseract languages for OCR, joined with '+'.
    #[arg(long, value_name = "LANGS", default_value = extract::ocr::DEFAULT_LANGUAGES)]
    ocr_languages: String,

    /// How deep archives and attachments may nest.
    #[arg(long, value_name = "N", default_value_t = 12)]
    max_depth: u32,

    /// Do not look for health and care data.
    #[arg(long)]
    no_health: bool,

    /// Do not look for e-mail addresses, phone numbers, IBANs, payment cards, passport
    /// machine-readable zones and postal addresses.
    #[arg(long)]
    no_contact: bool,

    /// Do not look for full names.
    #[arg(long)]
    no_names: bool,

    /// The first and last names to look for [default: $DATAVAKT_NAMES, else
    /// $XDG_DATA_HOME/datavakt/names.tsv, written by scripts/fetch-names].
    #[arg(long, value_name = "FILE")]
    names: Option<PathBuf>,

    /// Your own rules and settings of the built-in detectors (see `datavakt rules --help`)
    /// [default: $DATAVAKT_RULES, else ~/.config/datavakt/rules.toml if it exists].
    #[arg(long, value_name = "FILE")]
    rules: Option<PathBuf>,

    /// The scan database, where every scan is kept: a SQLite file, or a PostgreSQL database
    /// as postgres://USER@HOST:PORT/DATABASE (password in $PGPASSWORD) [default: $DATAVAKT_DB,
    /// else $XDG_DATA_HOME/datavakt/datavakt.db or ~/.local/share/datavakt/datavakt.db].
    #[arg(long, value_name = "PATH|URL")]
    db: Option<PathBuf>,

    /// Read every file again, even those the scan database says did not change (by size,
    /// times and file identity) and copies of files read before.
    #[arg(long)]
    rescan_all: bool,

    /// Zones and what they may hold (TOML), for the severity of findings [default:
    /// $DATAVAKT_POLICY, else ~/.config/datavakt/policy.toml if it exists].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,

    /// Web crawls: requests per second at most (0: as fast as the server answers).
    #[arg(long, value_name = "N", default_value_t = 5.0)]
    crawl_rate: f64,

    /// Web crawls: how many links deep from the start URL.
    #[arg(long, value_name = "N", default_value_t = 10)]
    crawl_depth: u32,

    /// Web crawls: the most URLs fetched from one start URL.
    #[arg(long, value_name = "N", default_value_t = 100_000)]
    crawl_max_urls: usize,

    /// Web crawls: skip what robots.txt disallows (by default a crawl sees what an attacker
    /// sees, robots.txt unread).
    #[arg(long)]
    robots: bool,

    /// Web crawls: accept a certificate that cannot be verified (self-signed test servers).
    #[arg(long)]
    insecure: bool,

    /// Print only what changed since the last scan: new findings, and findings resolved
    /// because their file was edited or deleted (status "resolved"). Without it, the output is
    /// every current finding of the scanned trees, found now or carried over.
    #[arg(long)]
    changes_only: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Human,
    Jsonl,
    Json,
    Csv,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

impl From<FormatArg> for scan::Format {
    fn from(f: FormatArg) -> scan::Format {
        match f {
            FormatArg::Human => scan::Format::Human,
            FormatArg::Jsonl => scan::Format::Jsonl,
            FormatArg::Json => scan::Format::Json,
            FormatArg::Csv => scan::Format::Csv,
        }
    }
}

pub fn run(args: ScanArgs) -> Result<ExitCode, String> {
    if args.since.is_some() {
        return Err(
            "there is no --since: a scan with the same --db compares with the last one \
                    by itself; --changes-only prints only what is new or resolved since then, \
                    and `datavakt findings list --older-than DAYS` filters by age"
                .into(),
        );
    }
    // Absolute paths: the scan database knows an item by one name, from wherever it is scanned.
    let mut roots = Vec::with_capacity(args.paths.len());
    let mut web_roots = Vec::new();
    let mut stdin = false;
    #[cfg(feature = "smb")]
    let mut shares = Vec::new();
    for p in &args.paths {
        if let Some(url) = p.to_str().filter(|u| u.starts_with("smb://")) {
            #[cfg(feature = "smb")]
            {
                shares.push(smb::source::share(url)?);
                continue;
            }
            #[cfg(not(feature = "smb"))]
            return Err(format!(
                "{url}: this datavakt was built without SMB support \
                 (build it with `cargo build --release --features smb`, which needs libsmbclient-dev)"
            ));
        }
        if let Some(url) = p
            .to_str()
            .filter(|u| u.starts_with("http://") || u.starts_with("https://"))
        {
            web_roots.push(url.to_string());
            continue;
        }
        if p.as_os_str() == "-" {
            stdin = true;
            continue;
        }
        if std::fs::symlink_metadata(p).is_err() {
            return Err(format!(
                "{}: no such file or directory (check the path, or mount the share first)",
                p.display()
            ));
        }
        roots.push(paths::absolute(p).map_err(|e| format!("{}: {e}", p.display()))?);
    }
    let key = crate::key::load(args.key_file.as_deref())?;
    let on = detect::Detectors {
        health: !args.no_health,
        contact: !args.no_contact,
        names: !args.no_names,
    };
    let (det, digest) =
        crate::detector::detector(on, args.names.as_deref(), args.rules.as_deref(), args.quiet)?;
    // What the findings of an item depend on besides its content: an item read with other
    // settings (or another key) is read again.
    let fp = detect::Fingerprinter::new(&key);
    let scanned_with = format!(
        "{} {}{}{} {} {}",
        env!("CARGO_PKG_VERSION"),
        u8::from(on.health),
        u8::from(on.contact),
        u8::from(on.names),
        digest.to_hex(),
        fp.fingerprint(
            detect::Kind::DkCpr,
            &detect::Matched::new("datavakt-settings".into())
        ),
    );
    let scanned_with = format!("blake3:{}", blake3::hash(scanned_with.as_bytes()).to_hex());
    let threads = if args.threads == 0 {
        std::thread::available_parallelism().map_or(2, |n| n.get())
    } else {
        args.threads
    };
    // The sources, one per kind of root: a new source is registered here.
    let globs = sources::globs::Globs::new(&args.exclude, &args.include)?;
    let local = scan::source::local::LocalTree {
        roots,
        follow_links: args.follow,
        threads,
        globs: globs.clone(),
    };
    let web_options = sources::web::WebOptions {
        rate_per_second: args.crawl_rate.max(0.0),
        max_depth: args.crawl_depth,
        max_urls: args.crawl_max_urls,
        respect_robots: args.robots,
        accept_invalid_certs: args.insecure,
        // Never on the command line, where other users see it in the process list.
        credentials: std::env::var("DATAVAKT_HTTP_USER").ok().map(|u| {
            (
                u,
                std::env::var("DATAVAKT_HTTP_PASSWORD").unwrap_or_default(),
            )
        }),
        globs: globs.clone(),
        ..sources::web::WebOptions::default()
    };
    let sites: Vec<scan::source::web::WebSite> = web_roots
        .into_iter()
        .map(|start| scan::source::web::WebSite {
            start,
            options: web_options.clone(),
        })
        .collect();
    let max_item_bytes = args.max_item_size << 20;
    let mut all: Vec<&dyn scan::Source> = Vec::new();
    if stdin {
        all.push(&scan::source::stdin::Stdin);
    }
    if !local.roots.is_empty() {
        all.push(&local);
    }
    all.extend(sites.iter().map(|s| s as &dyn scan::Source));
    #[cfg(feature = "smb")]
    let shares: Vec<smb::source::SmbShare> = shares
        .into_iter()
        .map(|share| smb::source::SmbShare {
            share,
            max_file_bytes: max_item_bytes,
            globs: globs.clone(),
        })
        .collect();
    #[cfg(feature = "smb")]
    all.extend(shares.iter().map(|s| s as &dyn scan::Source));
    // The roots as the store knows them: with found values in their names masked, as the
    // scan masks the paths under them.
    let mask = scan::masking::Masker::new(&det, &fp);
    let stored_roots = scan::stored_roots(&all, &mask);
    let (db, known) = open_db(args.db.as_deref(), &stored_roots, &on, &scanned_with)?;
    let memory = scan::Memory {
        known,
        scanned_with,
    };
    let format = scan::Format::from(args.format);
    let opts = scan::Options {
        min_confidence: args.min_confidence.into(),
        min_severity: args.min_severity.map(Into::into),
        show_values: args.show_values,
        threads,
        quiet: args.quiet,
        worker: scan::worker::WorkerLimits {
            extract: extract::Limits {
                max_depth: args.max_depth,
                max_item_bytes,
                ocr_languages: (!args.no_ocr).then_some(args.ocr_languages),
                ..extract::Limits::default()
            },
            memory: args.item_memory << 20,
            timeout: std::time::Duration::from_secs(args.item_timeout.max(1)),
        },
        // Clear values are never stored, so showing them means reading every item.
        rescan_all: args.rescan_all || args.show_values,
        changes_only: args.changes_only,
        policy: load_policy(args.policy.as_deref())?,
        globs,
    };
    let stdout = io::stdout();
    let color = format == scan::Format::Human
        && match args.color {
            ColorArg::Always => true,
            ColorArg::Never => false,
            ColorArg::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none(),
        };
    let out = io::BufWriter::with_capacity(1 << 16, stdout);
    let reporter = format.reporter(out, args.quiet, color, args.details);
    let summary = scan::run(&all, &key, &opts, &det, Some(db), &memory, reporter)?;
    // With --changes-only, a finding is only what is new: a nightly run fails when
    // something appeared, not every night for what was already known.
    let found = if args.changes_only {
        summary.new_findings
    } else {
        summary.findings
    };
    Ok(if !summary.incomplete_roots.is_empty() {
        ExitCode::from(3)
    } else if args.fail_on_findings && found > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The policy file: `explicit`, else `$DATAVAKT_POLICY`, else the default file if there is one.
/// A mistake in it stops the scan (or report) at start with the file, line and column.
pub(crate) fn load_policy(
    explicit: Option<&std::path::Path>,
) -> Result<Option<assess::Policy>, String> {
    let path = match paths::chosen(explicit, "DATAVAKT_POLICY") {
        Some(p) => p,
        None => match paths::config_file("policy.toml") {
            Some(p) if p.exists() => p,
            _ => return Ok(None),
        },
    };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| format!("cannot read the policy file {}: {e}", path.display()))?;
    assess::Policy::parse(&text, &path.display().to_string())
        .map(Some)
        .map_err(|e| e.to_string())
}

/// Opens the scan database (`--db`, `$DATAVAKT_DB`, or the data directory), records the start
/// of a scan of `paths` and returns what it knows of them.
fn open_db(
    explicit: Option<&std::path::Path>,
    target: &[String],
    on: &detect::Detectors,
    scanned_with: &str,
) -> Result<(store::Store, store::Known), String> {
    let path = paths::chosen(explicit, "DATAVAKT_DB")
        .or_else(|| paths::data_file("datavakt.db"))
        .ok_or("cannot find a data directory for the scan database (HOME is not set); give one with --db")?;
    let at = store::Location::of(&path);
    let mut db = store::Store::at(&at).map_err(|e| match at {
        store::Location::Sqlite(_) => {
            format!("scan database: {e} (give another file with --db PATH)")
        }
        store::Location::Postgres(_) => format!("scan database: {e}"),
    })?;
    let settings = format!(
        "{{\"health\":{},\"contact\":{},\"names\":{}}}",
        on.health, on.contact, on.names
    );
    let known = db
        .begin_scan(target, &settings, scanned_with, scan::unix_now())
        .map_err(|e| e.to_string())?;
    Ok((db, known))
}
