"""The elementwise family against LiteRT's reference kernels, tensor by tensor
(integers bit for bit): ADD, SUB, MUL, SOFTMAX, LOGISTIC, TANH, RELU, RELU6,
LEAKY_RELU, PRELU, HARD_SWISH, QUANTIZE, DEQUANTIZE.

Sweeps what test_ops_sweep.py does not: 5-D/6-D and scalar broadcasting, every
fused activation, extreme scale ratios, the int16 power-of-two ADD/SUB path,
int16 LOGISTIC/TANH (power-of-two and general input scales), SOFTMAX to int16,
per-channel QUANTIZE, rounding ties and out-of-range floats, constant and
float16 DEQUANTIZE, and the refusals (one line, exit 1) where LiteRT refuses.
Float inputs are given explicitly (wide ranges, exact ties); integer inputs are
the dump's seeded full-range values.
"""

from __future__ import annotations

import itertools
import subprocess

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import find_binary

rng = np.random.default_rng(20261122)
ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]


def check(b: OpModelBuilder, tmp_path, inputs: dict[int, np.ndarray] | None = None, seeds=(0, 1)):
    path = b.save(tmp_path / "op.tflite")
    args: list[str] = []
    for position, value in (inputs or {}).items():
        npy = tmp_path / f"in{position}.npy"
        np.save(npy, value)
        args += ["--input", f"{position}={npy}"]
    for seed in seeds if not inputs or len(inputs) < len(b.inputs) else seeds[:1]:
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(args))
        assert result, format_table(result, only_failures=True)


