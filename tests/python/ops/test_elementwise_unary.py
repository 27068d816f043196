"""ABS, NEG, SQUARE, SQRT, RSQRT, EXP, LOG, SIN, COS, FLOOR, CEIL, ROUND, SIGN: swept against LiteRT
(integers bit for bit), with the refusals LiteRT makes too.

Tolerances: the float ops whose result is a single correctly rounded IEEE operation or a pure bit
operation (ABS, NEG, SQUARE, SQRT, RSQRT, FLOOR, CEIL, ROUND, SIGN) are held bit for bit
(rtol = atol = 0). EXP, LOG, SIN and COS call the same glibc functions (expf, logf, sinf, cosf)
that LiteRT's libLiteRt.so imports dynamically, so they are bit for bit too on one machine; their
sweeps keep the default tolerance (rtol 1e-5, atol 1e-6) so that another libm's last bits pass.

CEIL and ROUND exist only among LiteRT's optimized builtins (its reference resolver has neither):
they are checked against those (litert="optimized"; docs/litert-defects.md).
"""

from __future__ import annotations

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder

rng = np.random.default_rng(20261201)

EXACT = {"rtol": 0.0, "atol": 0.0}
# The converter's op versions for each type (op_version.cc); tfldbg runs every version.
VERSIONS = {("ABS", "int8"): 2, ("ABS", "int16"): 3, ("SQRT", "int8"): 2, ("SQRT", "int16"): 2, ("RSQRT", "int8"): 2,
            ("RSQRT", "int16"): 3, ("EXP", "int8"): 2, ("EXP", "int16"): 2, ("LOG", "int8"): 2, ("LOG", "int16"): 2,
            ("SIN", "float16"): 1, ("COS", "float16"): 1, ("SIGN", "int32"): 2}
OPTIMIZED_ONLY = {"CEIL", "ROUND"}  # not in LiteRT's reference resolver


def unary(op, dtype, shape, q=None, qo=None, out_dtype=None, version=None):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **(q or {}))
    y = b.output("y", out_dtype or dtype, shape, **(qo if qo is not None else (q or {})))
    b.op(op, [x], [y], version=version or VERSIONS.get((op, dtype), 1))
    return b


def litert(op):
    return "optimized" if op in OPTIMIZED_ONLY else "reference"


# ---- float32 ------------------------------------------------------------------------

F32 = np.finfo(np.float32)
FLOAT_EDGES = np.array([0.0, -0.0, 1.0, -1.0, 0.5, -0.5, 1.5, -1.5, 2.5, -2.5, 3.5, -3.5, 0.49999997, -0.49999997,
                        4194303.5, -4194303.5, 8388607.0, 8388609.0, 1e10, -1e10, F32.max, -F32.max, F32.tiny,
                        -F32.tiny, 1e-45, -1e-45, np.inf, -np.inf, np.nan, -np.nan, 88.7, 88.8, -103.0, -104.0,
                        np.pi, -np.pi, np.pi / 2, 1e6, -1e6, 1e30, 123456.789], np.float32)


def float_inputs(shape, spread):
    """The edges first, then log-uniform magnitudes of both signs up to `spread`."""
    n = int(np.prod(shape))
    x = (rng.choice([-1.0, 1.0], n) * np.exp(rng.uniform(np.log(1e-6), np.log(spread), n))).astype(np.float32)
    k = min(n, FLOAT_EDGES.size)
    x[:k] = FLOAT_EDGES[:k]
    return x.reshape(shape)


FLOAT_OPS = ["ABS", "NEG", "SQUARE", "SQRT", "RSQRT", "EXP", "LOG", "SIN", "COS", "FLOOR", "CEIL", "ROUND", "SIGN"]
TRANSCENDENTAL = {"EXP", "LOG", "SIN", "COS"}


@pytest.mark.parametrize("op", FLOAT_OPS)
def test_float32_edges_and_wide_values(tmp_path, op):
    shape = [2, 3, 4, 5]
    tolerance = {} if op in TRANSCENDENTAL else EXACT
    check(unary(op, "float32", shape), tmp_path, inputs={0: float_inputs(shape, 1e4)}, litert=litert(op), **tolerance)


