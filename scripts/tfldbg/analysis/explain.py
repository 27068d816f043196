"""`python -m tfldbg explain DUMP --step N [--index i,j,k,l] [--rounding double|single] [--json]`

Recomputes one quantized node of a dump in numpy integer arithmetic, the way
LiteRT's reference kernels (and tfldbg's) do: zero-point offsets, the int32 (or
int64 for int16x8) accumulator, the bias, the multiplier and shift derived from
the scales, each rounding, the output zero point and the clamp. Prints the
numbers for one output element and checks that the whole recomputed tensor
equals the dump. Ops: CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED, ADD, SUB,
MUL, AVERAGE_POOL_2D, MEAN, QUANTIZE (int8/uint8; int16x8 CONV_2D,
DEPTHWISE_CONV_2D, FULLY_CONNECTED).

Exit 0 when the tensor is reproduced exactly, 1 when it is not, 2 on bad input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from tfldbg.formats.dump import Dump, Step
from tfldbg.formats.reading import InputError, printable
from tfldbg.formats.quant import INT32_MAX, INT32_MIN, TYPE_RANGE

OPS = ("CONV_2D", "DEPTHWISE_CONV_2D", "FULLY_CONNECTED", "ADD", "SUB", "MUL", "AVERAGE_POOL_2D", "MEAN", "QUANTIZE")


class ExplainError(ValueError):
    """The step cannot be explained (bad input); the message is one line."""


# --- fixed-point primitives (vectorised, int64 carriers) --------------------------------------

def wrap32(x):
    """Two's-complement int32 wrap of an int64 array (C's wrapping arithmetic)."""
    x = np.asarray(x, dtype=np.int64)
    return ((x + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


def quantize_multiplier(real: float, mode: str) -> tuple[int, int]:
    """(multiplier, shift) with real = multiplier · 2^(shift − 31), as TFLite's QuantizeMultiplier."""
    if real == 0.0 or not math.isfinite(real):
        return 0, 0
    fraction, exponent = math.frexp(real)
    q = int(round_half_away(fraction * float(1 << 31)))
    if q == (1 << 31):
        q //= 2
        exponent += 1
    if exponent < -31:
        return 0, 0
    if mode == "single" and exponent > 30:
        exponent, q = 30, (1 << 31) - 1
    return q, exponent


def round_half_away(v):
    """std::round: halves away from zero (numpy's round goes to even)."""
    v = np.asarray(v, dtype=np.float64)
    out = np.sign(v) * np.floor(np.abs(v) + 0.5)
    return float(out) if out.ndim == 0 else out


def srdhm(a, b):
    """SaturatingRoundingDoublingHighMul(a, b) on int32 values."""
    a = np.asarray(a, dtype=np.int64)
    p = a * np.int64(b)
    nudge = np.where(p >= 0, 1 << 30, 1 - (1 << 30))
    s = p + nudge
    q = np.where(s >= 0, s >> 31, -((-s) >> 31))  # division truncating toward zero
    return np.where((a == INT32_MIN) & (b == INT32_MIN), INT32_MAX, q)


def rdbpot(x, exponent: int):
    """RoundingDivideByPOT: x / 2^exponent, halves away from zero."""
    x = np.asarray(x, dtype=np.int64)
    if exponent <= 0:
        return x
    exponent = min(exponent, 31)
    mask = (1 << exponent) - 1
    remainder = x & mask
    threshold = (mask >> 1) + (x < 0)
    return (x >> exponent) + (remainder > threshold)


def rdbpot_half_up(x, exponent: int):
    """The shift of LiteRT's optimized GEMM output stage: x / 2^exponent, ties toward +inf."""
    x = np.asarray(x, dtype=np.int64)
    if exponent <= 0:
        return x
    exponent = min(exponent, 31)
    return (x + (1 << (exponent - 1))) >> exponent


def single_round(x, m: int, shift: int):
    """TFLITE_SINGLE_ROUNDING: (x·m + 2^(t−1)) >> t, t = 31 − shift."""
    t = min(max(31 - shift, 1), 63)
    return wrap32((np.asarray(x, dtype=np.int64) * np.int64(m) + (1 << (t - 1))) >> t)


def mbqm(x, m: int, shift: int, mode: str):
    """MultiplyByQuantizedMultiplier for int32 x."""
    if mode == "single":
        return single_round(x, m, shift)
    left = max(shift, 0)
    right = min(31, -shift) if shift <= 0 else 0
    shifted = wrap32(np.asarray(x, dtype=np.int64) << left) if left < 32 else np.zeros_like(x)
    if mode == "double-half-up":
        return rdbpot_half_up(srdhm(shifted, m), right)
    return rdbpot(srdhm(shifted, m), right)


def mbqm_smaller(x, m: int, shift: int, mode: str):
    """MultiplyByQuantizedMultiplierSmallerThanOneExp."""
    if mode == "single":
        return single_round(x, m, shift)
    return rdbpot(srdhm(x, m), min(31, -shift))


def mbqm_greater(x, m: int, shift: int, mode: str):
    """MultiplyByQuantizedMultiplierGreaterThanOne."""
    if mode == "single":
        return single_round(x, m, shift)
    return srdhm(wrap32(np.asarray(x, dtype=np.int64) << shift), m)


def mbqm64(x, m: int, shift: int, mode: str):
    """MultiplyByQuantizedMultiplier for an int64 accumulator (int16x8)."""
    x = np.asarray(x, dtype=object)  # exact products beyond 64 bits
    if mode == "single":
        t = min(max(31 - shift, 1), 120)
        out = (x * m + (1 << (t - 1))) >> t
    else:
        reduced = (m + (1 << 15)) >> 16 if m < 0x7FFF0000 else 0x7FFF
        t = min(max(15 - shift, 1), 63)
        out = (x * reduced + (1 << (t - 1))) >> t
    return wrap32(np.asarray(out, dtype=np.int64) if np.ndim(out) else np.int64(out))


def activation_range(activation: str, scale: float, zero_point: int, dtype: str) -> tuple[int, int]:
    """QuantizedActivationRange: zero point + round(f / scale) with a float division."""
    lo, hi = TYPE_RANGE[dtype]

    def q(f: float) -> int:
        return zero_point + int(round_half_away(np.float32(f) / np.float32(scale)))

    if activation == "RELU":
        return max(lo, q(0.0)), hi
    if activation == "RELU6":
        return max(lo, q(0.0)), min(hi, q(6.0))
    if activation == "RELU_N1_TO_1":
        return max(lo, q(-1.0)), min(hi, q(1.0))
    if activation in ("NONE", None):
        return lo, hi
    raise ExplainError(f"fused activation {activation} is not explained")


