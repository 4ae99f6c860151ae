//! E-mail: EML (RFC 822/MIME), MBOX mailboxes and Outlook MSG files.
//!
//! A message yields the headers a reader sees (location `headers`), every text body decoded
//! from its transfer encoding and charset (`body`, `body 2`, …; HTML as its text), and every
//! attachment, handed to [`Cx::member`] so that it is extracted like a file (its location is
//! its file name, or `attachment N`). Attached messages are walked the same way under their
//! attachment's name, and the messages of a mailbox under `message N`.

use std::borrow::Cow;
use std::collections::HashSet;
use std::io::{Cursor, Read};

use mail_parser::{Encoding, HeaderName, HeaderValue, Message, MessageParser, MimeHeaders};
use mail_parser::{MessagePart, PartType};

use crate::item::{Cx, Problem};

/// Headers whose presence marks the start of a message.
const MAIL_HEADERS: &[&str] = &[
    "from",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "message-id",
    "mime-version",
    "received",
    "return-path",
    "reply-to",
    "sender",
    "delivered-to",
    "in-reply-to",
    "references",
    "content-type",
    "content-transfer-encoding",
    "x-mailer",
    "user-agent",
    "thread-topic",
    "thread-index",
    "dkim-signature",
    "authentication-results",
    "x-original-to",
];

/// How far into an item the header block is looked for.
const HEAD_LINES: usize = 200;
const HEAD_BYTES: usize = 64 << 10;

/// `Name: value` with a field name of printable ASCII (RFC 5322), the name a known mail header
/// or not; `None` when the line is not a header field.
fn header_name(line: &[u8]) -> Option<&[u8]> {
    let colon = memchr::memchr(b':', line)?;
    let name = &line[..colon];
    let ok = !name.is_empty()
        && name.len() <= 76
        && name.iter().all(|&b| b.is_ascii_graphic() && b != b':');
    ok.then_some(name)
}

fn is_known_header(name: &[u8]) -> bool {
    MAIL_HEADERS
        .iter()
        .any(|h| name.eq_ignore_ascii_case(h.as_bytes()))
}

/// Lines of `data` without their line ending.
fn lines(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    data.split(|&b| b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
}

fn strip_bom(data: &[u8]) -> &[u8] {
    data.strip_prefix(b"\xef\xbb\xbf").unwrap_or(data)
}

/// True when `head` starts with a block of mail header lines: at least two known headers (one
/// when the name ends in `.eml`) before the first line that is not a header field.
pub(crate) fn is_eml(name: &str, head: &[u8]) -> bool {
    let head = strip_bom(head);
    let head = &head[..head.len().min(HEAD_BYTES)];
    let eml_name = name
        .rsplit_once('.')
        .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("eml"));
    let needed = if eml_name { 1 } else { 2 };
    let mut known = 0;
    for (i, line) in lines(head).take(HEAD_LINES).enumerate() {
        if line.is_empty() {
            break;
        }
        if i > 0 && (line[0] == b' ' || line[0] == b'\t') {
            continue; // a folded header
        }
        match header_name(line) {
            Some(name) if is_known_header(name) => known += 1,
            Some(_) => {}
            None => break,
        }
        if known >= needed {
            return true;
        }
    }
    false
}

/// True for an mbox separator line: `From `, a sender without spaces, then a date with a time.
fn is_from_line(line: &[u8]) -> bool {
    let line = line.strip_suffix(b"\r").unwrap_or(line);
    let Some(rest) = line.strip_prefix(b"From ") else {
        return false;
    };
    let Some(space) = memchr::memchr(b' ', rest) else {
        return false;
    };
    let (sender, date) = (&rest[..space], &rest[space + 1..]);
    !sender.is_empty()
        && date.len() <= 100
        && date
            .windows(3)
            .any(|w| w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit())
}

/// True when `head` starts like an mbox mailbox: a `From ` separator line followed by a header.
pub(crate) fn is_mbox(head: &[u8]) -> bool {
    let mut it = lines(head);
    match (it.next(), it.next()) {
        (Some(first), Some(second)) => is_from_line(first) && header_name(second).is_some(),
        _ => false,
    }
}

/// True for an Outlook message: a compound file whose root holds `__properties_version1.0`.
/// A head too short to open as a compound file is judged by the names in its directory.
pub(crate) fn is_msg(data: &[u8]) -> bool {
    if !data.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") {
        return false;
    }
    match cfb::CompoundFile::open(Cursor::new(data)) {
        Ok(cf) => cf.is_stream("/__properties_version1.0"),
        Err(_) => {
            let utf16 =
                |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
            let props = utf16("__properties_version1.0");
            let nameid = utf16("__nameid_version1.0");
            memchr::memmem::find(data, &props).is_some()
                && memchr::memmem::find(data, &nameid).is_some()
        }
    }
}

/// True when an item is to be read as an Outlook message: [`is_msg`], or a name ending in
/// `.msg` on a compound file whose head is too short to tell (the scanner sniffs only the
/// first bytes of a binary file; the whole item is checked again before it is read).
pub(crate) fn is_msg_item(name: &str, head: &[u8]) -> bool {
    is_msg(head)
        || (name
            .rsplit_once('.')
            .is_some_and(|(_, ext)| ext.eq_ignore_ascii_case("msg"))
            && head.starts_with(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
            && cfb::CompoundFile::open(Cursor::new(head)).is_err())
}

/// An EML message.
pub fn eml(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let data = strip_bom(data);
    let Some(msg) = parse(data) else {
        return Err("no mail headers found".into());
    };
    walk(&msg.0, "", cx, 0);
    Ok(())
}

/// A parsed message that is taken apart without recursion when dropped: messages attached to
/// messages nest as deep as the input says, and a recursive drop would overflow the stack.
struct Parsed<'x>(Message<'x>);

impl<'x> Drop for Parsed<'x> {
    fn drop(&mut self) {
        fn take<'x>(parts: &mut [MessagePart<'x>], stack: &mut Vec<Message<'x>>) {
            for part in parts {
                if let PartType::Message(inner) = std::mem::take(&mut part.body) {
                    stack.push(inner);
                }
            }
        }
        let mut stack = Vec::new();
        take(&mut self.0.parts, &mut stack);
        while let Some(mut msg) = stack.pop() {
            take(&mut msg.parts, &mut stack);
        }
    }
}

fn parse(data: &[u8]) -> Option<Parsed<'_>> {
    MessageParser::default().parse(data).map(Parsed)
}

