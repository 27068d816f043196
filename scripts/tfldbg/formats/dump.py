"""Reading tfldbg dumps (docs/dump-format.md) into numpy, lazily.

    from tfldbg import load_dump
    dump = load_dump("out/dump")
    step = dump.steps[3]                 # execution order
    step.op, step.outputs[0].value       # "CONV_2D", a numpy array (memory-mapped)
    dump.tensor_values("conv1/Relu")     # every stored value of one tensor, in order
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = "tfldbg-dump"
REPLAY_FORMAT = "tfldbg-replay"  # the top-level manifest of `tfldbg replay`'s directory of dumps
VERSION = 1


class DumpError(ValueError):
    """A dump that cannot be read: missing, incomplete, or of another format/version."""


@dataclass(frozen=True)
class TensorInfo:
    subgraph: int
    index: int
    name: str
    dtype: str
    shape: tuple[int, ...]
    quantization: dict | None
    kind: str

    @property
    def scale(self) -> np.ndarray | None:
        return None if self.quantization is None else np.asarray(self.quantization["scale"], np.float32)

    @property
    def zero_point(self) -> np.ndarray | None:
        return None if self.quantization is None else np.asarray(self.quantization["zero_point"], np.int64)

    @property
    def is_quantized(self) -> bool:
        return self.quantization is not None and self.dtype in ("int8", "uint8", "int16", "int4")


@dataclass
class Slot:
    slot: int
    tensor: TensorInfo | None
    file: str | None
    _dump: "Dump" = field(repr=False)
    # LiteRT reference dumps: the runtime gives no value for this tensor (an
    # output no one reads that it never computed); compare leaves it out.
    no_value: bool = False

    @property
    def value(self) -> np.ndarray | None:
        """The stored array (memory-mapped), or None when not stored."""
        return None if self.file is None else self._dump.array(self.file)


@dataclass
class Step:
    step: int
    subgraph: int
    node: int
    op: str
    op_version: int
    options: dict
    inputs: list[Slot]
    outputs: list[Slot]
    time_ns: int
    invocation: int = 0  # the how-manieth run of its subgraph (loop iteration), from 0
    updates: list[Slot] = field(default_factory=list)  # inputs changed in place (variables), new values

    def label(self) -> str:
        run = f", run {self.invocation}" if self.invocation else ""
        return f"step {self.step} (subgraph {self.subgraph}, node {self.node}{run}, {self.op})"


class Dump:
    """A loaded dump: the manifest, tensors by subgraph, steps in order."""

    def __init__(self, root: str | Path, manifest: dict[str, Any]):
        self.root = Path(root)
        self.manifest = manifest
        self.tensors: dict[int, list[TensorInfo]] = {}
        for sg in manifest["subgraphs"]:
            self.tensors[sg["index"]] = [
                TensorInfo(sg["index"], t["index"], t["name"], t["dtype"], tuple(t["shape"]), t["quantization"], t["kind"])
                for t in sg["tensors"]
            ]
        self.steps: list[Step] = [self._step(s) for s in manifest["steps"]]
        self._cache: dict[str, np.ndarray] = {}

    def _slot(self, subgraph: int, s: dict) -> Slot:
        tensor = None if s["tensor"] < 0 else self.tensors[subgraph][s["tensor"]]
        return Slot(s["slot"], tensor, s["file"], self, bool(s.get("no_value", False)))

    def _step(self, s: dict) -> Step:
        sg = s["subgraph"]
        return Step(s["step"], sg, s["node"], s["op"], s["op_version"], s.get("options", {}),
                    [self._slot(sg, x) for x in s["inputs"]], [self._slot(sg, x) for x in s["outputs"]],
                    s.get("time_ns", 0), s.get("invocation", 0), [self._slot(sg, x) for x in s.get("updates", [])])

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def inputs(self) -> list[dict]:
        """The run's inputs: [{name, tensor, source, file}]."""
        return self.manifest["run"]["inputs"]

    def array(self, file: str) -> np.ndarray:
        if file not in self._cache:
            self._cache[file] = np.load(self.root / file, mmap_mode="r", allow_pickle=False)
        return self._cache[file]

    def _default_subgraph(self, subgraph: int | None) -> int:
        return self.manifest["subgraphs"][0]["index"] if subgraph is None else subgraph

    def tensor_values(self, name: str, subgraph: int | None = None) -> list[np.ndarray]:
        """Every stored value of the tensor with this name, in execution order
        (subgraph: default the one the dump ran first)."""
        subgraph = self._default_subgraph(subgraph)
        seen, out = set(), []
        for step in self.steps:
            for slot in step.inputs + step.outputs:
                if slot.tensor is not None and slot.tensor.name == name and step.subgraph == subgraph and slot.file and slot.file not in seen:
                    seen.add(slot.file)
                    out.append(self.array(slot.file))
        return out

    def tensor_by_name(self, name: str, subgraph: int | None = None) -> TensorInfo:
        subgraph = self._default_subgraph(subgraph)
        for t in self.tensors[subgraph]:
            if t.name == name:
                return t
        raise KeyError(f"no tensor named {name!r} in subgraph {subgraph}")


