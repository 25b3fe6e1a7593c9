#!/usr/bin/env bash
# Posts the performance report as one sticky comment on its pull request, or
# updates that comment: the second half of the performance workflow
# (.github/workflows/performance-comment.yml, triggered by `workflow_run`).
# It runs with the base repository's token and the default branch's scripts,
# never with the pull request's code, so it also works for pull requests from
# forks. The report artifact comes from a run of untrusted code: its
# pull-request number is checked (the pull request's head must be the commit
# that run measured), and its text only ever becomes a comment body.
#
# Usage: scripts/ci/pr_comment.sh [--dry-run] REPORT_DIR
#   REPORT_DIR  the downloaded artifact: report.md and pr-number (scripts/ci/bench_pr.sh --pr)
#   --dry-run   print the comment and what would be done; call no API
# Environment (not needed with --dry-run):
#   GITHUB_TOKEN       a token allowed to comment (pull-requests: write)
#   GITHUB_REPOSITORY  owner/name
#   RUN_HEAD_SHA       head commit of the run that made the report
#   RUN_URL            link to that run, shown in the comment (optional)
#   RUN_CONCLUSION     its conclusion, e.g. success or failure (optional)
#   GITHUB_API_URL     default https://api.github.com
# The comment is found again by its hidden marker <!-- vm-performance-report -->
# among the comments of github-actions[bot] (COMMENT_AUTHOR to change).
#
# Exit status: 0 posted, updated, or nothing to do (no report, or the pull
# request moved on to another commit); 1 an API call failed; 2 usage error or
# invalid artifact.
set -euo pipefail
ci_name=pr_comment
# shellcheck source=lib.sh
source "$(dirname "$0")/lib.sh"

dry_run=no
dir=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    -h|--help) awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; exit 0 ;;
    --dry-run) dry_run=yes; shift ;;
    -*) ci_die "unknown option '$1' (see --help)" 2 ;;
    *) [[ -z $dir ]] || ci_die "one REPORT_DIR only" 2; dir=$1; shift ;;
  esac
done
[[ -n $dir ]] || ci_die "usage: $0 [--dry-run] REPORT_DIR" 2
if [[ ! -f $dir/report.md ]]; then
  ci_annotate notice "pr_comment: no report.md in $dir (the performance run stopped before writing one): no comment"
  exit 0
fi
[[ -f $dir/pr-number ]] || ci_die "$dir/pr-number missing: cannot tell which pull request" 2

DRY_RUN=$dry_run exec python3 - "$dir" <<'PYTHON'
import json
import os
import re
import sys
import urllib.error
import urllib.request

MARKER = "<!-- vm-performance-report -->"
LIMIT = 60000  # GitHub refuses comment bodies over 65536 characters
report_dir = sys.argv[1]
dry_run = os.environ["DRY_RUN"] == "yes"


def fail(message, status=1):
    print(f"pr_comment: {message}", file=sys.stderr)
    sys.exit(status)


number = open(os.path.join(report_dir, "pr-number"), encoding="utf-8").read().strip()
if not re.fullmatch(r"[1-9][0-9]{0,9}", number):
    fail(f"pr-number {number[:40]!r} is not a pull request number", 2)
report = open(os.path.join(report_dir, "report.md"), encoding="utf-8", errors="replace").read()
if len(report) > LIMIT:
    report = report[:LIMIT] + "\n\n… (truncated: the whole report is in the run's artifacts)\n"

run_url = os.environ.get("RUN_URL", "")
conclusion = os.environ.get("RUN_CONCLUSION", "")
footer = []
if run_url:
    footer.append(f"[performance run]({run_url})")
if conclusion:
    footer.append(f"conclusion: {conclusion}")
body = MARKER + "\n" + report.rstrip() + "\n"
if footer:
    body += "\n<sub>" + " · ".join(footer) + "</sub>\n"

if dry_run:
    print(f"pr_comment: dry run: would post or update the comment on pull request #{number}:", file=sys.stderr)
    print(body)
    sys.exit(0)

token = os.environ.get("GITHUB_TOKEN") or fail("GITHUB_TOKEN is not set", 2)
repo = os.environ.get("GITHUB_REPOSITORY", "")
if not re.fullmatch(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+", repo):
    fail(f"GITHUB_REPOSITORY {repo!r} is not owner/name", 2)
head_sha = os.environ.get("RUN_HEAD_SHA", "")
if not re.fullmatch(r"[0-9a-f]{40}", head_sha):
    fail("RUN_HEAD_SHA must be the run's 40-digit head commit", 2)
api = os.environ.get("GITHUB_API_URL", "https://api.github.com").rstrip("/")
author = os.environ.get("COMMENT_AUTHOR", "github-actions[bot]")


def call(method, path, payload=None):
    request = urllib.request.Request(
        api + path,
        method=method,
        data=None if payload is None else json.dumps(payload).encode(),
        headers={
            "Authorization": f"Bearer {token}",
            "Accept": "application/vnd.github+json",
            "X-GitHub-Api-Version": "2022-11-28",
            "User-Agent": "vm-pr-comment",
        },
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.load(response)
    except urllib.error.HTTPError as e:
        fail(f"{method} {path}: HTTP {e.code}: {e.read()[:300]!r}")
    except urllib.error.URLError as e:
        fail(f"{method} {path}: {e.reason}")


pull = call("GET", f"/repos/{repo}/pulls/{number}")
if pull.get("head", {}).get("sha") != head_sha:
    print(f"pr_comment: pull request #{number} is at {pull.get('head', {}).get('sha')}, not at the measured "
          f"{head_sha}: a newer run will comment", file=sys.stderr)
    sys.exit(0)

existing = None
page = 1
while existing is None:
    comments = call("GET", f"/repos/{repo}/issues/{number}/comments?per_page=100&page={page}")
    for c in comments:
        if c.get("user", {}).get("login") == author and MARKER in (c.get("body") or ""):
            existing = c
            break
    if len(comments) < 100:
        break
    page += 1

if existing:
    call("PATCH", f"/repos/{repo}/issues/comments/{existing['id']}", {"body": body})
    print(f"pr_comment: updated {existing.get('html_url')}", file=sys.stderr)
else:
    created = call("POST", f"/repos/{repo}/issues/{number}/comments", {"body": body})
    print(f"pr_comment: posted {created.get('html_url')}", file=sys.stderr)
PYTHON
