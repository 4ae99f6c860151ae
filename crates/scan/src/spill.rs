//! Where the writer keeps an item's findings until the item is complete (its severity goes
//! on each of them): at most [`HOLD`] in memory, each [`HOLD`] written as a run to one
//! anonymous temporary file for the whole scan and read back, in order, when the item
//! completes. An item of a million findings holds a thousand in memory.
//!
//! The file is made with no name (`O_TMPFILE` where the system has it: nothing to find, gone
//! when the scan ends, however it ends) and everything in it is encrypted with ChaCha20 under a
//! key made for this scan from the system's random source and kept only in memory: with
//! `--show-values` the held findings carry found values, and none reaches the disk in clear.
//! When no item has findings in it any more, it is emptied, and what follows is encrypted under
//! a new nonce, so that no part of the key stream is used twice.

use std::fs::File;
use std::io;
use std::os::unix::fs::FileExt;

use chacha20::cipher::{KeyIvInit, StreamCipher, StreamCipherSeek};
use chacha20::ChaCha20;

/// Findings of one item held in memory before they go to the file, as one run.
pub(crate) const HOLD: usize = 1024;

/// A held finding as the output reads it, from memory or from the file.
#[derive(Clone, Copy)]
pub(crate) struct View<'a> {
    pub location: &'a str,
    pub kind: &'a str,
    pub confidence: &'a str,
    pub masked: &'a str,
    pub fingerprint: Option<&'a str>,
    pub variant: Option<&'a str>,
    pub status: &'a str,
    pub resolution: Option<&'a str>,
    pub first_seen: i64,
    pub value: Option<&'a str>,
    pub media: Option<&'a extract::media::Media>,
    /// New since the last scan.
    pub new: bool,
}

/// A run of one item's findings in the file.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Run {
    at: u64,
    len: u64,
}

/// The scan's file of held findings.
pub(crate) struct Spill {
    /// Made when the first run is written; `None` until then, or when it could not be made
    /// (the findings then stay in memory, as they did before there was a file).
    file: Option<File>,
    failed: bool,
    key: [u8; 32],
    /// The nonce of what the file holds now; a new one each time it is emptied.
    epoch: u64,
    /// Bytes written since it was last emptied.
    end: u64,
    /// Items with runs in the file.
    live: usize,
    /// The most bytes the file held at once, for the tests.
    #[cfg(test)]
    pub(crate) most: u64,
}

impl Default for Spill {
    fn default() -> Spill {
        let mut key = [0u8; 32];
        // Without a random key there is no file: findings stay in memory.
        let failed = getrandom::getrandom(&mut key).is_err();
        Spill {
            file: None,
            failed,
            key,
            epoch: 0,
            end: 0,
            live: 0,
            #[cfg(test)]
            most: 0,
        }
    }
}

impl Spill {
    /// True when runs can be written (the file exists or can be made).
    pub(crate) fn usable(&mut self) -> bool {
        if self.file.is_none() && !self.failed {
            match tempfile::tempfile() {
                Ok(f) => self.file = Some(f),
                Err(_) => self.failed = true,
            }
        }
        self.file.is_some()
    }

    fn cipher(&self, at: u64) -> io::Result<ChaCha20> {
        let mut nonce = [0u8; 12];
        nonce[4..].copy_from_slice(&self.epoch.to_le_bytes());
        let mut c = ChaCha20::new_from_slices(&self.key, &nonce).map_err(io::Error::other)?;
        c.try_seek(at).map_err(io::Error::other)?;
        Ok(c)
    }

    /// Writes `records` (made by [`encode`]) as a run of an item; `first`: the item's first.
    pub(crate) fn write(&mut self, mut records: Vec<u8>, first: bool) -> io::Result<Run> {
        let at = self.end;
        self.cipher(at)?
            .try_apply_keystream(&mut records)
            .map_err(io::Error::other)?;
        let Some(file) = &self.file else {
            return Err(io::Error::other("no file for held findings"));
        };
        file.write_all_at(&records, at)?;
        let len = records.len() as u64;
        self.end += len;
        if first {
            self.live += 1;
        }
        #[cfg(test)]
        {
            self.most = self.most.max(self.end);
        }
        Ok(Run { at, len })
    }

