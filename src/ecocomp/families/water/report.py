"""The report of a water-compensation run: 汇总, 分月汇总, 明细, 分担明细, 资金平衡, 不计算记录,
then the tail every family shares (剔除记录, 费率表, 运行信息).

Every line says what it rests on (依据等级: the weakest evidence among the tariff values and
rules it used, and which of them are not verified); every row of money in a summary carries the
mark of the lines it is made of, and 汇总 names the uncertain values under it (`summary_table`).
"""

from __future__ import annotations

from dataclasses import asdict, replace
from decimal import Decimal

from ecocomp.codes import (
    BASIN_EN,
    BASIN_ZH,
    DIRECTION_EN,
    DIRECTION_ZH,
    FACTOR_ZH,
    METHOD_ZH,
    NAME_EN,
    PROVINCE,
    SHARE_ROLE_ZH,
)
from ecocomp.families.base import (
    MASS_PHRASES_EN,
    MONEY_PHRASES_EN,
    Run,
    Template,
    in_languages,
    patterns,
    phrases,
    rendered,
)
from ecocomp.families.run import family_report, summary_table
from ecocomp.families.water.compute import WaterResult
from ecocomp.families.water.rules import plain
from ecocomp.months import month_zh
from ecocomp.reports.model import Column, Report, Table, never_empty
from ecocomp.tariffs.evidence import EVIDENCE_COLUMNS, Basis, evidence_notes

__all__ = ["LINES", "SUMMARY", "water_report"]

ZERO = Decimal("0.00")
#: The reasons of 不计算记录 in Chinese (the data keeps the computation's English text).
EXCLUDED_ZH = patterns(
    (
        (r"(\S+) is not assessed for (\S+) \((\w+)\) sections under (.+)", r"\4 不考核\2断面的\1"),
        (r"(\d{4}-\d{2}) is outside the range", r"\1 不在计算月份内"),
        (
            r"section (\S+) is rejected for (\S+) on its sections row \(line (\d+), column scheme\): "
            r"see the rejected rows",
            r"断面 \1 \2 的断面台账行（第\3行，考核层级列）已剔除：见剔除记录",
        ),
    )
)
_NAMES = sorted(NAME_EN.items(), key=lambda item: -len(item[0]))


def _what_en(what: str) -> str:
    """ "总磷浓度" -> "TP concentration", "水量" -> "flow"."""
    return "flow" if what == "流量" else f"{_factors_en(what.removesuffix('浓度'))} concentration"


SUBSTITUTION_RULES: tuple[tuple[str, Template], ...] = (
    (
        r"([^\s（；，]+?)缺测，按上月（(\d{4})年(\d{1,2})月）值替代",
        lambda m: f"{_what_en(m[1])} missing: the value of {m[2]}-{int(m[3]):02d} used",
    ),
    (
        r"([^\s（；，]+?)缺测，按(\d{4})年(\d+)个月实测均值替代",
        lambda m: f"{_what_en(m[1])} missing: the mean of {m[3]} measured months of {m[2]} used",
    ),
)
#: A substitution note (缺测替代) in English.
SUBSTITUTED_EN = phrases(SUBSTITUTION_RULES)


def _factors_en(names: str) -> str:
    """ "氨氮、总磷" -> "NH3-N, TP"."""
    return ", ".join(NAME_EN.get(name, name) for name in names.split("、"))


