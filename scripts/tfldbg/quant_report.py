"""`python -m tfldbg quant-report`: per-layer quantization error of a quantized model.

    python -m tfldbg quant-report MODEL [--seed N | --input NAME=F.npy ... | --inputs DIR | --dataset DIR]
                                  [--weights-from FLOAT.tflite] [--sort METRIC] [--csv F] [--json F]
                                  [--markdown F] [--html F]
    python -m tfldbg quant-report --replays DIR [DIR ...] ...     (existing `tfldbg replay` outputs)

For every quantized step (its output has a scale), the error d = dequant(q) - f
of its output against two float references from `tfldbg replay`: local (the
float kernel on the inputs the node received: the error born there) and
accumulated (the whole graph in float: the error as it grows); amplification =
accumulated / local (of rmse/scale). Over a dataset: the global value (all
samples' elements together), the mean over samples and the worst sample.
Metric definitions: docs/quant-report.md.
"""

from __future__ import annotations

import csv
import html
import io
import json
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tfldbg.dump import Dump, load_dump
from tfldbg.metrics import LARGER_IS_WORSE, METRICS, ChannelStats, ErrorStats, SampleSeries
from tfldbg.tool import run_tool

FORMAT, VERSION = "tfldbg-quant-report", 1
HIST_EDGES = np.linspace(-3.0, 3.0, 61)  # local error in LSB (d / scale), clipped to +-3
QRANGE = {"int8": (-128, 127), "uint8": (0, 255), "int16": (-32768, 32767)}


def dequantize(value: np.ndarray, quantization: dict) -> np.ndarray:
    scale = np.asarray(quantization["scale"], dtype=np.float64)
    zero_point = np.asarray(quantization["zero_point"], dtype=np.float64)
    if scale.size > 1:
        shape = [1] * value.ndim
        shape[quantization["quantized_dimension"]] = -1
        scale, zero_point = scale.reshape(shape), zero_point.reshape(shape)
    return (value.astype(np.float64) - zero_point) * scale


@dataclass
class Side:
    """One reference (local or accumulated) for one layer, over the samples."""

    total: ErrorStats | None = None
    channels: ChannelStats | None = None
    series: dict[str, SampleSeries] = field(default_factory=lambda: {m: SampleSeries() for m in METRICS})

    def add(self, stats: ErrorStats, channels: ChannelStats) -> None:
        self.total = stats if self.total is None else self.total.merge(stats)
        self.channels = channels if self.channels is None else self.channels.merge(channels)
        for name, value in stats.metrics().items():
            self.series[name].values.append(value)

    def to_json(self) -> dict:
        out = dict(self.total.metrics())
        out["over_samples"] = {m: self.series[m].summary(m) for m in METRICS if m != "num_elements"}
        return out


@dataclass
class Layer:
    step: int
    subgraph: int
    node: int
    op: str
    tensor: int
    name: str
    dtype: str
    scale: float
    axis: int
    per_channel: bool
    local: Side = field(default_factory=Side)
    accumulated: Side = field(default_factory=Side)
    float_model: Side | None = None  # against a separate float model, when aligned
    float_tensor: str | None = None
    histogram: np.ndarray = field(default_factory=lambda: np.zeros(len(HIST_EDGES) - 1, dtype=np.int64))

    def to_json(self) -> dict:
        local, acc = self.local.total.metrics(), self.accumulated.total.metrics()
        # Accumulated over local; undefined (None) where the node adds no error of its own
        # (rmse below a thousandth of a step: MAX_POOL, copies), as the ratio then only measures float noise.
        amp = {}
        exact = not local["rmse_over_scale"] >= 1e-3
        for m in ("rmse_over_scale", "mean_squared_error"):
            amp[m] = None if exact else acc[m] / local[m]
        ch = self.local.channels
        per_channel = None
        if ch is not None:
            rs = ch.rmse_over_scale()
            worst = np.argsort(-np.nan_to_num(rs, nan=-1.0), kind="stable")[:5]
            per_channel = {"axis": ch.axis, "rmse_over_scale_local": [float(v) for v in rs],
                           "rmse_over_scale_accumulated": [float(v) for v in self.accumulated.channels.rmse_over_scale()],
                           "worst_channels": [int(c) for c in worst]}
        return {"step": self.step, "subgraph": self.subgraph, "node": self.node, "op": self.op, "tensor": self.tensor,
                "name": self.name, "dtype": self.dtype, "scale": self.scale, "per_channel_quantized": self.per_channel,
                "local": self.local.to_json(), "accumulated": self.accumulated.to_json(), "amplification": amp,
                "per_channel": per_channel,
                "float_model": None if self.float_model is None or self.float_model.total is None else
                {"tensor": self.float_tensor, **self.float_model.to_json()},
                "local_error_histogram_lsb": {"edges": [float(e) for e in HIST_EDGES],
                                              "counts": [int(c) for c in self.histogram]}}


