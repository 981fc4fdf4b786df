"""Water-environment regional compensation: worked examples, version rules, properties, CLI."""

from __future__ import annotations

import csv
import json
import shutil
import tomllib
from dataclasses import replace
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import LedgerValidationError, TariffLookupError
from ecocomp.families.water.compute import WaterResult, compute_water
from ecocomp.families.water.family import run_water
from ecocomp.families.water.report import water_report
from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir

from . import water_frames as wf

DATA = Path(__file__).parent / "data" / "water"
EXAMPLE = Path(__file__).parents[1] / "examples" / "suzhou-2018"
WUZHONG, XIANGCHENG, WUJIANG, KUNSHAN = "320506", "320507", "320509", "320583"
DANYANG, DANTU = "321181", "321112"


def section(code: str = "S1", body: str = "river", basin: str = "taihu", cls: str = "III"):  # type: ignore[no-untyped-def]
    return (code, f"断面{code}", body, basin, cls, WUZHONG, WUJIANG)


def compute(
    book: TariffBook, sections, rows, first: str, last: str | None = None, shares=None
) -> WaterResult:  # type: ignore[no-untyped-def]
    return compute_water(
        wf.sections(sections) if isinstance(sections, list) else sections,
        wf.monitoring(rows),
        start=wf.month(first),
        end=wf.month(last or first),
        book=book,
        shares=None if shares is None else wf.shares(shares),
    )


def full(
    code: str, month: str, values: dict[str, str], flow: str = "1000"
) -> list[tuple[str, str, str, str, str | None]]:
    return [(code, month, f, v, flow) for f, v in values.items()]


def user_tables(tmp_path: Path, *edits: tuple[str, str, str]) -> TariffBook:
    """A user folder with copies of shipped tables, each text-edited (old -> new)."""
    folder = tmp_path / "tariffs"
    folder.mkdir(exist_ok=True)
    for name, old, new in edits:
        text = (shipped_tariffs_dir() / name).read_text("utf-8")
        assert old in text
        (folder / Path(name).name).write_text(text.replace(old, new), "utf-8")
    return TariffBook.load([folder], env={})


# --- worked examples ------------------------------------------------------------------------


def test_load_example_from_the_issue(book: TariffBook) -> None:
    expected = tomllib.loads((DATA / "load-example-expected.toml").read_text("utf-8"))
    month = wf.month(expected["month"])
    run = run_water(
        DATA / "load-example-sections.csv",
        DATA / "load-example-monitoring.csv",
        start=month,
        end=month,
        book=book,
    )
    result = run.result
    line = next(x for x in result.lines if x.factor == expected["factor"])
    assert line.tariff_id == expected["tariff"]
    for key in ("concentration", "target", "excess", "flow", "load_t", "standard", "amount"):
        assert getattr(line, key) == Decimal(expected[key]), key
    assert (line.payer_code, line.receiver_code, line.via) == (
        expected["payer"],
        expected["receiver"],
        "江苏省",
    )
    assert result.paid == result.received == Decimal(expected["total"])
    assert line.explanation == (
        "示例断面 2012年3月 总磷 0.30 mg/L − 目标 0.20 mg/L = 0.10 mg/L × 5,000 万m³ ÷ 100 = 5 吨 × "
        "100,000 元/吨（太湖，省级试点文件未见; 镇江市太湖流域环境资源区域补偿方案 seen）= 500,000.00 元，"
        "上游 吴中区 经省财政 付 下游 吴江区"
    )
    on_target = [x for x in result.lines if x.factor != "TP"]
    assert [(x.direction, x.amount) for x in on_target] == [("none", 0), ("none", 0)]
    assert "恰好达标" in on_target[0].explanation


@pytest.fixture
def zhenjiang_book(tmp_path: Path) -> TariffBook:
    """The shipped places table with 丹阳市 and 丹徒区 added (same id and validity: it replaces it)."""
    folder = tmp_path / "places"
    folder.mkdir()
    text = (shipped_tariffs_dir() / "places" / "jiangsu-places.toml").read_text("utf-8")
    for code, name, short, taihu in ((DANYANG, "丹阳市", "丹阳", "whole"), (DANTU, "丹徒区", "丹徒", "part")):
        text += (
            f'\n[[place]]\ncode = "{code}"\nname = "{name}"\nshort = "{short}"\nlevel = "county"\n'
            f'parent = "321100"\ntaihu = "{taihu}"\nevidence = "verified"\n'
        )
    (folder / "jiangsu-places.toml").write_text(text, "utf-8")
    return TariffBook.load([folder], env={})


