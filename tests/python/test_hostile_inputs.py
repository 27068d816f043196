"""Hostile input (issue: nothing lost, nothing read outside, no hang, no traceback).

Each test reproduces one finding against the CLI or the Python tools and holds the
fix: `--force` replaces only a tfldbg dump, ...
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg import run_tool
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import find_binary


@pytest.fixture(scope="module")
def tiny_model(tmp_path_factory) -> Path:
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 4])
    y = b.output("y", "float32", [1, 4])
    b.op("RELU", [x], [y])
    return b.save(tmp_path_factory.mktemp("model") / "relu.tflite")


def _cli(*args, cwd=None, env=None, timeout=60):
    return subprocess.run([str(find_binary()), *map(str, args)], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


def _py(*args, cwd=None, timeout=120):
    return subprocess.run([sys.executable, "-m", "tfldbg", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=timeout)


def _one_line_error(proc) -> str:
    assert proc.returncode != 0, proc.stdout
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    return lines[0]


# 1. Data loss: --force must only ever replace a tfldbg dump.

@pytest.mark.parametrize("command", ["dump", "replay"])
def test_force_never_deletes_the_working_directory(tiny_model, tmp_path, command):
    work = tmp_path / "project"
    (work / "src").mkdir(parents=True)
    (work / "notes.txt").write_text("precious")
    (work / "src" / "main.cc").write_text("int main() {}")
    for target in [".", "./", "..", str(work), "/"]:
        line = _one_line_error(_cli(command, tiny_model, "--out", target, "--force", "--seed", "0", cwd=work))
        assert "--force replaces only" in line or "root directory" in line, line
    assert (work / "notes.txt").read_text() == "precious"
    assert sorted(p.name for p in work.iterdir()) == ["notes.txt", "src"]


@pytest.mark.parametrize("command", ["dump", "replay"])
def test_force_never_replaces_a_directory_that_is_not_a_dump(tiny_model, tmp_path, command):
    project = tmp_path / "project"
    project.mkdir()
    (project / "thesis.tex").write_text("years of work")
    line = _one_line_error(_cli(command, tiny_model, "--out", project, "--force", "--seed", "0", cwd=tmp_path))
    assert "not a tfldbg dump" in line
    assert (project / "thesis.tex").exists()
    home = tmp_path / "home"
    (home / "dump").mkdir(parents=True)
    env = dict(os.environ, HOME=str(home))
    line = _one_line_error(_cli(command, tiny_model, "--out", home, "--force", "--seed", "0", cwd=home / "dump", env=env))
    assert "working directory" in line or "home directory" in line


@pytest.mark.parametrize("command", ["dump", "replay"])
def test_force_replaces_its_own_output(tiny_model, tmp_path, command):
    out = tmp_path / "out"
    run_tool(command, str(tiny_model), "--out", str(out), "--seed", "0")
    run_tool(command, str(tiny_model), "--out", str(out), "--seed", "1", "--force")
    assert (out / "manifest.json").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]  # nothing staged or old left behind


def test_reference_force_never_replaces_a_directory_that_is_not_a_dump(tiny_model, tmp_path):
    pytest.importorskip("ai_edge_litert")
    run_tool("dump", str(tiny_model), "--out", str(tmp_path / "ours"), "--seed", "0")
    project = tmp_path / "project"
    project.mkdir()
    (project / "keep.txt").write_text("keep")
    for target in [project, tmp_path, "."]:
        line = _one_line_error(_py("reference", tiny_model, "--like", tmp_path / "ours", "--out", target, "--force",
                                   cwd=project))
        assert "--force replaces only" in line, line
    assert (project / "keep.txt").read_text() == "keep"
    out = tmp_path / "theirs"
    for _ in range(2):
        assert _py("reference", tiny_model, "--like", tmp_path / "ours", "--out", out, "--force").returncode == 0
    assert (out / "manifest.json").is_file()
