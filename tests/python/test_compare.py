"""`python -m tfldbg compare` verdicts on constructed cases."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tfldbg import load_dump, run_tool
from tfldbg.cli import main
from tfldbg.analysis.compare import compare_arrays, compare_dumps

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "digits"


@pytest.fixture(scope="module")
def base_dump(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("base") / "d"
    run_tool("dump", str(EXAMPLE / "digits_int8.tflite"), "--input", f"0={EXAMPLE / 'inputs' / 'sample_0.npy'}",
             "--out", str(out))
    return out


def edited_copy(base: Path, tmp_path: Path, step: int, edit) -> Path:
    """A copy of the dump whose step's first output array is replaced by edit(array)."""
    copy = tmp_path / "edited"
    shutil.copytree(base, copy)
    dump = load_dump(copy)
    file = copy / dump.steps[step].outputs[0].file
    np.save(file, edit(np.load(file)))
    return copy


def test_identical_dumps_pass_with_exit_0(base_dump):
    result = compare_dumps(load_dump(base_dump), load_dump(base_dump))
    assert result and result.first_divergence is None
    assert main(["compare", str(base_dump), str(base_dump)]) == 0


def test_one_lsb_off_is_caught_and_located(base_dump, tmp_path):
    def bump(a):
        a = a.copy()
        a.flat[5] = np.int8(min(int(a.flat[5]) + 1, 127)) if a.flat[5] < 127 else np.int8(126)
        return a

    other = edited_copy(base_dump, tmp_path, 3, bump)
    result = compare_dumps(load_dump(base_dump), load_dump(other))
    assert not result
    first = result.first_divergence
    assert first.step == 3 and first.max_abs_lsb == 1
    assert first.lsb_histogram[1] == 1 and first.lsb_histogram[2] == first.lsb_histogram[3] == 0
    assert main(["compare", str(base_dump), str(other), "--json", str(tmp_path / "r.json")]) == 1
    assert json.loads((tmp_path / "r.json").read_text())["passed"] is False
    assert main(["compare", str(base_dump), str(other), "--lsb", "1"]) == 0


def test_float_tolerance(base_dump, tmp_path):
    last = len(load_dump(base_dump).steps) - 1  # DEQUANTIZE: float output
    small = edited_copy(base_dump, tmp_path, last, lambda a: (a * (1 + 1e-7)).astype(np.float32))
    assert compare_dumps(load_dump(base_dump), load_dump(small))
    shutil.rmtree(small)
    large = edited_copy(base_dump, tmp_path, last, lambda a: (a + 1e-3).astype(np.float32))
    result = compare_dumps(load_dump(base_dump), load_dump(large))
    assert not result and result.first_divergence.max_abs == pytest.approx(1e-3, rel=1e-3)
    assert main(["compare", str(base_dump), str(large), "--csv", str(tmp_path / "r.csv")]) == 1
    assert "max_abs" in (tmp_path / "r.csv").read_text().splitlines()[0]


def test_dtype_or_shape_mismatch_is_a_failure_with_a_reason(base_dump, tmp_path):
    other = edited_copy(base_dump, tmp_path, 1, lambda a: a.astype(np.int16))
    # A file that does not hold what its manifest says is refused (formats/reading.py) ...
    with pytest.raises(ValueError, match="holds int16, the manifest says tensor 12 .* is int8"):
        compare_dumps(load_dump(base_dump), load_dump(other))
    # ... a dump that says it holds int16 there is compared, and differs.
    manifest = json.loads((other / "manifest.json").read_text())
    manifest["subgraphs"][0]["tensors"][12]["dtype"] = "int16"
    (other / "manifest.json").write_text(json.dumps(manifest))
    first = compare_dumps(load_dump(base_dump), load_dump(other)).first_divergence
    assert first.reason == "A is int8[1, 8, 8, 16], B is int16[1, 8, 8, 16]"


def test_bad_input_exits_2(tmp_path, capsys):
    assert main(["compare", str(tmp_path), str(tmp_path)]) == 2
    assert "no manifest.json" in capsys.readouterr().err


def test_metrics_of_arrays():
    m = compare_arrays(np.array([1, 2, 3, 4], np.int8), np.array([1, 3, 5, 8], np.int8), 0, 0, 0)
    assert m["max_abs_lsb"] == 4 and m["lsb_histogram"] == [1, 1, 1, 1] and m["share_differing"] == 0.75
    f = compare_arrays(np.array([1.0, np.nan], np.float32), np.array([1.0, np.nan], np.float32), 1e-5, 1e-6, 0)
    assert f["passed"] and f["max_abs"] == 0.0


def test_complex_tensors_compare_both_parts():
    a = np.array([1 + 2j, 3 + 4j], np.complex64)
    assert compare_arrays(a, a.copy(), 1e-5, 1e-6, 0)["passed"]
    assert not compare_arrays(a, np.array([1 + 2j, 3 + 5j], np.complex64), 1e-5, 1e-6, 0)["passed"]  # imaginary part differs
    assert compare_arrays(np.array(1j, np.complex128), np.array(1j, np.complex128), 1e-5, 1e-6, 0)["passed"]  # 0-d
