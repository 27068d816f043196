"""`tfldbg dump`: the format, the writing discipline and input errors.

Uses small models built with tfldbg.testing.opmodel, so it runs without ../shared.
"""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pytest

from tfldbg import load_dump, run_tool
from tfldbg.formats.dump import DumpError
from tfldbg.testing.opmodel import OpModelBuilder

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "docs" / "dump-manifest.schema.json").read_text())


@pytest.fixture()
def reshape_model(tmp_path) -> Path:
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 4, 6], scale=0.5, zero_point=-3)
    mid = b.tensor("mid", "int8", [4, 6], scale=0.5, zero_point=-3)
    y = b.output("y", "int8", [24], scale=0.5, zero_point=-3)
    b.op("RESHAPE", [x, b.constant("shape1", np.array([4, 6], np.int32))], [mid])
    b.op("RESHAPE", [mid, b.constant("shape2", np.array([-1], np.int32))], [y])
    return b.save(tmp_path / "two_reshapes.tflite")


def test_manifest_follows_the_schema_and_values_are_written_once(reshape_model, tmp_path):
    out = tmp_path / "d"
    run_tool("dump", str(reshape_model), "--out", str(out), "--seed", "3")
    manifest = json.loads((out / "manifest.json").read_text())
    jsonschema.validate(manifest, SCHEMA)
    assert manifest["complete"] is True
    dump = load_dump(out)
    assert [s.op for s in dump.steps] == ["RESHAPE", "RESHAPE"]
    # The second step's input is the file the first step's output wrote.
    assert dump.steps[1].inputs[0].file == dump.steps[0].outputs[0].file
    # The graph input is stored once and named in run.inputs.
    assert dump.inputs[0]["file"] == dump.steps[0].inputs[0].file
    assert dump.inputs[0]["source"] == "random(seed=3)"
    x = np.load(out / dump.inputs[0]["file"])  # plain numpy reads it
    assert x.dtype == np.int8 and x.shape == (1, 4, 6)
    np.testing.assert_array_equal(dump.steps[1].outputs[0].value, x.reshape(-1))
    assert len(list((out / "tensors").iterdir())) == 5  # x, mid, y, shape1, shape2


def test_planners_write_identical_files(reshape_model, tmp_path):
    for planner in ("reuse", "no-reuse"):
        run_tool("dump", str(reshape_model), "--out", str(tmp_path / planner), "--seed", "1", "--planner", planner)
    for f in (tmp_path / "reuse" / "tensors").iterdir():
        assert f.read_bytes() == (tmp_path / "no-reuse" / "tensors" / f.name).read_bytes()


def test_existing_directory_needs_force(reshape_model, tmp_path):
    out = tmp_path / "d"
    out.mkdir()
    proc = run_tool("dump", str(reshape_model), "--out", str(out), check=False)
    assert proc.returncode == 1
    assert proc.stderr.strip() == f"tfldbg: error: {out}: already exists; pass --force to replace it (a tfldbg dump only)"
    run_tool("dump", str(reshape_model), "--out", str(out), "--force")
    assert load_dump(out).complete


def test_given_input_file_is_used(reshape_model, tmp_path):
    x = np.arange(24, dtype=np.int8).reshape(1, 4, 6)
    np.save(tmp_path / "x.npy", x)
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--input", f"x={tmp_path / 'x.npy'}")
    dump = load_dump(tmp_path / "d")
    np.testing.assert_array_equal(dump.steps[-1].outputs[0].value, x.reshape(-1))
    # By position, and from a directory of files named after the inputs.
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "e"), "--input", f"0={tmp_path / 'x.npy'}")
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "f"), "--inputs", str(tmp_path))
    assert load_dump(tmp_path / "f").inputs[0]["source"] == str(tmp_path / "x.npy")


