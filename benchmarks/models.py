"""Benchmarks over the real models (printed figures, not tests).

    .venv/bin/python benchmarks/models.py [--repeat N] [--only SUBSTRING]

1. Memory planning: the reuse arena next to the lower bound (the largest sum of
   simultaneously live tensor bytes) and the no-reuse arena, per model.
   Target: reuse <= 1.10 x lower bound.
2. Invoke time, one thread: tfldbg (`tfldbg run --repeat N`, mean per invoke)
   next to LiteRT with its reference kernels (BUILTIN_REF), measured in the
   same run on the same machine. N grows for fast models so that each side
   runs for about 0.3 s; the two sides alternate three times and the median of
   each is printed. Target: ratio <= 1.0.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from tfldbg.backends.engine import find_binary  # noqa: E402

MODELS = sorted((REPO.parent / "shared" / "models" / "real").glob("*.tflite"))


def plan_row(model: Path) -> dict | None:
    proc = subprocess.run([str(find_binary()), "info", "--json", "--plan", str(model)], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    plan = json.loads(proc.stdout)["plan"]
    if "error" in plan["reuse"]:
        return {"error": plan["reuse"]["error"]}
    return {"reuse": plan["reuse"]["arena_bytes"], "bound": plan["reuse"]["lower_bound_bytes"],
            "no_reuse": plan["no_reuse"]["arena_bytes"]}


def tfldbg_ms(model: Path, repeat: int) -> float | None:
    proc = subprocess.run([str(find_binary()), "run", str(model), "--seed", "0", "--repeat", str(repeat)],
                          capture_output=True, text=True)
    m = re.search(r"invoke: ([0-9.]+) ms", proc.stdout)
    return float(m.group(1)) if m else None


def litert_ms(model: Path, repeat: int) -> float | None:
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    try:
        interp = Interpreter(model_path=str(model), num_threads=1,
                             experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        interp.allocate_tensors()
    except (ValueError, RuntimeError):
        return None
    rng = np.random.default_rng(0)
    for d in interp.get_input_details():
        info = np.iinfo(d["dtype"]) if np.issubdtype(d["dtype"], np.integer) else None
        value = rng.integers(info.min, info.max, d["shape"], endpoint=True) if info else rng.uniform(-1, 1, d["shape"])
        interp.set_tensor(d["index"], value.astype(d["dtype"]))
    interp.invoke()  # warm-up
    start = time.perf_counter()
    for _ in range(repeat):
        interp.invoke()
    return (time.perf_counter() - start) * 1000 / repeat


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="")
    args = parser.parse_args()
    models = [m for m in MODELS if args.only in m.name]

    print("== memory plans (bytes)")
    print(f"{'model':<44} {'reuse':>10} {'bound':>10} {'ratio':>6} {'no-reuse':>10}")
    for m in models:
        row = plan_row(m)
        if row is None or "error" in row:
            print(f"{m.name:<44} not prepared: {(row or {}).get('error', 'load failed')[:70]}")
            continue
        print(f"{m.name:<44} {row['reuse']:>10} {row['bound']:>10} {row['reuse'] / max(row['bound'], 1):>6.3f} {row['no_reuse']:>10}")

    print(f"\n== invoke time, one thread, at least {args.repeat} invokes, median of 3 alternating runs (ms)")
    print(f"{'model':<44} {'invokes':>8} {'tfldbg':>10} {'LiteRT ref':>10} {'ratio':>6}")
    for m in models:
        probe = tfldbg_ms(m, args.repeat)
        if probe is None:
            theirs = litert_ms(m, args.repeat)
            print(f"{m.name:<44} {args.repeat:>8} {'-':>10} {f'{theirs:.4f}' if theirs else '-':>10}      -")
            continue
        n = int(min(100000, max(args.repeat, 300.0 / max(probe, 1e-4))))
        ours, theirs = [], []
        for _ in range(3):
            ours.append(tfldbg_ms(m, n))
            theirs.append(litert_ms(m, n))
        ours_ms = statistics.median(ours)
        theirs_ms = statistics.median(theirs) if None not in theirs else None
        ratio = f"{ours_ms / theirs_ms:6.2f}" if theirs_ms else "     -"
        print(f"{m.name:<44} {n:>8} {ours_ms:>10.4f} {f'{theirs_ms:.4f}' if theirs_ms else '-':>10} {ratio}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
