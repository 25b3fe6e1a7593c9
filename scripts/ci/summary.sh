#!/usr/bin/env bash
# The last job of ci.yml: one table of every job's result on the run's
# summary page, and the run's verdict.
#
# Usage: scripts/ci/summary.sh [--optional JOB]... [NEEDS_JSON_FILE]
#   NEEDS_JSON_FILE  the `needs` context as JSON; default: the NEEDS environment
#                    variable (in the workflow: NEEDS: ${{ toJSON(needs) }})
#   --optional JOB   a job whose failure is shown but does not fail the run
#                    (the best-effort macOS job, the informational coverage)
# Example:
#   NEEDS='{"quality": {"result": "success"}, "test-macos": {"result": "failure"}}' \
#     scripts/ci/summary.sh --optional test-macos
#
# Exit status: 0 every required job succeeded or was skipped; 1 a required job
# failed or was cancelled; 2 usage error.
set -euo pipefail
ci_name=summary
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

optional=()
file=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --optional) [[ $# -ge 2 ]] || ci_die "--optional needs a job name" 2; optional+=("$2"); shift 2 ;;
    -*) ci_die "unknown option '$1' (see --help)" 2 ;;
    *) file=$1; shift ;;
  esac
done
if [[ -n $file ]]; then
  needs=$(cat "$file")
else
  needs=${NEEDS:-}
fi
[[ -n $needs ]] || ci_die "no job results: give NEEDS_JSON_FILE or set NEEDS" 2

table=$(mktemp)
trap 'rm -f "$table"' EXIT
status=0
python3 - "$needs" "${optional[@]}" >"$table" <<'PYTHON' || status=$?
import json
import sys

try:
    needs = json.loads(sys.argv[1])
except json.JSONDecodeError as e:
    print(f"summary: the job results are not JSON: {e}", file=sys.stderr)
    sys.exit(2)
optional = set(sys.argv[2:])
icons = {"success": "✅", "failure": "❌", "cancelled": "⛔", "skipped": "⏭️"}
failed = []
print("## CI summary\n")
print("| Job | Result | Gate |")
print("|---|---|---|")
for job, info in sorted(needs.items()):
    result = (info or {}).get("result", "unknown")
    gate = "optional" if job in optional else "required"
    print(f"| `{job}` | {icons.get(result, '❓')} {result} | {gate} |")
    if gate == "required" and result not in ("success", "skipped"):
        failed.append(f"{job} ({result})")
print()
if failed:
    print(f"**Failed**: {', '.join(failed)}.")
    sys.exit(1)
print("**Passed**: every required job succeeded or was skipped.")
PYTHON

if [[ $status -eq 2 ]]; then exit 2; fi
if [[ -n "${GITHUB_STEP_SUMMARY:-}" ]]; then cat "$table" >>"$GITHUB_STEP_SUMMARY"; fi
cat "$table"
exit "$status"
