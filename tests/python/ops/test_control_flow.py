"""WHILE, IF, CALL_ONCE, resource variables: swept against LiteRT's reference kernels (integers bit for
bit), with the refusals LiteRT makes too.

From the former test_control_flow.py.
"""

from __future__ import annotations

from pathlib import Path
import json
import subprocess

import jsonschema
import numpy as np
import pytest

from tfldbg import load_dump
from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import find_binary
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder


REPO = Path(__file__).resolve().parents[3]


TESTDATA = REPO.parent / "shared" / "models" / "edge-cases" / "litert_testdata"


SCHEMA = json.loads((REPO / "docs" / "dump-manifest.schema.json").read_text())


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


@pytest.mark.parametrize("version", [1, 2])
def test_call_is_run_by_neither_litert_nor_tfldbg(tmp_path, version):
    """CALL (a call of another subgraph) has no kernel in LiteRT: both resolvers refuse the model
    when it is prepared. tfldbg refuses it in one line with the op table's reason."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    b = OpModelBuilder()
    x = b.input("x", "float32", [2])
    b.op("CALL", [x], [b.output("y", "float32", [2])], options={"subgraph": 1}, version=version)
    body = b.add_subgraph("body")
    body.op("RELU", [body.input("bx", "float32", [2])], [body.output("by", "float32", [2])])
    path = b.save(tmp_path / "call.tflite")
    for resolver in (OpResolverType.BUILTIN_REF, OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES):
        with pytest.raises((RuntimeError, ValueError), match="Didn't find op for builtin opcode 'CALL'"):
            Interpreter(model_path=str(path), experimental_op_resolver_type=resolver).allocate_tensors()
    proc = subprocess.run([str(find_binary()), "dump", str(path), "--out", str(tmp_path / "d")], capture_output=True,
                          text=True)
    assert proc.returncode == 1 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "operator CALL (version" in proc.stderr and "LiteRT itself cannot run it" in proc.stderr


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
