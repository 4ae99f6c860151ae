#!/usr/bin/env bash
# PDF text extraction throughput: Datavakt's extractor (pdf_oxide, through
# `datavakt_extract::extract`, OCR off) against poppler's `pdftotext -layout`, on the same
# PDFs in the same run, from the page cache.
#
# usage: bench/pdf.sh [--runs N] [DIR]   (defaults: 3 runs, ../shared/corpus/files)
#
# pdftotext runs once per file, as a scanner that shells out to it would; Datavakt's example
# binary `extract_files` reads all files in one process. Both are timed on the wall clock,
# best of N runs. Prints MB/s (PDF bytes in) for both and the ratio. Installs poppler-utils
# from Debian if missing.
set -euo pipefail
help_lines=2,11
source "$(dirname "$0")/extract-common.sh"
command -v pdftotext >/dev/null || install poppler-utils
mapfile -d '' files < <(find "$dir" -type f -iname '*.pdf' -print0 | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "no PDFs under $dir" >&2; exit 2; }

poppler() { for f in "${files[@]}"; do pdftotext -q -layout "$f" - > /dev/null || true; done; }
race poppler
poppler_text=0
for f in "${files[@]}"; do
  n=$(pdftotext -q -layout "$f" - 2>/dev/null | wc -c || true)
  poppler_text=$((poppler_text + n))
done
report "${#files[@]} PDFs" "pdftotext -layout" "$poppler_text"
