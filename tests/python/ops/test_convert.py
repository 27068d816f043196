"""QUANTIZE, DEQUANTIZE, CAST: swept against LiteRT's reference kernels (integers bit for bit), with
the refusals LiteRT makes too.

From the former test_ops_elementwise.py, test_ops_sweep.py, test_ops_tensor.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.testing.opmodel import OpModelBuilder


QUANT_CASES = [("float32", "int8"), ("float32", "uint8"), ("float32", "int16"), ("int8", "int8"), ("uint8", "int8"),
               ("int8", "uint8"), ("int16", "int16")]


rng = np.random.default_rng(20261122)


def wide_floats(shape, scale=6.0):
    """Floats over [-scale, scale] with a few exact zeros and extremes."""
    x = rng.uniform(-scale, scale, shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[: min(3, flat.size)] = [0.0, scale, -scale][: min(3, flat.size)]
    return x


def quantize_inputs(scale: float, shape):
    """Exact rounding ties, values far outside the type, and random values."""
    ties = (np.arange(-40, 40) + 0.5).astype(np.float32) * np.float32(scale)
    extremes = np.array([0.0, -0.0, 1e9, -1e9, 3.0e4, -3.0e4], np.float32)
    rest = rng.uniform(-200 * scale, 200 * scale, int(np.prod(shape)) - ties.size - extremes.size).astype(np.float32)
    return np.concatenate([ties, extremes, rest]).reshape(shape)


REQUANT = [("int8", 0.02, -3, "int8", 0.05, 10), ("int8", 0.02, 5, "uint8", 0.02, 133),   # the exact 128 shift
           ("uint8", 0.02, 133, "int8", 0.02, 5), ("uint8", 0.1, 128, "uint8", 0.01, 100),
           ("uint8", 0.1, 120, "int8", 0.3, -7), ("int8", 0.05, 1, "int16", 0.0003, 0),
           ("int16", 0.0003, 0, "int8", 0.02, -2), ("int16", 0.0003, 0, "int16", 0.0011, 0),
           ("int8", 0.02, 0, "int8", 0.0001, 0), ("uint8", 0.02, 130, "int16", 0.0005, 0),
           ("int16", 1.52590219e-05, -32768, "int32", 3.05185094e-05, 0),  # TFLM's keyword model ends so
           ("int16", 0.0003, 5, "int32", 0.00001, -7)]


def values(dtype: str, shape) -> np.ndarray:
    if dtype == "float32":
        return (rng.standard_normal(shape) * 40).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -300), min(info.max, 300) + 1, shape).astype(dtype)


CAST_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]


@pytest.mark.parametrize("src,dst", QUANT_CASES, ids=[f"{s}-to-{d}" for s, d in QUANT_CASES])
def test_quantize_and_dequantize(tmp_path, src, dst):
    b = OpModelBuilder()
    qs = {} if src == "float32" else {"scale": 0.02, "zero_point": 0 if src == "int16" else (130 if src == "uint8" else 2)}
    qd = {"scale": 0.013 if dst != "int16" else 0.0004, "zero_point": 0 if dst == "int16" else (120 if dst == "uint8" else -4)}
    x = b.input("x", src, [3, 17], **qs)
    q = b.tensor("q", dst, [3, 17], **qd)
    y = b.output("y", "float32", [3, 17])
    b.op("QUANTIZE", [x], [q])
    b.op("DEQUANTIZE", [q], [y], version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("dtype,scale,zp", [("int8", 0.02, -3), ("int8", 0.1, 0), ("uint8", 0.013, 128), ("uint8", 0.05, 7),
                                             ("int16", 0.0004, 0), ("int16", 1 / 3, 0)])
def test_quantize_from_float(tmp_path, dtype, scale, zp):
    b = OpModelBuilder()
    shape = [4, 50]
    x = b.input("x", "float32", shape)
    y = b.output("y", dtype, shape, scale=scale, zero_point=zp)
    b.op("QUANTIZE", [x], [y], version=2)
    check(b, tmp_path, {0: quantize_inputs(scale, shape)})


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
def test_quantize_per_channel(tmp_path, dtype):
    b = OpModelBuilder()
    shape = [3, 4, 5]
    scales = [0.01, 0.03, 0.2, 0.07]
    zps = {"int8": [0, -4, 10, 3], "uint8": [128, 100, 3, 250], "int16": [0, 0, 0, 0]}[dtype]
    x = b.input("x", "float32", shape)
    y = b.output("y", dtype, shape, scale=scales, zero_point=zps, quantized_dimension=1)
    b.op("QUANTIZE", [x], [y], version=2)
    check(b, tmp_path, {0: wide_floats(shape, 5.0)})


@pytest.mark.parametrize("src,s_in,z_in,dst,s_out,z_out", REQUANT, ids=[f"{r[0]}-to-{r[3]}-{i}" for i, r in enumerate(REQUANT)])
def test_requantize(tmp_path, src, s_in, z_in, dst, s_out, z_out):
    b = OpModelBuilder()
    x = b.input("x", src, [6, 43], scale=s_in, zero_point=z_in)
    y = b.output("y", dst, [6, 43], scale=s_out, zero_point=z_out)
    b.op("QUANTIZE", [x], [y], version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
@pytest.mark.parametrize("per_channel", [False, True])
@pytest.mark.parametrize("constant", [False, True])
def test_dequantize(tmp_path, dtype, per_channel, constant):
    b = OpModelBuilder()
    shape = [4, 3, 5]
    zps = {"int8": [0, -3, 7], "uint8": [128, 0, 255], "int16": [0, 0, 0]}[dtype]
    q = {"scale": [0.01, 0.2, 0.03], "zero_point": zps, "quantized_dimension": 1} if per_channel else\
        {"scale": 0.037, "zero_point": {"int8": -9, "uint8": 140, "int16": 0}[dtype]}
    if constant:
        info = np.iinfo(dtype)
        x = b.constant("w", rng.integers(info.min, info.max + 1, shape).astype(dtype), **q)
        other = b.input("other", "float32", shape)
        deq = b.tensor("deq", "float32", shape)
        y = b.output("y", "float32", shape)
        b.op("DEQUANTIZE", [x], [deq], version=2 if dtype != "int16" else 4)
        b.op("ADD", [deq, other], [y], version=1)
    else:
        x = b.input("x", dtype, shape, **q)
        y = b.output("y", "float32", shape)
        b.op("DEQUANTIZE", [x], [y], version=2 if dtype != "int16" else 4)
    if per_channel and dtype == "int16":  # LiteRT: "Type 7 not supported for per-channel"
        refused(b, tmp_path, "per-channel int16")
        return
    check(b, tmp_path)


def test_quantize_int16_to_uint8_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int16", [4], scale=0.001, zero_point=0)
    y = b.output("y", "uint8", [4], scale=0.01, zero_point=128)
    b.op("QUANTIZE", [x], [y], version=2)
    refused(b, tmp_path, "output")


def test_dequantize_float16_constant(tmp_path):
    b = OpModelBuilder()
    shape = [3, 7]
    halves = np.concatenate([np.array([0.0, -0.0, 65504.0, -65504.0, 6e-8, -6e-8, 1e-5, 0.1, 1 / 3], np.float16),
                             rng.normal(0, 4, 12).astype(np.float16)]).reshape(shape)
    w = b.constant("w", halves)
    x = b.input("x", "float32", shape)
    deq = b.tensor("deq", "float32", shape)
    y = b.output("y", "float32", shape)
    b.op("DEQUANTIZE", [w], [deq], version=3)
    b.op("MUL", [deq, x], [y], version=1)
    check(b, tmp_path)


@pytest.mark.parametrize("src,dst", [p for p in itertools.product(CAST_TYPES, CAST_TYPES) if p[0] != p[1]])
def test_cast(tmp_path, src, dst):
    b = OpModelBuilder()
    x = b.input("x", src, [4, 25])
    y = b.output("y", dst, [4, 25])
    b.op("CAST", [x], [y])
    v = values(src, [4, 25])
    if src == "float32":
        v[0, :6] = [0.5, -0.5, 1.99, -1.99, 0.0, -0.0]  # truncation toward zero
        v[1, :6] = [300.5, -300.5, 70000.0, -70000.0, 255.9, -129.0]  # beyond narrow targets: saturated
    check(b, tmp_path, {"x": v})


# --- BITCAST -----------------------------------------------------------------------------------

BITCAST_TYPES = ["float32", "float16", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool",
                 "complex64", "complex128"]


def raw_values(dtype: str, shape) -> np.ndarray:
    """Random bytes read as `dtype` (every bit pattern: NaN payloads, subnormals, negative zeros),
    bools kept 0/1 as LiteRT's Python API writes them."""
    dt = np.dtype(dtype)
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    return np.frombuffer(rng.integers(0, 256, n * dt.itemsize, dtype=np.uint8).tobytes(), dt).reshape(shape).copy()


