"""TFLite_Detection_PostProcess: swept against LiteRT's reference kernels (integers bit for bit), with
the refusals LiteRT makes too.

From the former test_ops_detection.py.
"""

from __future__ import annotations

from pathlib import Path

from flatbuffers import flexbuffers
import numpy as np
import pytest

from tfldbg.analysis.compare import format_table
from tfldbg.backends.engine import ToolError, run_tool
from tfldbg.testing.conformance import check_model
from tfldbg.testing.opmodel import OpModelBuilder


rng = np.random.default_rng(5150)


OPTIONS = {"max_detections": 10, "max_classes_per_detection": 1, "detections_per_class": 100, "use_regular_nms": False,
           "nms_score_threshold": 0.3, "nms_iou_threshold": 0.5, "num_classes": 6, "y_scale": 10.0, "x_scale": 10.0,
           "h_scale": 5.0, "w_scale": 5.0}


def anchors(n: int) -> np.ndarray:
    """Center-size anchors on a coarse grid, so that many decoded boxes overlap."""
    y = rng.uniform(0.1, 0.9, n)
    x = rng.uniform(0.1, 0.9, n)
    h = rng.uniform(0.1, 0.4, n)
    w = rng.uniform(0.1, 0.4, n)
    return np.stack([y, x, h, w], axis=1).astype(np.float32)


def model(dtype: str, n_boxes: int, options: dict, background: bool = True, box_length: int = 4) -> OpModelBuilder:
    b = OpModelBuilder()
    columns = options["num_classes"] + (1 if background else 0)
    if dtype == "uint8":
        boxes = b.input("boxes", "uint8", [1, n_boxes, box_length], scale=0.05, zero_point=128)
        scores = b.input("scores", "uint8", [1, n_boxes, columns], scale=1 / 255, zero_point=0)
        a = b.constant("anchors", np.clip(np.round(anchors(n_boxes) / 0.004), 0, 255).astype(np.uint8), scale=0.004,
                       zero_point=0)
    else:
        boxes = b.input("boxes", "float32", [1, n_boxes, box_length])
        scores = b.input("scores", "float32", [1, n_boxes, columns])
        a = b.constant("anchors", anchors(n_boxes))
    n = options["max_detections"] * options["max_classes_per_detection"]
    outs = [b.output("detection_boxes", "float32", [1, n, 4]), b.output("detection_classes", "float32", [1, n]),
            b.output("detection_scores", "float32", [1, n]), b.output("num_detections", "float32", [1])]
    b.op("TFLite_Detection_PostProcess", [boxes, scores, a], outs, custom_options=flexbuffers.Dumps(options))
    return b


def inputs(dtype: str, n_boxes: int, columns: int, box_length: int, ties: bool) -> dict[str, np.ndarray]:
    if dtype == "uint8":
        boxes = rng.integers(100, 156, [1, n_boxes, box_length]).astype(np.uint8)
        # Few distinct levels: many equal scores, within an anchor and across anchors.
        scores = (rng.integers(0, 6, [1, n_boxes, columns]) * 51 if ties else
                  rng.integers(0, 256, [1, n_boxes, columns])).astype(np.uint8)
    else:
        boxes = rng.normal(0, 1, [1, n_boxes, box_length]).astype(np.float32)
        scores = (rng.integers(0, 6, [1, n_boxes, columns]) / 5 if ties else rng.uniform(0, 1, [1, n_boxes, columns]))
        scores = scores.astype(np.float32)
    return {"boxes": boxes, "scores": scores}


CASES = [
    # dtype, boxes, option overrides, background column, box length, tied scores
    ("uint8", 50, {}, True, 4, True),
    ("uint8", 50, {}, True, 4, False),
    ("uint8", 80, {"max_classes_per_detection": 3}, True, 4, True),
    ("uint8", 80, {"use_regular_nms": True}, True, 4, True),
    ("uint8", 80, {"use_regular_nms": True, "detections_per_class": 4, "max_detections": 7}, True, 4, False),
    ("float32", 60, {}, True, 4, False),
    ("float32", 60, {}, False, 4, True),
    ("float32", 60, {"max_classes_per_detection": 2, "nms_iou_threshold": 0.3}, True, 6, True),
    ("float32", 60, {"use_regular_nms": True, "nms_score_threshold": 0.0}, True, 4, True),
    ("float32", 60, {"use_regular_nms": True, "nms_iou_threshold": 1.0, "max_detections": 30}, False, 4, False),
]


