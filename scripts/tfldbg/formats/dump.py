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

from tfldbg.formats.reading import (InputError, json_type, map_npy, open_inside, parse_npy_header, printable,
                                    read_json_inside, relative_parts)

FORMAT = "tfldbg-dump"
REPLAY_FORMAT = "tfldbg-replay"  # the top-level manifest of `tfldbg replay`'s directory of dumps
VERSION = 1


class DumpError(InputError):
    """A dump that cannot be read: missing, incomplete, of another format/version, a
    manifest that breaks the schema or points outside the dump, a file that does
    not hold what the manifest says. The message is one line naming the file and
    the field."""


SCHEMA_PATH = Path(__file__).with_name("dump-manifest.schema.json")  # a copy of docs/dump-manifest.schema.json
_validator = None


def _schema_validator():
    global _validator
    if _validator is None:
        from jsonschema import Draft202012Validator

        schema = json.loads(SCHEMA_PATH.read_text())
        _validator = Draft202012Validator(schema)
    return _validator


def _field(path) -> str:
    out = ""
    for p in path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return printable(out) or "(the whole manifest)"


def _short(value) -> str:
    text = printable(json.dumps(value, ensure_ascii=False, default=str))
    return text if len(text) <= 200 else text[:197] + "..."


def _why(error) -> tuple[str, str]:
    """(field, reason) of one jsonschema error, on one short line (the library's own
    message quotes the whole offending value, which may be anything)."""
    from jsonschema.exceptions import best_match

    if error.validator in ("oneOf", "anyOf") and error.context:
        return _why(best_match(error.context))
    where, v, value = list(error.absolute_path), error.validator_value, error.instance
    if error.validator == "required":
        missing = [k for k in v if isinstance(value, dict) and k not in value]
        return _field(where + missing[:1]), "missing"
    if error.validator == "type":
        kinds = v if isinstance(v, list) else [v]
        return _field(where), f"must be {' or '.join(kinds)}, not {json_type(value)} ({_short(value)})"
    if error.validator == "const":
        return _field(where), f"must be {_short(v)}, not {_short(value)}"
    if error.validator == "enum":
        return _field(where), f"must be one of {', '.join(_short(x) for x in v)}; not {_short(value)}"
    if error.validator == "minimum":
        return _field(where), f"must be at least {v}, not {_short(value)}"
    if error.validator == "pattern":
        return _field(where), f"{_short(value)} does not match {v!r}"
    return _field(where), printable(error.message)[:120]


def validate_manifest(manifest: Any, shown: str) -> None:
    """Raises DumpError naming the field unless `manifest` follows the schema."""
    if not isinstance(manifest, dict):
        raise DumpError(f"{shown}: must be a JSON object, not {json_type(manifest)}")
    if manifest.get("format") != FORMAT:
        raise DumpError(f"{shown}: format is {_short(manifest.get('format'))}, expected {FORMAT!r}")
    if manifest.get("version") != VERSION or isinstance(manifest.get("version"), bool):
        raise DumpError(f"{shown}: dump format version {_short(manifest.get('version'))}; this reader knows {VERSION}")
    error = next(iter(_schema_validator().iter_errors(manifest)), None)
    if error is not None:
        where, why = _why(error)
        raise DumpError(f"{shown}: {where}: {why}")


@dataclass(frozen=True)
class TensorInfo:
    subgraph: int
    index: int
    name: str
    dtype: str
    shape: tuple[int, ...]
    quantization: dict | None
    kind: str
    dynamic: bool = False  # the shape is settled at each Invoke: each stored value has its own

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
        return None if self.file is None else self._dump.array(self.file, self.tensor)


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
    xnnpack: bool = False  # --kernels xnnpack: the XNNPACK delegate takes this node

    def label(self) -> str:
        run = f", run {self.invocation}" if self.invocation else ""
        return f"step {self.step} (subgraph {self.subgraph}, node {self.node}{run}, {self.op})"