@pytest.mark.parametrize("array, expected", [
    (np.zeros([1, 4, 6], np.float32), "expects int8[1,4,6], but {f} holds float32[1,4,6]"),
    (np.zeros([1, 4, 5], np.int8), "expects int8[1,4,6], but {f} holds int8[1,4,5]"),
])
def test_wrong_input_is_one_line_naming_expected_and_got(reshape_model, tmp_path, array, expected):
    f = tmp_path / "bad.npy"
    np.save(f, array)
    proc = run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--input", f"x={f}", check=False)
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and expected.format(f=f) in lines[0], proc.stderr
    assert not (tmp_path / "d").exists(), "no dump may be left behind"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".d.")], "no staging directory left behind"


def test_unknown_input_name_lists_the_inputs(reshape_model, tmp_path):
    np.save(tmp_path / "x.npy", np.zeros([1, 4, 6], np.int8))
    proc = run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--input", f"nope={tmp_path / 'x.npy'}",
                    check=False)
    assert proc.returncode == 1
    assert "no input named 'nope'; the model's inputs are 'x'" in proc.stderr


@pytest.mark.parametrize("content", [b"", b"\x93NUMPY\x01\x00\xff\xff{", b"not numpy at all",
                                     b"\x93NUMPY\x01\x00\x46\x00{'descr': '<i1', 'fortran_order': True, 'shape': (24,), }" + b" " * 10])
def test_hostile_npy_is_refused_in_one_line(reshape_model, tmp_path, content):
    f = tmp_path / "evil.npy"
    f.write_bytes(content)
    proc = run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--input", f"x={f}", check=False)
    assert proc.returncode == 1
    assert len(proc.stderr.strip().splitlines()) == 1 and "not a usable .npy file" in proc.stderr, proc.stderr


def test_selection_options(reshape_model, tmp_path):
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--nodes", "1:1", "--no-constants")
    dump = load_dump(tmp_path / "d")
    assert [s.node for s in dump.steps] == [1]
    assert dump.steps[0].inputs[1].file is None  # the constant shape was not stored
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "e"), "--tensors", "^mid$")
    dump = load_dump(tmp_path / "e")
    stored = {s.tensor.name for st in dump.steps for s in st.inputs + st.outputs if s.file}
    assert stored == {"mid", "x"}  # graph inputs are always recorded in run.inputs
    proc = run_tool("dump", str(reshape_model), "--out", str(tmp_path / "f"), "--nodes", "3:1", check=False)
    assert proc.returncode == 1 and "--nodes '3:1'" in proc.stderr


def test_incomplete_dumps_are_refused_by_the_reader(tmp_path):
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "tfldbg-dump", "version": 1, "complete": False}))
    with pytest.raises(DumpError, match="incomplete"):
        load_dump(tmp_path)


EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits"


def test_stats_only_over_a_dataset_streams_without_arrays(tmp_path):
    out = tmp_path / "stats"
    run_tool("dump", str(EXAMPLE / "digits_int8.tflite"), "--out", str(out), "--stats-only",
             "--dataset", str(EXAMPLE / "dataset"))
    assert not any((out / "tensors").iterdir()), "--stats-only stores no arrays"
    stats = json.loads((out / "stats.json").read_text())
    assert len(stats["samples"]) == 64
    # Check one tensor against numpy over the same samples: the graph input.
    images = np.stack([np.load(p) for p in sorted((EXAMPLE / "dataset").glob("*.npy"))])
    s = stats["tensors"]["0"]
    assert s["count"] == images.size
    assert s["min"] == float(images.min()) and s["max"] == float(images.max())
    assert abs(s["mean"] - float(images.astype(np.float64).mean())) < 1e-9
    assert 0 < stats["tensors"]["12"]["saturation"] < 1  # int8 ReLU output: many values at qmin
    manifest = json.loads((out / "manifest.json").read_text())
    jsonschema.validate(manifest, SCHEMA)
    assert manifest["stats"] == "stats.json" and manifest["run"]["dataset"]["samples_run"] == 64


