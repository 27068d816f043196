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


# --- BROADCAST_TO, REVERSE_V2, REVERSE_SEQUENCE, MIRROR_PAD, DEPTH_TO_SPACE, SPACE_TO_DEPTH, ----------
# --- SPACE_TO_BATCH_ND, BATCH_TO_SPACE_ND, DILATE ---------------------------------------------------

# Every type of 1, 2, 4 or 8 bytes: what LiteRT's byte-moving kernels accept.
BYTE_TYPES = ["float32", "float16", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool"]


def any_values(dtype: str, shape) -> np.ndarray:
    """Seeded values of any type, the type's edges first (min, max, 0, -1; ±inf, NaN and -0.0 for
    floats), so byte moves are checked on every bit pattern class."""
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    dt = np.dtype(dtype)
    if dt.kind == "f":
        edges = np.array([np.nan, np.inf, -np.inf, -0.0, np.finfo(dt).max, np.finfo(dt).min], dt)
        v = (rng.standard_normal(n) * 50).astype(dt)
    elif dt.kind == "c":
        edges = np.array([np.inf, -0.0, 1j], dt)
        v = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    else:
        info = np.iinfo(dt)
        edges = np.array([info.min, info.max, 0, 1 if info.min == 0 else -1], dt)
        v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    v[: min(n, len(edges))] = edges[: min(n, len(edges))]
    return v.reshape(shape)


def quant_for(dtype: str) -> dict:
    return QUANT.get(dtype, {}) if dtype in ("int8", "uint8", "int16") else {}


# BROADCAST_TO: LiteRT registers versions 2 to 4 only.

BROADCAST_TO_SHAPES = [([], [2, 3]), ([1], [4]), ([3, 1], [2, 3, 4]), ([2, 1, 3], [4, 2, 5, 3]), ([2, 3], [2, 3]),
                       ([1, 1, 1, 1, 1, 1, 1, 2], [2, 1, 3, 1, 2, 1, 2, 2]), ([2, 1, 1, 1, 1, 1, 1, 1, 1, 3], [2, 2, 1, 1, 1, 1, 1, 1, 2, 3]),
                       ([2, 0, 1], [3, 2, 0, 4]), ([1], [2, 0])]


@pytest.mark.parametrize("dtype", BYTE_TYPES + ["complex64"])
def test_broadcast_to_types(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 1, 3], **quant_for(dtype))
    b.op("BROADCAST_TO", [x, b.constant("shape", np.array([4, 2, 5, 3], np.int32))], [b.output("y", dtype, [4, 2, 5, 3], **quant_for(dtype))],
         version=2)
    check(b, tmp_path, inputs={"x": any_values(dtype, [2, 1, 3])})


@pytest.mark.parametrize("shape_type", ["int32", "int64"])
@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
@pytest.mark.parametrize("ins,outs", BROADCAST_TO_SHAPES, ids=[f"r{len(i)}-to-r{len(o)}-{k}" for k, (i, o) in enumerate(BROADCAST_TO_SHAPES)])
def test_broadcast_to_shapes(tmp_path, shape_type, computed, ins, outs):
    if computed and 0 in outs:
        pytest.skip("LiteRT's Python API cannot read an empty dynamic tensor")
    b = OpModelBuilder()
    x = b.input("x", "int8", ins, **QUANT["int8"])
    s = b.input("shape", shape_type, [len(outs)]) if computed else b.constant("shape", np.array(outs, shape_type))
    b.op("BROADCAST_TO", [x, s], [b.output("y", "int8", outs if not computed else [1] * len(outs), **QUANT["int8"])], version=3)
    inputs = {"x": any_values("int8", ins)}
    if computed:
        inputs["shape"] = np.array(outs, shape_type)
    check(b, tmp_path, inputs=inputs)


def test_broadcast_to_refusals(tmp_path):
    def model(ins, outs, shape_type="int32", computed=False):
        b = OpModelBuilder()
        x = b.input("x", "float32", ins)
        s = b.input("shape", shape_type, [len(outs)]) if computed else b.constant("shape", np.array(outs, shape_type))
        b.op("BROADCAST_TO", [x, s], [b.output("y", "float32", [max(d, 1) for d in outs])], version=2)
        return b
    refused(model([2], [2, 3]), tmp_path, "output shape must be broadcastable from input shape")
    refused(model([2, 3], [3]), tmp_path, "1 dimensions for an input of rank 2")
    refused(model([1], [2, -1]), tmp_path, "computed output dimension -1 is negative")
    refused(model([1], [2, 3], "int16"), tmp_path, "shape has type int16")
    refused(model([1], [2**20, 2**20, 2**20]), tmp_path, "is too large")
    refused(model([3], [2, 4], computed=True), tmp_path, "output shape must be broadcastable",
            inputs={"x": np.zeros([3], np.float32), "shape": np.array([2, 4], np.int32)})


