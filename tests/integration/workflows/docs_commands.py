#!/usr/bin/env python3
"""Runs (or checks) the runnable shell blocks of the CI/CD guides.

A fenced ```sh block whose opening fence directly follows a marker line

    <!-- runnable -->           the block must exit 0
    <!-- runnable exit=N -->    the block must exit N (e.g. 1 for a regression)

is run as one bash script (bash -e -o pipefail) from the project root, against
the build that runs the test: its vm is exported as VM and its benchmark
directory as VMM_BENCH_DIR, and a literal "build/release/" in a block becomes
that build's directory when the build is not build/release. Blocks without a
marker are shown to readers only (long runs, network, pushes).

Usage:
  docs_commands.py --vm VM ROOT [DOC...]   run every runnable block (ctest docs.commands)
  docs_commands.py --check ROOT [DOC...]   run nothing: markers, bash syntax of the runnable
                                           blocks, relative links and scripts/ paths of
                                           README.md and docs/*.md (scripts/ci/docs_check.sh)
  docs_commands.py --list ROOT [DOC...]    print the runnable blocks
DOC defaults to the three guides (docs/CI_CD_GUIDE.md, docs/PERFORMANCE_MONITORING.md,
docs/CONTRIBUTOR_CI_CD_HANDBOOK.md); each must have at least one runnable block.

Exit status: 0 all good; 1 a block failed or a check found a problem; 2 usage error.
"""
import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

GUIDES = ["docs/CI_CD_GUIDE.md", "docs/PERFORMANCE_MONITORING.md", "docs/CONTRIBUTOR_CI_CD_HANDBOOK.md"]
MARKER = re.compile(r"^<!--\s*runnable(?:\s+exit=(\d+))?\s*-->\s*$")
LOOSE_MARKER = re.compile(r"<!--\s*runnable")
FENCE = re.compile(r"^(```+|~~~+)\s*([\w+-]*)\s*$")
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)")
SCRIPT_PATH = re.compile(r"(?<![\w./-])(scripts/[\w./-]*[\w-])")


class Block:
    def __init__(self, doc, line, language, expected, text):
        self.doc, self.line, self.language, self.expected, self.text = doc, line, language, expected, text

    def where(self):
        return f"{self.doc}:{self.line}"


def parse(root, doc):
    """(runnable blocks, problems) of one Markdown file."""
    lines = (root / doc).read_text(encoding="utf-8").splitlines()
    blocks, problems = [], []
    pending = None  # (line, expected) of a marker waiting for its block
    i = 0
    while i < len(lines):
        line = lines[i]
        marker = MARKER.match(line.strip())
        if marker:
            pending = (i + 1, int(marker.group(1) or 0))
            i += 1
            continue
        if LOOSE_MARKER.search(re.sub(r"`+[^`]*`+", "", line)):  # not the ones quoted in `code`
            problems.append(f"{doc}:{i + 1}: malformed marker {line.strip()!r} "
                            "(write <!-- runnable --> or <!-- runnable exit=N --> alone on a line)")
        fence = FENCE.match(line)
        if fence:
            opening, language = fence.group(1), fence.group(2)
            body = []
            j = i + 1
            while j < len(lines) and not lines[j].startswith(opening[0] * len(opening)):
                body.append(lines[j])
                j += 1
            if j == len(lines):
                problems.append(f"{doc}:{i + 1}: code block never closed")
            if pending:
                if pending[0] != i:
                    problems.append(f"{doc}:{pending[0]}: a runnable marker must be the line right before "
                                    "the opening ```sh fence")
                elif language not in ("sh", "bash"):
                    problems.append(f"{doc}:{i + 1}: runnable block is ```{language}, not ```sh")
                else:
                    blocks.append(Block(doc, i + 1, language, pending[1], "\n".join(body) + "\n"))
                pending = None
            i = j + 1
            continue
        if pending and line.strip():
            problems.append(f"{doc}:{pending[0]}: runnable marker not followed by a ```sh block")
            pending = None
        i += 1
    if pending:
        problems.append(f"{doc}:{pending[0]}: runnable marker at the end of the file")
    return blocks, problems


