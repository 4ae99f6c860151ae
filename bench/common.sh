# Shared by the benchmark scripts (sourced, not run): options --files, --mb and --runs (the
# caller sets `runs` to its default first), Debian installs, the release build, the name
# lists, the synthetic tree (built once and cached in $DATAVAKT_BENCH_DIR, default
# /tmp/datavakt-bench: tree-1g for the defaults, tree-N-M otherwise) and the fingerprint key.
# Sets: top, files, mb, runs, bin, base, tree.
top=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
files=20000 mb=1024
while [ $# -gt 0 ]; do
  case "$1" in
    --files) files=$2; shift 2 ;;
    --mb) mb=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

apt_install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq "$@" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq "$@" >/dev/null; }
}

(cd "$top" && cargo build --release -q -p datavakt)
bin=$top/target/release/datavakt
# The name lists, so that the full scan looks for names (once; hash-checked from PyPI).
names=${XDG_DATA_HOME:-$HOME/.local/share}/datavakt/names.tsv
"$top/scripts/fetch-names" "$names"
export DATAVAKT_NAMES=$names

base=${DATAVAKT_BENCH_DIR:-/tmp/datavakt-bench}
if [ "$files" = 20000 ] && [ "$mb" = 1024 ]; then tree=$base/tree-1g; else tree=$base/tree-$files-$mb; fi
if [ ! -d "$tree" ]; then
  # Built beside and renamed when complete, so an interrupted build is never reused.
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
# Warm the page cache ("$tree/": the cached tree may be a symlink).
find "$tree/" -type f -print0 | xargs -0 cat > /dev/null
