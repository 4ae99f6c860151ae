//! Extraction in a child process. Parsers of untrusted formats can abort the process (a stack
//! overflow cannot be caught), loop or allocate without end; running them in a worker process
//! with a memory limit, and killing it at a deadline, keeps one file from ending the scan.
//!
//! Each scanning thread owns one long-lived worker (`datavakt __extract-worker`), started on
//! first use and again after a crash. The pipe protocol is framed binary:
//! request `u32 name length, name, u64 data length, data`; replies are events
//! `T loc text` (text), `S loc text grid_end` (a sheet: text whose first `grid_end` bytes are a
//! grid of cells), `L loc text runs` (text whose lines map to the source's: `u32` count, then
//! per run `u64 out, u64 src, u8 step`), `P loc format problem reason` (problem), `M loc media facts` (a recording or
//! photo), `N loc name` (a member's name), `O seconds` (time spent in OCR), `H kind loc done
//! total` (what holds the item: `u8` 0 nothing slow, 1 OCR, 2 unpacking, then `u64` members
//! done and of how many, `u64::MAX` when not known; only from a worker started with
//! `--phases`), `E` (item done), each string as `u32 length, bytes`.

use std::io::{self, BufReader, BufWriter, Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use extract::markup::{LineMap, Run};
use extract::media::{intern, Media};
use extract::{Limits, Phase, Problem, Sink};

const PROBLEMS: [Problem; 6] = [
    Problem::Corrupt,
    Problem::Encrypted,
    Problem::Bomb,
    Problem::TooDeep,
    Problem::TooLarge,
    Problem::Skipped,
];

/// Limits of one worker process.
#[derive(Clone, Debug)]
pub struct WorkerLimits {
    pub extract: Limits,
    /// Address space of the worker, in bytes.
    pub memory: u64,
    /// Time for one item.
    pub timeout: Duration,
}

/// Why a worker did not finish an item.
#[derive(Debug)]
pub enum Failure {
    /// The worker died: a parser crashed or ran out of memory.
    Crashed(String),
    TimedOut(Duration),
    Io(io::Error),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Crashed(how) => write!(
                f,
                "the extractor crashed ({how}); the item was not read to the end"
            ),
            Failure::TimedOut(t) => write!(
                f,
                "extraction took longer than {} s and was stopped (raise --item-timeout)",
                t.as_secs()
            ),
            Failure::Io(e) => write!(f, "cannot run the extractor process: {e}"),
        }
    }
}

enum Event {
    /// Text, and for a sheet where its grid of cells ends.
    Text(String, Vec<u8>, Option<u64>),
    /// Text and where its lines lie in the source.
    Lines(String, Vec<u8>, LineMap),
    Problem(String, String, u8, String),
    Media(String, Media),
    Ocr(Duration),
    Name(String, String),
    /// What holds the item: kind (as in the frame), location, members done and of how many.
    Phase(u8, String, u64, Option<u64>),
    Done,
    /// The worker's output ended.
    Closed,
}

struct Running {
    child: Child,
    stdin: BufWriter<ChildStdin>,
    events: Receiver<Event>,
}

/// A scanning thread's handle on its worker process.
pub struct Worker {
    limits: WorkerLimits,
    /// The worker tells what holds an item (for the progress line, when it is shown).
    phases: bool,
    running: Option<Running>,
}

impl Worker {
    pub fn new(limits: WorkerLimits, phases: bool) -> Worker {
        Worker {
            limits,
            phases,
            running: None,
        }
    }

