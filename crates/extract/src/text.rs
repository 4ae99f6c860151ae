use std::io::{self, Read};

use encoding_rs::{CoderResult, Decoder, UTF_16BE, UTF_16LE};

/// Size of a read, and of the chunks handed to the detectors.
pub const BLOCK: usize = 1 << 18;

/// How many bytes of the first block decide whether content is binary.
const SNIFF: usize = 8192;

/// What the first block of an item says it is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Content {
    /// Text in `encoding` (`utf-8`, `utf-8-bom`, `utf-16le`, `utf-16be`, or `8-bit` for text
    /// that is not valid UTF-8 and read as Windows-1252).
    Text { encoding: &'static str },
    /// Not text: the format when its signature is known, else `binary`.
    Binary { format: &'static str },
}

/// Signatures of binary formats that later extractors read.
const MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"PK\x05\x06", "zip"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF8", "gif"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole2"),
    (b"\x1f\x8b", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xfd7zXZ\x00", "xz"),
    (b"7z\xbc\xaf\x27\x1c", "7z"),
    (b"RIFF", "riff"),
    (b"ID3", "mp3"),
    (b"OggS", "ogg"),
    (b"fLaC", "flac"),
    (b"#!AMR", "amr"),
    (b"\x7fELF", "elf"),
    (b"MZ", "exe"),
];

/// Decides from the first bytes whether an item is text, and in which encoding.
pub fn sniff(head: &[u8]) -> Content {
    if head.starts_with(b"\xef\xbb\xbf") {
        return Content::Text {
            encoding: "utf-8-bom",
        };
    }
    if head.starts_with(b"\xff\xfe") {
        return Content::Text {
            encoding: "utf-16le",
        };
    }
    if head.starts_with(b"\xfe\xff") {
        return Content::Text {
            encoding: "utf-16be",
        };
    }
    for (magic, format) in MAGIC {
        if head.starts_with(magic) {
            return Content::Binary { format };
        }
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return Content::Binary { format: "mp4" };
    }
    let head = &head[..head.len().min(SNIFF)];
    if memchr::memchr(0, head).is_some() {
        // UTF-16 without a byte order mark: ASCII text has every other byte zero.
        let zeros = |parity: usize| head.iter().skip(parity).step_by(2).filter(|b| **b == 0);
        let (even, odd) = (zeros(0).count(), zeros(1).count());
        let half = head.len() / 2;
        if odd * 10 >= half * 7 && even * 10 < half {
            return Content::Text {
                encoding: "utf-16le",
            };
        }
        if even * 10 >= half * 7 && odd * 10 < half {
            return Content::Text {
                encoding: "utf-16be",
            };
        }
        return Content::Binary { format: "binary" };
    }
    // simdutf8's errors are std's (valid_up_to, error_len), at SIMD speed: every text item's
    // head is validated here, twice (the reader, then format_of).
    let encoding = match simdutf8::compat::from_utf8(head) {
        Ok(_) => "utf-8",
        // A multi-byte character cut at the end of the sniffed block is still UTF-8.
        Err(e) if e.error_len().is_none() => "utf-8",
        Err(_) => "8-bit",
    };
    Content::Text { encoding }
}

/// Reads an item as text in chunks of ASCII-compatible bytes.
///
/// ```
/// use datavakt_extract::{Content, TextReader};
/// let mut buf = Vec::new();
/// let mut r = TextReader::new(&b"\xff\xfeC\x00P\x00R\x00"[..], &mut buf).unwrap();
/// assert_eq!(r.content(), Content::Text { encoding: "utf-16le" });
/// assert_eq!(r.next_chunk().unwrap(), Some(&b"CPR"[..]));
/// ```
pub struct TextReader<'b, R> {
    inner: R,
    /// Kept at `BLOCK` bytes or more and reused across items, so reading never re-zeroes it.
    buf: &'b mut Vec<u8>,
    /// The text in `buf`: `buf[start..len]` (`start` skips a byte order mark).
    start: usize,
    len: usize,
    content: Content,
    decoder: Option<Decoder>,
    decoded: Vec<u8>,
    /// The first block has not been handed out yet.
    first: bool,
    eof: bool,
    bytes_read: u64,
}

