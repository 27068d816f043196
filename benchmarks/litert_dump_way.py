"""The LiteRT Python way of getting every tensor, for comparison with dump_bench.

    .venv/bin/python benchmarks/litert_dump_way.py MODEL [REPEATS]

Interpreter with reference kernels and experimental_preserve_all_tensors, one
invoke, then get_tensor + np.save for every tensor: the time of each part.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType


def main() -> int:
    model = sys.argv[1]
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    interp = Interpreter(model_path=model, num_threads=1, experimental_op_resolver_type=OpResolverType.BUILTIN_REF,
                         experimental_preserve_all_tensors=True)
    interp.allocate_tensors()
    rng = np.random.default_rng(0)
    for d in interp.get_input_details():
        if np.issubdtype(d["dtype"], np.integer):
            info = np.iinfo(d["dtype"])
            value = rng.integers(info.min, info.max, d["shape"], endpoint=True)
        else:
            value = rng.uniform(-1, 1, d["shape"])
        interp.set_tensor(d["index"], value.astype(d["dtype"]))
    interp.invoke()
    invoke_ms = save_ms = 0.0
    nbytes = 0
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(repeats):
            t0 = time.perf_counter()
            interp.invoke()
            t1 = time.perf_counter()
            nbytes = 0
            for d in interp.get_tensor_details():
                try:
                    value = interp.get_tensor(d["index"])
                except ValueError:
                    continue
                nbytes += value.nbytes
                np.save(Path(tmp) / f"t{d['index']}.npy", value)
            t2 = time.perf_counter()
            invoke_ms += (t1 - t0) * 1000
            save_ms += (t2 - t1) * 1000
    print(f"model: {model} (LiteRT, preserve_all_tensors, mean of {repeats})")
    print(f"  invoke (BUILTIN_REF)        {invoke_ms / repeats:9.2f} ms")
    print(f"  get_tensor + np.save, all   {save_ms / repeats:9.2f} ms  {nbytes / 1e6:.1f} MB")
    print(f"  total                       {(invoke_ms + save_ms) / repeats:9.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
