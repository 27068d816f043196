"""The binary and n-ary elementwise ops beyond ADD/SUB/MUL (DIV, POW, MAXIMUM, MINIMUM,
SQUARED_DIFFERENCE, FLOOR_DIV, FLOOR_MOD, ATAN2, BITWISE_XOR, RIGHT_SHIFT, LOGICAL_AND/OR/NOT,
ADD_N, SELECT, SELECT_V2) swept against LiteRT's reference kernels: every type LiteRT 2.3.0 runs,
every option, edge values, broadcasting up to LiteRT's 8 dimensions; integers bit for bit,
floats within the default tolerance (POW, ATAN2 call the same libm as LiteRT: measured exact).
Each model gets explicit inputs, so one run covers it. The refusals and run-time failures
LiteRT makes are held too.
"""

from __future__ import annotations

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.backends.engine import run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder

rng = np.random.default_rng(20261201)

# Shape pairs: equal, one value against all, a rank-0 scalar, both sides broadcast,
# 5-D, LiteRT's maximum of 8-D, equal shapes past 8-D (walked flat), empty.
BROADCASTS = {
    "same": ([2, 3, 4], [2, 3, 4]),
    "one": ([3, 4], [1]),
    "scalar": ([], [2, 3]),
    "both": ([2, 1, 4], [3, 1]),
    "5d": ([4, 1, 3, 1, 2], [1, 5, 1, 2, 1]),
    "8d": ([2, 1, 3, 1, 2, 1, 2, 1], [1, 2, 1, 3, 1, 2, 1, 2]),
    "9d_same": ([1, 2, 1, 2, 1, 2, 1, 2, 3], [1, 2, 1, 2, 1, 2, 1, 2, 3]),
    "empty": ([0, 3], [1, 3]),
}

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1", "TANH", "SIGN_BIT"]

FLOAT_EDGES = [0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 3.4e38, -3.4e38, 1e-40, 0.5, -2.5]


def out_shape(*shapes):
    return list(np.broadcast_shapes(*[tuple(s) for s in shapes]))


def values(dtype, shape, lo=None, hi=None, edges=True):
    """Seeded values of `dtype` over [lo, hi] (default: floats in [-5, 5], integers over
    their whole range), the first elements replaced by the type's edge values."""
    shape = tuple(shape)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    if np.dtype(dtype).kind == "f":
        x = rng.uniform(-5 if lo is None else lo, 5 if hi is None else hi, shape).astype(dtype)
        edge = [e for e in FLOAT_EDGES if np.isfinite(np.asarray(e, dtype)) or not np.isfinite(e)]
    else:
        info = np.iinfo(dtype)
        lo = info.min if lo is None else lo
        hi = info.max if hi is None else hi
        x = rng.integers(lo, hi, shape, dtype=dtype, endpoint=True)
        edge = [v for v in (info.min, info.max, 0, -1, 1, lo, hi) if lo <= v <= hi]
    if edges:
        flat = x.reshape(-1)
        k = min(len(edge), flat.size)
        flat[:k] = np.asarray(edge[:k]).astype(dtype)
    return x


def binary(op, dtype, sa, sb, quant=(None, None, None), options=None, version=1, out_dtype=None, so=None):
    b = OpModelBuilder()
    qa, qb, qo = ({} if q is None else {"scale": q[0], "zero_point": q[1]} for q in quant)
    x1 = b.input("x1", dtype, sa, **qa)
    x2 = b.input("x2", dtype, sb, **qb)
    y = b.output("y", out_dtype or dtype, out_shape(sa, sb) if so is None else so, **qo)
    b.op(op, [x1, x2], [y], options=options, version=version)
    return b


def tfldbg_output(builder, tmp_path, inputs):
    """tfldbg's value of the model's output (for cases LiteRT itself cannot run)."""
    path = builder.save(tmp_path / "op.tflite")
    args = []
    for key, value in inputs.items():
        np.save(tmp_path / f"in-{key}.npy", value)
        args += ["--input", f"{key}={tmp_path / f'in-{key}.npy'}"]
    run_tool("dump", str(path), "--out", str(tmp_path / "ours"), "--force", *args)
    dump = load_dump(tmp_path / "ours")
    rec = dump.manifest["steps"][-1]["outputs"][0]
    return np.load(tmp_path / "ours" / rec["file"])