# Fast NMS leaves the output slots it does not fill unwritten in LiteRT (they
# hold whatever its arena held); tfldbg writes 0 there. These cases compare
# the filled slots and check the rest are 0.
PARTIAL = [
    ("float32", 40, {"nms_score_threshold": 2.0}),  # nothing above the threshold
    ("float32", 40, {"nms_score_threshold": 0.95}),  # fewer detections than max_detections
    ("float32", 40, {"max_classes_per_detection": 9}),  # more than num_classes: gaps per detection
    ("uint8", 40, {"max_classes_per_detection": 8, "nms_score_threshold": 0.9}),
]


def refusal(tmp_path, custom_options: bytes) -> str:
    b = model("float32", 10, OPTIONS)
    b.ops[0].custom_options = custom_options
    path = b.save(tmp_path / "detect.tflite")
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    return str(err.value)


COCO_SSD = Path(__file__).resolve().parents[3].parent / "shared" / "models" / "real" / "coco_ssd_mobilenet_v1_quant_uint8.tflite"


@pytest.mark.parametrize("case", CASES, ids=[f"{c[0]}-{c[1]}-{c[2]}-{'bg' if c[3] else 'nobg'}-len{c[4]}-{'ties' if c[5] else 'noties'}"
                                            for c in CASES])
def test_detection_postprocess_matches_litert(tmp_path, case):
    dtype, n_boxes, overrides, background, box_length, ties = case
    options = {**OPTIONS, **overrides}
    path = model(dtype, n_boxes, options, background, box_length).save(tmp_path / "detect.tflite")
    columns = options["num_classes"] + (1 if background else 0)
    for seed in range(3):
        args: list[str] = []
        for name, value in inputs(dtype, n_boxes, columns, box_length, ties).items():
            np.save(tmp_path / f"{name}-{seed}.npy", value)
            args += ["--input", f"{name}={tmp_path / f'{name}-{seed}.npy'}"]
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(args))
        assert result, format_table(result, only_failures=True)


