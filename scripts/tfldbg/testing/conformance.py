"""Checking tfldbg against the LiteRT oracle on one model, end to end.

    from tfldbg.testing.conformance import check_model
    result = check_model("model.tflite", workdir, seed=0)
    assert result, format_table(result, only_failures=True)

Runs `tfldbg dump` with seeded inputs, `reference` (LiteRT, reference kernels,
all tensors preserved) on the very same inputs, and compares every tensor:
integers bit for bit, floats within rtol/atol. `reference_model` lets LiteRT
run another file than tfldbg (a copy repaired for LiteRT alone, same tensors);
`litert="optimized"` compares with LiteRT's optimized kernels instead, for the
ops whose reference kernel is itself defective (docs/litert-defects.md).
"""

from __future__ import annotations

from pathlib import Path

from tfldbg.analysis.compare import Comparison, compare_dumps
from tfldbg.formats.dump import load_dump
from tfldbg.backends.litert import write_reference
from tfldbg.backends.engine import run_tool


def check_model(model: str | Path, workdir: str | Path, seed: int = 0, planner: str = "reuse",
                rounding: str = "litert", rtol: float = 1e-5, atol: float = 1e-6,
                extra_args: tuple[str, ...] = (), reference_model: str | Path | None = None,
                litert: str = "reference") -> Comparison:
    workdir = Path(workdir)
    ours, theirs = workdir / f"tfldbg-{seed}", workdir / f"litert-{seed}"
    run_tool("dump", str(model), "--out", str(ours), "--seed", str(seed), "--planner", planner,
             "--rounding", rounding, "--force", *extra_args)
    write_reference(reference_model or model, theirs, like=str(ours), force=True, kernels=litert)
    return compare_dumps(load_dump(ours), load_dump(theirs), rtol=rtol, atol=atol)
