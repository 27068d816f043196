"""GATHER, SLICE, STRIDED_SLICE: swept against LiteRT's reference kernels (integers bit for bit), with
the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_sweep.py, test_ops_tensor.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.testing.opmodel import OpModelBuilder


SLICE_CASES = [
    ([0, 1, 0], [2, 4, 5], [1, 1, 2], 0, 0, 0),
    ([1, -1, 4], [0, 0, 0], [-1, -1, -1], 0, 0, 0),
    ([0, 2, 0], [0, 3, 0], [1, 1, 1], 0b101, 0b101, 0b010),
    ([-2, 0, 1], [-1, 9, 4], [1, 2, 3], 0, 0, 0b001),
]


rng = np.random.default_rng(4321)


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


def numpy_strided_slice(shape, begin, end, strides, begin_mask=0, end_mask=0, ellipsis_mask=0, new_axis_mask=0,
                        shrink_mask=0, offset=False):
    """The output shape, from numpy's own slicing (offset mode: end counts from begin)."""
    index = []
    for i in range(len(begin)):
        if ellipsis_mask >> i & 1:
            index.append(Ellipsis)
        elif new_axis_mask >> i & 1:
            index.append(None)
        elif shrink_mask >> i & 1:
            index.append(begin[i])
        else:
            stop = end[i] + begin[i] if offset else end[i]
            index.append(slice(None if begin_mask >> i & 1 else begin[i], None if end_mask >> i & 1 else stop, strides[i]))
    return list(np.zeros(shape)[tuple(index)].shape)


SLICE_CASES_SHAPE = {
    "basic": ([3, 5, 6], [0, 1, 0], [2, 4, 5], [1, 1, 2], {}),
    "negative-strides": ([3, 5, 6], [1, -1, 4], [0, 0, 0], [-1, -1, -1], {}),
    "negative-stride-masks": ([3, 5, 6], [0, 3, 0], [0, 0, 0], [-1, -2, -3], {"begin_mask": 0b111, "end_mask": 0b101}),
    "masks-shrink": ([3, 5, 6], [0, 2, 0], [0, 3, 0], [1, 1, 1], {"begin_mask": 0b101, "end_mask": 0b101, "shrink_axis_mask": 0b010}),
    "negative-begin-shrink": ([3, 5, 6], [-2, 0, 1], [-1, 9, 4], [1, 2, 3], {"shrink_axis_mask": 0b001}),
    "shrink-negative": ([3, 5, 6], [-1, -1], [0, 0], [1, 1], {"shrink_axis_mask": 0b11}),
    "partial-spec": ([3, 5, 6], [1], [3], [1], {}),
    "clamped": ([3, 5, 6], [-10, 2, 100], [10, -100, 0], [1, -1, -2], {}),
    "empty": ([3, 5, 6], [2, 0, 0], [1, 5, 6], [1, 1, 1], {}),
    "ellipsis-first": ([2, 3, 4, 5], [0, 1], [0, 4], [1, 2], {"ellipsis_mask": 0b01}),
    "ellipsis-middle": ([2, 3, 4, 5], [1, 0, 3], [2, 0, 0], [1, 1, -1], {"ellipsis_mask": 0b010, "end_mask": 0b100}),
    # An ellipsis standing for no axis: numpy gives [2, 3, 2]; LiteRT lets the ellipsis take
    # the axis it sits on whole and ignores the entry after it, giving [2, 3, 4].
    "ellipsis-empty": ([2, 3, 4], [0, 0, 0, 1], [2, 3, 0, 3], [1, 1, 1, 1], {"ellipsis_mask": 0b0100, "expect": [2, 3, 4]}),
    "new-axis": ([3, 5, 6], [0, 1, 0, 0], [0, 4, 0, 5], [1, 1, 1, 2], {"new_axis_mask": 0b0101}),
    "new-axis-ellipsis": ([3, 5, 6], [0, 0, 2], [0, 0, 3], [1, 1, 1], {"new_axis_mask": 0b001, "ellipsis_mask": 0b010,
                                                                        "shrink_axis_mask": 0b100}),
    "offset": ([3, 5, 6], [1, 0, 2], [2, 5, 3], [1, 2, 1], {"offset": True}),
    "five-d": ([2, 3, 2, 4, 3], [1, 0, 0, 3, 2], [2, 3, 2, 0, 0], [1, 2, 1, -1, -1], {"end_mask": 0b11000}),
}


def values(dtype: str, shape) -> np.ndarray:
    if dtype == "float32":
        return (rng.standard_normal(shape) * 40).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -300), min(info.max, 300) + 1, shape).astype(dtype)


GATHER_CASES = [
    # params shape, indices shape, axis, batch_dims
    ([5], [3], 0, 0),
    ([6, 4], [2, 3], 0, 0),
    ([6, 4], [5], 1, 0),
    ([3, 4, 5], [2], -1, 0),
    ([3, 4, 5], [3, 2], 1, 1),
    ([2, 3, 4, 2], [2, 3, 2], 2, 2),
    ([4, 3], [], 0, 0),
]


@pytest.mark.parametrize("begin,end,strides,begin_mask,end_mask,shrink", SLICE_CASES, ids=[f"case{i}" for i in range(len(SLICE_CASES))])
def test_strided_slice(tmp_path, begin, end, strides, begin_mask, end_mask, shrink):
    x_np = np.zeros([3, 5, 6])
    sl = []
    for ax in range(3):
        b_, e_, s_ = begin[ax], end[ax], strides[ax]
        if shrink >> ax & 1:
            sl.append(b_)
            continue
        sl.append(slice(None if begin_mask >> ax & 1 else b_, None if end_mask >> ax & 1 else e_, s_))
    out_shape = list(x_np[tuple(sl)].shape)
    b = OpModelBuilder()
    x = b.input("x", "float32", [3, 5, 6])
    y = b.output("y", "float32", out_shape)
    b.op("STRIDED_SLICE", [x, b.constant("begin", np.array(begin, np.int32)), b.constant("end", np.array(end, np.int32)),
                           b.constant("strides", np.array(strides, np.int32))], [y],
         options={"begin_mask": begin_mask, "end_mask": end_mask, "shrink_axis_mask": shrink}, version=2)
    check(b, tmp_path)


@pytest.mark.parametrize("case,dtype", list(itertools.product(SLICE_CASES_SHAPE, ["float32", "int8", "int16", "int32"])),
                         ids=[f"{c}-{t}" for c, t in itertools.product(SLICE_CASES_SHAPE, ["float32", "int8", "int16", "int32"])])
def test_strided_slice_basic_grid(tmp_path, case, dtype):
    shape, begin, end, strides, masks = SLICE_CASES_SHAPE[case]
    masks = dict(masks)
    expect = masks.pop("expect", None)
    if dtype != "float32" and case not in ("basic", "ellipsis-middle", "new-axis-ellipsis", "five-d"):
        pytest.skip("the index logic is type-independent: other types run a subset")
    out = numpy_strided_slice(shape, begin, end, strides, masks.get("begin_mask", 0), masks.get("end_mask", 0),
                              masks.get("ellipsis_mask", 0), masks.get("new_axis_mask", 0), masks.get("shrink_axis_mask", 0),
                              masks.get("offset", False)) if expect is None else expect
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", dtype, out, **q)
    b.op("STRIDED_SLICE", [x, b.constant("begin", np.array(begin, np.int32)), b.constant("end", np.array(end, np.int32)),
                           b.constant("strides", np.array(strides, np.int32))], [y], options=dict(masks), version=4)
    check(b, tmp_path, seeds=(0,))


