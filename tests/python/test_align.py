"""Aligning a quantized model with its float original."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import SHARED_MODELS
from tfldbg.analysis.align import align, align_paths

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"


def test_the_example_pair_aligns_completely():
    al = align_paths(EXAMPLE / "digits_int8.tflite", EXAMPLE / "digits_float.tflite")
    assert not al.unaligned
    got = [(p.quant_step, p.op, p.how, p.float_step) for p in al.pairs]
    assert got == [(0, "QUANTIZE", "border", None), (1, "CONV_2D", "name", 0), (2, "DEPTHWISE_CONV_2D", "name", 1),
                   (3, "CONV_2D", "name", 2), (4, "ADD", "name", 3), (5, "MAX_POOL_2D", "name", 4),
                   (6, "CONV_2D", "name", 5), (7, "AVERAGE_POOL_2D", "name", 6), (8, "FULLY_CONNECTED", "name", 7),
                   (9, "SOFTMAX", "structure", 8), (10, "DEQUANTIZE", "border", None)]
    assert al.pairs[0].float_name == "serving_default_image:0"


@pytest.mark.parametrize("pair", [("mlperf_tiny_resnet8_int8", "mlperf_tiny_resnet8_float"),
                                  ("mlperf_tiny_vww_96_int8", "mlperf_tiny_vww_96_float"),
                                  ("tflm_hello_world_int8", "tflm_hello_world_float"),
                                  ("tflm_mnist_lstm_int8", "tflm_mnist_lstm_float")])
def test_real_pairs_align_completely(require_shared_models, pair):
    q, f = (SHARED_MODELS / "real" / f"{n}.tflite" for n in pair)
    al = align_paths(q, f)
    assert not al.unaligned, al.unaligned
    assert all(p.how in ("name", "fused-name", "structure", "border") for p in al.pairs)


def manifest(steps):
    """A minimal manifest: steps of (op, output name, shape); tensor i is step i's output."""
    tensors = [{"index": i, "name": n, "shape": list(s)} for i, (_, n, s) in enumerate(steps)]
    return {"subgraphs": [{"index": 0, "inputs": [], "outputs": [len(steps) - 1], "tensors": tensors}],
            "steps": [{"step": i, "op": op, "subgraph": 0, "outputs": [{"tensor": i}]} for i, (op, _, _) in enumerate(steps)]}


def test_fused_names_structure_and_reasons():
    quant = manifest([("CONV_2D", "net/conv/Relu;net/conv/BiasAdd", (1, 4, 4, 8)),
                      ("CONV_2D", "renamed_by_someone", (1, 4, 4, 8)),
                      ("ADD", "net/add", (1, 4, 4, 8)),
                      ("MEAN", "net/mean", (1, 8))])
    flt = manifest([("CONV_2D", "net/conv/BiasAdd;net/conv/Conv2D", (1, 4, 4, 8)),
                    ("CONV_2D", "net/conv2/BiasAdd", (1, 4, 4, 8)),
                    ("ADD", "net/add", (1, 4, 4, 16)),
                    ("SOFTMAX", "net/prob", (1, 8))])
    al = align(quant, flt)
    hows = {p.quant_step: (p.how, p.float_step) for p in al.pairs}
    assert hows[0] == ("fused-name", 0)
    assert hows[1] == ("structure", 1)
    reasons = {u.quant_step: u.reason for u in al.unaligned}
    assert reasons[2].startswith("shape differs: [1, 4, 4, 8] vs [1, 4, 4, 16]")
    assert reasons[3] == "no float tensor with this name or structure"


def test_cli_writes_json(tmp_path):
    out = tmp_path / "a.json"
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "align", str(EXAMPLE / "digits_int8.tflite"),
                           str(EXAMPLE / "digits_float.tflite"), "--json", str(out)], capture_output=True, text=True)
    assert proc.returncode == 0 and "11 of 11 quantized steps aligned" in proc.stdout
    assert len(json.loads(out.read_text())["pairs"]) == 11


def test_quant_report_against_the_float_model(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", str(EXAMPLE / "digits_int8.tflite"), "--input",
                           f"0={EXAMPLE / 'inputs' / 'sample_0.npy'}", "--float", str(EXAMPLE / "digits_float.tflite"),
                           "--json", str(tmp_path / "r.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    layers = json.loads((tmp_path / "r.json").read_text())["layers"]
    assert all(l["float_model"] is not None for l in layers)  # every layer aligned
    # Against the original float weights the error is at least the dequantized-weights one (weights add error).
    conv = next(l for l in layers if l["op"] == "CONV_2D")
    assert conv["float_model"]["tensor"].startswith("digits_cnn_1/conv1_1")
    assert conv["float_model"]["mean_squared_error"] >= conv["accumulated"]["mean_squared_error"] * 0.5
