"""Pooling, reduction, resize and shape operators: single-op models swept over their
parameters and checked against LiteRT (reference kernels) on every tensor, integers
bit for bit.

AVERAGE_POOL_2D, MAX_POOL_2D, MEAN, ARG_MAX, RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR,
SQUEEZE, EXPAND_DIMS, CONCATENATION, PAD, PADV2, TRANSPOSE, STRIDED_SLICE.
Each case prints its parameters in its test id; the model and both dumps are in
pytest's tmp_path for a failing case.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import ToolError, run_tool

rng = np.random.default_rng(4321)

# Per-type quantization used when a case does not care: (scale, zero point).
QUANT = {"float32": {}, "int8": {"scale": 0.07, "zero_point": -5}, "uint8": {"scale": 0.06, "zero_point": 131},
         "int16": {"scale": 0.002, "zero_point": 0}}


def check(builder: OpModelBuilder, tmp_path, seeds=(0, 1), inputs: dict[str, np.ndarray] | None = None):
    """Runs the model in tfldbg and LiteRT; explicit inputs (name -> array) replace the random ones."""
    path = builder.save(tmp_path / "op.tflite")
    extra: list[str] = []
    for name, value in (inputs or {}).items():
        file = tmp_path / f"in-{name}.npy"
        np.save(file, value)
        extra += ["--input", f"{name}={file}"]
    for seed in seeds if not inputs else (0,):
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(extra))
        assert result, format_table(result, only_failures=True)


def refused(builder: OpModelBuilder, tmp_path) -> str:
    """tfldbg's one-line refusal of a model."""
    path = builder.save(tmp_path / "op.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "dump"), "--force")
    return str(err.value)


def out_size(padding, size, k, stride):
    return (size + stride - 1) // stride if padding == "SAME" else (size + stride - k) // stride


# --- pooling -------------------------------------------------------------------------------------

POOL_CASES = list(itertools.product(
    ["AVERAGE_POOL_2D", "MAX_POOL_2D"], ["SAME", "VALID"], [(1, 1), (2, 3), (3, 3), (5, 4)], [(1, 1), (2, 1), (3, 2)],
    ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"], ["float32", "int8", "uint8", "int16"]))
# Keep the sweep fast: every filter/stride/padding with two activations, every activation with one geometry.
POOL_CASES = [c for c in POOL_CASES if c[4] in ("NONE", "RELU6") or (c[2] == (3, 3) and c[3] == (2, 1))]


@pytest.mark.parametrize("op,padding,filt,stride,act,dtype", POOL_CASES,
                         ids=[f"{o[:3]}-{p}-f{f[0]}x{f[1]}-s{s[0]}x{s[1]}-{a}-{t}" for o, p, f, s, a, t in POOL_CASES])
def test_pooling(tmp_path, op, padding, filt, stride, act, dtype):
    n, h, w, c = 2, 7, 6, 3
    oh, ow = out_size(padding, h, filt[0], stride[0]), out_size(padding, w, filt[1], stride[1])
    b = OpModelBuilder()
    q = {"float32": {}, "int8": {"scale": 0.02, "zero_point": -9}, "uint8": {"scale": 0.03, "zero_point": 100},
         "int16": {"scale": 0.0002, "zero_point": 0}}[dtype]
    x = b.input("x", dtype, [n, h, w, c], **q)
    y = b.output("y", dtype, [n, oh, ow, c], **q)
    b.op(op, [x], [y], options={"padding": padding, "stride_w": stride[1], "stride_h": stride[0], "filter_width": filt[1],
                                "filter_height": filt[0], "fused_activation_function": act}, version=3 if dtype == "int16" else 2)
    check(b, tmp_path)


@pytest.mark.parametrize("op", ["AVERAGE_POOL_2D", "MAX_POOL_2D"])
def test_pooling_window_larger_than_input(tmp_path, op):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 3, 2, 5], scale=0.1, zero_point=2)
    y = b.output("y", "int8", [1, 1, 1, 5], scale=0.1, zero_point=2)
    b.op(op, [x], [y], options={"padding": "SAME", "stride_w": 4, "stride_h": 4, "filter_width": 5, "filter_height": 5})
    check(b, tmp_path)


def test_average_pool_rounds_half_away_from_zero(tmp_path):
    # Windows of two with sums of both signs: ties go away from zero.
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 1, 8, 1], scale=0.1, zero_point=0)
    y = b.output("y", "int8", [1, 1, 4, 1], scale=0.1, zero_point=0)
    b.op("AVERAGE_POOL_2D", [x], [y], options={"padding": "VALID", "stride_w": 2, "stride_h": 1, "filter_width": 2,
                                               "filter_height": 1})
    check(b, tmp_path, inputs={"x": np.array([1, 2, -1, -2, 3, 4, -127, -128], np.int8).reshape(1, 1, 8, 1)})


