"""The ledger kinds (台账): their columns, the header spellings accepted, parse rules and keys.

Source: issue 3 "Ledgers in", section "Ledger kinds". Each column has a canonical English name,
the header spellings clerks write (Chinese or English, matched after NFKC, without spaces and
case-insensitively), a parse rule (see `ecocomp.ledgers.parse`), whether it is required, and
for decimals the scale (decimal places) it is stored with. The code vocabularies come from
`ecocomp.tariffs.models`; the Chinese names for them are defined here, once.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field

from ecocomp.tariffs.models import COLOURS, FACTORS, INDICATORS, POLLUTANTS

__all__ = ["KINDS", "Column", "Kind", "header_key", "value_key"]


def header_key(text: str) -> str:
    """How headers are compared: NFKC (full-width to half-width), no spaces, lower case."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower().lstrip("*")


def value_key(text: str) -> str:
    """How coded values are compared; the column form is `ledger_parse.normalize_keys`."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


@dataclass(frozen=True)
class Column:
    """One column of a ledger kind: name, accepted headers, parse rule, required, decimal scale."""

    name: str
    spellings: tuple[str, ...]
    rule: str
    required: bool = True
    scale: int = 0
    non_negative: bool = False
    codes: Mapping[str, str] = field(default_factory=dict)

    def accepts(self, header: str) -> bool:
        """True if a header as written names this column."""
        key = header_key(header)
        return key == header_key(self.name) or key in {header_key(s) for s in self.spellings}


@dataclass(frozen=True)
class Kind:
    """A ledger kind: its columns, the key that must be unique, and one-of column groups."""

    name: str
    title: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    one_of: tuple[tuple[str, ...], ...] = ()

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)

    def header_keys(self) -> frozenset[str]:
        """Every accepted header spelling, normalized; used to find the header row."""
        keys = {header_key(s) for c in self.columns for s in c.spellings}
        return frozenset(keys | {header_key(c.name) for c in self.columns})


def _codes(table: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Alias table: every spelling (and the code itself), normalized, to the code."""
    out: dict[str, str] = {}
    for code, names in table.items():
        for name in (code, *names):
            out[value_key(name)] = code
    return out


POLLUTANT_NAMES = {
    "COD": ("化学需氧量",),
    "NH3-N": ("氨氮", "NH3N", "NH3"),
    "TN": ("总氮",),
    "TP": ("总磷",),
    "SO2": ("二氧化硫",),
    "NOx": ("氮氧化物",),
    "VOCs": ("挥发性有机物", "VOC"),
    "PM": ("颗粒物", "烟粉尘"),
}
FACTOR_NAMES = {
    "CODMn": ("高锰酸盐指数", "高锰酸钾指数", "CODMN"),
    "COD": ("化学需氧量",),
    "NH3-N": ("氨氮", "NH3N"),
    "TP": ("总磷",),
    "TN": ("总氮",),
}
INDICATOR_NAMES = {
    "air_good_days": ("空气质量优良天数比率", "优良天数比率", "空气优良天数比率"),
    "pm25": ("PM2.5年均浓度", "PM2.5浓度", "PM2.5"),
    "water_class_iii": ("地表水达到或好于Ⅲ类比例", "地表水达到或好于III类水体比例"),
    "water_function_zone": ("地表水功能区达标率", "水功能区达标率"),
    "drinking_water": ("集中式饮用水水源地达到或优于Ⅲ类比例", "集中式饮用水水源地水质达标率"),
    "co2_intensity_decline": ("单位GDP二氧化碳排放下降率", "碳强度下降率"),
} | {f"reduction_{p}": tuple(f"{n}减排任务" for n in (p, *POLLUTANT_NAMES[p])) for p in POLLUTANTS}
UNIT_NAMES = {"t": ("吨", "tonne", "tonnes", "ton"), "kg": ("千克", "公斤"), "100kg": ("百公斤",)}
COLOUR_NAMES = {
    "green": ("绿", "绿色", "绿色等级"),
    "blue": ("蓝", "蓝色", "蓝色等级"),
    "yellow": ("黄", "黄色", "黄色等级"),
    "red": ("红", "红色", "红色等级"),
    "black": ("黑", "黑色", "黑色等级"),
}
WATER_BODY_NAMES = {"river": ("河流", "河道", "河"), "lake": ("湖库", "湖泊", "湖", "水库")}
BASIN_NAMES = {"taihu": ("太湖", "太湖流域"), "other": ("其他", "其它", "非太湖")}
WATER_CLASS_NAMES = {
    "I": ("1", "一", "I类", "1类", "一类"),
    "II": ("2", "二", "II类", "2类", "二类"),
    "III": ("3", "三", "III类", "3类", "三类"),
    "IV": ("4", "四", "IV类", "4类", "四类"),
    "V": ("5", "五", "V类", "5类", "五类"),
}
BOOLEAN_NAMES = {
    "true": ("是", "yes", "y", "1", "达标", "完成", "√", "✓"),
    "false": ("否", "no", "n", "0", "未达标", "未完成", "×", "✗"),
}
assert set(POLLUTANT_NAMES) == set(POLLUTANTS) and set(FACTOR_NAMES) == set(FACTORS)
assert set(INDICATORS) <= set(INDICATOR_NAMES) and set(COLOUR_NAMES) == set(COLOURS)

YEAR = Column("year", ("年度", "年份", "年", "考核年度"), "year")
PAYER = Column("payer", ("缴费主体", "地区", "地区名称", "设区市", "市县"), "place")
ENTERPRISE = Column("enterprise", ("企业名称", "企业", "单位名称", "排污单位"), "text")
SECTION = Column("section", ("断面", "断面编号", "断面代码", "断面名称代码"), "text")
MONTH = Column("month", ("月份", "月", "年月", "监测月份", "时间"), "month")


