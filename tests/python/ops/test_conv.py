"""CONV_2D, DEPTHWISE_CONV_2D, CONV_3D: swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_ops_conv3d.py, test_ops_sweep.py.
"""

from __future__ import annotations

import itertools
import subprocess

import numpy as np
import pytest

from sweep import ACTIVATIONS, check, out_size, refused
from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, find_binary, run_tool
from tfldbg.testing.conformance import check_model, record_coverage
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


DW_TILE_CASES = [(c, p, s, d) for c in (8, 16, 24, 37, 40, 72) for p, s, d in (("SAME", 1, 1), ("VALID", 1, 2), ("SAME", 2, 1))]


@pytest.mark.parametrize("channels,padding,stride,dilation", DW_TILE_CASES,
                         ids=[f"c{c}-{p}-s{s}-d{d}" for c, p, s, d in DW_TILE_CASES])
def test_depthwise_float_pixel_tiles(tmp_path, channels, padding, stride, dilation):
    """Rows wide enough for the fast float depthwise tiles (8 channels as pixel pairs,
    16 channels 8 pixels a tile, 24 channels 4, 37-72 channels in groups of 16 4 pixels a tile with
    the tail 8 pixels or one at a time; AVX-512: over 32 channels pixel by pixel) and their edges."""
    h, w, k = 5, 23, 3
    oh, ow = out_size(padding, h, k, stride, dilation), out_size(padding, w, k, stride, dilation)
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, h, w, channels])
    f = b.constant("f", rng.normal(0, 0.5, [1, k, k, channels]).astype(np.float32))
    bias = b.constant("bias", rng.normal(0, 0.1, [channels]).astype(np.float32))
    y = b.output("y", "float32", [1, oh, ow, channels])
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], version=2,
         options={"padding": padding, "stride_w": stride, "stride_h": stride, "depth_multiplier": 1,
                  "dilation_w_factor": dilation, "dilation_h_factor": dilation, "fused_activation_function": "RELU6"})
    check(b, tmp_path)


DW_BLOCK_CASES = [(c, t, p, s, d, k) for c in (16, 32, 48, 80) for t in ("int8", "uint8")
                  for p, s, d, k in (("SAME", 1, 1, 3), ("VALID", 1, 2, 3), ("SAME", 2, 1, 3), ("VALID", 2, 1, 3), ("SAME", 1, 1, 5))]


@pytest.mark.parametrize("channels,dtype,padding,stride,dilation,k", DW_BLOCK_CASES,
                         ids=[f"c{c}-{t}-{p}-s{s}-d{d}-k{k}" for c, t, p, s, d, k in DW_BLOCK_CASES])
def test_depthwise_int8_channel_blocks(tmp_path, channels, dtype, padding, stride, dilation, k):
    """The 8-bit depthwise kernels' channel blocks: pairs of 16-channel blocks (32 channels a pass),
    a block left over (48, 80), strides 1 and 2 (with stride 2 only the columns that start a tap
    pair are rewritten), dilation, SAME padding's skipped rows, and a 5x5 filter; int8 with per-channel
    scales (ReLU6 clamp) and uint8 per-tensor, with sums large enough to reach the clamp."""
    h, w = 7, 13
    oh, ow = out_size(padding, h, k, stride, dilation), out_size(padding, w, k, stride, dilation)
    u8 = dtype == "uint8"
    b = OpModelBuilder()
    s_in = 0.05
    wscales = [0.01] if u8 else list(rng.uniform(0.002, 0.02, channels).astype(np.float32))
    x = b.input("x", dtype, [1, h, w, channels], scale=s_in, zero_point=128 if u8 else -3)
    wq = rng.integers(0 if u8 else -127, 256 if u8 else 128, [1, k, k, channels]).astype(np.uint8 if u8 else np.int8)
    f = b.constant("f", wq, scale=wscales, zero_point=[120 if u8 else 0] * len(wscales), quantized_dimension=3)
    bias = b.constant("bias", rng.integers(-500, 500, [channels]).astype(np.int32), scale=[s_in * s for s in wscales],
                      zero_point=[0] * len(wscales))
    y = b.output("y", dtype, [1, oh, ow, channels], scale=0.07, zero_point=110 if u8 else -5)
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], version=2,
         options={"padding": padding, "stride_w": stride, "stride_h": stride, "depth_multiplier": 1,
                  "dilation_w_factor": dilation, "dilation_h_factor": dilation, "fused_activation_function": "RELU6"})
    check(b, tmp_path)