def _reference_value(dump: Dump, step_index: int, slot: int) -> np.ndarray:
    return dump.steps[step_index].outputs[slot].value


def fold_replay(layers: dict[int, Layer], replay_dir: Path) -> None:
    """Adds one replay (one sample) to the per-layer accumulators."""
    quant, local, acc = (load_dump(replay_dir / part) for part in ("quant", "local", "accumulated"))
    if [(s.step, s.node, s.op) for s in quant.steps] != [(s.step, s.node, s.op) for s in local.steps]:
        raise ValueError(f"{replay_dir}: quant and local have different steps")
    if len(acc.steps) != len(quant.steps):
        raise ValueError(f"{replay_dir}: quant and accumulated have different steps")
    for i, step in enumerate(quant.steps):
        if not step.outputs:
            continue
        out = step.outputs[0]
        t = out.tensor
        if t is None or out.file is None or not t.quantization or t.dtype not in QRANGE:
            continue
        q = t.quantization
        per_channel = len(q["scale"]) > 1
        axis = q["quantized_dimension"] if per_channel else (len(t.shape) - 1 if t.shape else 0)
        layer = layers.get(step.step)
        if layer is None:
            layer = Layer(step.step, step.subgraph, step.node, step.op, t.index, t.name, t.dtype,
                          float(np.median(q["scale"])), int(axis), per_channel)
            layers[step.step] = layer
        raw = out.value
        deq = dequantize(raw, q)
        qmin, qmax = QRANGE[t.dtype]
        scales = q["scale"] if per_channel else [q["scale"][0]]
        for side, ref_dump in ((layer.local, local), (layer.accumulated, acc)):
            ref = _reference_value(ref_dump, i, 0).astype(np.float64)
            stats = ErrorStats.of(deq, ref, q=raw, qmin=qmin, qmax=qmax, scale=layer.scale)
            channels = ChannelStats.of(deq, ref, layer.axis if deq.ndim else 0, scales) if deq.ndim else \
                ChannelStats.of(deq.reshape(1), ref.reshape(1), 0, scales[:1])
            side.add(stats, channels)
        lsb = (deq - local.steps[i].outputs[0].value.astype(np.float64)) / layer.scale
        layer.histogram += np.histogram(np.clip(lsb, HIST_EDGES[0], HIST_EDGES[-1]), bins=HIST_EDGES)[0]


def fold_float_model(layers: dict[int, Layer], quant_dir: Path, float_dir: Path, alignment) -> None:
    """Adds one sample's comparison with a separate float model (aligned tensors only)."""
    quant, flt = load_dump(quant_dir), load_dump(float_dir)
    values = {}
    for step in flt.steps:
        for slot in step.inputs + step.outputs:
            if slot.tensor is not None and slot.file is not None and slot.tensor.index not in values:
                values[slot.tensor.index] = slot
    by_step = {s.step: s for s in quant.steps}
    for pair in alignment.pairs:
        layer = layers.get(pair.quant_step)
        step = by_step.get(pair.quant_step)
        if layer is None or step is None or pair.float_tensor not in values:
            continue
        out = step.outputs[0]
        ref = values[pair.float_tensor].value.astype(np.float64)
        deq = dequantize(out.value, out.tensor.quantization)
        if ref.shape != deq.shape:
            continue
        qmin, qmax = QRANGE[out.tensor.dtype]
        q = out.tensor.quantization
        scales = q["scale"] if layer.per_channel else [q["scale"][0]]
        stats = ErrorStats.of(deq, ref, q=out.value, qmin=qmin, qmax=qmax, scale=layer.scale)
        channels = ChannelStats.of(deq, ref, layer.axis, scales) if deq.ndim else \
            ChannelStats.of(deq.reshape(1), ref.reshape(1), 0, scales[:1])
        if layer.float_model is None:
            layer.float_model = Side()
            layer.float_tensor = pair.float_name
        layer.float_model.add(stats, channels)


