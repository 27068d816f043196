"""Checks `extract` with LiteRT: the part, fed the boundary values of a full
LiteRT run (every tensor kept), gives the full run's values at its outputs.

    python -m tfldbg.testing.extract_check MODEL... [--ranges 5] [--seed 0]

For each model: one LiteRT run on seeded random inputs (reference kernels,
every tensor preserved); then for several seeded random node ranges (and one
`--tensors` extraction), the extracted model in LiteRT fed the full run's values
of its inputs; every output must equal the full run's value bit for bit (floats
too: the same kernels on the same inputs). Prints one line per range and a total.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from tfldbg.formats.extract import extract


def random_inputs(interp, seed: int) -> dict[int, np.ndarray]:
    rng = np.random.default_rng(seed)
    values = {}
    for d in interp.get_input_details():
        shape, dtype = [int(x) for x in d["shape"]], np.dtype(d["dtype"])
        if dtype.kind == "f":
            v = rng.uniform(-1, 1, shape).astype(dtype)
        elif dtype.kind in "SUO":
            v = np.array([b"tfldbg"] * int(np.prod(shape)), dtype=np.bytes_).reshape(shape)
        elif dtype.kind == "b":
            v = rng.integers(0, 2, shape).astype(bool)
        elif dtype.itemsize <= 2:
            info = np.iinfo(dtype)
            v = rng.integers(info.min, int(info.max) + 1, shape).astype(dtype)
        else:
            v = rng.integers(0, 4, shape).astype(dtype)
        values[int(d["index"])] = v
    return values


def litert_model(model: str | Path, workdir: Path) -> tuple[Path, str, str]:
    """(model LiteRT loads, kernels, note): the model itself, or the copy conformance-table
    makes LiteRT run (a custom op rewritten, a quantized_dimension repaired)."""
    from tfldbg.backends.litert import litert_interpreter
    from tfldbg.testing.conformance_table import repair_for_litert, rewrite_custom_ops_for_litert

    for kernels in ("reference", "optimized"):
        try:
            litert_interpreter(model, kernels)
            return Path(model), kernels, ""
        except (RuntimeError, ValueError) as e:
            if "Convolution2DTransposeBias" in str(e):
                copy = workdir / "litert-copy.tflite"
                rewrite_custom_ops_for_litert(model, copy)
                return copy, kernels, "custom op rewritten"
            if "quantized_dimension must be in range" in str(e):
                copy = workdir / "litert-copy.tflite"
                repair_for_litert(model, copy)
                return copy, kernels, "quantized_dimension repaired"
    raise RuntimeError(f"{model}: LiteRT does not run it")


def full_run(model: Path, kernels: str, seed: int) -> dict[int, np.ndarray]:
    """Every tensor's value after one LiteRT run (subgraph 0)."""
    from tfldbg.backends.litert import litert_interpreter

    interp = litert_interpreter(model, kernels)
    for index, value in random_inputs(interp, seed).items():
        interp.set_tensor(index, value)
    interp.invoke()
    values = {}
    for d in interp.get_tensor_details():
        if d["dtype"] is np.object_:
            continue
        try:
            values[int(d["index"])] = np.array(interp.get_tensor(int(d["index"])), copy=True)
        except ValueError:
            pass
    return values


def run_part(data: bytes, kernels: str, feeds: list[np.ndarray]) -> list[np.ndarray | None]:
    from tfldbg.backends.litert import run_model_content

    return run_model_content(data, feeds, kernels)


@dataclass
class RangeResult:
    model: str
    what: str
    nodes: int
    outputs: int
    equal: int
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.outputs > 0 and self.equal == self.outputs


