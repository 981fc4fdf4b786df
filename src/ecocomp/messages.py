"""The message catalogue: every line the command line says to people, in Chinese and in English.

A message is a key in `CATALOGUE` with a text per language and `str.format` fields (`{path}`);
`say(key, **fields)` gives it in the current message language. The language is chosen once per
command (`use`): the `--lang` option if given, else $ECOCOMP_LANG, else the language of the
command's output (`message_language`). The library never prints: its exceptions keep their
facts as attributes and the CLI says them with these texts.
"""

from __future__ import annotations

import os
import string
from collections.abc import Mapping

__all__ = [
    "CATALOGUE",
    "LANG_ENV",
    "MESSAGE_LANGUAGES",
    "current",
    "fields_of",
    "message_language",
    "say",
    "use",
]

LANG_ENV = "ECOCOMP_LANG"
MESSAGE_LANGUAGES = ("zh", "en")

CATALOGUE: Mapping[str, Mapping[str, str]] = {
    # outputs and row counts
    "wrote": {"zh": "已写出 {path}", "en": "wrote {path}"},
    "wrote_problems": {"zh": "已将 {count} 处问题写入 {path}", "en": "wrote {count} problem(s) to {path}"},
    "rows": {"zh": "行数：{counts}", "en": "rows: {counts}"},
    "row_problems_in_report": {
        "zh": "{count} 处行问题；剔除的行见 {path} 的“剔除记录”",
        "en": "{count} row problem(s); see the rejected rows (剔除记录) in {path}",
    },
    "row_problems_in_issues": {
        "zh": "{count} 处行问题；每一处都已写入 {path}",
        "en": "{count} row problem(s); every one is in {path}",
    },
    "row_problems_unwritten": {
        "zh": "{count} 处行问题，前 {shown} 处如下（未写出报告）：",
        "en": "{count} row problem(s), the first {shown} (no report was written):",
    },
    "row_problems_hint": {
        "zh": "全部问题请用 --issues-out 问题.csv 写出，或用 -o 报告.xlsx 写出含“剔除记录”的报告",
        "en": "write them all with --issues-out FILE.csv, or the report with its 剔除记录 with -o FILE.xlsx",
    },
    "issue_line": {"zh": "  {where}：{cell}{text}［{code}］", "en": "  {where}: {cell}{text} [{code}]"},
    "issue_cell": {"zh": "{column}={value}：", "en": "{column}={value}: "},
    "count_rows_read": {"zh": "{ledger} 读入", "en": "{ledger} rows read"},
    "count_billed": {"zh": "计费", "en": "billed"},
    "count_charged": {"zh": "计收", "en": "charged"},
    "count_computed": {"zh": "计算", "en": "computed"},
    "count_excluded": {"zh": "不计费", "en": "excluded"},
    "count_outside_period": {"zh": "不在期间内", "en": "outside period"},
    "count_rejected_by_ledger_check": {"zh": "台账检查剔除", "en": "rejected by ledger check"},
    "count_rejected_by_rules": {"zh": "规则剔除", "en": "rejected by rules"},
    "count_ratings_rejected": {"zh": "信用评价剔除", "en": "ratings rejected"},
    "surcharge_total": {
        "zh": "加价合计 {total} 元（差别电价 {electricity}，差别化污水处理费 {water}）；"
        "{bills} 张账单，{enterprises} 家企业",
        "en": "total {total} yuan (electricity {electricity}, water {water}); "
        "{bills} bills, {enterprises} enterprises",
    },
    # warnings
    "warning": {"zh": "警告：{text}", "en": "warning: {text}"},
    "warning_provisional": {
        "zh": "警告：{table}（{document}）为暂定表：{what}",
        "en": "warning: {table} ({document}) is provisional: {what}",
    },
    "provisional_see_table": {
        "zh": "说明见 ecocomp tariffs show {table}",
        "en": "see ecocomp tariffs show {table}",
    },
    "note_replaces": {
        "zh": "说明：{table} 替代了随附的费率表 {shipped}",
        "en": "note: {table} replaces the shipped table {shipped}",
    },
    # ends of a run
    "interrupted": {"zh": "ecocomp：已中断", "en": "ecocomp: interrupted"},
    "terminated": {"zh": "ecocomp：已被终止", "en": "ecocomp: terminated"},
    # error leads, by exception class (the data errors of English keep no lead, as before)
    "error_usage": {"zh": "ecocomp：用法错误：{text}", "en": "ecocomp: usage error: {text}"},
    "error_ledger": {"zh": "ecocomp：台账错误：{text}", "en": "ecocomp: {text}"},
    "error_tariff": {"zh": "ecocomp：费率表错误：{text}", "en": "ecocomp: {text}"},
    "error_config": {"zh": "ecocomp：配置错误：{text}", "en": "ecocomp: {text}"},
    "error_export": {"zh": "ecocomp：导出错误：{text}", "en": "ecocomp: {text}"},
    "error_place": {"zh": "ecocomp：地名错误：{text}", "en": "ecocomp: {text}"},
    "error_money": {"zh": "ecocomp：金额错误：{text}", "en": "ecocomp: {text}"},
    "error_data": {"zh": "ecocomp：错误：{text}", "en": "ecocomp: {text}"},
    "error_io": {
        "zh": "ecocomp：无法读写 {path}：{reason}",
        "en": "ecocomp: cannot read or write {path}: {reason}",
    },
    "error_io_unnamed": {
        "zh": "ecocomp：输入/输出错误：{reason}",
        "en": "ecocomp: input/output error: {reason}",
    },
    "error_internal": {
        "zh": "ecocomp：内部错误（{kind}：{text}）。这是 ecocomp 的缺陷，请连同所运行的命令一起报告。"
        "设置 ECOCOMP_DEBUG=1 可看到详情。",
        "en": "ecocomp: internal error ({kind}: {text}). This is a bug in ecocomp; please report it with "
        "the command you ran. Set ECOCOMP_DEBUG=1 for details.",
    },
    # the facts of the common data errors
    "ledger_problems": {"zh": "台账有 {count} 处问题：", "en": "{count} problem(s) in the ledger:"},
    "ledger_more": {"zh": "  ……另有 {count} 处", "en": "  ... and {count} more"},
    "tariff_missing": {
        "zh": "没有对 {jurisdiction} 在 {when} 有效的 {family} 费率表。已有：{covered}。"
        "请用 --tariffs 目录 补充该期间的费率表。",
        "en": "no {family} table for {jurisdiction} is in force for {when}. Covered: {covered}. "
        "Add a table for that period with --tariffs DIR.",
    },
    "tariff_year": {"zh": "{year} 考核年度", "en": "assessment year {year}"},
    "tariff_none": {"zh": "无", "en": "no table at all"},
    "tariff_unsettled": {
        "zh": '本次运行要求正式费率表（--require settled / require = "settled"），但有 {count} 张在用的表'
        "不是正式表：\n{tables}\n请用正式表替换（--tariffs 目录），或去掉该要求再运行。",
        "en": "{count} table(s) in use are not settled, and this run requires settled tables "
        '(--require settled / require = "settled"):\n{tables}\n'
        "Replace them with the official tables (--tariffs DIR), or run without the requirement.",
    },
    "tariff_checks": {
        "zh": "费率表有 {count} 处问题：\n{findings}",
        "en": "{count} problem(s) in the tariff tables:\n{findings}",
    },
    "place_unknown": {"zh": "未知地名 {name}。{hint}", "en": "unknown place {name}.{hint}"},
    "place_suggest": {"zh": "是否指：{names}？", "en": " Did you mean: {names}?"},
    # the most common row problems, by code (the others keep the ledger's own text)
    "issue_not_a_number": {
        "zh": "{value} 不是数字；请写成 1234.5 这样",
        "en": "{value} is not a number; write it like 1234.5",
    },
    "issue_bad_year": {
        "zh": "{value} 不是年份；请写成 2018 这样",
        "en": "{value} is not a year; write it as 2018",
    },
    "issue_missing_value": {"zh": "{column} 为空，此列必填", "en": "{column} is empty; it is required"},
    "issue_share_over_100": {"zh": "{value} 超过 100 %", "en": "{value} is more than 100 %"},
    # usage errors raised by the CLI itself
    "usage_config_or_example": {
        "zh": "请给出配置文件 CONFIG 或 --example 示例名，二者只选其一",
        "en": "give either a CONFIG file or --example NAME",
    },
    "usage_ledger_kind": {
        "zh": "未知的台账类型 {kind}；可用：{kinds}",
        "en": "unknown ledger kind {kind}; use one of: {kinds}",
    },
    "usage_issues_out": {
        "zh": "--issues-out {name}：请给出以 .csv 或 .xlsx 结尾的文件",
        "en": "--issues-out {name}: give a file ending in .csv or .xlsx",
    },
    # ledger check
    "ledger_summary": {
        "zh": "{source}（{kind}）：读入 {read} 行，接受 {accepted} 行，剔除 {rejected} 行；sha256 {sha}",
        "en": "{source} ({kind}): {read} rows read, {accepted} accepted, {rejected} rejected; sha256 {sha}",
    },
    "ledger_clean": {"zh": "未发现问题", "en": "no problems found"},
    "ledger_first": {"zh": "{count} 处问题；前 {shown} 处：", "en": "{count} problem(s); the first {shown}:"},
    "ledger_issue": {
        "zh": "  第 {line} 行{column} {value}：{text}［{code}］",
        "en": "  line {line}{column} {value}: {text} [{code}]",
    },
    "ledger_all_in": {"zh": "全部问题见 {path}", "en": "every problem is in {path}"},
    "ledger_write_all": {
        "zh": "用 --issues-out 文件.csv 写出全部问题",
        "en": "write them all with --issues-out FILE.csv",
    },
    # tariffs check and diff
    "tariffs_checked": {
        "zh": "读入 {count} 张费率表，{problems} 处问题；{provisional} 张为暂定表（其输出带警告）。",
        "en": "{count} table(s) read, {problems} problem(s); {provisional} table(s) are provisional "
        "(their outputs carry a warning).",
    },
    "tariffs_diff": {
        "zh": "{old}（{old_document}）→ {new}（{new_document}）：{count} 处差异",
        "en": "{old} ({old_document}) -> {new} ({new_document}): {count} difference(s)",
    },
    # the column headers and labels of `tariffs list`, `show` and `diff`
    "col_id": {"zh": "编号", "en": "id"},
    "col_family": {"zh": "类别", "en": "family"},
    "col_jurisdiction": {"zh": "辖区", "en": "jurisdiction"},
    "col_version": {"zh": "版本", "en": "version"},
    "col_valid": {"zh": "有效期", "en": "valid"},
    "col_document": {"zh": "文件", "en": "document"},
    "col_status": {"zh": "状态", "en": "status"},
    "col_uncertain": {"zh": "不确定值", "en": "uncertain"},
    "col_sha256": {"zh": "校验值", "en": "sha256"},
    "col_origin": {"zh": "来源", "en": "origin"},
    "col_title": {"zh": "标题", "en": "title"},
    "col_issuer": {"zh": "发文机关", "en": "issuer"},
    "col_rounding": {"zh": "舍入", "en": "rounding"},
    "col_source": {"zh": "出处", "en": "source"},
    "col_note": {"zh": "说明", "en": "note"},
    "col_file": {"zh": "文件路径", "en": "file"},
    "col_key": {"zh": "键", "en": "key"},
    "col_value": {"zh": "值", "en": "value"},
    "col_unit": {"zh": "单位", "en": "unit"},
    "col_evidence": {"zh": "依据", "en": "evidence"},
    "col_change": {"zh": "变化", "en": "change"},
    # the terminal summary
    "summary_total": {"zh": "合计", "en": "Total"},
    "summary_unit": {"zh": "金额单位：{unit}", "en": "Amounts in {unit}"},
    "unit_yuan": {"zh": "元", "en": "yuan"},
    "unit_wan_yuan": {"zh": "万元", "en": "10,000 yuan (万元)"},
    "summary_range": {"zh": "中/低/高", "en": "central/low/high"},
    "summary_cover": {"zh": "{label}：{value}", "en": "{label}: {value}"},
    "summary_group": {"zh": "【{group}】", "en": "[{group}]"},
    "summary_part": {"zh": "{heading}（{n}/{count}）", "en": "{heading} ({n}/{count})"},
}

_CURRENT: list[str] = ["zh"]


def use(language: str) -> None:
    """Say every following message in `language` ("zh" or "en")."""
    _CURRENT[0] = language if language in MESSAGE_LANGUAGES else "zh"


def current() -> str:
    """The language messages are said in now."""
    return _CURRENT[0]


def message_language(given: str | None, output: str = "zh") -> str:
    """The language of a command's messages: `given` (--lang), else $ECOCOMP_LANG, else `output`."""
    if given in MESSAGE_LANGUAGES:
        return str(given)
    env = os.environ.get(LANG_ENV, "").strip().lower()
    return env if env in MESSAGE_LANGUAGES else output


def say(key: str, language: str | None = None, **fields: object) -> str:
    """The message `key` in `language` (default: the current one), its fields filled in."""
    return CATALOGUE[key][language or current()].format(**fields)


def fields_of(text: str) -> set[str]:
    """The names of the format fields of one catalogue text."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}
