#!/usr/bin/env bash
# Re-scan of an unchanged tree against listing it: `datavakt scan TREE --format jsonl` after a
# first scan has filled the scan database (nothing changed, so nothing is read; every finding
# is printed from the database) against `find TREE -type f -printf '%s %T@\n'`, in the same
# run, from the page cache. Target: at most twice the time of find.
#
# usage: bench/rescan.sh [--files N] [--mb M] [--runs R]
#   --files, --mb   passed to ../shared/bench/make-tree (defaults 20000 files, 1024 MiB; the
#                   200,000-file figure: --files 200000 --mb 1024)
#   --runs          timed runs of each command (default 5)
#
# Trees are cached in $DATAVAKT_BENCH_DIR (default /tmp/datavakt-bench), as for throughput.sh.
# Installs hyperfine from Debian if missing.
set -euo pipefail
runs=5
. "$(dirname "$0")/common.sh"
command -v hyperfine >/dev/null || apt_install hyperfine
# A database of its own, filled by one full scan.
export DATAVAKT_DB=$base/rescan-$files-$mb.db
rm -f "$DATAVAKT_DB" "$DATAVAKT_DB-wal" "$DATAVAKT_DB-shm"
first_start=$(date +%s.%N)
"$bin" scan "$tree/" --format jsonl --quiet > /dev/null
first=$(awk -v a="$first_start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }')

q_tree=$(printf %q "$tree/")
find_cmd="find $q_tree -type f -printf '%s %T@\n' > /dev/null"
dv_cmd="$(printf %q "$bin") scan $q_tree --format jsonl --quiet > /dev/null"
hyperfine --style basic --warmup 1 --runs "$runs" --export-json "$base/rescan.json" \
  -n find "$find_cmd" -n datavakt-rescan "$dv_cmd" >&2
# What the re-scan printed and skipped.
summary=$("$bin" scan "$tree/" --format jsonl 2>/dev/null | tail -n 1)
python3 - "$base/rescan.json" "$first" "$summary" <<'PY'
import json, sys
t = {r["command"]: r["median"] for r in json.load(open(sys.argv[1]))["results"]}
s = json.loads(sys.argv[3])
f, d = t["find"], t["datavakt-rescan"]
print(f"tree: {s['unchanged_files'] + s['files_scanned'] + s['copies']} files; first scan {float(sys.argv[2]):.2f} s")
print(f"find -printf     : {f:7.3f} s")
print(f"datavakt re-scan : {d:7.3f} s  ({s['unchanged_files']} unchanged files, {s['files_scanned']} read, "
      f"{s['findings']} findings printed from the database)")
print(f"ratio datavakt/find: {d / f:.2f} (target <= 2)")
PY