def test_reshape_and_strided_slice_with_computed_values(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 6])
    shape = b.input("shape", "int32", [3])
    end = b.input("end", "int32", [3])
    r = b.tensor("r", "float32", [1])  # stale stored shapes: resolved at Invoke
    y = b.output("y", "float32", [1])
    b.op("RESHAPE", [x, shape], [r])
    b.op("STRIDED_SLICE", [r, b.constant("begin", np.array([0, 1, 0], np.int32)), end,
                           b.constant("strides", np.array([1, 1, 2], np.int32))], [y], version=4)
    check(b, tmp_path, inputs={"x": rng.normal(size=[4, 6]).astype(np.float32), "shape": np.array([2, 3, 4], np.int32),
                               "end": np.array([2, 3, 4], np.int32)})


@pytest.mark.parametrize("dtype", ["float32", "int8", "int32", "int64", "bool"])
@pytest.mark.parametrize("index_type", ["int32", "int64"])
@pytest.mark.parametrize("case", GATHER_CASES, ids=[f"p{c[0]}-i{c[1]}-axis{c[2]}-bd{c[3]}" for c in GATHER_CASES])
def test_gather(tmp_path, dtype, index_type, case):
    pshape, ishape, axis, batch_dims = case
    quant = {"scale": 0.1, "zero_point": 3} if dtype == "int8" else {}
    b = OpModelBuilder()
    p = b.input("params", dtype, pshape, **quant)
    i = b.input("indices", index_type, ishape)
    a = axis % len(pshape)
    out_shape = pshape[:a] + ishape[batch_dims:] + pshape[a + 1:]
    y = b.output("y", dtype, out_shape, **quant)
    b.op("GATHER", [p, i], [y], {"axis": axis, "batch_dims": batch_dims})
    idx = rng.integers(0, pshape[a], ishape).astype(index_type)
    check(b, tmp_path, {"params": values(dtype, pshape), "indices": np.asarray(idx)})


def test_gather_out_of_range_index_is_one_line(tmp_path):
    b = OpModelBuilder()
    p = b.input("params", "float32", [4, 2])
    i = b.input("indices", "int32", [3])
    y = b.output("y", "float32", [3, 2])
    b.op("GATHER", [p, i], [y], {"axis": 0})
    message = refused(b, tmp_path, inputs={"params": values("float32", [4, 2]), "indices": np.array([0, 4, 1], np.int32)})
    assert "operator 0 (GATHER): index 4 at position 1 of indices is outside [0, 4)" in message


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16", "int64", "bool"])
@pytest.mark.parametrize("shape,begin,size", [([5], [1], [3]), ([4, 6], [1, 2], [2, -1]), ([3, 4, 5], [0, 1, 2], [3, 2, 3]),
                                              ([2, 3, 4, 5], [1, 0, 3, 0], [1, 3, 1, -1])])
@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
def test_slice(tmp_path, dtype, shape, begin, size, computed):
    quant = {"scale": 0.1, "zero_point": 3} if dtype == "int8" else {}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **quant)
    if computed:
        bt, st = b.input("begin", "int32", [len(shape)]), b.input("size", "int32", [len(shape)])
    else:
        bt, st = b.constant("begin", np.array(begin, np.int32)), b.constant("size", np.array(size, np.int32))
    out = [d - bb if s == -1 else s for d, bb, s in zip(shape, begin, size)]
    y = b.output("y", dtype, out, **quant)
    b.op("SLICE", [x, bt, st], [y])
    inputs = {"x": values(dtype, shape)}
    if computed:
        inputs.update(begin=np.array(begin, np.int32), size=np.array(size, np.int32))
    check(b, tmp_path, inputs)


# --- GATHER_ND, SCATTER_ND, TOPK_V2, UNIQUE, BUCKETIZE, SPARSE_TO_DENSE, DYNAMIC_UPDATE_SLICE, MATRIX_DIAG,
# MATRIX_SET_DIAG, SEGMENT_SUM, UNSORTED_SEGMENT_*, EMBEDDING_LOOKUP, WHERE, ONE_HOT ------------------------
#
# To sweep every type LiteRT accepts without a model per type, most cases put one node per type in one
# model (independent nodes, every tensor compared). Index tensors are always given (seeded random
# values would be out of range); `litert_fails` holds that LiteRT fails where tfldbg refuses at run time.

from tfldbg.backends.litert import litert_interpreter

idx_rng = np.random.default_rng(20260822)


def sample(dtype: str, shape, nan: bool = False, low=None, high=None) -> np.ndarray:
    """Seeded values of a type with its edges mixed in: 0, -0.0, +-inf, the type's min and max (NaN on request)."""
    shape = [int(d) for d in shape]
    n = int(np.prod(shape)) if shape else 1
    if dtype == "bool":
        return idx_rng.integers(0, 2, shape).astype(bool)
    if dtype.startswith("float"):
        v = (idx_rng.standard_normal(n) * 40).astype(dtype)
        info = np.finfo(dtype)
        edges = [0.0, -0.0, np.inf, -np.inf, info.max, info.min, info.tiny] + ([np.nan] if nan else [])
    else:
        info = np.iinfo(dtype)
        lo, hi = info.min if low is None else low, info.max if high is None else high
        v = idx_rng.integers(lo, hi, n, endpoint=True).astype(dtype)
        edges = [x for x in (info.min, info.max, 0, 1) if lo <= x <= hi]
    k = min(n, len(edges))
    v[:k] = np.array(edges[:k]).astype(dtype)
    idx_rng.shuffle(v)
    return v.reshape(shape)


def litert_fails(builder: OpModelBuilder, tmp_path, inputs: dict, kernels: str = "reference") -> None:
    """LiteRT fails the model too (at allocation or at Invoke)."""
    path = builder.save(tmp_path / "litert-fails.tflite")
    with pytest.raises((RuntimeError, ValueError)):
        interp = litert_interpreter(path, kernels)
        for d in interp.get_input_details():
            value = np.asarray(inputs[d["name"]])
            if list(value.shape) != list(d["shape"]):
                interp.resize_tensor_input(d["index"], list(value.shape), strict=True)
                interp.allocate_tensors()
        for d in interp.get_input_details():
            interp.set_tensor(d["index"], np.asarray(inputs[d["name"]]))
        interp.invoke()


COPY_TYPES = ["float32", "float16", "int8", "uint8", "int16", "int32", "int64", "bool"]


# --- GATHER_ND ---------------------------------------------------------------------------------------------

GATHER_ND_CASES = [
    # params shape, indices shape, index type
    ([5], [3, 1], "int32"),
    ([4, 3], [2, 2], "int64"),
    ([4, 3], [2, 1], "int16"),
    ([2, 3, 4], [2, 2, 2], "int32"),
    ([2, 3, 4], [3], "int64"),            # one full coordinate: a scalar
    ([0, 3], [0, 1], "int32"),            # nothing to gather from, nothing asked
    ([2, 1, 2, 1, 2, 3], [4, 3], "int16"),  # rank 6 params
]


