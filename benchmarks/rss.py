"""Peak resident memory of one run (printed figures, not a test).

    .venv/bin/python benchmarks/rss.py MODEL [--cpu PATH]

tfldbg: the peak RSS of the whole `tfldbg run MODEL` process. LiteRT: the peak
RSS of a Python process that imports LiteRT, creates the interpreter (default
kernels: XNNPACK; and the reference kernels), allocates, sets the inputs and
invokes once; printed whole and minus the same process before the
interpreter was created (Python, NumPy and LiteRT's library loaded).
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from tfldbg.backends.engine import find_binary  # noqa: E402

LITERT = r"""
import resource, sys
import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
it = Interpreter(model_path=sys.argv[1], num_threads=1, experimental_op_resolver_type=getattr(OpResolverType, sys.argv[2]))
it.allocate_tensors()
for d in it.get_input_details():
    it.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
it.invoke()
print(before, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("model", type=Path)
    parser.add_argument("--cpu", default="auto")
    parser.add_argument("--tfldbg", type=Path, default=None)
    args = parser.parse_args()
    binary = args.tfldbg or find_binary()
    proc = subprocess.Popen([str(binary), "run", str(args.model), "--seed", "0", "--cpu", args.cpu],
                            stdout=subprocess.DEVNULL)
    _, status, usage = __import__("os").wait4(proc.pid, 0)
    print(f"tfldbg run --cpu {args.cpu:<10} peak RSS {usage.ru_maxrss / 1024:8.1f} MiB (whole process)")
    for kind in ("BUILTIN", "BUILTIN_WITHOUT_DEFAULT_DELEGATES", "BUILTIN_REF"):
        out = subprocess.run([sys.executable, "-c", LITERT, str(args.model), kind], capture_output=True, text=True)
        before, after = (int(x) for x in out.stdout.split())
        print(f"LiteRT {kind:<34} peak RSS {after / 1024:8.1f} MiB (whole process), "
              f"{(after - before) / 1024:8.1f} MiB beyond Python + NumPy + LiteRT loaded")
    return 0


if __name__ == "__main__":
    sys.exit(main())
