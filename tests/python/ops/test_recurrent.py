"""LSTM, UNIDIRECTIONAL_SEQUENCE_LSTM, SVDF, RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN
(float32 and hybrid): swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_ops_lstm.py, test_ops_svdf.py.
"""

from __future__ import annotations

import zlib

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder

from sweep import check, refused


rng = np.random.default_rng(777)


@pytest.fixture(autouse=True)
def _seeded_rng(request):
    """Each test draws its weights from a generator seeded by its own id: the same values whatever ran before
    it on its worker."""
    global rng
    rng = np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))



def lstm_model(sequence: bool, n_input=3, n_cell=4, n_output=None, batch=2, steps=3, cifg=False, peephole=False,
               projection=None, layer_norm=False, cell_clip=0.0, proj_clip=0.0, activation="TANH", time_major=False,
               hybrid=False, asymmetric=False, diagonal=False):
    """A float LSTM, or hybrid (int8 weights, float biases, coefficients and states); projection is None,
    "weights" or "weights+bias"."""
    n_output = n_output if projection else n_cell
    b = OpModelBuilder()
    shape = ([steps, batch, n_input] if time_major else [batch, steps, n_input]) if sequence else [batch, n_input]
    x = b.input("x", "float32", shape)

    def w(name, *dims):
        return b.constant(name, (rng.standard_normal(dims) * 0.5).astype(np.float32))

    def q(name, *dims):  # weights: int8 with one scale when hybrid
        if not hybrid:
            return w(name, *dims)
        return b.constant(name, rng.integers(-127, 128, dims).astype(np.int8), scale=float(rng.uniform(0.002, 0.01)),
                          zero_point=0)

    ins: list = [x]
    ins += [None if cifg else q("i2i", n_cell, n_input), q("i2f", n_cell, n_input), q("i2c", n_cell, n_input),
            q("i2o", n_cell, n_input)]
    if diagonal:  # diagonal recurrent weights: float [n_cell] each, also in a hybrid LSTM
        ins += [None if cifg else w("r2i", n_cell)] + [w(f"r2{g}", n_cell) for g in "fco"]
    else:
        ins += [None if cifg else q("r2i", n_cell, n_output), q("r2f", n_cell, n_output), q("r2c", n_cell, n_output),
                q("r2o", n_cell, n_output)]
    ins += [q("c2i", n_cell) if peephole and not cifg else None, q("c2f", n_cell) if peephole else None,
            q("c2o", n_cell) if peephole else None]
    ins += [None if cifg else w("bi", n_cell), w("bf", n_cell), w("bc", n_cell), w("bo", n_cell)]
    ins += [q("proj", n_output, n_cell) if projection else None,
            w("proj_b", n_output) if projection == "weights+bias" else None]
    ins += [b.tensor("h", "float32", [batch, n_output], is_variable=True),
            b.tensor("c", "float32", [batch, n_cell], is_variable=True)]
    if layer_norm:
        ins += [None if cifg else w("lni", n_cell), w("lnf", n_cell), w("lnc", n_cell), w("lno", n_cell)]
    out_shape = shape[:-1] + [n_output]
    y = b.output("y", "float32", out_shape)
    options = {"fused_activation_function": activation, "cell_clip": cell_clip, "proj_clip": proj_clip,
               "asymmetric_quantize_inputs": asymmetric}
    if sequence:
        options["time_major"] = time_major
        options["diagonal_recurrent_tensors"] = diagonal
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
                    state_zp=2, hidden_zp=0, layer_norm=False):
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
    if layer_norm:  # int16 coefficients; each gate's sum then has its own scale (intermediates 0-3)
        def coefficients(g):
            return b.constant(f"ln{g}", rng.integers(8000, 20000, n_cell).astype(np.int16),
                              scale=float(rng.uniform(4e-5, 8e-5)), zero_point=0)
        ins += [None if cifg else coefficients("i")] + [coefficients(g) for g in "fco"]
        inter = [b.tensor(f"inter{i}", "int16", [0], scale=float(rng.uniform(2e-4, 1e-3)), zero_point=0) for i in range(4)]
    else:
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
    dict(layer_norm=True),
    dict(layer_norm=True, cifg=True, peephole=True, cell_log2=-11),
    dict(layer_norm=True, projection="weights+bias", n_output=3, proj_clip=0.5, n_cell=8),
    dict(layer_norm=True, cell_clip=0.4, n_cell=5, n_input=7),
]


