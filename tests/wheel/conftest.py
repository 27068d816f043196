"""The Python API tests (tfldbg.Interpreter, tfldbg.lite, Python custom ops).
scripts/wheel_check.sh runs them against the wheel installed in a fresh venv;
in a checkout they run against an extension built into build/wheel or build/pydev
(docs/python.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_MODELS = REPO.parent / "shared" / "models"
REAL = SHARED_MODELS / "real"
LITERT_TESTDATA = SHARED_MODELS / "edge-cases" / "litert_testdata"


@pytest.fixture(scope="session", autouse=True)
def require_shared_models():
    if not SHARED_MODELS.is_dir():
        pytest.skip("../shared/models is absent (a user's clone has no shared/; CI always has it)")
