"""`python -m tfldbg extract` and `python -m tfldbg repro`, checked with LiteRT.

extract: on every real and found model, seeded random node ranges (and one
extraction by tensor names) run in LiteRT fed the boundary values of a full
LiteRT run (every tensor kept) give the full run's values at every output, bit
for bit; control flow (WHILE, nested WHILE, CALL_ONCE with a resource variable)
is carried along; per-channel quantization, sparsity, operator versions and
custom options are kept as they are; bad requests are one line and exit 2.
repro: on ResNet8 int8 and hello_world float, LiteRT's reference vs optimized
kernels differ first at a CONV_2D / FULLY_CONNECTED; the written one-op model and
script reproduce both values.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, SHARED_MODELS, shared_models
from tfldbg.formats.extract import extract, read_model
from tfldbg.testing.extract_check import check_model, check_part, full_run

FOUND = REPO / "tests" / "models" / "found"
MODELS = shared_models("real", "*.tflite") + sorted(FOUND.glob("*.tflite"))
LITERT_TESTDATA = SHARED_MODELS / "edge-cases" / "litert_testdata"


def cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "tfldbg", *map(str, args)], capture_output=True, text=True,
                          timeout=120, cwd=cwd)


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.name)
def test_random_ranges_give_the_full_runs_values(model):
    rows = check_model(model, ranges=3, seed=18)
    assert len(rows) >= 3
    for r in rows:
        assert r.outputs > 0, (r.what, r.note)
        assert r.equal == r.outputs, (r.what, r.note)


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("name, subgraphs", [("multi_subgraphs_while.bin", 3), ("nested_while.bin", 5),
                                              ("call_once_mul.bin", 2)])
def test_control_flow_carries_its_subgraphs(name, subgraphs):
    path = LITERT_TESTDATA / name
    values = full_run(path, "reference", 0)
    n = len(read_model(path)[0].subgraphs[0].operators)
    part = extract(path, nodes=(0, n - 1))
    assert len(read_model_bytes(part.data).subgraphs) == subgraphs
    equal, total, why = check_part(part, values, "reference")
    assert total > 0 and equal == total, why


def test_a_resource_read_pulls_in_its_handle_and_initialiser(require_shared_models):
    # call_once_mul: 0 CALL_ONCE (assigns the variable), 1 VAR_HANDLE, 2 READ_VARIABLE, 3 ASSIGN_VARIABLE, 4 MUL.
    path = LITERT_TESTDATA / "call_once_mul.bin"
    part = extract(path, nodes=(3, 4))
    assert part.nodes == [0, 1, 3, 4] and part.added == [0, 1]
    equal, total, why = check_part(part, full_run(path, "reference", 0), "reference")
    assert total == 1 and equal == 1, why


def read_model_bytes(data: bytes):
    from ai_edge_litert import schema_py_generated as fb

    return fb.ModelT.InitFromPackedBuf(data, 0)


def test_per_channel_quantization_and_versions_are_kept(require_shared_models):
    path = SHARED_MODELS / "real" / "tf2_mobilenet_v2_1.0_224_ptq_int8.tflite"
    orig, _ = read_model(path)
    part = extract(path, nodes=(1, 2))
    new = read_model_bytes(part.data)
    for k, op in zip(part.nodes, new.subgraphs[0].operators):
        before = orig.subgraphs[0].operators[k]
        assert orig.operatorCodes[before.opcodeIndex].version == new.operatorCodes[op.opcodeIndex].version
        assert orig.operatorCodes[before.opcodeIndex].builtinCode == new.operatorCodes[op.opcodeIndex].builtinCode
        for old_t, new_t in zip(before.inputs, op.inputs):
            a, b = orig.subgraphs[0].tensors[old_t], new.subgraphs[0].tensors[new_t]
            assert a.name == b.name and list(a.shape) == list(b.shape) and a.type == b.type
            if a.quantization is not None and a.quantization.scale is not None:
                np.testing.assert_array_equal(a.quantization.scale, b.quantization.scale)
                np.testing.assert_array_equal(a.quantization.zeroPoint, b.quantization.zeroPoint)
                assert a.quantization.quantizedDimension == b.quantization.quantizedDimension
            if a.buffer and orig.buffers[a.buffer].data is not None:
                assert bytes(orig.buffers[a.buffer].data) == bytes(new.buffers[b.buffer].data)
    weights = new.subgraphs[0].tensors[new.subgraphs[0].operators[0].inputs[1]]
    assert len(weights.quantization.scale) > 1  # per-channel, kept


def test_custom_options_and_sparse_constants_are_kept(require_shared_models):
    ssd = SHARED_MODELS / "real" / "coco_ssd_mobilenet_v1_quant_uint8.tflite"
    orig, _ = read_model(ssd)
    last = len(orig.subgraphs[0].operators) - 1
    part = extract(ssd, nodes=(last, last))  # TFLite_Detection_PostProcess, 217 bytes of flexbuffer options
    new = read_model_bytes(part.data)
    assert new.operatorCodes[0].customCode == b"TFLite_Detection_PostProcess"
    assert bytes(new.subgraphs[0].operators[0].customOptions) == bytes(orig.subgraphs[0].operators[last].customOptions)
    equal, total, why = check_part(part, full_run(ssd, "reference", 0), "reference")
    assert total == 4 and equal == 4, why

    sparse = FOUND / "face_detection_full_range_sparse.tflite"
    orig, _ = read_model(sparse)
    part = extract(sparse, nodes=(8, 8))  # a DENSIFY of a sparse constant
    new = read_model_bytes(part.data)
    old_t = orig.subgraphs[0].tensors[orig.subgraphs[0].operators[8].inputs[0]]
    new_t = new.subgraphs[0].tensors[new.subgraphs[0].operators[0].inputs[0]]
    assert old_t.sparsity is not None and new_t.sparsity is not None
    assert list(old_t.sparsity.traversalOrder) == list(new_t.sparsity.traversalOrder)
    assert len(old_t.sparsity.dimMetadata) == len(new_t.sparsity.dimMetadata)
    equal, total, why = check_part(part, full_run(sparse, "reference", 0), "reference")
    assert total == 1 and equal == 1, why


def test_cli_writes_a_model_litert_runs(require_shared_models, tmp_path):
    model = SHARED_MODELS / "real" / "mlperf_tiny_kws_dscnn_int8.tflite"
    out = tmp_path / "sub.tflite"
    proc = cli("extract", model, "--nodes", "2:4", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert "3 nodes (2..4)" in proc.stderr
    part = extract(model, nodes=(2, 4))
    assert out.read_bytes() == part.data
    equal, total, why = check_part(part, full_run(model, "reference", 0), "reference")
    assert total == 1 and equal == 1, why
    assert cli("extract", model, "--nodes", "2:4", "-o", out).returncode == 2  # exists, no --force


def test_check_against_a_litert_dump(require_shared_models, tmp_path):
    # --check: the part run in LiteRT fed a whole-model dump's values of its inputs
    # gives the dump's values of its outputs (here LiteRT's own reference dump), and
    # says DIFFERS (exit 1) when the dump holds another value.
    import json
    import shutil

    model = SHARED_MODELS / "real" / "mlperf_tiny_kws_dscnn_int8.tflite"
    from ai_edge_litert.interpreter import Interpreter

    d = Interpreter(model_path=str(model)).get_input_details()[0]
    np.save(tmp_path / "x.npy", np.random.default_rng(3).integers(-128, 128, d["shape"]).astype(np.int8))
    proc = cli("reference", model, "--input", f"{d['name']}={tmp_path / 'x.npy'}", "--out", tmp_path / "ref")
    assert proc.returncode == 0, proc.stderr
    proc = cli("extract", model, "--nodes", "3:9", "-o", tmp_path / "p.tflite", "--check", tmp_path / "ref")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.count("equal (bit for bit)") == 1 and "DIFFERS" not in proc.stdout, proc.stdout
    # The same dump with the part's output changed by one LSB somewhere.
    shutil.copytree(tmp_path / "ref", tmp_path / "changed")
    steps = json.loads((tmp_path / "ref" / "manifest.json").read_text())["steps"]
    changed = tmp_path / "changed" / steps[9]["outputs"][0]["file"]
    x = np.load(changed)
    x.flat[7] = x.flat[7] + 1 if x.flat[7] < 127 else 126
    np.save(changed, x)
    proc = cli("extract", model, "--nodes", "3:9", "-o", tmp_path / "p.tflite", "--force", "--check",
               tmp_path / "changed")
    assert proc.returncode == 1 and "DIFFERS: max |dq| 1" in proc.stdout, proc.stdout


@pytest.mark.parametrize("args, message", [
    (["--nodes", "5:2"], "the first node is after the last"),
    (["--nodes", "0:999"], "out of range (the subgraph has 13 nodes, 0..12)"),
    (["--nodes", "x:y"], "expected A:B"),
    (["--tensors", "no_such_tensor:1"], "no tensor named 'no_such_tensor'"),
    (["--tensors", "0:9999"], "tensor 9999 out of range"),
    (["--tensors", ":25"], "which no node produces and which is not among the inputs given"),
    (["--subgraph", "3", "--nodes", "0:0"], "subgraph 3 out of range"),
])
def test_bad_requests_are_one_line(require_shared_models, tmp_path, args, message):
    model = SHARED_MODELS / "real" / "mlperf_tiny_kws_dscnn_int8.tflite"
    proc = cli("extract", model, *args, "-o", tmp_path / "x.tflite")
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], proc.stderr
    assert not (tmp_path / "x.tflite").exists()


def test_not_a_model_is_one_line(tmp_path):
    bad = tmp_path / "bad.tflite"
    bad.write_bytes(b"\x10\x00\x00\x00TFL3" + b"\xff" * 40)
    for path, message in ((bad, "not a readable .tflite flatbuffer"), (tmp_path, "a directory")):
        proc = cli("extract", path, "--nodes", "0:0", "-o", tmp_path / "x.tflite")
        assert proc.returncode == 2 and message in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr


def test_repro_reproduces_reference_vs_optimized(require_shared_models, tmp_path):
    # ResNet8 int8 (MobileNetV2 int8 shows the same at step 3, docs/extract.md; a
    # larger model than this test needs).
    model = SHARED_MODELS / "real" / "mlperf_tiny_resnet8_int8.tflite"
    from ai_edge_litert.interpreter import Interpreter

    d = Interpreter(model_path=str(model)).get_input_details()[0]
    info = np.iinfo(d["dtype"])
    np.save(tmp_path / "x.npy", np.random.default_rng(0).integers(info.min, info.max + 1, d["shape"]).astype(d["dtype"]))
    for name, kernels in (("ref", "reference"), ("opt", "optimized")):
        proc = cli("reference", model, "--input", f"{d['name']}={tmp_path / 'x.npy'}", "--kernels", kernels,
                   "--out", tmp_path / name)
        assert proc.returncode == 0, proc.stderr
    proc = cli("repro", tmp_path / "ref", tmp_path / "opt", "--out", tmp_path / "repro")
    assert proc.returncode == 0, proc.stderr
    assert "step 2 CONV_2D (node 2 of subgraph 0)" in proc.stderr and "1 LSB" in proc.stderr
    out = tmp_path / "repro"
    a, b = np.load(out / "a.npy"), np.load(out / "b.npy")
    assert a.dtype.kind in "iu" and 0 < np.count_nonzero(a != b) and np.abs(a.astype(int) - b).max() == 1
    script = out / "repro.py"
    assert len(script.read_text().splitlines()) <= 20
    run = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.strip().splitlines()
    differ = int(np.count_nonzero(a != b))
    assert lines == [
        f"LiteRT reference vs A (litert reference): 0/{a.size} differ, max |d| 0",
        f"LiteRT reference vs B (litert optimized): {differ}/{a.size} differ, max |d| 1",
        f"LiteRT optimized vs A (litert reference): {differ}/{a.size} differ, max |d| 1",
        f"LiteRT optimized vs B (litert optimized): 0/{a.size} differ, max |d| 0"]
    # The same dumps twice: nothing to reproduce, one line.
    proc = cli("repro", tmp_path / "ref", tmp_path / "ref", "--out", tmp_path / "none")
    assert proc.returncode == 2 and "nothing to reproduce" in proc.stderr


def test_a_part_without_the_custom_op_runs_where_the_model_does_not(tmp_path):
    # selfie_segmentation ends in MediaPipe's Convolution2DTransposeBias, which LiteRT
    # lacks: the whole model does not load, nodes 230..243 (before it) do, and give the
    # values of a full run of the copy where that op is rewritten as builtin ops
    # (every tensor of the original keeps its index there).
    from tfldbg.backends.litert import litert_interpreter
    from tfldbg.testing.conformance_table import rewrite_custom_ops_for_litert

    model = FOUND / "selfie_segmentation.tflite"
    with pytest.raises((RuntimeError, ValueError), match="Convolution2DTransposeBias"):
        litert_interpreter(model)
    part = extract(model, nodes=(230, 243))
    assert b"Convolution2DTransposeBias" not in part.data
    copy = tmp_path / "copy.tflite"
    rewrite_custom_ops_for_litert(model, copy)
    equal, total, why = check_part(part, full_run(copy, "reference", 0), "reference")
    assert total >= 1 and equal == total, why


def test_repro_of_a_float_difference_is_bit_for_bit(require_shared_models, tmp_path):
    # hello_world float: LiteRT's optimized FULLY_CONNECTED sums in another order than
    # the reference kernel. repro compares bit for bit by default, so the node it picks
    # read the same values in both dumps, and the one-op model gives each side exactly.
    model = SHARED_MODELS / "real" / "tflm_hello_world_float.tflite"
    from ai_edge_litert.interpreter import Interpreter

    d = Interpreter(model_path=str(model)).get_input_details()[0]
    np.save(tmp_path / "x.npy", np.linspace(0.1, 6.0, int(np.prod(d["shape"]))).reshape(d["shape"]).astype(np.float32))
    for name, kernels in (("ref", "reference"), ("opt", "optimized")):
        proc = cli("reference", model, "--input", f"{d['name']}={tmp_path / 'x.npy'}", "--kernels", kernels,
                   "--out", tmp_path / name)
        assert proc.returncode == 0, proc.stderr
    proc = cli("repro", tmp_path / "ref", tmp_path / "opt", "--out", tmp_path / "repro")
    assert proc.returncode == 0, proc.stderr
    assert "FULLY_CONNECTED" in proc.stderr and "note:" not in proc.stderr
    info = __import__("json").loads((tmp_path / "repro" / "repro.json").read_text())
    assert info["inputs_differ"] is False and info["max_abs"] > 0
    run = subprocess.run([sys.executable, str(tmp_path / "repro" / "repro.py")], capture_output=True, text=True,
                         timeout=60)
    counts = [int(line.split(": ")[1].split("/")[0]) for line in run.stdout.strip().splitlines()]
    assert counts[0] == 0 and counts[3] == 0 and counts[1] == counts[2] > 0, run.stdout
    # With compare's float tolerances there is nothing to reproduce here.
    proc = cli("repro", tmp_path / "ref", tmp_path / "opt", "--out", tmp_path / "none", "--rtol", "1e-5",
               "--atol", "1e-6")
    assert proc.returncode == 2 and "nothing to reproduce" in proc.stderr, proc.stderr


def test_repro_inside_a_loop_body_uses_that_iterations_values(tmp_path):
    # The Keras LSTM model runs its cell in a WHILE body (subgraph 2). B is A with one
    # value of the body's FULLY_CONNECTED changed at the third iteration: repro extracts
    # node 5 of subgraph 2, fed that iteration's inputs, and LiteRT gives A's value.
    import shutil

    model = FOUND / "keras_dense_conv_lstm_dynamic_range.tflite"
    proc = cli("dump", model, "--out", tmp_path / "a", "--seed", "0")
    assert proc.returncode == 0, proc.stderr
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    changed = tmp_path / "b" / "tensors" / "s2_t22_v2.npy"
    x = np.load(changed)
    x.flat[0] += 1
    np.save(changed, x)
    proc = cli("repro", tmp_path / "a", tmp_path / "b", "--out", tmp_path / "repro")
    assert proc.returncode == 0, proc.stderr
    info = __import__("json").loads((tmp_path / "repro" / "repro.json").read_text())
    assert (info["subgraph"], info["node"], info["op"]) == (2, 5, "FULLY_CONNECTED")
    run = subprocess.run([sys.executable, str(tmp_path / "repro" / "repro.py")], capture_output=True, text=True,
                         timeout=60)
    counts = [int(line.split(": ")[1].split("/")[0]) for line in run.stdout.strip().splitlines()]
    assert counts == [0, 1, 0, 1], run.stdout


def test_damaged_models_are_refused_in_one_line_never_a_traceback(require_shared_models, tmp_path):
    # 300 copies of hello_world int8 with 1..8 random bytes changed (seeded): each is
    # extracted or refused with an InputError naming the file, nothing else.
    import random

    from tfldbg.formats.reading import InputError

    src = (SHARED_MODELS / "real" / "tflm_hello_world_int8.tflite").read_bytes()
    rng = random.Random(18)
    path = tmp_path / "damaged.tflite"
    refused = 0
    for _ in range(300):
        data = bytearray(src)
        for _ in range(rng.randint(1, 8)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        path.write_bytes(bytes(data))
        try:
            extract(path, nodes=(0, rng.randint(0, 3)))
        except InputError as e:
            refused += 1
            assert "\n" not in str(e) and ("damaged.tflite" in str(e) or "--nodes" in str(e)), str(e)
    assert 0 < refused < 300


def test_a_buffer_stored_after_the_flatbuffer_is_copied_inline(require_shared_models, tmp_path):
    # Models past 2 GiB keep buffers after the flatbuffer (Buffer.offset/size). hello_world
    # int8 rewritten so: every constant's bytes after the flatbuffer. LiteRT runs it; the
    # part holds the bytes inline and gives the full run's values.
    import flatbuffers

    from ai_edge_litert import schema_py_generated as fb

    src = SHARED_MODELS / "real" / "tflm_hello_world_int8.tflite"
    m = fb.ModelT.InitFromPackedBuf(src.read_bytes(), 0)
    moved = [(b, bytes(b.data)) for b in m.buffers if b.data is not None and len(b.data) > 0]
    for b, _ in moved:
        b.data, b.offset, b.size = None, 2, 1  # placeholders: the fields are written, so the length is final

    def pack() -> bytes:
        builder = flatbuffers.Builder(1024)
        builder.Finish(m.Pack(builder), file_identifier=b"TFL3")
        return bytes(builder.Output())

    head = len(pack())
    at = (head + 15) // 16 * 16
    tail = b""
    for b, data in moved:
        b.offset, b.size = at + len(tail), len(data)
        tail += data + b"\0" * ((-len(data)) % 16)
    body = pack()
    assert len(body) == head
    path = tmp_path / "external.tflite"
    path.write_bytes(body + b"\0" * (at - head) + tail)
    values = full_run(path, "reference", 0)
    part = extract(path, nodes=(0, 2))
    new = read_model_bytes(part.data)
    assert all((b.offset or 0) == 0 for b in new.buffers) and sum(b.data is not None for b in new.buffers) >= 3
    equal, total, why = check_part(part, values, "reference")
    assert total == 1 and equal == 1, why
