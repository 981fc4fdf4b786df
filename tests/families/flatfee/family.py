"""定额费 (flat fee): each payer pays a flat rate per tonne delivered in an assessment year.

Everything a family needs, in one folder: its tariff table model, its ledger kind, its
computation, its report and its command. Nothing outside this folder names it; the tests
register it (`ecocomp.families.registry.register(FLATFEE)`) and every family-neutral place
(tariffs check, ledger check, settlement, JSON Schema, --help) picks it up.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, Literal

import typer
from pydantic import BaseModel, ConfigDict

from ecocomp.codes import PROVINCE, amount_text, number_text
from ecocomp.errors import LedgerIssue
from ecocomp.families.base import LedgerRole, PlaceFigures, Progress, Reconciliation, Run, params_of
from ecocomp.families.run import family_report, run_family
from ecocomp.ledgers.kinds import PAYER, YEAR, Column, Kind
from ecocomp.ledgers.ledger import Ledger
from ecocomp.money import Rounding, total
from ecocomp.reports.manifest import InputFile
from ecocomp.reports.model import Chart, Report, Table
from ecocomp.reports.model import Column as ReportColumn
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.catalogue import TableCheck, TariffFamily
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, Basis, basis_of
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.models import Rule, TariffTable, Value

TARIFFS = Path(__file__).parent / "tariffs"
DATA = Path(__file__).parent / "data"


class FlatFeeTable(TariffTable):
    rate: Value
    basis: Rule[Literal["delivered", "sold"]]  # a legal reading, tagged like every rule


DELIVERIES = Kind(
    "deliveries",
    "交付量台账",
    (YEAR, PAYER, Column("quantity", ("交付量", "数量"), "decimal", scale=6, non_negative=True)),
    key=("payer", "year"),
)


@dataclass(frozen=True)
class FeeLine:
    line: int
    payer: str
    payer_code: str
    quantity: Decimal
    rate: Decimal
    amount: Decimal
    explanation: str
    basis: Basis


@dataclass(frozen=True)
class FlatFeeResult:
    lines: tuple[FeeLine, ...]
    rejected: tuple[LedgerIssue, ...]
    tariffs: tuple[Tariff, ...]
    warnings: tuple[str, ...]


class FlatFeeParams(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    year: int


class FlatFeeSettings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    deliveries: str


class FlatFeeFamily:
    key: str = "flatfee"
    title_zh: str = "定额费"
    title_en: str = "Flat fee"
    prefix_zh: str = "定额费"
    tariff_families: tuple[TariffFamily, ...] = (
        TariffFamily("flat_fee", FlatFeeTable, units=(("rate", "CNY/t"),), by_year=True),
    )
    table_checks: tuple[TableCheck, ...] = ()
    ledger_kinds: tuple[Kind, ...] = (DELIVERIES,)
    ledgers: tuple[LedgerRole, ...] = (LedgerRole("deliveries", "deliveries", help="交付量台账."),)
    params: type[BaseModel] = FlatFeeParams
    settings: type[BaseModel] = FlatFeeSettings
    summary_columns: tuple[ReportColumn, ...] = (ReportColumn("flat_fee", "定额费(元)", "money", total=True),)
    headline_columns: tuple[str, ...] = ("flat_fee",)
    charts: tuple[Chart, ...] = (
        Chart("flat_fee", "定额费（正数＝应缴）", "Flat fee (positive = due)", ("flat_fee",)),
    )
    city_payer: bool = False
    command: str = "tests.families.flatfee.family:flatfee"
    json_schema: bool = True
    own_json_schema: str = ""

    def params_from_settings(self, settings: FlatFeeSettings, *, year: int, level: str) -> FlatFeeParams:
        return params_of(FlatFeeParams, {"year": year})

    def preflight(self, params: FlatFeeParams, book: TariffBook) -> None:
        book.in_force("flat_fee", PROVINCE, year=params.year)

    def compute(
        self,
        ledgers: Mapping[str, Ledger],
        params: FlatFeeParams,
        book: TariffBook,
        progress: Progress | None,
    ) -> FlatFeeResult:
        tariff = book.in_force("flat_fee", PROVINCE, year=params.year)
        assert isinstance(tariff.model, FlatFeeTable)
        rate = tariff.model.rate.value
        rounding = Rounding(tariff.header.rounding.quantum, tariff.header.rounding.mode)
        ledger = ledgers["deliveries"]
        lines = []
        for row in ledger.frame.itertuples():
            amount = rounding.apply(row.quantity * rate)
            place = book.places.find(row.payer)
            name = place.name if place else row.payer
            why = (
                f"{name} {number_text(row.quantity)} 吨 × {number_text(rate)} 元/吨"
                f"（{tariff.header.document}）= {amount_text(amount)} 元"
            )
            basis = basis_of(tariff, "rate")
            lines.append(
                FeeLine(row.line, name, row.payer, row.quantity.normalize(), rate, amount, why, basis)
            )
        return FlatFeeResult(tuple(lines), (), (tariff,), ())

    def reconcile(self, result: FlatFeeResult, inputs: Mapping[str, InputFile]) -> Reconciliation:
        deliveries = inputs["deliveries"]
        counts = {
            "deliveries_rows_read": deliveries.rows_read,
            "billed": len(result.lines),
            "rejected_by_ledger_check": deliveries.rows_rejected,
        }
        return Reconciliation(
            "deliveries", counts, "deliveries_rows_read", ("billed", "rejected_by_ledger_check")
        )

    def parameters(self, params: FlatFeeParams) -> dict[str, object]:
        return {"year": params.year}

    def report(self, run: Run[FlatFeeResult]) -> Report:
        columns = (
            ReportColumn("line", "台账行号", "int"),
            ReportColumn("payer", "缴费主体", "text"),
            ReportColumn("payer_code", "地区代码", "text"),
            ReportColumn("quantity", "交付量(吨)", "decimal", scale=6),
            ReportColumn("rate", "费率(元/吨)", "decimal", scale=6),
            ReportColumn("amount", "金额(元)", "money", total=True),
            *EVIDENCE_COLUMNS,
            ReportColumn("explanation", "说明", "text"),
        )
        rows = [vars(line) | line.basis.columns() for line in run.result.lines]
        return family_report(run, "定额费", (Table("summary", "汇总", columns, rows, totals=True),))

    def by_place(self, run: Run[FlatFeeResult]) -> Iterable[PlaceFigures]:
        for line in run.result.lines:
            yield PlaceFigures(line.payer_code, line.payer, {"flat_fee": line.amount}, line.basis)

    def total(self, run: Run[FlatFeeResult]) -> Decimal:
        return total(line.amount for line in run.result.lines)


FLATFEE = FlatFeeFamily()


def flatfee(
    deliveries: Annotated[Path, typer.Argument(exists=True, dir_okay=False, help="交付量台账.")],
    year: Annotated[int, typer.Option("--year", help="Assessment year.")],
    tariffs: Annotated[list[Path] | None, typer.Option("--tariffs", help="Your tariff folders.")] = None,
) -> None:
    """定额费: a flat fee per tonne delivered (a test-only family)."""
    book = TariffBook.load(tariffs or [])
    run = run_family(FLATFEE, {"deliveries": deliveries}, params_of(FlatFeeParams, {"year": year}), book=book)
    typer.echo(f"flat fee total {amount_text(FLATFEE.total(run))}")  # type: ignore[arg-type]