@pytest.mark.parametrize("op", FLOAT_OPS)
def test_float32_seeded(tmp_path, op):
    # tfldbg's seeded inputs ([-1, 1)), two seeds, a 3-D tensor.
    tolerance = {} if op in TRANSCENDENTAL else EXACT
    check(unary(op, "float32", [3, 1, 7]), tmp_path, litert=litert(op), **tolerance)


# Ranks 0 (a scalar) to 8, and empty tensors: the ops are shape-agnostic.
SHAPES = [[], [0], [3, 0, 2], [1, 2, 1, 2, 1, 2], [2, 1, 2, 1, 2, 1, 2, 1]]


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "x".join(map(str, s)) or "scalar")
@pytest.mark.parametrize("op", ["SQRT", "ROUND", "NEG"])
def test_float32_any_rank_and_empty(tmp_path, op, shape):
    check(unary(op, "float32", shape), tmp_path, inputs={0: float_inputs(shape, 100.0)}, litert=litert(op), **EXACT)


SIGNED_ZEROS = np.array([0.0, -0.0, -0.25, -0.5, 0.25, 0.5, -1e-30, 1e-30, np.nan, -np.nan, np.inf, -np.inf],
                        np.float32)


@pytest.mark.parametrize("op", ["ABS", "NEG", "SQRT", "FLOOR", "CEIL", "ROUND", "SIGN", "SIN"])
def test_float32_signed_zeros_and_nans_bit_for_bit(tmp_path, op):
    # The dump comparison treats -0 as 0 and every NaN alike; compare the raw bits here.
    check(unary(op, "float32", [12]), tmp_path, inputs={0: SIGNED_ZEROS}, litert=litert(op), **EXACT)
    ours, theirs = (load_dump(tmp_path / d).tensor_values("y")[0] for d in ("tfldbg-0", "litert-0"))
    np.testing.assert_array_equal(ours.view(np.uint32), theirs.view(np.uint32))


def test_square_overflows_to_infinity(tmp_path):
    x = np.array([1e20, -1e20, 1.8446743e19, 3e-23, F32.max], np.float32)
    check(unary("SQUARE", "float32", [5]), tmp_path, inputs={0: x}, **EXACT)


# ---- float16, float64 -----------------------------------------------------------------

HALF_EDGES = np.array([0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.5, 1023.5, 1024.5, 2047.0, 65504.0, -65504.0,
                       6.1e-5, 6e-8, -6e-8, 1e-7, np.inf, -np.inf, np.nan, 3.1416, -1.5708, 100.0, 30000.0],
                      np.float16)


@pytest.mark.parametrize("op", ["NEG", "SIN", "COS", "FLOOR", "ROUND"])
def test_float16(tmp_path, op):
    shape = [4, 16]
    x = rng.uniform(-50, 50, shape).astype(np.float16)
    x.reshape(-1)[:HALF_EDGES.size] = HALF_EDGES
    # Float16 results are rounded once from float32 values bit for bit equal to LiteRT's.
    check(unary(op, "float16", shape), tmp_path, inputs={0: x}, litert=litert(op), **EXACT)


def test_float16_every_value_through_sin(tmp_path):
    # All 65536 halves: the float -> half rounding of sinf's result, subnormals and ties included.
    x = np.arange(65536, dtype=np.uint16).view(np.float16).reshape(256, 256)
    check(unary("SIN", "float16", [256, 256]), tmp_path, inputs={0: x}, **EXACT)


def test_sign_float64(tmp_path):
    x = np.array([0.0, -0.0, 1e-300, -1e-300, 5e-324, np.inf, -np.inf, np.nan, 2.5, -7.0, 1e300, -1e300], np.float64)
    check(unary("SIGN", "float64", [3, 4], version=1), tmp_path, inputs={0: x.reshape(3, 4)}, **EXACT)


# ---- plain integers ---------------------------------------------------------------------