# --- MEAN --------------------------------------------------------------------------------------

MEAN_SHAPES = {4: [2, 5, 4, 3], 3: [3, 4, 7], 2: [6, 9], 5: [2, 3, 2, 4, 3], 1: [11]}
MEAN_AXES = [(4, [1, 2]), (4, [2, 1]), (4, [-3, -2]), (4, [1]), (4, [3]), (4, [0, 2]), (4, [0, 1, 2, 3]), (4, [1, 1, 2]),
             (3, [1]), (3, [0, 2]), (3, [-1]), (2, [0]), (2, [1]), (5, [1, 3]), (1, [0])]
MEAN_QUANT = {"same": ((0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2)), "wide": ((0.5, -20), (0.004, 7)),
              "narrow": ((0.001, 0), (0.2, 3))}
MEAN_CASES = [(r, a, k, t, qn) for (r, a), k, t, qn in itertools.product(MEAN_AXES, [True, False], ["float32", "int8", "uint8", "int16"],
                                                                          list(MEAN_QUANT))
              if (t != "float32" or qn == "same") and (qn in ("same", "rescale") or (r == 4 and a == [1, 2]) or a == [0])]


@pytest.mark.parametrize("rank,axes,keep,dtype,qname", MEAN_CASES,
                         ids=[f"r{r}-ax{'_'.join(map(str, a))}-{'keep' if k else 'drop'}-{t}-{q}" for r, a, k, t, q in MEAN_CASES])
def test_mean(tmp_path, rank, axes, keep, dtype, qname):
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


# --- SUM, REDUCE_MAX, REDUCE_MIN ---------------------------------------------------------------

REDUCE_AXES = [(4, [1, 2]), (4, [3]), (4, [0, 1, 2, 3]), (3, [-1]), (2, [0]), (5, [1, 3]), (1, [0])]


