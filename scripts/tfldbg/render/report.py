"""Rendering a quantization report (analysis/quant_report.py builds it): a
terminal table, CSV, Markdown and a self-contained HTML page (inline SVG, no
scripts from elsewhere).

    from tfldbg.render.report import format_table, html_report
    print(format_table(report)); Path("r.html").write_text(html_report(report))
"""

from __future__ import annotations

import csv
import html
import io
import math

from tfldbg.analysis.metrics import LARGER_IS_WORSE, METRICS
from tfldbg.analysis.quant_report import sorted_layers


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


def _diagnosis_section(report: dict) -> str:
    """The bad layers, each with its likely causes and their evidence (a level
    histogram of the output where the scale or the range is at fault)."""
    items = report.get("diagnosis")
    if items is None:
        return ""
    by_step = {l["step"]: l for l in report["layers"]}
    parts = ["<h2>Diagnosis of the bad layers</h2>",
             "<p>Layers with local SQNR below 30 dB and the three worst; causes from the evidence gathered on "
             "the samples (docs/quant-report.md, \"Diagnosis\").</p>"]
    for d in items:
        layer = by_step[d["step"]]
        causes = d["causes"]
        lis = "".join(f'<li><span class="cause">{html.escape(c["cause"])}</span>: {html.escape(c["text"])}</li>'
                      for c in causes) or "<li>no single cause stands out in the evidence</li>"
        charts = ""
        out_ev = (layer.get("evidence") or {}).get("output")
        if out_ev:
            h = out_ev["level_histogram"]
            width = (h["qmax"] - h["qmin"] + 1) / h["bins"]
            labels = [str(int(h["qmin"] + i * width)) for i in range(h["bins"])]
            charts += _svg_bars(f"step {d['step']}: output levels used", labels, h["counts"], "#1f77b4",
                                xlabel="quantized level")
        w_ev = (layer.get("evidence") or {}).get("weights")
        if w_ev and len(w_ev["channel_max_abs"]) > 1:
            labels = [str(i) for i in range(len(w_ev["channel_max_abs"]))]
            charts += _svg_bars(f"step {d['step']}: max |w| per output channel ({w_ev['tensor_quantization']})",
                                labels, w_ev["channel_max_abs"], "#ff7f0e", xlabel=f"channel (axis {w_ev['axis']})")
        parts.append(f'<div class="diag"><h3>step {d["step"]} {html.escape(d["op"])} '
                     f'<code>{html.escape(d["name"])}</code>: local SQNR {_fmt(d["local_sqnr_db"])} dB</h3>'
                     f'<ul>{lis}</ul><div class="charts">{charts}</div></div>')
    return "\n".join(parts)


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
    diagnosis = _diagnosis_section(report)
    divergence = ""
    if report.get("divergence"):
        from tfldbg.analysis.divergence import html_section

        divergence = html_section(report["divergence"])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>tfldbg quantization report</title>
<style>
body {{ font-family: sans-serif; margin: 24px; color: #222; }}
table {{ border-collapse: collapse; font-size: 12px; }}
td, th {{ border: 1px solid #ccc; padding: 3px 6px; text-align: right; }}
td:nth-child(2), td:nth-child(3) {{ text-align: left; }}
th {{ background: #f3f3f3; }}
.charts svg {{ margin: 6px 12px 6px 0; border: 1px solid #eee; }}
.diag {{ border-left: 4px solid #d62728; padding: 2px 12px; margin: 10px 0; }}
.diag li {{ margin: 4px 0; }}
.cause {{ font-weight: bold; }}
.diag h3 code {{ word-break: break-all; font-size: 12px; }}
</style></head><body>
<h1>Quantization report</h1>
<p>Model <code>{html.escape(report['model'])}</code>: {len(layers)} quantized layers, {report['samples']} sample(s).
Local error: each node's float kernel on the inputs it received; accumulated: the whole graph in float.
Worst first by {html.escape(report['sort'])} (local).</p>
<div class="charts">{''.join(charts)}</div>
{diagnosis}
<h2>Error histograms of the worst layers</h2><div class="charts">{''.join(hists)}</div>
<h2>Per-channel views</h2><div class="charts">{''.join(channels) or '<p>No per-channel layers among the worst.</p>'}</div>
<h2>Layers</h2><table><tr>{head}</tr>
{rows}
</table>
{divergence}
</body></html>
"""
