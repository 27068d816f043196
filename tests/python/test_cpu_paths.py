"""The fast CPU paths give the scalar kernels' bytes on whole models, for any
thread count (`tfldbg cpu-check`: every tensor compared, every path this
machine runs). The op sweeps run the same check on every single-op model."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import shared_models
from tfldbg.backends.engine import find_binary

REPO = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((REPO / "examples").rglob("*.tflite"))
# A few real models that cover conv, depthwise, FC, ADD and QUANTIZE in int8, uint8 and float, and hybrid conv and FC.
REAL = [m for m in shared_models("real", "*.tflite")
        if m.stem in {"tf2_mobilenet_v2_1.0_224_ptq_int8", "mobilenet_v1_0.25_128_quant_uint8", "mlperf_tiny_resnet8_float",
                      "mlperf_tiny_kws_dscnn_int8", "mlperf_tiny_ad01_int8", "mlperf_tiny_kws_dscnn_hybrid",
                      "mlperf_tiny_ad_toycar_hybrid"}]


def cpu_check(model: Path, *extra: str) -> str:
    proc = subprocess.run([str(find_binary()), "cpu-check", str(model), "--seed", "3", *extra], capture_output=True,
                          text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return proc.stdout


@pytest.mark.parametrize("model", EXAMPLES, ids=lambda p: p.name)
def test_every_path_and_thread_count_gives_the_scalar_bytes(model):
    out = cpu_check(model, "--thread-counts", "1", "2", "5")
    assert "identical to the scalar kernels" in out


@pytest.mark.parametrize("model", REAL, ids=lambda p: p.stem)
def test_real_models_give_the_scalar_bytes_on_every_path(model):
    cpu_check(model, "--thread-counts", "1", "2")


def test_forcing_a_path_by_environment_variable(tmp_path):
    import os

    model = EXAMPLES[0]
    for path in ("scalar", "portable"):
        proc = subprocess.run([str(find_binary()), "run", str(model), "--seed", "0"], capture_output=True, text=True,
                              env={**os.environ, "TFLDBG_CPU": path})
        assert proc.returncode == 0, proc.stderr
        assert f"cpu {path}" in proc.stdout
    proc = subprocess.run([str(find_binary()), "run", str(model)], capture_output=True, text=True,
                          env={**os.environ, "TFLDBG_CPU": "avx9000"})
    assert proc.returncode == 1
    assert "TFLDBG_CPU='avx9000'" in proc.stderr