def test_zhenjiang_shares_split_to_the_fen(zhenjiang_book: TariffBook) -> None:
    expected = tomllib.loads((DATA / "zhenjiang-expected.toml").read_text("utf-8"))
    month = wf.month("2015-03")
    run = run_water(
        DATA / "zhenjiang-sections.csv",
        DATA / "zhenjiang-monitoring.csv",
        shares=DATA / "zhenjiang-shares.csv",
        start=month,
        end=month,
        book=zhenjiang_book,
    )
    result = run.result
    assert {x.factor: x.amount for x in result.lines} == {
        k: Decimal(v) for k, v in expected["amount"].items()
    }
    parts = {(s.district_code, s.factor): s.amount for s in result.shares}
    for factor in ("CODMn", "NH3-N", "TP"):
        assert parts[(DANYANG, factor)] == Decimal(expected["danyang"][factor])
        assert parts[(DANTU, factor)] == Decimal(expected["dantu"][factor])
    tp = next(x for x in result.lines if x.factor == "TP")
    assert tp.payer == "丹徒区 11.93%、丹阳市 88.07%" and tp.receiver == "常州市"
    assert "上游 丹徒区 11.93%、丹阳市 88.07% 经省财政 付 下游 常州市" in tp.explanation
    by_district = {d.district: d for d in result.districts}
    assert by_district["常州市"].received == sum(
        (Decimal(v) for v in expected["amount"].values()), Decimal(0)
    )
    assert by_district["丹阳市"].paid == sum((Decimal(v) for v in expected["danyang"].values()), Decimal(0))
    assert "镇江市" not in by_district  # the shares replace the whole upstream place


# --- targets, versions and directions -------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "target", "direction"),
    [("river", "0.2", "downstream_pays"), ("lake", "0.05", "upstream_pays")],
)
def test_tp_class_limit_differs_for_rivers_and_lakes(
    book: TariffBook, body: str, target: str, direction: str
) -> None:
    result = compute(
        book, [section(body=body)], [("S1", "2018-06", "TP", "0.06", "1000")], "2018-06", shares=None
    )
    line = next(x for x in result.lines if x.factor == "TP")
    assert (line.target, line.target_basis, line.direction) == (Decimal(target), "III类", direction)


def test_class_limits_and_section_override(book: TariffBook) -> None:
    rows = full("S1", "2018-06", {"CODMn": "5", "NH3-N": "0.4", "TP": "0.06"}) + full(
        "S2", "2018-06", {"CODMn": "5", "NH3-N": "0.4", "TP": "0.06"}
    )
    frame = wf.sections(
        [section("S1", "river", cls="II"), section("S2", "lake", cls="IV")], {"S2": {"TP": "0.08"}}
    )
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2018-06"), end=wf.month("2018-06"), book=book
    )
    targets = {(x.section, x.factor): (x.target, x.target_basis) for x in result.lines}
    assert targets[("S1", "CODMn")] == (Decimal(4), "II类")
    assert targets[("S2", "CODMn")] == (Decimal(10), "IV类")
    assert targets[("S1", "TP")] == (Decimal("0.1"), "II类")
    assert targets[("S2", "TP")] == (Decimal("0.08"), "断面目标")


def test_tn_assessed_only_in_taihu_and_from_2021_05(book: TariffBook) -> None:
    frame = wf.sections(
        [section("LK", "lake"), section("RV", "river"), section("OT", "lake", basin="other")],
        {"RV": {"TN": "2.0"}},
    )
    values = {"CODMn": "5", "NH3-N": "0.5", "TP": "0.04", "TN": "1.2"}
    rows = [r for code in ("LK", "RV", "OT") for m in ("2021-04", "2021-05") for r in full(code, m, values)]
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2021-04"), end=wf.month("2021-05"), book=book
    )
    assert result.rejected == ()
    tn = {(x.section, f"{x.month:%Y-%m}") for x in result.lines if x.factor == "TN"}
    assert tn == {("LK", "2021-05"), ("RV", "2021-05")}
    excluded = {(x.section, f"{x.month:%Y-%m}", x.factor) for x in result.excluded}
    assert excluded == {
        ("LK", "2021-04", "TN"),
        ("RV", "2021-04", "TN"),
        ("OT", "2021-04", "TN"),
        ("OT", "2021-05", "TN"),
    }
    assert all("总氮 is not assessed" in x.reason for x in result.excluded)
    assert {x.tariff_id for x in result.lines} == {"jiangsu-water-2017", "jiangsu-water-2021"}
    lake_tn = next(x for x in result.lines if (x.section, x.factor) == ("LK", "TN"))
    assert lake_tn.target == Decimal("1.0") and lake_tn.amount == Decimal("500000.00")  # band > 0