# ---- DIV ---------------------------------------------------------------------------

@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("shapes", ["same", "both", "8d"])
def test_div_float32(tmp_path, shapes, act):
    # Zero divisors give ±inf clamped to ±FLT_MAX (or NaN for 0/0): LiteRT defines them.
    sa, sb = BROADCASTS[shapes]
    divisor = values("float32", sb)
    divisor.reshape(-1)[-3:] = 0.0
    check(binary("DIV", "float32", sa, sb, options={"fused_activation_function": act}), tmp_path,
          {"x1": values("float32", sa), "x2": divisor})


@pytest.mark.parametrize("shapes", list(BROADCASTS))
def test_div_float32_broadcasts(tmp_path, shapes):
    sa, sb = BROADCASTS[shapes]
    check(binary("DIV", "float32", sa, sb, version=2 if len(out_shape(sa, sb)) > 4 else 1), tmp_path,
          {"x1": values("float32", sa), "x2": values("float32", sb, 0.5, 4, edges=False)})


@pytest.mark.parametrize("act", ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"])
@pytest.mark.parametrize("shapes", ["same", "one", "8d"])
def test_div_int32(tmp_path, shapes, act):
    # Truncating division; INT32_MIN / -1 gives INT32_MAX in LiteRT's build (measured).
    sa, sb = BROADCASTS[shapes]
    a = values("int32", sa)
    d = values("int32", sb, -9, 9, edges=False)
    d[d == 0] = -1
    check(binary("DIV", "int32", sa, sb, options={"fused_activation_function": act}), tmp_path, {"x1": a, "x2": d})


DIV_QUANT = {
    "int8": [((0.1, 3), (0.2, -2), (0.05, 1)), ((0.02, 0), (0.5, 10), (0.3, -5)), ((1e-4, -128), (1.0, 127), (0.5, 7))],
    "uint8": [((0.1, 128), (0.2, 120), (0.05, 130)), ((1e-5, 0), (1.0, 255), (1.0, 3)), ((0.3, 10), (0.01, 200), (2.0, 0))],
    "int16": [((0.001, 0), (0.002, 0), (0.0005, 0)), ((1e-6, 0), (1.0, 0), (1.0, 0)), ((3e-4, 5), (1e-4, -7), (0.01, 3))],
}
DIV_QUANT_CASES = [(t, i) for t in DIV_QUANT for i in range(3)]


def exhaustive_pairs(dtype, zero_point2):
    """Every pair of 8-bit values (as two [256, 256] grids), the divisor's zero point moved off."""
    info = np.iinfo(dtype)
    v = np.arange(info.min, info.max + 1)
    a, b = np.meshgrid(v, v, indexing="ij")
    b = b.copy()
    b[b == zero_point2] = zero_point2 + 1 if zero_point2 < info.max else zero_point2 - 1
    return a.astype(dtype), b.astype(dtype)


@pytest.mark.parametrize("dtype,scales", DIV_QUANT_CASES, ids=[f"{t}-s{i}" for t, i in DIV_QUANT_CASES])
def test_div_quantized_every_value(tmp_path, dtype, scales):
    # Small dividends have a large headroom: the quotient's shift then passes 31,
    # where LiteRT's C++ is undefined and its x86 build masks the shift count
    # (docs/litert-defects.md); every 8-bit pair, and int16 samples, hold tfldbg to it.
    q = DIV_QUANT[dtype][scales]
    if dtype == "int16":
        a = values("int16", [4096])
        a[:64] = np.arange(-32, 32)
        d = values("int16", [4096])
        d[64:1024] = rng.integers(-300, 300, 960)
        d[d == q[1][1]] = q[1][1] + 1
        shapes = ([4096], [4096])
    else:
        a, d = exhaustive_pairs(dtype, q[1][1])
        shapes = ([256, 256], [256, 256])
    check(binary("DIV", dtype, *shapes, quant=q), tmp_path, {"x1": a, "x2": d})


# Rescales s1/(s2·s_out) of 1e9 and 1e20: the quotient's shift goes negative
# (a left shift LiteRT writes as a right shift by a negative count), and 1e-30:
# the multiplier flushes to 0.
DIV_EXTREME = [((1.0, 0), (1e-5, 0), (1e-4, 0)), ((1.0, 5), (1e-10, -3), (1e-10, 2)), ((1e-30, 0), (1.0, 0), (1.0, 0))]


@pytest.mark.parametrize("litert", ["reference", "optimized"])
@pytest.mark.parametrize("scales", range(len(DIV_EXTREME)), ids=lambda i: f"s{i}")
def test_div_int8_extreme_rescales(tmp_path, scales, litert):
    # LiteRT's optimized resolver runs the same code: both agree with tfldbg.
    q = DIV_EXTREME[scales]
    a, d = exhaustive_pairs("int8", q[1][1])
    check(binary("DIV", "int8", [256, 256], [256, 256], quant=q), tmp_path, {"x1": a, "x2": d}, litert=litert)


def test_div_int8_matches_litert_optimized_too(tmp_path):
    q = DIV_QUANT["int8"][0]
    a, d = exhaustive_pairs("int8", q[1][1])
    check(binary("DIV", "int8", [256, 256], [256, 256], quant=q), tmp_path, {"x1": a, "x2": d}, litert="optimized")


@pytest.mark.parametrize("act", ACTIVATIONS)
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
def test_div_quantized_broadcast_activation(tmp_path, dtype, act):
    q = DIV_QUANT[dtype][0]
    sa, sb = BROADCASTS["5d"]
    d = values(dtype, sb)
    d[d == q[1][1]] = q[1][1] + 1
    check(binary("DIV", dtype, sa, sb, quant=q, options={"fused_activation_function": act}, version=2), tmp_path,
          {"x1": values(dtype, sa), "x2": d})


@pytest.mark.parametrize("dtype,quant", [("int32", None), ("int8", (0.5, 3)), ("uint8", (0.5, 128)), ("int16", (0.5, 0))])
def test_div_by_zero_fails_like_litert(tmp_path, dtype, quant):
    zero = 0 if quant is None else quant[1]
    b = binary("DIV", dtype, [3], [3], quant=(quant, quant, quant))
    refused(b, tmp_path, "division by zero: element 1 of 'x2' is 0",
            inputs={"x1": np.array([1, 2, 3], dtype), "x2": np.array([zero + 1, zero, zero + 2], dtype)})


def test_div_refusals(tmp_path):
    mixed = binary("DIV", "float32", [4], [4], out_dtype="int32")
    refused(mixed, tmp_path, "input1 is float32 but output is int32")
    refused(binary("DIV", "int64", [4], [4]), tmp_path, "input1 has type int64")


# ---- POW ---------------------------------------------------------------------------

@pytest.mark.parametrize("shapes", ["same", "both", "scalar", "8d", "empty"])
def test_pow_float32(tmp_path, shapes):
    sa, sb = BROADCASTS[shapes]
    check(binary("POW", "float32", sa, sb), tmp_path, {"x1": values("float32", sa, 0, 4), "x2": values("float32", sb, -3, 3)})


# A one-element exponent of a broadcast within 1e-5 of an integer n >= 1: LiteRT multiplies
# (x^n by squaring, each product clamped to ±FLT_MAX); others (and equal shapes) call std::pow.
POW_EXPONENTS = [1.0, 2.0, 3.0, 5.0, 31.0, 2.000001, 2.00002, 2.5, 0.0, -1.0, 1e9, np.nan, np.inf]


@pytest.mark.parametrize("exponent", POW_EXPONENTS, ids=[str(e) for e in POW_EXPONENTS])
def test_pow_float32_one_exponent(tmp_path, exponent):
    base = np.array([[-3, -1.5, 0, 0.5, 2, 1e10, -1e10, np.nan, np.inf, -np.inf, 1e-30, 7, 1.1, -0.0]], np.float32)
    check(binary("POW", "float32", [1, 14], [1]), tmp_path, {"x1": base, "x2": np.array([exponent], np.float32)})


@pytest.mark.parametrize("shapes", ["same", "one", "scalar", "8d"])
def test_pow_int32(tmp_path, shapes):
    # std::pow in double, converted as x86 does: an overflow gives INT32_MIN
    # (equal shapes); the broadcast path multiplies and wraps.
    sa, sb = BROADCASTS[shapes]
    base = values("int32", sa, -7, 7, edges=False)
    base.reshape(-1)[:4] = [2, 46341, -2 ** 31, 2 ** 31 - 1][: base.size]
    exponent = values("int32", sb, 0, 12, edges=False)
    exponent.reshape(-1)[:1] = 31
    check(binary("POW", "int32", sa, sb), tmp_path, {"x1": base, "x2": exponent})


def test_pow_int32_negative_exponent_fails_like_litert(tmp_path):
    refused(binary("POW", "int32", [3], [3]), tmp_path, "int32 POW with a negative exponent",
            inputs={"x1": np.array([1, 2, 3], np.int32), "x2": np.array([1, -1, 2], np.int32)})


def test_pow_refuses_other_types(tmp_path):
    refused(binary("POW", "int8", [3], [3], quant=((0.5, 0),) * 3), tmp_path, "input1 has type int8")


# ---- MAXIMUM, MINIMUM ------------------------------------------------------------------

MAXMIN_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "float16"]
MAXMIN_VERSION = {"int8": 2, "int16": 4}


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("dtype", MAXMIN_TYPES)
@pytest.mark.parametrize("shapes", ["same", "both"])
def test_maximum_minimum_types(tmp_path, op, dtype, shapes):
    # Raw values, no rescaling (LiteRT does not check the quantization); NaN in x1
    # loses and in x2 wins (x1 > x2 ? x1 : x2), as LiteRT orders its operands.
    sa, sb = BROADCASTS[shapes]
    q = (0.05, 3) if dtype in ("int8", "uint8", "int16") else None
    a, b = values(dtype, sa), values(dtype, sb)
    if dtype in ("float32", "float16"):
        special = np.array([1.0, np.nan, 0.0, -0.0, 2.0, 0.0, 5.0, 3.4e38 if dtype == "float32" else 6e4], dtype)
        b.reshape(-1)[:min(8, b.size)] = special[:b.size]
    check(binary(op, dtype, sa, sb, quant=(q, q, q), version=MAXMIN_VERSION.get(dtype, 1)), tmp_path, {"x1": a, "x2": b})


