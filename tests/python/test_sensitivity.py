"""Mixed execution (`tfldbg run --float-nodes`), `sensitivity` and quant-report's diagnosis."""

from __future__ import annotations

import json
import math
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.analysis import quant_report as qr
from tfldbg.analysis import sensitivity as sens
from tfldbg.backends.engine import run_tool
from tfldbg.formats.dump import load_dump
from tfldbg.formats.quant import dequantize
from tfldbg.testing.opmodel import OpModelBuilder

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "digits"
INT8 = EXAMPLE / "digits_int8.tflite"
SAMPLE = EXAMPLE / "inputs" / "sample_0.npy"


def _run_mixed(model, spec, out: Path, *inputs) -> np.ndarray:
    out.mkdir(parents=True, exist_ok=True)
    run_tool("run", str(model), "--float-nodes", spec, "--save-outputs", str(out), *inputs)
    files = sorted(out.glob("*.npy"))
    assert len(files) == 1, files
    return np.load(files[0])


def test_empty_float_set_is_the_integer_model(tmp_path):
    mixed = _run_mixed(INT8, "none", tmp_path / "mixed", "--input", f"0={SAMPLE}")
    (tmp_path / "plain").mkdir()
    run_tool("run", str(INT8), "--save-outputs", str(tmp_path / "plain"), "--input", f"0={SAMPLE}")
    plain = np.load(next((tmp_path / "plain").glob("*.npy")))
    assert mixed.dtype == np.float32 and plain.dtype == np.float32
    np.testing.assert_array_equal(mixed, plain)
    # and the integer model is LiteRT's, bit for bit
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    interp = Interpreter(model_path=str(INT8), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    interp.allocate_tensors()
    interp.set_tensor(interp.get_input_details()[0]["index"], np.load(SAMPLE))
    interp.invoke()
    np.testing.assert_array_equal(mixed, interp.get_tensor(interp.get_output_details()[0]["index"]))


def test_all_float_set_is_the_float_shadow(tmp_path):
    mixed = _run_mixed(INT8, "all", tmp_path / "mixed", "--input", f"0={SAMPLE}")
    run_tool("replay", str(INT8), "--out", str(tmp_path / "r"), "--input", f"0={SAMPLE}")
    acc = load_dump(tmp_path / "r" / "accumulated")
    shadow = acc.steps[-1].outputs[0].value
    np.testing.assert_array_equal(mixed, shadow)
    # every node listed one by one is the same set
    listed = _run_mixed(INT8, ",".join(str(i) for i in range(len(acc.steps))), tmp_path / "listed",
                        "--input", f"0={SAMPLE}")
    np.testing.assert_array_equal(listed, shadow)


def _two_fc_model(path: Path, rng) -> Path:
    """x(int8) -> FC0 -> h(int8) -> FC1 -> y(int8), per-tensor weights."""
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 12], scale=0.05, zero_point=3)
    w0 = b.constant("w0", rng.integers(-127, 128, [8, 12]).astype(np.int8), scale=0.01, zero_point=0)
    b0 = b.constant("b0", rng.integers(-500, 500, [8]).astype(np.int32), scale=0.0005, zero_point=0)
    h = b.tensor("h", "int8", [1, 8], scale=0.08, zero_point=-5)
    w1 = b.constant("w1", rng.integers(-127, 128, [4, 8]).astype(np.int8), scale=0.02, zero_point=0)
    b1 = b.constant("b1", rng.integers(-500, 500, [4]).astype(np.int32), scale=0.0016, zero_point=0)
    y = b.output("y", "int8", [1, 4], scale=0.1, zero_point=2)
    b.op("FULLY_CONNECTED", [x, w0, b0], [h], version=4)
    b.op("FULLY_CONNECTED", [h, w1, b1], [y], version=4)
    return b.save(path)


