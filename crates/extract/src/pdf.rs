//! PDF: the text layer of every page (location `page N`, 1-based) and the files attached to
//! the document, read with `pdf_oxide` (pure Rust).
//!
//! Why `pdf_oxide`: on the corpus's 54 text PDFs it, `pdf-extract` and `pdftotext` all yield
//! every identity number, but on 1000 damaged variants of real PDFs (truncated, bytes changed,
//! offsets shifted) `pdf_oxide` still read 79 % of them and panicked on 0.2 %, where
//! `pdf-extract` read 14 % and panicked on 4 % (it gives up whenever the cross-reference offsets
//! are off, which damaged files in real shares often are). `lopdf`'s own text extraction glues
//! table cells together (`548999121002025999`), which hides numbers from the detectors.
//!
//! Layout: the library's positioned text spans are laid out here in visual lines, top to
//! bottom and left to right, the way `pdftotext -layout` does: every line of the page stays a
//! line, and a table's row is one line with a tab between cells that a column gap separates,
//! so a number stays beside its label and the header row reads as one. (The library's own
//! `extract_text` emits some tables column by column, separating numbers from their rows, and
//! `to_plain_text` joins the lines of a paragraph, which merges a table without rules into one
//! line.)
//!
//! Containment: every call into the library runs under `catch_unwind`, so a panic becomes an
//! error for the item with a fixed message (a panic's own message may quote the document). A
//! stack overflow on deeply nested objects cannot be caught: the caller runs extraction in a
//! child process on a thread with a large stack (`datavakt __extract-worker`). Documents larger
//! than the item's budget are not opened; `pdf_oxide` itself refuses to inflate any stream
//! beyond 256 MiB.
//!
//! Error messages name the kind of damage only, never bytes of the document.

use std::panic::{catch_unwind, AssertUnwindSafe};

use pdf_oxide::layout::TextSpan;
use pdf_oxide::{Error, PdfDocument};

use crate::item::{Cx, Problem};

const FORMAT: &str = "pdf";

/// Extracts a PDF: each page's text as `page N`, attachments as members.
pub(crate) fn pdf(data: &[u8], cx: &mut Cx) -> Result<(), String> {
    let size = data.len() as u64;
    if size > cx.budget() {
        let reason = format!(
            "{size} bytes, more than the {} bytes this item may use; not opened",
            cx.budget()
        );
        cx.problem("", FORMAT, Problem::TooLarge, &reason);
        return Ok(());
    }
    let encrypted = |cx: &mut Cx| {
        let reason = "the document is encrypted with a password; its text cannot be read";
        cx.problem("", FORMAT, Problem::Encrypted, reason);
        Ok(())
    };
    let doc = match guarded(|| PdfDocument::from_bytes(data.to_vec()))? {
        Ok(doc) => doc,
        Err(Error::EncryptedPdf) => return encrypted(cx),
        Err(e) => return Err(describe(e)),
    };
    // An encrypted document opens when its user password is empty (only the owner's
    // permissions are protected); otherwise nothing in it can be read.
    if guarded(|| doc.is_encrypted() && !doc.is_authenticated())? {
        return encrypted(cx);
    }
    // The library rebuilds a damaged cross-reference table and reads what is left, silently:
    // a file cut short still yields the pages before the cut. Read them, and report the cut.
    if truncated(data) {
        let reason = "truncated: the end of the file is missing; read what is left";
        cx.problem("", FORMAT, Problem::Corrupt, reason);
    }
    let pages = guarded(|| doc.page_count())?.map_err(describe)?;
    let mut without_text = Vec::new();
    for index in 0..pages {
        let n = index + 1;
        match guarded(|| doc.extract_spans(index).map(|spans| lay_out(&spans)))? {
            Ok(text) if text.trim().is_empty() => without_text.push(n),
            Ok(text) => cx.text(&format!("page {n}"), text.as_bytes()),
            Err(e) => cx.problem(&format!("page {n}"), FORMAT, Problem::Corrupt, &describe(e)),
        }
    }
    scanned_pages(data, &without_text, cx);
    // Attachments (the `/EmbeddedFiles` name tree) are extracted like files of their own.
    match guarded(|| doc.extract_embedded_files())? {
        Ok(files) => {
            for (name, bytes) in files {
                cx.member(&name, &bytes, None);
            }
        }
        Err(e) => cx.problem("", FORMAT, Problem::Corrupt, &describe(e)),
    }
    Ok(())
}

