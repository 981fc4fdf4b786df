"""Shared fixtures: the repository layout and the shipped tariff book."""

from __future__ import annotations

import pytest
from hypothesis import settings

from ecocomp.tariffs.book import TariffBook

# No per-example time limit: on a loaded 2-core CI machine a slow example is not a failure
# (speed is measured by benchmarks/, never by tests).
settings.register_profile("ecocomp", deadline=None)
settings.load_profile("ecocomp")


@pytest.fixture(scope="session")
def book() -> TariffBook:
    """The shipped tables only (no $ECOCOMP_TARIFFS from the caller's shell)."""
    return TariffBook.load(env={})