def int_inputs(dtype, n):
    info = np.iinfo(dtype)
    x = rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)
    x[:6] = [info.min, info.max, 0, -1, 1, info.min + 1]
    return x


INTEGER_CASES = [("ABS", "int32"), ("ABS", "int16"), ("NEG", "int8"), ("NEG", "int16"), ("NEG", "int32"),
                 ("NEG", "int64"), ("SIGN", "int32")]


@pytest.mark.parametrize("op,dtype", INTEGER_CASES, ids=[f"{o}-{t}" for o, t in INTEGER_CASES])
def test_integers_wrap_at_the_minimum(tmp_path, op, dtype):
    # int8/int16 NEG: raw negation, LiteRT ignores the quantization (-128 stays -128).
    q = {"scale": 0.25, "zero_point": 3} if (op, dtype) in {("NEG", "int8"), ("NEG", "int16")} else None
    check(unary(op, dtype, [4, 25], q=q, version=1), tmp_path, inputs={0: int_inputs(dtype, 100).reshape(4, 25)})


def test_abs_int32_and_int16_with_the_converters_versions(tmp_path):
    # Versions 5 (int32) and 4 (unquantized int16) are past LiteRT's reference resolver
    # (ABS 1..3) but in its builtin one: same kernel.
    for dtype, version in [("int32", 5), ("int16", 4)]:
        (tmp_path / dtype).mkdir()
        check(unary("ABS", dtype, [2, 50], version=version), tmp_path / dtype,
              inputs={0: int_inputs(dtype, 100).reshape(2, 50)}, litert="optimized")


# ---- quantized int8 ------------------------------------------------------------------------

ALL_INT8 = np.arange(-128, 128, dtype=np.int8).reshape(16, 16)

# (input scale, input zero point, output scale, output zero point)
INT8_QUANT = {
    "ABS": [(0.05, 0, 0.05, -128), (0.05, 10, 0.05, 3), (0.05, -7, 0.021, -128), (0.3, 100, 0.9, -20), (0.01, 0, 0.5, 0),
            (1e-3, -128, 2.0, 127)],
    "EXP": [(0.05, 0, 0.07, -128), (0.02, -30, 0.01, -100), (0.1, 10, 0.5, -128), (1.0, 0, 1e30, 0), (1.0, -5, 1.0, 0),
            (0.03, 0, 1 / 256, -128)],
    "LOG": [(0.05, -128, 0.04, 60), (0.02, 0, 0.03, 10), (0.5, 100, 0.1, -7), (1e-3, -128, 0.07, 127)],
    "SQRT": [(0.05, -128, 0.03, -128), (0.01, 0, 0.01, 0), (0.2, -100, 0.07, -50), (2.0, -128, 0.2, -128),
             (0.05, -128, 1e-9, 0)],
    "RSQRT": [(0.05, -128, 0.03, -128), (0.01, 0, 0.1, -100), (0.2, -100, 0.002, 0), (2.0, -128, 0.01, 5),
              (1e-4, -128, 1.0, -128)],
}
INT8_CASES = [(op, i) for op, qs in INT8_QUANT.items() for i in range(len(qs))]


@pytest.mark.parametrize("op,case", INT8_CASES, ids=[f"{o}-q{i}" for o, i in INT8_CASES])
def test_int8_every_value(tmp_path, op, case):
    s_in, zp_in, s_out, zp_out = INT8_QUANT[op][case]
    x = ALL_INT8
    if op in ("SQRT", "RSQRT"):  # only defined from the zero point up (the rest is an Invoke error)
        x = np.clip(ALL_INT8, zp_in, 127).astype(np.int8)
    b = unary(op, "int8", [16, 16], q={"scale": s_in, "zero_point": zp_in}, qo={"scale": s_out, "zero_point": zp_out})
    check(b, tmp_path, inputs={0: x})


def test_int8_seeded(tmp_path):
    # Seeded int8 over the full range through EXP, LOG, ABS (defined everywhere).
    for op in ["EXP", "LOG", "ABS"]:
        b = unary(op, "int8", [5, 7], q={"scale": 0.04, "zero_point": -3}, qo={"scale": 0.06, "zero_point": -20})
        (tmp_path / op).mkdir()
        check(b, tmp_path / op)


