"""`--kernels xnnpack`: tfldbg computes what LiteRT's default CPU path (the
Python Interpreter as it comes, with its XNNPACK delegate) computes, bit for
bit on integers, on the graph outputs (the delegate keeps no intermediates).

Each single-op model is checked twice against LiteRT: whether the delegate
takes the node (a DELEGATE node in LiteRT's graph) equals tfldbg's decision
(the dump's `steps[].xnnpack`), and the outputs are equal. Swept with edge
values: exact ties of the fp32 requantization, saturating outputs, zero points
at the ends of the range, fused activations.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import find_binary, run_tool
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent / "ops"))
from sweep import ACTIVATIONS, SHARED_MODELS  # noqa: E402

rng = np.random.default_rng(2017)
XNNPACK = ("--kernels", "xnnpack")
FLOAT_TOLERANCE = (1e-4, 1e-4)  # XNNPACK's float microkernels use FMA (docs/deployment.md)


def litert_delegates(path: Path) -> bool:
    """Whether LiteRT's default Interpreter hands the (single-op) model's node to XNNPACK."""
    from ai_edge_litert.interpreter import Interpreter

    interp = Interpreter(model_path=str(path))
    interp.allocate_tensors()
    return any(op["op_name"] == "DELEGATE" for op in interp._get_ops_details())


def check_xnnpack(b: OpModelBuilder, tmp_path, inputs: dict | None = None, seeds=(0, 1), delegated: bool | None = True):
    """tfldbg --kernels xnnpack against LiteRT's default path: the delegation
    decision and every graph output. `delegated`: what the test expects LiteRT to do."""
    path = b.save(tmp_path / "op.tflite")
    expected = litert_delegates(path)
    if delegated is not None:
        assert expected == delegated, f"LiteRT delegates: {expected}; the test expected {delegated}"
    args: list[str] = []
    for key, value in (inputs or {}).items():
        np.save(tmp_path / f"in-{key}.npy", value)
        args += ["--input", f"{key}={tmp_path / f'in-{key}.npy'}"]
    rtol, atol = FLOAT_TOLERANCE
    for seed in seeds[:1] if inputs else seeds:
        result = check_model(path, tmp_path, seed=seed, extra_args=(*args, *XNNPACK), litert="xnnpack",
                             rtol=rtol, atol=atol)
        assert result and len(result.results) > 0, format_table(result, only_failures=True)
        manifest = json.loads((tmp_path / f"tfldbg-{seed}" / "manifest.json").read_text())
        ours = any(step.get("xnnpack", False) for step in manifest["steps"])
        assert ours == expected, f"tfldbg says delegated: {ours}; LiteRT delegates: {expected}"
    proc = subprocess.run([str(find_binary()), "cpu-check", str(path), "--seed", str(seeds[0]), *XNNPACK, *args],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return path


def _qparams(dtype: str, scale: float, zp: int) -> dict:
    return {"scale": [scale], "zero_point": [zp if dtype == "int8" else zp + 128]}


def gemm_model(op: str, dtype: str, per_channel: bool, act: str, n=16, k=24, units=20, s_in=0.05, s_out=0.3,
               weights_scale=None):
    """CONV_2D (1x1 over [1, n, 1, k]), FULLY_CONNECTED over n rows of k values."""
    b = OpModelBuilder()
    ws = np.asarray(weights_scale if weights_scale is not None else rng.uniform(0.002, 0.02, units if per_channel else 1),
                    np.float32)
    wzp = 0 if dtype == "int8" else 130
    lo, hi = (-127, 128) if dtype == "int8" else (0, 256)
    w = rng.integers(lo, hi, (units, k)).astype(dtype)
    bias = rng.integers(-3000, 3000, units).astype(np.int32)
    x_shape = [n, k] if op == "FULLY_CONNECTED" else [1, n, 1, k]
    y_shape = [n, units] if op == "FULLY_CONNECTED" else [1, n, 1, units]
    x = b.input("x", dtype, x_shape, **_qparams(dtype, s_in, -7))
    wt = b.constant("w", w if op == "FULLY_CONNECTED" else w.reshape(units, 1, 1, k), scale=list(ws),
                    zero_point=[wzp] * len(ws), quantized_dimension=0)
    bt = b.constant("b", bias, scale=list((np.float32(s_in) * ws).astype(np.float32)), zero_point=[0] * len(ws))
    y = b.output("y", dtype, y_shape, **_qparams(dtype, s_out, 3))
    options = {"fused_activation_function": act}
    if op == "CONV_2D":
        options.update({"padding": "VALID", "stride_w": 1, "stride_h": 1})
    b.op(op, [x, wt, bt], [y], options=options, version=3 if op == "CONV_2D" else 5)
    return b, x_shape


GEMM_CASES = [c for c in itertools.product(["CONV_2D", "FULLY_CONNECTED"], ["int8", "uint8"], [False, True], ACTIVATIONS)
              if not (c[1] == "uint8" and c[2])]


@pytest.mark.parametrize("op,dtype,per_channel,act", GEMM_CASES,
                         ids=[f"{o}-{t}-{'pc' if p else 'pt'}-{a}" for o, t, p, a in GEMM_CASES])
def test_gemm_fp32_requantization(tmp_path, op, dtype, per_channel, act):
    b, _ = gemm_model(op, dtype, per_channel, act)
    check_xnnpack(b, tmp_path)


@pytest.mark.parametrize("op,dtype", list(itertools.product(["CONV_2D", "FULLY_CONNECTED"], ["int8", "uint8"])))
def test_gemm_exact_ties(tmp_path, op, dtype):
    """s_in·s_w/s_out = 2^-5 exactly: every accumulator ≡ 16 (mod 32) is a tie,
    which XNNPACK rounds to even (LiteRT's kernels away from zero or up)."""
    b, x_shape = gemm_model(op, dtype, False, "NONE", n=32, k=3, units=16, s_in=0.5, s_out=2.0, weights_scale=[0.125])
    lo, hi = (-128, 128) if dtype == "int8" else (0, 256)
    x = rng.integers(lo, hi, x_shape).astype(dtype)
    x.reshape(-1)[:3] = lo
    check_xnnpack(b, tmp_path, inputs={"x": x})


def test_gemm_saturating_outputs(tmp_path):
    b, _ = gemm_model("CONV_2D", "int8", True, "RELU", n=16, k=40, s_out=0.01)
    check_xnnpack(b, tmp_path)


def test_xnnpack_differs_from_optimized_on_ties(tmp_path):
    """The sweep is not vacuous: on exact ties the optimized kernels and XNNPACK differ."""
    b, x_shape = gemm_model("FULLY_CONNECTED", "int8", False, "NONE", n=64, k=3, units=16, s_in=0.5, s_out=2.0,
                            weights_scale=[0.125])
    path = b.save(tmp_path / "ties.tflite")
    np.save(tmp_path / "x.npy", rng.integers(-128, 128, x_shape).astype(np.int8))
    outs = []
    for kernels in ("optimized", "xnnpack"):
        out = tmp_path / kernels
        run_tool("dump", str(path), "--input", f"x={tmp_path / 'x.npy'}", "--out", str(out), "--kernels", kernels)
        from tfldbg.formats.dump import load_dump
        outs.append(load_dump(out).steps[0].outputs[0].value.astype(np.int64))
    diff = np.abs(outs[0] - outs[1])
    assert diff.max() == 1 and np.count_nonzero(diff) > 0


def conv_model(depthwise: bool, dtype: str, per_channel: bool, act: str, cin=5, multiplier=1, padding="SAME",
               stride=1, dilation=1, k=3, hw=(7, 6)):
    b = OpModelBuilder()
    cout = cin * multiplier if depthwise else 6
    nch = cout if per_channel else 1
    ws = rng.uniform(0.005, 0.03, nch).astype(np.float32)
    s_in, s_out = 0.04, 0.15
    lo, hi = (-127, 128) if dtype == "int8" else (0, 256)
    wshape = [1, k, k, cout] if depthwise else [cout, k, k, cin]
    w = rng.integers(lo, hi, wshape).astype(dtype)
    bias = rng.integers(-2000, 2000, cout).astype(np.int32)
    x = b.input("x", dtype, [1, *hw, cin], **_qparams(dtype, s_in, 5))
    # (a per-tensor uint8 filter on axis 3 is left to LiteRT: test_nodes_the_delegate_leaves)
    wt = b.constant("w", w, scale=list(ws), zero_point=[0 if dtype == "int8" else 120] * nch,
                    quantized_dimension=3 if depthwise and dtype == "int8" else 0)
    bt = b.constant("b", bias, scale=list((np.float32(s_in) * ws).astype(np.float32)), zero_point=[0] * nch)
    from sweep import out_size

    oh = out_size(padding, hw[0], k, stride, dilation)
    ow = out_size(padding, hw[1], k, stride, dilation)
    y = b.output("y", dtype, [1, oh, ow, cout], **_qparams(dtype, s_out, -4))
    options = {"padding": padding, "stride_w": stride, "stride_h": stride, "dilation_w_factor": dilation,
               "dilation_h_factor": dilation, "fused_activation_function": act}
    if depthwise:
        options["depth_multiplier"] = multiplier
    b.op("DEPTHWISE_CONV_2D" if depthwise else "CONV_2D", [x, wt, bt], [y], options=options,
         version=3 if depthwise else 3)
    return b


CONV_CASES = [(dw, t, pc, a, pad, s) for dw in (False, True) for t in ("int8", "uint8") for pc in (False, True)
              for a in ("NONE", "RELU6") for pad, s in (("SAME", 1), ("VALID", 2)) if not (t == "uint8" and pc)]


@pytest.mark.parametrize("depthwise,dtype,per_channel,act,padding,stride", CONV_CASES,
                         ids=[f"{'dw' if c[0] else 'conv'}-{c[1]}-{'pc' if c[2] else 'pt'}-{c[3]}-{c[4]}{c[5]}"
                              for c in CONV_CASES])
def test_conv_and_depthwise(tmp_path, depthwise, dtype, per_channel, act, padding, stride):
    check_xnnpack(conv_model(depthwise, dtype, per_channel, act, padding=padding, stride=stride), tmp_path)


def test_depthwise_multiplier_and_dilation(tmp_path):
    check_xnnpack(conv_model(True, "int8", True, "RELU", cin=3, multiplier=4, dilation=2, hw=(9, 8)), tmp_path)


def test_float_conv_within_tolerance(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 8, 8, 6])
    w = b.constant("w", rng.standard_normal([5, 3, 3, 6]).astype(np.float32))
    bias = b.constant("b", rng.standard_normal([5]).astype(np.float32))
    y = b.output("y", "float32", [1, 8, 8, 5])
    b.op("CONV_2D", [x, w, bias], [y], options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                                "fused_activation_function": "RELU6"})
    check_xnnpack(b, tmp_path)