class Dump:
    """A loaded dump: the manifest, tensors by subgraph, steps in order."""

    def __init__(self, root: str | Path, manifest: dict[str, Any], validated: bool = False):
        self.root = Path(root)
        self.manifest = manifest
        self._shown = f"{printable(self.root)}/manifest.json"
        if not validated:
            validate_manifest(manifest, self._shown)
        # Tensors as listed (in index order; a dump may leave some out: LiteRT's
        # reference dumps list only the tensors LiteRT reports), and by index.
        self.tensors: dict[int, list[TensorInfo]] = {}
        self._by_index: dict[int, dict[int, TensorInfo]] = {}
        for i, sg in enumerate(manifest["subgraphs"]):
            if sg["index"] in self.tensors:
                self._fail(f"subgraphs[{i}].index", f"subgraph {sg['index']} is listed twice")
            infos: list[TensorInfo] = []
            for k, t in enumerate(sg["tensors"]):
                where = f"subgraphs[{i}].tensors[{k}]"
                if infos and t["index"] <= infos[-1].index:
                    self._fail(f"{where}.index", f"{t['index']} after {infos[-1].index} (tensors are listed in "
                               "increasing index order, each once)")
                self._check_quantization(where, t)
                infos.append(TensorInfo(sg["index"], t["index"], t["name"], t["dtype"], tuple(t["shape"]),
                                        t["quantization"], t["kind"], bool(t.get("dynamic", False))))
            by_index = {t.index: t for t in infos}
            for key in ("inputs", "outputs"):
                for j, x in enumerate(sg[key]):
                    if x not in by_index:
                        self._fail(f"subgraphs[{i}].{key}[{j}]", f"tensor {x} is not listed in subgraph {sg['index']}")
            self.tensors[sg["index"]] = infos
            self._by_index[sg["index"]] = by_index
        if not self.tensors:
            self._fail("subgraphs", "empty: a dump lists at least the subgraph that ran")
        top = self._by_index[manifest["subgraphs"][0]["index"]]
        for j, rec in enumerate(manifest["run"]["inputs"]):
            if rec["tensor"] not in top:
                self._fail(f"run.inputs[{j}].tensor", f"tensor {rec['tensor']} is not listed in the subgraph that ran")
            if rec["file"]:  # the schema gives this path no pattern: it must stay inside the dump all the same
                try:
                    relative_parts(rec["file"], f"{self._shown}: run.inputs[{j}].file")
                except InputError as e:
                    raise DumpError(str(e)) from None
        self.steps: list[Step] = [self._step(k, s) for k, s in enumerate(manifest["steps"])]
        self._cache: dict[tuple, np.ndarray] = {}

    def _fail(self, where: str, why: str):
        raise DumpError(f"{self._shown}: {where}: {why}")

    def _check_quantization(self, where: str, t: dict) -> None:
        q = t["quantization"]
        if q is None:
            return
        scale, zp, axis = q["scale"], q["zero_point"], q["quantized_dimension"]
        if not scale:
            self._fail(f"{where}.quantization.scale", "empty")
        if len(zp) not in (1, len(scale)):  # one zero point may serve every channel, as the model may say
            self._fail(f"{where}.quantization.zero_point", f"{len(zp)} zero points for {len(scale)} scales")
        if len(scale) > 1 and (axis >= len(t["shape"]) or t["shape"][axis] != len(scale)):
            self._fail(f"{where}.quantization", f"{len(scale)} scales along dimension {axis} of shape {t['shape']}")

    def _slot(self, subgraph: int, s: dict, where: str) -> Slot:
        tensors = self._by_index[subgraph]
        if s["tensor"] >= 0 and s["tensor"] not in tensors:
            self._fail(f"{where}.tensor", f"tensor {s['tensor']} is not listed in subgraph {subgraph}")
        if s["tensor"] < 0 and s["file"] is not None:
            self._fail(f"{where}.file", "a file for an absent tensor (-1)")
        tensor = None if s["tensor"] < 0 else tensors[s["tensor"]]
        return Slot(s["slot"], tensor, s["file"], self, bool(s.get("no_value", False)))

    def _step(self, k: int, s: dict) -> Step:
        sg = s["subgraph"]
        if sg not in self.tensors:
            self._fail(f"steps[{k}].subgraph", f"subgraph {sg} is not listed in subgraphs")

        def slots(key: str) -> list[Slot]:
            return [self._slot(sg, x, f"steps[{k}].{key}[{j}]") for j, x in enumerate(s.get(key, []))]

        return Step(s["step"], sg, s["node"], s["op"], s["op_version"], s["options"], slots("inputs"), slots("outputs"),
                    s["time_ns"], s["invocation"], slots("updates"), s.get("xnnpack") is True)

    @property
    def complete(self) -> bool:
        return bool(self.manifest.get("complete"))

    @property
    def inputs(self) -> list[dict]:
        """The run's inputs: [{name, tensor, source, file}]."""
        return self.manifest["run"]["inputs"]

    def array(self, file: str, tensor: TensorInfo | None = None) -> np.ndarray:
        """The array stored in `file` (a path from the manifest), memory-mapped. The file
        must be a regular file inside the dump (no link), its .npy header must agree
        with its size and, given the tensor it stores, with the manifest's dtype and
        (unless dynamic) shape: all checked before the data is mapped."""
        expect = None if tensor is None else (tensor.dtype, None if tensor.dynamic else tensor.shape)
        key = (file, expect)
        if key not in self._cache:
            self._cache[key] = read_dump_array(self.root, file, tensor)
        return self._cache[key]

    def input_value(self, j: int) -> np.ndarray:
        """The stored value of the run's j-th input (run.inputs[j].file)."""
        rec = self.inputs[j]
        if not rec["file"]:
            self._fail(f"run.inputs[{j}].file", f"input {printable(rec['name'])!r} was not stored")
        return self.array(rec["file"], self._by_index[self.manifest["subgraphs"][0]["index"]][rec["tensor"]])

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
                    out.append(self.array(slot.file, slot.tensor))
        return out

    def tensor_by_name(self, name: str, subgraph: int | None = None) -> TensorInfo:
        subgraph = self._default_subgraph(subgraph)
        for t in self.tensors[subgraph]:
            if t.name == name:
                return t
        raise KeyError(f"no tensor named {name!r} in subgraph {subgraph}")


