"""The run info sheet: the manifest as rows a person can read (issue 15).

The JSON manifest keeps the machine keys (`families.fund.inputs[0].rows_accepted`); the
workbook shows labelled rows in the report's language instead.
"""

from __future__ import annotations

from collections.abc import Mapping

from ecocomp.reports.model import Column, Table
from ecocomp.reports.text import cell_text, flatten_manifest

__all__ = ["RUN_INFO_NAMES", "run_info_table"]

#: The sheet's name and its two headers, per language.
RUN_INFO_NAMES = {"zh": ("运行信息", "项目", "值"), "en": ("run_info", "item", "value")}


def run_info_table(manifest: Mapping[str, object], language: str) -> Table:
    """The manifest as a two-column table (item, value) in `language`."""
    name, key_header, value_header = RUN_INFO_NAMES[language]
    columns = (Column("key", key_header, "text"), Column("value", value_header, "text"))
    rows = [{"key": k, "value": cell_text(v, language)} for k, v in flatten_manifest(manifest)]
    return Table("run_info", name, columns, rows)
