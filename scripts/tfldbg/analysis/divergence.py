"""Where a deployment path — LiteRT's optimized kernels, or its default path with the
XNNPACK delegate — departs from LiteRT's reference kernels, node by node.

    python -m tfldbg divergence MODEL [--kernels optimized|xnnpack] [--input NAME=FILE.npy ... | --seed N] [--json FILE]

Runs `tfldbg replay MODEL --against KERNELS`: the model on the reference
kernels (quant/), each node on the deployment path's arithmetic fed the very
inputs the reference node received (local/: a node's own departure, so one
node's ±1 does not hide the next node's) and the whole graph on that path
(accumulated/: how the departures grow). tfldbg computes every intermediate
XNNPACK computes but never exposes. Per step it reports how many output
values differ and by how many LSB, both locally and accumulated; the first
node whose own output departs; the rounding step that makes it (from the op:
docs/deployment.md); and the graph outputs' difference.

    from tfldbg.analysis.divergence import divergence, format_text
    report = divergence("model.tflite", ["--seed", "0"])
    print(format_text(report))
"""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import numpy as np

from tfldbg.backends.engine import run_tool
from tfldbg.formats.dump import load_dump

# What the optimized kernel computes differently, per op (docs/deployment.md).
CAUSES = {
    "CONV_2D": "requantization: the shift after the rounding doubling high multiply rounds ties up "
               "(LiteRT's optimized GEMM output stage), not away from zero",
    "FULLY_CONNECTED": "requantization: the shift after the rounding doubling high multiply rounds ties up "
                       "(LiteRT's optimized GEMM output stage), not once as the reference kernel",
    "DEPTHWISE_CONV_2D": "requantization: in whole blocks of 8 channels the shift rounds ties up (LiteRT's vector "
                         "code), not away from zero",
    "ADD": "LiteRT's vector blocks: int8 elementwise folds each input's shift into the pre-shift (only the high "
           "multiply rounds), uint8 and broadcast runs floor the input shift; the sum is narrowed through int16",
    "MUL": "LiteRT's vector blocks narrow the rescaled product through int16 (saturating or truncating) before "
           "adding the zero point",
    "SOFTMAX": "LiteRT's optimized 8-bit SOFTMAX: a float exp table and a float sum and rescale, not gemmlowp "
               "fixed point",
    "LOG_SOFTMAX": "LiteRT's optimized 8-bit LOG_SOFTMAX: a float exp table, float log and rint",
    "LOGISTIC": "int16 on a power-of-two scale: gemmlowp's 16-bit logistic, not the interpolated table",
    "TANH": "int16 on a power-of-two scale: gemmlowp's 16-bit tanh, not the interpolated table",
    "QUANTIZE": "float input: blocks of 8 multiply by the float reciprocal and round ties to even, the tail divides "
                "in double; 8-bit requantization: blocks of 16 round the shift's ties up",
    "RESIZE_BILINEAR": "uint8: the four weights formed as products first and the taps summed in another order",
    "SUM": "uint8: the float rescale of LiteRT's optimized QuantizedMeanOrSum",
    "TRANSPOSE_CONV": "uint8: the output requantized in blocks of 16 whose shift rounds ties up",
    "REDUCE_MAX": "float: folded from the first input with (acc > v ? acc : v), so NaN and signed zeros differ",
    "REDUCE_MIN": "float: folded from the first input with (acc < v ? acc : v), so NaN and signed zeros differ",
    "MEAN": "LiteRT's optimized 4-D MEAN: sums raw values, scales by s_in / (N·s_out) quantized from float, adds "
            "a zero-point bias computed in float (truncated for int8), instead of requantizing the centered sum",
}


def _values(slot) -> np.ndarray | None:
    return None if slot is None or slot.value is None else np.asarray(slot.value)


def _diff(a: np.ndarray | None, b: np.ndarray | None) -> dict | None:
    """Differing values and the largest difference: in LSB for integers, absolute for floats."""
    if a is None or b is None or a.shape != b.shape or a.size == 0:
        return None
    if a.dtype.kind in "iub":
        d = np.abs(a.astype(np.int64) - b.astype(np.int64))
        return {"differ": int(np.count_nonzero(d)), "count": int(d.size), "max_lsb": int(d.max()), "unit": "LSB"}
    d = np.abs(a.astype(np.float64) - b.astype(np.float64))
    differ = ~np.isclose(a.astype(np.float64), b.astype(np.float64), rtol=1e-4, atol=1e-5)
    return {"differ": int(np.count_nonzero(differ)), "count": int(d.size), "max_abs": float(np.nanmax(d)), "unit": "abs"}