/// Pages without any text (scans, photographed paper) are rendered and read with OCR when
/// it is on; `pages` are 1-based.
fn scanned_pages(data: &[u8], pages: &[usize], cx: &mut Cx) {
    if pages.is_empty() || cx.limits().ocr_languages.is_none() {
        return;
    }
    if !crate::ocr::pdf_renderer_available() {
        let reason = format!(
            "{} pages without text not read: install poppler-utils (pdftoppm) for OCR of \
             scanned pages, or turn OCR off with --no-ocr",
            pages.len()
        );
        cx.problem("", FORMAT, Problem::Skipped, &reason);
        return;
    }
    for &n in pages {
        let page = format!("page {n}");
        match cx.ocr(&page, |languages| {
            crate::ocr::pdf_page_text(data, n, languages)
        }) {
            Some(Ok(text)) => cx.text(&page, text.as_bytes()),
            Some(Err(reason)) => cx.problem(&page, FORMAT, Problem::Corrupt, &reason),
            // OCR is off, or not installed (reported once by `ocr`).
            None => return,
        }
    }
}

/// The text of a page from its spans: one line per visual line (spans whose baselines lie
/// within half a line's height), lines from the top, spans from the left; a gap wider than
/// one and a half times the font size (a column gap) becomes a tab, a smaller visible gap a
/// space, and touching spans (a word drawn in pieces) are joined.
fn lay_out(spans: &[TextSpan]) -> String {
    let size = |s: &TextSpan| s.bbox.height.max(s.font_size).max(1.0);
    let mut spans: Vec<&TextSpan> = spans.iter().filter(|s| !s.text.trim().is_empty()).collect();
    // PDF coordinates grow upwards: the top line has the largest y.
    spans.sort_by(|a, b| b.bbox.y.total_cmp(&a.bbox.y));
    let mut lines: Vec<Vec<&TextSpan>> = Vec::new();
    for s in spans {
        match lines.last_mut() {
            Some(line) if (line[0].bbox.y - s.bbox.y).abs() < 0.5 * size(line[0]).min(size(s)) => {
                line.push(s)
            }
            _ => lines.push(vec![s]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.bbox.x.total_cmp(&b.bbox.x));
        let mut end: Option<f32> = None;
        for s in line {
            if let Some(end) = end {
                let gap = s.bbox.x - end;
                if gap > 1.5 * size(s) {
                    out.push('\t');
                } else if gap > 0.15 * size(s)
                    && !out.ends_with(char::is_whitespace)
                    && !s.text.starts_with(char::is_whitespace)
                {
                    out.push(' ');
                }
            }
            out.push_str(&s.text);
            let right = s.bbox.x + s.bbox.width;
            end = Some(end.map_or(right, |e| e.max(right)));
        }
        out.push('\n');
    }
    out
}

/// Whether the file lacks the `%%EOF` marker that ends every complete PDF (readers accept it
/// anywhere in the last KiB, followed by padding).
fn truncated(data: &[u8]) -> bool {
    let tail = &data[data.len().saturating_sub(1024)..];
    !tail.windows(5).any(|w| w == b"%%EOF")
}

/// Runs one library call, turning a panic into an error with a fixed message.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f))
        .map_err(|_| "PDF parser failed: it panicked on this document".to_string())
}

