"""tfldbg.lite.Interpreter is a drop-in for ai_edge_litert's: a LiteRT-style
script runs unchanged with either class, and every tensor tfldbg.lite reads
after invoke equals LiteRT's reference kernels with every tensor preserved
(integers bit for bit, floats within tolerance)."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import REAL

litert = pytest.importorskip("ai_edge_litert.interpreter")
from tfldbg import lite  # noqa: E402

MODELS = [
    REAL / "mlperf_tiny_resnet8_int8.tflite",
    REAL / "mobilenet_v1_0.25_128_quant_uint8.tflite",
    REAL / "mlperf_tiny_vww_96_float.tflite",
    REAL / "tflm_micro_speech_int8.tflite",
]


def litert_script(Interpreter, model_path: str, seed: int = 0, **kwargs) -> dict:
    """What a user's script does (the seeds' visualize.py pattern): load,
    allocate, feed each input, invoke, then read every tensor by its details."""
    interpreter = Interpreter(model_path=model_path, **kwargs)
    interpreter.allocate_tensors()
    rng = np.random.default_rng(seed)
    for detail in interpreter.get_input_details():
        info = np.iinfo(detail["dtype"]) if np.issubdtype(detail["dtype"], np.integer) else None
        if info is not None:
            value = rng.integers(info.min, info.max, size=detail["shape"], endpoint=True).astype(detail["dtype"])
        else:
            value = rng.uniform(-1, 1, size=detail["shape"]).astype(detail["dtype"])
        interpreter.set_tensor(detail["index"], value)
    interpreter.invoke()
    tensors = {}
    for detail in interpreter.get_tensor_details():
        try:
            tensors[detail["index"]] = (detail["name"], detail["dtype"], interpreter.get_tensor(detail["index"]))
        except ValueError:  # LiteRT: a tensor with no data
            continue
    outputs = [interpreter.get_tensor(d["index"]) for d in interpreter.get_output_details()]
    return {"tensors": tensors, "outputs": outputs, "inputs": interpreter.get_input_details(),
            "details": interpreter.get_output_details()}


@pytest.mark.parametrize("model", MODELS, ids=lambda p: p.stem)
def test_the_same_script_reads_litert_s_values_for_every_tensor(model):
    theirs = litert_script(litert.Interpreter, str(model), experimental_preserve_all_tensors=True,
                           experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    mine = litert_script(lite.Interpreter, str(model))
    for a, b in zip(theirs["inputs"] + theirs["details"], mine["inputs"] + mine["details"]):
        assert a["name"] == b["name"] and a["index"] == b["index"] and a["dtype"] == b["dtype"]
        np.testing.assert_array_equal(a["shape"], b["shape"])
        np.testing.assert_array_equal(a["shape_signature"], b["shape_signature"])
        assert a["quantization"] == pytest.approx(b["quantization"])
        np.testing.assert_array_equal(a["quantization_parameters"]["zero_points"],
                                      b["quantization_parameters"]["zero_points"])
        np.testing.assert_allclose(a["quantization_parameters"]["scales"], b["quantization_parameters"]["scales"])
    compared = 0
    for index, (name, dtype, value) in theirs["tensors"].items():
        assert index in mine["tensors"], name
        my_name, my_dtype, my_value = mine["tensors"][index]
        assert (my_name, my_dtype, my_value.shape) == (name, dtype, value.shape)
        if np.issubdtype(value.dtype, np.floating):
            np.testing.assert_allclose(my_value, value, rtol=1e-4, atol=1e-5, err_msg=name)
        else:
            np.testing.assert_array_equal(my_value, value, err_msg=name)
        compared += 1
    assert compared == len(theirs["tensors"]) >= 10
    for a, b in zip(theirs["outputs"], mine["outputs"]):
        assert a.dtype == b.dtype and a.shape == b.shape


def test_ops_details_match_litert():
    model = str(MODELS[0])
    theirs = litert.Interpreter(model_path=model, experimental_op_resolver_type=litert.OpResolverType.BUILTIN_REF)
    theirs.allocate_tensors()
    mine = lite.Interpreter(model_path=model)
    mine.allocate_tensors()
    a, b = theirs._get_ops_details(), mine._get_ops_details()
    assert [(d["index"], d["op_name"], list(d["inputs"]), list(d["outputs"])) for d in a] == \
           [(d["index"], d["op_name"], list(d["inputs"]), list(d["outputs"])) for d in b]


def test_model_content_resize_and_set_tensor_errors():
    model = REAL / "mlperf_tiny_resnet8_int8.tflite"  # input shape signature [-1, 32, 32, 3]
    interp = lite.Interpreter(model_content=model.read_bytes())
    index = interp.get_input_details()[0]["index"]
    interp.resize_tensor_input(index, [2, 32, 32, 3])
    interp.allocate_tensors()
    assert list(interp.get_input_details()[0]["shape"]) == [2, 32, 32, 3]
    assert list(interp.get_input_details()[0]["shape_signature"]) == [-1, 32, 32, 3]
    batch = np.random.default_rng(1).integers(-128, 127, size=(2, 32, 32, 3), dtype=np.int8)
    interp.set_tensor(index, batch)
    interp.invoke()
    out = interp.get_tensor(interp.get_output_details()[0]["index"])
    assert out.shape == (2, 10)
    single = lite.Interpreter(model_path=str(model))
    single.set_tensor(index, batch[1:])
    single.invoke()
    np.testing.assert_array_equal(single.get_tensor(single.get_output_details()[0]["index"])[0], out[1])
    with pytest.raises(ValueError, match="Got value of type FLOAT32 but expected type INT8"):
        single.set_tensor(index, batch[1:].astype(np.float32))
    with pytest.raises(ValueError, match="Dimension mismatch"):
        single.set_tensor(index, batch)
    with pytest.raises(ValueError, match="exactly one"):
        lite.Interpreter()


def test_signature_runner_matches_litert(tmp_path):
    # A model with a signature: LiteRT's own test data has them.
    candidates = sorted((REAL.parent / "edge-cases" / "litert_testdata").glob("*.bin"))
    model = None
    for path in candidates:
        try:
            ref = litert.Interpreter(model_path=str(path))
        except Exception:  # noqa: BLE001 - some test models are meant to be refused
            continue
        sigs = ref.get_signature_list()
        if len(sigs) == 1:
            try:
                lite.Interpreter(model_path=str(path)).get_signature_runner()
            except Exception:  # noqa: BLE001 - an op tfldbg does not run
                continue
            model = path
            break
    if model is None:
        pytest.skip("no single-signature model tfldbg runs in litert_testdata")
    ref = litert.Interpreter(model_path=str(model))
    mine = lite.Interpreter(model_path=str(model))
    assert mine.get_signature_list() == ref.get_signature_list()
    a, b = ref.get_signature_runner(), mine.get_signature_runner()
    rng = np.random.default_rng(0)
    kwargs = {}
    for name, d in a.get_input_details().items():
        kwargs[name] = (rng.integers(-5, 5, size=d["shape"]) if np.issubdtype(d["dtype"], np.integer)
                        else rng.uniform(-1, 1, size=d["shape"])).astype(d["dtype"])
        assert b.get_input_details()[name]["index"] == d["index"]
    theirs, ours = a(**kwargs), b(**kwargs)
    assert sorted(theirs) == sorted(ours)
    for name in theirs:
        np.testing.assert_allclose(ours[name], theirs[name], rtol=1e-5, atol=1e-6)
