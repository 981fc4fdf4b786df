"""Shared fixtures: the repository layout and the shipped tariff book."""

from __future__ import annotations

import pytest

from ecocomp.tariff_book import TariffBook


@pytest.fixture(scope="session")
def book() -> TariffBook:
    """The shipped tables only (no $ECOCOMP_TARIFFS from the caller's shell)."""
    return TariffBook.load(env={})