# ---- quantized int16 (zero points 0) ------------------------------------------------------

ALL_INT16 = np.arange(-32768, 32768, 8, dtype=np.int16)  # every 8th value: each table segment 16 times
ALL_INT16[-1] = 32767

INT16_QUANT = {
    "ABS": [(0.001, 0.001), (0.001, 0.0005), (3e-4, 1e-3), (1.0, 4.0)],
    "EXP": [(1e-4, 1e-3), (3e-4, 3e-4), (1e-3, 2 ** -10), (0.01, 1.0), (0.01, 1e30)],
    "LOG": [(1e-3, 3e-4), (0.1, 1e-3), (1e-5, 5e-4)],
    "SQRT": [(1e-3, 1e-3), (0.1, 0.01), (1e-5, 1e-5), (1.0, 1e-3)],
    "RSQRT": [(1e-3, 1e-3), (0.1, 1e-4), (1e-5, 0.01), (2.0, 1e-5)],
}
INT16_CASES = [(op, i) for op, qs in INT16_QUANT.items() for i in range(len(qs))]


@pytest.mark.parametrize("op,case", INT16_CASES, ids=[f"{o}-q{i}" for o, i in INT16_CASES])
def test_int16_across_the_range(tmp_path, op, case):
    s_in, s_out = INT16_QUANT[op][case]
    x = ALL_INT16
    if op in ("SQRT", "RSQRT"):
        x = np.concatenate([np.arange(0, 64, dtype=np.int16), np.arange(0, 32768, 4, dtype=np.int16)[16:],
                            np.array([32767], np.int16)])
    b = unary(op, "int16", [x.size], q={"scale": s_in, "zero_point": 0}, qo={"scale": s_out, "zero_point": 0})
    check(b, tmp_path, inputs={0: x})


# ---- LiteRT's output types -------------------------------------------------------------------

@pytest.mark.parametrize("op", ["NEG", "FLOOR", "EXP"])
def test_output_declared_of_another_type_takes_the_input_type_as_litert_does(tmp_path, op):
    # NEG, FLOOR, CEIL, ROUND and EXP set their output's type to the input's.
    check(unary(op, "float32", [2, 7], out_dtype="int8", qo={"scale": 0.1, "zero_point": 0}), tmp_path, **EXACT)


def test_output_of_another_type_is_refused_as_litert_does(tmp_path):
    refused(unary("SQUARE", "float32", [4], out_dtype="int8"), tmp_path, "operator 0 (SQUARE): input is float32 but output is int8")


# ---- refusals: what LiteRT refuses or cannot compute ------------------------------------------

UNSUPPORTED_TYPES = [("NEG", "uint8"), ("NEG", "bool"), ("ABS", "uint8"), ("ABS", "int64"), ("SQUARE", "int8"),
                     ("SQUARE", "int32"), ("SQRT", "uint8"), ("EXP", "int32"), ("LOG", "uint8"), ("SIN", "int8"),
                     ("CEIL", "float16"), ("SIGN", "int8"), ("SIGN", "float16"), ("SIGN", "int64"), ("FLOOR", "int32")]


@pytest.mark.parametrize("op,dtype", UNSUPPORTED_TYPES, ids=[f"{o}-{t}" for o, t in UNSUPPORTED_TYPES])
def test_types_litert_does_not_run_are_refused(tmp_path, op, dtype):
    q = {"scale": 0.1, "zero_point": 0} if dtype in ("int8", "uint8") else None
    refused(unary(op, dtype, [4], q=q), tmp_path, f"input has type {dtype}")


@pytest.mark.parametrize("op", ["SQRT", "RSQRT", "LOG", "EXP"])
def test_int16_without_quantization_is_refused(tmp_path, op):
    # LiteRT crashes (SQRT, RSQRT, LOG read absent quantization) or builds EXP's table from scale 0.
    refused(unary(op, "int16", [4]), tmp_path, "int16 input without quantization")