def test_borders_dequantize_into_and_quantize_out_of_a_float_node(tmp_path):
    rng = np.random.default_rng(3)
    model = _two_fc_model(tmp_path / "fc2.tflite", rng)
    x = rng.integers(-128, 128, [1, 12]).astype(np.int8)
    np.save(tmp_path / "x.npy", x)
    inp = ["--input", f"x={tmp_path / 'x.npy'}"]
    run_tool("dump", str(model), "--out", str(tmp_path / "d"), *inp)
    d = load_dump(tmp_path / "d")
    fc0, fc1 = d.steps
    w0, b0 = (dequantize(s.value, s.tensor.quantization) for s in fc0.inputs[1:3])
    w1, b1 = (dequantize(s.value, s.tensor.quantization) for s in fc1.inputs[1:3])
    xf = dequantize(x, fc0.inputs[0].tensor.quantization)

    # node 1 in float: its input is node 0's integer output, dequantized
    h_int = dequantize(fc0.outputs[0].value, fc0.outputs[0].tensor.quantization)
    got = _run_mixed(model, "1", tmp_path / "m1", *inp)
    np.testing.assert_allclose(got, h_int @ w1.T + b1, rtol=1e-5, atol=1e-5)

    # node 0 in float: its output is quantized with h's parameters for the integer node 1
    got0 = _run_mixed(model, "0", tmp_path / "m0", *inp)
    h_float = (xf @ w0.T + b0).astype(np.float32)
    hq = np.clip(np.round(h_float / np.float32(0.08)) - 5, -128, 127).astype(np.int8)
    np.save(tmp_path / "h.npy", hq)
    b = OpModelBuilder()
    hin = b.input("h", "int8", [1, 8], scale=0.08, zero_point=-5)
    w1t = b.constant("w1", fc1.inputs[1].value, scale=0.02, zero_point=0)
    b1t = b.constant("b1", fc1.inputs[2].value, scale=0.0016, zero_point=0)
    y = b.output("y", "int8", [1, 4], scale=0.1, zero_point=2)
    b.op("FULLY_CONNECTED", [hin, w1t, b1t], [y], version=4)
    b.save(tmp_path / "fc1.tflite")
    (tmp_path / "o").mkdir()
    run_tool("run", str(tmp_path / "fc1.tflite"), "--input", f"h={tmp_path / 'h.npy'}", "--save-outputs", str(tmp_path / "o"))
    expect = dequantize(np.load(tmp_path / "o" / "y.npy"), {"scale": [0.1], "zero_point": [2], "quantized_dimension": 0})
    np.testing.assert_allclose(got0, expect, rtol=0, atol=1e-6)
    # and with both nodes in float nothing is quantized between them
    np.testing.assert_allclose(_run_mixed(model, "0:1", tmp_path / "m01", *inp), h_float @ w1.T + b1, rtol=1e-5, atol=1e-5)


def test_bad_float_node_lists_are_one_line_errors(tmp_path):
    for spec, words in (("99", "node 99 does not exist"), ("3,x", "'x' is not a node index"), ("5:2", "is empty")):
        proc = run_tool("run", str(INT8), "--float-nodes", spec, "--input", f"0={SAMPLE}", check=False)
        assert proc.returncode != 0
        assert words in proc.stderr and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    # a set file is checked whole before anything runs; the line named is the file's
    (tmp_path / "sets.txt").write_text("# one set a line\n1,2\n99\n")
    proc = run_tool("run", str(INT8), "--float-sets", str(tmp_path / "sets.txt"), "--input", f"0={SAMPLE}", check=False)
    assert proc.returncode != 0 and proc.stdout == ""
    assert proc.stderr.strip() == f"tfldbg: error: {tmp_path / 'sets.txt'} line 3: node 99 does not exist (the subgraph has 11 nodes, 0..10)"


def test_partial_sums_merge_like_one_run():
    samples = qr.dataset_samples(str(EXAMPLE / "dataset"))[:6]
    info = sens.model_nodes(str(INT8))
    sets = [[], [1], [1, 2, 3]]
    whole = sens.partial(str(INT8), samples, sets, info["outputs"])
    parts = sens.merge([sens.partial(str(INT8), samples[:2], sets, info["outputs"]),
                        sens.partial(str(INT8), samples[2:], sets, info["outputs"])])
    whole = sens.merge([whole])
    assert set(whole["sums"]) == {"none", "1", "1,2,3"}
    for key, s in whole["sums"].items():
        assert s["samples"] == 6
        assert parts["sums"][key] == s  # per-sample records folded in order: the same bits, not just close