/// An mbox mailbox: every message (1-based) at `message N`.
pub fn mbox(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let data = strip_bom(data);
    let mut n = 0;
    for raw in mbox_messages(data) {
        n += 1;
        if raw.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let at = format!("message {n}");
        let raw = unquote_from(raw);
        let parsed = parse(&raw);
        match &parsed {
            Some(msg) if !msg.0.headers().is_empty() => walk(&msg.0, &at, cx, 0),
            // Not a message after all: its text is still read.
            _ => cx.text(&at, &raw),
        }
        drop(parsed);
    }
    if n == 0 {
        return Err("no message found after the mbox separator lines".into());
    }
    Ok(())
}

/// The messages of a mailbox, each without its `From ` separator line. A separator starts the
/// file or follows an empty line.
fn mbox_messages(data: &[u8]) -> impl Iterator<Item = &[u8]> {
    let mut pos = 0;
    std::iter::from_fn(move || {
        // Skip this message's separator line.
        let rest = data.get(pos..)?;
        if rest.is_empty() {
            return None;
        }
        let start = if is_from_line(line_at(rest)) {
            pos + memchr::memchr(b'\n', rest).map_or(rest.len(), |i| i + 1)
        } else {
            pos
        };
        let mut end = data.len();
        let mut search = start;
        while let Some(i) = memchr::memmem::find(&data[search..], b"\nFrom ") {
            let at = search + i + 1;
            let before = &data[start..at - 1];
            let blank = before.is_empty() || before.ends_with(b"\n") || before.ends_with(b"\n\r");
            if blank && is_from_line(line_at(&data[at..])) {
                end = at;
                break;
            }
            search = at;
        }
        pos = end;
        Some(&data[start..end])
    })
}

fn line_at(data: &[u8]) -> &[u8] {
    &data[..memchr::memchr(b'\n', data).unwrap_or(data.len())]
}

/// Undoes mbox quoting: a line `>From ` (or `>>From `, …) loses one `>`.
fn unquote_from(raw: &[u8]) -> Cow<'_, [u8]> {
    if memchr::memmem::find(raw, b">From ").is_none() {
        return Cow::Borrowed(raw);
    }
    let mut out = Vec::with_capacity(raw.len());
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let quotes = line.iter().take_while(|&&b| b == b'>').count();
        if quotes > 0 && line[quotes..].starts_with(b"From ") {
            out.extend_from_slice(&line[1..]);
        } else {
            out.extend_from_slice(line);
        }
    }
    Cow::Owned(out)
}

/// `at: sub`, or `sub` alone at the top.
fn join(at: &str, sub: &str) -> String {
    if at.is_empty() {
        sub.to_string()
    } else {
        format!("{at}: {sub}")
    }
}

/// A file name fit for a location: one line, at most 200 characters.
fn clean_name(name: &str) -> Option<String> {
    let name: String = name
        .trim()
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(200)
        .collect();
    (!name.is_empty()).then_some(name)
}

/// Reports a parsed message at `at`: headers, bodies, attachments, attached messages.
fn walk(msg: &Message, at: &str, cx: &mut Cx, nested: u32) {
    let headers = header_text(msg);
    if !headers.is_empty() {
        cx.text(&join(at, "headers"), headers.as_bytes());
    }
    let attachments: HashSet<u32> = msg.attachments.iter().copied().collect();
    let mut bodies = 0;
    let mut plain_numbers = HashSet::new();
    let mut html = Vec::new();
    let mut attached = 0;
    for (id, part) in msg.parts.iter().enumerate() {
        let is_attachment = attachments.contains(&(id as u32));
        match &part.body {
            PartType::Text(text) if !is_attachment => {
                let text = plain_text(msg, part, text);
                plain_numbers.extend(numbers(&text));
                bodies += 1;
                cx.text(&join(at, &body_name(bodies)), text.as_bytes());
            }
            PartType::Html(text) if !is_attachment => html.push(text),
            PartType::Multipart(_) => {}
            PartType::Message(inner) => {
                attached += 1;
                let name = attachment_name(part, attached);
                let inner_at = join(at, &name);
                if nested + 1 >= cx.limits().max_depth {
                    let reason = format!(
                        "attached messages nested deeper than {} levels",
                        cx.limits().max_depth
                    );
                    cx.not_followed(&inner_at, "eml", Problem::TooDeep, &reason);
                } else {
                    walk(inner, &inner_at, cx, nested + 1);
                }
            }
            _ => {
                attached += 1;
                let name = attachment_name(part, attached);
                let bytes = part.contents();
                let budget = cx.budget();
                if bytes.len() as u64 > budget {
                    let reason = format!(
                        "{} bytes, more than the {budget} allowed; not followed",
                        bytes.len()
                    );
                    cx.not_followed(&join(at, &name), "eml", Problem::TooLarge, &reason);
                } else {
                    cx.member(&join(at, &name), bytes, None);
                }
            }
        }
    }
    // An HTML body is mostly the same text as its plain alternative: it is read only when
    // there is no plain body or when it holds a number the plain bodies lack.
    for text in html {
        let text = html_text(text);
        if bodies > 0 && numbers(&text).iter().all(|n| plain_numbers.contains(n)) {
            continue;
        }
        bodies += 1;
        cx.text(&join(at, &body_name(bodies)), text.as_bytes());
    }
}

fn body_name(n: u32) -> String {
    if n == 1 {
        "body".to_string()
    } else {
        format!("body {n}")
    }
}

fn attachment_name(part: &MessagePart, n: u32) -> String {
    part.attachment_name()
        .and_then(clean_name)
        .unwrap_or_else(|| format!("attachment {n}"))
}

/// A plain text body; one without a declared charset that is not UTF-8 is read as
/// Windows-1252 (the parser would have replaced its letters).
fn plain_text<'t>(msg: &Message, part: &MessagePart, text: &'t str) -> Cow<'t, str> {
    let declared = part
        .content_type()
        .is_some_and(|ct| ct.attribute("charset").is_some());
    if declared || part.encoding != Encoding::None || !text.contains('\u{fffd}') {
        return Cow::Borrowed(text);
    }
    let raw = msg
        .raw_message
        .get(part.offset_body as usize..part.offset_end as usize);
    match raw {
        Some(raw) if std::str::from_utf8(raw).is_err() => {
            Cow::Owned(encoding_rs::WINDOWS_1252.decode(raw).0.into_owned())
        }
        _ => Cow::Borrowed(text),
    }
}