@pytest.mark.parametrize("op", ["MAXIMUM", "MINIMUM"])
@pytest.mark.parametrize("shapes", [s for s in BROADCASTS if s not in ("same", "both")])
def test_maximum_minimum_broadcasts(tmp_path, op, shapes):
    sa, sb = BROADCASTS[shapes]
    check(binary(op, "int8", sa, sb, quant=((0.1, -3),) * 3, version=3 if len(out_shape(sa, sb)) > 4 else 2), tmp_path,
          {"x1": values("int8", sa), "x2": values("int8", sb)})


def test_maximum_refuses_bool(tmp_path):
    refused(binary("MAXIMUM", "bool", [3], [3]), tmp_path, "input1 has type bool")


# ---- SQUARED_DIFFERENCE -------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "int32"])
@pytest.mark.parametrize("shapes", ["same", "scalar", "5d", "8d"])
def test_squared_difference(tmp_path, dtype, shapes):
    # int32 wraps past 2^31 (LiteRT's plain int multiply on x86).
    sa, sb = BROADCASTS[shapes]
    check(binary("SQUARED_DIFFERENCE", dtype, sa, sb), tmp_path, {"x1": values(dtype, sa), "x2": values(dtype, sb)})


SQDIFF_SCALES = [((0.1, 3), (0.2, -2), (0.05, 1)), ((0.02, 0), (0.5, 10), (0.3, -5)),
                 ((0.01, -128), (0.01, 127), (0.5, -128)), ((1.0, 0), (1.0, 0), (8.0, 0)),
                 ((0.01, 0), (0.02, 0), (1e6, 5))]  # a rescale below 2^-32: flushed to 0, all zero point


