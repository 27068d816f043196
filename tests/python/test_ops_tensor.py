"""SHAPE, CAST, GATHER, PACK, UNPACK, TILE, BATCH_MATMUL, L2_NORMALIZATION, and
dynamic shapes (outputs whose shape depends on computed values, settled at
each Invoke): single-op and small models against LiteRT on every tensor, and
the LiteRT test model dynamic_shapes.bin over several data-dependent sizes.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest

from conftest import SHARED_MODELS
from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import ToolError, run_tool

rng = np.random.default_rng(99)


def check(b: OpModelBuilder, tmp_path, inputs: dict[str, np.ndarray] | None = None, seeds=(0, 1)):
    path = b.save(tmp_path / "op.tflite")
    extra: list[str] = []
    for name, value in (inputs or {}).items():
        np.save(tmp_path / f"in-{name}.npy", value)
        extra += ["--input", f"{name}={tmp_path / f'in-{name}.npy'}"]
    for seed in seeds if not inputs else (0,):
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(extra))
        assert result, format_table(result, only_failures=True)


def refusal(b: OpModelBuilder, tmp_path, inputs: dict[str, np.ndarray] | None = None) -> str:
    path = b.save(tmp_path / "op.tflite")
    extra: list[str] = []
    for name, value in (inputs or {}).items():
        np.save(tmp_path / f"in-{name}.npy", value)
        extra += ["--input", f"{name}={tmp_path / f'in-{name}.npy'}"]
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"), "--force", *extra)
    return str(err.value)


def values(dtype: str, shape) -> np.ndarray:
    if dtype == "float32":
        return (rng.standard_normal(shape) * 40).astype(np.float32)
    if dtype == "bool":
        return rng.integers(0, 2, shape).astype(bool)
    info = np.iinfo(dtype)
    return rng.integers(max(info.min, -300), min(info.max, 300) + 1, shape).astype(dtype)


# --- SHAPE, CAST -----------------------------------------------------------------------------

@pytest.mark.parametrize("out_type", ["int32", "int64"])
def test_shape(tmp_path, out_type):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3, 5])
    y = b.output("y", out_type, [3])
    b.op("SHAPE", [x], [y], {"out_type": out_type.upper()})
    check(b, tmp_path)


CAST_TYPES = ["float32", "int8", "uint8", "int16", "int32", "int64", "bool"]


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


# --- GATHER ----------------------------------------------------------------------------------

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
    message = refusal(b, tmp_path, {"params": values("float32", [4, 2]), "indices": np.array([0, 4, 1], np.int32)})
    assert "operator 0 (GATHER): index 4 at position 1 of indices is outside [0, 4)" in message


def test_unpack_of_int64_is_refused_as_litert_does(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int64", [2, 3])
    outs = [b.output(f"u{k}", "int64", [3]) for k in range(2)]
    b.op("UNPACK", [x], outs, {"num": 2, "axis": 0})
    assert "operator 0 (UNPACK): input has type int64" in refusal(b, tmp_path)


# --- PACK, UNPACK, TILE ----------------------------------------------------------------------

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


# --- SLICE, SPLIT, SPLIT_V -------------------------------------------------------------------

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


# --- BATCH_MATMUL, L2_NORMALIZATION ----------------------------------------------------------

MATMUL_CASES = [
    ([3, 4], [4, 5], False, False),
    ([2, 3, 4], [2, 4, 5], False, False),
    ([2, 4, 3], [2, 4, 5], True, False),
    ([2, 3, 4], [2, 5, 4], False, True),
    ([2, 4, 3], [5, 4], True, True),
    ([2, 1, 3, 4], [3, 4, 6], False, False),
    ([1, 2, 2, 3, 4], [2, 1, 1, 4, 2], False, False),
]


MATMUL_QUANT = {"float32": ({}, {}, {}),
                "int8": ({"scale": 0.05, "zero_point": -3}, {"scale": 0.02, "zero_point": 4}, {"scale": 0.3, "zero_point": 7}),
                "int16": ({"scale": 0.001, "zero_point": 0}, {"scale": 0.002, "zero_point": 0}, {"scale": 0.004, "zero_point": 0})}


@pytest.mark.parametrize("dtype", ["float32", "int8", "int16"])
@pytest.mark.parametrize("case", MATMUL_CASES, ids=[f"{c[0]}x{c[1]}-adj{int(c[2])}{int(c[3])}" for c in MATMUL_CASES])
def test_batch_matmul(tmp_path, case, dtype):
    lshape, rshape, adj_x, adj_y = case
    ql, qr, qo = MATMUL_QUANT[dtype]
    b = OpModelBuilder()
    lhs = b.input("lhs", dtype, lshape, **ql)
    rhs = b.input("rhs", dtype, rshape, **qr)
    m = lshape[-1] if adj_x else lshape[-2]
    n = rshape[-2] if adj_y else rshape[-1]
    batch = list(np.broadcast_shapes(tuple(lshape[:-2]), tuple(rshape[:-2])))
    y = b.output("y", dtype, batch + [m, n], **qo)
    b.op("BATCH_MATMUL", [lhs, rhs], [y], {"adj_x": adj_x, "adj_y": adj_y}, version=1 if dtype == "float32" else 3)
    check(b, tmp_path)


@pytest.mark.parametrize("shape", [[5], [3, 4], [2, 3, 1], [2, 2, 8]])
def test_l2_normalization(tmp_path, shape):
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    y = b.output("y", "float32", shape)
    b.op("L2_NORMALIZATION", [x], [y])
    v = values("float32", shape)
    v.reshape(-1, shape[-1])[0] = 0.0  # a zero row: divided by the 1e-6 floor
    check(b, tmp_path, {"x": v})


# --- dynamic shapes ---------------------------------------------------------------------------

DYNAMIC = SHARED_MODELS / "edge-cases" / "litert_testdata" / "dynamic_shapes.bin"


@pytest.mark.parametrize("z", [1.0, 7.9, 42.0, 90.0])
def test_dynamic_shapes_model_matches_litert(require_shared_models, tmp_path, z):
    np.save(tmp_path / "z.npy", np.array([[z]], np.float32))
    result = check_model(DYNAMIC, tmp_path, seed=0, extra_args=("--input", f"z={tmp_path / 'z.npy'}"))
    assert result, format_table(result, only_failures=True)
    dump = load_dump(tmp_path / "tfldbg-0")
    tensors = {t["name"]: t for t in dump.manifest["subgraphs"][0]["tensors"]}
    assert tensors["Tile"]["dynamic"] and not tensors["x"]["dynamic"]
    assert list(dump.tensor_values("Tile")[0].shape) == [8, int(z), 1024]  # the value's own shape


def test_a_dynamic_shape_that_cannot_work_is_one_line(require_shared_models, tmp_path):
    np.save(tmp_path / "z.npy", np.array([[100.0]], np.float32))
    with pytest.raises(ToolError) as err:
        run_tool("run", str(DYNAMIC), "--input", f"z={tmp_path / 'z.npy'}")
    assert "operator 7 (RESHAPE): cannot reshape float32[90,1024] to [1,100,1024]" in str(err.value)


# --- resized inputs ----------------------------------------------------------------------------

@pytest.mark.parametrize("model,batch", [("mlperf_tiny_resnet8_int8.tflite", 4), ("mlperf_tiny_ad_toycar_hybrid.tflite", 3),
                                         ("mlperf_tiny_vww_96_float.tflite", 2), ("tflm_hello_world_int8.tflite", 5)])
def test_inputs_resized_along_the_signature_match_litert(require_shared_models, tmp_path, model, batch):
    path = SHARED_MODELS / "real" / model
    info = json.loads(run_tool("info", str(path), "--json").stdout)
    sg = info["subgraphs"][0]
    spec = sg["tensors"][sg["inputs"][0]]
    shape = [batch] + spec["shape"][1:]
    dtype = np.dtype(spec["dtype"])
    value = (rng.integers(-128, 128, shape) if dtype.kind == "i" else rng.uniform(-1, 1, shape)).astype(dtype)
    np.save(tmp_path / "x.npy", value)
    result = check_model(path, tmp_path, seed=0, extra_args=("--input", f"0={tmp_path / 'x.npy'}"))
    assert result, format_table(result, only_failures=True)
    dump = load_dump(tmp_path / "tfldbg-0")
    assert dump.steps[-1].outputs[0].value.shape[0] == batch


def test_resizing_a_fixed_dimension_is_one_line(require_shared_models, tmp_path):
    np.save(tmp_path / "x.npy", np.zeros([1, 31, 32, 3], np.int8))
    with pytest.raises(ToolError) as err:
        run_tool("run", str(SHARED_MODELS / "real" / "mlperf_tiny_resnet8_int8.tflite"), "--input", f"0={tmp_path / 'x.npy'}")
    assert (f"input 'input_1_int8' (tensor 0) expects int8[1,32,32,3], but {tmp_path / 'x.npy'} holds int8[1,31,32,3]"
            in str(err.value))
