"""What every op sweep shares: run a single-op model in tfldbg and LiteRT and
compare every tensor (tfldbg.testing.conformance), or hold tfldbg's one-line
refusal of a model.

    from sweep import check, refused
    check(builder, tmp_path)                                   # seeded random inputs, seeds 0 and 1
    check(builder, tmp_path, inputs={"x": array})               # given values (by input name or position)
    message = refused(builder, tmp_path, "int16 input needs zero point 0")

TFLDBG_SWEEP_KERNELS=optimized runs every sweep through check() as tfldbg
`--kernels optimized` against LiteRT's optimized kernels
(BUILTIN_WITHOUT_DEFAULT_DELEGATES) instead of the reference pair: integers bit
for bit, floats within the conformance table's optimized tolerance (reordered
float sums). This is how the departures of docs/deployment.md were found:

    TFLDBG_SWEEP_KERNELS=optimized .venv/bin/python -m pytest tests/python/ops -n 2
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import numpy as np

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import find_binary
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder

# "reference" (the default) or "optimized": which kernel pair every check() compares.
SWEEP_KERNELS = os.environ.get("TFLDBG_SWEEP_KERNELS", "reference")
if SWEEP_KERNELS not in ("reference", "optimized"):
    raise ValueError(f"TFLDBG_SWEEP_KERNELS={SWEEP_KERNELS!r}: reference or optimized")

SHARED_MODELS = Path(__file__).resolve().parents[3].parent / "shared" / "models"

# The fused activations every op with an activation field is swept over.
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def _input_args(tmp_path, inputs) -> list[str]:
    args: list[str] = []
    for key, value in (inputs or {}).items():
        npy = tmp_path / f"in-{key}.npy"
        np.save(npy, value)
        args += ["--input", f"{key}={npy}"]
    return args


def check(builder: OpModelBuilder, tmp_path, inputs: dict | None = None, seeds=(0, 1), litert: str = "reference",
          rtol: float = 1e-5, atol: float = 1e-6) -> None:
    """Runs the model in tfldbg and in LiteRT (reference kernels, every tensor
    kept) and asserts every tensor matches. `inputs` (by input name or position)
    replace seeded random values; when they cover every input, one run is enough.
    litert="optimized": compare with LiteRT's optimized kernels, for ops whose
    reference kernel is defective (say so in docs/litert-defects.md). rtol/atol:
    float tolerance (state why when it is not the default)."""
    path = builder.save(tmp_path / "op.tflite")
    args = _input_args(tmp_path, inputs)
    if SWEEP_KERNELS == "optimized":
        from tfldbg.testing.conformance_table import OPTIMIZED_FLOAT_TOLERANCE

        args += ["--kernels", "optimized"]
        litert = "optimized"
        rtol, atol = max(rtol, OPTIMIZED_FLOAT_TOLERANCE[0]), max(atol, OPTIMIZED_FLOAT_TOLERANCE[1])
    covered = inputs is not None and len(inputs) >= len(builder.inputs)
    for seed in seeds[:1] if covered else seeds:
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(args), litert=litert, rtol=rtol, atol=atol)
        assert result, format_table(result, only_failures=True)
    # The fast kernels equal the scalar ones bit for bit, on every CPU path this
    # machine runs and at several thread counts (every tensor compared).
    proc = subprocess.run([str(find_binary()), "cpu-check", str(path), "--seed", str(seeds[0]), *args],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def refused(builder: OpModelBuilder, tmp_path, needle: str | None = None, inputs: dict | None = None) -> str:
    """tfldbg refuses the model with exit code 1 and one line on stderr
    (containing `needle` when given); returns that line."""
    path = builder.save(tmp_path / "op.tflite")
    proc = subprocess.run([str(find_binary()), "dump", str(path), "--out", str(tmp_path / "refused"), "--force",
                           *_input_args(tmp_path, inputs)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert needle is None or needle in lines[0], lines[0]
    return lines[0]


def out_size(padding: str, size: int, k: int, stride: int, dilation: int = 1) -> int:
    """The output length of a SAME or VALID window."""
    eff = (k - 1) * dilation + 1
    return (size + stride - 1) // stride if padding == "SAME" else (size + stride - eff) // stride
