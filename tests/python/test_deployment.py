"""`--kernels optimized`: tfldbg computes what LiteRT's optimized CPU kernels
(BUILTIN_WITHOUT_DEFAULT_DELEGATES, every tensor kept) compute, bit for bit on
integers: CONV_2D and FULLY_CONNECTED (int8 per-tensor and per-channel, uint8)
requantize with ties rounded up, DEPTHWISE_CONV_2D int8 in blocks of 8, MEAN
over height and width of a 4-D int8/uint8 input, 8-bit ADD (same shapes and
every broadcast: the fivefold pattern's runs, AddScalarBroadcast, the int16
narrowing), SOFTMAX/LOG_SOFTMAX 8-bit (float exp table), int16 LOGISTIC/TANH
on power-of-two scales (gemmlowp 16-bit), float QUANTIZE (blocks of 8, ties to
even) and 8-bit requantization (blocks of 16, ties up), uint8 RESIZE_BILINEAR
and uint8 SUM are LiteRT's optimized arithmetic, every other op the
reference's. Swept with edge values (exact ties of the requantization,
saturating outputs, zero points at the ends of the range), plus every real
model; `divergence`; and `explain` on optimized dumps.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import find_binary, run_tool
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder

sys.path.insert(0, str(Path(__file__).resolve().parent / "ops"))
from sweep import SHARED_MODELS  # noqa: E402

rng = np.random.default_rng(2026)
OPTIMIZED = ("--kernels", "optimized")


def check_optimized(b: OpModelBuilder, tmp_path, inputs: dict | None = None, seeds=(0, 1)) -> None:
    """tfldbg --kernels optimized against LiteRT's optimized kernels, every tensor."""
    path = b.save(tmp_path / "op.tflite")
    args: list[str] = []
    for key, value in (inputs or {}).items():
        np.save(tmp_path / f"in-{key}.npy", value)
        args += ["--input", f"{key}={tmp_path / f'in-{key}.npy'}"]
    for seed in seeds[:1] if inputs else seeds:
        result = check_model(path, tmp_path, seed=seed, extra_args=(*args, *OPTIMIZED), litert="optimized")
        assert result, format_table(result, only_failures=True)
    # The fast kernels compute the same optimized bytes as the scalar ones.
    proc = subprocess.run([str(find_binary()), "cpu-check", str(path), "--seed", str(seeds[0]), *OPTIMIZED, *args],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def gemm_model(op: str, dtype: str, per_channel: bool, act: str, shape=(6, 40), units=24, out_scale=None,
               power_of_two=False):
    """A CONV_2D (1x1 over [1, n, 1, k]) or FULLY_CONNECTED over n rows of k values."""
    n, k = shape
    b = OpModelBuilder()
    if power_of_two:  # s_in·s_w/s_out = 2^-5: multiplier 2^30, shift -4, so exact ties of both roundings
        s_in, zp_in, ws, s_out, zp_out = 0.5, 0 if dtype == "int8" else 128, np.full(units if per_channel else 1, 0.125), 2.0, 0 if dtype == "int8" else 128
    else:
        s_in, zp_in = (0.05, -7) if dtype == "int8" else (0.04, 120)
        ws = rng.uniform(0.002, 0.02, units if per_channel else 1)
        s_out, zp_out = (out_scale or 0.3, 3) if dtype == "int8" else (out_scale or 0.2, 128)
    ws = ws.astype(np.float32)
    wzp = 0 if dtype == "int8" else 130
    lo, hi = (-127, 128) if dtype == "int8" else (0, 256)
    w = rng.integers(lo, hi, (units, k)).astype(dtype)
    bias = rng.integers(-3000, 3000, units).astype(np.int32)
    x_shape = [n, k] if op == "FULLY_CONNECTED" else [1, n, 1, k]
    y_shape = [n, units] if op == "FULLY_CONNECTED" else [1, n, 1, units]
    x = b.input("x", dtype, x_shape, scale=[s_in], zero_point=[zp_in])
    wt = b.constant("w", w if op == "FULLY_CONNECTED" else w.reshape(units, 1, 1, k), scale=list(ws),
                    zero_point=[wzp] * len(ws), quantized_dimension=0)
    bt = b.constant("b", bias, scale=list((s_in * ws).astype(np.float32)), zero_point=[0] * len(ws))
    y = b.output("y", dtype, y_shape, scale=[s_out], zero_point=[zp_out])
    options = {"fused_activation_function": act}
    if op == "CONV_2D":
        options.update({"padding": "VALID", "stride_w": 1, "stride_h": 1})
    b.op(op, [x, wt, bt], [y], options=options, version=3 if op == "CONV_2D" else 5)
    return b, x_shape


GEMM_CASES = list(itertools.product(["CONV_2D", "FULLY_CONNECTED"], ["int8", "uint8"], [False, True],
                                    ["NONE", "RELU6"]))


@pytest.mark.parametrize("op,dtype,per_channel,act", GEMM_CASES,
                         ids=[f"{o}-{t}-{'pc' if p else 'pt'}-{a}" for o, t, p, a in GEMM_CASES])
def test_gemm_ops_round_as_litert_optimized(tmp_path, op, dtype, per_channel, act):
    if dtype == "uint8" and per_channel:
        pytest.skip("per-channel applies to int8 filters")
    b, _ = gemm_model(op, dtype, per_channel, act, shape=(32, 40))
    check_optimized(b, tmp_path)


@pytest.mark.parametrize("op,dtype", list(itertools.product(["CONV_2D", "FULLY_CONNECTED"], ["int8", "uint8"])))
def test_gemm_exact_ties(tmp_path, op, dtype):
    """Power-of-two scales: every odd accumulator is a tie of the high multiply and
    many of the shift; negative ties are where the optimized rounding departs."""
    units = 64
    b, x_shape = gemm_model(op, dtype, dtype == "int8", "NONE", shape=(8, 3), units=units, power_of_two=True)
    lo, hi = (-128, 128) if dtype == "int8" else (0, 256)
    x = rng.integers(lo, hi, x_shape).astype(dtype)
    x.reshape(-1)[:3] = lo  # an end of the range
    check_optimized(b, tmp_path, inputs={"x": x})


def test_reference_and_optimized_differ_on_ties(tmp_path):
    """The two kernel sets do differ on these models (the sweep above is not vacuous)."""
    b, x_shape = gemm_model("CONV_2D", "int8", True, "NONE", shape=(8, 3), units=64, power_of_two=True)
    path = b.save(tmp_path / "ties.tflite")
    np.save(tmp_path / "x.npy", rng.integers(-128, 128, x_shape).astype(np.int8))
    outs = []
    for kernels in ("reference", "optimized"):
        out = tmp_path / kernels
        run_tool("dump", str(path), "--input", f"x={tmp_path / 'x.npy'}", "--out", str(out), "--kernels", kernels)
        from tfldbg.formats.dump import load_dump
        outs.append(load_dump(out).steps[0].outputs[0].value.astype(np.int64))
    diff = np.abs(outs[0] - outs[1])
    assert diff.max() == 1 and np.count_nonzero(diff) > 0


def test_saturating_outputs(tmp_path):
    """A tiny output scale: most values clamp, the rest round at the edge."""
    b, _ = gemm_model("CONV_2D", "int8", True, "RELU", shape=(16, 40), out_scale=0.01)
    check_optimized(b, tmp_path)


MEAN_CASES = [([2, 5, 4, 20], [1, 2], True), ([2, 5, 4, 20], [2, 1], True), ([1, 7, 7, 9], [1, 2], True),
              ([1, 3, 3, 48], [1, 2], True), ([2, 5, 4, 3], [-3, -2], True), ([2, 5, 4, 3], [1, 1, 2], True), ([2, 5, 4, 3], [1, 2], False), ([2, 5, 4, 3], [1], True),
              ([3, 4, 7], [1], True)]
MEAN_QUANT = {"same": ((0.05, 4), (0.05, 4)), "rescale": ((0.05, 4), (0.03, -2)), "wide": ((0.5, -20), (0.004, 7)),
              "negzp": ((0.02, -100), (0.05, 90))}


@pytest.mark.parametrize("shape,axes,keep,dtype,q", [(s, a, k, t, q) for s, a, k in MEAN_CASES
                                                     for t in ("int8", "uint8") for q in MEAN_QUANT],
                         ids=[f"{'x'.join(map(str, s))}-{a}-{'keep' if k else 'drop'}-{t}-{q}" for s, a, k in MEAN_CASES
                              for t in ("int8", "uint8") for q in MEAN_QUANT])
def test_mean_as_litert_optimized(tmp_path, shape, axes, keep, dtype, q):
    (s_in, zp_in), (s_out, zp_out) = MEAN_QUANT[q]
    if dtype == "uint8":
        zp_in, zp_out = zp_in + 128, zp_out + 128
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, scale=[s_in], zero_point=[zp_in])
    a = b.constant("axes", np.array(axes, np.int32))
    out_shape = [1 if d in [ax % len(shape) for ax in axes] else n for d, n in enumerate(shape)]
    if not keep:
        out_shape = [n for d, n in enumerate(shape) if d not in [ax % len(shape) for ax in axes]]
    y = b.output("y", dtype, out_shape, scale=[s_out], zero_point=[zp_out])
    b.op("MEAN", [x, a], [y], options={"keep_dims": keep})
    check_optimized(b, tmp_path)