/// The headers a reader sees: sender, recipients, subject; and fields that are not standard
/// mail headers (a text file mistaken for mail keeps its `Label: value` lines).
fn header_text(msg: &Message) -> String {
    let mut out = String::new();
    for h in msg.headers() {
        let label = match &h.name {
            HeaderName::From => "From",
            HeaderName::Sender => "Sender",
            HeaderName::ReplyTo => "Reply-To",
            HeaderName::To => "To",
            HeaderName::Cc => "Cc",
            HeaderName::Bcc => "Bcc",
            HeaderName::Subject => "Subject",
            HeaderName::Comments => "Comments",
            HeaderName::Keywords => "Keywords",
            HeaderName::Other(name) if !is_machine_header(name) => name.as_ref(),
            _ => continue,
        };
        let mut value = String::new();
        header_value(&h.value, &mut value);
        if !value.trim().is_empty() {
            out.push_str(label);
            out.push_str(": ");
            out.push_str(value.trim());
            out.push('\n');
        }
    }
    out
}

/// Headers that mail software writes and no reader sees.
fn is_machine_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "x-",
        "arc-",
        "dkim",
        "authentication-",
        "thread-",
        "accept-",
        "content-",
        "received",
        "delivered-",
        "domainkey",
        "list-",
        "precedence",
        "importance",
        "priority",
        "feedback-id",
        "msip_",
    ]
    .iter()
    .any(|p| lower.starts_with(p))
}

fn header_value(value: &HeaderValue, out: &mut String) {
    match value {
        HeaderValue::Address(address) => {
            for (i, addr) in address.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                match (&addr.name, &addr.address) {
                    (Some(name), Some(address)) => {
                        out.push_str(name);
                        out.push_str(" <");
                        out.push_str(address);
                        out.push('>');
                    }
                    (Some(one), None) | (None, Some(one)) => out.push_str(one),
                    (None, None) => {}
                }
            }
        }
        HeaderValue::Text(text) => out.push_str(text),
        HeaderValue::TextList(list) => {
            for (i, text) in list.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(text);
            }
        }
        _ => {}
    }
}

/// The digits of every run of at least six digits (digit groups joined across one separator),
/// to compare what two versions of a body could yield.
fn numbers(text: &str) -> HashSet<String> {
    let mut out = HashSet::new();
    let mut cur = String::new();
    let mut gap = false;
    for c in text.chars() {
        if c.is_ascii_digit() {
            cur.push(c);
            gap = false;
        } else if !cur.is_empty() && !gap && matches!(c, '-' | '+' | ' ' | '\u{a0}' | '.' | '/') {
            gap = true;
        } else {
            if cur.len() >= 6 {
                out.insert(std::mem::take(&mut cur));
            }
            cur.clear();
            gap = false;
        }
    }
    if cur.len() >= 6 {
        out.insert(cur);
    }
    out
}

/// The text of an HTML document: tags removed (block elements as line breaks, cells as
/// tabs), scripts, styles and comments dropped, character references decoded.
pub(crate) fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(lt) = rest.find(['<', '&']) {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        if rest.starts_with('&') {
            let (text, used) = entity(rest);
            out.push_str(text.as_deref().unwrap_or("&"));
            rest = &rest[used..];
            continue;
        }
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |i| &after[i + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            // A lone `<`: text.
            out.push('<');
            rest = &rest[1..];
            continue;
        };
        let tag = &rest[1..gt];
        rest = &rest[gt + 1..];
        let closing = tag.starts_with('/');
        let name: String = tag
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        match name.as_str() {
            // Without its end tag, what follows is read as text rather than lost.
            "script" | "style" if !closing && !tag.ends_with('/') => {
                if let Some(i) = find_ignore_case(rest, &format!("</{name}")) {
                    rest = &rest[i..];
                }
            }
            "br" | "p" | "div" | "tr" | "li" | "ul" | "ol" | "table" | "h1" | "h2" | "h3"
            | "h4" | "h5" | "h6" | "blockquote" | "pre" | "hr" | "section" | "article"
            | "header" | "footer" | "dt" | "dd" | "title"
                if !out.ends_with('\n') =>
            {
                out.push('\n');
            }
            "td" | "th" if !closing && !out.ends_with(['\t', '\n']) => out.push('\t'),
            _ => {}
        }
    }
    out.push_str(rest);
    out
}

fn find_ignore_case(hay: &str, needle: &str) -> Option<usize> {
    let n = needle.len();
    hay.as_bytes()
        .windows(n)
        .position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// A character reference at the start of `s` (`&amp;`, `&#229;`, `&#xE5;`): its text and the
/// bytes it takes; `None` and 1 when it is not one.
fn entity(s: &str) -> (Option<Cow<'static, str>>, usize) {
    let end = match s.as_bytes().iter().take(12).position(|&b| b == b';') {
        Some(i) => i,
        None => return (None, 1),
    };
    let body = &s[1..end];
    let text: Option<Cow<'static, str>> = if let Some(num) = body.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => num.parse().ok(),
        };
        code.and_then(char::from_u32)
            .map(|c| Cow::Owned(c.to_string()))
    } else {
        NAMED
            .iter()
            .find(|(name, _)| *name == body)
            .map(|(_, text)| Cow::Borrowed(*text))
    };
    match text {
        Some(t) => (Some(t), end + 1),
        None => (None, 1),
    }
}

/// Named character references: markup, spaces, dashes and the letters of the Nordic languages.
const NAMED: &[(&str, &str)] = &[
    ("amp", "&"),
    ("lt", "<"),
    ("gt", ">"),
    ("quot", "\""),
    ("apos", "'"),
    ("nbsp", "\u{a0}"),
    ("ndash", "\u{2013}"),
    ("mdash", "\u{2014}"),
    ("shy", ""),
    ("aring", "å"),
    ("Aring", "Å"),
    ("auml", "ä"),
    ("Auml", "Ä"),
    ("ouml", "ö"),
    ("Ouml", "Ö"),
    ("aelig", "æ"),
    ("AElig", "Æ"),
    ("oslash", "ø"),
    ("Oslash", "Ø"),
    ("uuml", "ü"),
    ("Uuml", "Ü"),
    ("eacute", "é"),
    ("Eacute", "É"),
    ("aacute", "á"),
    ("Aacute", "Á"),
    ("iacute", "í"),
    ("Iacute", "Í"),
    ("oacute", "ó"),
    ("Oacute", "Ó"),
    ("uacute", "ú"),
    ("Uacute", "Ú"),
    ("yacute", "ý"),
    ("Yacute", "Ý"),
    ("eth", "ð"),
    ("ETH", "Ð"),
    ("thorn", "þ"),
    ("THORN", "Þ"),
];

// ---------------------------------------------------------------------------------------------
// Outlook MSG

type Cfb<'d> = cfb::CompoundFile<Cursor<&'d [u8]>>;