# What the XNNPACK delegate computes differently, per op, for the nodes it takes
# (docs/deployment.md, "What LiteRT's default path computes"); the nodes it leaves
# to LiteRT run the optimized kernels (CAUSES).
XNNPACK_CAUSES = {
    op: "XNNPACK's fp32 requantization: the int32 sum times the float32 scale s_in·s_w/s_out, rounded to nearest "
        "even, not LiteRT's fixed-point multiplier and shift"
    for op in ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "TRANSPOSE_CONV", "BATCH_MATMUL")
}
XNNPACK_CAUSES.update({
    "ADD": "XNNPACK's vadd: 20-bit-class integer multipliers per input (nearest-even), one shift with ties up",
    "SUB": "XNNPACK's vadd with the subtrahend's multiplier negated: one shift with ties up",
    "MUL": "XNNPACK's vmul: the product of the centred inputs times a float32 scale, rounded to nearest even",
    "MEAN": "XNNPACK's mean: the raw sum times a float32 scale, rounded to nearest even",
    "SUM": "XNNPACK's sum: the raw sum times a float32 scale, rounded to nearest even",
    "LOGISTIC": "XNNPACK's 256-entry table, computed in float and rounded to nearest even",
    "TANH": "XNNPACK's 256-entry table, computed in float and rounded to nearest even",
    "ELU": "XNNPACK's 256-entry table, computed in float and rounded to nearest even",
    "LEAKY_RELU": "XNNPACK's leaky ReLU: float32 multipliers, rounded to nearest even",
    "QUANTIZE": "XNNPACK's convert: x/s rounded to nearest even (float) or a float32 rescale (8-bit)",
    "RESIZE_BILINEAR": "XNNPACK's 11-bit interpolation weights",
})
PATHS = ("optimized", "xnnpack")


def divergence(model: str | Path, input_args: list[str], keep: str | Path | None = None,
               kernels: str = "optimized") -> dict:
    """The report as a dict (the JSON form). `input_args`: tfldbg's --input/--inputs/--seed arguments;
    `kernels`: the deployment path, "optimized" or "xnnpack"."""
    if kernels not in PATHS:
        raise ValueError(f"--kernels {kernels}: one of {', '.join(PATHS)}")
    with tempfile.TemporaryDirectory(prefix="tfldbg-divergence-") as tmp:
        out = Path(keep) if keep else Path(tmp) / "replay"
        run_tool("replay", str(model), "--against", kernels, "--out", str(out), "--force", *input_args)
        ref, local, acc = (load_dump(out / part) for part in ("quant", "local", "accumulated"))
        graph_outputs = {t for sg in ref.manifest["subgraphs"][:1] for t in sg.get("outputs", [])}
        steps = []
        for s_ref, s_loc, s_acc in zip(ref.steps, local.steps, acc.steps):
            row = {"step": s_ref.step, "op": s_ref.op, "outputs": []}
            for o_ref, o_loc, o_acc in zip(s_ref.outputs, s_loc.outputs, s_acc.outputs):
                if o_ref.tensor is None:
                    continue
                own = _diff(_values(o_ref), _values(o_loc))
                grown = _diff(_values(o_ref), _values(o_acc))
                row["outputs"].append({"tensor": o_ref.tensor.index, "name": o_ref.tensor.name,
                                       "dtype": o_ref.tensor.dtype, "own": own, "accumulated": grown,
                                       "graph_output": o_ref.tensor.index in graph_outputs})
            row["own_differs"] = any(o["own"] and o["own"]["differ"] for o in row["outputs"])
            row["accumulated_differs"] = any(o["accumulated"] and o["accumulated"]["differ"] for o in row["outputs"])
            delegated = s_acc.xnnpack
            if kernels == "xnnpack":
                row["xnnpack"] = delegated
            if row["own_differs"]:
                if delegated:
                    row["cause"] = XNNPACK_CAUSES.get(s_ref.op, "XNNPACK's own arithmetic (docs/deployment.md)")
                else:
                    row["cause"] = CAUSES.get(s_ref.op, "the optimized kernel's own arithmetic (docs/deployment.md)")
                    if kernels == "xnnpack":
                        row["cause"] += " (a node the XNNPACK delegate leaves to LiteRT's optimized kernels)"
            steps.append(row)
    first = next((s for s in steps if s["own_differs"]), None)
    outputs = [o for s in steps for o in s["outputs"] if o["graph_output"]]
    return {
        "format": "tfldbg-divergence", "version": 1, "model": str(model), "kernels": ["reference", kernels],
        "steps": steps,
        "first_departing": None if first is None else {
            "step": first["step"], "op": first["op"], "cause": first["cause"],
            "max_lsb": max((o["own"] or {}).get("max_lsb", 0) for o in first["outputs"]),
            "differ": sum((o["own"] or {}).get("differ", 0) for o in first["outputs"]),
            "count": sum((o["own"] or {}).get("count", 0) for o in first["outputs"])},
        "own_departing_steps": sum(1 for s in steps if s["own_differs"]),
        "accumulated_differing_steps": sum(1 for s in steps if s["accumulated_differs"]),
        "largest_accumulated": max(((o["accumulated"] or {}).get("max_lsb", 0), s["step"], s["op"])
                                   for s in steps for o in s["outputs"]) if steps else None,
        "graph_outputs": [{"name": o["name"], "accumulated": o["accumulated"]} for o in outputs],
    }


