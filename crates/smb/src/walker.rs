//! The walk of a share once logged on: depth first, names in order, one listing per folder,
//! each file read with large reads and each item's exposure judged from its security
//! descriptor (named through the server where it resolves SIDs), within the share's own
//! permissions.

use std::collections::HashMap;
use std::ffi::CString;
use std::time::{Duration, SystemTime};

use sources::exposure::{Exposure, Transport};
use sources::smb::{sd, SmbTarget, DEFAULT_PORT};

use crate::ffi::{c_url, Client, Listed};
use crate::{describe, SmbItem, SmbOptions, SmbSummary};

/// Past this many names remembered, the cache starts over (bounded memory on huge domains).
const NAME_CACHE_LIMIT: usize = 10_000;

pub(crate) struct Walker<'a> {
    target: &'a SmbTarget,
    opts: &'a SmbOptions,
    client: Client,
    transport: Transport,
    guests: bool,
    /// The share's permissions, which narrow every item's.
    share: sd::ShareAcl,
    /// SIDs the server has named.
    names: HashMap<sd::Sid, String>,
    /// Reused for security descriptors.
    buf: Vec<u8>,
    pub(crate) summary: SmbSummary,
}

/// A folder being walked: its path and the entries not yet visited.
struct Frame {
    rel: String,
    depth: u32,
    entries: std::vec::IntoIter<Listed>,
}

fn sorted(mut l: Vec<Listed>) -> std::vec::IntoIter<Listed> {
    l.sort_by(|a, b| a.name.cmp(&b.name));
    l.into_iter()
}

fn join(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else {
        format!("{dir}/{name}")
    }
}

fn time_of((secs, nanos): (i64, i64)) -> Option<SystemTime> {
    let secs = u64::try_from(secs).ok()?;
    let nanos = u32::try_from(nanos).ok().filter(|n| *n < 1_000_000_000)?;
    SystemTime::UNIX_EPOCH.checked_add(Duration::new(secs, nanos))
}