# --- the walk-through ------------------------------------------------------------------------

@dataclass
class Explanation:
    step: int
    op: str
    rounding: str
    index: tuple[int, ...]
    lines: list[tuple[str, str]] = field(default_factory=list)  # (what, number)
    recomputed: np.ndarray | None = None
    dumped: np.ndarray | None = None

    def add(self, what: str, value) -> None:
        self.lines.append((what, str(value)))

    @property
    def differing(self) -> int:
        return int(np.count_nonzero(self.recomputed != self.dumped))

    def first_difference(self) -> tuple[int, ...] | None:
        idx = np.argwhere(self.recomputed != self.dumped)
        return tuple(int(i) for i in idx[0]) if len(idx) else None

    def text(self) -> str:
        head = f"step {self.step} {self.op}, rounding {self.rounding}, output element {list(self.index)}"
        width = max((len(w) for w, _ in self.lines), default=0)
        body = [f"  {w.ljust(width)}  {v}" for w, v in self.lines]
        n = self.dumped.size
        if self.differing == 0:
            tail = f"whole tensor: {n} of {n} elements equal the dump"
        else:
            tail = (f"whole tensor: {self.differing} of {n} elements DIFFER from the dump; first at "
                    f"{list(self.first_difference())}: recomputed {self.recomputed[self.first_difference()]}, "
                    f"dump {self.dumped[self.first_difference()]}")
        return "\n".join([head, *body, tail])

    def to_json(self) -> dict:
        return {"step": self.step, "op": self.op, "rounding": self.rounding, "index": list(self.index),
                "steps": [{"what": w, "value": v} for w, v in self.lines], "elements": int(self.dumped.size),
                "differing": self.differing,
                "first_difference": None if self.differing == 0 else list(self.first_difference())}


def rounding_for(dump: Dump, op: str, override: str | None, kernels: str | None = None) -> str:
    """The requantization rounding of `op` in the dump (or as `override` / `kernels` say): "double", "single", or
    "double-half-up" (LiteRT's optimized CONV_2D / FULLY_CONNECTED, docs/deployment.md)."""
    mode = override or dump.manifest["run"].get("rounding", "litert")
    kernels = kernels or dump.manifest["run"].get("kernels", "reference")
    if mode == "litert":  # what the pinned LiteRT computes: double rounding, except the ops the op table marks
        from tfldbg.backends.engine import op_table

        entry = op_table().get(op)
        facts = entry["facts"] if entry else {}
        if kernels == "optimized" and facts.get("optimized_rounds_half_up"):
            return "double-half-up"
        return "single" if facts.get("rounds_once_under_litert") else "double"
    if mode not in ("double", "single"):
        raise ExplainError(f"unknown rounding {mode!r}")
    return mode


def _q(slot) -> tuple[np.ndarray, np.ndarray]:
    q = slot.tensor.quantization
    if not q:
        raise ExplainError(f"tensor {slot.tensor.index} '{slot.tensor.name}' is not quantized")
    return np.asarray(q["scale"], dtype=np.float32), np.asarray(q["zero_point"], dtype=np.int64)


def _value(slot, what: str) -> np.ndarray:
    if slot is None or slot.tensor is None:
        raise ExplainError(f"the {what} is absent")
    if slot.file is None:
        raise ExplainError(f"the dump did not store the {what} (tensor {slot.tensor.index}); dump without --no-constants "
                           "or filters")
    return slot.value


def _pick_index(out: np.ndarray, acc: np.ndarray | None, index: tuple[int, ...] | None) -> tuple[int, ...]:
    if index is not None:
        if len(index) != out.ndim or any(not 0 <= i < d for i, d in zip(index, out.shape)):
            raise ExplainError(f"--index {list(index)} is outside the output's shape {list(out.shape)}")
        return index
    if acc is not None and acc.size:
        return tuple(int(i) for i in np.unravel_index(int(np.argmax(np.abs(acc))), acc.shape))
    return tuple([0] * out.ndim)


MAX_WINDOW = 1 << 16  # strides, dilations and filter sizes an option may give (each); larger is refused


def _int_option(o: dict, key: str, default: int) -> int:
    v = o.get(key, default)
    if type(v) is not int or not 1 <= v <= MAX_WINDOW:
        raise ExplainError(f"option {printable(key)} is {printable(repr(v))[:40]}: expected an integer in [1, {MAX_WINDOW}]")
    return v


def _padding_option(o: dict) -> str:
    v = o.get("padding", "SAME")
    if v not in ("SAME", "VALID"):
        raise ExplainError(f"option padding is {printable(repr(v))[:40]}: expected SAME or VALID")
    return v


def _rank(value: np.ndarray, rank: int, what: str) -> None:
    if value.ndim != rank:
        raise ExplainError(f"the {what} has rank {value.ndim} (shape {list(value.shape)}); expected {rank}")


