"""Shared test fixtures: project paths and the reference corpora in ../shared/data."""

from __future__ import annotations

from pathlib import Path

import pytest

from analysis.config import DATA_RAW, PROJECT_ROOT, SHARED_DATA

SEED_STUDY = DATA_RAW / "udsatte-byomraader-2025"
SEED_FILE = SEED_STUDY / "000_31c7afb107f199fb.txt"


def shared_path(*parts: str) -> Path:
    """A path in ../shared/data, or skip the test with the reason when it is absent."""
    path = SHARED_DATA.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs the reference corpora: {path} is absent (they live in ../shared/data beside the project)")
    return path


@pytest.fixture
def project_root() -> Path:
    return PROJECT_ROOT


@pytest.fixture
def seed_text() -> str:
    return SEED_FILE.read_text(encoding="utf-8")
