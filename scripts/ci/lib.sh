# shellcheck shell=bash
# Helpers shared by the scripts in scripts/ci/: sourced, never run.
#
#   ci_name=NAME                        # the prefix of its messages
#   source "$(dirname "$0")/lib.sh"
#
# Every scripts/ci/*.sh runs the same on a developer's machine as in a
# GitHub Actions job: the GitHub-only parts (step summary, annotations) are
# no-ops outside Actions, where GITHUB_ACTIONS is not "true".

ci_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
ci_name=${ci_name:-ci}

ci_log() { printf '%s: %s\n' "$ci_name" "$*" >&2; }
ci_die() {
  ci_log "$1"
  exit "${2:-1}"
}

ci_in_actions() { [[ "${GITHUB_ACTIONS:-}" == true ]]; }

# Appends standard input to the job's summary page (GITHUB_STEP_SUMMARY);
# elsewhere it goes to stderr, so a local run shows the same text.
ci_summary() {
  if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then
    cat >>"$GITHUB_STEP_SUMMARY"
  else
    cat >&2
  fi
}

# ci_annotate LEVEL MESSAGE [FILE [LINE]]: a GitHub annotation (LEVEL notice,
# warning or error) in Actions, a plain line elsewhere.
ci_annotate() {
  local level=$1 message=$2 file=${3:-} line=${4:-}
  if ci_in_actions; then
    local where=""
    if [[ -n $file ]]; then where=" file=$file${line:+,line=$line}"; fi
    # Workflow commands end at a newline: keep the message on one line.
    printf '::%s%s::%s\n' "$level" "$where" "${message//$'\n'/ }"
  else
    printf '%s: %s%s\n' "$level" "${file:+$file${line:+:$line}: }" "$message" >&2
  fi
}

# Parallel jobs for builds and tools: every core, or CI_JOBS (e.g. CI_JOBS=1
# on a machine shared with others).
ci_jobs() {
  if [[ -n "${CI_JOBS:-}" ]]; then
    echo "$CI_JOBS"
  else
    nproc 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2
  fi
}

# Compiles through ccache when it is installed (scripts/ci/setup_ci.sh
# installs it in CI; actions/cache keeps .cache/ccache between runs). CMake
# reads these variables when it creates a build tree.
ci_use_ccache() {
  if ! command -v ccache >/dev/null 2>&1; then return 0; fi
  export CMAKE_C_COMPILER_LAUNCHER=ccache CMAKE_CXX_COMPILER_LAUNCHER=ccache
  export CCACHE_DIR=${CCACHE_DIR:-$ci_root/.cache/ccache}
  export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-400M}
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$ci_root}
  export CCACHE_NOHASHDIR=${CCACHE_NOHASHDIR:-true}
  ccache --zero-stats >/dev/null 2>&1 || true
}

ci_ccache_stats() {
  if command -v ccache >/dev/null 2>&1 && [[ -n "${CMAKE_CXX_COMPILER_LAUNCHER:-}" ]]; then
    ccache --show-stats 2>/dev/null | sed -n '1,12p' >&2 || true
  fi
}

# ci_install_packages PKG...: the Debian packages missing among PKG, installed
# as scripts/setup.sh installs its own (as root, or through sudo).
ci_install_packages() {
  local missing=() p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then missing+=("$p"); fi
  done
  if ((${#missing[@]} == 0)); then return 0; fi
  command -v apt-get >/dev/null 2>&1 || ci_die "cannot install ${missing[*]}: no apt-get (not Debian)" 2
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then sudo=sudo; fi
  ci_log "installing ${missing[*]}"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
}
