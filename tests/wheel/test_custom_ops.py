"""Custom-operator kernels in Python: LiteRT's own custom_sinh.bin (whose Sinh
LiteRT cannot run) runs in tfldbg.Interpreter, tfldbg.lite and an in-process
dump with a numpy kernel; a failing kernel is one tfldbg.Error line."""

from __future__ import annotations

import re

import numpy as np
import pytest

import tfldbg
from tfldbg import lite, load_dump

from conftest import LITERT_TESTDATA

SINH = LITERT_TESTDATA / "custom_sinh.bin"


@pytest.fixture
def sinh():
    calls = []

    def prepare(inputs, options):
        calls.append(("prepare", inputs[0].dtype, inputs[0].shape))
        return [inputs[0].shape]

    def evaluate(inputs, options):
        calls.append(("eval", inputs[0].copy()))
        return np.sinh(inputs[0])

    tfldbg.register_custom_op("Sinh", eval=evaluate, prepare=prepare)
    yield calls
    tfldbg.unregister_custom_op("Sinh")


def test_without_a_kernel_the_custom_op_is_named():
    with pytest.raises(tfldbg.Error, match="custom operator 'Sinh'"):
        tfldbg.Interpreter(SINH)


def test_a_python_kernel_runs_the_model_in_every_interface(sinh, tmp_path):
    x = np.array([0.5], np.float32)
    interp = tfldbg.Interpreter(SINH)
    out = interp.run([x])
    (value,) = out.values()
    np.testing.assert_allclose(value, np.sinh(x), rtol=1e-6)
    assert sinh[0] == ("prepare", np.dtype(np.float32), (1,))
    assert sinh[1][0] == "eval" and sinh[1][1].tolist() == [0.5]

    seen = []
    interp.run([np.array([-2.0], np.float32)], on_node=lambda s: seen.append((s.op, s.outputs[0].copy())))
    assert seen[0][0] == "Sinh"
    np.testing.assert_allclose(seen[0][1], np.sinh(np.float32(-2.0)), rtol=1e-6)

    interp.set_input(0, x)
    dump = load_dump(interp.dump(tmp_path / "d"))
    assert [s.op for s in dump.steps] == ["Sinh"]
    np.testing.assert_allclose(dump.steps[0].outputs[0].value, np.sinh(x), rtol=1e-6)

    drop_in = lite.Interpreter(model_path=str(SINH))
    drop_in.allocate_tensors()
    drop_in.set_tensor(drop_in.get_input_details()[0]["index"], np.array([1.5], np.float32))
    drop_in.invoke()
    np.testing.assert_allclose(drop_in.get_tensor(drop_in.get_output_details()[0]["index"]), np.sinh([1.5]),
                               rtol=1e-6)


def test_a_kernel_without_prepare_keeps_the_model_s_shapes():
    tfldbg.register_custom_op("Sinh", eval=lambda inputs, options: np.sinh(inputs[0]))
    try:
        out = tfldbg.Interpreter(SINH).run([np.array([0.25], np.float32)])
        np.testing.assert_allclose(list(out.values())[0], np.sinh([0.25]), rtol=1e-6)
    finally:
        tfldbg.unregister_custom_op("Sinh")


@pytest.mark.parametrize("kernel, message", [
    (lambda inputs, options: 1 / 0, "eval failed: ZeroDivisionError: division by zero"),
    (lambda inputs, options: np.zeros(3, np.float32), "eval failed: ValueError: eval output 0 has shape [3]"),
    (lambda inputs, options: [inputs[0], inputs[0]], "eval failed: ValueError: eval returned 2 outputs"),
    (lambda inputs, options: inputs[0].astype(np.complex64), "is complex64, the node's is float32"),
])
def test_a_failing_kernel_is_one_error_line_naming_the_node(kernel, message):
    tfldbg.register_custom_op("Sinh", eval=kernel)
    try:
        interp = tfldbg.Interpreter(SINH)
        with pytest.raises(tfldbg.Error, match=re.escape(message)) as e:
            interp.run([np.array([0.5], np.float32)])
        assert "\n" not in str(e.value) and "Sinh" in str(e.value)
    finally:
        tfldbg.unregister_custom_op("Sinh")


def test_a_failing_prepare_is_refused_at_creation():
    def prepare(inputs, options):
        raise TypeError("Sinh takes one float input")

    tfldbg.register_custom_op("Sinh", eval=lambda i, o: i[0], prepare=prepare)
    try:
        with pytest.raises(tfldbg.Error, match="prepare failed: TypeError: Sinh takes one float input"):
            tfldbg.Interpreter(SINH)
    finally:
        tfldbg.unregister_custom_op("Sinh")
    with pytest.raises(TypeError, match="must be callable"):
        tfldbg.register_custom_op("Sinh", eval=None)
