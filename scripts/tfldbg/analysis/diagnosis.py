"""The likely cause of a bad layer's quantization error, with its evidence
(`quant-report`'s `diagnosis`; docs/quant-report.md).

Evidence is gathered while the replays are folded (`Evidence.add`, mergeable
over samples) and from the layer's weights (`weight_evidence`, once):

- range clipping: elements whose local float reference lies outside the output's
  representable range by more than half a step, and their share of the error;
- per-tensor weights with outlier channels: each output channel's max |w|
  against the median, and the weight error per-channel int8 weights would give,
  computed (from the float original's weights with `--float`/`--weights-from`,
  else estimated from the dequantized weights with the uniform-rounding model);
- a scale too coarse for the distribution: the histogram of the output's integer
  levels (how much of the range 99.8% of the values use);
- an int16 candidate: error at the rounding-noise level of an int8 scale (no
  clipping): int16 activations divide the step by 256 (about +48 dB).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tfldbg.formats.quant import TYPE_RANGE

LEVEL_BINS = 256
# Ops whose input 1 is a weight tensor and the axis of its output channels.
WEIGHT_AXIS = {"CONV_2D": 0, "FULLY_CONNECTED": 0, "DEPTHWISE_CONV_2D": 3, "CONV_3D": 4, "TRANSPOSE_CONV": 0}
BAD_SQNR_DB = 30.0     # a layer whose local SQNR is below this is diagnosed
WORST_ALWAYS = 3       # and the worst layers whatever their SQNR
INT16_GAIN_DB = 20.0 * math.log10(256.0)


@dataclass
class Evidence:
    """Per-layer sums over samples (merge by adding)."""

    qmin: int
    qmax: int
    n: int = 0
    clip_low: int = 0
    clip_high: int = 0
    clip_err2: float = 0.0
    err2: float = 0.0
    levels: np.ndarray = field(default_factory=lambda: np.zeros(LEVEL_BINS, dtype=np.int64))

    def add(self, q: np.ndarray, deq: np.ndarray, ref: np.ndarray, scale: float, zero_point: int) -> None:
        q = np.asarray(q).ravel().astype(np.int64)
        ref = np.asarray(ref, dtype=np.float64).ravel()
        d = np.asarray(deq, dtype=np.float64).ravel() - ref
        lo = (self.qmin - zero_point - 0.5) * scale
        hi = (self.qmax - zero_point + 0.5) * scale
        low, high = ref < lo, ref > hi
        self.n += q.size
        self.clip_low += int(np.count_nonzero(low))
        self.clip_high += int(np.count_nonzero(high))
        self.clip_err2 += float(np.sum(d[low | high] ** 2))
        self.err2 += float(np.sum(d * d))  # not np.dot: BLAS threads change its sum
        span = self.qmax - self.qmin + 1
        bins = ((q - self.qmin) * LEVEL_BINS // span).clip(0, LEVEL_BINS - 1)
        self.levels += np.bincount(bins, minlength=LEVEL_BINS)

    def merge(self, other: "Evidence") -> None:
        """Adds another's sums (one sample's, or a shard's): the same numbers as
        adding its samples here one by one."""
        self.n += other.n
        self.clip_low += other.clip_low
        self.clip_high += other.clip_high
        self.clip_err2 += other.clip_err2
        self.err2 += other.err2
        self.levels += other.levels

    def to_json(self) -> dict:
        total = max(int(self.levels.sum()), 1)
        cdf = np.cumsum(self.levels) / total
        lo_bin = int(np.searchsorted(cdf, 0.001))
        hi_bin = int(np.searchsorted(cdf, 0.999))
        span = self.qmax - self.qmin + 1
        per_bin = span / LEVEL_BINS
        return {"elements": self.n, "clipped_low": self.clip_low, "clipped_high": self.clip_high,
                "clipped_share_of_elements": (self.clip_low + self.clip_high) / max(self.n, 1),
                "clipped_share_of_error": self.clip_err2 / self.err2 if self.err2 > 0 else 0.0,
                "levels_used": int(np.count_nonzero(self.levels)) if per_bin == 1 else None,
                "level_histogram": {"bins": LEVEL_BINS, "qmin": self.qmin, "qmax": self.qmax,
                                    "counts": [int(c) for c in self.levels]},
                "central_998_levels": {"from": int(self.qmin + lo_bin * per_bin),
                                       "to": int(self.qmin + (hi_bin + 1) * per_bin - 1),
                                       "share_of_range": (hi_bin - lo_bin + 1) / LEVEL_BINS}}


def _channel_max(w: np.ndarray, axis: int) -> np.ndarray:
    return np.abs(np.moveaxis(w, axis, 0).reshape(w.shape[axis], -1)).max(axis=1)


def _per_channel_int8(w: np.ndarray, axis: int) -> np.ndarray:
    """Symmetric per-channel int8 quantization (scale = max|w_c| / 127), dequantized."""
    m = _channel_max(w, axis)
    s = np.where(m > 0, m / 127.0, 1.0)
    shape = [1] * w.ndim
    shape[axis] = -1
    s = s.reshape(shape)
    return np.clip(np.round(w / s), -127, 127) * s


def _db(signal: float, noise: float) -> float:
    if noise <= 0:
        return math.inf
    if signal <= 0:
        return -math.inf
    return 10.0 * math.log10(signal / noise)


def weight_evidence(op: str, w_q: np.ndarray, quantization: dict, w_deq: np.ndarray,
                    w_float: np.ndarray | None) -> dict | None:
    """The weights' side: per-tensor or per-channel, the channel ranges, and the
    weight error of per-tensor vs per-channel int8 (computed on the float
    original when given, else estimated)."""
    axis = WEIGHT_AXIS.get(op)
    if axis is None or w_deq.ndim <= axis or w_deq.shape[axis] < 2:
        return None
    per_channel = len(quantization["scale"]) > 1
    ref = w_float if w_float is not None and w_float.shape == w_deq.shape else None
    basis = ref if ref is not None else w_deq
    m = _channel_max(basis, axis)
    med = float(np.median(m))
    out = {"tensor_quantization": "per-channel" if per_channel else "per-tensor", "axis": axis,
           "channels": int(m.size), "channel_max_abs": [float(v) for v in m],
           "max_over_median": float(m.max() / med) if med > 0 else math.inf,
           "outlier_channels": [int(c) for c in np.argsort(-m)[:3] if med > 0 and m[c] > 4 * med],
           "from": "float weights" if ref is not None else "dequantized weights (uniform-rounding estimate)"}
    if per_channel:
        return out
    signal = float(np.sum(basis.astype(np.float64) ** 2))
    if ref is not None:
        err_tensor = float(np.sum((w_deq - ref) ** 2))
        err_channel = float(np.sum((_per_channel_int8(ref, axis) - ref) ** 2))
    else:
        scale = float(quantization["scale"][0])
        per = w_deq.size / m.size
        err_tensor = w_deq.size * scale ** 2 / 12.0
        err_channel = float(np.sum(per * (m / 127.0) ** 2 / 12.0))
    out.update({"median_channel_levels": med / float(quantization["scale"][0]) if quantization["scale"][0] else None,
                "weight_sqnr_db_per_tensor": _db(signal, err_tensor),
                "weight_sqnr_db_per_channel": _db(signal, err_channel),
                "weight_error_ratio_per_channel": err_channel / err_tensor if err_tensor > 0 else None})
    return out


def diagnose(layer: dict) -> list[dict]:
    """Likely causes of one layer's error (a report layer with `evidence`), most
    telling first; each {cause, text, evidence}."""
    ev = layer.get("evidence") or {}
    out_ev, w_ev = ev.get("output"), ev.get("weights")
    local = layer["local"]
    causes = []
    if out_ev:
        clip = out_ev["clipped_share_of_error"]
        if out_ev["clipped_share_of_elements"] > 1e-4 and clip > 0.1:
            causes.append({"cause": "range_clipping",
                           "text": f"range clipping: {out_ev['clipped_low'] + out_ev['clipped_high']} of "
                                   f"{out_ev['elements']} values outside the output's range "
                                   f"({out_ev['clipped_low']} below, {out_ev['clipped_high']} above) carry "
                                   f"{100 * clip:.0f}% of the error: calibrate on data covering this range",
                           "evidence": {k: out_ev[k] for k in ("clipped_low", "clipped_high",
                                                                "clipped_share_of_elements", "clipped_share_of_error")}})
    if w_ev and w_ev["tensor_quantization"] == "per-tensor" and w_ev.get("weight_error_ratio_per_channel") is not None:
        gain = w_ev["weight_sqnr_db_per_channel"] - w_ev["weight_sqnr_db_per_tensor"]
        if w_ev["max_over_median"] > 4 or gain > 6:
            which = (f"outlier channels {w_ev['outlier_channels']}" if w_ev["outlier_channels"]
                     else "uneven channel ranges")
            causes.append({"cause": "outlier_channels",
                           "text": f"per-tensor weights with {which}: the largest channel's max |w| is "
                                   f"{w_ev['max_over_median']:.1f}x the median channel's, which spans "
                                   f"{w_ev['median_channel_levels']:.0f} steps of the shared scale; per-channel int8 "
                                   f"weights give weight SQNR {w_ev['weight_sqnr_db_per_channel']:.1f} dB instead of "
                                   f"{w_ev['weight_sqnr_db_per_tensor']:.1f} dB ({gain:+.1f} dB, from {w_ev['from']})",
                           "evidence": {k: w_ev[k] for k in ("outlier_channels", "max_over_median", "median_channel_levels",
                                                             "weight_sqnr_db_per_tensor", "weight_sqnr_db_per_channel",
                                                             "weight_error_ratio_per_channel", "from")}})
    if out_ev:
        share = out_ev["central_998_levels"]["share_of_range"]
        if share < 0.15 and not any(c["cause"] == "range_clipping" for c in causes):
            c = out_ev["central_998_levels"]
            causes.append({"cause": "coarse_scale",
                           "text": f"scale too coarse for the distribution: 99.8% of the values use levels "
                                   f"{c['from']}..{c['to']} ({100 * share:.0f}% of the range); a tail or an outlier "
                                   f"stretched the range (see the level histogram)",
                           "evidence": {"central_998_levels": c}})
        rs = local["rmse_over_scale"]
        if layer["dtype"] in ("int8", "uint8") and isinstance(rs, float) and rs < 0.6 and \
                not any(c["cause"] == "range_clipping" for c in causes):
            sq = local["sqnr_db"]
            est = sq + INT16_GAIN_DB if isinstance(sq, float) else sq
            causes.append({"cause": "int16_candidate",
                           "text": f"rounding noise of the int8 scale (rmse {rs:.2f} steps, no clipping): int16 "
                                   f"activations (16x8) would give about {est:.1f} dB local SQNR instead of "
                                   f"{sq:.1f} dB",
                           "evidence": {"rmse_over_scale": rs, "local_sqnr_db": sq, "int16_estimate_db": est}})
    return causes


def bad_layers(layers: list[dict]) -> list[dict]:
    """The layers to diagnose: local SQNR below BAD_SQNR_DB, and the WORST_ALWAYS worst."""
    def sq(l):
        v = l["local"]["sqnr_db"]
        return v if isinstance(v, float) and not math.isnan(v) else math.inf

    worst = sorted(layers, key=sq)[:WORST_ALWAYS]
    chosen = {l["step"] for l in worst} | {l["step"] for l in layers if sq(l) < BAD_SQNR_DB}
    return sorted((l for l in layers if l["step"] in chosen), key=sq)


def report_diagnosis(layers: list[dict]) -> list[dict]:
    out = []
    for l in bad_layers(layers):
        out.append({"step": l["step"], "node": l["node"], "op": l["op"], "name": l["name"],
                    "local_sqnr_db": l["local"]["sqnr_db"], "causes": diagnose(l)})
    return out


def qrange(dtype: str) -> tuple[int, int]:
    return TYPE_RANGE[dtype]
