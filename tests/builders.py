"""Shared builders of test inputs, for every test folder.

- typed ledgers: Arrow tables and pandas frames shaped as `read_ledger` returns them (a `line`
  column numbered from 2, as in a file whose line 1 is the header, then typed columns);
- places: the shipped places table read on its own, or a tariff book whose places table has
  places added;
- user tariff folders: copies of shipped tables with text edits.

Family-specific builders (`tests/families/<family>/frames.py`) build on these.
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from ecocomp.places import Places
from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir
from ecocomp.tariffs.models import PlacesTable

TESTS = Path(__file__).resolve().parent
REPO = TESTS.parent
EX18 = REPO / "examples" / "suzhou-2018"
EX21 = REPO / "examples" / "suzhou-2021"
#: Small ledgers as clerks send them, good and bad (tests/ledgers/data/README.md lists them).
LEDGERS = TESTS / "ledgers" / "data"
PLACES_TABLE = "places/jiangsu-places.toml"


# --- typed ledgers ------------------------------------------------------------------------------


def lines(count: int) -> pa.Array:
    """Ledger line numbers from 2: line 1 is the header."""
    return pa.array(range(2, 2 + count), pa.int64())


def years(values: Iterable[int]) -> pa.Array:
    return pa.array(list(values), pa.int32())


def texts(values: Iterable[str | None]) -> pa.Array:
    return pa.array(list(values), pa.string())


def decimals(values: Iterable[str | Decimal | None], scale: int) -> pa.Array:
    """Exact decimals as decimal128(38, scale); None stays null."""
    return pa.array([None if v is None else Decimal(v) for v in values], pa.decimal128(38, scale))


def no_decimals(count: int, scale: int) -> pa.Array:
    """An optional decimal column left empty."""
    return pa.nulls(count, pa.decimal128(38, scale))


def dates(values: Iterable[date | None]) -> pa.Array:
    return pa.array(list(values), pa.date32())


def month(text: str) -> date:
    """'YYYY-MM' as the first day of the month."""
    year, number = text.split("-")
    return date(int(year), int(number), 1)


def day(text: str) -> date:
    """'YYYY-MM-DD', or 'YYYY-MM' for the first day of the month."""
    return date.fromisoformat(text) if len(text) == 10 else month(text)


def ledger(columns: Mapping[str, pa.Array], count: int | None = None) -> pa.Table:
    """A typed ledger: the `line` column, then `columns` (each of `count` rows; by default the
    length of the first column)."""
    rows = count if count is not None else len(next(iter(columns.values()), []))
    return pa.table({"line": lines(rows), **columns})


def frame(columns: Mapping[str, pa.Array], count: int | None = None) -> pd.DataFrame:
    """The ledger as the frame of `read_ledger(...).frame` (Arrow-backed pandas columns)."""
    return ledger(columns, count).to_pandas(types_mapper=pd.ArrowDtype)


# --- places -------------------------------------------------------------------------------------


def shipped_places() -> Places:
    """The shipped places table, read on its own (no tariff book)."""
    with (shipped_tariffs_dir() / PLACES_TABLE).open("rb") as handle:
        return Places.from_table(PlacesTable.model_validate(tomllib.load(handle, parse_float=Decimal)))


def book_with_places(folder: Path, places: Sequence[Mapping[str, str]]) -> TariffBook:
    """The shipped tables, with a user copy of the places table that has `places` added (same
    id and validity as the shipped one, so it replaces it). Each place is its TOML keys."""
    text = (shipped_tariffs_dir() / PLACES_TABLE).read_text("utf-8")
    for place in places:
        text += "\n[[place]]\n" + "".join(f'{key} = "{value}"\n' for key, value in place.items())
    folder.mkdir(parents=True, exist_ok=True)
    (folder / Path(PLACES_TABLE).name).write_text(text, "utf-8")
    return TariffBook.load([folder], env={})


# --- user tariff folders ------------------------------------------------------------------------


def edited_table(folder: Path, name: str, *edits: tuple[str, str], as_name: str | None = None) -> Path:
    """A copy of the shipped table `name` (its path under tariffs/) in `folder`, with each
    (old, new) text edit made; every old text must be in the table."""
    text = (shipped_tariffs_dir() / name).read_text("utf-8")
    for old, new in edits:
        assert old in text, f"{old!r} is not in {name}"
        text = text.replace(old, new)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / (as_name or Path(name).name)
    target.write_text(text, "utf-8")
    return target


def user_tables(tmp_path: Path, *edits: tuple[str, str, str]) -> TariffBook:
    """The shipped tables and a user folder of copies of shipped tables, each text-edited
    (name, old, new)."""
    folder = tmp_path / "tariffs"
    folder.mkdir(exist_ok=True)
    for name, old, new in edits:
        edited_table(folder, name, (old, new))
    return TariffBook.load([folder], env={})


def header_row(sheet: object, first_header: str) -> int:
    """The row number (1-based) of a workbook table's header: the first row whose column A is
    `first_header` (a sheet may open with the report's title, cover lines and a banner)."""
    for row in sheet.iter_rows(min_col=1, max_col=1):  # type: ignore[attr-defined]
        if row[0].value == first_header:
            return int(row[0].row)
    raise AssertionError(f"no header row starting with {first_header!r}")
