"""Shared pytest fixtures: paths to the repo, the shared models and the binary."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED_MODELS = REPO.parent / "shared" / "models"


def shared_models(folder: str, pattern: str) -> list[Path]:
    return sorted((SHARED_MODELS / folder).glob(pattern))


@pytest.fixture(scope="session")
def require_shared_models():
    if not SHARED_MODELS.is_dir():
        pytest.skip("../shared/models is absent (a user's clone has no shared/; CI always has it)")
