"""Single-op models, built without TensorFlow, swept over each kernel's parameters
and checked against LiteRT on every tensor (integers bit for bit).

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

ACTIVATIONS = ["NONE", "RELU", "RELU6", "RELU_N1_TO_1"]
rng = np.random.default_rng(1234)


def check(builder: OpModelBuilder, tmp_path, seeds=(0, 1)):
    path = builder.save(tmp_path / "op.tflite")
    for seed in seeds:
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


def out_size(padding, size, k, stride, dilation):
    eff = (k - 1) * dilation + 1
    return (size + stride - 1) // stride if padding == "SAME" else (size + stride - eff) // stride


def conv_quant(b, kind, in_ch, out_ch, per_channel, dtype, axis):
    """Adds input/filter/bias tensors with plausible quantization; returns their ids and scales."""
    scale_in = {"int8": 0.05, "uint8": 0.04, "int16": 0.001}[dtype]
    zp_in = {"int8": -7, "uint8": 120, "int16": 0}[dtype]
    wscales = (rng.uniform(0.002, 0.02, out_ch) if per_channel else np.full(1, 0.01)).astype(np.float32)
    return scale_in, zp_in, wscales


CONV_CASES = list(itertools.product(["SAME", "VALID"], [1, 2], [1, 2], ["NONE", "RELU6"], [False, True],
                                    ["int8", "float32", "uint8", "int16", "hybrid"]))


@pytest.mark.parametrize("padding,stride,dilation,act,per_channel,dtype", CONV_CASES,
                         ids=[f"{p}-s{s}-d{d}-{a}-{'pc' if pc else 'pt'}-{t}" for p, s, d, a, pc, t in CONV_CASES])
def test_conv2d(tmp_path, padding, stride, dilation, act, per_channel, dtype):
    if dtype in ("float32", "uint8") and per_channel:
        pytest.skip("per-channel applies to int8/int16 filters")
    n, h, w, cin, cout, k = 1, 9, 7, 3, 5, 3
    oh, ow = out_size(padding, h, k, stride, dilation), out_size(padding, w, k, stride, dilation)
    b = OpModelBuilder()
    options = {"padding": padding, "stride_w": stride, "stride_h": stride, "dilation_w_factor": dilation,
               "dilation_h_factor": dilation, "fused_activation_function": act}
    if dtype in ("float32", "hybrid"):
        if dtype == "hybrid":
            n = 2  # each batch is quantized on its own
        x = b.input("x", "float32", [n, h, w, cin])
        if dtype == "float32":
            f = b.constant("f", rng.normal(0, 0.5, [cout, k, k, cin]).astype(np.float32))
        else:  # int8 filter, float activations: per-tensor (symmetric input) or per-channel (asymmetric input)
            scales = list(rng.uniform(0.002, 0.02, cout).astype(np.float32)) if per_channel else [0.01]
            f = b.constant("f", rng.integers(-127, 128, [cout, k, k, cin]).astype(np.int8), scale=scales,
                           zero_point=[0] * len(scales), quantized_dimension=0)
        bias = b.constant("bias", rng.normal(0, 0.1, [cout]).astype(np.float32))
        y = b.output("y", "float32", [n, oh, ow, cout])
    else:
        s_in, zp_in, wscales = conv_quant(b, "conv", cin, cout, per_channel, dtype, 0)
        wdtype = np.uint8 if dtype == "uint8" else np.int8
        x = b.input("x", dtype, [n, h, w, cin], scale=s_in, zero_point=zp_in)
        wq = rng.integers(0 if dtype == "uint8" else -127, 256 if dtype == "uint8" else 128, [cout, k, k, cin]).astype(wdtype)
        f = b.constant("f", wq, scale=list(wscales), zero_point=[128 if dtype == "uint8" else 0] * len(wscales),
                       quantized_dimension=0)
        bias_scales = [s_in * s for s in wscales]
        bias_t = np.int64 if dtype == "int16" else np.int32
        bias = b.constant("bias", rng.integers(-2000, 2000, [cout]).astype(bias_t), scale=bias_scales,
                          zero_point=[0] * len(bias_scales))
        y = b.output("y", dtype, [n, oh, ow, cout], scale={"int8": 0.08, "uint8": 0.1, "int16": 0.002}[dtype],
                     zero_point={"int8": 3, "uint8": 100, "int16": 0}[dtype])
    b.op("CONV_2D", [x, f, bias], [y], options=options, version=3 if dtype != "int16" else 4)
    check(b, tmp_path)


DW_CASES = list(itertools.product(["SAME", "VALID"], [1, 2], [1, 2], [1, 2], ["int8", "float32", "uint8", "hybrid"]))


@pytest.mark.parametrize("padding,stride,dilation,multiplier,dtype", DW_CASES,
                         ids=[f"{p}-s{s}-d{d}-m{m}-{t}" for p, s, d, m, t in DW_CASES])
def test_depthwise_conv2d(tmp_path, padding, stride, dilation, multiplier, dtype):
    n, h, w, cin, k = 1, 8, 9, 4, 3
    cout = cin * multiplier
    oh, ow = out_size(padding, h, k, stride, dilation), out_size(padding, w, k, stride, dilation)
    b = OpModelBuilder()
    options = {"padding": padding, "stride_w": stride, "stride_h": stride, "depth_multiplier": multiplier,
               "dilation_w_factor": dilation, "dilation_h_factor": dilation, "fused_activation_function": "RELU"}
    if dtype in ("float32", "hybrid"):
        if dtype == "hybrid":  # float input, int8 filter with one scale per output channel
            n = 2
        x = b.input("x", "float32", [n, h, w, cin])
        if dtype == "float32":
            f = b.constant("f", rng.normal(0, 0.5, [1, k, k, cout]).astype(np.float32))
        else:
            f = b.constant("f", rng.integers(-127, 128, [1, k, k, cout]).astype(np.int8),
                           scale=list(rng.uniform(0.002, 0.02, cout).astype(np.float32)), zero_point=[0] * cout,
                           quantized_dimension=3)
        bias = b.constant("bias", rng.normal(0, 0.1, [cout]).astype(np.float32))
        y = b.output("y", "float32", [n, oh, ow, cout])
    else:
        u8 = dtype == "uint8"
        s_in = 0.05
        wscales = [0.01] if u8 else list(rng.uniform(0.002, 0.02, cout).astype(np.float32))
        x = b.input("x", dtype, [n, h, w, cin], scale=s_in, zero_point=128 if u8 else -3)
        wq = rng.integers(0 if u8 else -127, 256 if u8 else 128, [1, k, k, cout]).astype(np.uint8 if u8 else np.int8)
        f = b.constant("f", wq, scale=wscales, zero_point=[120 if u8 else 0] * len(wscales), quantized_dimension=3)
        bias = b.constant("bias", rng.integers(-500, 500, [cout]).astype(np.int32), scale=[s_in * s for s in wscales],
                          zero_point=[0] * len(wscales))
        y = b.output("y", dtype, [n, oh, ow, cout], scale=0.07, zero_point=110 if u8 else -5)
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], options=options, version=2)
    check(b, tmp_path)


FC_CASES = list(itertools.product(ACTIVATIONS, [False, True], ["int8", "float32", "uint8", "int16", "hybrid"], [1, 3]))


@pytest.mark.parametrize("act,keep_dims,dtype,batches", FC_CASES,
                         ids=[f"{a}-{'keep' if kd else 'flat'}-{t}-b{n}" for a, kd, t, n in FC_CASES])
def test_fully_connected(tmp_path, act, keep_dims, dtype, batches):
    depth, units = 13, 6
    b = OpModelBuilder()
    in_shape = [batches, 2, depth] if keep_dims else [batches, depth]
    out_shape = [batches, 2, units] if keep_dims else [batches * (1 if not keep_dims else 2), units]
    rows = batches * (2 if keep_dims else 1)
    if not keep_dims:
        out_shape = [rows, units]
    options = {"fused_activation_function": act, "keep_num_dims": keep_dims}
    if dtype in ("float32", "hybrid"):
        x = b.input("x", "float32", in_shape)
        if dtype == "float32":
            w = b.constant("w", rng.normal(0, 0.5, [units, depth]).astype(np.float32))
        else:
            w = b.constant("w", rng.integers(-127, 128, [units, depth]).astype(np.int8), scale=0.01, zero_point=0)
        bias = b.constant("bias", rng.normal(0, 0.1, [units]).astype(np.float32))
        y = b.output("y", "float32", out_shape)
    else:
        u8 = dtype == "uint8"
        s_in = {"int8": 0.05, "uint8": 0.05, "int16": 0.001}[dtype]
        x = b.input("x", dtype, in_shape, scale=s_in, zero_point={"int8": 4, "uint8": 127, "int16": 0}[dtype])
        w = b.constant("w", rng.integers(0 if u8 else -127, 256 if u8 else 128, [units, depth]).astype(np.uint8 if u8 else np.int8),
                       scale=0.01, zero_point=130 if u8 else 0)
        bias_t = np.int64 if dtype == "int16" else np.int32
        bias = b.constant("bias", rng.integers(-300, 300, [units]).astype(bias_t), scale=s_in * 0.01, zero_point=0)
        y = b.output("y", dtype, out_shape, scale={"int8": 0.06, "uint8": 0.06, "int16": 0.002}[dtype],
                     zero_point={"int8": -10, "uint8": 90, "int16": 0}[dtype])
    b.op("FULLY_CONNECTED", [x, w, bias], [y], options=options, version=7)
    check(b, tmp_path)


POOL_CASES = list(itertools.product(["AVERAGE_POOL_2D", "MAX_POOL_2D"], ["SAME", "VALID"], [(2, 2), (3, 2)], [1, 2],
                                    ["int8", "float32", "uint8", "int16"]))


@pytest.mark.parametrize("op,padding,filt,stride,dtype", POOL_CASES,
                         ids=[f"{o}-{p}-f{f[0]}x{f[1]}-s{s}-{t}" for o, p, f, s, t in POOL_CASES])
def test_pooling(tmp_path, op, padding, filt, stride, dtype):
    n, h, w, c = 2, 7, 6, 3
    oh, ow = out_size(padding, h, filt[0], stride, 1), out_size(padding, w, filt[1], stride, 1)
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 0 if dtype == "int16" else 5}
    x = b.input("x", dtype, [n, h, w, c], **q)
    y = b.output("y", dtype, [n, oh, ow, c], **q)
    b.op(op, [x], [y], options={"padding": padding, "stride_w": stride, "stride_h": stride, "filter_width": filt[1],
                                "filter_height": filt[0], "fused_activation_function": "RELU6"}, version=2)
    check(b, tmp_path)


BROADCASTS = [([2, 3, 4], [2, 3, 4]), ([2, 3, 4], [4]), ([2, 1, 4], [1, 3, 1]), ([1, 2, 1, 3, 1, 2], [2, 1, 4, 1, 2, 1])]
ARITH_CASES = list(itertools.product(["ADD", "SUB", "MUL"], range(len(BROADCASTS)), ["NONE", "RELU"], ["int8", "float32", "uint8", "int16"]))


@pytest.mark.parametrize("op,shapes,act,dtype", ARITH_CASES, ids=[f"{o}-b{s}-{a}-{t}" for o, s, a, t in ARITH_CASES])
def test_arithmetic(tmp_path, op, shapes, act, dtype):
    sa, sb = BROADCASTS[shapes]
    out_shape = list(np.broadcast_shapes(tuple(sa), tuple(sb)))
    b = OpModelBuilder()
    if dtype == "float32":
        qa = qb = qo = {}
    elif dtype == "int16":
        qa, qb, qo = {"scale": 0.0007, "zero_point": 0}, {"scale": 0.0011, "zero_point": 0}, {"scale": 0.0015, "zero_point": 0}
    else:
        base = 128 if dtype == "uint8" else 0
        qa, qb, qo = ({"scale": 0.03, "zero_point": base + 3}, {"scale": 0.05, "zero_point": base - 9},
                      {"scale": 0.07 if op != "MUL" else 0.11, "zero_point": base + 1})
    x1 = b.input("x1", dtype, sa, **qa)
    x2 = b.input("x2", dtype, sb, **qb)
    y = b.output("y", dtype, out_shape, **qo)
    options = {"fused_activation_function": act}
    if op in ("ADD", "SUB") and dtype == "int16":
        options["pot_scale_int16"] = False
    b.op(op, [x1, x2], [y], options=options, version=3 if dtype == "int16" else 2)
    check(b, tmp_path)


SOFTMAX_CASES = list(itertools.product([1.0, 0.5, 2.0], [[1, 10], [2, 3, 17]], ["int8", "float32", "uint8", "int16"]))


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


QUANT_CASES = [("float32", "int8"), ("float32", "uint8"), ("float32", "int16"), ("int8", "int8"), ("uint8", "int8"),
               ("int8", "uint8"), ("int16", "int16")]


@pytest.mark.parametrize("src,dst", QUANT_CASES, ids=[f"{s}-to-{d}" for s, d in QUANT_CASES])
def test_quantize_and_dequantize(tmp_path, src, dst):
    b = OpModelBuilder()
    qs = {} if src == "float32" else {"scale": 0.02, "zero_point": 0 if src == "int16" else (130 if src == "uint8" else 2)}
    qd = {"scale": 0.013 if dst != "int16" else 0.0004, "zero_point": 0 if dst == "int16" else (120 if dst == "uint8" else -4)}
    x = b.input("x", src, [3, 17], **qs)
    q = b.tensor("q", dst, [3, 17], **qd)
    y = b.output("y", "float32", [3, 17])
    b.op("QUANTIZE", [x], [q])
    b.op("DEQUANTIZE", [q], [y], version=2)
    check(b, tmp_path)


MEAN_CASES = list(itertools.product([[1, 2], [1], [3], [0, 2]], [True, False], ["int8", "float32", "uint8"]))


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


UNARY_CASES = list(itertools.product(["RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "LOGISTIC", "TANH"],
                                     ["float32", "int8", "uint8", "int16"]))


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


PAD_CASES = list(itertools.product(["PAD", "PADV2"], ["float32", "int8", "uint8"]))


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


RESIZE_CASES = list(itertools.product(["RESIZE_BILINEAR", "RESIZE_NEAREST_NEIGHBOR"], [(False, False), (True, False), (False, True)],
                                      [(9, 7), (3, 2)], ["float32", "int8"]))


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


@pytest.mark.parametrize("axis,dtype", [(1, "float32"), (2, "int8"), (0, "uint8")], ids=["ax1-f32", "ax2-i8", "ax0-u8"])
def test_arg_max(tmp_path, axis, dtype):
    shape = [3, 4, 5]
    b = OpModelBuilder()
    q = {} if dtype == "float32" else {"scale": 0.1, "zero_point": 0}
    x = b.input("x", dtype, shape, **q)
    y = b.output("y", "int32", [d for i, d in enumerate(shape) if i != axis])
    b.op("ARG_MAX", [x, b.constant("axis", np.array([axis], np.int32))], [y], options={"output_type": "INT32"}, version=2)
    check(b, tmp_path)


SLICE_CASES = [
    ([0, 1, 0], [2, 4, 5], [1, 1, 2], 0, 0, 0),
    ([1, -1, 4], [0, 0, 0], [-1, -1, -1], 0, 0, 0),
    ([0, 2, 0], [0, 3, 0], [1, 1, 1], 0b101, 0b101, 0b010),
    ([-2, 0, 1], [-1, 9, 4], [1, 2, 3], 0, 0, 0b001),
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
