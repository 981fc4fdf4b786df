"""Water-environment compensation as a policy family: its parameters (the months), its
settle.toml section, the run wiring (`run_water`), and its figures in the settlement.

References (POLICY.md, family B): 苏政办发〔2013〕195号, 苏环办〔2016〕341号, 苏环办〔2021〕131号.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ecocomp.families.base import LedgerRole, Period, PlaceFigures, Progress, Reconciliation, Run, params_of
from ecocomp.families.water.checks import check_taihu_factors, check_taihu_tp_factor
from ecocomp.families.water.ledgers import KINDS
from ecocomp.families.water.tables import TARIFF_FAMILIES
from ecocomp.ledgers.kinds import Kind
from ecocomp.months import parse_month
from ecocomp.reports.model import Chart, Column, Report
from ecocomp.tariffs.catalogue import TableCheck, TariffFamily

if TYPE_CHECKING:  # the computation is imported by the methods that run it: the registry needs none
    from ecocomp.families.water.compute import WaterResult
    from ecocomp.ledgers.ledger import Ledger
    from ecocomp.reports.manifest import InputFile
    from ecocomp.tariffs.book import TariffBook

__all__ = ["WATER", "WaterFamily", "WaterParams", "WaterRun", "WaterSettings", "run_water"]

WaterRun = Run["WaterResult"]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class WaterParams(BaseModel):
    """The first and last month computed (YYYY-MM, or 2018/1, 201801)."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    start: date = Field(alias="from")
    end: date = Field(alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        return parse_month(value) if isinstance(value, str) else value


class WaterSettings(BaseModel):
    """`[water]` in settle.toml: the ledgers, relative to the config file, and the months."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    sections: str
    monitoring: str
    shares: str | None = None
    from_month: Month = Field(alias="from")
    to_month: Month = Field(alias="to")


class WaterFamily:
    """水环境区域补偿: who pays whom, through the province, per section, month and factor."""

    key: str = "water"
    title_zh: str = "水环境区域补偿"
    title_en: str = "Water-environment compensation"
    prefix_zh: str = "水补偿"
    tariff_families: tuple[TariffFamily, ...] = TARIFF_FAMILIES
    table_checks: tuple[TableCheck, ...] = (check_taihu_tp_factor, check_taihu_factors)
    ledger_kinds: tuple[Kind, ...] = KINDS
    ledgers: tuple[LedgerRole, ...] = (
        LedgerRole("sections", "sections", help="Sections registry 断面台账."),
        LedgerRole("monitoring", "monitoring", help="Monthly monitoring 断面监测台账."),
        LedgerRole("shares", "section_shares", False, "Sharing coefficients 断面分担比例台账 (分担系数)."),
    )
    params: type[BaseModel] = WaterParams
    settings: type[BaseModel] = WaterSettings
    summary_columns: tuple[Column, ...] = (
        Column("water_paid", "水补偿支付(元)", "money", total=True),
        Column("water_received", "水补偿收到(元)", "money", total=True),
        Column("water_net", "水补偿净额(元)", "money", total=True),
    )
    headline_columns: tuple[str, ...] = ("water_net",)
    charts: tuple[Chart, ...] = (
        Chart(
            "water_net",
            "水补偿净额（正数＝收到，负数＝支付）",
            "Water compensation, net (positive = received, negative = paid)",
            ("water_net",),
        ),
    )
    city_payer: bool = False
    command: str = "ecocomp.families.water.command:water"
    json_schema: bool = True
    own_json_schema: str = ""

    def params_from_settings(self, settings: WaterSettings, *, year: int, level: str) -> WaterParams:
        return params_of(WaterParams, {"from": settings.from_month, "to": settings.to_month})

    def preflight(self, params: WaterParams, book: TariffBook) -> None:
        """Nothing to check before reading: the tables are picked per month."""

    def period(self, params: WaterParams) -> Period:
        """The monitoring rows of the months computed."""
        return Period("monitoring", "month", params.start, params.end)

    def compute(
        self, ledgers: Mapping[str, Ledger], params: WaterParams, book: TariffBook, progress: Progress | None
    ) -> WaterResult:
        from ecocomp.families.water.compute import compute_water

        shares = ledgers.get("shares")
        return compute_water(
            ledgers["sections"].frame,
            ledgers["monitoring"].frame,
            start=params.start,
            end=params.end,
            book=book,
            shares=None if shares is None else shares.frame,
            sources={led.kind: led.source for led in ledgers.values()},
        )

    def reconcile(self, result: WaterResult, inputs: Mapping[str, InputFile]) -> Reconciliation:
        """Monitoring rows read = computed + excluded + rejected (by the ledger check or the rules);
        and the money balances: what the districts paid = what they received + the province's
        balance + each city's balance (the cities whose treasury city-scheme sections' money
        passed through), each the net of the treasury's own row (0 if it is no party): a failure
        is a bug."""
        province = result.province
        balance = Decimal(0) if province is None else province.net
        cities = {c.district: c.net for c in result.cities}
        nets = sum((d.net for d in result.districts), Decimal(0))
        held = balance + sum(cities.values(), Decimal(0))
        if result.paid != result.received + held or result.kept != held or nets != 0:
            raise AssertionError(
                f"money does not balance: districts paid {result.paid}, received {result.received}, "
                f"province's balance {balance}, cities' balances {cities}"
            )
        monitoring = inputs["monitoring"]
        by_rules = {i.line for i in result.rejected if i.source == monitoring.name}
        counts = {
            "monitoring_rows_read": monitoring.rows_read,
            "computed": sum(1 for line in result.lines if line.line is not None),
            "excluded": len(result.excluded),
            "rejected_by_ledger_check": monitoring.rows_rejected,
            "rejected_by_rules": len(by_rules),
            "substituted_cells": sum(1 for line in result.lines if line.line is None),
        }
        return Reconciliation("monitoring", counts, "monitoring_rows_read", tuple(counts)[1:5])

    def parameters(self, params: WaterParams) -> dict[str, object]:
        return {"from": f"{params.start:%Y-%m}", "to": f"{params.end:%Y-%m}"}

    def report(self, run: WaterRun) -> Report:
        from ecocomp.families.water.report import water_report

        return water_report(run)

    def by_place(self, run: WaterRun) -> Iterable[PlaceFigures]:
        for d in run.result.districts:
            figures = {"water_paid": d.paid, "water_received": d.received, "water_net": d.net}
            yield PlaceFigures(d.district_code, d.district, figures, basis=d.basis)


WATER = WaterFamily()


def run_water(
    sections: Path,
    monitoring: Path,
    *,
    start: date,
    end: date,
    book: TariffBook,
    shares: Path | None = None,
    skip_invalid: bool = False,
) -> WaterRun:
    """Read, check and compute. Strict by default: any problem raises `LedgerValidationError`."""
    from ecocomp.families.run import run_family

    params = params_of(WaterParams, {"from": start, "to": end})
    paths = {"sections": sections, "monitoring": monitoring, "shares": shares}
    return cast(WaterRun, run_family(WATER, paths, params, book=book, skip_invalid=skip_invalid))
