//! The SMB source of the pipeline (`datavakt scan smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]`,
//! the binary's cargo feature `smb`): walks a share and hands each file and folder to a
//! scanner; each item's exposure comes from its security descriptor.

use scan::source::{Body, End, Item, Locator, Part, Scanners, Source, Walked};

use crate::{SmbItem, SmbOptions, SmbTarget};

/// A share to scan: where, and the password found for it (never from the command line).
pub struct Share {
    pub target: SmbTarget,
    pub password: String,
    /// Its URL as items carry it (without the user): the root in the scan database.
    pub root: String,
}

/// Parses an `smb://` argument and finds its password (`DATAVAKT_SMB_PASSWORD`, a credentials
/// file named by `DATAVAKT_SMB_CREDENTIALS`, else a prompt on the terminal).
pub fn share(url: &str) -> Result<Share, String> {
    let target = SmbTarget::parse(url)?;
    let password = match crate::password(&target) {
        Ok(p) => p,
        Err(why) => {
            let prompt = format!(
                "Password for {}@{}/{}: ",
                target.user, target.host, target.share
            );
            // rpassword reads the terminal without echo; without a terminal there is no one
            // to ask.
            rpassword::prompt_password(prompt).map_err(|_| why)?
        }
    };
    let root = target.url_of(&target.path);
    Ok(Share {
        target,
        password,
        root,
    })
}

/// One share as a source.
pub struct SmbShare {
    pub share: Share,
    /// Files are read up to this many bytes.
    pub max_file_bytes: u64,
    /// `--exclude` and `--include`.
    pub globs: sources::globs::Globs,
}

impl Source for SmbShare {
    fn roots(&self) -> Vec<Locator> {
        vec![url(&self.share.root, None)]
    }

    fn walk(&self, scanner: &Scanners<'_>) -> Vec<End> {
        let mut scan = scanner();
        let opts = SmbOptions {
            max_file_bytes: self.max_file_bytes,
            globs: self.globs.clone(),
            ..SmbOptions::default()
        };
        let share = &self.share;
        let mut errors = 0usize;
        let result = crate::walk(&share.target, &share.password, &opts, &mut |item| {
            errors += usize::from(item.error.is_some());
            scan.item(smb_item(item))
        });
        let walked = match result {
            Ok(s) if s.limit_reached => Walked::CutShort {
                reason: "the walk stopped at its limit of entries".into(),
            },
            Ok(s) if s.stopped => Walked::CutShort {
                reason: "the walk was stopped".into(),
            },
            Ok(s) if s.connection_lost > 0 => Walked::CutShort {
                reason: format!(
                    "the connection was lost during the walk: {} folders not listed",
                    s.connection_lost
                ),
            },
            Ok(s) if s.too_deep > 0 => Walked::CutShort {
                reason: format!("{} folders lie deeper than the walk goes", s.too_deep),
            },
            Ok(_) if errors == 0 => Walked::Complete { unread: vec![] },
            Ok(_) => Walked::Incomplete,
            Err(reason) => {
                scan.error(Some(&url(&share.root, None)), &reason);
                Walked::CutShort { reason }
            }
        };
        vec![End {
            root: url(&share.root, None),
            walked,
        }]
    }
}

fn url(u: &str, name: Option<String>) -> Locator {
    Locator::Url {
        url: u.to_string(),
        name,
    }
}

/// One file or folder of the share, as an item: its name is read for values too.
fn smb_item(item: SmbItem) -> Item {
    let name = item.path.rsplit('/').next().unwrap_or_default().to_string();
    let at = url(&item.url, Some(name));
    if item.is_dir {
        return Item {
            folder: true,
            ..Item::new(at, Body::Nothing)
        };
    }
    let mut notes = Vec::new();
    let body = match item.error {
        Some(reason) => Body::Error(reason),
        None => {
            if item.truncated {
                // Only its start was read: what it holds beyond is unknown.
                notes.push(format!("read only its first {} bytes", item.body.len()));
            }
            let part = if item.truncated {
                Part::Truncated
            } else {
                Part::Whole
            };
            Body::Bytes {
                data: item.body,
                part,
            }
        }
    };
    Item {
        exposure: Some(item.exposure),
        notes,
        ..Item::new(at, body)
    }
}