def test_tn_in_a_river_without_own_target_is_a_problem(book: TariffBook) -> None:
    rows = full("RV", "2021-05", {"CODMn": "5", "NH3-N": "0.5", "TP": "0.1", "TN": "1.2"})
    result = compute(book, [section("RV")], rows, "2021-05")
    (issue,) = result.rejected
    assert (issue.source, issue.line, issue.code) == ("monitoring", 5, "no_target")
    assert "section RV (断面RV) has no target for TN" in issue.message
    assert {x.factor for x in result.lines} == {"CODMn", "NH3-N", "TP"}


def test_banded_2021_table(book: TariffBook) -> None:
    rows = full(
        "S1", "2021-06", {"CODMn": "9", "NH3-N": "1.0", "TP": "0.5", "TN": "1.0"}
    )  # multiples 0.5, 0, 1.5
    frame = wf.sections([section()], {"S1": {"TN": "1.0"}})
    result = compute_water(
        frame, wf.monitoring(rows), start=wf.month("2021-06"), end=wf.month("2021-06"), book=book
    )
    lines = {x.factor: x for x in result.lines}
    assert (lines["CODMn"].amount, lines["CODMn"].band_above, lines["CODMn"].multiple) == (
        Decimal("500000.00"),
        Decimal(0),
        Decimal("0.5"),
    )
    assert lines["TP"].amount == Decimal("1500000.00")  # Taihu TP bands: 2 x default, band > 1
    assert lines["NH3-N"].direction == "none" and lines["NH3-N"].amount == 0
    assert lines["CODMn"].explanation == (
        "断面S1 2021年6月 高锰酸盐指数 9.00 mg/L − 目标 6.00 mg/L = 3.00 mg/L，超标倍数 3.00 ÷ 6.00 = 0.5，"
        "适用倍数 > 0 档定额 500,000 元（太湖，苏环办〔2021〕131号）= 500,000.00 元，"
        "上游 吴中区 经省财政 付 下游 吴江区"
    )


def test_banded_base_times_one_plus_multiple(tmp_path: Path) -> None:
    book = user_tables(
        tmp_path,
        (
            "water_compensation/jiangsu-water-2021.toml",
            'band_amount = "fixed"',
            'band_amount = "base_times_one_plus_multiple"',
        ),
    )
    result = compute(
        book, [section()], full("S1", "2021-06", {"CODMn": "9", "NH3-N": "1", "TP": "0.2"}), "2021-06"
    )
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.amount == Decimal("750000.00")  # 500 000 x (1 + 0.5)
    assert "500,000 元 × (1 + 0.5)" in codmn.explanation


def test_reverse_rule_none_pays_nothing_and_says_why(book: TariffBook) -> None:
    result = compute(
        book, [section()], full("S1", "2012-06", {"CODMn": "5", "NH3-N": "1", "TP": "0.2"}), "2012-06"
    )
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.direction == "none" and codmn.amount == 0 and codmn.payer == ""
    assert "达标；" in codmn.explanation and "不设下游补偿上游" in codmn.explanation
    assert result.districts == ()


def test_mirror_downstream_pays_upstream(book: TariffBook) -> None:
    result = compute(
        book, [section()], full("S1", "2018-06", {"CODMn": "5", "NH3-N": "1", "TP": "0.2"}), "2018-06"
    )
    codmn = next(x for x in result.lines if x.factor == "CODMn")
    assert codmn.direction == "downstream_pays"
    assert (codmn.payer_code, codmn.receiver_code) == (WUJIANG, WUZHONG)
    assert codmn.amount == Decimal("187500.00")  # (6 - 5) x 1000 / 100 = 10 t x 18 750
    assert "下游 吴江区 经省财政 付 上游 吴中区" in codmn.explanation