ADD_QUANT = {"same": ((0.05, 4), (0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2), (0.07, 1)),
             "wide": ((0.5, -20), (0.01, 7), (0.6, 0)), "ends": ((0.02, -128), (0.04, 127), (0.05, -128))}


@pytest.mark.parametrize("op,dtype,q,act,shapes", [
    (o, t, q, a, s) for o in ("ADD", "SUB") for t in ("int8", "uint8") for q in ADD_QUANT for a in ("NONE", "RELU")
    for s in (([2, 5, 7], [2, 5, 7]), ([2, 5, 7], [1, 1, 7]))],
    ids=lambda v: v if isinstance(v, str) else "x".join(map(str, v[0])) + "-" + "x".join(map(str, v[1])))
def test_add_sub(tmp_path, op, dtype, q, act, shapes):
    (sa, za), (sb, zb), (so, zo) = ADD_QUANT[q]
    shift = 0 if dtype == "int8" else 128
    clip = (lambda z: min(max(z + shift, 0), 255)) if dtype == "uint8" else (lambda z: z)
    b = OpModelBuilder()
    a = b.input("a", dtype, shapes[0], scale=[sa], zero_point=[clip(za)])
    c = b.input("b", dtype, shapes[1], scale=[sb], zero_point=[clip(zb)])
    y = b.output("y", dtype, shapes[0], scale=[so], zero_point=[clip(zo)])
    b.op(op, [a, c], [y], options={"fused_activation_function": act})
    lo, hi = (-128, 128) if dtype == "int8" else (0, 256)
    inputs = {"a": rng.integers(lo, hi, shapes[0]).astype(dtype), "b": rng.integers(lo, hi, shapes[1]).astype(dtype)}
    inputs["a"].reshape(-1)[:2] = (lo, hi - 1)
    check_xnnpack(b, tmp_path, inputs=inputs)


