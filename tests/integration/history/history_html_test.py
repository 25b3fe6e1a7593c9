#!/usr/bin/env python3
"""End-to-end test of `vm bench history` and its trend page.

Usage: history_html_test.py VM FIXTURES_DIR

Appends every fixture run (FIXTURES_DIR/runNN, oldest first: one
`vm bench history` per run, as CI does) to a fresh history, checks the
shards and the change points found, then loads the HTML page in headless
Chromium: the DOM must hold one chart per benchmark with drawn series, and a
screenshot must show the series and the change-point marker in their colours.

Exit status 77 (ctest SKIP_RETURN_CODE) only when chromium is not installed.
"""
import html.parser
import os
import shutil
import subprocess
import sys
import tempfile
import zlib
from pathlib import Path

SKIP = 77
SERIES_RGB = (0x1F, 0x77, 0xB4)  # .series stroke and .point fill in history.cpp
CHANGE_RGB = (0xD6, 0x27, 0x28)  # .change-point stroke
EXPECTED = {
    "cross_arch/BM_InterpreterCpuMix": 0,
    "memory/BM_GuestRamWriteRead/4096": 0,  # one spike (run 5): not a change point
    "memory/BM_ObjectPoolAllocFree": 0,
    "memory/BM_TlbHitLoad": 1,  # instructions 8210 -> 9350 from run 7
}

failures = []


def check(condition, message):
    if not condition:
        failures.append(message)
        print(f"FAIL: {message}", file=sys.stderr)
    return condition


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, timeout=120, **kwargs)


class ChartParser(html.parser.HTMLParser):
    """Collects the trend charts of a DOM dump: attributes and series paths."""

    def __init__(self):
        super().__init__()
        self.charts = []
        self.depth = 0  # inside a trend chart when > 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "svg" and "trend-chart" in (a.get("class") or "").split():
            self.charts.append({"attrs": a, "paths": [], "change_points": 0, "circles": 0})
            self.depth = 1
            return
        if not self.depth:
            return
        if tag == "svg":
            self.depth += 1
        chart = self.charts[-1]
        if tag == "path" and "series" in (a.get("class") or "").split():
            chart["paths"].append(a.get("d") or "")
        if tag == "g" and "change-point" in (a.get("class") or "").split():
            chart["change_points"] += 1
        if tag == "circle":
            chart["circles"] += 1

    def handle_endtag(self, tag):
        if tag == "svg" and self.depth:
            self.depth -= 1


def read_png(path):
    """Decodes an 8-bit RGB or RGBA PNG (what Chromium writes): (width, height, channels, rows)."""
    data = Path(path).read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length = int.from_bytes(data[pos : pos + 4], "big")
        kind = data[pos + 4 : pos + 8]
        body = data[pos + 8 : pos + 8 + length]
        pos += 12 + length
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        elif kind == b"IEND":
            break
    width, height = int.from_bytes(header[0:4], "big"), int.from_bytes(header[4:8], "big")
    depth, color, interlace = header[8], header[9], header[12]
    if depth != 8 or color not in (2, 6) or interlace != 0:
        raise ValueError(f"unsupported PNG (depth {depth}, colour type {color}, interlace {interlace})")
    channels = 3 if color == 2 else 4
    raw = zlib.decompress(idat)
    stride = width * channels
    rows, previous = [], bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        if kind == 1:  # Sub
            for i in range(channels, stride):
                line[i] = (line[i] + line[i - channels]) & 0xFF
        elif kind == 2:  # Up
            line = bytearray((a + b) & 0xFF for a, b in zip(line, previous))
        elif kind == 3:  # Average
            for i in range(stride):
                left = line[i - channels] if i >= channels else 0
                line[i] = (line[i] + ((left + previous[i]) >> 1)) & 0xFF
        elif kind == 4:  # Paeth
            for i in range(stride):
                a = line[i - channels] if i >= channels else 0
                b = previous[i]
                c = previous[i - channels] if i >= channels else 0
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                predictor = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + predictor) & 0xFF
        elif kind != 0:
            raise ValueError(f"bad PNG filter {kind}")
        rows.append(line)
        previous = line
    return width, height, channels, rows


def count_near(rows, channels, rgb, tolerance=40):
    n = 0
    for line in rows:
        for i in range(0, len(line), channels):
            if (
                abs(line[i] - rgb[0]) <= tolerance
                and abs(line[i + 1] - rgb[1]) <= tolerance
                and abs(line[i + 2] - rgb[2]) <= tolerance
            ):
                n += 1
    return n


def chromium_command(chromium, profile_dir):
    # No network, no first-run or background work, nothing from the host profile.
    return [
        chromium,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
        f"--user-data-dir={profile_dir}",
    ]


