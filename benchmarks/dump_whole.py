"""Whole-process time of getting every tensor of a model onto disk (printed
figures, not a test): `tfldbg dump MODEL` against the LiteRT Python way
(a fresh Python process: import LiteRT, interpreter with its optimized
kernels and experimental_preserve_all_tensors, one invoke, get_tensor +
np.save of every tensor). Rounds alternate; medians of wall time and of the
processes' processor time (user + system, the steadier figure on a busy
machine). Target: tfldbg <= 0.3 x LiteRT.

    .venv/bin/python benchmarks/dump_whole.py MODEL [--rounds N] [--threads N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from tfldbg.backends.engine import find_binary  # noqa: E402

LITERT_WAY = r"""
import sys
from pathlib import Path
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
it = Interpreter(model_path=sys.argv[1], num_threads=1,
                 experimental_op_resolver_type=OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES,
                 experimental_preserve_all_tensors=True)
it.allocate_tensors()
rng = np.random.default_rng(0)
for d in it.get_input_details():
    info = np.iinfo(d["dtype"]) if np.issubdtype(d["dtype"], np.integer) else None
    v = rng.integers(info.min, info.max, d["shape"], endpoint=True) if info else rng.uniform(-1, 1, d["shape"])
    it.set_tensor(d["index"], v.astype(d["dtype"]))
it.invoke()
out = Path(sys.argv[2])
for t in it.get_tensor_details():
    try:
        value = it.get_tensor(t["index"])
    except ValueError:
        continue
    np.save(out / f"t{t['index']}.npy", value)
"""


def timed(cmd: list[str]) -> tuple[float, float]:
    start = time.perf_counter()
    before = os.times()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    after = os.times()
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return time.perf_counter() - start, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--tfldbg", type=Path, default=None)
    parser.add_argument("--cpu", default="auto")
    args = parser.parse_args()
    binary = args.tfldbg or find_binary()
    ours, theirs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            out = Path(tmp) / "dump"
            ours.append(timed([str(binary), "dump", str(args.model), "--seed", "0", "--out", str(out), "--force",
                               "--threads", str(args.threads), "--cpu", args.cpu]))
            shutil.rmtree(out, ignore_errors=True)
            lit = Path(tmp) / "litert"
            lit.mkdir()
            theirs.append(timed([sys.executable, "-c", LITERT_WAY, str(args.model), str(lit)]))
            shutil.rmtree(lit, ignore_errors=True)
    for i, what in enumerate(("wall", "processor")):
        a = statistics.median(x[i] for x in ours)
        b = statistics.median(x[i] for x in theirs)
        print(f"{what:<9} tfldbg dump {a:7.3f} s   LiteRT Python way {b:7.3f} s   ratio {a / b:5.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
