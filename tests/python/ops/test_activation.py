"""SOFTMAX, LOGISTIC, TANH, the RELU family, LEAKY_RELU, PRELU, HARD_SWISH: swept against LiteRT's
reference kernels (integers bit for bit), with the refusals LiteRT makes too.

From the former test_ops_elementwise.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(1234)


SOFTMAX_CASES = list(itertools.product([1.0, 0.5, 2.0], [[1, 10], [2, 3, 17]], ["int8", "float32", "uint8", "int16"]))


UNARY_CASES = list(itertools.product(["RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "LOGISTIC", "TANH"],
                                     ["float32", "int8", "uint8", "int16"]))


def wide_floats(shape, scale=6.0):
    """Floats over [-scale, scale] with a few exact zeros and extremes."""
    x = rng.uniform(-scale, scale, shape).astype(np.float32)
    flat = x.reshape(-1)
    flat[: min(3, flat.size)] = [0.0, scale, -scale][: min(3, flat.size)]
    return x


SOFTMAX = list(itertools.product([1.0, 0.3, 3.7], [[7], [2, 1], [2, 3, 17], [2, 2, 2, 33]],
                                 ["float32", "int8", "uint8", "int16", "int8>int16", "uint8>int16"]))


SIGMOID = list(itertools.product(["LOGISTIC", "TANH"], [
    ("float32", None),
    ("int8", 0.02), ("int8", 0.1), ("uint8", 0.05), ("uint8", 0.3),
    ("int16", 2 ** -12), ("int16", 2 ** -11), ("int16", 0.001), ("int16", 1 / 3000), ("int16", 0.0002), ("int16", 2 ** -9),
]))


RELUS = list(itertools.product(["RELU", "RELU6", "LEAKY_RELU"], ["float32", "int8", "uint8", "int16"], [0.7, 1.0, 3.1]))


HARD_SWISH = [("float32", None), ("int8", (0.02, 0.01)), ("int8", (0.1, 0.05)), ("int8", (0.05, 0.2)),
              ("uint8", (0.03, 0.02)), ("uint8", (0.2, 0.05))]


PRELU = list(itertools.product(["float32", "int8", "uint8"], [[3], [1, 1, 3], [5, 1], [2, 5, 3]]))


PRELU_WIDE = [("int16", [2, 5, 3], [3]), ("int16", [2, 5, 3], [2, 5, 3]), ("int8", [2, 1, 3, 2, 2], [1, 3, 1, 2]),
              ("float32", [2, 1, 3, 2, 2], [2, 1, 3, 2, 2]), ("float32", [2, 1, 3, 2, 2], [1, 3, 1, 2]),
              ("uint8", [1, 2, 1, 3, 2, 2], [2, 1, 3, 1, 2])]


@pytest.mark.parametrize("beta,shape,dtype", SOFTMAX_CASES, ids=[f"b{b}-{len(s)}d-{t}" for b, s, t in SOFTMAX_CASES])
def test_softmax(tmp_path, beta, shape, dtype):
    b = OpModelBuilder()
    qi = {"float32": {}, "int8": {"scale": 0.1, "zero_point": 3}, "uint8": {"scale": 0.1, "zero_point": 128},
          "int16": {"scale": 0.001, "zero_point": 0}}[dtype]
    qo = {"float32": {}, "int8": {"scale": 1 / 256, "zero_point": -128}, "uint8": {"scale": 1 / 256, "zero_point": 0},
          "int16": {"scale": 1 / 32768, "zero_point": 0}}[dtype]
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("SOFTMAX", [x], [y], options={"beta": beta}, version=3 if dtype == "int16" else 2)
    check(b, tmp_path)


# Rows long enough (>= 512 elements) that 8-bit inputs take the exponential
# table (one entry per difference to the row maximum); beta·scale where the
# largest differences fall below diff_min; int8/uint8 outputs and int16 ones.
SOFTMAX_TABLE_CASES = list(itertools.product([1.0, 2.0], [0.1, 0.02], ["int8", "uint8"], [False, True]))


@pytest.mark.parametrize("beta,scale,dtype,int16_out", SOFTMAX_TABLE_CASES,
                         ids=[f"b{b}-s{s}-{t}{'-i16' if o else ''}" for b, s, t, o in SOFTMAX_TABLE_CASES])
def test_softmax_long_rows(tmp_path, beta, scale, dtype, int16_out):
    b = OpModelBuilder()
    x = b.input("x", dtype, [3, 1001], scale=scale, zero_point=3 if dtype == "int8" else 128)
    if int16_out:
        y = b.output("y", "int16", [3, 1001], scale=1 / 32768, zero_point=0)
    else:
        y = b.output("y", dtype, [3, 1001], scale=1 / 256, zero_point=-128 if dtype == "int8" else 0)
    b.op("SOFTMAX", [x], [y], options={"beta": beta}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("op,dtype", UNARY_CASES, ids=[f"{o}-{t}" for o, t in UNARY_CASES])
def test_unary_activations(tmp_path, op, dtype):
    if op in ("LOGISTIC", "TANH") and dtype == "int16":
        pytest.skip("int16 LOGISTIC/TANH are swept in test_ops_elementwise.py (zero-point-0, 1/32768 output scales)")
    if op in ("RELU_N1_TO_1",) and dtype == "int16":
        pytest.skip("LiteRT has no int16 RELU_N1_TO_1")
    b = OpModelBuilder()
    qi = {"float32": {}, "int8": {"scale": 0.05, "zero_point": -3}, "uint8": {"scale": 0.05, "zero_point": 128},
          "int16": {"scale": 0.001, "zero_point": 0}}[dtype]
    qo = dict(qi)
    if op == "LOGISTIC" and dtype != "float32":
        qo = {"scale": 1 / 256, "zero_point": -128 if dtype == "int8" else 0}
    if op == "TANH" and dtype != "float32":
        qo = {"scale": 1 / 128, "zero_point": 0 if dtype == "int8" else 128}
    if op in ("RELU", "RELU6", "LEAKY_RELU") and dtype != "float32":
        qo = {**qi, "scale": qi["scale"] * 0.7}
    x = b.input("x", dtype, [2, 5, 13], **qi)
    y = b.output("y", dtype, [2, 5, 13], **qo)
    options = {"alpha": 0.2, "__table__": "LeakyReluOptions"} if op == "LEAKY_RELU" else None
    b.op(op, [x], [y], options=options, version=1 if op == "RELU_N1_TO_1" else 2)
    check(b, tmp_path)


@pytest.mark.parametrize("dtype,alpha_shape", [("float32", [3]), ("int8", [1, 1, 3]), ("uint8", [3])], ids=["f32", "i8", "u8"])
def test_prelu(tmp_path, dtype, alpha_shape):
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.05, "zero_point": 2 if dtype == "int8" else 128}
    qa = {} if dtype == "float32" else {"scale": 0.01, "zero_point": 0 if dtype == "int8" else 128}
    qo = {} if dtype == "float32" else {"scale": 0.04, "zero_point": -1 if dtype == "int8" else 120}
    x = b.input("x", dtype, [2, 4, 3], **q)
    np_t = {"float32": np.float32, "int8": np.int8, "uint8": np.uint8}[dtype]
    values = rng.uniform(0.05, 0.5, alpha_shape) if dtype == "float32" else rng.integers(0 if dtype == "int8" else 130, 60 if dtype == "int8" else 190, alpha_shape)
    alpha = b.constant("alpha", values.astype(np_t), **qa)
    y = b.output("y", dtype, [2, 4, 3], **qo)
    b.op("PRELU", [x, alpha], [y])
    check(b, tmp_path)


@pytest.mark.parametrize("dtype,scales", [("float32", None), ("int8", (0.05, 0.03)), ("int8", (0.2, 0.1)), ("uint8", (0.04, 0.03))],
                         ids=["f32", "i8-small", "i8-wide", "u8"])
def test_hard_swish(tmp_path, dtype, scales):
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": scales[0], "zero_point": -10 if dtype == "int8" else 128}
    qo = {} if dtype == "float32" else {"scale": scales[1], "zero_point": -100 if dtype == "int8" else 20}
    x = b.input("x", dtype, [3, 47], **qi)
    y = b.output("y", dtype, [3, 47], **qo)
    b.op("HARD_SWISH", [x], [y])
    check(b, tmp_path)


@pytest.mark.parametrize("beta,shape,dtype", SOFTMAX, ids=[f"b{b}-{len(s)}d{s[-1]}-{t}" for b, s, t in SOFTMAX])
def test_softmax_basic_grid(tmp_path, beta, shape, dtype):
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


@pytest.mark.parametrize("dtype,scales", HARD_SWISH, ids=[f"{t}-{s}" for t, s in HARD_SWISH])
def test_hard_swish_basic_grid(tmp_path, dtype, scales):
    b = OpModelBuilder()
    shape = [2, 200]
    qi = {} if dtype == "float32" else {"scale": scales[0], "zero_point": 5 if dtype == "int8" else 120}
    qo = {} if dtype == "float32" else {"scale": scales[1], "zero_point": -60 if dtype == "int8" else 40}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("HARD_SWISH", [x], [y])
    check(b, tmp_path, {0: wide_floats(shape, 7.0)} if dtype == "float32" else None)


@pytest.mark.parametrize("dtype,alpha_shape", PRELU, ids=[f"{t}-a{''.join(map(str, s))}" for t, s in PRELU])
def test_prelu_basic_grid(tmp_path, dtype, alpha_shape):
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


@pytest.mark.parametrize("dtype,shape,alpha_shape", PRELU_WIDE, ids=[f"{t}-{len(s)}d-a{len(a)}d" for t, s, a in PRELU_WIDE])
def test_prelu_int16_and_high_rank(tmp_path, dtype, shape, alpha_shape):
    b = OpModelBuilder()
    u8 = 128 if dtype == "uint8" else 0
    q = {} if dtype == "float32" else {"scale": 0.0004 if dtype == "int16" else 0.05, "zero_point": 0 if dtype == "int16" else 4 + u8}
    qa = {} if dtype == "float32" else {"scale": 0.004, "zero_point": -20 + u8}
    qo = {} if dtype == "float32" else {"scale": 0.0003 if dtype == "int16" else 0.03, "zero_point": 0 if dtype == "int16" else -3 + u8}
    x = b.input("x", dtype, shape, **q)
    values = rng.uniform(-0.5, 1.5, alpha_shape).astype(np.float32) if dtype == "float32" else\
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


# ---- ELU, GELU, RELU_0_TO_1, LOG_SOFTMAX ---------------------------------------------------------------

# Quantization per type for the table-driven activations: (input, output).
LUT_QUANT = {"int8": [({"scale": 0.03, "zero_point": -7}, {"scale": 0.02, "zero_point": 40}),
                      ({"scale": 0.1, "zero_point": 20}, {"scale": 0.05, "zero_point": -100})],
             "uint8": [({"scale": 0.03, "zero_point": 121}, {"scale": 0.02, "zero_point": 40}),
                       ({"scale": 0.1, "zero_point": 140}, {"scale": 0.05, "zero_point": 10})],
             "int16": [({"scale": 1 / 4096, "zero_point": 0}, {"scale": 1 / 8192, "zero_point": 0}),
                       ({"scale": 0.0003, "zero_point": 17}, {"scale": 0.0002, "zero_point": -300})]}


def special_floats(shape, scale=6.0):
    """wide_floats with ±inf, NaN, ±0 and the largest floats among them."""
    x = wide_floats(shape, scale)
    flat = x.reshape(-1)
    extra = np.array([np.inf, -np.inf, np.nan, -0.0, 3.4e38, -3.4e38, 1e-30, -1e-30], np.float32)
    flat[3:3 + min(len(extra), flat.size - 3)] = extra[: max(0, flat.size - 3)]
    return x


def every_byte(dtype, shape):
    """Every value of an 8-bit type at least once (then repeated)."""
    info = np.iinfo(dtype)
    return np.resize(np.arange(info.min, info.max + 1), shape).astype(dtype)


ELU = [("float32", None)] + [("int8", i) for i in range(2)]


@pytest.mark.parametrize("dtype,qi", ELU, ids=[f"{t}-q{q}" for t, q in ELU])
def test_elu(tmp_path, dtype, qi):
    # LiteRT's reference resolver has no ELU: compared with its optimized (only) kernel (docs/litert-defects.md).
    shape = [2, 3, 50]
    q_in, q_out = ({}, {}) if qi is None else LUT_QUANT[dtype][qi]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **q_in)
    y = b.output("y", dtype, shape, **q_out)
    b.op("ELU", [x], [y])
    check(b, tmp_path, {0: special_floats(shape, 8.0) if dtype == "float32" else every_byte(dtype, shape)},
          litert="optimized")


def test_litert_reference_resolver_still_lacks_elu():
    """The finding in docs/litert-defects.md: BUILTIN_REF has no ELU; tfldbg computes its optimized kernel."""
    import tempfile
    from pathlib import Path

    from tfldbg.backends.litert import litert_interpreter

    b = OpModelBuilder()
    x = b.input("x", "float32", [3])
    y = b.output("y", "float32", [3])
    b.op("ELU", [x], [y])
    with tempfile.TemporaryDirectory() as tmp:
        path = b.save(Path(tmp) / "elu.tflite")
        with pytest.raises((RuntimeError, ValueError), match="ELU"):
            litert_interpreter(path, "reference")
        litert_interpreter(path, "optimized")


@pytest.mark.parametrize("dtype", ["uint8", "int16"])
def test_elu_other_types_are_refused(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [4], scale=0.1, zero_point=0)
    y = b.output("y", dtype, [4], scale=0.1, zero_point=0)
    b.op("ELU", [x], [y])
    refused(b, tmp_path, f"input has type {dtype}")


GELU = [(t, q, a) for a in (False, True) for t, q in
        [("float32", None), ("int8", 0), ("int8", 1), ("uint8", 0), ("uint8", 1), ("int16", 0), ("int16", 1)]]


@pytest.mark.parametrize("dtype,qi,approximate", GELU, ids=[f"{t}-q{q}-{'tanh' if a else 'erf'}" for t, q, a in GELU])
def test_gelu(tmp_path, dtype, qi, approximate):
    shape = [4, 300]
    q_in, q_out = ({}, {}) if qi is None else LUT_QUANT[dtype][qi]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **q_in)
    y = b.output("y", dtype, shape, **q_out)
    b.op("GELU", [x], [y], options={"approximate": approximate}, version=2 if dtype != "float32" else 1)
    if dtype == "float32":
        values = special_floats(shape, 10.0)
    elif dtype == "int16":
        values = np.resize(np.concatenate([np.arange(-32768, 32768, 97), [-32768, 32767, 0, -1, 1]]), shape).astype(np.int16)
    else:
        values = every_byte(dtype, shape)
    check(b, tmp_path, {0: values})


RELU_0_TO_1 = [("float32", 1.0), ("int8", 1.0), ("int8", 0.3), ("int8", 3.0), ("uint8", 1.0), ("uint8", 0.25)]


@pytest.mark.parametrize("dtype,ratio", RELU_0_TO_1, ids=[f"{t}-r{r}" for t, r in RELU_0_TO_1])
def test_relu_0_to_1(tmp_path, dtype, ratio):
    shape = [3, 7, 13]
    qi = {"float32": {}, "int8": {"scale": 0.01, "zero_point": -20}, "uint8": {"scale": 0.01, "zero_point": 100}}[dtype]
    qo = {} if dtype == "float32" else {"scale": qi["scale"] * ratio, "zero_point": {"int8": -128, "uint8": 3}[dtype]}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("RELU_0_TO_1", [x], [y])
    check(b, tmp_path, {0: special_floats(shape, 2.0) if dtype == "float32" else every_byte(dtype, shape)})


def test_relu_0_to_1_int16_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int16", [4], scale=0.001, zero_point=0)
    y = b.output("y", "int16", [4], scale=0.001, zero_point=0)
    b.op("RELU_0_TO_1", [x], [y])
    refused(b, tmp_path, "input has type int16")


LOG_SOFTMAX = [("float32", None, s) for s in ([9], [3, 17], [2, 1, 4, 33], [1, 2, 1, 2, 1, 3, 5])] + \
    [(t, s, shape) for t in ("int8", "uint8") for s in (0.02, 0.1, 0.7, 3.0) for shape in ([4, 11], [2, 3, 300])] + \
    [("int8", 2.0 ** -25, [2, 40]), ("uint8", 1e-6, [2, 40])]


@pytest.mark.parametrize("dtype,scale,shape", LOG_SOFTMAX, ids=[f"{t}-s{s}-{'x'.join(map(str, sh))}" for t, s, sh in LOG_SOFTMAX])
def test_log_softmax(tmp_path, dtype, scale, shape):
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": scale, "zero_point": -9 if dtype == "int8" else 131}
    qo = {} if dtype == "float32" else {"scale": 16 / 256, "zero_point": 127 if dtype == "int8" else 255}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape, **qo)
    b.op("LOG_SOFTMAX", [x], [y], version=1 if dtype == "float32" else 2)
    if dtype == "float32":
        check(b, tmp_path, {0: special_floats(shape, 30.0) if shape[-1] > 8 else wide_floats(shape, 30.0)})
    else:
        values = every_byte(dtype, shape)
        values.reshape(-1, shape[-1])[0] = np.iinfo(dtype).max  # a row of equal values
        check(b, tmp_path, {0: values})
        check(b, tmp_path)


@pytest.mark.parametrize("dtype,scale,zero_point", [("int8", 1 / 16, 0), ("int8", 1 / 8, 127), ("uint8", 1 / 16, 127)])
def test_log_softmax_other_output_quantization_is_refused(tmp_path, dtype, scale, zero_point):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 5], scale=0.1, zero_point=0)
    y = b.output("y", dtype, [2, 5], scale=scale, zero_point=zero_point)
    b.op("LOG_SOFTMAX", [x], [y], version=2)
    refused(b, tmp_path, "output must have scale 16/256 and zero point")


def test_log_softmax_tiny_input_scale_is_refused(tmp_path):
    # LiteRT aborts in Prepare (its input multiplier must exceed 1).
    b = OpModelBuilder()
    x = b.input("x", "int8", [2, 5], scale=2.0 ** -27, zero_point=0)
    y = b.output("y", "int8", [2, 5], scale=16 / 256, zero_point=127)
    b.op("LOG_SOFTMAX", [x], [y], version=2)
    refused(b, tmp_path, "at most 2^-26")


def test_log_softmax_int16_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int16", [2, 5], scale=0.001, zero_point=0)
    y = b.output("y", "int16", [2, 5], scale=1 / 2048, zero_point=0)
    b.op("LOG_SOFTMAX", [x], [y], version=2)
    refused(b, tmp_path, "input has type int16")


def test_log_softmax_overflowing_sum_of_exponentials_fails_in_one_line(tmp_path):
    # 5000 equal values: LiteRT's Q12 sum of exp(0) wraps past 4096 (undefined there).
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 5000], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [1, 5000], scale=16 / 256, zero_point=127)
    b.op("LOG_SOFTMAX", [x], [y], version=2)
    refused(b, tmp_path, "overflows LiteRT's Q12 accumulator", inputs={"x": np.full([1, 5000], 3, np.int8)})
