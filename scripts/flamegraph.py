#!/usr/bin/env python3
"""Flame graphs without downloading anything: python3 standard library only.

  flamegraph.py fold-callgrind CALLGRIND_OUT [-o FOLDED] [--root REGEX]
      callgrind output -> folded stacks ("main;run;step 1234" per line)
  flamegraph.py fold-perf [PERF_SCRIPT_OUTPUT] [-o FOLDED] [--root REGEX]
      `perf script` output (stdin when no file) -> folded stacks
      (--root: start every stack at its first frame matching REGEX, e.g. the
      benchmark function, dropping the stacks without one)
  flamegraph.py render FOLDED -o OUT.svg [--title T] [--unit U] [--width PX]
      folded stacks -> a self-contained SVG flame graph (no scripts, no fonts)

scripts/profile.sh runs these for one benchmark.

Callgrind records costs per function and per caller -> callee edge, not
whole stacks, so fold-callgrind rebuilds the tree by sharing each function's
inclusive cost among its callees in proportion to what callgrind measured for
each edge. That is exact for functions called from one place and an estimate
for functions called from several (the usual callgrind-to-flame-graph caveat).
"""
import argparse
import collections
import hashlib
import re
import sys
from xml.sax.saxutils import escape, quoteattr

# ---------------------------------------------------------------------------
# callgrind


def parse_callgrind(lines):
    """Returns (self_cost, calls, event) from callgrind output lines.

    self_cost: {function: cost of its own instructions}
    calls: {caller: {callee: inclusive cost of the calls}}
    A function is (name, object): callgrind names e.g. "(below main)" in
    both libc and the executable, and merging them would make a false cycle.
    Only the first event (Ir, instructions) is used.
    """
    names = {"fn": {}, "fl": {}, "ob": {}}  # compressed name tables (shared by fn/cfn, fl/fi/fe/cfi/cfl...)
    space = {"fn": "fn", "cfn": "fn", "fl": "fl", "fi": "fl", "fe": "fl", "cfi": "fl", "cfl": "fl", "ob": "ob",
             "cob": "ob"}
    positions = 1
    event = "Ir"
    self_cost = collections.defaultdict(int)
    calls = collections.defaultdict(lambda: collections.defaultdict(int))
    obj = ""
    callee_obj = None  # cob= of the next call, else the caller's object
    function = ("???", "")
    callee = None
    pending_call = False  # the next cost line is the inclusive cost of a call

    def name_of(kind, text):
        text = text.strip()
        m = re.match(r"\((\d+)\)\s*(.*)$", text)
        if not m:
            return text
        table = names[space[kind]]
        if m.group(2):
            table[m.group(1)] = m.group(2)
        return table.get(m.group(1), f"?{m.group(1)}")

    for raw in lines:
        line = raw.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        c = line[0]
        if c.isdigit() or c in "+-*" or line.startswith("0x"):
            fields = line.split()
            cost = int(fields[positions]) if len(fields) > positions and fields[positions].isdigit() else 0
            if pending_call:
                calls[function][callee] += cost
                pending_call = False
            else:
                self_cost[function] += cost
            continue
        key, _, value = line.partition("=")
        if key in space and _:
            name = name_of(key, value)
            if key == "ob":
                obj = name
            elif key == "cob":
                callee_obj = name
            elif key == "fn":
                function = (name, obj)
                self_cost[function] += 0
            elif key == "cfn":
                callee = name
            continue
        if key == "calls" and _:
            callee = (callee[0] if isinstance(callee, tuple) else callee, callee_obj if callee_obj is not None else obj)
            callee_obj = None
            pending_call = True
            continue
        if line.startswith("positions:"):
            positions = len(line.split(":", 1)[1].split())
        elif line.startswith("events:"):
            event = (line.split(":", 1)[1].split() or ["Ir"])[0]
    return self_cost, calls, event


