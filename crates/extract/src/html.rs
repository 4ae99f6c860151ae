//! HTML and XML as text, through html5ever's tokenizer (the WHATWG one: every character
//! reference decoded, any markup read the way a browser reads it, no error that stops it).
//!
//! - Inline tags (`<span>`, `<b>`) leave nothing, so `<span>070761</span>-<span>4285</span>`
//!   reads as the number it shows; block tags (`<p>`, `<br>`, `<li>`) end a line.
//! - A table (`<table>`, outermost only) becomes a document of its own, a line a row (`<tr>`),
//!   cells (`<td>`, `<th>`) separated by tabs, as spreadsheets are handed over, so that its
//!   header row labels its columns.
//! - Attribute values that may hold data are read (`value`, `title`, `alt`, `content`,
//!   `data-*` with their names as labels, and any unknown one); presentation (`class`,
//!   `style`, sizes, event handlers) is not. Style sheets are not read; scripts are, as text.
//! - XML: element and attribute names stay before their values as labels (`<cpr>` reads
//!   `cpr: …`); CDATA is text; entities are not expanded beyond the predefined and numeric
//!   ones (a DTD is never read, so no entity expansion attack). XML whose root is `html` is
//!   read as HTML.
//!
//! Memory stays bounded: the tokenizer holds a tag, comment or doctype whole until it ends;
//! when one runs past [`MAX_TOKEN`] bytes the tokenizer is started afresh and the rest is read
//! as text. The running text is handed over chunk by chunk and tables in parts of at most
//! [`MAX_TABLE`] bytes, each part with the header row first.

use std::cell::{Cell, RefCell};

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, Tag, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};

use crate::markup::{LineMap, Out};

/// The longest tag, comment or doctype held whole (input bytes without a token in between).
const MAX_TOKEN: usize = 1 << 20;
/// The largest part of a table handed over at once.
const MAX_TABLE: usize = 1 << 20;
/// Line-map entries beyond which block tags end no more lines (each costs one at most).
const MAX_RUNS: usize = 1 << 20;
/// The longest header row repeated at the top of each part of a table.
const MAX_HEADER: usize = 4096;

pub(crate) struct Html {
    tok: Tokenizer<Sink>,
    queue: BufferQueue,
    /// Input bytes given to the tokenizer since its last token.
    since_token: usize,
    tokens_seen: u64,
    /// Line breaks given to the tokenizers before the current one.
    newlines: u64,
    latin1: bool,
    /// The end of the last chunk when it cut a UTF-8 sequence.
    carry: Vec<u8>,
    /// The tokenizer has been given nothing since it started: it is in its data state, where
    /// text without `<`, `&` or NUL is one character token, so such text goes to the state
    /// directly (a file of plain text named .html is read as plain text is).
    plain: bool,
    /// The running text's line map as of the last hand-over (the state's own lives inside
    /// the tokenizer, out of reach of a borrow that outlives a call).
    flow_map: LineMap,
}

impl Html {
    pub fn new(xml: bool, latin1: bool) -> Html {
        let sink = Sink {
            tokens: Cell::new(0),
            state: RefCell::new(State::new(xml)),
        };
        Html {
            tok: Tokenizer::new(sink, opts()),
            queue: BufferQueue::default(),
            since_token: 0,
            tokens_seen: 0,
            newlines: 0,
            latin1,
            carry: Vec::new(),
            plain: true,
            flow_map: LineMap::default(),
        }
    }

    pub fn flow_lines(&self) -> &LineMap {
        &self.flow_map
    }

    pub fn push(&mut self, chunk: &[u8], out: &mut dyn Out) {
        let text = self.decode(chunk, false);
        self.feed(text);
        self.hand_over(out);
    }

    pub fn finish(&mut self, out: &mut dyn Out) {
        let text = self.decode(&[], true);
        self.feed(text);
        self.tok.end();
        self.tok.sink.state.borrow_mut().end();
        self.hand_over(out);
    }

    fn feed(&mut self, text: Decoded) {
        let len = text.as_str().len();
        if len == 0 {
            return;
        }
        self.since_token += len;
        let mut from = 0;
        let mut bypassed = false;
        if self.plain {
            let s = text.as_str();
            // The tokenizer drops a byte order mark at the front of each input it is fed.
            if s.starts_with('\u{feff}') {
                from = '\u{feff}'.len_utf8();
            }
            let end =
                memchr::memchr3(b'<', b'&', 0, &s.as_bytes()[from..]).map_or(len, |i| from + i);
            if end > from {
                let plain = &s[from..end];
                let line = self.newlines + 1;
                self.newlines += memchr::memchr_iter(b'\n', plain.as_bytes()).count() as u64;
                self.tok.sink.state.borrow_mut().text(plain, line);
                bypassed = true;
            }
            from = end;
            if from < len {
                // Markup: the tokenizer reads on from here, counting lines from 1 again.
                self.plain = false;
                self.tok.sink.state.borrow_mut().line_base = self.newlines;
            }
        }
        if from < len {
            let rest = text.into_tendril(from);
            let newlines = memchr::memchr_iter(b'\n', rest.as_bytes()).count() as u64;
            self.queue.push_back(rest);
            // With no script handling, the tokenizer only stops when the input is used up.
            let _ = self.tok.feed(&self.queue);
            self.newlines += newlines;
        }
        // Text read past the tokenizer counts as its token would have.
        let tokens = self.tok.sink.tokens.get();
        if tokens != self.tokens_seen || bypassed {
            self.tokens_seen = tokens;
            self.since_token = 0;
        }
        if self.since_token > MAX_TOKEN {
            // A tag, comment or doctype that does not end: drop it and read on as text.
            self.restart();
        }
    }

