//! Web servers (`http://`, `https://`): crawled with `sources::web`, every URL's answer a
//! `url` record; what it serves is scanned like a file whose exposure is the server's:
//! `public` when no credentials were needed.

use super::{Body, End, Item, Locator, Part, Scanners, Source, Walked};

/// One web server, crawled from a start URL.
pub struct WebSite {
    pub start: String,
    pub options: sources::web::WebOptions,
}

impl Source for WebSite {
    fn roots(&self) -> Vec<Locator> {
        vec![url(&self.start)]
    }

    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End> {
        let mut scan = scanner();
        let mut errors = 0usize;
        // URLs the server gave no answer for (refused, reset, timed out): not covered, and
        // the first such failure, to say why.
        let (mut unanswered, mut why) = (0usize, None);
        // What lies behind a password the crawl could not pass is unseen, not gone.
        let mut unread = Vec::new();
        let result = sources::web::crawl(&self.start, &self.options, &mut |item| {
            errors += usize::from(item.error.is_some());
            if let (Some(e), None) = (&item.error, item.status) {
                unanswered += 1;
                why.get_or_insert_with(|| e.clone());
            }
            if item.protected && item.body.is_empty() {
                unread.push(item.url.clone());
            }
            scan.item(web_item(item))
        });
        let walked = match result {
            Ok(s) if s.limit_reached => Walked::CutShort {
                reason: format!(
                    "the crawl stopped at its limit of {} URLs (--crawl-max-urls)",
                    self.options.max_urls
                ),
            },
            Ok(s) if s.stopped => Walked::CutShort {
                reason: "the crawl was stopped".into(),
            },
            Ok(_) if unanswered > 0 => Walked::CutShort {
                reason: format!(
                    "the server did not answer for {unanswered} URLs ({})",
                    why.unwrap_or_default()
                ),
            },
            Ok(_) if errors == 0 => Walked::Complete { unread },
            Ok(_) => Walked::Incomplete,
            Err(reason) => {
                scan.error(Some(&url(&self.start)), &reason);
                Walked::CutShort { reason }
            }
        };
        vec![End {
            root: url(&self.start),
            walked,
        }]
    }
}

/// A URL whose name is not read for values.
fn url(u: &str) -> Locator {
    Locator::Url {
        url: u.to_string(),
        name: None,
    }
}

/// What the crawl met at one URL, as an item: its answer, who can read it and its body.
fn web_item(item: sources::web::WebItem) -> Item {
    let transport = item.transport;
    let answer = model::Url {
        content_type: item.content_type.map(Into::into),
        kind: Default::default(),
        last_modified: item.last_modified.map(Into::into),
        listed_by: item.listed_by.clone().map(Into::into),
        path: item.url.clone().into(),
        protected: item.protected,
        recording: item.recording,
        size: item.size,
        status: item.status,
        transport,
        truncated: item.truncated,
    };
    let (exposure, body) = match item.error {
        Some(reason) => (None, Body::Error(reason)),
        None => {
            let body = if item.protected && item.body.is_empty() {
                Body::Nothing
            } else {
                let part = if item.truncated {
                    Part::Truncated
                } else if item.recording {
                    Part::Head
                } else {
                    Part::Whole
                };
                Body::Bytes {
                    data: item.body,
                    part,
                }
            };
            (
                Some(exposure(item.protected, transport, item.listed_by)),
                body,
            )
        }
    };
    Item {
        exposure,
        answer: Some(answer),
        ..Item::new(url(&item.url), body)
    }
}

/// Who can read what a URL served.
fn exposure(
    protected: bool,
    transport: model::Transport,
    listed_by: Option<String>,
) -> model::Exposure {
    let mut via = if protected {
        "the server asks for credentials (HTTP authentication)".to_string()
    } else {
        format!(
            "served without credentials over {}",
            transport.name().to_uppercase()
        )
    };
    if let Some(listing) = &listed_by {
        via.push_str(&format!("; listed by {listing}"));
    }
    model::Exposure {
        audience: if protected {
            model::Audience::Group
        } else {
            model::Audience::Public
        },
        principals: if protected {
            vec!["whoever has the credentials".into()]
        } else {
            vec![]
        },
        size: None,
        transport,
        via,
        listed_by,
    }
}