def fold_callgrind(lines, min_share=0.0002, max_depth=128):
    """Folded stacks {stack tuple: cost} from callgrind output."""
    self_cost, calls, _ = parse_callgrind(lines)
    called = {g for f in calls for g, cost in calls[f].items() if cost > 0 and g != f}
    functions = set(self_cost) | set(calls)
    inclusive = {f: self_cost.get(f, 0) + sum(c for g, c in calls.get(f, {}).items() if g != f) for f in functions}
    roots = [f for f in functions if f not in called and inclusive[f] > 0]
    if not roots and inclusive:
        roots = [max(inclusive, key=inclusive.get)]
    total = sum(inclusive[f] for f in roots)
    threshold = total * min_share
    folded = collections.defaultdict(float)

    def visit(function, budget, stack):
        stack = stack + (function,)
        own = self_cost.get(function, 0)
        if inclusive.get(function, 0) <= 0 or budget < threshold or len(stack) >= max_depth:
            folded[stack] += budget  # nothing known below, or too small to split further
            return
        # Shares of the function's inclusive cost; calls back into a frame
        # already on the stack (recursion, or a cycle through callgrind's
        # "(below main)") are counted there already and are dropped.
        scale = budget / inclusive[function]
        if own:
            folded[stack] += own * scale
        for callee, cost in calls.get(function, {}).items():
            if cost > 0 and callee not in stack:
                visit(callee, cost * scale, stack)

    for root in sorted(roots):
        visit(root, float(inclusive[root]), ())
    named = collections.defaultdict(float)  # stacks of names, without the objects
    for stack, value in folded.items():
        named[tuple(name for name, _ in stack)] += value
    return {stack: round(v) for stack, v in named.items() if round(v) > 0}


def trim_to_root(folded, pattern):
    """Keeps only the stacks through a frame matching pattern, starting them there.

    Used to start the graph at the benchmark function instead of main and
    Google Benchmark's runner. Returns folded unchanged when no frame matches.
    """
    regex = re.compile(pattern)
    trimmed = collections.defaultdict(int)
    for stack, value in folded.items():
        for i, frame in enumerate(stack):
            if regex.search(frame):
                trimmed[stack[i:]] += value
                break
    if not trimmed:
        print(f"flamegraph: no frame matches {pattern!r}; keeping whole stacks", file=sys.stderr)
        return folded
    return dict(trimmed)


# ---------------------------------------------------------------------------
# perf


def fold_perf(lines):
    """Folded stacks {stack tuple: samples} from `perf script` output."""
    folded = collections.defaultdict(int)
    stack = []
    in_sample = False

    def flush():
        if stack:
            folded[tuple(reversed(stack))] += 1
        stack.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if not line.strip():
            flush()
            in_sample = False
            continue
        if not line[0].isspace():  # a sample header: comm pid time: period event:
            flush()
            in_sample = True
            continue
        if not in_sample:
            continue
        # "\t    55d5c1b2 symbol+0x1a (/path/to/dso)"
        parts = line.strip().split(" ", 1)
        rest = parts[1] if len(parts) > 1 else "[unknown]"
        m = re.match(r"(.*?)(?:\+0x[0-9a-f]+)? \((.*)\)$", rest)
        symbol, dso = (m.group(1), m.group(2)) if m else (rest, "")
        if symbol in ("[unknown]", ""):
            symbol = f"[{dso.rsplit('/', 1)[-1]}]" if dso else "[unknown]"
        stack.append(symbol)
    flush()
    return dict(folded)


# ---------------------------------------------------------------------------
# folded stacks


def write_folded(folded, out):
    for stack, value in sorted(folded.items()):
        out.write(";".join(frame.replace(";", ":") for frame in stack) + f" {value}\n")


def read_folded(lines):
    folded = collections.defaultdict(int)
    for line in lines:
        line = line.rstrip("\n")
        if not line.strip():
            continue
        stack, _, value = line.rpartition(" ")
        try:
            count = int(float(value))
        except ValueError:
            raise SystemExit(f"flamegraph: not folded stacks: {line[:80]!r}")
        if stack and count > 0:
            folded[tuple(stack.split(";"))] += count
    return folded


# ---------------------------------------------------------------------------
# SVG


class Node:
    __slots__ = ("name", "value", "children")

    def __init__(self, name):
        self.name = name
        self.value = 0
        self.children = {}


def build_tree(folded):
    root = Node("all")
    for stack, value in folded.items():
        root.value += value
        node = root
        for frame in stack:
            node = node.children.setdefault(frame, Node(frame))
            node.value += value
    return root


