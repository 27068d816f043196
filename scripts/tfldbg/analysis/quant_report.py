"""`python -m tfldbg quant-report`: per-layer quantization error of a quantized model.
from tfldbg.analysis import diagnosis as diag

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

import json
import math
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from tfldbg.analysis import diagnosis as diag
from tfldbg.analysis.metrics import LARGER_IS_WORSE, METRICS, ChannelStats, ErrorStats, SampleSeries
from tfldbg.backends.engine import run_tool
from tfldbg.formats.dump import Dump, load_dump
from tfldbg.formats.quant import TYPE_RANGE, dequantize
from tfldbg.formats.reading import printable, stays_inside

FORMAT, VERSION = "tfldbg-quant-report", 1
HIST_EDGES = np.linspace(-3.0, 3.0, 61)  # local error in LSB (d / scale), clipped to +-3


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
    evidence: diag.Evidence | None = None   # output levels and clipping (per-tensor outputs)
    weights: dict | None = None             # weight evidence, from the first sample

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
                                              "counts": [int(c) for c in self.histogram]},
                "evidence": {"output": None if self.evidence is None else self.evidence.to_json(),
                             "weights": self.weights}}


def _reference_value(dump: Dump, step_index: int, slot: int, like: np.ndarray, part: Path) -> np.ndarray:
    """A reference's value of the quantized step's output, which must be stored with
    the quantized output's shape (the parts of one replay run the same steps)."""
    step = dump.steps[step_index]
    if slot >= len(step.outputs) or step.outputs[slot].file is None:
        raise ValueError(f"{printable(part)}: step {step.step} ({step.op}) has no stored output {slot}")
    value = step.outputs[slot].value
    if value.shape != like.shape:
        raise ValueError(f"{printable(part)}: step {step.step} ({step.op}) output {slot} has shape {list(value.shape)}, "
                         f"the quantized run's has {list(like.shape)}")
    return value


@dataclass
class LayerSample:
    """One layer's contribution of one sample: what fold_replay adds to its Layer.
    Picklable, so a Ray task can return it (tfldbg.distributed)."""

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
    local: tuple[ErrorStats, ChannelStats]
    accumulated: tuple[ErrorStats, ChannelStats]
    histogram: np.ndarray
    evidence: diag.Evidence | None = None  # this sample's alone (per-tensor outputs)
    weights: dict | None = None            # the weight evidence (when asked for: weights do not change per sample)


@dataclass
class FloatSample:
    """One layer's comparison with the separate float model on one sample."""

    quant_step: int
    float_name: str
    stats: ErrorStats
    channels: ChannelStats


def replay_records(replay_dir: Path, float_weights: dict | None = None, with_weights: bool = True) -> list[LayerSample]:
    """One replay (one sample) as per-layer records. The parts are directories
    inside `replay_dir` (no links), each read as a dump. `with_weights` adds each
    layer's weight evidence (the first sample of a run or shard); `float_weights`
    (name -> array, the float original's constants) sharpens it."""
    parts = [stays_inside(replay_dir, part) for part in ("quant", "local", "accumulated")]
    quant, local, acc = (load_dump(part) for part in parts)
    if [(s.step, s.node, s.op) for s in quant.steps] != [(s.step, s.node, s.op) for s in local.steps]:
        raise ValueError(f"{replay_dir}: quant and local have different steps")
    if len(acc.steps) != len(quant.steps):
        raise ValueError(f"{replay_dir}: quant and accumulated have different steps")
    records = []
    for i, step in enumerate(quant.steps):
        if not step.outputs:
            continue
        out = step.outputs[0]
        t = out.tensor
        if t is None or out.file is None or not t.quantization or t.dtype not in TYPE_RANGE:
            continue
        q = t.quantization
        per_channel = len(q["scale"]) > 1
        axis = int(q["quantized_dimension"] if per_channel else (len(t.shape) - 1 if t.shape else 0))
        scale = float(np.median(q["scale"]))
        raw = out.value
        deq = dequantize(raw, q)
        qmin, qmax = TYPE_RANGE[t.dtype]
        scales = q["scale"] if per_channel else [q["scale"][0]]
        sides = []
        for ref_dump, part in ((local, parts[1]), (acc, parts[2])):
            ref = _reference_value(ref_dump, i, 0, raw, part).astype(np.float64)
            stats = ErrorStats.of(deq, ref, q=raw, qmin=qmin, qmax=qmax, scale=scale)
            channels = ChannelStats.of(deq, ref, axis if deq.ndim else 0, scales) if deq.ndim else \
                ChannelStats.of(deq.reshape(1), ref.reshape(1), 0, scales[:1])
            sides.append((stats, channels))
        local_ref = _reference_value(local, i, 0, raw, parts[1]).astype(np.float64)
        lsb = (deq - local_ref) / scale
        histogram = np.histogram(np.clip(lsb, HIST_EDGES[0], HIST_EDGES[-1]), bins=HIST_EDGES)[0]
        evidence = None
        if not per_channel:
            evidence = diag.Evidence(qmin, qmax)
            evidence.add(raw, deq, local_ref, float(q["scale"][0]), int(q["zero_point"][0]))
        weights = None
        if with_weights and step.op in diag.WEIGHT_AXIS and len(step.inputs) > 1:
            w = step.inputs[1]
            wt = w.tensor
            if wt is not None and w.file is not None and wt.quantization and wt.dtype in TYPE_RANGE:
                wq = w.value
                flt = (float_weights or {}).get(wt.name)
                weights = diag.weight_evidence(step.op, wq, wt.quantization, dequantize(wq, wt.quantization),
                                               None if flt is None else np.asarray(flt, dtype=np.float64))
        records.append(LayerSample(step.step, step.subgraph, step.node, step.op, t.index, t.name, t.dtype, scale,
                                   axis, per_channel, sides[0], sides[1], histogram, evidence, weights))
    return records


