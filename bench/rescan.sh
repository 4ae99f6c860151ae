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
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
files=20000 mb=1024 runs=5
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
command -v hyperfine >/dev/null || {
  sudo=; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq hyperfine >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq hyperfine >/dev/null; }
}

(cd "$top" && cargo build --release -q -p datavakt)
names=${XDG_DATA_HOME:-$HOME/.local/share}/datavakt/names.tsv
"$top/scripts/fetch-names" "$names"
export DATAVAKT_NAMES=$names
bin=$top/target/release/datavakt
base=${DATAVAKT_BENCH_DIR:-/tmp/datavakt-bench}
if [ "$files" = 20000 ] && [ "$mb" = 1024 ]; then tree=$base/tree-1g; else tree=$base/tree-$files-$mb; fi
if [ ! -d "$tree" ]; then
  mkdir -p "$base"
  rm -rf "$tree.partial" "$tree.partial.ids"
  echo "building $tree (once) ..." >&2
  python3 "$top/../shared/bench/make-tree" "$tree.partial" --files "$files" --mb "$mb" > "$tree.partial.log"
  mv "$tree.partial.ids" "$tree.ids"
  mv "$tree.partial.log" "$tree.log"
  mv "$tree.partial" "$tree"
fi
key=$base/key
[ -f "$key" ] || { (umask 077 && head -c 32 /dev/urandom > "$key"); }
export DATAVAKT_KEY_FILE=$key
# A database of its own, filled by one full scan.
export DATAVAKT_DB=$base/rescan-$files-$mb.db
rm -f "$DATAVAKT_DB" "$DATAVAKT_DB-wal" "$DATAVAKT_DB-shm"
find "$tree/" -type f -print0 | xargs -0 cat > /dev/null
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