@pytest.mark.parametrize("pshape,ishape,itype", GATHER_ND_CASES, ids=[f"p{c[0]}-i{c[1]}-{c[2]}" for c in GATHER_ND_CASES])
def test_gather_nd(tmp_path, pshape, ishape, itype):
    nd = ishape[-1]
    b, inputs = OpModelBuilder(), {}
    coords = np.stack([idx_rng.integers(0, max(pshape[j], 1), ishape[:-1]) for j in range(nd)], -1) if nd else \
        np.zeros(ishape, np.int64)
    for dt in COPY_TYPES:
        p = b.input(f"params_{dt}", dt, pshape)
        i = b.input(f"indices_{dt}", itype, ishape)
        y = b.output(f"y_{dt}", dt, ishape[:-1] + pshape[nd:])
        b.op("GATHER_ND", [p, i], [y], version=5)
        inputs[f"params_{dt}"] = sample(dt, pshape)
        inputs[f"indices_{dt}"] = coords.reshape(ishape).astype(itype)
    check(b, tmp_path, inputs)


@pytest.mark.parametrize("bad,needle", [(3, "index 3 at position (1, 0) of indices is outside [0, 3)"),
                                        (-1, "index -1 at position 1 of indices is negative")])
def test_gather_nd_index_out_of_range_fails_as_litert(tmp_path, bad, needle):
    b = OpModelBuilder()
    p, i = b.input("params", "float32", [3, 2]), b.input("indices", "int32", [2, 1])
    b.op("GATHER_ND", [p, i], [b.output("y", "float32", [2, 2])])
    inputs = {"params": sample("float32", [3, 2]), "indices": np.array([[0], [bad]], np.int32)}
    assert "operator 0 (GATHER_ND): " + needle in refused(b, tmp_path, inputs=inputs)
    litert_fails(b, tmp_path, inputs)


def test_gather_nd_refuses_what_litert_refuses(tmp_path):
    b = OpModelBuilder()
    p, i = b.input("params", "uint16", [3, 2]), b.input("indices", "int32", [2, 1])
    b.op("GATHER_ND", [p, i], [b.output("y", "uint16", [2, 2])])
    refused(b, tmp_path, "params has type uint16")
    litert_fails(b, tmp_path, {"params": np.zeros([3, 2], np.uint16), "indices": np.zeros([2, 1], np.int32)})
    b = OpModelBuilder()
    p, i = b.input("params", "float32", [3, 2]), b.input("indices", "int32", [2, 3])
    b.op("GATHER_ND", [p, i], [b.output("y", "float32", [2])])
    refused(b, tmp_path, "indices address 3 dimensions but params [3,2] has 2")


def test_gather_nd_refuses_empty_coordinates_as_litert_fails_them(tmp_path):
    # Indices [2, 0] ask for all of params twice; LiteRT's kernel sees no index data and fails.
    b = OpModelBuilder()
    p, i = b.input("params", "float32", [3, 4]), b.input("indices", "int32", [2, 0])
    b.op("GATHER_ND", [p, i], [b.output("y", "float32", [2, 3, 4])])
    refused(b, tmp_path, "indices with an empty innermost dimension")
    litert_fails(b, tmp_path, {"params": sample("float32", [3, 4]), "indices": np.zeros([2, 0], np.int32)})


# --- SCATTER_ND --------------------------------------------------------------------------------------------

SCATTER_TYPES = ["float32", "int8", "uint8", "int32", "int64", "bool"]

SCATTER_ND_CASES = [
    # indices (values), updates shape, output shape, shape computed (else constant)
    ([[1], [3], [1], [0]], [4, 3], [5, 3], False),    # a duplicate: the two updates add up
    ([[1], [3], [1], [0]], [4, 3], [5, 3], True),
    ([[0, 2], [1, 1], [0, 2]], [3], [2, 3], False),   # whole coordinates, one duplicate
    ([[[1], [0]], [[1], [2]]], [2, 2, 4], [3, 4], False),  # two outer dimensions
    ([[], []], [2, 3, 2], [3, 2], False),             # empty coordinates: every update lands on all of it
    ([[0, 1, 1], [1, 0, 1]], [2], [2, 2, 2], False),
]


@pytest.mark.parametrize("indices,ushape,oshape,computed", SCATTER_ND_CASES,
                         ids=[f"u{c[1]}-o{c[2]}-{'computed' if c[3] else 'constant'}" for c in SCATTER_ND_CASES])
def test_scatter_nd(tmp_path, indices, ushape, oshape, computed):
    index_array = np.array(indices, np.int32)
    b, inputs = OpModelBuilder(), {}
    for dt in SCATTER_TYPES:
        i = b.input(f"indices_{dt}", "int32", list(index_array.shape))
        u = b.input(f"updates_{dt}", dt, ushape)
        if computed:
            s = b.input(f"shape_{dt}", "int32", [len(oshape)])
            inputs[f"shape_{dt}"] = np.array(oshape, np.int32)
        else:
            s = b.constant(f"shape_{dt}", np.array(oshape, np.int32))
        b.op("SCATTER_ND", [i, u, s], [b.output(f"y_{dt}", dt, oshape)])
        inputs[f"indices_{dt}"] = index_array
        # int8/uint8 near their limits so that the duplicate sums wrap.
        inputs[f"updates_{dt}"] = sample(dt, ushape, low=100 if dt == "uint8" else None)
    check(b, tmp_path, inputs)


def test_scatter_nd_index_out_of_range_fails_as_litert(tmp_path):
    b = OpModelBuilder()
    i, u = b.input("indices", "int32", [2, 1]), b.input("updates", "float32", [2, 3])
    b.op("SCATTER_ND", [i, u, b.constant("shape", np.array([4, 3], np.int32))], [b.output("y", "float32", [4, 3])])
    inputs = {"indices": np.array([[1], [4]], np.int32), "updates": sample("float32", [2, 3])}
    assert "index 4 at position (1, 0) of indices is outside [0, 4)" in refused(b, tmp_path, inputs=inputs)
    litert_fails(b, tmp_path, inputs)


def test_scatter_nd_refuses_what_litert_refuses(tmp_path):
    for itype, utype, needle in [("int64", "float32", "indices has type int64"), ("int32", "int16", "updates has type int16")]:
        b = OpModelBuilder()
        i, u = b.input("indices", itype, [2, 1]), b.input("updates", utype, [2, 3])
        b.op("SCATTER_ND", [i, u, b.constant("shape", np.array([4, 3], itype))], [b.output("y", utype, [4, 3])])
        refused(b, tmp_path, needle)
        litert_fails(b, tmp_path, {"indices": np.zeros([2, 1], itype), "updates": np.zeros([2, 3], utype)})


# --- TOPK_V2 -----------------------------------------------------------------------------------------------

TOPK_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64"]

TOPK_CASES = [
    # input shape, k, k type, index output type, values drawn from a few (ties) or the whole range
    ([7], 3, "int32", "int32", "ties"),
    ([2, 3, 8], 8, "int16", "int16", "ties"),      # k the whole row: a full sort
    ([4, 9], 4, "int32", "int16", "full"),
    ([3, 5], 0, "int16", "int32", "full"),         # nothing selected: an empty last dimension
    ([3, 5], -2, "int32", "int32", "full"),        # so is a negative k
    ([2, 2, 2, 2, 2, 6], 2, "int32", "int32", "ties"),
]


def topk_values(dt: str, shape, kind: str) -> np.ndarray:
    if kind == "full":
        return sample(dt, shape, nan=dt == "float32")
    # Ties and, for float32, NaN, +-inf and +-0 among them: the order among equal values is by position.
    if dt == "float32":
        pool = np.array([1.5, -0.0, 0.0, np.nan, np.inf, -np.inf, 1.5], np.float32)
    else:
        pool = np.array([0, 1, 3, 3, np.iinfo(dt).max, np.iinfo(dt).min]).astype(dt)
    return idx_rng.choice(pool, shape)


