"""Merging `tfldbg dump --stats-only` results from shards of a dataset.

Each stats.json keeps one record per sample (tensor statistics of one
Invoke) and the fold of those records in sample order. Merging concatenates
the samples of all shards and folds them again in sample order with the same
arithmetic, so the result equals, number for number, one run over the whole
dataset:

    python -m tfldbg merge-stats shard0/stats.json shard1/stats.json --out all.json
"""

from __future__ import annotations

import json
import math
from pathlib import Path

FORMAT = "tfldbg-stats"


class StatsError(ValueError):
    """Inputs that cannot be merged: other formats, or samples seen twice."""


def _summary(s: dict) -> dict:
    """Derived fields exactly as the C++ writer computes them."""
    n = s["count"]
    mean = s["sum"] / n if n else 0.0
    variance = max(0.0, s["sum_of_squares"] / n - mean * mean) if n else 0.0
    total = n + s["nan"] + s["inf"]
    out = dict(s)
    out.update({"mean": mean, "std": math.sqrt(variance),
                "saturation": (s["at_min"] + s["at_max"]) / total if total else 0.0})
    if not n:
        out["min"] = out["max"] = None
    return out


def _fold(into: dict | None, s: dict) -> dict:
    if into is None:
        return {k: s[k] for k in ("count", "nan", "inf", "at_min", "at_max", "sum", "sum_of_squares", "min", "max")}
    if s["count"]:
        into["min"] = s["min"] if not into["count"] else min(into["min"], s["min"])
        into["max"] = s["max"] if not into["count"] else max(into["max"], s["max"])
    for k in ("count", "nan", "inf", "at_min", "at_max"):
        into[k] += s[k]
    into["sum"] += s["sum"]
    into["sum_of_squares"] += s["sum_of_squares"]
    return into


def merge_stats(paths: list[str | Path]) -> dict:
    docs = []
    for p in paths:
        from tfldbg.formats.reading import read_json

        doc = read_json(p)
        if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != 1:
            raise StatsError(f"{p}: not a tfldbg-stats v1 file")
        docs.append(doc)
    samples: dict[int, dict] = {}
    names: dict[str, tuple] = {}
    for p, doc in zip(paths, docs):
        for rec in doc["samples"]:
            if rec["sample"] in samples:
                raise StatsError(f"{p}: sample {rec['sample']} is in more than one input")
            samples[rec["sample"]] = rec
        for t, s in doc["tensors"].items():
            names.setdefault(t, (s["name"], s["dtype"]))
    folded: dict[str, dict] = {}
    for index in sorted(samples):
        for t, s in sorted(samples[index]["tensors"].items(), key=lambda kv: int(kv[0])):
            folded[t] = _fold(folded.get(t), s)
    tensors = {}
    for t in sorted(folded, key=int):
        summary = _summary(folded[t])
        summary["name"], summary["dtype"] = names[t]
        tensors[t] = summary
    return {"format": FORMAT, "version": 1, "samples": [samples[i] for i in sorted(samples)], "tensors": tensors}
