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
find_ext() { find "$dir" -type f \( "$@" \) -print0 | sort -z; }
mapfile -d '' writer < <(find_ext -iname '*.docx' -o -iname '*.odt' -o -iname '*.doc' -o -iname '*.rtf')
mapfile -d '' calc < <(find_ext -iname '*.xlsx' -o -iname '*.ods' -o -iname '*.xls')
files=("${writer[@]}" "${calc[@]}")
[ ${#files[@]} -gt 0 ] || { echo "no office documents under $dir" >&2; exit 2; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
profile="-env:UserInstallation=file://$tmp/profile"
lo() { soffice "$profile" --headless --norestore "$@" > /dev/null 2>&1; }
lo --convert-to txt:Text --outdir "$tmp/warm" "${writer[0]:-${calc[0]}}" # creates the profile

libreoffice() {
  rm -rf "$tmp/out"
  [ ${#writer[@]} -eq 0 ] || lo --convert-to txt:Text --outdir "$tmp/out/w" "${writer[@]}"
  [ ${#calc[@]} -eq 0 ] || lo --convert-to csv --outdir "$tmp/out/c" "${calc[@]}"
}
race libreoffice
report "${#writer[@]} word-processor files and ${#calc[@]} spreadsheets" "LibreOffice" \
  "$(cat "$tmp"/out/*/* 2>/dev/null | wc -c)"