@pytest.mark.parametrize("scales", range(len(SQDIFF_SCALES)), ids=lambda i: f"s{i}")
@pytest.mark.parametrize("shapes", ["same", "row"])
def test_squared_difference_int8_every_value(tmp_path, scales, shapes):
    a, b = exhaustive_pairs("int8", 1000)
    sb = [256, 256] if shapes == "same" else [1, 256]
    check(binary("SQUARED_DIFFERENCE", "int8", [256, 256], sb, quant=SQDIFF_SCALES[scales], version=2), tmp_path,
          {"x1": a, "x2": b if shapes == "same" else b[:1]})


def test_squared_difference_refusals(tmp_path):
    small = binary("SQUARED_DIFFERENCE", "int8", [4], [4], quant=((1.0, 0), (1.0, 0), (1e-4, 0)))
    refused(small, tmp_path, "must be below 1 (LiteRT aborts)")
    refused(binary("SQUARED_DIFFERENCE", "uint8", [4], [4], quant=((0.5, 0),) * 3), tmp_path, "input1 has type uint8")


# ---- FLOOR_DIV, FLOOR_MOD ------------------------------------------------------------------

FLOOR_DIV_VERSION = {"int8": 3, "int16": 3, "float32": 2}
FLOOR_MOD_VERSION = {"int8": 2, "int16": 2}


