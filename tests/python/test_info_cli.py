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