/// What is wrong with a document, in words that quote nothing from it.
fn describe(e: Error) -> String {
    let what = match e {
        Error::InvalidHeader(_) => "not a PDF: the header is missing or damaged",
        Error::UnsupportedVersion(_) => "unsupported PDF version",
        Error::ParseError { .. } | Error::ParseWarning { .. } => {
            "damaged: an object cannot be parsed"
        }
        Error::InvalidXref => "damaged: invalid cross-reference table",
        Error::ObjectNotFound(..) => "damaged: a referenced object is missing",
        Error::InvalidObjectType { .. } => "damaged: an object has the wrong type",
        Error::UnexpectedEof => "truncated: the file ends too early",
        Error::Io(_) => "damaged: cannot be read",
        Error::Utf8Error(_) | Error::Encode(_) => "damaged: invalid text encoding",
        Error::Unsupported(_) | Error::UnsupportedFilter(_) => {
            "uses a feature that is not supported"
        }
        Error::Decode(_) => "damaged: a stream cannot be decoded",
        Error::Font(_) => "damaged: a font cannot be read",
        Error::CircularReference(_) => "damaged: objects refer to each other in a circle",
        Error::RecursionLimitExceeded(_) => "objects nested too deeply",
        Error::EncryptedPdf => "encrypted with a password",
        _ => "damaged: the document cannot be read",
    };
    what.to_string()
}

