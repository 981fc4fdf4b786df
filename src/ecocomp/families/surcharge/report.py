"""The report tables of a credit-rated surcharge run: 按地区, 按信用等级, 按月份, 重点企业,
明细文件, then the tail every family shares (剔除记录, 费率表, 运行信息).

References (POLICY.md, family C): 江苏省环保信用评价差别电价 (trial 2016-01-01; 2019 revision),
《江苏省污水处理费征收使用管理实施办法》 (2016-02-15), 南京市差别化污水处理费 (2017-01-01),
《江苏省企业环保信用评价暂行办法》 (2019 score bands).

Bill lines never go through the in-memory report tables: a run may have ten million of them. The
workbook holds the summaries only and names the file with the full lines (Excel stops at 1,048,576
rows); `files` writes the lines, the JSON and every output file.

Every summary row says what it rests on: `evidence`, the weakest evidence among the tariff values
and rules its lines used (the workbook shows 已核实/译文/推定/暂定), and `evidence_values`, those
not verified; under 按地区 the notes name the inferred and provisional values of the whole run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import asdict, replace
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from ecocomp.codes import COLOUR_ZH
from ecocomp.errors import LedgerIssue
from ecocomp.families.base import MONEY_PHRASES_EN, Progress, Run, in_languages, phrases, rendered
from ecocomp.families.run import family_report
from ecocomp.families.surcharge.compute import GroupTotal, SurchargeResult
from ecocomp.reports.manifest import rejected_table
from ecocomp.reports.model import Column, Report, Table
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, evidence_notes, warning_text

__all__ = ["MONEY", "TITLE", "Progress", "SurchargeRun", "surcharge_report"]

SurchargeRun = Run[SurchargeResult]
TITLE = "差别化电价与污水处理费(环保信用评价)"
TITLE_EN = "Credit-rated electricity and sewage surcharges (environmental credit ratings)"
TOP_ENTERPRISES = 200
MAX_SHEET_ROWS = 1_048_576 - 10  # Excel's limit, less a header, a title and a totals row
RATING_ZH = dict(COLOUR_ZH) | {"red_repeat": "红色(连续两次，按黑色计)", "unrated": "未评价"}
RATING_EN = {zh: code.replace("_", " ") for code, zh in RATING_ZH.items()} | {
    "红色(连续两次，按黑色计)": "red twice in a row (charged as black)"
}


#: 重点企业's explanation in English: our words translated; enterprise, table and document names
#: as they are (a rule is anchored on the words around a name so a name is never touched).
EXPLANATION_EN = phrases(
    (
        (r"(^|；)差别电价 ", r"\1electricity surcharge "),
        (r"(^|；)差别化污水处理费 ", r"\1sewage surcharge "),
        (r"(\d{4}-\d{2})至(\d{4}-\d{2})", r"\1 to \2"),
        *(
            (rf" {zh}（评价台账第(\d+)行，([\d-]+)起", rf" {code} (ratings ledger line \1, from \2")
            for code, zh in COLOUR_ZH.items()
        ),
        (r"，评分 ([\d.]+) 分，按 ", r", score \1 points, under "),
        (r"，连续两次红色按黑色计", ", red twice in a row: charged as black"),
        (r" 未评价", " not rated"),
        *((rf"，按{zh}计（unrated，", rf", charged as {code} (unrated, ") for code, zh in COLOUR_ZH.items()),
        (r"^无计费账单$", "no bill charged"),
        *MONEY_PHRASES_EN,
    )
)

# --- report tables -----------------------------------------------------------------------------

MONEY = (
    Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
    Column("water_surcharge", "差别化污水处理费加价(元)", "money", total=True),
    Column("total", "合计(元)", "money", total=True),
)
BY_DISTRICT = (
    Column("district", "地区", "text"),
    Column("district_code", "地区代码", "text"),
    Column("bills", "账单数", "int", total=True),
    Column("enterprises", "企业数", "int"),
    *MONEY,
    *EVIDENCE_COLUMNS,
)
BY_MONTH = (
    Column("month", "月份", "month"),
    Column("bills", "账单数", "int", total=True),
    Column("enterprises", "企业数", "int"),
    *MONEY,
    *EVIDENCE_COLUMNS,
)
BY_RATING = (
    Column("rating", "信用等级代码", "text"),
    Column("rating_name", "信用等级", "text", render=rendered(en=RATING_EN)),
    Column("electricity_bills", "电费账单数", "int", total=True),
    Column("electricity_enterprises", "电费企业数", "int"),
    Column("electricity_surcharge", "差别电价加价(元)", "money", total=True),
    Column("water_bills", "水费账单数", "int", total=True),
    Column("water_enterprises", "水费企业数", "int"),
    Column("water_surcharge", "差别化污水处理费加价(元)", "money", total=True),
    Column("total", "合计(元)", "money", total=True),
    *EVIDENCE_COLUMNS,
)
TOP = (
    Column("rank", "排名", "int"),
    Column("enterprise", "企业名称", "text"),
    Column("bills", "账单数", "int"),
    *(Column(c.key, c.zh, c.kind) for c in MONEY),
    Column("explanation", "说明(适用等级、期间与文件)", "text", render=rendered(en=EXPLANATION_EN)),
    *EVIDENCE_COLUMNS,
)
#: 明细文件's own texts in English (the others are data: file names, counts, warnings).
WHERE_EN: dict[str, str] = {
    "账单明细(每张账单一行)": "bill lines (one row per bill)",
    "未写出(用 -o 明细.parquet)": "not written (use -o lines.parquet)",
    "明细行数": "bill lines",
    "退补(调整)行": "adjustment rows",
    "说明": "note",
    "工作簿只含汇总；Excel 每表最多 1,048,576 行，全部账单行见上述文件": (
        "the workbook holds the summaries only; Excel takes at most 1,048,576 rows a sheet: every "
        "bill line is in the file above"
    ),
    "警告": "warning",
}
WHERE = (
    Column("item", "项目", "text", render=lambda v, lang: WHERE_EN.get(str(v), v) if lang == "en" else v),
    Column("value", "内容", "text", render=lambda v, lang: _where_shown(v, lang)),
)
#: What 按地区's printed page shows: the figures and the mark, not the list of unverified values.
PRINTED = tuple(c.key for c in BY_DISTRICT if c.key != "evidence_values")


def surcharge_report(run: SurchargeRun, lines: Sequence[Path] = ()) -> Report:
    """The summary tables of a run (never the bill lines themselves), with its manifest."""
    result = run.result
    top, zero = _top(result)
    notes = _zero_notes(zero, "zh")
    tables = (
        *_summary_tables(result),
        in_languages(
            Table("top_enterprises", "重点企业", TOP, top, notes=notes, layout="detail", key_columns=2),
            notes_en=_zero_notes(zero, "en"),
        ),
        Table("lines_location", "明细文件", WHERE, _where(run, lines), layout="detail"),
    )
    extra: dict[str, object] = {"bill_lines": [p.name for p in lines]}
    if result.adjustments.rows:  # only a run with 退补 rows says so (the others' files stay as they were)
        extra["adjustments"] = {
            k: str(v) if k != "rows" else v for k, v in asdict(result.adjustments).items()
        }
    report = family_report(run, TITLE, tables, rejected=_rejected(run.rejected), extra=extra)
    return replace(report, title_en=TITLE_EN)


def _summary_tables(result: SurchargeResult) -> tuple[Table, Table, Table]:
    """按地区 (with the notes on the run's unverified values), 按信用等级, 按月份, each with a
    totals row."""
    districts = [
        {"district": g.name, "district_code": g.key} | _group(g) | {"bills": g.bills}
        for g in result.by_district
    ]
    months = [{"month": g.key} | _group(g) | {"bills": g.bills} for g in result.by_month]
    adjusted = _adjustment_notes(result)
    ratings = [
        {k: v for k, v in asdict(r).items() if k != "basis"}
        | {"rating_name": RATING_ZH[r.rating]}
        | r.basis.columns()
        for r in result.by_rating
    ]
    notes = (*evidence_notes(result.basis), *adjusted)  # the first table: the terminal shows its notes
    by_district = Table(
        "by_district",
        "按地区",
        BY_DISTRICT,
        districts,
        totals=True,
        notes=notes,
        row_key="district_code",
        layout="summary",
        key_columns=2,
        print_columns=PRINTED,
    )
    return (
        in_languages(
            by_district, notes_en=(*evidence_notes(result.basis, "en"), *_adjustment_notes(result, "en"))
        ),
        Table("by_rating", "按信用等级", BY_RATING, ratings, totals=True, layout="detail", key_columns=2),
        in_languages(
            Table("by_month", "按月份", BY_MONTH, months, totals=True, notes=adjusted, layout="detail"),
            notes_en=_adjustment_notes(result, "en"),
        ),
    )


def _adjustment_notes(result: SurchargeResult, language: str = "zh") -> tuple[str, ...]:
    """The 退补 rows charged and their net amount, booked in their bill months, in `language`
    (none: no note)."""
    a = result.adjustments
    if not a.rows:
        return ()
    if language == "en":
        return (
            f"{a.rows:,} adjustment row(s) charged at the rating and table of the month each corrects, "
            f"booked in its bill month; net {a.total:,f} yuan (electricity {a.electricity_surcharge:,f} "
            f"yuan, sewage {a.water_surcharge:,f} yuan)",
        )
    return (
        f"含退补(调整)行 {a.rows:,} 行，按所更正月份的信用等级和费率表计算，计入记账月份；净额 "
        f"{a.total:,f} 元(差别电价 {a.electricity_surcharge:,f} 元，差别化污水处理费 "
        f"{a.water_surcharge:,f} 元)",
    )


def _zero_notes(zero: int, language: str) -> tuple[str, ...]:
    """How many enterprises have no surcharge and are left out of 重点企业 (none: no note)."""
    if not zero:
        return ()
    if language == "en":
        return (
            f"{zero:,} enterprise(s) with no surcharge are not listed; their bills are in the bill lines.",
        )
    return (f"另有 {zero:,} 家企业加价为零，未列入本表；其账单见账单明细。",)


def _group(g: GroupTotal) -> dict[str, object]:
    money = {k: v for k, v in asdict(g).items() if k in ("enterprises", *(c.key for c in MONEY))}
    return money | g.basis.columns()


def _top(result: SurchargeResult) -> tuple[list[dict[str, object]], int]:
    """The enterprises with the greatest non-zero surcharges (at most `TOP_ENTERPRISES`), and how
    many enterprises have none."""
    every = result.by_enterprise
    table = every.filter(
        pc.not_equal(every.column("total"), pa.scalar(Decimal(0), every.schema.field("total").type))
    )
    order = pc.sort_indices(table, [("total", "descending"), ("enterprise", "ascending")])
    top = table.take(order[:TOP_ENTERPRISES]).to_pylist()
    names = [str(row["enterprise"]) for row in top]
    texts, bases = result.explain(names), result.enterprise_bases(names)
    rows = [
        row | {"rank": i + 1, "explanation": texts[name]} | bases[name].columns()
        for i, (row, name) in enumerate(zip(top, names, strict=True))
    ]
    return rows, every.num_rows - table.num_rows


def _where(run: SurchargeRun, lines: Sequence[Path]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = [
        {
            "item": "账单明细(每张账单一行)",
            "value": ", ".join(str(p) for p in lines) or "未写出(用 -o 明细.parquet)",
        },
        {"item": "明细行数", "value": f"{len(run.result.kept):,}"},
        *_adjustment_rows(run.result),
        {"item": "说明", "value": "工作簿只含汇总；Excel 每表最多 1,048,576 行，全部账单行见上述文件"},
    ]
    rows += [{"item": "警告", "value": w} for w in run.warnings]
    return rows


def _where_shown(value: object, language: str) -> object:
    """明细文件's texts in `language`: a warning by `warning_text`, our items in English."""
    if not isinstance(value, str):
        return value
    zh, en = warning_text(value)
    if language == "zh":
        return zh
    return WHERE_EN.get(value) or (en if en != value else _adjustment_en(value))


def _adjustment_en(text: str) -> str:
    """ "12 行，净额 3.50 元(计入记账月份)" -> "12 rows, net 3.50 yuan (booked in the bill month)"."""
    found = re.match(r"^([\d,]+) 行，净额 (\S+) 元\(计入记账月份\)$", text)
    return f"{found[1]} rows, net {found[2]} yuan (booked in the bill month)" if found else text


def _adjustment_rows(result: SurchargeResult) -> list[dict[str, object]]:
    a = result.adjustments
    if not a.rows:
        return []
    return [{"item": "退补(调整)行", "value": f"{a.rows:,} 行，净额 {a.total:,f} 元(计入记账月份)"}]


def _rejected(issues: Sequence[LedgerIssue]) -> Table:
    table = rejected_table(issues[:MAX_SHEET_ROWS])
    if len(issues) <= MAX_SHEET_ROWS:
        return table
    note = {"source": "", "line": None, "column": "", "value": "", "code": "truncated"}
    note["message"] = f"{len(issues) - MAX_SHEET_ROWS:,} more rejected rows: see the JSON output"
    return Table(table.key, table.zh, table.columns, [*table.rows, note])
