#!/usr/bin/env bash
# Throughput: a full `datavakt scan --format jsonl` of a 1 GiB synthetic share against ripgrep
# searching the equivalent pattern on the same tree, in the same run, from the page cache; and
# the cost of the detectors beyond identity numbers (health, contact, payment, address data
# and names; the name lists are fetched first) against the same binary with them off
# (`--no-health --no-contact --no-names`).
#
# usage: bench/throughput.sh [--files N] [--mb M] [--runs R]
#   --files, --mb   passed to ../shared/bench/make-tree (defaults 20000 files, 1024 MiB);
#                   use e.g. --files 500 --mb 64 for a quick trial
#   --runs          timed runs of each command (default 5; 3 without hyperfine)
#
# The tree is built once and cached in $DATAVAKT_BENCH_DIR (default /tmp/datavakt-bench):
# tree-1g for the defaults, tree-N-M otherwise. Installs ripgrep and hyperfine from Debian if
# missing; without hyperfine it times a plain loop and takes the median.
set -euo pipefail
runs=
. "$(dirname "$0")/common.sh"
command -v rg >/dev/null || apt_install ripgrep
command -v hyperfine >/dev/null || apt_install hyperfine || echo "note: no hyperfine, timing a plain loop" >&2
# Every scan writes its database: a scratch one beside the tree, not the user's.
export DATAVAKT_DB=$base/bench.db
bytes=$(du -sb "$tree/" | cut -f1)
nfiles=$(find "$tree/" -type f | wc -l)

q_tree=$(printf %q "$tree")
pattern='(?-u:\b)[0-9]{6}[-+A]?[0-9]{3}[0-9A-Y](?-u:\b)'
# rg exits 1 when nothing matches: only 2 (an error) fails the run.
rg_cmd="rg -c --no-ignore -j2 '$pattern' $q_tree > /dev/null; test \$? -le 1"
# --rescan-all: every run reads the whole tree (bench/rescan.sh measures the re-scan that skips).
dv_cmd="$(printf %q "$bin") scan $q_tree --format jsonl --quiet --rescan-all > /dev/null"
core_cmd="$(printf %q "$bin") scan $q_tree --format jsonl --quiet --rescan-all --no-health --no-contact --no-names > /dev/null"

times=$base/throughput.times
if command -v hyperfine >/dev/null; then
  hyperfine --style basic --warmup 1 --runs "${runs:-5}" --export-json "$base/throughput.json" \
    -n ripgrep "$rg_cmd" -n datavakt "$dv_cmd" -n identity-only "$core_cmd" >&2
  python3 - "$base/throughput.json" > "$times" <<'PY'
import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], r["median"])
PY
else
  median() {  # runs the command line $1 ${runs:-3} times, prints the median wall time in s
    local n=${runs:-3} i t0 t1 ts=()
    bash -c "$1" || { echo "failed: $1" >&2; return 1; }  # warm-up
    for ((i = 0; i < n; i++)); do
      t0=$(date +%s.%N); bash -c "$1" || return 1; t1=$(date +%s.%N)
      ts+=("$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
    done
    printf '%s\n' "${ts[@]}" | sort -g | awk '{ a[NR] = $1 } END { print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2 }'
  }
  rg_t=$(median "$rg_cmd")
  dv_t=$(median "$dv_cmd")
  core_t=$(median "$core_cmd")
  printf 'ripgrep %s\ndatavakt %s\nidentity-only %s\n' "$rg_t" "$dv_t" "$core_t" > "$times"
fi

# Sanity check: what datavakt reports against the numbers make-tree wrote in fresh text. The
# tree's shared filler repeats more numbers, so findings exceed the written count; every
# written number should be among the values found.
read -r -d '' report <<'PY' || true
import collections, json, sys
t = dict(line.split() for line in open(sys.argv[1]))
rg, dv, core = float(t["ripgrep"]), float(t["datavakt"]), float(t["identity-only"])
mb, nfiles = int(sys.argv[2]) / 1e6, int(sys.argv[3])
by_kind, values, any_kind = collections.Counter(), set(), set()
for line in sys.stdin:
    r = json.loads(line)
    if r.get("kind") in (None, "summary") or "value" not in r:
        continue
    by_kind[r["kind"]] += 1
    values.add((r["kind"], r["value"]))
    any_kind.add(r["value"])
ids = [tuple(l.rstrip("\n").split("\t")) for l in open(sys.argv[4]) if l.strip()]
found = sum(1 for i in ids if i in values)
found_any = sum(1 for i in ids if i[1] in any_kind)
print(f"tree: {nfiles} files, {mb:.0f} MB (median of the timed runs, page cache warm)")
print(f"ripgrep : {rg:7.3f} s  {mb / rg:7.0f} MB/s")
print(f"datavakt: {dv:7.3f} s  {mb / dv:7.0f} MB/s")
print(f"identity numbers only (--no-health --no-contact --no-names): {core:7.3f} s  "
      f"{mb / core:7.0f} MB/s")
print(f"ratio datavakt/ripgrep: {dv / rg:.2f}")
print(f"health, contact, payment, address and name detectors cost {100 * (dv / core - 1):.0f}% of the "
      f"identity-only time ({mb / core:.0f} -> {mb / dv:.0f} MB/s)")
print(f"datavakt findings: {sum(by_kind.values())} ("
      + ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())) + ")")
print(f"make-tree wrote {len(ids)} numbers in fresh text (more repeat in its shared filler); "
      f"{found} of them found with the same kind ({100 * found / max(1, len(ids)):.1f}%), "
      f"{found_any} with any kind")
PY
"$bin" scan "$tree" --format jsonl --quiet --show-values |
  python3 -c "$report" "$times" "$bytes" "$nfiles" "$tree.ids"
