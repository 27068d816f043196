"""explain: every node of the listed ops, recomputed in numpy integer arithmetic, equals the dump."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import shared_models
from tfldbg import load_dump
from tfldbg.analysis.explain import OPS, ExplainError, explain, mbqm, quantize_multiplier, rdbpot, srdhm
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import find_binary

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"
QUANTIZED = [EXAMPLE / "digits_int8.tflite"] + [
    m for m in shared_models("real", "*.tflite")
    if any(k in m.name for k in ("int8", "uint8", "int16")) and "lstm" not in m.name and "svdf" not in m.name]


def dump(model: Path, out: Path, rounding: str = "litert") -> Path:
    subprocess.run([str(find_binary()), "dump", str(model), "--out", str(out), "--seed", "0", "--rounding", rounding],
                   check=True, capture_output=True)
    return out


@pytest.mark.parametrize("model", QUANTIZED, ids=[m.name for m in QUANTIZED])
def test_every_listed_node_is_reproduced_exactly(model, tmp_path):
    roundings = ("litert", "double", "single") if model.name in ("digits_int8.tflite", "tf2_mobilenet_v2_1.0_224_ptq_int8.tflite",
                                                                  "mobilenet_v1_0.25_128_quant_uint8.tflite") else ("litert",)
    for rounding in roundings:
        proc = subprocess.run([str(find_binary()), "dump", str(model), "--out", str(tmp_path / rounding), "--seed", "0",
                               "--rounding", rounding], capture_output=True, text=True)
        if proc.returncode != 0 and "is not supported" in proc.stderr:
            pytest.skip(proc.stderr.strip().split(": ")[-1])
        assert proc.returncode == 0, proc.stderr
        d = load_dump(tmp_path / rounding)
        explained = 0
        for step in d.steps:
            if step.op not in OPS or step.outputs[0].tensor.dtype not in ("int8", "uint8", "int16"):
                continue
            if step.op == "FULLY_CONNECTED" and step.inputs[0].tensor.dtype == "float32":
                continue  # hybrid
            ex = explain(d, step.step)
            assert ex.differing == 0, ex.text()
            explained += 1
        assert explained > 0


def test_mul_with_broadcasting_and_both_roundings(tmp_path):
    b = OpModelBuilder()
    x1 = b.input("x1", "int8", [2, 3, 4], scale=0.05, zero_point=-3)
    x2 = b.input("x2", "int8", [3, 1], scale=0.02, zero_point=5)
    y = b.output("y", "int8", [2, 3, 4], scale=0.004, zero_point=1)
    b.op("MUL", [x1, x2], [y], options={"fused_activation_function": "RELU"})
    model = b.save(tmp_path / "mul.tflite")
    for rounding in ("double", "single"):
        d = load_dump(dump(model, tmp_path / rounding, rounding))
        ex = explain(d, 0)
        assert ex.differing == 0, ex.text()
        # Explaining the other rounding than the dump's is allowed, and is checked against this dump.
        other = explain(d, 0, rounding="single" if rounding == "double" else "double")
        assert other.rounding != ex.rounding


def test_walk_through_lines_and_cli(tmp_path):
    d = dump(EXAMPLE / "digits_int8.tflite", tmp_path / "d")
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "explain", str(d), "--step", "1", "--index", "0,2,3,4"],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "output element [0, 2, 3, 4]" in out and "QuantizeMultiplier" in out and "RoundingDivideByPOT" in out
    assert "whole tensor: 1024 of 1024 elements equal the dump" in out
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "explain", str(d), "--step", "8", "--json"],
                          capture_output=True, text=True)
    data = json.loads(proc.stdout)
    assert data["op"] == "FULLY_CONNECTED" and data["rounding"] == "single" and data["differing"] == 0


def test_a_changed_value_is_found(tmp_path):
    d = dump(EXAMPLE / "digits_int8.tflite", tmp_path / "d")
    dumped = load_dump(d)
    f = d / dumped.steps[3].outputs[0].file
    value = np.load(f)
    value.flat[17] = np.int8(value.flat[17] + 1 if value.flat[17] < 127 else value.flat[17] - 1)
    np.save(f, value)
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "explain", str(d), "--step", "3"], capture_output=True, text=True)
    assert proc.returncode == 1 and "1 of 1024 elements DIFFER" in proc.stdout


@pytest.mark.parametrize("args,message", [(["--step", "99"], "has no step 99"), (["--step", "5"], "is MAX_POOL_2D"),
                                          (["--step", "1", "--index", "0,9,0,0"], "outside the output's shape")])
def test_bad_requests_are_one_line(tmp_path, args, message):
    d = dump(EXAMPLE / "digits_int8.tflite", tmp_path / "d")
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "explain", str(d), *args], capture_output=True, text=True)
    assert proc.returncode == 2 and message in proc.stderr and proc.stderr.count("\n") == 1


def test_a_float_node_is_refused(tmp_path):
    d = load_dump(dump(EXAMPLE / "digits_float.tflite", tmp_path / "f"))
    with pytest.raises(ExplainError, match="quantized"):
        explain(d, 0)


def test_fixed_point_primitives_by_hand():
    assert quantize_multiplier(0.5, "double") == (1 << 30, 0)
    assert quantize_multiplier(0.75, "double") == (3 << 29, 0)
    assert quantize_multiplier(1e-12, "double") == (0, 0)
    assert quantize_multiplier(3e9, "single") == ((1 << 31) - 1, 30)  # the single-rounding cap
    assert int(srdhm(1 << 30, 1 << 30)) == 1 << 29
    assert int(srdhm(-(1 << 31), -(1 << 31))) == (1 << 31) - 1  # the one saturating case
    assert [int(v) for v in rdbpot(np.array([5, -5, 6, -6, 7]), 1)] == [3, -3, 3, -3, 4]  # halves away from zero
    # 100 · 0.5 · 2^-1 = 25 both ways; 3 · 0.5 = 1.5 rounds to 2 (double) and 2 (single)
    assert int(mbqm(100, 1 << 30, -1, "double")) == 25 and int(mbqm(100, 1 << 30, -1, "single")) == 25
    assert int(mbqm(3, 1 << 30, 0, "double")) == 2 and int(mbqm(-3, 1 << 30, 0, "single")) == -1
