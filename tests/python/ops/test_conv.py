"""CONV_2D, DEPTHWISE_CONV_2D, CONV_3D: swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_ops_conv3d.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from sweep import check, out_size
from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, run_tool
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(1234)


def conv_quant(b, kind, in_ch, out_ch, per_channel, dtype, axis):
    """Adds input/filter/bias tensors with plausible quantization; returns their ids and scales."""
    scale_in = {"int8": 0.05, "uint8": 0.04, "int16": 0.001}[dtype]
    zp_in = {"int8": -7, "uint8": 120, "int16": 0}[dtype]
    wscales = (rng.uniform(0.002, 0.02, out_ch) if per_channel else np.full(1, 0.01)).astype(np.float32)
    return scale_in, zp_in, wscales


CONV_CASES = list(itertools.product(["SAME", "VALID"], [1, 2], [1, 2], ["NONE", "RELU6"], [False, True],
                                    ["int8", "float32", "uint8", "int16", "hybrid"]))


DW_CASES = list(itertools.product(["SAME", "VALID"], [1, 2], [1, 2], [1, 2], ["int8", "float32", "uint8", "hybrid"]))


CASES = [
    # input [N,D,H,W,C], filter [KD,KH,KW], cout, padding, strides (d,h,w), dilations (d,h,w), activation, bias
    ([1, 4, 5, 6, 2], [2, 2, 2], 3, "SAME", (1, 1, 1), (1, 1, 1), "NONE", True),
    ([1, 4, 5, 6, 2], [2, 3, 2], 3, "VALID", (1, 1, 1), (1, 1, 1), "RELU", True),
    ([2, 5, 6, 7, 3], [3, 3, 3], 4, "SAME", (2, 2, 1), (1, 1, 1), "RELU6", False),
    ([1, 6, 7, 5, 1], [2, 2, 3], 2, "VALID", (1, 2, 3), (1, 1, 1), "RELU_N1_TO_1", True),
    ([1, 7, 8, 9, 2], [2, 2, 2], 2, "SAME", (1, 1, 1), (2, 3, 1), "NONE", True),
    ([1, 7, 8, 9, 2], [3, 2, 2], 5, "VALID", (2, 1, 2), (2, 1, 3), "NONE", False),
    ([1, 3, 3, 3, 4], [3, 3, 3], 1, "SAME", (3, 3, 3), (1, 1, 1), "NONE", True),
]


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


@pytest.mark.parametrize("computed_filter", [False, True], ids=["constant-filter", "input-filter"])
@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-k{c[1]}-o{c[2]}-{c[3]}-s{c[4]}-d{c[5]}-{c[6]}-{'bias' if c[7] else 'nobias'}"
                                            for c in CASES])
def test_conv3d_matches_litert(tmp_path, case, computed_filter):
    shape, k, cout, padding, strides, dilations, act, with_bias = case
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    fshape = list(k) + [shape[4], cout]
    if computed_filter:
        f = b.input("filter", "float32", fshape)
    else:
        f = b.constant("filter", rng.standard_normal(fshape).astype(np.float32))
    bias = b.constant("bias", rng.standard_normal(cout).astype(np.float32)) if with_bias else None
    out = [shape[0]] + [out_size(padding, shape[1 + a], k[a], strides[a], dilations[a]) for a in range(3)] + [cout]
    y = b.output("y", "float32", out)
    b.op("CONV_3D", [x, f, bias], [y], {"__table__": "Conv3DOptions", "padding": padding, "stride_d": strides[0],
                                        "stride_h": strides[1], "stride_w": strides[2], "dilation_d_factor": dilations[0],
                                        "dilation_h_factor": dilations[1], "dilation_w_factor": dilations[2],
                                        "fused_activation_function": act})
    path = b.save(tmp_path / "conv3d.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


def test_conv3d_with_mismatched_channels_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 3, 3, 3, 2])
    f = b.constant("filter", np.zeros([2, 2, 2, 3, 1], np.float32))
    y = b.output("y", "float32", [1, 3, 3, 3, 1])
    b.op("CONV_3D", [x, f], [y], {"__table__": "Conv3DOptions", "padding": "SAME", "stride_d": 1, "stride_h": 1, "stride_w": 1})
    path = b.save(tmp_path / "conv3d.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "operator 0 (CONV_3D): filter [2,2,2,3,1] takes 3 input channels, the input [1,3,3,3,2] has 2" in str(err.value)