def test_bad_kernels_value_is_one_line(tmp_path):
    b, _ = gemm_model("FULLY_CONNECTED", "int8", False, "NONE")
    path = b.save(tmp_path / "m.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path), "--kernels", "xnnpak"], capture_output=True, text=True)
    assert proc.returncode != 0 and "xnnpack" in proc.stderr



@pytest.mark.parametrize("dtype,q,shapes", [
    (t, q, s) for t in ("int8", "uint8") for q in ("rescale", "wide", "ends")
    for s in (([3, 4, 6], [3, 4, 6]), ([3, 4, 6], [6]))])
def test_mul(tmp_path, dtype, q, shapes):
    (sa, za), (sb, zb), (so, zo) = {"rescale": ((0.05, 4), (0.03, -2), (0.01, 1)),
                                    "wide": ((0.5, -20), (0.01, 7), (0.02, 0)),
                                    "ends": ((0.02, -128), (0.04, 127), (0.005, -128))}[q]
    shift = 0 if dtype == "int8" else 128
    clip = (lambda z: min(max(z + shift, 0), 255)) if dtype == "uint8" else (lambda z: z)
    b = OpModelBuilder()
    a = b.input("a", dtype, shapes[0], scale=[sa], zero_point=[clip(za)])
    c = b.input("b", dtype, shapes[1], scale=[sb], zero_point=[clip(zb)])
    y = b.output("y", dtype, shapes[0], scale=[so], zero_point=[clip(zo)])
    b.op("MUL", [a, c], [y], options={"fused_activation_function": "NONE"})
    lo, hi = (-128, 128) if dtype == "int8" else (0, 256)
    inputs = {"a": rng.integers(lo, hi, shapes[0]).astype(dtype), "b": rng.integers(lo, hi, shapes[1]).astype(dtype)}
    check_xnnpack(b, tmp_path, inputs=inputs)


LUT_CASES = [("LOGISTIC", "int8", (0.1, -5), (1 / 256, -128)), ("LOGISTIC", "uint8", (0.05, 120), (1 / 256, 0)),
             ("LOGISTIC", "int8", (0.02, 0), (0.003, -100)), ("TANH", "int8", (0.03, 3), (1 / 128, 0)),
             ("TANH", "uint8", (0.05, 128), (1 / 128, 128)), ("ELU", "int8", (0.05, 10), (0.04, -60))]


@pytest.mark.parametrize("op,dtype,qin,qout", LUT_CASES, ids=[f"{c[0]}-{c[1]}-{i}" for i, c in enumerate(LUT_CASES)])
def test_lookup_table_ops(tmp_path, op, dtype, qin, qout):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 128], scale=[qin[0]], zero_point=[qin[1]])
    y = b.output("y", dtype, [2, 128], scale=[qout[0]], zero_point=[qout[1]])
    b.op(op, [x], [y])
    every_byte = np.arange(256, dtype=np.int64).reshape(2, 128)
    x_values = (every_byte - 128 if dtype == "int8" else every_byte).astype(dtype)
    check_xnnpack(b, tmp_path, inputs={"x": x_values})