def divisors(dtype, shape):
    d = values(dtype, shape)
    d.reshape(-1)[:2] = np.array([-1, 3], dtype)[: d.size]
    d[d == 0] = 7
    return d


@pytest.mark.parametrize("op,dtype", [("FLOOR_DIV", t) for t in ["float32", "int8", "int16", "int32"]] +
                         [("FLOOR_MOD", t) for t in ["float32", "int8", "int16"]])
@pytest.mark.parametrize("shapes", ["same", "both", "8d"])
def test_floor_div_mod(tmp_path, op, dtype, shapes):
    # The type's minimum over -1 included: FLOOR_DIV wraps it (floor in double,
    # converted through int32), FLOOR_MOD gives 0 (no int32 overflow below 32 bits).
    sa, sb = BROADCASTS[shapes]
    version = (FLOOR_DIV_VERSION if op == "FLOOR_DIV" else FLOOR_MOD_VERSION).get(dtype, 1)
    check(binary(op, dtype, sa, sb, version=version), tmp_path, {"x1": values(dtype, sa), "x2": divisors(dtype, sb)})


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32"])
@pytest.mark.parametrize("shapes", [([13], [13]), ([2, 13], [1, 13]), ([13], [1])], ids=["same", "rows", "one"])
def test_floor_div_overflow(tmp_path, dtype, shapes):
    # The type's minimum over -1 does not fit: LiteRT's conversion is undefined in C++;
    # its x86 build saturates int8/int16 in the 8-element blocks of its vectorised
    # equal-shape loop and wraps in the scalar tail and when broadcasting (docs/litert-defects.md).
    sa, sb = shapes
    low = np.iinfo(dtype).min
    a = np.full(sa, low, dtype)
    a.reshape(-1)[5] = 9
    d = np.full(sb, -1, dtype)
    if d.size > 3:
        d.reshape(-1)[3] = 4
    check(binary("FLOOR_DIV", dtype, sa, sb, version=FLOOR_DIV_VERSION.get(dtype, 1)), tmp_path, {"x1": a, "x2": d})


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("shapes", ["same", "one", "8d"])
def test_floor_mod_wide_integers(tmp_path, dtype, shapes):
    # Not the type's minimum over -1: LiteRT traps on it (x86 idiv), see below.
    sa, sb = BROADCASTS[shapes]
    a = values(dtype, sa)
    a[a == np.iinfo(dtype).min] = 5
    check(binary("FLOOR_MOD", dtype, sa, sb), tmp_path, {"x1": a, "x2": divisors(dtype, sb)})


@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_floor_mod_of_minimum_by_minus_one_is_zero(tmp_path, dtype):
    # LiteRT dies of SIGFPE here (reference and only kernel); tfldbg gives the
    # remainder, 0 (docs/litert-defects.md).
    low = np.iinfo(dtype).min
    got = tfldbg_output(binary("FLOOR_MOD", dtype, [3], [3]), tmp_path,
                        {"x1": np.array([low, low, -7], dtype), "x2": np.array([-1, 3, -1], dtype)})
    assert got.tolist() == [0, 1, 0]


def test_floor_mod_float_zero_divisor_is_nan(tmp_path):
    # LiteRT checks only integer divisors: fmod by 0 is NaN.
    check(binary("FLOOR_MOD", "float32", [6], [6]), tmp_path,
          {"x1": np.array([1, -7, 0, np.inf, 5, -5], np.float32), "x2": np.array([0, -0.0, 2, 2, np.inf, -np.inf], np.float32)})