@pytest.mark.parametrize("shape,k,ktype,otype,kind", TOPK_CASES, ids=[f"{c[0]}-k{c[1]}-{c[2]}-{c[3]}-{c[4]}" for c in TOPK_CASES])
def test_topk_v2(tmp_path, shape, k, ktype, otype, kind):
    b, inputs = OpModelBuilder(), {}
    out = shape[:-1] + [max(k, 0)]
    for dt in TOPK_TYPES:
        x = b.input(f"x_{dt}", dt, shape)
        kt = b.constant(f"k_{dt}", np.array(k, ktype))
        b.op("TOPK_V2", [x, kt], [b.output(f"values_{dt}", dt, out), b.output(f"indices_{dt}", otype, out)], version=3)
        inputs[f"x_{dt}"] = topk_values(dt, shape, kind)
    check(b, tmp_path, inputs)


def test_topk_v2_computed_k(tmp_path):
    b = OpModelBuilder()
    x, k = b.input("x", "float32", [3, 6]), b.input("k", "int32", [])
    b.op("TOPK_V2", [x, k], [b.output("values", "float32", [3, 1]), b.output("indices", "int32", [3, 1])])
    check(b, tmp_path, {"x": topk_values("float32", [3, 6], "ties"), "k": np.array(4, np.int32)})


def test_topk_v2_refuses_what_litert_refuses(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [3, 4])
    b.op("TOPK_V2", [x, b.constant("k", np.array(5, np.int32))], [b.output("v", "float32", [3, 5]), b.output("i", "int32", [3, 5])])
    refused(b, tmp_path, "k 5 is larger than the last dimension of input [3,4]")
    litert_fails(b, tmp_path, {"x": sample("float32", [3, 4])})
    b = OpModelBuilder()
    x = b.input("x", "bool", [3, 4])
    b.op("TOPK_V2", [x, b.constant("k", np.array(2, np.int32))], [b.output("v", "bool", [3, 2]), b.output("i", "int32", [3, 2])])
    refused(b, tmp_path, "input has type bool")
    litert_fails(b, tmp_path, {"x": sample("bool", [3, 4])})
    # int16 positions cannot count past 32767.
    b = OpModelBuilder()
    x = b.input("x", "float32", [32768])
    b.op("TOPK_V2", [x, b.constant("k", np.array(1, np.int32))], [b.output("v", "float32", [1]), b.output("i", "int16", [1])])
    refused(b, tmp_path, "rows of 32768 elements do not fit int16 positions")
    litert_fails(b, tmp_path, {"x": sample("float32", [32768])})


# --- UNIQUE ------------------------------------------------------------------------------------------------

UNIQUE_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64"]


@pytest.mark.parametrize("n,index_type,constant", [(12, "int32", False), (9, "int64", False), (0, "int32", False),
                                                   (6, "int64", True)])
def test_unique(tmp_path, n, index_type, constant):
    b, inputs = OpModelBuilder(), {}
    for dt in UNIQUE_TYPES:
        # Few distinct values so that they repeat; -0.0 and 0.0 are one value.
        pool = np.array([3, -0.0, 0.0, 7.5, -2, 3], np.float32) if dt == "float32" else \
            np.array([3, 0, np.iinfo(dt).max, np.iinfo(dt).min, 3]).astype(dt)
        values = idx_rng.choice(pool, n).astype(dt)
        x = b.constant(f"x_{dt}", values) if constant else b.input(f"x_{dt}", dt, [n])
        if not constant:
            inputs[f"x_{dt}"] = values
        b.op("UNIQUE", [x], [b.output(f"values_{dt}", dt, [1]), b.output(f"idx_{dt}", index_type, [n])],
             {"idx_out_type": index_type.upper()})
    check(b, tmp_path, inputs or None, seeds=(0,))


@pytest.mark.parametrize("values", [[np.nan, 1.0, np.nan, 2.0], [1.0, np.nan, 2.0, np.nan, 1.0]], ids=["nan-first", "nan-later"])
def test_unique_nan_finds_what_litert_finds(tmp_path, values):
    # NaN compares false with everything: LiteRT's std::map lookup lands on an arbitrary but fixed entry.
    b = OpModelBuilder()
    x = b.input("x", "float32", [len(values)])
    b.op("UNIQUE", [x], [b.output("values", "float32", [1]), b.output("idx", "int32", [len(values)])], {"idx_out_type": "INT32"})
    check(b, tmp_path, {"x": np.array(values, np.float32)})


