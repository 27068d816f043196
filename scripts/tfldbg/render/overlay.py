"""`python -m tfldbg overlay`: a quant-report metric on the graph.

    python -m tfldbg overlay REPORT.json [--metric sqnr_db] [--side local|accumulated]
                             --out node_data.json [--graph-overlay F.json] [--graph-html OUT.html]

Writes Model Explorer node data (load it in Google's Model Explorer next to the
.tflite: per graph, `results` keyed by node id with `value` and `bgColor`, plus
the gradient) and, with --graph-overlay / --graph-html, the same values and
colors for tfldbg's own HTML graph (`tfldbg graph MODEL -o OUT.html --overlay F`).

Model Explorer's TFLite adapter names a graph by its subgraph's name ("main"
when unnamed) and an operator node by its operator index; those are the keys.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tfldbg.analysis.metrics import LARGER_IS_WORSE, METRICS

# green (good) -> yellow -> red (bad)
GRADIENT = [(0.0, (0x2e, 0x9d, 0x4f)), (0.5, (0xf2, 0xc9, 0x4c)), (1.0, (0xd6, 0x3a, 0x2f))]


def _hex(rgb) -> str:
    return "#" + "".join(f"{int(round(c)):02x}" for c in rgb)


def color_at(t: float) -> str:
    t = min(max(t, 0.0), 1.0)
    for (s0, c0), (s1, c1) in zip(GRADIENT, GRADIENT[1:]):
        if t <= s1:
            u = (t - s0) / (s1 - s0)
            return _hex([a + (b - a) * u for a, b in zip(c0, c1)])
    return _hex(GRADIENT[-1][1])


def _value(layer: dict, side: str, metric: str) -> float | None:
    v = layer[side][metric]
    if isinstance(v, str):  # "inf" / "-inf" in the JSON
        v = float(v)
    return v if v is not None and math.isfinite(v) else None


def badness(values: list[float | None], metric: str) -> list[float | None]:
    """0 for the best layer, 1 for the worst, by rank (so one outlier, such as an
    exact MAX_POOL_2D at 150 dB, does not wash out the others)."""
    finite = sorted({v for v in values if v is not None}, reverse=not LARGER_IS_WORSE[metric])
    if not finite:
        return [None] * len(values)
    rank = {v: i for i, v in enumerate(finite)}
    n = max(len(finite) - 1, 1)
    return [None if v is None else rank[v] / n for v in values]


def graph_names(report: dict) -> dict[int, str]:
    """Subgraph index -> Model Explorer graph id, from the model when it is at hand."""
    names: dict[int, str] = {}
    model = report.get("model")
    if model and Path(model).is_file():
        from tfldbg.backends.engine import ToolError, model_info

        try:
            for sg in model_info(model)["subgraphs"]:
                names[sg["index"]] = sg["name"] or ("main" if sg["index"] == 0 else f"subgraph_{sg['index']}")
        except ToolError:
            pass
    return names


def build(report: dict, metric: str, side: str) -> tuple[dict, dict]:
    if metric not in METRICS or metric == "num_elements":
        raise ValueError(f"--metric {metric}: one of {', '.join(m for m in METRICS if m != 'num_elements')}")
    if side not in ("local", "accumulated"):
        raise ValueError(f"--side {side}: local or accumulated")
    layers = report["layers"]
    values = [_value(l, side, metric) for l in layers]
    bad = badness(values, metric)
    names = graph_names(report)
    node_data: dict[str, dict] = {}
    ours: dict[str, dict] = {}
    for layer, v, b in zip(layers, values, bad):
        if v is None:
            continue
        graph = names.get(layer["subgraph"], "main" if layer["subgraph"] == 0 else f"subgraph_{layer['subgraph']}")
        color = color_at(b)
        g = node_data.setdefault(graph, {"name": f"{metric} ({side})", "results": {},
                                          "gradient": [{"stop": s, "bgColor": _hex(c)} for s, c in
                                                       (GRADIENT if LARGER_IS_WORSE[metric] else
                                                        [(1 - s, c) for s, c in reversed(GRADIENT)])]})
        g["results"][str(layer["node"])] = {"value": v, "bgColor": color}
        ours.setdefault(str(layer["subgraph"]), {})[str(layer["node"])] = {
            "value": f"{v:.4g}", "color": color, "label": f"{metric} ({side})"}
    return node_data, ours


def write(report_path: str, metric: str, side: str, out: str, graph_overlay: str | None, graph_html: str | None) -> None:
    from tfldbg.formats.reading import printable, read_json

    report = read_json(report_path)
    if not isinstance(report, dict) or report.get("format") != "tfldbg-quant-report":
        fmt = report.get("format") if isinstance(report, dict) else None
        raise ValueError(f"{printable(report_path)}: not a quant-report JSON (format {printable(repr(fmt))[:60]})")
    node_data, ours = build(report, metric, side)
    Path(out).write_text(json.dumps(node_data, indent=1) + "\n")
    if graph_overlay or graph_html:
        overlay_path = Path(graph_overlay) if graph_overlay else Path(out).with_suffix(".graph-overlay.json")
        overlay_path.write_text(json.dumps(ours, indent=1) + "\n")
        if graph_html:
            from tfldbg.backends.engine import run_tool

            run_tool("graph", report["model"], "-o", graph_html, "--overlay", str(overlay_path))
