"""MEAN, SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL, ARG_MAX, ARG_MIN, CUMSUM: swept
against LiteRT's reference kernels (integers bit for bit), with the refusals LiteRT makes too; int8/int16
SUM against LiteRT's optimized kernel (its reference kernel is defective: docs/litert-defects.md).

From the former test_ops_shape.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools
import subprocess

import numpy as np
import pytest

from sweep import check, refused
from tfldbg import run_tool
from tfldbg.backends.engine import find_binary
from tfldbg.testing.opmodel import OpModelBuilder


MEAN_CASES = list(itertools.product([[1, 2], [1], [3], [0, 2]], [True, False], ["int8", "float32", "uint8"]))


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


MEAN_SHAPES = {4: [2, 5, 4, 3], 3: [3, 4, 7], 2: [6, 9], 5: [2, 3, 2, 4, 3], 1: [11]}


MEAN_AXES = [(4, [1, 2]), (4, [2, 1]), (4, [-3, -2]), (4, [1]), (4, [3]), (4, [0, 2]), (4, [0, 1, 2, 3]), (4, [1, 1, 2]),
             (3, [1]), (3, [0, 2]), (3, [-1]), (2, [0]), (2, [1]), (5, [1, 3]), (1, [0])]


MEAN_QUANT = {"same": ((0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2)), "wide": ((0.5, -20), (0.004, 7)),
              "narrow": ((0.001, 0), (0.2, 3))}


MEAN_CASES_SHAPE = [(r, a, k, t, qn) for (r, a), k, t, qn in itertools.product(MEAN_AXES, [True, False], ["float32", "int8", "uint8", "int16"],
                                                                          list(MEAN_QUANT))
              if (t != "float32" or qn == "same") and (qn in ("same", "rescale") or (r == 4 and a == [1, 2]) or a == [0])
              and k == (MEAN_AXES.index((r, a)) % 2 == 0)]


REDUCE_AXES = [(4, [1, 2]), (4, [3]), (4, [0, 1, 2, 3]), (3, [-1]), (2, [0]), (5, [1, 3]), (1, [0])]


ARG_CASES = list(itertools.product(["ARG_MAX", "ARG_MIN"], [0, 1, 2, -1], ["float32", "int8", "uint8", "int32", "bool"],
                                   ["INT32", "INT64"], ["int32", "int64"]))


ARG_CASES = [c for c in ARG_CASES if (c[4] == "int32" and (c[3] == "INT32") == (c[1] % 2 == 0)) or (c[2] == "int8" and c[3] == "INT64")]


@pytest.mark.parametrize("axes,keep,dtype", MEAN_CASES, ids=[f"ax{''.join(map(str, a))}-{'keep' if k else 'drop'}-{t}" for a, k, t in MEAN_CASES])
def test_mean(tmp_path, axes, keep, dtype):
    shape = [2, 5, 4, 3]
    out = [1 if i in axes else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes]
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": 0.05, "zero_point": 130 if dtype == "uint8" else 4}
    qo = {} if dtype == "float32" else {"scale": 0.03, "zero_point": 120 if dtype == "uint8" else -2}
    x = b.input("x", dtype, shape, **qi)
    ax = b.constant("axes", np.array(axes, np.int32))
    y = b.output("y", dtype, out, **qo)
    b.op("MEAN", [x, ax], [y], options={"keep_dims": keep}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
def test_mean_over_pixels_over_threads(tmp_path, dtype):
    """MEAN over height and width of one image with many channels (MobileNetV2's 7x7x1280): the fast
    paths sum runs of channels and split the channels over the threads; every thread count gives the
    scalar bytes."""
    shape = [1, 7, 7, 1283]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **QUANT[dtype])
    ax = b.constant("axes", np.array([1, 2], np.int32))
    y = b.output("y", dtype, [1, 1, 1, 1283], scale=0.01 if dtype != "int16" else 0.0003, zero_point=QUANT[dtype]["zero_point"])
    b.op("MEAN", [x, ax], [y], options={"keep_dims": True}, version=2)
    check(b, tmp_path)
    proc = subprocess.run([str(find_binary()), "cpu-check", str(tmp_path / "op.tflite"), "--thread-counts", "1", "2", "3", "5"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "identical to the scalar kernels" in proc.stdout, proc.stdout + proc.stderr


@pytest.mark.parametrize("axis,dtype", [(1, "float32"), (2, "int8"), (0, "uint8")], ids=["ax1-f32", "ax2-i8", "ax0-u8"])
def test_arg_max(tmp_path, axis, dtype):
    shape = [3, 4, 5]
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 0}
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", "int32", [d for i, d in enumerate(shape) if i != axis])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"output_type": "INT32"}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("rank,axes,keep,dtype,qname", MEAN_CASES_SHAPE,
                         ids=[f"r{r}-ax{'_'.join(map(str, a))}-{'keep' if k else 'drop'}-{t}-{q}" for r, a, k, t, q in MEAN_CASES_SHAPE])
def test_mean_basic_grid(tmp_path, rank, axes, keep, dtype, qname):
    shape = MEAN_SHAPES[rank]
    axes_set = {a % rank for a in axes}
    out = [1 if i in axes_set else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes_set]
    (si, zi), (so, zo) = MEAN_QUANT[qname]
    if dtype == "uint8":
        zi, zo = zi + 128, zo + 128
    if dtype == "int16":
        zi = zo = 0
    b = OpModelBuilder()
    qi = {} if dtype == "float32" else {"scale": si, "zero_point": zi}
    qo = {} if dtype == "float32" else {"scale": so, "zero_point": zo}
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, out, **qo)
    b.op("MEAN", [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"keep_dims": keep}, version=2)
    check(b, tmp_path)


def test_mean_large_reduction(tmp_path):
    # 64*48 elements per output: the 1/N folded into the multiplier loses bits.
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 64, 48, 2], scale=0.02, zero_point=-3)
    y = b.output("y", "int8", [1, 1, 1, 2], scale=0.011, zero_point=1)
    b.op("MEAN", [x, b.constant("axes", np.array([1, 2], np.int32))], [y], options={"keep_dims": True}, version=2)
    check(b, tmp_path)


def test_mean_int16_nonzero_zero_point_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int16", [2, 3], scale=0.01, zero_point=3)
    y = b.output("y", "int16", [2], scale=0.01, zero_point=3)
    b.op("MEAN", [x, b.constant("axes", np.array([1], np.int32))], [y], options={"keep_dims": False}, version=2)
    assert "zero point" in refused(b, tmp_path)


@pytest.mark.parametrize("op,axis,dtype,out_type,axis_type", ARG_CASES,
                         ids=[f"{o}-ax{a}-{t}-{ot.lower()}-axis_{at}" for o, a, t, ot, at in ARG_CASES])
def test_arg_max_basic_grid(tmp_path, op, axis, dtype, out_type, axis_type):
    shape = [3, 40, 5]  # 40 random 8-bit values along axis 1: ties of the maximum happen
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32", "bool") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", out_type.lower(), [d for i, d in enumerate(shape) if i != axis % 3])
    b.op(op, [x, b.constant("axis", np.array([axis], axis_type))], [y], options={"output_type": out_type}, version=2)
    check(b, tmp_path)


def test_arg_max_ties_take_the_first(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 6])
    y = b.output("y", "int32", [2])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([1], np.int32))], [y], options={"output_type": "INT32"})
    check(b, tmp_path, inputs={"x": np.array([[1, 5, 2, 5, 5, 0], [-3, -3, -3, -4, -3, -9]], np.float32)})


# ---- SUM, REDUCE_PROD, REDUCE_MAX, REDUCE_MIN, REDUCE_ANY, REDUCE_ALL ------------------------------------

REDUCE_AXES = REDUCE_AXES + [(6, [0, 2, 5])]
SHAPES = {**MEAN_SHAPES, 6: [2, 1, 3, 2, 1, 2]}
ALL_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]
REDUCE_TYPES = {"SUM": ALL_TYPES, "REDUCE_PROD": ALL_TYPES, "REDUCE_MAX": ALL_TYPES, "REDUCE_MIN": ALL_TYPES,
                "REDUCE_ANY": ["bool"], "REDUCE_ALL": ["bool"]}
# Every (op, type) with every axis reduced and one more axis set in turn, alternating keep_dims; float32 (and
# bool for ANY/ALL) with every axis set, ranks 1 to 6.
REDUCTIONS = [(op, t, r, a, j % 2 == 0) for op, types in REDUCE_TYPES.items() for i, t in enumerate(types)
              for j, (r, a) in enumerate(REDUCE_AXES)
              if t == "float32" or len(types) == 1 or j == (i + len(op)) % len(REDUCE_AXES) or a == [0, 1, 2, 3]]
# Quantization of the reductions' quantized types: MAX/MIN keep the input's, SUM and PROD rescale.
REDUCE_QUANT = {"int8": ({"scale": 0.05, "zero_point": 4}, {"scale": 0.35, "zero_point": -3}),
                "uint8": ({"scale": 0.05, "zero_point": 132}, {"scale": 0.35, "zero_point": 100}),
                "int16": ({"scale": 0.001, "zero_point": 0}, {"scale": 0.007, "zero_point": 0})}


def reduce_values(dtype, shape, op, rng):
    if dtype == "bool":
        return rng.random(shape) < (0.8 if op == "REDUCE_ALL" else 0.2)
    if dtype == "float32":
        return rng.uniform(-2, 2, shape).astype(np.float32)
    info = np.iinfo(dtype)
    if op == "REDUCE_PROD":  # small factors, so that some products stay in range
        return rng.integers(max(info.min, -3), min(info.max, 4), shape).astype(dtype)
    return rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)


def reduction(op, dtype, shape, axes, keep, quantized=True, axes_input=False):
    rank = len(shape)
    axes_set = {a % rank for a in axes}
    out = [1 if i in axes_set else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes_set]
    qi, qo = REDUCE_QUANT.get(dtype, ({}, {})) if quantized else ({}, {})
    if op in ("REDUCE_MAX", "REDUCE_MIN"):
        qo = qi
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **qi)
    ax = b.input("axes", "int32", [len(axes)]) if axes_input else b.constant("axes", np.array(axes, np.int32))
    y = b.output("y", dtype, out, **qo)
    b.op(op, [x, ax], [y], options={"__table__": "ReducerOptions", "keep_dims": keep})
    return b


@pytest.mark.parametrize("op,dtype,rank,axes,keep", REDUCTIONS,
                         ids=[f"{o}-{t}-r{r}-ax{'_'.join(map(str, a))}-{'keep' if k else 'drop'}" for o, t, r, a, k in REDUCTIONS])
def test_reductions(tmp_path, op, dtype, rank, axes, keep):
    shape = SHAPES[rank]
    b = reduction(op, dtype, shape, axes, keep, quantized=not (op == "REDUCE_PROD" and dtype == "uint8"))
    # int8/int16 SUM: LiteRT's optimized kernel (its reference kernel reads the data as uint8).
    litert = "optimized" if op == "SUM" and dtype in ("int8", "int16") else "reference"
    check(b, tmp_path, {"x": reduce_values(dtype, shape, op, np.random.default_rng(rank))}, litert=litert)


@pytest.mark.parametrize("op", ["SUM", "REDUCE_PROD", "REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("axes", [[0, 1], [1]], ids=["all", "one"])
def test_reductions_of_special_floats(tmp_path, op, axes):
    # NaN, ±inf, ±0 and the largest floats; reducing every axis LiteRT folds from the first element.
    b = reduction(op, "float32", [4, 3], axes, False)
    v = np.array([[np.nan, -np.inf, 3e38], [-np.inf, -np.inf, 3e38], [1.0, -0.0, 2.0], [np.inf, 0.0, -3e38]], np.float32)
    check(b, tmp_path, {"x": v})
    check(b, tmp_path, {"x": v[::-1].copy()})


@pytest.mark.parametrize("op,dtype", [(o, t) for o in REDUCE_TYPES for t in ("float32", "int32", "bool") if t in REDUCE_TYPES[o]])
def test_reductions_of_empty_inputs_give_the_identity(tmp_path, op, dtype):
    b = reduction(op, dtype, [0, 3], [0], False)
    check(b, tmp_path, {"x": np.zeros([0, 3], dtype)})


@pytest.mark.parametrize("op,dtype", [("SUM", "int32"), ("SUM", "int64"), ("REDUCE_PROD", "int32"), ("REDUCE_PROD", "int64"),
                                      ("REDUCE_PROD", "int8"), ("REDUCE_PROD", "uint8"), ("REDUCE_PROD", "int16")])
def test_integer_reductions_wrap(tmp_path, op, dtype):
    info = np.iinfo(dtype)
    v = np.array([[info.max, info.max - 1, info.min + 1], [info.max, 3, info.min]], dtype)
    check(reduction(op, dtype, [2, 3], [1], False, quantized=False), tmp_path, {"x": v})


QPROD = [("int8", (0.1, 5), (0.3, -7)), ("int8", (0.02, 0), (0.001, 0)), ("int8", (0.5, -128), (4.0, 127)),
         ("int16", (0.001, 0), (0.002, 0)), ("int16", (0.05, 0), (0.5, 0))]


@pytest.mark.parametrize("dtype,qi,qo", QPROD, ids=[f"{t}-{i[0]}-{o[0]}" for t, i, o in QPROD])
@pytest.mark.parametrize("rank,axes", [(4, [1, 2]), (3, [-1]), (2, [0, 1])], ids=["r4-12", "r3-last", "r2-all"])
def test_quantized_prod(tmp_path, dtype, qi, qo, rank, axes):
    shape = SHAPES[rank]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, scale=qi[0], zero_point=qi[1])
    axes_set = {a % rank for a in axes}
    y = b.output("y", dtype, [d for i, d in enumerate(shape) if i not in axes_set], scale=qo[0], zero_point=qo[1])
    b.op("REDUCE_PROD", [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    check(b, tmp_path)


QSUM = [("int8", (0.05, 4), (0.35, -3)), ("int8", (0.05, -128), (0.05, 127)), ("int8", (0.5, 10), (0.01, 0)),
        ("int16", (0.001, 0), (0.007, 0)), ("int16", (0.001, 0), (0.0001, 0))]


@pytest.mark.parametrize("dtype,qi,qo", QSUM, ids=[f"{t}-{i}-{o}" for t, i, o in QSUM])
@pytest.mark.parametrize("rank,axes", [(4, [1, 2]), (2, [0, 1]), (1, [])], ids=["r4-12", "r2-all", "no-axes"])
def test_int8_int16_sum_matches_litert_optimized(tmp_path, dtype, qi, qo, rank, axes):
    shape = SHAPES[rank]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, scale=qi[0], zero_point=qi[1])
    axes_set = {a % rank for a in axes}
    y = b.output("y", dtype, [d for i, d in enumerate(shape) if i not in axes_set], scale=qo[0], zero_point=qo[1])
    b.op("SUM", [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    check(b, tmp_path, litert="optimized")


def test_int8_sum_dump_says_it_matches_litert_optimized(tmp_path):
    from tfldbg.formats.dump import load_dump
    from tfldbg.testing.conformance import litert_kernels_for

    b = reduction("SUM", "int8", [2, 3], [0], False)
    path = b.save(tmp_path / "sum.tflite")
    run_tool("dump", str(path), "--out", str(tmp_path / "d"), "--seed", "0")
    dump = load_dump(tmp_path / "d")
    assert dump.manifest["steps"][0]["litert_kernels"] == "optimized"
    assert litert_kernels_for(dump) == ("optimized", ["SUM (step 0)"])


def test_litert_reference_int8_sum_is_still_defective():
    """The finding in docs/litert-defects.md: LiteRT's reference SUM reads int8 as uint8 (here -1 + -1 is read
    as 255 + 255 and clamped), its optimized kernel sums. When this fails, LiteRT changed: revisit the kernel,
    its litert_optimized mark and the doc."""
    import tempfile
    from pathlib import Path

    from tfldbg.backends.litert import litert_interpreter

    b = OpModelBuilder()
    x = b.input("x", "int8", [2, 1], scale=1.0, zero_point=0)
    y = b.output("y", "int8", [1], scale=1.0, zero_point=0)
    b.op("SUM", [x, b.constant("axes", np.array([0], np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = b.save(Path(tmp) / "sum.tflite")
        for kernels in ("reference", "optimized"):
            interp = litert_interpreter(path, kernels)
            interp.set_tensor(interp.get_input_details()[0]["index"], np.array([[-1], [-1]], np.int8))
            interp.invoke()
            results[kernels] = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert results["optimized"].tolist() == [-2]
    assert results["reference"].tolist() != [-2]


REDUCE_REFUSALS = [
    ("SUM", "int8", {}, [2, 3], "needs positive scales"),
    ("SUM", "int8", REDUCE_QUANT["int8"], [0, 3], "SUM of an empty input (LiteRT leaves the output unwritten)"),
    ("REDUCE_PROD", "uint8", REDUCE_QUANT["uint8"], [2, 3], "quantized uint8 REDUCE_PROD"),
    ("REDUCE_PROD", "int8", REDUCE_QUANT["int8"], [0, 3], "REDUCE_PROD of an empty input"),
    ("REDUCE_ANY", "float32", None, [2, 3], "input has type float32"),
    ("REDUCE_ALL", "int32", None, [2, 3], "input has type int32"),
    ("REDUCE_MAX", "int16", ({"scale": 0.1, "zero_point": 3}, {"scale": 0.1, "zero_point": 3}), [2, 3], "needs zero points of 0"),
]


@pytest.mark.parametrize("op,dtype,quant,shape,needle", REDUCE_REFUSALS, ids=[f"{o}-{t}-{i}" for i, (o, t, _, _, _) in enumerate(REDUCE_REFUSALS)])
def test_reduction_refusals(tmp_path, op, dtype, quant, shape, needle):
    qi, qo = quant if isinstance(quant, tuple) else (quant or {}, quant or {})
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, shape[1:], **qo)
    b.op(op, [x, b.constant("axes", np.array([0], np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    refused(b, tmp_path, needle, inputs={"x": np.zeros(shape, dtype)})


@pytest.mark.parametrize("op,dtype", [("REDUCE_PROD", "float32"), ("REDUCE_ANY", "bool"), ("SUM", "int8")])
def test_reductions_over_computed_axes(tmp_path, op, dtype):
    b = reduction(op, dtype, [2, 3, 4], [1, -1], False, axes_input=True)
    litert = "optimized" if dtype == "int8" else "reference"
    check(b, tmp_path, {"x": reduce_values(dtype, [2, 3, 4], op, np.random.default_rng(3)), "axes": np.array([1, -1], np.int32)},
          litert=litert)


# ---- ARG_MIN / ARG_MAX edges -------------------------------------------------------------------------------

@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("axis", [0, 1])
def test_arg_min_max_nan_and_ties(tmp_path, op, axis):
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 4])
    y = b.output("y", "int64", [4])
    b.op(op, [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"output_type": "INT64"}, version=2)
    nan, inf = np.nan, np.inf
    v = np.array([[nan, 2, nan, 2], [nan, nan, nan, nan], [-inf, inf, inf, -inf], [1, 1, 1, 1]], np.float32)
    check(b, tmp_path, {"x": v})


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
def test_arg_min_max_computed_axis(tmp_path, op):
    b = OpModelBuilder()
    x = b.input("x", "int8", [3, 5, 2], scale=0.1, zero_point=0)
    ax = b.input("axis", "int64", [1])
    y = b.output("y", "int32", [3, 2])
    b.op(op, [x, ax], [y], options={"output_type": "INT32"}, version=2)
    check(b, tmp_path, {"x": np.random.default_rng(1).integers(-128, 128, [3, 5, 2]).astype(np.int8), "axis": np.array([-2], np.int64)})


ARG_REFUSALS = [("int16", "INT32", "int32", [2, 3], 1, "input has type int16"),
                ("float32", "INT64", "int32", [2, 3], 1, "the options' output_type must be the output's type"),
                ("float32", "INT32", "int32", [2, 0], 1, "over an empty axis"),
                ("float32", "INT32", "int32", [2, 3], 2, "axis 2 is out of range")]


@pytest.mark.parametrize("op", ["ARG_MAX", "ARG_MIN"])
@pytest.mark.parametrize("dtype,out_type,out_dtype,shape,axis,needle", ARG_REFUSALS, ids=[r[-1].split()[0] + str(i) for i, r in enumerate(ARG_REFUSALS)])
def test_arg_min_max_refusals(tmp_path, op, dtype, out_type, out_dtype, shape, axis, needle):
    b = OpModelBuilder()
    q = {"scale": 0.1, "zero_point": 0} if dtype == "int16" else {}
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", out_dtype, [shape[0]])
    b.op(op, [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"output_type": out_type}, version=2)
    refused(b, tmp_path, needle, inputs={"x": np.zeros(shape, dtype)})


# ---- CUMSUM --------------------------------------------------------------------------------------------------

CUMSUM = [(t, shape, axis, ex, rev) for t in ("float32", "int32", "int64") for shape, axis in (([7], 0), ([3, 4, 5], 1), ([3, 4, 5], -1), ([2, 3, 1, 2, 2, 3], 0))
          for ex, rev in ((False, False), (True, False), (False, True), (True, True))
          if t == "float32" or ((ex, rev) == (True, True) and axis == 1) or ((ex, rev) == (False, False) and len(shape) > 1)]


@pytest.mark.parametrize("dtype,shape,axis,exclusive,reverse", CUMSUM,
                         ids=[f"{t}-{len(s)}d-ax{a}-{'ex' if e else 'in'}-{'rev' if r else 'fwd'}" for t, s, a, e, r in CUMSUM])
def test_cumsum(tmp_path, dtype, shape, axis, exclusive, reverse):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    y = b.output("y", dtype, shape)
    b.op("CUMSUM", [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"exclusive": exclusive, "reverse": reverse})
    rng = np.random.default_rng(len(shape))
    if dtype == "float32":
        v = rng.uniform(-100, 100, shape).astype(np.float32)
        v.reshape(-1)[:3] = [np.inf, 1e38, 3e38]
    else:
        info = np.iinfo(dtype)
        v = rng.integers(info.min, info.max, shape, endpoint=True).astype(dtype)  # sums wrap
    check(b, tmp_path, {"x": v})


def test_cumsum_computed_axis_and_empty_input(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [3, 4])
    ax = b.input("axis", "int32", [1])
    y = b.output("y", "float32", [3, 4])
    b.op("CUMSUM", [x, ax], [y], options={"exclusive": True, "reverse": False})
    check(b, tmp_path, {"x": np.arange(12, dtype=np.float32).reshape(3, 4), "axis": np.array([-2], np.int32)})
    b2 = OpModelBuilder()
    x = b2.input("x", "int32", [0, 4])
    y = b2.output("y", "int32", [0, 4])
    b2.op("CUMSUM", [x, b2.constant("axis", np.array([1], np.int32))], [y])
    check(b2, tmp_path, {"x": np.zeros([0, 4], np.int32)})


def test_cumsum_refusals(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [3, 4])
    y = b.output("y", "float32", [3, 4])
    b.op("CUMSUM", [x, b.constant("axis", np.array([2], np.int32))], [y])
    refused(b, tmp_path, "axis 2 is out of range for rank 2")
    b = OpModelBuilder()
    x = b.input("x", "int8", [3, 4], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [3, 4], scale=0.1, zero_point=0)
    b.op("CUMSUM", [x, b.constant("axis", np.array([0], np.int32))], [y])
    refused(b, tmp_path, "input has type int8")
    b = OpModelBuilder()  # a computed axis out of range fails the run in one line, as LiteRT's Invoke does
    x = b.input("x", "float32", [3, 4])
    ax = b.input("axis", "int32", [1])
    y = b.output("y", "float32", [3, 4])
    b.op("CUMSUM", [x, ax], [y])
    refused(b, tmp_path, "axis -3 is out of range for rank 2", inputs={"x": np.zeros([3, 4], np.float32), "axis": np.array([-3], np.int32)})


def test_conformance_table_compares_a_model_with_int8_sum_against_litert_optimized(tmp_path):
    from tfldbg.testing.conformance_table import check_one

    b = OpModelBuilder()
    x = b.input("x", "int8", [2, 6], scale=0.05, zero_point=3)
    m = b.tensor("m", "int8", [2, 6], scale=0.05, zero_point=3)
    b.op("REDUCE_MAX", [x, b.constant("none", np.array([], np.int32))], [m], options={"__table__": "ReducerOptions", "keep_dims": True})
    y = b.output("y", "int8", [6], scale=0.2, zero_point=1)
    b.op("SUM", [m, b.constant("axes", np.array([0], np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    row = check_one(b.save(tmp_path / "int8_sum.tflite"))
    assert row["ok"] and row["matched"] == row["total"] > 0, row
    assert "its optimized kernels: SUM (step 1)" in row["litert"], row


# ---- Squeeze-and-excitation blocks (issue 14: LiteRT's reference path was reported to abort on them) -------

def se_block(gate: str, keep_dims: bool, pre_activation: str, h: int, c: int) -> OpModelBuilder:
    """x [1,h,h,c] int8 -> (HARD_SWISH | swish) -> MEAN over H,W -> 1x1 CONV + RELU -> 1x1 CONV -> gate
    (LOGISTIC, HARD_SWISH or hard sigmoid: ADD 3 + RELU6, MUL 1/6) -> MUL with the block input."""
    rng = np.random.default_rng(h * c)
    r = max(8, c // 4)
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, h, h, c], scale=0.05, zero_point=-10)
    src = x
    if pre_activation == "HARD_SWISH":
        src = b.tensor("hs", "int8", [1, h, h, c], scale=0.04, zero_point=-100)
        b.op("HARD_SWISH", [x], [src])
    elif pre_activation == "swish":
        s = b.tensor("sig", "int8", [1, h, h, c], scale=1 / 256, zero_point=-128)
        b.op("LOGISTIC", [x], [s], version=2)
        src = b.tensor("swish", "int8", [1, h, h, c], scale=0.03, zero_point=-90)
        b.op("MUL", [x, s], [src], options={"fused_activation_function": "NONE"}, version=2)
    m_shape = [1, 1, 1, c] if keep_dims else [1, c]
    m = b.tensor("mean", "int8", m_shape, scale=0.02, zero_point=-50)
    b.op("MEAN", [src, b.constant("axes", np.array([1, 2], np.int32))], [m], options={"keep_dims": keep_dims}, version=2)
    if not keep_dims:
        m4 = b.tensor("mean4", "int8", [1, 1, 1, c], scale=0.02, zero_point=-50)
        b.op("RESHAPE", [m, b.constant("shape", np.array([1, 1, 1, c], np.int32))], [m4], options={"new_shape": [1, 1, 1, c]})
        m = m4
    w1 = b.constant("w1", rng.integers(-127, 128, [r, 1, 1, c]).astype(np.int8), scale=list(rng.uniform(0.005, 0.02, r)),
                    zero_point=[0] * r, quantized_dimension=0)
    b1 = b.constant("b1", rng.integers(-500, 500, [r]).astype(np.int32), scale=[0.02 * s for s in b.tensors[w1].scale], zero_point=[0] * r)
    squeeze = b.tensor("squeeze", "int8", [1, 1, 1, r], scale=0.03, zero_point=-128)
    b.op("CONV_2D", [m, w1, b1], [squeeze], options={"padding": "SAME", "stride_w": 1, "stride_h": 1, "fused_activation_function": "RELU"}, version=3)
    w2 = b.constant("w2", rng.integers(-127, 128, [c, 1, 1, r]).astype(np.int8), scale=[0.01] * c, zero_point=[0] * c, quantized_dimension=0)
    b2 = b.constant("b2", rng.integers(-500, 500, [c]).astype(np.int32), scale=[0.03 * 0.01] * c, zero_point=[0] * c)
    excite = b.tensor("excite", "int8", [1, 1, 1, c], scale=0.06, zero_point=5)
    b.op("CONV_2D", [squeeze, w2, b2], [excite], options={"padding": "SAME", "stride_w": 1, "stride_h": 1}, version=3)
    g = b.tensor("gate", "int8", [1, 1, 1, c], scale=1 / 256, zero_point=-128)
    if gate == "LOGISTIC":
        b.op("LOGISTIC", [excite], [g], version=2)
    elif gate == "HARD_SWISH":
        b.op("HARD_SWISH", [excite], [g])
    else:
        a = b.tensor("plus3", "int8", [1, 1, 1, c], scale=6 / 255, zero_point=-128)
        b.op("ADD", [excite, b.constant("three", np.array([127], np.int8), scale=3 / 127, zero_point=0)], [a],
             options={"fused_activation_function": "RELU6"}, version=2)
        b.op("MUL", [a, b.constant("sixth", np.array([127], np.int8), scale=1 / 6 / 127, zero_point=0)], [g],
             options={"fused_activation_function": "NONE"}, version=2)
    y = b.output("y", "int8", [1, h, h, c], scale=0.04, zero_point=-3)
    b.op("MUL", [src, g], [y], options={"fused_activation_function": "NONE"}, version=2)
    return b


SE_BLOCKS = [("LOGISTIC", True, "swish", 7, 40), ("hard_sigmoid", True, "HARD_SWISH", 14, 72),
             ("HARD_SWISH", False, "HARD_SWISH", 5, 16), ("LOGISTIC", False, "none", 1, 96)]


@pytest.mark.parametrize("gate,keep_dims,pre,h,c", SE_BLOCKS, ids=[f"{g}-{'keep' if k else 'reshape'}-{p}-{h}x{c}" for g, k, p, h, c in SE_BLOCKS])
def test_squeeze_and_excitation_blocks_match_litert(tmp_path, gate, keep_dims, pre, h, c):
    check(se_block(gate, keep_dims, pre, h, c), tmp_path)