def refused(b: OpModelBuilder, tmp_path, needle: str) -> str:
    """tfldbg refuses the model in Prepare with one line containing `needle`."""
    path = b.save(tmp_path / "op.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and needle in lines[0], proc.stderr
    return lines[0]


def wide_floats(shape, scale=6.0):
    """Floats over [-scale, scale] with a few exact zeros and extremes."""
    x = rng.uniform(-scale, scale, shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[: min(3, flat.size)] = [0.0, scale, -scale][: min(3, flat.size)]
    return x


# ---- ADD / SUB / MUL ------------------------------------------------------------

BROADCASTS = [
    ([2, 3, 4], [2, 3, 4]),
    ([3, 4], [1]),                      # one value against all
    ([1], [2, 1, 5]),
    ([4, 1, 3, 1, 2], [1, 5, 1, 2, 1]),  # 5-D, both sides broadcast
    ([2, 1, 3, 1, 2, 1], [1, 2, 1, 3, 1, 2]),  # 6-D
]
ARITH = list(itertools.product(["ADD", "SUB", "MUL"], range(len(BROADCASTS)), ACTIVATIONS, ["float32", "int8", "uint8", "int16"]))


def arith_quant(op, dtype, wide=False):
    if dtype == "int16":
        return {"scale": 0.0007, "zero_point": 0}, {"scale": 0.0019 if wide else 0.0011, "zero_point": 0}, \
               {"scale": 0.003 if op == "MUL" else 0.0015, "zero_point": 0}
    base = 128 if dtype == "uint8" else 0
    return ({"scale": 0.03, "zero_point": base + 11}, {"scale": 0.4 if wide else 0.05, "zero_point": base - 9},
            {"scale": 0.11 if op == "MUL" else 0.07, "zero_point": base - 5})


@pytest.mark.parametrize("op,shapes,act,dtype", ARITH, ids=[f"{o}-b{s}-{a}-{t}" for o, s, a, t in ARITH])
def test_arithmetic_broadcast_activation(tmp_path, op, shapes, act, dtype):
    sa, sb = BROADCASTS[shapes]
    out_shape = list(np.broadcast_shapes(tuple(sa), tuple(sb)))
    b = OpModelBuilder()
    qa = qb = qo = {}
    if dtype != "float32":
        qa, qb, qo = arith_quant(op, dtype, wide=shapes % 2 == 1)
    x1 = b.input("x1", dtype, sa, **qa)
    x2 = b.input("x2", dtype, sb, **qb)
    y = b.output("y", dtype, out_shape, **qo)
    options = {"fused_activation_function": act}
    if op in ("ADD", "SUB") and dtype == "int16":
        options["pot_scale_int16"] = False
    b.op(op, [x1, x2], [y], options=options, version=3 if dtype == "int16" else 2)
    inputs = {0: wide_floats(sa, 4.0), 1: wide_floats(sb, 4.0)} if dtype == "float32" else None
    check(b, tmp_path, inputs)


SCALE_RATIOS = [(0.02, 0.02, 0.02), (0.5, 0.001, 0.01), (0.001, 0.5, 0.3), (0.01, 0.02, 1e-4), (3.0, 2.0, 8.0)]


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
@pytest.mark.parametrize("scales", range(len(SCALE_RATIOS)), ids=lambda i: f"s{i}")
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_arithmetic_scale_ratios(tmp_path, op, scales, dtype):
    s1, s2, so = SCALE_RATIOS[scales]
    base = 128 if dtype == "uint8" else 0
    b = OpModelBuilder()
    x1 = b.input("x1", dtype, [3, 17], scale=s1, zero_point=base - 100)
    x2 = b.input("x2", dtype, [3, 17], scale=s2, zero_point=base + 127 - (1 if dtype == "int8" else 0))
    y = b.output("y", dtype, [3, 17], scale=so, zero_point=base + 3)
    b.op(op, [x1, x2], [y], options={"fused_activation_function": "NONE"}, version=2)
    check(b, tmp_path, seeds=(0, 1, 2))


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_arithmetic_int32(tmp_path, op):
    b = OpModelBuilder()
    x1 = b.input("x1", "int32", [2, 3, 4])
    x2 = b.input("x2", "int32", [3, 1])
    y = b.output("y", "int32", [2, 3, 4])
    b.op(op, [x1, x2], [y], options={"fused_activation_function": "NONE"}, version=1)
    check(b, tmp_path)


# int16 ADD/SUB, pot_scale_int16: every scale a power of two, one input on the
# output's scale and the other finer (LiteRT's LSTM path); or not all powers of
# two, which falls back to the general path.
POT_CASES = [
    ("ADD", 2 ** -12, 2 ** -12, 2 ** -12, [2, 9], [2, 9]),
    ("ADD", 2 ** -12, 2 ** -15, 2 ** -12, [2, 9], [2, 9]),
    ("ADD", 2 ** -14, 2 ** -11, 2 ** -11, [3, 7], [3, 7]),
    ("ADD", 2 ** -30, 2 ** -10, 2 ** -10, [3, 7], [3, 7]),  # a shift of 20: past the int16 mask
    ("SUB", 2 ** -12, 2 ** -13, 2 ** -12, [2, 9], [2, 9]),
    ("SUB", 2 ** -15, 2 ** -11, 2 ** -11, [2, 3, 9], [9]),  # SUB broadcasts on this path
    ("ADD", 0.0003, 2 ** -12, 2 ** -12, [2, 9], [2, 9]),     # not all powers of two: general path
]


@pytest.mark.parametrize("op", ["ADD", "SUB"])
@pytest.mark.parametrize("dtype", ["int8", "uint8"])
def test_arithmetic_output_declared_float_is_retyped_as_litert_does(tmp_path, op, dtype):
    # LiteRT's ADD and SUB give the output the inputs' type (and read its
    # quantization) whatever the model declares; add_quantized.bin relies on it.
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 7], scale=0.02, zero_point=3)
    mid = b.tensor("mid", "float32", [2, 7], scale=0.05, zero_point=1)
    y = b.output("y", dtype, [2, 7], scale=0.07, zero_point=-2 if dtype == "int8" else 5)
    b.op(op, [x, x], [mid])
    b.op(op, [mid, x], [y])
    check(b, tmp_path)


def test_mul_output_of_another_type_is_refused_as_litert_does(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [2, 7], scale=0.02, zero_point=3)
    y = b.output("y", "float32", [2, 7])
    b.op("MUL", [x, x], [y])
    refused(b, tmp_path, "operator 0 (MUL): input1 is int8 but output is float32")


@pytest.mark.parametrize("case", range(len(POT_CASES)), ids=lambda i: f"{POT_CASES[i][0]}-{i}")
@pytest.mark.parametrize("act", ["NONE", "RELU"])
def test_int16_power_of_two_add_sub(tmp_path, case, act):
    op, s1, s2, so, sh1, sh2 = POT_CASES[case]
    out_shape = list(np.broadcast_shapes(tuple(sh1), tuple(sh2)))
    b = OpModelBuilder()
    x1 = b.input("x1", "int16", sh1, scale=s1, zero_point=0)
    x2 = b.input("x2", "int16", sh2, scale=s2, zero_point=0)
    y = b.output("y", "int16", out_shape, scale=so, zero_point=0)
    b.op(op, [x1, x2], [y], options={"fused_activation_function": act, "pot_scale_int16": True}, version=3)
    check(b, tmp_path, seeds=(0, 1, 2))


