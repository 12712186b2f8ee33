"""Queue call ids: sortable by start time, unique without asking the database."""

from __future__ import annotations

import random
from datetime import UTC, datetime
from typing import Final

RANDOM_BITS: Final = 48  # 12 hex digits: collisions within one second are out of reach


def make_call_id(at: datetime, rng: random.Random) -> str:
    """``YYYYmmddHHMMSS`` (UTC) and 12 random hex digits: ``20250624130809a1b2c3d4e5f6``.

    ``rng`` is passed in so that tests (and the pure ACD) stay deterministic; production code
    passes ``random.SystemRandom()``.
    """
    if at.tzinfo is None:
        raise ValueError("call ids need an aware datetime")
    return f"{at.astimezone(UTC):%Y%m%d%H%M%S}{rng.getrandbits(RANDOM_BITS):012x}"
