"""The run info sheet: the manifest as labelled rows a person can read (issue 15).

The JSON manifest keeps the machine keys (`families.fund.inputs[0].rows_accepted`); the workbook
shows labelled rows in the report's language instead ("统筹资金 · 输入 1 · 读入行数 / 接受 / 剔除":
"35 / 35 / 0"). Every key a run writes has a label here (`unlabelled_keys` lists those that have
none: a test keeps it empty); an input's counts share one row, a tariff table's hash is one row
(its other facts are on the tariffs sheet), a family's row reconciliation is one row, and the
provisional-table warnings read in the report's language. The time of the run is Beijing time.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta, timezone

from ecocomp.codes import STATUS_ZH
from ecocomp.families.registry import FAMILIES
from ecocomp.reports.model import Column, Table
from ecocomp.reports.ranges import READING_ZH
from ecocomp.reports.text import cell_text, flatten_manifest
from ecocomp.tariffs.evidence import warning_text

__all__ = ["RUN_INFO_NAMES", "run_info_rows", "run_info_table", "unlabelled_keys"]

#: The sheet's name and its two headers, per language.
RUN_INFO_NAMES = {"zh": ("运行信息", "项目", "值"), "en": ("run_info", "item", "value")}
BEIJING = timezone(timedelta(hours=8), "Asia/Shanghai")
SEP = " · "

Label = tuple[str, str]  # (zh, en)
Row = tuple[Label, str | Label]  # (label, value: one text, or a text per language)

#: Top-level and config keys: label, and the Chinese names of coded values.
TOP: Mapping[str, Label] = {
    "ecocomp_version": ("ecocomp 版本", "ecocomp version"),
    "command": ("命令", "command"),
    "generated_at": ("运行时间（北京时间）", "run at (Beijing time)"),
    "files": ("输出文件", "output files"),
    "bill_lines": ("账单明细文件", "bill-line files"),
}
CONFIG: Mapping[str, Label] = {
    "file": ("配置文件", "config file"),
    "sha256": ("配置文件" + SEP + "内容哈希(SHA-256)", "config file" + SEP + "content hash (SHA-256)"),
    "year": ("考核年度", "assessment year"),
    "level": ("考核层级", "level"),
    "title": ("标题", "title"),
    "title_en": ("", "English title"),  # no row in Chinese: the English title is for English outputs
    "tariffs": ("自备费率表目录", "own tariff folders"),
    "skip_invalid": ("跳过无效行", "skip invalid rows"),
    "require": ("费率表要求", "tariff tables required"),
    "range": ("区间计算（低值、高值）", "range (low and high readings)"),
    "output.language": ("输出语言", "output language"),
    "output.wan_yuan": ("金额以万元显示", "amounts in 10,000 yuan"),
    "output.csv_encoding": ("CSV 编码", "CSV encoding"),
}
#: A family's settle.toml keys (its ledgers by role, its months) and its parameters.
SETTING: Mapping[str, Label] = {
    "emissions": ("排放量台账", "emissions ledger"),
    "indicators": ("考核指标台账", "indicators ledger"),
    "carbon": ("碳排放强度台账", "CO2-intensity ledger"),
    "sections": ("断面台账", "sections ledger"),
    "monitoring": ("断面监测台账", "monitoring ledger"),
    "shares": ("断面分担比例台账", "section-shares ledger"),
    "section_shares": ("断面分担比例台账", "section-shares ledger"),
    "bills": ("企业用电用水台账", "bills ledger"),
    "ratings": ("企业环境信用评价台账", "ratings ledger"),
    "from": ("起始月份", "first month"),
    "to": ("截止月份", "last month"),
    "year": ("年度", "year"),
    "level": ("层级", "level"),
    "skip_invalid": ("跳过无效行", "skip invalid rows"),
    "allow_empty": ("允许空台账", "empty ledgers allowed"),
}
#: The row counts of a family's reconciliation.
RECONCILIATION: Mapping[str, Label] = {
    "emissions_rows_read": ("读入排放行", "emission rows read"),
    "monitoring_rows_read": ("读入监测行", "monitoring rows read"),
    "bills_rows_read": ("读入账单行", "bill rows read"),
    "billed": ("计费", "billed"),
    "computed": ("计算", "computed"),
    "charged": ("计费", "charged"),
    "excluded": ("不计入", "excluded"),
    "outside_period": ("不在结算期间", "outside the period"),
    "rejected_by_ledger_check": ("台账检查剔除", "rejected by the ledger check"),
    "rejected_by_rules": ("规则剔除", "rejected by the rules"),
    "substituted_cells": ("缺测替代", "substituted cells"),
    "ratings_rows_read": ("读入评价行", "rating rows read"),
    "ratings_rejected": ("评价行剔除", "rating rows rejected"),
}
ADJUSTMENTS: Mapping[str, Label] = {
    "rows": ("退补行数", "adjustment rows"),
    "total": ("退补净额(元)", "adjustments, net (yuan)"),
    "electricity_surcharge": ("退补差别电价(元)", "adjustments, electricity (yuan)"),
    "water_surcharge": ("退补差别化污水处理费(元)", "adjustments, sewage (yuan)"),
}
RANGE: Mapping[str, Label] = {
    "readings": ("区间计算" + SEP + "读数", "range" + SEP + "readings"),
    "method": ("区间计算" + SEP + "方法", "range" + SEP + "method"),
    "totals": ("区间计算" + SEP + "合计", "range" + SEP + "totals"),
    "ranged_values": ("区间计算" + SEP + "区间取值", "range" + SEP + "ranged values"),
}
RANGE_METHOD_ZH = (
    "每个有区间的费率值分别取下限（全低值计算）和上限（全高值计算）；各地区的“低”“高”列为中值、"
    "全低值、全高值三次计算中的最小值和最大值，不设合计行（各地区极值之和不是任何一次计算的结果），"
    "各次计算的合计见“合计”"
)
#: Coded values shown in Chinese.
VALUES_ZH: Mapping[str, str] = {
    "province": "省级",
    "city": "市级",
    "any": "不限",
    "settled": "仅用已定稿费率表",
    "zh": "中文",
    "en": "英文",
    "settle": "结算",
    "fund": "统筹资金",
    "water": "水补偿",
    "surcharge": "加价",
}
INPUT_KEYS = frozenset({"role", "name", "sha256", "rows_read", "rows_accepted", "rows_rejected"})
TARIFF_KEYS = frozenset(
    {"id", "family", "jurisdiction", "version", "valid", "document", "title", "status", "sha256", "origin"}
    | {"replaces"}
)
FAMILY_KEYS = frozenset(
    {"command", "ecocomp_version", "parameters", "inputs", "tariffs", "warnings", "reconciliation"}
    | {"bill_lines", "adjustments", "range", "files"}
)


def run_info_table(manifest: Mapping[str, object], language: str) -> Table:
    """The manifest as a two-column table (item, value) in `language`."""
    name, key_header, value_header = RUN_INFO_NAMES[language]
    columns = (Column("key", key_header, "text"), Column("value", value_header, "text"))
    rows = [
        {"key": _in(label, language), "value": _in(value, language)}
        for label, value in run_info_rows(manifest)
        if _in(label, language)  # a row for one language only (the English title) has no label in the other
    ]
    return Table("run_info", name, columns, rows, layout="reference")


def _in(text: str | Label, language: str) -> str:
    if isinstance(text, str):
        return text
    return text[0] if language == "zh" else text[1]


def run_info_rows(manifest: Mapping[str, object]) -> list[Row]:
    """The rows of the run info, each label and value in both languages."""
    rows: list[Row] = []
    if isinstance(at := manifest.get("generated_at"), str):
        rows.append((TOP["generated_at"], beijing(at)))
    for key in ("ecocomp_version", "command"):
        if key in manifest:
            rows.append((TOP[key], _value(manifest[key])))
    config = manifest.get("config")
    if isinstance(config, Mapping):
        rows += _config_rows(config)
    families = manifest.get("families")
    if isinstance(families, Mapping):  # a settlement: each family's run, then the warnings once
        for key, info in families.items():
            if isinstance(info, Mapping):
                rows += _family_rows(_prefix(str(key)), info, warnings=False)
        rows += _warning_rows(manifest.get("warnings"), ("", ""))
    else:  # one family's own report
        rows += _family_rows(_prefix(str(manifest.get("command", ""))), manifest, warnings=True)
    if isinstance(manifest.get("range"), Mapping):
        rows += _range_rows(manifest["range"])  # type: ignore[arg-type]
    if "files" in manifest:
        rows.append((TOP["files"], _value(manifest["files"])))
    handled = {*TOP, "config", "families", "warnings", "range", *FAMILY_KEYS}
    return rows + _other_rows(manifest, handled)


def _other_rows(info: Mapping[str, object], handled: set[str], lead: str = "") -> list[Row]:
    """Keys without a label, as their key paths (never left out; `unlabelled_keys` names them)."""
    rest = {k: v for k, v in info.items() if k not in handled}
    return [((f"{lead}{path}",) * 2, cell_text(v, "zh")) for path, v in flatten_manifest(rest)]


def beijing(moment: str) -> str:
    """An ISO moment in Beijing time to the minute, "2026-12-08 07:10" (a naive one is UTC)."""
    parsed = datetime.fromisoformat(moment)
    aware = parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)
    return f"{aware.astimezone(BEIJING):%Y-%m-%d %H:%M}"


def _prefix(key: str) -> Label:
    family = FAMILIES.get(key)
    return (family.prefix_zh, family.title_en) if family is not None else (key, key)


def _join(*parts: Label) -> Label:
    return (SEP.join(p[0] for p in parts if p[0]), SEP.join(p[1] for p in parts if p[1]))


def _value(value: object) -> str | Label:
    """A value in both languages: a coded value by its Chinese name, a bool 是/否, a list joined."""
    if isinstance(value, bool):
        return ("是" if value else "否", "yes" if value else "no")
    if value is None:
        return ("无", "none")
    if isinstance(value, list | tuple):
        return "、".join(cell_text(v, "zh") for v in value) if value else ("无", "none")
    text = cell_text(value, "zh")
    return (VALUES_ZH[text], text) if text in VALUES_ZH else text


def _config_rows(config: Mapping[str, object]) -> list[Row]:
    rows: list[Row] = []
    for key, value in config.items():
        if key in FAMILIES:
            rows += _setting_rows(_prefix(key), value)
        elif key == "output" and isinstance(value, Mapping):
            rows += [
                (CONFIG.get(f"output.{k}", (f"output.{k}", f"output.{k}")), _value(v))
                for k, v in value.items()
            ]
        else:
            rows.append((CONFIG.get(key, (key, key)), _value(value)))
    return rows


def _setting_rows(prefix: Label, section: object) -> list[Row]:
    if not isinstance(section, Mapping):
        return [(_join(prefix, ("配置", "settings")), ("未使用", "not used"))]
    return [(_join(prefix, SETTING.get(k, (k, k))), _value(v)) for k, v in section.items()]


def _family_rows(prefix: Label, info: Mapping[str, object], *, warnings: bool) -> list[Row]:
    rows: list[Row] = []
    parameters = info.get("parameters")
    if isinstance(parameters, Mapping) and parameters:
        rows.append((_join(prefix, ("参数", "parameters")), _pairs(parameters, SETTING)))
    for i, item in enumerate(_list(info.get("inputs")), start=1):
        rows += _input_rows(prefix, i, item)
    reconciliation = info.get("reconciliation")
    if isinstance(reconciliation, Mapping):
        rows.append((_join(prefix, ("行数核对", "rows reconciled")), _pairs(reconciliation, RECONCILIATION)))
    tariffs = info.get("tariffs")
    for text in (
        t for t in (tariffs if isinstance(tariffs, list | tuple) else ()) if not isinstance(t, Mapping)
    ):
        rows.append((_join(prefix, ("费率表", "tariff table")), str(text)))
    for item in _list(tariffs):
        status = str(item.get("status", ""))
        label = (f"费率表 {item.get('id')}{SEP}内容哈希", f"tariff table {item.get('id')}{SEP}content hash")
        rows.append(
            (
                _join(prefix, label),
                (
                    f"{item.get('sha256')}（{STATUS_ZH.get(status, status)}）",
                    f"{item.get('sha256')} ({status})",
                ),
            )
        )
    if "bill_lines" in info:
        rows.append((_join(prefix, TOP["bill_lines"]), _value(info["bill_lines"])))
    adjustments = info.get("adjustments")
    if isinstance(adjustments, Mapping):
        rows += [(_join(prefix, ADJUSTMENTS.get(k, (k, k))), _value(v)) for k, v in adjustments.items()]
    if warnings:
        rows += _warning_rows(info.get("warnings"), prefix)
    else:  # a family inside a settlement: its keys without a label, by their paths
        rows += _other_rows(info, set(FAMILY_KEYS), f"{prefix[1]}.")
    return rows


def _input_rows(prefix: Label, number: int, item: Mapping[str, object]) -> list[Row]:
    """Three rows per input file: its name (and role), its row counts, its content hash."""
    lead = _join(prefix, (f"输入 {number}", f"input {number}"))
    role = SETTING.get(str(item.get("role")), (str(item.get("role")), str(item.get("role"))))
    counts = f"{item.get('rows_read')} / {item.get('rows_accepted')} / {item.get('rows_rejected')}"
    return [
        (
            _join(lead, ("文件", "file")),
            (f"{item.get('name')}（{role[0]}）", f"{item.get('name')} ({role[1]})"),
        ),
        (_join(lead, ("读入行数 / 接受 / 剔除", "rows read / accepted / rejected")), counts),
        (_join(lead, ("内容哈希(SHA-256)", "content hash (SHA-256)")), str(item.get("sha256"))),
    ]


def _pairs(values: Mapping[str, object], labels: Mapping[str, Label]) -> Label:
    """ "label value；label value" in each language."""
    shown = [(labels.get(k, (k, k)), _value(v)) for k, v in values.items()]
    zh = "；".join(f"{label[0]} {_in(value, 'zh')}" for label, value in shown)
    en = "; ".join(f"{label[1]} {_in(value, 'en')}" for label, value in shown)
    return zh, en


def _warning_rows(warnings: object, prefix: Label) -> list[Row]:
    found = _list_of_text(warnings)
    label = _join(prefix, ("警告", "warning"))
    return [((f"{label[0]} {i}", f"{label[1]} {i}"), warning_text(w)) for i, w in enumerate(found, start=1)]


def _range_rows(info: Mapping[str, object]) -> list[Row]:
    """How the low and high columns were made: the readings, the method, each reading's totals
    (by the summary's column names) and the ranged tariff values (by their key paths)."""
    rows: list[Row] = []
    for key, value in info.items():
        label = RANGE.get(key, (f"range.{key}", f"range.{key}"))
        if key == "method":
            rows.append((label, (RANGE_METHOD_ZH, str(value))))
        elif key == "readings" and isinstance(value, list):
            rows.append(
                (
                    label,
                    ("、".join(READING_ZH.get(str(v), str(v)) for v in value), ", ".join(map(str, value))),
                )
            )
        elif key == "totals" and isinstance(value, Mapping):
            rows += _reading_totals(label, value)
        elif isinstance(value, Mapping):
            rows += [
                ((f"{label[0]}{SEP}{path}", f"{label[1]}{SEP}{path}"), cell_text(v, "zh"))
                for path, v in flatten_manifest(value)
            ]
        else:
            rows.append((label, _value(value)))
    return rows


def _reading_totals(label: Label, totals: Mapping[str, object]) -> list[Row]:
    """One row per reading and column: "区间计算 · 合计（低值） · 统筹资金(元)"."""
    names = {c.key: c.zh for family in FAMILIES.values() for c in family.summary_columns}
    rows: list[Row] = []
    for reading, columns in totals.items():
        for key, total in columns.items() if isinstance(columns, Mapping) else ():
            zh = f"{label[0]}（{READING_ZH.get(reading, reading)}）{SEP}{names.get(key, key)}"
            rows.append(((zh, f"{label[1]} ({reading}){SEP}{key}"), cell_text(total, "zh")))
    return rows


def _list(value: object) -> Iterator[Mapping[str, object]]:
    if isinstance(value, list | tuple):
        yield from (v for v in value if isinstance(v, Mapping))


def _list_of_text(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list | tuple) else []


def unlabelled_keys(manifest: Mapping[str, object]) -> list[str]:
    """The manifest's keys the run info has no label for (a test keeps this empty)."""
    missing: list[str] = []

    def check(key: str, known: bool) -> None:
        if not known:
            missing.append(key)

    for key, value in manifest.items():
        if key == "config" and isinstance(value, Mapping):
            for k, v in value.items():
                if k in FAMILIES:
                    for s in v if isinstance(v, Mapping) else ():
                        check(f"config.{k}.{s}", s in SETTING)
                elif k == "output" and isinstance(v, Mapping):
                    for s in v:
                        check(f"config.output.{s}", f"output.{s}" in CONFIG)
                else:
                    check(f"config.{k}", k in CONFIG)
        elif key == "families" and isinstance(value, Mapping):
            for family, info in value.items():
                missing += [f"families.{family}.{k}" for k in _unknown_family_keys(info)]
        elif key == "range" and isinstance(value, Mapping):
            missing += [f"range.{k}" for k in value if k not in RANGE]
        elif key not in TOP and key not in ("config", "families", "warnings", "range"):
            missing += (
                [key]
                if key not in FAMILY_KEYS
                else [f"{key}.{k}" for k in _unknown_family_keys({key: value})]
            )
    return missing


def _unknown_family_keys(info: object) -> list[str]:
    """The keys of one family's manifest without a label."""
    if not isinstance(info, Mapping):
        return []
    missing = [k for k in info if k not in FAMILY_KEYS]
    for item in _list(info.get("inputs")):
        missing += [f"inputs.{k}" for k in item if k not in INPUT_KEYS]
        if str(item.get("role")) not in SETTING:
            missing.append(f"inputs.role={item.get('role')}")
    for item in _list(info.get("tariffs")):
        missing += [f"tariffs.{k}" for k in item if k not in TARIFF_KEYS]
    for group, labels in (
        ("parameters", SETTING),
        ("reconciliation", RECONCILIATION),
        ("adjustments", ADJUSTMENTS),
    ):
        values = info.get(group)
        missing += [f"{group}.{k}" for k in values if k not in labels] if isinstance(values, Mapping) else []
    return missing