def depth_of(node):
    return 1 + max((depth_of(c) for c in node.children.values()), default=0)


def colour(name):
    # Warm colours, stable per function name, like the classic flame graphs.
    h = hashlib.md5(name.encode("utf-8", "replace")).digest()
    return f"rgb({205 + h[0] % 50},{80 + h[1] % 150},{h[2] % 55})"


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def clean(text):
    return _CONTROL.sub("?", text)


def render_svg(folded, title, unit, width=1200):
    root = build_tree(folded)
    frame_height, font_size, top, bottom, side = 17, 11, 44, 24, 10
    depth = depth_of(root)
    height = top + depth * frame_height + bottom
    total = max(root.value, 1)
    scale = (width - 2 * side) / total
    char_width = font_size * 0.6
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" class="flamegraph" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" font-family="monospace" font-size="{font_size}">',
        f"<title>{escape(clean(title))}</title>",
        f'<rect x="0" y="0" width="{width}" height="{height}" fill="#fdf6e3"/>',
        f'<text x="{width / 2:.1f}" y="22" text-anchor="middle" font-size="16">{escape(clean(title))}</text>',
        f'<text x="{side}" y="{height - 8}" fill="#555">total: {total:,} {escape(unit)}; '
        "width = share of the total, bottom = outermost frame; hover a frame for its cost</text>",
    ]

    def draw(node, x, level):
        w = node.value * scale
        if w < 0.3:
            return
        y = height - bottom - (level + 1) * frame_height
        share = 100.0 * node.value / total
        label = clean(node.name)
        tip = f"{label} ({node.value:,} {unit}, {share:.2f}%)"
        out.append(f"<g><title>{escape(tip)}</title>")
        out.append(
            f'<rect x="{x:.2f}" y="{y}" width="{w:.2f}" height="{frame_height - 1}" '
            f'fill={quoteattr(colour(node.name))} rx="2" ry="2"/>'
        )
        fits = int((w - 6) / char_width)
        if fits >= 3:
            text = label if len(label) <= fits else label[: fits - 2] + ".."
            out.append(f'<text x="{x + 3:.2f}" y="{y + frame_height - 5}">{escape(text)}</text>')
        out.append("</g>")
        child_x = x
        for child in sorted(node.children.values(), key=lambda c: c.name):
            draw(child, child_x, level + 1)
            child_x += child.value * scale

    draw(root, side, 0)
    out.append("</svg>")
    return "\n".join(out) + "\n"


# ---------------------------------------------------------------------------


def open_input(path):
    if path in (None, "-"):
        return sys.stdin
    return open(path, encoding="utf-8", errors="replace")


def open_output(path):
    if path in (None, "-"):
        return sys.stdout
    return open(path, "w", encoding="utf-8")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("fold-callgrind", help="callgrind output -> folded stacks")
    p.add_argument("input")
    p.add_argument("-o", "--output")
    p.add_argument("--root", help="start the stacks at the first frame matching this regex")
    p = sub.add_parser("fold-perf", help="perf script output -> folded stacks")
    p.add_argument("input", nargs="?")
    p.add_argument("-o", "--output")
    p.add_argument("--root", help="start the stacks at the first frame matching this regex")
    p = sub.add_parser("render", help="folded stacks -> SVG flame graph")
    p.add_argument("input")
    p.add_argument("-o", "--output", required=True)
    p.add_argument("--title", default="Flame graph")
    p.add_argument("--unit", default="samples")
    p.add_argument("--width", type=int, default=1200)
    args = parser.parse_args(argv)

    with open_input(args.input) as source:
        lines = list(source)
    if args.command == "render":
        folded = read_folded(lines)
        if not folded:
            print(f"flamegraph: {args.input}: no stacks", file=sys.stderr)
            return 1
        with open_output(args.output) as out:
            out.write(render_svg(folded, args.title, args.unit, args.width))
        return 0
    folded = fold_callgrind(lines) if args.command == "fold-callgrind" else fold_perf(lines)
    if folded and args.root:
        folded = trim_to_root(folded, args.root)
    if not folded:
        print(f"flamegraph: {args.input or 'stdin'}: no samples", file=sys.stderr)
        return 1
    with open_output(args.output) as out:
        write_folded(folded, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