def test_unique_refuses_what_litert_refuses(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int32", [2, 3])
    b.op("UNIQUE", [x], [b.output("values", "int32", [1]), b.output("idx", "int32", [2, 3])], {"idx_out_type": "INT32"})
    refused(b, tmp_path, "input has rank 2")
    litert_fails(b, tmp_path, {"x": np.zeros([2, 3], np.int32)})
    b = OpModelBuilder()
    x = b.input("x", "int32", [4])
    b.op("UNIQUE", [x], [b.output("values", "int32", [1]), b.output("idx", "int32", [4])], {"idx_out_type": "INT64"})
    refused(b, tmp_path, "the index output is int32 but the options ask for int64")
    litert_fails(b, tmp_path, {"x": np.zeros([4], np.int32)})


# --- BUCKETIZE ---------------------------------------------------------------------------------------------

BUCKETIZE_BOUNDARIES = {
    "plain": [-3.0, 0.0, 2.5, 10.0],
    "repeated": [-1.0, 1.0, 1.0, 1.0, 2.0],
    "infinite": [-np.inf, 0.0, np.inf],
    # 16777217 is not a float: an int32/int64 value converts to float before the comparison
    "large": [-16777216.0, 16777216.0, 2.0**40],
    "none": [],
}


@pytest.mark.parametrize("boundaries", BUCKETIZE_BOUNDARIES, ids=list(BUCKETIZE_BOUNDARIES))
def test_bucketize(tmp_path, boundaries):
    bounds = np.array(BUCKETIZE_BOUNDARIES[boundaries], np.float32)
    b, inputs = OpModelBuilder(), {}
    for dt in ["float32", "float64", "int32", "int64"]:
        x = b.input(f"x_{dt}", dt, [4, 6])
        b.op("BUCKETIZE", [x], [b.output(f"y_{dt}", "int32", [4, 6])], {"boundaries": bounds})
        # The boundaries themselves, their neighbours and values around them.
        near = np.concatenate([bounds[np.isfinite(bounds)], [16777217, -16777217, 0, 1]])
        if dt.startswith("float"):
            v = np.concatenate([near, np.nextafter(near.astype(np.float32), np.float32(np.inf)).astype(dt),
                                sample(dt, [24], nan=True).ravel()])[:24]
        else:
            info = np.iinfo(dt)
            near = np.clip(near, info.min, info.max - 1)
            v = np.concatenate([near, near + 1, sample(dt, [24]).ravel()])[:24]
        inputs[f"x_{dt}"] = v.astype(dt).reshape(4, 6)
    check(b, tmp_path, inputs)


def test_bucketize_refuses_unsorted_boundaries_as_litert(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [3])
    b.op("BUCKETIZE", [x], [b.output("y", "int32", [3])], {"boundaries": np.array([1.0, 0.0], np.float32)})
    refused(b, tmp_path, "the boundaries are not sorted")
    litert_fails(b, tmp_path, {"x": np.zeros([3], np.float32)})


# --- SPARSE_TO_DENSE ---------------------------------------------------------------------------------------

SPARSE_TYPES = ["float32", "int8", "uint8", "int32", "int64"]

SPARSE_TO_DENSE_CASES = [
    # indices, output shape, scalar value, index type, shape type, shape computed
    ([[1], [3], [0]], [5], False, "int32", "int32", False),
    ([4, 1, 4], [6], False, "int64", "int32", False),              # a vector of indices; 4 twice: the later wins
    (2, [3], True, "int32", "int64", False),                       # a scalar index
    ([[0, 1], [2, 0], [1, 1]], [3, 2], True, "int64", "int64", False),
    ([[0, 1, 2, 0], [1, 0, 0, 1]], [2, 2, 3, 2], False, "int32", "int32", False),  # LiteRT's highest rank, 4
    ([[0, 2], [1, 1]], [2, 3], False, "int32", "int32", True),
    (np.zeros([0, 2], np.int32), [2, 2], False, "int32", "int32", False),          # no indices: all default
]


@pytest.mark.parametrize("indices,oshape,scalar,itype,stype,computed", SPARSE_TO_DENSE_CASES,
                         ids=[f"o{c[1]}-{c[3]}-{c[4]}{'-scalar' if c[2] else ''}{'-computed' if c[5] else ''}"
                              for c in SPARSE_TO_DENSE_CASES])
def test_sparse_to_dense(tmp_path, indices, oshape, scalar, itype, stype, computed):
    index_array = np.array(indices).astype(itype)
    count = index_array.size if index_array.ndim < 2 else index_array.shape[0]
    b, inputs = OpModelBuilder(), {}
    for dt in SPARSE_TYPES:
        i = b.input(f"indices_{dt}", itype, list(index_array.shape))
        s = b.input(f"shape_{dt}", stype, [len(oshape)]) if computed else b.constant(f"shape_{dt}", np.array(oshape, stype))
        v = b.input(f"values_{dt}", dt, [] if scalar else [count])
        d = b.input(f"default_{dt}", dt, [])
        b.op("SPARSE_TO_DENSE", [i, s, v, d], [b.output(f"y_{dt}", dt, oshape)], {"validate_indices": False}, version=3)
        inputs.update({f"indices_{dt}": index_array, f"values_{dt}": sample(dt, [] if scalar else [count]),
                       f"default_{dt}": sample(dt, [])})
        if computed:
            inputs[f"shape_{dt}"] = np.array(oshape, stype)
    check(b, tmp_path, inputs)


def test_sparse_to_dense_refuses_what_litert_fails(tmp_path):
    def model(indices_shape, oshape):
        b = OpModelBuilder()
        i, v, d = b.input("indices", "int32", indices_shape), b.input("values", "float32", [indices_shape[0]]), b.input("default", "float32", [])
        b.op("SPARSE_TO_DENSE", [i, b.constant("shape", np.array(oshape, np.int32)), v, d], [b.output("y", "float32", oshape)])
        return b
    b = model([1, 5], [1, 1, 1, 1, 2])
    refused(b, tmp_path, "an output of rank 5 (LiteRT handles at most 4)")
    litert_fails(b, tmp_path, {"indices": np.zeros([1, 5], np.int32), "values": np.ones([1], np.float32),
                               "default": np.zeros([], np.float32)})
    b = model([2, 2], [3, 2])
    inputs = {"indices": np.array([[0, 1], [3, 0]], np.int32), "values": np.ones([2], np.float32), "default": np.zeros([], np.float32)}
    assert "index 3 at position (1, 0) of indices is outside [0, 3)" in refused(b, tmp_path, inputs=inputs)
    litert_fails(b, tmp_path, inputs)


# --- DYNAMIC_UPDATE_SLICE ----------------------------------------------------------------------------------

DUS_TYPES = ["float32", "float16", "float64", "int8", "uint8", "int16", "int32", "int64", "uint32", "bool"]

DUS_CASES = [
    # operand shape, update shape, start indices (clamped into [0, operand - update]), index type
    ([6], [2], [3], "int32"),
    ([6], [2], [5], "int64"),                           # clamped back to 4
    ([4, 5], [2, 3], [-3, 1], "int32"),                 # a negative start clamps to 0
    ([3, 4, 5], [3, 1, 2], [7, 2, 2], "int64"),
    ([4, 5], [4, 5], [1, 1], "int32"),                  # the whole operand
    ([4, 5], [0, 2], [1, 1], "int32"),                  # an empty update
    ([2, 2, 1, 3, 1, 2, 2, 3], [1, 2, 1, 2, 1, 1, 2, 2], [1, 0, 0, 1, 0, 1, 0, 5], "int32"),  # LiteRT's highest rank, 8
    ([], [], [], "int32"),                              # scalars
]


@pytest.mark.parametrize("oshape,ushape,start,itype", DUS_CASES, ids=[f"o{c[0]}-u{c[1]}-s{c[2]}-{c[3]}" for c in DUS_CASES])
def test_dynamic_update_slice(tmp_path, oshape, ushape, start, itype):
    b, inputs = OpModelBuilder(), {}
    for dt in DUS_TYPES:
        o, u, s = b.input(f"operand_{dt}", dt, oshape), b.input(f"update_{dt}", dt, ushape), b.input(f"start_{dt}", itype, [len(start)])
        b.op("DYNAMIC_UPDATE_SLICE", [o, u, s], [b.output(f"y_{dt}", dt, oshape)], version=6)
        inputs.update({f"operand_{dt}": sample(dt, oshape, nan=dt.startswith("float")), f"update_{dt}": sample(dt, ushape),
                       f"start_{dt}": np.array(start, itype)})
    check(b, tmp_path, inputs)


def test_dynamic_update_slice_refuses_what_litert_refuses(tmp_path):
    b = OpModelBuilder()
    o, u, s = b.input("operand", "float32", [4]), b.input("update", "float32", [5]), b.input("start", "int32", [1])
    b.op("DYNAMIC_UPDATE_SLICE", [o, u, s], [b.output("y", "float32", [4])])
    refused(b, tmp_path, "update [5] is larger than operand [4] in dimension 0")
    litert_fails(b, tmp_path, {"operand": np.zeros([4], np.float32), "update": np.zeros([5], np.float32),
                               "start": np.zeros([1], np.int32)})


# --- MATRIX_DIAG, MATRIX_SET_DIAG --------------------------------------------------------------------------

DIAG_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "uint32"]


@pytest.mark.parametrize("shape", [[3], [2, 4], [2, 1, 3], [2, 0]], ids=str)
def test_matrix_diag(tmp_path, shape):
    b, inputs = OpModelBuilder(), {}
    for dt in DIAG_TYPES:
        x = b.input(f"x_{dt}", dt, shape)
        b.op("MATRIX_DIAG", [x], [b.output(f"y_{dt}", dt, shape + shape[-1:])])
        inputs[f"x_{dt}"] = sample(dt, shape, nan=dt == "float32")
    check(b, tmp_path, inputs)


@pytest.mark.parametrize("shape", [[3, 3], [2, 3, 5], [2, 5, 3], [1, 2, 2, 4], [0, 2, 2]], ids=str)
def test_matrix_set_diag(tmp_path, shape):
    diag_shape = shape[:-2] + [min(shape[-2:])]
    b, inputs = OpModelBuilder(), {}
    for dt in DIAG_TYPES:
        x, d = b.input(f"x_{dt}", dt, shape), b.input(f"diag_{dt}", dt, diag_shape)
        b.op("MATRIX_SET_DIAG", [x, d], [b.output(f"y_{dt}", dt, shape)])
        inputs.update({f"x_{dt}": sample(dt, shape), f"diag_{dt}": sample(dt, diag_shape, nan=dt == "float32")})
    check(b, tmp_path, inputs)


