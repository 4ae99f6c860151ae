# Shared by bench/pdf.sh and bench/office.sh (sourced, not run): reads `[--runs N] [DIR]`
# into $runs and $dir, builds the `extract_files` example into $bin, installs missing Debian
# packages, and races a reference command against Datavakt's extractors on "${files[@]}".
# The caller sets $help_lines (the sed range of its usage comment) before sourcing.
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
runs=3
dir=
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n "${help_lines}p" "$0"; exit 0 ;;
    -*) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
    *) dir=$1; shift ;;
  esac
done
dir=${dir:-$top/../shared/corpus/files}
[ -d "$dir" ] || { echo "no such directory: $dir" >&2; exit 2; }
(cd "$top" && cargo build --release -q -p datavakt-extract --example extract_files)
bin=$top/target/release/examples/extract_files

# install PACKAGE... : from Debian's packages, without recommends, updating the lists if needed.
install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

now() { date +%s.%N; }
best() { python3 -c 'import sys; print(min(float(x) for x in sys.argv[1:]))' "$@"; }

# race COMMAND... : warms the page cache with "${files[@]}", then $runs times runs COMMAND and
# the extract_files example on the files; sets $bytes (input size), $ref_best and $ours_best
# (best wall-clock seconds of each) and $ours_stats (the example's totals line).
race() {
  local ref=() ours=() t0 t1 t2
  bytes=$(cat "${files[@]}" | wc -c)
  for _ in $(seq "$runs"); do
    t0=$(now)
    "$@"
    t1=$(now)
    ours_stats=$("$bin" "${files[@]}")
    t2=$(now)
    ref+=("$(python3 -c "print($t1 - $t0)")")
    ours+=("$(python3 -c "print($t2 - $t1)")")
  done
  ref_best=$(best "${ref[@]}")
  ours_best=$(best "${ours[@]}")
}

# report WHAT REFERENCE REF_TEXT_BYTES: prints both throughputs (MB/s) and their ratio.
report() {
  python3 - "$1" "$2" "$3" "$bytes" "$ref_best" "$ours_best" "$ours_stats" <<'PY'
import sys
what, name, ref_text = sys.argv[1], sys.argv[2], int(sys.argv[3])
mb, ref, ours = int(sys.argv[4]) / 1e6, float(sys.argv[5]), float(sys.argv[6])
fields = sys.argv[7].split()
stats = dict(zip(fields[0::2], fields[1::2]))
print(f"{what}, {mb:.2f} MB")
print(f"{name:22} {ref:7.3f} s  {mb/ref:7.2f} MB/s  ({ref_text} bytes of text)")
print(f"{'datavakt':22} {ours:7.3f} s  {mb/ours:7.2f} MB/s  ({stats['text']} bytes of text, "
      f"{stats['problems']} problems)")
print(f"ratio datavakt/{name} throughput: {ref/ours:.2f} (above 1: faster)")
PY
}