def check_part(part, values: dict[int, np.ndarray], kernels: str) -> tuple[int, int, str]:
    missing = [t for t in part.inputs if t not in values]
    if missing:
        return 0, len(part.outputs), f"no full-run value for input tensor {missing[0]}"
    got = run_part(part.data, kernels, [values[t] for t in part.inputs])
    equal = 0
    worst = ""
    # An output the full run gives no value for (a loop output nothing reads) is not compared.
    pairs = [(t, g) for t, g in zip(part.outputs, got) if t in values]
    if len(pairs) < len(part.outputs):
        worst = f"{len(part.outputs) - len(pairs)} outputs without a full-run value, not compared"
    for t, g in pairs:
        want = values[t]
        same = g is not None and g.shape == want.shape and g.dtype == want.dtype and np.array_equal(
            g, want, equal_nan=g.dtype.kind in "fc")
        equal += same
        if not same:
            worst = f"tensor {t}: " + (f"{g.dtype}{list(g.shape)} vs {want.dtype}{list(want.shape)}"
                                      if g is not None and (g.shape != want.shape or g.dtype != want.dtype) else "no value" if g is None else
                                      f"max |d| {np.abs(g.astype(np.float64) - want.astype(np.float64)).max():.3g}")
    return equal, len(pairs), worst


def check_model(model: str | Path, ranges: int = 5, seed: int = 0, max_len: int = 8) -> list[RangeResult]:
    from ai_edge_litert import schema_py_generated as fb

    results = []
    with tempfile.TemporaryDirectory(prefix="tfldbg-extract-check-") as tmp:
        path, kernels, note = litert_model(model, Path(tmp))
        values = full_run(path, kernels, seed)
        m = fb.ModelT.InitFromPackedBuf(path.read_bytes(), 0)
        n = len(m.subgraphs[0].operators or [])
        if n == 0:
            return results
        rng = np.random.default_rng([seed, n])
        picks = [(0, n - 1)] if n <= max_len else []
        while len(picks) < ranges:
            first = int(rng.integers(0, n))
            picks.append((first, min(n - 1, first + int(rng.integers(0, max_len)))))
        for a, b in picks:
            part = extract(path, nodes=(a, b))
            equal, total, why = check_part(part, values, kernels)
            results.append(RangeResult(Path(model).name, f"--nodes {a}:{b}", len(part.nodes), total, equal,
                                       "; ".join(x for x in (note, kernels if kernels != "reference" else "", why) if x)))
        # One extraction by tensors: the last range's boundary, by name.
        names = [(t.name or b"").decode("utf-8", "replace") for t in m.subgraphs[0].tensors]
        # (Not when resource nodes were added: a slice back from the outputs does not see side effects.)
        if not part.added and len(set(names[t] for t in part.inputs + part.outputs)) == len(part.inputs + part.outputs):
            ins = ",".join(names[t] for t in part.inputs)
            outs = ",".join(names[t] for t in part.outputs)
            by_name = extract(path, tensors=(ins.split(",") if ins else [], outs.split(",")))
            equal, total, why = check_part(by_name, values, kernels)
            results.append(RangeResult(Path(model).name, f"--tensors ({len(by_name.inputs)}:{len(by_name.outputs)})",
                                       len(by_name.nodes), total, equal, why))
    return results


def main(argv=None) -> int:
    p = argparse.ArgumentParser(prog="python -m tfldbg.testing.extract_check", description=__doc__.splitlines()[0])
    p.add_argument("models", nargs="+")
    p.add_argument("--ranges", type=int, default=5)
    p.add_argument("--seed", type=int, default=0)
    args = p.parse_args(argv)
    total = ok = outs = equal = 0
    for model in args.models:
        try:
            rows = check_model(model, args.ranges, args.seed)
        except Exception as e:  # noqa: BLE001 (reported, the sweep goes on)
            print(f"{Path(model).name}: ERROR {type(e).__name__}: {str(e)[:200]}")
            total += 1
            continue
        for r in rows:
            print(f"{r.model:<45} {r.what:<22} nodes {r.nodes:>3} outputs {r.equal}/{r.outputs} "
                  f"{'equal' if r.ok else 'DIFFER'} {r.note}")
            total += 1
            ok += r.ok
            outs += r.outputs
            equal += r.equal
    print(f"{ok}/{total} extractions equal; {equal}/{outs} outputs bit for bit")
    return 0 if ok == total else 1


if __name__ == "__main__":
    sys.exit(main())