    fn start(&self) -> io::Result<Running> {
        let exe = std::env::current_exe()?;
        let l = &self.limits;
        let mut child = Command::new(exe)
            .arg("__extract-worker")
            .args(["--memory", &l.memory.to_string()])
            .args(["--max-depth", &l.extract.max_depth.to_string()])
            .args(["--max-item-bytes", &l.extract.max_item_bytes.to_string()])
            .args([
                "--max-expanded-bytes",
                &l.extract.max_expanded_bytes.to_string(),
            ])
            .args(["--max-ratio", &l.extract.max_ratio.to_string()])
            .args(
                l.extract
                    .ocr_languages
                    .as_deref()
                    .map(|langs| ["--ocr", langs])
                    .into_iter()
                    .flatten(),
            )
            .args(self.phases.then_some("--phases"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()?;
        let stdin = child
            .stdin
            .take()
            .ok_or_else(|| io::Error::other("no worker stdin"))?;
        let stdout = child
            .stdout
            .take()
            .ok_or_else(|| io::Error::other("no worker stdout"))?;
        let (tx, events) = channel();
        std::thread::spawn(move || {
            let mut r = BufReader::with_capacity(1 << 16, stdout);
            loop {
                let ev = match read_event(&mut r) {
                    Ok(ev) => ev,
                    Err(_) => Event::Closed,
                };
                let closed = matches!(ev, Event::Closed);
                if tx.send(ev).is_err() || closed {
                    return;
                }
            }
        });
        Ok(Running {
            child,
            stdin: BufWriter::with_capacity(1 << 16, stdin),
            events,
        })
    }

    /// Extracts one item in the worker and feeds what it finds to `sink`. Text already fed
    /// stays fed when the worker fails later.
    pub fn extract(&mut self, name: &str, data: &[u8], sink: &mut dyn Sink) -> Result<(), Failure> {
        let mut run = match self.running.take() {
            Some(r) => r,
            None => self.start().map_err(Failure::Io)?,
        };
        let deadline = Instant::now() + self.limits.timeout;
        let sent = send_request(&mut run.stdin, name, data);
        if sent.is_err() {
            return Err(self.crashed(run));
        }
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match run.events.recv_timeout(left) {
                Ok(Event::Text(loc, text, None)) => sink.text(&loc, &text),
                Ok(Event::Text(loc, text, Some(end))) => {
                    sink.sheet(&loc, &text, usize::try_from(end).unwrap_or(usize::MAX))
                }
                Ok(Event::Lines(loc, text, lines)) => sink.lines(&loc, &text, &lines),
                Ok(Event::Problem(loc, format, p, reason)) => {
                    let problem = PROBLEMS
                        .get(usize::from(p))
                        .copied()
                        .unwrap_or(Problem::Corrupt);
                    sink.problem(&loc, &format, problem, &reason);
                }
                Ok(Event::Media(loc, media)) => sink.media(&loc, &media),
                Ok(Event::Ocr(spent)) => sink.ocr_time(spent),
                Ok(Event::Name(loc, name)) => sink.name(&loc, &name),
                Ok(Event::Phase(kind, location, done, total)) => sink.phase(match kind {
                    1 => Phase::Ocr(&location),
                    2 => Phase::Unpacking {
                        location: &location,
                        done,
                        total,
                    },
                    _ => Phase::Reading,
                }),
                Ok(Event::Done) => {
                    self.running = Some(run);
                    return Ok(());
                }
                Ok(Event::Closed) | Err(RecvTimeoutError::Disconnected) => {
                    return Err(self.crashed(run))
                }
                Err(RecvTimeoutError::Timeout) => {
                    let _ = run.child.kill();
                    let _ = run.child.wait();
                    return Err(Failure::TimedOut(self.limits.timeout));
                }
            }
        }
    }

    fn crashed(&mut self, mut run: Running) -> Failure {
        let _ = run.child.kill();
        let how = match run.child.wait() {
            Ok(status) => describe_exit(status),
            Err(e) => e.to_string(),
        };
        Failure::Crashed(how)
    }
}

impl Drop for Worker {
    fn drop(&mut self) {
        if let Some(mut run) = self.running.take() {
            // Closing stdin ends the worker's loop.
            drop(run.stdin);
            let _ = run.child.wait();
        }
    }
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(6)) => {
            "aborted: a stack overflow, or memory beyond its limit (--item-memory)".into()
        }
        (_, Some(9)) => "killed, for example for running out of memory".into(),
        (_, Some(11)) => "segmentation fault".into(),
        (_, Some(sig)) => format!("signal {sig}"),
        (Some(code), _) => format!("exit code {code}"),
        _ => "unknown end".into(),
    }
}

fn put_bytes(w: &mut impl Write, b: &[u8]) -> io::Result<()> {
    let n = u32::try_from(b.len()).map_err(|_| io::Error::other("frame too large"))?;
    w.write_all(&n.to_le_bytes())?;
    w.write_all(b)
}