@pytest.mark.parametrize("case", PARTIAL, ids=[f"{c[0]}-{c[2]}" for c in PARTIAL])
def test_fast_nms_filled_slots_match_litert_and_the_rest_are_zero(tmp_path, case):
    from tfldbg.formats.dump import load_dump

    dtype, n_boxes, overrides = case
    options = {**OPTIONS, **overrides}
    path = model(dtype, n_boxes, options).save(tmp_path / "detect.tflite")
    args: list[str] = []
    for name, value in inputs(dtype, n_boxes, options["num_classes"] + 1, 4, False).items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / f'{name}.npy'}"]
    check_model(path, tmp_path, seed=0, extra_args=tuple(args))  # writes both dumps
    ours, theirs = load_dump(tmp_path / "tfldbg-0"), load_dump(tmp_path / "litert-0")
    (b1, c1, s1, n1), (b2, c2, s2, n2) = ([o.value for o in d.steps[0].outputs] for d in (ours, theirs))
    assert n1[0] == n2[0]
    per = options["max_classes_per_detection"]
    filled = np.zeros(b1.shape[1], bool)
    for d in range(int(n1[0])):
        filled[d * per:d * per + min(per, options["num_classes"])] = True
    np.testing.assert_allclose(b1[0, filled], b2[0, filled], rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(c1[0, filled], c2[0, filled])
    np.testing.assert_allclose(s1[0, filled], s2[0, filled], rtol=1e-5, atol=1e-6)
    assert not b1[0, ~filled].any() and not c1[0, ~filled].any() and not s1[0, ~filled].any()


def test_malformed_options_are_one_line(tmp_path):
    where = "operator 0 (TFLite_Detection_PostProcess): "
    assert where + "its custom options are not a valid flexbuffer" in refusal(tmp_path, b"\x01\x02\x03\x04\x05\x06\x07")
    missing = {k: v for k, v in OPTIONS.items() if k != "num_classes"}
    assert where + "custom option 'num_classes' is missing" in refusal(tmp_path, flexbuffers.Dumps(missing))
    assert where + "custom option 'y_scale' is not a number" in refusal(tmp_path, flexbuffers.Dumps({**OPTIONS, "y_scale": "ten"}))
    assert where + "nms_iou_threshold must be in (0, 1]" in refusal(tmp_path, flexbuffers.Dumps({**OPTIONS, "nms_iou_threshold": 1.5}))
    assert where + "its custom options are not a flexbuffer map" in refusal(tmp_path, flexbuffers.Dumps([1, 2, 3]))


@pytest.mark.parametrize("types", [("int8", "int8"), ("float32", "int8"), ("uint8", "int8")],
                         ids=lambda t: f"boxes-{t[0]}-scores-{t[1]}")
def test_int8_inputs_are_refused_as_litert_fails(tmp_path, types):
    """LiteRT's kernel dequantizes uint8 only: int8 box encodings or class
    predictions fail its Invoke. tfldbg refuses them when it prepares, in one line."""
    from tfldbg.backends.litert import litert_interpreter

    box_type, score_type = types
    b = OpModelBuilder()
    quant = {} if box_type == "float32" else {"scale": 0.05, "zero_point": 0}
    boxes = b.input("boxes", box_type, [1, 20, 4], **quant)
    scores = b.input("scores", score_type, [1, 20, OPTIONS["num_classes"] + 1], scale=1 / 255, zero_point=-128)
    if box_type == "float32":
        a = b.constant("anchors", anchors(20))
    else:
        a = b.constant("anchors", np.zeros([20, 4], np.dtype(box_type)), scale=0.004, zero_point=0)
    n = OPTIONS["max_detections"]
    outs = [b.output("detection_boxes", "float32", [1, n, 4]), b.output("detection_classes", "float32", [1, n]),
            b.output("detection_scores", "float32", [1, n]), b.output("num_detections", "float32", [1])]
    b.op("TFLite_Detection_PostProcess", [boxes, scores, a], outs, custom_options=flexbuffers.Dumps(OPTIONS))
    path = b.save(tmp_path / "detect.tflite")
    interp = litert_interpreter(str(path))
    interp.allocate_tensors()
    with pytest.raises(RuntimeError):
        interp.invoke()
    with pytest.raises(ToolError) as err:
        run_tool("dump", str(path), "--out", str(tmp_path / "d"))
    slot = "box encodings" if box_type == "int8" else "class predictions"
    assert f"operator 0 (TFLite_Detection_PostProcess): {slot} has type int8; supported: float32, uint8" in str(err.value)


@pytest.mark.skipif(not COCO_SSD.exists(), reason="the shared real models are not present")
@pytest.mark.parametrize("seed", [0, 1])
def test_coco_ssd_mobilenet_matches_litert_on_every_tensor(tmp_path, seed):
    result = check_model(COCO_SSD, tmp_path, seed=seed)
    assert result, format_table(result, only_failures=True)


@pytest.mark.parametrize("regular", [False, True], ids=["fast", "regular"])
def test_scores_equal_to_the_threshold_and_zero_area_boxes(tmp_path, regular):
    """Scores exactly at nms_score_threshold are kept (LiteRT's >=); boxes of zero
    area (anchors of zero height or width) overlap nothing (IoU 0), so identical
    degenerate boxes are all kept."""
    options = {**OPTIONS, "nms_score_threshold": 0.6, "use_regular_nms": regular, "max_detections": 12}
    n_boxes = 40
    b = OpModelBuilder()
    boxes = b.input("boxes", "float32", [1, n_boxes, 4])
    scores = b.input("scores", "float32", [1, n_boxes, options["num_classes"] + 1])
    a = anchors(n_boxes)
    a[::3, 2] = 0.0  # zero height
    a[1::3, 3] = 0.0  # zero width
    a[::3, :2] = 0.5  # the same center: identical degenerate boxes
    anchor = b.constant("anchors", a)
    n = options["max_detections"] * options["max_classes_per_detection"]
    outs = [b.output("detection_boxes", "float32", [1, n, 4]), b.output("detection_classes", "float32", [1, n]),
            b.output("detection_scores", "float32", [1, n]), b.output("num_detections", "float32", [1])]
    b.op("TFLite_Detection_PostProcess", [boxes, scores, anchor], outs, custom_options=flexbuffers.Dumps(options))
    path = b.save(tmp_path / "detect.tflite")
    for seed in range(3):
        value = inputs("float32", n_boxes, options["num_classes"] + 1, 4, ties=True)
        value["boxes"][0, ::3] = 0.0
        value["scores"] = np.minimum(value["scores"], np.float32(0.6))  # the best score of most boxes is the threshold
        args: list[str] = []
        for name, v in value.items():
            np.save(tmp_path / f"{name}-{seed}.npy", v)
            args += ["--input", f"{name}={tmp_path / f'{name}-{seed}.npy'}"]
        result = check_model(path, tmp_path, seed=seed, extra_args=tuple(args))
        assert result, format_table(result, only_failures=True)


@pytest.mark.parametrize("dtype", ["float32", "uint8"])
def test_regular_nms_slots_past_max_detections_are_zero(tmp_path, dtype):
    """Regular NMS writes max_detections slots; with max_classes_per_detection > 1
    the outputs have more, which LiteRT leaves unwritten (arena garbage, measured)
    and tfldbg sets to 0. The written slots and the count match LiteRT."""
    from tfldbg.formats.dump import load_dump

    options = {**OPTIONS, "use_regular_nms": True, "max_classes_per_detection": 3}
    path = model(dtype, 50, options).save(tmp_path / "detect.tflite")
    args: list[str] = []
    for name, value in inputs(dtype, 50, options["num_classes"] + 1, 4, True).items():
        np.save(tmp_path / f"{name}.npy", value)
        args += ["--input", f"{name}={tmp_path / f'{name}.npy'}"]
    check_model(path, tmp_path, seed=0, extra_args=tuple(args))  # writes both dumps
    ours, theirs = load_dump(tmp_path / "tfldbg-0"), load_dump(tmp_path / "litert-0")
    (b1, c1, s1, n1), (b2, c2, s2, n2) = ([o.value for o in d.steps[0].outputs] for d in (ours, theirs))
    m = options["max_detections"]
    assert n1[0] == n2[0]
    np.testing.assert_array_equal(b1[0, :m], b2[0, :m])
    np.testing.assert_array_equal(c1[0, :m], c2[0, :m])
    np.testing.assert_array_equal(s1[0, :m], s2[0, :m])
    assert not b1[0, m:].any() and not c1[0, m:].any() and not s1[0, m:].any()


# --- NON_MAX_SUPPRESSION_V4 / V5 ---------------------------------------------------------------------

from sweep import check, refused  # noqa: E402


def nms_boxes(n: int, seed: int, spread: float = 1.0) -> np.ndarray:
    """Corner boxes [N, 4], some with their corners swapped (LiteRT orders them) and one of zero area."""
    r = np.random.default_rng(seed)
    y, x = r.uniform(0, spread, n), r.uniform(0, spread, n)
    h, w = r.uniform(0.05, 0.4, n), r.uniform(0.05, 0.4, n)
    boxes = np.stack([y, x, y + h, x + w], axis=1)
    flip = r.random(n) < 0.3
    boxes[flip] = boxes[flip][:, [2, 3, 0, 1]]
    if n > 3:
        boxes[3, 2] = boxes[3, 0]  # zero height: IoU 0 with everything
    return boxes.astype(np.float32)


def nms_model(soft: bool, n: int, max_output: int, iou: float, score: float, sigma: float = 0.0,
              computed: bool = False, version: int | None = None) -> OpModelBuilder:
    """computed: max_output_size and the thresholds are graph inputs (the selections' length is then
    known only at run time); else constants."""
    b = OpModelBuilder()
    boxes = b.input("boxes", "float32", [n, 4])
    scores = b.input("scores", "float32", [n])
    scalars = [("max_output_size", np.int32(max_output)), ("iou_threshold", np.float32(iou)),
               ("score_threshold", np.float32(score))] + ([("sigma", np.float32(sigma))] if soft else [])
    ids = [b.input(name, value.dtype.name, []) if computed else b.constant(name, np.array(value)) for name, value in scalars]
    outs = [b.output("selected_indices", "int32", [max_output])]
    if soft:
        outs.append(b.output("selected_scores", "float32", [max_output]))
    outs.append(b.output("num_selected", "int32", []))
    op = "NON_MAX_SUPPRESSION_V5" if soft else "NON_MAX_SUPPRESSION_V4"
    b.op(version or op, [boxes, scores, *ids], outs)
    return b


NMS_CASES = [
    # soft, boxes, max_output, iou, score threshold, sigma, scores: uniform | ties | nan | low
    (False, 40, 10, 0.5, 0.2, 0.0, "uniform"),
    (False, 40, 50, 0.3, -1.0, 0.0, "uniform"),   # more room than boxes: padded with zeros
    (False, 40, 12, 0.0, 0.0, 0.0, "ties"),        # iou 0: any overlap suppresses; equal scores in heap order
    (False, 30, 0, 0.5, 0.0, 0.0, "uniform"),      # nothing asked
    (False, 30, 8, 0.5, 2.0, 0.0, "uniform"),      # nothing above the threshold
    (False, 30, 8, 0.6, 0.1, 0.0, "nan"),          # NaN scores never pass the threshold
    (True, 40, 10, 0.5, 0.2, 0.0, "uniform"),      # V5 without decay: hard NMS with scores
    (True, 40, 15, 0.7, 0.1, 0.5, "uniform"),      # soft NMS: decayed candidates return to the queue
    (True, 40, 20, 1.0, 0.3, 0.2, "ties"),
    (True, 40, 20, 0.9, 0.05, 2.0, "low"),
]


def nms_scores(kind: str, n: int, seed: int) -> np.ndarray:
    r = np.random.default_rng(seed)
    if kind == "ties":
        return (r.integers(0, 4, n) / 4).astype(np.float32)
    scores = r.uniform(0, 1, n).astype(np.float32)
    if kind == "nan":
        scores[::5] = np.nan
    if kind == "low":
        scores *= 0.2
    return scores


@pytest.mark.parametrize("case", NMS_CASES, ids=[f"{'v5' if c[0] else 'v4'}-n{c[1]}-max{c[2]}-iou{c[3]}-score{c[4]}-sigma{c[5]}-{c[6]}"
                                                for c in NMS_CASES])
def test_non_max_suppression(tmp_path, case):
    soft, n, max_output, iou, score, sigma, kind = case
    for seed in (0, 1):
        (tmp_path / str(seed)).mkdir()
        # Boxes packed densely enough that many overlap.
        inputs = {"boxes": nms_boxes(n, seed, spread=0.8), "scores": nms_scores(kind, n, seed)}
        check(nms_model(soft, n, max_output, iou, score, sigma), tmp_path / str(seed), inputs=inputs)


@pytest.mark.parametrize("soft", [False, True], ids=["v4", "v5"])
def test_non_max_suppression_computed_max_output_size(tmp_path, soft):
    inputs = {"boxes": nms_boxes(30, 2, 0.8), "scores": nms_scores("uniform", 30, 2),
              "max_output_size": np.array(7, np.int32), "iou_threshold": np.array(0.4, np.float32),
              "score_threshold": np.array(0.1, np.float32)}
    if soft:
        inputs["sigma"] = np.array(0.3, np.float32)
    check(nms_model(soft, 30, 7, 0.4, 0.1, 0.3, computed=True), tmp_path, inputs=inputs)


def test_non_max_suppression_no_boxes(tmp_path):
    inputs = {"boxes": np.zeros([0, 4], np.float32), "scores": np.zeros([0], np.float32)}
    check(nms_model(True, 0, 5, 0.5, 0.0, 0.5), tmp_path, inputs=inputs)


def test_non_max_suppression_variant_follows_input_count(tmp_path):
    """LiteRT picks soft NMS by the six inputs, whatever the opcode says; so does tfldbg."""
    inputs = {"boxes": nms_boxes(30, 3, 0.8), "scores": nms_scores("uniform", 30, 3)}
    check(nms_model(True, 30, 10, 0.6, 0.1, 0.5, version="NON_MAX_SUPPRESSION_V4"), tmp_path, inputs=inputs)


def test_non_max_suppression_refusals(tmp_path):
    b = nms_model(False, 10, 0, 0.5, 0.0)
    b.buffers[b.tensors[2].buffer] = np.array(-1, np.int32).tobytes()
    refused(b, tmp_path, "max_output_size is -1; it must not be negative")
    inputs = {"boxes": nms_boxes(10, 4), "scores": nms_scores("uniform", 10, 4)}
    refused(nms_model(True, 10, 4, 0.5, 0.0, -0.5), tmp_path, "invalid sigma value for soft NMS", inputs=inputs)