FEW_ROW_CASES = [(h, s, c, t) for h, s, c in ((7, 1, 528), (14, 2, 528), (5, 1, 1040), (7, 1, 1040)) for t in ("int8", "uint8")]


@pytest.mark.parametrize("h,stride,channels,dtype", FEW_ROW_CASES,
                         ids=[f"h{h}-s{s}-c{c}-{t}" for h, s, c, t in FEW_ROW_CASES])
def test_depthwise_int8_few_rows_over_threads(tmp_path, h, stride, channels, dtype):
    """8-bit depthwise layers of few output rows (7 and 5: MobileNetV2's last layers) split their
    16-channel blocks over the threads instead of rows that do not divide evenly; 528 channels are 33
    blocks, so ranges start on odd blocks and cut pairs of blocks. Every thread count gives the
    scalar bytes."""
    u8 = dtype == "uint8"
    oh = out_size("SAME", h, 3, stride)
    b = OpModelBuilder()
    s_in = 0.05
    wscales = [0.01] if u8 else list(rng.uniform(0.002, 0.02, channels).astype(np.float32))
    x = b.input("x", dtype, [1, h, h, channels], scale=s_in, zero_point=128 if u8 else -3)
    wq = rng.integers(0 if u8 else -127, 256 if u8 else 128, [1, 3, 3, channels]).astype(np.uint8 if u8 else np.int8)
    f = b.constant("f", wq, scale=wscales, zero_point=[120 if u8 else 0] * len(wscales), quantized_dimension=3)
    bias = b.constant("bias", rng.integers(-500, 500, [channels]).astype(np.int32), scale=[s_in * s for s in wscales],
                      zero_point=[0] * len(wscales))
    y = b.output("y", dtype, [1, oh, oh, channels], scale=0.07, zero_point=110 if u8 else -5)
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], version=2,
         options={"padding": "SAME", "stride_w": stride, "stride_h": stride, "depth_multiplier": 1,
                  "dilation_w_factor": 1, "dilation_h_factor": 1, "fused_activation_function": "RELU6"})
    check(b, tmp_path)
    proc = subprocess.run([str(find_binary()), "cpu-check", str(tmp_path / "op.tflite"), "--thread-counts", "1", "2", "3", "5"],
                          capture_output=True, text=True)
    assert proc.returncode == 0 and "identical to the scalar kernels" in proc.stdout, proc.stdout + proc.stderr


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


# --- TRANSPOSE_CONV --------------------------------------------------------------------------------

# dtype kinds: float32; int8 with per-tensor (int8) or per-channel (int8pc) filter scales; uint8;
# int16 with an int64 bias (int16) or an int32 one under quantized_bias_type INT32 (int16b32); hybrid: float input, int8 filter, per-tensor or per-channel scales.
TC_KINDS = ["float32", "int8", "int8pc", "uint8", "int16", "int16b32", "hybrid", "hybridpc"]
TC_CASES = [(kind, padding, stride, extra) for kind in TC_KINDS for padding in ("SAME", "VALID")
            for stride, extra in (((1, 1), 0), ((2, 3), 1))]

TC_QUANT = {  # input (scale, zp), output (scale, zp)
    "int8": ((0.05, -7), (0.08, 3)), "int8pc": ((0.05, 9), (0.08, -4)), "uint8": ((0.04, 120), (0.1, 100)),
    "int16": ((0.001, 0), (0.01, 0)), "int16b32": ((0.001, 0), (0.02, 0)),
}


