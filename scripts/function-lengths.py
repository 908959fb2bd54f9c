#!/usr/bin/env python3
"""Lengths of the functions in core/, plugins/ and lib/, read by universal-ctags.

  scripts/function-lengths.py                 the 20 longest, and how many are over 80 lines
  scripts/function-lengths.py --max 150 --over-80 N
                                              also exit 1 when a function is longer than 150
                                              lines or more than N are longer than 80

The project's rule (docs/architecture.md, "Style"): no function over 150 lines, only a handful
over 80. A length is counted from the line of the function's name to its closing brace.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FOLDERS = ["core", "plugins", "lib"]


def functions():
    ctags = shutil.which("ctags")
    if ctags is None:
        sys.exit("function-lengths: universal-ctags is not installed (scripts/install-deps.sh installs it)")
    folders = [f for f in FOLDERS if os.path.isdir(os.path.join(ROOT, f))]
    out = subprocess.run(
        [ctags, "--output-format=json", "--fields=+ne", "--languages=C,C++", "--kinds-C++=f",
         "--kinds-C=f", "-R", "-f", "-"] + folders,
        cwd=ROOT, check=True, capture_output=True, text=True).stdout
    rows = []
    for line in out.splitlines():
        tag = json.loads(line)
        if tag.get("_type") == "tag" and "end" in tag:
            rows.append((tag["end"] - tag["line"] + 1, f'{tag["path"]}:{tag["line"]}', tag["name"]))
    return sorted(rows, reverse=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--max", type=int, help="fail when a function is longer than this")
    ap.add_argument("--over-80", type=int, help="fail when more functions than this are over 80 lines")
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    rows = functions()
    over_80 = [r for r in rows if r[0] > 80]
    for length, where, name in rows[: args.top]:
        print(f"{length:5d}  {name}  {where}")
    print(f"{len(rows)} functions, {len(over_80)} over 80 lines, longest {rows[0][0] if rows else 0}")
    failed = False
    if args.max is not None and rows and rows[0][0] > args.max:
        print(f"function-lengths: {rows[0][2]} ({rows[0][1]}) is {rows[0][0]} lines, over {args.max}",
              file=sys.stderr)
        failed = True
    if args.over_80 is not None and len(over_80) > args.over_80:
        print(f"function-lengths: {len(over_80)} functions over 80 lines, more than {args.over_80}",
              file=sys.stderr)
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