@pytest.mark.parametrize("dtype,scale,zp", [("int8", 0.05, -3), ("uint8", 0.02, 128), ("int8", 1 / 16, 0)])
def test_quantize_from_float(tmp_path, dtype, scale, zp):
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 64])
    y = b.output("y", dtype, [4, 64], scale=[scale], zero_point=[zp])
    b.op("QUANTIZE", [x], [y])
    values = rng.uniform(-12, 12, (4, 64)).astype(np.float32)
    values[0, :32] = (np.arange(32) - 16 + 0.5) * np.float32(scale)  # exact ties of x/scale
    values[1, :4] = [1e9, -1e9, 0.0, -0.0]
    check_xnnpack(b, tmp_path, inputs={"x": values})


MEAN_CASES = [([1, 7, 7, 16], [1, 2], True), ([2, 5, 4, 20], [2, 1], True), ([2, 5, 4, 3], [1, 2], False),
              ([2, 5, 4, 3], [3], True), ([3, 4, 7], [0, 2], False), ([2, 5, 4, 3], [-1, 1], True),
              ([2, 5, 1, 3], [3, 1], True)]  # axes 1 and 3 around a dimension of 1: one block of the layout
MEAN_QUANT = {"same": ((0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2)), "wide": ((0.5, -20), (0.004, 7))}


@pytest.mark.parametrize("op,shape,axes,keep,dtype,q", [
    (o, s, a, k, t, q) for o in ("MEAN", "SUM") for s, a, k in MEAN_CASES for t in ("int8", "uint8") for q in MEAN_QUANT
    if not (o == "SUM" and q != "wide")],
    ids=lambda v: v if isinstance(v, str) else "x".join(map(str, v)) if isinstance(v, list) else str(v))
def test_mean_and_sum(tmp_path, op, shape, axes, keep, dtype, q):
    (s_in, zp_in), (s_out, zp_out) = MEAN_QUANT[q]
    if op == "SUM":
        s_out *= 8
    if dtype == "uint8":
        zp_in, zp_out = zp_in + 128, zp_out + 128
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, scale=[s_in], zero_point=[zp_in])
    ax = b.constant("axes", np.asarray(axes, np.int32))
    out_shape = [1 if (d in [a % len(shape) for a in axes]) else n for d, n in enumerate(shape)
                 if keep or d not in [a % len(shape) for a in axes]]
    y = b.output("y", dtype, out_shape, scale=[s_out], zero_point=[zp_out])
    b.op(op, [x, ax], [y], options={"keep_dims": keep})
    check_xnnpack(b, tmp_path)


