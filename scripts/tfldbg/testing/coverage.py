"""The op sweeps' coverage: which operator ran on which type how many times
against LiteRT, held against the types the op table claims.

    TFLDBG_SWEEP_LOG=build/sweeps.jsonl pytest tests/python
    python -m tfldbg sweep-coverage build/sweeps.jsonl [--markdown FILE]

Exit 1 when a type the op table (`tfldbg ops --json`) lists for an operator was
never checked against LiteRT by a check that matched. (A check that did not
match is counted apart: some tests compare only part of an output on purpose
and assert on that themselves.)
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

# Op-table type words that are not tensor types (no sweep can log them).
_NOT_TYPES = {"any", "resource"}


def read_log(path: str | Path) -> Counter:
    counts: Counter = Counter()
    for line in Path(path).read_text().splitlines():
        if line.strip():
            rec = json.loads(line)
            counts[(rec["op"], rec["dtype"], bool(rec["matched"]))] += 1
    return counts


def table(counts: Counter, ops: list[dict]) -> tuple[list[dict], list[str]]:
    """Rows {op, family, dtype, cases} for every claimed type, and the problems."""
    rows, problems = [], []
    for op in ops:
        if not op["supported"]:
            continue
        for dtype in op["dtypes"]:
            if dtype in _NOT_TYPES:
                continue
            cases = counts[(op["op"], dtype, True)]
            failed = counts[(op["op"], dtype, False)]
            rows.append({"op": op["op"], "family": op["family"], "dtype": dtype, "cases": cases, "failed": failed})
            if cases == 0:
                problems.append(f"{op['op']} {dtype}: the op table lists it, but no sweep checked it against LiteRT")
    return rows, problems


def markdown(rows: list[dict]) -> str:
    lines = ["| operator | family | type | cases checked against LiteRT |", "| --- | --- | --- | --- |"]
    lines += [f"| {r['op']} | {r['family']} | {r['dtype']} | {r['cases']} |" for r in rows]
    return "\n".join(lines) + "\n"


def add_arguments(p) -> None:
    p.add_argument("log", help="the JSON-lines file the sweeps wrote with TFLDBG_SWEEP_LOG")
    p.add_argument("--markdown", metavar="FILE", help="also write the ops x types table as Markdown")


def run(args) -> int:
    from tfldbg.backends.engine import run_tool

    ops = json.loads(run_tool("ops", "--json").stdout)["ops"]
    rows, problems = table(read_log(args.log), ops)
    if args.markdown:
        Path(args.markdown).write_text(markdown(rows))
    total = sum(r["cases"] for r in rows)
    print(f"{len(rows)} operator x type pairs claimed; {sum(1 for r in rows if r['cases'])} checked against LiteRT "
          f"in {total} step runs")
    for p in problems:
        print(f"tfldbg: sweep coverage: {p}")
    return 1 if problems else 0
