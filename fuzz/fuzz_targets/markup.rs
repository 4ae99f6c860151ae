//! HTML, XML and JSON conversion on arbitrary bytes, given in chunks cut where the input says:
//! no panic, bounded output, every line mapped to a source line that exists.
#![no_main]

use datavakt_extract::markup::{LineMap, Markup, MarkupKind, Out};
use datavakt_extract::Content;
use libfuzzer_sys::fuzz_target;

#[derive(Default)]
struct Check {
    flow: usize,
    lines: u64,
}

impl Out for Check {
    fn flow(&mut self, text: &[u8]) {
        self.flow += text.len();
    }
    fn table(&mut self, text: &[u8], lines: &LineMap) {
        let rows = memchr_count(text);
        for row in 1..=rows as u64 {
            assert!(lines.source(row) <= self.lines, "a row past the input");
        }
    }
}

fn memchr_count(text: &[u8]) -> usize {
    text.iter().filter(|&&b| b == b'\n').count()
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let kind = match first % 3 {
        0 => MarkupKind::Html,
        1 => MarkupKind::Xml,
        _ => MarkupKind::Json,
    };
    let content = if first & 4 != 0 {
        Content::Text { encoding: "8-bit" }
    } else {
        Content::Text { encoding: "utf-8" }
    };
    let step = usize::from(first >> 3) + 1;
    let mut markup = Markup::new(kind, content);
    let mut check = Check {
        lines: memchr_count(rest) as u64 + 1,
        ..Check::default()
    };
    for chunk in rest.chunks(step) {
        markup.push(chunk, &mut check);
    }
    markup.finish(&mut check);
    // Attributes and element names gain a label and spaces; nothing grows without bound.
    assert!(check.flow <= 8 * rest.len() + 64, "output grew past its input");
});