def transpose_conv_model(kind, padding, stride, extra, act="NONE", bias=True, batch=2, in_hw=(4, 5), k=(3, 2),
                         cin=3, cout=4, computed_shape=False):
    """A TRANSPOSE_CONV whose output convolves back to the input: SAME outputs in
    ((in-1)·s, in·s], VALID ones in [(in-1)·s + k, in·s + k - 1]; `extra` moves within that range."""
    sh, sw = stride
    if padding == "SAME":
        oh, ow = in_hw[0] * sh - extra, in_hw[1] * sw - extra
    else:
        oh, ow = (in_hw[0] - 1) * sh + k[0] + extra, (in_hw[1] - 1) * sw + k[1] + extra
    out_shape = [batch, oh, ow, cout]
    b = OpModelBuilder()
    shape = b.input("output_shape", "int32", [4]) if computed_shape else b.constant("output_shape", np.array(out_shape, np.int32))
    wshape = [cout, k[0], k[1], cin]
    options = {"padding": padding, "stride_h": sh, "stride_w": sw, "fused_activation_function": act}
    version = 4 if act != "NONE" else 1
    if kind in ("float32", "hybrid", "hybridpc"):
        x = b.input("x", "float32", [batch, in_hw[0], in_hw[1], cin])
        if kind == "float32":
            w = b.constant("w", rng.normal(0, 0.5, wshape).astype(np.float32))
        else:
            scales = list(rng.uniform(0.002, 0.02, cout).astype(np.float32)) if kind == "hybridpc" else [0.01]
            w = b.constant("w", rng.integers(-127, 128, wshape).astype(np.int8), scale=scales,
                           zero_point=[0] * len(scales), quantized_dimension=0)
            version = max(version, 3)
        bias_t = b.constant("bias", rng.normal(0, 0.3, [cout]).astype(np.float32)) if bias else None
        y = b.output("y", "float32", out_shape)
    else:
        (s_in, zp_in), (s_out, zp_out) = TC_QUANT[kind]
        u8 = kind == "uint8"
        scales = list(rng.uniform(0.002, 0.02, cout).astype(np.float32)) if kind in ("int8pc", "int16", "int16b32") else [0.01]
        x = b.input("x", "uint8" if u8 else kind[:5] if kind.startswith("int16") else "int8", [batch, in_hw[0], in_hw[1], cin],
                    scale=s_in, zero_point=zp_in)
        w = b.constant("w", rng.integers(0 if u8 else -127, 256 if u8 else 128, wshape).astype(np.uint8 if u8 else np.int8),
                       scale=scales, zero_point=[131 if u8 else 0] * len(scales), quantized_dimension=0)
        bias_type = np.int64 if kind == "int16" else np.int32
        bias_t = (b.constant("bias", rng.integers(-3000, 3000, [cout]).astype(bias_type), scale=[s_in * s for s in scales],
                             zero_point=[0] * len(scales)) if bias else None)
        y = b.output("y", "uint8" if u8 else kind[:5] if kind.startswith("int16") else "int8", out_shape, scale=s_out,
                     zero_point=zp_out)
        version = max(version, 3 if kind.startswith("int") and kind != "int8" else 2)
        if kind == "int16b32":
            options["quantized_bias_type"] = "INT32"
            version = 5
    b.op("TRANSPOSE_CONV", [shape, w, x] + ([bias_t] if bias else []), [y], options=options, version=version)
    return b, out_shape


@pytest.mark.parametrize("kind,padding,stride,extra", TC_CASES,
                         ids=[f"{k}-{p}-s{s[0]}x{s[1]}-e{e}" for k, p, s, e in TC_CASES])
def test_transpose_conv(tmp_path, kind, padding, stride, extra):
    # Every fused activation and both bias presences, spread over the cases.
    index = TC_CASES.index((kind, padding, stride, extra))
    act = ACTIVATIONS[index % len(ACTIVATIONS)]
    b, _ = transpose_conv_model(kind, padding, stride, extra, act=act, bias=index % 3 != 2)
    check(b, tmp_path)


@pytest.mark.parametrize("kind", ["float32", "int8", "int16", "hybrid"])
def test_transpose_conv_computed_output_shape(tmp_path, kind):
    b, out_shape = transpose_conv_model(kind, "SAME", (2, 2), 1, computed_shape=True)
    x = np.random.default_rng(3).uniform(-1, 1, [2, 4, 5, 3]).astype(np.float32)
    if kind != "float32" and kind != "hybrid":
        info = np.iinfo(np.int8 if kind == "int8" else np.int16)
        x = np.random.default_rng(3).integers(info.min, info.max + 1, [2, 4, 5, 3]).astype(info.dtype)
    check(b, tmp_path, inputs={"output_shape": np.array(out_shape, np.int32), "x": x})


@pytest.mark.filterwarnings("ignore:invalid value encountered in subtract:RuntimeWarning")  # inf - inf in the report
def test_transpose_conv_edge_values(tmp_path):
    """Zeros, infinities and NaN in float (IEEE arithmetic, as LiteRT's loop); the int8 extremes."""
    b, _ = transpose_conv_model("float32", "SAME", (2, 2), 0, batch=1)
    x = np.zeros([1, 4, 5, 3], np.float32)
    x[0, 0, 0] = [np.inf, -np.inf, np.nan]
    x[0, 2, 3] = [1e30, -1e30, 0.0]
    check(b, tmp_path, inputs={"x": x})
    b, _ = transpose_conv_model("int8", "VALID", (2, 3), 1, act="RELU6", batch=1)
    x = np.where(np.random.default_rng(4).random([1, 4, 5, 3]) < 0.5, -128, 127).astype(np.int8)
    (tmp_path / "int8").mkdir()
    check(b, tmp_path / "int8", inputs={"x": x})


