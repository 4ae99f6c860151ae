#!/usr/bin/env bash
# Throughput: a full `datavakt scan --format jsonl` of a 1 GiB synthetic share against ripgrep
# searching the equivalent pattern on the same tree, in the same run, from the page cache.
#
# usage: bench/throughput.sh [--files N] [--mb M]      (defaults: 20000 files, 1024 MiB)
# The tree is cached in $DATAVAKT_BENCH_DIR (default /tmp/datavakt-bench).
set -euo pipefail
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
files=20000 mb=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
need=()
command -v rg >/dev/null || need+=(ripgrep)
command -v hyperfine >/dev/null || need+=(hyperfine)
if [ ${#need[@]} -gt 0 ]; then apt-get update -qq && apt-get install -y -qq "${need[@]}"; fi

base=${DATAVAKT_BENCH_DIR:-/tmp/datavakt-bench}
tree=$base/tree-$files-$mb
if [ ! -d "$tree" ]; then
  mkdir -p "$base"
  python3 "$top/../shared/bench/make-tree" "$tree" --files "$files" --mb "$mb"
fi
(cd "$top" && cargo build --release -q -p datavakt)
bin=$top/target/release/datavakt
key=$base/key
[ -f "$key" ] || { head -c 32 /dev/urandom > "$key"; chmod 600 "$key"; }
export DATAVAKT_KEY_FILE=$key

# Warm the page cache so both read from memory.
find "$tree" -type f -exec cat {} + > /dev/null
bytes=$(du -sb "$tree" | cut -f1)
rg_cmd="rg -c --no-ignore -j2 '(?-u:\\b)[0-9]{6}[-+A]?[0-9]{3}[0-9A-Y](?-u:\\b)' $tree > /dev/null || true"
dv_cmd="$bin scan $tree --format jsonl --quiet > /dev/null"
hyperfine --warmup 1 --runs 5 --export-json "$base/throughput.json" -n ripgrep "$rg_cmd" -n datavakt "$dv_cmd" > /dev/null
python3 - "$base/throughput.json" "$bytes" <<'PY'
import json, sys
r = {x["command"]: x for x in json.load(open(sys.argv[1]))["results"]}
mb = int(sys.argv[2]) / 1e6
rg, dv = r["ripgrep"]["median"], r["datavakt"]["median"]
print(f"tree: {mb:.0f} MB")
print(f"ripgrep : {rg:.3f} s  {mb/rg:7.0f} MB/s")
print(f"datavakt: {dv:.3f} s  {mb/dv:7.0f} MB/s")
print(f"ratio datavakt/ripgrep: {dv/rg:.2f} (target at most 1.5)")
PY
found=$("$bin" scan "$tree" --format jsonl --quiet --show-values | grep -c '"kind":"\(dk-cpr\|se-personnummer\|fi-hetu\)"' || true)
echo "findings: $found (make-tree wrote $(wc -l < "$tree.ids") numbers in fresh text, more in shared filler)"
