"""The shared vocabulary: every code ecocomp knows, the names clerks write for it, its Chinese
label, and the number forms explanations use. One place for all of them: a new unit or code is
one line here, and every family, ledger and report takes it from here.

These are names, not rates: every rate, date and threshold lives in the files under `tariffs/`.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from decimal import Decimal

__all__ = [
    "BASIN_EN",
    "BASIN_NAMES",
    "BASIN_ZH",
    "BOOLEAN_NAMES",
    "COLOURS",
    "COLOUR_NAMES",
    "COLOUR_ZH",
    "DIRECTION_EN",
    "DIRECTION_ZH",
    "EVIDENCE",
    "FACTORS",
    "FACTOR_NAMES",
    "FACTOR_ZH",
    "HEADER_UNITS",
    "HEADER_UNIT_NAMES",
    "INDICATORS",
    "INDICATOR_NAMES",
    "INDICATOR_ZH",
    "METHOD_ZH",
    "NAME_EN",
    "ORIGIN_ZH",
    "POLLUTANTS",
    "POLLUTANT_NAMES",
    "POLLUTANT_ZH",
    "PROVINCE",
    "REGION_EN",
    "REGION_ZH",
    "SCHEME_NAMES",
    "SHARE_ROLE_ZH",
    "STATUS_ZH",
    "TARIFF_FAMILY_ZH",
    "UNITS",
    "UNIT_NAMES",
    "UNIT_ZH",
    "WATER_BODY_NAMES",
    "WATER_BODY_ZH",
    "WATER_CLASSES",
    "WATER_CLASS_NAMES",
    "amount_text",
    "number_text",
    "text_key",
]

#: The province's place code (江苏省, GB/T 2260): the fund's payee and the party money passes through.
PROVINCE = "320000"

#: Units a tariff value may declare, with what each means.
UNITS: Mapping[str, str] = {
    "CNY": "yuan",
    "CNY/t": "yuan per tonne",
    "CNY/billing_unit": "yuan per billing unit of the pollutant (t, or 100 kg where it says so)",
    "CNY/kWh": "yuan per kilowatt-hour",
    "CNY/m3": "yuan per cubic metre",
    "ratio": "a fraction of 1 (0.15 = 15 %)",
    "mg/L": "milligrams per litre",
    "multiple": "exceedance multiple, (measured - target) / target",
    "points": "credit-score points",
    "factor": "a dimensionless multiplier (2 = twice)",
}
#: How sure a value is (POLICY.md, evidence tags V / T / I / U).
EVIDENCE = ("verified", "translated", "inferred", "provisional")
POLLUTANTS = ("COD", "NH3-N", "TN", "TP", "SO2", "NOx", "VOCs", "PM")
FACTORS = ("CODMn", "COD", "NH3-N", "TP", "TN")
WATER_CLASSES = ("I", "II", "III", "IV", "V")
COLOURS = ("green", "blue", "yellow", "red", "black")
INDICATORS = (
    "air_good_days",
    "pm25",
    "water_class_iii",
    "water_function_zone",
    "drinking_water",
    "co2_intensity_decline",
)

# --- the names clerks write for each code (the first one is the Chinese label) ---------------

POLLUTANT_NAMES: Mapping[str, tuple[str, ...]] = {
    "COD": ("化学需氧量",),
    "NH3-N": ("氨氮", "NH3N", "NH3"),
    "TN": ("总氮",),
    "TP": ("总磷",),
    "SO2": ("二氧化硫",),
    "NOx": ("氮氧化物",),
    "VOCs": ("挥发性有机物", "VOC"),
    "PM": ("颗粒物", "烟粉尘"),
}
FACTOR_NAMES: Mapping[str, tuple[str, ...]] = {
    "CODMn": ("高锰酸盐指数", "高锰酸钾指数", "CODMN"),
    "COD": ("化学需氧量",),
    "NH3-N": ("氨氮", "NH3N"),
    "TP": ("总磷",),
    "TN": ("总氮",),
}
INDICATOR_NAMES: Mapping[str, tuple[str, ...]] = {
    "air_good_days": ("空气质量优良天数比率", "优良天数比率", "空气优良天数比率"),
    "pm25": ("PM2.5年均浓度", "PM2.5浓度", "PM2.5"),
    "water_class_iii": ("地表水达到或好于Ⅲ类比例", "地表水达到或好于III类水体比例"),
    "water_function_zone": ("地表水功能区达标率", "水功能区达标率"),
    "drinking_water": ("集中式饮用水水源地达到或优于Ⅲ类比例", "集中式饮用水水源地水质达标率"),
    "co2_intensity_decline": ("单位GDP二氧化碳排放下降率", "碳强度下降率"),
} | {f"reduction_{p}": tuple(f"{n}减排任务" for n in (p, *POLLUTANT_NAMES[p])) for p in POLLUTANTS}
UNIT_NAMES: Mapping[str, tuple[str, ...]] = {
    "t": ("吨", "tonne", "tonnes", "ton"),
    "kg": ("千克", "公斤"),
    "100kg": ("百公斤",),
}
#: Units a ledger header may name (排放量(千克), 用电量(万kWh), 流量(m3)): each unit's dimension
#: and its exact factor to the dimension's base unit (t, kWh, m3, mg/L, 元). Every factor is a
#: power of ten, so a conversion is an exact shift of the decimal point.
HEADER_UNITS: Mapping[str, tuple[str, Decimal]] = {
    "t": ("mass", Decimal(1)),
    "kg": ("mass", Decimal("0.001")),
    "100kg": ("mass", Decimal("0.1")),
    "kWh": ("energy", Decimal(1)),
    "万kWh": ("energy", Decimal(10000)),
    "MWh": ("energy", Decimal(1000)),
    "m3": ("volume", Decimal(1)),
    "万m3": ("volume", Decimal(10000)),
    "mg/L": ("concentration", Decimal(1)),
    "μg/L": ("concentration", Decimal("0.001")),
    "g/L": ("concentration", Decimal(1000)),
    "元": ("money", Decimal(1)),
    "万元": ("money", Decimal(10000)),
}
#: The names clerks write for each header unit. 吨 and 万吨 also name water volumes (1 吨 of
#: water is 1 m3): which one a header means follows from its column's dimension.
HEADER_UNIT_NAMES: Mapping[str, tuple[str, ...]] = {
    "t": ("吨", "tonne", "tonnes", "ton"),
    "kg": ("千克", "公斤"),
    "100kg": ("百公斤",),
    "kWh": ("千瓦时", "度", "千瓦·时"),
    "万kWh": ("万千瓦时", "万度"),
    "MWh": ("兆瓦时",),
    "m3": ("m³", "立方米", "方", "吨"),
    "万m3": ("万m³", "万立方米", "万方", "万吨"),
    "mg/L": ("毫克/升",),
    "μg/L": ("µg/L", "ug/L", "微克/升"),
    "g/L": ("克/升",),
    "元": ("CNY", "yuan"),
    "万元": (),
}
COLOUR_NAMES: Mapping[str, tuple[str, ...]] = {
    "green": ("绿", "绿色", "绿色等级"),
    "blue": ("蓝", "蓝色", "蓝色等级"),
    "yellow": ("黄", "黄色", "黄色等级"),
    "red": ("红", "红色", "红色等级"),
    "black": ("黑", "黑色", "黑色等级"),
}
WATER_BODY_NAMES: Mapping[str, tuple[str, ...]] = {
    "river": ("河流", "河道", "河"),
    "lake": ("湖库", "湖泊", "湖", "水库"),
}
BASIN_NAMES: Mapping[str, tuple[str, ...]] = {
    "taihu": ("太湖", "太湖流域"),
    "other": ("其他", "其它", "非太湖"),
}
WATER_CLASS_NAMES: Mapping[str, tuple[str, ...]] = {
    "I": ("1", "一", "I类", "1类", "一类"),
    "II": ("2", "二", "II类", "2类", "二类"),
    "III": ("3", "三", "III类", "3类", "三类"),
    "IV": ("4", "四", "IV类", "4类", "四类"),
    "V": ("5", "五", "V类", "5类", "五类"),
}
#: The `scheme` column (考核层级): which compensation scheme a section belongs to, with the
#: spellings clerks write. "province": the provincial scheme (cross-city, provincial-border,
#: 入江入湖 sections, S36); "city": the own scheme of the city its two sides lie in (Suzhou's
#: sections between its own districts, S54). Empty or no column: the provincial scheme.
SCHEME_NAMES: Mapping[str, tuple[str, ...]] = {
    "province": ("省", "省级", "省考", "省控", "省级考核", "省级补偿", "provincial"),
    "city": ("市", "市级", "市考", "市控", "市级考核", "市级补偿", "municipal"),
}
BOOLEAN_NAMES: Mapping[str, tuple[str, ...]] = {
    "true": ("是", "yes", "y", "1", "达标", "完成", "√", "✓"),
    "false": ("否", "no", "n", "0", "未达标", "未完成", "×", "✗"),
}
assert set(POLLUTANT_NAMES) == set(POLLUTANTS) and set(FACTOR_NAMES) == set(FACTORS)
assert set(HEADER_UNIT_NAMES) == set(HEADER_UNITS) and set(UNIT_NAMES) <= set(HEADER_UNITS)
assert set(INDICATORS) <= set(INDICATOR_NAMES) and set(COLOUR_NAMES) == set(COLOURS)

# --- Chinese labels in reports and explanations ------------------------------------------------

POLLUTANT_ZH: Mapping[str, str] = {code: names[0] for code, names in POLLUTANT_NAMES.items()}
INDICATOR_ZH: Mapping[str, str] = {code: names[0] for code, names in INDICATOR_NAMES.items()}
FACTOR_ZH: Mapping[str, str] = {code: names[0] for code, names in FACTOR_NAMES.items()}
BASIN_ZH: Mapping[str, str] = {code: names[0] for code, names in BASIN_NAMES.items()}
WATER_BODY_ZH: Mapping[str, str] = {code: names[0] for code, names in WATER_BODY_NAMES.items()}
COLOUR_ZH: Mapping[str, str] = {code: names[1] for code, names in COLOUR_NAMES.items()}
UNIT_ZH: Mapping[str, str] = {"t": "吨", "kg": "千克", "100kg": "百公斤"}
REGION_ZH: Mapping[str, str] = {"south": "苏南", "middle": "苏中", "north": "苏北"}
DIRECTION_ZH: Mapping[str, str] = {
    "upstream_pays": "上游付下游",
    "downstream_pays": "下游付上游",
    "none": "不发生支付",
}


def text_key(text: str) -> str:
    """How names and codes are compared: NFKC (full-width to half-width), no spaces, lower case.
    Headers (`ledgers.kinds.header_key`), coded values and place names all build on it."""
    return "".join(unicodedata.normalize("NFKC", text).split()).lower()


def number_text(value: Decimal) -> str:
    """A quantity or rate as people write it: thousands separators, no trailing zeros, no exponent."""
    plain = value.normalize()
    if plain == plain.to_integral_value():
        plain = plain.quantize(Decimal(1))
    return f"{plain:,f}"


def amount_text(value: Decimal) -> str:
    """An amount in yuan with thousands separators and two decimals: 20,000,000.00."""
    return f"{value:,.2f}"


# --- labels of report codes (the data keeps the code; the Chinese outputs show the label) -----

#: Tariff families, as the tariffs table shows them.
TARIFF_FAMILY_ZH: Mapping[str, str] = {
    "pollutant_fund": "污染物排放统筹资金",
    "water_compensation": "水环境区域补偿",
    "water_quality_standard": "地表水环境质量标准",
    "plan_requirements": "补偿方案要求",
    "electricity_surcharge": "差别电价",
    "sewage_surcharge": "差别化污水处理费",
    "credit_score_bands": "信用评分分档",
    "places": "地区表",
}
#: Where a tariff table came from.
ORIGIN_ZH: Mapping[str, str] = {"shipped": "内置", "user": "用户提供"}
#: A tariff table's status.
STATUS_ZH: Mapping[str, str] = {"settled": "已定稿", "provisional": "暂定"}
#: How a water-compensation line is priced.
METHOD_ZH: Mapping[str, str] = {"load": "按超标负荷", "banded": "按超标倍数分档"}
#: A district's side of a shared section amount.
SHARE_ROLE_ZH: Mapping[str, str] = {"paid": "支付", "received": "收到"}

# --- English names of the Chinese labels, for English outputs ----------------------------------

DIRECTION_EN: Mapping[str, str] = {
    "上游付下游": "upstream pays downstream",
    "下游付上游": "downstream pays upstream",
    "不发生支付": "no payment",
    "省付上游": "province pays upstream",
    "市付上游": "city pays upstream",
}
BASIN_EN: Mapping[str, str] = {"太湖": "Taihu basin", "其他": "other basins"}
REGION_EN: Mapping[str, str] = {
    "苏南": "southern Jiangsu",
    "苏中": "central Jiangsu",
    "苏北": "northern Jiangsu",
}
#: The English name of each pollutant, factor and indicator label (by its Chinese label).
NAME_EN: Mapping[str, str] = {
    "化学需氧量": "COD",
    "氨氮": "NH3-N",
    "总氮": "TN",
    "总磷": "TP",
    "二氧化硫": "SO2",
    "氮氧化物": "NOx",
    "挥发性有机物": "VOCs",
    "颗粒物": "PM",
    "高锰酸盐指数": "CODMn",
    "空气质量优良天数比率": "air good-days ratio",
    "PM2.5年均浓度": "PM2.5 annual mean",
    "地表水达到或好于Ⅲ类比例": "surface water class III or better",
    "地表水功能区达标率": "water function zones meeting targets",
    "集中式饮用水水源地达到或优于Ⅲ类比例": "drinking-water sources class III or better",
    "单位GDP二氧化碳排放下降率": "CO2 intensity decline",
}
