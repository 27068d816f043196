"""`cmake --install` gives C++ users a package: the example program
(examples/embed) builds against the installed prefix alone (find_package(tfldbg)
-> tfldbg::runtime, no source tree on its include path) and runs a real model;
pkg-config finds the same library."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
BUILD = REPO / "build" / "release"
EXAMPLE = REPO / "examples" / "digits" / "digits_int8.tflite"


@pytest.fixture(scope="module")
def prefix(tmp_path_factory) -> Path:
    if not (BUILD / "CMakeCache.txt").exists():
        pytest.skip("no release build (bash scripts/setup.sh)")
    prefix = tmp_path_factory.mktemp("prefix")
    subprocess.run(["cmake", "--install", str(BUILD), "--prefix", str(prefix)], check=True, capture_output=True)
    return prefix


def test_the_prefix_holds_the_cli_the_library_the_headers_and_the_package(prefix):
    assert (prefix / "bin" / "tfldbg").exists()
    libs = list((prefix / "lib").glob("libtfldbg.so*"))
    assert libs, list(prefix.rglob("*"))
    for header in ("tfldbg.h", "status.h", "dtype.h", "custom_op.h", "export.h"):
        assert (prefix / "include" / "tfldbg" / header).exists(), header
    assert (prefix / "lib" / "cmake" / "tfldbg" / "tfldbgConfig.cmake").exists()
    assert (prefix / "lib" / "pkgconfig" / "tfldbg.pc").exists()
    # The headers stand alone: nothing internal is needed to compile against them.
    source = "#include \"tfldbg/tfldbg.h\"\nint main() { return tfldbg::Version()[0] == '0' ? 0 : 1; }\n"
    proc = subprocess.run(["c++", "-std=c++17", "-x", "c++", "-", "-I", str(prefix / "include"), "-L", str(prefix / "lib"),
                           "-ltfldbg", "-o", str(prefix / "version_check")], input=source, text=True, capture_output=True)
    assert proc.returncode == 0, proc.stderr


def test_the_embed_example_builds_against_the_installed_package_and_runs(prefix, tmp_path):
    build = tmp_path / "embed"
    env = {k: v for k, v in os.environ.items() if not k.startswith("CMAKE_")}
    subprocess.run(["cmake", "-S", str(REPO / "examples" / "embed"), "-B", str(build), f"-DCMAKE_PREFIX_PATH={prefix}",
                    "-G", "Ninja"], check=True, capture_output=True, env=env)
    proc = subprocess.run(["cmake", "--build", str(build)], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    # The include path is the prefix's, never the source tree's.
    commands = (build / "build.ninja").read_text()
    assert str(REPO / "include") not in commands and str(REPO / "runtime") not in commands
    run = subprocess.run([str(build / "node_ranges"), str(EXAMPLE)], capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert lines[0].startswith("tfldbg ")
    assert any(line.startswith("output ") for line in lines)
    stopped = subprocess.run([str(build / "node_ranges"), str(EXAMPLE), "--stop-at", "2"], capture_output=True, text=True)
    assert stopped.returncode == 0 and "stopped after operator 2" in stopped.stdout
    assert not any(line.startswith("output ") for line in stopped.stdout.splitlines())


def test_pkg_config_finds_the_library(prefix):
    if shutil.which("pkg-config") is None:
        pytest.skip("pkg-config is not installed")
    env = dict(os.environ, PKG_CONFIG_PATH=str(prefix / "lib" / "pkgconfig"))
    proc = subprocess.run(["pkg-config", "--cflags", "--libs", "tfldbg"], capture_output=True, text=True, env=env)
    assert proc.returncode == 0, proc.stderr
    flags = proc.stdout.split()
    include = [Path(f[2:]).resolve() for f in flags if f.startswith("-I")]
    assert include == [(prefix / "include").resolve()] and "-ltfldbg" in flags, proc.stdout