@pytest.mark.parametrize("dtype", [t for t in BITCAST_TYPES if t != "uint8"])
def test_bitcast_to_bytes_and_back(tmp_path, dtype):
    """dtype -> uint8 gains a last dimension of the element size; uint8 -> dtype takes it away."""
    size = np.dtype(dtype).itemsize
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3])
    raw = b.output("bytes", "uint8", [2, 3, size] if size > 1 else [2, 3])
    b.op("BITCAST", [x], [raw])
    b.op("BITCAST", [raw], [b.output("y", dtype, [2, 3])])
    check(b, tmp_path, inputs={"x": raw_values(dtype, [2, 3])})


@pytest.mark.parametrize("src,dst", [("float32", "int32"), ("int32", "float32"), ("float16", "int16"), ("float64", "int64"),
                                     ("uint32", "float32"), ("complex64", "int64"), ("complex128", "float64"), ("int8", "bool"),
                                     ("int8", "int16"), ("int16", "int64"), ("float64", "int16")])
def test_bitcast(tmp_path, src, dst):
    s, d = np.dtype(src).itemsize, np.dtype(dst).itemsize
    shape = [3, d // s] if s < d else [3, 2]
    out = [3] if s < d else ([3, 2, s // d] if s > d else [3, 2])
    b = OpModelBuilder()
    x = b.input("x", src, shape, **({"scale": 0.5, "zero_point": 3} if src == "int8" else {}))
    b.op("BITCAST", [x], [b.output("y", dst, out)])
    check(b, tmp_path, inputs={"x": raw_values(src, shape)})


def test_bitcast_of_empty_and_scalar_tensors(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [0, 4])
    b.op("BITCAST", [x], [b.output("y", "int32", [0])])
    s = b.input("s", "float32", [])
    b.op("BITCAST", [s], [b.output("t", "uint16", [2])])
    check(b, tmp_path, inputs={"x": np.zeros([0, 4], np.int8), "s": np.array(-1.5, np.float32)})


def test_bitcast_refusals(tmp_path):
    def model(src, dst, shape, out):
        b = OpModelBuilder()
        b.op("BITCAST", [b.input("x", src, shape)], [b.output("y", dst, out)])
        return b
    refused(model("uint8", "int32", [2, 3], [2]), tmp_path, "a uint8 input to int32 needs a last dimension of 4, got [2,3]")
    refused(model("uint8", "int32", [], []), tmp_path, "needs a last dimension of 4, got []")
    refused(model("uint8", "int32", [2, 4], [2, 4]), tmp_path, "is stored as [2,4] but the inputs give [2]")
    refused(model("int4", "int8", [2, 2], [2, 2]), tmp_path, "input has type int4")


def fake_quant_model(shape, min_value, max_value, num_bits, narrow_range=False, dtype="float32"):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    b.op("FAKE_QUANT", [x], [b.output("y", dtype, shape)],
         options={"min": min_value, "max": max_value, "num_bits": num_bits, "narrow_range": narrow_range})
    return b


def fake_quant_inputs(shape, span):
    """Values across and beyond [-span, span], with grid midpoints, zeros of both signs, infinities and NaN."""
    x = rng.uniform(-1.5 * span, 1.5 * span, shape).astype(np.float32)
    flat = x.reshape(-1)
    edges = [0.0, -0.0, np.inf, -np.inf, np.nan, span, -span, 3.4e38, -3.4e38, 1e-42, span / 255 * 0.5,
             span / 255 * 1.5, -span / 255 * 2.5]
    flat[:min(len(edges), flat.size)] = edges[:flat.size]
    return x


# min, max: symmetric, asymmetric, all positive and all negative ranges (the nudge moves them to
# include 0), a tiny and a wide range, min > max, and min = max (0 / 0 scale: NaN everywhere).
FAKE_QUANT_RANGES = [(-1.0, 1.0), (-0.3, 0.7), (0.0, 6.0), (-6.0, 0.0), (0.5, 1.0), (-1.0, -0.5), (-1e-3, 2e-3),
                     (-1e4, 3e4), (1.0, -1.0), (1.0, 1.0)]


@pytest.mark.parametrize("num_bits", [0, 1, 2, 4, 7, 8, 12, 16])
@pytest.mark.parametrize("min_value,max_value", FAKE_QUANT_RANGES, ids=[f"{a}:{b}" for a, b in FAKE_QUANT_RANGES])
def test_fake_quant(tmp_path, num_bits, min_value, max_value):
    """Bit for bit: every step is float32 arithmetic in the reference's order."""
    shape = [2, 3, 40]
    if min_value == max_value and num_bits == 0:  # 0 / 0: a NaN zero point, refused
        refused(fake_quant_model(shape, min_value, max_value, num_bits), tmp_path, "a NaN zero point")
        return
    check(fake_quant_model(shape, min_value, max_value, num_bits), tmp_path, rtol=0, atol=0,
          inputs={"x": fake_quant_inputs(shape, max(abs(min_value), abs(max_value)))})


@pytest.mark.parametrize("shape", [[], [0, 5], [7]])
def test_fake_quant_shapes(tmp_path, shape):
    check(fake_quant_model(shape, -2.0, 2.0, 8), tmp_path, rtol=0, atol=0)


def test_fake_quant_refusals(tmp_path):
    refused(fake_quant_model([4], -1.0, 1.0, 8, narrow_range=True), tmp_path, "narrow_range")
    refused(fake_quant_model([4], -1.0, 1.0, 17), tmp_path, "num_bits 17")
    refused(fake_quant_model([4], -1.0, 1.0, -1), tmp_path, "num_bits -1")
    refused(fake_quant_model([4], 0.0, 0.0, 8), tmp_path, "min 0.000000, max 0.000000, num_bits 8: a NaN zero point")
    refused(fake_quant_model([4], -np.inf, 1.0, 8), tmp_path, "finite")
    refused(fake_quant_model([4], -1.0, np.nan, 8), tmp_path, "finite")
    refused(fake_quant_model([4], -1.0, 1.0, 8, dtype="int32"), tmp_path, "input has type int32")
    b = OpModelBuilder()
    x = b.input("x", "float32", [4])
    b.op("FAKE_QUANT", [x], [b.output("y", "float32", [4])])  # no options: min = max = 0
    refused(b, tmp_path, "a NaN zero point")