/// An Outlook message: a compound file of MAPI properties.
pub fn msg(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let mut cf = cfb::CompoundFile::open(Cursor::new(data))
        .map_err(|e| format!("not a readable compound file: {e}"))?;
    if !cf.is_stream("/__properties_version1.0") {
        return Err("no __properties_version1.0 stream: not an Outlook message".into());
    }
    msg_storage(&mut cf, "", "", cx, 0);
    Ok(())
}

/// The message in storage `dir` (`""` for the root, else the path of an attached message's
/// storage), reported at `at`.
fn msg_storage(cf: &mut Cfb, dir: &str, at: &str, cx: &mut Cx, nested: u32) {
    let mut headers = String::new();
    let mut line = |label: &str, value: Option<String>| {
        if let Some(v) = value.filter(|v| !v.trim().is_empty()) {
            headers.push_str(label);
            headers.push_str(": ");
            headers.push_str(v.trim());
            headers.push('\n');
        }
    };
    let sender = named(
        prop_string(cf, dir, "0C1A", cx),
        prop_string(cf, dir, "5D01", cx).or_else(|| prop_string(cf, dir, "0C1F", cx)),
    );
    let representing = named(
        prop_string(cf, dir, "0042", cx),
        prop_string(cf, dir, "5D02", cx).or_else(|| prop_string(cf, dir, "0065", cx)),
    );
    // The author; the sender too when someone sent on the author's behalf.
    let from = representing.or_else(|| sender.clone());
    if sender != from {
        line("Sender", sender);
    }
    line("From", from);
    line("To", prop_string(cf, dir, "0E04", cx));
    line("Cc", prop_string(cf, dir, "0E03", cx));
    line("Bcc", prop_string(cf, dir, "0E02", cx));
    for recip in storages(cf, dir, "__recip_version1.0_#") {
        let name = prop_string(cf, &recip, "3001", cx);
        let address =
            prop_string(cf, &recip, "39FE", cx).or_else(|| prop_string(cf, &recip, "3003", cx));
        line("Recipient", named(name, address));
    }
    line("Subject", prop_string(cf, dir, "0037", cx));
    if !headers.is_empty() {
        cx.text(&join(at, "headers"), headers.as_bytes());
    }

    if let Some(body) = prop_string(cf, dir, "1000", cx) {
        cx.text(&join(at, "body"), body.as_bytes());
    } else if let Some(html) = prop_html(cf, dir, cx) {
        cx.text(&join(at, "body"), html_text(&html).as_bytes());
    } else if let Some(rtf) = prop_bytes(cf, dir, "10090102", cx) {
        match decompress_rtf(&rtf, cx.budget()) {
            Ok(rtf) => cx.member(&join(at, "body.rtf"), &rtf, None),
            Err(reason) => cx.problem(&join(at, "body.rtf"), "msg", Problem::Corrupt, &reason),
        }
    }

    for (i, attach) in storages(cf, dir, "__attach_version1.0_#")
        .iter()
        .enumerate()
    {
        let name = prop_string(cf, attach, "3707", cx)
            .or_else(|| prop_string(cf, attach, "3704", cx))
            .or_else(|| prop_string(cf, attach, "3001", cx))
            .and_then(|n| clean_name(&n))
            .unwrap_or_else(|| format!("attachment {}", i + 1));
        let loc = join(at, &name);
        let object = format!("{attach}/__substg1.0_3701000D");
        if cf.is_storage(&object) {
            if !cf.is_stream(format!("{object}/__properties_version1.0")) {
                // An embedded OLE object (a document in an RTF message): a compound file of
                // its own, read like a file.
                match storage_file(cf, &object, cx.budget()) {
                    Ok(bytes) => cx.member(&loc, &bytes, None),
                    Err((problem, reason)) => cx.problem(&loc, "msg", problem, &reason),
                }
            } else if nested + 1 >= cx.limits().max_depth {
                let reason = format!(
                    "attached messages nested deeper than {} levels",
                    cx.limits().max_depth
                );
                cx.not_followed(&loc, "msg", Problem::TooDeep, &reason);
            } else {
                msg_storage(cf, &object, &loc, cx, nested + 1);
            }
            continue;
        }
        match read_stream(cf, &format!("{attach}/__substg1.0_37010102"), cx.budget()) {
            Ok(Some(bytes)) => cx.member(&loc, &bytes, None),
            Ok(None) => {} // an attachment by reference: no data in the message
            Err((problem, reason)) => cx.problem(&loc, "msg", problem, &reason),
        }
    }
}

/// Most entries a storage walked in a message may have (a directory can be made to loop).
const MAX_ENTRIES: usize = 100_000;

/// The storage `dir` of a compound file as a compound file of its own, at most `limit` bytes
/// of stream data.
fn storage_file(cf: &mut Cfb, dir: &str, limit: u64) -> Result<Vec<u8>, (Problem, String)> {
    use std::io::Write;
    let corrupt = |e: std::io::Error| (Problem::Corrupt, format!("{dir}: {e}"));
    let entries: Vec<(String, bool)> = cf
        .walk_storage(dir)
        .map_err(corrupt)?
        .take(MAX_ENTRIES)
        .filter_map(|e| {
            let path = e.path().to_str()?.strip_prefix(dir)?.to_string();
            (!path.is_empty()).then_some((path, e.is_storage()))
        })
        .collect();
    let mut out = cfb::CompoundFile::create(Cursor::new(Vec::new())).map_err(corrupt)?;
    let mut left = limit;
    for (path, is_storage) in entries {
        if is_storage {
            out.create_storage(&path).map_err(corrupt)?;
            continue;
        }
        let Some(data) = read_stream(cf, &format!("{dir}{path}"), left)? else {
            continue;
        };
        left -= data.len() as u64;
        out.create_stream(&path)
            .and_then(|mut s| s.write_all(&data))
            .map_err(corrupt)?;
    }
    out.flush().map_err(corrupt)?;
    Ok(out.into_inner().into_inner())
}

/// `name <address>`, or whichever of them there is. An Exchange directory path
/// (`/O=EXCHANGELABS/OU=…`) is no address a reader sees.
fn named(name: Option<String>, address: Option<String>) -> Option<String> {
    let address = address.filter(|a| !a.starts_with('/'));
    match (name, address) {
        (Some(n), Some(a)) if n != a => Some(format!("{n} <{a}>")),
        (Some(n), _) => Some(n),
        (None, a) => a,
    }
}

/// The child storages of `dir` whose names start with `prefix`, in name order.
fn storages(cf: &Cfb, dir: &str, prefix: &str) -> Vec<String> {
    let path = if dir.is_empty() { "/" } else { dir };
    let mut out: Vec<String> = match cf.read_storage(path) {
        Ok(entries) => entries
            .take(MAX_ENTRIES)
            .filter(|e| e.is_storage() && e.name().starts_with(prefix))
            .map(|e| format!("{dir}/{}", e.name()))
            .collect(),
        Err(_) => Vec::new(),
    };
    out.sort();
    out
}

