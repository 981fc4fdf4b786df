"""The family contract, checked the same way for every registered family (the shipped ones and
the test-only flat fee): its run reconciles, its rejected rows carry file, line and column, its
outputs are deterministic, and its explanations cite the documents of the tables it used."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from ecocomp.codes import EVIDENCE
from ecocomp.families.base import Result, Run
from ecocomp.families.registry import FAMILIES, register, unregister
from ecocomp.reports.text import json_bytes
from ecocomp.settlement.run import Settlement, run_settlement
from tests.families.conftest import contract_config
from tests.families.flatfee.family import FLATFEE

SHIPPED = tuple(FAMILIES)  # at import: the families ecocomp ships
KEYS = (*SHIPPED, FLATFEE.key)


@pytest.fixture(scope="module")
def registered() -> Iterator[None]:
    register(FLATFEE)
    yield
    unregister(FLATFEE.key)


@pytest.fixture(scope="module")
def settled(registered: None, tmp_path_factory: pytest.TempPathFactory) -> tuple[Settlement, Settlement]:
    """The contract example settled twice, from two copies of its files."""
    runs = [run_settlement(contract_config(tmp_path_factory.mktemp("c") / "ex")) for _ in range(2)]
    return runs[0], runs[1]


@pytest.fixture(scope="module")
def rejecting(settled: tuple[Settlement, Settlement], tmp_path_factory: pytest.TempPathFactory) -> Settlement:
    """The contract example with the last row of each family's reconciled ledger written twice."""
    config = contract_config(tmp_path_factory.mktemp("r") / "ex", skip_invalid=True)
    for family in FAMILIES.values():
        name = billed_ledger(settled[0].runs[family.key])
        section = config.read_text("utf-8").split(f"[{family.key}]")[1]
        file = config.parent / section.split(f'{name} = "')[1].split('"')[0]
        lines = file.read_text("utf-8-sig").rstrip("\n").split("\n")
        file.write_text("\n".join([*lines, lines[-1]]) + "\n", "utf-8-sig")
    return run_settlement(config)


def billed_ledger(run: Run[Result]) -> str:
    """The role key of the ledger whose rows a family's reconciliation counts."""
    return FAMILIES[run.family].reconcile(run.result, {i.role: i for i in run.inputs}).ledger


def test_the_registry_lists_every_family_folder(registered: None) -> None:
    folders = Path(__file__).parents[2] / "src" / "ecocomp" / "families"
    assert sorted(p.parent.name for p in folders.glob("*/family.py")) == sorted(SHIPPED)
    assert tuple(FAMILIES) == KEYS


@pytest.mark.parametrize("key", KEYS)
def test_the_run_reconciles(key: str, settled: tuple[Settlement, Settlement]) -> None:
    run: Run[Result] = settled[0].runs[key]
    family = FAMILIES[key]
    again = family.reconcile(run.result, {i.role: i for i in run.inputs})
    assert again.holds() and again.counts == run.reconciliation
    kind = next(r.kind for r in family.ledgers if r.key == again.ledger)
    assert run.reconciliation[again.total] == next(i.rows_read for i in run.inputs if i.role == kind) > 0


@pytest.mark.parametrize("key", KEYS)
def test_rejected_rows_carry_file_line_and_column(key: str, rejecting: Settlement) -> None:
    run = rejecting.runs[key]
    family = FAMILIES[key]
    kind = next(r.kind for r in family.ledgers if r.key == billed_ledger(run))
    first = next(i for i in run.inputs if i.role == kind)
    doubled = [i for i in run.rejected if i.source == first.name and i.code == "duplicate_key"]
    assert len(doubled) == 2 and doubled[1].line == doubled[0].line + 1
    assert doubled[1].line == max(i.line or 0 for i in run.rejected if i.source == first.name)
    assert all(i.column and i.value and i.message for i in doubled)
    reconciliation = family.reconcile(run.result, {i.role: i for i in run.inputs})
    assert reconciliation.holds() and run.reconciliation["rejected_by_ledger_check"] == 2


@pytest.mark.parametrize("key", KEYS)
def test_outputs_are_deterministic(key: str, settled: tuple[Settlement, Settlement]) -> None:
    first, second = (FAMILIES[key].report(s.runs[key]) for s in settled)
    assert json_bytes(first) == json_bytes(second)
    assert len(json_bytes(first)) > 1000


@pytest.mark.parametrize("key", KEYS)
def test_explanations_cite_a_document(key: str, settled: tuple[Settlement, Settlement]) -> None:
    run = settled[0].runs[key]
    documents = {t.header.document for t in run.result.tariffs}
    assert documents and all(documents)
    explained = [
        str(row["explanation"])
        for table in FAMILIES[key].report(run).tables
        if any(c.key == "explanation" for c in table.columns)
        for row in table.rows
    ]
    assert explained, f"{key} explains no line"
    assert all(any(doc in text for doc in documents) for text in explained if text)


@pytest.mark.parametrize("key", KEYS)
def test_every_place_figure_says_what_it_rests_on(key: str, settled: tuple[Settlement, Settlement]) -> None:
    """Issue 12: an empty basis would mark a place 已核实 on nothing; every use names a table of the run."""
    run = settled[0].runs[key]
    used = {t.id for t in run.result.tariffs}
    places = list(FAMILIES[key].by_place(run))
    assert places
    for place in places:
        assert place.basis.uses, (key, place.code)
        tables = {ref.split(":", 1)[0] for ref, _ in place.basis.uses}
        assert tables - {"places-jiangsu"} <= used, (key, place.code)
        assert {tag for _, tag in place.basis.uses} <= set(EVIDENCE)


@pytest.mark.parametrize("key", KEYS)
def test_every_explained_line_carries_its_evidence(key: str, settled: tuple[Settlement, Settlement]) -> None:
    """Issue 12: each table of computed lines has the evidence code and the values behind it."""
    tables = [t for t in FAMILIES[key].report(settled[0].runs[key]).tables if t.rows]
    explained = [t for t in tables if any(c.key == "explanation" for c in t.columns)]
    assert explained
    for table in explained:
        keys = [c.key for c in table.columns]
        assert "evidence" in keys and "evidence_values" in keys, (key, table.key)
        assert {row["evidence"] for row in table.rows} <= set(EVIDENCE), (key, table.key)