def check_links(root, doc):
    """Relative links that do not resolve, and scripts/ paths that do not exist."""
    problems = []
    in_code = False
    for number, line in enumerate((root / doc).read_text(encoding="utf-8").splitlines(), 1):
        if FENCE.match(line):
            in_code = not in_code
        if not in_code:
            for target in LINK.findall(line):
                if re.match(r"^[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
                    continue
                path = target.split("#", 1)[0]
                if path and not ((root / doc).parent / path).exists():
                    problems.append(f"{doc}:{number}: link to {target}: no such file")
        for path in SCRIPT_PATH.findall(line):
            # Globs and placeholders (scripts/ci/NAME.sh) name no file.
            if any(c in path for c in "*?<>") or path.endswith("/") or re.search(r"/[A-Z][A-Z_]*(\.|/|$)", path):
                continue
            if not (root / path).exists():
                problems.append(f"{doc}:{number}: {path}: no such file")
    return problems


def run_block(root, block, env, rewrite, timeout):
    text = block.text if rewrite is None else block.text.replace("build/release/", rewrite)
    started = time.monotonic()
    try:
        done = subprocess.run(["bash", "--noprofile", "--norc", "-e", "-o", "pipefail", "-c", text],
                              cwd=root, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, timeout=timeout)
        status, output = done.returncode, done.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        status, output = None, (e.stdout or b"").decode(errors="replace")
    seconds = time.monotonic() - started
    if status == block.expected:
        print(f"docs.commands: {block.where()}: ok, exit {status} ({seconds:.1f} s)")
        return True
    what = f"timed out after {timeout} s" if status is None else f"exit {status}, expected {block.expected}"
    print(f"docs.commands: {block.where()}: FAILED: {what}\n--- block ---\n{text}--- output (tail) ---")
    print("\n".join(output.splitlines()[-40:]))
    print("---")
    return False


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("docs", nargs="*")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--vm", type=Path, help="the vm of the build under test: run the blocks")
    mode.add_argument("--check", action="store_true", help="check without running")
    mode.add_argument("--list", action="store_true", help="print the runnable blocks")
    parser.add_argument("--timeout", type=int, default=180, help="seconds per block (default 180)")
    args = parser.parse_args()

    root = args.root.resolve()
    docs = args.docs or GUIDES
    problems, blocks = [], []
    for doc in docs:
        if not (root / doc).is_file():
            problems.append(f"{doc}: no such file")
            continue
        found, bad = parse(root, doc)
        problems += bad
        blocks += found
        if not found:
            problems.append(f"{doc}: no runnable block (mark one with <!-- runnable -->)")

    if args.list:
        for b in blocks:
            print(f"--- {b.where()} (expect exit {b.expected})\n{b.text}", end="")
        return 0 if not problems else 1

    if args.check:
        for b in blocks:
            syntax = subprocess.run(["bash", "-n"], input=b.text.encode(), stdout=subprocess.PIPE,
                                    stderr=subprocess.STDOUT)
            if syntax.returncode != 0:
                problems.append(f"{b.where()}: bash syntax error: {syntax.stdout.decode().strip()}")
        link_docs = sorted({*docs, "README.md", *(str(p.relative_to(root)) for p in (root / "docs").glob("*.md"))})
        for doc in link_docs:
            if (root / doc).is_file():
                problems += check_links(root, doc)
        for p in problems:
            print(f"docs_check: {p}", file=sys.stderr)
        print(f"docs_check: {len(blocks)} runnable blocks in {len(docs)} guides, links and script paths of "
              f"{len(link_docs)} files: {'OK' if not problems else f'{len(problems)} problem(s)'}")
        return 0 if not problems else 1

    vm = args.vm.resolve()
    if not os.access(vm, os.X_OK):
        print(f"docs.commands: {vm}: not an executable", file=sys.stderr)
        return 2
    build_dir = vm.parent
    rewrite = None
    if build_dir != root / "build" / "release":
        rewrite = os.path.relpath(build_dir, root) + "/"
        print(f"docs.commands: build/release/ in the blocks becomes {rewrite}")
    env = dict(os.environ, VM=str(vm), VMM_BENCH_DIR=str(build_dir / "benches"))
    # vm bench compare appends to a CI job's summary page: not from the examples.
    env.pop("GITHUB_STEP_SUMMARY", None)
    ok = sum(run_block(root, b, env, rewrite, args.timeout) for b in blocks)
    for p in problems:
        print(f"docs.commands: {p}")
    print(f"docs.commands: {ok} of {len(blocks)} runnable blocks as expected")
    return 0 if ok == len(blocks) and not problems else 1


if __name__ == "__main__":
    sys.exit(main())