impl<'a> Walker<'a> {
    pub(crate) fn new(
        target: &'a SmbTarget,
        opts: &'a SmbOptions,
        client: Client,
        encrypted: bool,
        guests: bool,
        share: sd::ShareAcl,
    ) -> Walker<'a> {
        Walker {
            target,
            opts,
            share,
            client,
            transport: if encrypted {
                Transport::Smb3Encrypted
            } else {
                Transport::Smb
            },
            guests,
            names: HashMap::new(),
            buf: vec![0; 64 * 1024],
            summary: SmbSummary {
                encrypted,
                guest_access: guests,
                ..SmbSummary::default()
            },
        }
    }

    pub(crate) fn walk_from(
        &mut self,
        listing: Vec<Listed>,
        visit: &mut dyn FnMut(SmbItem) -> bool,
    ) {
        self.summary.limit_reached |= listing.len() >= self.opts.max_entries;
        let mut stack = vec![Frame {
            rel: self.target.path.clone(),
            depth: 0,
            entries: sorted(listing),
        }];
        while let Some(top) = stack.last_mut() {
            let Some(entry) = top.entries.next() else {
                stack.pop();
                continue;
            };
            let (dir, depth) = (top.rel.clone(), top.depth);
            if self.summary.items >= self.opts.max_entries {
                self.summary.limit_reached = true;
                return;
            }
            let Ok(name) = String::from_utf8(entry.name.clone()) else {
                // libsmbclient hands out UTF-8; anything else cannot be named in a URL.
                let item = self.error_item(&dir, entry.is_dir, "a name that is not UTF-8");
                if !self.report(item, visit) {
                    return;
                }
                continue;
            };
            let rel = join(&dir, &name);
            if !self.opts.globs.allows(&rel, entry.is_dir) {
                continue;
            }
            if entry.is_dir {
                let (item, children) = self.dir(&rel, depth + 1, &entry);
                if !self.report(item, visit) {
                    return;
                }
                if let Some(children) = children {
                    stack.push(Frame {
                        rel,
                        depth: depth + 1,
                        entries: sorted(children),
                    });
                }
            } else {
                let item = self.file(&rel, entry.size, Some(entry.mtime));
                if !self.report(item, visit) {
                    return;
                }
            }
        }
    }

    /// Counts and hands over an item; `false` when the visitor stops the walk.
    pub(crate) fn report(&mut self, item: SmbItem, visit: &mut dyn FnMut(SmbItem) -> bool) -> bool {
        self.summary.items += 1;
        self.summary.dirs += usize::from(item.is_dir);
        self.summary.errors += usize::from(item.error.is_some());
        self.summary.bytes_read += item.body.len() as u64;
        let go_on = visit(item);
        self.summary.stopped |= !go_on;
        go_on
    }

    fn blank(&self, rel: &str, is_dir: bool) -> SmbItem {
        SmbItem {
            url: self.target.url_of(rel),
            path: rel.to_string(),
            is_dir,
            size: 0,
            modified: None,
            exposure: Exposure::unknown(String::new(), self.transport),
            body: vec![],
            truncated: false,
            error: None,
        }
    }

    fn error_item(&self, rel: &str, is_dir: bool, why: &str) -> SmbItem {
        let mut item = self.blank(rel, is_dir);
        item.exposure.via = why.to_string();
        item.error = Some(why.to_string());
        item
    }

    /// A folder's item and, unless too deep or unreadable, its listing.
    fn dir(&mut self, rel: &str, depth: u32, entry: &Listed) -> (SmbItem, Option<Vec<Listed>>) {
        let mut item = self.blank(rel, true);
        item.modified = time_of(entry.mtime);
        let url = match c_url(&self.target.lib_url(rel)) {
            Ok(u) => u,
            Err(e) => return (self.error_item(rel, true, &e.to_string()), None),
        };
        item.exposure = self.exposure(&url);
        if depth > self.opts.max_depth {
            self.summary.too_deep += 1;
            return (item, None);
        }
        let room = self.opts.max_entries.saturating_sub(self.summary.items);
        match self.client.list(&url, room.max(1)) {
            Ok(l) => {
                self.summary.limit_reached |= l.len() >= room.max(1);
                (item, Some(l))
            }
            Err(e) => {
                self.summary.connection_lost += usize::from(crate::connection_lost(&e));
                item.error = Some(format!("folder not listed: {}", describe(&e)));
                (item, None)
            }
        }
    }

    /// A file's item: its exposure and its content.
    pub(crate) fn file(&mut self, rel: &str, size: u64, mtime: Option<(i64, i64)>) -> SmbItem {
        let mut item = self.blank(rel, false);
        item.size = size;
        item.modified = mtime.and_then(time_of);
        let url = match c_url(&self.target.lib_url(rel)) {
            Ok(u) => u,
            Err(e) => return self.error_item(rel, false, &e.to_string()),
        };
        item.exposure = self.exposure(&url);
        match self.read(&url, size) {
            Ok((body, truncated)) => {
                item.body = body;
                item.truncated = truncated;
            }
            Err(e) => item.error = Some(e),
        }
        item
    }

    /// Reads up to [`SmbOptions::max_file_bytes`]: large reads (libsmbclient splits them into
    /// the largest the server negotiated), into a buffer sized from the listing.
    fn read(&self, url: &CString, size: u64) -> Result<(Vec<u8>, bool), String> {
        /// One read call asks for this much.
        const CHUNK: usize = 4 * 1024 * 1024;
        let limit = self.opts.max_file_bytes;
        let mut f = self.client.open(url).map_err(|e| describe(&e))?;
        let cap = usize::try_from(size.min(limit))
            .unwrap_or(CHUNK)
            .min(CHUNK * 16);
        let mut body: Vec<u8> = Vec::with_capacity(cap);
        let mut chunk = vec![0u8; CHUNK.min(usize::try_from(limit).unwrap_or(CHUNK)).max(1)];
        loop {
            let left = limit.saturating_sub(body.len() as u64);
            if left == 0 {
                // One more byte tells a file of exactly the limit from a longer one.
                let mut probe = [0u8; 1];
                let more = f.read(&mut probe).map_err(|e| describe(&e))?;
                return Ok((body, more > 0));
            }
            let want = usize::try_from(left).unwrap_or(usize::MAX).min(chunk.len());
            let n = f
                .read(&mut chunk[..want])
                .map_err(|e| format!("read cut short: {}", describe(&e)))?;
            if n == 0 {
                return Ok((body, false));
            }
            body.extend_from_slice(&chunk[..n]);
        }
    }

    /// Who may read the item at `url`, from its security descriptor.
    fn exposure(&mut self, url: &CString) -> Exposure {
        let unknown = Exposure::unknown;
        let text = match self.descriptor(url, c"system.nt_sec_desc.*") {
            Ok(t) => t,
            Err(e) if self.target.port != DEFAULT_PORT => {
                return unknown(
                    format!(
                        "security descriptor unreadable ({e}): libsmbclient reads descriptors \
                         only through port {DEFAULT_PORT}"
                    ),
                    self.transport,
                )
            }
            Err(e) => {
                return unknown(
                    format!("security descriptor unreadable: {e}"),
                    self.transport,
                )
            }
        };
        let parsed = match sd::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                return unknown(
                    format!("security descriptor not understood: {e}"),
                    self.transport,
                )
            }
        };
        if self.opts.resolve_names && sd::wants_names(&parsed, &self.names) {
            if let Ok(named) = self.descriptor(url, c"system.nt_sec_desc.*+") {
                if self.names.len() > NAME_CACHE_LIMIT {
                    self.names.clear();
                }
                self.names.extend(sd::names(&parsed, &named));
            }
        }
        let item = sd::judge(&parsed, self.guests, &self.names, self.transport);
        sd::within_share(item, &self.share, self.guests, &self.names)
    }

    /// One form of the security descriptor, grown once if it does not fit.
    fn descriptor(&mut self, url: &CString, name: &std::ffi::CStr) -> Result<Vec<u8>, String> {
        let small = self.buf.len() < sd::MAX_TEXT;
        match self.client.getxattr(url, name, &mut self.buf) {
            Ok(t) => Ok(t.to_vec()),
            Err(e) if e.raw_os_error() == Some(libc::ERANGE) && small => {
                self.buf.resize(sd::MAX_TEXT, 0);
                self.client
                    .getxattr(url, name, &mut self.buf)
                    .map(<[u8]>::to_vec)
                    .map_err(|e| describe(&e))
            }
            Err(e) => Err(describe(&e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times() {
        assert_eq!(time_of((0, 0)), Some(SystemTime::UNIX_EPOCH));
        assert_eq!(time_of((-1, 0)), None);
        assert_eq!(time_of((1, 1_000_000_000)), None);
    }
}