fn get_bytes(r: &mut impl Read, max: usize) -> io::Result<Vec<u8>> {
    let mut n = [0u8; 4];
    r.read_exact(&mut n)?;
    let n = u32::from_le_bytes(n) as usize;
    if n > max {
        return Err(io::Error::other("frame too large"));
    }
    let mut b = vec![0; n];
    r.read_exact(&mut b)?;
    Ok(b)
}

fn get_u64(r: &mut impl Read) -> io::Result<u64> {
    let mut b = [0u8; 8];
    r.read_exact(&mut b)?;
    Ok(u64::from_le_bytes(b))
}

fn get_string(r: &mut impl Read) -> io::Result<String> {
    Ok(String::from_utf8_lossy(&get_bytes(r, 1 << 20)?).into_owned())
}

fn send_request(w: &mut BufWriter<ChildStdin>, name: &str, data: &[u8]) -> io::Result<()> {
    put_bytes(w, name.as_bytes())?;
    w.write_all(&(data.len() as u64).to_le_bytes())?;
    w.write_all(data)?;
    w.flush()
}

fn read_event(r: &mut impl Read) -> io::Result<Event> {
    let mut tag = [0u8; 1];
    r.read_exact(&mut tag)?;
    Ok(match tag[0] {
        b'T' | b'S' => {
            let loc = get_string(r)?;
            let text = get_bytes(r, u32::MAX as usize)?;
            let grid_end = if tag[0] == b'S' {
                let mut end = [0u8; 8];
                r.read_exact(&mut end)?;
                Some(u64::from_le_bytes(end))
            } else {
                None
            };
            Event::Text(loc, text, grid_end)
        }
        b'L' => {
            let loc = get_string(r)?;
            let text = get_bytes(r, u32::MAX as usize)?;
            let mut n = [0u8; 4];
            r.read_exact(&mut n)?;
            let n = u32::from_le_bytes(n) as usize;
            // Each run stands for at least one line of the text.
            if n > text.len() + 1 {
                return Err(io::Error::other("frame too large"));
            }
            let mut runs = Vec::with_capacity(n);
            for _ in 0..n {
                let mut run = [0u8; 17];
                r.read_exact(&mut run)?;
                let word = |i: usize| {
                    let mut w = [0u8; 8];
                    w.copy_from_slice(&run[i..i + 8]);
                    u64::from_le_bytes(w)
                };
                runs.push(Run {
                    out: word(0),
                    src: word(8),
                    step: run[16] != 0,
                });
            }
            Event::Lines(loc, text, LineMap::from_runs(runs))
        }
        b'P' => {
            let loc = get_string(r)?;
            let format = get_string(r)?;
            let mut p = [0u8; 1];
            r.read_exact(&mut p)?;
            Event::Problem(loc, format, p[0], get_string(r)?)
        }
        b'M' => {
            let loc = get_string(r)?;
            let kind = intern(&get_string(r)?);
            let format = intern(&get_string(r)?);
            let mut d = [0u8; 8];
            r.read_exact(&mut d)?;
            let duration = f64::from_le_bytes(d);
            let camera = get_string(r)?;
            let captured = get_string(r)?;
            let mut gps = [0u8; 1];
            r.read_exact(&mut gps)?;
            Event::Media(
                loc,
                Media {
                    kind,
                    format,
                    duration_seconds: (!duration.is_nan()).then_some(duration),
                    camera: (!camera.is_empty()).then_some(camera),
                    captured: (!captured.is_empty()).then_some(captured),
                    gps: gps[0] != 0,
                },
            )
        }
        b'O' => {
            let mut d = [0u8; 8];
            r.read_exact(&mut d)?;
            let secs = f64::from_le_bytes(d);
            Event::Ocr(Duration::try_from_secs_f64(secs).unwrap_or_default())
        }
        b'N' => {
            let loc = get_string(r)?;
            Event::Name(loc, get_string(r)?)
        }
        b'H' => {
            let mut kind = [0u8; 1];
            r.read_exact(&mut kind)?;
            let loc = get_string(r)?;
            let done = get_u64(r)?;
            let total = Some(get_u64(r)?).filter(|t| *t != u64::MAX);
            Event::Phase(kind[0], loc, done, total)
        }
        b'E' => Event::Done,
        _ => return Err(io::Error::other("bad frame from worker")),
    })
}

