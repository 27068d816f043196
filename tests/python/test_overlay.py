"""overlay: a quant-report metric as Model Explorer node data and on tfldbg's HTML graph."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tfldbg.render.overlay import badness, color_at

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("ov")
    subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", str(EXAMPLE / "digits_int8.tflite"), "--seed", "0",
                    "--json", str(out / "r.json")], check=True, capture_output=True)
    return out


def test_node_data_names_every_quantized_operator(report):
    out = report
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "overlay", str(out / "r.json"), "--metric", "rmse_over_scale",
                           "--side", "accumulated", "--out", str(out / "nd.json"), "--graph-html", str(out / "g.html")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((out / "nd.json").read_text())
    assert list(data) == ["main"]  # Model Explorer's id of an unnamed or "main" first subgraph
    results = data["main"]["results"]
    report_json = json.loads((out / "r.json").read_text())
    assert set(results) == {str(l["node"]) for l in report_json["layers"]}
    for l in report_json["layers"]:
        r = results[str(l["node"])]
        assert r["value"] == pytest.approx(l["accumulated"]["rmse_over_scale"])
        assert r["bgColor"].startswith("#") and len(r["bgColor"]) == 7
    assert [g["stop"] for g in data["main"]["gradient"]] == [0.0, 0.5, 1.0]
    # The worst layer is red, the best green; the HTML graph carries the same colors.
    worst = max(report_json["layers"], key=lambda l: l["accumulated"]["rmse_over_scale"])
    assert results[str(worst["node"])]["bgColor"] == color_at(1.0)
    page = (out / "g.html").read_text()
    assert results[str(worst["node"])]["bgColor"] in page and "rmse_over_scale (accumulated)" in page


def test_ranks_not_outliers_decide_colors():
    assert badness([10.0, 20.0, 1000.0], "sqnr_db") == [1.0, 0.5, 0.0]  # higher SQNR is better
    assert badness([0.1, None, 0.3], "rmse_over_scale") == [0.0, None, 1.0]


def test_bad_input_is_one_line(tmp_path):
    bad = tmp_path / "x.json"
    bad.write_text('{"format": "something else"}')
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "overlay", str(bad), "--out", str(tmp_path / "o.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "not a quant-report JSON" in proc.stderr and proc.stderr.count("\n") == 1
    proc = subprocess.run([str(REPO / "build" / "release" / "bin" / "tfldbg"), "graph", str(EXAMPLE / "digits_int8.tflite"),
                           "-o", str(tmp_path / "g.html"), "--overlay", str(bad.parent / "missing.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 1 and "--overlay" in proc.stderr and proc.stderr.count("\n") == 1
