//! The detector alone on one core: bytes per second on prose with a number every ~20 KB, and
//! on digit-dense table rows.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use datavakt_detect::{Date, Detector};

/// A small deterministic generator (no dependency needed for benchmark input).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// A Danish CPR number valid under modulus 11, from the generator.
fn cpr(r: &mut Lcg) -> String {
    loop {
        let d = format!(
            "{:02}{:02}{:02}{:04}",
            1 + r.next() % 28,
            1 + r.next() % 12,
            r.next() % 100,
            r.next() % 4000
        );
        let w = [4, 3, 2, 7, 6, 5, 4, 3, 2, 1];
        let sum: u64 = d.bytes().zip(w).map(|(b, w)| u64::from(b - b'0') * w).sum();
        if sum.is_multiple_of(11) {
            return format!("{}-{}", &d[..6], &d[6..]);
        }
    }
}

fn prose(size: usize) -> Vec<u8> {
    const WORDS: &[&str] = &[
        "och",
        "att",
        "det",
        "hemtjänst",
        "besök",
        "kommune",
        "hjemmepleje",
        "borgeren",
        "og",
        "ikke",
        "kotihoito",
        "päätös",
        "nämnden",
        "beslutade",
        "2024-05-17",
        "kl.",
        "14:30",
    ];
    let mut r = Lcg(7);
    let mut s = String::new();
    let mut next_id = 20_000;
    while s.len() < size {
        s.push_str(WORDS[(r.next() % WORDS.len() as u64) as usize]);
        s.push(if r.next().is_multiple_of(12) {
            '\n'
        } else {
            ' '
        });
        if s.len() > next_id {
            s.push_str("CPR-nr. ");
            s.push_str(&cpr(&mut r));
            s.push('\n');
            next_id += 20_000;
        }
    }
    s.into_bytes()
}

fn table(size: usize) -> Vec<u8> {
    let mut r = Lcg(11);
    let mut s = String::from("cpr;navn;beløb;konto;dato\n");
    while s.len() < size {
        s.push_str(&format!(
            "{};Navn {};{},{:02};{}-{};2024-{:02}-{:02}\n",
            cpr(&mut r),
            r.next() % 1000,
            r.next() % 100_000,
            r.next() % 100,
            r.next() % 10_000,
            r.next() % 10_000_000,
            1 + r.next() % 12,
            1 + r.next() % 28
        ));
    }
    s.into_bytes()
}

fn bench(c: &mut Criterion) {
    let det = Detector::new(Date::new(2026, 11, 22).unwrap_or_else(|| unreachable!()));
    let mut g = c.benchmark_group("detect");
    for (name, text) in [("prose", prose(4 << 20)), ("table", table(4 << 20))] {
        // The inputs must hold what they claim: a number every ~20 KB, or one per row.
        let mut found = Vec::new();
        det.scan(&text, &mut found);
        let rows = text.iter().filter(|&&b| b == b'\n').count();
        let expected = if name == "prose" {
            text.len() / 20_000
        } else {
            rows - 1
        };
        assert!(
            found.len() >= expected,
            "{name}: {} findings in {} bytes, expected at least {expected}",
            found.len(),
            text.len()
        );
        g.throughput(Throughput::Bytes(text.len() as u64));
        g.bench_function(name, |b| {
            let mut out = Vec::new();
            b.iter(|| {
                out.clear();
                det.scan(black_box(&text), &mut out);
                out.len()
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