def _numpy_name(dtype: str) -> str | None:
    """numpy's name for a manifest dtype, or None for a type .npy cannot hold (int4, string)."""
    try:
        name = np.dtype(dtype).name
    except TypeError:
        return None
    return name if name == dtype else None


def read_dump_array(root: str | Path, file: str, tensor: TensorInfo | None = None) -> np.ndarray:
    """One stored array of a dump, under the dump's reading discipline (Dump.array)."""
    try:
        fd = open_inside(root, file)
    except InputError as e:
        raise DumpError(str(e)) from None
    shown = f"{printable(root)}/{printable(file)}"
    try:
        try:
            header = parse_npy_header(fd, shown)
        except InputError as e:
            raise DumpError(str(e)) from None
        if tensor is not None:
            what = f"tensor {tensor.index} {printable(repr(tensor.name))} of subgraph {tensor.subgraph}"
            want = _numpy_name(tensor.dtype)
            if tensor.dtype == "string" and header.dtype.kind != "S":
                raise DumpError(f"{shown}: holds {header.dtype.name}, the manifest says {what} is string (numpy 'S')")
            if want is not None and header.dtype.name != want:
                raise DumpError(f"{shown}: holds {header.dtype.name}, the manifest says {what} is {tensor.dtype}")
            if not tensor.dynamic and header.shape != tensor.shape:
                raise DumpError(f"{shown}: holds shape {list(header.shape)}, the manifest says {what} has shape "
                                f"{list(tensor.shape)}")
        return map_npy(fd, header)
    finally:
        os.close(fd)


def read_manifest(path: str | Path) -> dict:
    """DIR/manifest.json, read under the reading discipline (regular file, no link, size
    and depth limits) and validated against the schema."""
    root = Path(path)
    shown = f"{printable(root)}/manifest.json"
    if not root.is_dir():
        raise DumpError(f"{printable(root)}: not a directory; not a tfldbg dump")
    if not (root / "manifest.json").exists() and not (root / "manifest.json").is_symlink():
        raise DumpError(f"{printable(root)}: no manifest.json; not a tfldbg dump")
    try:
        manifest = read_json_inside(root, "manifest.json")
    except DumpError:
        raise
    except InputError as e:
        raise DumpError(str(e)) from None
    validate_manifest(manifest, shown)
    return manifest


def load_dump(path: str | Path, allow_incomplete: bool = False) -> Dump:
    """Loads DIR/manifest.json (validated); arrays are read lazily (memory-mapped) on access."""
    root = Path(path)
    manifest = read_manifest(root)
    if manifest["complete"] is not True and not allow_incomplete:
        raise DumpError(f"{printable(root)}: the dump is incomplete (complete: false: the run was interrupted or failed)")
    return Dump(root, manifest, validated=True)


def why_not_replaceable(target: Path) -> str:
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
    why = why_not_replaceable(Path(target))
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
