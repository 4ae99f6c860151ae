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
(cd "$top" && cargo build --release -q -p datavakt-extract --example extract_files)
bin=$top/target/release/examples/extract_files

mapfile -d '' files < <(find "$dir" -type f -iname '*.pdf' -print0 | sort -z)
[ ${#files[@]} -gt 0 ] || { echo "no PDFs under $dir" >&2; exit 2; }
bytes=$(cat "${files[@]}" | wc -c)
cat "${files[@]}" > /dev/null # warm the page cache


poppler_times=() ours_times=()
for _ in $(seq "$runs"); do
  t0=$(now)
  for f in "${files[@]}"; do pdftotext -q -layout "$f" - > /dev/null || true; done
  t1=$(now)
  "$bin" "${files[@]}" > /tmp/datavakt-bench-pdf.out
  t2=$(now)
  poppler_times+=("$(python3 -c "print($t1 - $t0)")")
  ours_times+=("$(python3 -c "print($t2 - $t1)")")
done
poppler_text=0
for f in "${files[@]}"; do
  n=$(pdftotext -q -layout "$f" - 2>/dev/null | wc -c || true)
  poppler_text=$((poppler_text + n))
done
python3 - "$bytes" "${#files[@]}" "$(best "${poppler_times[@]}")" "$(best "${ours_times[@]}")" \
  "$poppler_text" "$(cat /tmp/datavakt-bench-pdf.out)" <<'PY'
import sys
mb, n = int(sys.argv[1]) / 1e6, int(sys.argv[2])
pop, ours = float(sys.argv[3]), float(sys.argv[4])
pop_text = int(sys.argv[5])
fields = sys.argv[6].split()
stats = dict(zip(fields[0::2], fields[1::2]))
print(f"{n} PDFs, {mb:.2f} MB")
print(f"pdftotext -layout: {pop:7.3f} s  {mb/pop:7.2f} MB/s  ({pop_text} bytes of text)")
print(f"datavakt (pdf_oxide): {ours:7.3f} s  {mb/ours:7.2f} MB/s  ({stats['text']} bytes of text, "
      f"{stats['problems']} problems; {float(stats['seconds']):.3f} s inside extract in the last run)")
print(f"ratio datavakt/pdftotext throughput: {pop/ours:.2f} (above 1: faster)")
PY