def test_int16_power_of_two_refusals(tmp_path):
    b = OpModelBuilder()
    x1 = b.input("x1", "int16", [4], scale=2 ** -13, zero_point=0)
    x2 = b.input("x2", "int16", [4], scale=2 ** -14, zero_point=0)
    y = b.output("y", "int16", [4], scale=2 ** -12, zero_point=0)
    b.op("ADD", [x1, x2], [y], options={"pot_scale_int16": True}, version=3)
    refused(b, tmp_path, "one input on the output's scale")


def test_add_output_scale_too_small_is_refused(tmp_path):
    b = OpModelBuilder()
    x1 = b.input("x1", "int8", [4], scale=1.0, zero_point=0)
    x2 = b.input("x2", "int8", [4], scale=1.0, zero_point=0)
    y = b.output("y", "int8", [4], scale=1e-7, zero_point=0)
    b.op("ADD", [x1, x2], [y], version=2)
    refused(b, tmp_path, "LiteRT aborts")


# ---- SOFTMAX ----------------------------------------------------------------------

SOFTMAX = list(itertools.product([1.0, 0.3, 3.7], [[7], [2, 1], [2, 3, 17], [2, 2, 2, 33]],
                                 ["float32", "int8", "uint8", "int16", "int8>int16", "uint8>int16"]))


@pytest.mark.parametrize("beta,shape,dtype", SOFTMAX, ids=[f"b{b}-{len(s)}d{s[-1]}-{t}" for b, s, t in SOFTMAX])
def test_softmax(tmp_path, beta, shape, dtype):
    src, _, dst = dtype.partition(">")
    dst = dst or src
    b = OpModelBuilder()
    qi = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.11, "zero_point": 140},
          "int16": {"scale": 0.0007, "zero_point": 0}}[src]
    qo = {"float32": {}, "int8": {"scale": 1 / 256, "zero_point": -128}, "uint8": {"scale": 1 / 256, "zero_point": 0},
          "int16": {"scale": 1 / 32768 if src == "int16" else 1 / 65536, "zero_point": 0 if src == "int16" else -32768}}[dst]
    x = b.input("x", src, shape, **qi)
    y = b.output("y", dst, shape, **qo)
    b.op("SOFTMAX", [x], [y], options={"beta": beta}, version=3 if "int16" in dtype else 2)
    check(b, tmp_path, {0: wide_floats(shape, 8.0)} if src == "float32" else None)


def test_softmax_int8_other_output_quantization_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 10], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [1, 10], scale=1 / 128, zero_point=0)
    b.op("SOFTMAX", [x], [y], options={"beta": 1.0}, version=2)
    refused(b, tmp_path, "scale 1/256 and zero point -128")


# ---- LOGISTIC / TANH ----------------------------------------------------------------

SIGMOID = list(itertools.product(["LOGISTIC", "TANH"], [
    ("float32", None),
    ("int8", 0.02), ("int8", 0.1), ("uint8", 0.05), ("uint8", 0.3),
    ("int16", 2 ** -12), ("int16", 2 ** -11), ("int16", 0.001), ("int16", 1 / 3000), ("int16", 0.0002), ("int16", 2 ** -9),
]))


@pytest.mark.parametrize("op,kind", SIGMOID, ids=[f"{o}-{k[0]}-{k[1]}" for o, k in SIGMOID])
def test_logistic_tanh(tmp_path, op, kind):
    dtype, scale = kind
    b = OpModelBuilder()
    if dtype == "float32":
        qi = qo = {}
    elif dtype == "int16":
        qi, qo = {"scale": scale, "zero_point": 0}, {"scale": 1 / 32768, "zero_point": 0}
    else:
        qi = {"scale": scale, "zero_point": -20 if dtype == "int8" else 100}
        if op == "LOGISTIC":
            qo = {"scale": 1 / 256, "zero_point": -128 if dtype == "int8" else 0}
        else:
            qo = {"scale": 1 / 128, "zero_point": 0 if dtype == "int8" else 128}
    shape = [4, 300]
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op(op, [x], [y], version=3 if dtype == "int16" else 2)
    if dtype == "int16":  # every int16 value once (plus padding)
        values = np.concatenate([np.arange(-32768, 32768, 55), np.array([-32768, 32767, 0, -1, 1])])
        values = np.resize(values, shape).astype(np.int16)
        check(b, tmp_path, {0: values})
    else:
        check(b, tmp_path, {0: wide_floats(shape, 20.0)} if dtype == "float32" else None)


def test_logistic_int8_needs_output_scale_1_256(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [8], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [8], scale=1 / 128, zero_point=-128)
    b.op("LOGISTIC", [x], [y], version=2)
    refused(b, tmp_path, "1/256")


