"""The engine in-process: `tfldbg.Interpreter` over the C++ extension
`tfldbg._engine` (the public C++ API, include/tfldbg/tfldbg.h). docs/python.md.

    import numpy as np, tfldbg
    interp = tfldbg.Interpreter("model.tflite", planner="no-reuse")
    out = interp.run({"input": x}, on_node=lambda s: print(s.node, s.op, s.outputs[0].max()))

The extension comes with the wheel (`pip install .`); in a checkout whose
Python package is used from scripts/ the newest one built under build/ is
used (build/wheel from `pip wheel .`, or a CMake tree configured with
-DTFLDBG_BUILD_PYTHON=ON), as `find_binary` looks up the CLI.
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import sys
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

import numpy as np

_HERE = Path(__file__).resolve().parent
_engine_module = None


def _engine():
    """The extension module, imported once."""
    global _engine_module
    if _engine_module is not None:
        return _engine_module
    try:
        from tfldbg import _engine as module  # the installed wheel
    except ImportError:
        module = _engine_from_checkout()
    _engine_module = module
    return module


def _engine_from_checkout():
    """The newest extension built in this checkout (build/*/python/tfldbg)."""
    repo = _HERE.parents[1]
    found = [path for suffix in importlib.machinery.EXTENSION_SUFFIXES
             for path in (repo / "build").glob(f"*/python/tfldbg/_engine{suffix}")]
    if not found:
        raise ImportError("tfldbg's engine extension is not installed: `pip install .` at the repository root "
                          "(docs/python.md)")
    path = max(found, key=lambda p: p.stat().st_mtime)
    spec = importlib.util.spec_from_file_location("tfldbg._engine", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["tfldbg._engine"] = module
    spec.loader.exec_module(module)
    return module


def __getattr__(name: str):  # tfldbg.interpreter.Error, resolved when first asked
    if name == "Error":
        return _engine().Error
    raise AttributeError(name)


# --- custom operators ---------------------------------------------------------------------------

_CUSTOM_OPS: dict[str, tuple[Callable | None, Callable]] = {}


class CustomTensor:
    """A custom operator's input as its kernel sees it: `dtype`, `shape`, `name`,
    `scale`, `zero_point`, and `data` (a read-only numpy array; None in prepare
    unless the input is a constant)."""

    __slots__ = ("name", "dtype", "shape", "scale", "zero_point", "data")

    def __init__(self, d: dict):
        self.name = d["name"]
        self.dtype = np.dtype(d["dtype"]) if d["dtype"] in np.sctypeDict else d["dtype"]
        self.shape = tuple(d["shape"])
        self.scale = list(d["scale"])
        self.zero_point = list(d["zero_point"])
        self.data = d["data"]

    def __repr__(self) -> str:
        return f"CustomTensor({self.name!r}, {self.dtype}, {self.shape})"


def register_custom_op(name: str, eval: Callable, prepare: Callable | None = None) -> None:
    """Runs the custom operator `name` (its custom code in the model) with
    Python functions, in every Interpreter created afterwards (and their dumps):

    - `eval(inputs, options) -> array or list of arrays`: `inputs` are numpy
      arrays (None for an absent optional input), `options` the operator's
      custom options bytes; each result must have its output's shape and convert
      to its type without loss of kind (checked, one-line errors).
    - `prepare(inputs, options) -> list of output shapes` (optional): `inputs`
      are CustomTensor (data set for constants only); without it every output
      keeps the shape the model declares.
    """
    if not callable(eval) or (prepare is not None and not callable(prepare)):
        raise TypeError("register_custom_op: eval (and prepare, when given) must be callable")
    _CUSTOM_OPS[name] = (prepare, eval)


def unregister_custom_op(name: str) -> None:
    _CUSTOM_OPS.pop(name, None)


def _custom_op_entries() -> list[tuple[str, tuple[Callable, Callable]]]:
    entries = []
    for name, (prepare, evaluate) in _CUSTOM_OPS.items():
        entries.append((name, (_wrap_prepare(prepare), _wrap_eval(name, evaluate))))
    return entries


def _wrap_prepare(prepare: Callable | None) -> Callable:
    def call(inputs: list, outputs: list, options: bytes) -> list[list[int]]:
        if prepare is None:
            return [list(o["shape"]) for o in outputs]
        shapes = prepare([None if d is None else CustomTensor(d) for d in inputs], options)
        return [[int(v) for v in shape] for shape in shapes]

    return call


def _wrap_eval(name: str, evaluate: Callable) -> Callable:
    def call(inputs: list, outputs: list, options: bytes) -> None:
        values = evaluate([None if d is None else d["data"] for d in inputs], options)
        if isinstance(values, np.ndarray) or np.isscalar(values):
            values = [values]
        values = list(values)
        if len(values) != len(outputs):
            raise ValueError(f"eval returned {len(values)} outputs, the node has {len(outputs)}")
        for i, (out, value) in enumerate(zip(outputs, values)):
            value = np.asarray(value)
            if value.shape != out.shape:
                raise ValueError(f"eval output {i} has shape {list(value.shape)}, the node's is {list(out.shape)}")
            if not np.can_cast(value.dtype, out.dtype, casting="same_kind"):
                raise ValueError(f"eval output {i} is {value.dtype}, the node's is {out.dtype}")
            out[...] = value

    return call


# --- the interpreter ----------------------------------------------------------------------------


def _details(d: dict) -> dict:
    d = dict(d)
    d["shape"] = tuple(d["shape"])
    d["shape_signature"] = tuple(d["shape_signature"])
    return d


class Interpreter:
    """A model run by tfldbg's kernels (LiteRT's arithmetic, bit for bit).

    model: a path, or the model's bytes.
    planner: "reuse" (LiteRT's arena: an intermediate is valid only inside the
        callbacks of the nodes that touch it) or "no-reuse" (every tensor keeps
        its memory: `tensor(i)` after `invoke` for any i).
    rounding: "litert" | "double" | "single" (docs/cli.md, --rounding).
    threads, cpu: how the kernels run, never what they compute.
    signature / subgraph: what runs; input_shapes: {input key: shape} for
        inputs with -1 dimensions.
    Errors are tfldbg.Error with tfldbg's one-line message.
    """

    def __init__(self, model: str | os.PathLike | bytes, *, planner: str = "reuse", rounding: str = "litert",
                 threads: int = 1, cpu: str = "auto", signature: str | None = None, subgraph: int = 0,
                 input_shapes: Mapping[str | int, Iterable[int]] | None = None):
        engine = _engine()
        self._source = model
        self._options = {"planner": planner, "rounding": rounding, "threads": threads, "cpu": cpu,
                         "signature": signature, "subgraph": subgraph}
        self._set: dict[str, np.ndarray] = {}  # the inputs as last set, for replay
        self._seed: int | None = None
        self._model = model if isinstance(model, engine.Model) else engine.Model.load(model)
        shapes = [(str(k), [int(v) for v in shape]) for k, shape in (input_shapes or {}).items()]
        self._engine = engine.Engine(self._model, planner, rounding, signature or "", subgraph, threads, cpu, shapes,
                                     _custom_op_entries())
        self.planner = planner
        self._inputs = [_details(d) for d in self._engine.inputs]
        self._outputs = [_details(d) for d in self._engine.outputs]
        self._tensors = None

    # details, as lists of dicts: name, index, dtype, shape, shape_signature, kind, scale, zero_point, quantized_dimension
    @property
    def inputs(self) -> list[dict]:
        return self._inputs

    @property
    def outputs(self) -> list[dict]:
        return self._outputs

    @property
    def tensors(self) -> list[dict]:
        if self._tensors is None:
            self._tensors = [_details(d) for d in self._engine.tensors]
        return self._tensors

    @property
    def signatures(self) -> list[dict]:
        return self._model.signatures

    def _input_key(self, key: str | int) -> tuple[str, dict]:
        if isinstance(key, (int, np.integer)):
            if not 0 <= key < len(self._inputs):
                raise IndexError(f"input {key} does not exist (the model has {len(self._inputs)} inputs)")
            return str(int(key)), self._inputs[int(key)]
        for pos, d in enumerate(self._inputs):
            if d["name"] == key:
                return str(pos), d
        return str(key), None  # a signature name: the engine resolves it (or says what exists)

    def set_input(self, key: str | int, value: Any) -> None:
        """Sets an input (by position, tensor name or signature name) from an
        array-like, converted to the input's type."""
        key, d = self._input_key(key)
        if d is not None:
            value = np.ascontiguousarray(value, dtype=np.dtype(d["dtype"]) if d["dtype"] in np.sctypeDict else None)
        else:
            value = np.ascontiguousarray(value)
        self._engine.set_input(key, value)
        self._set[key] = value

    def set_inputs(self, inputs: Mapping | Iterable | None = None, *, seed: int | None = None) -> None:
        if seed is not None:
            self._engine.set_random_inputs(seed)
            self._seed, self._set = seed, {}
        if inputs is None:
            return
        items = inputs.items() if isinstance(inputs, Mapping) else enumerate(inputs)
        for key, value in items:
            self.set_input(key, value)

    def invoke(self, on_node: Callable | None = None, before_node: Callable | None = None) -> None:
        """Runs the model once. `on_node(step)` is called after each node,
        `before_node(step)` before it; step has op, node, subgraph, step,
        invocation, op_version, elapsed_ns, input_indices, output_indices and
        inputs / outputs as read-only numpy views valid during the call
        (`.copy()` what you keep). An exception in a callback stops the run and
        propagates."""
        self._engine.invoke(before_node, on_node)

    def run(self, inputs: Mapping | Iterable | None = None, *, seed: int | None = None,
            on_node: Callable | None = None, before_node: Callable | None = None) -> dict[str, np.ndarray]:
        """Sets the inputs (a dict by name or position, or a list), invokes, and
        returns every output by name as a numpy array (a copy)."""
        self.set_inputs(inputs, seed=seed)
        self.invoke(on_node=on_node, before_node=before_node)
        return {d["name"]: np.array(self._engine.output(str(i))) for i, d in enumerate(self._outputs)}

    def output(self, key: str | int) -> np.ndarray:
        """An output after invoke, as a copy."""
        return np.array(self._engine.output(str(key)))

    def tensor(self, index: int, copy: bool = True) -> np.ndarray:
        """Tensor `index` of the running subgraph (a copy, or with copy=False a
        read-only view valid until the next invoke). With planner="reuse" an
        intermediate's memory may hold a later tensor's values."""
        view = self._engine.tensor(int(index))
        return np.array(view) if copy else view

    def dump(self, out: str | os.PathLike, *, force: bool = False, nodes: tuple[int, int] | None = None,
             ops: Iterable[str] = (), tensors: str = "", constants: bool = True) -> Path:
        """Invokes once on the inputs as set and writes the dump directory
        `out` (docs/dump-format.md), as `tfldbg dump` does; returns its path
        (read it with tfldbg.load_dump)."""
        self._engine.dump(os.fspath(out), force, tuple(nodes) if nodes else None, list(ops), tensors, constants)
        return Path(out)

    def replay(self, out: str | os.PathLike, *, force: bool = False, weights_from: str | os.PathLike | None = None,
               seed: int | None = None) -> Path:
        """`tfldbg replay` on this model and the inputs as last set (or seeded
        ones): writes out/quant, out/local and out/accumulated (docs/quant-report.md).
        It runs the CLI, so custom operators must come from a plugin there."""
        import tempfile

        from tfldbg.backends.engine import run_tool

        def fail(message: str):
            raise _engine().Error(message)

        args = []
        for name, value in self._options.items():
            if name in ("signature",) and value:
                args += ["--signature", value]
            elif name == "subgraph" and value and not self._options["signature"]:
                args += ["--subgraph", str(value)]
            elif name in ("planner", "rounding", "cpu", "threads"):
                args += [f"--{name}", str(value)]
        if weights_from is not None:
            args += ["--weights-from", os.fspath(weights_from)]
        if force:
            args.append("--force")
        if seed is None and not self._set:
            seed = self._seed if self._seed is not None else 0
        with tempfile.TemporaryDirectory(prefix="tfldbg-replay-") as tmp:
            model = self._source
            if isinstance(model, (bytes, bytearray, memoryview)):
                (Path(tmp) / "model.tflite").write_bytes(bytes(model))
                model = Path(tmp) / "model.tflite"
            elif not isinstance(model, (str, os.PathLike)):
                fail("replay needs the model's path or bytes")
            for i, (key, value) in enumerate(self._set.items()):
                np.save(Path(tmp) / f"{i}.npy", value)
                args += ["--input", f"{key}={Path(tmp) / f'{i}.npy'}"]
            if seed is not None:
                args += ["--seed", str(seed)]
            try:
                run_tool("replay", os.fspath(model), "--out", os.fspath(out), *args)
            except RuntimeError as e:
                fail(str(e))
        return Path(out)

    def _repr_html_(self) -> str:
        """A notebook shows the model's inputs and outputs as a table."""
        import html

        rows = []
        for d in self._inputs + self._outputs:
            quant = (f"scale {d['scale'][0]:.6g}, zero point {d['zero_point'][0]}" if len(d["scale"]) == 1
                     else f"{len(d['scale'])} channels" if d["scale"] else "")
            rows.append(f"<tr><td>{d['kind']}</td><td>{d['index']}</td><td>{html.escape(d['name'])}</td>"
                        f"<td>{d['dtype']}</td><td>{list(d['shape'])}</td><td>{quant}</td></tr>")
        return (f"<p><b>tfldbg.Interpreter</b> {html.escape(str(self._model.origin))}: planner {self.planner}</p>"
                "<table><tr><th>kind</th><th>tensor</th><th>name</th><th>type</th><th>shape</th>"
                "<th>quantization</th></tr>" + "".join(rows) + "</table>")

    def __repr__(self) -> str:
        return (f"<tfldbg.Interpreter {self._model.origin}: {len(self._inputs)} inputs, "
                f"{len(self._outputs)} outputs, planner={self.planner}>")