@pytest.mark.parametrize("k,stride,per_channel", [(3, 1, True), (3, 2, False), (1, 1, True), (1, 1, False), (1, 2, True)])
def test_hybrid_conv_qd8(tmp_path, k, stride, per_channel):
    """float32 input, int8 filter: XNNPACK quantizes each batch image dynamically
    (qd8); a 1x1 stride-1 convolution is its fully connected: each pixel's row."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 7, 6, 5])
    n = 6 if per_channel else 1
    w = b.constant("w", rng.integers(-127, 128, (6, k, k, 5)).astype(np.int8), scale=list(rng.uniform(0.01, 0.05, n)),
                   zero_point=[0] * n, quantized_dimension=0)
    bias = b.constant("b", rng.standard_normal(6).astype(np.float32))
    y = b.output("y", "float32", [2, (7 + stride - 1) // stride, (6 + stride - 1) // stride, 6])
    b.op("CONV_2D", [x, w, bias], [y], options={"padding": "SAME", "stride_w": stride, "stride_h": stride,
                                                "fused_activation_function": "RELU"})
    check_xnnpack(b, tmp_path)


def test_hybrid_fully_connected_qd8(tmp_path):
    """float32 input, int8 weights: XNNPACK quantizes each row dynamically (qd8)."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [5, 40])
    w = b.constant("w", rng.integers(-127, 128, (12, 40)).astype(np.int8), scale=list(rng.uniform(0.01, 0.05, 12)),
                   zero_point=[0] * 12, quantized_dimension=0)
    bias = b.constant("b", rng.standard_normal(12).astype(np.float32))
    y = b.output("y", "float32", [5, 12])
    b.op("FULLY_CONNECTED", [x, w, bias], [y], options={"fused_activation_function": "NONE"}, version=5)
    values = rng.standard_normal((5, 40)).astype(np.float32) * 3
    values[1] = np.abs(values[1])  # a row without negatives: the zero point at an end
    values[2] = 0.0                # an all-zero row: scale 1
    check_xnnpack(b, tmp_path, inputs={"x": values})


@pytest.mark.parametrize("op,with_bias", [("FULLY_CONNECTED", True), ("FULLY_CONNECTED", False), ("CONV_2D 3x3", True),
                                           ("CONV_2D 1x1", True)])
