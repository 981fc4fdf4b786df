"""Fixtures of the family tests: the test-only family registered for one test, and a settlement
config that names every registered family (the shipped example plus the test family's ledger)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecocomp.examples import examples_dir
from ecocomp.families.registry import register, unregister
from tests.families.flatfee.family import DATA, FLATFEE, TARIFFS, FlatFeeFamily


@pytest.fixture
def flatfee() -> Iterator[FlatFeeFamily]:
    """The test-only family, registered for the test and taken off the list after it."""
    register(FLATFEE)
    yield FLATFEE
    unregister(FLATFEE.key)


def contract_config(folder: Path, *, skip_invalid: bool = False) -> Path:
    """The shipped 2018 example's config with the test family's section and tariff folder."""
    shutil.copytree(examples_dir() / "suzhou-2018", folder)
    shutil.copy(DATA / "deliveries.csv", folder)
    config = folder / "settle.toml"
    text = config.read_text("utf-8").replace(
        "skip_invalid = false", f"skip_invalid = {str(skip_invalid).lower()}"
    )
    config.write_text(
        f'tariffs = [{str(TARIFFS)!r}]\n{text}\n[flatfee]\ndeliveries = "deliveries.csv"\n', "utf-8"
    )
    return config