def _cell(d: dict | None) -> str:
    if d is None:
        return "-"
    if not d["differ"]:
        return "equal"
    size = f"{d['max_lsb']} LSB" if d["unit"] == "LSB" else f"|d| {d['max_abs']:.3g}"
    return f"{d['differ']}/{d['count']} differ, max {size}"


def format_text(report: dict) -> str:
    path = _path_name(report)
    lines = [f"divergence of {report['model']}: reference kernels vs {path}"]
    first = report["first_departing"]
    if first is None:
        lines.append(f"no node's own output departs: {path} computes the reference's values here")
    else:
        lines.append(f"first departing node: step {first['step']} {first['op']}: {first['differ']}/{first['count']} "
                     f"values differ, by up to {first['max_lsb']} LSB")
        lines.append(f"  cause: {first['cause']}")
    lines.append(f"nodes departing on their own (same inputs): {report['own_departing_steps']}; "
                 f"nodes differing in the whole-graph run: {report['accumulated_differing_steps']}")
    if report["largest_accumulated"] and report["largest_accumulated"][0]:
        lsb, step, op = report["largest_accumulated"]
        lines.append(f"largest accumulated difference: {lsb} LSB at step {step} {op}")
    for o in report["graph_outputs"]:
        lines.append(f"graph output {o['name']}: {_cell(o['accumulated'])}")
    lines.append("")
    lines.append(f"{'step':>5} {'op':<22} {'own (same inputs)':<34} accumulated (whole graph)")
    for s in report["steps"]:
        for o in s["outputs"]:
            if s["own_differs"] or s["accumulated_differs"]:
                lines.append(f"{s['step']:>5} {s['op']:<22} {_cell(o['own']):<34} {_cell(o['accumulated'])}")
    return "\n".join(lines)


def _path_name(report: dict) -> str:
    return {"optimized": "LiteRT's optimized kernels",
            "xnnpack": "LiteRT's default path (XNNPACK delegate)"}[report["kernels"][1]]


def html_section(report: dict) -> str:
    """The report's HTML section (quant-report --divergence)."""
    import html

    first = report["first_departing"]
    path = html.escape(_path_name(report))
    parts = [f"<section id='divergence'><h2>Reference kernels vs {path}</h2>"]
    if first is None:
        parts.append(f"<p>No node's own output departs: {path} computes the reference's values.</p>")
    else:
        parts.append(f"<p>First departing node: <b>step {first['step']} {html.escape(first['op'])}</b>, "
                     f"{first['differ']}/{first['count']} values differ by up to {first['max_lsb']} LSB. "
                     f"Cause: {html.escape(first['cause'])}.</p>")
    parts.append(f"<p>{report['own_departing_steps']} nodes depart on their own (fed the same inputs); "
                 f"{report['accumulated_differing_steps']} differ in the whole-graph run.</p>")
    parts.append("<table><tr><th>step</th><th>op</th><th>own (same inputs)</th><th>accumulated</th></tr>")
    for s in report["steps"]:
        if not (s["own_differs"] or s["accumulated_differs"]):
            continue
        for o in s["outputs"]:
            parts.append(f"<tr><td>{s['step']}</td><td>{html.escape(s['op'])}</td><td>{html.escape(_cell(o['own']))}"
                         f"</td><td>{html.escape(_cell(o['accumulated']))}</td></tr>")
    parts.append("</table>")
    for o in report["graph_outputs"]:
        parts.append(f"<p>Graph output {html.escape(o['name'])}: {html.escape(_cell(o['accumulated']))}</p>")
    parts.append("</section>")
    return "".join(parts)


def add_arguments(p) -> None:
    p.add_argument("model")
    p.add_argument("--kernels", choices=PATHS, default="optimized",
                   help="the deployment path to hold against the reference kernels: LiteRT's optimized kernels "
                        "(default) or its default path, the XNNPACK delegate")
    p.add_argument("--input", action="append", metavar="NAME=FILE.npy", help="value of one input")
    p.add_argument("--inputs", metavar="DIR", help="directory of NAME.npy input files")
    p.add_argument("--seed", type=int, help="seeded random inputs (default 0 when no input is given)")
    p.add_argument("--json", metavar="FILE", help="also write the report as JSON")
    p.add_argument("--keep", metavar="DIR", help="keep the replay (quant/, local/, accumulated/) here")


def input_args(args) -> list[str]:
    out = [a for i in args.input or [] for a in ("--input", i)]
    out += ["--inputs", args.inputs] if args.inputs else []
    if args.seed is not None or not out:
        out += ["--seed", str(args.seed or 0)]
    return out


def run(args) -> int:
    report = divergence(args.model, input_args(args), args.keep, args.kernels)
    print(format_text(report))
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n")
    return 0