@pytest.mark.parametrize("kind", ["float32", "int8"])
def test_transpose_conv_absent_bias_slot(tmp_path, kind):
    """Four inputs with the bias slot -1: LiteRT's optional bias, absent."""
    b, _ = transpose_conv_model(kind, "VALID", (2, 2), 1, bias=False)
    b.ops[0].inputs.append(-1)
    check(b, tmp_path)


def test_transpose_conv_empty_batch(tmp_path):
    b, _ = transpose_conv_model("float32", "SAME", (2, 2), 0, batch=0)
    check(b, tmp_path, inputs={"x": np.zeros([0, 4, 5, 3], np.float32)})


def test_transpose_conv_fused_tanh_is_no_activation(tmp_path):
    """LiteRT's activation range for TANH (and SIGN_BIT) is no clamp: it computes them as NONE."""
    for kind in ["float32", "int8"]:
        b, _ = transpose_conv_model(kind, "SAME", (2, 2), 0, act="TANH")
        (tmp_path / kind).mkdir()
        check(b, tmp_path / kind)


TC_REFUSALS = [
    ("output shape [2,9,10,4] with filter [4,3,2,3] does not convolve back", {"out": [2, 9, 10, 4]}),
    ("has 5 channels, the filter [4,3,2,3] makes 4", {"out": [2, 8, 10, 5]}),
    ("does not keep the input's batch 2", {"out": [1, 8, 10, 4]}),
    ("int32 bias with quantized_bias_type unset: LiteRT reads the bias as int64", {"kind": "int16", "bias32": True}),
    ("uint8 TRANSPOSE_CONV with per-channel filter scales", {"kind": "uint8", "per_channel": True}),
    ("hybrid TRANSPOSE_CONV with an empty batch", {"kind": "hybrid", "batch": 0}),
    ("int16 input and output must have zero point 0", {"kind": "int16", "input_zero_point": 3}),
]


@pytest.mark.parametrize("needle,change", TC_REFUSALS, ids=[str(i) for i in range(len(TC_REFUSALS))])
def test_transpose_conv_refusals(tmp_path, needle, change):
    kind = change.get("kind", "float32")
    b, out_shape = transpose_conv_model(kind, "SAME", (2, 2), 0, batch=change.get("batch", 2))
    if "out" in change:
        b.buffers[b.tensors[0].buffer] = np.array(change["out"], np.int32).tobytes()
        b.tensors[b.outputs[0]].shape = change["out"]
    if change.get("bias32"):
        bias = b.tensors[3]
        bias.dtype = "int32"
        b.buffers[bias.buffer] = np.zeros(4, np.int32).tobytes()
    if "input_zero_point" in change:
        b.tensors[b.inputs[0]].zero_point = [change["input_zero_point"]]
    if change.get("per_channel"):
        w = b.tensors[2]
        w.scale, w.zero_point = [0.01] * 4, [131] * 4
    refused(b, tmp_path, needle)


# --- CONV_3D_TRANSPOSE -----------------------------------------------------------------------------

C3T_CASES = [
    # input [N,D,H,W,C], filter [KD,KH,KW], cout, padding, strides (d,h,w), dilations (d,h,w), activation, bias, extra
    ([1, 2, 3, 4, 2], [2, 2, 2], 3, "SAME", (1, 1, 1), (1, 1, 1), "NONE", True, 0),
    ([1, 2, 3, 3, 2], [2, 3, 2], 3, "VALID", (1, 1, 1), (1, 1, 1), "RELU", True, 0),
    ([2, 2, 3, 2, 3], [3, 3, 3], 4, "SAME", (2, 2, 1), (1, 1, 1), "RELU6", False, 1),
    ([1, 3, 2, 2, 1], [2, 2, 3], 2, "VALID", (1, 2, 3), (1, 1, 1), "RELU_N1_TO_1", True, 1),
    ([1, 3, 3, 4, 2], [2, 2, 2], 2, "SAME", (1, 1, 1), (2, 3, 1), "NONE", True, 0),
    ([1, 2, 3, 2, 2], [3, 2, 2], 5, "VALID", (2, 1, 2), (2, 1, 3), "TANH", False, 1),
]