# REVERSE_V2

REVERSE_TYPES = ["float32", "float16", "int8", "uint8", "int16", "int32", "int64", "bool"]
REVERSE_AXES = [([5], [0]), ([2, 3], [1]), ([2, 3], [-2]), ([2, 3, 4], [1, 2]), ([2, 3, 4], [2, 1]), ([2, 3, 4], [0, 1, 2]),
                ([2, 3, 4, 5], [1]), ([2, 1, 2, 1, 2, 1, 2, 3], [3, 4, 5]), ([2, 0, 3], [1]), ([2, 3, 2, 2, 2], [-1, -2])]


@pytest.mark.parametrize("dtype", REVERSE_TYPES)
def test_reverse_v2_types(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3, 4], **quant_for(dtype))
    b.op("REVERSE_V2", [x, b.constant("axis", np.array([1], np.int32))], [b.output("y", dtype, [2, 3, 4], **quant_for(dtype))], version=3)
    check(b, tmp_path, inputs={"x": any_values(dtype, [2, 3, 4])})


@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
@pytest.mark.parametrize("shape,axes", REVERSE_AXES, ids=[f"r{len(s)}-{'_'.join(map(str, a))}" for s, a in REVERSE_AXES])
def test_reverse_v2_axes(tmp_path, computed, shape, axes):
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    a = b.input("axis", "int32", [len(axes)]) if computed else b.constant("axis", np.array(axes, np.int32))
    b.op("REVERSE_V2", [x, a], [b.output("y", "float32", shape)])
    inputs = {"x": any_values("float32", shape)}
    if computed:
        inputs["axis"] = np.array(axes, np.int32)
    check(b, tmp_path, inputs=inputs)


def test_reverse_v2_refusals(tmp_path):
    def model(shape, axes, dtype="float32", axis_type="int32", computed=False):
        b = OpModelBuilder()
        x = b.input("x", dtype, shape)
        a = b.input("axis", axis_type, [len(axes)]) if computed else b.constant("axis", np.array(axes, axis_type))
        b.op("REVERSE_V2", [x, a], [b.output("y", dtype, shape)])
        return b
    refused(model([2, 3], []), tmp_path, "an empty axis list (LiteRT's kernel crashes on it)")
    refused(model([2, 3, 4], [0, 2]), tmp_path, "non-contiguous axes are not supported")
    refused(model([2, 3, 4], [1, 1]), tmp_path, "non-contiguous axes are not supported")
    refused(model([2, 3], [2]), tmp_path, "axis 2 is out of range for rank 2")
    refused(model([2, 3], [-3], computed=True), tmp_path, "axis -3 is out of range for rank 2",
            inputs={"x": np.zeros([2, 3], np.float32), "axis": np.array([-3], np.int32)})
    refused(model([2, 3], [0], dtype="float64"), tmp_path, "input has type float64")
    refused(model([2, 3], [0], axis_type="int64"), tmp_path, "axis has type int64")
    refused(model([1] * 9, [0]), tmp_path, "input has rank 9")
    refused(model([2], [0, 0]), tmp_path, "2 axes for an input of rank 1")


# REVERSE_SEQUENCE

SEQUENCE_CASES = [([3, 4], 1, 0, [1, 2, 4]), ([4, 3], 0, 1, [4, 0, 2]), ([2, 3, 4, 5], 2, 1, [0, 3, 1]), ([2, 3, 4, 5], 1, 3, [3, 2, 1, 0, 3]),
                  ([2, 3, 4, 5], 3, 0, [5, 2]), ([3, 4], 1, 0, [-1, 0, 1]), ([2, 1, 1, 1, 1, 1, 1, 1, 3], 8, 0, [1, 3]), ([2, 0], 1, 0, [0, 0])]