/// A stream's bytes, `None` when there is no such stream; an error when it is larger than
/// `limit` or cannot be read.
fn read_stream(cf: &mut Cfb, path: &str, limit: u64) -> Result<Option<Vec<u8>>, (Problem, String)> {
    if !cf.is_stream(path) {
        return Ok(None);
    }
    let mut stream = cf
        .open_stream(path)
        .map_err(|e| (Problem::Corrupt, format!("{path}: {e}")))?;
    let len = stream.len();
    if len > limit {
        let reason = format!("{path}: {len} bytes, more than the {limit} allowed; not followed");
        return Err((Problem::TooLarge, reason));
    }
    let mut out = Vec::new();
    stream
        .by_ref()
        .take(limit)
        .read_to_end(&mut out)
        .map_err(|e| (Problem::Corrupt, format!("{path}: {e}")))?;
    Ok(Some(out))
}

/// A binary property (`tag` with its type, such as `10130102`); problems are reported.
fn prop_bytes(cf: &mut Cfb, dir: &str, tag: &str, cx: &mut Cx) -> Option<Vec<u8>> {
    let path = format!("{dir}/__substg1.0_{tag}");
    match read_stream(cf, &path, cx.budget()) {
        Ok(bytes) => bytes,
        Err((problem, reason)) => {
            cx.problem("", "msg", problem, &reason);
            None
        }
    }
}

/// A string property `id` (four hex digits): UTF-16 (`001F`) or 8-bit (`001E`, read as UTF-8
/// when valid, else Windows-1252).
fn prop_string(cf: &mut Cfb, dir: &str, id: &str, cx: &mut Cx) -> Option<String> {
    if let Some(bytes) = prop_bytes(cf, dir, &format!("{id}001F"), cx) {
        let (text, _) = encoding_rs::UTF_16LE.decode_without_bom_handling(&bytes);
        return Some(text.trim_end_matches('\0').to_string());
    }
    let bytes = prop_bytes(cf, dir, &format!("{id}001E"), cx)?;
    Some(eight_bit(&bytes).trim_end_matches('\0').to_string())
}

fn eight_bit(bytes: &[u8]) -> Cow<'_, str> {
    match std::str::from_utf8(bytes) {
        Ok(s) => Cow::Borrowed(s),
        Err(_) => encoding_rs::WINDOWS_1252.decode(bytes).0,
    }
}