def test_sensitivity_on_digits_is_reproducible(tmp_path):
    samples = qr.dataset_samples(str(EXAMPLE / "dataset"))[:8]
    a = sens.analyse(str(INT8), samples, "sqnr", 39.0)
    b = sens.analyse(str(INT8), samples, "sqnr", 39.0)
    assert a["ranking"] == b["ranking"] and a["greedy"] == b["greedy"] and a["sets"] == b["sets"]
    assert [n["node"] for n in a["nodes"]] == [1, 2, 3, 4, 5, 6, 7, 8, 9]  # QUANTIZE and DEQUANTIZE left out
    assert a["all_float"]["sqnr_db"] == math.inf  # the reference is the shadow itself
    assert a["greedy"]["reached"] and a["greedy"]["score"] >= 39.0
    assert not {5, 7} & set(a["greedy"]["float_nodes"])  # the pooling nodes are tied to their inputs
    # the ranking is by gain, largest first
    gains = {n["node"]: n["gain"] for n in a["nodes"]}
    assert [gains[n] for n in a["ranking"]] == sorted(gains.values(), reverse=True)
    # the greedy path starts at the integer model's SQNR and adds one node a step
    path = a["greedy"]["path"]
    assert path[0]["score"] == pytest.approx(a["quantized"]["sqnr_db"]) and path[0]["float_nodes"] == []
    assert [len(p["float_nodes"]) for p in path] == list(range(len(path)))
    # the greedy search may take the tied nodes when asked, and then reaches the shadow itself
    c = sens.analyse(str(INT8), samples, "sqnr", 1000.0, all_nodes=True)
    assert c["greedy"]["reached"] and c["greedy"]["score"] == math.inf
    # each step's score is the one of that set in the table of evaluated sets
    for p in path[1:]:
        assert a["sets"][sens.set_key(p["float_nodes"])]["sqnr_db"] == p["score"]
    # deny-lists name the kept nodes by output tensor name
    names = {n["node"]: n["name"] for n in a["nodes"]}
    assert a["denylist"]["denylisted_nodes"] == [names[n] for n in a["greedy"]["float_nodes"]]
    files = sens.write_outputs(a, str(tmp_path / "o"))
    recipe = json.loads(files[2].read_text())
    assert recipe[0]["algorithm_key"] == "min_max_uniform_quantize"
    assert [r["algorithm_key"] for r in recipe[1:]] == ["no_quantize"] * len(a["greedy"]["float_nodes"])


def test_sensitivity_cli_against_the_float_model(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    for f in sorted((EXAMPLE / "dataset").glob("*.npy"))[:4]:
        shutil.copy(f, data)
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "sensitivity", str(INT8), "--dataset", str(data),
                           "--float", str(EXAMPLE / "digits_float.tflite"), "--metric", "top1",
                           "--json", str(tmp_path / "s.json"), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rep = json.loads((tmp_path / "s.json").read_text())
    assert rep["reference"] == "float model" and rep["samples"] == 4 and rep["metric"] == "top1"
    # every node in float on the float model's own weights is the float model, bit for bit
    assert rep["float_weights"].endswith("digits_float.tflite") and rep["all_float"]["sqnr_db"] == "inf"
    # pooling nodes share their input's parameters: the converter cannot keep them in float alone
    tied = {n["node"] for n in rep["nodes"] if not n["converter_can_keep_float"]}
    assert tied == {5, 7}
    assert "keep in float" in proc.stdout
    assert json.loads((tmp_path / "o" / "denylist.json").read_text()) == rep["denylist"]


def _outlier_weights(rng):
    units, depth, outlier = 8, 16, 5
    w = rng.normal(0, 0.02, [units, depth])
    w[outlier] *= 40
    return w, outlier


def _outlier_model(path: Path, rng, w=None) -> tuple[Path, int]:
    """FULLY_CONNECTED with per-tensor int8 weights whose channel 5 is 40x the others."""
    if w is None:
        w, outlier = _outlier_weights(rng)
    units, depth, outlier = 8, 16, 5
    scale = np.abs(w).max() / 127
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, depth], scale=0.02, zero_point=0)
    wt = b.constant("w", np.clip(np.round(w / scale), -127, 127).astype(np.int8), scale=float(scale), zero_point=0)
    bias = b.constant("bias", np.zeros([units], np.int32), scale=float(scale * 0.02), zero_point=0)
    y = b.output("y", "int8", [1, units], scale=0.02, zero_point=0)
    b.op("FULLY_CONNECTED", [x, wt, bias], [y], version=4)
    return b.save(path), outlier