@pytest.mark.parametrize("dtype", ["float32", "uint8", "int16", "int32", "int64"])
@pytest.mark.parametrize("length_type", ["int32", "int64"])
def test_reverse_sequence_types(tmp_path, dtype, length_type):
    b = OpModelBuilder()
    x = b.input("x", dtype, [3, 5, 2], **quant_for(dtype))
    s = b.input("seq", length_type, [3])
    b.op("REVERSE_SEQUENCE", [x, s], [b.output("y", dtype, [3, 5, 2], **quant_for(dtype))], {"seq_dim": 1, "batch_dim": 0})
    check(b, tmp_path, inputs={"x": any_values(dtype, [3, 5, 2]), "seq": np.array([5, 2, 3], length_type)})


@pytest.mark.parametrize("constant", [False, True], ids=["computed", "constant"])
@pytest.mark.parametrize("shape,seq_dim,batch_dim,lengths", SEQUENCE_CASES, ids=[f"c{i}" for i in range(len(SEQUENCE_CASES))])
def test_reverse_sequence_dims(tmp_path, constant, shape, seq_dim, batch_dim, lengths):
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    s = b.constant("seq", np.array(lengths, np.int32)) if constant else b.input("seq", "int32", [len(lengths)])
    b.op("REVERSE_SEQUENCE", [x, s], [b.output("y", "float32", shape)], {"seq_dim": seq_dim, "batch_dim": batch_dim})
    inputs = {"x": any_values("float32", shape)}
    if not constant:
        inputs["seq"] = np.array(lengths, np.int32)
    check(b, tmp_path, inputs=inputs)


def test_reverse_sequence_refusals(tmp_path):
    def model(shape=(3, 4), seq_dim=1, batch_dim=0, dtype="float32", nseq=3, length_type="int32"):
        b = OpModelBuilder()
        x = b.input("x", dtype, list(shape))
        s = b.input("seq", length_type, [nseq])
        b.op("REVERSE_SEQUENCE", [x, s], [b.output("y", dtype, list(shape))], {"seq_dim": seq_dim, "batch_dim": batch_dim})
        return b
    # LiteRT checks only seq_lengths[0]; a later length past the sequence makes it write out of bounds.
    refused(model(), tmp_path, "seq_lengths[1] = 5 exceeds the sequence dimension (4)",
            inputs={"x": np.zeros([3, 4], np.float32), "seq": np.array([1, 5, 2], np.int32)})
    refused(model(), tmp_path, "seq_lengths[0] = 9 exceeds the sequence dimension (4)",
            inputs={"x": np.zeros([3, 4], np.float32), "seq": np.array([9, 1, 2], np.int32)})
    refused(model(seq_dim=0), tmp_path, "seq_dim 0 and batch_dim 0 must be two different dimensions")
    refused(model(seq_dim=2), tmp_path, "must be two different dimensions of the rank-2 input")
    refused(model(nseq=2), tmp_path, "seq_lengths has 2 entries for a batch of 3")
    refused(model(dtype="int8"), tmp_path, "input has type int8")
    refused(model(dtype="bool"), tmp_path, "input has type bool")
    refused(model(length_type="int16"), tmp_path, "seq_lengths has type int16")


# MIRROR_PAD

MIRROR_SHAPES = {1: ([5], [[2, 3]]), 2: ([3, 4], [[1, 2], [2, 3]]), 3: ([2, 3, 4], [[1, 1], [0, 2], [3, 0]]),
                 4: ([1, 4, 5, 3], [[0, 0], [2, 3], [4, 1], [1, 2]]), 6: ([2, 2, 2, 3, 2, 2], [[1, 0], [0, 1], [1, 1], [2, 1], [0, 0], [1, 1]]),
                 9: ([2] * 9, [[1, 1]] * 9)}


@pytest.mark.parametrize("dtype", BYTE_TYPES)
def test_mirror_pad_types(tmp_path, dtype):
    q = quant_for(dtype)
    b = OpModelBuilder()
    x = b.input("x", dtype, [3, 4], **q)
    b.op("MIRROR_PAD", [x, b.constant("p", np.array([[2, 1], [3, 2]], np.int32))], [b.output("y", dtype, [6, 9], **q)],
         {"mode": "REFLECT" if dtype != "bool" else "SYMMETRIC"})
    check(b, tmp_path, inputs={"x": any_values(dtype, [3, 4])})


@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
@pytest.mark.parametrize("rank", sorted(MIRROR_SHAPES))
def test_mirror_pad_ranks(tmp_path, mode, rank):
    shape, pads = MIRROR_SHAPES[rank]
    b = OpModelBuilder()
    x = b.input("x", "int16", shape, **QUANT["int16"])
    out = [d + lo + hi for d, (lo, hi) in zip(shape, pads)]
    b.op("MIRROR_PAD", [x, b.constant("p", np.array(pads, np.int64))], [b.output("y", "int16", out, **QUANT["int16"])], {"mode": mode},
         version=2)
    check(b, tmp_path, inputs={"x": any_values("int16", shape)})


