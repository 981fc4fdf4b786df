"""Fixtures of the reliability suite: the small valid corpus (one ledger per kind), written once
per module and never changed by a test (a test writes its hostile copy into its own tmp_path)."""

from __future__ import annotations

import pytest

from tests.reliability.corpus import Corpus, write_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    """The small valid ledgers and settle.toml (read-only for the tests)."""
    return write_corpus(tmp_path_factory.mktemp("corpus"))
