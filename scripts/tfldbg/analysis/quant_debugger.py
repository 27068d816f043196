"""Our local error next to TensorFlow's QuantizationDebugger layer statistics.

QuantizationDebugger (a converter "debug mode" model run in TensorFlow) reports,
per quantized layer, statistics of d = dequant(q) - f where f is the float op
run on the dequantized input that layer received, with the float model's
original weights, averaged over its debug samples. `tfldbg replay
--weights-from FLOAT.tflite` computes the same reference without a debug model;
this module runs it over the same samples and lines the numbers up.

    python -m tfldbg qd-cross-check QUANT.tflite FLOAT.tflite CSV SAMPLE.npy... [--rounding single]

QuantizationDebugger runs the quantized model with LiteRT's optimized kernels,
which round once (`--rounding single`); compare with that.
"""

from __future__ import annotations

import csv
import tempfile
from pathlib import Path

import numpy as np

from tfldbg.backends.engine import run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.formats.quant import dequantize

METRICS = ("num_elements", "stddev", "mean_error", "max_abs_error", "mean_squared_error")


def layer_metrics(diff: np.ndarray) -> dict[str, float]:
    """QuantizationDebugger's per-layer statistics of one sample's difference."""
    d = diff.astype(np.float64)
    return {"num_elements": float(d.size), "stddev": float(np.std(d)), "mean_error": float(np.mean(d)),
            "max_abs_error": float(np.max(np.abs(d))), "mean_squared_error": float(np.mean(d * d))}


def local_statistics(model: str, float_model: str, samples: list[str], rounding: str = "single") -> list[dict]:
    """Per quantized step (QUANTIZE excluded, as the debugger does): op, output
    tensor name and the mean over samples of each statistic of the local error."""
    per_step: dict[int, dict] = {}
    with tempfile.TemporaryDirectory(prefix="tfldbg-qd-") as tmp:
        for k, sample in enumerate(samples):
            out = Path(tmp) / f"s{k}"
            run_tool("replay", model, "--out", str(out), "--input", f"0={sample}", "--rounding", rounding,
                     "--weights-from", float_model)
            quant, local = load_dump(out / "quant"), load_dump(out / "local")
            for sq, sl in zip(quant.steps, local.steps):
                o = sq.outputs[0]
                if o.tensor is None or not o.tensor.quantization or sq.op in ("QUANTIZE", "DEQUANTIZE"):
                    continue
                diff = dequantize(o.value, o.tensor.quantization) - sl.outputs[0].value.astype(np.float64)
                entry = per_step.setdefault(sq.step, {"step": sq.step, "op": sq.op, "tensor_name": o.tensor.name, "samples": []})
                entry["samples"].append(layer_metrics(diff))
    rows = []
    for step in sorted(per_step):
        entry = per_step[step]
        row = {"step": step, "op": entry["op"], "tensor_name": entry["tensor_name"]}
        row.update({m: float(np.mean([s[m] for s in entry["samples"]])) for m in METRICS})
        rows.append(row)
    return rows


def read_debugger_csv(path: str) -> list[dict]:
    with open(path, newline="") as f:
        return [{k: (v if k in ("op_name", "tensor_name") else float(v)) for k, v in row.items()} for row in csv.DictReader(f)]


def side_by_side(ours: list[dict], theirs: list[dict]) -> list[dict]:
    """Pairs the layers in execution order (the debugger lists quantized layers
    in the same order; op names must agree) with the relative difference of each statistic."""
    if [r["op"] for r in ours] != [r["op_name"] for r in theirs]:
        raise ValueError(f"the layers differ: ours {[r['op'] for r in ours]}, the debugger's {[r['op_name'] for r in theirs]}")
    out = []
    for a, b in zip(ours, theirs):
        row = {"step": a["step"], "op": a["op"], "tensor_name": a["tensor_name"]}
        for m in METRICS[1:]:
            row[f"{m}_tfldbg"], row[f"{m}_qd"] = a[m], b[m]
            scale = max(abs(a[m]), abs(b[m]))
            row[f"{m}_rel_diff"] = 0.0 if scale == 0 else abs(a[m] - b[m]) / scale
        out.append(row)
    return out


def markdown(rows: list[dict]) -> str:
    lines = ["| step | op | stddev tfldbg / QD | mean_error tfldbg / QD | max_abs_error tfldbg / QD | mse tfldbg / QD |",
             "| --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        cells = [f"{r[m + '_tfldbg']:.4g} / {r[m + '_qd']:.4g}" for m in ("stddev", "mean_error", "max_abs_error", "mean_squared_error")]
        lines.append(f"| {r['step']} | {r['op']} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def add_arguments(p) -> None:
    p.add_argument("model")
    p.add_argument("float_model")
    p.add_argument("csv", help="QuantizationDebugger's layer_statistics_dump CSV")
    p.add_argument("samples", nargs="+", help="the debugger's samples, as .npy files, in its order")
    p.add_argument("--rounding", default="single", choices=["single", "double", "litert"])


def run(args) -> int:
    rows = side_by_side(local_statistics(args.model, args.float_model, args.samples, args.rounding),
                        read_debugger_csv(args.csv))
    print(markdown(rows))
    return 0
