"""`python -m tfldbg reference`: LiteRT's values of every tensor, as a tfldbg dump.

Runs the model in the real LiteRT runtime with its reference kernels
(OpResolverType.BUILTIN_REF) and every tensor preserved, then writes each
operator's inputs and outputs in tfldbg's dump format, step for step, so
`python -m tfldbg compare` checks tfldbg (or anything else) against LiteRT.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import numpy as np

from tfldbg.formats.dump import FORMAT, VERSION, check_replaceable, commit_directory, load_dump
from tfldbg.formats.reading import read_npy
from tfldbg.formats.sparse import densify, sparse_tensors

_DTYPE_NAMES = {np.dtype(t).name: np.dtype(t).name for t in (np.float32, np.float16, np.int8, np.uint8, np.int16,
                                                             np.int32, np.int64, np.bool_, np.float64, np.uint16,
                                                             np.uint32, np.uint64, np.complex64, np.complex128)}


# LiteRT's kernel sets: "reference" (the oracle: BUILTIN_REF), "optimized"
# (its optimized CPU kernels without the default XNNPACK delegate) and
# "xnnpack" (its default CPU path: the Interpreter as it comes, which applies
# the XNNPACK delegate; the delegate keeps no intermediate tensors, so only
# the graph's outputs have values).
KERNELS = ("reference", "optimized", "xnnpack")


def litert_interpreter(model: str | Path, kernels: str = "reference"):
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    if kernels not in KERNELS:
        raise ValueError(f"kernels {kernels!r}: one of {', '.join(KERNELS)}")
    if kernels == "xnnpack":
        # The default resolver with its default delegate; preserving all
        # tensors would turn the delegate off, so intermediates are not kept.
        interp = Interpreter(model_path=str(model))
        interp.allocate_tensors()
        return interp
    resolver = OpResolverType.BUILTIN_REF if kernels == "reference" else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interp = Interpreter(model_path=str(model), experimental_op_resolver_type=resolver,
                         experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    return interp


def run_model_content(data: bytes, feeds: list[np.ndarray], kernels: str = "reference") -> list[np.ndarray | None]:
    """Runs a model given as bytes once in LiteRT, its graph inputs fed in order
    (resized to the values' shapes); its outputs, None where LiteRT gives no value."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    if kernels not in KERNELS:
        raise ValueError(f"kernels {kernels!r}: one of {', '.join(KERNELS)}")
    resolver = OpResolverType.BUILTIN_REF if kernels == "reference" else OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES
    interp = Interpreter(model_content=data, experimental_op_resolver_type=resolver)
    details = interp.get_input_details()
    for d, v in zip(details, feeds):
        if list(d["shape"]) != list(v.shape):
            interp.resize_tensor_input(int(d["index"]), list(v.shape))
    interp.allocate_tensors()
    for d, v in zip(details, feeds):
        interp.set_tensor(int(d["index"]), v)
    interp.invoke()
    out: list[np.ndarray | None] = []
    for d in interp.get_output_details():
        try:
            out.append(np.array(interp.get_tensor(int(d["index"])), copy=True))
        except ValueError:  # LiteRT gives no value for it (a loop output nothing reads)
            out.append(None)
    return out


def _quantization(detail: dict) -> dict | None:
    q = detail["quantization_parameters"]
    if len(q["scales"]) == 0:
        return None
    return {"scale": [float(s) for s in q["scales"]], "zero_point": [int(z) for z in q["zero_points"]],
            "quantized_dimension": int(q["quantized_dimension"]), "per_channel": len(q["scales"]) > 1,
            "has_details": False}


def _resolve_inputs(interp, assignments: list[str], like: str | None) -> dict[int, np.ndarray]:
    details = interp.get_input_details()
    values: dict[int, np.ndarray] = {}
    if like:
        dump = load_dump(like)
        ran = dump.manifest["subgraphs"][0]["index"]  # the subgraph that ran; the others were called from it
        if ran != 0:
            raise ValueError(f"--like {like}: that dump ran subgraph {ran} (--signature/--subgraph); the reference "
                             "runs the main subgraph (0) only")
        for j, rec in enumerate(dump.inputs):  # read inside the dump only (formats/reading.py), copied
            values[int(rec["tensor"])] = np.array(dump.input_value(j))
    for a in assignments:
        name, sep, file = a.partition("=")
        if not sep:
            raise ValueError(f"--input {a!r}: expected NAME=FILE.npy")
        match = [d for d in details if d["name"] == name]
        if not match and name.isdigit() and int(name) < len(details):
            match = [details[int(name)]]
        if not match:
            raise ValueError(f"--input {a!r}: no input named {name!r}; inputs are {[d['name'] for d in details]}")
        values[int(match[0]["index"])] = read_npy(file)
    missing = [d["name"] for d in details if int(d["index"]) not in values]
    if missing:
        raise ValueError(f"no value for inputs {missing}: pass --input NAME=FILE.npy or --like DUMP")
    return values


def write_reference(model: str | Path, out: str | Path, assignments: list[str] = (), like: str | None = None,
                    force: bool = False, kernels: str = "reference") -> Path:
    """Runs LiteRT on the model and writes its dump to `out`; returns the path."""
    import ai_edge_litert

    out = Path(os.path.normpath(os.path.abspath(out)))
    if out.exists() or out.is_symlink():
        if not force:
            raise FileExistsError(f"{out}: already exists; pass --force to replace it (a tfldbg dump only)")
        check_replaceable(out)
    interp = litert_interpreter(model, kernels)
    inputs = _resolve_inputs(interp, list(assignments), like)
    # Inputs of another shape than the model's: resized as tfldbg resizes them
    # (LiteRT's resize_tensor_input; the model's shape signature decides).
    shapes = {int(d["index"]): list(d["shape"]) for d in interp.get_input_details()}
    resized = [(i, v.shape) for i, v in inputs.items() if list(v.shape) != shapes.get(i)]
    for index, shape in resized:
        interp.resize_tensor_input(index, list(shape), strict=True)
    if resized:
        interp.allocate_tensors()
    for index, value in inputs.items():
        if value.dtype.kind in "SU" and value.ndim == 0:
            # LiteRT's set_tensor copies a 0-d string array's whole element,
            # padding included: give it the string's exact width (an empty
            # string still arrives as one NUL byte: docs/litert-defects.md).
            item = value.item() if value.dtype.kind == "S" else value.item().encode()
            value = np.array(item, dtype=f"S{max(len(item), 1)}")
        interp.set_tensor(index, value)
    # Tensors no op produces (constants, variable state) are recorded as the
    # ops read them, before the Invoke; a variable an op changed in place
    # (an LSTM's state) gets its final value as that op's update, as tfldbg.
    ops = interp._get_ops_details()
    if kernels == "xnnpack":  # the model's nodes; the delegate's own nodes (appended after them) are no steps
        ops = [op for op in ops if op["op_name"] != "DELEGATE"]
    produced = {int(t) for op in ops for t in op["outputs"]}
    graph_in = {int(d["index"]) for d in interp.get_input_details()}
    # Resource and variant tensors (a hash table's handle) have no array to
    # give: reading one makes numpy convert whatever bytes it holds to objects
    # (it may crash). They are never read, as tfldbg stores none.
    opaque = {int(d["index"]) for d in interp.get_tensor_details() if d["dtype"] is np.object_}
    before: dict[int, np.ndarray] = {}
    for op in ops:
        for t in (int(t) for t in op["inputs"]):
            if t >= 0 and t not in produced and t not in graph_in and t not in before and t not in opaque:
                try:
                    before[t] = np.array(interp.get_tensor(t), copy=True)
                except ValueError:
                    pass
    # A sparse constant reads back as its stored values: recorded dense, as the kernels see it.
    sparse = sparse_tensors(model)
    if sparse:
        shapes_of = {int(d["index"]): d["shape"] for d in interp.get_tensor_details()}
        for t in set(sparse) & set(before):
            before[t] = densify(before[t], shapes_of[t], sparse[t])
    interp.invoke()

    staging = out.parent / f".{out.name}.reference-partial-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    (staging / "tensors").mkdir(parents=True)
    details = {int(d["index"]): d for d in interp.get_tensor_details()}
    files: dict[int, str | None] = {}
    no_value: set[int] = set()  # tensors LiteRT gives no value for

    def store(index: int, value: np.ndarray, version: int) -> str | None:
        if value.dtype == object:
            # Strings come back as bytes objects: stored as a numpy 'S' array, as
            # tfldbg stores them; resource handles have no array to store (as tfldbg).
            if details[index]["dtype"] is not np.bytes_:
                return None
            value = np.array(value.tolist() if value.ndim else value.item(), dtype=np.bytes_).reshape(value.shape)
        name = f"tensors/s0_t{index}_v{version}.npy"
        np.save(staging / name, np.require(value, requirements="C"), allow_pickle=False)  # keeps 0-d arrays 0-d
        return name

    def file_for(index: int) -> str | None:
        if index < 0:
            return None
        if index not in files:
            if index in opaque:
                files[index] = None
                return None
            if index in before:
                files[index] = store(index, before[index], 0)
                return files[index]
            try:
                value = interp.get_tensor(index)
            except ValueError:  # a tensor without data (an unused optional, an output it never computed)
                files[index] = None
                no_value.add(index)
            else:
                files[index] = store(index, value, 0)
        return files[index]

    last_reader = {t: i for i, op in enumerate(ops) for t in (int(t) for t in op["inputs"])
                   if t in before and t not in sparse}  # sparse tensors are constants: never updated
    updates: dict[int, list[dict]] = {}
    for t, i in sorted(last_reader.items()):
        after = interp.get_tensor(t)
        if after.dtype != object and not np.array_equal(after, before[t], equal_nan=after.dtype.kind in "fc"):  # NaN == NaN: unchanged
            slot = [int(x) for x in ops[i]["inputs"]].index(t)
            updates.setdefault(i, []).append({"slot": slot, "tensor": t, "file": store(t, after, 1)})

    run_inputs = []
    for d in interp.get_input_details():
        idx = int(d["index"])
        run_inputs.append({"name": d["name"], "tensor": idx, "source": "given", "file": file_for(idx)})
    def slot(s: int, t: int) -> dict:
        entry = {"slot": s, "tensor": t, "file": None if t in no_value else file_for(t)}
        # -1: LiteRT lists no tensor there (an absent optional input, or an
        # output it leaves without a value: while_op_with_forwarding_input.bin).
        if t in no_value or t < 0:
            entry["no_value"] = True
        return entry

    if kernels == "xnnpack":
        # Only the graph's outputs are LiteRT's results: the delegate's nodes
        # keep no intermediate, and inputs and constants are the given ones.
        # (Variables an op updates in place, an LSTM's state, keep their final
        # value: their memory is the variable's own.)
        outputs_only = {int(d["index"]) for d in interp.get_output_details()}
        no_value.update(t for t in details if t not in outputs_only)
        for t in list(files):
            if t not in outputs_only:
                files[t] = None

    steps = []
    for i, op in enumerate(ops):  # execution order
        steps.append({
            "step": i, "subgraph": 0, "node": int(op["index"]), "invocation": 0, "op": op["op_name"], "op_version": 0,
            "options": {},
            "inputs": [slot(s, int(t)) for s, t in enumerate(op["inputs"])],
            "outputs": [slot(s, int(t)) for s, t in enumerate(op["outputs"])],
            "updates": updates.get(i, []),
            "time_ns": 0,
        })
    graph_out = {int(d["index"]) for d in interp.get_output_details()}

    def kind(idx: int) -> str:
        if idx in graph_in:
            return "input"
        if idx in graph_out:
            return "output"
        return "intermediate" if idx in produced else "constant"

    tensors = []
    for idx in sorted(details):
        d = details[idx]
        dtype = "string" if d["dtype"] is np.bytes_ else np.dtype(d["dtype"]).name
        tensors.append({"index": idx, "name": d["name"], "dtype": dtype,
                        "shape": [int(x) for x in d["shape"]], "quantization": _quantization(d), "kind": kind(idx)})
    manifest = {
        "format": FORMAT, "version": VERSION, "complete": True,
        "model": {"path": str(model), "sha256": hashlib.sha256(Path(model).read_bytes()).hexdigest()},
        "run": {"planner": "preserve-all", "rounding": "litert", "inputs": run_inputs, "tool": "litert",
                "kernels": kernels,
                "tool_version": getattr(ai_edge_litert, "__version__", "unknown")},
        "subgraphs": [{"index": 0, "name": "", "inputs": [int(d["index"]) for d in interp.get_input_details()],
                       "outputs": [int(d["index"]) for d in interp.get_output_details()], "tensors": tensors}],
        "steps": steps,
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=1) + "\n")
    commit_directory(staging, out, force)
    return out