def run_replays(model: str, samples: list[list[str]], weights_from: str | None, rounding: str | None,
                layers: dict[int, Layer], float_model: str | None = None) -> None:
    """Runs `tfldbg replay` once per sample (args for its inputs), folding and discarding each;
    with `float_model`, also dumps the float model on the same input and compares aligned tensors."""
    alignment = None
    if float_model:
        from tfldbg.align import align_paths

        alignment = align_paths(model, float_model)
    with tempfile.TemporaryDirectory(prefix="tfldbg-quant-report-") as tmp:
        for k, input_args in enumerate(samples):
            out = Path(tmp) / f"r{k}"
            extra = ["--weights-from", weights_from] if weights_from else []
            extra += ["--rounding", rounding] if rounding else []
            run_tool("replay", model, "--out", str(out), *input_args, *extra)
            fold_replay(layers, out)
            if alignment is not None:
                run_tool("dump", float_model, "--out", str(out / "float"), *input_args)
                fold_float_model(layers, out / "quant", out / "float", alignment)
            shutil.rmtree(out)


def dataset_samples(directory: str) -> list[list[str]]:
    """The samples of a dataset directory: its .npy files (one input each) or
    subdirectories of NAME.npy files, sorted by name (as `tfldbg dump --dataset`)."""
    root = Path(directory)
    if not root.is_dir():
        raise ValueError(f"--dataset {directory}: not a directory")
    entries = sorted(p for p in root.iterdir() if p.is_dir() or p.suffix == ".npy")
    if not entries:
        raise ValueError(f"--dataset {directory}: no .npy files or sample directories in it")
    return [["--inputs", str(p)] if p.is_dir() else ["--input", f"0={p}"] for p in entries]


def build_report(layers: dict[int, Layer], model: str, samples: int, sort: str) -> dict:
    if sort not in METRICS:
        raise ValueError(f"--sort {sort}: one of {', '.join(METRICS)}")
    return {"format": FORMAT, "version": VERSION, "model": model, "samples": samples, "sort": sort,
            "layers": [layers[k].to_json() for k in sorted(layers)]}


def sorted_layers(report: dict, side: str = "local") -> list[dict]:
    metric = report["sort"]
    worse = LARGER_IS_WORSE[metric]

    def key(layer):
        v = layer[side][metric]
        return -v if worse else v

    return sorted(report["layers"], key=lambda l: (key(l) if not math.isnan(l[side][report["sort"]]) else math.inf))


def _fmt(v) -> str:
    if isinstance(v, float):
        if math.isinf(v) or math.isnan(v):
            return str(v)
        return f"{v:.4g}"
    return str(v)


COLUMNS = [("step", None), ("op", None), ("name", None), ("sqnr_db", "local"), ("sqnr_db", "accumulated"),
           ("rmse_over_scale", "local"), ("rmse_over_scale", "accumulated"), ("rmse_over_scale", "amplification"),
           ("cosine_similarity", "accumulated"), ("saturation_rate", "local")]


def _columns(report: dict) -> list:
    if any(l.get("float_model") for l in report["layers"]):
        return COLUMNS[:5] + [("sqnr_db", "float_model")] + COLUMNS[5:]
    return COLUMNS


def _cells(layer: dict, columns=COLUMNS) -> list[str]:
    out = []
    for key, side in columns:
        if side is None:
            v = layer[key]
            out.append(v if key != "name" or len(v) <= 40 else "..." + v[-37:])
        elif side == "amplification":
            v = layer["amplification"][key]
            out.append("-" if v is None else _fmt(v))
        elif side == "float_model":
            out.append("-" if not layer.get("float_model") else _fmt(layer["float_model"][key]))
        else:
            out.append(_fmt(layer[side][key]))
    return [str(c) for c in out]


def _header(columns=COLUMNS) -> list[str]:
    return [k if s is None else (f"{k} ({s.replace('_', ' ')})" if s != "amplification" else "amplification")
            for k, s in columns]


def format_table(report: dict) -> str:
    cols = _columns(report)
    rows = [_header(cols)] + [_cells(l, cols) for l in sorted_layers(report)]
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return (f"{report['model']}: {len(report['layers'])} quantized layers, {report['samples']} sample(s), "
            f"worst first by {report['sort']} (local)\n" + "\n".join(lines))


def write_csv(report: dict, path: str) -> None:
    with open(path, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["step", "subgraph", "node", "op", "tensor", "name", "dtype", "scale"] +
                   [f"{side}_{m}" for side in ("local", "accumulated") for m in METRICS] +
                   ["amplification_rmse_over_scale", "amplification_mean_squared_error"] +
                   [f"float_model_{m}" for m in METRICS])
        for l in report["layers"]:
            w.writerow([l["step"], l["subgraph"], l["node"], l["op"], l["tensor"], l["name"], l["dtype"], l["scale"]] +
                       [l[side][m] for side in ("local", "accumulated") for m in METRICS] +
                       [l["amplification"]["rmse_over_scale"], l["amplification"]["mean_squared_error"]] +
                       [(l["float_model"] or {}).get(m, "") for m in METRICS])


