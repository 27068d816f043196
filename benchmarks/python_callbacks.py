"""The cost of a per-node Python callback: plain runs of a real model against
runs whose on_node reads every node's outputs (views, no copies: made once per tensor and handed out again), and against
runs that also take each output's min and max. Prints the ratios (issue 16's
bound: a reading callback costs at most 1.3x a plain run).

    python benchmarks/python_callbacks.py [MODEL ...] [--runs N]
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import tfldbg

REAL = Path(__file__).resolve().parents[2] / "shared" / "models" / "real"
DEFAULT = [REAL / "mobilenet_v2_1.0_224_quant_uint8.tflite", REAL / "mlperf_tiny_vww_96_int8.tflite",
           REAL / "mlperf_tiny_resnet8_int8.tflite"]


def best_of(fns, runs: int) -> list[float]:
    """The best time of each function, run in turn (so that a busy machine
    slows them alike)."""
    best = [float("inf")] * len(fns)
    for _ in range(runs):
        for i, fn in enumerate(fns):
            start = time.perf_counter()
            fn()
            best[i] = min(best[i], time.perf_counter() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("models", nargs="*", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    for model in args.models:
        interp = tfldbg.Interpreter(model)
        interp.set_inputs(seed=0)
        nodes = []
        interp.invoke(on_node=lambda s: nodes.append(s.node))

        def reads(step):
            for out in step.outputs:
                out.shape  # noqa: B018 - the view is made and touched

        def ranges(step):
            for out in step.outputs:
                out.min(), out.max()

        plain, read, ranged = best_of([interp.invoke, lambda: interp.invoke(on_node=reads),
                                       lambda: interp.invoke(on_node=ranges)], args.runs)
        per_node_us = (read - plain) / len(nodes) * 1e6
        print(f"{model.name}: {len(nodes)} nodes, plain {plain * 1e3:.2f} ms; reading callback "
              f"{read / plain:.3f}x ({per_node_us:.1f} us/node); min/max callback {ranged / plain:.3f}x")


if __name__ == "__main__":
    main()
