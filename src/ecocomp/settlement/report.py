"""The settlement report: 汇总 per district across the families, each family's own tables, the
tariff tables used, every rejected row, and the run info.

The summary's family columns are the family results' own figures, so each column's total is
the family command's total; blank where a family does not concern a place (e.g. a district
inside 苏州市区 is not a payer of its own). Its rows are grouped by the party's role (`group`):
本市各区、县级市, 市区 (the city's urban area as the fund's payer: its row is named 苏州市区, not
苏州市, which would read as the city's total), 省级 (the province's own flows) and 外市 (other
cities, a party to cross-border water sections), in that order, then by place code. When any
tariff table in use is provisional, 汇总 carries a banner naming each one (`provisional_banner`),
and each chart's title says 含暂定数. One chart per family (`Family.charts`), titled in the sign
convention of its column. The cover lines (`cover_lines`) give the year, the months of the
families that have them, the time of the run in Beijing time, the config file and the version.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import fields, replace
from datetime import UTC, datetime, timedelta, timezone

from ecocomp._version import __version__
from ecocomp.errors import LedgerIssue
from ecocomp.families.base import Result, Run, in_languages
from ecocomp.families.registry import FAMILIES
from ecocomp.places import Places
from ecocomp.reports.manifest import rejected_table, tariffs_table
from ecocomp.reports.model import Chart, Column, CoverLine, Report, Table, never_empty
from ecocomp.reports.ranges import (
    RANGE_SUFFIXES,
    range_columns,
    ranged_rows,
    reading_totals,
    totals_notes,
    totals_notes_en,
)
from ecocomp.settlement.run import Settlement
from ecocomp.tariffs.evidence import EVIDENCE_LABELS, Basis, evidence_notes
from ecocomp.tariffs.files import Tariff
from ecocomp.tariffs.readings import ranged_values

__all__ = [
    "BEIJING",
    "GROUPS",
    "RANGE_SUFFIXES",
    "cover_lines",
    "family_reports",
    "mark_column",
    "printed_columns",
    "provisional_banner",
    "settlement_report",
    "summary_columns",
]

#: The role groups of 汇总, in their order: code, Chinese heading, English heading.
GROUPS = (
    ("districts", "本市各区、县级市", "Districts and county-level cities of the city"),
    ("urban", "市区", "Urban area of the city (payer of the fund)"),
    ("province", "省级", "Province"),
    ("other_cities", "外市", "Other cities"),
)
_GROUP_ORDER = {code: i for i, (code, _, _) in enumerate(GROUPS)}
_GROUP_EN = {code: en for code, _, en in GROUPS}


def _group_shown(value: object, language: str) -> object:
    """A group code in English (the Chinese label comes from the column's labels)."""
    return _GROUP_EN.get(str(value), value) if language == "en" else value


PLACE_COLUMNS = never_empty(
    (
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("group", "分组", "text", labels=tuple((c, zh) for c, zh, _ in GROUPS), render=_group_shown),
    )
)
SHARED_TABLES = ("rejected", "tables_used")
_ISSUE_FIELDS = tuple(f.name for f in fields(LedgerIssue))
BANNER_LEAD = "注意：以下数字使用了暂定费率表，不是最终结算依据："
BANNER_LEAD_EN = (
    "Note: these figures use provisional tariff tables and are not a final basis for settlement: "
)
CHART_NOTE = {"zh": "（含暂定数）", "en": " (includes provisional figures)"}
#: Beijing time (UTC+8, no daylight saving since 1991): the time of the run on the cover.
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")


def summary_columns(with_range: bool = False) -> tuple[Column, ...]:
    """汇总's columns: the place, then every registered family's summary columns and its mark
    "<family>_evidence" (the weakest evidence its figures for the place rest on); `with_range`:
    each money column followed by "<key>_low" and "<key>_high" ("…·低", "…·高")."""
    columns: list[Column] = list(PLACE_COLUMNS)
    for family in FAMILIES.values():
        columns += range_columns(family.summary_columns) if with_range else family.summary_columns
        columns.append(mark_column(family.key, family.prefix_zh))
    return tuple(columns)


def mark_column(family: str, prefix_zh: str) -> Column:
    """The column marking how sure a family's figures for a place are (已核实 … 暂定)."""
    return Column(f"{family}_evidence", f"{prefix_zh}依据等级", "text", labels=EVIDENCE_LABELS)


def settlement_report(settlement: Settlement, generated_at: datetime | None = None) -> Report:
    """One report over the families; `generated_at` goes into the run info and the cover (XLSX
    only: keep it None for byte-identical CSV, JSON and Parquet)."""
    reports = family_reports(settlement)
    columns = summary_columns(settlement.with_range)
    tariffs = _unique_tariffs(settlement)
    banner = provisional_banner(tariffs)
    readings = _reading_tables(settlement)
    rows = _summary_rows(readings)
    basis = _basis(settlement)
    summary = Table(
        "summary",
        "汇总",
        columns,
        rows,
        totals=True,
        banner=banner,
        notes=(*group_notes(rows, "zh"), *evidence_notes(basis))
        + (totals_notes(readings) if settlement.with_range else ()),
        row_key="district_code",
        layout="summary",
        key_columns=2,
        group="group",
        charts=_charts(settlement, provisional=banner is not None),
        print_columns=printed_columns(columns),
    )
    summary = in_languages(
        summary,
        banner_en=provisional_banner(tariffs, "en"),
        notes_en=(*group_notes(rows, "en"), *evidence_notes(basis, "en"))
        + (totals_notes_en(readings) if settlement.with_range else ()),
    )
    tables = [summary]
    for family, report in reports.items():
        tables += [_prefixed(family, t) for t in report.tables if t.key not in SHARED_TABLES]
    tables += [_rejected(reports), tariffs_table(tariffs)]
    info = _manifest(settlement, reports, generated_at)
    if settlement.with_range:
        info["range"] = _range_info(settlement, readings)
    cover = cover_lines(settlement, generated_at)
    return Report(settlement.title, tuple(tables), info, cover=cover, title_en=settlement.title_en)


def _charts(settlement: Settlement, *, provisional: bool) -> tuple[Chart, ...]:
    """Each family's charts of 汇总 (families run only), their titles saying 含暂定数 when a
    table in use is provisional."""
    charts = [chart for key in settlement.runs for chart in FAMILIES[key].charts]
    if not provisional:
        return tuple(charts)
    return tuple(replace(c, zh=c.zh + CHART_NOTE["zh"], en=c.en + CHART_NOTE["en"]) for c in charts)


def cover_lines(settlement: Settlement, generated_at: datetime | None) -> tuple[CoverLine, ...]:
    """The lines under the title: the assessment year, each family's months (those that have
    them), the time of the run in Beijing time (none without `generated_at`), the config file
    and the ecocomp version."""
    year = str(settlement.config.year)
    lines = [CoverLine("考核年度", "Assessment year", f"{year}年", year)]
    for key, run in settlement.runs.items():
        first, last = run.parameters.get("from"), run.parameters.get("to")
        if isinstance(first, str) and isinstance(last, str):
            family = FAMILIES[key]
            zh, en = f"{_month_zh(first)}至{_month_zh(last)}", f"{first} to {last}"
            lines.append(CoverLine(f"{family.prefix_zh}结算期间", f"{family.title_en}: months", zh, en))
    if generated_at is not None:
        lines.append(CoverLine("运行时间（北京时间）", "Run at (Beijing time)", beijing_time(generated_at)))
    lines.append(CoverLine("配置文件", "Config file", settlement.config_name))
    lines.append(CoverLine("ecocomp 版本", "ecocomp version", __version__))
    return tuple(lines)


def beijing_time(moment: datetime) -> str:
    """A moment in Beijing time to the minute: "2026-12-08 07:10" (a naive moment is UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return f"{aware.astimezone(BEIJING):%Y-%m-%d %H:%M}"


def _month_zh(month: str) -> str:
    """ "2018-01" -> "2018年1月"."""
    year, number = month.split("-")
    return f"{year}年{int(number)}月"


def provisional_banner(tariffs: Sequence[Tariff], language: str = "zh") -> str | None:
    """The notice 汇总 opens with when any of `tariffs` is provisional, naming each such table
    with its document, sorted by id, in `language`; None when every table is settled."""
    provisional = sorted((t for t in tariffs if t.header.status == "provisional"), key=lambda t: t.id)
    if not provisional:
        return None
    if language == "en":
        named_en = (f"{t.id} ({t.header.document})" if t.header.document else t.id for t in provisional)
        return BANNER_LEAD_EN + "; ".join(named_en) + "."
    named = (f"{t.id}（{t.header.document}）" if t.header.document else t.id for t in provisional)
    return BANNER_LEAD + "、".join(named) + "。"


def printed_columns(columns: Sequence[Column]) -> tuple[str, ...]:
    """汇总's columns on its printed page: the place, and per family its headline figures (with
    their low and high in a run with the range) and its evidence mark; not the group, which the
    headings say. The other figures are on screen and on each family's own summary page."""
    shown = {c.key for c in PLACE_COLUMNS} - {"group"}
    for family in FAMILIES.values():
        shown |= {f"{family.key}_evidence", *family.headline_columns}
    bare = (c.key.removesuffix("_low").removesuffix("_high") for c in columns)
    return tuple(c.key for c, key in zip(columns, bare, strict=True) if key in shown)