def load_dump(path: str | Path, allow_incomplete: bool = False) -> Dump:
    """Loads DIR/manifest.json; arrays are read lazily (memory-mapped) on access."""
    root = Path(path)
    manifest_path = root / "manifest.json"
    if not manifest_path.is_file():
        raise DumpError(f"{root}: no manifest.json; not a tfldbg dump")
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, json.JSONDecodeError) as e:
        raise DumpError(f"{manifest_path}: unreadable manifest: {e}") from e
    if manifest.get("format") != FORMAT:
        raise DumpError(f"{manifest_path}: format is {manifest.get('format')!r}, expected {FORMAT!r}")
    if manifest.get("version") != VERSION:
        raise DumpError(f"{manifest_path}: dump format version {manifest.get('version')!r}; this reader knows {VERSION}")
    if not manifest.get("complete") and not allow_incomplete:
        raise DumpError(f"{root}: the dump is incomplete (the run was interrupted or failed)")
    return Dump(root, manifest)


def _why_not_replaceable(target: Path) -> str:
    """Why `--force` must not delete this existing path, or "" when it may:
    only an empty directory or one tfldbg wrote (manifest format tfldbg-dump or
    tfldbg-replay), never the root, the home directory, the working directory
    or one of its parents, nor a symbolic link."""
    if target.is_symlink():
        return "is a symbolic link"
    if not target.is_dir():
        return "is not a directory"
    real = target.resolve()
    if real == Path(real.anchor):
        return "is the root directory"
    cwd = Path.cwd().resolve()
    if real == cwd or real in cwd.parents:
        return "is the working directory or one of its parents"
    home = os.environ.get("HOME")
    if home and Path(home).resolve() == real:
        return "is the home directory"
    if not any(target.iterdir()):
        return ""
    manifest = target / "manifest.json"
    try:
        if not manifest.is_file() or manifest.stat().st_size > (512 << 20):
            raise ValueError
        fmt = json.loads(manifest.read_text()).get("format")
    except (OSError, ValueError, AttributeError, RecursionError):
        return "holds no tfldbg manifest.json, so it is not a tfldbg dump"
    if fmt not in (FORMAT, REPLAY_FORMAT):
        return f"has a manifest.json whose format is not {FORMAT!r}, so it is not a tfldbg dump"
    return ""


def check_replaceable(target: str | Path) -> None:
    """Raises FileExistsError unless `--force` may replace the existing `target`."""
    why = _why_not_replaceable(Path(target))
    if why:
        raise FileExistsError(f"{target}: {why}; --force replaces only an empty directory or a tfldbg dump")


def commit_directory(staging: Path, target: Path, force: bool) -> None:
    """Moves a finished staging directory to `target`. An existing target is
    replaced only with `force` and when replaceable; it is moved aside first and
    deleted once the new one is in place, so a failure leaves one whole dump."""
    if not (target.exists() or target.is_symlink()):
        staging.rename(target)
        return
    if not force:
        raise FileExistsError(f"{target}: already exists; pass --force to replace it (a tfldbg dump only)")
    check_replaceable(target)
    old = target.parent / f".{target.name}.tfldbg-old-{os.getpid()}"
    shutil.rmtree(old, ignore_errors=True)
    target.rename(old)
    try:
        staging.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old)
