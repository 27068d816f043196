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
