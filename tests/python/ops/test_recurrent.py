"""LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF: swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_ops_lstm.py, test_ops_svdf.py.
"""

from __future__ import annotations

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(777)


def lstm_model(sequence: bool, n_input=3, n_cell=4, n_output=None, batch=2, steps=3, cifg=False, peephole=False,
               projection=None, layer_norm=False, cell_clip=0.0, proj_clip=0.0, activation="TANH", time_major=False):
    """A float LSTM; projection is None, "weights" or "weights+bias"."""
    n_output = n_output if projection else n_cell
    b = OpModelBuilder()
    shape = ([steps, batch, n_input] if time_major else [batch, steps, n_input]) if sequence else [batch, n_input]
    x = b.input("x", "float32", shape)

    def w(name, *dims):
        return b.constant(name, (rng.standard_normal(dims) * 0.5).astype(np.float32))

    ins: list = [x]
    ins += [None if cifg else w("i2i", n_cell, n_input), w("i2f", n_cell, n_input), w("i2c", n_cell, n_input),
            w("i2o", n_cell, n_input)]
    ins += [None if cifg else w("r2i", n_cell, n_output), w("r2f", n_cell, n_output), w("r2c", n_cell, n_output),
            w("r2o", n_cell, n_output)]
    ins += [w("c2i", n_cell) if peephole and not cifg else None, w("c2f", n_cell) if peephole else None,
            w("c2o", n_cell) if peephole else None]
    ins += [None if cifg else w("bi", n_cell), w("bf", n_cell), w("bc", n_cell), w("bo", n_cell)]
    ins += [w("proj", n_output, n_cell) if projection else None,
            w("proj_b", n_output) if projection == "weights+bias" else None]
    ins += [b.tensor("h", "float32", [batch, n_output], is_variable=True),
            b.tensor("c", "float32", [batch, n_cell], is_variable=True)]
    if layer_norm:
        ins += [None if cifg else w("lni", n_cell), w("lnf", n_cell), w("lnc", n_cell), w("lno", n_cell)]
    out_shape = shape[:-1] + [n_output]
    y = b.output("y", "float32", out_shape)
    options = {"fused_activation_function": activation, "cell_clip": cell_clip, "proj_clip": proj_clip}
    if sequence:
        options["time_major"] = time_major
        b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], options)
    else:
        options["kernel_type"] = "FULL"
        b.op("LSTM", ins, [y], options)
    return b


VARIANTS = [
    dict(),
    dict(cifg=True),
    dict(peephole=True),
    dict(cifg=True, peephole=True),
    dict(projection="weights", n_output=2),
    dict(projection="weights+bias", n_output=5, proj_clip=0.3),
    dict(layer_norm=True),
    dict(layer_norm=True, cifg=True, peephole=True, projection="weights+bias", n_output=3),
    dict(cell_clip=0.5),
    dict(activation="RELU"),
    dict(activation="RELU6", cell_clip=3.0),
    dict(activation="RELU_N1_TO_1"),
]


def int8_lstm_model(sequence: bool, n_input=5, n_cell=4, n_output=None, batch=2, steps=3, cifg=False, peephole=False,
                    projection=None, cell_clip=0.0, proj_clip=0.0, time_major=False, cell_log2=-12, input_zp=-3,
                    state_zp=2, hidden_zp=0):
    n_output = n_output if projection else n_cell
    b = OpModelBuilder()
    shape = ([steps, batch, n_input] if time_major else [batch, steps, n_input]) if sequence else [batch, n_input]
    x = b.input("x", "int8", shape, scale=0.03, zero_point=input_zp)

    def w(name, *dims):
        return b.constant(name, rng.integers(-127, 128, dims).astype(np.int8), scale=float(rng.uniform(0.004, 0.02)),
                          zero_point=0)

    def bias(name, n):
        return b.constant(name, rng.integers(-4000, 4000, n).astype(np.int32), scale=1e-5, zero_point=0)

    def peep(name):
        return b.constant(name, rng.integers(-3000, 3000, n_cell).astype(np.int16), scale=1e-4, zero_point=0)

    ins: list = [x]
    ins += [None if cifg else w("i2i", n_cell, n_input), w("i2f", n_cell, n_input), w("i2c", n_cell, n_input),
            w("i2o", n_cell, n_input)]
    ins += [None if cifg else w("r2i", n_cell, n_output), w("r2f", n_cell, n_output), w("r2c", n_cell, n_output),
            w("r2o", n_cell, n_output)]
    ins += [peep("c2i") if peephole and not cifg else None, peep("c2f") if peephole else None,
            peep("c2o") if peephole else None]
    ins += [None if cifg else bias("bi", n_cell), bias("bf", n_cell), bias("bc", n_cell), bias("bo", n_cell)]
    ins += [w("proj", n_output, n_cell) if projection else None,
            bias("proj_b", n_output) if projection == "weights+bias" else None]
    ins += [b.tensor("h", "int8", [batch, n_output], scale=0.02, zero_point=state_zp, is_variable=True),
            b.tensor("c", "int16", [batch, n_cell], scale=2.0 ** cell_log2, zero_point=0, is_variable=True)]
    ins += [None, None, None, None]
    inter = [b.tensor(f"inter{i}", "float32", [0]) for i in range(4)]
    inter.append(b.tensor("hidden", "int8", [0], scale=0.007, zero_point=hidden_zp))
    y = b.output("y", "int8", shape[:-1] + [n_output], scale=0.02, zero_point=state_zp)
    options = {"fused_activation_function": "TANH", "cell_clip": cell_clip, "proj_clip": proj_clip}
    if sequence:
        options["time_major"] = time_major
        b.op("UNIDIRECTIONAL_SEQUENCE_LSTM", ins, [y], options, intermediates=inter)
    else:
        options["kernel_type"] = "FULL"
        b.op("LSTM", ins, [y], options, version=3, intermediates=inter)
    return b


