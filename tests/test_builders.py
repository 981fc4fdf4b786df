"""The shared builders make ledgers of the very shape `read_ledger` gives: the same columns, in
the same order, with the same types, for every ledger kind the family tests build."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pytest

from ecocomp.ledgers.ledger import read_ledger
from ecocomp.places import Places
from tests.builders import EX18, LEDGERS
from tests.families.fund import frames as ff
from tests.families.surcharge import frames as sf
from tests.families.water import frames as wf

BUILT: dict[str, tuple[Path, Callable[[], pd.DataFrame | pa.Table]]] = {
    "emissions": (EX18 / "emissions.csv", lambda: ff.emissions([(2018, "320583", "COD", "1.5", "t")])),
    "indicators": (EX18 / "indicators.csv", lambda: ff.indicators([(2018, "320583", "pm25", True)])),
    "carbon": (LEDGERS / "carbon_good.csv", lambda: ff.carbon([(2021, "320583", "0.5")])),
    "sections": (EX18 / "sections.csv", lambda: wf.sections([wf.section()], {"S1": {"TN": "1.0"}})),
    "monitoring": (EX18 / "monitoring.csv", lambda: wf.monitoring([("S1", "2018-01", "TP", "0.1", None)])),
    "section_shares": (EX18 / "section_shares.csv", lambda: wf.shares([("S1", "TP", "320583", "0.5")])),
    "bills": (EX18 / "bills.csv", lambda: sf.bills([("甲", "320583", "2018-01", "1", None)])),
    "ratings": (
        EX18 / "ratings.csv",
        lambda: sf.ratings([("甲", "red", "2018-01-01", None), ("乙", "5", "2019-01-01", "2019-12-31")]),
    ),
}


def _table(ledger: pd.DataFrame | pa.Table) -> pa.Table:
    return ledger if isinstance(ledger, pa.Table) else pa.Table.from_pandas(ledger, preserve_index=False)


def _schema(ledger: pd.DataFrame | pa.Table) -> list[tuple[str, pa.DataType]]:
    table = _table(ledger)
    return list(zip(table.schema.names, table.schema.types, strict=True))


@pytest.mark.parametrize("kind", list(BUILT))
def test_a_built_ledger_has_the_columns_and_types_read_ledger_gives(kind: str, places: Places) -> None:
    path, build = BUILT[kind]
    read = read_ledger(kind, path, places=places)
    assert read.issues == () and read.rows_accepted > 0
    built = build()
    assert _schema(built) == _schema(read.frame)
    assert _table(built).column("line").to_pylist()[:1] == [2]  # line 1 is the header