# ---- RELU, RELU6, LEAKY_RELU, HARD_SWISH, PRELU -------------------------------------

RELUS = list(itertools.product(["RELU", "RELU6", "LEAKY_RELU"], ["float32", "int8", "uint8", "int16"], [0.7, 1.0, 3.1]))


@pytest.mark.parametrize("op,dtype,ratio", RELUS, ids=[f"{o}-{t}-r{r}" for o, t, r in RELUS])
def test_relu_family(tmp_path, op, dtype, ratio):
    b = OpModelBuilder()
    shape = [3, 5, 11]
    qi = {"float32": {}, "int8": {"scale": 0.04, "zero_point": -7}, "uint8": {"scale": 0.04, "zero_point": 131},
          "int16": {"scale": 0.0004, "zero_point": 0}}[dtype]
    qo = {} if dtype == "float32" else {**qi, "scale": qi["scale"] * ratio,
                                         "zero_point": {"int8": -100, "uint8": 20, "int16": 0}[dtype]}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    options = {"alpha": -0.3 if ratio > 3 else 0.15, "__table__": "LeakyReluOptions"} if op == "LEAKY_RELU" else None
    b.op(op, [x], [y], options=options, version=2)
    check(b, tmp_path, {0: wide_floats(shape, 9.0)} if dtype == "float32" else None)


HARD_SWISH = [("float32", None), ("int8", (0.02, 0.01)), ("int8", (0.1, 0.05)), ("int8", (0.05, 0.2)),
              ("uint8", (0.03, 0.02)), ("uint8", (0.2, 0.05))]


@pytest.mark.parametrize("dtype,scales", HARD_SWISH, ids=[f"{t}-{s}" for t, s in HARD_SWISH])
def test_hard_swish(tmp_path, dtype, scales):
    b = OpModelBuilder()
    shape = [2, 200]
    qi = {} if dtype == "float32" else {"scale": scales[0], "zero_point": 5 if dtype == "int8" else 120}
    qo = {} if dtype == "float32" else {"scale": scales[1], "zero_point": -60 if dtype == "int8" else 40}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("HARD_SWISH", [x], [y])
    check(b, tmp_path, {0: wide_floats(shape, 7.0)} if dtype == "float32" else None)


PRELU = list(itertools.product(["float32", "int8", "uint8"], [[3], [1, 1, 3], [5, 1], [2, 5, 3]]))


@pytest.mark.parametrize("dtype,alpha_shape", PRELU, ids=[f"{t}-a{''.join(map(str, s))}" for t, s in PRELU])
def test_prelu(tmp_path, dtype, alpha_shape):
    b = OpModelBuilder()
    shape = [2, 5, 3]
    q = {} if dtype == "float32" else {"scale": 0.05, "zero_point": 9 if dtype == "int8" else 128}
    qa = {} if dtype == "float32" else {"scale": 0.004, "zero_point": -20 if dtype == "int8" else 100}
    qo = {} if dtype == "float32" else {"scale": 0.03, "zero_point": -3 if dtype == "int8" else 110}
    x = b.input("x", dtype, shape, **q)
    if dtype == "float32":
        values = rng.uniform(-0.5, 1.5, alpha_shape).astype(np.float32)
    else:
        lo, hi = (-128, 128) if dtype == "int8" else (0, 256)
        values = rng.integers(lo, hi, alpha_shape).astype(dtype)
    alpha = b.constant("alpha", values, **qa)
    y = b.output("y", dtype, shape, **qo)
    b.op("PRELU", [x, alpha], [y])
    check(b, tmp_path, {0: wide_floats(shape, 3.0)} if dtype == "float32" else None)


# ---- QUANTIZE / DEQUANTIZE -------------------------------------------------------------

def quantize_inputs(scale: float, shape):
    """Exact rounding ties, values far outside the type, and random values."""
    ties = (np.arange(-40, 40) + 0.5).astype(np.float32) * np.float32(scale)
    extremes = np.array([0.0, -0.0, 1e9, -1e9, 3.0e4, -3.0e4], np.float32)
    rest = rng.uniform(-200 * scale, 200 * scale, int(np.prod(shape)) - ties.size - extremes.size).astype(np.float32)
    return np.concatenate([ties, extremes, rest]).reshape(shape)


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