def test_matrix_diag_refuses_types_litert_reads_as_float32(tmp_path):
    # LiteRT copies bool (and float16, uint16, float64) elements as 4-byte floats: out of bounds, no defined result.
    b = OpModelBuilder()
    x = b.input("x", "bool", [3])
    b.op("MATRIX_DIAG", [x], [b.output("y", "bool", [3, 3])])
    refused(b, tmp_path, "diagonal has type bool, which LiteRT reads as float32")
    b = OpModelBuilder()
    x, d = b.input("x", "float16", [3, 3]), b.input("d", "float16", [3])
    b.op("MATRIX_SET_DIAG", [x, d], [b.output("y", "float16", [3, 3])])
    refused(b, tmp_path, "input has type float16, which LiteRT reads as float32")


def test_matrix_set_diag_refuses_a_short_diagonal(tmp_path):
    # LiteRT reads min(rows, cols) values per matrix from the diagonal without checking its size.
    b = OpModelBuilder()
    x, d = b.input("x", "float32", [2, 3, 3]), b.input("d", "float32", [2, 2])
    b.op("MATRIX_SET_DIAG", [x, d], [b.output("y", "float32", [2, 3, 3])])
    refused(b, tmp_path, "diagonal [2,2] holds 4 values; the diagonals of input [2,3,3] need 6")


# --- SEGMENT_SUM (LiteRT's reference resolver has none: checked against its optimized kernels) --------------

SEGMENT_SUM_CASES = [
    # data shape, segment ids, ids computed (else constant)
    ([6], [0, 0, 1, 2, 2, 2], False),
    ([5, 3], [0, 1, 1, 2, 3], True),
    ([4, 2, 3], [0, 0, 0, 0], False),
    ([0, 3], [], False),
]


@pytest.mark.parametrize("shape,ids,computed", SEGMENT_SUM_CASES, ids=[f"{c[0]}-{'computed' if c[2] else 'constant'}" for c in SEGMENT_SUM_CASES])
def test_segment_sum(tmp_path, shape, ids, computed):
    b, inputs = OpModelBuilder(), {}
    segments = [max(ids) + 1 if ids else 0] + shape[1:]
    for dt in ["float32", "int32"]:
        d = b.input(f"data_{dt}", dt, shape)
        ids_array = np.array(ids, np.int32)
        s = b.input(f"ids_{dt}", "int32", [len(ids)]) if computed else b.constant(f"ids_{dt}", ids_array)
        b.op("SEGMENT_SUM", [d, s], [b.output(f"y_{dt}", dt, segments)])
        # int32 sums that wrap around.
        inputs[f"data_{dt}"] = sample(dt, shape, nan=True) if dt == "float32" else sample(dt, shape)
        if computed:
            inputs[f"ids_{dt}"] = ids_array
    check(b, tmp_path, inputs, litert="optimized")


@pytest.mark.parametrize("ids,needle", [([0, 2, 2], "segment id 2 at position 1 must equal the one before or exceed it by one"),
                                        ([1, 1, 2], "segment id 1 at position 0 must be 0")])
def test_segment_sum_refuses_unsorted_ids_as_litert(tmp_path, ids, needle):
    b = OpModelBuilder()
    d = b.input("data", "float32", [3])
    b.op("SEGMENT_SUM", [d, b.constant("ids", np.array(ids, np.int32))], [b.output("y", "float32", [3])])
    refused(b, tmp_path, needle)
    litert_fails(b, tmp_path, {"data": np.zeros([3], np.float32)}, kernels="optimized")


# --- UNSORTED_SEGMENT_SUM, _PROD, _MAX, _MIN -----------------------------------------------------------------

UNSORTED_CASES = [
    # data shape, segment ids (a prefix of the data's shape; negative ids drop their rows), num_segments shape, computed
    ([6], [3, 0, -1, 3, 0, 1], [], False),                         # segment 2 is empty: it keeps the initial value
    ([5, 2], [1, 1, 0, 4, 1], [1], True),
    ([2, 3, 2], [[0, 2, 1], [2, -5, 0]], [], False),                # two-dimensional ids
    ([3, 2], 1, [], False),                                         # a scalar id: one segment for everything
    ([0, 2], np.zeros([0], np.int32), [], False),
]


@pytest.mark.parametrize("shape,ids,count_shape,computed", UNSORTED_CASES,
                         ids=[f"{c[0]}-ids{list(np.shape(c[1]))}-{'computed' if c[3] else 'constant'}" for c in UNSORTED_CASES])
def test_unsorted_segment(tmp_path, shape, ids, count_shape, computed):
    ids_array = np.array(ids, np.int32)
    segments = 5
    b, inputs = OpModelBuilder(), {}
    for name in ["SUM", "PROD", "MAX", "MIN"]:
        for dt in ["float32", "int32"]:
            key = f"{name.lower()}_{dt}"
            d = b.input(f"data_{key}", dt, shape)
            count = np.array(segments, np.int32).reshape(count_shape)
            if computed:
                s, n = b.input(f"ids_{key}", "int32", list(ids_array.shape)), b.input(f"count_{key}", "int32", count_shape)
                inputs.update({f"ids_{key}": ids_array, f"count_{key}": count})
            else:
                s, n = b.constant(f"ids_{key}", ids_array), b.constant(f"count_{key}", count)
            b.op(f"UNSORTED_SEGMENT_{name}", [d, s, n], [b.output(f"y_{key}", dt, [segments] + shape[ids_array.ndim:])])
            # Products and sums of int32 extremes wrap; float NaN shows std::max/std::min's order.
            inputs[f"data_{key}"] = sample(dt, shape, nan=True) if dt == "float32" else sample(dt, shape)
    check(b, tmp_path, inputs)


def test_unsorted_segment_refuses_an_id_past_num_segments_as_litert(tmp_path):
    b = OpModelBuilder()
    d = b.input("data", "float32", [3])
    b.op("UNSORTED_SEGMENT_MAX", [d, b.constant("ids", np.array([0, 3, 1], np.int32)), b.constant("n", np.array(3, np.int32))],
         [b.output("y", "float32", [3])])
    refused(b, tmp_path, "segment id 3 at position 1 is not below num_segments 3")
    litert_fails(b, tmp_path, {"data": np.zeros([3], np.float32)})


# --- EMBEDDING_LOOKUP --------------------------------------------------------------------------------------

@pytest.mark.parametrize("table_shape,lookup", [([5, 3], [4, 0, 4, 2]), ([3, 2, 2], [1, 2]), ([4, 2, 1, 3], []),
                                                ([6, 1], [5, 0, 1, 3, 3, 2, 0])], ids=str)
def test_embedding_lookup(tmp_path, table_shape, lookup):
    b, inputs = OpModelBuilder(), {}
    for dt in COPY_TYPES:
        quant = {"scale": 0.25, "zero_point": 3} if dt in ("int8", "uint8", "int16") else {}
        ids, table = b.input(f"ids_{dt}", "int32", [len(lookup)]), b.input(f"table_{dt}", dt, table_shape, **quant)
        b.op("EMBEDDING_LOOKUP", [ids, table], [b.output(f"y_{dt}", dt, [len(lookup)] + table_shape[1:], **quant)])
        inputs.update({f"ids_{dt}": np.array(lookup, np.int32), f"table_{dt}": sample(dt, table_shape, nan=dt == "float32")})
    check(b, tmp_path, inputs)


