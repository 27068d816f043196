"""`python -m tfldbg sensitivity`: which quantized nodes to keep in float.

    python -m tfldbg sensitivity MODEL_int8.tflite --dataset DIR [--float FLOAT.tflite]
                                 [--metric sqnr|top1] [--target T] [--json F] [--out DIR]

Built on mixed execution (`tfldbg run --float-nodes`, docs/sensitivity.md): for
every quantized node, the error at the model's outputs when only that node runs
in float ("float alone": what keeping it in float buys) and when only that node
runs quantized, everything else float ("quantized alone": the error it causes by
itself); a ranking; and a greedy smallest set of nodes to keep in float that
reaches the target, written as the deny-lists of TensorFlow's
QuantizationDebugger (`denylisted_nodes`, `denylisted_ops`) and as an
ai-edge-quantizer recipe.

The reference is the float model (`--float`, outputs matched by position) or
the float shadow (every node in float). Per-sample work is a pure function of
the samples, `partial(model, samples, sets, ...) -> dict`, whose results add up
with `merge(parts)` (exactly: sums and counts), so the samples can be split
into shards run anywhere.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from pathlib import Path

import numpy as np

from tfldbg.backends.engine import model_info, run_tool

FORMAT, VERSION = "tfldbg-sensitivity", 1
METRICS = ("sqnr", "top1")
DEFAULT_TARGET = {"sqnr": 30.0, "top1": 1.0}
NOT_CANDIDATES = {"QUANTIZE", "DEQUANTIZE"}
INTEGER_TYPES = {"int8", "uint8", "int16", "int32"}


def _safe_name(name: str) -> str:
    """The file name `tfldbg run --save-outputs` gives an output (NAME.npy)."""
    return re.sub(r"[/: ]", "_", name)


def model_nodes(model: str) -> dict:
    """The main subgraph's quantized nodes (integer output with a scale; QUANTIZE
    and DEQUANTIZE left out, as keeping them in float changes nothing) and its
    outputs' names."""
    info = model_info(model)
    sg = info["subgraphs"][0]
    tensors = sg["tensors"]
    nodes = []
    for op in sg["operators"]:
        outs = [tensors[t] for t in op["outputs"] if t >= 0]
        if op["op"] in NOT_CANDIDATES or not outs:
            continue
        t = outs[0]
        if t["dtype"] in INTEGER_TYPES and t.get("quantization"):
            ins = [tensors[i] for i in op["inputs"] if i >= 0]
            # Same parameters in and out (pooling, reshapes, concatenation...): TensorFlow's quantizer
            # ties such a node to its input and does not keep it in float alone (denylisting it has no effect).
            tied = bool(ins) and ins[0].get("quantization") == t["quantization"]
            nodes.append({"node": op["index"], "op": op["op"], "tensor": t["index"], "name": t["name"],
                          "dtype": t["dtype"], "converter_can_keep_float": not tied})
    return {"nodes": nodes, "node_count": len(sg["operators"]),
            "outputs": [tensors[t]["name"] for t in sg["outputs"]],
            "op_counts": _op_counts(sg)}


def _op_counts(sg: dict) -> dict:
    counts: dict[str, int] = {}
    for op in sg["operators"]:
        counts[op["op"]] = counts.get(op["op"], 0) + 1
    return counts


def set_key(nodes) -> str:
    """A float set as text: "3,5,7", "none" for the empty set."""
    nodes = sorted(set(int(n) for n in nodes))
    return ",".join(str(n) for n in nodes) if nodes else "none"


def _load_outputs(directory: Path, names: list[str]) -> list[np.ndarray]:
    return [np.load(directory / f"{_safe_name(n)}.npy").astype(np.float64) for n in names]


def _zero() -> dict:
    return {"signal": 0.0, "noise": 0.0, "agree": 0, "count": 0, "samples": 0}


