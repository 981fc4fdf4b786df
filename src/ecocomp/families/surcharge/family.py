"""Credit-rated surcharges as a policy family: its parameters (the months charged), its
settle.toml section, the run wiring (`run_surcharge`), and its figures in the settlement.

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (2016 trial, 2019 revision),
《江苏省污水处理费征收使用管理实施办法》, 南京市差别化污水处理费.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ecocomp.families.base import LedgerRole, Period, PlaceFigures, Progress, Reconciliation, Run, params_of
from ecocomp.families.surcharge.ledgers import KINDS
from ecocomp.families.surcharge.tables import TARIFF_FAMILIES
from ecocomp.ledgers.kinds import Kind
from ecocomp.months import parse_month
from ecocomp.reports.model import Chart, Column, Report
from ecocomp.tariffs.catalogue import TableCheck, TariffFamily

if TYPE_CHECKING:  # the computation is imported by the methods that run it: the registry needs none
    import pandas as pd

    from ecocomp.families.surcharge.compute import SurchargeResult
    from ecocomp.ledgers.ledger import Ledger
    from ecocomp.reports.manifest import InputFile
    from ecocomp.tariffs.book import TariffBook

__all__ = [
    "SURCHARGE",
    "SurchargeFamily",
    "SurchargeParams",
    "SurchargeRun",
    "SurchargeSettings",
    "run_surcharge",
]

SurchargeRun = Run["SurchargeResult"]
Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class SurchargeParams(BaseModel):
    """The first and last bill month charged; neither: every bill."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    start: date | None = Field(default=None, alias="from")
    end: date | None = Field(default=None, alias="to")

    @field_validator("start", "end", mode="before")
    @classmethod
    def _month(cls, value: object) -> object:
        return parse_month(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _both_or_neither(self) -> SurchargeParams:
        if (self.start is None) != (self.end is None):
            raise ValueError("give both --from and --to, or neither")
        return self

    @property
    def period(self) -> tuple[date, date] | None:
        return None if self.start is None or self.end is None else (self.start, self.end)


class SurchargeSettings(BaseModel):
    """`[surcharge]` in settle.toml: the ledgers, relative to the config file, and the months
    charged (default: January to December of the config's year)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    bills: str
    ratings: str
    from_month: Month | None = Field(default=None, alias="from")
    to_month: Month | None = Field(default=None, alias="to")


class SurchargeFamily:
    """差别电价、差别化污水处理费: the surcharges on bills of red- and black-rated enterprises."""

    key: str = "surcharge"
    title_zh: str = "差别化电价与污水处理费"
    title_en: str = "Credit-rated electricity and sewage surcharges"
    prefix_zh: str = "加价"
    tariff_families: tuple[TariffFamily, ...] = TARIFF_FAMILIES
    table_checks: tuple[TableCheck, ...] = ()
    ledger_kinds: tuple[Kind, ...] = KINDS
    ledgers: tuple[LedgerRole, ...] = (
        LedgerRole("bills", "bills", help="Bills ledger 企业用电用水台账 (.csv, .xlsx, .parquet)."),
        LedgerRole("ratings", "ratings", help="Ratings ledger 企业环境信用评价台账 (colour or score)."),
    )
    params: type[BaseModel] = SurchargeParams
    settings: type[BaseModel] = SurchargeSettings
    summary_columns: tuple[Column, ...] = (
        Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
        Column("water_surcharge", "差别水价加价(元)", "money", total=True),
        Column("surcharge_total", "加价合计(元)", "money", total=True),
    )
    headline_columns: tuple[str, ...] = ("surcharge_total",)
    charts: tuple[Chart, ...] = (
        Chart(
            "surcharge_total",
            "差别电价、差别化污水处理费加价合计",
            "Electricity and sewage surcharges, total",
            ("surcharge_total",),
        ),
    )
    city_payer: bool = False
    command: str = "ecocomp.families.surcharge.command:surcharge"
    json_schema: bool = False  # its JSON is the summary written by `files`, not a plain report
    own_json_schema: str = "ecocomp.families.surcharge.schema:surcharge_json_schema"

    def params_from_settings(self, settings: SurchargeSettings, *, year: int, level: str) -> SurchargeParams:
        months = {"from": settings.from_month or f"{year}-01", "to": settings.to_month or f"{year}-12"}
        return params_of(SurchargeParams, months)

    def preflight(self, params: SurchargeParams, book: TariffBook) -> None:
        """Nothing to check before reading: the tables are picked per district and month."""

    def period(self, params: SurchargeParams) -> Period | None:
        """The bills of the months charged; None: every bill."""
        months = params.period
        return None if months is None else Period("bills", "month", *months)

    def compute(
        self,
        ledgers: Mapping[str, Ledger],
        params: SurchargeParams,
        book: TariffBook,
        progress: Progress | None,
    ) -> SurchargeResult:
        from ecocomp.families.surcharge.compute import compute_surcharge

        bills, outside = _within(ledgers["bills"].frame, params.period)
        result = compute_surcharge(
            bills,
            ledgers["ratings"].frame,
            book=book,
            sources={key: led.source for key, led in ledgers.items()},
            headers={key: dict(led.headers) for key, led in ledgers.items()},
            progress=None if progress is None else lambda done, total: progress("compute", done, total),
        )
        return replace(result, outside_period=outside)

    def reconcile(self, result: SurchargeResult, inputs: Mapping[str, InputFile]) -> Reconciliation:
        """Bill rows read = charged + outside the period + rejected by the ledger check or the rules."""
        bills, ratings = inputs["bills"], inputs["ratings"]
        charged = len(result.kept)
        counts = {
            "bills_rows_read": bills.rows_read,
            "charged": charged,
            "outside_period": result.outside_period,
            "rejected_by_ledger_check": bills.rows_rejected,
            "rejected_by_rules": result.bills.num_rows - charged,
            "ratings_rows_read": ratings.rows_read,
            "ratings_rejected": ratings.rows_read - len(result.history.line),
        }
        return Reconciliation("bills", counts, "bills_rows_read", tuple(counts)[1:5])

    def parameters(self, params: SurchargeParams) -> dict[str, object]:
        if params.start is None or params.end is None:
            return {}
        return {"from": params.start.isoformat()[:7], "to": params.end.isoformat()[:7]}

    def report(self, run: SurchargeRun) -> Report:
        from ecocomp.families.surcharge.report import surcharge_report

        return surcharge_report(run)

    def by_place(self, run: SurchargeRun) -> Iterable[PlaceFigures]:
        for g in run.result.by_district:
            figures = {
                "electricity_surcharge": g.electricity_surcharge,
                "water_surcharge": g.water_surcharge,
                "surcharge_total": g.total,
            }
            yield PlaceFigures(g.key, g.name, figures, basis=g.basis)


SURCHARGE = SurchargeFamily()


def _within(bills: pd.DataFrame, period: tuple[date, date] | None) -> tuple[pd.DataFrame, int]:
    """The bills of the period's months, and how many bills lie outside it."""
    if period is None:
        return bills, 0
    months = bills["month"]
    inside = ((months >= period[0]) & (months <= period[1])).fillna(False).astype(bool)
    return bills[inside.to_numpy()], int((~inside).sum())


def run_surcharge(
    bills: Path,
    ratings: Path,
    *,
    book: TariffBook,
    skip_invalid: bool = False,
    progress: Progress | None = None,
    period: tuple[date, date] | None = None,
) -> SurchargeRun:
    """Read, check and compute the bills of `period` (first and last month; None: every bill).
    Strict by default: any problem raises `LedgerValidationError`."""
    from ecocomp.families.run import run_family

    months = {} if period is None else {"from": period[0], "to": period[1]}
    params = params_of(SurchargeParams, months)
    paths = {"bills": bills, "ratings": ratings}
    run = run_family(SURCHARGE, paths, params, book=book, skip_invalid=skip_invalid, progress=progress)
    return cast(SurchargeRun, run)