HYBRID_CASES = [
    # table type, output type, scales (one per tensor or one per row; None: no quantization), zero point
    ("int8", "float32", [0.05], 0),
    ("uint8", "float32", [0.5], 0),                     # LiteRT reads uint8 as int8: 200 is -56
    ("int8", "float16", [1.0 / 3], 0),                  # float16 rounds to nearest even
    ("uint8", "float16", [300.0], 7),                   # float16 ignores the zero point (LiteRT never reads it); overflows to inf
    ("int8", "float32", [0.5, 0.25, 1e-3, 2.0, 7.0], 0),   # one scale per row
    ("uint8", "float16", [1e-4, 0.5, 3.0, 1e-6, 9.0], 0),
    ("int8", "float32", None, 0),                       # no quantization: LiteRT's scale is 0
]


@pytest.mark.parametrize("ttype,otype,scales,zp", HYBRID_CASES,
                         ids=[f"{c[0]}-{c[1]}-{'none' if c[2] is None else len(c[2])}-zp{c[3]}" for c in HYBRID_CASES])
def test_embedding_lookup_hybrid(tmp_path, ttype, otype, scales, zp):
    b = OpModelBuilder()
    ids = b.input("ids", "int32", [6])
    quant = {} if scales is None else {"scale": scales, "zero_point": [zp] * len(scales)}
    table = b.constant("table", sample(ttype, [5, 4]), **quant)
    b.op("EMBEDDING_LOOKUP", [ids, table], [b.output("y", otype, [6, 4])], version=3)
    check(b, tmp_path, {"ids": np.array([4, 0, 1, 3, 2, 4], np.int32)})


def test_embedding_lookup_index_out_of_range_fails_as_litert(tmp_path):
    b = OpModelBuilder()
    ids, table = b.input("ids", "int32", [2]), b.input("table", "float32", [3, 2])
    b.op("EMBEDDING_LOOKUP", [ids, table], [b.output("y", "float32", [2, 2])])
    inputs = {"ids": np.array([1, 3], np.int32), "table": sample("float32", [3, 2])}
    assert "index 3 at position 1 of lookup is outside [0, 3)" in refused(b, tmp_path, inputs=inputs)
    litert_fails(b, tmp_path, inputs)


def test_embedding_lookup_refuses_what_litert_refuses(tmp_path):
    b = OpModelBuilder()
    ids = b.input("ids", "int32", [2])
    b.op("EMBEDDING_LOOKUP", [ids, b.constant("table", np.ones([3, 2], np.int8), scale=0.5, zero_point=3)],
         [b.output("y", "float32", [2, 2])])
    refused(b, tmp_path, "an int8/uint8 table with zero point 3")
    litert_fails(b, tmp_path, {"ids": np.zeros([2], np.int32)})
    # LiteRT copies an int32 table's rows into an int8 output unchecked (past its end): refused.
    b = OpModelBuilder()
    ids, table = b.input("ids", "int32", [2]), b.input("table", "int32", [3, 2])
    b.op("EMBEDDING_LOOKUP", [ids, table], [b.output("y", "int8", [2, 2])])
    refused(b, tmp_path, "table is int32 but output is int8")


def test_embedding_lookup_refuses_tables_litert_reads_as_int8_bytes(tmp_path):
    # An int16 table with a float output goes down LiteRT's int8 path: it reads the int16 bytes as int8 values.
    b = OpModelBuilder()
    ids = b.input("ids", "int32", [2])
    b.op("EMBEDDING_LOOKUP", [ids, b.constant("table", np.ones([3, 2], np.int16), scale=0.5, zero_point=0)],
         [b.output("y", "float32", [2, 2])])
    refused(b, tmp_path, "a int16 table with a float32 output: LiteRT reads it as int8 bytes")


# --- WHERE -------------------------------------------------------------------------------------------------

WHERE_TYPES = ["bool", "float32", "int8", "uint8", "int32", "int64", "uint32"]


@pytest.mark.parametrize("shape,constant", [([7], False), ([3, 4], False), ([2, 3, 2, 2, 3], False), ([2, 0, 3], False),
                                            ([4, 3], True)], ids=lambda v: str(v))
def test_where(tmp_path, shape, constant):
    b, inputs = OpModelBuilder(), {}
    for dt in WHERE_TYPES:
        # Mostly zeros; for float32 -0.0 is false and NaN true.
        if dt == "float32":
            pool = np.array([0.0, -0.0, 0.0, np.nan, 2.5, -np.inf], np.float32)
        elif dt == "bool":
            pool = np.array([False, False, True])
        else:
            pool = np.array([0, 0, 1, np.iinfo(dt).max]).astype(dt)
        cond = idx_rng.choice(pool, shape).astype(dt)
        c = b.constant(f"cond_{dt}", cond) if constant else b.input(f"cond_{dt}", dt, shape)
        if not constant:
            inputs[f"cond_{dt}"] = cond
        b.op("WHERE", [c], [b.output(f"y_{dt}", "int64", [int(np.count_nonzero(cond)), len(shape)])], version=2)
    check(b, tmp_path, inputs or None, seeds=(0,))


def test_where_refuses_a_scalar_condition_as_litert(tmp_path):
    b = OpModelBuilder()
    c = b.input("cond", "bool", [])
    b.op("WHERE", [c], [b.output("y", "int64", [1, 0])])
    refused(b, tmp_path, "a scalar condition")
    litert_fails(b, tmp_path, {"cond": np.array(True)})


# --- ONE_HOT -----------------------------------------------------------------------------------------------

ONE_HOT_TYPES = ["float32", "int8", "uint8", "int32", "int64", "bool"]

ONE_HOT_CASES = [
    # indices shape, depth, axis, index type, depth computed
    ([5], 4, -1, "int32", False),
    ([2, 3], 5, 0, "int64", False),
    ([2, 3], 3, 1, "int32", True),
    ([2, 2, 3], 0, -1, "int64", False),             # depth 0: an empty axis
    ([0, 3], 2, 2, "int32", False),
    ([], 6, 0, "int32", False),                     # a scalar index: a vector
]


@pytest.mark.parametrize("shape,depth,axis,itype,computed", ONE_HOT_CASES,
                         ids=[f"{c[0]}-d{c[1]}-axis{c[2]}-{c[3]}{'-computed' if c[4] else ''}" for c in ONE_HOT_CASES])
def test_one_hot(tmp_path, shape, depth, axis, itype, computed):
    where = len(shape) if axis == -1 else axis
    out = shape[:where] + [depth] + shape[where:]
    b, inputs = OpModelBuilder(), {}
    # Indices outside [0, depth) give a row of off values; an int64 index is narrowed to int32 first,
    # so 2**32 + 1 counts as 1.
    pool = [0, 1, 2, depth - 1, depth, -1, 7] + ([2**32 + 1, -(2**40)] if itype == "int64" else [])
    indices = idx_rng.choice(np.array(pool, np.int64), shape).astype(itype)
    for dt in ONE_HOT_TYPES:
        i = b.input(f"indices_{dt}", itype, shape)
        if computed:
            d = b.input(f"depth_{dt}", "int32", [])
            inputs[f"depth_{dt}"] = np.array(depth, np.int32)
        else:
            d = b.constant(f"depth_{dt}", np.array(depth, np.int32))
        on, off = b.input(f"on_{dt}", dt, []), b.input(f"off_{dt}", dt, [])
        b.op("ONE_HOT", [i, d, on, off], [b.output(f"y_{dt}", dt, out)], {"axis": axis})
        on_value, off_value = sample(dt, []), sample(dt, [])
        if dt == "bool":
            on_value, off_value = np.array(True), np.array(False)
        inputs.update({f"indices_{dt}": indices, f"on_{dt}": on_value, f"off_{dt}": off_value})
    check(b, tmp_path, inputs)


