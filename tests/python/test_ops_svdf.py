"""SVDF: single-op models (float32 and int8 with int16 state) swept over rank,
batch, memory, bias and activation, against LiteRT on every tensor, integers
bit for bit, including the state the op shifts and updates in place; and two
consecutive steps in one model, so the second reads the first one's state.
"""

from __future__ import annotations

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import ToolError, run_tool

rng = np.random.default_rng(2024)


def add_svdf(b: OpModelBuilder, x: int, dtype: str, n_input: int, filters: int, memory: int, rank: int, batch: int,
             bias: bool, activation: str, out_quant: dict, tag: str = "") -> int:
    units = filters // rank
    if dtype == "float32":
        wf = b.constant(f"wf{tag}", rng.standard_normal((filters, n_input)).astype(np.float32) * 0.4)
        wt = b.constant(f"wt{tag}", rng.standard_normal((filters, memory)).astype(np.float32) * 0.4)
        bb = b.constant(f"b{tag}", rng.standard_normal(units).astype(np.float32)) if bias else None
        state = b.tensor(f"state{tag}", "float32", [batch, filters * memory], is_variable=True)
        y = b.tensor(f"y{tag}", "float32", [batch, units])
    else:
        s_state, s_wt = 0.004, 0.0035
        wf = b.constant(f"wf{tag}", rng.integers(-127, 128, (filters, n_input)).astype(np.int8), scale=0.009, zero_point=0)
        wt = b.constant(f"wt{tag}", rng.integers(-4000, 4000, (filters, memory)).astype(np.int16), scale=s_wt, zero_point=0)
        bb = b.constant(f"b{tag}", rng.integers(-3000, 3000, units).astype(np.int32), scale=s_state * s_wt,
                        zero_point=0) if bias else None
        state = b.tensor(f"state{tag}", "int16", [batch, filters * memory], scale=s_state, zero_point=0, is_variable=True)
        y = b.tensor(f"y{tag}", "int8", [batch, units], **out_quant)
    b.op("SVDF", [x, wf, wt, bb, state], [y], {"rank": rank, "fused_activation_function": activation})
    return y


CASES = [
    # dtype, n_input, filters, memory, rank, batch, bias, activation
    ("float32", 5, 8, 4, 1, 1, True, "NONE"),
    ("float32", 5, 8, 4, 2, 2, True, "RELU"),
    ("float32", 3, 6, 10, 3, 3, False, "RELU6"),
    ("float32", 7, 4, 1, 1, 2, True, "TANH"),
    ("int8", 96, 64, 8, 1, 1, True, "RELU"),
    ("int8", 16, 32, 32, 1, 2, True, "RELU"),
    ("int8", 12, 12, 5, 2, 3, True, "RELU"),
    ("int8", 12, 12, 5, 3, 1, False, "RELU"),
]


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-in{c[1]}-f{c[2]}-m{c[3]}-r{c[4]}-b{c[5]}-{'bias' if c[6] else 'nobias'}-{c[7]}"
                                            for c in CASES])
def test_svdf_matches_litert(tmp_path, case):
    dtype, n_input, filters, memory, rank, batch, bias, activation = case
    b = OpModelBuilder()
    quant = {} if dtype == "float32" else {"scale": 0.05, "zero_point": -3}
    x = b.input("x", dtype, [batch, n_input], **quant)
    # Two SVDF layers, the second with its own state, so a state written by one
    # step is read by the next in the same Invoke.
    h = add_svdf(b, x, dtype, n_input, filters, memory, rank, batch, bias, activation,
                 {"scale": 0.07, "zero_point": -10}, "1")
    units = filters // rank
    y = add_svdf(b, h, dtype, units, filters, memory, rank, batch, bias, activation, {"scale": 0.09, "zero_point": 4}, "2")
    b.outputs.append(y)
    path = b.save(tmp_path / "svdf.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)
    dump = load_dump(tmp_path / "tfldbg-1")
    assert [u.slot for u in dump.steps[0].updates] == [4]


def test_svdf_with_rank_not_dividing_filters_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 5])
    y = add_svdf(b, x, "float32", 5, 8, 4, 3, 1, True, "NONE", {})
    b.outputs.append(y)
    path = b.save(tmp_path / "svdf.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "operator 0 (SVDF): rank 3 must be > 0 and divide the 8 filters" in str(err.value)


def test_int8_svdf_without_relu_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 5], scale=0.05, zero_point=0)
    y = add_svdf(b, x, "int8", 5, 8, 4, 1, 1, True, "NONE", {"scale": 0.07, "zero_point": 0})
    b.outputs.append(y)
    path = b.save(tmp_path / "svdf.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "operator 0 (SVDF): int8 SVDF with activation 0: LiteRT runs it only with RELU" in str(err.value)