def conv3d_transpose_out(shape, k, padding, strides, dilations, extra):
    """Spatial output sizes that a forward CONV_3D (same options) shrinks back to the input."""
    out = []
    for a in range(3):
        s, eff = strides[a], (k[a] - 1) * dilations[a] + 1
        lo = (shape[1 + a] - 1) * s + (1 if padding == "SAME" else eff)
        out.append(min(lo + extra, shape[1 + a] * s + (0 if padding == "SAME" else eff - 1)))
    return out


def conv3d_transpose_model(case, computed_filter=False, computed_shape=False):
    shape, k, cout, padding, strides, dilations, act, with_bias, extra = case
    b = OpModelBuilder()
    out = [shape[0]] + conv3d_transpose_out(shape, k, padding, strides, dilations, extra) + [cout]
    out_shape = b.input("output_shape", "int32", [5]) if computed_shape else b.constant("output_shape", np.array(out, np.int32))
    fshape = list(k) + [cout, shape[4]]
    f = b.input("filter", "float32", fshape) if computed_filter else b.constant("filter", rng.standard_normal(fshape).astype(np.float32))
    x = b.input("x", "float32", shape)
    bias = b.constant("bias", rng.standard_normal(cout).astype(np.float32)) if with_bias else None
    y = b.output("y", "float32", out)
    b.op("CONV_3D_TRANSPOSE", [out_shape, f, x] + ([bias] if with_bias else []), [y],
         {"padding": padding, "stride_d": strides[0], "stride_h": strides[1], "stride_w": strides[2],
          "dilation_d_factor": dilations[0], "dilation_h_factor": dilations[1], "dilation_w_factor": dilations[2],
          "fused_activation_function": act})
    return b, out


@pytest.mark.parametrize("computed_filter", [False, True], ids=["constant-filter", "input-filter"])
@pytest.mark.parametrize("case", C3T_CASES, ids=[f"{c[0]}-k{c[1]}-o{c[2]}-{c[3]}-s{c[4]}-d{c[5]}-{c[6]}-{'bias' if c[7] else 'nobias'}"
                                                for c in C3T_CASES])
def test_conv3d_transpose(tmp_path, case, computed_filter):
    b, _ = conv3d_transpose_model(case, computed_filter)
    check(b, tmp_path)


def test_conv3d_transpose_computed_output_shape(tmp_path):
    b, out = conv3d_transpose_model(C3T_CASES[2], computed_shape=True)
    x = np.random.default_rng(5).uniform(-1, 1, C3T_CASES[2][0]).astype(np.float32)
    check(b, tmp_path, inputs={"output_shape": np.array(out, np.int32), "x": x})


@pytest.mark.parametrize("needle,out", [
    ("does not convolve back to the input [1,2,3,4,2] along axis 2", [1, 2, 4, 4, 3]),
    ("must keep the input's batch 1 and have the filter's 3 output channels", [1, 2, 3, 4, 6]),
], ids=["spatial", "channels"])
def test_conv3d_transpose_refusals(tmp_path, needle, out):
    b, _ = conv3d_transpose_model(C3T_CASES[0])
    b.buffers[b.tensors[0].buffer] = np.array(out, np.int32).tobytes()
    b.tensors[b.outputs[0]].shape = out
    refused(b, tmp_path, needle)


# --- hybrid CONV_2D / DEPTHWISE_CONV_2D: which quantization of the input LiteRT picks -------------------