INT8_VARIANTS = [
    dict(),
    dict(cifg=True),
    dict(peephole=True),
    dict(cifg=True, peephole=True, cell_log2=-11),
    dict(projection="weights", n_output=3, hidden_zp=4),
    dict(projection="weights+bias", n_output=6, proj_clip=0.5),
    dict(cell_clip=0.4),
    dict(cell_log2=-10, input_zp=0, state_zp=-7),
    dict(cell_log2=-15, n_cell=16, n_input=20),
]


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


@pytest.mark.parametrize("sequence,time_major", [(False, False), (True, False), (True, True)],
                         ids=["LSTM", "sequence-batch-major", "sequence-time-major"])
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "plain")
def test_float_lstm_matches_litert(tmp_path, sequence, time_major, variant):
    path = lstm_model(sequence, time_major=time_major, **variant).save(tmp_path / "lstm.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


def test_state_updates_are_in_the_dump(tmp_path):
    path = lstm_model(True, batch=1, steps=4).save(tmp_path / "lstm.tflite")
    run_tool("dump", str(path), "--out", str(tmp_path / "d"), "--seed", "3")
    step = load_dump(tmp_path / "d").steps[0]
    assert [u.slot for u in step.updates] == [18, 19]
    h_after = step.updates[0].value
    y = step.outputs[0].value
    assert np.array_equal(h_after, y[:, -1, :])  # the output state is the last step's output
    assert not np.any(step.inputs[18].value)     # and started at zero


def test_lstm_with_a_non_variable_state_is_refused(tmp_path):
    b = lstm_model(True)
    b.tensors[b.ops[0].inputs[18]].is_variable = False
    path = b.save(tmp_path / "lstm.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "output state 'h' (input 18) must be a variable tensor" in str(err.value)


def test_lstm_without_activation_is_refused(tmp_path):
    path = lstm_model(False, activation="NONE").save(tmp_path / "lstm.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "operator 0 (LSTM): activation NONE" in str(err.value)


def test_lstm_with_mismatched_weights_is_refused(tmp_path):
    b = lstm_model(False)
    cell_weights = b.tensors[b.ops[0].inputs[3]]
    cell_weights.shape = [5, 3]  # input-to-cell weights: one row too many
    b.buffers[cell_weights.buffer] = np.zeros([5, 3], np.float32).tobytes()
    path = b.save(tmp_path / "lstm.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "input weights (cell gate) (input 3) must be [4,3], got [5,3]" in str(err.value)


@pytest.mark.parametrize("sequence,time_major", [(False, False), (True, False), (True, True)],
                         ids=["LSTM", "sequence-batch-major", "sequence-time-major"])
@pytest.mark.parametrize("variant", INT8_VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "plain")
def test_int8_lstm_matches_litert_bit_for_bit(tmp_path, sequence, time_major, variant):
    path = int8_lstm_model(sequence, time_major=time_major, **variant).save(tmp_path / "lstm.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


def test_int8_lstm_without_its_intermediates_is_refused(tmp_path):
    b = int8_lstm_model(True)
    b.ops[0].intermediates = b.ops[0].intermediates[:4]
    path = b.save(tmp_path / "lstm.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    assert "an integer LSTM needs 5 intermediate tensors (their quantization), got 4" in str(err.value)


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