@pytest.mark.parametrize("mode,shape,pads", [("REFLECT", [3, 4], [[2, 2], [3, 3]]), ("SYMMETRIC", [3, 4], [[3, 3], [4, 4]]),
                                             ("SYMMETRIC", [1, 4], [[1, 1], [0, 0]]), ("REFLECT", [1, 4], [[0, 0], [1, 0]]),
                                             ("SYMMETRIC", [0, 3], [[0, 0], [1, 2]]), ("REFLECT", [], []),
                                             ("REFLECT", [2, 3], [[0, 0], [0, 0]])],
                         ids=["reflect-max", "symmetric-max", "symmetric-size1", "reflect-size1", "symmetric-empty", "scalar", "no-pad"])
def test_mirror_pad_edges(tmp_path, mode, shape, pads):
    b = OpModelBuilder()
    x = b.input("x", "uint8", shape, **QUANT["uint8"])
    out = [d + lo + hi for d, (lo, hi) in zip(shape, pads)]
    p = np.array(pads, np.int32).reshape(len(shape), 2)
    b.op("MIRROR_PAD", [x, b.constant("p", p)], [b.output("y", "uint8", out, **QUANT["uint8"])], {"mode": mode})
    check(b, tmp_path, inputs={"x": any_values("uint8", shape)})


@pytest.mark.parametrize("pad_type", ["int32", "int64"])
@pytest.mark.parametrize("mode", ["REFLECT", "SYMMETRIC"])
def test_mirror_pad_with_computed_paddings(tmp_path, pad_type, mode):
    b = OpModelBuilder()
    x = b.input("x", "float32", [3, 4, 2])
    p = b.input("p", pad_type, [3, 2])
    b.op("MIRROR_PAD", [x, p], [b.output("y", "float32", [1, 1, 1])], {"mode": mode})
    check(b, tmp_path, inputs={"x": any_values("float32", [3, 4, 2]), "p": np.array([[2, 0], [1, 3], [1, 1]], pad_type)})


def test_mirror_pad_refusals(tmp_path):
    def model(shape=(3, 4), pads=((1, 1), (1, 1)), mode="REFLECT", dtype="float32", q=None, qo=None, computed=False, options=True):
        b = OpModelBuilder()
        x = b.input("x", dtype, list(shape), **(q or {}))
        p = b.input("p", "int32", [len(shape), 2]) if computed else b.constant("p", np.array(pads, np.int32))
        b.op("MIRROR_PAD", [x, p], [b.output("y", dtype, [d + 2 for d in shape], **(qo if qo is not None else q or {}))],
             {"mode": mode} if options else {"__table__": "PadOptions"})
        return b
    refused(model(pads=((1, 3), (1, 1))), tmp_path, "paddings 1/3 of dimension 0 must be in [0, 2]")
    refused(model(pads=((1, 4), (1, 1)), mode="SYMMETRIC"), tmp_path, "paddings 1/4 of dimension 0 must be in [0, 3]")
    refused(model(pads=((-1, 1), (1, 1))), tmp_path, "paddings -1/1 of dimension 0 must be in [0, 2]")
    refused(model(shape=(0, 3), pads=((0, 0), (1, 1))), tmp_path, "must be in [0, -1]")
    refused(model(computed=True), tmp_path, "paddings 4/0 of dimension 1 must be in [0, 3]",
            inputs={"x": np.zeros([3, 4], np.float32), "p": np.array([[1, 1], [4, 0]], np.int32)})
    refused(model(dtype="int8", q=QUANT["int8"], qo={"scale": 0.5, "zero_point": -5}), tmp_path,
            "the output's scale and zero point differ from the input's")
    refused(model(dtype="int16", q={"scale": 0.1, "zero_point": 3}), tmp_path, "int16 with a zero point other than 0")
    refused(model(options=False), tmp_path, "MIRROR_PAD without its options")
    refused(model(dtype="complex128"), tmp_path, "input of type complex128 (LiteRT pads elements of 1, 2, 4 or 8 bytes)")


# DEPTH_TO_SPACE and SPACE_TO_DEPTH (LiteRT: DEPTH_TO_SPACE version 1 only, SPACE_TO_DEPTH 1 and 2)

