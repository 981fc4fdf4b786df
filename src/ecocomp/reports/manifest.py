"""What every report carries so a result can be reproduced and audited: the ecocomp version,
the input files (name, SHA-256, rows read / accepted / rejected), the tariff tables used
(document, version, status, content hash, and what a user table replaced), the warnings for
provisional values, and the reconciliation of rows. Also the report tables every family shares,
and the two steps every run takes between reading its ledgers and computing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass

import pandas as pd

from ecocomp._version import __version__
from ecocomp.codes import ORIGIN_ZH, STATUS_ZH, TARIFF_FAMILY_ZH
from ecocomp.errors import LedgerIssue, LedgerValidationError
from ecocomp.ledgers.ledger import Ledger
from ecocomp.reports.model import Column, Table
from ecocomp.tariffs.files import Tariff

__all__ = [
    "REJECTED_ZH",
    "InputFile",
    "frame_of",
    "input_file",
    "manifest",
    "rejected_table",
    "stop_if_invalid",
    "tariffs_table",
]


@dataclass(frozen=True)
class InputFile:
    """One input ledger as the run read it."""

    role: str
    name: str
    sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int


def input_file(role: str, ledger: Ledger) -> InputFile:
    return InputFile(
        role, ledger.source, ledger.sha256, ledger.rows_read, ledger.rows_accepted, ledger.rows_rejected
    )


def frame_of(ledger: Ledger | None) -> pd.DataFrame | None:
    """The typed rows of an optional ledger (None when the run was given no such file)."""
    return None if ledger is None else ledger.frame


def stop_if_invalid(issues: Sequence[LedgerIssue], skip_invalid: bool) -> None:
    """Strict mode: raise `LedgerValidationError` with every issue; with `skip_invalid`, go on
    (the issues are listed in the report and the command still exits 1)."""
    if issues and not skip_invalid:
        raise LedgerValidationError(issues)


def manifest(
    *,
    command: str,
    parameters: Mapping[str, object],
    inputs: Sequence[InputFile],
    tariffs: Sequence[Tariff],
    warnings: Sequence[str],
    reconciliation: Mapping[str, int],
) -> dict[str, object]:
    """The run info of one run (no clock time, so equal inputs give equal bytes)."""
    return {
        "ecocomp_version": __version__,
        "command": command,
        "parameters": dict(parameters),
        "inputs": [asdict(i) for i in inputs],
        "tariffs": [_tariff_info(t) for t in tariffs],
        "warnings": list(warnings),
        "reconciliation": dict(reconciliation),
    }


def _tariff_info(t: Tariff) -> dict[str, object]:
    h = t.header
    return {
        "id": t.id,
        "family": t.family,
        "jurisdiction": h.jurisdiction,
        "version": h.version,
        "valid": t.validity_label(),
        "document": h.document,
        "title": h.title,
        "status": h.status,
        "sha256": t.sha256,
        "origin": t.origin,
        "replaces": t.replaces.id if t.replaces else None,
    }


def _validity_shown(value: object, language: str) -> object:
    """A validity in Chinese: "2016-01-01 to open" -> "2016-01-01 起", "… to …" -> "… 至 …"."""
    if language != "zh" or not isinstance(value, str):
        return value
    return value.replace(" to open", " 起").replace(" to ", " 至 ")


def _family_shown(value: object, language: str) -> object:
    """A tariff family's Chinese name (a family this table does not know: its key)."""
    return TARIFF_FAMILY_ZH.get(value, value) if language == "zh" and isinstance(value, str) else value


def _version_shown(value: object, language: str) -> object:
    """A version in Chinese: "2016 trial" -> "2016 试行"."""
    return value.replace("trial", "试行") if language == "zh" and isinstance(value, str) else value


def tariffs_table(tariffs: Sequence[Tariff]) -> Table:
    """费率表: every table used, with its document, status and content hash."""
    columns = (
        Column("id", "费率表编号", "text"),
        Column("family", "类别", "text", render=_family_shown),  # an open set: no enum of labels
        Column("jurisdiction", "适用地区", "text"),
        Column("version", "版本", "text", render=_version_shown),
        Column("valid", "有效期", "text", render=_validity_shown),
        Column("document", "文号", "text"),
        Column("title", "文件名称", "text"),
        Column("status", "状态", "text", labels=tuple(STATUS_ZH.items())),
        Column("sha256", "内容哈希(SHA-256)", "text"),
        Column("origin", "来源", "text", labels=tuple(ORIGIN_ZH.items())),
        Column("replaces", "替换的内置表", "text"),
    )
    printed = tuple(c.key for c in columns if c.key != "sha256")  # the hashes: on screen and in run info
    rows = [_tariff_info(t) for t in tariffs]
    return Table("tables_used", "费率表", columns, rows, layout="reference", print_columns=printed)


#: The Chinese reason of each rejection code (the message itself is the checks' English text).
REJECTED_ZH = {
    "bad_boolean": "不是“是/否”",
    "bad_date": "不是日期",
    "bad_month": "不是月份（应为 YYYY-MM）",
    "out_of_range": "超出允许范围",
    "too_large": "数值过大",
    "too_many_decimals": "小数位数过多",
    "no_tariff": "没有适用的费率表",
    "no_rate": "费率表中没有该地区的费率",
    "no_factors": "费率表未规定考核因子",
    "no_city_table": "没有该市的市级补偿费率表",
    "not_one_city": "市级断面的上下游不属同一市",
    "unknown_section": "断面台账中没有该断面",
    "no_score_bands": "没有适用的信用评分分档表",
    "score_out_of_bands": "信用评分不在任何分档内",
    "truncated": "剔除行过多，其余见 JSON 输出",
}


def rejected_table(issues: Sequence[LedgerIssue]) -> Table:
    """剔除记录: every rejected row with file, line, column, raw value and reason (in Chinese
    outputs the reason of its code: the message is the checks' English text)."""
    codes = {i.message: i.code for i in issues}

    def reason(value: object, language: str) -> object:
        if language != "zh":
            return value
        return REJECTED_ZH.get(codes.get(str(value), ""), "不合格（原因见“原因代码”列）")

    columns = (
        Column("source", "文件", "text"),
        Column("line", "行号", "int"),
        Column("column", "列", "text"),
        Column("value", "原始值", "text"),
        Column("code", "原因代码", "text"),
        Column("message", "原因", "text", render=reason),
    )
    rows = [asdict(i) for i in issues]
    if rows:
        return Table("rejected", "剔除记录", columns, rows, layout="reference")
    return Table(
        "rejected",
        "剔除记录",
        columns,
        rows,
        layout="reference",
        notes=("无剔除记录：每个台账行都已接受。",),
        notes_en=("No rejected rows: every ledger row was accepted.",),
    )
