"""Property-based tests of bad input (hypothesis). Bounded so the normal suite stays fast; for a deeper search run
e.g. `PHRASEBOOK_FUZZ_SCALE=50 python -m pytest tests/fuzz`."""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings


def fuzz(examples: int) -> settings:
    """A small number of examples (times $PHRASEBOOK_FUZZ_SCALE), no deadline (CI machines are slow)."""
    scale = float(os.environ.get("PHRASEBOOK_FUZZ_SCALE", "1"))
    return settings(max_examples=max(1, int(examples * scale)), deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
