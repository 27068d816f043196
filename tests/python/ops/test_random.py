"""Random ops: RANDOM_UNIFORM, RANDOM_STANDARD_NORMAL and MULTINOMIAL, against LiteRT's reference
kernels: the same numbers for the same seeds (TensorFlow's Philox generator). Uniform floats and
multinomial samples are exact; standard normal floats go through float log, sqrt, sin and cos, so
they are held within rtol 1e-6 (atol 1e-6 for values near 0).

With seed = seed2 = 0 LiteRT draws its key from /dev/urandom, so its numbers change from run to
run; tfldbg keys the generator with 0 and 0 as written (docs/architecture.md). Those cases check
that tfldbg is reproducible and that both give the same shapes and distributions.
"""

from __future__ import annotations

import subprocess

import numpy as np
import pytest

from sweep import check, refused
from tfldbg.backends.engine import find_binary, run_tool
from tfldbg.backends.litert import litert_interpreter, write_reference
from tfldbg.formats.dump import load_dump
from tfldbg.testing.opmodel import OpModelBuilder

NORMAL_TOL = {"rtol": 1e-6, "atol": 1e-6}

SEEDS = [(1, 2), (-1, -7), (7, 0), (0, 5), (2**40 + 3, 2**33 + 1), (-(2**63), 2**63 - 1)]


def random_model(op, shape, seed, seed2, computed_shape=False, out_type="float32"):
    b = OpModelBuilder()
    if computed_shape:
        s = b.input("shape", "int32", [len(shape)])
    else:
        s = b.constant("shape", np.array(shape, np.int32))
    b.op(op, [s], [b.output("y", out_type, shape)], options={"seed": seed, "seed2": seed2})
    return b


def outputs(builder, tmp_path, inputs=None, name="op"):
    """Output 0 as tfldbg and as LiteRT (reference kernels) compute it."""
    path = builder.save(tmp_path / f"{name}.tflite")
    args = []
    for key, value in (inputs or {}).items():
        np.save(tmp_path / f"{key}.npy", value)
        args += ["--input", f"{key}={tmp_path / f'{key}.npy'}"]
    run_tool("dump", str(path), "--out", str(tmp_path / f"{name}-ours"), "--force", *args)
    write_reference(path, tmp_path / f"{name}-litert", like=str(tmp_path / f"{name}-ours"), force=True)
    return [load_dump(tmp_path / f"{name}-{d}").steps[-1].outputs[0].value for d in ("ours", "litert")]


@pytest.mark.parametrize("seed,seed2", SEEDS)
@pytest.mark.parametrize("shape", [[2, 3], [1], [4], [5], [3, 1, 7], [], [0, 3], [33, 65]],
                         ids=["2x3", "1", "4", "5", "3x1x7", "scalar", "empty", "33x65"])
def test_random_uniform(tmp_path, seed, seed2, shape):
    check(random_model("RANDOM_UNIFORM", shape, seed, seed2), tmp_path, rtol=0, atol=0)


@pytest.mark.parametrize("seed,seed2", SEEDS)
@pytest.mark.parametrize("shape", [[2, 3], [1], [3], [4], [5], [7], [3, 1, 7], [], [0, 3], [33, 65]],
                         ids=["2x3", "1", "3", "4", "5", "7", "3x1x7", "scalar", "empty", "33x65"])
def test_random_standard_normal(tmp_path, seed, seed2, shape):
    check(random_model("RANDOM_STANDARD_NORMAL", shape, seed, seed2), tmp_path, **NORMAL_TOL)


@pytest.mark.parametrize("op", ["RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"])
@pytest.mark.parametrize("shape", [[2, 3], [9], [0]])
def test_random_computed_shape(tmp_path, op, shape):
    check(random_model(op, shape, 11, 12, computed_shape=True), tmp_path,
          inputs={"shape": np.array(shape, np.int32)}, **NORMAL_TOL)


@pytest.mark.parametrize("op", ["RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"])
def test_random_stream_continues_across_invokes(tmp_path, op):
    """The generator is keyed once: the third Invoke gives LiteRT's third numbers."""
    path = random_model(op, [3, 5], 5, 6).save(tmp_path / "op.tflite")
    run_tool("run", str(path), "--repeat", "3", "--save-outputs", str(tmp_path))
    ours = np.load(tmp_path / "y.npy")
    interp = litert_interpreter(path)
    values = []
    for _ in range(3):
        interp.invoke()
        values.append(interp.get_tensor(interp.get_output_details()[0]["index"]).copy())
    assert not np.array_equal(values[0], values[2])
    np.testing.assert_allclose(ours, values[2], **NORMAL_TOL)