def test_merged_shards_equal_one_run_exactly(tmp_path):
    model, dataset = str(EXAMPLE / "digits_int8.tflite"), str(EXAMPLE / "dataset")
    run_tool("dump", model, "--out", str(tmp_path / "all"), "--stats-only", "--dataset", dataset)
    for i in range(3):
        run_tool("dump", model, "--out", str(tmp_path / f"s{i}"), "--stats-only", "--dataset", dataset, "--shard", f"{i}/3")
    from tfldbg.cli import main

    assert main(["merge-stats", *[str(tmp_path / f"s{i}" / "stats.json") for i in (2, 0, 1)],
                 "--out", str(tmp_path / "merged.json")]) == 0
    whole = json.loads((tmp_path / "all" / "stats.json").read_text())
    merged = json.loads((tmp_path / "merged.json").read_text())
    assert merged["tensors"] == whole["tensors"]
    assert [s["sample"] for s in merged["samples"]] == list(range(64))


def test_dataset_needs_stats_only_and_bad_shards_are_one_line(tmp_path):
    model, dataset = str(EXAMPLE / "digits_int8.tflite"), str(EXAMPLE / "dataset")
    proc = run_tool("dump", model, "--out", str(tmp_path / "a"), "--dataset", dataset, check=False)
    assert proc.returncode == 1 and "--dataset needs --stats-only" in proc.stderr
    proc = run_tool("dump", model, "--out", str(tmp_path / "b"), "--stats-only", "--dataset", dataset, "--shard", "3/3",
                    check=False)
    assert proc.returncode == 1 and "--shard '3/3'" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1
    assert list(tmp_path.iterdir()) == [], "a refused run leaves nothing behind"


def test_inline_json_writes_small_tensors_into_the_manifest(reshape_model, tmp_path):
    run_tool("dump", str(reshape_model), "--out", str(tmp_path / "d"), "--inline-json", "2")
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    jsonschema.validate(manifest, SCHEMA)
    shape_slot = manifest["steps"][0]["inputs"][1]  # the constant [4, 6]
    assert shape_slot["value"] == [4, 6]
    assert "value" not in manifest["steps"][0]["inputs"][0]  # 24 elements > 2


def test_a_full_disk_is_one_line_and_leaves_no_dump(tmp_path):
    """A file-size limit stands in for a full disk: the write fails, the dump does not appear."""
    import subprocess

    from tfldbg.backends.engine import find_binary

    out = tmp_path / "d"
    cmd = f"ulimit -f 16; exec '{find_binary()}' dump '{EXAMPLE / 'digits_int8.tflite'}' --out '{out}' --seed 0"
    proc = subprocess.run(["bash", "-c", cmd], capture_output=True, text=True)
    assert proc.returncode == 1, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and "write failed: File too large" in lines[0], proc.stderr
    assert not out.exists()
    partial = [p for p in tmp_path.iterdir() if p.name.startswith(".d.tfldbg-partial")]
    for p in partial:  # whatever is left says it is incomplete
        assert json.loads((p / "manifest.json").read_text())["complete"] is False


def test_ctrl_c_exits_130_and_the_dump_never_looks_complete(tmp_path, require_shared_models):
    import signal
    import subprocess
    import time

    from conftest import SHARED_MODELS
    from tfldbg.backends.engine import find_binary

    model = SHARED_MODELS / "real" / "deeplabv3_257_mv_gpu_float.tflite"  # 70 nodes, over 100 ms of work
    out = tmp_path / "d"
    proc = subprocess.Popen([str(find_binary()), "dump", str(model), "--out", str(out), "--seed", "0"],
                            stderr=subprocess.PIPE, text=True)
    # Interrupt once the run is under way: the graph input is stored before the first node.
    deadline = time.monotonic() + 30
    while not list(tmp_path.glob(".d.tfldbg-partial-*/tensors/*.npy")) and time.monotonic() < deadline:
        time.sleep(0.001)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    if proc.returncode == 0:
        pytest.skip("the dump finished before the interrupt arrived")
    assert proc.returncode == 130, err
    assert "interrupted before" in err and len(err.strip().splitlines()) == 1
    assert not out.exists()
    partial = [p for p in tmp_path.iterdir() if p.name.startswith(".d.tfldbg-partial")]
    assert len(partial) == 1
    assert json.loads((partial[0] / "manifest.json").read_text())["complete"] is False