def test_diagnosis_finds_the_outlier_channel(tmp_path):
    rng = np.random.default_rng(11)
    model, outlier = _outlier_model(tmp_path / "outlier.tflite", rng)
    samples = []
    for k in range(3):
        np.save(tmp_path / f"x{k}.npy", rng.integers(-100, 100, [1, 16]).astype(np.int8))
        samples.append(["--input", f"x={tmp_path / f'x{k}.npy'}"])
    layers: dict = {}
    qr.run_replays(str(model), samples, None, None, layers)
    report = qr.build_report(layers, str(model), len(samples), "sqnr_db")
    [d] = report["diagnosis"]
    causes = {c["cause"]: c for c in d["causes"]}
    ev = causes["outlier_channels"]["evidence"]
    assert ev["outlier_channels"] == [outlier]
    assert ev["max_over_median"] > 20
    # estimated from the dequantized weights: per-channel scales shrink the 7 small channels' step 40-fold
    w_ev = report["layers"][0]["evidence"]["weights"]
    m = np.asarray(w_ev["channel_max_abs"])
    scale = float(load_dump_weights_scale(model))
    expect = np.sum(16 * (m / 127) ** 2 / 12) / (8 * 16 * scale ** 2 / 12)
    assert ev["weight_error_ratio_per_channel"] == pytest.approx(expect, rel=1e-9)
    assert ev["weight_sqnr_db_per_channel"] > ev["weight_sqnr_db_per_tensor"] + 6
    assert ev["median_channel_levels"] == pytest.approx(np.median(m) / scale) and ev["median_channel_levels"] < 5
    html = __import__("tfldbg.render.report", fromlist=["html_report"]).html_report(report)
    assert "Diagnosis of the bad layers" in html and "outlier_channels" in html


def test_diagnosis_computes_the_per_channel_error_on_the_float_weights(tmp_path):
    rng = np.random.default_rng(12)
    w, outlier = _outlier_weights(rng)
    w = w.astype(np.float32)
    model, _ = _outlier_model(tmp_path / "q.tflite", rng, w)
    b = OpModelBuilder()  # the float original: same names
    x = b.input("x", "float32", [1, 16])
    wt = b.constant("w", w)
    bias = b.constant("bias", np.zeros([8], np.float32))
    y = b.output("y", "float32", [1, 8])
    b.op("FULLY_CONNECTED", [x, wt, bias], [y])
    original = b.save(tmp_path / "f.tflite")
    np.save(tmp_path / "x.npy", rng.integers(-100, 100, [1, 16]).astype(np.int8))
    layers: dict = {}
    qr.run_replays(str(model), [["--input", f"x={tmp_path / 'x.npy'}"]], str(original), None, layers)
    report = qr.build_report(layers, str(model), 1, "sqnr_db")
    ev = report["layers"][0]["evidence"]["weights"]
    assert ev["from"] == "float weights" and ev["outlier_channels"] == [outlier]
    # computed independently: per-tensor error of the model's weights, per-channel symmetric int8 of the original
    scale = load_dump_weights_scale(model)
    wq = np.clip(np.round(w.astype(np.float64) / scale), -127, 127) * scale
    m = np.abs(w.astype(np.float64)).max(axis=1, keepdims=True)
    wc = np.clip(np.round(w / (m / 127)), -127, 127) * (m / 127)
    w64 = w.astype(np.float64)
    err_t, err_c = np.sum((wq - w64) ** 2), np.sum((wc - w64) ** 2)
    assert ev["weight_error_ratio_per_channel"] == pytest.approx(err_c / err_t, rel=1e-6)
    assert ev["weight_sqnr_db_per_tensor"] == pytest.approx(10 * math.log10(np.sum(w64 ** 2) / err_t), rel=1e-9)


def load_dump_weights_scale(model: Path) -> float:
    from tfldbg.backends.engine import model_info

    t = [t for t in model_info(model)["subgraphs"][0]["tensors"] if t["name"] == "w"][0]
    return t["quantization"]["scale"][0]


def test_diagnosis_names_clipping(tmp_path):
    """An output range too narrow for the values: clipping is the cause named."""
    rng = np.random.default_rng(5)
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 16], scale=0.05, zero_point=0)
    w = b.constant("w", rng.integers(-127, 128, [8, 16]).astype(np.int8), scale=0.01, zero_point=0)
    bias = b.constant("bias", np.zeros([8], np.int32), scale=0.0005, zero_point=0)
    y = b.output("y", "int8", [1, 8], scale=0.002, zero_point=0)  # range +-0.25, values reach several units
    b.op("FULLY_CONNECTED", [x, w, bias], [y], version=4)
    model = b.save(tmp_path / "clip.tflite")
    np.save(tmp_path / "x.npy", rng.integers(-128, 128, [1, 16]).astype(np.int8))
    layers: dict = {}
    qr.run_replays(str(model), [["--input", f"x={tmp_path / 'x.npy'}"]], None, None, layers)
    report = qr.build_report(layers, str(model), 1, "sqnr_db")
    causes = {c["cause"]: c for c in report["diagnosis"][0]["causes"]}
    ev = causes["range_clipping"]["evidence"]
    assert ev["clipped_low"] + ev["clipped_high"] >= 4 and ev["clipped_share_of_error"] > 0.9
    assert "int16_candidate" not in causes


