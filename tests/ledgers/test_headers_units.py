"""Issue 14, point 1: every header accounted for, units in headers, unit columns never ignored.

Expected figures come from the rules: 1 万kWh = 10 000 kWh, 1 千克 = 0.001 t, 1 m3 = 0.0001 万m3,
1 μg/L = 0.001 mg/L; the fund bills TP at 2 000 yuan per 100 kg in 苏南 (苏政发〔2019〕2号, so
20 000 yuan per tonne); the 2016 差别电价 trial charges red enterprises +0.05 yuan/kWh.
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ecocomp.codes import HEADER_UNITS
from ecocomp.errors import LedgerStructureError
from ecocomp.ledgers.checks import match_headers
from ecocomp.ledgers.kinds import KINDS, units_named
from ecocomp.ledgers.ledger import Ledger, read_ledger
from ecocomp.places import Places
from tests.builders import EX18

ENV = {"ECOCOMP_TARIFFS": ""}
BILLS_HEAD = "企业名称,区县,月份"
RED = "苏州示例纺织印染有限公司001号"  # red in 2018 in the example ratings


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def read(kind: str, path: Path, places: Places) -> Ledger:
    return read_ledger(kind, path, places=places)


def column(led: Ledger, name: str) -> list[object]:
    return list(led.frame[name])


# --- the unit table -------------------------------------------------------------------------------


def test_every_header_unit_factor_is_a_power_of_ten() -> None:
    for unit, (_, factor) in HEADER_UNITS.items():
        assert factor.normalize().as_tuple().digits == (1,), unit


def test_every_decimal_unit_of_a_kind_is_in_the_table() -> None:
    units = {c.unit for k in KINDS.values() for c in k.columns if c.unit}
    assert units <= set(HEADER_UNITS)


def test_ton_is_a_mass_and_a_water_volume() -> None:
    assert set(units_named("吨")) == {"t", "m3"}
    assert units_named("万吨") == ("万m3",)
    assert units_named("万千瓦时") == units_named("万KWH") == units_named("万度") == ("万kWh",)
    assert units_named("m³") == ("m3",)
    assert units_named("桶") == ()


# --- units in headers: exact conversions ------------------------------------------------------------


@pytest.mark.parametrize(
    "header", ["用电量(万kWh)", "用电量（万千瓦时）", "用电量【万度】", "电量[万kWh]", "用电量:万kWh"]
)
def test_electricity_in_10k_kwh_is_read_in_kwh(tmp_path: Path, places: Places, header: str) -> None:
    path = write(
        tmp_path, "bills.csv", f"{BILLS_HEAD},{header}\n甲,姑苏区,2018-01,1.5\n乙,姑苏区,2018-01,0.000001\n"
    )
    led = read("bills", path, places)
    assert column(led, "electricity_kwh") == [Decimal("15000"), Decimal("0.01")]
    assert led.headers["electricity_kwh"] == header
    assert led.warnings == (f"bills.csv: {header} read in 万kWh, converted to kWh (x10000)",)


def test_conversion_warning_names_the_header_and_factor(tmp_path: Path, places: Places) -> None:
    path = write(tmp_path, "bills.csv", f"{BILLS_HEAD},用电量(万kWh)\n甲,姑苏区,2018-01,1.5\n")
    assert read("bills", path, places).warnings == (
        "bills.csv: 用电量(万kWh) read in 万kWh, converted to kWh (x10000)",
    )


@settings(max_examples=40)
@given(
    st.lists(
        st.decimals(min_value=0, max_value=Decimal("999999"), places=6, allow_nan=False),
        min_size=1,
        max_size=20,
    )
)
def test_a_column_in_10k_kwh_is_exactly_ten_thousand_times(
    tmp_path_factory: pytest.TempPathFactory, places: Places, values: list[Decimal]
) -> None:
    folder = tmp_path_factory.mktemp("wan")
    rows = "".join(f"E{i},姑苏区,2018-01,{v:f}\n" for i, v in enumerate(values))
    led = read("bills", write(folder, "bills.csv", f"{BILLS_HEAD},用电量(万kWh)\n{rows}"), places)
    assert led.issues == ()
    assert column(led, "electricity_kwh") == [v * 10000 for v in values]


def test_a_value_too_precise_once_converted_is_a_row_problem(tmp_path: Path, places: Places) -> None:
    path = write(
        tmp_path,
        "bills.csv",
        f"{BILLS_HEAD},用电量(万kWh)\n甲,姑苏区,2018-01,1.2345678\n乙,姑苏区,2018-01,2\n",
    )
    led = read("bills", path, places)
    assert column(led, "electricity_kwh") == [Decimal("20000")]
    (issue,) = led.issues
    assert (issue.line, issue.column, issue.value, issue.code) == (
        2,
        "用电量(万kWh)",
        "1.2345678",
        "too_many_decimals",
    )
    assert "万kWh" in issue.message and "x10000" in issue.message and "kWh" in issue.message


def test_smaller_units_convert_down_exactly_or_are_refused(tmp_path: Path, places: Places) -> None:
    text = (
        "断面编号,月份,因子,浓度(μg/L),流量(m3)\n"
        "SZ01,2018-01,TP,12.5,129800\n"
        "SZ01,2018-02,TP,12.55,129800\n"  # 0.01255 mg/L: five places, the column keeps four
        "SZ01,2018-03,TP,12,129800.5\n"  # 12.98005 万m3: five places
    )
    led = read("monitoring", write(tmp_path, "m.csv", text), places)
    assert column(led, "concentration_mg_l") == [Decimal("0.0125")]
    assert column(led, "flow_10k_m3") == [Decimal("12.98")]
    assert [(i.line, i.column, i.code) for i in led.issues] == [
        (3, "浓度(μg/L)", "too_many_decimals"),
        (4, "流量(m3)", "too_many_decimals"),
    ]
    assert "x0.001" in led.issues[0].message and "x0.0001" in led.issues[1].message
    assert "m.csv: 流量(m3) read in m3, converted to 万m3 (x0.0001)" in led.warnings


def test_water_in_10k_tonnes_and_energy_in_mwh(tmp_path: Path, places: Places) -> None:
    text = f"{BILLS_HEAD},用水量(万吨),用电量(MWh)\n甲,姑苏区,2018-01,1.5,2.5\n"
    led = read("bills", write(tmp_path, "b.csv", text), places)
    assert column(led, "water_m3") == [Decimal("15000")]
    assert column(led, "electricity_kwh") == [Decimal("2500")]


def test_the_maximum_holds_in_the_column_unit(tmp_path: Path, places: Places) -> None:
    # electricity_kwh accepts at most 1e10 kWh, that is 1e6 万kWh
    text = f"{BILLS_HEAD},用电量(万kWh)\n甲,姑苏区,2018-01,1000000\n乙,姑苏区,2018-01,1000001\n"
    led = read("bills", write(tmp_path, "b.csv", text), places)
    assert column(led, "electricity_kwh") == [Decimal("1e10")]
    assert [(i.line, i.value) for i in led.issues] == [(3, "1000001")]


def test_typed_parquet_column_with_a_unit_header(tmp_path: Path, places: Places) -> None:
    path = tmp_path / "b.parquet"
    table = pa.table(
        {
            "企业名称": ["甲", "乙"],
            "区县": ["姑苏区", "姑苏区"],
            "月份": ["2018-01", "2018-01"],
            "用电量(万kWh)": pa.array([Decimal("1.500"), Decimal("0.125")], pa.decimal128(10, 3)),
        }
    )
    pq.write_table(table, path)
    led = read("bills", path, places)
    assert led.issues == ()
    assert column(led, "electricity_kwh") == [Decimal("15000"), Decimal("1250")]


@pytest.mark.parametrize(
    ("kind", "text", "name"),
    [
        ("bills", f"{BILLS_HEAD},用电量(kWh)\n甲,姑苏区,2018-01,1.5\n", "electricity_kwh"),
        ("bills", f"{BILLS_HEAD},用水量(吨)\n甲,姑苏区,2018-01,1.5\n", "water_m3"),
        (
            "monitoring",
            "断面编号,月份,因子,浓度(mg/L),流量(万立方米)\nSZ01,2018-01,TP,1.5,1.5\n",
            "flow_10k_m3",
        ),
        ("monitoring", "断面编号,月份,因子,浓度mg/l\nSZ01,2018-01,TP,1.5\n", "concentration_mg_l"),
    ],
)
def test_spellings_in_the_column_unit_read_as_before(
    tmp_path: Path, places: Places, kind: str, text: str, name: str
) -> None:
    led = read(kind, write(tmp_path, "x.csv", text), places)
    assert column(led, name) == [Decimal("1.5")]
    assert led.warnings == () and led.issues == ()


def test_share_percent_header_is_not_a_unit(tmp_path: Path, places: Places) -> None:
    text = "断面编号,因子,责任地区,分担系数(%)\nSZ05,CODMn,相城区,100\n"
    led = read("section_shares", write(tmp_path, "s.csv", text), places)
    assert column(led, "share") == [Decimal(1)]
    assert led.warnings == ()


@pytest.mark.parametrize(
    ("header", "said"),
    [("用电量(m3)", "a unit of volume"), ("用电量(桶)", "not a unit ecocomp knows")],
)
def test_a_unit_of_another_dimension_or_unknown_is_refused(
    tmp_path: Path, places: Places, header: str, said: str
) -> None:
    path = write(tmp_path, "b.csv", f"{BILLS_HEAD},{header}\n甲,姑苏区,2018-01,1\n")
    with pytest.raises(LedgerStructureError) as caught:
        read("bills", path, places)
    message = str(caught.value)
    assert message.startswith("b.csv: ")
    assert repr(header) in message and said in message
    assert "kWh (千瓦时" in message and "万kWh" in message and "MWh" in message


# --- unused headers -------------------------------------------------------------------------------


def test_unused_headers_are_one_warning_with_the_closest_known(tmp_path: Path, places: Places) -> None:
    text = f"{BILLS_HEAD},用电量,备注,用电量（万千瓦时）合计,\n甲,姑苏区,2018-01,1,x,1,\n"
    led = read("bills", write(tmp_path, "bills.csv", text), places)
    assert led.warnings == (
        "bills.csv: 2 column(s) not used: '备注'; '用电量（万千瓦时）合计' (closest known: 用电量)",
    )
    assert led.issues == ()


def test_a_noted_header_beside_the_spelled_one_is_not_used(tmp_path: Path, places: Places) -> None:
    text = f"{BILLS_HEAD},用电量,用电量(峰)\n甲,姑苏区,2018-01,10,4\n"
    led = read("bills", write(tmp_path, "b.csv", text), places)
    assert column(led, "electricity_kwh") == [Decimal(10)]
    assert led.warnings == ("b.csv: 1 column(s) not used: '用电量(峰)' (closest known: 用电量)",)


def test_two_noted_headers_for_one_column_are_refused(tmp_path: Path, places: Places) -> None:
    text = f"{BILLS_HEAD},用电量(万kWh),电量(MWh)\n甲,姑苏区,2018-01,1,1\n"
    with pytest.raises(LedgerStructureError, match="both give electricity_kwh"):
        read("bills", write(tmp_path, "b.csv", text), places)


def test_a_header_row_of_noted_headers_is_found_under_a_title(tmp_path: Path, places: Places) -> None:
    title = "2018年 断面监测（单位见表头）,,,,\n"
    text = f"{title}断面编号(代码),月份,因子,浓度（μg/L）,流量（m3）\nSZ01,2018-01,TP,12.5,129800\n"
    led = read("monitoring", write(tmp_path, "m.csv", text), places)
    assert list(led.frame["line"]) == [3]
    assert column(led, "concentration_mg_l") == [Decimal("0.0125")]


def test_an_empty_note_is_no_unit(tmp_path: Path, places: Places) -> None:
    text = f"{BILLS_HEAD},用电量（）\n甲,姑苏区,2018-01,10\n"
    led = read("bills", write(tmp_path, "b.csv", text), places)
    assert column(led, "electricity_kwh") == [Decimal(10)] and led.warnings == ()


_PIECES = st.sampled_from(
    [
        "用电量",
        "排放量",
        "单位",
        "浓度",
        "流量",
        "备注",
        "(",
        ")",
        "（",
        "）",
        "【",
        "】",
        ":",
        "/",
        "万",
        "吨",
        "kWh",
        "千克",
        "m3",
        "μg/L",
        "%",
        "*",
        " ",
        "x",
    ]
)


@settings(max_examples=150)
@given(st.sampled_from(sorted(KINDS)), st.lists(st.lists(_PIECES, max_size=6).map("".join), max_size=8))
def test_any_headers_give_a_map_or_a_structure_error(kind: str, extra: list[str]) -> None:
    spec = KINDS[kind]
    headers = [c.spellings[0] for c in spec.columns if c.required] + extra
    try:
        heads = match_headers(spec, headers, "x.csv")
    except LedgerStructureError as error:
        assert str(error).startswith("x.csv: ")
        return
    used = set(heads.where.values())
    assert {h for i, h in enumerate(headers) if i not in used and h.strip()} == {h for h, _ in heads.unused}
    for conversion in heads.conversions.values():
        assert (
            HEADER_UNITS[conversion.unit][1] * Decimal(1).scaleb(-conversion.shift)
            == (HEADER_UNITS[conversion.into][1])
        )


def test_headers_as_written_are_kept(tmp_path: Path, places: Places) -> None:
    path = write(tmp_path, "r.csv", "* 企业名称,评价结果,生效日期\n甲,红色,2018-01-01\n")
    led = read("ratings", path, places)
    assert led.header_of("enterprise") == "* 企业名称"
    assert led.header_of("colour") == led.header_of("score") == "评价结果"
    assert led.header_of("valid_to") == "valid_to"  # not in the file


# --- the unit column ------------------------------------------------------------------------------

EMISSIONS_HEAD = "年度,缴费主体,污染物"


@pytest.mark.parametrize("header", ["计量单位(吨/千克)", "单位（吨）", "单位:吨", "单位【千克、吨】"])
def test_a_unit_column_with_a_note_is_the_unit_column(tmp_path: Path, places: Places, header: str) -> None:
    text = f"{EMISSIONS_HEAD},排放量,{header}\n2018,苏州市,总磷,5,千克\n2018,苏州市,总氮,5,吨\n"
    led = read("emissions", write(tmp_path, "e.csv", text), places)
    if "千克" in header:  # several units named: each row says its own
        assert column(led, "unit") == ["kg", "t"] and led.issues == ()
    else:  # one unit named: a row naming another conflicts
        assert [(i.line, i.code) for i in led.issues] == [(2, "unit_conflict")]
    assert led.headers["unit"] == header


def test_one_unit_in_the_unit_header_fills_empty_cells(tmp_path: Path, places: Places) -> None:
    text = f"{EMISSIONS_HEAD},排放量,单位(千克)\n2018,苏州市,总磷,5,\n2018,苏州市,总氮,5,千克\n"
    led = read("emissions", write(tmp_path, "e.csv", text), places)
    assert column(led, "unit") == ["kg", "kg"]
    assert any("rows with no unit are in kg" in w for w in led.warnings)


def test_a_quantity_header_unit_fills_the_unit_column(tmp_path: Path, places: Places) -> None:
    rows = "2018,苏州市,总磷,5,\n2018,苏州市,总氮,5,吨\n2018,苏州市,氨氮,7,千克\n"
    text = f"{EMISSIONS_HEAD},排放量(千克),单位\n{rows}"
    led = read("emissions", write(tmp_path, "e.csv", text), places)
    assert column(led, "unit") == ["kg", "kg"]
    assert column(led, "quantity") == [Decimal(5), Decimal(7)]  # kept as written; the fund converts
    (issue,) = led.issues
    assert (issue.line, issue.column, issue.value, issue.code) == (3, "单位", "吨", "unit_conflict")
    assert "'吨' is t" in issue.message and "'排放量(千克)' says kg" in issue.message


def test_a_quantity_header_unit_without_a_unit_column(tmp_path: Path, places: Places) -> None:
    text = f"{EMISSIONS_HEAD},排放量(百公斤)\n2018,苏州市,总磷,5\n"
    led = read("emissions", write(tmp_path, "e.csv", text), places)
    assert column(led, "unit") == ["100kg"]


@pytest.mark.parametrize(
    ("headers", "said"),
    [
        ("排放量(吨),单位(千克)", "'排放量(吨)' says t but '单位(千克)' says kg"),
        ("排放量,单位(桶)", "'单位(桶)' names '桶'"),
        ("排放量(万吨),单位", "'排放量(万吨)' gives quantity (mass) in '万吨', which is a unit of volume"),
    ],
)
def test_unit_headers_that_cannot_be_read_are_refused(
    tmp_path: Path, places: Places, headers: str, said: str
) -> None:
    path = write(tmp_path, "e.csv", f"{EMISSIONS_HEAD},{headers}\n2018,苏州市,总磷,5,\n")
    with pytest.raises(LedgerStructureError) as caught:
        read("emissions", path, places)
    assert str(caught.value).startswith("e.csv: ") and said in str(caught.value)


# --- through the commands -------------------------------------------------------------------------


def cli(*args: str) -> tuple[int, str]:
    from ecocomp.cli.main import app

    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def fund_lines(tmp_path: Path, name: str, text: str) -> tuple[dict[str, Any], str]:
    ledger = write(tmp_path, f"{name}.csv", text)
    out = tmp_path / f"{name}.json"
    code, output = cli(
        "fund", str(ledger), "--year", "2018", "--indicators", str(EX18 / "indicators.csv"), "-o", str(out)
    )
    assert code == 0, output
    return json.loads(out.read_text("utf-8")), output


def test_fund_bills_tp_in_kilograms_under_a_noted_unit_header(tmp_path: Path) -> None:
    """The issue's case: TP in 千克 under 计量单位(吨/千克) was billed as tonnes."""
    kg, output = fund_lines(
        tmp_path, "kg", f"{EMISSIONS_HEAD},排放量,计量单位(吨/千克),备注\n2018,苏州市,总磷,402660,千克,\n"
    )
    tonnes, _ = fund_lines(tmp_path, "t", f"{EMISSIONS_HEAD},排放量,单位\n2018,苏州市,总磷,402.66,吨\n")
    amount = Decimal("402.66") * 20000  # 2 000 yuan per 100 kg
    assert [Decimal(str(line["amount"])) for line in kg["lines"]] == [amount]
    assert kg["summary"] == tonnes["summary"]
    assert "warning: kg.csv: 1 column(s) not used: '备注'" in output
    assert "kg.csv: 1 column(s) not used: '备注'" in kg["manifest"]["warnings"]


