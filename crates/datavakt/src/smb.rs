//! `datavakt scan smb://[DOMAIN;]USER@HOST[:PORT]/SHARE[/PATH]` (cargo feature `smb`): walks a
//! share with the crate `datavakt-smb` and scans what it reads with the same extraction and detection as
//! files; each item's exposure comes from its security descriptor.

use std::io;
use std::sync::mpsc::SyncSender;

use ::smb::{SmbItem, SmbOptions, SmbTarget};

use crate::scan::{self, Ctx, Msg, Outbox, Outcome, Record, Thread};

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
    let password = match ::smb::password(&target) {
        Ok(p) => p,
        Err(why) => prompt(&target).ok_or(why)?,
    };
    let root = target.url_of(&target.path);
    Ok(Share {
        target,
        password,
        root,
    })
}

/// Asks for the password on the terminal, without echo; `None` without a terminal.
fn prompt(t: &SmbTarget) -> Option<String> {
    use std::io::{BufRead, IsTerminal, Write};
    let tty = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/tty")
        .ok()?;
    if !tty.is_terminal() {
        return None;
    }
    let fd = std::os::fd::AsRawFd::as_raw_fd(&tty);
    // SAFETY: termios is plain data, filled by tcgetattr on a valid descriptor we own.
    let mut old: libc::termios = unsafe { std::mem::zeroed() };
    // SAFETY: fd is open for the lifetime of `tty`; `old` is a valid termios to fill.
    if unsafe { libc::tcgetattr(fd, &mut old) } != 0 {
        return None;
    }
    let mut quiet = old;
    quiet.c_lflag &= !libc::ECHO;
    let mut out = &tty;
    let _ = write!(out, "Password for {}@{}/{}: ", t.user, t.host, t.share);
    let _ = out.flush();
    // SAFETY: as above; `quiet` is a copy of the terminal's own settings without echo.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &quiet) };
    let mut line = String::new();
    let read = io::BufReader::new(&tty).read_line(&mut line);
    // SAFETY: restores the settings read above on the same descriptor.
    unsafe { libc::tcsetattr(fd, libc::TCSANOW, &old) };
    let _ = writeln!(out);
    read.ok()?;
    Some(line.trim_end_matches(['\r', '\n']).to_string())
}

/// Walks one share on its own thread and scans every file; tells the writer when it is done.
pub fn walk(ctx: &Ctx, share: &Share, tx: SyncSender<Vec<Msg>>) {
    let mut out = Outbox::new(tx);
    let mut th = Thread::new(ctx);
    let opts = SmbOptions {
        max_file_bytes: ctx.opts.worker.extract.max_item_bytes,
        ..SmbOptions::default()
    };
    let mut errors = 0usize;
    let result = ::smb::walk(&share.target, &share.password, &opts, &mut |item| {
        errors += usize::from(item.error.is_some());
        visit(ctx, item, &mut th, &mut out)
    });
    let complete = match result {
        Ok(s) => !s.limit_reached && !s.stopped && s.too_deep == 0 && errors == 0,
        Err(reason) => {
            let error = Record::Error {
                path: ctx.mask.text(&share.root).into_owned(),
                location: None,
                reason,
            };
            scan::send_all(&mut out, vec![error], Outcome::Error);
            false
        }
    };
    let _ = out.send(Msg::Crawled {
        root: ctx.mask.text(&share.root).into_owned(),
        complete,
        protected: Vec::new(),
    });
}

/// One file or folder of the share; false when the writer is gone.
fn visit(ctx: &Ctx, item: SmbItem, th: &mut Thread, tx: &mut Outbox) -> bool {
    let name = item.path.rsplit('/').next().unwrap_or_default().to_string();
    let shown = ctx.mask.text(&item.url).into_owned();
    if item.is_dir {
        return scan::scan_name_text(ctx, &shown, &name, "folder name", tx)
            && tx
                .send(Msg::Read {
                    path: shown,
                    meta: None,
                    hash: None,
                })
                .is_ok();
    }
    let exposure = Msg::Exposure {
        path: shown.clone(),
        exposure: scan::exposure_json(&item.exposure, ctx.mask).into(),
    };
    if tx.send(exposure).is_err() || !scan::scan_name_text(ctx, &shown, &name, "file name", tx) {
        return false;
    }
    if let Some(reason) = item.error {
        let error = Record::Error {
            path: shown.clone(),
            location: None,
            reason: scan::masked_text(ctx.mask, &reason),
        };
        return scan::send_all(tx, vec![error], Outcome::Error)
            && tx.send(Msg::Unfinished(shown)).is_ok();
    }
    if item.truncated {
        // Only its start was read: what it holds beyond is unknown.
        let warning = Record::Warning {
            path: shown.clone(),
            reason: format!("read only its first {} bytes", item.body.len()),
        };
        if tx.send(Msg::Records(vec![warning])).is_err() {
            return false;
        }
    }
    let hash = (!item.truncated).then(|| scan::content_hash(&item.body));
    scan::scan_body(ctx, shown, item.body, (!item.truncated, hash), th, tx)
}