def apply_replay(layers: dict[int, Layer], records: list[LayerSample]) -> None:
    """Adds one sample's records to the per-layer accumulators (the first sample
    that has a layer creates it)."""
    for r in records:
        layer = layers.get(r.step)
        if layer is None:
            layer = Layer(r.step, r.subgraph, r.node, r.op, r.tensor, r.name, r.dtype, r.scale, r.axis, r.per_channel)
            layers[r.step] = layer
        layer.local.add(*r.local)
        layer.accumulated.add(*r.accumulated)
        layer.histogram += r.histogram
        if r.evidence is not None:
            if layer.evidence is None:
                layer.evidence = diag.Evidence(r.evidence.qmin, r.evidence.qmax)
            layer.evidence.merge(r.evidence)
        if layer.weights is None and r.weights is not None:
            layer.weights = r.weights


def fold_replay(layers: dict[int, Layer], replay_dir: Path, float_weights: dict | None = None) -> None:
    """Adds one replay (one sample) to the per-layer accumulators."""
    apply_replay(layers, replay_records(replay_dir, float_weights))


def float_model_records(quant_dir: Path, float_dir: Path, alignment) -> list[FloatSample]:
    """One sample's comparison with a separate float model (aligned tensors whose
    quantized side has a stored, quantized output; apply_float_model keeps those of known layers)."""
    quant, flt = load_dump(quant_dir), load_dump(float_dir)
    values = {}
    for step in flt.steps:
        for slot in step.inputs + step.outputs:
            if slot.tensor is not None and slot.file is not None and slot.tensor.index not in values:
                values[slot.tensor.index] = slot
    by_step = {s.step: s for s in quant.steps}
    records = []
    for pair in alignment.pairs:
        step = by_step.get(pair.quant_step)
        if step is None or not step.outputs or pair.float_tensor not in values:
            continue
        out = step.outputs[0]
        if out.tensor is None or out.file is None or not out.tensor.quantization or out.tensor.dtype not in TYPE_RANGE:
            continue
        ref = values[pair.float_tensor].value.astype(np.float64)
        deq = dequantize(out.value, out.tensor.quantization)
        if ref.shape != deq.shape:
            continue
        q = out.tensor.quantization
        qmin, qmax = TYPE_RANGE[out.tensor.dtype]
        per_channel = len(q["scale"]) > 1
        axis = int(q["quantized_dimension"] if per_channel else (len(out.tensor.shape) - 1 if out.tensor.shape else 0))
        scale = float(np.median(q["scale"]))
        scales = q["scale"] if per_channel else [q["scale"][0]]
        stats = ErrorStats.of(deq, ref, q=out.value, qmin=qmin, qmax=qmax, scale=scale)
        channels = ChannelStats.of(deq, ref, axis, scales) if deq.ndim else \
            ChannelStats.of(deq.reshape(1), ref.reshape(1), 0, scales[:1])
        records.append(FloatSample(pair.quant_step, pair.float_name, stats, channels))
    return records