@pytest.mark.parametrize("op,dtype", [("FLOOR_DIV", "float32"), ("FLOOR_DIV", "int8"), ("FLOOR_DIV", "int32"),
                                      ("FLOOR_MOD", "int16"), ("FLOOR_MOD", "int64")])
def test_floor_division_by_zero_fails_like_litert(tmp_path, op, dtype):
    zero = np.array([4, -0.0 if dtype == "float32" else 0, 2], dtype)
    refused(binary(op, dtype, [3], [3]), tmp_path, "division by zero: element 1 of 'x2' is 0",
            inputs={"x1": np.array([1, 2, 3], dtype), "x2": zero})


def test_floor_div_mod_refusals(tmp_path):
    refused(binary("FLOOR_DIV", "int64", [3], [3]), tmp_path, "input1 has type int64")
    refused(binary("FLOOR_MOD", "uint8", [3], [3]), tmp_path, "input1 has type uint8")


# ---- ATAN2 -------------------------------------------------------------------------------

@pytest.mark.parametrize("dtype", ["float32", "float64", "float16"])
@pytest.mark.parametrize("shape", [[2, 3, 4], [], [0, 5], [1, 2, 1, 2, 1, 2, 1, 2, 3]])
def test_atan2(tmp_path, dtype, shape):
    y, x = values(dtype, shape), values(dtype, shape)
    if y.size >= 8:
        y.reshape(-1)[:8] = [0, -0.0, 0, -0.0, 1, -1, np.inf, np.nan]
        x.reshape(-1)[:8] = [0, 0, -0.0, -0.0, np.inf, -np.inf, -np.inf, 1]
    check(binary("ATAN2", dtype, shape, shape), tmp_path, {"x1": y, "x2": x})


def test_atan2_float16_every_result_rounds_as_eigen(tmp_path):
    # Every half y against a spread of x: the float result rounded back to half
    # exercises subnormals, ties and overflow-free rounding; tolerance 0.
    y = np.arange(0, 65536, dtype=np.uint32).astype(np.uint16).view(np.float16)
    x = np.resize(np.array([1.0, -1.0, 0.001, 3e4, -6e-8, 0.0, 7.5, -2.0], np.float16), y.shape)
    check(binary("ATAN2", "float16", [65536], [65536]), tmp_path, {"x1": y, "x2": x}, rtol=0, atol=0)


def test_atan2_refuses_unequal_shapes(tmp_path):
    # LiteRT checks only the ranks and reads x past its end.
    refused(binary("ATAN2", "float32", [2, 3], [2, 2], so=[2, 3]), tmp_path, "the shapes must be equal")


# ---- BITWISE_XOR, RIGHT_SHIFT -----------------------------------------------------------------

BIT_TYPES = ["int8", "uint8", "int16", "uint16", "int32", "uint32"]


@pytest.mark.parametrize("op", ["BITWISE_XOR", "RIGHT_SHIFT"])
@pytest.mark.parametrize("dtype", BIT_TYPES)
@pytest.mark.parametrize("shapes", ["same", "both"])
def test_bitwise(tmp_path, op, dtype, shapes):
    # Shifts below 0 and past the width are clamped to [0, bits - 1].
    sa, sb = BROADCASTS[shapes]
    bits = np.dtype(dtype).itemsize * 8
    b = values(dtype, sb) if op == "BITWISE_XOR" else values(dtype, sb, 0 if dtype[0] == "u" else -3, bits + 3)
    check(binary(op, dtype, sa, sb), tmp_path, {"x1": values(dtype, sa), "x2": b})


@pytest.mark.parametrize("op", ["BITWISE_XOR", "RIGHT_SHIFT"])
@pytest.mark.parametrize("shapes", ["scalar", "5d", "8d", "empty"])
def test_bitwise_broadcasts(tmp_path, op, shapes):
    sa, sb = BROADCASTS[shapes]
    check(binary(op, "int32", sa, sb), tmp_path, {"x1": values("int32", sa), "x2": values("int32", sb, -2, 34)})


# ---- LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT ---------------------------------------------------------