def test_mean_extremes(tmp_path):
    """All -128 / all 127 inputs and a bias that rounds at .5 (uint8) or truncates (int8)."""
    for dtype, lo, hi in (("int8", -128, 127), ("uint8", 0, 255)):
        b = OpModelBuilder()
        x = b.input("x", dtype, [2, 3, 3, 16], scale=[0.1], zero_point=[lo + 5])
        a = b.constant("axes", np.array([1, 2], np.int32))
        y = b.output("y", dtype, [2, 1, 1, 16], scale=[0.4], zero_point=[lo + 10])
        b.op("MEAN", [x, a], [y], options={"keep_dims": True})
        v = np.full([2, 3, 3, 16], lo, dtype)
        v[1] = hi
        v[0, :, :, 8:] = rng.integers(lo, hi + 1, [3, 3, 8])
        (tmp_path / dtype).mkdir()
        check_optimized(b, tmp_path / dtype, inputs={"x": v})


@pytest.mark.parametrize("cin,multiplier", [(3, 1), (8, 1), (20, 1), (33, 1), (3, 2), (12, 2)])
def test_depthwise_int8_exact_ties(tmp_path, cin, multiplier):
    """Power-of-two scales (real 2^-5): many exact ties of the shift, in and out of the blocks of 8."""
    rng = np.random.default_rng(cin * 10 + multiplier)
    cout = cin * multiplier
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 4, 8, cin], scale=[0.5], zero_point=[0])
    f = b.constant("f", rng.integers(-127, 128, [1, 3, 3, cout]).astype(np.int8), scale=[0.125] * cout,
                   zero_point=[0] * cout, quantized_dimension=3)
    bias = b.constant("b", rng.integers(-50, 50, cout).astype(np.int32), scale=[0.0625] * cout, zero_point=[0] * cout)
    y = b.output("y", "int8", [1, 4, 8, cout], scale=[2.0], zero_point=[0])
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                                          "depth_multiplier": multiplier}, version=3)
    check_optimized(b, tmp_path, inputs={"x": rng.integers(-20, 20, [1, 4, 8, cin]).astype(np.int8)})


ADD_SHAPES = [[1, 4, 4, 8], [40], [1, 3, 37], [5], [2, 16, 9]]


@pytest.mark.parametrize("shape", ADD_SHAPES, ids=["x".join(map(str, s)) for s in ADD_SHAPES])
def test_add_int8_against_litert_optimized(tmp_path, shape):
    """ADD int8 (same shapes) under --kernels optimized against LiteRT's optimized kernel: blocks of 16
    elements its own way, the rest as the reference."""
    b = OpModelBuilder()
    x = b.input("x", "int8", shape, scale=[0.05], zero_point=[-3])
    z = b.input("z", "int8", shape, scale=[0.07], zero_point=[5])
    y = b.output("y", "int8", shape, scale=[0.1], zero_point=[1])
    b.op("ADD", [x, z], [y], options={})
    check_optimized(b, tmp_path)


DW_CASES = list(itertools.product([3, 8, 16, 20, 33], [1, 2], ["int8", "uint8"]))


@pytest.mark.parametrize("cin,multiplier,dtype", DW_CASES, ids=[f"c{c}-m{m}-{t}" for c, m, t in DW_CASES])
def test_depthwise_against_litert_optimized(tmp_path, cin, multiplier, dtype):
    """DEPTHWISE_CONV_2D 8-bit under --kernels optimized against LiteRT's optimized kernel, channel counts
    around its vector blocks of 8 (int8: ties up inside them, away from zero in the rest; uint8: the
    reference's rounding)."""
    rng = np.random.default_rng(100 * cin + 10 * multiplier + (dtype == "uint8"))
    b = OpModelBuilder()
    cout = cin * multiplier
    s_in, zp_in = (0.05, -7) if dtype == "int8" else (0.04, 120)
    x = b.input("x", dtype, [1, 8, 8, cin], scale=[s_in], zero_point=[zp_in])
    ws = list(rng.uniform(0.002, 0.02, cout).astype(np.float32)) if dtype == "int8" else [0.01]
    lo, hi = (-127, 128) if dtype == "int8" else (0, 256)
    f = b.constant("f", rng.integers(lo, hi, [1, 3, 3, cout]).astype(dtype), scale=ws,
                   zero_point=[0 if dtype == "int8" else 128] * len(ws), quantized_dimension=3)
    bias = b.constant("b", rng.integers(-2000, 2000, cout).astype(np.int32), scale=[s_in * s for s in ws],
                      zero_point=[0] * len(ws))
    y = b.output("y", dtype, [1, 8, 8, cout], scale=[0.08], zero_point=[3 if dtype == "int8" else 128])
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [y], options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                                          "depth_multiplier": multiplier}, version=3)
    check_optimized(b, tmp_path)


