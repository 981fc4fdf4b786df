"""A bounded random-mutation fuzz of every ledger kind through the CLI (issue 14, point 7).

Each case starts from the small valid ledger of its kind, makes 1-3 seeded mutations (rows,
columns, cells with extreme values, headers and units, bytes, encodings, line ends, CSV or
XLSX), then runs `ecocomp ledger check KIND FILE` and the family command that reads the kind
(--skip-invalid, -o JSON, --issues-out CSV), and asserts: exit 0, 1 or 2, no traceback, no
internal error (exit 3), and conservation of rows and money in every JSON written.

$ECOCOMP_FUZZ_CASES sets the cases per kind (default 10); $ECOCOMP_FUZZ_SEED replays one seed
(every kind, or one with -k KIND). A failure prints its seed and mutations.
"""

from __future__ import annotations

import os
import random
from pathlib import Path

import pytest

from ecocomp.ledgers.kinds import KINDS
from tests.reliability.corpus import (
    COMMAND_OF,
    Corpus,
    check_clean,
    check_conservation,
    family_args,
    invoke,
    read_json,
    small_texts,
)
from tests.reliability.hostile import rows_of

CASES = int(os.environ.get("ECOCOMP_FUZZ_CASES", "10"))
REPLAY = os.environ.get("ECOCOMP_FUZZ_SEED", "")
FUZZED = sorted(COMMAND_OF)


def test_every_ledger_kind_is_fuzzed() -> None:
    assert sorted(KINDS) == FUZZED


def seeds() -> list[tuple[str, int]]:
    """(kind, seed) of every case: fixed seeds per kind, or the one replayed."""
    if REPLAY:
        return [(kind, int(REPLAY)) for kind in FUZZED]
    return [(kind, 1000 * (i + 1) + n) for i, kind in enumerate(FUZZED) for n in range(CASES)]


def other_values(kind: str) -> list[str]:
    """Cell values of the other kinds' ledgers (a clerk's paste from the wrong file)."""
    texts = small_texts()
    return sorted({v for k, t in texts.items() if k != kind for row in rows_of(t)[2:6] for v in row})


@pytest.mark.parametrize(("kind", "seed"), seeds(), ids=[f"{k}-{s}" for k, s in seeds()])
def test_mutated_ledger_never_breaks_the_cli(corpus: Corpus, tmp_path: Path, kind: str, seed: int) -> None:
    from tests.reliability.mutate import mutant

    rng = random.Random(seed)
    data, suffix, log = mutant(corpus[kind].read_text("utf-8"), other_values(kind), rng)
    path = tmp_path / f"{kind}{suffix}"
    path.write_bytes(data)
    context = f"kind {kind}, ECOCOMP_FUZZ_SEED={seed} (-k {kind}), mutations: {'; '.join(log)}"
    check_clean(invoke(["ledger", "check", kind, path]), f"ledger check, {context}")
    out, issues = tmp_path / "out.json", tmp_path / "issues.csv"
    args = [*family_args(kind, path, corpus), "--skip-invalid", "-o", out, "--issues-out", issues]
    result = invoke(args)
    check_clean(result, f"{COMMAND_OF[kind]}, {context}")
    if result.exit_code == 0:
        assert out.exists(), f"[{context}] exit 0 without the report"
    if out.exists():
        check_conservation(read_json(out), COMMAND_OF[kind], context)
