//! Extracts the files named on the command line with `datavakt_extract::extract` (OCR off) and
//! prints the totals: files, input bytes, text bytes, problems, seconds and MB/s. With
//! `--verbose`, also one line per file (sizes and problems; never the text itself).
//!
//! ```sh
//! cargo run --release -p datavakt-extract --example extract_files -- a.pdf b.pdf
//! ```

use std::time::{Duration, Instant};

use datavakt_extract::{extract, Limits, Problem, Sink};

#[derive(Default)]
struct Count {
    text: u64,
    problems: Vec<String>,
}

impl Sink for Count {
    fn text(&mut self, _location: &str, text: &[u8]) {
        self.text += text.len() as u64;
    }
    fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
        self.problems.push(format!(
            "{location} ({format}): {}: {reason}",
            problem.name()
        ));
    }
}

fn main() {
    let mut verbose = false;
    let mut paths = Vec::new();
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "-v" | "--verbose" => verbose = true,
            _ => paths.push(arg),
        }
    }
    // Parsers recurse on nested objects: run them on a large stack, as the scan's worker does.
    let worker = std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || run(&paths, verbose))
        .expect("cannot start the extraction thread");
    worker.join().expect("extraction panicked");
}

fn run(paths: &[String], verbose: bool) {
    let limits = Limits {
        ocr_languages: None,
        ..Limits::default()
    };
    let (mut bytes, mut text, mut problems) = (0u64, 0u64, 0usize);
    let mut spent = Duration::ZERO;
    for path in paths {
        let data = match std::fs::read(path) {
            Ok(d) => d,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        let mut sink = Count::default();
        let start = Instant::now();
        extract(path, &data, &limits, &mut sink);
        let took = start.elapsed();
        spent += took;
        bytes += data.len() as u64;
        text += sink.text;
        problems += sink.problems.len();
        if verbose {
            println!(
                "{path}: {} bytes, {} bytes of text, {:.1} ms",
                data.len(),
                sink.text,
                took.as_secs_f64() * 1e3
            );
            for p in &sink.problems {
                println!("  problem: {p}");
            }
        }
    }
    let secs = spent.as_secs_f64();
    println!(
        "files {} bytes {bytes} text {text} problems {problems} seconds {secs:.3} MB/s {:.2}",
        paths.len(),
        bytes as f64 / 1e6 / secs.max(1e-9)
    );
}
