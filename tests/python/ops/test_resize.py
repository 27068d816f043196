"""RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR: swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_ops_shape.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check
from tfldbg.testing.opmodel import OpModelBuilder


RESIZE_CASES = list(itertools.product(["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"], [(False, False), (True, False), (False, True)],
                                      [(9, 7), (3, 2)], ["float32", "int8"]))


rng = np.random.default_rng(4321)


# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


RESIZE_CASES_SHAPE = list(itertools.product(["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"], [(False, False), (True, False), (False, True)],
                                      [(9, 7), (3, 2), (4, 5), (1, 1), (16, 11)], ["float32", "int8", "uint8", "int16"]))


@pytest.mark.parametrize("op,flags,size,dtype", RESIZE_CASES,
                         ids=[f"{o}-ac{int(f[0])}-hp{int(f[1])}-{s[0]}x{s[1]}-{t}" for o, f, s, t in RESIZE_CASES])
def test_resize(tmp_path, op, flags, size, dtype):
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": -4}
    x = b.input("x", dtype, [1, 4, 5, 3], **q)
    y = b.output("y", dtype, [1, size[0], size[1], 3], **q)
    table = "ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions"
    b.op(op, [x, b.constant("size", np.array(size, np.int32))], [y],
         options={"__table__": table, "align_corners": flags[0], "half_pixel_centers": flags[1]}, version=3)
    check(b, tmp_path)


@pytest.mark.parametrize("op,flags,size,dtype", RESIZE_CASES_SHAPE,
                         ids=[f"{o[7:10]}-ac{int(f[0])}-hp{int(f[1])}-{s[0]}x{s[1]}-{t}" for o, f, s, t in RESIZE_CASES_SHAPE])
def test_resize_basic_grid(tmp_path, op, flags, size, dtype):
    b = OpModelBuilder()
    q = QUANT[dtype]
    x = b.input("x", dtype, [2, 4, 5, 3], **q)
    y = b.output("y", dtype, [2, size[0], size[1], 3], **q)
    table = "ResizeBilinearOptions" if op == "RESIZE_BILINEAR" else "ResizeNearestNeighborOptions"
    b.op(op, [x, b.constant("size", np.array(size, np.int32))], [y],
         options={"__table__": table, "align_corners": flags[0], "half_pixel_centers": flags[1]},
         version=4 if dtype == "int16" else 3)
    check(b, tmp_path)


def test_resize_bilinear_float_inputs_with_ties(tmp_path):
    # Integral inputs put uint8's float interpolation exactly on .5 often.
    b = OpModelBuilder()
    x = b.input("x", "uint8", [1, 2, 3, 1], scale=0.1, zero_point=0)
    y = b.output("y", "uint8", [1, 4, 6, 1], scale=0.1, zero_point=0)
    b.op("RESIZE_BILINEAR", [x, b.constant("size", np.array([4, 6], np.int32))], [y], options={"half_pixel_centers": True}, version=3)
    check(b, tmp_path, inputs={"x": np.array([0, 1, 4, 255, 8, 3], np.uint8).reshape(1, 2, 3, 1)})


@pytest.mark.parametrize("stored", [[1, 5, 7, 2], [1, 1, 1, 2]], ids=["stored-shape-right", "stored-shape-stale"])
def test_resize_with_computed_size(tmp_path, stored):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 3, 4, 2], **QUANT["int8"])
    size = b.input("size", "int32", [2])
    y = b.output("y", "int8", stored, **QUANT["int8"])
    b.op("RESIZE_BILINEAR", [x, size], [y], options={"half_pixel_centers": True}, version=3)
    check(b, tmp_path, inputs={"x": rng.integers(-128, 128, [1, 3, 4, 2]).astype(np.int8), "size": np.array([5, 7], np.int32)})


@pytest.mark.parametrize("flags", [(False, False), (True, False), (False, True)], ids=["plain", "align", "half"])
def test_resize_nearest_neighbor_int32(tmp_path, flags):
    b = OpModelBuilder()
    x = b.input("x", "int32", [1, 3, 2, 2])
    size = b.constant("size", np.array([5, 7], np.int32))
    y = b.output("y", "int32", [1, 5, 7, 2])
    b.op("RESIZE_NEAREST_NEIGHBOR", [x, size], [y], {"align_corners": flags[0], "half_pixel_centers": flags[1]})
    check(b, tmp_path)
