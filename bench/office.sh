#!/usr/bin/env bash
# Office document text extraction throughput: Datavakt's extractors (through
# `datavakt_extract::extract`, OCR off) against LibreOffice's headless text conversion, on the
# same files in the same run, from the page cache.
#
# usage: bench/office.sh [--runs N] [DIR]   (defaults: 3 runs, ../shared/corpus/files)
#
# Word-processor files (DOCX, ODT, DOC, RTF) go to `soffice --convert-to txt`, spreadsheets
# (XLSX, ODS, XLS) to `--convert-to csv` (first sheet only: LibreOffice's CSV filter writes
# one sheet, so it does less work than Datavakt, which reads every sheet). Each group is
# converted in one soffice process, as a scanner that batches would; LibreOffice's profile is
# created before timing. Presentations have no text filter in LibreOffice and are left out.
# Best of N runs on the wall clock; prints MB/s for both and the ratio. Installs LibreOffice
# (the -nogui packages) from Debian if missing.
set -euo pipefail
help_lines=2,14
source "$(dirname "$0")/extract-common.sh"
command -v soffice >/dev/null || install libreoffice-writer-nogui libreoffice-calc-nogui
(cd "$top" && cargo build --release -q -p datavakt-extract --example extract_files)
bin=$top/target/release/examples/extract_files

find_ext() { find "$dir" -type f \( "$@" \) -print0 | sort -z; }
mapfile -d '' writer < <(find_ext -iname '*.docx' -o -iname '*.odt' -o -iname '*.doc' -o -iname '*.rtf')
mapfile -d '' calc < <(find_ext -iname '*.xlsx' -o -iname '*.ods' -o -iname '*.xls')
files=("${writer[@]}" "${calc[@]}")
[ ${#files[@]} -gt 0 ] || { echo "no office documents under $dir" >&2; exit 2; }
bytes=$(cat "${files[@]}" | wc -c)
cat "${files[@]}" > /dev/null # warm the page cache

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
profile="-env:UserInstallation=file://$tmp/profile"
lo() { soffice "$profile" --headless --norestore "$@" > /dev/null 2>&1; }
lo --convert-to txt:Text --outdir "$tmp/warm" "${writer[0]:-${calc[0]}}" # creates the profile


lo_times=() ours_times=()
for _ in $(seq "$runs"); do
  rm -rf "$tmp/out"
  t0=$(now)
  [ ${#writer[@]} -eq 0 ] || lo --convert-to txt:Text --outdir "$tmp/out/w" "${writer[@]}"
  [ ${#calc[@]} -eq 0 ] || lo --convert-to csv --outdir "$tmp/out/c" "${calc[@]}"
  t1=$(now)
  "$bin" "${files[@]}" > "$tmp/ours.out"
  t2=$(now)
  lo_times+=("$(python3 -c "print($t1 - $t0)")")
  ours_times+=("$(python3 -c "print($t2 - $t1)")")
done
lo_text=$(cat "$tmp"/out/*/* 2>/dev/null | wc -c)
python3 - "$bytes" "${#writer[@]}" "${#calc[@]}" "$(best "${lo_times[@]}")" \
  "$(best "${ours_times[@]}")" "$lo_text" "$(cat "$tmp/ours.out")" <<'PY'
import sys
mb, nw, nc = int(sys.argv[1]) / 1e6, int(sys.argv[2]), int(sys.argv[3])
lo, ours, lo_text = float(sys.argv[4]), float(sys.argv[5]), int(sys.argv[6])
fields = sys.argv[7].split()
stats = dict(zip(fields[0::2], fields[1::2]))
print(f"{nw} word-processor files and {nc} spreadsheets, {mb:.2f} MB")
print(f"LibreOffice headless: {lo:7.3f} s  {mb/lo:7.2f} MB/s  ({lo_text} bytes of text)")
print(f"datavakt:             {ours:7.3f} s  {mb/ours:7.2f} MB/s  ({stats['text']} bytes of text, "
      f"{stats['problems']} problems)")
print(f"ratio datavakt/LibreOffice throughput: {lo/ours:.1f} (above 1: faster)")
PY
