//! `datavakt report` (the state of a folder: current findings by folder, kind, confidence,
//! age, and the trend over scans, as text, JSON, CSV or one self-contained HTML page) and
//! `datavakt report breach` (the numbers a breach notification needs, GDPR art. 33).

use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

use assess::{Assessment, ItemFacts, Reason};
use clap::{Args, Subcommand, ValueEnum};
use model::{Breach, Group, Report, ScanPoint, TopItem};
use store::query;

use crate::args::ConfidenceArg;
use crate::cmd_findings::{now, open_existing, prefix, written};
use crate::lang::Lang;

/// `datavakt report --help`.
pub const HELP: &str = "\
Examples:
  datavakt report                                 everything in the scan database
  datavakt report /srv/share/Export               that folder and below
  datavakt report /srv/share --format html > report.html
  datavakt report --format json | jq .by_kind
  datavakt report breach /srv/share/Export        scope of a breach, for the regulator
  datavakt report breach /srv/share/Export --format json --include-resolved

The report counts current findings (open and accepted; false positives and resolved
findings are left out): by top folder (the first folder below the prefix; '.' for files
directly in it), by kind, confidence, status and age (since a scan first saw them), the
most severe items (with who owns them, who can read them, why, and what to do), and the trend
over the completed scans that covered the folder. The reasons are judged again when the
report is made, from each item's findings, exposure and dates in the database and the policy
(--policy, as for scan), in the words the scan uses. CSV rows are section,name,count,items,new,
resolved (items is files for the scan rows). The HTML page has no scripts and loads
nothing: it can be mailed or archived as it is.";

const BREACH_HELP: &str = "\
Examples:
  datavakt report breach /srv/share/Export
  datavakt report breach /srv/share/Export --format json > breach-scope.json
  datavakt report breach /srv/share/Export --include-resolved   files since deleted, too

For everything under the folder: how many distinct people (distinct identity numbers, by
their keyed fingerprints: the same number in ten files is one person), by kind; how many of
them are in files that also hold health data; distinct values of the other kinds (e-mail
addresses, names, ...); the number of files and of findings (records); when the files were
last modified and when a scan first found them; and who can read them, as far as the scan
database knows. Current findings by default; --include-resolved counts every finding ever
found there (a breach that began before the files were cleaned up). False positives are
never counted. The numbers are as good as the scans: files not scanned are not counted.";

/// `datavakt report`.
#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub struct ReportArgs {
    #[command(subcommand)]
    breach: Option<ReportKind>,

    /// Only findings in this file or folder (or below it) [default: everything].
    #[arg(value_name = "PATH-PREFIX")]
    prefix: Option<PathBuf>,

    /// Output format: for people, one JSON document, CSV, or one self-contained HTML page.
    #[arg(long, value_enum, default_value_t = ReportFormat::Human)]
    format: ReportFormat,

    /// The scan database: a SQLite file or a postgres:// URL [default: $DATAVAKT_DB, else
    /// $XDG_DATA_HOME/datavakt/datavakt.db or ~/.local/share/datavakt/datavakt.db].
    #[arg(long, global = true, value_name = "PATH|URL")]
    db: Option<PathBuf>,

    /// Count findings of at least this confidence (the database keeps low ones too; `scan`
    /// prints medium and above).
    #[arg(long, global = true, value_enum, default_value_t = ConfidenceArg::Medium)]
    min_confidence: ConfidenceArg,

    /// The language of the report's words (text and HTML) [default: the locale's, from
    /// LC_ALL, LC_MESSAGES or LANG, else English].
    #[arg(long, value_enum)]
    lang: Option<Lang>,

    /// Zones and what they may hold (TOML), for the reasons of the items to handle first, as
    /// for scan [default: $DATAVAKT_POLICY, else ~/.config/datavakt/policy.toml if it exists].
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
}

#[derive(Subcommand)]
enum ReportKind {
    /// The scope of a personal-data breach under a folder: people, categories, records,
    /// since when, readable by whom.
    #[command(after_help = BREACH_HELP)]
    Breach(BreachArgs),
}

#[derive(Args)]
struct BreachArgs {
    /// The folder (or file) the breach concerns.
    #[arg(value_name = "PATH-PREFIX")]
    prefix: PathBuf,

    /// Output format.
    #[arg(long, value_enum, default_value_t = BreachFormat::Human)]
    format: BreachFormat,

