"""Checking tfldbg against the LiteRT oracle on one model, end to end.

    from tfldbg.testing.conformance import check_model
    result = check_model("model.tflite", workdir, seed=0)
    assert result, format_table(result, only_failures=True)

Runs `tfldbg dump` with seeded inputs, `reference` (LiteRT, reference kernels,
all tensors preserved) on the very same inputs, and compares every tensor:
integers bit for bit, floats within rtol/atol. `reference_model` lets LiteRT
run another file than tfldbg (a copy repaired for LiteRT alone, same tensors);
`litert="optimized"` compares with LiteRT's optimized kernels instead, for the
ops whose reference kernel is itself defective (docs/litert-defects.md);
`litert="auto"` picks them when tfldbg's dump has a step that computes their
arithmetic (`litert_kernels: optimized`), and says so in the result's notes.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from tfldbg.analysis.compare import Comparison, compare_by_tensor, compare_dumps
from tfldbg.formats.dump import Dump, load_dump
from tfldbg.backends.litert import write_reference
from tfldbg.backends.engine import run_tool


def litert_kernels_for(dump: Dump) -> tuple[str, list[str]]:
    """The LiteRT kernels a dump is to be compared with: "optimized" when a step
    computes LiteRT's optimized arithmetic (its reference kernel is missing or
    defective there), with those steps as "OP (step N)"; else "reference"."""
    if dump.manifest.get("run", {}).get("kernels") == "optimized":
        return "optimized", []  # the whole run computes LiteRT's optimized kernels (--kernels optimized)
    steps = [f"{s['op']} (step {s['step']})" for s in dump.manifest["steps"] if s.get("litert_kernels") == "optimized"]
    return ("optimized" if steps else "reference"), steps


def check_model(model: str | Path, workdir: str | Path, seed: int = 0, planner: str = "reuse",
                rounding: str = "litert", rtol: float = 1e-5, atol: float = 1e-6,
                extra_args: tuple[str, ...] = (), reference_model: str | Path | None = None,
                litert: str = "reference", by_tensor: bool = False) -> Comparison:
    workdir = Path(workdir)
    ours, theirs = workdir / f"tfldbg-{seed}", workdir / f"litert-{seed}"
    run_tool("dump", str(model), "--out", str(ours), "--seed", str(seed), "--planner", planner,
             "--rounding", rounding, "--force", *extra_args)
    note = None
    if litert == "auto":
        litert, steps = litert_kernels_for(load_dump(ours))
        if steps:
            note = (f"compared with LiteRT's optimized kernels: {', '.join(steps)} compute their arithmetic "
                    "(LiteRT's reference kernel is missing or defective there: docs/litert-defects.md)")
    write_reference(reference_model or model, theirs, like=str(ours), force=True, kernels=litert)
    dump = load_dump(ours)
    # A reference model that rewrites ops (conformance_table's repairs) has other
    # steps: compare tensor by tensor then.
    compare = compare_by_tensor if by_tensor else compare_dumps
    result = compare(dump, load_dump(theirs), rtol=rtol, atol=atol)
    if litert != "xnnpack":  # LiteRT's default path gives the graph outputs only: no step is checked on its own
        _log_coverage(dump, bool(result), litert)
    if note:
        result.notes.append(note)
    return result


def step_dtype(step) -> str:
    """The type a step's op ran on, as the op table lists types: its main
    input's dtype (the first present input, or the slot the op table's
    `facts.main_input` names), or "hybrid" for float32 activations with integer
    constant weights, or the values' type after a bool condition. When the
    first input is an int32/int64 index tensor and the output has another type
    (SCATTER_ND's indices, ONE_HOT's, SPLIT's axis, EMBEDDING_LOOKUP's ids), the
    type of the later input the output takes, or "hybrid" for a float output
    read from integer constant weights."""
    from tfldbg.backends.engine import op_table

    present = [s.tensor for s in step.inputs if s.tensor is not None]
    if not present:
        return "none"

    def integer_weights(tensors) -> bool:
        return any(t.kind == "constant" and t.dtype in ("int8", "uint8", "int4") for t in tensors)

    main_slot = ((op_table().get(step.op) or {}).get("facts") or {}).get("main_input", 0)
    if main_slot:
        main = next((s.tensor for s in step.inputs if s.slot == main_slot and s.tensor is not None), present[0])
        others = [t for t in present if t is not main]
        return "hybrid" if main.dtype == "float32" and integer_weights(others) else main.dtype
    first = present[0].dtype
    outputs = [s.tensor for s in step.outputs if s.tensor is not None]
    # A bool condition choosing among values of the output's type (SELECT, SELECT_V2).
    if (first == "bool" and len(present) > 1 and outputs and outputs[0].dtype != "bool"
            and all(t.dtype == outputs[0].dtype for t in present[1:])):
        return outputs[0].dtype
    if first == "float32" and integer_weights(present[1:]):
        return "hybrid"
    if first in ("int32", "int64") and outputs and outputs[0].dtype != first:
        out = outputs[0].dtype
        if any(t.dtype == out for t in present[1:]):
            return out
        if out in ("float32", "float16") and integer_weights(present[1:]):
            return "hybrid"
    return first


def _log_coverage(dump, matched: bool, litert: str) -> None:
    """With TFLDBG_SWEEP_LOG=FILE, appends one line per step checked against
    LiteRT: {op, dtype, matched, litert}. `python -m tfldbg sweep-coverage FILE`
    turns it into the ops x types table and checks every type the op table claims."""
    log = os.environ.get("TFLDBG_SWEEP_LOG")
    if not log:
        return
    lines = "".join(json.dumps({"op": st.op, "dtype": step_dtype(st), "matched": matched, "litert": litert}) + "\n"
                    for st in dump.steps)
    with open(log, "a") as f:  # one write per model: whole lines even with parallel workers
        f.write(lines)


def record_coverage(dump, matched: bool, litert: str) -> None:
    """For checks that hold tfldbg against LiteRT some other way than
    check_model (a custom op against LiteRT running a rewritten graph): logs
    the dump's steps to the sweep coverage as check_model does."""
    _log_coverage(dump, matched, litert)
