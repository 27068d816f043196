"""SHAPE, RESHAPE, SQUEEZE, EXPAND_DIMS, dynamic shapes and resized inputs: swept against LiteRT's
reference kernels (integers bit for bit), with the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_tensor.py.
"""

from __future__ import annotations

import json

import numpy as np
import pytest

from sweep import SHARED_MODELS, check
from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(4321)


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


DYNAMIC = SHARED_MODELS / "edge-cases" / "litert_testdata" / "dynamic_shapes.bin"


@pytest.mark.parametrize("shape,dims", [([1, 3, 1, 4], [0]), ([1, 3, 1, 4], [-2, 0]), ([1, 3, 1, 4], []), ([2, 1], [1])],
                         ids=["d0", "dneg", "all", "last"])
def test_squeeze(tmp_path, shape, dims):
    out = [d for i, d in enumerate(shape) if not ((i in [a % len(shape) for a in dims]) if dims else d == 1)]
    b = OpModelBuilder()
    x = b.input("x", "int8", shape, **QUANT["int8"])
    y = b.output("y", "int8", out, **QUANT["int8"])
    b.op("SQUEEZE", [x], [y], options={"squeeze_dims": np.array(dims, np.int32)} if dims else None)
    check(b, tmp_path)


@pytest.mark.parametrize("axis,axis_type", [(0, "int32"), (2, "int32"), (3, "int64"), (-1, "int32"), (-4, "int32")])
def test_expand_dims(tmp_path, axis, axis_type):
    shape = [2, 3, 4]
    out = list(shape)
    out.insert(axis if axis >= 0 else axis + 4, 1)
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    y = b.output("y", "float32", out)
    b.op("EXPAND_DIMS", [x, b.constant("axis", np.array([axis], axis_type))], [y])
    check(b, tmp_path)


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_expand_dims_with_computed_axis(tmp_path, axis):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3])
    a = b.input("axis", "int32", [1])
    y = b.output("y", "float32", [2, 1, 3])
    b.op("EXPAND_DIMS", [x, a], [y])
    check(b, tmp_path, inputs={"x": rng.normal(size=[2, 3]).astype(np.float32), "axis": np.array([axis], np.int32)})


@pytest.mark.parametrize("out_type", ["int32", "int64"])
def test_shape(tmp_path, out_type):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3, 5])
    y = b.output("y", out_type, [3])
    b.op("SHAPE", [x], [y], {"out_type": out_type.upper()})
    check(b, tmp_path)


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


# --- ZEROS_LIKE, FILL, RANGE, RANK, BROADCAST_ARGS -------------------------------------------------

from sweep import refused  # noqa: E402


def edge_values(dtype: str, shape) -> np.ndarray:
    """Seeded values of any type with the type's edges mixed in (min, max, 0, -1; ±inf, NaN and
    -0.0 for floats; both bools)."""
    n = int(np.prod(shape))
    if dtype == "bool":
        return rng.integers(0, 2, n).astype(bool).reshape(shape)
    dt = np.dtype(dtype)
    if dt.kind == "f":
        edges = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, np.finfo(dt).max, np.finfo(dt).min, 1.5], dt)
        v = (rng.standard_normal(n) * 50).astype(dt)
    elif dt.kind == "c":
        edges = np.array([0, 1j, -1 - 2j, np.inf], dt)
        v = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    else:
        info = np.iinfo(dt)
        edges = np.array([info.min, info.max, 0, 1 if info.min == 0 else -1], dt)
        v = rng.integers(info.min, info.max, n, dtype=dt, endpoint=True)
    v[: min(n, len(edges))] = edges[: min(n, len(edges))]
    return v.reshape(shape)


@pytest.mark.parametrize("dtype,shape", [("float32", [2, 3, 4]), ("int32", [5]), ("int64", [1, 2, 1, 3]), ("float32", []),
                                         ("int32", [2, 0, 3])], ids=["f32-r3", "i32-r1", "i64-r4", "f32-scalar", "i32-empty"])
def test_zeros_like(tmp_path, dtype, shape):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape)
    b.op("ZEROS_LIKE", [x], [b.output("y", dtype, shape)])
    check(b, tmp_path, inputs={"x": edge_values(dtype, shape)})


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16", "bool", "float16"])
def test_zeros_like_other_types_are_refused_as_litert_refuses_them(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3])
    b.op("ZEROS_LIKE", [x], [b.output("y", dtype, [2, 3])])
    refused(b, tmp_path, f"input has type {dtype}; supported: float32, int32, int64")


FILL_TYPES = ["float32", "float16", "float64", "int8", "uint8", "int16", "uint16", "int32", "uint32", "int64", "uint64", "bool"]


