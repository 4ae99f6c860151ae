//! Expanding a compressed stream or an archive member into memory, bounded the same way for
//! every format: never more than the bytes allowed are held, and a buffer is never grown
//! beyond what the member turns out to hold (growing by doubling held up to twice the
//! limit, which broke the worker's memory limit as `out of memory`).
//!
//! A decoder writes into the writer it is given (`fill`). When the member can be decoded
//! again from its start (it lies in memory), a member of unknown size is decoded twice: once
//! to count its bytes (holding none of them), then into a buffer of exactly that size.

use std::io::{self, Write};

/// What a member expanded to.
#[derive(Debug)]
pub(crate) enum Expanded {
    Bytes(Vec<u8>),
    /// More than the bytes allowed; none of it is kept.
    Over,
}

/// Expands a member of at most `most` bytes. `size` is the size it declares or hints at,
/// when known (it may lie); `again` says that `fill` can be called once more and decodes
/// from the start each time.
pub(crate) fn expand(
    most: u64,
    size: Option<u64>,
    again: bool,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Expanded> {
    let most = usize::try_from(most).unwrap_or(usize::MAX);
    let size = size.map(|s| usize::try_from(s).unwrap_or(usize::MAX));
    let exact = match size {
        // Room for what it declares, and growth only when it cannot be decoded again.
        Some(s) if s <= most => s,
        Some(_) | None if !again => 0,
        Some(_) | None => match count(most, fill)? {
            Some(n) => n,
            None => return Ok(Expanded::Over),
        },
    };
    let mut into = Into::new(exact, most, !again)?;
    let filled = fill(&mut into);
    match into.stop {
        Some(Stop::Over) => return Ok(Expanded::Over),
        Some(Stop::Outgrew) => {
            // It holds more than it declared: count it, then read it into its own size.
            drop(into);
            let Some(n) = count(most, fill)? else {
                return Ok(Expanded::Over);
            };
            let mut into = Into::new(n, n, false)?;
            let filled = fill(&mut into);
            return match into.stop {
                // Decoded to more than it counted: no more than `n` is kept either way.
                Some(_) => Ok(Expanded::Over),
                None => filled.map(|()| Expanded::Bytes(into.buf)),
            };
        }
        None => filled?,
    }
    Ok(Expanded::Bytes(into.buf))
}

/// How many bytes `fill` writes, `None` when more than `most`.
fn count(
    most: usize,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> io::Result<Option<usize>> {
    let mut counter = Counter {
        n: 0,
        most,
        over: false,
    };
    let counted = fill(&mut counter);
    if counter.over {
        return Ok(None);
    }
    counted.map(|()| Some(counter.n))
}

/// Why a writer refused more.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stop {
    /// More than the bytes allowed.
    Over,
    /// More than the room it was given, and it may not grow.
    Outgrew,
}

fn refused() -> io::Error {
    io::Error::other("the expanded member was cut at its limit")
}

/// Counts bytes, keeping none.
struct Counter {
    n: usize,
    most: usize,
    over: bool,
}

impl Write for Counter {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        match self.n.checked_add(b.len()) {
            Some(n) if n <= self.most => {
                self.n = n;
                Ok(b.len())
            }
            _ => {
                self.over = true;
                Err(refused())
            }
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A buffer that holds at most `most` bytes and grows only when `grow` says so (then by
/// doubling, capped at `most`).
struct Into {
    buf: Vec<u8>,
    most: usize,
    grow: bool,
    stop: Option<Stop>,
}

impl Into {
    fn new(room: usize, most: usize, grow: bool) -> io::Result<Into> {
        let mut buf = Vec::new();
        reserve(&mut buf, room.min(most))?;
        Ok(Into {
            buf,
            most,
            grow,
            stop: None,
        })
    }
}

/// Reserves exactly `room` more bytes, failing as an error rather than an abort.
fn reserve(buf: &mut Vec<u8>, room: usize) -> io::Result<()> {
    buf.try_reserve_exact(room).map_err(|_| {
        io::Error::new(
            io::ErrorKind::OutOfMemory,
            format!(
                "{} bytes do not fit in the memory allowed",
                buf.len() + room
            ),
        )
    })
}

impl Write for Into {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        let want = self.buf.len().saturating_add(b.len());
        if want > self.most {
            self.stop = Some(Stop::Over);
            return Err(refused());
        }
        if want > self.buf.capacity() {
            if !self.grow {
                self.stop = Some(Stop::Outgrew);
                return Err(refused());
            }
            let to = self.buf.capacity().saturating_mul(2).clamp(want, self.most);
            let room = to - self.buf.len();
            reserve(&mut self.buf, room)?;
        }
        self.buf.extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A decoder of `n` bytes in chunks of 1000, counting how often it ran.
    fn source(n: usize, runs: &mut u32) -> impl FnMut(&mut dyn Write) -> io::Result<()> + '_ {
        move |w| {
            *runs += 1;
            let data = vec![7u8; n];
            for chunk in data.chunks(1000) {
                w.write_all(chunk)?;
            }
            Ok(())
        }
    }

    fn bytes(e: Expanded) -> Vec<u8> {
        match e {
            Expanded::Bytes(b) => b,
            Expanded::Over => panic!("over"),
        }
    }

    #[test]
    fn a_member_of_known_size_is_read_once_into_exactly_its_size() {
        let mut runs = 0;
        let got = bytes(expand(10_000, Some(5_000), true, &mut source(5_000, &mut runs)).unwrap());
        assert_eq!((got.len(), got.capacity(), runs), (5_000, 5_000, 1));
    }

    #[test]
    fn a_member_of_unknown_size_is_counted_then_read_into_its_size() {
        let mut runs = 0;
        let got = bytes(expand(10_000, None, true, &mut source(4_321, &mut runs)).unwrap());
        assert_eq!((got.len(), got.capacity(), runs), (4_321, 4_321, 2));
    }

    #[test]
    fn a_member_that_lies_about_its_size_is_counted_again() {
        let mut runs = 0;
        let got = bytes(expand(10_000, Some(100), true, &mut source(6_000, &mut runs)).unwrap());
        assert_eq!((got.len(), got.capacity(), runs), (6_000, 6_000, 3));
        let mut runs = 0;
        let over = expand(10_000, Some(100), true, &mut source(60_000, &mut runs)).unwrap();
        assert!(matches!(over, Expanded::Over));
    }

    #[test]
    fn over_the_limit_holds_nothing_and_stops_early() {
        let mut runs = 0;
        let over = expand(10_000, None, true, &mut source(1 << 20, &mut runs)).unwrap();
        assert!(matches!(over, Expanded::Over));
        assert_eq!(runs, 1);
        // Read once: it grows, but never beyond the limit.
        let mut runs = 0;
        let over = expand(10_000, None, false, &mut source(10_001, &mut runs)).unwrap();
        assert!(matches!(over, Expanded::Over));
        let mut runs = 0;
        let got = bytes(expand(10_000, None, false, &mut source(10_000, &mut runs)).unwrap());
        assert!(got.len() == 10_000 && got.capacity() <= 10_000);
    }

    #[test]
    fn a_damaged_member_is_an_error() {
        let mut fill = |w: &mut dyn Write| {
            w.write_all(b"abc")?;
            Err(io::Error::other("corrupt deflate stream"))
        };
        let e = expand(10_000, None, true, &mut fill).unwrap_err();
        assert_eq!(e.to_string(), "corrupt deflate stream");
    }
}