/// The worker process: reads requests from stdin until it closes, extracts each item, and
/// writes the events to stdout; with `phases`, also what holds an item.
pub fn serve(limits: Limits, memory: u64, phases: bool) -> io::Result<()> {
    // Deeply nested documents recurse deeply: give the parsers a large stack. It is mapped
    // before the limit is set, which then allows `memory` on top of what the process holds
    // (with the limit first, a small `--item-memory` left no room for the stack).
    let (go, ready) = std::sync::mpsc::channel::<()>();
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let _ = ready.recv();
            serve_loop(&limits, phases)
        })?;
    limit_memory(memory);
    let _ = go.send(());
    worker
        .join()
        .unwrap_or_else(|_| Err(io::Error::other("extractor panicked")))
}

fn serve_loop(limits: &Limits, phases: bool) -> io::Result<()> {
    let mut input = io::stdin().lock();
    let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
    loop {
        let name = match get_bytes(&mut input, 1 << 20) {
            Ok(n) => String::from_utf8_lossy(&n).into_owned(),
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        };
        let mut len = [0u8; 8];
        input.read_exact(&mut len)?;
        let len = u64::from_le_bytes(len);
        // Made its size at once: reading into a growing buffer held up to twice the item.
        let mut data = Vec::new();
        data.try_reserve_exact(usize::try_from(len).unwrap_or(usize::MAX))
            .map_err(|_| io::Error::new(io::ErrorKind::OutOfMemory, "item too large"))?;
        (&mut input).take(len).read_to_end(&mut data)?;
        let mut sink = FrameSink {
            out: &mut out,
            error: None,
            phases,
            last_members: None,
        };
        extract::extract(&name, &data, limits, &mut sink);
        if let Some(e) = sink.error {
            return Err(e);
        }
        out.write_all(b"E")?;
        out.flush()?;
    }
}

struct FrameSink<'a, W: Write> {
    out: &'a mut W,
    error: Option<io::Error>,
    /// Phases are sent (the scan shows a progress line).
    phases: bool,
    /// When an archive's members were last told.
    last_members: Option<Instant>,
}

/// A large archive tells its members at most this often: a few frames a second, not one a
/// member.
const PHASE_EVERY: Duration = Duration::from_millis(100);

impl<W: Write> FrameSink<'_, W> {
    /// A `T` frame, or an `S` frame when the text is a sheet whose grid ends at `grid_end`.
    fn put_text(&mut self, location: &str, text: &[u8], grid_end: Option<usize>) {
        self.put(|w| {
            w.write_all(if grid_end.is_some() { b"S" } else { b"T" })?;
            put_bytes(w, location.as_bytes())?;
            put_bytes(w, text)?;
            match grid_end {
                Some(end) => w.write_all(&(end as u64).to_le_bytes()),
                None => Ok(()),
            }
        });
    }

    fn put(&mut self, f: impl FnOnce(&mut W) -> io::Result<()>) {
        if self.error.is_none() {
            if let Err(e) = f(self.out) {
                self.error = Some(e);
            }
        }
    }
}