def _fold(acc: dict, outs: list[np.ndarray], ref: list[np.ndarray]) -> None:
    for o, r in zip(outs, ref):
        if o.shape != r.shape:
            raise ValueError(f"output of shape {list(o.shape)} vs reference {list(r.shape)}")
        acc["signal"] += float(np.sum(r * r))
        acc["noise"] += float(np.sum((o - r) ** 2))
    # top-1 on the first output, along its last axis (one decision per row)
    o, r = outs[0], ref[0]
    if o.ndim:
        acc["agree"] += int(np.sum(np.argmax(o.reshape(-1, o.shape[-1]), axis=-1) ==
                                   np.argmax(r.reshape(-1, r.shape[-1]), axis=-1)))
        acc["count"] += int(np.prod(o.shape[:-1], dtype=np.int64)) if o.ndim > 1 else 1
    acc["samples"] += 1


def partial(model: str, samples: list[list[str]], sets: list[list[int]], outputs: list[str],
            float_model: str | None = None, float_outputs: list[str] | None = None,
            extra_args: list[str] | None = None, weights_from: str | None = None) -> dict:
    """Pure per-sample work: runs each sample once per float set (one process per
    sample) and returns, per sample, each set's sums against the reference (the
    float model, else the float shadow: every node in float). One record per
    sample, not pre-added: `merge` folds them in sample order, so any contiguous
    split of the samples (tfldbg.distributed, `--ray`) gives the same bits."""
    keys = [set_key(s) for s in sets]
    records = []
    extra = list(extra_args or [])
    with tempfile.TemporaryDirectory(prefix="tfldbg-sensitivity-") as tmp:
        tmp = Path(tmp)
        lines = list(keys) + ([] if float_model else ["all"])
        (tmp / "sets.txt").write_text("\n".join(lines) + "\n")
        for k, input_args in enumerate(samples):
            out = tmp / f"s{k}"
            out.mkdir()
            weights = ["--weights-from", weights_from] if weights_from else []
            run_tool("run", model, "--float-sets", str(tmp / "sets.txt"), "--save-outputs", str(out),
                     *weights, *input_args, *extra)
            if float_model:
                ref_dir = out / "float"
                ref_dir.mkdir()
                run_tool("run", float_model, "--save-outputs", str(ref_dir), *input_args, *extra)
                ref = _load_outputs(ref_dir, float_outputs or [])
            else:
                ref = _load_outputs(out / str(len(keys)), outputs)
            record = {}
            for i, key in enumerate(keys):
                record[key] = _zero()
                _fold(record[key], _load_outputs(out / str(i), outputs), ref)
            records.append(record)
            shutil.rmtree(out)
    return {"format": "tfldbg-sensitivity-partial", "samples": records}


def shard_partial(samples: list[list[str]], **kwargs) -> dict:
    """`partial` with the samples first: what a Ray task runs on its shard (tfldbg.distributed)."""
    return partial(samples=samples, **kwargs)


def merge(parts: list[dict]) -> dict:
    """Folds the partial results' per-sample records in sample order (parts in
    sample order): each set's sums over every sample."""
    sums: dict[str, dict] = {}
    for part in parts:
        for record in part["samples"]:
            for key, s in record.items():
                acc = sums.setdefault(key, _zero())
                for f in acc:
                    acc[f] += s[f]
    return {"format": "tfldbg-sensitivity-sums", "sums": sums}


def score(s: dict, metric: str) -> float:
    """Output SQNR in dB (10·log10 Σr²/Σd², all outputs and samples together) or
    top-1 agreement with the reference."""
    if metric == "top1":
        return s["agree"] / s["count"] if s["count"] else math.nan
    if s["noise"] == 0:
        return math.inf
    if s["signal"] == 0:
        return -math.inf
    return 10.0 * math.log10(s["signal"] / s["noise"])


def _both(s: dict) -> dict:
    return {"sqnr_db": score(s, "sqnr"), "top1_agreement": score(s, "top1")}