def apply_float_model(layers: dict[int, Layer], records: list[FloatSample]) -> None:
    for r in records:
        layer = layers.get(r.quant_step)
        if layer is None:
            continue
        if layer.float_model is None:
            layer.float_model = Side()
            layer.float_tensor = r.float_name
        layer.float_model.add(r.stats, r.channels)


def fold_float_model(layers: dict[int, Layer], quant_dir: Path, float_dir: Path, alignment) -> None:
    """Adds one sample's comparison with a separate float model (aligned tensors only)."""
    apply_float_model(layers, float_model_records(quant_dir, float_dir, alignment))


def sample_records(model: str, samples: list[list[str]], weights_from: str | None, rounding: str | None,
                   float_model: str | None = None):
    """Runs `tfldbg replay` once per sample (args for its inputs), yielding each
    sample's (layer records, float-model records) and discarding its files; with
    `float_model`, also dumps the float model on the same input and compares aligned tensors."""
    alignment = None
    if float_model:
        from tfldbg.analysis.align import align_paths

        alignment = align_paths(model, float_model)
    with tempfile.TemporaryDirectory(prefix="tfldbg-quant-report-") as tmp:
        float_weights = None
        original = weights_from or float_model
        if original and samples:
            float_weights = float_constants(original, Path(tmp) / "constants")
        for k, input_args in enumerate(samples):
            out = Path(tmp) / f"r{k}"
            extra = ["--weights-from", weights_from] if weights_from else []
            extra += ["--rounding", rounding] if rounding else []
            run_tool("replay", model, "--out", str(out), *input_args, *extra)
            records = replay_records(out, float_weights, with_weights=k == 0)
            floats = []
            if alignment is not None:
                run_tool("dump", float_model, "--out", str(out / "float"), *input_args)
                floats = float_model_records(out / "quant", out / "float", alignment)
            shutil.rmtree(out)
            yield records, floats


def run_replays(model: str, samples: list[list[str]], weights_from: str | None, rounding: str | None,
                layers: dict[int, Layer], float_model: str | None = None) -> None:
    """Runs `tfldbg replay` once per sample (args for its inputs), folding and discarding each;
    with `float_model`, also dumps the float model on the same input and compares aligned tensors."""
    for records, floats in sample_records(model, samples, weights_from, rounding, float_model):
        apply_replay(layers, records)
        apply_float_model(layers, floats)


def shard_records(samples: list[list[str]], model: str, weights_from: str | None, rounding: str | None,
                  float_model: str | None) -> list:
    """The partial of a Ray shard (tfldbg.distributed): every sample's records, in order."""
    return list(sample_records(model, samples, weights_from, rounding, float_model))


def merge_records(parts: list[list]) -> dict[int, Layer]:
    """Folds the shards' per-sample records in sample order, exactly as run_replays does."""
    layers: dict[int, Layer] = {}
    for part in parts:
        for records, floats in part:
            apply_replay(layers, records)
            apply_float_model(layers, floats)
    return layers


def float_constants(model: str, out: Path) -> dict:
    """The float32 constants of a float model by name (a dump of one run on seeded
    inputs: the constants do not depend on them, and the float model's inputs may
    have other types than the quantized model's)."""
    run_tool("dump", model, "--out", str(out), "--seed", "0")
    dump = load_dump(out)
    found = {}
    for step in dump.steps:
        for slot in step.inputs:
            t = slot.tensor
            if t is not None and t.kind == "constant" and t.dtype == "float32" and slot.file is not None:
                found.setdefault(t.name, slot.value)
    shutil.rmtree(out)
    return found


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
    out = [layers[k].to_json() for k in sorted(layers)]
    return {"format": FORMAT, "version": VERSION, "model": model, "samples": samples, "sort": sort,
            "layers": out, "diagnosis": diag.report_diagnosis(out)}


def sorted_layers(report: dict, side: str = "local") -> list[dict]:
    metric = report["sort"]
    worse = LARGER_IS_WORSE[metric]

    def key(layer):
        v = layer[side][metric]
        return -v if worse else v

    return sorted(report["layers"], key=lambda l: (key(l) if not math.isnan(l[side][report["sort"]]) else math.inf))


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
