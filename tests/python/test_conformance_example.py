"""The bundled example models match LiteRT on every tensor, on every sample input.

These run without ../shared, so a user's clone checks its own build.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tfldbg import load_dump, run_tool
from tfldbg.analysis.compare import compare_dumps, format_table
from tfldbg.backends.litert import write_reference

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits"
SAMPLES = sorted((EXAMPLE / "inputs").glob("sample_*.npy"))


@pytest.mark.parametrize("model", ["digits_int8.tflite", "digits_float.tflite"])
@pytest.mark.parametrize("sample", SAMPLES, ids=[s.name for s in SAMPLES])
def test_example_matches_litert(tmp_path, model, sample):
    ours = tmp_path / "ours"
    run_tool("dump", str(EXAMPLE / model), "--input", f"image={sample}", "--out", str(ours))
    write_reference(EXAMPLE / model, tmp_path / "litert", like=str(ours))
    result = compare_dumps(load_dump(ours), load_dump(tmp_path / "litert"))
    assert result, format_table(result, only_failures=True)
    assert len(result.results) >= 20