    fn restart(&mut self) {
        let state = std::mem::replace(&mut *self.tok.sink.state.borrow_mut(), State::new(false));
        let mut state = state;
        state.line_base = self.newlines;
        state.raw = false;
        let sink = Sink {
            tokens: Cell::new(0),
            state: RefCell::new(state),
        };
        self.tok = Tokenizer::new(sink, opts());
        self.queue = BufferQueue::default();
        self.tokens_seen = 0;
        self.since_token = 0;
        self.plain = true;
    }

    fn hand_over(&mut self, out: &mut dyn Out) {
        let mut state = self.tok.sink.state.borrow_mut();
        for (text, lines) in state.tables.drain(..) {
            out.table(&text, &lines);
        }
        out.flow(&state.flow);
        state.flow.clear();
        self.flow_map.sync(&state.flow_map);
    }

    /// UTF-8, with bytes that are not (Windows-1252 text, or a stray byte) read as
    /// Windows-1252, so that "f\xf8dselsnummer" still reads as a label. A character cut at
    /// the end of the chunk waits for the next one.
    ///
    /// The common chunk, valid UTF-8 with no carriage return and nothing held from the last,
    /// is its own text: validated once (SIMD) and borrowed, not copied.
    fn decode<'c>(&mut self, chunk: &'c [u8], last: bool) -> Decoded<'c> {
        if !self.latin1 && self.carry.is_empty() && memchr::memchr(b'\r', chunk).is_none() {
            let cut = if last { chunk.len() } else { cut_char(chunk) };
            let (whole, tail) = chunk.split_at(cut);
            if let Ok(text) = simdutf8::basic::from_utf8(whole) {
                if tail.is_empty() {
                    return Decoded::Borrowed(text);
                }
                if starts_char(tail) {
                    self.carry.extend_from_slice(tail);
                    return Decoded::Borrowed(text);
                }
            }
        }
        let mut out = StrTendril::with_capacity(u32::try_from(chunk.len()).unwrap_or(u32::MAX));
        if self.latin1 {
            push_text(
                &mut out,
                &encoding_rs::WINDOWS_1252
                    .decode_without_bom_handling(chunk)
                    .0,
            );
            return Decoded::Owned(out);
        }
        let rest = self.complete_carry(chunk, last, &mut out);
        if rest.is_empty() {
            return Decoded::Owned(out);
        }
        let cut = if last { rest.len() } else { cut_char(rest) };
        let (whole, tail) = rest.split_at(cut);
        match simdutf8::basic::from_utf8(whole) {
            Ok(text) => push_text(&mut out, text),
            // Nothing in `whole` is held back: what follows it starts a character.
            Err(_) => push_lossy(&mut out, whole),
        }
        if starts_char(tail) {
            self.carry.extend_from_slice(tail);
        } else {
            push_lossy(&mut out, tail);
        }
        Decoded::Owned(out)
    }

    /// Completes the character the last chunk cut with the first bytes of `chunk`, or reads
    /// it as Windows-1252 when they do not continue it; returns the rest of `chunk`.
    fn complete_carry<'c>(
        &mut self,
        chunk: &'c [u8],
        last: bool,
        out: &mut StrTendril,
    ) -> &'c [u8] {
        let Some(&lead) = self.carry.first() else {
            return chunk;
        };
        let held = self.carry.len();
        let take = char_width(lead).saturating_sub(held).min(chunk.len());
        self.carry.extend_from_slice(&chunk[..take]);
        let rest = match std::str::from_utf8(&self.carry) {
            Ok(c) => {
                push_text(out, c);
                &chunk[take..]
            }
            // Still cut (the chunk was shorter than the character's rest).
            Err(e) if e.error_len().is_none() && !last => return &chunk[take..],
            Err(e) => {
                // The held bytes begin a character, so the invalid sequence holds them all;
                // what it took of the chunk beyond is read again with the rest.
                let bad = e.error_len().unwrap_or(self.carry.len()).max(held);
                push_lossy(out, &self.carry[..bad]);
                &chunk[bad - held..]
            }
        };
        self.carry.clear();
        rest
    }
}

/// The text of one chunk: borrowed from the chunk itself when it needs no change.
enum Decoded<'c> {
    Borrowed(&'c str),
    Owned(StrTendril),
}

