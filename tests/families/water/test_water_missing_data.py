"""Water compensation with data missing: problems, substitutions by the table's rule, strict and
skip-invalid runs."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.errors import LedgerValidationError
from ecocomp.families.water.family import run_water
from ecocomp.families.water.report import water_report
from ecocomp.tariffs.book import TariffBook
from tests.builders import user_tables

from . import frames as wf
from .frames import DATA, compute, full, section


def test_missing_factor_month_and_flow_are_problems(book: TariffBook) -> None:
    rows = [
        ("S1", "2018-01", "CODMn", "5", "100"),
        ("S1", "2018-01", "NH3-N", "1", None),
        ("S1", "2018-02", "CODMn", "5", None),
        ("S1", "2018-02", "NH3-N", "1", None),
        ("S1", "2018-02", "TP", "0.2", None),
        ("XX", "2018-02", "TP", "0.2", None),
    ]
    result = compute(book, [section()], rows, "2018-01", "2018-02")
    found = [(i.source, i.line, i.code) for i in result.rejected]
    assert found == [
        ("monitoring", 4, "missing_flow"),
        ("monitoring", 5, "missing_flow"),
        ("monitoring", 6, "missing_flow"),
        ("monitoring", 7, "unknown_section"),
        ("sections", 2, "missing_data"),
    ]
    assert result.rejected[-1].value == "TP 2018-01"
    assert len(result.lines) == 2  # January CODMn and NH3-N: the flow of one row serves the month


def test_conflicting_flows_are_a_problem(book: TariffBook) -> None:
    rows = [
        ("S1", "2018-01", "CODMn", "5", "100"),
        ("S1", "2018-01", "NH3-N", "1", "120"),
        ("S1", "2018-01", "TP", "0.2", None),
    ]
    result = compute(book, [section()], rows, "2018-01")
    assert {i.code for i in result.rejected} == {"missing_flow"}
    assert "give different flows: 100, 120" in result.rejected[0].message


def _with_rule(tmp_path: Path, rule: str) -> TariffBook:
    return user_tables(
        tmp_path,
        (
            "water_compensation/jiangsu-water-2017.toml",
            'missing_data = { value = "error"',
            f'missing_data = {{ value = "{rule}"',
        ),
    )


def test_previous_month_substitution(tmp_path: Path) -> None:
    book = _with_rule(tmp_path, "previous_month")
    rows = [
        *full("S1", "2017-12", {"CODMn": "7", "NH3-N": "1", "TP": "0.2"}, "500"),
        ("S1", "2018-01", "NH3-N", "1", None),
        ("S1", "2018-01", "TP", "0.2", None),
    ]
    result = compute(book, [section()], rows, "2018-01")
    assert result.rejected == ()
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert (codmn.concentration, codmn.flow, codmn.line) == (Decimal(7), Decimal(500), None)
    assert (
        codmn.substituted
        == "高锰酸盐指数浓度缺测，按上月（2017年12月）值替代；流量缺测，按上月（2017年12月）值替代"
    )
    assert codmn.explanation.endswith(f"（{codmn.substituted}）")
    assert codmn.amount == Decimal("93750.00")  # 1 mg/L x 500 / 100 = 5 t x 18 750


def test_annual_mean_substitution_and_its_limit(tmp_path: Path) -> None:
    book = _with_rule(tmp_path, "annual_mean")
    rows = [
        ("S1", "2018-01", "CODMn", "6", "100"),
        ("S1", "2018-02", "CODMn", "7", "200"),
        ("S1", "2018-04", "CODMn", "8", "400"),
        *[("S1", f"2018-0{m}", f, v, None) for m in (1, 2, 3, 4) for f, v in (("NH3-N", "1"), ("TP", "0.2"))],
    ]
    result = compute(book, [section()], rows, "2018-03")
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.concentration == Decimal("7.0000")  # (6 + 7 + 8) / 3
    assert codmn.flow == Decimal("233.3333")  # (100 + 200 + 400) / 3, kept to the ledger's 4 places
    assert "按2018年3个月实测均值替代" in codmn.substituted
    lonely = compute(
        book,
        [section()],
        [("S1", "2018-03", "NH3-N", "1", "10"), ("S1", "2018-03", "TP", "1", "10")],
        "2018-03",
    )
    (issue,) = lonely.rejected
    assert issue.code == "missing_data" and "no measured value in 2018 to average" in issue.message


def test_strict_run_raises_and_skip_invalid_reports(book: TariffBook, tmp_path: Path) -> None:
    monitoring = tmp_path / "m.csv"
    monitoring.write_text(
        "断面,月份,因子,浓度,流量\nTH01,2012-03,TP,0.3,5000\nTH01,2012-03,CODMn,6,\n", "utf-8"
    )
    month = wf.month("2012-03")
    with pytest.raises(LedgerValidationError, match="no NH3-N measurement for section TH01"):
        run_water(DATA / "load-example-sections.csv", monitoring, start=month, end=month, book=book)
    run = run_water(
        DATA / "load-example-sections.csv", monitoring, start=month, end=month, book=book, skip_invalid=True
    )
    assert run.reconciliation == {
        "monitoring_rows_read": 2,
        "computed": 2,
        "excluded": 0,
        "rejected_by_ledger_check": 0,
        "rejected_by_rules": 0,
        "substituted_cells": 0,
    }
    assert [i.code for i in run.rejected] == ["missing_data"]
    tables = {t.key: t for t in water_report(run).tables}
    assert len(tables["rejected"].rows) == 1
