#!/usr/bin/env python3
"""Test of scripts/profile.sh: a flame graph of one benchmark.

Usage: profile_flamegraph_test.py PROFILE_SH BENCH_DIR BENCH SUITE

Runs profile.sh BENCH SUITE on the bench_SUITE of BENCH_DIR with a fixed,
small iteration count and checks that it prints the path of a well-formed
SVG (xml.etree parses it) with frames (rect elements), the benchmark
function among them. Exit 77 (skipped) only when neither valgrind nor perf
is installed.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

SVG = "{http://www.w3.org/2000/svg}"


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    script, bench_dir, bench, suite = sys.argv[1:]
    if shutil.which("valgrind") is None and shutil.which("perf") is None:
        print("SKIP: neither valgrind nor perf is installed (scripts/setup.sh installs valgrind)")
        return 77
    out_dir = tempfile.mkdtemp(prefix="vm-profile-test-")
    try:
        env = dict(os.environ, VMM_BENCH_DIR=bench_dir, VMM_PROFILE_OUT=out_dir, VMM_BENCH_ITERATIONS="100")
        result = subprocess.run(["bash", script, bench, suite], capture_output=True, text=True, env=env, timeout=280)
        sys.stderr.write(result.stderr)
        if result.returncode != 0:
            print(f"FAIL: profile.sh exited {result.returncode}")
            return 1
        lines = result.stdout.strip().splitlines()
        if not lines or not lines[-1].endswith(".svg") or not os.path.isfile(lines[-1]):
            print(f"FAIL: profile.sh did not print the path of an SVG: {result.stdout!r}")
            return 1
        svg = lines[-1]
        if not os.path.realpath(svg).startswith(os.path.realpath(out_dir)):
            print(f"FAIL: {svg} is not in VMM_PROFILE_OUT")
            return 1
        try:
            root = ET.parse(svg).getroot()
        except ET.ParseError as e:
            print(f"FAIL: {svg} is not well-formed XML: {e}")
            return 1
        failures = []
        if root.tag != SVG + "svg":
            failures.append(f"root element is {root.tag}, not svg")
        rects = root.findall(f".//{SVG}rect")
        frames = [r for r in rects if float(r.get("width", "0")) > 0 and r.get("height") != root.get("height")]
        if len(frames) < 2:
            failures.append(f"only {len(frames)} frames (rect elements) drawn")
        titles = [t.text or "" for t in root.iter(SVG + "title")]
        if not any(bench in t for t in titles):
            failures.append(f"no frame of {bench}")
        for f in failures:
            print(f"FAIL: {f}")
        if failures:
            return 1
        print(f"flame graph {os.path.basename(svg)}: {len(frames)} frames; all checks passed")
        return 0
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