    /// Count findings resolved since (their files edited or deleted) as well.
    #[arg(long)]
    include_resolved: bool,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// For people (also `text`).
    #[value(alias = "text")]
    Human,
    Json,
    Csv,
    Html,
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
enum BreachFormat {
    /// For people (also `text`).
    #[value(alias = "text")]
    Human,
    Json,
}

/// Runs `datavakt report` and `datavakt report breach`.
pub fn run(args: ReportArgs) -> Result<(), String> {
    let conn = open_existing(args.db.as_deref())?;
    let now = now();
    let text = match args.breach {
        Some(ReportKind::Breach(b)) => {
            let p = prefix(&b.prefix)?;
            let scope = query::breach(
                &conn,
                &p,
                &args.min_confidence.at_least(),
                b.include_resolved,
                now,
            )
            .map_err(|e| e.to_string())?;
            match b.format {
                BreachFormat::Human => breach_text(&scope),
                BreachFormat::Json => json(&scope)?,
            }
        }
        None => {
            let p = args.prefix.as_deref().map(prefix).transpose()?;
            let confidences = args.min_confidence.at_least();
            let mut s =
                query::report(&conn, p.as_deref(), &confidences, now).map_err(|e| e.to_string())?;
            // CSV rows say no reasons: nothing is judged for them.
            let reasons = !matches!(args.format, ReportFormat::Csv);
            let policy = if reasons {
                crate::cmd_scan::load_policy(args.policy.as_deref())?
            } else {
                None
            };
            let mut judged = Vec::with_capacity(s.top_items.len());
            for i in &mut s.top_items {
                i.owner_name = i
                    .owner
                    .and_then(|uid| u32::try_from(uid).ok())
                    .and_then(sources::exposure::user_name);
                if reasons {
                    let mut j = judge(&conn, i, &confidences, policy.as_ref(), now)?;
                    i.why = std::mem::take(&mut j.assessment.why);
                    judged.push(j);
                }
            }
            let lang = Lang::chosen(args.lang);
            match args.format {
                ReportFormat::Human => summary_text(&s, &judged, lang),
                ReportFormat::Json => json(&s)?,
                ReportFormat::Csv => summary_csv(&s)?,
                ReportFormat::Html => html(&s, &judged, lang),
            }
        }
    };
    written(io::stdout().lock().write_all(text.as_bytes()))
}

/// One JSON document on a line.
fn json(v: &impl serde::Serialize) -> Result<String, String> {
    serde_json::to_string(v)
        .map(|j| j + "\n")
        .map_err(|e| e.to_string())
}

/// Kinds in the order of what they weigh: identity numbers, health data, the rest, names
/// last; then most findings.
fn by_weight(g: &[Group]) -> Vec<Group> {
    let mut g = g.to_vec();
    g.sort_by(|a, b| {
        model::kind_weight(&a.name)
            .cmp(&model::kind_weight(&b.name))
            .then(b.findings.cmp(&a.findings))
    });
    g
}

/// The incomplete-coverage sentence.
fn incomplete(s: &Report, l: Lang) -> String {
    let roots = s.not_covered.keys().cloned().collect::<Vec<_>>().join(", ");
    let date = s
        .last_complete_scan
        .map_or(l.t("never"), |t| t.to_string()[..10].to_string());
    l.fill("incomplete", &[("roots", &roots), ("date", &date)])
}

/// `path` below the report's folder (the page names the folder once, in its title).
fn below<'a>(prefix: &str, path: &'a str) -> &'a str {
    path.strip_prefix(prefix)
        .and_then(|rest| rest.strip_prefix('/'))
        .filter(|rest| !rest.is_empty())
        .unwrap_or(path)
}

/// Groups with their names in the reader's words (`sev.high`, `aud.public`).
fn named(g: &[Group], prefix: &str, l: Lang) -> Vec<Group> {
    g.iter()
        .map(|g| Group {
            name: l.t(&format!("{prefix}.{}", g.name)),
            ..g.clone()
        })
        .collect()
}

/// An item to handle first, judged again now from what the database holds, as the scan
/// judges an item it completes: its facts and their assessment.
struct Judged {
    facts: ItemFacts,
    assessment: Assessment,
}

