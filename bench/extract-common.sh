# Shared by bench/pdf.sh and bench/office.sh (sourced, not run): reads `[--runs N] [DIR]`
# into $runs and $dir, installs missing Debian packages, and times commands.
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

# install PACKAGE... : from Debian's packages, without recommends, updating the lists if needed.
install() {
  local sudo=
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null 2>&1 ||
    { $sudo apt-get update -qq && $sudo apt-get install -y -qq --no-install-recommends "$@" >/dev/null; }
}

now() { date +%s.%N; }
best() { python3 -c 'import sys; print(min(float(x) for x in sys.argv[1:]))' "$@"; }