#: A line's explanation (说明) in English: our words translated, section, place and document names
#: as they are; each rule is anchored on the words around a name so a name is never touched.
LINE_EN = phrases(
    (
        *SUBSTITUTION_RULES,
        (r" (\d{4})年(\d{1,2})月 ", lambda m: f" {m[1]}-{int(m[2]):02d} "),
        *((rf"(?<= ){zh}(?= )", en) for zh, en in _NAMES),
        (
            r"，恰好达标，(.+?) 下本因子不发生补偿",
            r", exactly on target: no compensation for this factor under \1",
        ),
        (
            r"，本因子达标；断面当月(.+?)超标，断面未达标，不发生达标补偿",
            lambda m: (
                f"; this factor met its target; {_factors_en(m[1])} exceeded this month, so the "
                "section did not: no compliance compensation"
            ),
        ),
        (r"，达标；(.+?) 不设下游补偿上游", r", met; \1 sets no downstream-to-upstream compensation"),
        (r"= 目标 ", "= target "),
        (r"< 目标 ", "< target "),
        (r"− 目标 ", "− target "),
        (r"(?<=[ ，])目标 (?=[\d.]+ mg/L)", "target "),
        (r" 万m³ ", " (10⁴ m³) "),
        (r"，超标倍数 ", ", exceedance multiple "),
        (r"，优于目标倍数 ", ", multiple better than the target "),
        (r"，未超过最低一档", ", below the lowest band"),
        (r"，适用倍数 > ([\d.,]+) 档定额 ([\d.,]+) 元", r", band multiple > \1: fixed \2 yuan"),
        (r"，适用倍数 > ([\d.,]+) 档 ([\d.,]+) 元", r", band multiple > \1: \2 yuan"),
        (r"（达标补偿标准，太湖，", " (compliance standard, Taihu basin, "),
        (r"（达标补偿标准，其他，", " (compliance standard, other basins, "),
        (r"（太湖，", " (Taihu basin, "),
        (r"（其他，", " (other basins, "),
        (r"，其中省级留存 ([\d.,]+) 元", r", of which the province keeps \1 yuan"),
        (r"，其中市级留存 ([\d.,]+) 元", r", of which the city keeps \1 yuan"),
        (r"，金额 ", ", amount "),
        (r"断面当月全部因子达标，", "every factor met its target this month: "),
        (r" 经省财政 付 ", " pays, through the provincial treasury, "),
        (r" 经(\S+?)财政 付 ", r" pays, through the \1 treasury, "),
        (r"(?<=: )省财政 付 ", "the provincial treasury pays "),
        (r"(?<=: )(\S+?)财政 付 ", r"the \1 treasury pays "),
        (
            r" 付 省财政（断面无省内下游地区）",
            " pays the provincial treasury (no downstream district in the province)",
        ),
        (
            r" 付 (\S+?)财政（断面无市内下游地区）",
            r" pays the \1 treasury (no downstream district in the city)",
        ),
        (r"(?<=[ ，:])上游 ", "upstream "),
        (r"(?<=[ ，:])下游 ", "downstream "),
        (r"(?<= )上游 ", "upstream "),
        (r"(?<= )下游 ", "downstream "),
        *MONEY_PHRASES_EN,
        *MASS_PHRASES_EN,
    )
)
#: 不计算原因 in English: the computation's text with its Chinese labels translated.
EXCLUDED_EN = phrases(
    (
        (
            r"(\S+) is not assessed for 太湖 ",
            lambda m: f"{_factors_en(m[1])} is not assessed for Taihu ",
        ),
        (
            r"(\S+) is not assessed for 其他 ",
            lambda m: f"{_factors_en(m[1])} is not assessed for other ",
        ),
    )
)
#: A water-quality class as the standard writes it in Chinese: "III类" -> "Ⅲ类".
CLASS_ZH = patterns(
    tuple(
        (rf"{latin}类", f"{roman}类")
        for latin, roman in zip(("I", "II", "III", "IV", "V"), "ⅠⅡⅢⅣⅤ", strict=True)
    )
)
#: A water-quality class in English: "III类" -> "class III".
CLASS_EN = patterns(((r"([IV]+)类", r"class \1"), (r"断面目标", "section target")))
#: 资金平衡's items in English (a city's name stays as it is: data).
CONTROL_EN = patterns(
    (
        (r"地区付款合计（付至省财政）", "districts paid in all (to the province)"),
        (r"地区收款合计（省财政拨付）", "districts received in all (from the province)"),
        (r"地区付款合计（付至省、市财政）", "districts paid in all (to the province and the cities)"),
        (r"地区收款合计（省、市财政拨付）", "districts received in all (from the province and the cities)"),
        (
            r"省财政收到（留存份额、无省内下游断面）",
            "province received (retained share, no downstream in the province)",
        ),
        (
            r"省财政支付（省付或无省内下游断面的达标补偿）",
            "province paid (its own payments, compliance without downstream)",
        ),
        (r"省财政结余（地区付款 − 地区收款）", "province's balance (districts paid − districts received)"),
        (r"省财政结余", "province's balance"),
        (
            r"(.+)财政收到（留存份额、无市内下游断面）",
            r"\1 treasury received (retained share, no downstream in the city)",
        ),
        (
            r"(.+)财政支付（市付或无市内下游断面的达标补偿）",
            r"\1 treasury paid (its own payments, compliance without downstream)",
        ),
        (r"(.+)财政结余", r"\1 treasury's balance"),
        (
            r"省、市财政结余合计（地区付款 − 地区收款）",
            "province's and cities' balances (districts paid − received)",
        ),
    )
)
EVIDENCE = EVIDENCE_COLUMNS[0]  # the mark alone, on summaries whose rows are many lines


