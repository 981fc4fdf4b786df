"""The ledgers of water compensation: the sections registry (断面台账), the sharing coefficients
(断面分担比例台账) and the monthly monitoring (断面监测台账)."""

from __future__ import annotations

from decimal import Decimal

from ecocomp.codes import (
    BASIN_NAMES,
    FACTOR_NAMES,
    FACTORS,
    SCHEME_NAMES,
    WATER_BODY_NAMES,
    WATER_CLASS_NAMES,
)
from ecocomp.ledgers.kinds import MONTH, SECTION, Column, Kind, codes_of

__all__ = ["KINDS", "MONITORING", "SECTIONS", "SECTION_SHARES"]

DEC = "decimal"

SECTIONS = Kind(
    "sections",
    "断面台账",
    (
        SECTION,
        Column("name", ("断面名称", "名称"), "text", required=False),
        Column("water_body", ("水体类型", "水体", "类型"), "code", codes=codes_of(WATER_BODY_NAMES)),
        Column("basin", ("流域", "所属流域"), "code", codes=codes_of(BASIN_NAMES)),
        Column(
            "target_class",
            ("目标水质", "水质目标", "目标类别", "考核目标"),
            "code",
            codes=codes_of(WATER_CLASS_NAMES),
        ),
        Column("upstream", ("上游", "上游地区", "上游区县"), "place"),
        Column("downstream", ("下游", "下游地区", "下游区县"), "place"),
        Column(
            "scheme",
            ("考核层级", "补偿层级", "层级", "补偿方案", "考核级别"),
            "code",
            required=False,
            codes=codes_of(SCHEME_NAMES),
        ),
        *(
            Column(
                f"target_{f}",
                tuple(f"{n}目标" for n in (f, *FACTOR_NAMES[f])),
                DEC,
                required=False,
                scale=4,
                non_negative=True,
                unit="mg/L",
                maximum=Decimal("1e6"),
            )
            for f in FACTORS
        ),
    ),
    key=("section",),
)

SECTION_SHARES = Kind(
    "section_shares",
    "断面分担比例台账",
    (
        SECTION,
        Column("factor", ("因子", "监测因子", "指标"), "code", codes=codes_of(FACTOR_NAMES)),
        Column("district", ("区县", "地区", "责任地区", "板块"), "place"),
        Column("share", ("分担比例", "分担系数", "比例", "分担比例(%)", "比例(%)"), "share", scale=6),
    ),
    key=("section", "factor", "district"),
)

MONITORING = Kind(
    "monitoring",
    "断面监测台账",
    (
        SECTION,
        MONTH,
        Column("factor", ("因子", "监测因子", "指标", "监测项目"), "code", codes=codes_of(FACTOR_NAMES)),
        Column(
            "concentration_mg_l",
            ("浓度", "浓度(mg/L)", "监测浓度", "监测值", "浓度mg/l"),
            DEC,
            scale=4,
            non_negative=True,
            unit="mg/L",
            maximum=Decimal("1e6"),
        ),
        Column(
            "flow_10k_m3",
            ("流量", "水量", "流量(万立方米)", "水量(万立方米)", "流量(万m3)", "水量(万m3)", "flow"),
            DEC,
            required=False,
            scale=4,
            non_negative=True,
            unit="万m3",
            maximum=Decimal("1e8"),
        ),
    ),
    key=("section", "month", "factor"),
)

KINDS = (SECTIONS, SECTION_SHARES, MONITORING)