def add_svdf(b: OpModelBuilder, x: int, dtype: str, n_input: int, filters: int, memory: int, rank: int, batch: int,
             bias: bool, activation: str, out_quant: dict, tag: str = "") -> int:
    units = filters // rank
    options = {"rank": rank, "fused_activation_function": activation}
    if dtype.startswith("hybrid"):  # int8 feature and time weights, float the rest
        options["asymmetric_quantize_inputs"] = dtype == "hybrid-asymmetric"
        wf = b.constant(f"wf{tag}", rng.integers(-127, 128, (filters, n_input)).astype(np.int8), scale=0.009, zero_point=0)
        wt = b.constant(f"wt{tag}", rng.integers(-127, 128, (filters, memory)).astype(np.int8), scale=0.004, zero_point=0)
        bb = b.constant(f"b{tag}", rng.standard_normal(units).astype(np.float32)) if bias else None
        state = b.tensor(f"state{tag}", "float32", [batch, filters * memory], is_variable=True)
        y = b.tensor(f"y{tag}", "float32", [batch, units])
    elif dtype == "float32":
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
    b.op("SVDF", [x, wf, wt, bb, state], [y], options)
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
    ("hybrid", 5, 8, 4, 1, 1, True, "NONE"),
    ("hybrid", 12, 12, 5, 3, 2, False, "RELU"),
    ("hybrid", 33, 16, 10, 2, 3, True, "TANH"),
    ("hybrid-asymmetric", 5, 8, 4, 1, 1, True, "RELU6"),
    ("hybrid-asymmetric", 12, 12, 5, 3, 2, False, "NONE"),
    ("hybrid-asymmetric", 33, 16, 10, 2, 3, True, "SIGN_BIT"),
]


@pytest.mark.parametrize("sequence,time_major", [(False, False), (True, False), (True, True)],
                         ids=["LSTM", "sequence-batch-major", "sequence-time-major"])