impl Decoded<'_> {
    fn as_str(&self) -> &str {
        match self {
            Decoded::Borrowed(s) => s,
            Decoded::Owned(t) => t,
        }
    }

    /// The text from byte `from` on (a character boundary) as the tokenizer's input.
    fn into_tendril(self, from: usize) -> StrTendril {
        match self {
            Decoded::Borrowed(s) => StrTendril::from_slice(s.get(from..).unwrap_or_default()),
            Decoded::Owned(mut t) => {
                // Dropping the front shares the buffer rather than copying it.
                match u32::try_from(from).map(|n| t.try_pop_front(n)) {
                    Ok(Ok(())) => t,
                    _ => StrTendril::from_slice(t.get(from..).unwrap_or_default()),
                }
            }
        }
    }
}

/// Appends `text` with each carriage return as a space: the tokenizer reads a lone one as a
/// line break, and lines are counted by line feeds, so as a space it is the same text
/// without a line the source lacks.
fn push_text(out: &mut StrTendril, text: &str) {
    let mut rest = text;
    while let Some(i) = memchr::memchr(b'\r', rest.as_bytes()) {
        out.push_slice(&rest[..i]);
        out.push_char(' ');
        rest = &rest[i + 1..];
    }
    out.push_slice(rest);
}

/// Appends `bytes` as UTF-8 where they are, and as Windows-1252 where they are not (an
/// incomplete character at the end included).
fn push_lossy(out: &mut StrTendril, bytes: &[u8]) {
    for chunk in bytes.utf8_chunks() {
        push_text(out, chunk.valid());
        if !chunk.invalid().is_empty() {
            let (c, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(chunk.invalid());
            push_text(out, &c);
        }
    }
}

/// Where the character that `bytes` ends in starts when the end cuts it: its lead byte
/// among the last three; the length when nothing is cut.
fn cut_char(bytes: &[u8]) -> usize {
    for back in 1..=bytes.len().min(3) {
        let at = bytes.len() - back;
        let b = bytes[at];
        if b & 0xc0 != 0x80 {
            // ASCII or a lead byte: cut when the character is longer than what is left.
            return if b >= 0xc0 && char_width(b) > back {
                at
            } else {
                bytes.len()
            };
        }
    }
    bytes.len()
}

/// Whether `bytes` are the start of a valid UTF-8 character, cut before its end.
fn starts_char(bytes: &[u8]) -> bool {
    !bytes.is_empty()
        && matches!(std::str::from_utf8(bytes), Err(e) if e.valid_up_to() == 0 && e.error_len().is_none())
}

/// The length of the UTF-8 character that lead byte `b` starts.
fn char_width(b: u8) -> usize {
    match b {
        0xf0.. => 4,
        0xe0.. => 3,
        _ => 2,
    }
}

fn opts() -> TokenizerOpts {
    TokenizerOpts {
        discard_bom: true,
        ..TokenizerOpts::default()
    }
}

struct Sink {
    tokens: Cell<u64>,
    state: RefCell<State>,
}

impl TokenSink for Sink {
    type Handle = ();

    fn process_token(&self, token: Token, line: u64) -> TokenSinkResult<()> {
        self.tokens.set(self.tokens.get() + 1);
        self.state.borrow_mut().token(token, line)
    }

    fn adjusted_current_node_present_but_not_in_html_namespace(&self) -> bool {
        // CDATA sections are text in XML.
        self.state.borrow().xml
    }
}

/// A table being read: its rows so far (the part not yet handed over).
#[derive(Default)]
struct Table {
    text: Vec<u8>,
    lines: LineMap,
    rows: u64,
    /// The first row with text, repeated at the top of each later part.
    header: Option<(Vec<u8>, u64)>,
    row: Vec<u8>,
    /// The source line of the row's first text.
    row_line: Option<u64>,
    cells: usize,
    /// Tables inside this one: their cells are read into the current cell.
    nested: u32,
    in_caption: bool,
}

struct State {
    xml: bool,
    /// The first start tag has been seen (an XML document whose root is `html` is HTML).
    rooted: bool,
    /// Inside a style sheet: not read.
    raw: bool,
    /// XML: the last tag was an end tag.
    after_end: bool,
    /// Added to the tokenizer's line numbers (it counts from 1 again after a restart).
    line_base: u64,
    flow: Vec<u8>,
    flow_map: LineMap,
    /// Lines of running text made so far, and the source line the last one is on.
    out_line: u64,
    src_line: u64,
    /// A block ended: the next text starts a new line.
    pending_break: bool,
    /// The current line of running text has text on it.
    line_has_text: bool,
    table: Option<Table>,
    tables: Vec<(Vec<u8>, LineMap)>,
}

impl State {
    fn new(xml: bool) -> State {
        let mut flow_map = LineMap::default();
        flow_map.push(1, 1);
        State {
            xml,
            rooted: false,
            raw: false,
            after_end: false,
            line_base: 0,
            flow: Vec::new(),
            flow_map,
            out_line: 1,
            src_line: 1,
            pending_break: false,
            line_has_text: false,
            table: None,
            tables: Vec::new(),
        }
    }

    fn token(&mut self, token: Token, line: u64) -> TokenSinkResult<()> {
        let line = line + self.line_base;
        match token {
            Token::CharacterTokens(t) => {
                if !self.raw {
                    let start = line - memchr::memchr_iter(b'\n', t.as_bytes()).count() as u64;
                    self.text(&t, start);
                }
            }
            Token::TagToken(tag) => return self.tag(tag, line),
            Token::CommentToken(c) => {
                // Commented-out content may hold data; `<?xml …?>` and the like hold none.
                if !c.starts_with('?') && !c.trim().is_empty() {
                    let start = line - memchr::memchr_iter(b'\n', c.as_bytes()).count() as u64;
                    self.block(line);
                    self.text(&c, start);
                    self.block(line);
                }
            }
            Token::DoctypeToken(_)
            | Token::NullCharacterToken
            | Token::EOFToken
            | Token::ParseError(_) => {}
        }
        TokenSinkResult::Continue
    }

    fn tag(&mut self, tag: Tag, line: u64) -> TokenSinkResult<()> {
        let name: &str = &tag.name;
        let start = tag.kind == TagKind::StartTag;
        if start && !self.rooted {
            self.rooted = true;
            if name == "html" {
                self.xml = false;
            }
        }
        if self.xml {
            // A record's fields stay on one line (`row: c0: … c1: …`), as a table's row
            // does; the end of an element that held elements ends the line.
            if start {
                self.text(&format!(" {name}: "), line);
                for a in &tag.attrs {
                    self.attribute(&a.name.local, &a.value, line, true);
                }
                self.after_end = false;
            } else {
                if self.after_end {
                    self.block(line);
                }
                self.after_end = true;
            }
            return TokenSinkResult::Continue;
        }
        let result = if start {
            match name {
                "script" => TokenSinkResult::RawData(RawKind::ScriptData),
                "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                    self.raw = name == "style";
                    TokenSinkResult::RawData(RawKind::Rawtext)
                }
                "title" | "textarea" => TokenSinkResult::RawData(RawKind::Rcdata),
                "plaintext" => TokenSinkResult::Plaintext,
                _ => TokenSinkResult::Continue,
            }
        } else {
            if name == "style" {
                self.raw = false;
            }
            TokenSinkResult::Continue
        };
        if !self.table_tag(name, start, line) && is_block(name) {
            self.block(line);
        }
        if start {
            for a in &tag.attrs {
                self.attribute(&a.name.local, &a.value, line, false);
            }
        }
        result
    }

    /// Reads a table's structure; true when the tag was one of it.
    fn table_tag(&mut self, name: &str, start: bool, line: u64) -> bool {
        if name == "table" {
            match (&mut self.table, start) {
                (None, true) => {
                    self.block(line);
                    self.table = Some(Table::default());
                }
                (Some(t), true) => {
                    t.nested += 1;
                    cell_space(t);
                }
                (Some(t), false) if t.nested > 0 => {
                    t.nested -= 1;
                    cell_space(t);
                }
                (Some(_), false) => {
                    if let Some(mut t) = self.table.take() {
                        end_row(&mut t);
                        self.emit_table(&mut t, true);
                    }
                    self.block(line);
                }
                (None, false) => {}
            }
            return true;
        }
        let Some(t) = self.table.as_mut() else {
            return false;
        };
        if t.nested > 0 {
            if matches!(name, "td" | "th" | "tr") || is_block(name) {
                cell_space(t);
            }
            return matches!(name, "td" | "th" | "tr");
        }
        match (name, start) {
            ("tr", _) => end_row(t),
            ("td" | "th", true) => {
                if t.cells > 0 {
                    t.row.push(b'\t');
                }
                t.cells += 1;
            }
            ("caption", s) => t.in_caption = s,
            _ => {
                if is_block(name) {
                    cell_space(t);
                }
                return false;
            }
        }
        if t.text.len() > MAX_TABLE {
            let mut t = std::mem::take(t);
            self.emit_table(&mut t, false);
            self.table = Some(t);
        }
        true
    }

    /// Hands over the rows read so far of table `t`; unless it is complete, the next part
    /// starts with the header row again.
    fn emit_table(&mut self, t: &mut Table, complete: bool) {
        if t.rows > 0 {
            self.tables
                .push((std::mem::take(&mut t.text), std::mem::take(&mut t.lines)));
        }
        t.rows = 0;
        if !complete {
            if let Some((header, line)) = &t.header {
                t.text.extend_from_slice(header);
                t.text.push(b'\n');
                t.rows = 1;
                t.lines.push(1, *line);
            }
        }
    }

    fn attribute(&mut self, name: &str, value: &str, line: u64, xml: bool) {
        let value = value.trim();
        if value.is_empty() || (!xml && skipped_attribute(name)) {
            return;
        }
        let named = xml || !VALUE_ONLY.contains(&name);
        let mut s = String::with_capacity(name.len() + value.len() + 3);
        s.push(' ');
        if named {
            s.push_str(name);
            s.push_str(": ");
        }
        // Inside an attribute, line breaks are only spacing.
        s.extend(value.chars().map(|c| if c == '\n' { ' ' } else { c }));
        s.push(' ');
        self.text(&s, line);
    }

    /// A block ends at `line`: the next text starts a line of its own.
    fn block(&mut self, line: u64) {
        if let Some(t) = self.table.as_mut() {
            if !t.in_caption {
                cell_space(t);
                return;
            }
        }
        self.advance_to(line);
        if self.line_has_text {
            self.pending_break = true;
        }
    }

    /// Moves the running text on to source line `line` (never back).
    fn advance_to(&mut self, line: u64) {
        while self.src_line < line {
            self.newline(self.src_line + 1);
        }
    }

    /// Ends the line of running text; the next is on source line `src` or, when the text is
    /// ahead of the source already (a block's line break), on the same line as this one.
    fn newline(&mut self, src: u64) {
        self.flow.push(b'\n');
        self.out_line += 1;
        self.src_line = self.src_line.max(src);
        self.flow_map.push(self.out_line, self.src_line);
        self.line_has_text = false;
        self.pending_break = false;
    }

    /// Text that starts on source line `line`.
    fn text(&mut self, text: &str, line: u64) {
        if let Some(t) = self.table.as_mut() {
            if !t.in_caption {
                cell_text(t, text, line);
                return;
            }
        }
        self.advance_to(line);
        let bytes = text.as_bytes();
        let Some(first) = memchr::memchr(b'\n', bytes) else {
            self.line_text(text);
            return;
        };
        self.line_text(&text[..first]);
        // The other lines at once: after a line break no block is pending, so each line only
        // moves the map on, and whether a line has text matters for the last one alone.
        let last = memchr::memrchr(b'\n', bytes).unwrap_or(first);
        let breaks = 1 + memchr::memchr_iter(b'\n', &bytes[first + 1..]).count() as u64;
        self.flow.extend_from_slice(&bytes[first..]);
        let out = self.out_line;
        if self.src_line <= line + 1 {
            self.flow_map.push_lines(out + 1, line + 1, breaks);
        } else {
            // The text is behind the map (a block's break put it on a later line): its
            // lines stay on that line until the source catches up.
            for i in 1..=breaks {
                self.flow_map.push(out + i, self.src_line.max(line + i));
            }
        }
        self.out_line += breaks;
        self.src_line = self.src_line.max(line + breaks);
        self.line_has_text = !text[last + 1..].trim().is_empty();
        self.pending_break = false;
    }

    /// Text of the current line (no line break in it).
    fn line_text(&mut self, part: &str) {
        // Blank or not only matters while a break is pending or the line has no text yet.
        if (self.pending_break || !self.line_has_text) && !part.trim().is_empty() {
            if self.pending_break && self.flow_map.len() < MAX_RUNS {
                self.newline(self.src_line);
            } else if self.pending_break {
                self.flow.push(b' ');
                self.pending_break = false;
            }
            self.line_has_text = true;
        }
        self.flow.extend_from_slice(part.as_bytes());
    }

    fn end(&mut self) {
        if let Some(mut t) = self.table.take() {
            end_row(&mut t);
            self.emit_table(&mut t, true);
        }
    }
}