SUMMARY = never_empty(
    (
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("paid", "支付(元)", "money", total=True),
        Column("received", "收到(元)", "money", total=True),
        Column("net", "净额(元，收到−支付)", "money", total=True),
        *EVIDENCE_COLUMNS,
    )
)
MONTHLY = never_empty(
    (
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("month", "月份", "month"),
        *SUMMARY[2:5],
        EVIDENCE,
    )
)
LINES = never_empty(
    (
        Column("section", "断面编号", "text"),
        Column("section_name", "断面名称", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("factor_name", "因子", "text", render=rendered(en=NAME_EN)),
        Column("basin", "流域", "text", render=rendered(en=BASIN_EN)),
        Column("concentration", "监测浓度(mg/L)", "decimal", scale=4),
        Column("target", "目标浓度(mg/L)", "decimal", scale=4),
        Column("target_basis", "目标依据", "text", render=rendered(zh=CLASS_ZH, en=CLASS_EN)),
        Column("excess", "超标量(mg/L)", "decimal", scale=4),
        Column("multiple", "超标倍数", "decimal", scale=4),
        Column("flow", "水量(万m³)", "decimal", scale=4),
        Column("load_t", "超标负荷(吨)", "decimal", scale=10),
        Column("method", "核算方法", "text", labels=tuple(METHOD_ZH.items())),
        Column("standard", "补偿标准(元/吨或档额)", "decimal", scale=6),
        Column("band_above", "档位(倍数 >)", "decimal", scale=6),
        Column("direction", "方向", "text", render=rendered(en=DIRECTION_EN)),
        Column("amount", "金额(元)", "money", total=True),
        Column("kept", "省级留存(元)", "money", total=True),  # a city-scheme line: the city's (市级留存)
        Column("payer", "付款方", "text"),
        Column("payer_code", "付款方代码", "text"),
        Column("via", "经由", "text"),
        Column("via_code", "经由代码", "text"),
        Column("receiver", "收款方", "text"),
        Column("receiver_code", "收款方代码", "text"),
        *EVIDENCE_COLUMNS,
        Column("tariff_id", "费率表", "text"),
        Column("line", "监测台账行号", "int"),
        Column("substituted", "缺测替代", "text", render=rendered(en=SUBSTITUTED_EN)),
        Column("explanation", "说明", "text", render=rendered(en=LINE_EN)),
    ),
    "standard",
    "band_above",
    "line",
)
SHARES = never_empty(
    (
        Column("section", "断面编号", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("district", "地区", "text"),
        Column("district_code", "地区代码", "text"),
        Column("role", "支付/收到", "text", labels=tuple(SHARE_ROLE_ZH.items())),
        Column("share", "分担系数", "ratio"),
        Column("amount", "金额(元)", "money", total=True),
        EVIDENCE,
    )
)
CONTROL = (
    Column("item", "项目", "text", render=rendered(en=CONTROL_EN)),
    Column("amount", "金额(元)", "money"),
    EVIDENCE,
)
EXCLUDED = never_empty(
    (
        Column("line", "监测台账行号", "int"),
        Column("section", "断面编号", "text"),
        Column("month", "月份", "month"),
        Column("factor", "因子代码", "text"),
        Column("concentration", "监测浓度(mg/L)", "decimal", scale=4),
        Column("reason", "不计算原因", "text", render=rendered(zh=EXCLUDED_ZH, en=EXCLUDED_EN)),
    )
)


def water_report(run: Run[WaterResult]) -> Report:
    """The report tables of a water-compensation run, with its manifest."""
    result = run.result
    columns: dict[Basis, dict[str, str]] = {}  # lines share their bases: each text made once
    lines = [
        _fields(vars(line))
        | (columns.get(line.basis) or columns.setdefault(line.basis, line.basis.columns()))
        | {
            "month": f"{line.month:%Y-%m}",
            "factor_name": FACTOR_ZH[line.factor],
            "basin": BASIN_ZH[line.basin],
        }
        | {"direction": _direction(line.direction, line.payer_code, line.via_code)}
        | {k: plain(getattr(line, k)) for k in ("concentration", "target", "excess", "multiple", "flow")}
        for line in result.lines
    ]
    shares = [_marked(vars(s)) | {"month": f"{s.month:%Y-%m}"} for s in result.shares]
    monthly = [_marked(vars(m)) | {"month": f"{m.month:%Y-%m}"} for m in result.monthly]
    summary = [_fields(vars(d)) | d.basis.columns() for d in result.districts]
    everything = Basis.union(line.basis for line in result.lines)
    excluded = [
        asdict(x) | {"month": f"{x.month:%Y-%m}", "concentration": plain(x.concentration)}
        for x in result.excluded
    ]
    title = f"水环境区域补偿 {month_zh(result.start)}至{month_zh(result.end)}"
    first = replace(
        summary_table(SUMMARY, summary, everything, "district_code"),
        layout="summary",
        key_columns=2,
        print_columns=("district", "district_code", "paid", "received", "net", "evidence"),
    )
    tables = (
        in_languages(first, notes_en=evidence_notes(everything, "en")),
        Table("monthly", "分月汇总", MONTHLY, monthly, totals=True, layout="detail", key_columns=3),
        Table("lines", "明细", LINES, lines, totals=True, layout="detail", key_columns=3),
        Table("shares", "分担明细", SHARES, shares, totals=True, layout="detail", key_columns=3),
        Table("control", "资金平衡", CONTROL, _control(result, everything), layout="detail"),
        Table("excluded", "不计算记录", EXCLUDED, excluded, layout="detail", key_columns=2),
    )
    english = f"Water-environment compensation, {result.start:%Y-%m} to {result.end:%Y-%m}"
    return replace(family_report(run, title, tables), title_en=english)


def _control(result: WaterResult, everything: Basis) -> list[dict[str, object]]:
    """资金平衡: what the districts pay in and get back, and each treasury's own flows and balance
    (the province's; with city-scheme sections, each city's too, and their sum). A sum over the
    districts rests on every line (`everything`), a treasury's own flows on its row's lines."""
    province = result.province
    got, gave = (province.received, province.paid) if province else (ZERO, ZERO)
    own = province.basis if province else result.passed(PROVINCE)
    if not result.cities:
        return _rows(
            ("地区付款合计（付至省财政）", result.paid, everything),
            ("地区收款合计（省财政拨付）", result.received, everything),
            ("省财政收到（留存份额、无省内下游断面）", got, own),
            ("省财政支付（省付或无省内下游断面的达标补偿）", gave, own),
            ("省财政结余（地区付款 − 地区收款）", result.kept, everything),
        )
    control = [
        ("地区付款合计（付至省、市财政）", result.paid, everything),
        ("地区收款合计（省、市财政拨付）", result.received, everything),
        ("省财政收到（留存份额、无省内下游断面）", got, own),
        ("省财政支付（省付或无省内下游断面的达标补偿）", gave, own),
        ("省财政结余", got - gave, own),
    ]
    for city in result.cities:
        control += [
            (f"{city.district}财政收到（留存份额、无市内下游断面）", city.received, city.basis),
            (f"{city.district}财政支付（市付或无市内下游断面的达标补偿）", city.paid, city.basis),
            (f"{city.district}财政结余", city.net, city.basis),
        ]
    control.append(("省、市财政结余合计（地区付款 − 地区收款）", result.kept, everything))
    return _rows(*control)


def _rows(*items: tuple[str, Decimal, Basis]) -> list[dict[str, object]]:
    return [{"item": item, "amount": amount, "evidence": basis.evidence} for item, amount, basis in items]


def _fields(record: dict[str, object]) -> dict[str, object]:
    """A record's fields as report values (its basis becomes the evidence columns instead)."""
    return {k: v for k, v in record.items() if k != "basis"}


def _marked(record: dict[str, object]) -> dict[str, object]:
    """A record's fields as report values, its basis as the evidence mark alone."""
    basis = record["basis"]
    assert isinstance(basis, Basis)
    return _fields(record) | {"evidence": basis.evidence}


def _direction(direction: str, payer: str, via: str) -> str:
    """The direction's name; the reverse amount paid by the treasury itself (the province's, or
    a city's under its own scheme) says so."""
    if direction == "downstream_pays" and payer == via:
        return "省付上游" if payer == PROVINCE else "市付上游"
    return DIRECTION_ZH[direction]
