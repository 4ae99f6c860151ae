#!/usr/bin/env bash
# Peak memory: `datavakt scan` of a tree holding one 4 GiB text file, against ripgrep on the
# same file in the same run, both under /usr/bin/time -v (Maximum resident set size).
#
# usage: bench/memory.sh [--gib N]     (default 4)
#
# The file is built once and cached in $DATAVAKT_BENCH_DIR (default /tmp/datavakt-bench) as
# big-Ng/big.txt: text from ../shared/bench/make-tree (Nordic prose, CSV, logs and HTML with a
# valid identity number about every 20 KB) repeated to the size. Exits 1 when datavakt's peak
# is not under 200 MiB. Installs ripgrep and time from Debian if missing.
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
gib=4
while [ $# -gt 0 ]; do
  case "$1" in
    --gib) gib=$2; shift 2 ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
limit_mib=200

apt_install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null; }
}
command -v rg >/dev/null || apt_install ripgrep
[ -x /usr/bin/time ] || apt_install time

(cd "$top" && cargo build --release -q -p datavakt)
bin=$top/target/release/datavakt

base=${DATAVAKT_BENCH_DIR:-/tmp/datavakt-bench}
tree=$base/big-${gib}g
big=$tree/big.txt
if [ ! -f "$big" ]; then
  echo "building $big (once) ..." >&2
  mkdir -p "$tree"
  seed=$base/seed-text
  if [ ! -f "$seed.txt" ]; then
    rm -rf "$seed"
    python3 "$top/../shared/bench/make-tree" "$seed" --files 200 --mb 64 --seed 7 > /dev/null
    find "$seed" -type f \( -name '*.txt' -o -name '*.csv' -o -name '*.log' -o -name '*.html' \) \
      -print0 | sort -z | xargs -0 cat > "$seed.txt.partial"
    mv "$seed.txt.partial" "$seed.txt"
    rm -rf "$seed" "$seed.ids"
  fi
  # Repeated to the size, then cut at the last line end before it; renamed when complete.
  python3 - "$seed.txt" "$big.partial" $((gib << 30)) <<'PY'
import sys
seed = open(sys.argv[1], "rb").read()
size = int(sys.argv[3])
with open(sys.argv[2], "wb") as f:
    written = 0
    while written + len(seed) <= size:
        f.write(seed)
        written += len(seed)
    rest = seed[: size - written]
    f.write(rest[: rest.rfind(b"\n") + 1])
PY
  mv "$big.partial" "$big"
fi
key=$base/key
[ -f "$key" ] || { (umask 077 && head -c 32 /dev/urandom > "$key"); }
export DATAVAKT_KEY_FILE=$key
# Every scan writes its database: a scratch one, not the user's.
export DATAVAKT_DB=$base/bench.db

# Warm the page cache (when it fits) so the runs compare memory, not the disk.
cat "$big" > /dev/null

# measure NAME EXPECTED_EXIT_CODES... -- COMMAND...: prints "kib seconds" of one run.
measure() {
  local name=$1 ok=$2 log status
  shift 3
  log=$(mktemp)
  set +e
  /usr/bin/time -v -o "$log" "$@" > /dev/null
  status=$?
  set -e
  if [[ " $ok " != *" $status "* ]]; then
    echo "$name exited with $status" >&2; cat "$log" >&2; rm -f "$log"; exit 1
  fi
  awk -F': ' '/Maximum resident set size/ { kib = $2 }
              /Elapsed \(wall clock\)/ { n = split($2, p, ":"); s = 0
                                         for (i = 1; i <= n; i++) s = s * 60 + p[i] }
              END { print kib, s }' "$log"
  rm -f "$log"
}
pattern='(?-u:\b)[0-9]{6}[-+A]?[0-9]{3}[0-9A-Y](?-u:\b)'
r=$(measure datavakt 0 -- "$bin" scan "$tree" --format jsonl --quiet); read -r dv dv_s <<< "$r"
# ripgrep memory-maps a file named on its command line, so its resident size counts the pages
# of the file it touched; with --no-mmap it reads through a buffer, like datavakt.
r=$(measure ripgrep "0 1" -- rg -c --no-ignore "$pattern" "$big"); read -r rg rg_s <<< "$r"
r=$(measure "ripgrep --no-mmap" "0 1" -- rg -c --no-ignore --no-mmap "$pattern" "$big")
read -r rgb rgb_s <<< "$r"

awk -v gib="$gib" -v dv="$dv" -v dvs="$dv_s" -v rg="$rg" -v rgs="$rg_s" -v rgb="$rgb" \
  -v rgbs="$rgb_s" -v size="$(stat -c %s "$big")" -v lim="$limit_mib" 'BEGIN {
  mb = size / 1e6
  printf "file: %s (%.0f MB)\n", gib " GiB", mb
  printf "datavakt          peak RSS: %7.1f MiB  (%.1f s, %.0f MB/s)\n", dv / 1024, dvs, mb / dvs
  printf "ripgrep           peak RSS: %7.1f MiB  (%.1f s, %.0f MB/s)\n", rg / 1024, rgs, mb / rgs
  printf "ripgrep --no-mmap peak RSS: %7.1f MiB  (%.1f s, %.0f MB/s)\n", rgb / 1024, rgbs, mb / rgbs
  printf "ratio datavakt/ripgrep: %.3f   datavakt/ripgrep --no-mmap: %.2f\n", dv / rg, dv / rgb
  printf "datavakt under %d MiB: %s\n", lim, (dv < lim * 1024) ? "yes" : "NO"
}'
[ "$dv" -lt $((limit_mib * 1024)) ]
