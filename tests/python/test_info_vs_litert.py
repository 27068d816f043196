"""`tfldbg info --json` agrees with LiteRT on every real model.

For each model in ../shared/models/real, the operator list (name, inputs,
outputs) and the tensor list (name, dtype, shape, scales, zero points,
quantized dimension) of the main subgraph must equal what LiteRT's Python
interpreter reports for the same file.
"""

from __future__ import annotations

import numpy as np
import pytest

from conftest import shared_models
from tfldbg import model_info

REAL_MODELS = shared_models("real", "*.tflite")


def _litert(path):
    from ai_edge_litert.interpreter import Interpreter

    # No allocate_tensors(): LiteRT adds kernel temporaries to the tensor list then.
    return Interpreter(model_path=str(path))


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("model", REAL_MODELS, ids=[p.name for p in REAL_MODELS])
def test_info_matches_litert(model):
    ours = model_info(model)
    try:
        theirs = _litert(model)
    except ValueError as e:
        # TFLM's person detection model: LiteRT refuses its per-channel biases
        # (quantized_dimension 3 on rank-1 tensors); tfldbg reads them with axis 0.
        pytest.skip(f"LiteRT refuses this file, so there is nothing to compare: {str(e)[:120]}")
    sg = ours["subgraphs"][0]

    ops = theirs._get_ops_details()
    assert len(sg["operators"]) == len(ops)
    for mine, ref in zip(sg["operators"], ops):
        assert mine["op"] == ref["op_name"], (mine["index"], mine["op"], ref["op_name"])
        assert mine["inputs"] == [int(i) for i in ref["inputs"]], mine["index"]
        assert mine["outputs"] == [int(i) for i in ref["outputs"]], mine["index"]

    details = {d["index"]: d for d in theirs.get_tensor_details()}
    assert len(sg["tensors"]) == len(details)
    for t in sg["tensors"]:
        ref = details[t["index"]]
        where = f"tensor {t['index']} {t['name']!r}"
        assert t["name"] == ref["name"], where
        assert t["dtype"] == np.dtype(ref["dtype"]).name, where
        assert t["shape"] == [int(d) for d in ref["shape"]], where
        q = ref["quantization_parameters"]
        if t["quantization"] is None:
            assert len(q["scales"]) == 0, where
            continue
        np.testing.assert_array_equal(np.asarray(t["quantization"]["scale"], np.float32), q["scales"], err_msg=where)
        np.testing.assert_array_equal(np.asarray(t["quantization"]["zero_point"]), q["zero_points"], err_msg=where)
        assert t["quantization"]["quantized_dimension"] == q["quantized_dimension"], where