def analyse(model: str, samples: list[list[str]], metric: str = "sqnr", target: float | None = None,
            float_model: str | None = None, extra_args: list[str] | None = None, runner=None,
            log=None, max_nodes: int | None = None, all_nodes: bool = False,
            weights_from: str | None = None) -> dict:
    """The whole analysis. `runner(sets) -> merged sums` evaluates float sets over
    all samples (by default `partial` on every sample here; `--ray` passes its own)."""
    if metric not in METRICS:
        raise ValueError(f"--metric {metric}: one of {', '.join(METRICS)}")
    target = DEFAULT_TARGET[metric] if target is None else float(target)
    info = model_nodes(model)
    cands = info["nodes"]
    if not cands:
        raise ValueError(f"{model}: no quantized nodes (integer outputs with scales) in subgraph 0")
    float_outputs = None
    if float_model:
        float_outputs = model_info(float_model)["subgraphs"][0]
        float_outputs = [float_outputs["tensors"][t]["name"] for t in float_outputs["outputs"]]
        if len(float_outputs) != len(info["outputs"]):
            raise ValueError(f"{float_model}: {len(float_outputs)} outputs, {model} has {len(info['outputs'])}")
    if runner is None:
        def runner(sets):
            return merge([partial(model, samples, sets, info["outputs"], float_model, float_outputs, extra_args,
                                  weights_from)])
    ids = [c["node"] for c in cands]
    cache: dict[str, dict] = {}

    def evaluate(sets: list[list[int]]) -> None:
        todo = [s for s in sets if set_key(s) not in cache]
        unique = list({set_key(s): s for s in todo}.values())
        if unique:
            cache.update(runner(unique)["sums"])

    every = ids
    first = [[], every] + [[n] for n in ids] + [[m for m in ids if m != n] for n in ids]
    evaluate(first)
    base = score(cache["none"], metric)
    all_float = score(cache[set_key(every)], metric)
    nodes = []
    for c in cands:
        alone = cache[set_key([c["node"]])]
        quant_alone = cache[set_key([m for m in ids if m != c["node"]])]
        nodes.append({**c, "float_alone": _both(alone), "quantized_alone": _both(quant_alone),
                      "gain": score(alone, metric) - base,
                      "loss_alone": all_float - score(quant_alone, metric)})
    ranking = sorted(nodes, key=lambda n: (-_finite(n["gain"]), -_finite(n["loss_alone"]), n["node"]))

    # Greedy: add the node that helps most until the target is reached, among the
    # nodes a converter can keep in float (all of them with all_nodes).
    pool = [c["node"] for c in cands if all_nodes or c["converter_can_keep_float"]]
    chosen: list[int] = []
    path = [{"float_nodes": [], "score": base}]
    current = base
    limit = len(pool) if max_nodes is None else min(len(pool), max_nodes)
    while current < target and len(chosen) < limit:
        rest = [n for n in pool if n not in chosen]
        trials = [sorted(chosen + [n]) for n in rest]
        evaluate(trials)
        best = max(rest, key=lambda n: (_finite(score(cache[set_key(sorted(chosen + [n]))], metric)), -n))
        chosen = sorted(chosen + [best])
        current = score(cache[set_key(chosen)], metric)
        path.append({"float_nodes": list(chosen), "added": best, "score": current})
        if log:
            log(f"greedy: + node {best} -> {metric} {current:.4g}")
    reached = current >= target
    by_id = {c["node"]: c for c in cands}
    kept = [by_id[n] for n in chosen]
    return {"format": FORMAT, "version": VERSION, "model": model, "float_model": float_model,
            "reference": "float model" if float_model else "float shadow", "metric": metric, "target": target,
            "float_weights": weights_from or "dequantized", "greedy_over": "all nodes" if all_nodes else
            "nodes a converter can keep in float (not tied to their input's parameters)",
            "samples": cache["none"]["samples"], "quantized": _both(cache["none"]),
            "all_float": _both(cache[set_key(every)]), "nodes": nodes,
            "ranking": [n["node"] for n in ranking],
            "greedy": {"float_nodes": chosen, "reached": reached, "score": current, "path": path},
            "denylist": denylist(kept, cands),
            "sets": {k: _both(v) for k, v in sorted(cache.items())}}


def _finite(v: float) -> float:
    if math.isnan(v):
        return -math.inf
    return v


def denylist(kept: list[dict], cands: list[dict]) -> dict:
    """TensorFlow's QuantizationDebugOptions arguments: the kept nodes by name (the
    output tensor names, as QuantizationDebugger's layer statistics name them) and
    the op types all of whose quantized nodes are kept."""
    ops = sorted({c["op"] for c in kept if all(k in kept for k in cands if k["op"] == c["op"])})
    return {"denylisted_nodes": [c["name"] for c in kept], "denylisted_ops": ops}


