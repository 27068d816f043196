"""Custom operators from a plugin library (--custom-op-lib): the example Sinh
plugin (examples/custom_op_plugin) runs LiteRT's own custom_sinh.bin test model
from run, dump and replay, and a failing or foreign plugin is one line."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from tfldbg import load_dump, run_tool
from tfldbg.backends.engine import find_binary
from tfldbg.testing.opmodel import OpModelBuilder

REPO = Path(__file__).resolve().parents[2]
SINH_MODEL = REPO.parent / "shared" / "models" / "edge-cases" / "litert_testdata" / "custom_sinh.bin"


@pytest.fixture(scope="module")
def plugin() -> Path:
    path = find_binary().parent.parent / "lib" / "libsinh_plugin.so"
    if not path.exists():
        pytest.skip(f"{path} is not built")
    return path


def _one_line(proc) -> str:
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


def test_without_the_plugin_the_custom_op_is_named(require_shared_models):
    proc = subprocess.run([str(find_binary()), "run", str(SINH_MODEL)], capture_output=True, text=True)
    assert "custom operator 'Sinh'" in _one_line(proc)


@pytest.mark.parametrize("command", ["dump", "replay"])
def test_the_plugin_runs_litert_s_custom_sinh_model(require_shared_models, plugin, tmp_path, command):
    x = np.array([0.5], np.float32)  # the model takes float32[1]
    np.save(tmp_path / "x.npy", x)
    out = tmp_path / "out"
    run_tool(command, str(SINH_MODEL), "--out", str(out), "--input", f"0={tmp_path / 'x.npy'}",
             "--custom-op-lib", str(plugin))
    dump = load_dump(out / "quant" if command == "replay" else out)
    assert [s.op for s in dump.steps] == ["Sinh"]
    np.testing.assert_allclose(dump.steps[0].outputs[0].value, np.sinh(x), rtol=1e-6)


def test_a_failing_prepare_is_one_line_naming_the_node(plugin, tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [3], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [3], scale=0.1, zero_point=0)
    b.op("Sinh", [x], [y])
    model = b.save(tmp_path / "int8_sinh.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(model), "--custom-op-lib", str(plugin)],
                          capture_output=True, text=True)
    line = _one_line(proc)
    assert "operator 0 (Sinh)" in line and "input must be float32" in line, line


def test_foreign_files_are_refused_in_one_line(tmp_path):
    not_elf = tmp_path / "plugin.so"
    not_elf.write_text("not a library")
    library = find_binary().parent.parent / "lib" / "libtfldbg.so"
    for path, words in [(not_elf, "cannot load the plugin"), (tmp_path / "absent.so", "cannot open"),
                        (tmp_path, "directory")] + ([(library, "exports no 'tfldbg_custom_ops'")] if library.exists() else []):
        proc = subprocess.run([str(find_binary()), "run", str(SINH_MODEL), "--custom-op-lib", str(path)],
                              capture_output=True, text=True)
        assert words in _one_line(proc)
