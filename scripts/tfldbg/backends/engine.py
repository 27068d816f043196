"""Locating and running the `tfldbg` C++ binary from Python: the analysis tools
reach the engine through its command line (docs/cli.md) and `info --json`; the
in-process engine is tfldbg.Interpreter (tfldbg/interpreter.py)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

_REPO_ROOT = Path(__file__).resolve().parents[3]


class ToolError(RuntimeError):
    """The tfldbg binary refused its input; the message is its one error line."""


def find_binary() -> Path:
    """The tfldbg binary: $TFLDBG_BIN, else the one the wheel installed with this
    package, else this checkout's release build, else PATH."""
    env = os.environ.get("TFLDBG_BIN")
    if env:
        return Path(env)
    packaged = Path(__file__).resolve().parents[1] / "_bin" / "tfldbg"
    if packaged.exists():
        return packaged
    built = _REPO_ROOT / "build" / "release" / "bin" / "tfldbg"
    if built.exists():
        return built
    found = shutil.which("tfldbg")
    if found and _is_native(Path(found)):  # not the Python console script of the same name
        return Path(found)
    raise ToolError("cannot find the tfldbg binary: build it with `bash scripts/setup.sh` or set TFLDBG_BIN")


def _is_native(path: Path) -> bool:
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def run_tool(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Runs `tfldbg ARGS...` and returns the completed process (text mode)."""
    proc = subprocess.run([str(find_binary()), *args], capture_output=True, text=True)
    if check and proc.returncode != 0:
        raise ToolError(proc.stderr.strip() or f"tfldbg exited with {proc.returncode}")
    return proc


def model_info(model: str | os.PathLike) -> dict:
    """`tfldbg info --json MODEL` as a dict."""
    return json.loads(run_tool("info", "--json", str(model)).stdout)


_OP_TABLE: dict | None = None


def op_table() -> dict[str, dict]:
    """The engine's op table (`tfldbg ops --json`) by op name: family, whether
    tfldbg runs it and for which types, its options table and facts such as
    `facts.rounds_once_under_litert`. Read once per process."""
    global _OP_TABLE
    if _OP_TABLE is None:
        _OP_TABLE = {op["op"]: op for op in json.loads(run_tool("ops", "--json").stdout)["ops"]}
    return _OP_TABLE
