"""Running a chosen signature or subgraph (--signature / --subgraph) matches LiteRT's signature runners."""

from __future__ import annotations

import subprocess
from pathlib import Path

import numpy as np
import pytest

from tfldbg import load_dump
from tfldbg.backends.engine import find_binary, model_info

TESTDATA = Path(__file__).resolve().parents[3] / "shared" / "models" / "edge-cases" / "litert_testdata"


def tool(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(find_binary()), *args], capture_output=True, text=True)


@pytest.mark.parametrize("model", ["multi_signatures.bin", "reverse_signature_model.bin"])
def test_every_signature_matches_litert(require_shared_models, tmp_path, model):
    from ai_edge_litert.interpreter import Interpreter

    path = TESTDATA / model
    litert = Interpreter(model_path=str(path))
    rng = np.random.default_rng(3)
    for key, io in litert.get_signature_list().items():
        runner = litert.get_signature_runner(key)
        details = runner.get_input_details()
        inputs = {name: rng.uniform(-4, 4, d["shape"]).astype(d["dtype"]) for name, d in details.items()}
        expected = runner(**inputs)
        args = []
        for name, value in inputs.items():
            np.save(tmp_path / f"{key}_{name}.npy", value)
            args += ["--input", f"{name}={tmp_path / f'{key}_{name}.npy'}"]
        out = tmp_path / key
        proc = tool("dump", str(path), "--signature", key, "--out", str(out), *args)
        assert proc.returncode == 0, proc.stderr
        dump = load_dump(out)
        sig = next(s for s in model_info(path)["signatures"] if s["key"] == key)
        assert dump.manifest["subgraphs"][0]["index"] == sig["subgraph"]
        tensors = dump.manifest["subgraphs"][0]["tensors"]
        for o in sig["outputs"]:
            got = dump.tensor_values(tensors[o["tensor"]]["name"])[-1]
            np.testing.assert_array_equal(got, expected[o["name"]], err_msg=f"{model} {key} {o['name']}")
        assert sorted(o["name"] for o in sig["outputs"]) == sorted(io["outputs"])


def test_unknown_signature_and_subgraph_are_one_line(require_shared_models):
    path = TESTDATA / "multi_signatures.bin"
    proc = tool("run", str(path), "--signature", "mul")
    assert proc.returncode == 1 and proc.stderr.count("\n") == 1 and "'add', 'sub'" in proc.stderr
    proc = tool("run", str(path), "--subgraph", "5")
    assert proc.returncode == 1 and "subgraph 5 does not exist (the model has 2)" in proc.stderr
