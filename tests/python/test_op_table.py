"""docs/ops.md is generated from the op table and kept in step with it."""

from __future__ import annotations

import json
from pathlib import Path

from tfldbg.backends.engine import run_tool
from tfldbg.render.ops_doc import render

DOC = Path(__file__).resolve().parents[2] / "docs" / "ops.md"


def test_docs_ops_md_is_the_op_table():
    table = json.loads(run_tool("ops", "--json").stdout)
    assert DOC.read_text() == render(table), "docs/ops.md is stale: run `tfldbg ops-doc --out docs/ops.md`"


def test_every_builtin_operator_has_a_row():
    table = json.loads(run_tool("ops", "--json").stdout)
    rows = [o for o in table["ops"] if not o["custom"]]
    assert len({o["builtin_code"] for o in rows}) == len(rows)
    for o in rows:
        assert o["supported"] or o["why_not"], o
        assert not o["supported"] or o["dtypes"], o