def group_notes(rows: Sequence[Mapping[str, object]], language: str) -> tuple[str, ...]:
    """What the rows of 市区, 省级 and 外市 are, one line per group present (none for the
    districts, which read as what they are)."""
    found: dict[str, list[Mapping[str, object]]] = {}
    for row in rows:
        found.setdefault(str(row["group"]), []).append(row)
    brackets = "（{}）" if language == "zh" else " ({})"
    named = {
        g: [f"{r['district']}{brackets.format(r['district_code'])}" for r in found.get(g, [])]
        for g in _GROUP_ORDER
    }
    unpaid = [str(r["district"]) for r in found.get("districts", []) if not _pays_as_city_payer(r)]
    notes: list[str] = []
    if named["urban"]:
        if language == "zh":
            who = f"（{'、'.join(unpaid)}）" if unpaid else ""
            notes.append(
                f"市区：{'、'.join(named['urban'])}是统筹资金的缴费主体，代市区各区{who}统一缴纳；这一行不是全市合计。"
            )
        else:
            who = f" ({', '.join(unpaid)})" if unpaid else ""
            notes.append(
                f"Urban area: {', '.join(named['urban'])} pays the fund for the urban districts{who}; "
                "it is not the city's total."
            )
    if named["province"]:
        notes.append(
            f"省级：{'、'.join(named['province'])}为省财政自身的收支（如水补偿的省级留存份额、省付款项）。"
            if language == "zh"
            else f"Province: {', '.join(named['province'])} is the province's own treasury flows "
            "(e.g. its retained share of water compensation, and what it pays itself)."
        )
    if named["other_cities"]:
        notes.append(
            f"外市：{'、'.join(named['other_cities'])}不属本市，所列为其与本市之间跨界断面的款项。"
            if language == "zh"
            else f"Other cities: {', '.join(named['other_cities'])} are not part of the city; their rows "
            "are the money of cross-border sections with it."
        )
    return tuple(notes)