/// Judges `item` from its current findings of `confidences` (a doubt, of low confidence,
/// weighs nothing, as in the scan), its exposure, first sighting and modification time, in
/// its zone of `policy`.
fn judge(
    conn: &store::Db,
    item: &TopItem,
    confidences: &[&str],
    policy: Option<&assess::Policy>,
    now: i64,
) -> Result<Judged, String> {
    let filter = query::Filter {
        path: Some(item.path.clone()),
        statuses: query::CURRENT.iter().map(|s| s.to_string()).collect(),
        confidences: confidences.iter().map(|c| c.to_string()).collect(),
        ..query::Filter::default()
    };
    // The filter takes what lies under the path too (a URL's pages below it): this item only.
    let findings: Vec<model::StoredFinding> = query::list(conn, &filter, now)
        .map_err(|e| e.to_string())?
        .into_iter()
        .filter(|f| f.finding.path == item.path)
        .collect();
    let mut facts = ItemFacts::default();
    for f in &findings {
        let found = &f.finding;
        let fingerprint = found.fingerprint.as_deref();
        facts.add_found(
            &found.kind,
            found.confidence,
            fingerprint,
            found.first_seen.0,
        );
    }
    // Every finding carries its item's exposure and modification time.
    if let Some(f) = findings.first() {
        if let Some(e) = &f.finding.exposure {
            facts.exposed(e);
        }
        facts.modified = f.modified.map(|t| t.0);
    }
    let zone = policy.and_then(|p| p.zone_of(&item.path));
    let assessment = assess::assess(&facts, zone, now);
    Ok(Judged { facts, assessment })
}

/// What to do about an item: by who can read it, and, where a DPO would act otherwise, by
/// what it holds (health data; an archive that could not be opened and nothing else).
fn action(i: &TopItem, j: &Judged, l: Lang) -> String {
    use model::Audience::{Public, Unknown};
    let audience = i.audience.unwrap_or(Unknown);
    let uninspected = !j.facts.personal_data() && j.facts.counts.encrypted > 0;
    let key = if j.facts.special_category() && audience != Unknown {
        format!("action.{}.health", audience.name())
    } else if uninspected && !matches!(audience, Public | Unknown) {
        "action.encrypted".to_string()
    } else {
        format!("action.{}", audience.name())
    };
    l.t(&key)
}

/// The owner's account name, else the user id.
fn owner(i: &TopItem) -> String {
    match (&i.owner_name, i.owner) {
        (Some(n), _) => n.clone(),
        (None, Some(uid)) => format!("uid {uid}"),
        _ => "-".into(),
    }
}

/// The steps that compute the severity (impact, risk), as against those that describe the
/// item: the page shows them less loudly.
fn arithmetic(r: &Reason) -> bool {
    matches!(r, Reason::Impact { .. } | Reason::Risk { .. })
}

fn table(out: &mut String, title: &str, g: &[Group], l: Lang) {
    let _ = writeln!(
        out,
        "\n{title:<40} {:>9} {:>7}",
        l.t("findings"),
        l.t("items")
    );
    for g in g {
        let _ = writeln!(out, "  {:<38} {:>9} {:>7}", g.name, g.findings, g.items);
    }
}