def test_one_hot_refuses_what_litert_refuses(tmp_path):
    # int16 values pass LiteRT's Prepare but its Eval has no int16 case and fails.
    b = OpModelBuilder()
    i, on, off = b.input("indices", "int32", [3]), b.input("on", "int16", []), b.input("off", "int16", [])
    b.op("ONE_HOT", [i, b.constant("depth", np.array(4, np.int32)), on, off], [b.output("y", "int16", [3, 4])], {"axis": -1})
    refused(b, tmp_path, "on_value has type int16")
    litert_fails(b, tmp_path, {"indices": np.zeros([3], np.int32), "on": np.array(1, np.int16), "off": np.array(0, np.int16)})
    b = OpModelBuilder()
    i, on, off = b.input("indices", "int32", [3]), b.input("on", "float32", []), b.input("off", "float32", [])
    b.op("ONE_HOT", [i, b.constant("depth", np.array(4, np.int32)), on, off], [b.output("y", "float32", [3, 4])], {"axis": -2})
    refused(b, tmp_path, "axis -2 is outside [0, 1] (or -1)")
    litert_fails(b, tmp_path, {"indices": np.zeros([3], np.int32), "on": np.array(1, np.float32), "off": np.array(0, np.float32)})


# --- GATHER, SLICE, STRIDED_SLICE on every type the op table lists ------------------------------------------

@pytest.mark.parametrize("computed", [False, True], ids=["constant", "computed"])
def test_gather_slice_strided_slice_every_type(tmp_path, computed):
    # The sweeps above vary shapes and options on a few types; this one runs each op on all of them.
    b, inputs = OpModelBuilder(), {}
    for dt in ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]:
        x = b.input(f"x_{dt}", dt, [4, 5, 3])
        inputs[f"x_{dt}"] = sample(dt, [4, 5, 3])
        i = b.input(f"indices_{dt}", "int32", [2, 2])
        inputs[f"indices_{dt}"] = np.array([[4, 0], [2, 2]], np.int32)
        b.op("GATHER", [x, i], [b.output(f"gather_{dt}", dt, [4, 2, 2, 3])], {"axis": 1})
        if computed:
            begin, size = b.input(f"begin_{dt}", "int32", [3]), b.input(f"size_{dt}", "int32", [3])
            inputs.update({f"begin_{dt}": np.array([1, 0, 1], np.int32), f"size_{dt}": np.array([2, -1, 2], np.int32)})
        else:
            begin, size = b.constant(f"begin_{dt}", np.array([1, 0, 1], np.int32)), b.constant(f"size_{dt}", np.array([2, -1, 2], np.int32))
        b.op("SLICE", [x, begin, size], [b.output(f"slice_{dt}", dt, [2, 5, 2])])
        b.op("STRIDED_SLICE", [x, b.constant(f"sb_{dt}", np.array([3, 0, 2], np.int32)), b.constant(f"se_{dt}", np.array([0, 5, 0], np.int32)),
                               b.constant(f"ss_{dt}", np.array([-1, 2, -2], np.int32))], [b.output(f"strided_{dt}", dt, [3, 3, 2])],
             {"end_mask": 0b100}, version=4)
    check(b, tmp_path, inputs)


# --- strings: GATHER (LiteRT gathers strings from a vector only), GATHER_ND, SLICE, STRIDED_SLICE ---

from strings_common import strings  # noqa: E402


@pytest.mark.parametrize("index_type", ["int32", "int64", "int16"])
@pytest.mark.parametrize("indices", [[7, 0, 3, 3, 6], [[1, 2], [5, 4]], [], 4])
def test_gather_strings(tmp_path, index_type, indices):
    idx = np.array(indices, index_type)
    b = OpModelBuilder()
    x = b.input("x", "string", [8])
    y = b.output("y", "string", list(idx.shape))
    b.op("GATHER", [x, b.constant("i", idx)], [y], {"axis": 0})
    check(b, tmp_path, inputs={"x": strings([8])})


def test_gather_strings_random_words(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [5])
    y = b.output("y", "string", [3])
    b.op("GATHER", [x, b.constant("i", np.array([4, 0, 2], np.int32))], [y], {"axis": 0})
    check(b, tmp_path)


def test_gather_strings_refuses_a_matrix(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [2, 3])
    y = b.output("y", "string", [1, 3])
    b.op("GATHER", [x, b.constant("i", np.array([1], np.int32))], [y], {"axis": 0})
    refused(b, tmp_path, "LiteRT gathers strings from a vector only", inputs={"x": strings([2, 3])})


def test_gather_strings_index_out_of_range(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [3])
    y = b.output("y", "string", [1])
    b.op("GATHER", [x, b.constant("i", np.array([3], np.int32))], [y], {"axis": 0})
    refused(b, tmp_path, "outside [0, 3)", inputs={"x": strings([3])})


@pytest.mark.parametrize("params_shape,indices", [([8], [[7], [0], [3]]), ([2, 4], [[1, 3], [0, 0]]), ([2, 4], [[1], [0]]),
                                                  ([2, 2, 2], [[[1, 0, 1]], [[0, 1, 0]]])])
@pytest.mark.parametrize("index_type", ["int32", "int64"])
def test_gather_nd_strings(tmp_path, params_shape, indices, index_type):
    idx = np.array(indices, index_type)
    out_shape = list(idx.shape[:-1]) + params_shape[idx.shape[-1]:]
    b = OpModelBuilder()
    x = b.input("x", "string", params_shape)
    y = b.output("y", "string", out_shape)
    b.op("GATHER_ND", [x, b.constant("i", idx)], [y])
    check(b, tmp_path, inputs={"x": strings(params_shape)})


@pytest.mark.parametrize("begin,size", [([0, 1], [2, 2]), ([1, 0], [1, -1]), ([0, 0], [0, 3]), ([1, 3], [1, 1])])
def test_slice_strings(tmp_path, begin, size):
    b = OpModelBuilder()
    x = b.input("x", "string", [2, 4])
    out = [s if s >= 0 else 4 - bg for bg, s in zip(begin, size)]
    y = b.output("y", "string", out)
    b.op("SLICE", [x, b.constant("b", np.array(begin, np.int32)), b.constant("s", np.array(size, np.int32))], [y])
    check(b, tmp_path, inputs={"x": strings([2, 4])})


@pytest.mark.parametrize("case", ["basic", "negative-strides", "masks-shrink", "clamped", "empty"])
def test_strided_slice_strings(tmp_path, case):
    shape, begin, end, strides, masks = SLICE_CASES_SHAPE[case]
    b = OpModelBuilder()
    x = b.input("x", "string", shape)
    y = b.output("y", "string", numpy_strided_slice(shape, begin, end, strides, masks.get("begin_mask", 0),
                                                    masks.get("end_mask", 0), 0, 0, masks.get("shrink_axis_mask", 0)))
    b.op("STRIDED_SLICE", [x, b.constant("b", np.array(begin, np.int32)), b.constant("e", np.array(end, np.int32)),
                           b.constant("s", np.array(strides, np.int32))], [y], masks)
    check(b, tmp_path, inputs={"x": strings(shape)})