/// Separates what follows in the current cell from what precedes it.
fn cell_space(t: &mut Table) {
    if t.row.last().is_some_and(|b| !b.is_ascii_whitespace()) {
        t.row.push(b' ');
    }
}

fn cell_text(t: &mut Table, text: &str, line: u64) {
    if t.row_line.is_none() && !text.trim().is_empty() {
        // The line of the first non-blank character.
        let lead = &text[..text.len() - text.trim_start().len()];
        t.row_line = Some(line + memchr::memchr_iter(b'\n', lead.as_bytes()).count() as u64);
    }
    // A cell is one line; a tab in it would read as a cell separator.
    t.row.extend(text.bytes().map(|b| {
        if matches!(b, b'\n' | b'\r' | b'\t') {
            b' '
        } else {
            b
        }
    }));
}

fn end_row(t: &mut Table) {
    let raw = std::mem::take(&mut t.row);
    t.cells = 0;
    let Some(line) = t.row_line.take() else {
        return;
    };
    let mut row = Vec::with_capacity(raw.len());
    for (i, cell) in raw.split(|&b| b == b'\t').enumerate() {
        if i > 0 {
            row.push(b'\t');
        }
        row.extend_from_slice(cell.trim_ascii());
    }
    let row = if t.header.is_none() && row.len() <= MAX_HEADER {
        // The detector takes the header's most frequent delimiter as the cell separator:
        // commas and semicolons in header cells must not outnumber the tabs.
        let header: Vec<u8> = row
            .iter()
            .map(|&b| {
                if matches!(b, b',' | b';' | b'|') {
                    b' '
                } else {
                    b
                }
            })
            .collect();
        t.header = Some((header.clone(), line));
        header
    } else {
        row
    };
    t.rows += 1;
    t.text.extend_from_slice(&row);
    t.text.push(b'\n');
    t.lines.push(t.rows, line);
}

