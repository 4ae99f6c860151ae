//! `datavakt scan http(s)://…`: crawls a web server with `sources::web` and scans what it
//! serves with the same extraction and detection as files. Every URL becomes a `url` record
//! (what the server answered); its content is scanned like a file whose exposure is the
//! server's: `public` when no credentials were needed.

use serde::Serialize;

use crate::scan::{self, Ctx, Msg, Outbox, Outcome, Record, Thread};

/// What a web server answered for one URL: the `url` record of the output.
#[derive(Clone, Debug, Serialize)]
pub struct UrlFacts {
    pub path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    /// Credentials were needed (HTTP 401 with a challenge).
    pub protected: bool,
    /// `http` or `https`.
    pub transport: &'static str,
    /// The directory listing that exposed it, if one did.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_by: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub content_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_modified: Option<String>,
    /// An audio or video recording (only its head was fetched).
    pub recording: bool,
    /// The body was longer than the limit and was read only up to it.
    pub truncated: bool,
}

/// Crawls `root` on its own thread and scans every URL; tells the writer when it is done.
pub fn crawl(ctx: &Ctx, root: &str, tx: std::sync::mpsc::SyncSender<Vec<Msg>>) {
    let mut out = Outbox::new(tx);
    let mut th = Thread::new(ctx);
    let mut errors = 0usize;
    let mut protected = Vec::new();
    let result = sources::web::crawl(root, &ctx.opts.web, &mut |item| {
        errors += usize::from(item.error.is_some());
        if item.protected && item.body.is_empty() {
            protected.push(ctx.mask.text(&item.url).into_owned());
        }
        visit(ctx, item, &mut th, &mut out)
    });
    let complete = match result {
        Ok(summary) => !summary.limit_reached && !summary.stopped && errors == 0,
        Err(reason) => {
            let error = Record::Error {
                path: ctx.mask.text(root).into_owned(),
                location: None,
                reason,
            };
            scan::send_all(&mut out, vec![error], Outcome::Error);
            false
        }
    };
    let _ = out.send(Msg::Crawled {
        root: ctx.mask.text(root).into_owned(),
        complete,
        protected,
    });
}

/// Who can read what a URL served, as the contract's exposure object.
fn exposure(item: &sources::web::WebItem, listed_by: Option<&str>) -> String {
    let mut via = if item.protected {
        "the server asks for credentials (HTTP authentication)".to_string()
    } else {
        format!(
            "served without credentials over {}",
            item.transport.to_uppercase()
        )
    };
    if let Some(listing) = listed_by {
        via.push_str(&format!("; listed by {listing}"));
    }
    serde_json::json!({
        "audience": if item.protected { "group" } else { "public" },
        "via": via,
        "principals": if item.protected { vec!["whoever has the credentials"] } else { vec![] },
        "transport": item.transport,
    })
    .to_string()
}

/// One URL: its facts, then its content scanned; false when the writer is gone.
fn visit(ctx: &Ctx, item: sources::web::WebItem, th: &mut Thread, tx: &mut Outbox) -> bool {
    // A URL naming a person (a CPR in a file name) is stored and shown masked, like a path.
    let shown = ctx.mask.text(&item.url).into_owned();
    let listed_by = item
        .listed_by
        .as_deref()
        .map(|l| ctx.mask.text(l).into_owned());
    let facts = UrlFacts {
        path: shown.clone(),
        status: item.status,
        protected: item.protected,
        transport: item.transport,
        listed_by: listed_by.clone(),
        content_type: item.content_type.clone(),
        size: item.size,
        last_modified: item.last_modified.clone(),
        recording: item.recording,
        truncated: item.truncated,
    };
    if tx.send(Msg::Records(vec![Record::Url(facts)])).is_err() {
        return false;
    }
    if let Some(reason) = &item.error {
        let error = Record::Error {
            path: shown,
            location: None,
            reason: scan::masked_text(ctx.mask, reason),
        };
        return scan::send_all(tx, vec![error], Outcome::Error);
    }
    let msg = Msg::Exposure {
        path: shown.clone(),
        exposure: exposure(&item, listed_by.as_deref()).into(),
    };
    if tx.send(msg).is_err() {
        return false;
    }
    if item.protected && item.body.is_empty() {
        // Nothing read: what is behind the password is not known.
        return tx.send(Msg::Done(Outcome::Skipped)).is_ok();
    }
    // A recording's head says all there is to say; a truncated body does not.
    let hash = (!item.truncated && !item.recording).then(|| scan::content_hash(&item.body));
    scan::scan_body(ctx, shown, item.body, (!item.truncated, hash), th, tx)
}