def _kinds() -> dict[str, Kind]:
    dec = "decimal"
    share = Column("share", ("分担比例", "分担系数", "比例", "分担比例(%)", "比例(%)"), "share", scale=6)
    kinds = [
        Kind(
            "emissions",
            "排放量台账",
            (
                YEAR,
                PAYER,
                Column("pollutant", ("污染物", "污染物名称", "因子"), "code", codes=_codes(POLLUTANT_NAMES)),
                Column("quantity", ("排放量", "排放总量", "quantity_t"), dec, scale=6, non_negative=True),
                Column("unit", ("单位", "计量单位"), "unit", required=False, codes=_codes(UNIT_NAMES)),
            ),
            key=("payer", "year", "pollutant"),
        ),
        Kind(
            "indicators",
            "考核指标台账",
            (
                YEAR,
                PAYER,
                Column("indicator", ("指标", "指标名称", "考核指标"), "code", codes=_codes(INDICATOR_NAMES)),
                Column("met", ("是否达标", "达标", "是否完成", "完成情况"), "bool", required=False),
                Column("target", ("目标值", "目标"), dec, required=False, scale=4),
                Column("actual", ("实际值", "完成值", "实际"), dec, required=False, scale=4),
            ),
            key=("payer", "year", "indicator"),
            one_of=(("met",), ("target", "actual")),
        ),
        Kind(
            "carbon",
            "碳排放强度台账",
            (
                YEAR,
                PAYER,
                Column(
                    "co2_intensity",
                    ("单位GDP二氧化碳排放", "碳排放强度", "碳强度"),
                    dec,
                    required=False,
                    scale=6,
                    non_negative=True,
                ),
                Column(
                    "ratio",
                    ("比值", "强度比", "与全省平均比值"),
                    dec,
                    required=False,
                    scale=6,
                    non_negative=True,
                ),
            ),
            key=("payer", "year"),
            one_of=(("co2_intensity",), ("ratio",)),
        ),
        Kind(
            "sections",
            "断面台账",
            (
                SECTION,
                Column("name", ("断面名称", "名称"), "text", required=False),
                Column("water_body", ("水体类型", "水体", "类型"), "code", codes=_codes(WATER_BODY_NAMES)),
                Column("basin", ("流域", "所属流域"), "code", codes=_codes(BASIN_NAMES)),
                Column(
                    "target_class",
                    ("目标水质", "水质目标", "目标类别", "考核目标"),
                    "code",
                    codes=_codes(WATER_CLASS_NAMES),
                ),
                Column("upstream", ("上游", "上游地区", "上游区县"), "place"),
                Column("downstream", ("下游", "下游地区", "下游区县"), "place"),
                *(
                    Column(
                        f"target_{f}",
                        tuple(f"{n}目标" for n in (f, *FACTOR_NAMES[f])),
                        dec,
                        required=False,
                        scale=4,
                        non_negative=True,
                    )
                    for f in FACTORS
                ),
            ),
            key=("section",),
        ),
        Kind(
            "section_shares",
            "断面分担比例台账",
            (
                SECTION,
                Column("factor", ("因子", "监测因子", "指标"), "code", codes=_codes(FACTOR_NAMES)),
                Column("district", ("区县", "地区", "责任地区", "板块"), "place"),
                share,
            ),
            key=("section", "factor", "district"),
        ),
        Kind(
            "monitoring",
            "断面监测台账",
            (
                SECTION,
                MONTH,
                Column(
                    "factor", ("因子", "监测因子", "指标", "监测项目"), "code", codes=_codes(FACTOR_NAMES)
                ),
                Column(
                    "concentration_mg_l",
                    ("浓度", "浓度(mg/L)", "监测浓度", "监测值", "浓度mg/l"),
                    dec,
                    scale=4,
                    non_negative=True,
                ),
                Column(
                    "flow_10k_m3",
                    ("流量", "水量", "流量(万立方米)", "水量(万立方米)", "流量(万m3)", "水量(万m3)", "flow"),
                    dec,
                    required=False,
                    scale=4,
                    non_negative=True,
                ),
            ),
            key=("section", "month", "factor"),
        ),
        Kind(
            "ratings",
            "企业环境信用评价台账",
            (
                ENTERPRISE,
                Column(
                    "rating",
                    ("信用等级", "评价等级", "等级", "评价结果", "信用评分"),
                    "rating",
                    scale=2,
                    codes=_codes(COLOUR_NAMES),
                ),
                Column("valid_from", ("有效期起", "起始日期", "生效日期", "开始日期"), "date"),
                Column("valid_to", ("有效期止", "截止日期", "终止日期", "结束日期"), "date", required=False),
            ),
            key=("enterprise", "valid_from"),
        ),
        Kind(
            "bills",
            "企业用电用水台账",
            (
                ENTERPRISE,
                Column("district", ("区县", "地区", "所在地区", "板块"), "place"),
                MONTH,
                Column(
                    "electricity_kwh",
                    ("用电量", "用电量(kWh)", "用电量(千瓦时)", "电量", "kwh"),
                    dec,
                    required=False,
                    scale=2,
                    non_negative=True,
                ),
                Column(
                    "water_m3",
                    ("用水量", "用水量(m3)", "用水量(立方米)", "用水量(吨)", "水量"),
                    dec,
                    required=False,
                    scale=2,
                    non_negative=True,
                ),
            ),
            key=("enterprise", "month"),
            one_of=(("electricity_kwh",), ("water_m3",)),
        ),
    ]
    return {k.name: k for k in kinds}


#: Every ledger kind by name (`ecocomp ledger check KIND`).
KINDS: Mapping[str, Kind] = _kinds()