DEPTH_TYPES = ["float32", "int8", "uint8", "int32", "int64"]
DEPTH_CASES = [(1, [2, 3, 4, 5]), (2, [2, 4, 6, 3]), (3, [1, 3, 6, 2]), (2, [0, 2, 2, 1]), (4, [1, 4, 8, 1])]


@pytest.mark.parametrize("dtype", DEPTH_TYPES)
@pytest.mark.parametrize("block,space", DEPTH_CASES, ids=[f"b{b}-{'x'.join(map(str, s))}" for b, s in DEPTH_CASES])
def test_depth_to_space_and_back(tmp_path, dtype, block, space):
    n, h, w, c = space
    depth = [n, h // block, w // block, c * block * block]
    q = quant_for(dtype)
    b = OpModelBuilder()
    x = b.input("x", dtype, depth, **q)
    s = b.output("s", dtype, space, **q)
    b.op("DEPTH_TO_SPACE", [x], [s], {"block_size": block})
    b.op("SPACE_TO_DEPTH", [s], [b.output("d", dtype, depth, **q)], {"block_size": block}, version=2)
    check(b, tmp_path, inputs={"x": any_values(dtype, depth)})


def test_space_to_depth_keeps_the_bytes_under_other_quantization(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 4, 4, 2], scale=0.5, zero_point=3)
    b.op("SPACE_TO_DEPTH", [x], [b.output("y", "int8", [1, 2, 2, 8], scale=0.25, zero_point=-1)], {"block_size": 2})
    check(b, tmp_path)


def test_depth_space_refusals(tmp_path):
    def model(op, shape, out, block, dtype="float32", options=True):
        b = OpModelBuilder()
        x = b.input("x", dtype, shape)
        b.op(op, [x], [b.output("y", dtype, out)], {"block_size": block} if options else None)
        return b
    refused(model("DEPTH_TO_SPACE", [1, 2, 2, 8], [1, 4, 4, 2], 2, "int16"), tmp_path, "input has type int16")
    refused(model("SPACE_TO_DEPTH", [1, 4, 4, 2], [1, 2, 2, 8], 2, "bool"), tmp_path, "input has type bool")
    refused(model("DEPTH_TO_SPACE", [2, 2, 8], [2, 2, 8], 2), tmp_path, "input has rank 3")
    refused(model("DEPTH_TO_SPACE", [1, 2, 2, 8], [1, 6, 6, 1], 3), tmp_path, "depth 8 is not a multiple of block_size^2 = 9")
    refused(model("SPACE_TO_DEPTH", [1, 4, 6, 2], [1, 1, 2, 18], 3), tmp_path, "height 4 and width 6 must be multiples of block_size 3")
    refused(model("SPACE_TO_DEPTH", [1, 4, 6, 2], [1, 4, 6, 2], 0), tmp_path, "block_size 0 must be positive")
    refused(model("DEPTH_TO_SPACE", [1, 4, 6, 2], [1, 4, 6, 2], -2), tmp_path, "block_size -2 must be positive")


# SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND (LiteRT: versions 1 to 4)

