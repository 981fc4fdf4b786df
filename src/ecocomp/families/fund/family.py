"""The pollutant-linked fund as a policy family: its parameters, its settle.toml section, the
run wiring (`run_fund`), and its figures in the settlement.

References (POLICY.md, family A): 苏政发〔2016〕158号, 〔2019〕2号, 〔2022〕31号.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Literal, cast

from pydantic import BaseModel, ConfigDict

from ecocomp.codes import PROVINCE
from ecocomp.families.base import LedgerRole, Period, PlaceFigures, Progress, Reconciliation, Run, params_of
from ecocomp.families.fund.checks import check_rewards
from ecocomp.families.fund.ledgers import KINDS
from ecocomp.families.fund.tables import TARIFF_FAMILIES
from ecocomp.ledgers.kinds import Kind
from ecocomp.reports.model import Chart, Column, Report
from ecocomp.tariffs.catalogue import TableCheck, TariffFamily

if TYPE_CHECKING:  # the computation is imported by the methods that run it: the registry needs none
    from ecocomp.families.fund.compute import FundResult, Level
    from ecocomp.ledgers.ledger import Ledger
    from ecocomp.reports.manifest import InputFile
    from ecocomp.tariffs.book import TariffBook

__all__ = ["FUND", "FundFamily", "FundParams", "FundRun", "FundSettings", "run_fund"]

FundRun = Run["FundResult"]


class FundParams(BaseModel):
    """The assessment year (picks the table version) and the level (the provincial table, or
    the payer's city's own pass-through table)."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    year: int
    level: Literal["province", "city"] = "province"


class FundSettings(BaseModel):
    """`[fund]` in settle.toml: the ledgers, relative to the config file."""

    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)
    emissions: str
    indicators: str | None = None
    carbon: str | None = None


class FundFamily:
    """污染物排放统筹资金: what each payer pays the province, and gets back."""

    key: str = "fund"
    title_zh: str = "污染物排放统筹资金"
    title_en: str = "Pollutant-linked fund"
    prefix_zh: str = "统筹资金"
    tariff_families: tuple[TariffFamily, ...] = TARIFF_FAMILIES
    table_checks: tuple[TableCheck, ...] = (check_rewards,)
    ledger_kinds: tuple[Kind, ...] = KINDS
    ledgers: tuple[LedgerRole, ...] = (
        LedgerRole("emissions", "emissions", help="Emissions ledger 排放量台账."),
        LedgerRole(
            "indicators", "indicators", False, "Indicators ledger 考核指标台账: which targets were met."
        ),
        LedgerRole("carbon", "carbon", False, "CO2-intensity ledger 碳排放强度台账 (2021 on)."),
    )
    params: type[BaseModel] = FundParams
    settings: type[BaseModel] = FundSettings
    summary_columns: tuple[Column, ...] = (
        Column("fund", "统筹资金(元)", "money", total=True),
        Column("fund_return", "返还(元)", "money", total=True),
        Column("fund_reward", "奖励(元)", "money", total=True),
        Column("fund_net", "净上缴(元)", "money", total=True),
    )
    headline_columns: tuple[str, ...] = ("fund", "fund_return", "fund_reward", "fund_net")
    charts: tuple[Chart, ...] = (
        Chart(
            "fund_net",
            "净上缴（正数＝向省上缴）",
            "Fund: net paid to the province (positive = paid to the province)",
            ("fund_net",),
        ),
    )
    city_payer: bool = True  # a city payer is its urban area (市区), paying for its districts
    command: str = "ecocomp.families.fund.command:fund"
    json_schema: bool = True
    own_json_schema: str = ""

    def params_from_settings(self, settings: FundSettings, *, year: int, level: str) -> FundParams:
        return params_of(FundParams, {"year": year, "level": level})

    def preflight(self, params: FundParams, book: TariffBook) -> None:
        if params.level == "province":  # no table for the year: stop before reading
            book.in_force("pollutant_fund", PROVINCE, year=params.year)

    def period(self, params: FundParams) -> Period:
        """The emission rows of the assessment year."""
        return Period("emissions", "year", params.year, params.year)

    def compute(
        self, ledgers: Mapping[str, Ledger], params: FundParams, book: TariffBook, progress: Progress | None
    ) -> FundResult:
        from ecocomp.families.fund.compute import compute_fund

        optional = {key: led.frame for key, led in ledgers.items() if key != "emissions"}
        return compute_fund(
            ledgers["emissions"].frame,
            year=params.year,
            book=book,
            indicators=optional.get("indicators"),
            carbon=optional.get("carbon"),
            level=params.level,
            sources={key: led.source for key, led in ledgers.items()},
        )

    def reconcile(self, result: FundResult, inputs: Mapping[str, InputFile]) -> Reconciliation:
        """Emission rows read = billed + excluded + rejected (by the ledger check or the rules)."""
        emissions = inputs["emissions"]
        counts = {
            "emissions_rows_read": emissions.rows_read,
            "billed": len(result.lines),
            "excluded": len(result.excluded),
            "rejected_by_ledger_check": emissions.rows_rejected,
            "rejected_by_rules": len({(i.source, i.line) for i in result.rejected}),
        }
        return Reconciliation("emissions", counts, "emissions_rows_read", tuple(counts)[1:])

    def parameters(self, params: FundParams) -> dict[str, object]:
        return {"year": params.year, "level": params.level}

    def report(self, run: FundRun) -> Report:
        from ecocomp.families.fund.report import fund_report

        return fund_report(run)

    def by_place(self, run: FundRun) -> Iterable[PlaceFigures]:
        for p in run.result.payers:
            figures = {"fund": p.fund, "fund_return": p.return_amount, "fund_reward": p.reward_amount}
            yield PlaceFigures(p.payer_code, p.payer, figures | {"fund_net": p.net}, p.basis)


FUND = FundFamily()


def run_fund(
    emissions: Path,
    *,
    year: int,
    book: TariffBook,
    indicators: Path | None = None,
    carbon: Path | None = None,
    level: Level = "province",
    skip_invalid: bool = False,
) -> FundRun:
    """Read, check and compute. Strict by default: any problem raises `LedgerValidationError`."""
    from ecocomp.families.run import run_family

    params = params_of(FundParams, {"year": year, "level": level})
    paths = {"emissions": emissions, "indicators": indicators, "carbon": carbon}
    return cast(FundRun, run_family(FUND, paths, params, book=book, skip_invalid=skip_invalid))