fn summary_text(s: &Report, judged: &[Judged], l: Lang) -> String {
    let mut out = String::new();
    let (date, findings, items, people) = (
        s.generated_at.to_string()[..10].to_string(),
        s.findings.to_string(),
        s.items.to_string(),
        s.identity_numbers.to_string(),
    );
    let _ = writeln!(
        out,
        "{}",
        l.fill(
            "summary_line",
            &[
                ("prefix", &s.prefix),
                ("date", &date),
                ("findings", &findings),
                ("items", &items),
                ("people", &people),
            ]
        )
    );
    if s.findings == 0 {
        let _ = writeln!(out, "{}", l.t("none_here"));
    }
    if !s.not_covered.is_empty() {
        let _ = writeln!(out, "{}", incomplete(s, l));
        for (root, why) in &s.not_covered {
            let _ = writeln!(out, "  {root}: {why}");
        }
    }
    if !s.by_folder.is_empty() {
        table(
            &mut out,
            &l.t("by_severity"),
            &named(&s.by_severity, "sev", l),
            l,
        );
        table(
            &mut out,
            &l.t("by_audience"),
            &named(&s.by_audience, "aud", l),
            l,
        );
        table(&mut out, &l.t("by_folder"), &s.by_folder, l);
        table(&mut out, &l.t("by_kind"), &by_weight(&s.by_kind), l);
        table(&mut out, &l.t("by_confidence"), &s.by_confidence, l);
        table(&mut out, &l.t("by_status"), &s.by_status, l);
        table(&mut out, &l.t("by_age"), &s.by_age, l);
        let _ = writeln!(out, "\n{}", l.t("handle_first"));
        for (i, j) in s.top_items.iter().zip(judged) {
            let sev = i.severity.map_or("not assessed", |s| s.name());
            let aud = i.audience.map_or("not assessed", |a| a.name());
            let _ = writeln!(
                out,
                "  {:<10} {}\n             {}: {}; {}: {}",
                l.t(&format!("sev.{sev}")),
                i.path,
                l.t("col_owner"),
                owner(i),
                l.t("col_readable"),
                l.t(&format!("aud.{aud}")),
            );
            let label = format!("{}: ", l.t("col_why"));
            for (n, r) in j.assessment.reasons.iter().enumerate() {
                let lead = if n == 0 { label.as_str() } else { "" };
                let width = label.chars().count();
                let _ = writeln!(out, "             {lead:<width$}{}", r.say(l.code()));
            }
            let _ = writeln!(
                out,
                "             {}: {}",
                l.t("col_action"),
                action(i, j, l)
            );
        }
    }
    if !s.trend.is_empty() {
        let _ = writeln!(
            out,
            "\n{}\n  {:<10} {:>7} {:>7} {:>9} {:>7} {:>9}",
            l.t("scans"),
            l.t("started"),
            l.t("scan"),
            l.t("files"),
            l.t("findings"),
            l.t("new"),
            l.t("resolved")
        );
        for t in &s.trend {
            let _ = writeln!(
                out,
                "  {} {:>7} {:>7} {:>9} {:>7} {:>9}{}",
                &t.started_at.to_string()[..10],
                t.scan,
                t.files,
                t.findings,
                t.new_findings,
                t.resolved,
                if t.incomplete.is_empty() { "" } else { "  (!)" }
            );
        }
    }
    out
}

fn summary_csv(s: &Report) -> Result<String, String> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut rows: Vec<[String; 6]> = vec![[
        "section".into(),
        "name".into(),
        "count".into(),
        "items".into(),
        "new".into(),
        "resolved".into(),
    ]];
    rows.push([
        "total".into(),
        s.prefix.clone(),
        s.findings.to_string(),
        s.items.to_string(),
        String::new(),
        String::new(),
    ]);
    rows.push([
        "identity-numbers".into(),
        s.prefix.clone(),
        s.identity_numbers.to_string(),
        String::new(),
        String::new(),
        String::new(),
    ]);
    for (section, g) in [
        ("folder", &s.by_folder),
        ("kind", &s.by_kind),
        ("confidence", &s.by_confidence),
        ("status", &s.by_status),
        ("age", &s.by_age),
    ] {
        for g in g {
            rows.push([
                section.into(),
                g.name.clone(),
                g.findings.to_string(),
                g.items.to_string(),
                String::new(),
                String::new(),
            ]);
        }
    }
    for (root, why) in &s.not_covered {
        rows.push([
            "not-covered".into(),
            root.clone(),
            String::new(),
            String::new(),
            String::new(),
            why.clone(),
        ]);
    }
    for t in &s.trend {
        rows.push([
            "scan".into(),
            t.started_at.to_string(),
            t.findings.to_string(),
            t.files.to_string(),
            t.new_findings.to_string(),
            t.resolved.to_string(),
        ]);
    }
    for r in rows {
        w.write_record(&r).map_err(|e| e.to_string())?;
    }
    let bytes = w.into_inner().map_err(|e| e.to_string())?;
    String::from_utf8(bytes).map_err(|e| e.to_string())
}

