"""Vendor golden outputs: Arm's int16x8 DS-CNN must give exactly Arm's expected output."""

from __future__ import annotations

import numpy as np
import pytest

from conftest import SHARED_MODELS
from tfldbg import run_tool

GOLDEN = SHARED_MODELS / "real" / "golden" / "armzoo_ds_cnn_s_int16"


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("planner", ["reuse", "no-reuse"])
def test_arm_ds_cnn_int16_reproduces_arms_expected_output(tmp_path, planner):
    model = SHARED_MODELS / "real" / "armzoo_ds_cnn_s_int16.tflite"
    run_tool("run", str(model), "--input", f"0={GOLDEN / 'input_0.npy'}", "--save-outputs", str(tmp_path),
             "--planner", planner)
    ours = np.load(tmp_path / "StatefulPartitionedCall_0.npy")
    expected = np.load(GOLDEN / "output_0.npy")
    assert ours.dtype == expected.dtype == np.int16
    np.testing.assert_array_equal(ours, expected)