def loop_model(op, iterations):
    """acc = 10 * acc + OP(shape [6]) in a WHILE body, `iterations` times: each iteration's
    numbers weigh in, so the output holds the stream the loop drew."""
    b = OpModelBuilder()
    i0, a0 = b.input("i", "int32", []), b.input("acc", "float32", [6])
    b.op("WHILE", [i0, a0], [b.output("i_out", "int32", []), b.output("acc_out", "float32", [6])],
         options={"cond_subgraph_index": 1, "body_subgraph_index": 2})
    cond = b.add_subgraph("cond")
    ci, _ = cond.input("i", "int32", []), cond.input("acc", "float32", [6])
    cond.op("LESS", [ci, cond.constant("n", np.array(iterations, np.int32))], [cond.output("c", "bool", [])])
    body = b.add_subgraph("body")
    bi, ba = body.input("i", "int32", []), body.input("acc", "float32", [6])
    body.op("ADD", [bi, body.constant("one", np.array(1, np.int32))], [body.output("i2", "int32", [])],
            options={"fused_activation_function": "NONE"})
    r, t = body.tensor("r", "float32", [6]), body.tensor("t", "float32", [6])
    body.op(op, [body.constant("shape", np.array([6], np.int32))], [r], options={"seed": 5, "seed2": 6})
    body.op("MUL", [ba, body.constant("ten", np.array(10.0, np.float32))], [t],
            options={"fused_activation_function": "NONE"})
    body.op("ADD", [t, r], [body.output("acc2", "float32", [6])], options={"fused_activation_function": "NONE"})
    return b


@pytest.mark.parametrize("op", ["RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"])
def test_random_stream_continues_across_loop_iterations(tmp_path, op):
    """A random op in a WHILE body is prepared once: every iteration continues its stream, in
    LiteRT and in tfldbg."""
    check(loop_model(op, 4), tmp_path, inputs={"i": np.array(0, np.int32), "acc": np.zeros(6, np.float32)},
          **NORMAL_TOL)


def test_random_unseeded_is_reproducible_and_distributed_like_litert(tmp_path):
    """seed = seed2 = 0: LiteRT's numbers differ from run to run (a key from /dev/urandom),
    tfldbg's are those of key (0, 0) every time; both are uniform on [0, 1) / standard normal."""
    n = 20000
    for op in ("RANDOM_UNIFORM", "RANDOM_STANDARD_NORMAL"):
        b = random_model(op, [n], 0, 0)
        ours, theirs = outputs(b, tmp_path, name=op)
        again, theirs_again = outputs(b, tmp_path, name=op + "-again")
        assert np.array_equal(ours, again)
        assert not np.array_equal(theirs, theirs_again)
        keyed, _ = outputs(random_model(op, [n], 0, 0), tmp_path, name=op + "-keyed")
        assert np.array_equal(ours, keyed)
        for values in (ours, theirs):
            assert values.shape == (n,) and values.dtype == np.float32
            if op == "RANDOM_UNIFORM":
                assert values.min() >= 0 and values.max() < 1
                assert abs(values.mean() - 0.5) < 0.01 and abs(values.var() - 1 / 12) < 0.003
                counts = np.histogram(values, bins=10, range=(0, 1))[0]
                assert np.all(np.abs(counts - n / 10) < 5 * np.sqrt(n / 10))
            else:
                assert abs(values.mean()) < 0.03 and abs(values.std() - 1) < 0.03
                assert abs(np.mean(np.abs(values) < 1) - 0.6827) < 0.015


def test_random_refusals(tmp_path):
    b = OpModelBuilder()
    b.op("RANDOM_UNIFORM", [b.constant("shape", np.array([2], np.int64))], [b.output("y", "float32", [2])],
         options={"seed": 1, "seed2": 2})
    refused(b, tmp_path, "shape has type int64")
    refused(random_model("RANDOM_UNIFORM", [2], 1, 2, out_type="float64"), tmp_path, "output has type float64")
    refused(random_model("RANDOM_STANDARD_NORMAL", [2], 1, 2, out_type="float16"), tmp_path, "output has type float16")
    b = OpModelBuilder()
    b.op("RANDOM_UNIFORM", [b.constant("shape", np.array([2, -1], np.int32))], [b.output("y", "float32", [2, 1])],
         options={"seed": 1, "seed2": 2})
    refused(b, tmp_path, "negative")


def multinomial_model(logits_shape, num_samples, seed=3, seed2=4, out_type="int64", const_logits=None,
                      computed_samples=False):
    b = OpModelBuilder()
    if const_logits is not None:
        logits = b.constant("logits", np.asarray(const_logits, np.float32))
    else:
        logits = b.input("logits", "float32", logits_shape)
    if computed_samples:
        n = b.input("num_samples", "int32", [])
    else:
        n = b.constant("num_samples", np.array(num_samples, np.int32))
    b.op("MULTINOMIAL", [logits, n], [b.output("y", out_type, [logits_shape[0], num_samples])],
         options={"seed": seed, "seed2": seed2})
    return b