@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "plain")
def test_float_lstm_matches_litert(tmp_path, sequence, time_major, variant):
    path = lstm_model(sequence, time_major=time_major, **variant).save(tmp_path / "lstm.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


HYBRID_VARIANTS = VARIANTS + [dict(n_input=20, n_cell=19, projection="weights+bias", n_output=17, batch=3)]


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("sequence,time_major", [(False, False), (True, False), (True, True)],
                         ids=["LSTM", "sequence-batch-major", "sequence-time-major"])
@pytest.mark.parametrize("variant", HYBRID_VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "plain")
def test_hybrid_lstm_matches_litert(tmp_path, sequence, time_major, variant, asymmetric):
    """Dynamic-range LSTM (what the converter writes for Keras LSTM with Optimize.DEFAULT)."""
    check(lstm_model(sequence, time_major=time_major, hybrid=True, asymmetric=asymmetric, **variant), tmp_path)


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("values", ["zeros", "one-hot", "large", "negative"])
def test_hybrid_lstm_edge_inputs(tmp_path, values, asymmetric):
    b = lstm_model(True, n_input=6, batch=2, steps=4, hybrid=True, asymmetric=asymmetric, projection="weights",
                   n_output=3, peephole=True)
    x = np.zeros([2, 4, 6], np.float32)
    if values == "one-hot":
        x[:, :, 2] = 1.0
    elif values == "large":
        x = (rng.standard_normal([2, 4, 6]) * 1e4).astype(np.float32)
    elif values == "negative":
        x = -np.abs(rng.standard_normal([2, 4, 6])).astype(np.float32)
    check(b, tmp_path, inputs={"x": x})


def test_hybrid_lstm_with_per_channel_weights_is_refused(tmp_path):
    b = lstm_model(True, hybrid=True)
    t = b.tensors[b.ops[0].inputs[2]]
    t.scale = [0.01] * 4
    t.zero_point = [0] * 4
    refused(b, tmp_path, "need one positive scale")


DIAGONAL_VARIANTS = [dict(), dict(cifg=True, peephole=True), dict(layer_norm=True, cell_clip=0.5, n_cell=6, batch=3)]


@pytest.mark.parametrize("weights", ["float32", "hybrid", "hybrid-asymmetric"])
@pytest.mark.parametrize("time_major", [False, True], ids=["batch-major", "time-major"])
@pytest.mark.parametrize("variant", DIAGONAL_VARIANTS, ids=lambda v: ",".join(f"{k}={x}" for k, x in v.items()) or "plain")
def test_diagonal_recurrent_lstm_matches_litert(tmp_path, variant, time_major, weights):
    """UNIDIRECTIONAL_SEQUENCE_LSTM with diagonal_recurrent_tensors: each recurrent weight a float vector."""
    check(lstm_model(True, time_major=time_major, diagonal=True, hybrid=weights != "float32",
                     asymmetric=weights == "hybrid-asymmetric", **variant), tmp_path)


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
    quant = {} if dtype != "int8" else {"scale": 0.05, "zero_point": -3}
    x = b.input("x", "int8" if dtype == "int8" else "float32", [batch, n_input], **quant)
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


# --- RNN, UNIDIRECTIONAL_SEQUENCE_RNN, BIDIRECTIONAL_SEQUENCE_RNN ------------------------------------------------

def rnn_weights(b: OpModelBuilder, name: str, rows: int, cols: int, hybrid: bool) -> int:
    """Float weights, or int8 with one scale (dynamic-range quantization)."""
    if hybrid:
        return b.constant(name, rng.integers(-127, 128, (rows, cols)).astype(np.int8),
                          scale=float(rng.uniform(0.002, 0.02)), zero_point=0)
    return b.constant(name, (rng.standard_normal((rows, cols)) * 0.4).astype(np.float32))


def rnn_model(op: str, batch=2, steps=3, n_input=4, units=5, bw_units=None, activation="TANH", time_major=False,
              hybrid=False, asymmetric=False, merge_outputs=False, aux=None) -> OpModelBuilder:
    """A float or hybrid RNN; aux (bidirectional only) is None, "weights" (stacking: an auxiliary input with its
    weights) or "input" (the auxiliary input feeds the backward cell)."""
    b = OpModelBuilder()
    if op == "RNN":
        shape = [batch, n_input]
    else:
        shape = [steps, batch, n_input] if time_major else [batch, steps, n_input]
    x = b.input("x", "float32", shape)
    options = {"fused_activation_function": activation, "asymmetric_quantize_inputs": asymmetric}
    if op != "RNN":
        options["time_major"] = time_major

    def cell(tag, n):
        return [rnn_weights(b, f"{tag}w", n, n_input, hybrid), rnn_weights(b, f"{tag}r", n, n, hybrid),
                b.constant(f"{tag}b", rng.standard_normal(n).astype(np.float32) * 0.5),
                b.tensor(f"{tag}h", "float32", [batch, n], is_variable=True)]

    if op != "BIDIRECTIONAL_SEQUENCE_RNN":
        y = b.output("y", "float32", shape[:-1] + [units])
        b.op(op, [x] + cell("", units), [y], options)
        return b
    bw_units = bw_units or units
    ins = [x] + cell("fw_", units) + cell("bw_", bw_units)
    if aux is None:
        ins += [None, None, None]
    else:
        a = b.input("aux", "float32", shape)
        if aux == "weights":
            ins += [a, rnn_weights(b, "fw_aux", units, n_input, hybrid), rnn_weights(b, "bw_aux", bw_units, n_input, hybrid)]
        else:
            ins += [a, None, None]
    options["merge_outputs"] = merge_outputs
    if merge_outputs:
        outs = [b.output("y", "float32", shape[:-1] + [units + bw_units])]
    else:
        outs = [b.output("y_fw", "float32", shape[:-1] + [units]), b.output("y_bw", "float32", shape[:-1] + [bw_units])]
    b.op(op, ins, outs, options)
    return b


RNN_OPS = ["RNN", "UNIDIRECTIONAL_SEQUENCE_RNN", "BIDIRECTIONAL_SEQUENCE_RNN"]
RNN_VARIANTS = [
    dict(),
    dict(time_major=True),
    dict(activation="NONE"),
    dict(activation="RELU"),
    dict(activation="RELU6", time_major=True),
    dict(activation="RELU_N1_TO_1"),
    dict(activation="SIGN_BIT"),
    dict(batch=1, steps=6, n_input=19, units=17),
    dict(batch=3, steps=1, n_input=1, units=1),
    dict(batch=0),                   # empty tensors
    dict(steps=0, time_major=True),
]
BIDI_VARIANTS = [
    dict(merge_outputs=True),
    dict(merge_outputs=True, time_major=True, bw_units=3),
    dict(bw_units=7),
    dict(aux="weights"),
    dict(aux="weights", merge_outputs=True, time_major=True),
    dict(aux="input"),
    dict(aux="input", time_major=True, merge_outputs=True),
]


def variant_id(v: dict) -> str:
    return ",".join(f"{k}={x}" for k, x in v.items()) or "plain"


def rnn_cases():
    for op in RNN_OPS:
        for v in RNN_VARIANTS:
            if op == "RNN" and "time_major" in v:
                continue
            yield op, v
    for v in BIDI_VARIANTS:
        yield "BIDIRECTIONAL_SEQUENCE_RNN", v


RNN_CASES = list(rnn_cases())


@pytest.mark.parametrize("weights", ["float32", "hybrid", "hybrid-asymmetric"])
@pytest.mark.parametrize("op,variant", RNN_CASES, ids=[f"{op}-{variant_id(v)}" for op, v in RNN_CASES])
def test_rnn_matches_litert(tmp_path, op, variant, weights):
    b = rnn_model(op, hybrid=weights != "float32", asymmetric=weights == "hybrid-asymmetric", **variant)
    if weights == "hybrid" and variant.get("merge_outputs") and variant.get("time_major"):
        # LiteRT dereferences a null zero-point array + row there (docs/litert-defects.md).
        refused(b, tmp_path, "hybrid with merge_outputs, time-major, without asymmetric_quantize_inputs, on 2 batch rows "
                             "(LiteRT crashes on it)")
        return
    check(b, tmp_path)


@pytest.mark.parametrize("asymmetric", [False, True], ids=["symmetric", "asymmetric"])
@pytest.mark.parametrize("values", ["zeros", "one-hot", "large", "negative"])
def test_hybrid_rnn_edge_inputs(tmp_path, values, asymmetric):
    """All-zero blocks (LiteRT skips them), rows with one value, large and all-negative rows."""
    b = rnn_model("UNIDIRECTIONAL_SEQUENCE_RNN", batch=2, steps=4, n_input=6, units=5, hybrid=True,
                  asymmetric=asymmetric, activation="RELU")
    x = np.zeros([2, 4, 6], np.float32)
    if values == "one-hot":
        x[:, :, 2] = 1.0
    elif values == "large":
        x = (rng.standard_normal([2, 4, 6]) * 1e4).astype(np.float32)
    elif values == "negative":
        x = -np.abs(rng.standard_normal([2, 4, 6])).astype(np.float32)
    check(b, tmp_path, inputs={"x": x})


def test_rnn_with_a_non_variable_hidden_state_is_refused(tmp_path):
    b = rnn_model("RNN")
    b.tensors[b.ops[0].inputs[4]].is_variable = False
    refused(b, tmp_path, "hidden state 'h' (input 4) must be a variable tensor")


def test_rnn_with_mismatched_recurrent_weights_is_refused(tmp_path):
    b = rnn_model("UNIDIRECTIONAL_SEQUENCE_RNN")
    r = b.tensors[b.ops[0].inputs[2]]
    r.shape = [5, 4]
    b.buffers[r.buffer] = np.zeros([5, 4], np.float32).tobytes()
    refused(b, tmp_path, "recurrent weights must be [5,5], got [5,4]")


def test_bidirectional_rnn_with_one_auxiliary_weight_is_refused(tmp_path):
    b = rnn_model("BIDIRECTIONAL_SEQUENCE_RNN", aux="weights")
    b.ops[0].inputs[11] = -1
    refused(b, tmp_path, "the forward and backward auxiliary weights must be both present or both absent")


# --- BIDIRECTIONAL_SEQUENCE_LSTM ------------------------------------------------------------------------------

def bilstm_model(n_input=3, n_cell=4, bw_cell=None, n_output=None, bw_output=None, batch=2, steps=3, cifg=False,
                 peephole=False, projection=None, cell_clip=0.0, proj_clip=0.0, activation="TANH", time_major=True,
                 merge_outputs=False, aux=None, aux_size=None, hybrid=False, asymmetric=False) -> OpModelBuilder:
    """Two LSTM cells over the sequence; aux is None, "weights" (an auxiliary input read by both cells through
    their auxiliary weights) or "input" (the auxiliary input is the backward cell's input)."""
    b = OpModelBuilder()
    shape = [steps, batch, n_input] if time_major else [batch, steps, n_input]
    x = b.input("x", "float32", shape)
    aux_size = aux_size or n_input
    a = b.input("aux", "float32", shape[:-1] + [aux_size]) if aux else None

    def w(name, *dims):
        return b.constant(name, (rng.standard_normal(dims) * 0.5).astype(np.float32))

    def q(name, *dims):
        if not hybrid:
            return w(name, *dims)
        return b.constant(name, rng.integers(-127, 128, dims).astype(np.int8), scale=float(rng.uniform(0.002, 0.01)),
                          zero_point=0)

    def cell(tag, n_cell, n_output):
        n_output = n_output if projection else n_cell
        ins = [None if cifg else q(f"{tag}i2i", n_cell, n_input)] + [q(f"{tag}i2{g}", n_cell, n_input) for g in "fco"]
        ins += [None if cifg else q(f"{tag}r2i", n_cell, n_output)] + [q(f"{tag}r2{g}", n_cell, n_output) for g in "fco"]
        ins += [q(f"{tag}c2i", n_cell) if peephole and not cifg else None, q(f"{tag}c2f", n_cell) if peephole else None,
                q(f"{tag}c2o", n_cell) if peephole else None]
        ins += [None if cifg else w(f"{tag}bi", n_cell)] + [w(f"{tag}b{g}", n_cell) for g in "fco"]
        ins += [q(f"{tag}proj", n_output, n_cell) if projection else None,
                w(f"{tag}proj_b", n_output) if projection == "weights+bias" else None]
        states = [b.tensor(f"{tag}h", "float32", [batch, n_output], is_variable=True),
                  b.tensor(f"{tag}c", "float32", [batch, n_cell], is_variable=True)]
        aux_w = ([None if cifg else q(f"{tag}a2i", n_cell, aux_size)] + [q(f"{tag}a2{g}", n_cell, aux_size) for g in "fco"]
                 if aux == "weights" else [None] * 4)
        return ins, states, aux_w, n_output

    bw_cell = bw_cell or n_cell
    fw_ins, fw_states, fw_aux, fw_out = cell("fw_", n_cell, n_output)
    bw_ins, bw_states, bw_aux, bw_out = cell("bw_", bw_cell, bw_output or n_output)
    ins = [x] + fw_ins + bw_ins + fw_states + bw_states + [a] + fw_aux + bw_aux
    assert len(ins) == 48
    options = {"fused_activation_function": activation, "cell_clip": cell_clip, "proj_clip": proj_clip,
               "merge_outputs": merge_outputs, "time_major": time_major, "asymmetric_quantize_inputs": asymmetric}
    if merge_outputs:
        outs = [b.output("y", "float32", shape[:-1] + [fw_out + bw_out])]
    else:
        outs = [b.output("y_fw", "float32", shape[:-1] + [fw_out]), b.output("y_bw", "float32", shape[:-1] + [bw_out])]
    b.op("BIDIRECTIONAL_SEQUENCE_LSTM", ins, outs, options)
    return b


BILSTM_VARIANTS = [
    dict(),
    dict(merge_outputs=True),
    dict(time_major=False),
    dict(time_major=False, merge_outputs=True, batch=1),
    dict(cifg=True, peephole=True),
    dict(peephole=True, cell_clip=0.5, merge_outputs=True),
    dict(projection="weights", n_output=2),
    dict(projection="weights+bias", n_output=5, proj_clip=0.3, time_major=False),
    dict(activation="RELU6", cell_clip=3.0),
    dict(aux="weights"),
    dict(aux="weights", cifg=True, time_major=False, merge_outputs=True, batch=1),
    dict(aux="input"),
    dict(aux="input", time_major=False),
    dict(aux="weights", aux_size=6, peephole=True, projection="weights", n_output=3),
    dict(aux="weights", aux_size=2, time_major=False),
    dict(n_input=20, n_cell=19, batch=3, steps=2, projection="weights+bias", n_output=17),
]


@pytest.mark.parametrize("weights", ["float32", "hybrid", "hybrid-asymmetric"])
@pytest.mark.parametrize("variant", BILSTM_VARIANTS, ids=variant_id)
def test_bidirectional_lstm_matches_litert(tmp_path, variant, weights):
    check(bilstm_model(hybrid=weights != "float32", asymmetric=weights == "hybrid-asymmetric", **variant), tmp_path)


def test_bidirectional_lstm_merged_batch_major_on_two_rows_is_refused(tmp_path):
    refused(bilstm_model(time_major=False, merge_outputs=True, batch=2), tmp_path,
            "merge_outputs, batch-major, on 2 batch rows (LiteRT reads and writes the output state out of bounds)")


def test_bidirectional_lstm_with_cells_of_different_sizes_is_refused(tmp_path):
    refused(bilstm_model(bw_cell=6), tmp_path, "the backward cell (6 cells, 6 outputs) must match the forward cell (4, 4)")


def test_bidirectional_lstm_with_partial_auxiliary_weights_is_refused(tmp_path):
    b = bilstm_model(aux="weights")
    b.ops[0].inputs[45] = -1
    refused(b, tmp_path, "auxiliary weights must be given for every gate of both cells or for none")


@pytest.mark.parametrize("dtype", ["hybrid", "hybrid-asymmetric"])
@pytest.mark.parametrize("values", ["zeros", "one-hot", "large", "negative"])
def test_hybrid_svdf_edge_inputs(tmp_path, values, dtype):
    """An all-zero input (LiteRT skips quantizing it), rows with one value, large and all-negative rows."""
    b = OpModelBuilder()
    x = b.input("x", "float32", [2, 6])
    y = add_svdf(b, x, dtype, 6, 8, 4, 2, 2, True, "RELU", {})
    b.outputs.append(y)
    v = np.zeros([2, 6], np.float32)
    if values == "one-hot":
        v[:, 3] = 1.0
    elif values == "large":
        v = (rng.standard_normal([2, 6]) * 1e4).astype(np.float32)
    elif values == "negative":
        v = -np.abs(rng.standard_normal([2, 6])).astype(np.float32)
    check(b, tmp_path, inputs={"x": v})


def test_hybrid_svdf_with_float_time_weights_is_refused(tmp_path):
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, 5])
    wf = b.constant("wf", rng.integers(-127, 128, (8, 5)).astype(np.int8), scale=0.01, zero_point=0)
    wt = b.constant("wt", rng.standard_normal((8, 4)).astype(np.float32))
    state = b.tensor("state", "float32", [1, 32], is_variable=True)
    y = b.output("y", "float32", [1, 8])
    b.op("SVDF", [x, wf, wt, None, state], [y], {"rank": 1, "fused_activation_function": "NONE"})
    refused(b, tmp_path, "time weights")


