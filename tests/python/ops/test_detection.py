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