impl<'b, R: Read> TextReader<'b, R> {
    /// Reads the first bytes of `inner` and sniffs them; for text, reads on to a full block.
    /// Binary content costs one small read.
    pub fn new(mut inner: R, buf: &'b mut Vec<u8>) -> io::Result<TextReader<'b, R>> {
        if buf.len() < BLOCK {
            buf.resize(BLOCK, 0);
        }
        let (mut len, mut eof) = fill(&mut inner, buf, 0, SNIFF)?;
        let content = sniff(&buf[..len]);
        if matches!(content, Content::Text { .. }) && !eof {
            (len, eof) = fill(&mut inner, buf, len, BLOCK)?;
        }
        let decoder = match content {
            Content::Text {
                encoding: "utf-16le",
            } => Some(UTF_16LE.new_decoder_with_bom_removal()),
            Content::Text {
                encoding: "utf-16be",
            } => Some(UTF_16BE.new_decoder_with_bom_removal()),
            _ => None,
        };
        let bom = content
            == Content::Text {
                encoding: "utf-8-bom",
            };
        Ok(TextReader {
            inner,
            buf,
            start: if bom { 3 } else { 0 },
            len,
            content,
            decoder,
            decoded: vec![],
            first: true,
            eof,
            bytes_read: len as u64,
        })
    }

    pub fn content(&self) -> Content {
        self.content
    }

    /// Bytes read from the item so far.
    pub fn bytes_read(&self) -> u64 {
        self.bytes_read
    }

    /// The first bytes read, for recognising the format.
    pub fn head(&self) -> &[u8] {
        &self.buf[..self.len]
    }

    /// Reads the whole item into memory, up to `limit` bytes (for formats read as a whole).
    /// `size`, when known, is what it holds: the buffer is made that size at once instead of
    /// doubling (which held up to twice the item). Call before [`next_chunk`](Self::next_chunk).
    pub fn read_all(mut self, limit: u64, size: Option<u64>) -> io::Result<Vec<u8>> {
        let mut data = Vec::new();
        let room = size.unwrap_or(0).min(limit).max(self.len as u64);
        data.try_reserve_exact(usize::try_from(room).unwrap_or(usize::MAX))
            .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "not enough memory"))?;
        data.extend_from_slice(&self.buf[..self.len]);
        if !self.eof {
            let rest = limit.saturating_sub(data.len() as u64);
            (&mut self.inner)
                .take(rest.saturating_add(1))
                .read_to_end(&mut data)?;
        }
        if data.len() as u64 > limit {
            return Err(io::Error::other(format!(
                "larger than the {limit}-byte limit for one item read as a whole"
            )));
        }
        Ok(data)
    }

    /// The whole text when it fit in the first block and needs no transcoding, so that small
    /// files are scanned without a copy.
    pub fn whole(&self) -> Option<&[u8]> {
        (self.eof && self.first && self.decoder.is_none())
            .then_some(&self.buf[self.start..self.len])
    }

    /// The next chunk of text, `None` at the end.
    pub fn next_chunk(&mut self) -> io::Result<Option<&[u8]>> {
        if self.first {
            self.first = false;
        } else {
            if self.eof {
                if let Some(d) = self.decoder.as_mut() {
                    // Flush a dangling half character.
                    self.decoded.clear();
                    decode(d, &[], &mut self.decoded, true);
                    self.decoder = None;
                    if !self.decoded.is_empty() {
                        return Ok(Some(&self.decoded));
                    }
                }
                return Ok(None);
            }
            (self.len, self.eof) = fill(&mut self.inner, self.buf, 0, BLOCK)?;
            self.start = 0;
            self.bytes_read += self.len as u64;
        }
        let text = &self.buf[self.start..self.len];
        match self.decoder.as_mut() {
            None => Ok((!text.is_empty() || !self.eof).then_some(text)),
            Some(d) => {
                self.decoded.clear();
                let last = self.eof;
                decode(d, text, &mut self.decoded, last);
                if last {
                    self.decoder = None;
                }
                Ok(Some(&self.decoded))
            }
        }
    }
}