@pytest.mark.parametrize("op", ["SUM", "REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("rank,axes", REDUCE_AXES, ids=[f"r{r}-{a}" for r, a in REDUCE_AXES])
@pytest.mark.parametrize("keep", [False, True])
@pytest.mark.parametrize("dtype", ["float32", "int8", "uint8", "int16", "int32"])
def test_sum_max_min(tmp_path, op, rank, axes, keep, dtype):
    if op == "SUM" and dtype in ("int8", "int16"):
        pytest.skip("refused: the pinned LiteRT computes no defined int8/int16 SUM (see test_int8_int16_sum_is_refused)")
    shape = MEAN_SHAPES[rank]
    axes_set = {a % rank for a in axes}
    out = [1 if i in axes_set else d for i, d in enumerate(shape)] if keep else [d for i, d in enumerate(shape) if i not in axes_set]
    qi = {"float32": {}, "int32": {}, "int8": {"scale": 0.05, "zero_point": 4}, "uint8": {"scale": 0.05, "zero_point": 132},
          "int16": {"scale": 0.001, "zero_point": 0}}[dtype]
    # SUM requantizes to a wider output scale; MAX/MIN keep the input's, as LiteRT requires.
    qo = dict(qi)
    if op == "SUM" and qi:
        qo = {"scale": qi["scale"] * 7, "zero_point": -3 if dtype == "int8" else (100 if dtype == "uint8" else 0)}
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, **qi)
    y = b.output("y", dtype, out, **qo)
    b.op(op, [x, b.constant("axes", np.array(axes, np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": keep})
    check(b, tmp_path)


@pytest.mark.parametrize("dtype", ["int8", "int16"])
def test_int8_int16_sum_is_refused(tmp_path, dtype):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 3], scale=0.05, zero_point=0)
    y = b.output("y", dtype, [3], scale=0.1, zero_point=0)
    b.op("SUM", [x, b.constant("axes", np.array([0], np.int32))], [y], options={"__table__": "ReducerOptions", "keep_dims": False})
    assert f"operator 0 (SUM): {dtype} SUM (the pinned LiteRT computes no defined sum for it" in refused(b, tmp_path)


# --- ARG_MAX -------------------------------------------------------------------------------------

ARG_CASES = list(itertools.product([0, 1, 2, -1], ["float32", "int8", "uint8", "int32"], ["INT32", "INT64"],
                                   ["int32", "int64"]))
ARG_CASES = [c for c in ARG_CASES if c[3] == "int32" or (c[1] == "int8" and c[2] == "INT64")]


@pytest.mark.parametrize("axis,dtype,out_type,axis_type", ARG_CASES,
                         ids=[f"ax{a}-{t}-{o.lower()}-axis_{at}" for a, t, o, at in ARG_CASES])
def test_arg_max(tmp_path, axis, dtype, out_type, axis_type):
    shape = [3, 40, 5]  # 40 random 8-bit values along axis 1: ties of the maximum happen
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", out_type.lower(), [d for i, d in enumerate(shape) if i != axis % 3])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([axis], axis_type))], [y], options={"output_type": out_type}, version=2)
    check(b, tmp_path)


def test_arg_max_ties_take_the_first(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 6])
    y = b.output("y", "int32", [2])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([1], np.int32))], [y], options={"output_type": "INT32"})
    check(b, tmp_path, inputs={"x": np.array([[1, 5, 2, 5, 5, 0], [-3, -3, -3, -4, -3, -9]], np.float32)})


# --- resize ------------------------------------------------------------------------------------

RESIZE_CASES = list(itertools.product(["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"], [(False, False), (True, False), (False, True)],
                                      [(9, 7), (3, 2), (4, 5), (1, 1), (16, 11)], ["float32", "int8", "uint8", "int16"]))


@pytest.mark.parametrize("op,flags,size,dtype", RESIZE_CASES,
                         ids=[f"{o[7:10]}-ac{int(f[0])}-hp{int(f[1])}-{s[0]}x{s[1]}-{t}" for o, f, s, t in RESIZE_CASES])
def test_resize(tmp_path, op, flags, size, dtype):
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


# --- SQUEEZE, EXPAND_DIMS ---------------------------------------------------------------------

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


# --- CONCATENATION -------------------------------------------------------------------------------

CONCAT_CASES = list(itertools.product([0, 1, 2, -1, -3], ["float32", "int8", "uint8", "int16", "int32"], [2, 3]))


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


# --- PAD, PADV2 --------------------------------------------------------------------------------

PAD_SHAPES = {1: ([7], [[2, 3]]), 2: ([3, 4], [[0, 1], [2, 0]]), 4: ([1, 4, 5, 3], [[0, 0], [1, 2], [3, 0], [0, 1]]),
              5: ([2, 1, 3, 2, 2], [[1, 0], [0, 2], [1, 1], [0, 0], [2, 1]])}