def family_reports(settlement: Settlement) -> dict[str, Report]:
    """Each family's own report, as its command would write it (by family key)."""
    return {key: FAMILIES[key].report(run) for key, run in settlement.runs.items()}


def _summary_rows(readings: Mapping[str, Table]) -> list[dict[str, object]]:
    """One row per place any family concerns, in place-code order. With the range computed,
    each money figure's low and high are the least and the greatest of its central, all-low and
    all-high figures (`ecocomp.reports.ranges`)."""
    central = list(readings["central"].rows)
    if len(readings) == 1:
        return [dict(row) for row in central]
    return ranged_rows(central, [t.rows for t in readings.values()], summary_columns(), "district_code")


def _reading_tables(settlement: Settlement) -> dict[str, Table]:
    """汇总 without the range at each reading (central first; only it without the range)."""
    runs = {"central": settlement.runs, **settlement.readings}
    return {
        name: Table(
            "summary", "汇总", summary_columns(), _reading_rows(found, settlement.places), totals=True
        )
        for name, found in runs.items()
    }


def _reading_rows(runs: Mapping[str, Run[Result]], places: Places | None) -> list[dict[str, object]]:
    """汇总's rows (without the range) of one reading's runs, by group, then place code."""
    figures = [c.key for c in summary_columns()[len(PLACE_COLUMNS) :]]
    found = _place_figures(runs)
    groups = place_groups(found, places)
    rows = [
        {"district": _shown_name(name, groups[code]), "district_code": code, "group": groups[code]}
        | dict.fromkeys(figures)
        | values
        for code, (name, values) in found.items()
    ]
    return sorted(rows, key=lambda r: (_GROUP_ORDER[str(r["group"])], str(r["district_code"])))