REQUANT = [("int8", 0.02, -3, "int8", 0.05, 10), ("int8", 0.02, 5, "uint8", 0.02, 133),   # the exact 128 shift
           ("uint8", 0.02, 133, "int8", 0.02, 5), ("uint8", 0.1, 128, "uint8", 0.01, 100),
           ("uint8", 0.1, 120, "int8", 0.3, -7), ("int8", 0.05, 1, "int16", 0.0003, 0),
           ("int16", 0.0003, 0, "int8", 0.02, -2), ("int16", 0.0003, 0, "int16", 0.0011, 0),
           ("int8", 0.02, 0, "int8", 0.0001, 0), ("uint8", 0.02, 130, "int16", 0.0005, 0),
           ("int16", 1.52590219e-05, -32768, "int32", 3.05185094e-05, 0),  # TFLM's keyword model ends so
           ("int16", 0.0003, 5, "int32", 0.00001, -7)]


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
    q = {"scale": [0.01, 0.2, 0.03], "zero_point": zps, "quantized_dimension": 1} if per_channel else \
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


def test_sub_output_factor_above_one_is_refused(tmp_path):
    # LiteRT's double-rounding SUB evaluates this with undefined shifts (measured:
    # +-1 in vectorised blocks, other values in the scalar tail).
    b = OpModelBuilder()
    x1 = b.input("x1", "int8", [4], scale=1.0, zero_point=0)
    x2 = b.input("x2", "int8", [4], scale=1.0, zero_point=0)
    y = b.output("y", "int8", [4], scale=1e-7, zero_point=0)
    b.op("SUB", [x1, x2], [y], version=2)
    refused(b, tmp_path, "undefined in LiteRT")


PRELU_WIDE = [("int16", [2, 5, 3], [3]), ("int16", [2, 5, 3], [2, 5, 3]), ("int8", [2, 1, 3, 2, 2], [1, 3, 1, 2]),
              ("float32", [2, 1, 3, 2, 2], [2, 1, 3, 2, 2]), ("float32", [2, 1, 3, 2, 2], [1, 3, 1, 2]),
              ("uint8", [1, 2, 1, 3, 2, 2], [2, 1, 3, 1, 2])]


@pytest.mark.parametrize("dtype,shape,alpha_shape", PRELU_WIDE, ids=[f"{t}-{len(s)}d-a{len(a)}d" for t, s, a in PRELU_WIDE])
def test_prelu_int16_and_high_rank(tmp_path, dtype, shape, alpha_shape):
    b = OpModelBuilder()
    u8 = 128 if dtype == "uint8" else 0
    q = {} if dtype == "float32" else {"scale": 0.0004 if dtype == "int16" else 0.05, "zero_point": 0 if dtype == "int16" else 4 + u8}
    qa = {} if dtype == "float32" else {"scale": 0.004, "zero_point": -20 + u8}
    qo = {} if dtype == "float32" else {"scale": 0.0003 if dtype == "int16" else 0.03, "zero_point": 0 if dtype == "int16" else -3 + u8}
    x = b.input("x", dtype, shape, **q)
    values = rng.uniform(-0.5, 1.5, alpha_shape).astype(np.float32) if dtype == "float32" else \
        rng.integers(0, 256, alpha_shape).astype(np.uint8) if dtype == "uint8" else rng.integers(-128, 128, alpha_shape).astype(np.int8)
    alpha = b.constant("alpha", values, **qa)
    y = b.output("y", dtype, shape, **qo)
    b.op("PRELU", [x, alpha], [y])
    check(b, tmp_path, {0: wide_floats(shape, 3.0)} if dtype == "float32" else None)


@pytest.mark.parametrize("dtype", ["float32", "int8"])
def test_softmax_rank_7(tmp_path, dtype):
    shape = [2, 1, 2, 1, 3, 1, 5]
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": 0.2, "zero_point": 1}
    qo = {} if dtype == "float32" else {"scale": 1 / 256, "zero_point": -128}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("SOFTMAX", [x], [y], options={"beta": 1.0}, version=2)
    check(b, tmp_path, {0: wide_floats(shape, 5.0)} if dtype == "float32" else None)


@pytest.mark.parametrize("op,dtype", [("ADD", "int8"), ("MUL", "float32"), ("SUB", "uint8")])
def test_arithmetic_equal_shapes_rank_7(tmp_path, op, dtype):
    shape = [2, 1, 2, 1, 3, 1, 2]
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.05, "zero_point": 3 if dtype == "int8" else 130}
    x1 = b.input("x1", dtype, shape, **q)
    x2 = b.input("x2", dtype, shape, **q)
    y = b.output("y", dtype, shape, **({} if dtype == "float32" else {"scale": 0.08, "zero_point": -1 if dtype == "int8" else 120}))
    b.op(op, [x1, x2], [y], options={"fused_activation_function": "NONE"}, version=2)
    check(b, tmp_path, {0: wide_floats(shape), 1: wide_floats(shape)} if dtype == "float32" else None)