def hybrid_conv_model(scales, groups=1, depthwise=False, batch=2, cin=4, cout=6, act="RELU6"):
    b = OpModelBuilder()
    k, h, w = 3, 7, 6
    x = b.input("x", "float32", [batch, h, w, cin])
    if depthwise:
        f = b.constant("f", rng.integers(-127, 128, [1, k, k, cout]).astype(np.int8), scale=scales,
                       zero_point=[0] * len(scales), quantized_dimension=3)
    else:
        f = b.constant("f", rng.integers(-127, 128, [cout, k, k, cin // groups]).astype(np.int8), scale=scales,
                       zero_point=[0] * len(scales), quantized_dimension=0)
    bias = b.constant("bias", rng.normal(0, 0.1, [cout]).astype(np.float32))
    y = b.output("y", "float32", [batch, h, w, cout])
    options = {"padding": "SAME", "stride_w": 1, "stride_h": 1, "fused_activation_function": act}
    if depthwise:
        options["depth_multiplier"] = cout // cin
    b.op("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, f, bias], [y], options=options, version=5 if depthwise else 3)
    return b


HYBRID_CONV_CASES = {
    # per-channel scales that are all equal: LiteRT quantizes CONV_2D's input symmetrically (per-tensor path)
    "conv-pc-equal-scales": dict(scales=[0.01] * 6),
    # grouped filters run LiteRT's per-channel path (asymmetric input)
    "conv-grouped-pc": dict(scales=list(np.linspace(0.004, 0.02, 6).astype(np.float32)), groups=2),
    # DEPTHWISE_CONV_2D is always per-channel and asymmetric, equal scales or not
    "depthwise-pc-equal-scales": dict(scales=[0.01] * 8, depthwise=True, cout=8),
    # wider than one 64-channel group of the fast hybrid GEMM, k = 3·3·20 = 180 (padded to the
    # kernel's step), the padding taps at the (asymmetric) zero point: per tensor, then per channel
    "conv-wide-pt": dict(scales=[0.01], cin=20, cout=70, act="NONE"),
    "conv-wide-pc": dict(scales=list(np.linspace(0.002, 0.02, 70).astype(np.float32)), cin=20, cout=70, act="RELU"),
}


@pytest.mark.parametrize("name", list(HYBRID_CONV_CASES))
def test_hybrid_conv_paths(tmp_path, name):
    check(hybrid_conv_model(**HYBRID_CONV_CASES[name]), tmp_path)


@pytest.mark.parametrize("needle,kwargs", [
    ("grouped hybrid CONV_2D needs distinct per-channel filter scales", dict(scales=[0.01], groups=2)),
    ("hybrid convolution of an empty batch", dict(scales=[0.01], batch=0)),
], ids=["grouped-per-tensor", "empty-batch"])
def test_hybrid_conv_refusals(tmp_path, needle, kwargs):
    refused(hybrid_conv_model(**kwargs), tmp_path, needle)


# --- Convolution2DTransposeBias (MediaPipe custom op) ---------------------------------------------------

# LiteRT has no kernel for it: tfldbg's output is held against LiteRT running the same graph
# rewritten as TRANSPOSE_CONV + ADD (the bias added after the sums). MediaPipe's kernel starts each
# sum at the bias instead, so float results differ by rounding only. Measured on these cases: at
# most 1.5e-6 absolute (a few ulp of outputs of magnitude ~1-10; relative up to 1.7e-5 where
# the sum nearly cancels the bias); the check uses rtol 1e-5, atol 1e-5.
C2TB_CASES = [
    # input [N,H,W,C], filter [O,KH,KW,I], padding code (1 SAME, 2 VALID, 0 unknown: no trim), strides (w, h)
    ([1, 4, 5, 3], [4, 3, 3, 3], 1, (2, 2)),
    ([2, 5, 4, 2], [3, 4, 2, 2], 1, (3, 2)),
    ([1, 4, 4, 3], [2, 3, 3, 3], 2, (2, 2)),
    ([2, 3, 5, 4], [5, 2, 3, 4], 2, (1, 3)),
    ([1, 6, 3, 2], [3, 5, 5, 2], 1, (1, 1)),
    ([1, 3, 3, 2], [2, 2, 2, 2], 0, (2, 1)),
]


def c2tb_out_hw(in_hw, k, padding, strides):
    out = []
    for size, kk, s in zip(in_hw, k, strides):
        trim = max(0, kk - (size - 1) % s - 1) if padding == 1 else 0
        out.append(s * (size - 1) + kk - trim)
    return out


@pytest.mark.parametrize("computed_filter", [False, True], ids=["constant-filter", "input-filter"])
@pytest.mark.parametrize("case", C2TB_CASES, ids=[f"{c[0]}-f{c[1]}-p{c[2]}-s{c[3][0]}x{c[3][1]}" for c in C2TB_CASES])
def test_convolution2d_transpose_bias_matches_litert_transpose_conv_plus_add(tmp_path, case, computed_filter):
    import struct

    from tfldbg.backends.litert import litert_interpreter
    from tfldbg.formats.dump import load_dump

    in_shape, fshape, padding, (sw, sh) = case
    r = np.random.default_rng(sum(in_shape) + sum(fshape) + padding)
    x = r.uniform(-1, 1, in_shape).astype(np.float32)
    w = r.normal(0, 1, fshape).astype(np.float32)
    bias = r.normal(0, 3, fshape[0]).astype(np.float32)
    oh, ow = c2tb_out_hw(in_shape[1:3], fshape[1:3], padding, (sh, sw))
    out_shape = [in_shape[0], oh, ow, fshape[0]]

    custom = OpModelBuilder()
    cx = custom.input("x", "float32", in_shape)
    cw = custom.input("w", "float32", fshape) if computed_filter else custom.constant("w", w)
    cb = custom.constant("bias", bias)
    cy = custom.output("y", "float32", out_shape)
    custom.op("Convolution2DTransposeBias", [cx, cw, cb], [cy], custom_options=struct.pack("<3i", padding, sw, sh))
    model = custom.save(tmp_path / "custom.tflite")
    inputs = {"x": x, "w": w} if computed_filter else {"x": x}
    args = []
    for name, value in inputs.items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / f'{name}.npy'}"]
    run_tool("dump", str(model), "--out", str(tmp_path / "ours"), *args)
    ours = load_dump(tmp_path / "ours")
    got = ours.array(ours.steps[0].outputs[0].file)

    rewritten = OpModelBuilder()
    rx = rewritten.input("x", "float32", in_shape)
    rw = rewritten.input("w", "float32", fshape) if computed_filter else rewritten.constant("w", w)
    rb = rewritten.constant("bias", bias)
    shape = rewritten.constant("output_shape", np.array(out_shape, np.int32))
    summed = rewritten.tensor("sums", "float32", out_shape)
    ry = rewritten.output("y", "float32", out_shape)
    rewritten.op("TRANSPOSE_CONV", [shape, rw, rx], [summed],
                 options={"padding": "SAME" if padding == 1 else "VALID", "stride_w": sw, "stride_h": sh})
    rewritten.op("ADD", [summed, rb], [ry])
    interp = litert_interpreter(rewritten.save(tmp_path / "rewritten.tflite"))
    for d in interp.get_input_details():
        interp.set_tensor(d["index"], inputs[d["name"]])
    interp.invoke()
    want = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)
    record_coverage(ours, True, "reference (TRANSPOSE_CONV + ADD)")


@pytest.mark.parametrize("needle,options", [
    ("custom options hold 8 bytes; Convolution2DTransposeBias needs 12", (1, 2)),
    ("strides must be in [1, 65536], got 2x0", (1, 0, 2)),
], ids=["short-options", "zero-stride"])
def test_convolution2d_transpose_bias_refusals(tmp_path, needle, options):
    import struct

    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 3, 3, 2])
    w = b.constant("w", np.ones([2, 2, 2, 2], np.float32))
    bias = b.constant("bias", np.zeros([2], np.float32))
    y = b.output("y", "float32", [1, 6, 6, 2])
    b.op("Convolution2DTransposeBias", [x, w, bias], [y], custom_options=struct.pack(f"<{len(options)}i", *options))
    refused(b, tmp_path, needle)