/// The HTML body: a string, or bytes in the charset its `<meta>` names.
fn prop_html(cf: &mut Cfb, dir: &str, cx: &mut Cx) -> Option<String> {
    if let Some(html) = prop_string(cf, dir, "1013", cx) {
        return Some(html);
    }
    let bytes = prop_bytes(cf, dir, "10130102", cx)?;
    if let Ok(s) = std::str::from_utf8(&bytes) {
        return Some(s.to_string());
    }
    let head = &bytes[..bytes.len().min(2048)];
    let declared = memchr::memmem::find(&head.to_ascii_lowercase(), b"charset=").and_then(|i| {
        let label: Vec<u8> = head[i + 8..]
            .iter()
            .copied()
            .skip_while(|&b| b == b'"' || b == b'\'')
            .take_while(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            .collect();
        encoding_rs::Encoding::for_label(&label)
    });
    let enc = declared.unwrap_or(encoding_rs::WINDOWS_1252);
    Some(enc.decode(&bytes).0.into_owned())
}

/// The dictionary a compressed RTF body starts from (MS-OXRTFCP).
const RTF_PREBUF: &[u8] = b"{\\rtf1\\ansi\\mac\\deff0\\deftab720{\\fonttbl;}{\\f0\\fnil \\froman \\fswiss \\fmodern \\fscript \\fdecor MS Sans SerifSymbolArialTimes New RomanCourier{\\colortbl\\red0\\green0\\blue0\r\n\\par \\pard\\plain\\f0\\fs20\\b\\i\\u\\tab\\tx";

/// Decompresses an RTF body (PR_RTF_COMPRESSED), at most `limit` bytes.
fn decompress_rtf(data: &[u8], limit: u64) -> Result<Vec<u8>, String> {
    let word = |i: usize| -> Option<u32> {
        let b = data.get(i..i + 4)?;
        Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let (Some(comp_size), Some(raw_size), Some(kind)) = (word(0), word(4), word(8)) else {
        return Err("compressed RTF body: header truncated".into());
    };
    let body = data.get(16..).unwrap_or_default();
    let body = &body[..body.len().min((comp_size as usize).saturating_sub(12))];
    let cap = (raw_size as u64).min(limit) as usize;
    match &kind.to_le_bytes() {
        b"MELA" => return Ok(body[..body.len().min(cap)].to_vec()),
        b"LZFu" => {}
        _ => return Err("compressed RTF body: unknown compression".into()),
    }
    let mut dict = [0u8; 4096];
    dict[..RTF_PREBUF.len()].copy_from_slice(RTF_PREBUF);
    let mut write = RTF_PREBUF.len();
    let mut out = Vec::with_capacity(cap.min(1 << 20));
    let mut i = 0;
    'outer: while i < body.len() {
        let control = body[i];
        i += 1;
        for bit in 0..8 {
            if out.len() >= cap {
                break 'outer;
            }
            if control & (1 << bit) == 0 {
                let Some(&b) = body.get(i) else { break 'outer };
                i += 1;
                out.push(b);
                dict[write] = b;
                write = (write + 1) % 4096;
            } else {
                let (Some(&hi), Some(&lo)) = (body.get(i), body.get(i + 1)) else {
                    break 'outer;
                };
                i += 2;
                let reference = u16::from_be_bytes([hi, lo]) as usize;
                let offset = reference >> 4;
                let len = (reference & 0xf) + 2;
                if offset == write {
                    break 'outer;
                }
                for k in 0..len {
                    let b = dict[(offset + k) % 4096];
                    out.push(b);
                    dict[write] = b;
                    write = (write + 1) % 4096;
                }
            }
        }
    }
    out.truncate(cap);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::item::{extract, format_of, Format, Limits, Sink};

    #[derive(Default)]
    struct Collect {
        texts: Vec<(String, String)>,
        problems: Vec<(String, String, Problem, String)>,
    }

    impl Sink for Collect {
        fn text(&mut self, location: &str, text: &[u8]) {
            self.texts.push((
                location.to_string(),
                String::from_utf8_lossy(text).into_owned(),
            ));
        }
        fn problem(&mut self, location: &str, format: &str, problem: Problem, reason: &str) {
            self.problems
                .push((location.into(), format.into(), problem, reason.into()));
        }
    }

    impl Collect {
        fn at(&self, location: &str) -> String {
            self.texts
                .iter()
                .filter(|(l, _)| l == location)
                .map(|(_, t)| t.as_str())
                .collect()
        }
        fn all(&self) -> String {
            self.texts
                .iter()
                .map(|(_, t)| t.as_str())
                .collect::<Vec<_>>()
                .join("\n")
        }
    }

    fn run(name: &str, data: &[u8]) -> Collect {
        let mut sink = Collect::default();
        extract(name, data, &Limits::default(), &mut sink);
        sink
    }

    const MULTIPART: &[u8] = b"From: =?ISO-8859-1?Q?S=F6derberg?= <a@kommun.example>\r
To: b@region.example, \"Nils\" <c@region.example>\r
Subject: =?UTF-8?Q?Bes=C3=B6k_19121212-1212?=\r
Date: Wed, 04 Mar 2020 10:00:00 +0100\r
Message-ID: <1@kommun.example>\r
MIME-Version: 1.0\r
Content-Type: multipart/mixed; boundary=\"XX\"\r
\r
--XX\r
Content-Type: text/plain; charset=ISO-8859-1\r
Content-Transfer-Encoding: quoted-printable\r
\r
F=F6delsedatum och personnummer: 811218-9876 f=F6r Sm=E5land=\r
s l=E4n.\r
--XX\r
Content-Type: text/plain; name=\"lista.txt\"\r
Content-Disposition: attachment; filename=\"lista.txt\"\r
Content-Transfer-Encoding: base64\r
\r
Q1BSOiAwMTAxOTAtMTIzOA==\r
--XX--\r
";

    #[test]
    fn multipart_eml() {
        assert_eq!(format_of("mail.txt", MULTIPART), Format::Eml);
        let got = run("mail.txt", MULTIPART);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let headers = got.at("headers");
        assert!(
            headers.contains("From: Söderberg <a@kommun.example>"),
            "{headers}"
        );
        assert!(headers.contains("Nils <c@region.example>"), "{headers}");
        assert!(
            headers.contains("Subject: Besök 19121212-1212"),
            "{headers}"
        );
        assert!(!headers.contains("Message-ID"), "{headers}");
        let body = got.at("body");
        assert!(
            body.contains("Födelsedatum och personnummer: 811218-9876 för Smålands län."),
            "{body}"
        );
        assert_eq!(got.at("lista.txt"), "CPR: 010190-1238");
    }

    #[test]
    fn html_alternative_read_only_when_it_adds_a_number() {
        let mail = b"From: a@x.example\nTo: b@x.example\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nNummer 010190-1238\n--b\nContent-Type: text/html\n\n<p>Nummer <b>010190</b>-1238</p>\n--b--\n";
        let got = run("x", mail);
        assert_eq!(got.at("body"), "Nummer 010190-1238");
        assert_eq!(got.at("body 2"), "");
        let mail = b"From: a@x.example\nTo: b@x.example\nContent-Type: multipart/alternative; boundary=b\n\n--b\nContent-Type: text/plain\n\nSe HTML\n--b\nContent-Type: text/html\n\n<p>F&oslash;dselsnummer&nbsp;<b>010190</b>-1238</p><script>x=1</script>\n--b--\n";
        let got = run("x", mail);
        assert_eq!(got.at("body 2"), "\nFødselsnummer\u{a0}010190-1238\n");
    }

    #[test]
    fn html_only_body_and_nested_message() {
        let mail = b"From: a@x.example\nSubject: fwd\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html; charset=utf-8\n\n<html><head><style>td {}</style></head><body><table><tr><td>CPR</td><td>010190-1238</td></tr></table></body></html>\n--b\nContent-Type: message/rfc822\nContent-Disposition: attachment; filename=\"old.eml\"\n\nFrom: c@x.example\nSubject: inner 020202-2222\n\ninner body 030303-3333\n--b--\n";
        let got = run("x", mail);
        assert!(
            got.at("body").contains("CPR\t010190-1238"),
            "{:?}",
            got.texts
        );
        assert!(
            got.at("old.eml: headers").contains("inner 020202-2222"),
            "{:?}",
            got.texts
        );
        assert!(
            got.at("old.eml: body").contains("inner body 030303-3333"),
            "{:?}",
            got.texts
        );
    }

    #[test]
    fn mbox_messages_and_quoting() {
        let mbox = b"From alice@example.org Mon Jan  1 10:00:00 2024\nFrom: alice@example.org\nTo: bob@example.org\nSubject: first\n\nPersonnummer 811218-9876\n>From the start\n\nFrom bob@example.org Mon Jan  1 11:00:00 2024\nFrom: bob@example.org\nSubject: second\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\nQ1BSLW51bW1lcjogMDEwMTkwLTEyMzg=\n";
        assert_eq!(format_of("inbox", mbox), Format::Mbox);
        let got = run("inbox", mbox);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert!(got.at("message 1: headers").contains("Subject: first"));
        let first = got.at("message 1: body");
        assert!(
            first.contains("Personnummer 811218-9876\nFrom the start"),
            "{first}"
        );
        assert_eq!(got.at("message 2: body"), "CPR-nummer: 010190-1238");
        assert!(got.at("message 2: headers").contains("Subject: second"));
    }

    #[test]
    fn mbox_split_needs_a_separator_after_an_empty_line() {
        let data = b"From a@b Mon Jan  1 10:00:00 2024\nSubject: one\n\nline\nFrom a@b Mon Jan  1 10:00:00 2024\nstill one\n\nFrom x@y Tue Jan  2 10:00:00 2024\nSubject: two\n\nbody\n";
        let msgs: Vec<&[u8]> = mbox_messages(data).collect();
        assert_eq!(msgs.len(), 2);
        assert!(msgs[1].starts_with(b"Subject: two"));
    }

    #[test]
    fn recognition() {
        assert!(is_eml("a.eml", b"Subject: x\n\nbody"));
        assert!(!is_eml("a.txt", b"Subject: x\n\nbody"));
        assert!(is_eml("a", b"Received: from x\n  by y\nFrom: a\n\n"));
        assert!(!is_eml("a", b"Hello\nFrom: a\nTo: b\n"));
        assert!(!is_eml("a", b"Note: x\nTo do: y\nFrom: a\n"));
        assert!(!is_eml("a", b""));
        assert!(!is_mbox(b"From here on, we\nSubject: x"));
        assert!(is_mbox(
            b"From - Sat Jan 03 12:00:00 2020\r\nX-Mozilla: 1\r\n"
        ));
        assert_eq!(
            format_of("notes.txt", b"Dear all,\nFrom: me\n"),
            Format::Text
        );
        // A note mistaken for mail keeps its own `Label: value` lines.
        let note = b"To: alla\nFrom: HR\nPersonnummer: 811218-9876\n\nText 010190-1238";
        let got = run("note.txt", note);
        assert!(
            got.at("headers").contains("Personnummer: 811218-9876"),
            "{:?}",
            got.texts
        );
        assert_eq!(got.at("body"), "Text 010190-1238");
    }

    #[test]
    fn hostile_mail_does_not_panic() {
        let mut cases: Vec<Vec<u8>> = vec![
            b"From: a\nContent-Type: multipart/mixed; boundary=\n\n--\n--\n".to_vec(),
            b"From: a\nTo: b\nContent-Type: text/plain; charset=x-unknown\nContent-Transfer-Encoding: base64\n\n!!!!".to_vec(),
            b"From a b 1:1\n".to_vec(),
            b"From a b 1:1\nX: y".to_vec(),
        ];
        let mut deep = b"From: a\nTo: b\n".to_vec();
        for _ in 0..100_000 {
            deep.extend_from_slice(b"Content-Type: message/rfc822\n\nFrom: a\n");
        }
        cases.push(deep);
        let mut deep_mime = b"From: a\nTo: b\n".to_vec();
        for i in 0..2000 {
            deep_mime.extend_from_slice(
                format!("Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n").as_bytes(),
            );
        }
        cases.push(deep_mime);
        for case in &cases {
            run("x.eml", case);
            run("x.mbox", case);
        }
        let got = run("x.eml", &cases[4]);
        assert!(
            got.problems.iter().any(|p| p.2 == Problem::TooDeep),
            "{:?}",
            got.problems
        );
    }

    #[test]
    fn html_entities_and_comments() {
        assert_eq!(
            html_text("a&amp;b &#229;&#xE5; &bogus; <!-- 1 --> x<y"),
            "a&b åå &bogus;  x<y"
        );
        assert_eq!(html_text("<style>p{}</style>A<br>B"), "A\nB");
        assert_eq!(html_text("&"), "&");
        assert_eq!(html_text("<script>x 010190-1238"), "x 010190-1238");
    }

    #[test]
    fn rtf_decompression() {
        assert_eq!(RTF_PREBUF.len(), 207);
        // A stored ("MELA") body comes out as it is.
        let mut data = Vec::new();
        data.extend_from_slice(&(12u32 + 5).to_le_bytes());
        data.extend_from_slice(&5u32.to_le_bytes());
        data.extend_from_slice(b"MELA");
        data.extend_from_slice(&0u32.to_le_bytes());
        data.extend_from_slice(b"{\\rtf");
        assert_eq!(decompress_rtf(&data, 100).unwrap(), b"{\\rtf");
        // LZFu: two literals, then a reference to the dictionary's `{\rtf1` (offset 0, 6 bytes),
        // then the end marker (a reference to the write position).
        let mut body = vec![0b0000_1100, b'a', b'b'];
        body.extend_from_slice(&4u16.to_be_bytes());
        body.extend_from_slice(&((207u16 + 8) << 4).to_be_bytes());
        let mut data = Vec::new();
        data.extend_from_slice(&(12 + body.len() as u32).to_le_bytes());
        data.extend_from_slice(&8u32.to_le_bytes());
        data.extend_from_slice(b"LZFu");
        data.extend_from_slice(&0u32.to_le_bytes());
        data.extend_from_slice(&body);
        assert_eq!(decompress_rtf(&data, 100).unwrap(), b"ab{\\rtf1");
        assert!(decompress_rtf(b"xx", 100).is_err());
        // The example of MS-OXRTFCP section 4.1.
        let spec = b"\x2d\x00\x00\x00\x2b\x00\x00\x00\x4c\x5a\x46\x75\xf1\xc5\xc7\xa7\x03\x00\x0a\x00\x72\x63\x70\x67\x31\x32\x35\x42\x32\x0a\xf3\x20\x68\x65\x6c\x09\x00\x20\x62\x77\x05\xb0\x6c\x64\x7d\x0a\x80\x0f\xa0";
        assert_eq!(
            String::from_utf8_lossy(&decompress_rtf(spec, 1000).unwrap()),
            "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n"
        );
    }

    fn build_msg(with_attachment: bool) -> Vec<u8> {
        use std::io::Write;
        let mut cf = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
        let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(u16::to_le_bytes).collect() };
        let put = |cf: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str, data: &[u8]| {
            cf.create_stream(path).unwrap().write_all(data).unwrap();
        };
        put(&mut cf, "/__properties_version1.0", &[0; 32]);
        cf.create_storage("/__nameid_version1.0").unwrap();
        put(
            &mut cf,
            "/__substg1.0_0037001F",
            &utf16("Besök 811218-9876"),
        );
        put(&mut cf, "/__substg1.0_0C1A001F", &utf16("Anna Sjöberg"));
        put(&mut cf, "/__substg1.0_0C1F001E", b"anna@kommun.example");
        put(&mut cf, "/__substg1.0_0E04001F", &utf16("Bo Ek"));
        put(
            &mut cf,
            "/__substg1.0_1000001F",
            &utf16("Personnummer: 010190-1238\0"),
        );
        cf.create_storage("/__recip_version1.0_#00000000").unwrap();
        put(
            &mut cf,
            "/__recip_version1.0_#00000000/__substg1.0_3001001F",
            &utf16("Bo Ek"),
        );
        put(
            &mut cf,
            "/__recip_version1.0_#00000000/__substg1.0_39FE001F",
            &utf16("bo@region.example"),
        );
        if with_attachment {
            let a = "/__attach_version1.0_#00000000";
            cf.create_storage(a).unwrap();
            put(&mut cf, &format!("{a}/__properties_version1.0"), &[0; 8]);
            put(
                &mut cf,
                &format!("{a}/__substg1.0_3707001F"),
                &utf16("lista.csv"),
            );
            put(
                &mut cf,
                &format!("{a}/__substg1.0_37010102"),
                b"namn;cpr\nBo;020202-2222\n",
            );
            let b = "/__attach_version1.0_#00000001";
            cf.create_storage(b).unwrap();
            let inner = format!("{b}/__substg1.0_3701000D");
            cf.create_storage(&inner).unwrap();
            put(
                &mut cf,
                &format!("{inner}/__properties_version1.0"),
                &[0; 24],
            );
            put(
                &mut cf,
                &format!("{inner}/__substg1.0_0037001E"),
                b"inner subject",
            );
            put(
                &mut cf,
                &format!("{inner}/__substg1.0_10130102"),
                b"<meta charset=\"iso-8859-1\"><p>F\xf6dd 030303-3333</p>",
            );
            put(
                &mut cf,
                &format!("{b}/__substg1.0_3001001F"),
                &utf16("Forwarded"),
            );
            let c = "/__attach_version1.0_#00000002";
            cf.create_storage(c).unwrap();
            let ole = format!("{c}/__substg1.0_3701000D");
            cf.create_storage(&ole).unwrap();
            cf.create_storage(format!("{ole}/ObjectPool")).unwrap();
            put(
                &mut cf,
                &format!("{ole}/ObjectPool/Contents"),
                b"CPR 040404-4444",
            );
            put(
                &mut cf,
                &format!("{c}/__substg1.0_3707001F"),
                &utf16("embedded.doc"),
            );
        }
        cf.flush().unwrap();
        cf.into_inner().into_inner()
    }

    #[test]
    fn outlook_msg() {
        let data = build_msg(true);
        assert!(is_msg(&data));
        assert_eq!(format_of("x", &data), Format::Msg);
        let got = run("x", &data);
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let headers = got.at("headers");
        assert!(headers.contains("Subject: Besök 811218-9876"), "{headers}");
        assert!(
            headers.contains("From: Anna Sjöberg <anna@kommun.example>"),
            "{headers}"
        );
        assert!(
            headers.contains("Recipient: Bo Ek <bo@region.example>"),
            "{headers}"
        );
        assert_eq!(got.at("body"), "Personnummer: 010190-1238");
        assert_eq!(got.at("lista.csv"), "namn;cpr\nBo;020202-2222\n");
        assert_eq!(got.at("Forwarded: headers"), "Subject: inner subject\n");
        assert_eq!(got.at("Forwarded: body"), "\nFödd 030303-3333\n");
        // The embedded OLE object becomes a compound file of its own.
        let ole = storage_file(
            &mut cfb::CompoundFile::open(Cursor::new(&data[..])).unwrap(),
            "/__attach_version1.0_#00000002/__substg1.0_3701000D",
            1 << 20,
        )
        .unwrap();
        let mut ole = cfb::CompoundFile::open(Cursor::new(ole)).unwrap();
        let mut contents = String::new();
        ole.open_stream("/ObjectPool/Contents")
            .unwrap()
            .read_to_string(&mut contents)
            .unwrap();
        assert_eq!(contents, "CPR 040404-4444");
    }

    #[test]
    fn damaged_msg_is_reported() {
        let data = build_msg(false);
        let cut = &data[..data.len() / 2];
        let got = run("x.msg", cut);
        let _ = got; // whatever the format decided, no panic
        let mut not_msg = data.clone();
        // A compound file without the properties stream is not a message.
        let needle: Vec<u8> = "__properties_version1.0"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let at = memchr::memmem::find(&not_msg, &needle).unwrap();
        not_msg[at] = b'X';
        assert!(!is_msg(&not_msg));
    }

    /// Letters and digits only, upper case.
    fn canon(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }

    #[test]
    fn corpus_mail() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
        let root = std::path::Path::new(root);
        let Ok(truth) = std::fs::read_to_string(root.join("truth.json")) else {
            println!("SKIPPED: no corpus at {}", root.display());
            return;
        };
        let mut checked = 0;
        let mut missing = Vec::new();
        for (path, format, ids) in truth_entries(&truth) {
            if !(path.ends_with(".eml") || path.ends_with(".mbox")) {
                continue;
            }
            let data = std::fs::read(root.join("files").join(&path)).unwrap();
            let got = run(&path, &data);
            let expect_format = if path.ends_with(".mbox") {
                Format::Mbox
            } else {
                Format::Eml
            };
            assert_eq!(format_of(&path, &data), expect_format, "{path}");
            let corrupt: Vec<_> = got
                .problems
                .iter()
                .filter(|p| p.2 == Problem::Corrupt && (p.1 == "eml" || p.1 == "mbox"))
                .collect();
            assert!(corrupt.is_empty(), "{path}: {corrupt:?}");
            if format != "eml" && format != "mbox" {
                continue;
            }
            let text = canon(&got.all());
            for id in ids {
                let id = canon(&id);
                let tail = &id[id.len().saturating_sub(10)..];
                if !text.contains(&id) && !text.contains(tail) {
                    missing.push(format!("{path}: {id}"));
                }
            }
            checked += 1;
        }
        assert!(checked > 20, "only {checked} mail files checked");
        assert!(missing.is_empty(), "not extracted: {missing:?}");
    }

    /// `(path, format, ids)` for each file in `truth.json`.
    fn truth_entries(json: &str) -> Vec<(String, String, Vec<String>)> {
        let truth: serde_json::Value = serde_json::from_str(json).unwrap();
        let files = truth["files"].as_object().unwrap();
        files
            .iter()
            .map(|(path, label)| {
                let format = label["format"].as_str().unwrap_or_default().to_string();
                let ids = label["ids"]
                    .as_array()
                    .map(|ids| {
                        ids.iter()
                            .filter_map(|pair| pair[1].as_str().map(str::to_string))
                            .collect()
                    })
                    .unwrap_or_default();
                (path.clone(), format, ids)
            })
            .collect()
    }

    #[test]
    fn osdatascanner_mail_and_msg() {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/external/osdatascanner/files"
        );
        let mut seen = 0;
        for dir in ["mail", "msg"] {
            let Ok(entries) = std::fs::read_dir(std::path::Path::new(root).join(dir)) else {
                println!("SKIPPED: no {dir} files at {root}");
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                let data = std::fs::read(&path).unwrap();
                let name = path.to_string_lossy().into_owned();
                let got = run(&name, &data);
                seen += 1;
                println!("{name}: {:?}", format_of(&name, &data));
                for (at, text) in &got.texts {
                    println!(
                        "  text at {at:?}: {:?}",
                        text.chars().take(300).collect::<String>()
                    );
                }
                for p in &got.problems {
                    println!("  problem {p:?}");
                }
                let text = canon(&got.all());
                if name.ends_with(".msg") {
                    // The scanner sniffs binary files from their first 8 KiB.
                    let head = &data[..data.len().min(8192)];
                    assert_eq!(format_of(&name, head), Format::Msg, "{name}");
                    assert_eq!(format_of("x", &data), Format::Msg, "{name}");
                }
                if name.ends_with("cpr-in-body.msg") {
                    assert!(text.contains("0601562448"), "{name}");
                }
                if name.ends_with("non-utf8-html-body.msg")
                    || name.ends_with("subject_and_image.eml")
                {
                    assert!(text.contains("1111111118"), "{name}");
                }
            }
        }
        println!("{seen} files read");
    }
}
