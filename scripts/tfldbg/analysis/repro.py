"""`python -m tfldbg repro DUMP_A DUMP_B --out DIR`: the first node where two
dumps differ, as something to attach to a bug report.

DIR gets:

    model.tflite        that node alone (`extract`), its operator code, version, options, constants
    input0.npy ...      the values it read in DUMP_A, in the graph input order of model.tflite
    a.npy, b.npy        the differing output as DUMP_A and DUMP_B hold it
    repro.py            ~15 lines: runs model.tflite in LiteRT (reference and optimized kernels),
                        prints how far each is from a.npy and b.npy
    repro.json          which dumps, model, step, node, op and tensor

The dumps are compared as `compare` does (steps in order), by default bit for
bit (--rtol/--atol/--lsb 0), so the chosen node read the same values in both
dumps and departs on its own; the first differing value must be a node's
output (a difference in a graph input or constant is not a node's).
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import numpy as np

from tfldbg.analysis.compare import compare_dumps
from tfldbg.formats.dump import load_dump
from tfldbg.formats.extract import (Extraction, extract, parse_node_range, parse_tensor_lists, read_model,
                                    tensor_name)
from tfldbg.formats.reading import InputError, printable

SCRIPT = '''\
# tfldbg repro: {title}
import os, numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
os.chdir(os.path.dirname(os.path.abspath(__file__)))
a, b = np.load("a.npy"), np.load("b.npy")
inputs = [np.load(f"input{{i}}.npy") for i in range({n_inputs})]
for kernels, kind in (("reference", OpResolverType.BUILTIN_REF), ("optimized", OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES)):
    it = Interpreter(model_path="model.tflite", experimental_op_resolver_type=kind)
    for d, x in zip(it.get_input_details(), inputs):
        it.resize_tensor_input(d["index"], x.shape)
    it.allocate_tensors()
    for d, x in zip(it.get_input_details(), inputs):
        it.set_tensor(d["index"], x)
    it.invoke()
    out = it.get_tensor(it.get_output_details()[{output}]["index"])
    for name, want in (("A ({a_label})", a), ("B ({b_label})", b)):
        d = np.abs(out.astype(np.float64) - want.astype(np.float64))
        print(f"LiteRT {{kernels:<9}} vs {{name}}: {{np.count_nonzero(d)}}/{{d.size}} differ, max |d| {{d.max() if d.size else 0:g}}")
'''


def dump_values(dump, subgraph: int = 0, invocation: int = 0) -> dict[int, np.ndarray]:
    """Each tensor's first stored value in one invocation of a subgraph of a dump
    (a graph input's, or the value its producer wrote; a variable's as first read)."""
    values: dict[int, np.ndarray] = {}
    if subgraph == dump.manifest["subgraphs"][0]["index"]:
        for j, rec in enumerate(dump.inputs):
            if rec.get("file"):
                values.setdefault(int(rec["tensor"]), np.array(dump.input_value(j)))
    for step in dump.steps:
        if step.subgraph != subgraph or step.invocation != invocation:
            continue
        for slot in list(step.inputs) + list(step.outputs):
            if slot.tensor is not None and slot.file and slot.tensor.index not in values and not slot.no_value:
                values[slot.tensor.index] = np.array(slot.value)
    return values


def check_with_dump(part: Extraction, dump_path: str | os.PathLike) -> list[dict]:
    """Runs the part in LiteRT (the dump's kernel set) fed the dump's values of its
    inputs; compares each output with the dump's value. One dict per output."""
    from tfldbg.analysis.compare import compare_arrays
    from tfldbg.backends.litert import run_model_content

    dump = load_dump(dump_path)
    values = dump_values(dump, part.subgraph)
    missing = [t for t in part.inputs if t not in values]
    if missing:
        raise InputError(f"{printable(dump_path)}: no stored value of tensor {missing[0]} (an input of the part) in "
                         f"subgraph {part.subgraph}: a dump without --tensors/--nodes filters is needed")
    kernels = dump.manifest.get("run", {}).get("kernels", "reference")
    got = run_model_content(part.data, [values[t] for t in part.inputs], kernels)
    rows = []
    for t, g in zip(part.outputs, got):
        want = values.get(t)
        row = {"tensor": t, "kernels": kernels, "equal": None, "detail": ""}
        if want is None or g is None:
            row["detail"] = "no value in the dump" if want is None else "LiteRT gives no value"
        elif g.shape != want.shape or (g.dtype != want.dtype and not (g.dtype.kind in "SUO" and want.dtype.kind == "S")):
            row["equal"], row["detail"] = False, f"LiteRT {g.dtype}{list(g.shape)}, dump {want.dtype}{list(want.shape)}"
        elif g.dtype.kind in "SUO":
            row["equal"] = bool(np.array_equal(np.asarray(g.tolist(), dtype=np.bytes_), want))
        else:
            m = compare_arrays(g, want, 0.0, 0.0, 0)
            row["equal"] = bool(m["passed"])
            if not row["equal"]:
                row["detail"] = (f"max |dq| {m['max_abs_lsb']}" if "max_abs_lsb" in m else f"max |d| {m['max_abs']:.3g}") + \
                    f", {float(np.mean(g != want)):.2%} differ"
        rows.append(row)
    return rows


def _label(dump) -> str:
    run = dump.manifest.get("run", {})
    return f"{run.get('tool', '?')} {run.get('kernels', 'reference')}"


def repro(dump_a: str | Path, dump_b: str | Path, out: str | Path, model: str | Path | None = None,
          rtol: float = 0.0, atol: float = 0.0, lsb: int = 0, force: bool = False) -> dict:
    """Writes DIR; returns what repro.json holds. ValueError (one line) when there is nothing to reproduce."""
    a, b = load_dump(dump_a), load_dump(dump_b)
    result = compare_dumps(a, b, rtol, atol, lsb)
    if result.problems:
        raise InputError(f"{printable(dump_a)} and {printable(dump_b)} do not follow the same steps: {result.problems[0]}")
    first = result.first_divergence
    if first is None:
        raise InputError(f"{printable(dump_a)} and {printable(dump_b)}: no value differs ({result.summary()}): "
                         "nothing to reproduce")
    if not first.role.startswith("output"):
        raise InputError(f"the dumps differ first at {first.role} of step {first.step} ({first.name!r}, a graph input "
                         "or constant), not at a node's output: give both runs the same inputs")
    step = next(s for s in a.steps if s.step == first.step)
    model = Path(model) if model else Path(a.manifest["model"]["path"])
    if not model.is_file():
        raise InputError(f"{printable(model)}: the model of {printable(dump_a)} is not there; give it with --model")
    want = a.manifest["model"].get("sha256")
    if want and hashlib.sha256(model.read_bytes()).hexdigest() != want:
        raise InputError(f"{printable(model)}: not the model {printable(dump_a)} ran (SHA-256 differs)")
    part = extract(model, nodes=(step.node, step.node), subgraph=step.subgraph)
    by_tensor_a = {s.tensor.index: s for s in step.inputs if s.tensor is not None}
    inputs = []
    for t in part.inputs:
        slot = by_tensor_a.get(t)
        if slot is None or slot.value is None:
            raise InputError(f"{printable(dump_a)}: step {step.step} has no stored value of input tensor {t}: dump "
                             "without --tensors/--no-constants filters")
        inputs.append(np.array(slot.value))
    # The node's inputs in B: equal to A's when the node departs on its own (always so
    # bit for bit, the default); with tolerances an earlier node may have moved them.
    step_b = next(s for s in b.steps if s.step == first.step)
    inputs_differ = any(x.value is not None and y.value is not None and
                        not np.array_equal(np.asarray(x.value), np.asarray(y.value), equal_nan=np.asarray(x.value).dtype.kind in "fc")
                        for x, y in zip(step.inputs, step_b.inputs))
    slot_index = int(first.role.split()[1])
    out_a = next(s for s in step.outputs if s.slot == slot_index)
    out_b = next(s for s in step_b.outputs if s.slot == slot_index)
    if first.tensor not in part.outputs:
        raise InputError(f"step {step.step}: its output {first.name!r} is not an output of the extracted node")
    out = Path(out)
    if out.exists() and any(out.iterdir()) and not force:
        raise FileExistsError(f"{out}: exists and is not empty; pass --force to write into it")
    out.mkdir(parents=True, exist_ok=True)
    (out / "model.tflite").write_bytes(part.data)
    for i, x in enumerate(inputs):
        np.save(out / f"input{i}.npy", x, allow_pickle=False)
    np.save(out / "a.npy", np.array(out_a.value), allow_pickle=False)
    np.save(out / "b.npy", np.array(out_b.value), allow_pickle=False)
    where = f"node {step.node} of subgraph {step.subgraph}"
    short = first.name if len(first.name) <= 60 else "..." + first.name[-57:]
    title = (f"step {step.step} {step.op} ({where}) of {model.name}: output {short!r} differs between "
             f"A={Path(dump_a).name} ({_label(a)}) and B={Path(dump_b).name} ({_label(b)})")
    (out / "repro.py").write_text(SCRIPT.format(title=printable(title), n_inputs=len(inputs),
                                                output=part.outputs.index(first.tensor),
                                                a_label=_label(a), b_label=_label(b)))
    info = {"format": "tfldbg-repro", "version": 1, "dump_a": str(dump_a), "dump_b": str(dump_b),
            "model": str(model), "step": step.step, "subgraph": step.subgraph, "node": step.node, "op": step.op,
            "tensor": first.tensor, "name": first.name, "inputs": [int(t) for t in part.inputs],
            "max_abs_lsb": first.max_abs_lsb, "max_abs": first.max_abs, "inputs_differ": inputs_differ,
            "tolerance": {"rtol": rtol, "atol": atol, "lsb": lsb}}
    (out / "repro.json").write_text(json.dumps(info, indent=1) + "\n")
    return info


def add_arguments(p) -> None:
    p.add_argument("a", help="dump A (e.g. LiteRT's reference: `python -m tfldbg reference`)")
    p.add_argument("b", help="dump B (e.g. `tfldbg dump --kernels optimized`)")
    p.add_argument("--out", "-o", required=True, metavar="DIR", help="directory to write (created)")
    p.add_argument("--model", help="the model both dumps ran (default: the path in A's manifest)")
    p.add_argument("--rtol", type=float, default=0.0,
                   help="float tolerance, as compare (default 0: the first value that differs at all, so the node's "
                        "inputs are the same in both dumps)")
    p.add_argument("--atol", type=float, default=0.0, help="float tolerance, as compare (default 0)")
    p.add_argument("--lsb", type=int, default=0, help="integer tolerance in LSB (default 0)")
    p.add_argument("--force", action="store_true", help="write into DIR even if it holds files")


def run(args) -> int:
    info = repro(args.a, args.b, args.out, args.model, args.rtol, args.atol, args.lsb, args.force)
    diff = f"{info['max_abs_lsb']} LSB" if info["max_abs_lsb"] is not None else f"|d| {info['max_abs']:.3g}"
    print(f"tfldbg repro: step {info['step']} {info['op']} (node {info['node']} of subgraph {info['subgraph']}), "
          f"output {info['name']!r} differs by up to {diff} -> {args.out}/ (run: cd {args.out} && python repro.py)",
          file=sys.stderr)
    if info["inputs_differ"]:
        print("tfldbg repro: note: the node's inputs already differ between the dumps (an earlier node moved them "
              "within the tolerance); the repro feeds A's", file=sys.stderr)
    return 0


def extract_command(args) -> int:
    """`python -m tfldbg extract`: writes the part, names its inputs and outputs, and with
    --check runs it in LiteRT against a whole-model dump (here: the check is analysis)."""
    out = Path(args.out)
    if (out.exists() or out.is_symlink()) and not args.force:
        raise FileExistsError(f"{out}: already exists; pass --force to replace it")
    if out.is_symlink() or (out.exists() and not out.is_file()):
        raise InputError(f"{out}: not a regular file; refusing to replace it")
    part = extract(args.model, nodes=parse_node_range(args.nodes) if args.nodes else None,
                   tensors=parse_tensor_lists(args.tensors) if args.tensors else None, subgraph=args.subgraph)
    tmp = out.with_name(f".{out.name}.tfldbg-partial-{os.getpid()}")
    tmp.write_bytes(part.data)
    os.replace(tmp, out)
    model, _ = read_model(out)
    names = [tensor_name(t) for t in model.subgraphs[0].tensors]
    print(f"tfldbg extract: {len(part.nodes)} nodes ({part.nodes[0]}..{part.nodes[-1]}) of subgraph {part.subgraph}"
          f"{f', {len(part.subgraph_map)} called subgraphs' if part.subgraph_map else ''} -> {out}", file=sys.stderr)
    if part.added:
        print(f"  added nodes {part.added}: they create (or initialise) resources the nodes read", file=sys.stderr)
    for role, ts in (("input", part.inputs), ("output", part.outputs)):
        for t in ts:
            print(f"  {role} {names[part.tensor_map[t]]} (tensor {t} of the original)", file=sys.stderr)
    if not args.check:
        return 0
    rows = check_with_dump(part, args.check)
    for r in rows:
        verdict = {True: "equal (bit for bit)", False: "DIFFERS", None: "not compared"}[r["equal"]]
        print(f"check: output {names[part.tensor_map[r['tensor']]]} (tensor {r['tensor']}): LiteRT {r['kernels']} "
              f"{verdict}{': ' + r['detail'] if r['detail'] else ''}")
    return 1 if any(r["equal"] is False for r in rows) else 0
