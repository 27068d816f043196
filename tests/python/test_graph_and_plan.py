"""`tfldbg graph` and `tfldbg info --plan` on the bundled example."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tfldbg import run_tool

MODEL = Path(__file__).resolve().parents[2] / "examples" / "digits" / "digits_int8.tflite"


def test_dot_has_every_operator_and_io(tmp_path):
    run_tool("graph", str(MODEL), "-o", str(tmp_path / "g.dot"))
    dot = (tmp_path / "g.dot").read_text()
    assert dot.startswith("digraph")
    assert len(re.findall(r"^  op\d+ \[", dot, re.M)) == 11
    assert "in0 [" in dot and "out21 [" in dot
    assert "int8[1,8,8,16] s=" in dot  # edges carry dtype, shape and quantization


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz's dot is not installed")
def test_svg_is_rendered_by_graphviz(tmp_path):
    run_tool("graph", str(MODEL), "-o", str(tmp_path / "g.svg"))
    assert "<svg" in (tmp_path / "g.svg").read_text()


def test_html_is_self_contained_and_carries_the_model(tmp_path):
    run_tool("graph", str(MODEL), "-o", str(tmp_path / "g.html"))
    html = (tmp_path / "g.html").read_text()
    assert not re.search(r"(src|href)=\"(https?:)?//", html), "the page must not load anything from the network"
    data = re.search(r'<script id="model-data" type="application/json">(.*?)</script>', html, re.S).group(1)
    info = json.loads(data)
    assert info["format"] == "tfldbg-info"
    assert [op["op"] for op in info["subgraphs"][0]["operators"]][:2] == ["QUANTIZE", "CONV_2D"]


def test_graph_refuses_unknown_extensions(tmp_path):
    proc = run_tool("graph", str(MODEL), "-o", str(tmp_path / "g.png"), check=False)
    assert proc.returncode == 1
    assert "must end in .dot, .svg or .html" in proc.stderr


def test_info_plan_reports_both_planners_and_the_bound():
    text = run_tool("info", "--plan", str(MODEL)).stdout
    assert re.search(r"memory plan \(reuse\): arena \d+ bytes, lower bound \d+ bytes \(1\.000x\)", text), text[-600:]
    assert "memory plan (no_reuse): arena" in text
    assert "step | arena 0 .." in text
    plan = json.loads(run_tool("info", "--json", "--plan", str(MODEL)).stdout)["plan"]
    assert plan["reuse"]["arena_bytes"] >= plan["reuse"]["lower_bound_bytes"]
    assert plan["no_reuse"]["arena_bytes"] >= plan["reuse"]["arena_bytes"]