DW16_CASES = [("SAME", 1, 1, 1), ("VALID", 2, 1, 2), ("SAME", 2, 2, 2), ("VALID", 1, 2, 1)]


@pytest.mark.parametrize("padding,stride,dilation,multiplier", DW16_CASES,
                         ids=[f"{p}-s{s}-d{d}-m{m}" for p, s, d, m in DW16_CASES])
def test_depthwise_conv2d_int16(tmp_path, padding, stride, dilation, multiplier):
    """int16x8 DEPTHWISE_CONV_2D: zero points 0, per-channel int8 filter, int64 bias."""
    n, h, w, cin, k = 1, 8, 9, 4, 3
    cout = cin * multiplier
    oh, ow = out_size(padding, h, k, stride, dilation), out_size(padding, w, k, stride, dilation)
    b = OpModelBuilder()
    wscales = list(rng.uniform(0.002, 0.02, cout).astype(np.float32))
    x = b.input("x", "int16", [n, h, w, cin], scale=0.001, zero_point=0)
    f = b.constant("f", rng.integers(-127, 128, [1, k, k, cout]).astype(np.int8), scale=wscales, zero_point=[0] * cout,
                   quantized_dimension=3)
    bias = b.constant("bias", rng.integers(-5000, 5000, [cout]).astype(np.int64), scale=[0.001 * s for s in wscales],
                      zero_point=[0] * cout)
    y = b.output("y", "int16", [n, oh, ow, cout], scale=0.004, zero_point=0)
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], version=5,
         options={"padding": padding, "stride_w": stride, "stride_h": stride, "depth_multiplier": multiplier,
                  "dilation_w_factor": dilation, "dilation_h_factor": dilation, "fused_activation_function": "RELU6"})
    check(b, tmp_path)