PAD_CASES = list(itertools.product(["PAD", "PADV2"], ["float32", "int8", "uint8", "int16", "int32"], [1, 2, 4, 5], ["int32", "int64"]))
PAD_CASES = [c for c in PAD_CASES if c[3] == "int32" or (c[2] == 4 and c[1] == "int8")]


@pytest.mark.parametrize("op,dtype,rank,pad_type", PAD_CASES, ids=[f"{o}-{t}-r{r}-{p}" for o, t, r, p in PAD_CASES])
def test_pad(tmp_path, op, dtype, rank, pad_type):
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


# --- TRANSPOSE ---------------------------------------------------------------------------------

TRANSPOSE_PERMS = [[0], [1, 0], [0, 2, 1], [2, 0, 1], [1, 0, 3, 2], [3, 2, 1, 0], [4, 0, 3, 1, 2], [5, 1, 4, 0, 2, 3]]
TRANSPOSE_CASES = list(itertools.product(range(len(TRANSPOSE_PERMS)), ["float32", "int8", "int16", "int32"]))


@pytest.mark.parametrize("perm_index,dtype", TRANSPOSE_CASES,
                         ids=[f"p{''.join(map(str, TRANSPOSE_PERMS[p]))}-{t}" for p, t in TRANSPOSE_CASES])
def test_transpose(tmp_path, perm_index, dtype):
    perm = TRANSPOSE_PERMS[perm_index]
    shape = [2, 3, 4, 5, 3, 2][: len(perm)]
    b = OpModelBuilder()
    q = {} if dtype in ("float32", "int32") else QUANT[dtype]
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", dtype, [shape[p] for p in perm], **q)
    b.op("TRANSPOSE", [x, b.constant("perm", np.array(perm, np.int32))], [y], version=2)
    check(b, tmp_path)


# --- STRIDED_SLICE ------------------------------------------------------------------------------

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


SLICE_CASES = {
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


@pytest.mark.parametrize("case,dtype", list(itertools.product(SLICE_CASES, ["float32", "int8", "int16", "int32"])),
                         ids=[f"{c}-{t}" for c, t in itertools.product(SLICE_CASES, ["float32", "int8", "int16", "int32"])])
def test_strided_slice(tmp_path, case, dtype):
    shape, begin, end, strides, masks = SLICE_CASES[case]
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


# --- inputs that are computed rather than constant: shapes resolved at each Invoke ----------------

@pytest.mark.parametrize("stored", [[1, 5, 7, 2], [1, 1, 1, 2]], ids=["stored-shape-right", "stored-shape-stale"])
def test_resize_with_computed_size(tmp_path, stored):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 3, 4, 2], **QUANT["int8"])
    size = b.input("size", "int32", [2])
    y = b.output("y", "int8", stored, **QUANT["int8"])
    b.op("RESIZE_BILINEAR", [x, size], [y], options={"half_pixel_centers": True}, version=3)
    check(b, tmp_path, inputs={"x": rng.integers(-128, 128, [1, 3, 4, 2]).astype(np.int8), "size": np.array([5, 7], np.int32)})


@pytest.mark.parametrize("axis", [0, 1, -1])
def test_expand_dims_with_computed_axis(tmp_path, axis):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3])
    a = b.input("axis", "int32", [1])
    y = b.output("y", "float32", [2, 1, 3])
    b.op("EXPAND_DIMS", [x, a], [y])
    check(b, tmp_path, inputs={"x": rng.normal(size=[2, 3]).astype(np.float32), "axis": np.array([axis], np.int32)})


def test_pad_with_computed_paddings(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 3])
    pads = b.input("pads", "int32", [2, 2])
    y = b.output("y", "float32", [3, 5])
    b.op("PAD", [x, pads], [y])
    check(b, tmp_path, inputs={"x": rng.normal(size=[2, 3]).astype(np.float32),
                               "pads": np.array([[0, 2], [3, 1]], np.int32)})


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