def space_to_batch_shape(shape, block, pads):
    spatial = [(d + lo + hi) // k for d, k, (lo, hi) in zip(shape[1:-1], block, pads)]
    return [shape[0] * int(np.prod(block))] + spatial + [shape[-1]]


SPACE_BATCH_CASES = [([1, 4, 6, 2], [2, 3], [[0, 0], [0, 0]]), ([2, 3, 5, 2], [2, 3], [[1, 0], [0, 1]]),
                     ([2, 5, 3], [3], [[1, 0]]), ([1, 2, 2, 1], [1, 1], [[0, 0], [0, 0]]), ([3, 1, 1, 4], [2, 2], [[1, 2], [3, 0]]),
                     ([2, 4, 6, 2], [2, 3], [[-1, -1], [0, 0]]), ([2, 4, 6, 2], [2, 2], [[-1, 1], [2, -2]]), ([0, 4, 6, 2], [2, 3], [[0, 0], [0, 0]])]


@pytest.mark.parametrize("dtype", BYTE_TYPES)
@pytest.mark.parametrize("op", ["SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"])
def test_space_batch_types(tmp_path, dtype, op):
    q = {"int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131}}.get(dtype, quant_for(dtype))
    space, block, pads = [2, 3, 5, 2], [2, 3], [[1, 0], [0, 1]]
    batch = space_to_batch_shape(space, block, pads)
    ins, outs = (space, batch) if op == "SPACE_TO_BATCH_ND" else (batch, space)
    b = OpModelBuilder()
    x = b.input("x", dtype, ins, **q)
    b.op(op, [x, b.constant("block", np.array(block, np.int32)), b.constant("p", np.array(pads, np.int32))],
         [b.output("y", dtype, outs, **q)], version=4)
    check(b, tmp_path, inputs={"x": any_values(dtype, ins)})


@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
@pytest.mark.parametrize("space,block,pads", SPACE_BATCH_CASES, ids=[f"c{i}" for i in range(len(SPACE_BATCH_CASES))])
def test_space_to_batch_and_back(tmp_path, computed, space, block, pads):
    """SPACE_TO_BATCH_ND pads int8 with the zero point; BATCH_TO_SPACE_ND crops the padding away
    (negative paddings crop on the way in, as LiteRT's loops compute them: crops must not be negative)."""
    if computed and 0 in space:
        pytest.skip("LiteRT's Python API cannot read an empty dynamic tensor")
    q = QUANT["int8"]
    batch = space_to_batch_shape(space, block, pads)
    back = [d * k - lo - hi for d, k, (lo, hi) in zip(batch[1:-1], block, pads)] if min(min(p) for p in pads) >= 0 else None
    b = OpModelBuilder()
    x = b.input("x", "int8", space, **q)

    def operand(name, value):
        return b.input(name, "int32", list(value.shape)) if computed else b.constant(name, value)

    inputs = {"x": any_values("int8", space)}
    blk, pad = np.array(block, np.int32), np.array(pads, np.int32)
    y = b.output("y", "int8", batch if not computed else [1] * len(batch), **q)
    b.op("SPACE_TO_BATCH_ND", [x, operand("block", blk), operand("pads", pad)], [y])
    if back is not None:
        b.op("BATCH_TO_SPACE_ND", [y, operand("block2", blk), operand("crops", pad)],
             [b.output("z", "int8", space if not computed else [1] * len(space), **q)], version=2)
    if computed:
        inputs.update({"block": blk, "pads": pad})
        if back is not None:
            inputs.update({"block2": blk, "crops": pad})
    check(b, tmp_path, inputs=inputs)


def test_space_batch_refusals(tmp_path):
    def model(op, shape, block, pads, dtype="float32", q=None, qo=None, block_type="int32", computed=False):
        b = OpModelBuilder()
        x = b.input("x", dtype, shape, **(q or {}))
        blk = np.array(block, block_type)
        pad = np.array(pads, block_type).reshape(len(block), 2)
        ops = ([b.input("block", block_type, list(blk.shape)), b.input("p", block_type, list(pad.shape))] if computed else
               [b.constant("block", blk), b.constant("p", pad)])
        b.op(op, [x, *ops], [b.output("y", dtype, shape, **(qo if qo is not None else q or {}))])
        return b
    s2b, b2s = "SPACE_TO_BATCH_ND", "BATCH_TO_SPACE_ND"
    refused(model(s2b, [1, 4, 6, 2], [2, 3], [[0, 0], [0, 0]], block_type="int64"), tmp_path, "block_shape has type int64")
    refused(model(s2b, [1, 4, 6, 2], [2, 4], [[0, 0], [0, 0]]), tmp_path, "padded dimension 2 (6) is not a non-negative multiple of block_shape 4")
    refused(model(s2b, [1, 4, 6, 2], [0, 3], [[0, 0], [0, 0]]), tmp_path, "block_shape[0] = 0 must be positive")
    refused(model(s2b, [1, 4, 6, 2], [2, 3], [[-3, -3], [0, 0]]), tmp_path, "padded dimension 1 (-2)")
    refused(model(b2s, [6, 2, 2, 2], [2, 3], [[-1, 0], [0, 0]]), tmp_path, "crops -1/0 of dimension 1 must be non-negative")
    refused(model(b2s, [6, 2, 2, 2], [2, 3], [[3, 2], [0, 0]]), tmp_path, "crops 3/2 of dimension 1")
    refused(model(b2s, [12, 2, 2, 2], [5, 3], [[0, 0], [0, 0]]), tmp_path, "batch 12 is not a multiple of the block_shape product")
    refused(model(b2s, [12, 2, 2, 2], [-2, -3], [[0, 0], [0, 0]]), tmp_path, "block_shape[0] = -2 must be positive")
    refused(model(s2b, [1, 4, 6, 2], [2, 3], [[0, 0], [0, 0]], "int8", q={"scale": 0.5, "zero_point": 1},
                  qo={"scale": 0.5, "zero_point": 2}), tmp_path, "the output's scale and zero point differ from the input's")
    refused(model(b2s, [6, 2, 2, 2], [2, 3], [[0, 0], [0, 0]], "int16", q={"scale": 0.5, "zero_point": 2}), tmp_path,
            "int16 with a zero point other than 0")
    refused(model(s2b, [1, 4, 6, 2, 1], [2, 3, 1], [[0, 0], [0, 0], [0, 0]]), tmp_path, "input has rank 5")
    refused(model(s2b, [1, 4, 6, 2], [1, 1], [[2**31 - 1, 2**31 - 1], [0, 0]]), tmp_path, "exceeds the int32 range")
    refused(model(s2b, [1, 4, 6, 2], [2, 4], [[0, 0], [0, 0]], computed=True), tmp_path, "is not a non-negative multiple",
            inputs={"x": np.zeros([1, 4, 6, 2], np.float32), "block": np.array([2, 4], np.int32),
                    "p": np.zeros([2, 2], np.int32)})


# DILATE

DILATE_CASES = [([5], [3]), ([2, 3], [2, 3]), ([2, 3], [1, 1]), ([2, 3], [1, 3]), ([2, 3], [3, 1]), ([2, 3, 2], [3, 1, 1]),
                ([2, 3, 2, 2], [1, 2, 1, 3]), ([1, 1, 1, 1, 1, 1, 1, 1, 1, 2], [1, 1, 1, 1, 1, 1, 1, 1, 1, 3]), ([2, 0], [2, 1]),
                ([1, 2, 1, 3, 2, 1], [4, 2, 3, 1, 2, 5])]


@pytest.mark.parametrize("dtype", BYTE_TYPES + ["complex64"])
def test_dilate_types(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3])
    p = b.input("p", dtype, [])
    b.op("DILATE", [x, b.constant("d", np.array([2, 3], np.int32)), p], [b.output("y", dtype, [3, 7])])
    check(b, tmp_path, inputs={"x": any_values(dtype, [2, 3]), "p": any_values(dtype, [1]).reshape([])})


@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
@pytest.mark.parametrize("shape,dilations", DILATE_CASES, ids=[f"c{i}" for i in range(len(DILATE_CASES))])
def test_dilate_shapes(tmp_path, computed, shape, dilations):
    if computed and 0 in shape:
        pytest.skip("LiteRT's Python API cannot read an empty dynamic tensor")
    out = [(s - 1) * k + 1 if s else 0 for s, k in zip(shape, dilations)]
    b = OpModelBuilder()
    x = b.input("x", "int8", shape, **QUANT["int8"])
    d = b.input("d", "int32", [len(shape)]) if computed else b.constant("d", np.array(dilations, np.int32))
    p = b.constant("p", np.array([-7, 9], np.int8), **QUANT["int8"])  # the first element pads
    b.op("DILATE", [x, d, p], [b.output("y", "int8", out if not computed else [1] * len(out), **QUANT["int8"])])
    inputs = {"x": any_values("int8", shape)}
    if computed:
        inputs["d"] = np.array(dilations, np.int32)
    check(b, tmp_path, inputs=inputs)


def test_dilate_refusals(tmp_path):
    def model(shape, dilations, dilation_type="int32", computed=False, pshape=()):
        b = OpModelBuilder()
        x = b.input("x", "float32", shape)
        dv = np.array(dilations, dilation_type)
        d = b.input("d", dilation_type, [len(dilations)]) if computed else b.constant("d", dv)
        p = b.constant("p", np.zeros(pshape, np.float32))
        b.op("DILATE", [x, d, p], [b.output("y", "float32", [1] * len(shape))])
        return b
    refused(model([2, 3], [0, 3]), tmp_path, "dilation 0 of dimension 0 (size 2) must be >= 1")
    refused(model([2, 3], [2, -1], computed=True), tmp_path, "dilation -1 of dimension 1",
            inputs={"x": np.zeros([2, 3], np.float32), "d": np.array([2, -1], np.int32)})
    refused(model([0, 3], [2, 3]), tmp_path, "and 1 for an empty dimension")
    refused(model([2, 3], [2, 3], "int64"), tmp_path, "dilations has type int64")
    refused(model([2, 3], [2]), tmp_path, "dilations must be [2], got [1]")
    refused(model([], []), tmp_path, "input must have rank 1 or more")
    refused(model([2, 3], [2, 3], pshape=(0,)), tmp_path, "padding_value has no element")
    refused(model([3, 3], [2**31 - 1, 1]), tmp_path, "computed output dimension 4294967295 exceeds the int32 range")
    refused(model([2, 2, 2], [2**20, 2**20, 2**20]), tmp_path, "is too large")


# Every type the op table lists for the byte-moving layout ops, each op once per
# type with quantization passing through (uint8 with a scale, as the converter writes it).
EVERY_TYPE_CASES = [("CONCATENATION", t) for t in ("int64", "bool", "uint8")] + \
    [("PACK", t) for t in ("uint8", "int64")] + [("UNPACK", "uint8")] + \
    [("PAD", "int64"), ("PADV2", "int64")] + [("SPLIT", t) for t in ("uint8", "int64")] + \
    [("SPLIT_V", t) for t in ("uint8", "int32", "int64")] + [("TILE", t) for t in ("uint8", "int16", "int32")] + \
    [("TRANSPOSE", t) for t in ("uint8", "int64", "bool")]


@pytest.mark.parametrize("op,dtype", EVERY_TYPE_CASES, ids=[f"{o}-{t}" for o, t in EVERY_TYPE_CASES])
def test_layout_ops_every_type(tmp_path, op, dtype):
    q = {"scale": [0.5], "zero_point": [3]} if dtype == "uint8" else {}
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3, 4], **q)
    if op == "CONCATENATION":
        y = b.input("y", dtype, [2, 1, 4], **q)
        b.op(op, [x, y], [b.output("o", dtype, [2, 4, 4], **q)], {"axis": 1})
    elif op == "PACK":
        b.op(op, [x, x], [b.output("o", dtype, [2, 2, 3, 4], **q)], {"values_count": 2, "axis": 1})
    elif op == "UNPACK":
        b.op(op, [x], [b.output(f"o{i}", dtype, [2, 4], **q) for i in range(3)], {"num": 3, "axis": 1})
    elif op in ("PAD", "PADV2"):
        pads = b.constant("pads", np.array([[0, 1], [2, 0], [1, 1]], np.int32))
        extra = [b.constant("value", np.array([-7], np.int64))] if op == "PADV2" else []
        b.op(op, [x, pads] + extra, [b.output("o", dtype, [3, 5, 6], **q)])
    elif op == "SPLIT":
        axis = b.constant("axis", np.array(2, np.int32))
        b.op(op, [axis, x], [b.output(f"o{i}", dtype, [2, 3, 2], **q) for i in range(2)], {"num_splits": 2})
    elif op == "SPLIT_V":
        sizes = b.constant("sizes", np.array([1, -1], np.int32))
        axis = b.constant("axis", np.array(-2, np.int32))
        b.op(op, [x, sizes, axis], [b.output("o0", dtype, [2, 1, 4], **q), b.output("o1", dtype, [2, 2, 4], **q)],
             {"num_splits": 2})
    elif op == "TILE":
        multiples = b.constant("multiples", np.array([2, 1, 3], np.int32))
        b.op(op, [x, multiples], [b.output("o", dtype, [4, 3, 12], **q)])
    else:
        perm = b.constant("perm", np.array([2, 0, 1], np.int32))
        b.op(op, [x, perm], [b.output("o", dtype, [4, 2, 3], **q)])
    check(b, tmp_path)



# --- strings: TILE ---

from strings_common import strings  # noqa: E402


@pytest.mark.parametrize("shape,multiples", [([3], [2]), ([2, 3], [2, 1]), ([2, 3], [1, 3]), ([2, 1, 2], [0, 2, 1]), ([], [])])
@pytest.mark.parametrize("multiples_type", ["int32", "int64"])
def test_tile_strings(tmp_path, shape, multiples, multiples_type):
    b = OpModelBuilder()
    x = b.input("x", "string", shape)
    y = b.output("y", "string", [d * m for d, m in zip(shape, multiples)])
    b.op("TILE", [x, b.constant("m", np.array(multiples, multiples_type))], [y])
    check(b, tmp_path, inputs={"x": strings(shape)})


def test_tile_strings_random_words(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [2, 2])
    y = b.output("y", "string", [4, 6])
    b.op("TILE", [x, b.constant("m", np.array([2, 3], np.int32))], [y])
    check(b, tmp_path)