/// Tags that end a line of text (a paragraph, a list item, a line break...).
fn is_block(name: &str) -> bool {
    matches!(
        name,
        "p" | "div"
            | "br"
            | "hr"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "tr"
            | "td"
            | "th"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "header"
            | "footer"
            | "nav"
            | "aside"
            | "main"
            | "blockquote"
            | "pre"
            | "form"
            | "fieldset"
            | "legend"
            | "address"
            | "figure"
            | "figcaption"
            | "details"
            | "summary"
            | "title"
            | "head"
            | "body"
            | "html"
            | "option"
            | "select"
            | "textarea"
            | "button"
            | "label"
            | "menu"
            | "dialog"
            | "center"
            | "frame"
            | "frameset"
            | "iframe"
            | "noscript"
            | "script"
            | "img"
            | "input"
    )
}

/// Attributes whose value is read without their name: their name says nothing about it.
const VALUE_ONLY: &[&str] = &[
    "value",
    "title",
    "alt",
    "placeholder",
    "content",
    "label",
    "aria-label",
    "aria-description",
    "summary",
    "abbr",
    "name",
    "href",
    "src",
    "action",
    "cite",
    "id",
    "for",
    "datetime",
    "headers",
];

/// Attributes of presentation and behaviour: never data.
fn skipped_attribute(name: &str) -> bool {
    name.starts_with("on")
        || name.starts_with("xmlns")
        || matches!(
            name,
            "class"
                | "style"
                | "width"
                | "height"
                | "align"
                | "valign"
                | "border"
                | "cellpadding"
                | "cellspacing"
                | "colspan"
                | "rowspan"
                | "bgcolor"
                | "color"
                | "face"
                | "size"
                | "span"
                | "lang"
                | "xml:lang"
                | "dir"
                | "charset"
                | "http-equiv"
                | "rel"
                | "rev"
                | "type"
                | "target"
                | "role"
                | "tabindex"
                | "method"
                | "enctype"
                | "media"
                | "sizes"
                | "srcset"
                | "integrity"
                | "crossorigin"
                | "nonce"
                | "async"
                | "defer"
                | "hidden"
                | "disabled"
                | "checked"
                | "selected"
                | "readonly"
                | "required"
                | "autocomplete"
                | "autofocus"
                | "maxlength"
                | "minlength"
                | "start"
                | "shape"
                | "coords"
                | "frameborder"
                | "scrolling"
                | "loading"
                | "decoding"
                | "referrerpolicy"
                | "sandbox"
                | "allow"
                | "draggable"
                | "contenteditable"
                | "spellcheck"
                | "translate"
                | "accept"
                | "accept-charset"
                | "version"
                | "viewbox"
                | "d"
                | "points"
                | "transform"
                | "fill"
                | "stroke"
                | "x"
                | "y"
                | "x1"
                | "x2"
                | "y1"
                | "y2"
                | "cx"
                | "cy"
                | "r"
                | "rx"
                | "ry"
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Default)]
    struct Doc {
        flow: Vec<u8>,
        tables: Vec<(String, LineMap)>,
    }

    impl Out for Doc {
        fn flow(&mut self, text: &[u8]) {
            self.flow.extend_from_slice(text);
        }
        fn table(&mut self, text: &[u8], lines: &LineMap) {
            self.tables
                .push((String::from_utf8_lossy(text).into_owned(), lines.clone()));
        }
    }

    /// The running text (with its map) and the tables of `src`, given in chunks of `step`.
    fn read(src: &str, xml: bool, step: usize) -> (String, LineMap, Vec<(String, LineMap)>) {
        let mut h = Html::new(xml, false);
        let mut doc = Doc::default();
        for chunk in src.as_bytes().chunks(step) {
            h.push(chunk, &mut doc);
        }
        h.finish(&mut doc);
        let flow = String::from_utf8(doc.flow).unwrap();
        (flow, h.flow_lines().clone(), doc.tables)
    }

    /// The source line of the line of `text` that holds `needle`.
    fn line_of(text: &str, map: &LineMap, needle: &str) -> u64 {
        let at = text.find(needle).unwrap();
        map.source(1 + text[..at].matches('\n').count() as u64)
    }

    #[test]
    fn references_and_inline_tags_read_as_shown() {
        let (flow, _, _) = read(
            "<p>A&nbsp;B &#8209; &#45; &ndash; &amp;</p><p><span>1</span>-<b>2</b></p>",
            false,
            1 << 16,
        );
        assert_eq!(flow, "A\u{a0}B \u{2011} - \u{2013} &\n1-2");
    }

    #[test]
    fn lines_are_the_sources() {
        let src = "<html>\n<head><title>T</title></head>\n<body>\n<p>one</p><p>two</p>\n\n<div\n class=x>three\nfour</div>\n<!-- note\n five -->\n<script>var a = 1;\n</script>\n<p>six</p>\n";
        for step in [1, 3, 7, 1 << 16] {
            let (flow, map, _) = read(src, false, step);
            for (word, line) in [("T", 2), ("one", 4), ("two", 4), ("three", 7), ("four", 8)] {
                assert_eq!(
                    line_of(&flow, &map, word),
                    line,
                    "{word} in {flow:?}, step {step}"
                );
            }
            assert_eq!(line_of(&flow, &map, "five"), 10);
            assert_eq!(line_of(&flow, &map, "var a"), 11);
            assert_eq!(line_of(&flow, &map, "six"), 13);
            assert!(!flow.contains('<') && !flow.contains("class"), "{flow:?}");
        }
    }

    /// Text before the first markup skips the tokenizer and reads as its character tokens
    /// would: lines, the byte order mark dropped, and markup after it read as markup.
    #[test]
    fn plain_text_before_markup() {
        let src = "\u{feff}one\ntwo\r\n<p>three</p>\nfour &amp; five\n<!-- x\n-->six";
        for step in [1, 2, 3, 5, 1 << 16] {
            let (flow, map, _) = read(src, false, step);
            for (word, line) in [("one", 1), ("two", 2), ("three", 3), ("four & five", 4)] {
                assert_eq!(
                    line_of(&flow, &map, word),
                    line,
                    "{word} in {flow:?}, step {step}"
                );
            }
            assert_eq!(line_of(&flow, &map, "six"), 6, "step {step}");
            assert!(
                !flow.contains('\u{feff}') && !flow.contains("<p>"),
                "{flow:?}"
            );
        }
    }

    /// A carriage return is a line break to the tokenizer but not to the line count, which
    /// counts line feeds as every other reader does (the `markup` fuzz target's find: a row
    /// mapped past the last line).
    #[test]
    fn carriage_returns_are_no_lines_of_their_own() {
        let src = "<p>a\rb\r\n<table>\r<tr><th>CPR-nr</th></tr>\r\r<tr><td>x</td></tr>\r\n</table>\r<p>end";
        for step in [1, 2, 5, 1 << 16] {
            let (flow, map, tables) = read(src, false, step);
            let (_, lines) = &tables[0];
            assert_eq!([1, 2].map(|r| lines.source(r)), [2, 2], "step {step}");
            assert_eq!(line_of(&flow, &map, "end"), 3, "step {step}");
        }
    }

    #[test]
    fn tables_are_rows_of_cells_with_their_header_first() {
        let src = "<p>Before</p>\n<table>\n<caption>Clients</caption>\n<tr><th>Navn, fornavn</th><th>CPR-nr</th></tr>\n<tr>\n <td>Jens</td>\n <td>070761&nbsp;4285</td>\n</tr>\n<tr><td>Inner <table><tr><td>a</td><td>b</td></tr></table></td><td title=\"t\">x\ty</td></tr>\n</table>\n<p>After</p>";
        let (flow, map, tables) = read(src, false, 5);
        assert_eq!(tables.len(), 1);
        let (text, lines) = &tables[0];
        assert_eq!(
            text,
            "Navn  fornavn\tCPR-nr\nJens\t070761\u{a0}4285\nInner a b\tt x y\n"
        );
        assert_eq!([1, 2, 3].map(|r| lines.source(r)), [4, 6, 9]);
        assert_eq!(line_of(&flow, &map, "Clients"), 3);
        assert_eq!(line_of(&flow, &map, "After"), 11);
        assert!(!flow.contains("Jens"));
    }

    #[test]
    fn long_tables_come_in_parts_each_with_the_header() {
        let mut src = String::from("<table><tr><th>CPR</th></tr>\n");
        for i in 0..200_000 {
            src.push_str(&format!("<tr><td>row {i}</td></tr>\n"));
        }
        src.push_str("</table>");
        let (_, _, tables) = read(&src, false, 1 << 18);
        assert!(tables.len() > 1);
        let mut rows = 0;
        for (text, lines) in &tables {
            assert!(text.len() <= MAX_TABLE + 4096);
            assert!(text.starts_with("CPR\n"));
            assert_eq!(lines.source(1), 1);
            rows += text.lines().count() - 1;
        }
        assert_eq!(rows, 200_000);
        let (text, lines) = &tables[1];
        let second = text.lines().nth(1).unwrap();
        let n: u64 = second.trim_start_matches("row ").parse().unwrap();
        assert_eq!(lines.source(2), n + 2);
    }

    #[test]
    fn attributes_that_hold_data() {
        let (flow, _, _) = read(
            "<input name=cpr value=\"0707614285\" class=big onclick=\"x(1)\"><a data-pnr=\"811218-9876\" href=\"mailto:a@b.example\" style=\"color:red\">x</a>",
            false,
            1 << 16,
        );
        assert!(flow.contains("cpr  0707614285"), "{flow:?}");
        assert!(flow.contains("data-pnr: 811218-9876"), "{flow:?}");
        assert!(flow.contains("mailto:a@b.example"), "{flow:?}");
        assert!(!flow.contains("big") && !flow.contains("x(1)") && !flow.contains("red"));
    }

    #[test]
    fn xml_keeps_names_as_labels() {
        let src = "<?xml version=\"1.0\"?>\n<!DOCTYPE r [<!ENTITY a \"aaaa\">]>\n<r><person id=\"7\"><cpr>070761&#45;4285</cpr><note><![CDATA[x < y &amp; z]]></note><x>&a;</x></person></r>";
        let (flow, map, tables) = read(src, true, 4);
        assert!(tables.is_empty());
        assert!(
            flow.contains(" cpr: 070761-4285 note: x < y &amp; z"),
            "{flow:?}"
        );
        assert!(flow.contains("person:  id: 7"), "{flow:?}");
        assert!(!flow.contains("aaaaaaaa"), "{flow:?}");
        assert_eq!(line_of(&flow, &map, "cpr"), 3);
        // XHTML is HTML.
        let (flow, _, tables) = read(
            "<?xml version=\"1.0\"?><html xmlns=\"http://www.w3.org/1999/xhtml\"><body><table><tr><td>a</td></tr></table></body></html>",
            true,
            9,
        );
        assert_eq!(tables.len(), 1);
        assert!(!flow.contains("body"), "{flow:?}");
    }

    #[test]
    fn hostile_markup_is_bounded() {
        // A comment that never ends: dropped after MAX_TOKEN bytes and read on as text.
        let mut src = String::from("<p>a</p><!--");
        src.push_str(&"x".repeat(3 * MAX_TOKEN));
        src.push_str("\n<p>070761-4285</p>");
        let mut h = Html::new(false, false);
        let mut doc = Doc::default();
        for chunk in src.as_bytes().chunks(1 << 18) {
            h.push(chunk, &mut doc);
        }
        h.finish(&mut doc);
        let flow = String::from_utf8(doc.flow).unwrap();
        assert!(flow.contains("070761-4285"), "{flow:?}");
        assert_eq!(line_of(&flow, h.flow_lines(), "070761"), 2);
        // Deep nesting and unclosed tags cost nothing per level.
        let deep = "<div><table><tr><td>".repeat(50_000) + "deep";
        let (flow, _, tables) = read(&deep, false, 1 << 18);
        assert!(flow.is_empty() || !flow.contains("deep"));
        assert!(tables.iter().any(|(t, _)| t.contains("deep")));
    }

    /// Chunk by chunk, cut anywhere, the text is what reading the whole input at once gives:
    /// UTF-8 where it is, Windows-1252 where it is not, carriage returns as spaces.
    #[test]
    fn decoding_does_not_depend_on_where_chunks_end() {
        let whole = |bytes: &[u8]| {
            let mut s = String::new();
            for c in bytes.utf8_chunks() {
                s.push_str(c.valid());
                s.push_str(
                    &encoding_rs::WINDOWS_1252
                        .decode_without_bom_handling(c.invalid())
                        .0,
                );
            }
            s.replace('\r', " ")
        };
        let pieces: [&[u8]; 14] = [
            b"a",
            b"<p>",
            b"\r\n",
            "\u{e6}".as_bytes(),
            "\u{20ac}".as_bytes(),
            "\u{1d11e}".as_bytes(),
            b"\x80",
            b"\xc3",
            b"\xe2\x82",
            b"\xf0\x90\x80",
            b"\xff",
            b"\xc0\xaf",
            b"\xed\xa0\x80",
            b"\xe0\x80",
        ];
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let mut next = |n: usize| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            (seed % n as u64) as usize
        };
        for _ in 0..3000 {
            let mut src = Vec::new();
            for _ in 0..next(40) {
                src.extend_from_slice(pieces[next(pieces.len())]);
            }
            let mut h = Html::new(false, false);
            let mut got = String::new();
            let mut rest = &src[..];
            while !rest.is_empty() {
                let (chunk, more) = rest.split_at(1 + next(rest.len().min(70)));
                got.push_str(h.decode(chunk, false).as_str());
                rest = more;
            }
            got.push_str(h.decode(&[], true).as_str());
            assert_eq!(got, whole(&src), "{src:x?}");
        }
    }

    #[test]
    fn windows_1252_and_stray_bytes() {
        let mut h = Html::new(false, false);
        let mut doc = Doc::default();
        h.push(b"<p>F\xf8dselsnummer \xc3", &mut doc);
        h.push(b"\xa6</p>", &mut doc);
        h.finish(&mut doc);
        assert_eq!(
            String::from_utf8(doc.flow).unwrap(),
            "F\u{f8}dselsnummer \u{e6}"
        );
    }
}