@pytest.mark.parametrize("op", ["LOGICAL_AND", "LOGICAL_OR"])
@pytest.mark.parametrize("shapes", list(BROADCASTS))
def test_logical(tmp_path, op, shapes):
    sa, sb = BROADCASTS[shapes]
    check(binary(op, "bool", sa, sb), tmp_path, {"x1": values("bool", sa), "x2": values("bool", sb)})


@pytest.mark.parametrize("shape", [[2, 3, 5], [], [0]])
def test_logical_not(tmp_path, shape):
    b = OpModelBuilder()
    x = b.input("x", "bool", shape)
    y = b.output("y", "bool", shape)
    b.op("LOGICAL_NOT", [x], [y])
    check(b, tmp_path, {"x": values("bool", shape)})


def test_logical_refuses_other_types(tmp_path):
    refused(binary("LOGICAL_OR", "int32", [3], [3]), tmp_path, "input1 has type int32")


# ---- ADD_N -----------------------------------------------------------------------------------

def add_n(dtype, shape, count):
    b = OpModelBuilder()
    xs = [b.input(f"x{i}", dtype, shape) for i in range(count)]
    y = b.output("y", dtype, shape)
    b.op("ADD_N", xs, [y])
    return b


@pytest.mark.parametrize("count", [2, 3, 9])
@pytest.mark.parametrize("dtype", ["float32", "int32"])
def test_add_n(tmp_path, dtype, count):
    # Summed in input order, each partial sum clamped to ±FLT_MAX (int32 wraps):
    # float inputs of very different magnitudes make the order visible; tolerance 0.
    shape = [4, 16]
    if dtype == "float32":
        xs = [(rng.standard_normal(shape) * 10.0 ** rng.integers(-8, 8, shape)).astype(np.float32) for _ in range(count)]
        xs[0].reshape(-1)[:3] = [3e38, -3e38, np.nan]
        xs[1].reshape(-1)[:3] = [3e38, -3e38, 1]
    else:
        xs = [values("int32", shape) for _ in range(count)]
    check(add_n(dtype, shape, count), tmp_path, {f"x{i}": x for i, x in enumerate(xs)}, rtol=0, atol=0)


def test_add_n_empty(tmp_path):
    check(add_n("float32", [0, 3], 2), tmp_path, {"x0": np.zeros([0, 3], np.float32), "x1": np.zeros([0, 3], np.float32)})


def test_add_n_refusals(tmp_path):
    b = OpModelBuilder()
    x0, x1 = b.input("x0", "float32", [2, 3]), b.input("x1", "float32", [3])
    b.op("ADD_N", [x0, x1], [b.output("y", "float32", [2, 3])])
    refused(b, tmp_path, "ADD_N does not broadcast")
    refused(add_n("float32", [2], 1), tmp_path, "expected 2 inputs, got 1")
    refused(add_n("int8", [2], 2), tmp_path, "input0 has type int8")


# ---- SELECT, SELECT_V2 ----------------------------------------------------------------------------

SELECT_TYPES = ["float32", "float16", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64",
                "uint64", "bool"]
SELECT_VERSION = {("SELECT", "int8"): 2, ("SELECT", "uint32"): 4, ("SELECT_V2", "uint32"): 2}


def select(op, dtype, sc, sx, sy, so=None, quant=None, version=1):
    b = OpModelBuilder()
    q = {} if quant is None else {"scale": quant[0], "zero_point": quant[1]}
    c = b.input("c", "bool", sc)
    x = b.input("x", dtype, sx, **q)
    y = b.input("y", dtype, sy, **q)
    o = b.output("o", dtype, out_shape(sc, sx, sy) if so is None else so, **q)
    b.op(op, [c, x, y], [o], version=version)
    return b


def select_inputs(dtype, sc, sx, sy):
    return {"c": values("bool", sc), "x": values(dtype, sx), "y": values(dtype, sy)}


@pytest.mark.parametrize("op", ["SELECT", "SELECT_V2"])
@pytest.mark.parametrize("dtype", SELECT_TYPES)
def test_select_types(tmp_path, op, dtype):
    # Raw values copied whatever their type (quantized ones keep their bytes).
    q = (0.5, 3) if dtype in ("int8", "uint8", "int16") else None
    shape = [3, 5]
    check(select(op, dtype, shape, shape, shape, quant=q, version=SELECT_VERSION.get((op, dtype), 1)), tmp_path,
          select_inputs(dtype, shape, shape, shape))


