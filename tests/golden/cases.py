"""The golden cases: every shipped example run the way a user runs it, and the figures of each
run that the golden files pin (per place, per section, per rating and month, row
reconciliations, sorted reasons). Amounts stay the exact decimal strings of the JSON report.

`python -m tests.golden.update` writes the files anew; a change to one is a decision that the
commit that makes it must explain (which figures moved and why).
"""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from ecocomp.cli.main import app

GOLDEN = Path(__file__).parent
REPO = GOLDEN.parent.parent
EX18 = REPO / "examples" / "suzhou-2018"
EX21 = REPO / "examples" / "suzhou-2021"

Json = dict[str, Any]


@dataclass(frozen=True)
class Case:
    """One command on one example, and how its figures are taken from the JSON report."""

    name: str
    args: tuple[str, ...]
    figures: Callable[[Json], Json]
    lines_csv: bool = False  # also write the bill lines as CSV; its rows reach `figures` as "_lines"

    @property
    def path(self) -> Path:
        return GOLDEN / f"{self.name}.json"


def _reasons(rows: list[Json], key: str) -> list[list[object]]:
    """Distinct reasons with how many rows carry each, sorted."""
    counts = Counter(str(r[key]) for r in rows)
    return [[reason, counts[reason]] for reason in sorted(counts)]


def _pick(rows: list[Json], keys: tuple[str, ...]) -> list[Json]:
    return [{k: r[k] for k in keys} for r in rows]


def _section_months(lines: list[Json]) -> dict[str, dict[str, str]]:
    """Each section-month's amounts by direction: the sums of its rounded factor lines."""
    sums: dict[str, dict[str, Decimal]] = {}
    for line in lines:
        cell = sums.setdefault(f"{line['section']} {line['month']}", {})
        cell[line["direction"]] = cell.get(line["direction"], Decimal(0)) + Decimal(line["amount"])
    return {k: {d: str(v) for d, v in sorted(cell.items())} for k, cell in sorted(sums.items())}


def _section_totals(lines: list[Json]) -> dict[str, str]:
    """Each section's amount over the period: the sum of its rounded lines."""
    sums: dict[str, Decimal] = {}
    for line in lines:
        sums[line["section"]] = sums.get(line["section"], Decimal(0)) + Decimal(line["amount"])
    return {k: str(v) for k, v in sorted(sums.items())}


FUND_KEYS = (
    "payer_code",
    "payer",
    "region",
    "basic_fund",
    "coefficient",
    "fund",
    "return_ratio",
    "return_amount",
    "reward_ratio",
    "reward_amount",
    "net",
)
WATER_KEYS = ("district_code", "district", "paid", "received", "net")
SURCHARGE_KEYS = ("electricity_surcharge", "water_surcharge", "total")
#: Bill lines pinned one by one: January 2018 (trial rule, monthly rating), a black bill, and
#: July 2019 (the 2019 revision's half-year rule).
SAMPLE_LINES = frozenset({*range(3, 15), 23, *range(5404, 5416)})
BILL_KEYS = (
    "line",
    "enterprise",
    "month",
    "electricity_kwh",
    "electricity_rating",
    "electricity_tariff",
    "electricity_surcharge",
    "water_m3",
    "water_rating",
    "water_red_repeat",
    "water_tariff",
    "water_surcharge",
)


def fund_figures(report: Json) -> Json:
    return {
        "payers": _pick(report["summary"], FUND_KEYS),
        "totals": report["totals"],
        "reconciliation": report["manifest"]["reconciliation"],
        "excluded_reasons": _reasons(report["excluded"], "reason"),
        "rejected_reasons": _reasons(report["rejected"], "message"),
    }


def water_figures(report: Json) -> Json:
    return {
        "districts": _pick(report["summary"], WATER_KEYS),
        "sections": _section_totals(report["lines"]),
        "section_months": _section_months(report["lines"]),
        "control": report["control"],
        "totals": report["totals"],
        "reconciliation": report["manifest"]["reconciliation"],
        "excluded_reasons": _reasons(report["excluded"], "reason"),
        "rejected_reasons": _reasons(report["rejected"], "message"),
    }


def surcharge_figures(report: Json) -> Json:
    return {
        "summary": report["summary"],
        "by_district": _pick(report["by_district"], ("district_code", "district", *SURCHARGE_KEYS)),
        "by_rating": report["by_rating"],
        "by_month": _pick(report["by_month"], ("month", "bills", *SURCHARGE_KEYS)),
        "by_enterprise": _pick(report["by_enterprise"], ("enterprise", "bills", *SURCHARGE_KEYS)),
        "sample_bills": _pick([b for b in report["_lines"] if int(b["line"]) in SAMPLE_LINES], BILL_KEYS),
        "reconciliation": report["manifest"]["reconciliation"],
        "rejected_reasons": _reasons(report["rejected"], "message"),
    }


def settle_figures(report: Json) -> Json:
    families: Mapping[str, Json] = report["manifest"]["families"]
    return {
        "summary": report["summary"],
        "totals": report["totals"],
        "reconciliation": {k: v["reconciliation"] for k, v in sorted(families.items())},
        "excluded_reasons": {
            k[: -len("_excluded")]: _reasons(v, "reason")
            for k, v in sorted(report.items())
            if k.endswith("_excluded")
        },
        "rejected_reasons": _reasons(report["rejected"], "message"),
    }


def _ex(folder: Path, *names: str) -> tuple[str, ...]:
    return tuple(str(folder / n) for n in names)


CASES = (
    Case("settle-suzhou-2018", ("settle", "--example", "suzhou-2018"), settle_figures),
    Case("settle-suzhou-2021", ("settle", "--example", "suzhou-2021"), settle_figures),
    Case(
        "fund-suzhou-2018",
        ("fund", *_ex(EX18, "emissions.csv"), "--year", "2018", "--indicators", *_ex(EX18, "indicators.csv")),
        fund_figures,
    ),
    Case(
        "fund-suzhou-2021",
        (
            "fund",
            *_ex(EX21, "emissions.csv"),
            "--year",
            "2021",
            "--indicators",
            *_ex(EX21, "indicators.csv"),
            "--carbon",
            *_ex(EX21, "carbon.csv"),
        ),
        fund_figures,
    ),
    Case(
        "water-suzhou-2018",
        (
            "water",
            *_ex(EX18, "sections.csv", "monitoring.csv"),
            "--shares",
            *_ex(EX18, "section_shares.csv"),
            "--from",
            "2018-01",
            "--to",
            "2018-12",
        ),
        water_figures,
    ),
    Case(
        "surcharge-suzhou-2018",
        ("surcharge", *_ex(EX18, "bills.csv", "ratings.csv"), "--language", "en"),
        surcharge_figures,
        lines_csv=True,
    ),
)


def run_case(case: Case, out_dir: Path) -> str:
    """The case's figures as the canonical text of its golden file."""
    out = out_dir / f"{case.name}.json"
    lines = out_dir / f"{case.name}-lines.csv"
    extra = ("-o", str(lines)) if case.lines_csv else ()
    result = CliRunner().invoke(app, [*case.args, "-o", str(out), *extra], env={"ECOCOMP_TARIFFS": ""})
    assert result.exit_code == 0, result.output
    report = json.loads(out.read_text("utf-8"))
    if case.lines_csv:
        with lines.open(encoding="utf-8-sig", newline="") as f:
            report["_lines"] = list(csv.DictReader(f))
    return json.dumps(case.figures(report), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