impl<W: Write> Sink for FrameSink<'_, W> {
    fn sheet(&mut self, location: &str, text: &[u8], grid_end: usize) {
        self.put_text(location, text, Some(grid_end));
    }

    fn lines(&mut self, location: &str, text: &[u8], lines: &LineMap) {
        self.put(|w| {
            w.write_all(b"L")?;
            put_bytes(w, location.as_bytes())?;
            put_bytes(w, text)?;
            let runs = lines.runs();
            w.write_all(&(runs.len() as u32).to_le_bytes())?;
            for run in runs {
                w.write_all(&run.out.to_le_bytes())?;
                w.write_all(&run.src.to_le_bytes())?;
                w.write_all(&[u8::from(run.step)])?;
            }
            Ok(())
        });
    }

    fn name(&mut self, location: &str, name: &str) {
        self.put(|w| {
            w.write_all(b"N")?;
            put_bytes(w, location.as_bytes())?;
            put_bytes(w, name.as_bytes())
        });
    }

    fn ocr_time(&mut self, spent: Duration) {
        self.put(|w| {
            w.write_all(b"O")?;
            w.write_all(&spent.as_secs_f64().to_le_bytes())
        });
    }

    fn phase(&mut self, phase: Phase<'_>) {
        if !self.phases {
            return;
        }
        let (kind, location, done, total) = match phase {
            Phase::Reading => (0u8, "", 0, None),
            Phase::Ocr(location) => (1, location, 0, None),
            Phase::Unpacking {
                location,
                done,
                total,
            } => {
                if self.last_members.is_some_and(|t| t.elapsed() < PHASE_EVERY) {
                    return;
                }
                self.last_members = Some(Instant::now());
                (2, location, done, total)
            }
        };
        // Sent at once: the item's other frames wait in the buffer until it is done.
        self.put(|w| {
            w.write_all(&[b'H', kind])?;
            put_bytes(w, location.as_bytes())?;
            w.write_all(&done.to_le_bytes())?;
            w.write_all(&total.unwrap_or(u64::MAX).to_le_bytes())?;
            w.flush()
        });
    }

    fn media(&mut self, location: &str, m: &Media) {
        self.put(|w| {
            w.write_all(b"M")?;
            put_bytes(w, location.as_bytes())?;
            put_bytes(w, m.kind.as_bytes())?;
            put_bytes(w, m.format.as_bytes())?;
            w.write_all(&m.duration_seconds.unwrap_or(f64::NAN).to_le_bytes())?;
            put_bytes(w, m.camera.as_deref().unwrap_or("").as_bytes())?;
            put_bytes(w, m.captured.as_deref().unwrap_or("").as_bytes())?;
            w.write_all(&[u8::from(m.gps)])
        });
    }

    fn text(&mut self, location: &str, text: &[u8]) {
        self.put_text(location, text, None);
    }

    fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
        let p = PROBLEMS.iter().position(|x| *x == problem).unwrap_or(0) as u8;
        self.put(|w| {
            w.write_all(b"P")?;
            put_bytes(w, location.as_bytes())?;
            put_bytes(w, format.as_bytes())?;
            w.write_all(&[p])?;
            put_bytes(w, reason.as_bytes())
        });
    }
}

/// The address space the process holds now (`VmSize`), 0 when it cannot be read.
fn mapped() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            let line = s.lines().find(|l| l.starts_with("VmSize:"))?;
            let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
            Some(kb << 10)
        })
        .unwrap_or(0)
}

/// Caps the worker's address space so that a runaway parser fails its allocation (and the
/// worker dies) instead of taking the machine's memory.
fn limit_memory(bytes: u64) {
    let bytes = mapped().saturating_add(bytes);
    let lim = libc::rlimit {
        rlim_cur: bytes as libc::rlim_t,
        rlim_max: bytes as libc::rlim_t,
    };
    // SAFETY: setrlimit reads the struct we pass and changes only this process's limits.
    unsafe {
        libc::setrlimit(libc::RLIMIT_AS, &lim);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sink(out: &mut Vec<u8>, phases: bool) -> FrameSink<'_, Vec<u8>> {
        FrameSink {
            out,
            error: None,
            phases,
            last_members: None,
        }
    }

    #[test]
    fn a_phase_crosses_the_pipe_only_when_the_scan_shows_progress() {
        let mut out = Vec::new();
        sink(&mut out, false).phase(Phase::Ocr("page 3"));
        assert!(out.is_empty());
        let mut s = sink(&mut out, true);
        s.phase(Phase::Ocr("scans/a.pdf: page 3"));
        s.phase(Phase::Reading);
        s.phase(Phase::Unpacking {
            location: "inner.zip",
            done: 1_204,
            total: Some(5_000),
        });
        let mut r = &out[..];
        let mut next = || read_event(&mut r).ok();
        assert!(matches!(next(), Some(Event::Phase(1, l, 0, None)) if l == "scans/a.pdf: page 3"));
        assert!(matches!(next(), Some(Event::Phase(0, l, 0, None)) if l.is_empty()));
        assert!(matches!(next(), Some(Event::Phase(2, l, 1_204, Some(5_000))) if l == "inner.zip"));
        assert!(next().is_none());
    }
}
