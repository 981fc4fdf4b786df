"""Shared fixtures: the shipped tariff book and places table, and no $ECOCOMP_TARIFFS from the
developer's shell (tests/builders.py builds ledgers, places and user tariff folders).

The command line's messages are in English for every test ($ECOCOMP_LANG=en, set here before any
test module reads the environment, so subprocesses inherit it); headers and the terminal summary
stay Chinese by default. A test of the Chinese messages asks for them (`--lang zh`, or the
variable in its own `env`)."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from hypothesis import settings

from ecocomp.places import Places
from ecocomp.tariffs.book import TARIFFS_ENV, TariffBook
from tests.builders import shipped_places

os.environ["ECOCOMP_LANG"] = "en"

# No per-example time limit: on a loaded 2-core CI machine a slow example is not a failure
# (speed is measured by benchmarks/, never by tests).
settings.register_profile("ecocomp", deadline=None)
settings.load_profile("ecocomp")


@pytest.fixture(autouse=True, scope="session")
def _no_user_tariffs_in_session_fixtures() -> Iterator[None]:
    """Session and module fixtures (the example settlement) are made before any test's own
    fixtures run: they too must not see the developer's tariff folders."""
    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(TARIFFS_ENV, raising=False)
        yield


@pytest.fixture(autouse=True)
def no_user_tariffs(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every test sees the shipped tables only, whatever $ECOCOMP_TARIFFS the developer's shell
    has. A test about the variable sets it itself (`env={...}` or `monkeypatch.setenv`)."""
    monkeypatch.delenv(TARIFFS_ENV, raising=False)


@pytest.fixture(scope="session")
def book() -> TariffBook:
    """The shipped tables only."""
    return TariffBook.load(env={})


@pytest.fixture(scope="session")
def places() -> Places:
    """The shipped places table, read on its own (as the ledger readers get it)."""
    return shipped_places()