    /// Reads a run back, decrypted, into `buf`.
    pub(crate) fn read(&self, run: Run, buf: &mut Vec<u8>) -> io::Result<()> {
        let Some(file) = &self.file else {
            return Err(io::Error::other("no file for held findings"));
        };
        let len = usize::try_from(run.len).map_err(io::Error::other)?;
        buf.clear();
        buf.resize(len, 0);
        file.read_exact_at(buf, run.at)?;
        self.cipher(run.at)?
            .try_apply_keystream(buf)
            .map_err(io::Error::other)
    }

    /// An item with runs is done with them: when none is left, the file is emptied.
    pub(crate) fn release(&mut self) {
        self.live = self.live.saturating_sub(1);
        if self.live == 0 && self.end > 0 {
            if let Some(f) = &self.file {
                if f.set_len(0).is_ok() {
                    self.end = 0;
                    self.epoch += 1;
                }
            }
        }
    }

    /// The file's raw bytes, for the tests.
    #[cfg(test)]
    pub(crate) fn raw(&self) -> Vec<u8> {
        let mut buf = vec![0; self.end as usize];
        if let Some(f) = &self.file {
            f.read_exact_at(&mut buf, 0).unwrap();
        }
        buf
    }
}

const NEW: u8 = 1;
const FINGERPRINT: u8 = 2;
const VARIANT: u8 = 4;
const RESOLUTION: u8 = 8;
const VALUE: u8 = 16;
const MEDIA: u8 = 32;

fn put(out: &mut Vec<u8>, s: &str) {
    out.extend_from_slice(&(s.len() as u32).to_le_bytes());
    out.extend_from_slice(s.as_bytes());
}

/// Appends a finding to a run (the item's path and exposure are the item's, not repeated).
pub(crate) fn encode(out: &mut Vec<u8>, v: &View) {
    let flags = [
        (v.new, NEW),
        (v.fingerprint.is_some(), FINGERPRINT),
        (v.variant.is_some(), VARIANT),
        (v.resolution.is_some(), RESOLUTION),
        (v.value.is_some(), VALUE),
        (v.media.is_some(), MEDIA),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .fold(0, |f, (_, bit)| f | bit);
    out.push(flags);
    for s in [v.location, v.kind, v.confidence, v.masked, v.status] {
        put(out, s);
    }
    for s in [v.fingerprint, v.variant, v.resolution, v.value]
        .into_iter()
        .flatten()
    {
        put(out, s);
    }
    out.extend_from_slice(&v.first_seen.to_le_bytes());
    if let Some(m) = v.media {
        put(out, m.kind);
        put(out, m.format);
        put(out, m.camera.as_deref().unwrap_or_default());
        put(out, m.captured.as_deref().unwrap_or_default());
        let has = |b: bool, bit: u8| if b { bit } else { 0 };
        out.push(
            has(m.duration_seconds.is_some(), 1)
                | has(m.camera.is_some(), 2)
                | has(m.captured.is_some(), 4)
                | has(m.gps, 8),
        );
        out.extend_from_slice(&m.duration_seconds.unwrap_or_default().to_le_bytes());
    }
}

fn damaged() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        "held findings read back damaged",
    )
}

fn take<'a>(buf: &mut &'a [u8], n: usize) -> io::Result<&'a [u8]> {
    if buf.len() < n {
        return Err(damaged());
    }
    let (head, rest) = buf.split_at(n);
    *buf = rest;
    Ok(head)
}

fn text<'a>(buf: &mut &'a [u8]) -> io::Result<&'a str> {
    let n = take(buf, 4)?;
    let n = u32::from_le_bytes([n[0], n[1], n[2], n[3]]) as usize;
    std::str::from_utf8(take(buf, n)?).map_err(|_| damaged())
}

fn eight(buf: &mut &[u8]) -> io::Result<[u8; 8]> {
    let b = take(buf, 8)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(b);
    Ok(a)
}