/// Text for HTML and SVG: every character with a meaning there escaped.
fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const CSS: &str = "
body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:70em;color:#222;padding:0 1em}
h1{font-size:1.5em;margin-bottom:.2em}h2{font-size:1.15em;margin-top:2em}
.sub{color:#666}.cards{display:flex;gap:1em;flex-wrap:wrap;margin:1.5em 0}
.card{border:1px solid #ddd;border-radius:6px;padding:.6em 1.2em}
.card b{display:block;font-size:1.8em}
table{border-collapse:collapse;margin:.5em 0}td,th{padding:.2em .8em;border-bottom:1px solid #eee;text-align:left}
td.n,th.n{text-align:right;font-variant-numeric:tabular-nums}
td.p{overflow-wrap:anywhere;min-width:10em}svg{max-width:100%;height:auto}td{vertical-align:top}
ul.why{margin:0;padding-left:1.1em;min-width:20em}ul.why li.calc{color:#777;font-size:.85em}
.warn{border-color:#c0392b;background:#fdf2f0}.cols{display:flex;gap:3em;flex-wrap:wrap}
h3{font-size:1em;margin:.5em 0}.sev-critical{color:#c0392b;font-weight:bold}.sev-high{color:#c0392b}
svg text{font:12px system-ui,sans-serif;fill:#333}
";

const COLOURS: [&str; 3] = ["#c0392b", "#2e86c1", "#27ae60"];

/// Horizontal bars, one per group (at most 15), labelled with name and count.
fn bars(g: &[Group]) -> String {
    let g = &g[..g.len().min(15)];
    let max = g.iter().map(|g| g.findings).max().unwrap_or(0).max(1);
    let (label_w, bar_w, row) = (260.0, 380.0, 22.0);
    let h = row * g.len() as f64 + 10.0;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 720 {h}\" width=\"720\" \
         height=\"{h}\" role=\"img\">"
    );
    for (i, g) in g.iter().enumerate() {
        let y = 5.0 + row * i as f64;
        let w = (bar_w * g.findings as f64 / max as f64).max(1.0);
        let name: String = if g.name.chars().count() > 38 {
            g.name.chars().take(37).chain(['…']).collect()
        } else {
            g.name.clone()
        };
        let _ = write!(
            s,
            "<text x=\"{:.0}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>\
             <rect x=\"{label_w:.0}\" y=\"{y:.1}\" width=\"{w:.1}\" height=\"{:.0}\" \
             fill=\"{}\"><title>{}: {}</title></rect>\
             <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            label_w - 8.0,
            y + 15.0,
            esc(&name),
            row - 6.0,
            COLOURS[1],
            esc(&g.name),
            g.findings,
            label_w + w + 6.0,
            y + 15.0,
            g.findings
        );
    }
    s.push_str("</svg>");
    s
}

/// Findings, new and resolved per scan as three lines over the scans, oldest left.
fn trend_chart(t: &[ScanPoint], l: Lang) -> String {
    let (w, h, left, bottom, top) = (720.0, 260.0, 50.0, 40.0, 20.0);
    let plot_w = w - left - 20.0;
    let plot_h = h - top - bottom;
    let max = t
        .iter()
        .map(|p| p.findings.max(p.new_findings).max(p.resolved))
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let x = |i: usize| {
        if t.len() < 2 {
            left + plot_w / 2.0
        } else {
            left + plot_w * i as f64 / (t.len() - 1) as f64
        }
    };
    let y = |v: i64| top + plot_h * (1.0 - v.max(0) as f64 / max);
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" width=\"{w}\" \
         height=\"{h}\" role=\"img\">\
         <line x1=\"{left}\" y1=\"{top}\" x2=\"{left}\" y2=\"{b}\" stroke=\"#999\"/>\
         <line x1=\"{left}\" y1=\"{b}\" x2=\"{r}\" y2=\"{b}\" stroke=\"#999\"/>\
         <text x=\"{lx}\" y=\"{ty}\" text-anchor=\"end\">{max}</text>\
         <text x=\"{lx}\" y=\"{b}\" text-anchor=\"end\">0</text>",
        b = top + plot_h,
        r = left + plot_w,
        lx = left - 6.0,
        ty = top + 4.0,
        max = max as i64,
    );
    type Value = fn(&ScanPoint) -> i64;
    let series: [(&str, Value); 3] = [
        ("findings", |p| p.findings),
        ("new", |p| p.new_findings),
        ("resolved", |p| p.resolved),
    ];
    for (k, (key, value)) in series.iter().enumerate() {
        let name = esc(&l.t(key));
        let points: Vec<String> = t
            .iter()
            .enumerate()
            .map(|(i, p)| format!("{:.1},{:.1}", x(i), y(value(p))))
            .collect();
        let _ = write!(
            s,
            "<polyline fill=\"none\" stroke=\"{c}\" stroke-width=\"2\" points=\"{}\"/>",
            points.join(" "),
            c = COLOURS[k]
        );
        for (i, p) in t.iter().enumerate() {
            let _ = write!(
                s,
                "<circle cx=\"{:.1}\" cy=\"{:.1}\" r=\"3\" fill=\"{c}\"><title>scan {} \
                 {}: {} {name}</title></circle>",
                x(i),
                y(value(p)),
                p.scan,
                esc(&p.started_at.to_string()[..10]),
                value(p),
                c = COLOURS[k]
            );
        }
        let _ = write!(
            s,
            "<rect x=\"{lx:.0}\" y=\"{ly:.0}\" width=\"12\" height=\"12\" fill=\"{c}\"/>\
             <text x=\"{tx:.0}\" y=\"{ty:.0}\">{name}</text>",
            lx = left + 10.0 + 110.0 * k as f64,
            ly = h - 16.0,
            tx = left + 26.0 + 110.0 * k as f64,
            ty = h - 6.0,
            c = COLOURS[k]
        );
    }
    if let (Some(first), Some(last)) = (t.first(), t.last()) {
        let _ = write!(
            s,
            "<text x=\"{left}\" y=\"{d}\">{}</text>\
             <text x=\"{r}\" y=\"{d}\" text-anchor=\"end\">{}</text>",
            esc(&first.started_at.to_string()[..10]),
            esc(&last.started_at.to_string()[..10]),
            d = top + plot_h + 16.0,
            r = left + plot_w
        );
    }
    s.push_str("</svg>");
    s
}

fn html_table(out: &mut String, g: &[Group], l: Lang) {
    let _ = write!(
        out,
        "<table><tr><th></th><th class=\"n\">{}</th><th class=\"n\">{}</th></tr>",
        esc(&l.t("findings")),
        esc(&l.t("items"))
    );
    for g in g {
        let _ = write!(
            out,
            "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            esc(&g.name),
            g.findings,
            g.items
        );
    }
    out.push_str("</table>");
}

/// The scans the trend is drawn over: complete ones of the same roots as the latest complete
/// scan (a scan of one file today would drop a chart of the whole share to zero).
fn comparable(trend: &[ScanPoint]) -> Vec<ScanPoint> {
    let Some(last) = trend.iter().rev().find(|p| p.incomplete.is_empty()) else {
        return Vec::new();
    };
    trend
        .iter()
        .filter(|p| p.incomplete.is_empty() && p.target == last.target)
        .cloned()
        .collect()
}

/// One self-contained page: inline CSS and SVG, no scripts, nothing loaded from elsewhere.
/// The overview first, then the items to handle first, then the trend and the details.
fn html(s: &Report, judged: &[Judged], l: Lang) -> String {
    let mut o = String::new();
    let count = |g: &[Group], name: &str| g.iter().find(|g| g.name == name).map_or(0, |g| g.items);
    let open = count(&s.by_audience, "public") + count(&s.by_audience, "organisation");
    let title = l.fill("title", &[("prefix", &s.prefix)]);
    let date = s.generated_at.to_string()[..10].to_string();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>Datavakt: {t}</title><style>{CSS}</style></head><body>\
         <h1>{t}</h1><p class=\"sub\">{sub}</p><div class=\"cards\">",
        lang = l.code(),
        t = esc(&title),
        sub = esc(&l.fill("generated", &[("date", &date)])),
    );
    for (n, key) in [
        (count(&s.by_severity, "critical"), "critical_items"),
        (open, "open_items"),
        (s.identity_numbers, "people"),
        (s.identity_numbers_with_health, "with_health"),
        (s.items, "items"),
        (s.findings, "findings"),
    ] {
        let _ = write!(o, "<div class=\"card\"><b>{n}</b>{}</div>", esc(&l.t(key)));
    }
    o.push_str("</div>");
    if !s.not_covered.is_empty() {
        let _ = write!(
            o,
            "<div class=\"card warn\"><b>!</b>{}<ul>",
            esc(&incomplete(s, l))
        );
        for (root, why) in &s.not_covered {
            let _ = write!(o, "<li>{}: {}</li>", esc(root), esc(why));
        }
        o.push_str("</ul></div>");
    }
    if !s.by_severity.is_empty() {
        let _ = write!(
            o,
            "<h2>{}</h2><div class=\"cols\"><div>",
            esc(&l.t("overview"))
        );
        let _ = write!(o, "<h3>{}</h3>", esc(&l.t("by_severity")));
        html_table(&mut o, &named(&s.by_severity, "sev", l), l);
        let _ = write!(o, "</div><div><h3>{}</h3>", esc(&l.t("by_audience")));
        html_table(&mut o, &named(&s.by_audience, "aud", l), l);
        o.push_str("</div></div>");
    }
    if !s.top_items.is_empty() {
        let _ = write!(
            o,
            "<h2>{}</h2><p class=\"sub\">{}</p><table><tr><th>{}</th><th>{}</th><th>{}</th>\
             <th>{}</th><th>{}</th><th>{}</th></tr>",
            esc(&l.t("handle_first")),
            esc(&l.t("handle_first_sub")),
            esc(&l.t("col_severity")),
            esc(&l.t("col_item")),
            esc(&l.t("col_owner")),
            esc(&l.t("col_readable")),
            esc(&l.t("col_why")),
            esc(&l.t("col_action")),
        );
        for (i, j) in s.top_items.iter().zip(judged) {
            let sev = i.severity.map_or("not assessed", |s| s.name());
            let aud = i.audience.map_or("not assessed", |a| a.name());
            let mut why = String::from("<ul class=\"why\">");
            for r in &j.assessment.reasons {
                let class = if arithmetic(r) { " class=\"calc\"" } else { "" };
                let _ = write!(why, "<li{class}>{}</li>", esc(&r.say(l.code())));
            }
            why.push_str("</ul>");
            let _ = write!(
                o,
                "<tr><td class=\"sev-{sev_class}\">{}</td><td class=\"p\">{}</td><td>{}</td>\
                 <td>{}</td><td>{why}</td><td>{}</td></tr>",
                esc(&l.t(&format!("sev.{sev}"))),
                esc(below(&s.prefix, &i.path)),
                esc(&owner(i)),
                esc(&l.t(&format!("aud.{aud}"))),
                esc(&action(i, j, l)),
                sev_class = sev.replace(' ', "-"),
            );
        }
        o.push_str("</table>");
    }
    let trend = comparable(&s.trend);
    if let Some(last) = trend.last() {
        let _ = write!(
            o,
            "<h2>{}</h2>",
            esc(&l.fill("trend", &[("target", &last.target)]))
        );
        o.push_str(&trend_chart(&trend, l));
    }
    if !s.by_folder.is_empty() {
        for (key, groups) in [
            ("by_kind", by_weight(&s.by_kind)),
            ("by_folder", s.by_folder.clone()),
        ] {
            let _ = write!(o, "<h2>{}</h2>", esc(&l.t(key)));
            o.push_str(&bars(&groups));
        }
        for (key, groups) in [
            ("by_confidence", &s.by_confidence),
            ("by_age", &s.by_age),
            ("by_status", &s.by_status),
        ] {
            let _ = write!(o, "<h2>{}</h2>", esc(&l.t(key)));
            html_table(&mut o, groups, l);
        }
    }
    if !s.trend.is_empty() {
        let _ = write!(
            o,
            "<h2>{}</h2><table><tr><th>{}</th><th>{}</th><th>{}</th>\
             <th class=\"n\">{}</th><th class=\"n\">{}</th><th class=\"n\">{}</th>\
             <th class=\"n\">{}</th></tr>",
            esc(&l.t("scans")),
            esc(&l.t("started")),
            esc(&l.t("scan")),
            esc(&l.t("target")),
            esc(&l.t("files")),
            esc(&l.t("findings")),
            esc(&l.t("new")),
            esc(&l.t("resolved")),
        );
        for t in &s.trend {
            let _ = write!(
                o,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"p\">{}{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td>\
                 <td class=\"n\">{}</td></tr>",
                esc(&t.started_at.to_string()[..10]),
                t.scan,
                esc(&t.target),
                if t.incomplete.is_empty() { "" } else { " (!)" },
                t.files,
                t.findings,
                t.new_findings,
                t.resolved
            );
        }
        o.push_str("</table>");
    }
    o.push_str("</body></html>\n");
    o
}

/// `1 file`, `2 files`.
fn plural(n: u64, what: &str) -> String {
    if n == 1 {
        format!("1 {what}")
    } else {
        format!("{n} {what}s")
    }
}

fn breach_text(b: &Breach) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "Breach scope under {} ({}; {}).",
        b.prefix,
        &b.generated_at.to_string()[..10],
        if b.include_resolved {
            "every finding ever found there, resolved ones included"
        } else {
            "current findings; --include-resolved adds those since edited or deleted"
        }
    );
    let _ = writeln!(
        o,
        "\nPeople identified by number: {} (distinct identity numbers)",
        b.distinct_people
    );
    for k in query::IDENTITY_KINDS {
        if let Some(n) = b.by_kind.get(*k) {
            let _ = writeln!(o, "  {k:<20} {n:>8}");
        }
    }
    if b.by_kind
        .keys()
        .filter(|k| query::IDENTITY_KINDS.contains(&k.as_str()))
        .count()
        > 1
    {
        let _ = writeln!(
            o,
            "  (summed over kinds: {}; a person with numbers of two countries counts twice)",
            b.identity_numbers_summed
        );
    }
    let _ = writeln!(
        o,
        "Of them in files that also hold health data: {} (health data in {})",
        b.with_health,
        plural(b.health_items, "file")
    );
    let others: Vec<String> = b
        .by_kind
        .iter()
        .filter(|(k, _)| !query::IDENTITY_KINDS.contains(&k.as_str()))
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if !others.is_empty() {
        let _ = writeln!(
            o,
            "Other personal data, distinct values: {}",
            others.join(", ")
        );
    }
    let _ = writeln!(
        o,
        "\nRecords: {} in {}",
        plural(b.records, "finding"),
        plural(b.items, "file")
    );
    let kinds: Vec<String> = b
        .records_by_kind
        .iter()
        .map(|(k, n)| format!("{k} {n}"))
        .collect();
    if !kinds.is_empty() {
        let _ = writeln!(o, "  by kind: {}", kinds.join(", "));
    }
    match (b.modified.earliest, b.modified.latest) {
        (Some(lo), Some(hi)) => {
            let _ = writeln!(o, "Files last modified between {lo} and {hi}");
        }
        _ => {
            let _ = writeln!(o, "Files last modified: unknown");
        }
    }
    if let (Some(first), Some(last)) = (b.first_seen, b.last_seen) {
        let _ = writeln!(o, "First found by a scan {first}, last seen {last}");
    }
    let _ = writeln!(o, "\nReadable by (files):");
    if b.exposure.is_empty() {
        let _ = writeln!(o, "  (no files)");
    }
    for (who, n) in &b.exposure {
        let _ = writeln!(o, "  {n:>8}  {who}");
    }
    if b.records == 0 {
        let _ = writeln!(
            o,
            "\nNothing found under this folder{}. Check the path (as the scan saw it, e.g. \
             `datavakt findings list --status all`), or scan it first.",
            if b.include_resolved {
                ""
            } else {
                " now (--include-resolved counts findings since resolved)"
            }
        );
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_and_svg_text_is_escaped() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
        let g = [Group {
            name: "<script>".into(),
            findings: 3,
            items: 1,
        }];
        let svg = bars(&g);
        assert!(svg.contains("&lt;script&gt;") && !svg.contains("<script>"));
    }

    #[test]
    fn the_action_depends_on_what_was_found_and_who_can_read_it() {
        let item = |audience| TopItem {
            path: "/srv/a.txt".into(),
            findings: 2,
            identity_numbers: 1,
            health: false,
            severity: None,
            score: None,
            audience: Some(audience),
            owner: None,
            owner_name: None,
            why: Vec::new(),
        };
        let judged = |kinds: &[&str]| {
            let mut facts = ItemFacts::default();
            for k in kinds {
                facts.add_finding(k, None, Some("fp"), 0);
            }
            let assessment = assess::assess(&facts, None, 0);
            Judged { facts, assessment }
        };
        let number = judged(&["dk-cpr"]);
        let health = judged(&["dk-cpr", "health"]);
        let locked = judged(&["encrypted-archive"]);
        let en = |i: &TopItem, j: &Judged| action(i, j, Lang::En);
        let org = item(model::Audience::Organisation);
        assert_eq!(en(&org, &number), Lang::En.t("action.organisation"));
        assert!(en(&org, &health).starts_with("Restrict access at once, then decide whether"));
        assert_eq!(en(&org, &locked), Lang::En.t("action.encrypted"));
        let public = item(model::Audience::Public);
        assert!(en(&public, &health).contains("72 hours"));
        assert_eq!(en(&public, &locked), Lang::En.t("action.public"));
        let unknown = item(model::Audience::Unknown);
        assert_eq!(en(&unknown, &health), Lang::En.t("action.unknown"));
        for a in [model::Audience::Group, model::Audience::Owner] {
            assert_ne!(en(&item(a), &health), en(&item(a), &number), "{a:?}");
        }
    }
}
