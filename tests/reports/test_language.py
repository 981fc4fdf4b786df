"""One language per output (issue 15): every string the settlement report shows in Chinese is
Chinese, every one of ours in English is English; the run info has a label for every key.

What is scanned: each table's name, headers, every value as `Column.shown` gives it, its notes,
banner and chart titles, the report's title and cover lines, and the run-info table, in the
language asked for (the example of 2018 and of 2021).

Rules, explicit:
- Chinese: a Latin token (ASCII letters, digits and ``-_.:/``) is allowed when it is a code (it
  holds a digit or one of ``-_.:/``: ``jiangsu-fund-2018``, ``NH3-N``, ``rates.blue``), one of
  `CODE_WORDS`, a value of a column of codes (its header ends in 代码/编号 or it holds hashes),
  or a data name (`DATA_COLUMNS`: documents, titles, file names, as the tariff tables and the
  ledgers write them);
- English: a run of CJK characters is allowed only inside a data name (the values of
  `DATA_COLUMNS` and the report's title as configured).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from ecocomp.errors import LedgerIssue
from ecocomp.examples import example_config
from ecocomp.reports.manifest import rejected_table
from ecocomp.reports.model import Report, Table
from ecocomp.reports.runinfo import run_info_table, unlabelled_keys
from ecocomp.settlement.report import family_reports, settlement_report
from ecocomp.settlement.run import run_settlement

#: Latin words that are codes although they hold no digit or code punctuation: factors, the
#: program's name, formats, the standard's prefix (GB 3838), GDP in an indicator's official
#: name (单位GDP二氧化碳排放下降率), the metre of m³.
CODE_WORDS = frozenset(
    {"ecocomp", "SHA", "CSV", "JSON", "PDF", "XLSX", "COD", "CODMn", "TP", "TN", "GB", "PM", "GDP", "m"}
)
#: Columns whose values are names as the inputs write them (places, sections, enterprises,
#: tariff documents and titles, file names): data, in either language.
DATA_COLUMNS = frozenset(
    {"district", "payer", "receiver", "via", "section_name", "enterprise", "document", "title"}
    | {"jurisdiction", "source", "value"}
)
#: Columns of codes (ids, hashes, key paths): codes, in either language.
CODE_COLUMNS = frozenset(
    {"id", "sha256", "tariff_id", "replaces", "section", "rating", "factor", "pollutant"}
)
_LATIN = re.compile(r"[A-Za-z0-9_\-.:/]*[A-Za-z][A-Za-z0-9_\-.:/]*")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def english_words(text: str) -> list[str]:
    """The Latin tokens of `text` that are neither codes nor `CODE_WORDS`."""
    return sorted(
        {t for t in _LATIN.findall(text) if not re.search(r"[0-9_\-.:/]", t) and t not in CODE_WORDS}
    )


def is_code_column(table: Table, key: str) -> bool:
    column = next(c for c in table.columns if c.key == key)
    return key in CODE_COLUMNS or column.zh.endswith(("代码", "编号"))


def shown_strings(report: Report, language: str) -> Iterator[tuple[str, str]]:
    """(where, text) for every string `report` shows in `language`, data columns left out."""
    yield "title", report.heading(language)
    for line in report.cover:
        yield "cover", line.label(language)
        yield "cover", line.shown(language)
    for t in (*report.tables, run_info_table(report.manifest, language)):
        yield t.key, t.name(language)
        banner = t.banner_in(language)
        yield from ((f"{t.key}:banner", b) for b in ([banner] if banner else []))
        yield from ((f"{t.key}:note", n) for n in t.notes_in(language))
        yield from ((f"{t.key}:chart", c.title(language)) for c in t.charts)
        for c in t.columns:
            yield f"{t.key}:header", c.header(language)
            if (c.key in DATA_COLUMNS and t.key != "run_info") or is_code_column(t, c.key):
                continue
            for row in t.rows:
                if isinstance(value := c.shown(row[c.key], language), str):
                    yield f"{t.key}.{c.key}", value


def data_names(report: Report) -> str:
    names = {report.title}
    for t in report.tables:
        for c in t.columns:
            if c.key in DATA_COLUMNS:
                names |= {v for row in t.rows if isinstance(v := row[c.key], str)}
    return "\n".join(sorted(names))


@pytest.fixture(scope="module", params=["suzhou-2018", "suzhou-2021"])
def report(request: pytest.FixtureRequest) -> Report:
    settlement = run_settlement(example_config(request.param))
    return settlement_report(settlement, datetime(2026, 12, 7, 15, 10, tzinfo=UTC))


def test_the_chinese_report_has_no_english_word(report: Report) -> None:
    found = {(where, w) for where, text in shown_strings(report, "zh") for w in english_words(text)}
    assert sorted(found) == []


def test_the_english_report_has_no_chinese_outside_the_data(report: Report) -> None:
    names = data_names(report)
    found = {
        (where, run)
        for where, text in shown_strings(report, "en")
        if not where.endswith((":banner", ":note"))
        for run in _CJK.findall(text)
        if run not in names
    }
    assert sorted(found) == []


def test_the_english_banner_and_notes_are_english(report: Report) -> None:
    names = data_names(report)
    found = [
        (where, run)
        for where, text in shown_strings(report, "en")
        if where.endswith((":banner", ":note"))
        for run in _CJK.findall(text)
        if run not in names
    ]
    assert found == []
    summary = report.tables[0]
    assert summary.banner_en and len(summary.notes_en) == len(summary.notes)  # line for line


def test_rejected_reasons_read_in_chinese() -> None:
    issues = [
        LedgerIssue("bills.csv", 7, "月份", "2018-13", "bad_month", "not a month: 2018-13"),
        LedgerIssue("bills.csv", 9, "企业", "x", "some_new_check", "a brand-new English message"),
    ]
    table = rejected_table(issues)
    message = next(c for c in table.columns if c.key == "message")
    zh = [message.shown(r["message"], "zh") for r in table.rows]
    assert zh == ["不是月份（应为 YYYY-MM）", "不合格（原因见“原因代码”列）"]
    assert [message.shown(r["message"], "en") for r in table.rows] == [i.message for i in issues]
    assert all(english_words(str(v)) == [] for v in zh)


def test_the_scan_can_fail() -> None:
    assert english_words("净上缴 received jiangsu-fund-2018 NH3-N CODMn rates.blue provisional") == [
        "provisional",
        "received",
    ]


def test_every_manifest_key_has_a_run_info_label(report: Report) -> None:
    assert unlabelled_keys(report.manifest) == []
    assert unlabelled_keys(dict(report.manifest) | {"files": ["s.csv"]}) == []


def test_every_family_manifest_key_has_a_label() -> None:
    settlement = run_settlement(example_config("suzhou-2018"))
    for key, family in family_reports(settlement).items():
        assert unlabelled_keys(family.manifest) == [], key


def test_an_unknown_key_is_found_and_still_shown(report: Report) -> None:
    families = dict(report.manifest["families"])  # type: ignore[call-overload]
    fund = dict(families["fund"]) | {"new_count": 3}
    manifest = dict(report.manifest) | {"families": families | {"fund": fund}, "extra": {"x": 1}}
    assert unlabelled_keys(manifest) == ["families.fund.new_count", "extra"]
    rows = {r["key"]: r["value"] for r in run_info_table(manifest, "zh").rows}
    assert rows["extra.x"] == "1" and rows["Pollutant-linked fund.new_count"] == "3"  # never left out


def test_run_info_rows_read_as_labels_not_key_paths(report: Report) -> None:
    for language in ("zh", "en"):
        rows = run_info_table(report.manifest, language).rows
        keys = [str(r["key"]) for r in rows]
        assert not [k for k in keys if "[" in k or k.startswith(("families.", "config."))], language
    zh = {str(r["key"]): str(r["value"]) for r in run_info_table(report.manifest, "zh").rows}
    assert zh["运行时间（北京时间）"] == "2026-12-07 23:10"
    assert zh["统筹资金 · 输入 1 · 读入行数 / 接受 / 剔除"].count(" / ") == 2
    assert "ecocomp 版本" in zh and "配置文件" in zh


def test_a_run_with_the_range_reads_in_one_language_too() -> None:
    report = settlement_report(run_settlement(example_config("suzhou-2018"), with_range=True))
    assert unlabelled_keys(report.manifest) == []
    assert sorted({(w, t) for w, text in shown_strings(report, "zh") for t in english_words(text)}) == []
    names = data_names(report)
    found = {
        (w, run) for w, text in shown_strings(report, "en") for run in _CJK.findall(text) if run not in names
    }
    assert sorted(found) == []
    zh = {str(r["key"]): str(r["value"]) for r in run_info_table(report.manifest, "zh").rows}
    assert zh["区间计算 · 读数"] == "中值、低值、高值"


WATER_BANDED = (
    "S1 2018年3月 总磷 0.30 mg/L − 目标 0.20 mg/L = 0.10 mg/L，"
    "超标倍数 0.1 ÷ 0.2 = 0.5，适用倍数 > 0.3 档 100,000 元 × (1 + 0.5)"
    "（太湖，苏环办〔2021〕131号）= 150,000.00 元，"
    "上游 丹阳市 付 省财政（断面无省内下游地区）",
    "S1 2018-03 TP 0.30 mg/L − target 0.20 mg/L = 0.10 mg/L, "
    "exceedance multiple 0.1 ÷ 0.2 = 0.5, band multiple > 0.3: 100,000 yuan × (1 + 0.5) "
    "(Taihu basin, 苏环办〔2021〕131号)= 150,000.00 yuan, "
    "upstream 丹阳市 pays the provincial treasury (no downstream district in the province)",
)
WATER_CITY = (
    "S2 2018年12月 氨氮 1.20 mg/L − 目标 1.00 mg/L = 0.20 mg/L × 10 万m³ ÷ 100 = 0.02 吨 "
    "× 1,000 元/吨（其他，X号）= 20.00 元，"
    "上游 吴中区 经苏州市财政 付 下游 吴江区，其中市级留存 2.00 元"
    "（流量缺测，按2018年11个月实测均值替代）",
    "S2 2018-12 NH3-N 1.20 mg/L − target 1.00 mg/L = 0.20 mg/L × 10 (10⁴ m³) ÷ 100 = 0.02 t "
    "× 1,000 yuan/t (other basins, X号)= 20.00 yuan, "
    "upstream 吴中区 pays, through the 苏州市 treasury, downstream 吴江区, "
    "of which the city keeps 2.00 yuan (flow missing: the mean of 11 measured months of 2018 used)",
)


@pytest.mark.parametrize(("text", "english"), [WATER_BANDED, WATER_CITY])
def test_a_water_explanation_in_english(text: str, english: str) -> None:
    from ecocomp.families.water.report import LINE_EN

    assert LINE_EN(text) == english


def test_a_surcharge_explanation_in_english() -> None:
    from ecocomp.families.surcharge.report import EXPLANATION_EN

    text = (
        "差别电价 2019-07至2019-12 红色（评价台账第5行，2019-01-01起，评分 55 分，按 X办法），"
        "连续两次红色按黑色计 × 0.1 元/千瓦时（t1，差别电价文件）= 10.00 元；"
        "差别化污水处理费 2019-07至2019-12 未评价，按黄色计（unrated，inferred） "
        "× 0 元/立方米（t2，Y）= 0.00 元"
    )
    assert EXPLANATION_EN(text) == (
        "electricity surcharge 2019-07 to 2019-12 red (ratings ledger line 5, from 2019-01-01, "
        "score 55 points, under X办法), red twice in a row: charged as black "
        "× 0.1 yuan/kWh (t1, 差别电价文件)= 10.00 yuan; "
        "sewage surcharge 2019-07 to 2019-12 not rated, charged as yellow (unrated, inferred) "
        "× 0 yuan/m³ (t2, Y)= 0.00 yuan"
    )
