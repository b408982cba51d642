"""The project's ``shared/`` folder (regulation seeds, EEC dictionaries): ``$SANMEASURES_SHARED``
or ``../shared`` next to the repository. A missing file fails the test — CI always has it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REGULATION_SEED = "seeds/003_7d23e833d17ad35e.txt"
CONFORMITY_BODY_SEED = "seeds/000_9ef78e38310f4b77.txt"


def shared_dir() -> Path:
    env = os.environ.get("SANMEASURES_SHARED")
    return Path(env) if env else Path(__file__).resolve().parents[2].parent / "shared"


def shared_file(relative: str) -> Path:
    path = shared_dir() / relative
    if not path.is_file():
        pytest.fail(
            f"shared file not found: {path} (set SANMEASURES_SHARED to the shared/ folder)", pytrace=False
        )
    return path
