"""Every real model whose ops tfldbg implements matches LiteRT on every tensor.

For each model in ../shared/models/real: `tfldbg dump` with seeded inputs,
`python -m tfldbg reference` (LiteRT, reference kernels, all tensors kept) on
the same inputs, then compare: quantized/integer tensors bit for bit, float
tensors within rtol 1e-5 / atol 1e-6 (the worst error is printed). Rounding
is `litert`, the default: what the pinned LiteRT runtime computes. The reuse
and no-reuse planners must give byte-identical tensor files.
"""

from __future__ import annotations

import filecmp
import json

import pytest

from conftest import shared_models
from tfldbg import load_dump, model_info, run_tool
from tfldbg.analysis.compare import compare_dumps, format_table
from tfldbg.backends.litert import write_reference

REAL_MODELS = shared_models("real", "*.tflite")


def why_not_runnable(model) -> str | None:
    """None when tfldbg can prepare the model, else the first missing op or Prepare's refusal."""
    info = model_info(model)
    for op in info["subgraphs"][0]["operators"]:
        if not op["supported"]:
            return f"first op tfldbg does not implement: {op['op']}"
    plan = json.loads(run_tool("info", "--json", "--plan", str(model)).stdout)["plan"]["reuse"]
    return plan.get("error")


def litert_refuses(model) -> str | None:
    from tfldbg.backends.litert import litert_interpreter

    try:
        litert_interpreter(model)
    except (ValueError, RuntimeError) as e:
        return str(e)[:160]
    return None


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("model", REAL_MODELS, ids=[p.name for p in REAL_MODELS])
def test_every_tensor_matches_litert(model, tmp_path):
    reason = why_not_runnable(model)
    if reason:
        pytest.skip(reason)
    refused = litert_refuses(model)
    if refused:
        pytest.skip(f"the oracle cannot run this file: {refused}")
    ours = tmp_path / "ours"
    run_tool("dump", str(model), "--out", str(ours), "--seed", "0", "--planner", "reuse")
    write_reference(model, tmp_path / "litert", like=str(ours))
    result = compare_dumps(load_dump(ours), load_dump(tmp_path / "litert"))
    worst = max((r.max_rel or 0.0 for r in result.results if r.max_rel is not None), default=0.0)
    print(f"{model.name}: {result.summary()}, worst float max_rel {worst:.3g}")
    assert result, format_table(result, only_failures=True)


@pytest.mark.usefixtures("require_shared_models")
@pytest.mark.parametrize("model", REAL_MODELS, ids=[p.name for p in REAL_MODELS])
def test_reuse_and_no_reuse_dumps_are_identical(model, tmp_path):
    reason = why_not_runnable(model)
    if reason:
        pytest.skip(reason)
    for planner in ("reuse", "no-reuse"):
        run_tool("dump", str(model), "--out", str(tmp_path / planner), "--seed", "1", "--planner", planner)
    a, b = tmp_path / "reuse" / "tensors", tmp_path / "no-reuse" / "tensors"
    files = sorted(p.name for p in a.iterdir())
    assert files == sorted(p.name for p in b.iterdir())
    match, mismatch, errors = filecmp.cmpfiles(a, b, files, shallow=False)
    assert not mismatch and not errors, (mismatch, errors)


def test_the_conformance_table_row_of_a_model(require_shared_models):
    from tfldbg.testing.conformance_table import check_one, markdown

    row = check_one(REAL_MODELS[0].parent / "tflm_hello_world_int8.tflite")
    assert row["litert"] == "runs" and row["tfldbg"] == "runs" and row["ok"] is True
    assert row["matched"] == row["total"] > 0
    assert f"| tflm_hello_world_int8.tflite | runs | runs | {row['matched']} / {row['total']} |" in markdown([row])


def test_the_table_checks_a_custom_op_litert_lacks_through_a_rewritten_copy(tmp_path):
    """MediaPipe's selfie segmentation (tests/models/found) ends in the custom op
    Convolution2DTransposeBias, which LiteRT cannot run: the table has LiteRT run a copy
    with it rewritten as TRANSPOSE_CONV + ADD and compares every tensor of the file by index."""
    from ai_edge_litert import schema_py_generated as fb

    from tfldbg.testing.conformance_table import REPO, check_one, rewrite_custom_ops_for_litert

    model = REPO / "tests" / "models" / "found" / "selfie_segmentation.tflite"
    copy = tmp_path / "copy.tflite"
    assert rewrite_custom_ops_for_litert(model, copy) == 1
    before = fb.ModelT.InitFromPackedBuf(model.read_bytes(), 0).subgraphs[0]
    after = fb.ModelT.InitFromPackedBuf(copy.read_bytes(), 0).subgraphs[0]
    assert len(after.operators) == len(before.operators) + 1
    assert len(after.tensors) == len(before.tensors) + 2  # the output shape and the sums, appended
    assert [t.name for t in after.tensors[:len(before.tensors)]] == [t.name for t in before.tensors]

    row = check_one(model)
    assert row["litert"].startswith("runs a copy with 1 Convolution2DTransposeBias rewritten"), row
    assert row["tfldbg"] == "runs" and row["ok"] is True and row["matched"] == row["total"] > 300, row