def test_a_month_without_table_is_an_error(book: TariffBook) -> None:
    with pytest.raises(TariffLookupError, match="2007-12-01"):
        compute(book, [section()], [], "2007-12", "2008-01")


# --- missing data ---------------------------------------------------------------------------


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
        ("water_compensation/jiangsu-water-2017.toml", 'missing_data = "error"', f'missing_data = "{rule}"'),
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


# --- properties -----------------------------------------------------------------------------

concentration = st.decimals(min_value="0.01", max_value="2", places=3)
flow = st.decimals(min_value="1", max_value="50000", places=2)


@settings(max_examples=40, deadline=None)
@given(excess=st.decimals(min_value="0.001", max_value="1", places=3), volume=flow)
def test_taihu_tp_costs_at_least_twice(book: TariffBook, excess: Decimal, volume: Decimal) -> None:
    measured = str(Decimal("0.2") + excess)
    sections = [section("T", basin="taihu"), section("O", basin="other")]
    rows = [(code, "2018-06", "TP", measured, str(volume)) for code in ("T", "O")]
    rows += [
        (code, "2018-06", f, v, str(volume))
        for code in ("T", "O")
        for f, v in (("CODMn", "6"), ("NH3-N", "1"))
    ]
    result = compute(book, sections, rows, "2018-06")
    tp = {x.section: x for x in result.lines if x.factor == "TP"}
    assert tp["T"].standard is not None and tp["O"].standard is not None
    assert tp["T"].standard >= 2 * tp["O"].standard
    assert tp["T"].amount >= 2 * tp["O"].amount - Decimal("0.01")  # each amount is rounded on its own


def _signed(result: WaterResult, factor: str) -> Decimal:
    """What the upstream side pays (negative: what it receives)."""
    line = next(x for x in result.lines if x.factor == factor)
    return {"upstream_pays": line.amount, "downstream_pays": -line.amount, "none": Decimal(0)}[line.direction]


@settings(max_examples=40, deadline=None)
@given(
    c1=concentration,
    c2=concentration,
    f1=flow,
    f2=flow,
    month=st.sampled_from(["2012-06", "2015-06", "2018-06", "2021-06"]),
)
def test_amounts_monotonic_in_concentration_and_flow(
    book: TariffBook, c1: Decimal, c2: Decimal, f1: Decimal, f2: Decimal, month: str
) -> None:
    def run(c: Decimal, f: Decimal) -> WaterResult:
        return compute(
            book, [section()], full("S1", month, {"CODMn": "6", "NH3-N": "1", "TP": str(c)}, str(f)), month
        )

    low, high = sorted((c1, c2))
    small, large = sorted((f1, f2))
    assert _signed(run(low, small), "TP") <= _signed(run(high, small), "TP")
    tp_small = next(x for x in run(high, small).lines if x.factor == "TP")
    tp_large = next(x for x in run(high, large).lines if x.factor == "TP")
    assert tp_small.amount <= tp_large.amount