def markdown(report: dict) -> str:
    cols = _columns(report)
    head = _header(cols)
    lines = [f"# Quantization report: {report['model']}", "",
             f"{len(report['layers'])} quantized layers, {report['samples']} sample(s); worst first by "
             f"{report['sort']} (local error).", "", "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for l in sorted_layers(report):
        lines.append("| " + " | ".join(c.replace("|", "\\|") for c in _cells(l, cols)) + " |")
    return "\n".join(lines) + "\n"


def write_json(report: dict, path: str) -> None:
    def clean(o):
        if isinstance(o, float) and (math.isinf(o) or math.isnan(o)):
            return None if math.isnan(o) else ("inf" if o > 0 else "-inf")
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list):
            return [clean(v) for v in o]
        return o

    Path(path).write_text(json.dumps(clean(report), indent=1) + "\n")


# --- HTML (self-contained: inline SVG, no scripts from elsewhere) ---------------------------------

def _svg_lines(title: str, xs: list[str], series: list[tuple[str, list[float], str]], ylabel: str,
               reference: float | None = None, width: int = 900, height: int = 300) -> str:
    left, right, top, bottom = 60, 20, 30, 100
    values = [v for _, vals, _ in series for v in vals if v is not None and math.isfinite(v)]
    if reference is not None:
        values.append(reference)
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    if hi == lo:
        hi = lo + 1.0
    pad = (hi - lo) * 0.08
    lo, hi = (lo - pad if lo - pad < 0 or lo < 0 else max(0.0, lo - pad)), hi + pad
    if min(values) >= 0:
        lo = max(lo, 0.0)
    n = max(len(xs), 1)
    px = lambda i: left + (width - left - right) * (i + 0.5) / n  # noqa: E731
    py = lambda v: top + (height - top - bottom) * (1 - (v - lo) / (hi - lo))  # noqa: E731
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
           f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>',
           f'<line x1="{left}" y1="{top}" x2="{left}" y2="{height - bottom}" stroke="#444"/>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#444"/>']
    for k in range(5):
        v = lo + (hi - lo) * k / 4
        out.append(f'<text x="{left - 6}" y="{py(v) + 4:.1f}" font-size="10" text-anchor="end">{v:.3g}</text>')
        out.append(f'<line x1="{left}" y1="{py(v):.1f}" x2="{width - right}" y2="{py(v):.1f}" stroke="#eee"/>')
    out.append(f'<text x="14" y="{(top + height - bottom) / 2:.0f}" font-size="11" '
               f'transform="rotate(-90 14 {(top + height - bottom) / 2:.0f})" text-anchor="middle">{html.escape(ylabel)}</text>')
    if reference is not None:
        out.append(f'<line x1="{left}" y1="{py(reference):.1f}" x2="{width - right}" y2="{py(reference):.1f}" '
                   f'stroke="#999" stroke-dasharray="4 3"/><text x="{width - right}" y="{py(reference) - 4:.1f}" '
                   f'font-size="10" text-anchor="end" fill="#666">{reference:g} (ideal rounding)</text>')
    for i, label in enumerate(xs):
        out.append(f'<text x="{px(i):.1f}" y="{height - bottom + 12}" font-size="9" text-anchor="end" '
                   f'transform="rotate(-45 {px(i):.1f} {height - bottom + 12})">{html.escape(label)}</text>')
    for s, (name, vals, color) in enumerate(series):
        pts = [(px(i), py(v)) for i, v in enumerate(vals) if v is not None and math.isfinite(v)]
        if pts:
            out.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="' +
                       " ".join(f"{x:.1f},{y:.1f}" for x, y in pts) + '"/>')
            out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>' for x, y in pts)
        out.append(f'<rect x="{width - right - 170}" y="{top + 4 + 16 * s}" width="10" height="10" fill="{color}"/>'
                   f'<text x="{width - right - 155}" y="{top + 13 + 16 * s}" font-size="11">{html.escape(name)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _svg_bars(title: str, labels: list[str], values: list[float], color: str, width: int = 440, height: int = 200,
              xlabel: str = "") -> str:
    left, right, top, bottom = 50, 10, 28, 40
    vals = [v if v is not None and math.isfinite(v) else 0.0 for v in values]
    hi = max(vals) if vals and max(vals) > 0 else 1.0
    n = max(len(vals), 1)
    bw = (width - left - right) / n
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" role="img">',
           f'<text x="{left}" y="16" font-size="12" font-weight="bold">{html.escape(title)}</text>',
           f'<line x1="{left}" y1="{height - bottom}" x2="{width - right}" y2="{height - bottom}" stroke="#444"/>',
           f'<text x="{left - 4}" y="{top + 8}" font-size="9" text-anchor="end">{hi:.3g}</text>',
           f'<text x="{left - 4}" y="{height - bottom}" font-size="9" text-anchor="end">0</text>']
    for i, v in enumerate(vals):
        h = (height - top - bottom) * v / hi
        out.append(f'<rect x="{left + i * bw:.1f}" y="{height - bottom - h:.1f}" width="{max(bw - 1, 1):.1f}" '
                   f'height="{h:.1f}" fill="{color}"><title>{html.escape(labels[i])}: {v:.4g}</title></rect>')
    step = max(1, n // 8)
    for i in range(0, n, step):
        out.append(f'<text x="{left + (i + 0.5) * bw:.1f}" y="{height - bottom + 12}" font-size="9" '
                   f'text-anchor="middle">{html.escape(labels[i])}</text>')
    out.append(f'<text x="{(left + width - right) / 2:.0f}" y="{height - 6}" font-size="10" text-anchor="middle">'
               f'{html.escape(xlabel)}</text></svg>')
    return "\n".join(out)


def html_report(report: dict) -> str:
    layers = report["layers"]
    xs = [f"{l['step']} {l['op']}" for l in layers]
    num = lambda v: v if isinstance(v, (int, float)) and math.isfinite(v) else None  # noqa: E731
    charts = [
        _svg_lines("SQNR along the graph (higher is better)", xs,
                   [("local", [num(l["local"]["sqnr_db"]) for l in layers], "#1f77b4"),
                    ("accumulated", [num(l["accumulated"]["sqnr_db"]) for l in layers], "#d62728")] +
                   ([("float model", [num((l["float_model"] or {}).get("sqnr_db")) for l in layers], "#ff7f0e")]
                    if any(l.get("float_model") for l in layers) else []), "SQNR (dB)"),
        _svg_lines("rmse / scale along the graph (lower is better)", xs,
                   [("local", [num(l["local"]["rmse_over_scale"]) for l in layers], "#1f77b4"),
                    ("accumulated", [num(l["accumulated"]["rmse_over_scale"]) for l in layers], "#d62728")],
                   "rmse / scale (LSB)", reference=0.289),
    ]
    worst = sorted_layers(report)[:3]
    hists = []
    for l in worst:
        h = l["local_error_histogram_lsb"]
        edges = h["edges"]
        labels = [f"{(edges[i] + edges[i + 1]) / 2:.2f}" for i in range(len(edges) - 1)]
        hists.append(_svg_bars(f"step {l['step']} {l['op']}: local error (LSB)", labels, h["counts"], "#9467bd",
                               xlabel="d / scale, clipped to ±3"))
    channels = []
    for l in worst:
        pc = l.get("per_channel")
        if pc and len(pc["rmse_over_scale_local"]) > 1:
            labels = [str(i) for i in range(len(pc["rmse_over_scale_local"]))]
            channels.append(_svg_bars(f"step {l['step']} {l['op']}: rmse/scale per channel (local)", labels,
                                      pc["rmse_over_scale_local"], "#2ca02c", xlabel=f"channel (axis {pc['axis']}); "
                                      f"worst: {', '.join(map(str, pc['worst_channels']))}"))
    cols = _columns(report)
    rows = "\n".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in _cells(l, cols)) + "</tr>"
                     for l in sorted_layers(report))
    head = "".join(f"<th>{html.escape(h)}</th>" for h in _header(cols))
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tfldbg quantization report</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; font-size: 12px; }}
td, th {{ border: 1px solid #ccc; padding: 3px 6px; text-align: right; }}
td:nth-child(2), td:nth-child(3) {{ text-align: left; }}
th {{ background: #f3f3f3; }}
.charts svg {{ margin: 6px 12px 6px 0; border: 1px solid #eee; }}
</style></head><body>
<h1>Quantization report</h1>
<p>Model <code>{html.escape(report['model'])}</code>: {len(layers)} quantized layers, {report['samples']} sample(s).
Local error: each node's float kernel on the inputs it received; accumulated: the whole graph in float.
Worst first by {html.escape(report['sort'])} (local).</p>
<div class="charts">{''.join(charts)}</div>
<h2>Error histograms of the worst layers</h2><div class="charts">{''.join(hists)}</div>
<h2>Per-channel views</h2><div class="charts">{''.join(channels) or '<p>No per-channel layers among the worst.</p>'}</div>
<h2>Layers</h2><table><tr>{head}</tr>
{rows}
</table>
</body></html>
"""