def test_hybrid_qd8_wide(tmp_path, op, with_bias):
    """qd8 on the fast hybrid GEMM: 70 channels (whole and partial panels of
    16), a depth not a multiple of 4, more rows than one tile, with and without
    a bias (without one the stage adds 0.0f; LiteRT's CONV_2D wants one); the
    3x3 conv pads with the zero point, the 1x1 one quantizes each pixel."""
    b = OpModelBuilder()
    units, depth = 70, 37
    if op == "FULLY_CONNECTED":
        x = b.input("x", "float32", [9, depth])
        w = b.constant("w", rng.integers(-127, 128, (units, depth)).astype(np.int8), scale=[0.02], zero_point=[0])
        y = b.output("y", "float32", [9, units])
        options, version = {"fused_activation_function": "RELU6"}, 5
    else:
        k, stride = (3, 2) if op.endswith("3x3") else (1, 1)
        x = b.input("x", "float32", [2, 9, 8, depth])
        w = b.constant("w", rng.integers(-127, 128, (units, k, k, depth)).astype(np.int8),
                       scale=list(rng.uniform(0.01, 0.05, units)), zero_point=[0] * units, quantized_dimension=0)
        y = b.output("y", "float32", [2, 9 // stride + 9 % stride, 8 // stride, units])
        options = {"padding": "SAME", "stride_w": stride, "stride_h": stride, "fused_activation_function": "RELU"}
        op, version = "CONV_2D", 1
    inputs = [x, w, b.constant("b", rng.standard_normal(units).astype(np.float32))] if with_bias else [x, w, None]
    b.op(op, inputs, [y], options=options, version=version)
    check_xnnpack(b, tmp_path)


def not_delegated_models():
    """Nodes the delegate leaves to LiteRT's optimized kernels."""
    cases = {}
    b = OpModelBuilder()  # int16 activations
    x = b.input("x", "int16", [4, 16], scale=[0.01], zero_point=[0])
    y = b.output("y", "int16", [4, 16], scale=[1 / 32768], zero_point=[0])
    b.op("LOGISTIC", [x], [y])
    cases["int16-logistic"] = b
    b = OpModelBuilder()  # quantized average pool: XNNPACK takes float32 only
    x = b.input("x", "int8", [1, 6, 6, 4], scale=[0.05], zero_point=[3])
    y = b.output("y", "int8", [1, 3, 3, 4], scale=[0.05], zero_point=[3])
    b.op("AVERAGE_POOL_2D", [x], [y], options={"padding": "VALID", "stride_w": 2, "stride_h": 2, "filter_width": 2,
                                               "filter_height": 2, "fused_activation_function": "NONE"})
    cases["int8-avgpool"] = b
    b = OpModelBuilder()  # a hybrid depthwise conv (float32 input, int8 filter)
    x = b.input("x", "float32", [1, 6, 6, 3])
    w = b.constant("w", rng.integers(-127, 128, (1, 3, 3, 3)).astype(np.int8), scale=[0.02] * 3, zero_point=[0] * 3,
                   quantized_dimension=3)
    bias = b.constant("b", rng.standard_normal(3).astype(np.float32))
    y = b.output("y", "float32", [1, 6, 6, 3])
    b.op("DEPTHWISE_CONV_2D", [x, w, bias], [y], options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                                          "depth_multiplier": 1})
    cases["hybrid-depthwise"] = b
    b = conv_model(True, "uint8", False, "NONE")  # a per-tensor uint8 depthwise filter on axis 3
    b.tensors[[t.name for t in b.tensors].index("w")].quantized_dimension = 3
    cases["uint8-depthwise-axis3"] = b
    return cases


@pytest.mark.parametrize("case", list(not_delegated_models()))
def test_nodes_the_delegate_leaves(tmp_path, case):
    check_xnnpack(not_delegated_models()[case], tmp_path, delegated=False)


REAL_MODELS = sorted((SHARED_MODELS / "real").glob("*.tflite")) if (SHARED_MODELS / "real").is_dir() else []


@pytest.mark.skipif(not REAL_MODELS, reason="../shared/models/real is absent")
@pytest.mark.parametrize("model", REAL_MODELS, ids=[m.stem for m in REAL_MODELS])
def test_real_models_outputs_equal_litert_default(tmp_path, model):
    """Every real model's graph outputs equal LiteRT's default path (integers bit for bit, floats within the
    conformance table's xnnpack tolerance); and the two kernel sets tfldbg has besides differ on some."""
    from tfldbg.testing.conformance_table import XNNPACK_FLOAT_TOLERANCE, repair_for_litert

    rtol, atol = XNNPACK_FLOAT_TOLERANCE
    reference_model = model
    if model.name == "tflm_person_detect_int8.tflite":  # LiteRT refuses its axis-3 rank-1 bias (conformance_table)
        reference_model = tmp_path / "litert-copy.tflite"
        assert repair_for_litert(model, reference_model) > 0
    result = check_model(model, tmp_path, seed=0, extra_args=XNNPACK, litert="xnnpack", rtol=rtol, atol=atol,
                         reference_model=reference_model)
    assert result and len(result.results) > 0, format_table(result, only_failures=True)


LRELU_CASES = [("int8", 0.2, (0.05, -3), (0.04, 5)), ("int8", -0.5, (0.05, 10), (0.08, -20)),
               ("uint8", 0.1, (0.03, 128), (0.02, 100)), ("int8", 3.0, (0.01, 0), (0.04, 0))]


@pytest.mark.parametrize("dtype,alpha,qin,qout", LRELU_CASES, ids=[f"{c[0]}-{c[1]}" for c in LRELU_CASES])
def test_leaky_relu(tmp_path, dtype, alpha, qin, qout):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 128], scale=[qin[0]], zero_point=[qin[1]])
    y = b.output("y", dtype, [2, 128], scale=[qout[0]], zero_point=[qout[1]])
    b.op("LEAKY_RELU", [x], [y], options={"alpha": alpha})
    every_byte = np.arange(256, dtype=np.int64).reshape(2, 128)
    check_xnnpack(b, tmp_path, inputs={"x": (every_byte - 128 if dtype == "int8" else every_byte).astype(dtype)})


@pytest.mark.parametrize("dtype,qin,qout", [("int8", (0.05, -3), (0.04, 5)), ("int8", (0.01, 0), (0.5, 0)),
                                            ("uint8", (0.03, 128), (0.02, 100)), ("int8", (0.3, 20), (0.01, -7))])
