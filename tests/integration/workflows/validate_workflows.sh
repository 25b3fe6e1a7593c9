#!/usr/bin/env bash
# ctest workflows.validate: every GitHub Actions workflow of .github/workflows
# is checked
#   1. by action-validator (npm @action-validator/cli: the workflow JSON schema,
#      plus the globs of paths filters), installed by scripts/install_node_tools.sh;
#   2. for its scripts: every scripts/... path it names exists, and a file is executable
#      (and, when git tracks it, is committed executable: mode 100755);
#   3. for the project's rules: top-level `permissions:`, a `concurrency:` group,
#      `timeout-minutes` under 15 on every job, and no `pull_request_target`.
#
# Usage: validate_workflows.sh [ROOT]   (ROOT: the project root; default: this checkout)
# Exit status: 0 valid; 1 a problem (each one printed); 77 (skipped) only when
# node or npm is not installed at all.
set -euo pipefail

root=${1:-$(cd "$(dirname "$0")/../../.." && pwd)}
cd "$root"

status=0
bin=$(scripts/install_node_tools.sh --print-bin) || status=$?
if [[ $status -eq 2 ]]; then
  echo "workflows.validate: skipped: node/npm not installed (Debian packages nodejs and npm)" >&2
  exit 77
elif [[ $status -ne 0 ]]; then
  echo "workflows.validate: scripts/install_node_tools.sh failed (exit $status)" >&2
  exit 1
fi

shopt -s nullglob
workflows=(.github/workflows/*.yml .github/workflows/*.yaml)
if ((${#workflows[@]} == 0)); then
  echo "workflows.validate: no workflow in .github/workflows" >&2
  exit 1
fi

problems=0
problem() {
  echo "workflows.validate: $*" >&2
  problems=$((problems + 1))
}

for wf in "${workflows[@]}"; do
  # 1. The schema (action-validator prints its findings as JSON).
  if ! output=$("$bin/action-validator" "$wf" 2>&1); then
    problem "$wf: action-validator:"
    echo "$output" >&2
  fi

  # 2. The scripts it runs.
  while IFS= read -r path; do
    if [[ ! -e $path ]]; then
      problem "$wf names $path: no such file"
    elif [[ -d $path ]]; then
      continue  # a directory (sparse checkout, cache path)
    elif [[ ! -f $path || ! -x $path ]]; then
      problem "$wf names $path: not an executable file (chmod +x)"
    elif mode=$(git ls-files --stage -- "$path" 2>/dev/null | cut -d' ' -f1) && [[ -n $mode && $mode != 100755 ]]; then
      problem "$wf names $path: committed without its executable bit (git update-index --chmod=+x $path)"
    fi
  done < <(grep -oE '(^|[^A-Za-z0-9_./-])scripts/[A-Za-z0-9_./-]*[A-Za-z0-9_-]' "$wf" |
    sed -E 's/^[^s]*(scripts\/)/\1/' | sort -u)

  # 3. The project's rules (a line-based reading of the YAML).
  grep -qE '^permissions:' "$wf" || problem "$wf: no top-level permissions: (least privilege: contents: read)"
  grep -qE '^concurrency:' "$wf" || problem "$wf: no top-level concurrency: group"
  if grep -qE '^[[:space:]]*pull_request_target[[:space:]]*:?' "$wf"; then
    problem "$wf: pull_request_target runs untrusted code with a write token: use the workflow_run pattern"
  fi
  while IFS= read -r finding; do problem "$wf: $finding"; done < <(awk '
    /^jobs:[[:space:]]*$/ { in_jobs = 1; next }
    /^[^[:space:]#]/ { if (job != "") check(); in_jobs = 0; job = "" }
    in_jobs && /^  [A-Za-z0-9_-]+:[[:space:]]*$/ {
      if (job != "") check()
      job = $1; sub(/:$/, "", job); timeout = ""; next
    }
    in_jobs && job != "" && /^    timeout-minutes:/ { timeout = $2 }
    function check() {
      if (timeout == "") print "job " job ": no timeout-minutes"
      else if (timeout !~ /^[0-9]+$/ || timeout + 0 >= 15) print "job " job ": timeout-minutes " timeout " (must be under 15)"
    }
    END { if (job != "") check() }' "$wf")
done

if ((problems > 0)); then
  echo "workflows.validate: $problems problem(s) in ${#workflows[@]} workflow(s)" >&2
  exit 1
fi
echo "workflows.validate: ${#workflows[@]} workflow(s) valid: ${workflows[*]}"