def test_hybrid_rnn_with_per_channel_weights_is_refused(tmp_path):
    b = rnn_model("RNN", hybrid=True)
    w = b.tensors[b.ops[0].inputs[1]]
    w.scale = [w.scale[0]] * 5
    w.zero_point = [0] * 5
    refused(b, tmp_path, "need one positive scale (LiteRT's hybrid RNN reads a per-tensor scale)")


# A row (a saturated tanh state) whose asymmetric quantization depends on taking its range as a float difference:
# with the range in double, the scale is one ulp larger and the zero point 0 instead of -1.
RANGE_SENSITIVE_ROW = np.array([0x3F7FF701, 0x3F7FF519, 0xBF298215, 0x3F7F4EAE, 0xBF7FFFD2, 0xBF7FFAB1, 0xBF7FFFC6,
                                0x3F759893, 0xBF7FFFB8, 0xBF7F9839, 0xBF329CB1, 0xBF7FFE58, 0xBF7FFFDF, 0x3F7FFFDE,
                                0x3F14A635, 0xBF7CDD4C, 0x3F7FFFDC], np.uint32).view(np.float32)


def test_hybrid_asymmetric_row_quantization_takes_the_range_in_float(tmp_path):
    """An RNN step with identity input weights and no activation: its output is the quantized input row itself."""
    n = len(RANGE_SENSITIVE_ROW)
    b = OpModelBuilder()
    x = b.input("x", "float32", [1, n])
    ins = [x, b.constant("w", np.eye(n, dtype=np.int8), scale=1.0, zero_point=0),
           b.constant("r", np.zeros((n, n), np.int8), scale=1.0, zero_point=0),
           b.constant("b", np.zeros(n, np.float32)), b.tensor("h", "float32", [1, n], is_variable=True)]
    y = b.output("y", "float32", [1, n])
    b.op("RNN", ins, [y], {"fused_activation_function": "NONE", "asymmetric_quantize_inputs": True})
    check(b, tmp_path, inputs={"x": RANGE_SENSITIVE_ROW[None]})