@pytest.mark.parametrize("dtype", FILL_TYPES)
def test_fill(tmp_path, dtype):
    b = OpModelBuilder()
    dims = b.constant("dims", np.array([2, 1, 3], np.int32))
    v = b.input("v", dtype, [])
    b.op("FILL", [dims, v], [b.output("y", dtype, [2, 1, 3])])
    for value in edge_values(dtype, [4]):  # the type's edges, one model run each
        check(b, tmp_path, inputs={"v": np.array(value, dtype)})


@pytest.mark.parametrize("dtype,scale,zp", [("int8", 0.5, -3), ("uint8", 0.1, 200), ("int16", 0.02, 0)])
def test_fill_quantized_keeps_the_value_quantization(tmp_path, dtype, scale, zp):
    b = OpModelBuilder()
    dims = b.constant("dims", np.array([3, 2], np.int64))
    v = b.input("v", dtype, [], scale=scale, zero_point=zp)
    b.op("FILL", [dims, v], [b.output("y", dtype, [3, 2], scale=scale, zero_point=zp)])
    check(b, tmp_path)


@pytest.mark.parametrize("dims_type", ["int32", "int64"])
@pytest.mark.parametrize("extents", [[3, 1, 2], [4], [], [2, 0, 5]], ids=["r3", "r1", "scalar", "empty"])
def test_fill_with_computed_dims(tmp_path, dims_type, extents):
    b = OpModelBuilder()
    dims = b.input("dims", dims_type, [len(extents)])
    v = b.input("v", "float32", [])
    b.op("FILL", [dims, v], [b.output("y", "float32", [1] * len(extents))])
    if 0 in extents:  # LiteRT's Python API cannot read an empty dynamic tensor: a constant shape instead
        b = OpModelBuilder()
        dims = b.constant("dims", np.array(extents, dims_type))
        v = b.input("v", "float32", [])
        b.op("FILL", [dims, v], [b.output("y", "float32", extents)])
        check(b, tmp_path, inputs={"v": np.array(-2.5, np.float32)})
        return
    check(b, tmp_path, inputs={"dims": np.array(extents, dims_type), "v": np.array(-2.5, np.float32)})


def test_fill_refusals(tmp_path):
    def model(dims=np.array([2, 3], np.int32), vshape=(), vq=None, yq=None, vtype="int8", ytype="int8"):
        b = OpModelBuilder()
        d = b.constant("dims", dims)
        v = b.input("v", vtype, list(vshape), **(vq or {}))
        b.op("FILL", [d, v], [b.output("y", ytype, [2, 3], **(yq or {}))])
        return b
    refused(model(dims=np.array([2, -3], np.int32)), tmp_path, "FILL dimensions must be >= 0, got -3")
    refused(model(dims=np.array([2, 3], np.int16)), tmp_path, "dims has type int16")
    refused(model(vshape=[1]), tmp_path, "value has rank 1")
    refused(model(vq={"scale": 0.5, "zero_point": 3}, yq={"scale": 0.25, "zero_point": 3}), tmp_path,
            "the output's scale and zero point differ from the value's")
    refused(model(vtype="int16", ytype="int16", vq={"scale": 0.5, "zero_point": 2}, yq={"scale": 0.5, "zero_point": 2}),
            tmp_path, "int16 value with zero point 2")
    refused(model(vtype="float32", ytype="int32"), tmp_path, "value is float32 but output is int32")
    refused(model(dims=np.array([2**31, 1], np.int64)), tmp_path, "exceeds the int32 range")
    refused(model(dims=np.array([2**20, 2**20, 2**20], np.int64)), tmp_path, "is too large")


def test_fill_refuses_negative_computed_dims_at_run_time(tmp_path):
    b = OpModelBuilder()
    d = b.input("dims", "int32", [2])
    v = b.input("v", "float32", [])
    b.op("FILL", [d, v], [b.output("y", "float32", [2, 3])])
    refused(b, tmp_path, "FILL dimensions must be >= 0, got -1",
            inputs={"dims": np.array([3, -1], np.int32), "v": np.array(1, np.float32)})


RANGE_CASES = [("int32", 1, 7, 2), ("int32", 10, 1, -3), ("int32", -5, 5, 1), ("int32", 0, 1, 5), ("int32", -2**31, -2**31 + 100, 7), ("int32", 2**31 - 1, 2**31 - 50, -9),
               ("int64", 2**40, 2**40 + 10, 3), ("int64", 7, -8, -5), ("int64", -2**62, 2**61, 2**60),
               ("float32", 0.0, 1.0, 0.1), ("float32", 2.0, -9.0, -3.5), ("float32", -1.0, 1.0, 0.3), ("float32", 1e6, 1e6 + 64, 7.25),
               ("float32", 0.5, 0.6, 10.0)]