def logits_values(shape, kind):
    rng = np.random.default_rng(abs(hash(kind)) % 2**32)
    x = rng.normal(0, 2, shape)
    if kind == "non_finite":
        x[0, 0], x[0, 1] = -np.inf, np.nan
        x[-1, :] = [np.inf, -np.inf, np.nan][:1] * shape[1]
    if kind == "all_nan":
        x[:] = np.nan
    if kind == "large":
        x = x * 1e30
    if kind == "one_hot":
        x = np.full(shape, -np.inf)
        x[:, 1 % shape[1]] = 5.0
    return x.astype(np.float32)


@pytest.mark.parametrize("out_type", ["int32", "int64"])
@pytest.mark.parametrize("seed,seed2", [(3, 4), (-5, 0), (0, 9), (2**40, -3)])
@pytest.mark.parametrize("shape,samples", [([1, 5], 7), ([3, 4], 1), ([2, 10], 64), ([4, 1], 3), ([2, 3], 0),
                                           ([0, 3], 4)], ids=["1x5-7", "3x4-1", "2x10-64", "4x1-3", "2x3-0", "0x3-4"])
def test_multinomial(tmp_path, out_type, seed, seed2, shape, samples):
    check(multinomial_model(shape, samples, seed, seed2, out_type), tmp_path,
          inputs={"logits": logits_values(shape, "normal")})


@pytest.mark.parametrize("kind", ["non_finite", "all_nan", "large", "one_hot"])
def test_multinomial_edge_logits(tmp_path, kind):
    shape = [3, 6]
    check(multinomial_model(shape, 9), tmp_path, inputs={"logits": logits_values(shape, kind)})


def test_multinomial_constant_logits_and_computed_samples(tmp_path):
    logits = logits_values([2, 5], "normal")
    check(multinomial_model([2, 5], 6, const_logits=logits), tmp_path)
    check(multinomial_model([2, 5], 6, computed_samples=True), tmp_path,
          inputs={"logits": logits, "num_samples": np.array(6, np.int32)})


def test_multinomial_stream_continues_across_invokes(tmp_path):
    logits = logits_values([2, 5], "normal")
    path = multinomial_model([2, 5], 6, const_logits=logits).save(tmp_path / "op.tflite")
    run_tool("run", str(path), "--repeat", "3", "--save-outputs", str(tmp_path))
    interp = litert_interpreter(path)
    values = []
    for _ in range(3):
        interp.invoke()
        values.append(interp.get_tensor(interp.get_output_details()[0]["index"]).copy())
    assert not np.array_equal(values[0], values[2])
    np.testing.assert_array_equal(np.load(tmp_path / "y.npy"), values[2])


def test_multinomial_unseeded_is_reproducible_and_distributed_like_litert(tmp_path):
    logits = np.log(np.array([[0.1, 0.2, 0.3, 0.4], [0.7, 0.1, 0.1, 0.1]], np.float32))
    b = multinomial_model([2, 4], 20000, seed=0, seed2=0)
    ours, theirs = outputs(b, tmp_path, {"logits": logits})
    again, theirs_again = outputs(b, tmp_path, {"logits": logits}, name="again")
    assert np.array_equal(ours, again) and not np.array_equal(theirs, theirs_again)
    for values in (ours, theirs):
        assert values.shape == (2, 20000) and values.dtype == np.int64
        for row, p in zip(values, np.exp(logits)):
            assert np.all(np.abs(np.bincount(row, minlength=4) / 20000 - p) < 0.015)


def test_multinomial_refusals(tmp_path):
    refused(multinomial_model([2, 3], 4, out_type="float32"), tmp_path, "output has type float32")
    refused(multinomial_model([2, 0], 4), tmp_path, "0 classes")
    b = OpModelBuilder()
    logits = b.input("logits", "float32", [1, 2, 3])
    b.op("MULTINOMIAL", [logits, b.constant("n", np.array(2, np.int32))], [b.output("y", "int64", [1, 2])])
    refused(b, tmp_path, "rank")
    b = OpModelBuilder()
    logits = b.input("logits", "float32", [1, 3])
    b.op("MULTINOMIAL", [logits, b.constant("n", np.array([2], np.int32))], [b.output("y", "int64", [1, 2])])
    refused(b, tmp_path, "rank")
    b = OpModelBuilder()
    logits = b.input("logits", "float64", [1, 3])
    b.op("MULTINOMIAL", [logits, b.constant("n", np.array(2, np.int32))], [b.output("y", "int64", [1, 2])])
    refused(b, tmp_path, "logits has type float64")
    b = OpModelBuilder()
    logits = b.input("logits", "float32", [2, 3])
    b.op("MULTINOMIAL", [logits, b.constant("n", np.array(-1, np.int32))], [b.output("y", "int64", [2, 1])])
    refused(b, tmp_path, "num_samples is -1 (must be >= 0)")
