"""`tfldbg replay`: the quantized run and its local and accumulated float references."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from tfldbg import load_dump
from tfldbg.formats.dump import DumpError
from tfldbg.backends.engine import find_binary

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"
REAL = REPO.parent / "shared" / "models" / "real"
SCHEMA = json.loads((REPO / "docs" / "dump-manifest.schema.json").read_text())


def replay(model: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(find_binary()), "replay", str(model), "--out", str(out), *extra], capture_output=True, text=True)


def dequantized(slot) -> np.ndarray:
    q = slot.tensor.quantization
    v = slot.value.astype(np.float64)
    if not q:
        return v
    scale, zp = np.asarray(q["scale"]), np.asarray(q["zero_point"])
    if len(scale) > 1:
        shape = [1] * v.ndim
        shape[q["quantized_dimension"]] = -1
        scale, zp = scale.reshape(shape), zp.reshape(shape)
    return (v - zp) * scale


@pytest.fixture(scope="module")
def digits_replay(tmp_path_factory):
    out = tmp_path_factory.mktemp("replay") / "digits"
    proc = replay(EXAMPLE / "digits_int8.tflite", out, "--input", f"0={EXAMPLE / 'inputs' / 'sample_0.npy'}")
    assert proc.returncode == 0, proc.stderr
    return out


def test_three_dumps_with_the_same_steps_and_float_references(digits_replay):
    quant, local, acc = (load_dump(digits_replay / p) for p in ("quant", "local", "accumulated"))
    for part in ("quant", "local", "accumulated"):
        manifest = json.loads((digits_replay / part / "manifest.json").read_text())
        jsonschema.validate(manifest, SCHEMA)
        assert manifest["complete"] is True
        assert manifest["run"]["replay"] == {"quant": "quantized"}.get(part, part)
    # A directory of dumps, not a dump: its manifest says so (and lets --force recognise it).
    top = json.loads((digits_replay / "manifest.json").read_text())
    assert top == {"format": "tfldbg-replay", "version": 1, "complete": True, "parts": ["quant", "local", "accumulated"]}
    with pytest.raises(DumpError):
        load_dump(digits_replay)
    key = [(s.step, s.node, s.op) for s in quant.steps]
    assert key == [(s.step, s.node, s.op) for s in local.steps] == [(s.step, s.node, s.op) for s in acc.steps]
    assert len(key) == 11
    for s in local.steps + acc.steps:
        for slot in s.inputs + s.outputs:
            if slot.tensor is None:
                continue
            assert slot.tensor.quantization is None, (s.label(), slot.tensor)
            # Only unquantized integer tensors (shapes, axes) keep their type.
            assert slot.tensor.dtype == "float32" or slot.tensor.kind == "constant", (s.label(), slot.tensor)


def test_local_inputs_are_what_the_quantized_node_received(digits_replay):
    quant, local = load_dump(digits_replay / "quant"), load_dump(digits_replay / "local")
    for sq, sl in zip(quant.steps, local.steps):
        for iq, il in zip(sq.inputs, sl.inputs):
            if iq.tensor is None or iq.tensor.kind == "constant":
                continue
            np.testing.assert_allclose(il.value, dequantized(iq), rtol=1e-6, atol=0, err_msg=sq.label())
        if sq.op in ("QUANTIZE", "DEQUANTIZE"):  # copies in float
            np.testing.assert_array_equal(sl.outputs[0].value, sl.inputs[0].value)


def test_local_error_is_rounding_sized_and_max_pool_is_exact(digits_replay):
    quant, local = load_dump(digits_replay / "quant"), load_dump(digits_replay / "local")
    for sq, sl in zip(quant.steps, local.steps):
        out = sq.outputs[0]
        if not out.tensor.quantization:
            continue
        error = dequantized(out) - sl.outputs[0].value
        rmse_over_scale = np.sqrt(np.mean(error ** 2)) / out.tensor.quantization["scale"][0]
        # One requantization rounds to the nearest step: |error| <= 0.5 LSB
        # plus the float kernel's own rounding; saturation is the exception.
        assert rmse_over_scale <= 0.5, (sq.label(), rmse_over_scale)
        if sq.op == "MAX_POOL_2D":  # picks one of its inputs: exact up to dequantization's float rounding
            assert rmse_over_scale < 1e-5


def test_quant_part_equals_tfldbg_dump(digits_replay, tmp_path):
    out = tmp_path / "dump"
    proc = subprocess.run([str(find_binary()), "dump", str(EXAMPLE / "digits_int8.tflite"), "--out", str(out), "--input",
                           f"0={EXAMPLE / 'inputs' / 'sample_0.npy'}"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    files = sorted(p.name for p in (out / "tensors").iterdir())
    assert files == sorted(p.name for p in (digits_replay / "quant" / "tensors").iterdir())
    for name in files:
        assert (out / "tensors" / name).read_bytes() == (digits_replay / "quant" / "tensors" / name).read_bytes()


@pytest.mark.parametrize("name", ["mlperf_tiny_resnet8_float.tflite", "tflm_hello_world_float.tflite"])
def test_a_float_model_replays_to_itself(require_shared_models, tmp_path, name):
    proc = replay(REAL / name, tmp_path / "r", "--seed", "0")
    assert proc.returncode == 0, proc.stderr
    quant, local, acc = (load_dump(tmp_path / "r" / p) for p in ("quant", "local", "accumulated"))
    for sq, sl, sa in zip(quant.steps, local.steps, acc.steps):
        for oq, ol, oa in zip(sq.outputs, sl.outputs, sa.outputs):
            np.testing.assert_array_equal(oq.value, ol.value, err_msg=sq.label())
            np.testing.assert_array_equal(oq.value, oa.value, err_msg=sq.label())


def test_hybrid_and_uint8_models_replay(require_shared_models, tmp_path):
    for name in ("mlperf_tiny_kws_dscnn_hybrid.tflite", "mobilenet_v1_0.25_128_quant_uint8.tflite"):
        out = tmp_path / name
        proc = replay(REAL / name, out, "--seed", "1")
        assert proc.returncode == 0, proc.stderr
        local = load_dump(out / "local")
        assert all(s.outputs[0].value.dtype == np.float32 for s in local.steps)


def test_refusals_are_one_line_and_leave_nothing(tmp_path, require_shared_models):
    out = tmp_path / "r"
    proc = replay(REAL / "tflm_keyword_scrambled_svdf.tflite", out, "--seed", "0")
    if proc.returncode == 0:
        pytest.skip("SVDF is implemented now; the refusal is tested on the existing-directory case below")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "SVDF" in proc.stderr
    assert not out.exists() and not list(tmp_path.glob(".r.tfldbg-partial-*"))


def test_an_existing_directory_needs_force(digits_replay):
    proc = replay(EXAMPLE / "digits_int8.tflite", digits_replay, "--seed", "0")
    assert proc.returncode == 1 and "already exists; pass --force" in proc.stderr