def ai_edge_quantizer_recipe(kept: list[dict]) -> list[dict]:
    """An ai-edge-quantizer recipe: its default int8 scheme (int8 activations,
    per-channel int8 weights, integer compute) for every op, then `no_quantize`
    for each kept node, named by its output tensor (regex anchored, escaped)."""
    recipe = [{"regex": ".*", "operation": "*", "algorithm_key": "min_max_uniform_quantize",
               "op_config": {"activation_tensor_config": {"num_bits": 8, "symmetric": False,
                                                          "granularity": "TENSORWISE", "dtype": "INT"},
                             "weight_tensor_config": {"num_bits": 8, "symmetric": True,
                                                      "granularity": "CHANNELWISE", "dtype": "INT"},
                             "compute_precision": "INTEGER", "explicit_dequantize": False, "skip_checks": False}}]
    for c in kept:
        recipe.append({"regex": "^" + re.escape(c["name"]) + "$", "operation": "*", "algorithm_key": "no_quantize"})
    return recipe


def write_outputs(report: dict, out_dir: str) -> list[Path]:
    """DIR/sensitivity.json, DIR/denylist.json, DIR/ai_edge_quantizer_recipe.json."""
    d = Path(out_dir)
    d.mkdir(parents=True, exist_ok=True)
    kept = [n for n in report["nodes"] if n["node"] in report["greedy"]["float_nodes"]]
    files = [d / "sensitivity.json", d / "denylist.json", d / "ai_edge_quantizer_recipe.json"]
    write_json(report, files[0])
    files[1].write_text(json.dumps(report["denylist"], indent=1) + "\n")
    files[2].write_text(json.dumps(ai_edge_quantizer_recipe(kept), indent=1) + "\n")
    return files


def write_json(report: dict, path) -> None:
    def clean(o):
        if isinstance(o, float) and (math.isinf(o) or math.isnan(o)):
            return None if math.isnan(o) else ("inf" if o > 0 else "-inf")
        if isinstance(o, dict):
            return {k: clean(v) for k, v in o.items()}
        if isinstance(o, list):
            return [clean(v) for v in o]
        return o

    Path(path).write_text(json.dumps(clean(report), indent=1) + "\n")


def format_table(report: dict) -> str:
    m = report["metric"]
    unit = "dB" if m == "sqnr" else ""
    lines = [f"{report['model']}: {report['samples']} samples, reference {report['reference']}, metric {m}, "
             f"float weights: {report['float_weights']}",
             f"  quantized: sqnr {report['quantized']['sqnr_db']:.2f} dB, top-1 {report['quantized']['top1_agreement']:.4f}"
             f"   all float: sqnr {report['all_float']['sqnr_db']:.2f} dB, top-1 {report['all_float']['top1_agreement']:.4f}",
             f"  {'rank':>4} {'node':>4} {'op':<22} {'float alone':>12} {'gain':>8} {'quant alone':>12}  tensor"]
    by_id = {n["node"]: n for n in report["nodes"]}
    key = "sqnr_db" if m == "sqnr" else "top1_agreement"
    for r, nid in enumerate(report["ranking"], 1):
        n = by_id[nid]
        op = n["op"] + ("" if n["converter_can_keep_float"] else " (tied)")
        lines.append(f"  {r:>4} {nid:>4} {op:<22} {n['float_alone'][key]:>12.4g} {n['gain']:>+8.3g} "
                     f"{n['quantized_alone'][key]:>12.4g}  {n['name'][:60]}")
    g = report["greedy"]
    if any(not n["converter_can_keep_float"] for n in report["nodes"]):
        lines.append("  (tied): same quantization as its input; the converter keeps it in float only with its neighbours")
    lines.append(f"  keep in float: [{', '.join(str(n) for n in g['float_nodes'])}] -> {m} {g['score']:.4g}{unit} "
                 f"({'reaches' if g['reached'] else 'does not reach'} target {report['target']:g}{unit})")
    return "\n".join(lines)