# Depth multipliers > 1 on the fast 8-bit depthwise paths (each input channel
# repeated before the multiplier-1 kernels), including micro_speech's shape
# (1 channel × 8, a 10x8 filter, stride 2) and channel counts off the 16-lane blocks.
DW_MULT_CASES = [  # (cin, multiplier, (kh, kw), stride, padding, dtype)
    (1, 8, (10, 8), 2, "SAME", "int8"),
    (3, 8, (3, 3), 1, "SAME", "uint8"),
    (5, 3, (3, 3), 2, "VALID", "int8"),
    (7, 4, (5, 5), 1, "SAME", "uint8"),
    (20, 2, (3, 3), 1, "SAME", "int8"),
]


@pytest.mark.parametrize("cin,multiplier,k,stride,padding,dtype", DW_MULT_CASES,
                         ids=[f"c{c}-m{m}-k{k[0]}x{k[1]}-s{s}-{p}-{t}" for c, m, k, s, p, t in DW_MULT_CASES])
def test_depthwise_conv2d_depth_multiplier_fast(tmp_path, cin, multiplier, k, stride, padding, dtype):
    n, h, w = 1, 13, 11
    cout = cin * multiplier
    oh, ow = out_size(padding, h, k[0], stride), out_size(padding, w, k[1], stride)
    u8 = dtype == "uint8"
    b = OpModelBuilder()
    wscales = [0.01] if u8 else list(rng.uniform(0.002, 0.02, cout).astype(np.float32))
    x = b.input("x", dtype, [n, h, w, cin], scale=0.05, zero_point=128 if u8 else -3)
    wq = rng.integers(0 if u8 else -127, 256 if u8 else 128, [1, k[0], k[1], cout]).astype(np.uint8 if u8 else np.int8)
    f = b.constant("f", wq, scale=wscales, zero_point=[120 if u8 else 0] * len(wscales), quantized_dimension=3)
    bias = b.constant("bias", rng.integers(-500, 500, [cout]).astype(np.int32), scale=[0.05 * s for s in wscales],
                      zero_point=[0] * len(wscales))
    y = b.output("y", dtype, [n, oh, ow, cout], scale=0.3, zero_point=110 if u8 else -5)
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], version=2,
         options={"padding": padding, "stride_w": stride, "stride_h": stride, "depth_multiplier": multiplier,
                  "fused_activation_function": "RELU6" if cin % 2 else "NONE"})
    check(b, tmp_path)


# The conv output stage at its extremes: multipliers above one (a left shift),
# tiny ones (right shifts near 31), output scales where many sums round at a
# tie, full-range and clamped activations, 40 channels (three panels), int8 and uint8.
REQUANT_CASES = list(itertools.product([0.2, 1e-4, 3e-9, 0.0125, 2e5], ["NONE", "RELU6"], ["int8", "uint8"]))


@pytest.mark.parametrize("out_scale,act,dtype", REQUANT_CASES, ids=[f"o{s}-{a}-{t}" for s, a, t in REQUANT_CASES])
def test_conv2d_output_stage_extremes(tmp_path, out_scale, act, dtype):
    n, h, w, cin, cout = 1, 6, 7, 12, 40
    u8 = dtype == "uint8"
    b = OpModelBuilder()
    x = b.input("x", dtype, [n, h, w, cin], scale=0.0625, zero_point=130 if u8 else -2)
    wq = rng.integers(0 if u8 else -127, 256 if u8 else 128, [cout, 1, 1, cin]).astype(np.uint8 if u8 else np.int8)
    f = b.constant("f", wq, scale=[0.015625], zero_point=[127 if u8 else 0], quantized_dimension=0)
    bias = b.constant("bias", rng.integers(-3000, 3000, [cout]).astype(np.int32), scale=[0.0625 * 0.015625],
                      zero_point=[0])
    y = b.output("y", dtype, [n, h, w, cout], scale=out_scale, zero_point=120 if u8 else 4)
    b.op("CONV_2D", [x, f, bias], [y], version=3,
         options={"padding": "VALID", "stride_w": 1, "stride_h": 1, "fused_activation_function": act})
    check(b, tmp_path)
