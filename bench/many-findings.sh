#!/usr/bin/env bash
# One file holding very many identity numbers (issue 17, defect 1): the time and peak memory of
# `datavakt scan FILE --format jsonl` into a new database (the peak with the database file
# mapped, and the process's own memory), against ripgrep counting the same pattern in the same
# file (the ratio), for
#   lines.txt   120,000 CPR-shaped numbers, one per line (about 104,000 are valid);
#   spaces.txt  900,000 of them on one line, separated by spaces (10.8 MB).
# The numbers come from a fixed seed: every run scans the same files.
#
# usage: bench/many-findings.sh [--only lines|spaces]
# DATAVAKT_BIN=PATH measures that binary instead of building this tree's.
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
only=
case "${1:-}" in
  --only) only=$2 ;;
  -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
  "") ;;
  *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
esac
command -v rg >/dev/null || { apt-get install -y -qq ripgrep >/dev/null 2>&1 ||
  { apt-get update -qq && apt-get install -y -qq ripgrep >/dev/null; }; }
bin=${DATAVAKT_BIN:-}
if [ -z "$bin" ]; then
  (cd "$top" && cargo build --release -q -p datavakt)
  bin=${CARGO_TARGET_DIR:-$top/target}/release/datavakt
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
(umask 077 && head -c 32 /dev/urandom > "$dir/key")
python3 - "$dir" <<'PY'
import random, sys
random.seed(1)
def number():
    return "%02d%02d%02d-%04d" % (random.randint(1, 28), random.randint(1, 12),
                                  random.randint(0, 99), random.randint(0, 9999))
open(sys.argv[1] + "/lines.txt", "w").write("\n".join(number() for _ in range(120000)) + "\n")
open(sys.argv[1] + "/spaces.txt", "w").write(" ".join(number() for _ in range(900000)) + "\n")
PY
pattern='[0-9]{6}-[0-9]{4}'
for f in lines spaces; do
  [ -z "$only" ] || [ "$only" = "$f" ] || continue
  rm -f "$dir/$f.db"*
  /usr/bin/time -f '%e %M' -o "$dir/time" "$bin" scan "$dir/$f.txt" --db "$dir/$f.db" \
    --key-file "$dir/key" --no-names -q --format jsonl > "$dir/out" &
  timed=$!
  # The peak counts the database file mapped into memory (SQLite's mmap), which the system
  # can drop at will; the process's own memory (anonymous) is sampled apart, every 0.1 s.
  anon=0
  while kill -0 $timed 2>/dev/null; do
    a=$(awk '/^Anonymous:/{print $2}' "/proc/$(pgrep -P $timed | head -1)/smaps_rollup" 2>/dev/null || true)
    [ -n "$a" ] && [ "$a" -gt "$anon" ] && anon=$a
    sleep 0.1
  done
  wait $timed
  read -r secs kb < "$dir/time"
  found=$(grep -c '"kind":"dk-cpr"' "$dir/out" || true)
  stored=$(python3 -c "import sqlite3,sys;print(sqlite3.connect(sys.argv[1]).execute('select count(*) from findings').fetchone()[0])" "$dir/$f.db")
  # ripgrep's time, the best of five (it takes milliseconds).
  rg_secs=$(python3 - "$pattern" "$dir/$f.txt" <<'PY'
import subprocess, sys, time
best = None
for _ in range(5):
    t = time.perf_counter()
    subprocess.run(["rg", "-c", sys.argv[1], sys.argv[2]], stdout=subprocess.DEVNULL, check=True)
    t = time.perf_counter() - t
    best = t if best is None else min(best, t)
print(f"{best:.4f}")
PY
)
  ratio=$(python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.0f}')" "$secs" "$rg_secs")
  printf '%-7s datavakt %6.2f s, peak %5d MB (own %4d MB), %d findings stored (%d printed); ripgrep %s s; ratio %s\n' \
    "$f" "$secs" $((kb / 1024)) $((anon / 1024)) "$stored" "$found" "$rg_secs" "$ratio"
done