def test_requantize(tmp_path, dtype, qin, qout):
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, 128], scale=[qin[0]], zero_point=[qin[1]])
    y = b.output("y", dtype, [2, 128], scale=[qout[0]], zero_point=[qout[1]])
    b.op("QUANTIZE", [x], [y])
    every_byte = np.arange(256, dtype=np.int64).reshape(2, 128)
    check_xnnpack(b, tmp_path, inputs={"x": (every_byte - 128 if dtype == "int8" else every_byte).astype(dtype)})


RESIZE_CASES = [(False, True, (4, 5), (7, 9)), (False, False, (4, 5), (8, 10)), (True, False, (4, 5), (7, 9)),
                (False, True, (6, 6), (3, 4)), (False, False, (1, 3), (2, 7))]


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("align,half,hw,out_hw", RESIZE_CASES, ids=[f"{'ac' if c[0] else ''}{'hp' if c[1] else 'legacy'}-"
                                                                    f"{c[2][0]}x{c[2][1]}-{c[3][0]}x{c[3][1]}"
                                                                    for c in RESIZE_CASES])
def test_resize_bilinear(tmp_path, dtype, align, half, hw, out_hw):
    zp = 5 if dtype == "int8" else 133
    b = OpModelBuilder()
    x = b.input("x", dtype, [2, *hw, 3], scale=[0.1], zero_point=[zp])
    size = b.constant("size", np.array(out_hw, np.int32))
    y = b.output("y", dtype, [2, *out_hw, 3], scale=[0.1], zero_point=[zp])
    b.op("RESIZE_BILINEAR", [x, size], [y], options={"align_corners": align, "half_pixel_centers": half})
    check_xnnpack(b, tmp_path)


@pytest.mark.parametrize("dtype,per_channel,ties", [("int8", True, False), ("int8", False, True), ("uint8", False, False),
                                                   ("uint8", False, True)])
def test_transpose_conv(tmp_path, dtype, per_channel, ties):
    n = 5 if per_channel else 1
    s_in, s_out = (0.5, 2.0) if ties else (0.05, 0.1)
    ws = np.full(n, 0.125, np.float32) if ties else rng.uniform(0.005, 0.02, n).astype(np.float32)
    lo, hi = (-127, 128) if dtype == "int8" else (0, 256)
    b = OpModelBuilder()
    x = b.input("x", dtype, [1, 4, 4, 3], **_qparams(dtype, s_in, 2))
    osz = b.constant("osz", np.array([1, 8, 8, 5], np.int32))
    w = b.constant("w", rng.integers(lo, hi, (5, 3, 3, 3)).astype(dtype), scale=list(ws),
                   zero_point=[0 if dtype == "int8" else 128] * n, quantized_dimension=0)
    bias = b.constant("bias", rng.integers(-100, 100, 5).astype(np.int32), scale=list(np.float32(s_in) * ws),
                      zero_point=[0] * n)
    y = b.output("y", dtype, [1, 8, 8, 5], **_qparams(dtype, s_out, -3))
    b.op("TRANSPOSE_CONV", [osz, w, x, bias], [y], options={"padding": "SAME", "stride_w": 2, "stride_h": 2}, version=4)
    check_xnnpack(b, tmp_path)


@pytest.mark.parametrize("ties,adj_y", [(False, False), (True, False), (True, True)])
def test_batch_matmul(tmp_path, ties, adj_y):
    s_a, s_b, s_out = (0.5, 0.125, 2.0) if ties else (0.05, 0.02, 0.2)
    b = OpModelBuilder()
    a = b.input("a", "int8", [2, 16, 8], scale=[s_a], zero_point=[2])
    c = b.constant("c", rng.integers(-127, 128, (5, 8) if adj_y else (8, 5)).astype(np.int8), scale=[s_b], zero_point=[0])
    y = b.output("y", "int8", [2, 16, 5], scale=[s_out], zero_point=[1])
    b.op("BATCH_MATMUL", [a, c], [y], options={"adj_y": adj_y})
    check_xnnpack(b, tmp_path)


FLOAT_UNARY = ["LOGISTIC", "TANH", "ELU", "HARD_SWISH", "RELU", "RELU6", "RELU_N1_TO_1", "LEAKY_RELU", "SOFTMAX"]