def test_fund_reads_a_kilogram_quantity_header(tmp_path: Path) -> None:
    kg, _ = fund_lines(tmp_path, "kg", f"{EMISSIONS_HEAD},排放量(千克)\n2018,苏州市,总磷,402660\n")
    assert [Decimal(str(line["amount"])) for line in kg["lines"]] == [Decimal("8053200")]


def test_fund_refuses_a_row_whose_unit_conflicts_with_the_header(tmp_path: Path) -> None:
    ledger = write(tmp_path, "e.csv", f"{EMISSIONS_HEAD},排放量(千克),单位\n2018,苏州市,总磷,402660,吨\n")
    code, output = cli("fund", str(ledger), "--year", "2018", "--indicators", str(EX18 / "indicators.csv"))
    assert code == 1
    assert "e.csv:2: 单位='吨'" in output and "[unit_conflict]" in output
    assert "Traceback" not in output


def surcharge(tmp_path: Path, name: str, header: str, value: str) -> tuple[dict[str, Any], str]:
    bills = write(tmp_path, f"{name}.csv", f"{BILLS_HEAD},{header},备注\n{RED},姑苏区,2018-01,{value},x\n")
    out = tmp_path / f"{name}.json"
    code, output = cli("surcharge", str(bills), str(EX18 / "ratings.csv"), "-o", str(out))
    assert code == 0, output
    return json.loads(out.read_text("utf-8")), output


def test_surcharge_charges_10k_kwh_as_kwh(tmp_path: Path) -> None:
    wan, output = surcharge(tmp_path, "wan", "用电量(万kWh)", "1.5")
    kwh, _ = surcharge(tmp_path, "kwh", "用电量(kWh)", "15000")
    red_per_kwh = Decimal("0.05")
    assert Decimal(str(wan["summary"]["electricity_surcharge"])) == 15000 * red_per_kwh
    assert wan["summary"] == kwh["summary"]
    said = "wan.csv: 用电量(万kWh) read in 万kWh, converted to kWh (x10000)"
    assert f"warning: {said}" in output
    assert said in wan["manifest"]["warnings"]
    assert "wan.csv: 1 column(s) not used: '备注'" in wan["manifest"]["warnings"]


def test_surcharge_refuses_an_unknown_unit_with_exit_1(tmp_path: Path) -> None:
    bills = write(tmp_path, "b.csv", f"{BILLS_HEAD},用电量(桶)\n{RED},姑苏区,2018-01,1\n")
    code, output = cli("surcharge", str(bills), str(EX18 / "ratings.csv"))
    assert code == 1
    assert "用电量(桶)" in output and "Traceback" not in output
