"""The ledgers of the credit-rated surcharges: ratings (企业环境信用评价台账) and bills
(企业用电用水台账)."""

from __future__ import annotations

from decimal import Decimal

from ecocomp.codes import COLOUR_NAMES
from ecocomp.ledgers.kinds import ENTERPRISE, MONTH, Column, Kind, codes_of

__all__ = ["BILLS", "KINDS", "RATINGS"]

DEC = "decimal"
#: 统一社会信用代码 (GB 32100-2015, 18 characters), optional in both ledgers; compacted and its
#: check character checked by the ledger check (rule "uscc", `ecocomp.ledgers.uscc`); the surcharge
#: family (`accounts`) matches bills to ratings by it when both ledgers have it.
USCC = Column(
    "uscc",
    ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码", "USCC", "credit code"),
    "uscc",
    required=False,
)
#: 户号: the power or water company's account; with it a bill is keyed by account and month.
ACCOUNT = Column(
    "account",
    ("户号", "用户编号", "账户", "户名编号", "电表户号", "用电户号", "用水户号", "account"),
    "text",
    required=False,
)
#: 退补月份: the month an adjustment row (退补) corrects, not after its bill month; such a row may
#: carry negative quantities and is charged at the rating and table of that month (`accounts`).
ADJUSTS = Column(
    "adjusts", ("退补月份", "退补所属月份", "调整月份", "更正月份", "adjusts"), "month", required=False
)

RATINGS = Kind(
    "ratings",
    "企业环境信用评价台账",
    (
        ENTERPRISE,
        USCC,
        Column(
            "rating",
            ("信用等级", "评价等级", "等级", "评价结果", "信用评分"),
            "rating",
            scale=2,
            codes=codes_of(COLOUR_NAMES),
            maximum=Decimal("1000"),
        ),
        Column("valid_from", ("有效期起", "起始日期", "生效日期", "开始日期"), "date"),
        Column("valid_to", ("有效期止", "截止日期", "终止日期", "结束日期"), "date", required=False),
    ),
    key=("enterprise", "valid_from"),
)

BILLS = Kind(
    "bills",
    "企业用电用水台账",
    (
        ENTERPRISE,
        Column("district", ("区县", "地区", "所在地区", "板块"), "place"),
        MONTH,
        USCC,
        ACCOUNT,
        ADJUSTS,
        Column(
            "electricity_kwh",
            ("用电量", "用电量(kWh)", "用电量(千瓦时)", "电量", "kwh"),
            DEC,
            required=False,
            scale=2,
            non_negative=True,
            unit="kWh",
            maximum=Decimal("1e10"),
        ),
        Column(
            "water_m3",
            ("用水量", "用水量(m3)", "用水量(立方米)", "用水量(吨)", "水量"),
            DEC,
            required=False,
            scale=2,
            non_negative=True,
            unit="m3",
            maximum=Decimal("1e9"),
        ),
    ),
    key=("enterprise", "month"),
    key_with={"account": ("account", "month", "adjusts")},
    signed_by="adjusts",
    not_after=(("adjusts", "month"),),
    one_of=(("electricity_kwh",), ("water_m3",)),
)

KINDS = (RATINGS, BILLS)
