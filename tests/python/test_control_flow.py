"""Control flow (WHILE, IF, CALL_ONCE), resource variables and comparisons, against LiteRT."""

from __future__ import annotations

import itertools
import json
import subprocess
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from tfldbg import load_dump
from tfldbg.analysis.compare import format_table
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder
from tfldbg.backends.engine import find_binary

REPO = Path(__file__).resolve().parents[2]
TESTDATA = REPO.parent / "shared" / "models" / "edge-cases" / "litert_testdata"
SCHEMA = json.loads((REPO / "docs" / "dump-manifest.schema.json").read_text())


@pytest.mark.parametrize("name", ["multi_subgraphs_while.bin", "call_once_mul.bin", "nested_while.bin"])
@pytest.mark.parametrize("planner", ["reuse", "no-reuse"])
def test_control_flow_models_match_litert(require_shared_models, tmp_path, name, planner):
    for seed in (0, 1):
        result = check_model(TESTDATA / name, tmp_path, seed=seed, planner=planner)
        assert result, format_table(result, only_failures=True)
        assert result.results, "nothing was compared"


def test_loop_iterations_are_numbered_and_stored_apart(require_shared_models, tmp_path):
    out = tmp_path / "w"
    proc = subprocess.run([str(find_binary()), "dump", str(TESTDATA / "multi_subgraphs_while.bin"), "--out", str(out),
                           "--seed", "0"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    manifest = json.loads((out / "manifest.json").read_text())
    jsonschema.validate(manifest, SCHEMA)
    assert [sg["index"] for sg in manifest["subgraphs"]] == [0, 1, 2]
    dump = load_dump(out)
    assert dump.steps[0].op == "WHILE" and dump.steps[0].subgraph == 0
    body = [s for s in dump.steps if s.subgraph == 2]
    cond = [s for s in dump.steps if s.subgraph == 1]
    iterations = max(s.invocation for s in body) + 1
    assert len(body) == 3 * iterations  # three nodes per iteration
    assert len(cond) == iterations + 1  # the condition runs once more, and says stop
    assert [s.invocation for s in cond] == list(range(len(cond)))
    # Iteration k of the body's first node reads its own value of the loop counter.
    first = [s for s in body if s.node == 0]
    files = [s.inputs[0].file for s in first]
    assert len(set(files)) == len(files)
    counters = [int(s.inputs[0].value) for s in first]
    assert counters == sorted(counters) and len(set(counters)) == len(counters)
    # The loop's first output is the body's first output (tensor 7, node 2) of the last iteration.
    last = next(s for s in reversed(body) if s.node == 2)
    np.testing.assert_array_equal(dump.steps[0].outputs[0].value, last.outputs[0].value)
    assert f"run {iterations - 1}" in last.label()


rng = np.random.default_rng(8080)
COMPARISONS = ["LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL"]
CASES = list(itertools.product(COMPARISONS, ["float32", "int32", "int64", "int8"], [([2, 3, 4], [2, 3, 4]), ([2, 1, 4], [3, 1])]))


@pytest.mark.parametrize("op,dtype,shapes", CASES, ids=[f"{o}-{t}-{'bcast' if s[0] != s[1] else 'same'}" for o, t, s in CASES])
def test_comparisons_match_litert(tmp_path, op, dtype, shapes):
    b = OpModelBuilder()
    q = {"scale": 0.5, "zero_point": 3} if dtype == "int8" else {}
    x1 = b.input("x1", dtype, shapes[0], **q)
    x2 = b.input("x2", dtype, shapes[1], **q)
    out = list(np.broadcast_shapes(tuple(shapes[0]), tuple(shapes[1])))
    y = b.output("y", "bool", out)
    b.op(op, [x1, x2], [y], version=1)
    path = b.save(tmp_path / "op.tflite")
    for seed in (0, 1):
        result = check_model(path, tmp_path, seed=seed)
        assert result, format_table(result, only_failures=True)


@pytest.mark.parametrize("op", ["LESS", "LESS_EQUAL", "GREATER", "GREATER_EQUAL", "EQUAL", "NOT_EQUAL"])
@pytest.mark.parametrize("dtype,q1,q2", [("int8", (0.5, 0), (0.25, 3)), ("uint8", (0.02, 128), (0.0301, 100)),
                                         ("int8", (0.1, -5), (0.1, -5)), ("int16", (0.001, 0), (0.0023, 0)),
                                         ("int16", None, None)])
def test_quantized_comparisons_rescale_like_litert(tmp_path, op, dtype, q1, q2):
    if op == "NOT_EQUAL" and q1 is None:
        pytest.skip("LiteRT leaves the output of an unquantized int16 NOT_EQUAL unwritten; tfldbg refuses it")
    b = OpModelBuilder()
    x1 = b.input("x1", dtype, [3, 40], **({"scale": q1[0], "zero_point": q1[1]} if q1 else {}))
    x2 = b.input("x2", dtype, [40], **({"scale": q2[0], "zero_point": q2[1]} if q2 else {}))
    y = b.output("y", "bool", [3, 40])
    b.op(op, [x1, x2], [y], version=1)
    # Values that meet at equal reals: x2 = x1 rescaled, so EQUAL and the
    # strict comparisons see ties the rescaling has to get right.
    info = np.iinfo(dtype)
    v1 = rng.integers(max(info.min, -2000), min(info.max, 2000) + 1, [3, 40]).astype(dtype)
    if q1:
        real = (v1[0].astype(np.float64) - q1[1]) * q1[0]
        v2 = np.clip(np.round(real / q2[0]) + q2[1], info.min, info.max).astype(dtype)
    else:
        v2 = v1[0].copy()
    v2[::3] = rng.integers(max(info.min, -2000), min(info.max, 2000) + 1, v2[::3].shape).astype(dtype)
    np.save(tmp_path / "x1.npy", v1)
    np.save(tmp_path / "x2.npy", v2)
    path = b.save(tmp_path / "op.tflite")
    result = check_model(path, tmp_path, seed=0,
                         extra_args=("--input", f"x1={tmp_path / 'x1.npy'}", "--input", f"x2={tmp_path / 'x2.npy'}"))
    assert result, format_table(result, only_failures=True)


def test_unquantized_int16_not_equal_is_refused(tmp_path):
    b = OpModelBuilder()
    x1 = b.input("x1", "int16", [4])
    x2 = b.input("x2", "int16", [4])
    y = b.output("y", "bool", [4])
    b.op("NOT_EQUAL", [x1, x2], [y], version=1)
    path = b.save(tmp_path / "op.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path)], capture_output=True, text=True)
    assert proc.returncode == 1 and "LiteRT leaves the output unwritten" in proc.stderr and proc.stderr.count("\n") == 1


def if_model(tmp_path) -> Path:
    """y = IF(c, x): then x + x, else x * x, as two further subgraphs."""
    b = OpModelBuilder()
    c = b.input("c", "bool", [])
    x = b.input("x", "float32", [2, 3])
    y = b.output("y", "float32", [2, 3])
    b.op("IF", [c, x], [y], options={"then_subgraph_index": 1, "else_subgraph_index": 2})
    for name, op in (("then", "ADD"), ("else", "MUL")):
        sg = b.add_subgraph(name)
        xi = sg.input("x", "float32", [2, 3])
        yo = sg.output("y", "float32", [2, 3])
        sg.op(op, [xi, xi], [yo], options={"fused_activation_function": "NONE"})
    return b.save(tmp_path / "if.tflite")


@pytest.mark.parametrize("branch", [True, False])
def test_if_runs_the_chosen_branch_like_litert(tmp_path, branch):
    path = if_model(tmp_path)
    np.save(tmp_path / "c.npy", np.array(branch))
    np.save(tmp_path / "x.npy", np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5)
    result = check_model(path, tmp_path, extra_args=("--input", f"c={tmp_path / 'c.npy'}", "--input", f"x={tmp_path / 'x.npy'}"))
    assert result and result.results, format_table(result)
    dump = load_dump(tmp_path / "tfldbg-0")
    ran = [s for s in dump.steps if s.subgraph != 0]
    assert [(s.subgraph, s.op) for s in ran] == [(1, "ADD") if branch else (2, "MUL")]
    x = np.arange(6, dtype=np.float32).reshape(2, 3) - 2.5
    np.testing.assert_array_equal(dump.steps[0].outputs[0].value, x + x if branch else x * x)
