"""Contract tests run over every shipped tariff file (the tables POLICY.md gives numbers for)."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from ecocomp.tariffs.book import TariffBook, shipped_tariffs_dir
from ecocomp.tariffs.files import read_tariff
from ecocomp.tariffs.models import Value

SHIPPED = sorted(shipped_tariffs_dir().rglob("*.toml"))

#: What issue 2 asks to ship: (family, jurisdiction, validity label, document).
REQUIRED = [
    ("places", "江苏省", "2012-10-29 to open", None),
    ("pollutant_fund", "江苏省", "2016", "苏政发〔2016〕158号"),
    ("pollutant_fund", "江苏省", "2017", "苏政发〔2016〕158号"),
    ("pollutant_fund", "江苏省", "2018-2020", "苏政发〔2019〕2号"),
    ("pollutant_fund", "江苏省", "2021-", "苏政发〔2022〕31号"),
    ("pollutant_fund", "连云港市", "2016-2017", None),
    ("pollutant_fund", "淮安市", "2021-", "淮政发〔2022〕13号"),
    ("water_compensation", "江苏省", "2008-01-01 to 2014-09-30", None),
    ("water_compensation", "江苏省", "2014-10-01 to 2016-12-31", "苏政办发〔2013〕195号"),
    ("water_compensation", "江苏省", "2017-01-01 to 2021-04-30", "苏环办〔2016〕341号"),
    ("water_compensation", "江苏省", "2021-05-01 to open", "苏环办〔2021〕131号"),
    ("water_quality_standard", "中华人民共和国", "2002-06-01 to open", "GB 3838-2002"),
    ("electricity_surcharge", "江苏省", "2016-01-01 to 2018-12-31", None),
    ("electricity_surcharge", "江苏省", "2019-01-01 to open", None),
    ("sewage_surcharge", "江苏省", "2016-02-15 to open", None),
    ("sewage_surcharge", "南京市", "2017-01-01 to open", None),
    ("credit_score_bands", "江苏省", "2019-01-01 to 2019-12-31", None),
    ("credit_score_bands", "江苏省", "2020-01-01 to open", None),
]


def test_there_are_shipped_tables() -> None:
    assert len(SHIPPED) >= len(REQUIRED)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_shipped_file_parses_with_exact_decimals(path: Path) -> None:
    tariff, findings = read_tariff(path, "shipped", path.name)
    assert findings == []
    assert tariff is not None
    raw = tomllib.loads(path.read_text("utf-8"))  # no parse_float: floats would show up here
    assert raw["tariff"]["id"] == tariff.id


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_each_value_has_unit_evidence_and_decimal(path: Path) -> None:
    tariff, _ = read_tariff(path, "shipped", path.name)
    assert tariff is not None
    h = tariff.header
    assert h.document.strip() and h.title.strip() and h.source.strip()
    assert h.rounding.quantum == Decimal("0.01") and h.rounding.mode == "half_up"
    for key, leaf in tariff.values().items():
        if isinstance(leaf, Value):
            assert isinstance(leaf.value, Decimal), key
            assert leaf.value.is_finite() and leaf.value >= 0, key
            if leaf.evidence in ("inferred", "provisional"):
                assert leaf.note.strip(), f"{key} is {leaf.evidence} without a note"
    if tariff.provisional_values():
        assert h.status == "provisional"


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_file_sits_in_its_family_folder(path: Path) -> None:
    tariff, _ = read_tariff(path, "shipped", path.name)
    assert tariff is not None
    assert path.parent.name == tariff.family


def test_shipped_book_loads_and_has_every_required_table(book: TariffBook) -> None:
    have = {(t.family, t.header.jurisdiction, t.validity_label()): t for t in book.tariffs}
    for family, jurisdiction, validity, document in REQUIRED:
        tariff = have.get((family, jurisdiction, validity))
        assert tariff is not None, (family, jurisdiction, validity)
        if document is not None:
            assert document in tariff.header.document


def test_places_table_matches_policy(book: TariffBook) -> None:
    places = book.places
    cities = [p for p in places if p.level == "city"]
    assert len(cities) == 13
    regions = {p.short: p.region for p in cities}
    assert [k for k, v in regions.items() if v == "south"] == [
        "南京",
        "无锡",
        "常州",
        "苏州",
        "镇江",
    ]
    assert sorted(k for k, v in regions.items() if v == "middle") == sorted(["南通", "扬州", "泰州"])
    suzhou = [p for p in places if p.parent == "320500"]
    assert len(suzhou) == 10
    assert all(p.in_taihu_basin and p.region == "south" for p in suzhou)
    for written in ("昆山", "昆山市", "320583", " 昆 山 市 ", "昆山市"):
        assert places.resolve(written).code == "320583"
    assert places.resolve("苏州高新区").code == "320505"
    assert places.resolve("园区").name == "苏州工业园区"


def test_fund_rates_per_version_match_policy(book: TariffBook) -> None:
    def rates(year: int) -> list[Decimal]:
        model = book.in_force("pollutant_fund", "江苏省", year=year).model
        return [model.rates[c].value for c in ("south", "middle", "north")]  # type: ignore[union-attr]

    assert rates(2016) == rates(2017) == [1500, 1200, 1000]
    assert rates(2018) == rates(2020) == [2000, 1700, 1500]
    assert rates(2021) == [5000, 4250, 3750]


def test_fund_tp_is_billed_per_100kg_in_every_version(book: TariffBook) -> None:
    for t in book.tariffs:
        if t.family == "pollutant_fund":
            assert t.model.pollutants["TP"].billing_unit.value == "100kg", t.id  # type: ignore[union-attr]


def test_gb3838_limits_match_the_standard(book: TariffBook) -> None:
    from datetime import date

    limits = book.in_force("water_quality_standard", "全国", on=date(2018, 1, 1)).model.limits  # type: ignore[union-attr]
    row = lambda f, body: [limits[f][body][c].value for c in ("I", "II", "III", "IV", "V")]  # noqa: E731
    assert row("CODMn", "all") == [2, 4, 6, 10, 15]
    assert row("NH3-N", "all") == [Decimal("0.15"), Decimal("0.5"), 1, Decimal("1.5"), 2]
    assert row("TP", "river") == [
        Decimal("0.02"),
        Decimal("0.1"),
        Decimal("0.2"),
        Decimal("0.3"),
        Decimal("0.4"),
    ]
    assert row("TP", "lake") == [
        Decimal("0.01"),
        Decimal("0.025"),
        Decimal("0.05"),
        Decimal("0.1"),
        Decimal("0.2"),
    ]