def main():
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    vm, fixtures = sys.argv[1], Path(sys.argv[2])
    work = Path(tempfile.mkdtemp(prefix="vm-history-test-"))
    try:
        return test(vm, fixtures, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def test(vm, fixtures, work):
    data, page = work / "perf-data", work / "history.html"
    runs = sorted(p for p in fixtures.iterdir() if p.is_dir() and p.name.startswith("run"))
    if not check(len(runs) >= 10, f"expected the fixture runs in {fixtures}"):
        return 1

    # (a) One invocation per run, as CI appends one run at a time.
    last = None
    for r in runs:
        last = run([vm, "bench", "history", "--results", str(r), "--data", str(data), "--html", str(page)])
        if not check(last.returncode == 0, f"vm bench history on {r.name}: exit {last.returncode}: {last.stderr}"):
            return 1
    print(last.stdout, end="")
    change_lines = [l for l in last.stdout.splitlines() if l.startswith("change point: ")]
    check(len(change_lines) == 1, f"expected one change point, got {change_lines}")
    check(
        any("memory/BM_TlbHitLoad: instructions +13.9%" in l and "run 7 of 12" in l for l in change_lines),
        f"the step of BM_TlbHitLoad at run 7 is reported: {change_lines}",
    )
    memory_shards = sorted((data / "memory").glob("*.jsonl"))
    check([p.name for p in memory_shards] == ["000001.jsonl"], f"memory shards: {memory_shards}")
    if memory_shards:
        lines = memory_shards[0].read_text().splitlines()
        check(len(lines) == 3 * len(runs), f"one line per run and benchmark, got {len(lines)}")
    check((data / "cross_arch" / "000001.jsonl").is_file(), "cross_arch shard written")

    again = run([vm, "bench", "history", "--results", str(runs[-1]), "--data", str(data), "--html", str(page)])
    check(again.returncode == 0 and "0 new lines" in again.stdout, f"re-appending a run adds nothing: {again.stdout}")
    bad = run([vm, "bench", "history", "--results", str(work / "missing"), "--data", str(data), "--html",
               str(work / "x.html")])
    check(bad.returncode == 2 and "vm: bench history:" in bad.stderr, f"bad input exits 2: {bad.returncode} {bad.stderr}")

    text = page.read_text()
    check("<script" not in text and "<link" not in text, "the page is self-contained")

    # (b) Load the page in Chromium.
    chromium = shutil.which("chromium")
    if chromium is None:
        print("SKIP: chromium is not installed (scripts/setup.sh installs it)")
        return SKIP if not failures else 1
    url = page.resolve().as_uri()

    dom = run(chromium_command(chromium, work / "profile-dom") + ["--dump-dom", url])
    check(dom.returncode == 0, f"chromium --dump-dom: exit {dom.returncode}: {dom.stderr[-2000:]}")
    parser = ChartParser()
    parser.feed(dom.stdout)
    charts = {c["attrs"].get("data-benchmark"): c for c in parser.charts}
    check(set(charts) == set(EXPECTED), f"one chart per benchmark: {sorted(charts)}")
    for name, chart in charts.items():
        paths = chart["paths"]
        check(len(paths) == 1 and paths[0].startswith("M") and paths[0].count("L") == len(runs) - 1,
              f"{name}: series path with {len(runs)} points: {paths}")
        check(chart["circles"] == len(runs), f"{name}: {chart['circles']} points drawn")
        check(chart["change_points"] == EXPECTED.get(name), f"{name}: {chart['change_points']} change points")

    shot = work / "history.png"
    screenshot = run(chromium_command(chromium, work / "profile-shot")
                     + ["--window-size=900,1500", f"--screenshot={shot}", url])
    if check(shot.is_file(), f"chromium --screenshot wrote nothing: {screenshot.stderr[-2000:]}"):
        width, height, channels, rows = read_png(shot)
        check((width, height) == (900, 1500), f"screenshot size {width}x{height}")
        series = count_near(rows, channels, SERIES_RGB)
        change = count_near(rows, channels, CHANGE_RGB)
        distinct = len({bytes(line[i : i + 3]) for line in rows[::25] for i in range(0, len(line), channels * 5)})
        print(f"screenshot: {series} series pixels, {change} change-point pixels, {distinct} colours sampled")
        check(distinct > 10, "the screenshot is not blank")
        check(series > 2000, f"the series lines are drawn ({series} pixels)")
        check(change > 50, f"the change-point marker is drawn ({change} pixels)")

    if failures:
        print(f"{len(failures)} checks failed", file=sys.stderr)
        return 1
    print("history page renders: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