def test_prediction_matches_tensorflows_conversion_with_the_deny_list():
    """examples/digits/sensitivity: the deny-list `sensitivity` chose on the 64 dataset images, and the
    model TensorFlow's converter made with it (scripts/example_model/make_example_model.py --denylist).
    Mixed execution predicts that model's output SQNR against the float model."""
    folder = EXAMPLE / "sensitivity"
    deny = json.loads((folder / "denylist.json").read_text())
    figures = json.loads((folder / "denylist_figures.json").read_text())
    assert figures["denylist"] == deny
    samples = qr.dataset_samples(str(EXAMPLE / "dataset"))
    report = sens.analyse(str(INT8), samples, "sqnr", 40.0, str(EXAMPLE / "digits_float.tflite"),
                          weights_from=str(EXAMPLE / "digits_float.tflite"))
    assert report["denylist"] == deny
    predicted = report["greedy"]["score"]
    # LiteRT on the converted model, the same 64 images
    from ai_edge_litert.interpreter import Interpreter, OpResolverType

    def outputs(path):
        it = Interpreter(model_path=str(path), experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        i, o = it.get_input_details()[0]["index"], it.get_output_details()[0]["index"]
        got = []
        for f in sorted((EXAMPLE / "dataset").glob("*.npy")):
            it.set_tensor(i, np.load(f))
            it.invoke()
            got.append(it.get_tensor(o).astype(np.float64).copy())
        return np.concatenate(got)

    f = outputs(EXAMPLE / "digits_float.tflite")
    q = outputs(folder / "digits_int8_denylisted.tflite")
    measured = 10 * math.log10(np.sum(f * f) / np.sum((q - f) ** 2))
    assert measured == pytest.approx(predicted, abs=1e-6)  # the same outputs as TF's converted model
    assert measured == pytest.approx(figures["int8_denylisted"]["output_sqnr_db_vs_float_first_64"], abs=1e-6)
    assert measured > report["quantized"]["sqnr_db"] + 5


def test_diagnosis_names_a_scale_too_coarse_for_the_values(tmp_path):
    """An output scale far coarser than the values need: they use a few levels of 256."""
    rng = np.random.default_rng(6)
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 16], scale=0.05, zero_point=0)
    w = b.constant("w", rng.integers(-127, 128, [64, 16]).astype(np.int8), scale=0.01, zero_point=0)
    bias = b.constant("bias", np.zeros([64], np.int32), scale=0.0005, zero_point=0)
    y = b.output("y", "int8", [1, 64], scale=4.0, zero_point=0)  # range +-512, values within about +-30
    b.op("FULLY_CONNECTED", [x, w, bias], [y], version=4)
    model = b.save(tmp_path / "coarse.tflite")
    samples = []
    for k in range(4):
        np.save(tmp_path / f"x{k}.npy", rng.integers(-128, 128, [1, 16]).astype(np.int8))
        samples.append(["--input", f"x={tmp_path / f'x{k}.npy'}"])
    layers: dict = {}
    qr.run_replays(str(model), samples, None, None, layers)
    report = qr.build_report(layers, str(model), len(samples), "sqnr_db")
    causes = {c["cause"]: c for c in report["diagnosis"][0]["causes"]}
    assert "range_clipping" not in causes
    share = causes["coarse_scale"]["evidence"]["central_998_levels"]["share_of_range"]
    levels = np.asarray(report["layers"][0]["evidence"]["output"]["level_histogram"]["counts"])
    assert levels.sum() == 4 * 64 and share < 0.1
    used = np.nonzero(levels)[0]
    assert (used.max() - used.min() + 1) / 256 <= share + 1e-12  # the 99.8% span covers at most what is used
    # rounding-noise bound at this scale: int16 would add 20·log10(256) dB
    i16 = causes["int16_candidate"]["evidence"]
    assert i16["int16_estimate_db"] == pytest.approx(i16["local_sqnr_db"] + 20 * math.log10(256))