fn decode(d: &mut Decoder, src: &[u8], out: &mut Vec<u8>, last: bool) {
    let mut src = src;
    loop {
        let need = d
            .max_utf8_buffer_length(src.len())
            .unwrap_or(src.len() * 3 + 16);
        let start = out.len();
        out.resize(start + need.max(16), 0);
        let (res, read, written, _) = d.decode_to_utf8(src, &mut out[start..], last);
        out.truncate(start + written);
        src = &src[read..];
        if res == CoderResult::InputEmpty {
            break;
        }
    }
}

/// Reads into `buf[from..to]` until it is full or the input ends; returns the end of the
/// data and whether the input ended.
fn fill<R: Read>(r: &mut R, buf: &mut [u8], from: usize, to: usize) -> io::Result<(usize, bool)> {
    let mut n = from;
    while n < to {
        match r.read(&mut buf[n..to]) {
            Ok(0) => return Ok((n, true)),
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok((n, false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chunks(data: &[u8]) -> (Content, Vec<u8>) {
        let mut buf = vec![];
        let mut r = TextReader::new(data, &mut buf).unwrap();
        let c = r.content();
        let mut all = vec![];
        while let Some(ch) = r.next_chunk().unwrap() {
            all.extend_from_slice(ch);
        }
        (c, all)
    }

    #[test]
    fn recognises_encodings() {
        assert_eq!(sniff(b"plain text"), Content::Text { encoding: "utf-8" });
        assert_eq!(
            sniff("f\u{f8}dt".as_bytes()),
            Content::Text { encoding: "utf-8" }
        );
        assert_eq!(sniff(b"f\xf8dt"), Content::Text { encoding: "8-bit" });
        assert_eq!(sniff(b"%PDF-1.7\n"), Content::Binary { format: "pdf" });
        assert_eq!(
            sniff(b"ab\x00\x01\x02cd"),
            Content::Binary { format: "binary" }
        );
        let utf16: Vec<u8> = "CPR 0101901234"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(
            sniff(&utf16),
            Content::Text {
                encoding: "utf-16le"
            }
        );
    }

    #[test]
    fn transcodes_utf16_and_strips_byte_order_marks() {
        let text = "Fødselsnummer: 01019012345 ";
        for (bom, bytes) in [
            (
                &b"\xff\xfe"[..],
                text.encode_utf16()
                    .flat_map(u16::to_le_bytes)
                    .collect::<Vec<_>>(),
            ),
            (
                &b"\xfe\xff"[..],
                text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
            ),
        ] {
            let data = [bom, &bytes].concat();
            assert_eq!(chunks(&data).1, text.as_bytes());
        }
        let (c, t) = chunks(b"\xef\xbb\xbfhej");
        assert_eq!(
            c,
            Content::Text {
                encoding: "utf-8-bom"
            }
        );
        assert_eq!(t, b"hej");
    }

    #[test]
    fn large_inputs_arrive_in_bounded_chunks() {
        let data = vec![b'a'; BLOCK * 2 + 5];
        let mut buf = vec![];
        let mut r = TextReader::new(&data[..], &mut buf).unwrap();
        assert!(r.whole().is_none());
        let mut sizes = vec![];
        while let Some(ch) = r.next_chunk().unwrap() {
            sizes.push(ch.len());
        }
        assert_eq!(sizes, vec![BLOCK, BLOCK, 5]);
        let small = b"small";
        let mut buf = vec![];
        let r = TextReader::new(&small[..], &mut buf).unwrap();
        assert_eq!(r.whole(), Some(&small[..]));
    }
}
