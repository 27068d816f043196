"""`tfldbg info` on hostile and unusual files: one clear line, never a crash."""

from __future__ import annotations

import pytest

from conftest import shared_models
from tfldbg import run_tool

EDGE_FILES = (
    shared_models("edge-cases/fuzz_seeds", "*.tflite")
    + shared_models("edge-cases/custom_ops", "*.tflite")
    + shared_models("edge-cases/litert_testdata", "*.bin")
)


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("path", EDGE_FILES, ids=[f"{p.parent.name}/{p.name}" for p in EDGE_FILES])
def test_info_loads_or_refuses_in_one_line(path):
    proc = run_tool("info", str(path), check=False)
    # A crash shows as a negative return code (killed by a signal) or a sanitizer report.
    assert proc.returncode in (0, 1), (proc.returncode, proc.stderr)
    if proc.returncode == 1:
        lines = proc.stderr.strip().splitlines()
        assert len(lines) == 1, proc.stderr
        assert lines[0].startswith("tfldbg: error: "), lines[0]
        assert str(path) in lines[0], "the error names the file"
    else:
        assert proc.stdout.startswith("model: "), proc.stdout[:200]


@pytest.mark.usefixtures("require_shared_models")
def test_custom_ops_are_listed():
    proc = run_tool("info", str(shared_models("edge-cases/custom_ops", "coral_*edgetpu.tflite")[0]))
    assert "custom ops: " in proc.stdout
    assert "edgetpu-custom-op" in proc.stdout


def test_missing_file_is_one_line(tmp_path):
    proc = run_tool("info", str(tmp_path / "nope.tflite"), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"tfldbg: error: {tmp_path / 'nope.tflite'}: cannot open: No such file or directory"


def test_usage_error_exits_2():
    proc = run_tool("info", check=False)
    assert proc.returncode == 2


def test_quantization_out_of_the_types_range_is_refused(tmp_path):
    import numpy as np

    from tfldbg.testing.opmodel import OpModelBuilder

    b = OpModelBuilder()
    x = b.input("x", "int8", [4], scale=0.1, zero_point=300)
    y = b.output("y", "int8", [4], scale=0.1, zero_point=0)
    b.op("RESHAPE", [x, b.constant("shape", np.array([4], np.int32))], [y])
    path = b.save(tmp_path / "bad_zp.tflite")
    proc = run_tool("info", str(path), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == (f"tfldbg: error: {path}: subgraph 0, tensor 0 'x': zero point 300 is outside "
                                   "int8's range [-128, 127]")
