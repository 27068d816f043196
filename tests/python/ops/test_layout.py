"""TRANSPOSE, CONCATENATION, PAD, PADV2, PACK, UNPACK, TILE, SPLIT, SPLIT_V: swept against LiteRT's
reference kernels (integers bit for bit), with the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_sweep.py, test_ops_tensor.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.testing.opmodel import OpModelBuilder


PAD_CASES = list(itertools.product(["PAD", "PADV2"], ["float32", "int8", "uint8"]))


rng = np.random.default_rng(4321)


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


CONCAT_CASES = list(itertools.product([0, 1, 2, -1, -3], ["float32", "int8", "uint8", "int16", "int32"], [2, 3]))


PAD_SHAPES = {1: ([7], [[2, 3]]), 2: ([3, 4], [[0, 1], [2, 0]]), 4: ([1, 4, 5, 3], [[0, 0], [1, 2], [3, 0], [0, 1]]),
              5: ([2, 1, 3, 2, 2], [[1, 0], [0, 2], [1, 1], [0, 0], [2, 1]])}


PAD_CASES_SHAPE = list(itertools.product(["PAD", "PADV2"], ["float32", "int8", "uint8", "int16", "int32"], [1, 2, 4, 5], ["int32", "int64"]))


PAD_CASES_SHAPE = [c for c in PAD_CASES_SHAPE if c[3] == "int32" or (c[2] == 4 and c[1] == "int8")]


TRANSPOSE_PERMS = [[0], [1, 0], [0, 2, 1], [2, 0, 1], [1, 0, 3, 2], [3, 2, 1, 0], [4, 0, 3, 1, 2], [5, 1, 4, 0, 2, 3]]


TRANSPOSE_CASES = list(itertools.product(range(len(TRANSPOSE_PERMS)), ["float32", "int8", "int16", "int32"]))


def values(dtype: str, shape) -> np.ndarray:
    if dtype == "float32":
        return (rng.standard_normal(shape) * 40).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -300), min(info.max, 300) + 1, shape).astype(dtype)


@pytest.mark.parametrize("op,dtype", PAD_CASES, ids=[f"{o}-{t}" for o, t in PAD_CASES])
def test_pad(tmp_path, op, dtype):
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 7 if dtype == "int8" else 130}
    x = b.input("x", dtype, [1, 4, 5, 3], **q)
    pads = b.constant("pads", np.array([[0, 0], [1, 2], [3, 0], [0, 1]], np.int32))
    y = b.output("y", dtype, [1, 7, 8, 4], **q)
    inputs = [x, pads]
    if op == "PADV2":
        value = np.array([-0.5], np.float32) if dtype == "float32" else np.array([3], np.int8 if dtype == "int8" else np.uint8)
        inputs.append(b.constant("value", value, **q))
    b.op(op, inputs, [y], version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("perm", [[0, 2, 1], [2, 0, 1], [1, 0, 3, 2]], ids=["021", "201", "1032"])
def test_transpose(tmp_path, perm):
    shape = [2, 3, 4] if len(perm) == 3 else [2, 3, 4, 5]
    b = OpModelBuilder()
    x = b.input("x", "int8", shape, scale=0.1, zero_point=0)
    y = b.output("y", "int8", [shape[p] for p in perm], scale=0.1, zero_point=0)
    b.op("TRANSPOSE", [x, b.constant("perm", np.array(perm, np.int32))], [y], version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("axis,dtype,count", CONCAT_CASES, ids=[f"ax{a}-{t}-n{n}" for a, t, n in CONCAT_CASES])
def test_concatenation(tmp_path, axis, dtype, count):
    base = [2, 3, 4]
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    inputs, total = [], 0
    for i in range(count):
        shape = list(base)
        shape[axis % 3] += i
        total += shape[axis % 3]
        inputs.append(b.input(f"x{i}", dtype, shape, **q))
    out = list(base)
    out[axis % 3] = total
    y = b.output("y", dtype, out, **q)
    b.op("CONCATENATION", inputs, [y], options={"axis": axis})
    check(b, tmp_path)


def test_concatenation_uint8_rescales(tmp_path):
    b = OpModelBuilder()
    x0 = b.input("x0", "uint8", [2, 3], scale=0.05, zero_point=128)
    x1 = b.input("x1", "uint8", [2, 4], scale=0.013, zero_point=3)
    x2 = b.input("x2", "uint8", [2, 1], scale=0.1, zero_point=250)
    y = b.output("y", "uint8", [2, 8], scale=0.05, zero_point=128)
    b.op("CONCATENATION", [x0, x1, x2], [y], options={"axis": 1})
    check(b, tmp_path, seeds=(0, 1, 2))


def test_concatenation_int8_other_scales_is_refused(tmp_path):
    b = OpModelBuilder()
    x0 = b.input("x0", "int8", [2, 3], scale=0.05, zero_point=1)
    x1 = b.input("x1", "int8", [2, 3], scale=0.04, zero_point=1)
    y = b.output("y", "int8", [2, 6], scale=0.05, zero_point=1)
    b.op("CONCATENATION", [x0, x1], [y], options={"axis": 1})
    assert "scale" in refused(b, tmp_path)


@pytest.mark.parametrize("op,dtype,rank,pad_type", PAD_CASES_SHAPE, ids=[f"{o}-{t}-r{r}-{p}" for o, t, r, p in PAD_CASES_SHAPE])
def test_pad_basic_grid(tmp_path, op, dtype, rank, pad_type):
    shape, pads = PAD_SHAPES[rank]
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", dtype, [d + lo + hi for d, (lo, hi) in zip(shape, pads)], **q)
    inputs = [x, b.constant("pads", np.array(pads, pad_type))]
    if op == "PADV2":
        value = {"float32": np.float32(-0.75), "int8": np.int8(-100), "uint8": np.uint8(3), "int16": np.int16(-1234),
                 "int32": np.int32(77)}[dtype]
        inputs.append(b.constant("value", np.array([value]), **q))
    b.op(op, inputs, [y], version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("perm_index,dtype", TRANSPOSE_CASES,
                         ids=[f"p{''.join(map(str, TRANSPOSE_PERMS[p]))}-{t}" for p, t in TRANSPOSE_CASES])
def test_transpose_basic_grid(tmp_path, perm_index, dtype):
    perm = TRANSPOSE_PERMS[perm_index]
    shape = [2, 3, 4, 5, 3, 2][: len(perm)]
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", dtype, [shape[p] for p in perm], **q)
    b.op("TRANSPOSE", [x, b.constant("perm", np.array(perm, np.int32))], [y], version=2)
    check(b, tmp_path)


def test_pad_with_computed_paddings(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3])
    pads = b.input("pads", "int32", [2, 2])
    y = b.output("y", "float32", [3, 5])
    b.op("PAD", [x, pads], [y])
    check(b, tmp_path, inputs={"x": rng.normal(size=[2, 3]).astype(np.float32),
                               "pads": np.array([[0, 2], [3, 1]], np.int32)})


def test_unpack_of_int64_is_refused_as_litert_does(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int64", [2, 3])
    outs = [b.output(f"u{k}", "int64", [3]) for k in range(2)]
    b.op("UNPACK", [x], outs, {"num": 2, "axis": 0})
    assert "operator 0 (UNPACK): input has type int64" in refused(b, tmp_path)


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32"])
@pytest.mark.parametrize("shape,axis", [([], 0), ([3], 0), ([3], 1), ([2, 3], -1), ([2, 3, 4], 1)])
def test_pack_and_unpack(tmp_path, dtype, shape, axis):
    quant = {"scale": 0.1, "zero_point": 3} if dtype == "int8" else {}
    b = OpModelBuilder()
    n = 3
    xs = [b.input(f"x{k}", dtype, shape, **quant) for k in range(n)]
    a = axis % (len(shape) + 1)
    packed_shape = shape[:a] + [n] + shape[a:]
    packed = b.output("packed", dtype, packed_shape, **quant)
    b.op("PACK", xs, [packed], {"values_count": n, "axis": axis})
    outs = [b.output(f"u{k}", dtype, shape, **quant) for k in range(n)]
    b.op("UNPACK", [packed], outs, {"num": n, "axis": axis})
    check(b, tmp_path, {f"x{k}": values(dtype, shape) for k in range(n)})


@pytest.mark.parametrize("dtype", ["float32", "int8", "int64", "bool"])
@pytest.mark.parametrize("shape,multiples", [([3], [4]), ([2, 3], [1, 2]), ([2, 1, 3], [3, 4, 2]), ([2, 2], [0, 3])])
@pytest.mark.parametrize("computed", [False, True], ids=["constant-multiples", "computed-multiples"])
def test_tile(tmp_path, dtype, shape, multiples, computed):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    m = b.input("m", "int32", [len(shape)]) if computed else b.constant("m", np.array(multiples, np.int32))
    y = b.output("y", dtype, [d * k for d, k in zip(shape, multiples)])
    b.op("TILE", [x, m], [y])
    inputs = {"x": values(dtype, shape)}
    if computed:
        inputs["m"] = np.array(multiples, np.int32)
    check(b, tmp_path, inputs)


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int32"])
@pytest.mark.parametrize("shape,axis,parts", [([6], 0, 3), ([4, 6], 1, 2), ([4, 6], -2, 4), ([2, 3, 4], 2, 1)])
def test_split(tmp_path, dtype, shape, axis, parts):
    quant = {"scale": 0.1, "zero_point": 3} if dtype == "int8" else {}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **quant)
    a = axis % len(shape)
    out = [d // parts if i == a else d for i, d in enumerate(shape)]
    ys = [b.output(f"y{i}", dtype, out, **quant) for i in range(parts)]
    b.op("SPLIT", [b.constant("axis", np.array(axis, np.int32)), x], ys, {"num_splits": parts})
    check(b, tmp_path, {"x": values(dtype, shape)})


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("shape,axis,sizes", [([7], 0, [2, 5]), ([4, 7], 1, [1, -1, 3]), ([6, 2], 0, [0, 6]),
                                              ([2, 3, 5], -1, [2, 2, 1])])
def test_split_v(tmp_path, dtype, shape, axis, sizes):
    quant = {"scale": 0.1, "zero_point": 3} if dtype == "int8" else {}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **quant)
    a = axis % len(shape)
    resolved = [s if s != -1 else shape[a] - sum(v for v in sizes if v != -1) for s in sizes]
    ys = [b.output(f"y{i}", dtype, [s if d == a else shape[d] for d in range(len(shape))], **quant)
          for i, s in enumerate(resolved)]
    b.op("SPLIT_V", [x, b.constant("sizes", np.array(sizes, np.int32)), b.constant("axis", np.array(axis, np.int32))], ys,
         {"num_splits": len(sizes)})
    check(b, tmp_path, {"x": values(dtype, shape)})