@pytest.mark.parametrize("const", [True, False], ids=["constant", "computed"])
@pytest.mark.parametrize("dtype,start,limit,delta", RANGE_CASES, ids=[f"{c[0]}-{i}" for i, c in enumerate(RANGE_CASES)])
def test_range(tmp_path, const, dtype, start, limit, delta):
    values = {n: np.array(v, dtype) for n, v in zip(["start", "limit", "delta"], [start, limit, delta])}
    b = OpModelBuilder()
    ins = [b.constant(n, v) if const else b.input(n, dtype, []) for n, v in values.items()]
    if dtype == "float32":  # as LiteRT counts: in float
        size = int(np.ceil(np.abs((np.float32(limit) - np.float32(start)) / np.float32(delta))))
    else:
        size = -(-abs(limit - start) // abs(delta))
    b.op("RANGE", ins, [b.output("y", dtype, [size if const else 1])])
    check(b, tmp_path, inputs={} if const else values)


@pytest.mark.parametrize("dtype,start,limit,delta,words", [
    ("int32", 0, 5, 0, "delta is 0"), ("int32", 0, 5, -1, "delta's sign does not lead from start to limit"),
    ("float32", 0, np.nan, 1, "delta's sign"), ("float32", 0, np.inf, 1, "not a finite int32"),
    ("int32", -2**31, 2**31 - 1, 1, "overflows its type"), ("int64", -2**63, 2**63 - 1, 2, "overflows its type"),
    ("int32", 0, 3, 0, "delta is 0")])
def test_range_refusals(tmp_path, dtype, start, limit, delta, words):
    b = OpModelBuilder()
    ins = [b.input(n, dtype, []) for n in ["start", "limit", "delta"]]
    b.op("RANGE", ins, [b.output("y", dtype, [1])])
    refused(b, tmp_path, words, inputs={n: np.array(v, dtype) for n, v in zip(["start", "limit", "delta"], [start, limit, delta])})


def test_range_refuses_mixed_and_unsupported_types(tmp_path):
    b = OpModelBuilder()
    ins = [b.input("start", "int32", []), b.input("limit", "int64", []), b.input("delta", "int32", [])]
    b.op("RANGE", ins, [b.output("y", "int32", [1])])
    refused(b, tmp_path, "start is int32 but limit is int64")
    b = OpModelBuilder()
    ins = [b.input(n, "int16", []) for n in ["start", "limit", "delta"]]
    b.op("RANGE", ins, [b.output("y", "int16", [1])])
    refused(b, tmp_path, "start has type int16")


@pytest.mark.parametrize("dtype,shape", [("float32", [2, 3]), ("int8", []), ("bool", [1, 2, 3, 4, 5, 6, 7]), ("int64", [0, 3])],
                         ids=["r2", "scalar", "r7", "empty"])
def test_rank(tmp_path, dtype, shape):
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **({"scale": 0.1, "zero_point": 2} if dtype == "int8" else {}))
    b.op("RANK", [x], [b.output("y", "int32", [])])
    check(b, tmp_path, inputs={"x": edge_values(dtype, shape)})


def test_rank_int64_output_is_refused(tmp_path):
    b = OpModelBuilder()
    b.op("RANK", [b.input("x", "float32", [2])], [b.output("y", "int64", [])])
    refused(b, tmp_path, "output has type int64; supported: int32")


BROADCAST_ARGS_CASES = [([2, 1, 3], [4, 1]), ([2, 1, 3], [2, 4, 1]), ([], [4, 1]), ([0, 1], [1, 5]), ([1, 1], [0, 1]),
                        ([-1, 2], [1, 2]), ([5, 1, 1, 1, 1, 1, 1, 3], [1, 2, 1, 1, 1, 1, 1, 1]), ([7], [])]


@pytest.mark.parametrize("dtype", ["int32", "int64"])
@pytest.mark.parametrize("const", [True, False], ids=["constant", "computed"])
@pytest.mark.parametrize("s1,s2", BROADCAST_ARGS_CASES, ids=[f"c{i}" for i in range(len(BROADCAST_ARGS_CASES))])
def test_broadcast_args(tmp_path, dtype, const, s1, s2):
    b = OpModelBuilder()
    a1, a2 = np.array(s1, dtype), np.array(s2, dtype)
    n = max(len(s1), len(s2))
    if const:
        b.op("BROADCAST_ARGS", [b.constant("s1", a1), b.constant("s2", a2)], [b.output("y", dtype, [n])])
        check(b, tmp_path, inputs={})
    else:
        b.op("BROADCAST_ARGS", [b.input("s1", dtype, [len(s1)]), b.input("s2", dtype, [len(s2)])], [b.output("y", dtype, [n])])
        check(b, tmp_path, inputs={"s1": a1, "s2": a2})