@settings(max_examples=40, deadline=None)
@given(
    weights=st.lists(st.integers(1, 10_000), min_size=1, max_size=5),
    values=st.lists(concentration, min_size=3, max_size=3),
    volume=flow,
    order=st.randoms(),
)
def test_shares_conservation_balance_and_order(
    book: TariffBook, weights: list[int], values: list[Decimal], volume: Decimal, order
) -> None:  # type: ignore[no-untyped-def]
    districts = ["320505", "320506", "320507", "320508", "320581"][: len(weights)]
    whole = sum(weights)
    fractions = [Decimal(w) / whole for w in weights]
    fractions = [f.quantize(Decimal("0.000001")) for f in fractions]
    fractions[-1] = Decimal(1) - sum(fractions[:-1], Decimal(0))
    shares = [
        ("S1", f, d, str(s))
        for f in ("CODMn", "NH3-N", "TP")
        for d, s in zip(districts, fractions, strict=True)
    ]
    sections = [section("S1"), ("S2", "阳澄湖", "lake", "taihu", "III", XIANGCHENG, KUNSHAN)]
    rows = [
        (code, month, f, str(v * m), str(volume))
        for code, m in (("S1", 4), ("S2", 1))
        for month in ("2018-05", "2018-06")
        for f, v in zip(("CODMn", "NH3-N", "TP"), values, strict=True)
    ]
    result = compute(book, sections, rows, "2018-05", "2018-06", shares=shares)
    for line in result.lines:
        parts = [
            s.amount
            for s in result.shares
            if (s.section, s.month, s.factor) == (line.section, line.month, line.factor)
        ]
        assert sum(parts, Decimal(0)) == (line.amount if line.direction != "none" else 0)
    assert result.kept == 0 and sum((d.net for d in result.districts), Decimal(0)) == -result.kept
    assert sum((m.net for m in result.monthly), Decimal(0)) == 0
    shuffled = list(rows)
    order.shuffle(shuffled)
    reordered = list(shares)
    order.shuffle(reordered)
    again = compute(book, sections, shuffled, "2018-05", "2018-06", shares=reordered)
    assert [replace(x, line=None) for x in again.lines] == [replace(x, line=None) for x in result.lines]
    assert (again.shares, again.districts, again.monthly) == (result.shares, result.districts, result.monthly)


# --- CLI ------------------------------------------------------------------------------------


def _invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"ECOCOMP_TARIFFS": ""})
    return result.exit_code, result.output


def test_cli_example_to_xlsx_csv_json_same_totals(tmp_path: Path) -> None:
    args = [
        "water",
        str(EXAMPLE / "sections.csv"),
        str(EXAMPLE / "monitoring.csv"),
        "--shares",
        str(EXAMPLE / "section_shares.csv"),
        "--from",
        "2018-01",
        "--to",
        "2018-12",
    ]
    totals: dict[str, tuple[Decimal, Decimal, Decimal]] = {}
    for suffix in ("json", "csv", "xlsx"):
        code, out = _invoke(*args, "-o", str(tmp_path / f"water.{suffix}"))
        assert code == 0, out
    document = json.loads((tmp_path / "water.json").read_text("utf-8"))
    assert {"lines", "shares", "summary", "rejected", "manifest"} <= set(document)
    t = document["totals"]["summary"]
    totals["json"] = (Decimal(t["paid"]), Decimal(t["received"]), Decimal(t["net"]))
    assert Decimal(document["totals"]["lines"]["amount"]) == totals["json"][0]
    line = document["lines"][0]
    assert isinstance(line["amount"], str) and isinstance(line["concentration"], str)
    for key in (
        "section",
        "month",
        "factor",
        "concentration",
        "target",
        "excess",
        "multiple",
        "flow",
        "load_t",
    ):
        assert key in line
    with (tmp_path / "water.csv").open(encoding="utf-8-sig") as handle:
        last = list(csv.reader(handle))[-1]
    assert last[0] == "合计"
    totals["csv"] = (Decimal(last[2]), Decimal(last[3]), Decimal(last[4]))
    sheet = openpyxl.load_workbook(tmp_path / "water.xlsx", data_only=True)["汇总"]
    row = [c.value for c in list(sheet.iter_rows())[-1]]
    totals["xlsx"] = tuple(Decimal(str(v)) for v in row[2:5])  # type: ignore[assignment]
    assert totals["json"] == totals["csv"] == totals["xlsx"]
    assert totals["json"][0] > 0 and totals["json"][2] == 0
    assert document["manifest"]["reconciliation"]["monitoring_rows_read"] == 468


def test_cli_bad_month_is_usage_error(tmp_path: Path) -> None:
    code, out = _invoke(
        "water",
        str(EXAMPLE / "sections.csv"),
        str(EXAMPLE / "monitoring.csv"),
        "--from",
        "2018-13",
        "--to",
        "2018-12",
    )
    assert code == 2 and "YYYY-MM" in out


def test_cli_missing_data_exits_1(tmp_path: Path) -> None:
    monitoring = tmp_path / "m.csv"
    shutil.copy(DATA / "load-example-monitoring.csv", monitoring)
    code, out = _invoke(
        "water",
        str(DATA / "load-example-sections.csv"),
        str(monitoring),
        "--from",
        "2012-03",
        "--to",
        "2012-04",
    )
    assert code == 1 and "no TP measurement for section TH01 in 2012-04" in out
