"""quant-report: the metrics on constructed errors, and the report on the example model."""

from __future__ import annotations

import csv
import json
import math
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.analysis.metrics import ChannelStats, ErrorStats, SampleSeries

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"


def test_metrics_of_a_known_error():
    rng = np.random.default_rng(0)
    f = rng.normal(0, 1, 10000)
    scale = 0.05
    d = rng.uniform(-0.5, 0.5, f.size) * scale  # ideal rounding noise
    q = np.clip(np.round(f / scale), -128, 127)
    m = ErrorStats.of(f + d, f, q=q, qmin=-128, qmax=127, scale=scale).metrics()
    assert m["num_elements"] == 10000
    assert m["mean_error"] == pytest.approx(d.mean())
    assert m["mean_squared_error"] == pytest.approx(np.mean(d * d))
    assert m["stddev"] == pytest.approx(d.std(), rel=1e-9)
    assert m["max_abs_error"] == pytest.approx(np.abs(d).max())
    assert m["rmse_over_scale"] == pytest.approx(1 / math.sqrt(12), rel=0.02)  # 0.289 for uniform rounding noise
    assert m["sqnr_db"] == pytest.approx(20 * math.log10(np.linalg.norm(f) / np.linalg.norm(d)))
    assert m["cosine_similarity"] == pytest.approx(np.dot(f, f + d) / np.linalg.norm(f) / np.linalg.norm(f + d))
    assert m["saturation_rate"] == pytest.approx(np.mean((q == -128) | (q == 127)))


def test_merging_samples_equals_one_computation_over_all():
    rng = np.random.default_rng(1)
    parts = [(rng.normal(0, 1, n), rng.normal(0, 0.01, n)) for n in (10, 300, 77)]
    merged = None
    for f, d in parts:
        s = ErrorStats.of(f + d, f, scale=0.1)
        merged = s if merged is None else merged.merge(s)
    f = np.concatenate([p[0] for p in parts])
    d = np.concatenate([p[1] for p in parts])
    whole = ErrorStats.of(f + d, f, scale=0.1).metrics()
    for k, v in merged.metrics().items():
        assert v == pytest.approx(whole[k], rel=1e-12, abs=1e-15), k


def test_per_channel_and_edge_cases():
    f = np.zeros((2, 3))
    d = np.array([[0.0, 0.1, 0.2], [0.0, 0.1, 0.2]])
    ch = ChannelStats.of(f + d, f, axis=1, scales=[0.1, 0.1, 0.4])
    np.testing.assert_allclose(ch.rmse_over_scale(), [0.0, 1.0, 0.5])
    exact = ErrorStats.of(np.ones(4), np.ones(4), scale=1.0).metrics()
    assert exact["sqnr_db"] == math.inf and exact["cosine_similarity"] == pytest.approx(1.0)
    worst = SampleSeries([30.0, 10.0, 20.0]).summary("sqnr_db")
    assert worst["worst_sample"] == 1 and worst["mean_over_samples"] == pytest.approx(20.0)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    out = tmp_path_factory.mktemp("qr")
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", str(EXAMPLE / "digits_int8.tflite"),
                           "--dataset", str(EXAMPLE / "dataset"), "--json", str(out / "r.json"), "--csv", str(out / "r.csv"),
                           "--markdown", str(out / "r.md"), "--html", str(out / "r.html")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    return out, proc.stdout


def test_report_ranks_every_quantized_layer(report):
    out, table = report
    data = json.loads((out / "r.json").read_text())
    assert data["format"] == "tfldbg-quant-report" and data["version"] == 1 and data["samples"] == 64
    ops = [l["op"] for l in data["layers"]]
    assert ops == ["QUANTIZE", "CONV_2D", "DEPTHWISE_CONV_2D", "CONV_2D", "ADD", "MAX_POOL_2D", "CONV_2D",
                   "AVERAGE_POOL_2D", "FULLY_CONNECTED", "SOFTMAX"]
    for layer in data["layers"]:
        local, acc = layer["local"], layer["accumulated"]
        assert local["num_elements"] == acc["num_elements"] > 0
        assert local["rmse_over_scale"] <= 0.5  # one rounding per node, at most half a step each
        assert local["over_samples"]["sqnr_db"]["worst_sample"] in range(64)
        if layer["op"] == "MAX_POOL_2D":
            assert layer["amplification"]["rmse_over_scale"] is None  # no error of its own
    # The error grows along the graph: the classifier's accumulated error exceeds its local one.
    fc = next(l for l in data["layers"] if l["op"] == "FULLY_CONNECTED")
    assert fc["amplification"]["rmse_over_scale"] > 1.5
    # The terminal table is sorted worst first by SQNR (local).
    rows = [l for l in table.splitlines()[3:] if l.strip()]
    sqnr = [float(r.split()[3]) for r in rows]
    assert sqnr == sorted(sqnr)


def test_csv_markdown_and_json_agree(report):
    out, _ = report
    data = json.loads((out / "r.json").read_text())
    rows = list(csv.DictReader((out / "r.csv").open()))
    assert [int(r["step"]) for r in rows] == [l["step"] for l in data["layers"]]
    for r, l in zip(rows, data["layers"]):
        assert float(r["local_rmse_over_scale"]) == pytest.approx(l["local"]["rmse_over_scale"])
    md = (out / "r.md").read_text()
    assert md.count("\n| ") == len(data["layers"]) + 2  # header, separator, one row per layer


def test_html_is_self_contained(report):
    out, _ = report
    page = (out / "r.html").read_text()
    assert page.count("<svg") >= 4
    assert not re.search(r'(src|href)\s*=\s*"https?://', page) and "<script" not in page


def test_replays_given_directly_and_bad_input(tmp_path):
    tool = REPO / "build" / "release" / "bin" / "tfldbg"
    r = tmp_path / "r"
    subprocess.run([str(tool), "replay", str(EXAMPLE / "digits_int8.tflite"), "--out", str(r), "--seed", "3"], check=True,
                   capture_output=True)
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", "--replays", str(r)], capture_output=True, text=True)
    assert proc.returncode == 0 and "10 quantized layers, 1 sample(s)" in proc.stdout
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", "--replays", str(tmp_path / "nope")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and proc.stderr.startswith("tfldbg: error:") and proc.stderr.count("\n") == 1
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", str(EXAMPLE / "digits_float.tflite")],
                          capture_output=True, text=True)
    assert proc.returncode == 2 and "no quantized layers" in proc.stderr