def test_bad_kernels_value_is_one_line(tmp_path):
    b, _ = gemm_model("FULLY_CONNECTED", "int8", False, "NONE")
    path = b.save(tmp_path / "fc.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path), "--kernels", "fastest"], capture_output=True, text=True)
    assert proc.returncode != 0
    assert "--kernels" in proc.stderr and "Traceback" not in proc.stderr


def test_dump_records_the_kernels(tmp_path):
    b, _ = gemm_model("FULLY_CONNECTED", "int8", False, "NONE")
    path = b.save(tmp_path / "fc.tflite")
    run_tool("dump", str(path), "--seed", "0", "--out", str(tmp_path / "d"), *OPTIMIZED)
    manifest = json.loads((tmp_path / "d" / "manifest.json").read_text())
    assert manifest["run"]["kernels"] == "optimized"


REAL = sorted((SHARED_MODELS / "real").glob("*.tflite")) if (SHARED_MODELS / "real").is_dir() else []


@pytest.mark.skipif(not REAL, reason="../shared/models/real is absent")
@pytest.mark.parametrize("model", REAL, ids=[m.stem for m in REAL])
def test_real_models_equal_litert_optimized(tmp_path, model):
    """Every tensor of every real model equals LiteRT's optimized kernels (floats within the conformance
    table's optimized tolerance)."""
    from tfldbg.testing.conformance_table import OPTIMIZED_FLOAT_TOLERANCE

    from tfldbg.testing.conformance_table import repair_for_litert

    rtol, atol = OPTIMIZED_FLOAT_TOLERANCE
    reference_model = model
    if model.name == "tflm_person_detect_int8.tflite":  # LiteRT refuses its axis-3 rank-1 bias (conformance_table)
        reference_model = tmp_path / "litert-copy.tflite"
        assert repair_for_litert(model, reference_model) > 0
    result = check_model(model, tmp_path, seed=0, extra_args=OPTIMIZED, litert="optimized", rtol=rtol, atol=atol,
                         reference_model=reference_model)
    assert result, format_table(result, only_failures=True)


def test_divergence_reports_the_first_departing_node(tmp_path):
    b, x_shape = gemm_model("CONV_2D", "int8", True, "NONE", shape=(8, 3), units=64, power_of_two=True)
    path = b.save(tmp_path / "ties.tflite")
    np.save(tmp_path / "x.npy", rng.integers(-128, 128, x_shape).astype(np.int8))
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "divergence", str(path), "--input", f"x={tmp_path / 'x.npy'}",
                           "--json", str(tmp_path / "d.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "d.json").read_text())
    assert report["first_departing"]["step"] == 0 and report["first_departing"]["op"] == "CONV_2D"
    assert report["first_departing"]["max_lsb"] == 1
    assert "first departing node: step 0 CONV_2D" in proc.stdout


def test_quant_report_divergence_section(tmp_path):
    b, x_shape = gemm_model("CONV_2D", "int8", True, "NONE", shape=(8, 3), units=64, power_of_two=True)
    path = b.save(tmp_path / "ties.tflite")
    np.save(tmp_path / "x.npy", np.random.default_rng(7).integers(-128, 128, x_shape).astype(np.int8))
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "quant-report", str(path), "--input", f"x={tmp_path / 'x.npy'}",
                           "--divergence", "--html", str(tmp_path / "r.html"), "--json", str(tmp_path / "r.json")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    page = (tmp_path / "r.html").read_text()
    assert "<section id='divergence'>" in page and "First departing node: <b>step 0 CONV_2D</b>" in page
    assert json.loads((tmp_path / "r.json").read_text())["divergence"]["first_departing"]["op"] == "CONV_2D"


@pytest.mark.parametrize("op", ["CONV_2D", "FULLY_CONNECTED"])
def test_explain_walks_through_the_optimized_rounding(tmp_path, op):
    """explain recomputes an optimized dump with ties rounded up (every element equal), and says the
    reference's rounding would differ on the ties."""
    from tfldbg.analysis.explain import explain
    from tfldbg.formats.dump import load_dump

    b, x_shape = gemm_model(op, "int8", True, "NONE", shape=(8, 3), units=64, power_of_two=True)
    path = b.save(tmp_path / "ties.tflite")
    np.save(tmp_path / "x.npy", np.random.default_rng(11).integers(-128, 128, x_shape).astype(np.int8))
    run_tool("dump", str(path), "--input", f"x={tmp_path / 'x.npy'}", "--out", str(tmp_path / "d"), *OPTIMIZED)
    dump = load_dump(tmp_path / "d")
    ours = explain(dump, 0)
    assert ours.rounding == "double-half-up" and ours.differing == 0, ours.text()
    assert "ties up" in ours.text()
    assert explain(dump, 0, kernels="reference").differing > 0


# ---- SOFTMAX / LOG_SOFTMAX int8/uint8: LiteRT's float exp table -------------------------------------

SOFTMAX_OPT = list(itertools.product(["int8", "uint8", "int8>int16", "uint8>int16"], [1.0, 0.3, 3.7],
                                     [[7], [2, 3, 17], [2, 2, 2, 33], [3, 1000]]))


@pytest.mark.parametrize("kind,beta,shape", SOFTMAX_OPT,
                         ids=[f"{k}-b{b}-{'x'.join(map(str, s))}" for k, b, s in SOFTMAX_OPT])
def test_softmax_as_litert_optimized(tmp_path, kind, beta, shape):
    """SOFTMAX 8-bit under --kernels optimized: LiteRT's float table of exp(-s·β·d), a float sum and
    (int8, int16 outputs) std::round plus zero point, (uint8) p + 0.5 truncated. Every input byte
    once, a row of equal values, the range's ends."""
    src, _, dst = kind.partition(">")
    dst = dst or src
    b = OpModelBuilder()
    zp_in = 3 if src == "int8" else 128
    qo = {"int8": (1 / 256, -128), "uint8": (1 / 256, 0), "int16": (1 / 32768, 0)}[dst]
    x = b.input("x", src, shape, scale=[0.1], zero_point=[zp_in])
    y = b.output("y", dst, shape, scale=[qo[0]], zero_point=[qo[1]])
    b.op("SOFTMAX", [x], [y], options={"beta": beta}, version=2)
    info = np.iinfo(src)
    values = np.resize(np.arange(info.min, info.max + 1), shape).astype(src)
    rows = values.reshape(-1, shape[-1])
    rows[0] = info.max  # equal values
    if rows.shape[0] > 1:
        rows[1, ::2] = info.min  # the widest distance
    check_optimized(b, tmp_path, inputs={"x": values})
    (tmp_path / "random").mkdir()
    check_optimized(b, tmp_path / "random")


@pytest.mark.parametrize("dtype,scale", [("int8", 0.1), ("int8", 0.02), ("uint8", 0.3), ("uint8", 1.5)])
def test_log_softmax_as_litert_optimized(tmp_path, dtype, scale):
    """LOG_SOFTMAX 8-bit under --kernels optimized: the float exp table, std::log and std::rint."""
    shape = [4, 67]
    b = OpModelBuilder()
    x = b.input("x", dtype, shape, scale=[scale], zero_point=[-9 if dtype == "int8" else 131])
    y = b.output("y", dtype, shape, scale=[16 / 256], zero_point=[127 if dtype == "int8" else 255])
    b.op("LOG_SOFTMAX", [x], [y], version=2)
    info = np.iinfo(dtype)
    values = np.resize(np.arange(info.min, info.max + 1), shape).astype(dtype)
    values[0] = info.max
    check_optimized(b, tmp_path, inputs={"x": values})
    (tmp_path / "random").mkdir()
    check_optimized(b, tmp_path / "random")


# ---- int16 LOGISTIC / TANH on power-of-two scales: gemmlowp's 16-bit fixed point ---------------------

SIGMOID16 = [("LOGISTIC", 2 ** -12), ("TANH", 2 ** -12), ("TANH", 2 ** -11), ("LOGISTIC", 0.001), ("TANH", 2 ** -10)]


@pytest.mark.parametrize("op,scale", SIGMOID16, ids=[f"{o}-{s:g}" for o, s in SIGMOID16])
def test_int16_logistic_tanh_as_litert_optimized(tmp_path, op, scale):
    """int16 LOGISTIC/TANH under --kernels optimized: on the power-of-two input scales LiteRT's optimized
    kernel is gemmlowp's logistic/tanh on Q3.12 (TANH at 2^-11 doubles the input first, saturating);
    other scales (0.001, and 2^-10 for TANH) keep the reference table. Every 7th int16 value, the ends."""
    shape = [4, 2341]
    b = OpModelBuilder()
    x = b.input("x", "int16", shape, scale=[scale], zero_point=[0])
    y = b.output("y", "int16", shape, scale=[1 / 32768], zero_point=[0])
    b.op(op, [x], [y], version=3)
    values = np.concatenate([np.arange(-32768, 32768, 7), [-32768, 32767, 0, -1, 1, 16383, 16384, -16383, -16384]])
    check_optimized(b, tmp_path, inputs={"x": np.resize(values, shape).astype(np.int16)})


# ---- ADD 8-bit with broadcasting: the fivefold pattern and AddScalarBroadcast ------------------------

ADD_BROADCAST = [([1, 4, 4, 20], [20]), ([20], [1, 4, 4, 20]), ([1, 4, 4, 20], [1, 4, 4, 1]), ([2, 1, 4, 35], [2, 3, 1, 35]),
                 ([1, 3, 37], [1]), ([1], [1, 3, 37]), ([2, 3, 1, 5], [2, 1, 4, 5]), ([2, 3, 4, 1], [2, 1, 4, 9]),
                 ([3, 1, 17], [1, 5, 1]), ([2, 7, 9], [2, 7, 9])]


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("shapes", ADD_BROADCAST, ids=["+".join("x".join(map(str, s)) for s in p) for p in ADD_BROADCAST])
def test_add_broadcast_as_litert_optimized(tmp_path, shapes, dtype):
    """8-bit ADD under --kernels optimized, broadcasting: runs of the shared inner dimensions through the
    elementwise blocks (int8: 16, shift folded; uint8: 8, floor shift), runs against one broadcast value
    through AddScalarBroadcast's blocks of 8 (floor shift), the rest and generic broadcasts as the
    reference."""
    s1, s2 = shapes
    off = 0 if dtype == "int8" else 128
    out_shape = list(np.broadcast_shapes(tuple(s1), tuple(s2)))
    b = OpModelBuilder()
    x = b.input("x", dtype, s1, scale=[0.05], zero_point=[-3 + off])
    z = b.input("z", dtype, s2, scale=[0.07], zero_point=[5 + off])
    y = b.output("y", dtype, out_shape, scale=[0.1], zero_point=[1 + off])
    b.op("ADD", [x, z], [y], options={})
    check_optimized(b, tmp_path)


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("case", ["tiny-out", "relu6", "same-scale"])
def test_add_edges_as_litert_optimized(tmp_path, dtype, case):
    """Edge values: an output scale so small the vector blocks' int16 narrowing wraps, a fused RELU6,
    inputs of one scale (no shift); both a same-shape and a scalar-broadcast ADD."""
    off = 0 if dtype == "int8" else 128
    s_out = {"tiny-out": 0.0004, "relu6": 0.03, "same-scale": 0.1}[case]
    s_z = 0.05 if case == "same-scale" else 0.07
    for name, s2 in (("same", [3, 40]), ("scalar", [1])):
        b = OpModelBuilder()
        x = b.input("x", dtype, [3, 40], scale=[0.05], zero_point=[-3 + off])
        z = b.input("z", dtype, s2, scale=[s_z], zero_point=[5 + off])
        y = b.output("y", dtype, [3, 40], scale=[s_out], zero_point=[1 + off])
        b.op("ADD", [x, z], [y], options={"fused_activation_function": "RELU6" if case == "relu6" else "NONE"})
        info = np.iinfo(dtype)
        xs = np.resize(np.arange(info.min, info.max + 1), [3, 40]).astype(dtype)
        zs = np.resize(np.arange(info.max, info.min - 1, -3), s2).astype(dtype)
        (tmp_path / name).mkdir()
        check_optimized(b, tmp_path / name, inputs={"x": xs, "z": zs})


def _optimized_dump(b: OpModelBuilder, tmp_path, inputs: dict):
    from tfldbg.formats.dump import load_dump

    path = b.save(tmp_path / "op.tflite")
    args = []
    for key, value in inputs.items():
        np.save(tmp_path / f"{key}.npy", value)
        args += ["--input", f"{key}={tmp_path / f'{key}.npy'}"]
    run_tool("dump", str(path), *args, "--out", str(tmp_path / "d"), *OPTIMIZED)
    return load_dump(tmp_path / "d")


@pytest.mark.parametrize("dtype,s1,s2", [("int8", [3, 40], [3, 40]), ("int8", [2, 4, 20], [1]), ("uint8", [3, 40], [3, 40]),
                                         ("uint8", [2, 4, 20], [2, 4, 1]), ("int8", [2, 3, 1], [1, 3, 4])])
def test_explain_walks_through_the_optimized_add(tmp_path, dtype, s1, s2):
    """explain recomputes an optimized ADD dump element by element along LiteRT's paths (every element equal),
    with a tiny output scale so the vector blocks' int16 narrowing wraps (the reference would differ)."""
    from tfldbg.analysis.explain import explain

    off = 0 if dtype == "int8" else 128
    out_shape = list(np.broadcast_shapes(tuple(s1), tuple(s2)))
    b = OpModelBuilder()
    x = b.input("x", dtype, s1, scale=[0.05], zero_point=[-3 + off])
    z = b.input("z", dtype, s2, scale=[0.07], zero_point=[5 + off])
    y = b.output("y", dtype, out_shape, scale=[0.0004], zero_point=[1 + off])
    b.op("ADD", [x, z], [y], options={})
    info = np.iinfo(dtype)
    dump = _optimized_dump(b, tmp_path, {"x": np.resize(np.arange(info.min, info.max + 1, 7), s1).astype(dtype),
                                         "z": np.resize(np.arange(info.max, info.min - 1, -5)[::-1], s2).astype(dtype)})
    ours = explain(dump, 0)
    assert ours.differing == 0, ours.text()
    assert "LiteRT's optimized ADD" in ours.text()
    if s1 != [2, 3, 1]:  # a generic broadcast: LiteRT's reference kernel, nothing differs
        assert explain(dump, 0, kernels="reference").differing > 0


def test_explain_walks_through_the_optimized_depthwise_and_mean(tmp_path):
    from tfldbg.analysis.explain import explain

    r = np.random.default_rng(9)
    b = OpModelBuilder()
    x = b.input("x", "int8", [1, 4, 8, 20], scale=[0.5], zero_point=[0])
    f = b.constant("f", r.integers(-127, 128, [1, 3, 3, 20]).astype(np.int8), scale=[0.125] * 20, zero_point=[0] * 20,
                   quantized_dimension=3)
    bias = b.constant("b", r.integers(-50, 50, 20).astype(np.int32), scale=[0.0625] * 20, zero_point=[0] * 20)
    h = b.tensor("h", "int8", [1, 4, 8, 20], scale=[2.0], zero_point=[0])
    b.op("DEPTHWISE_CONV_2D", [x, f, bias], [h], options={"padding": "SAME", "stride_w": 1, "stride_h": 1,
                                                          "depth_multiplier": 1}, version=3)
    a = b.constant("axes", np.array([1, 2], np.int32))
    y = b.output("y", "int8", [1, 1, 1, 20], scale=[0.37], zero_point=[-5])
    b.op("MEAN", [h, a], [y], options={"keep_dims": True})
    dump = _optimized_dump(b, tmp_path, {"x": r.integers(-20, 20, [1, 4, 8, 20]).astype(np.int8)})
    for step in (0, 1):
        ours = explain(dump, step)
        assert ours.differing == 0, ours.text()
        assert "LiteRT's optimized" in ours.text()
    assert explain(dump, 0, kernels="reference").differing > 0


# ---- QUANTIZE float -> int, RESIZE_BILINEAR uint8, SUM uint8 -----------------------------------------

QUANT_OPT = [("int8", 0.02, -3), ("int8", 0.1, 0), ("uint8", 0.013, 128), ("uint8", 0.05, 7), ("int16", 0.0004, 0),
             ("int8", 1 / 3, 5)]


@pytest.mark.parametrize("dtype,scale,zp", QUANT_OPT, ids=[f"{t}-{s:g}-{z}" for t, s, z in QUANT_OPT])
def test_quantize_as_litert_optimized(tmp_path, dtype, scale, zp):
    """float QUANTIZE under --kernels optimized: blocks of 8 as x·float(1/s) rounded half to even, the last
    n % 8 as round(x / s) in double. Exact halves, values one ulp around them, the saturating ends, NaN."""
    s = np.float32(scale)
    halves = (np.arange(-40, 40) + 0.5).astype(np.float64) * float(s)
    around = np.concatenate([np.nextafter(halves.astype(np.float32), np.float32(np.inf)),
                             np.nextafter(halves.astype(np.float32), np.float32(-np.inf))])
    edges = np.array([0.0, -0.0, 1e10, -1e10, 3e9, -3e9, np.inf, -np.inf, 1e-30], np.float32)
    values = np.concatenate([halves.astype(np.float32), around, edges,
                             rng.uniform(-300, 300, 61).astype(np.float32) * np.float32(scale)]).astype(np.float32)
    assert values.size % 8 != 0
    b = OpModelBuilder()
    x = b.input("x", "float32", [values.size])
    y = b.output("y", dtype, [values.size], scale=[scale], zero_point=[zp])
    b.op("QUANTIZE", [x], [y])
    check_optimized(b, tmp_path, inputs={"x": values})
    _explained_exactly(tmp_path / "tfldbg-0")


RESIZE_OPT = [((5, 7), (16, 11), False, False), ((3, 4), (9, 7), True, False), ((3, 4), (9, 7), False, True),
              ((2, 3), (16, 11), False, True), ((4, 4), (8, 8), False, False), ((1, 1), (3, 3), False, True)]


@pytest.mark.parametrize("size_in,size_out,align,half", RESIZE_OPT,
                         ids=[f"{a[0]}x{a[1]}-{o[0]}x{o[1]}-ac{int(c)}-hp{int(h)}" for a, o, c, h in RESIZE_OPT])
def test_resize_bilinear_uint8_as_litert_optimized(tmp_path, size_in, size_out, align, half):
    """uint8 RESIZE_BILINEAR under --kernels optimized: LiteRT's weights formed as products first and the
    taps summed (y0,x0), (y0,x1), (y1,x0), (y1,x1)."""
    b = OpModelBuilder()
    x = b.input("x", "uint8", [2, *size_in, 3], scale=[0.1], zero_point=[128])
    size = b.constant("size", np.array(size_out, np.int32))
    y = b.output("y", "uint8", [2, *size_out, 3], scale=[0.1], zero_point=[128])
    b.op("RESIZE_BILINEAR", [x, size], [y], options={"align_corners": align, "half_pixel_centers": half})
    check_optimized(b, tmp_path)


def test_resize_bilinear_uint8_8x_path_is_refused_under_optimized(tmp_path):
    """LiteRT's fixed-point 8x upsampling path (ResizeBilinear888Uint8) is not modelled: one line."""
    b = OpModelBuilder()
    x = b.input("x", "uint8", [1, 2, 2, 8], scale=[0.1], zero_point=[128])
    size = b.constant("size", np.array([16, 16], np.int32))
    y = b.output("y", "uint8", [1, 16, 16, 8], scale=[0.1], zero_point=[128])
    b.op("RESIZE_BILINEAR", [x, size], [y], options={"align_corners": False, "half_pixel_centers": True})
    path = b.save(tmp_path / "r.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path), "--seed", "0", *OPTIMIZED], capture_output=True, text=True)
    assert proc.returncode == 1 and "ResizeBilinear888Uint8" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    proc = subprocess.run([str(find_binary()), "run", str(path), "--seed", "0"], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("shape,axes,keep", [([2, 3, 4, 5, 2], [1, 3], False), ([4, 6], [0], True), ([3, 5, 7], [0, 1, 2], True)])
def test_sum_uint8_as_litert_optimized(tmp_path, shape, axes, keep):
    """uint8 SUM under --kernels optimized: the float rescale of LiteRT's optimized QuantizedMeanOrSum."""
    b = OpModelBuilder()
    x = b.input("x", "uint8", shape, scale=[0.05], zero_point=[120])
    a = b.constant("axes", np.array(axes, np.int32))
    out_shape = [1 if d in axes else n for d, n in enumerate(shape)] if keep else \
        [n for d, n in enumerate(shape) if d not in axes]
    y = b.output("y", "uint8", out_shape, scale=[0.4], zero_point=[3])
    b.op("SUM", [x, a], [y], options={"keep_dims": keep})
    check_optimized(b, tmp_path)


REQUANT_OPT = [("int8", 0.02, -3, "int8", 0.05, 10), ("uint8", 0.02, 133, "int8", 0.03, 5), ("int8", 0.02, 5, "uint8", 0.04, 133),
               ("uint8", 0.1, 128, "uint8", 0.01, 100), ("int8", 0.5, 0, "int8", 2.0, 0), ("uint8", 0.1, 120, "int8", 0.0125, -7)]


@pytest.mark.parametrize("src,s_in,z_in,dst,s_out,z_out", REQUANT_OPT, ids=[f"{r[0]}-{r[3]}-{i}" for i, r in enumerate(REQUANT_OPT)])
def test_requantize_8bit_as_litert_optimized(tmp_path, src, s_in, z_in, dst, s_out, z_out):
    """8-bit to 8-bit QUANTIZE under --kernels optimized: blocks of 16 round the shift's ties up
    (MultiplyByQuantizedMultiplier4Rows), the rest as the reference. Every input value; power-of-two
    ratios (0.5 -> 2.0: exact ties), saturating ratios."""
    b = OpModelBuilder()
    x = b.input("x", src, [6, 43], scale=[s_in], zero_point=[z_in])
    y = b.output("y", dst, [6, 43], scale=[s_out], zero_point=[z_out])
    b.op("QUANTIZE", [x], [y], version=2)
    info = np.iinfo(src)
    check_optimized(b, tmp_path, inputs={"x": np.resize(np.arange(info.min, info.max + 1), [6, 43]).astype(src)})
    _explained_exactly(tmp_path / "tfldbg-0")


def _explained_exactly(dump_dir) -> None:
    """explain recomputes the optimized dump's step 0 exactly, and names LiteRT's optimized path."""
    from tfldbg.analysis.explain import explain
    from tfldbg.formats.dump import load_dump

    ours = explain(load_dump(dump_dir), 0)
    assert ours.differing == 0, ours.text()
    assert "LiteRT's optimized" in ours.text()


MUL_OPT = [([3, 40], [3, 40]), ([3, 40], [1]), ([3, 40], [40]), ([2, 3, 40], [2, 3, 1]), ([2, 3, 1, 5], [2, 1, 4, 5]),
           ([3, 1, 17], [1, 5, 1])]


@pytest.mark.parametrize("dtype", ["int8", "uint8"])
@pytest.mark.parametrize("s_out", [1e-4, 0.002, 0.05])
@pytest.mark.parametrize("shapes", MUL_OPT, ids=["+".join("x".join(map(str, s)) for s in p) for p in MUL_OPT])
def test_mul_as_litert_optimized(tmp_path, shapes, s_out, dtype):
    """8-bit MUL under --kernels optimized: the vector blocks (int8 16, uint8 8) narrow the rescaled product
    to int16 (saturating; truncating in uint8 MulSimpleBroadcast) and add the zero point in int16, so a tiny
    output scale wraps (measured: 255 LSB); the rest, and generic broadcasts, as the reference."""
    s1, s2 = shapes
    off = 0 if dtype == "int8" else 128
    out_shape = list(np.broadcast_shapes(tuple(s1), tuple(s2)))
    b = OpModelBuilder()
    x = b.input("x", dtype, s1, scale=[0.05], zero_point=[-3 + off])
    z = b.input("z", dtype, s2, scale=[0.07], zero_point=[5 + off])
    y = b.output("y", dtype, out_shape, scale=[s_out], zero_point=[1 + off])
    b.op("MUL", [x, z], [y], options={})
    info = np.iinfo(dtype)
    check_optimized(b, tmp_path, inputs={"x": np.resize(np.arange(info.min, info.max + 1, 3), s1).astype(dtype),
                                         "z": np.resize(np.arange(info.max, info.min - 1, -7), s2).astype(dtype)})


@pytest.mark.parametrize("dtype,s1,s2", [("int8", [3, 40], [3, 40]), ("uint8", [3, 40], [1]), ("uint8", [2, 3, 40], [2, 3, 1]),
                                         ("int8", [3, 40], [40])])
def test_explain_walks_through_the_optimized_mul(tmp_path, dtype, s1, s2):
    from tfldbg.analysis.explain import explain

    off = 0 if dtype == "int8" else 128
    out_shape = list(np.broadcast_shapes(tuple(s1), tuple(s2)))
    b = OpModelBuilder()
    x = b.input("x", dtype, s1, scale=[0.05], zero_point=[-3 + off])
    z = b.input("z", dtype, s2, scale=[0.07], zero_point=[5 + off])
    y = b.output("y", dtype, out_shape, scale=[1e-4], zero_point=[1 + off])
    b.op("MUL", [x, z], [y], options={})
    info = np.iinfo(dtype)
    dump = _optimized_dump(b, tmp_path, {"x": np.resize(np.arange(info.min, info.max + 1, 3), s1).astype(dtype),
                                         "z": np.resize(np.arange(info.max, info.min - 1, -7), s2).astype(dtype)})
    ours = explain(dump, 0)
    assert ours.differing == 0, ours.text()
    assert "LiteRT's optimized MUL" in ours.text()
    assert explain(dump, 0, kernels="reference").differing > 0


@pytest.mark.parametrize("op", ["FULLY_CONNECTED", "CONV_2D"])
def test_int16x8_gemm_keeps_the_reference_under_optimized(tmp_path, op):
    """int16x8 CONV_2D / FULLY_CONNECTED: LiteRT's optimized kernels compute what its reference does
    (FULLY_CONNECTED's single rounding, not the 8-bit GEMM's ties-up shift)."""
    r = np.random.default_rng(16)
    n, k, units = 12, 40, 24
    b = OpModelBuilder()
    x_shape = [n, k] if op == "FULLY_CONNECTED" else [1, n, 1, k]
    y_shape = [n, units] if op == "FULLY_CONNECTED" else [1, n, 1, units]
    ws = r.uniform(0.002, 0.02, units).astype(np.float32)
    w = r.integers(-127, 128, (units, k)).astype(np.int8)
    x = b.input("x", "int16", x_shape, scale=[0.001], zero_point=[0])
    wt = b.constant("w", w if op == "FULLY_CONNECTED" else w.reshape(units, 1, 1, k), scale=list(ws),
                    zero_point=[0] * units, quantized_dimension=0)
    bt = b.constant("b", r.integers(-3000, 3000, units).astype(np.int64), scale=list((0.001 * ws).astype(np.float32)),
                    zero_point=[0] * units)
    y = b.output("y", "int16", y_shape, scale=[0.01], zero_point=[0])
    options = {"fused_activation_function": "NONE"}
    if op == "CONV_2D":
        options.update({"padding": "VALID", "stride_w": 1, "stride_h": 1})
    b.op(op, [x, wt, bt], [y], options=options, version=4 if op == "CONV_2D" else 7)
    check_optimized(b, tmp_path)


def test_divergence_names_the_cause_of_a_newly_modelled_op(tmp_path):
    """divergence on an int16 LOGISTIC at 2^-12: its own node departs, for the reason docs/deployment.md gives."""
    b = OpModelBuilder()
    x = b.input("x", "int16", [4, 300], scale=[2 ** -12], zero_point=[0])
    y = b.output("y", "int16", [4, 300], scale=[1 / 32768], zero_point=[0])
    b.op("LOGISTIC", [x], [y], version=3)
    path = b.save(tmp_path / "logistic.tflite")
    np.save(tmp_path / "x.npy", np.resize(np.arange(-32768, 32768, 55), [4, 300]).astype(np.int16))
    proc = subprocess.run([sys.executable, "-m", "tfldbg", "divergence", str(path), "--input", f"x={tmp_path / 'x.npy'}",
                           "--json", str(tmp_path / "d.json")], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    report = json.loads((tmp_path / "d.json").read_text())
    assert report["first_departing"]["op"] == "LOGISTIC" and report["first_departing"]["max_lsb"] > 1
    assert "gemmlowp's 16-bit logistic" in report["first_departing"]["cause"]


@pytest.mark.parametrize("op", ["REDUCE_MAX", "REDUCE_MIN"])
@pytest.mark.parametrize("axes", [[0, 1, 2], [1], [2], [0, 2]])
def test_reduce_max_min_floats_as_litert_optimized(tmp_path, op, axes):
    """float REDUCE_MAX/MIN under --kernels optimized: each output starts at its first input and folds the rest
    in order with (acc > v ? acc : v): NaN inputs win and give way to the next number, -0 follows +0, an all -inf
    MAX stays -inf (the reference folds from lowest())."""
    shape = [3, 4, 5]
    v = rng.uniform(-5, 5, shape).astype(np.float32)
    flat = v.reshape(-1)
    flat[[0, 7, 13, 22, 41]] = np.nan
    flat[[3, 4]] = [0.0, -0.0]
    flat[[30, 31]] = [-0.0, 0.0]
    v[2] = -np.inf if op == "REDUCE_MAX" else np.inf
    v[1, 2, :] = np.nan
    b = OpModelBuilder()
    x = b.input("x", "float32", shape)
    a = b.constant("axes", np.array(axes, np.int32))
    y = b.output("y", "float32", [1 if d in axes else n for d, n in enumerate(shape)])
    b.op(op, [x, a], [y], options={"keep_dims": True})
    check_optimized(b, tmp_path, inputs={"x": v})


def test_bool_reduction_is_refused_under_optimized(tmp_path):
    """LiteRT's optimized SUM/PROD/MAX/MIN fail on bool inputs: tfldbg says so in one line (the reference runs)."""
    b = OpModelBuilder()
    x = b.input("x", "bool", [2, 3])
    a = b.constant("axes", np.array([1], np.int32))
    y = b.output("y", "bool", [2])
    b.op("REDUCE_MAX", [x, a], [y], options={"keep_dims": False})
    path = b.save(tmp_path / "r.tflite")
    proc = subprocess.run([str(find_binary()), "run", str(path), "--seed", "0", *OPTIMIZED], capture_output=True, text=True)
    assert proc.returncode == 1 and "fails on bool" in proc.stderr and len(proc.stderr.strip().splitlines()) == 1
    assert subprocess.run([str(find_binary()), "run", str(path), "--seed", "0"], capture_output=True).returncode == 0


@pytest.mark.parametrize("ties", [True, False])
def test_transpose_conv_uint8_as_litert_optimized(tmp_path, ties):
    """uint8 TRANSPOSE_CONV under --kernels optimized: LiteRT's TransposeConvV2 requantizes the whole output in
    blocks of 16 rounding the shift's ties up, the rest as the reference (found by the optimized sweep: 1 LSB).
    Power-of-two scales (s_in·s_w/s_out = 2^-5) make exact ties frequent."""
    r = np.random.default_rng(21)
    cin, cout = 3, 5
    s_in, s_w, s_out = (0.5, 0.125, 2.0) if ties else (0.04, 0.01, 0.2)
    b = OpModelBuilder()
    shape = b.constant("shape", np.array([1, 9, 11, cout], np.int32))
    w = b.constant("w", r.integers(0, 256, [cout, 3, 3, cin]).astype(np.uint8), scale=[s_w], zero_point=[130])
    x = b.input("x", "uint8", [1, 4, 5, cin], scale=[s_in], zero_point=[128])
    bias = b.constant("b", r.integers(-60, 60, cout).astype(np.int32), scale=[s_in * s_w], zero_point=[0])
    y = b.output("y", "uint8", [1, 9, 11, cout], scale=[s_out], zero_point=[128])
    b.op("TRANSPOSE_CONV", [shape, w, x, bias], [y], options={"padding": "VALID", "stride_w": 2, "stride_h": 2}, version=3)
    check_optimized(b, tmp_path, inputs={"x": r.integers(118, 139, [1, 4, 5, cin]).astype(np.uint8)} if ties else None)


def float_product_model(op: str, x_shape, k: int, cout: int, stride=1, padding="SAME", act="NONE", r=None,
                        weights=None, bias=None):
    """A float CONV_2D (k×k), DEPTHWISE_CONV_2D (k×k, multiplier 1) or FULLY_CONNECTED over x_shape."""
    r = r or np.random.default_rng(7)
    b = OpModelBuilder()
    x = b.input("x", "float32", list(x_shape))
    if op == "FULLY_CONNECTED":
        w_shape, y_shape = [cout, x_shape[-1]], [x_shape[0], cout]
        options = {"fused_activation_function": act}
    else:
        oh = -(-x_shape[1] // stride) if padding == "SAME" else (x_shape[1] - k) // stride + 1
        ow = -(-x_shape[2] // stride) if padding == "SAME" else (x_shape[2] - k) // stride + 1
        w_shape = [cout, k, k, x_shape[3]] if op == "CONV_2D" else [1, k, k, cout]
        y_shape = [x_shape[0], oh, ow, cout]
        options = {"padding": padding, "stride_w": stride, "stride_h": stride, "fused_activation_function": act}
        if op == "DEPTHWISE_CONV_2D":
            options["depth_multiplier"] = 1
    w = b.constant("w", (r.normal(0, 0.3, w_shape) if weights is None else weights).reshape(w_shape).astype(np.float32))
    bt = b.constant("b", (r.normal(0, 0.1, cout) if bias is None else bias).astype(np.float32))
    y = b.output("y", "float32", y_shape)
    b.op(op, [x, w, bt], [y], options=options, version=1 if op == "FULLY_CONNECTED" else 2)
    return b


# Two terms whose fused and unfused sums differ: (1 + 2^-12)² = 1 + 2^-11 + 2^-24 rounds
# (a tie, to even) to 1 + 2^-11, so -1 + that is 2^-11 with a rounded product and
# 2^-11 + 2^-24 with a fused multiply-add.
FUSED_TERMS = np.array([1.0, 1.0 + 2.0 ** -12], np.float32), np.array([-1.0, 1.0 + 2.0 ** -12], np.float32)


@pytest.mark.parametrize("op", ["FULLY_CONNECTED", "CONV_2D", "DEPTHWISE_CONV_2D"])
def test_float_sums_fuse_under_the_deployment_kernels(tmp_path, op):
    """Float CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED round every product under --kernels reference
    (LiteRT's reference kernels) and fuse multiply and add under optimized and xnnpack (as XNNPACK and the
    optimized GEMMs do), on every CPU path: the scalar kernels' std::fma, the portable path's fmaf and the
    vector paths' FMA instructions give the same bits."""
    x, w = FUSED_TERMS
    if op == "FULLY_CONNECTED":
        b, value = float_product_model(op, (1, 2), 1, 1, weights=w, bias=np.zeros(1)), x.reshape(1, 2)
    elif op == "CONV_2D":  # 1x1 over two input channels
        b, value = float_product_model(op, (1, 1, 1, 2), 1, 1, weights=w, bias=np.zeros(1)), x.reshape(1, 1, 1, 2)
    else:  # a 1x2 row of one channel under a 2x2 filter (VALID): taps (0,0) (0,1) (1,0) (1,1), the last two 0
        b = float_product_model(op, (1, 2, 2, 1), 2, 1, padding="VALID", weights=np.array([-1.0, 1 + 2.0 ** -12, 0, 0]),
                                bias=np.zeros(1))
        value = np.array([1.0, 1 + 2.0 ** -12, 0, 0], np.float32).reshape(1, 2, 2, 1)
    path = b.save(tmp_path / "fma.tflite")
    np.save(tmp_path / "x.npy", value)
    from tfldbg.formats.dump import load_dump

    for kernels, want in (("reference", 2.0 ** -11), ("optimized", 2.0 ** -11 + 2.0 ** -24),
                          ("xnnpack", 2.0 ** -11 + 2.0 ** -24)):
        for cpu in ("scalar", "auto"):
            out = tmp_path / f"{kernels}-{cpu}"
            run_tool("dump", str(path), "--input", f"x={tmp_path / 'x.npy'}", "--out", str(out), "--kernels", kernels,
                     "--cpu", cpu)
            got = load_dump(out).steps[0].outputs[0].value
            assert got.reshape(-1)[0] == np.float32(want), (kernels, cpu, float(got.reshape(-1)[0]), want)
        proc = subprocess.run([str(find_binary()), "cpu-check", str(path), "--input", f"x={tmp_path / 'x.npy'}",
                               "--kernels", kernels], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr


FUSED_CASES = [("CONV_2D", (1, 9, 11, 64), 3, 24, 1, "SAME", "NONE"), ("CONV_2D", (2, 10, 7, 5), 3, 40, 2, "VALID", "RELU6"),
               ("CONV_2D", (1, 12, 12, 96), 1, 17, 1, "VALID", "RELU"),
               ("DEPTHWISE_CONV_2D", (1, 9, 23, 8), 3, 8, 1, "SAME", "RELU6"),
               ("DEPTHWISE_CONV_2D", (1, 9, 23, 24), 3, 24, 2, "SAME", "NONE"),
               ("DEPTHWISE_CONV_2D", (1, 7, 9, 72), 5, 72, 1, "VALID", "NONE"),
               ("FULLY_CONNECTED", (5, 300), 1, 20, 1, "SAME", "NONE"), ("FULLY_CONNECTED", (1, 33), 1, 70, 1, "SAME", "RELU")]


@pytest.mark.parametrize("op,x_shape,k,cout,stride,padding,act", FUSED_CASES,
                         ids=[f"{c[0]}-{'x'.join(map(str, c[1]))}-k{c[2]}-s{c[4]}-{c[5]}-{c[6]}" for c in FUSED_CASES])
def test_fused_float_sums_against_litert_deployment(tmp_path, op, x_shape, k, cout, stride, padding, act):
    """The fused float sums against LiteRT's optimized kernels (every tensor) and its default path (XNNPACK,
    the outputs), within the deployment tolerances, on shapes that reach every tile of the fast kernels
    (k·k·C up to 576 terms, channel counts off the 16-lane panels, strides, padding), and every CPU path equal
    to the scalar fused sums (cpu-check)."""
    from tfldbg.testing.conformance_table import OPTIMIZED_FLOAT_TOLERANCE, XNNPACK_FLOAT_TOLERANCE

    b = float_product_model(op, x_shape, k, cout, stride, padding, act, r=np.random.default_rng(sum(x_shape) + k))
    path = b.save(tmp_path / "op.tflite")
    for kernels, tolerance in (("optimized", OPTIMIZED_FLOAT_TOLERANCE), ("xnnpack", XNNPACK_FLOAT_TOLERANCE)):
        (tmp_path / kernels).mkdir()
        result = check_model(path, tmp_path / kernels, seed=1, extra_args=("--kernels", kernels), litert=kernels,
                             rtol=tolerance[0], atol=tolerance[1])
        assert result, format_table(result, only_failures=True)
        proc = subprocess.run([str(find_binary()), "cpu-check", str(path), "--seed", "1", "--kernels", kernels,
                               "--thread-counts", "1", "3"], capture_output=True, text=True)
        assert proc.returncode == 0, proc.stdout + proc.stderr