@pytest.mark.parametrize("op", FLOAT_UNARY)
def test_float_unary_within_tolerance(tmp_path, op):
    """XNNPACK's float microkernels (polynomial approximations, FMA) against the optimized kernels' float math."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [4, 50])
    y = b.output("y", "float32", [4, 50])
    options = {"alpha": 0.2} if op == "LEAKY_RELU" else {"beta": 1.0} if op == "SOFTMAX" else None
    b.op(op, [x], [y], options=options)
    values = np.linspace(-12, 12, 200, dtype=np.float32).reshape(4, 50)
    check_xnnpack(b, tmp_path, inputs={"x": values})


@pytest.mark.parametrize("op", ["ADD", "SUB", "MUL"])
def test_float_binary_within_tolerance(tmp_path, op):
    b = OpModelBuilder()
    a = b.input("a", "float32", [3, 4, 6])
    c = b.input("b", "float32", [4, 1])
    y = b.output("y", "float32", [3, 4, 6])
    b.op(op, [a, c], [y], options={"fused_activation_function": "RELU6"})
    check_xnnpack(b, tmp_path)


def test_float_pool_mean_fc_within_tolerance(tmp_path):
    """AVERAGE_POOL_2D, MEAN and FULLY_CONNECTED in float, one model."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 8, 8, 16])
    p = b.tensor("p", "float32", [1, 4, 4, 16])
    b.op("AVERAGE_POOL_2D", [x], [p], options={"padding": "VALID", "stride_w": 2, "stride_h": 2, "filter_width": 2,
                                               "filter_height": 2})
    m = b.tensor("m", "float32", [1, 16])
    b.op("MEAN", [p, b.constant("axes", np.array([1, 2], np.int32))], [m], options={"keep_dims": False})
    y = b.output("y", "float32", [1, 10])
    b.op("FULLY_CONNECTED", [m, b.constant("w", rng.standard_normal((10, 16)).astype(np.float32)),
                             b.constant("bias", rng.standard_normal(10).astype(np.float32))], [y])
    check_xnnpack(b, tmp_path)


@pytest.mark.parametrize("adj_x,adj_y,per_channel,b_batch", [(False, False, False, []), (True, False, True, [2]),
                                                             (False, True, True, [1]), (False, False, True, [2])])
def test_hybrid_batch_matmul_qd8(tmp_path, adj_x, adj_y, per_channel, b_batch):
    """float32 A, int8 B: XNNPACK quantizes each row of A dynamically (qd8)."""
    b = OpModelBuilder()
    a_shape = [2, 12, 5] if adj_x else [2, 5, 12]
    b_shape = b_batch + ([7, 12] if adj_y else [12, 7])
    n = 7 if per_channel else 1
    a = b.input("a", "float32", a_shape)
    c = b.constant("c", rng.integers(-127, 128, b_shape).astype(np.int8), scale=list(rng.uniform(0.01, 0.05, n)),
                   zero_point=[0] * n, quantized_dimension=len(b_shape) - (2 if adj_y else 1))
    y = b.output("y", "float32", [2, 5, 7])
    b.op("BATCH_MATMUL", [a, c], [y], options={"adj_x": adj_x, "adj_y": adj_y})
    check_xnnpack(b, tmp_path)


def test_divergence_against_xnnpack_names_the_delegates_rounding(tmp_path, require_shared_models):
    """divergence --kernels xnnpack on ResNet-8 int8: the first node departing on its own is a delegated
    CONV_2D (XNNPACK's fp32 requantization); the whole-graph run's output is LiteRT's default path's."""
    from ai_edge_litert.interpreter import Interpreter

    model = SHARED_MODELS / "real" / "mlperf_tiny_resnet8_int8.tflite"
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "divergence", str(model), "--kernels", "xnnpack",
                           "--seed", "0", "--json", str(tmp_path / "d.json"), "--keep", str(tmp_path / "r")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert "reference kernels vs LiteRT's default path (XNNPACK delegate)" in proc.stdout
    report = json.loads((tmp_path / "d.json").read_text())
    assert report["kernels"] == ["reference", "xnnpack"]
    first = report["first_departing"]
    assert first["op"] == "CONV_2D" and first["max_lsb"] == 1 and "fp32 requantization" in first["cause"]
    assert all(s["xnnpack"] for s in report["steps"] if s["op"] == "CONV_2D")
    # The accumulated run is tfldbg's XNNPACK path: its graph output equals LiteRT's default path's.
    from tfldbg.formats.dump import load_dump

    acc = load_dump(tmp_path / "r" / "accumulated")
    interp = Interpreter(model_path=str(model))
    interp.allocate_tensors()
    for detail, slot in zip(interp.get_input_details(), acc.steps[0].inputs):
        interp.set_tensor(detail["index"], slot.value)
    interp.invoke()
    ours = acc.steps[-1].outputs[0].value
    assert np.array_equal(ours, interp.get_tensor(interp.get_output_details()[0]["index"]))