@pytest.mark.parametrize("op", ["ABS", "LOG", "EXP", "SQRT", "RSQRT"])
def test_int8_without_quantization_is_refused(tmp_path, op):
    refused(unary(op, "int8", [4]), tmp_path, "input is int8 without quantization")


@pytest.mark.parametrize("op", ["ABS", "EXP", "LOG", "SQRT", "RSQRT"])
def test_int16_zero_point_must_be_zero(tmp_path, op):
    b = unary(op, "int16", [4], q={"scale": 0.01, "zero_point": 3}, qo={"scale": 0.01, "zero_point": 0})
    refused(b, tmp_path, "int16 input and output must have zero point 0")


def test_exp_per_channel_quantization_is_refused(tmp_path):
    b = unary("EXP", "int8", [2, 3], q={"scale": [0.1, 0.2], "zero_point": [0, 0], "quantized_dimension": 0},
              qo={"scale": 0.1, "zero_point": 0})
    refused(b, tmp_path, "per-channel quantization")


NEGATIVE_INPUTS = [("SQRT", "int8", 5, "Sqrt is only defined for non-negative values"),
                   ("RSQRT", "int8", -3, "Rsqrt is only defined for positive values"),
                   ("SQRT", "int16", 0, "Sqrt is only defined for non-negative values"),
                   ("RSQRT", "int16", 0, "Rsqrt is only defined for positive values")]


@pytest.mark.parametrize("op,dtype,zp,message", NEGATIVE_INPUTS, ids=[f"{o}-{t}" for o, t, _, _ in NEGATIVE_INPUTS])
def test_inputs_below_the_zero_point_fail_as_litert_fails(tmp_path, op, dtype, zp, message):
    # LiteRT's Invoke fails with this message; tfldbg stops at the same node with it.
    b = unary(op, dtype, [4], q={"scale": 0.05, "zero_point": zp})
    x = np.array([zp + 4, zp + 1, zp - 1, zp], dtype=dtype)
    refused(b, tmp_path, message, inputs={0: x})


def test_an_output_that_is_a_constant_is_refused(tmp_path):
    # Its bytes are the model's, read-only: writing them crashed tfldbg (any op) and crashes LiteRT.
    b = OpModelBuilder()
    x = b.input("x", "float32", [4])
    c = b.constant("c", np.ones([4], np.float32))
    b.outputs.append(c)
    b.op("NEG", [x], [c])
    refused(b, tmp_path, "operator 0 (NEG): output 'c' is a constant")


RESCALE_OUT_OF_RANGE = [("ABS", "int8", 1.0, 1e-12, "s_in/s_out"), ("ABS", "int16", 1.0, 1e-12, "s_in/s_out"),
                        ("RSQRT", "int8", 1e-20, 1e-20, "1/(sqrt(s_in)·s_out)"),
                        ("RSQRT", "int8", 1e6, 1e3, "1/(sqrt(s_in)·s_out)")]


@pytest.mark.parametrize("op,dtype,s_in,s_out,what", RESCALE_OUT_OF_RANGE,
                         ids=[f"{o}-{t}-{i}" for i, (o, t, *_) in enumerate(RESCALE_OUT_OF_RANGE)])
def test_rescale_factors_litert_cannot_apply_are_refused(tmp_path, op, dtype, s_in, s_out, what):
    # LiteRT would shift an int32 left by more than 30 bits (or right by more than 31): no defined value.
    b = unary(op, dtype, [4], q={"scale": s_in, "zero_point": 0}, qo={"scale": s_out, "zero_point": 0})
    refused(b, tmp_path, f"{what} = ")


@pytest.mark.parametrize("op", ["LOG", "ABS"])
def test_a_zero_scale_is_refused(tmp_path, op):
    # (The model loader refuses negative scales and zero points outside the type.)
    b = unary(op, "int8", [4], q={"scale": 0.0, "zero_point": 0}, qo={"scale": 0.1, "zero_point": 0})
    refused(b, tmp_path, "input scale is 0")