#[cfg(test)]
mod tests {
    use crate::{extract, Limits, Problem, Sink};

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
            self.problems.push((
                location.to_string(),
                format.to_string(),
                problem,
                reason.to_string(),
            ));
        }
    }

    fn limits() -> Limits {
        Limits {
            ocr_languages: None,
            ..Limits::default()
        }
    }

    fn run(name: &str, data: &[u8], limits: &Limits) -> Collect {
        let mut sink = Collect::default();
        extract(name, data, limits, &mut sink);
        sink
    }

    /// A PDF from the bodies of objects 1, 2, ... with a correct cross-reference table.
    /// `trailer` goes into the trailer dictionary beside `/Size` and `/Root 1 0 R`.
    fn build(objects: &[Vec<u8>], trailer: &str) -> Vec<u8> {
        let mut out = b"%PDF-1.4\n".to_vec();
        let mut offsets = Vec::new();
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(
            format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
        );
        for o in offsets {
            out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!(
                "trailer\n<< /Size {} /Root 1 0 R {trailer} >>\nstartxref\n{xref}\n%%EOF\n",
                objects.len() + 1
            )
            .as_bytes(),
        );
        out
    }

    fn stream(content: &str) -> Vec<u8> {
        format!(
            "<< /Length {} >>\nstream\n{content}\nendstream",
            content.len()
        )
        .into_bytes()
    }

    /// Catalog, pages, a font and one page per content stream (a page without a stream has no
    /// text at all, like a scan). Object numbers: 1 catalog, 2 pages, 3 font, then page and
    /// content pairs. `extra` goes into the catalog.
    fn document(pages: &[Option<&str>], extra: &str, more: &[Vec<u8>]) -> Vec<u8> {
        let first = 4;
        let kids: Vec<String> = (0..pages.len())
            .map(|i| format!("{} 0 R", first + 2 * i))
            .collect();
        let mut objects = vec![
            format!("<< /Type /Catalog /Pages 2 0 R {extra} >>").into_bytes(),
            format!(
                "<< /Type /Pages /Kids [{}] /Count {} >>",
                kids.join(" "),
                pages.len()
            )
            .into_bytes(),
            b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"
                .to_vec(),
        ];
        for (i, content) in pages.iter().enumerate() {
            let contents = first + 2 * i + 1;
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] \
                     /Resources << /Font << /F1 3 0 R >> >> /Contents {contents} 0 R >>"
                )
                .into_bytes(),
            );
            objects.push(stream(content.unwrap_or("")));
        }
        objects.extend_from_slice(more);
        build(&objects, "")
    }

    /// A page showing `lines`, one under the other.
    fn lines(lines: &[&str]) -> String {
        let mut s = String::from("BT /F1 12 Tf 72 770 Td 14 TL\n");
        for l in lines {
            s.push_str(&format!("({l}) Tj T*\n"));
        }
        s.push_str("ET");
        s
    }

    #[test]
    fn reads_each_page_with_its_number() {
        let one = lines(&["Navn: Hans Hansen", "CPR-nr.: 010190-1238"]);
        let two = lines(&["Personnummer 19811218-9876"]);
        let pdf = document(&[Some(&one), Some(&two)], "", &[]);
        let got = run("x.pdf", &pdf, &limits());
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let locations: Vec<&str> = got.texts.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(locations, ["page 1", "page 2"]);
        let page1 = &got.texts[0].1;
        assert!(page1.contains("CPR-nr.: 010190-1238"), "{page1}");
        // The label's line and the name's line stay apart, in order.
        let name = page1.find("Hans Hansen").unwrap();
        let cpr = page1.find("010190-1238").unwrap();
        assert!(name < cpr && page1[name..cpr].contains('\n'), "{page1}");
        assert!(got.texts[1].1.contains("19811218-9876"));
    }

    #[test]
    fn keeps_a_table_row_on_one_line() {
        let row = "BT /F1 10 Tf 72 700 Td (CPR-nr) Tj 120 0 Td (Navn) Tj ET\n\
                   BT /F1 10 Tf 72 686 Td (010190-1238) Tj 120 0 Td (Hans Hansen) Tj ET";
        let pdf = document(&[Some(row)], "", &[]);
        let got = run("x.pdf", &pdf, &limits());
        let text = &got.texts[0].1;
        let line = text.lines().find(|l| l.contains("010190-1238")).unwrap();
        assert!(line.contains("Hans Hansen"), "{text}");
        let header = text.lines().find(|l| l.contains("CPR-nr")).unwrap();
        assert!(header.contains("Navn"), "{text}");
        assert_eq!(text, "CPR-nr\tNavn\n010190-1238\tHans Hansen\n");
    }

    #[test]
    fn skips_pages_without_text_quietly() {
        let one = lines(&["Side med tekst"]);
        let pdf = document(&[None, Some(&one)], "", &[]);
        let got = run("x.pdf", &pdf, &limits());
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        assert_eq!(got.texts.len(), 1);
        assert_eq!(got.texts[0].0, "page 2");
    }

    #[test]
    fn attachments_are_members() {
        let attached = "Navn: Hans\nCPR-nr.: 010190-1238\n";
        let page = lines(&["Se vedhæftet fil"]);
        // Objects after the page pairs: 6 file specification, 7 embedded file.
        let spec =
            b"<< /Type /Filespec /F (bilag.txt) /UF (bilag.txt) /EF << /F 7 0 R >> >>".to_vec();
        let file = format!(
            "<< /Type /EmbeddedFile /Length {} >>\nstream\n{attached}\nendstream",
            attached.len()
        )
        .into_bytes();
        let names = "/Names << /EmbeddedFiles << /Names [(bilag.txt) 6 0 R] >> >>";
        let pdf = document(&[Some(&page)], names, &[spec, file]);
        let got = run("brev.pdf", &pdf, &limits());
        assert!(got.problems.is_empty(), "{:?}", got.problems);
        let (loc, text) = got
            .texts
            .iter()
            .find(|(_, t)| t.contains("010190-1238"))
            .expect("the attachment's text");
        assert_eq!(loc, "bilag.txt");
        assert!(text.contains("CPR-nr."));
    }

    #[test]
    fn a_password_is_reported_as_encrypted() {
        // Standard security handler, revision 2: the empty user password does not match /U,
        // so the document cannot be opened.
        let page = lines(&["hemmelig"]);
        let mut pdf = document(&[Some(&page)], "", &[]);
        let hex = |b: u8| format!("<{}>", format!("{b:02X}").repeat(32));
        let encrypt = format!(
            "/Encrypt << /Filter /Standard /V 1 /R 2 /O {} /U {} /P -4 >> /ID [<00112233445566778899AABBCCDDEEFF> <00112233445566778899AABBCCDDEEFF>]",
            hex(0x41),
            hex(0x42)
        );
        let at = pdf.windows(7).rposition(|w| w == b"/Root 1").unwrap();
        pdf.splice(at..at, format!("{encrypt} ").into_bytes());
        let got = run("x.pdf", &pdf, &limits());
        assert!(got.texts.is_empty(), "{:?}", got.texts);
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        assert_eq!(got.problems[0].1, "pdf");
        assert_eq!(got.problems[0].2, Problem::Encrypted);
    }

    #[test]
    fn damaged_documents_are_errors() {
        let page = lines(&["CPR-nr.: 010190-1238"]);
        let pdf = document(&[Some(&page)], "", &[]);
        for cut in [9, 40, pdf.len() / 2, pdf.len() - 8] {
            let got = run("x.pdf", &pdf[..cut], &limits());
            // Whatever could be read was read; the damage is reported, never a panic.
            assert!(!got.problems.is_empty(), "cut at {cut}");
            for (location, format, problem, _) in &got.problems {
                assert_eq!((location.as_str(), format.as_str()), ("", "pdf"));
                assert_eq!(*problem, Problem::Corrupt, "cut at {cut}");
            }
        }
        // Cut after the last page's text: the text is still read.
        let got = run("x.pdf", &pdf[..pdf.len() - 8], &limits());
        assert!(got.texts.iter().any(|(_, t)| t.contains("010190-1238")));
        let got = run("x.pdf", b"%PDF-1.7\n%garbage", &limits());
        assert_eq!(got.problems.len(), 1);
        assert_eq!(got.problems[0].2, Problem::Corrupt);
        // Reasons name the damage, never the document's bytes.
        assert!(!got.problems[0].3.contains("garbage"));
    }

    #[test]
    fn refuses_documents_over_the_budget() {
        let page = lines(&["CPR-nr.: 010190-1238"]);
        let pdf = document(&[Some(&page)], "", &[]);
        let small = Limits {
            max_item_bytes: 100,
            ..limits()
        };
        let got = run("x.pdf", &pdf, &small);
        assert!(got.texts.is_empty());
        assert_eq!(got.problems[0].2, Problem::TooLarge);
    }

    #[test]
    fn panics_become_errors_with_a_fixed_message() {
        let err = super::guarded(|| -> u32 { panic!("010190-1238") }).unwrap_err();
        assert_eq!(err, "PDF parser failed: it panicked on this document");
    }

    /// Found by `cargo fuzz run pdf`: an object header with a byte that is not UTF-8 right
    /// before `obj` makes pdf_oxide 0.3.78 slice a string inside a character and panic (its
    /// message quotes the header); here the header of the page's content stream. The panic is
    /// caught and the item reported as damaged.
    #[test]
    fn a_panic_in_the_parser_is_a_damaged_item() {
        let page = lines(&["CPR-nr.: 010190-1238"]);
        let mut pdf = document(&[Some(&page)], "", &[]);
        let at = pdf.windows(7).position(|w| w == b"5 0 obj").unwrap();
        pdf[at..at + 7].copy_from_slice(b"m\xff5 obj");
        let got = run("x.pdf", &pdf, &limits());
        assert!(got.texts.is_empty(), "{:?}", got.texts);
        assert_eq!(got.problems.len(), 1, "{:?}", got.problems);
        let (location, format, problem, reason) = &got.problems[0];
        assert_eq!((location.as_str(), format.as_str()), ("", "pdf"));
        assert_eq!(*problem, Problem::Corrupt);
        assert_eq!(reason, "PDF parser failed: it panicked on this document");
    }

    fn letters_and_digits(s: &str) -> String {
        s.chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_uppercase())
            .collect()
    }

    /// Every identity number of the corpus's text PDFs is in their text.
    #[test]
    fn corpus_pdfs() {
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/corpus");
        let Ok(truth) = std::fs::read_to_string(format!("{root}/truth.json")) else {
            eprintln!("SKIPPED: ../shared/corpus is not beside the checkout");
            return;
        };
        if !std::path::Path::new(root).join("files").is_dir() {
            eprintln!("SKIPPED: ../shared/corpus/files is missing");
            return;
        }
        let truth: serde_json::Value = serde_json::from_str(&truth).unwrap();
        let (mut files, mut ids, mut missed) = (0, 0, Vec::new());
        for (path, label) in truth["files"].as_object().unwrap() {
            if label["format"] != "pdf" {
                continue;
            }
            let data = std::fs::read(format!("{root}/files/{path}")).unwrap();
            let got = run(path, &data, &limits());
            assert!(got.problems.is_empty(), "{path}: {:?}", got.problems);
            assert!(got.texts.iter().all(|(l, _)| l.starts_with("page ")));
            let text: String = got
                .texts
                .iter()
                .map(|(_, t)| letters_and_digits(t))
                .collect();
            files += 1;
            for id in label["ids"].as_array().unwrap() {
                ids += 1;
                let id = letters_and_digits(id[1].as_str().unwrap());
                if !text.contains(&id) {
                    missed.push(format!("{path}: {}…", &id[..4]));
                }
            }
        }
        assert!(files >= 50, "only {files} PDFs in the corpus");
        assert!(
            missed.is_empty(),
            "{} of {ids} missed: {missed:?}",
            missed.len()
        );
    }

    /// OSdatascanner's PDFs: no panic, damaged ones are errors, real ones give text.
    #[test]
    fn osdatascanner_pdfs() {
        let dir = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/external/osdatascanner/files/pdf"
        );
        let dir = std::path::Path::new(dir);
        if !dir.is_dir() {
            eprintln!("SKIPPED: ../shared/external is not beside the checkout");
            return;
        }
        let mut paths = vec![];
        for sub in [dir.to_path_buf(), dir.join("corrupted")] {
            for entry in std::fs::read_dir(sub).unwrap() {
                let path = entry.unwrap().path();
                let name = path.to_string_lossy().to_lowercase();
                if name.ends_with(".pdf") {
                    paths.push(path);
                }
            }
        }
        paths.sort();
        assert!(paths.len() >= 9, "{paths:?}");
        for path in &paths {
            let data = std::fs::read(path).unwrap();
            let name = path.file_name().unwrap().to_string_lossy();
            let got = run(&name, &data, &limits());
            if path.parent().unwrap().ends_with("corrupted") {
                assert!(got.texts.is_empty(), "{name}");
                assert_eq!(got.problems.len(), 1, "{name}: {:?}", got.problems);
                assert_eq!(got.problems[0].1, "pdf");
                assert_eq!(got.problems[0].2, Problem::Corrupt, "{name}");
                continue;
            }
            assert!(got.problems.is_empty(), "{name}: {:?}", got.problems);
            let text: String = got.texts.iter().map(|(_, t)| t.as_str()).collect();
            match name.as_ref() {
                "p-numre.pdf" => {
                    assert!(got.texts.len() >= 10, "{} pages", got.texts.len());
                    assert!(text.contains("Miljøstyrelsen"));
                    assert!(text.contains("P-nummer"));
                }
                "somepdf.pdf" => {
                    let text = letters_and_digits(&text);
                    for cpr in ["0101010201", "0101603042", "1408924940", "2305924132"] {
                        assert!(text.contains(cpr), "{name}: {}…", &cpr[..4]);
                    }
                }
                _ => {}
            }
        }
    }
}
