"""CONV_3D (float32): single-op models swept over padding, strides, dilations,
activations, bias and a filter that is an input rather than a constant, against
LiteRT (reference kernels) on every tensor within the float tolerance.
"""

from __future__ import annotations

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import ToolError, run_tool

rng = np.random.default_rng(303)


def out_size(padding, size, k, stride, dilation):
    eff = (k - 1) * dilation + 1
    return (size + stride - 1) // stride if padding == "SAME" else (size + stride - eff) // stride


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
