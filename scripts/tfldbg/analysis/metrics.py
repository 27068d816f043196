"""Quantization error metrics (d = dequant(q) - f), mergeable over samples.

    stats = ErrorStats.of(dequantized, reference, q=raw, qmin=-128, qmax=127, scale=0.05)
    stats.merge(other)          # folds another sample in: the result equals one
    stats.metrics()             # computation over the concatenated data

num_elements, mean_error, stddev, max_abs_error, mean_squared_error (the names
QuantizationDebugger uses), rmse_over_scale (about 0.289 is ideal rounding
noise), sqnr_db = 20·log10(‖f‖/‖d‖), cosine_similarity of f and dequant(q), and
saturation_rate (share of elements at qmin or qmax). All sums in float64.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

METRICS = ("num_elements", "mean_error", "stddev", "max_abs_error", "mean_squared_error", "rmse_over_scale",
           "sqnr_db", "cosine_similarity", "saturation_rate")
# Direction of each metric: True when larger is worse.
LARGER_IS_WORSE = {"mean_error": True, "stddev": True, "max_abs_error": True, "mean_squared_error": True,
                   "rmse_over_scale": True, "sqnr_db": False, "cosine_similarity": False, "saturation_rate": True,
                   "num_elements": True}


@dataclass
class ErrorStats:
    """Sums over the elements of one tensor (or one channel), mergeable."""

    n: int = 0
    sum_d: float = 0.0
    sum_d2: float = 0.0
    max_abs: float = 0.0
    sum_f2: float = 0.0
    sum_q2: float = 0.0
    sum_fq: float = 0.0
    saturated: int = 0
    scale: float = float("nan")

    @classmethod
    def of(cls, deq: np.ndarray, ref: np.ndarray, q: np.ndarray | None = None, qmin: int | None = None,
           qmax: int | None = None, scale: float = float("nan")) -> "ErrorStats":
        a = np.asarray(deq, dtype=np.float64).ravel()
        f = np.asarray(ref, dtype=np.float64).ravel()
        if a.shape != f.shape:
            raise ValueError(f"shapes differ: {np.shape(deq)} vs {np.shape(ref)}")
        d = a - f
        saturated = 0
        if q is not None and qmin is not None:
            raw = np.asarray(q).ravel()
            saturated = int(np.count_nonzero((raw == qmin) | (raw == qmax)))
        # numpy's own (pairwise) sums, not np.dot: BLAS splits long dot products over its threads, so
        # their last bits depend on the thread count (a Ray worker runs with one: docs/ray.md).
        return cls(n=int(d.size), sum_d=float(d.sum()), sum_d2=float(np.sum(d * d)),
                   max_abs=float(np.abs(d).max()) if d.size else 0.0, sum_f2=float(np.sum(f * f)),
                   sum_q2=float(np.sum(a * a)), sum_fq=float(np.sum(f * a)), saturated=saturated, scale=float(scale))

    def merge(self, other: "ErrorStats") -> "ErrorStats":
        return ErrorStats(self.n + other.n, self.sum_d + other.sum_d, self.sum_d2 + other.sum_d2,
                          max(self.max_abs, other.max_abs), self.sum_f2 + other.sum_f2, self.sum_q2 + other.sum_q2,
                          self.sum_fq + other.sum_fq, self.saturated + other.saturated,
                          self.scale if not math.isnan(self.scale) else other.scale)

    def metrics(self) -> dict[str, float]:
        n = max(self.n, 1)
        mean = self.sum_d / n
        mse = self.sum_d2 / n
        if self.sum_d2 == 0:
            sqnr = float("inf")
        elif self.sum_f2 == 0:
            sqnr = float("-inf")
        else:
            sqnr = 10.0 * math.log10(self.sum_f2 / self.sum_d2)
        denom = math.sqrt(self.sum_f2 * self.sum_q2)
        return {
            "num_elements": self.n,
            "mean_error": mean,
            "stddev": math.sqrt(max(mse - mean * mean, 0.0)),
            "max_abs_error": self.max_abs,
            "mean_squared_error": mse,
            "rmse_over_scale": math.sqrt(mse) / self.scale if self.scale and not math.isnan(self.scale) else float("nan"),
            "sqnr_db": sqnr,
            "cosine_similarity": self.sum_fq / denom if denom > 0 else (1.0 if self.sum_d2 == 0 else 0.0),
            "saturation_rate": self.saturated / n,
        }


@dataclass
class ChannelStats:
    """ErrorStats per channel along one axis, as arrays (mergeable)."""

    axis: int
    n: np.ndarray
    sum_d2: np.ndarray
    sum_f2: np.ndarray
    max_abs: np.ndarray
    scale: np.ndarray

    @classmethod
    def of(cls, deq: np.ndarray, ref: np.ndarray, axis: int, scales) -> "ChannelStats":
        d = np.asarray(deq, dtype=np.float64) - np.asarray(ref, dtype=np.float64)
        f = np.asarray(ref, dtype=np.float64)
        others = tuple(i for i in range(d.ndim) if i != axis)
        per = d.shape[axis]
        scale = np.broadcast_to(np.asarray(scales, dtype=np.float64), (per,)).copy()
        return cls(axis, np.full(per, d.size // max(per, 1), dtype=np.int64), (d * d).sum(axis=others),
                   (f * f).sum(axis=others), np.abs(d).max(axis=others) if d.size else np.zeros(per), scale)

    def merge(self, other: "ChannelStats") -> "ChannelStats":
        return ChannelStats(self.axis, self.n + other.n, self.sum_d2 + other.sum_d2, self.sum_f2 + other.sum_f2,
                            np.maximum(self.max_abs, other.max_abs), self.scale)

    def rmse_over_scale(self) -> np.ndarray:
        return np.sqrt(self.sum_d2 / np.maximum(self.n, 1)) / self.scale

    def sqnr_db(self) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            return 10.0 * np.log10(self.sum_f2 / self.sum_d2)


@dataclass
class SampleSeries:
    """A metric's value per sample, for the mean over samples and the worst sample."""

    values: list[float] = field(default_factory=list)

    def summary(self, metric: str) -> dict:
        vals = np.asarray(self.values, dtype=np.float64)
        finite = vals[np.isfinite(vals)]
        worse = LARGER_IS_WORSE.get(metric, True)
        if vals.size == 0:
            return {"mean_over_samples": float("nan"), "worst_sample": None, "worst_value": float("nan")}
        order = np.argsort(-vals if worse else vals, kind="stable")
        worst = int(order[0])
        return {"mean_over_samples": float(finite.mean()) if finite.size else float(vals[0]),
                "worst_sample": worst, "worst_value": float(vals[worst])}