/// Reads each finding of a run (as [`Spill::read`] gave it back) in order.
pub(crate) fn decode(
    mut buf: &[u8],
    each: &mut dyn FnMut(&View<'_>) -> io::Result<()>,
) -> io::Result<()> {
    let buf = &mut buf;
    while !buf.is_empty() {
        let flags = take(buf, 1)?[0];
        let (location, kind, confidence, masked, status) =
            (text(buf)?, text(buf)?, text(buf)?, text(buf)?, text(buf)?);
        let mut opt = |bit: u8| -> io::Result<Option<&str>> {
            if flags & bit != 0 {
                text(buf).map(Some)
            } else {
                Ok(None)
            }
        };
        let (fingerprint, variant, resolution, value) = (
            opt(FINGERPRINT)?,
            opt(VARIANT)?,
            opt(RESOLUTION)?,
            opt(VALUE)?,
        );
        let first_seen = i64::from_le_bytes(eight(buf)?);
        let media = if flags & MEDIA != 0 {
            let (kind, format, camera, captured) = (text(buf)?, text(buf)?, text(buf)?, text(buf)?);
            let has = take(buf, 1)?[0];
            let duration = f64::from_le_bytes(eight(buf)?);
            Some(extract::media::Media {
                kind: extract::media::intern(kind),
                format: extract::media::intern(format),
                duration_seconds: (has & 1 != 0).then_some(duration),
                camera: (has & 2 != 0).then(|| camera.to_string()),
                captured: (has & 4 != 0).then(|| captured.to_string()),
                gps: has & 8 != 0,
            })
        } else {
            None
        };
        each(&View {
            location,
            kind,
            confidence,
            masked,
            fingerprint,
            variant,
            status,
            resolution,
            first_seen,
            value,
            media: media.as_ref(),
            new: flags & NEW != 0,
        })?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view<'a>(location: &'a str, value: Option<&'a str>) -> View<'a> {
        View {
            location,
            kind: "dk-cpr",
            confidence: "high",
            masked: "070761-****",
            fingerprint: Some("hmac-sha256:00"),
            variant: None,
            status: "open",
            resolution: None,
            first_seen: 1_700_000_000,
            value,
            media: None,
            new: true,
        }
    }

    /// Runs read back as written, in order; no found value is in the file in clear; the file
    /// is emptied when no item holds runs in it.
    #[test]
    fn runs_come_back_as_written_and_no_value_is_in_the_file() {
        let mut spill = Spill::default();
        assert!(spill.usable());
        let photo = extract::media::Media {
            kind: "camera-photo",
            format: "jpeg",
            duration_seconds: None,
            camera: Some("Canon".into()),
            captured: None,
            gps: true,
        };
        let mut runs = Vec::new();
        for part in 0..3 {
            let mut buf = Vec::new();
            for i in 0..100 {
                let at = format!("line {}", part * 100 + i);
                let mut v = view(&at, Some("0707614285"));
                if i == 7 {
                    v.media = Some(&photo);
                    v.fingerprint = None;
                    v.new = false;
                }
                encode(&mut buf, &v);
            }
            runs.push(spill.write(buf, part == 0).unwrap());
        }
        let raw = spill.raw();
        assert!(raw.len() > 300 * 40);
        for clear in [
            &b"0707614285"[..],
            b"070761",
            b"line 1",
            b"dk-cpr",
            b"Canon",
        ] {
            assert!(!raw.windows(clear.len()).any(|w| w == clear));
        }
        let mut seen = Vec::new();
        let mut buf = Vec::new();
        for run in runs {
            spill.read(run, &mut buf).unwrap();
            decode(&buf, &mut |v| {
                seen.push((
                    v.location.to_string(),
                    v.value.map(str::to_string),
                    v.media.map(|m| (m.kind, m.camera.clone(), m.gps)),
                    v.fingerprint.is_some(),
                    v.new,
                ));
                Ok(())
            })
            .unwrap();
        }
        assert_eq!(seen.len(), 300);
        assert_eq!(seen[150].0, "line 150");
        assert_eq!(seen[150].1.as_deref(), Some("0707614285"));
        assert_eq!(
            seen[107].2,
            Some(("camera-photo", Some("Canon".to_string()), true))
        );
        assert!(!seen[107].3 && !seen[107].4 && seen[108].3 && seen[108].4);
        spill.release();
        assert_eq!(spill.raw().len(), 0, "emptied when no item holds runs");
        assert_eq!(spill.epoch, 1, "a new nonce for what follows");
        assert!(decode(&[1, 2, 3], &mut |_| Ok(())).is_err());
    }
}