def _padding(padding: str, size: int, k: int, stride: int, dilation: int) -> tuple[int, int]:
    eff = (k - 1) * dilation + 1
    out = (size + stride - 1) // stride if padding == "SAME" else (size + stride - eff) // stride
    total = (out - 1) * stride + eff - size
    return out, max(total // 2, 0)


def _conv_acc(x, w, o, depthwise: bool, io: int, fo: int, wide: bool):
    """Accumulator of offset products per output element, taps outside the image skipped
    (as padding the input with its zero point: those taps contribute 0)."""
    _rank(x, 4, "input")
    _rank(w, 4, "filter")
    n, h, wd, cin = x.shape
    kh, kw = w.shape[1], w.shape[2]
    sh, sw = _int_option(o, "stride_h", 1), _int_option(o, "stride_w", 1)
    dh, dw = _int_option(o, "dilation_h_factor", 1), _int_option(o, "dilation_w_factor", 1)
    oh, pad_t = _padding(_padding_option(o), h, kh, sh, dh)
    ow, pad_l = _padding(_padding_option(o), wd, kw, sw, dw)
    if oh < 0 or ow < 0:
        raise ExplainError(f"the filter ({kh}x{kw}, dilation {dh}x{dw}) is larger than the input ({h}x{wd})")
    padded_size = n * (h + 2 * (kh * dh + sh)) * (wd + 2 * (kw * dw + sw)) * cin
    if padded_size > max(64 * x.size, 1 << 24):  # the walk pads the input; options must not ask for an unbounded pad
        raise ExplainError(f"the options (stride {sh}x{sw}, dilation {dh}x{dw}) ask for a padded input of "
                           f"{padded_size} elements, far beyond the input's {x.size}")
    xs = x.astype(np.int64) + io
    padded = np.zeros((n, h + 2 * (kh * dh + sh), wd + 2 * (kw * dw + sw), cin), dtype=np.int64)
    oy0, ox0 = kh * dh + sh, kw * dw + sw
    padded[:, oy0:oy0 + h, ox0:ox0 + wd, :] = xs
    ws = w.astype(np.int64) + fo
    cout = w.shape[3] if depthwise else w.shape[0]
    acc = np.zeros((n, oh, ow, cout), dtype=np.int64)
    taps = np.zeros((oh, ow), dtype=np.int64)
    for fy in range(kh):
        for fx in range(kw):
            ys = oy0 - pad_t + fy * dh + np.arange(oh) * sh
            xs_ = ox0 - pad_l + fx * dw + np.arange(ow) * sw
            patch = padded[:, ys][:, :, xs_]  # n, oh, ow, cin
            inside_y = (ys - oy0 >= 0) & (ys - oy0 < h)
            inside_x = (xs_ - ox0 >= 0) & (xs_ - ox0 < wd)
            taps += np.outer(inside_y, inside_x)
            if depthwise:
                m = cout // cin
                acc += np.repeat(patch, m, axis=3) * ws[0, fy, fx, :]
            else:
                groups = cin // w.shape[3]
                per = cout // groups
                for g in range(groups):
                    sl = patch[..., g * w.shape[3]:(g + 1) * w.shape[3]]
                    acc[..., g * per:(g + 1) * per] += np.einsum("nhwc,oc->nhwo", sl, ws[g * per:(g + 1) * per, fy, fx, :])
    return (acc if wide else wrap32(acc)), taps


def _requant_channels(acc, bias, s_in, s_w, s_out, zp_out, act, out_dtype, mode, float_product, wide, ex: Explanation,
                      idx, channel_axis_size, half_up_channels: int = 0):
    """bias, per-channel multiplier, rounding, zero point, clamp: the common tail of CONV/DW/FC.
    half_up_channels: channels [0, n) round the shift's ties up (LiteRT's optimized int8 DEPTHWISE_CONV_2D)."""
    channels = channel_axis_size
    scales = np.broadcast_to(s_w, (channels,)) if s_w.size == 1 else s_w
    reals, mults = [], []
    for c in range(channels):
        if float_product:
            real = float(np.float32(np.float32(s_in) * np.float32(scales[c]))) / float(s_out)
        else:
            real = float(s_in) * float(scales[c]) / float(s_out)
        reals.append(real)
        mults.append(quantize_multiplier(real, mode))
    c = idx[-1]
    total = acc + (bias.astype(np.int64) if bias is not None else 0)
    if not wide:
        total = wrap32(total)
    ex.add("accumulator", int(acc[idx]))
    if bias is not None:
        ex.add(f"+ bias[{c}]", f"{int(bias[c])} -> {int(total[idx])}")
    ex.add("effective scale s_in·s_w/s_out", f"{float(s_in):.9g} · {float(scales[c]):.9g} / {float(s_out):.9g} = {reals[c]:.9g}"
           + (" (s_in·s_w in float32, as LiteRT's uint8 path)" if float_product else ""))
    m, sh = mults[c]
    ex.add("QuantizeMultiplier", f"multiplier {m} (= {m / 2**31:.9f}), shift {sh}: {m} · 2^({sh} - 31)")
    scaled = np.zeros_like(total)
    for ch in range(channels):
        mm, ss = mults[ch]
        sel = total[..., ch]
        ch_mode = "double-half-up" if ch < half_up_channels else mode
        scaled[..., ch] = mbqm64(sel, mm, ss, ch_mode) if wide else mbqm(sel, mm, ss, ch_mode)
    if half_up_channels:
        ex.add("LiteRT's optimized DEPTHWISE_CONV_2D",
               f"channels 0..{half_up_channels - 1} (whole blocks of 8, its vector code) round the shift's ties up, "
               f"the other {channels - half_up_channels} as the reference; channel {c} "
               + ("rounds ties up" if c < half_up_channels else "as the reference"))
        if c < half_up_channels:
            mode = "double-half-up"
    x = int(total[idx])
    if wide:
        ex.add(f"{mode} rounding of the int64 accumulator", f"{x} -> {int(scaled[idx])}")
    elif mode in ("double", "double-half-up"):
        left = max(sh, 0)
        hi = int(srdhm(wrap32(np.int64(x) << left), m))
        ex.add("SaturatingRoundingDoublingHighMul" + (f"(x·2^{left}, m)" if left else "(x, m)"), hi)
        shift = min(31, -sh) if sh <= 0 else 0
        if mode == "double":
            ex.add(f"RoundingDivideByPOT(., {shift})", int(scaled[idx]))
        else:
            ex.add(f"rounding shift right by {shift}, ties up (LiteRT's optimized output stage)", int(scaled[idx]))
    else:
        ex.add(f"single rounding (x·m + 2^{30 - sh}) >> {31 - sh}", int(scaled[idx]))
    lo, hi = activation_range(act, float(np.float32(s_out)), int(zp_out), out_dtype)
    with_zp = wrap32(scaled + zp_out)
    ex.add(f"+ output zero point {int(zp_out)}", int(with_zp[idx]))
    out = np.clip(with_zp, lo, hi)
    ex.add(f"clamp to [{lo}, {hi}] ({act or 'NONE'})", int(out[idx]))
    return out


def explain_conv(step: Step, mode: str, index, depthwise: bool, kernels: str = "reference") -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    x, w = _value(step.inputs[0], "input"), _value(step.inputs[1], "filter")
    bias = _value(step.inputs[2], "bias") if len(step.inputs) > 2 and step.inputs[2].tensor is not None else None
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    if dtype not in ("int8", "uint8", "int16"):
        raise ExplainError(f"step {step.step} {step.op} is {dtype}; explain covers quantized nodes")
    s_in, z_in = _q(step.inputs[0])
    s_w, z_w = _q(step.inputs[1])
    s_out, z_out = _q(out_slot)
    wide = dtype == "int16"
    io = -int(z_in[0])
    fo = -int(z_w[0]) if step.inputs[1].tensor.dtype == "uint8" else 0
    acc, taps = _conv_acc(x, w, step.options, depthwise, io, fo, wide)
    idx = _pick_index(dumped, acc, index)
    ex.index = idx
    ex.add("input zero point -> offset", f"{int(z_in[0])} -> {io:+d}")
    ex.add("filter zero point -> offset", f"{int(z_w[0]) if z_w.size == 1 else 'per channel, all 0'} -> {fo:+d}")
    kh, kw = w.shape[1], w.shape[2]
    per_tap = w.shape[3] if not depthwise else 1
    ex.add("taps inside the image", f"{int(taps[idx[1], idx[2]])} of {kh * kw} (filter {kh}x{kw}), {per_tap} input channel(s) each")
    ex.add("accumulator = Σ (w + filter offset)·(x + input offset)", "int64" if wide else "int32, wrapping")
    half_up = (acc.shape[-1] // 8 * 8 if depthwise and kernels == "optimized" and mode == "double" and
               step.inputs[0].tensor.dtype == "int8" else 0)
    out = _requant_channels(acc, bias, s_in[0], s_w, s_out[0], z_out[0], step.options.get("fused_activation_function"),
                            dtype, mode, step.inputs[0].tensor.dtype == "uint8", wide, ex, idx, acc.shape[-1], half_up)
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out.astype(np.int64), dumped.astype(np.int64)
    return ex


def explain_fc(step: Step, mode: str, index) -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    x, w = _value(step.inputs[0], "input"), _value(step.inputs[1], "weights")
    bias = _value(step.inputs[2], "bias") if len(step.inputs) > 2 and step.inputs[2].tensor is not None else None
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    if dtype not in ("int8", "uint8", "int16") or step.inputs[0].tensor.dtype != dtype:
        raise ExplainError(f"step {step.step} FULLY_CONNECTED is {step.inputs[0].tensor.dtype} -> {dtype}; explain covers "
                           "quantized nodes (not hybrid)")
    s_in, z_in = _q(step.inputs[0])
    s_w, z_w = _q(step.inputs[1])
    s_out, z_out = _q(out_slot)
    wide = dtype == "int16"
    units, depth = w.shape
    rows = x.reshape(-1, depth).astype(np.int64) - int(z_in[0])
    ws = w.astype(np.int64) - (int(z_w[0]) if step.inputs[1].tensor.dtype == "uint8" else 0)
    acc = rows @ ws.T
    acc = acc if wide else wrap32(acc)
    acc_shaped = acc.reshape(dumped.shape)
    idx = _pick_index(dumped, acc_shaped, index)
    ex.index = idx
    ex.add("input zero point -> offset", f"{int(z_in[0])} -> {-int(z_in[0]):+d}")
    ex.add("accumulator = Σ_d (w[u,d] + filter offset)·(x[d] + input offset)", f"depth {depth}, unit {idx[-1]}")
    out = _requant_channels(acc_shaped, bias, s_in[0], s_w, s_out[0], z_out[0], step.options.get("fused_activation_function"),
                            dtype, mode, False, wide, ex, idx, units)
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out.astype(np.int64), dumped.astype(np.int64)
    return ex


def _broadcast_pair(step: Step):
    a, b = _value(step.inputs[0], "input 1"), _value(step.inputs[1], "input 2")
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    if dtype not in ("int8", "uint8", "int16"):
        raise ExplainError(f"step {step.step} {step.op} is {dtype}; explain covers quantized nodes")
    return np.broadcast_arrays(a.astype(np.int64), b.astype(np.int64)), out_slot, dumped, dtype


def explain_add(step: Step, mode: str, index, kernels: str = "reference") -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    (a, b), out_slot, dumped, dtype = _broadcast_pair(step)
    (s1, z1), (s2, z2), (so, zo) = _q(step.inputs[0]), _q(step.inputs[1]), _q(out_slot)
    s1, s2, so = np.float32(s1[0]), np.float32(s2[0]), np.float32(so[0])
    if dtype == "int16" and step.options.get("pot_scale_int16", True) and all(
            math.frexp(float(s))[0] == 0.5 for s in (s1, s2, so)):
        raise ExplainError("the int16 power-of-two ADD/SUB path is not explained")
    left = 15 if dtype == "int16" else 20
    twice_max = np.float32(2 * max(s1, s2))
    m1 = quantize_multiplier(float(s1) / float(twice_max), mode)
    m2 = quantize_multiplier(float(s2) / float(twice_max), mode)
    real_out = float(twice_max) / float(np.float32(np.float32(1 << left) * so))
    mo = quantize_multiplier(real_out, mode)
    sh1 = wrap32((a - int(z1[0])) << left)
    sh2 = wrap32((b - int(z2[0])) << left)
    x1, x2 = mbqm_smaller(sh1, *m1, mode), mbqm_smaller(sh2, *m2, mode)
    raw = x1 - x2 if step.op == "SUB" else x1 + x2
    scaled = mbqm_greater(raw, *mo, mode) if mo[1] > 0 else mbqm_smaller(raw, *mo, mode)
    with_zp = wrap32(scaled + int(zo[0]))
    lo, hi = activation_range(step.options.get("fused_activation_function"), float(so), int(zo[0]), dtype)
    out = np.clip(with_zp, lo, hi)
    idx = _pick_index(dumped, None, index)
    ex.index = idx
    ex.add("inputs q1, q2", f"{int(a[idx])}, {int(b[idx])} (zero points {int(z1[0])}, {int(z2[0])})")
    ex.add(f"centred and shifted left by {left}", f"{int(sh1[idx])}, {int(sh2[idx])}")
    ex.add("common scale 2·max(s1, s2) (float)", f"{float(twice_max):.9g}")
    ex.add("input multipliers s_i / (2·max)", f"{m1[0]}·2^({m1[1]}-31), {m2[0]}·2^({m2[1]}-31)")
    ex.add("each rescaled (MultiplyByQuantizedMultiplierSmallerThanOneExp)", f"{int(x1[idx])}, {int(x2[idx])}")
    ex.add("difference" if step.op == "SUB" else "sum", int(raw[idx]))
    ex.add(f"output multiplier 2·max/(2^{left}·s_out) = {real_out:.9g}", f"{mo[0]}·2^({mo[1]}-31) -> {int(scaled[idx])}")
    ex.add(f"+ output zero point {int(zo[0])}", int(with_zp[idx]))
    ex.add(f"clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    if kernels == "optimized" and step.op == "ADD" and dtype in ("int8", "uint8") and mode == "double":
        out = _explain_add_optimized(step, ex, a, b, out_slot, dumped, dtype, left, m1, m2, mo, z1, z2, zo, lo, hi, out)
    ex.recomputed, ex.dumped = out, dumped.astype(np.int64)
    return ex


def optimized_add_paths(shape1, shape2, int8: bool) -> tuple[str, int, int]:
    """LiteRT's optimized 8-bit ADD (docs/deployment.md): (path, run, block). The output in runs of `run`
    elements; inside each run the first run // block · block elements go through its vector `path`
    ("folded": the shift folded into the pre-shift; "floor": SRDHM, then a flooring shift), the rest through
    the reference arithmetic; path "reference" everywhere for a broadcast its fivefold pattern cannot
    express. As runtime/kernels/elementwise/optimized_add.h."""
    rank = max(len(shape1), len(shape2))
    s0 = [1] * (rank - len(shape1)) + list(shape1)
    s1 = [1] * (rank - len(shape2)) + list(shape2)
    if s0 == s1:
        return ("folded", int(np.prod(s0)), 16) if int8 else ("floor", int(np.prod(s0)), 8)
    first_fast = None
    for i in range(rank - 1, -1, -1):
        if s0[i] == s1[i]:
            continue
        if s0[i] == 1:
            first_fast = True
        elif s1[i] == 1:
            first_fast = False
        break
    if first_fast is None:
        return "reference", 0, 1
    a, b = (s0, s1) if first_fast else (s1, s0)
    y = [1] * 5
    i = rank - 1
    for slot, test, src in ((4, "eq", b), (3, "a1", b), (2, "eq", a), (1, "b1", a), (0, "eq", b)):
        while i >= 0 and ((a[i] == b[i]) if test == "eq" else (a[i] == 1) if test == "a1" else (b[i] == 1)):
            y[slot] *= src[i]
            i -= 1
    if i >= 0:
        return "reference", 0, 1
    if y[4] > 1:
        return ("folded", y[4], 16) if int8 else ("floor", y[4], 8)
    return "floor", y[3], 8


def _floor_shift(x, shift: int):
    """vshl by a negative amount: an arithmetic right shift (flooring); a plain left shift otherwise."""
    x = np.asarray(x, dtype=np.int64)
    return wrap32(x << shift) if shift >= 0 else x >> min(-shift, 31)


def _explain_add_optimized(step: Step, ex: Explanation, a, b, out_slot, dumped, dtype, left, m1, m2, mo, z1, z2, zo,
                           lo, hi, reference_out):
    """LiteRT's optimized 8-bit ADD: each element through the path its kernel takes (optimized_add_paths)."""
    path, run, block = optimized_add_paths(list(_value(step.inputs[0], "input 1").shape),
                                           list(_value(step.inputs[1], "input 2").shape), dtype == "int8")
    flat = np.arange(dumped.size).reshape(dumped.shape)
    in_block = (flat % run) < (run // block * block) if run else np.zeros(dumped.shape, bool)
    c1, c2 = a - int(z1[0]), b - int(z2[0])
    if path == "folded":
        x1 = srdhm(_floor_shift(c1, left + m1[1]), m1[0])
        x2 = srdhm(_floor_shift(c2, left + m2[1]), m2[0])
    else:
        x1 = _floor_shift(srdhm(wrap32(c1 << left), m1[0]), m1[1])
        x2 = _floor_shift(srdhm(wrap32(c2 << left), m2[0]), m2[1])
    scaled = mbqm_smaller(wrap32(x1 + x2), *mo, "double")
    narrowed = ((scaled + (1 << 15)) & 0xFFFF) - (1 << 15)  # vmovn: truncated to int16
    with_zp = ((narrowed + int(zo[0]) + (1 << 15)) & 0xFFFF) - (1 << 15)  # + zero point in int16, wrapping
    info = np.iinfo(dtype)
    vec = np.clip(np.clip(with_zp, info.min, info.max), lo, hi)
    out = np.where(in_block, vec, reference_out)
    idx = ex.index
    if path == "reference" or not in_block[idx]:
        where = ("a broadcast LiteRT's fivefold pattern cannot express: its reference kernel" if path == "reference"
                 else f"element {int(flat[idx]) % run} of a run of {run}, past its blocks of {block}: the scalar loop")
        ex.lines.insert(0, ("LiteRT's optimized ADD", where + " (the arithmetic below)"))
    else:
        name = ("AddElementwiseInt8's blocks of 16" if path == "folded" else
                "AddScalarBroadcast's blocks of 8" if run != dumped.size or dtype == "int8" else
                "AddElementwise's (uint8) blocks of 8")
        ex.lines = [("LiteRT's optimized ADD", f"{name} (runs of {run} output elements)"),
                    ("inputs q1, q2", f"{int(a[idx])}, {int(b[idx])} (zero points {int(z1[0])}, {int(z2[0])})")]
        if path == "folded":
            ex.add(f"centred, shifted by {left} + each input's shift (folded, flooring)",
                   f"{int(_floor_shift(c1, left + m1[1])[idx])}, {int(_floor_shift(c2, left + m2[1])[idx])}")
            ex.add("SaturatingRoundingDoublingHighMul by each input multiplier", f"{int(x1[idx])}, {int(x2[idx])}")
        else:
            ex.add(f"centred and shifted left by {left}", f"{int(wrap32(c1 << left)[idx])}, {int(wrap32(c2 << left)[idx])}")
            ex.add("SaturatingRoundingDoublingHighMul, then a flooring shift by each input's shift "
                   f"({m1[1]}, {m2[1]})", f"{int(x1[idx])}, {int(x2[idx])}")
        ex.add("sum", int(wrap32(x1 + x2)[idx]))
        ex.add(f"output multiplier {mo[0]}·2^({mo[1]}-31), double rounding", int(scaled[idx]))
        ex.add(f"narrowed to int16, + output zero point {int(zo[0])} (int16, wrapping)", int(with_zp[idx]))
        ex.add(f"saturated to {dtype}, clamp to [{lo}, {hi}]", int(vec[idx]))
        ex.add("the dump holds", int(dumped[idx]))
    return out


def optimized_mul_paths(shape1, shape2, int8: bool) -> tuple[str, int, int, bool]:
    """LiteRT's optimized 8-bit MUL: (path, run, block, truncating). The runs of optimized_add_paths: MulElementwise
    for the whole tensor and the y4 runs, MulSimpleBroadcast for the y3 runs; int8 blocks of 16, uint8 of 8; uint8
    MulSimpleBroadcast narrows to int16 by truncation, the others saturate."""
    kind, run, _ = optimized_add_paths(shape1, shape2, True)  # int8 ADD: "folded" = elementwise, "floor" = scalar
    if kind == "reference":
        return "reference", 0, 1, False
    return "vector", run, 16 if int8 else 8, (not int8) and kind == "floor"


def explain_mul(step: Step, mode: str, index, kernels: str = "reference") -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    (a, b), out_slot, dumped, dtype = _broadcast_pair(step)
    (s1, z1), (s2, z2), (so, zo) = _q(step.inputs[0]), _q(step.inputs[1]), _q(out_slot)
    real = np.float32(np.float32(s1[0]) * np.float32(s2[0]) / np.float32(so[0]))
    m = quantize_multiplier(float(real), mode)
    product = wrap32((a - int(z1[0])) * (b - int(z2[0])))
    scaled = mbqm(product, *m, mode)
    with_zp = wrap32(scaled + int(zo[0]))
    lo, hi = activation_range(step.options.get("fused_activation_function"), float(so[0]), int(zo[0]), dtype)
    out = np.clip(with_zp, lo, hi)
    idx = _pick_index(dumped, product, index)
    ex.index = idx
    ex.add("(q1 − z1)·(q2 − z2)", f"({int(a[idx])} − {int(z1[0])})·({int(b[idx])} − {int(z2[0])}) = {int(product[idx])}")
    ex.add("multiplier s1·s2/s_out (float)", f"{float(real):.9g} -> {m[0]}·2^({m[1]}-31)")
    ex.add(f"{mode} rounding", int(scaled[idx]))
    ex.add(f"+ output zero point {int(zo[0])}", int(with_zp[idx]))
    ex.add(f"clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    if kernels == "optimized" and dtype in ("int8", "uint8") and mode == "double":
        path, run, block, truncating = optimized_mul_paths(list(_value(step.inputs[0], "input 1").shape),
                                                           list(_value(step.inputs[1], "input 2").shape), dtype == "int8")
        flat = np.arange(dumped.size).reshape(dumped.shape)
        in_block = (flat % run) < (run // block * block) if path != "reference" else np.zeros(dumped.shape, bool)
        n16 = (((scaled + (1 << 15)) & 0xFFFF) - (1 << 15)) if truncating else np.clip(scaled, -32768, 32767)
        v16 = ((n16 + int(zo[0]) + (1 << 15)) & 0xFFFF) - (1 << 15)
        info = np.iinfo(dtype)
        vec = np.clip(np.clip(v16, info.min, info.max), lo, hi)
        out = np.where(in_block, vec, out)
        if in_block[idx]:
            ex.lines.insert(0, ("LiteRT's optimized MUL", f"its vector blocks of {block} (runs of {run} output elements)"))
            ex.lines.insert(-1, ("narrowed to int16 " + ("(truncating)" if truncating else "(saturating)") +
                                 f", + output zero point in int16 (wrapping), saturated to {dtype}, clamped",
                                 int(vec[idx])))
        else:
            ex.lines.insert(0, ("LiteRT's optimized MUL", "its reference kernel / scalar loop for this element"))
    ex.recomputed, ex.dumped = out, dumped.astype(np.int64)
    return ex


def explain_avg_pool(step: Step, mode: str, index) -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    x = _value(step.inputs[0], "input").astype(np.int64)
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    if dtype not in ("int8", "uint8", "int16"):
        raise ExplainError(f"step {step.step} AVERAGE_POOL_2D is {dtype}; explain covers quantized nodes")
    o = step.options
    _rank(x, 4, "input")
    n, h, w, c = x.shape
    fh, fw = _int_option(o, "filter_height", 1), _int_option(o, "filter_width", 1)
    sh, sw = _int_option(o, "stride_h", 1), _int_option(o, "stride_w", 1)
    oh, pt = _padding(_padding_option(o), h, fh, sh, 1)
    ow, pl = _padding(_padding_option(o), w, fw, sw, 1)
    if oh < 0 or ow < 0:
        raise ExplainError(f"the window ({fh}x{fw}) is larger than the input ({h}x{w})")
    sums = np.zeros((n, oh, ow, c), dtype=np.int64)
    counts = np.zeros((oh, ow), dtype=np.int64)
    for oy in range(oh):
        y0, y1 = max(oy * sh - pt, 0), min(oy * sh - pt + fh, h)
        for ox in range(ow):
            x0, x1 = max(ox * sw - pl, 0), min(ox * sw - pl + fw, w)
            sums[:, oy, ox, :] = x[:, y0:y1, x0:x1, :].sum(axis=(1, 2))
            counts[oy, ox] = max(y1 - y0, 0) * max(x1 - x0, 0)
    cnt = counts[None, :, :, None]
    half = cnt // 2
    # (sum ± count/2) / count in C: division truncating toward zero.
    num = np.where(sums > 0, sums + half, sums - half)
    avg = np.sign(num) * (np.abs(num) // cnt)
    s_out, z_out = _q(out_slot)
    lo, hi = activation_range(o.get("fused_activation_function"), float(s_out[0]), int(z_out[0]), dtype)
    out = np.clip(avg, lo, hi)
    idx = _pick_index(dumped, sums, index)
    ex.index = idx
    ex.add("window", f"{fh}x{fw}, stride {sh}x{sw}, {int(counts[idx[1], idx[2]])} elements inside the image")
    ex.add("sum of the raw integers (no zero point: input and output share it)", int(sums[idx]))
    ex.add("(sum ± count/2) / count, truncating", int(avg[idx]))
    ex.add(f"clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out, dumped.astype(np.int64)
    return ex


def explain_mean(step: Step, mode: str, index) -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    x = _value(step.inputs[0], "input").astype(np.int64)
    axes = np.atleast_1d(_value(step.inputs[1], "axes")).astype(np.int64)
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    if dtype not in ("int8", "uint8", "int16"):
        raise ExplainError(f"step {step.step} MEAN is {dtype}; explain covers quantized nodes")
    axes = tuple(sorted({int(a) % x.ndim for a in axes}))
    count = int(np.prod([x.shape[a] for a in axes])) if axes else 1
    sums = wrap32(x.sum(axis=axes))
    (s_in, z_in), (s_out, z_out) = _q(step.inputs[0]), _q(out_slot)
    base = quantize_multiplier(float(s_in[0]) / float(s_out[0]), mode)
    k = min(max(count.bit_length() - 1, 0), 32, 31 + base[1])
    k = max(k, 0)
    m = ((base[0] << k) // count, base[1] - k)
    offset = wrap32(np.int64(int(z_in[0]) * count))
    centred = wrap32(sums - offset)
    scaled = mbqm(centred, *m, mode)
    with_zp = wrap32(scaled + int(z_out[0]))
    lo, hi = TYPE_RANGE[dtype]
    out = np.clip(with_zp, lo, hi).reshape(dumped.shape)
    sums_o, centred_o, scaled_o = (v.reshape(dumped.shape) for v in (sums, centred, scaled))
    idx = _pick_index(dumped, centred_o, index)
    ex.index = idx
    ex.add(f"sum over axes {list(axes)} ({count} elements)", int(sums_o[idx]))
    ex.add(f"− N·zero point ({count}·{int(z_in[0])})", int(centred_o[idx]))
    ex.add("s_in/s_out", f"{float(s_in[0]) / float(s_out[0]):.9g} -> {base[0]}·2^({base[1]}-31)")
    ex.add(f"1/N folded in with {k} bits", f"{m[0]}·2^({m[1]}-31)")
    ex.add(f"{mode} rounding", int(scaled_o[idx]))
    ex.add(f"+ output zero point {int(z_out[0])}", int(with_zp.reshape(dumped.shape)[idx]))
    ex.add(f"clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out, dumped.astype(np.int64)
    return ex


def optimized_mean_applies(step: Step) -> bool:
    """LiteRT's optimized MEAN takes an int8/uint8 4-D keep_dims MEAN whose axes resolve to {1, 2}."""
    x = step.inputs[0].tensor
    if x is None or x.dtype not in ("int8", "uint8") or not step.options.get("keep_dims", False):
        return False
    value = _value(step.inputs[0], "input")
    if value.ndim != 4 or value.size == 0:
        return False
    axes = {int(a) % 4 for a in np.atleast_1d(_value(step.inputs[1], "axes"))}
    return axes == {1, 2}


def explain_mean_optimized(step: Step, index) -> Explanation:
    """LiteRT's optimized MEAN over height and width (docs/deployment.md): the raw sum times a multiplier
    quantizing the float32 s_in/(N·s_out), a float bias, channels in whole blocks of 16 rounding ties up."""
    ex = Explanation(step.step, step.op, "optimized", ())
    x = _value(step.inputs[0], "input").astype(np.int64)
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    (s_in, z_in), (s_out, z_out) = _q(step.inputs[0]), _q(out_slot)
    s_in, s_out = np.float32(s_in[0]), np.float32(s_out[0])
    count = np.float32(x.shape[1] * x.shape[2])
    real = np.float32(s_in / np.float32(count * s_out))
    m, sh = quantize_multiplier(float(real), "double")
    zp_term = np.float32(np.float32(np.float32(int(z_in[0])) * s_in) / s_out)
    zp_term = np.float32(zp_term + np.float32(0.5)) if zp_term > 0 else np.float32(zp_term - np.float32(0.5))
    bias = int(z_out[0]) - int(np.clip(zp_term, -2147483520.0, 2147483520.0)) if np.isfinite(zp_term) else int(z_out[0])
    sums = wrap32(x.sum(axis=(1, 2), keepdims=True))
    depth = x.shape[3]
    vector = depth // 16 * 16
    scaled = np.concatenate([mbqm(sums[..., c:c + 1], m, sh, "double-half-up" if c < vector else "double")
                             for c in range(depth)], axis=-1) if depth else sums
    with_zp = wrap32(scaled + bias)
    lo, hi = TYPE_RANGE[dtype]
    out = np.clip(with_zp, lo, hi).reshape(dumped.shape)
    idx = _pick_index(dumped, sums.reshape(dumped.shape), index)
    ex.index = idx
    c = idx[-1]
    ex.add("LiteRT's optimized MEAN", f"channels 0..{vector - 1} (whole blocks of 16) round the shift's ties up, the "
           f"other {depth - vector} away from zero; channel {c} " + ("ties up" if c < vector else "away from zero")
           if vector else f"all {depth} channels in its scalar loop (ties away from zero)")
    ex.add(f"sum of the raw values over height and width ({int(count)} elements)", int(sums.reshape(dumped.shape)[idx]))
    ex.add("s_in/(N·s_out) in float32", f"{float(real):.9g} -> {m}·2^({sh}-31)")
    ex.add("bias z_out − round(z_in·s_in/s_out) (float, halves away from zero)", bias)
    ex.add("double rounding" + (", shift ties up" if c < vector else ""), int(scaled.reshape(dumped.shape)[idx]))
    ex.add("+ bias", int(with_zp.reshape(dumped.shape)[idx]))
    ex.add(f"clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out.astype(np.int64), dumped.astype(np.int64)
    return ex


def _quantize_optimized_float(x, s: float, z: int, lo: int, hi: int):
    """LiteRT's optimized float QUANTIZE (per-tensor): blocks of 8 as x·float(1/s) rounded half to even
    (INT32_MIN out of range), the last n % 8 as round(x / s) in double. Returns (out, in_block, value)."""
    flat = x.reshape(-1)
    n = flat.size
    in_block = np.arange(n) < n // 8 * 8
    reverse = np.float32(1.0 / float(np.float32(s)))
    with np.errstate(all="ignore"):
        v = (flat * reverse).astype(np.float32)
        vec = np.where((v >= -2147483648.0) & (v < 2147483648.0), np.rint(np.nan_to_num(v)), -2147483648.0)
        q = round_half_away(flat.astype(np.float64) / float(np.float32(s)))
        q = np.atleast_1d(q)
        tail = np.where((q >= -2147483648.0) & (q < 2147483648.0), np.nan_to_num(q), -2147483648.0)
    rounded = np.where(in_block, vec, tail).astype(np.int64)
    out = np.clip(wrap32(rounded + z), lo, hi)
    value = np.where(in_block, v.astype(np.float64), flat.astype(np.float64) / float(np.float32(s)))
    return out.reshape(x.shape), in_block.reshape(x.shape), value.reshape(x.shape), rounded.reshape(x.shape)


def explain_quantize(step: Step, mode: str, index, kernels: str = "reference") -> Explanation:
    ex = Explanation(step.step, step.op, mode, ())
    x = _value(step.inputs[0], "input")
    out_slot = step.outputs[0]
    dumped = _value(out_slot, "output")
    dtype = out_slot.tensor.dtype
    s_out, z_out = _q(out_slot)
    lo, hi = TYPE_RANGE[dtype]
    if x.dtype == np.float32 and kernels == "optimized" and s_out.size == 1:
        out, in_block, value, rounded = _quantize_optimized_float(x, float(s_out[0]), int(z_out[0]), lo, hi)
        idx = _pick_index(dumped, None, index)
        ex.index = idx
        ex.add("x", f"{float(x[idx]):.9g}")
        if in_block[idx]:
            ex.add("LiteRT's optimized QUANTIZE", f"element in its blocks of 8 ({x.size // 8 * 8} of {x.size})")
            ex.add(f"x · float(1/scale) (float32, 1/scale = {float(np.float32(1.0 / float(s_out[0]))):.9g})",
                   f"{float(value[idx]):.9g}")
            ex.add("round half to even (_mm_cvtps_epi32)", int(rounded[idx]))
        else:
            ex.add("LiteRT's optimized QUANTIZE", f"element in its scalar tail (the last {x.size % 8})")
            ex.add(f"x / scale (double, scale {float(s_out[0]):.9g})", f"{float(value[idx]):.17g}")
            ex.add("round half away from zero", int(rounded[idx]))
        ex.add(f"+ zero point {int(z_out[0])}, clamp to [{lo}, {hi}]", int(out[idx]))
    elif x.dtype == np.float32:
        if s_out.size > 1:
            axis = out_slot.tensor.quantization["quantized_dimension"]
            shape = [1] * x.ndim
            shape[axis] = -1
            s, z = s_out.reshape(shape), z_out.reshape(shape)
        else:
            s, z = s_out[0], z_out[0]
        quotient = (x / s).astype(np.float32)  # a float division, as LiteRT
        rounded = round_half_away(quotient)
        out = np.clip(wrap32(rounded.astype(np.int64) + z), lo, hi)
        idx = _pick_index(dumped, None, index)
        ex.index = idx
        zz = z if np.ndim(z) == 0 else np.broadcast_to(z, x.shape)[idx]
        ss = s if np.ndim(s) == 0 else np.broadcast_to(s, x.shape)[idx]
        ex.add("x", f"{float(x[idx]):.9g}")
        ex.add(f"x / scale (float32, scale {float(ss):.9g})", f"{float(quotient[idx]):.9g}")
        ex.add("round half away from zero", int(rounded[idx]))
        ex.add(f"+ zero point {int(zz)}, clamp to [{lo}, {hi}]", int(out[idx]))
    else:
        s_in, z_in = _q(step.inputs[0])
        m = quantize_multiplier(float(s_in[0]) / float(s_out[0]), mode)
        centred = x.astype(np.int64) - int(z_in[0])
        scaled = mbqm(centred, *m, mode)
        eight_bit = x.dtype in (np.int8, np.uint8) and dtype in ("int8", "uint8")
        if kernels == "optimized" and mode == "double" and eight_bit:
            # LiteRT's optimized Requantize: whole blocks of 16 round the shift's ties up.
            blocks = np.arange(x.size).reshape(x.shape) < x.size // 16 * 16
            scaled = np.where(blocks, mbqm(centred, *m, "double-half-up"), scaled)
            ex.add("LiteRT's optimized requantization", f"elements 0..{x.size // 16 * 16 - 1} (blocks of 16) round the "
                   "shift's ties up, the rest as the reference")
        out = np.clip(wrap32(scaled + int(z_out[0])), lo, hi)
        idx = _pick_index(dumped, None, index)
        ex.index = idx
        ex.add("q − input zero point", f"{int(x[idx])} − {int(z_in[0])} = {int(centred[idx])}")
        ex.add("s_in/s_out", f"{float(s_in[0]) / float(s_out[0]):.9g} -> {m[0]}·2^({m[1]}-31)")
        ex.add(f"{mode} rounding", int(scaled[idx]))
        ex.add(f"+ output zero point {int(z_out[0])}, clamp to [{lo}, {hi}]", int(out[idx]))
    ex.add("the dump holds", int(dumped[idx]))
    ex.recomputed, ex.dumped = out.astype(np.int64), dumped.astype(np.int64)
    return ex


def explain(dump: Dump, step_number: int, index: tuple[int, ...] | None = None, rounding: str | None = None,
            kernels: str | None = None) -> Explanation:
    step = next((s for s in dump.steps if s.step == step_number), None)
    if step is None:
        raise ExplainError(f"the dump has no step {step_number} (steps {dump.steps[0].step}..{dump.steps[-1].step})"
                           if dump.steps else "the dump has no steps")
    if step.op not in OPS:
        raise ExplainError(f"step {step_number} is {step.op}; explain covers {', '.join(OPS)}")
    if not step.outputs or step.outputs[0].tensor is None:
        raise ExplainError(f"step {step_number} has no output")
    mode = rounding_for(dump, step.op, rounding, kernels)
    # The recomputation trusts the dump's shapes, options and quantization to fit the
    # operator; in a dump that lies about them, whatever breaks is named in one line.
    try:
        with np.errstate(all="ignore"):
            return _explain_op(step, mode, index, kernels or dump.manifest["run"].get("kernels", "reference"))
    except (InputError, ExplainError):
        raise
    except (IndexError, ValueError, TypeError, KeyError, ZeroDivisionError, OverflowError, AttributeError) as e:
        raise ExplainError(f"step {step_number} {step.op}: the dump's values, shapes or options do not fit the "
                           f"operator ({type(e).__name__}: {printable(e)[:160]})") from None


def _explain_op(step: Step, mode: str, index, kernels: str = "reference") -> Explanation:
    if step.op in ("CONV_2D", "DEPTHWISE_CONV_2D"):
        return explain_conv(step, mode, index, step.op == "DEPTHWISE_CONV_2D", kernels)
    if step.op == "FULLY_CONNECTED":
        return explain_fc(step, mode, index)
    if step.op in ("ADD", "SUB"):
        return explain_add(step, mode, index, kernels)
    if step.op == "MUL":
        return explain_mul(step, mode, index, kernels)
    if step.op == "AVERAGE_POOL_2D":
        return explain_avg_pool(step, mode, index)
    if step.op == "MEAN":
        if kernels == "optimized" and mode == "double" and optimized_mean_applies(step):
            return explain_mean_optimized(step, index)
        return explain_mean(step, mode, index)
    return explain_quantize(step, mode, index, kernels)