# SELECT: equal shapes, a scalar condition (all of x or y), a vector condition along x's
# first dimension (rows), one element each (the output keeps its declared shape), empty.
SELECT_V1_SHAPES = {
    "rank0_condition": ([], [3, 4], [3, 4], None),
    "rows": ([3], [3, 4, 2], [3, 4, 2], [3, 4, 2]),
    "rows_5d": ([2], [2, 1, 3, 1, 2], [2, 1, 3, 1, 2], [2, 1, 3, 1, 2]),
    "single": ([1], [], [1, 1], [1, 1, 1]),
    "empty": ([0, 2], [0, 2], [0, 2], None),
}


@pytest.mark.parametrize("case", list(SELECT_V1_SHAPES))
def test_select_shapes(tmp_path, case):
    sc, sx, sy, so = SELECT_V1_SHAPES[case]
    check(select("SELECT", "int32", sc, sx, sy, so=so or list(sx)), tmp_path, select_inputs("int32", sc, sx, sy))


SELECT_V2_SHAPES = {
    "condition_broadcast": ([3, 1], [1, 4], [3, 4]),
    "scalar_values": ([2, 3], [], [1]),
    "8d": ([2, 1, 2, 1, 2, 1, 2, 1], [1, 2, 1, 2, 1, 2, 1, 2], [2]),
    "9d_same": ([1, 2, 1, 2, 1, 2, 1, 2, 2],) * 3,
    "empty": ([0, 1], [1, 3], [0, 3]),
}


@pytest.mark.parametrize("case", list(SELECT_V2_SHAPES))
def test_select_v2_broadcasts(tmp_path, case):
    sc, sx, sy = SELECT_V2_SHAPES[case]
    check(select("SELECT_V2", "float32", sc, sx, sy), tmp_path, select_inputs("float32", sc, sx, sy))


def test_select_v2_single_element_keeps_declared_shape(tmp_path):
    check(select("SELECT_V2", "int8", [], [1], [1], so=[1, 1], quant=(0.1, 0)), tmp_path,
          select_inputs("int8", [], [1], [1]))


def test_select_refusals(tmp_path):
    refused(select("SELECT", "float32", [3, 1], [3, 4], [3, 4], so=[3, 4]), tmp_path, "the condition must have x's shape")
    refused(select("SELECT", "float32", [3], [3, 4], [1, 4], so=[3, 4]), tmp_path, "x and y need one shape")
    refused(select("SELECT_V2", "float32", [3], [2], [3], so=[3]), tmp_path, "cannot broadcast condition [3], x [2]")
    b = OpModelBuilder()
    c = b.input("c", "int8", [2], scale=0.5, zero_point=0)
    x, y = b.input("x", "float32", [2]), b.input("y", "float32", [2])
    b.op("SELECT_V2", [c, x, y], [b.output("o", "float32", [2])])
    refused(b, tmp_path, "condition has type int8")


# ---- shared: broadcasting limits ------------------------------------------------------------------------

@pytest.mark.parametrize("op,dtype", [("DIV", "float32"), ("MAXIMUM", "int8"), ("LOGICAL_AND", "bool")])
def test_nine_dimensional_broadcast_is_refused(tmp_path, op, dtype):
    # LiteRT aborts (TFLITE_CHECK) on a broadcast of 9 dimensions.
    sa, sb = [2, 1, 2, 1, 2, 1, 2, 1, 2], [1, 2, 1, 2, 1, 2, 1, 2, 1]
    q = (0.5, 0) if dtype == "int8" else None
    refused(binary(op, dtype, sa, sb, quant=(q, q, q)), tmp_path, "at most 8 dimensions")


def test_nine_dimensional_select_v2_is_refused(tmp_path):
    s = [2, 1, 2, 1, 2, 1, 2, 1, 2]
    refused(select("SELECT_V2", "float32", s, [1] * 9, [2], so=s), tmp_path, "at most 8 dimensions")


@pytest.mark.parametrize("op", ["DIV", "FLOOR_MOD", "BITWISE_XOR"])
def test_incompatible_shapes_are_refused(tmp_path, op):
    dtype = "int32"
    refused(binary(op, dtype, [2, 3], [4], so=[2, 3]), tmp_path, "cannot broadcast [2,3] with [4]")

