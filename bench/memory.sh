#!/usr/bin/env bash
# Peak memory: scan a tree holding one 4 GiB text file, against ripgrep on the same file.
#
# usage: bench/memory.sh [--gib N]     (default 4)
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
gib=4
[ "${1:-}" = "--gib" ] && gib=$2
command -v rg >/dev/null || { apt-get update -qq && apt-get install -y -qq ripgrep; }
[ -x /usr/bin/time ] || { apt-get update -qq && apt-get install -y -qq time; }
base=${DATAVAKT_BENCH_DIR:-/tmp/datavakt-bench}
tree=$base/big-$gib
if [ ! -f "$tree/big.txt" ]; then
  mkdir -p "$tree"
  # Nordic-looking text with a valid number about every 20 KB, repeated to the size.
  python3 "$top/../shared/bench/make-tree" "$base/seed" --files 200 --mb 64 > /dev/null
  find "$base/seed" -name '*.txt' -exec cat {} + > "$base/seed.txt"
  while [ "$(stat -c %s "$tree/big.txt" 2>/dev/null || echo 0)" -lt $((gib << 30)) ]; do
    cat "$base/seed.txt" >> "$tree/big.txt"
  done
  truncate -s $((gib << 30)) "$tree/big.txt"
fi
(cd "$top" && cargo build --release -q -p datavakt)
key=$base/key
[ -f "$key" ] || { head -c 32 /dev/urandom > "$key"; chmod 600 "$key"; }
export DATAVAKT_KEY_FILE=$key
peak() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
dv=$(peak "$top/target/release/datavakt" scan "$tree" --format jsonl --quiet)
rg=$(peak rg -c --no-ignore '(?-u:\b)[0-9]{6}[-+A]?[0-9]{3}[0-9A-Y](?-u:\b)' "$tree")
echo "file: $gib GiB"
echo "datavakt peak RSS: $((dv / 1024)) MiB (limit 200 MiB)"
echo "ripgrep  peak RSS: $((rg / 1024)) MiB"
awk -v a="$dv" -v b="$rg" 'BEGIN { printf "ratio datavakt/ripgrep: %.2f\n", a / b }'
[ "$dv" -lt $((200 * 1024)) ] && echo "under 200 MiB: yes" || { echo "under 200 MiB: NO"; exit 1; }
