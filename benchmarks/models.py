"""Benchmarks over the real models (printed figures, not tests).

    .venv/bin/python benchmarks/models.py [--repeat N] [--only SUBSTRING] [--threads N] [--cpu PATH]
                                          [--no-plans] [--tfldbg BINARY] [--scalar] [--deployment]
                                          [--models DIR]

1. Memory planning: the reuse arena next to the lower bound (the largest sum of
   simultaneously live tensor bytes) and the no-reuse arena, per model.
   Target: reuse <= 1.10 x lower bound.
2. Invoke time, one thread: tfldbg (`tfldbg run --repeat N`) next to LiteRT's
   reference kernels (BUILTIN_REF), its optimized kernels without delegates
   (BUILTIN_WITHOUT_DEFAULT_DELEGATES) and its default (the XNNPACK delegate,
   BUILTIN), all in the same run on the same machine. N grows for fast models
   so that each side runs for about 0.3 s; the sides alternate three times
   (interleaved) and the median of each is printed. Times are processor time
   per invoke (steady on a busy machine, where wall time is not); --wall prints
   wall-clock time instead. Targets: tfldbg <= 1.0 x XNNPACK for int8/uint8
   models, <= 1.2 x for float ones. --scalar adds a column for the scalar
   reference kernels (`--cpu scalar`: tfldbg before its fast kernels).
   --deployment adds tfldbg computing XNNPACK's arithmetic (`--kernels
   xnnpack`: fused float sums of products like XNNPACK's, within the
   deployment tolerance of docs/deployment.md) and its ratio to XNNPACK: the
   like-for-like figure for float models, whose default (reference) sums
   round every product; for 8-bit models, XNNPACK's fp32 requantization
   and its own ADD and dynamic (qd8) quantization.
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

SHARED = REPO.parent / "shared" / "models" / "real"
LITERT_KINDS = {"ref": "BUILTIN_REF", "opt": "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "xnnpack": "BUILTIN"}


def plan_row(binary: Path, model: Path) -> dict | None:
    proc = subprocess.run([str(binary), "info", "--json", "--plan", str(model)], capture_output=True, text=True)
    if proc.returncode != 0:
        return None
    plan = json.loads(proc.stdout)["plan"]
    if "error" in plan["reuse"]:
        return {"error": plan["reuse"]["error"]}
    return {"reuse": plan["reuse"]["arena_bytes"], "bound": plan["reuse"]["lower_bound_bytes"],
            "no_reuse": plan["no_reuse"]["arena_bytes"]}


def tfldbg_ms(binary: Path, model: Path, repeat: int, args, cpu: str = "", kernels: str = "") -> float | None:
    cmd = [str(binary), "run", str(model), "--seed", "0", "--repeat", str(repeat)]
    if kernels:
        cmd += ["--kernels", kernels]
    if args.threads != 1:
        cmd += ["--threads", str(args.threads)]
    if cpu or args.cpu:
        cmd += ["--cpu", cpu or args.cpu]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = re.search(r"invoke: ([0-9.e+-]+) ms", proc.stdout)
    cpu = re.search(r"processor time ([0-9.e+-]+) ms", proc.stdout)
    if wall is None:
        return None
    if args.wall or cpu is None:  # an older binary prints wall time only
        return float(wall.group(1))
    return float(cpu.group(1)) / max(args.threads, 1) if args.threads > 1 else float(cpu.group(1))


class LiteRt:
    """One LiteRT interpreter per kind, made once, invoked in timed batches."""

    def __init__(self, model: Path, kind: str):
        from ai_edge_litert.interpreter import Interpreter, OpResolverType

        self.interp = Interpreter(model_path=str(model), num_threads=1,
                                  experimental_op_resolver_type=getattr(OpResolverType, LITERT_KINDS[kind]))
        self.interp.allocate_tensors()
        rng = np.random.default_rng(0)
        for d in self.interp.get_input_details():
            info = np.iinfo(d["dtype"]) if np.issubdtype(d["dtype"], np.integer) else None
            value = rng.integers(info.min, info.max, d["shape"], endpoint=True) if info else rng.uniform(-1, 1, d["shape"])
            self.interp.set_tensor(d["index"], value.astype(d["dtype"]))
        self.interp.invoke()  # warm-up

    def ms(self, repeat: int, wall: bool) -> float:
        clock = time.perf_counter if wall else time.process_time
        start = clock()
        for _ in range(repeat):
            self.interp.invoke()
        return (clock() - start) * 1000 / repeat


def litert(model: Path, kind: str) -> LiteRt | None:
    try:
        return LiteRt(model, kind)
    except (ValueError, RuntimeError):
        return None


def fmt(x: float | None) -> str:
    return "-" if x is None else f"{x:.3f}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--only", default="")
    parser.add_argument("--threads", type=int, default=1, help="tfldbg --threads (LiteRT stays at one thread)")
    parser.add_argument("--cpu", default="", help="tfldbg --cpu (default: auto)")
    parser.add_argument("--wall", action="store_true", help="wall-clock time instead of processor time")
    parser.add_argument("--no-plans", action="store_true", help="skip the memory-plan table")
    parser.add_argument("--tfldbg", type=Path, default=None, help="the tfldbg binary (default: this checkout's)")
    parser.add_argument("--scalar", action="store_true", help="also time the scalar reference kernels (--cpu scalar)")
    parser.add_argument("--deployment", action="store_true",
                        help="also time tfldbg --kernels xnnpack (XNNPACK's arithmetic) and its ratio to XNNPACK")
    parser.add_argument("--models", type=Path, default=SHARED, help="folder of .tflite models")
    args = parser.parse_args()
    binary = args.tfldbg or find_binary()
    models = [m for m in sorted(args.models.glob("*.tflite")) if args.only in m.name]

    if not args.no_plans:
        print("== memory plans (bytes)")
        print(f"{'model':<44} {'reuse':>10} {'bound':>10} {'ratio':>6} {'no-reuse':>10}")
        for m in models:
            row = plan_row(binary, m)
            if row is None or "error" in row:
                print(f"{m.name:<44} not prepared: {(row or {}).get('error', 'load failed')[:70]}")
                continue
            print(f"{m.name:<44} {row['reuse']:>10} {row['bound']:>10} {row['reuse'] / max(row['bound'], 1):>6.3f} "
                  f"{row['no_reuse']:>10}")

    unit = "wall ms" if args.wall else "processor ms"
    print(f"\n== invoke time ({unit} per invoke), tfldbg --threads {args.threads}, LiteRT one thread; "
          f"median of 3 interleaved rounds")
    base = f" {'scalar':>9}" if args.scalar else ""
    deploy = f" {'tfldbg xnn':>10} {'/XNNPACK':>8}" if args.deployment else ""
    print(f"{'model':<44} {'invokes':>7}{base} {'tfldbg':>9} {'LiteRT ref':>10} {'opt':>9} {'XNNPACK':>9} {'/XNNPACK':>8}"
          f"{deploy}")
    for m in models:
        probe = tfldbg_ms(binary, m, 1, args)
        sides = {k: litert(m, k) for k in LITERT_KINDS}
        if probe is None:
            print(f"{m.name:<44} {'-':>7}{' ' * len(base)} {'-':>9} (tfldbg does not run it)")
            continue
        n = int(min(20000, max(args.repeat, 300.0 / max(probe, 1e-3))))
        ours, baseline, deployed = [], [], []
        theirs: dict[str, list[float]] = {k: [] for k in LITERT_KINDS}
        for _ in range(3):
            ours.append(tfldbg_ms(binary, m, n, args))
            if args.scalar:
                # The scalar kernels are slow: fewer invokes, same interleaving.
                baseline.append(tfldbg_ms(binary, m, max(1, n // 10), args, cpu="scalar"))
            if args.deployment:
                deployed.append(tfldbg_ms(binary, m, n, args, kernels="xnnpack"))
            for k, side in sides.items():
                if side is not None:
                    # LiteRT's reference kernels are slow: fewer invokes, same interleaving.
                    theirs[k].append(side.ms(max(1, n // 10) if k == "ref" else n, args.wall))
        med = {k: statistics.median(v) if v else None for k, v in theirs.items()}
        ours_ms = statistics.median(x for x in ours if x is not None)
        base_col = f" {fmt(statistics.median(baseline)) if baseline and None not in baseline else '-':>9}" if args.scalar else ""
        ratio = f"{ours_ms / med['xnnpack']:8.2f}" if med["xnnpack"] else f"{'-':>8}"
        deploy_col = ""
        if args.deployment:
            xnn = statistics.median(deployed) if deployed and None not in deployed else None
            xnn_ratio = f"{xnn / med['xnnpack']:8.2f}" if xnn is not None and med["xnnpack"] else f"{'-':>8}"
            deploy_col = f" {fmt(xnn):>10} {xnn_ratio}"
        print(f"{m.name:<44} {n:>7}{base_col} {ours_ms:>9.3f} {fmt(med['ref']):>10} {fmt(med['opt']):>9} "
              f"{fmt(med['xnnpack']):>9} {ratio}{deploy_col}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