def test_broadcast_args_keeps_the_low_32_bits_of_int64_as_litert(tmp_path):
    b = OpModelBuilder()
    b.op("BROADCAST_ARGS", [b.input("s1", "int64", [2]), b.input("s2", "int64", [2])], [b.output("y", "int64", [2])])
    check(b, tmp_path, inputs={"s1": np.array([2**33 + 3, 1], np.int64), "s2": np.array([3, 2**32 + 1], np.int64)})


def test_broadcast_args_refusals(tmp_path):
    # LiteRT aborts the whole process on shapes that do not broadcast (reference and optimized kernels).
    b = OpModelBuilder()
    b.op("BROADCAST_ARGS", [b.input("s1", "int32", [2]), b.input("s2", "int32", [2])], [b.output("y", "int32", [2])])
    refused(b, tmp_path, "shapes do not broadcast: dimension -2 is 2 in one and 4 in the other",
            inputs={"s1": np.array([2, 3], np.int32), "s2": np.array([4, 3], np.int32)})
    b = OpModelBuilder()
    b.op("BROADCAST_ARGS", [b.constant("s1", np.array([2, 3], np.int32)), b.constant("s2", np.array([2], np.int32))],
         [b.output("y", "int32", [2])])
    refused(b, tmp_path, "shapes do not broadcast")
    b = OpModelBuilder()
    b.op("BROADCAST_ARGS", [b.input("s1", "int32", [2]), b.input("s2", "int64", [2])], [b.output("y", "int32", [2])])
    refused(b, tmp_path, "shape1 is int32 but shape2 is int64")
    b = OpModelBuilder()
    b.op("BROADCAST_ARGS", [b.input("s1", "int16", [2]), b.input("s2", "int16", [2])], [b.output("y", "int16", [2])])
    refused(b, tmp_path, "shape1 has type int16")


# --- strings: RESHAPE, EXPAND_DIMS, SQUEEZE, FILL ---

from strings_common import strings  # noqa: E402


@pytest.mark.parametrize("shape,new_shape", [([2, 3], [3, 2]), ([2, 3], [-1]), ([1, 6], [6, 1, 1]), ([0, 3], [3, 0])])
def test_reshape_strings(tmp_path, shape, new_shape):
    b = OpModelBuilder()
    x = b.input("x", "string", shape)
    out = [d if d >= 0 else int(np.prod(shape)) for d in new_shape]
    y = b.output("y", "string", out)
    b.op("RESHAPE", [x, b.constant("s", np.array(new_shape, np.int32))], [y])
    check(b, tmp_path, inputs={"x": strings(shape)})


def test_reshape_strings_random_words(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [2, 3])
    y = b.output("y", "string", [6])
    b.op("RESHAPE", [x, b.constant("s", np.array([6], np.int32))], [y])
    check(b, tmp_path)


def test_expand_dims_and_squeeze_strings(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "string", [2, 3])
    m = b.tensor("m", "string", [2, 1, 3])
    b.op("EXPAND_DIMS", [x, b.constant("a", np.array([1], np.int32))], [m])
    y = b.output("y", "string", [2, 3])
    b.op("SQUEEZE", [m], [y], {"squeeze_dims": [1]})
    check(b, tmp_path, inputs={"x": strings([2, 3])})


@pytest.mark.parametrize("value", [b"hi", b"x" * 300, b"\xff\x00\xfe"])
@pytest.mark.parametrize("dims", [[2, 3], [0], [4]])
def test_fill_strings(tmp_path, value, dims):
    b = OpModelBuilder()
    d = b.constant("d", np.array(dims, np.int32))
    v = b.input("v", "string", [])
    y = b.output("y", "string", dims)
    b.op("FILL", [d, v], [y])
    check(b, tmp_path, inputs={"v": np.array(value)})


@pytest.mark.parametrize("value", [b"", b"const \xe2\x82\xac"])
def test_fill_string_constant(tmp_path, value):
    """A constant value (the empty string cannot reach LiteRT as a 0-d input: docs/litert-defects.md)."""
    b = OpModelBuilder()
    dims = b.input("d", "int32", [2])
    y = b.output("y", "string", [2, 2])
    b.op("FILL", [dims, b.constant("v", np.array(value))], [y])
    check(b, tmp_path, inputs={"d": np.array([2, 2], np.int32)})