def place_groups(
    found: Mapping[str, tuple[str, Mapping[str, object]]], places: Places | None
) -> dict[str, str]:
    """Each place's group: the province; a city whose districts are rows too, or that pays the
    fund, is the urban area (市区); another city is 外市; a district, county-level city or zone
    (and a place the places table does not know) is one of the city's districts."""
    info = {code: None if places is None else places.find(code) for code in found}
    parents = {p.parent for p in info.values() if p is not None and p.level in ("county", "zone")}
    groups: dict[str, str] = {}
    for code, (_, figures) in found.items():
        place = info[code]
        level = "county" if place is None else place.level
        if level in ("province", "nation"):
            groups[code] = "province"
        elif level == "city":
            groups[code] = "urban" if code in parents or _pays_as_city_payer(figures) else "other_cities"
        else:
            groups[code] = "districts"
    return groups


def _pays_as_city_payer(figures: Mapping[str, object]) -> bool:
    """Whether a place has figures of a family whose city payers are urban areas (the fund)."""
    return any(
        figures.get(c.key) is not None
        for family in FAMILIES.values()
        if family.city_payer
        for c in family.summary_columns
    )


def _shown_name(name: str, group: str) -> str:
    """A city's name as its urban area's (苏州市 -> 苏州市区); the others as they are."""
    return f"{name}区" if group == "urban" and name.endswith("市") else name


def _place_figures(runs: Mapping[str, Run[Result]]) -> dict[str, tuple[str, dict[str, object]]]:
    """Place code -> (its name, its figures from every family's run)."""
    found: dict[str, tuple[str, dict[str, object]]] = {}
    for key, run in runs.items():
        for place in FAMILIES[key].by_place(run):
            figures = dict(place.figures) | {f"{key}_evidence": place.basis.evidence}
            found.setdefault(place.code, (place.name, {}))[1].update(figures)
    return found


def _basis(settlement: Settlement) -> Basis:
    """Everything the central figures of 汇总 rest on, over every family and place."""
    return Basis.union(
        place.basis for key, run in settlement.runs.items() for place in FAMILIES[key].by_place(run)
    )


def _prefixed(family: str, table: Table) -> Table:
    return replace(table, key=f"{family}_{table.key}", zh=f"{FAMILIES[family].prefix_zh}{table.zh}")


def _rejected(reports: Mapping[str, Report]) -> Table:
    """Every family's rejected rows in one table, with the family they belong to."""
    found = [
        (family, r)
        for family, report in reports.items()
        for t in report.tables
        if t.key == "rejected"
        for r in t.rows
    ]
    base = rejected_table([LedgerIssue(**{k: r[k] for k in _ISSUE_FIELDS}) for _, r in found])  # type: ignore[arg-type]
    rows = [dict(r) | {"family": FAMILIES[family].prefix_zh} for family, r in found]
    names = tuple((f.prefix_zh, f.title_en) for f in FAMILIES.values())
    family = Column(
        "family", "类别", "text", render=lambda v, lang: dict(names).get(str(v), v) if lang == "en" else v
    )
    return replace(base, columns=(family, *base.columns), rows=rows)


def _unique_tariffs(settlement: Settlement) -> list[Tariff]:
    found: dict[str, Tariff] = {}
    for run in settlement.runs.values():
        found |= {t.id: t for t in run.result.tariffs}
    return [found[k] for k in sorted(found)]


def _manifest(
    settlement: Settlement, reports: Mapping[str, Report], generated_at: datetime | None
) -> dict[str, object]:
    info: dict[str, object] = {
        "ecocomp_version": __version__,
        "command": "settle",
        "config": {"file": settlement.config_name, "sha256": settlement.config_sha256}
        | settlement.config.dump(),
        "families": {family: dict(report.manifest) for family, report in reports.items()},
        "warnings": [w for report in reports.values() for w in _strings(report.manifest.get("warnings"))],
    }
    if generated_at is not None:
        info["generated_at"] = generated_at.isoformat(timespec="seconds")
    return info


def _range_info(settlement: Settlement, readings: Mapping[str, Table]) -> dict[str, object]:
    """How the low and high columns were made, and the ranged values of the tables used."""
    ranged = {
        t.id: {
            path: f"{v.low if v.low is not None else v.value}..{v.high if v.high is not None else v.value}"
            for path, v in ranged_values(t.model).items()
        }
        for t in _unique_tariffs(settlement)
    }
    return {
        "readings": ["central", *settlement.readings],
        "method": "each ranged tariff value at its low bound (all-low run) and at its high bound "
        "(all-high run); per place, <key>_low and <key>_high are the least and the greatest of the "
        "central, all-low and all-high figures; they have no totals row (a sum of per-place "
        "extremes is the figure of no reading): `totals` gives each reading's totals",
        "totals": reading_totals(readings),
        "ranged_values": {k: v for k, v in ranged.items() if v},
    }


def _strings(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []
