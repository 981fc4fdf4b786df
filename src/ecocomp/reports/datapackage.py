"""The data package descriptor (`datapackage.json`) of a CSV or Parquet report folder.

A Frictionless Data Package (Data Package v1 with Table Schema v1, https://datapackage.org, profile
"data-package") describing the files one report wrote: one tabular resource per table (its file,
format, media type, encoding and CSV dialect, SHA-256 `hash` and `bytes`) with a Table Schema
derived from the table's declared columns, and the run's provenance under the namespaced key
"ecocomp" (contract version, ecocomp version, config hash, inputs and tariff tables with their
hashes, and the manifest file with its hash: it is JSON, not a table, so it is listed there and not
as a resource). Identical inputs give identical bytes: no clock time, keys in a fixed order.

Table Schema per column (`field`): `name` is the header as written in that file (the Chinese label
for a "zh" CSV, the English key for an "en" CSV and for Parquet), the English key kept as
"ecocomp:key" when they differ; `title` the Chinese label; `type` from the column's kind (text
string, int integer, money / ratio / decimal number with "ecocomp:scale" and `bareNumber`, date
date, month yearmonth "YYYY-MM", bool boolean with the CSV's 是/否 or yes/no); `constraints`
`required` for a column that is never empty (the row key, or not nullable: in a CSV, where an
empty text and no text are the same empty cell, not for a text column) and `enum` (the codes) for
a column of codes; the table's `row_key` as `primaryKey`. Encodings are IANA names: "utf-8"
(ecocomp writes it with a BOM, which readers such as Frictionless strip) or "gb18030".

The writers stage every file under a temporary name (`ecocomp.reports.staging`), so the bytes to
hash are read from the staged file while the descriptor names the final file: each entry of
`files` is either the final path (read as it is) or a pair (final path, path to read now).
Frictionless is not imported here (it is a test dependency only); the descriptor is plain JSON.
Nor are the writers (`ecocomp.reports.text`, `.parquet`): they may import this module.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path

from ecocomp.reports.contract import BOOL_TEXT, CONTRACT_VERSION, DECIMAL_KINDS
from ecocomp.reports.model import Column, Report, Table
from ecocomp.reports.staging import Staging

__all__ = [
    "DESCRIPTOR_NAME",
    "FileRef",
    "descriptor",
    "descriptor_bytes",
    "package_name",
    "write_descriptor",
]

DESCRIPTOR_NAME = "datapackage.json"
PROFILE = "data-package"  # Data Package v1: no `$schema`; "tabular-data-package" would forbid extras
#: A file of the report: its final path, or (final path, path holding its bytes now, e.g. staged).
FileRef = Path | tuple[Path, Path]

_FORMATS = {
    "csv": ("csv", "text/csv"),
    "parquet": ("parquet", "application/vnd.apache.parquet"),
}
_ENCODINGS = {"utf-8-sig": "utf-8", "utf-8": "utf-8", "gb18030": "gb18030"}
_TYPES = {
    "text": "string",
    "int": "integer",
    "money": "number",
    "ratio": "number",
    "decimal": "number",
    "date": "date",
    "month": "yearmonth",
    "bool": "boolean",
}
# The same as `ecocomp.reports.text` (a test checks): not imported, so that the CSV and Parquet
# writers can import this module without an import cycle.
_NAME_PATTERN = re.compile(r"[^a-z0-9._-]+")  # Data Package v1 names: lower-case ^[-a-z0-9._/]+$
_CHUNK = 1 << 20


def descriptor(
    report: Report,
    files: Mapping[str, FileRef],
    *,
    fmt: str,
    language: str = "en",
    encoding: str = "utf-8-sig",
    manifest: FileRef | None = None,
    name: str | None = None,
) -> dict[str, object]:
    """The data package descriptor of the files written for `report`.

    `files` maps each table key to its file (every file in one folder, the descriptor's); a table
    without a file is left out. `fmt` is "csv" or "parquet"; `language` ("zh"/"en") and
    `encoding` ("utf-8-sig" or "gb18030") are the CSV's (Parquet headers are always the English
    keys). `manifest` is the report's manifest file, listed with its hash under "ecocomp".
    `name` is the package's name (default: the primary file's stem, lower-cased)."""
    if fmt not in _FORMATS:
        raise ValueError(f"a data package describes csv or parquet files, not {fmt!r}")
    if fmt == "csv" and encoding.lower() not in _ENCODINGS:
        raise ValueError(f"unknown CSV encoding {encoding!r}: use utf-8-sig or gb18030")
    tables = [t for t in report.tables if t.key in files]
    unknown = sorted(set(files) - {t.key for t in report.tables})
    if unknown:
        raise ValueError(f"files given for tables the report does not have: {', '.join(unknown)}")
    if not tables:
        raise ValueError("a data package needs the file of at least one table")
    folder = _final(files[tables[0].key]).parent
    header_language = language if fmt == "csv" else "en"
    resources = [
        _resource(table, files[table.key], folder, fmt=fmt, language=header_language, encoding=encoding)
        for table in tables
    ]
    return {
        "profile": PROFILE,
        "name": name if name is not None else package_name(_final(files[tables[0].key])),
        "title": report.title,
        "resources": resources,
        "ecocomp": _provenance(report, manifest, folder),
    }


def descriptor_bytes(
    report: Report,
    files: Mapping[str, FileRef],
    *,
    fmt: str,
    language: str = "en",
    encoding: str = "utf-8-sig",
    manifest: FileRef | None = None,
    name: str | None = None,
) -> bytes:
    """`descriptor` as JSON: UTF-8, indent 2, keys in the descriptor's fixed order, newline at end."""
    found = descriptor(
        report, files, fmt=fmt, language=language, encoding=encoding, manifest=manifest, name=name
    )
    return (json.dumps(found, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def write_descriptor(
    report: Report,
    files: Mapping[str, FileRef],
    stage: Staging,
    *,
    fmt: str,
    language: str = "en",
    encoding: str = "utf-8-sig",
    manifest: FileRef | None = None,
    name: str | None = None,
    target: Path | None = None,
) -> Path:
    """Stage the descriptor (`target`, default `datapackage.json` in the folder of the files;
    write them first); return its target."""
    target = target or _final(next(iter(files.values()))).parent / DESCRIPTOR_NAME
    content = descriptor_bytes(
        report, files, fmt=fmt, language=language, encoding=encoding, manifest=manifest, name=name
    )
    stage.file(target).write_bytes(content)
    return target


def package_name(path: Path) -> str:
    """A Data Package v1 name from a file's stem: lower-case, runs of other characters as "-"."""
    stem = path.name.split(".")[0] or path.stem
    found = _NAME_PATTERN.sub("-", stem.lower()).strip("-")
    return found or "report"


def _resource(
    table: Table, ref: FileRef, folder: Path, *, fmt: str, language: str, encoding: str
) -> dict[str, object]:
    """One table's resource: its file, how to read it, its hash and size, and its schema."""
    final = _final(ref)
    if final.parent != folder:
        raise ValueError(f"{final} is not in the folder of the other files ({folder})")
    digest, size = _digest(ref)
    file_format, mediatype = _FORMATS[fmt]
    found: dict[str, object] = {
        "name": table.key.lower(),
        "path": final.name,
        "profile": "tabular-data-resource",
        "title": table.zh,
        "format": file_format,
        "mediatype": mediatype,
    }
    if fmt == "csv":
        found["encoding"] = _ENCODINGS[encoding.lower()]
        found["dialect"] = {
            "delimiter": ",",
            "lineTerminator": "\r\n",
            "quoteChar": '"',
            "doubleQuote": True,
            "header": True,
        }
    found["hash"] = f"sha256:{digest}"
    found["bytes"] = size
    found["schema"] = _schema(table, fmt, language)
    return found


def _schema(table: Table, fmt: str, language: str) -> dict[str, object]:
    """The Table Schema of one table as written in `fmt` with headers in `language`."""
    fields = [_field(column, fmt, language, column.key == table.row_key) for column in table.columns]
    # CSV: an empty cell is no value; Parquet has real nulls, so an empty text there is a value
    schema: dict[str, object] = {"fields": fields, "missingValues": [""] if fmt == "csv" else []}
    if table.row_key is not None:
        key_column = next(c for c in table.columns if c.key == table.row_key)
        schema["primaryKey"] = [key_column.header(language)]
    return schema


def _field(column: Column, fmt: str, language: str, key: bool) -> dict[str, object]:
    """One column as a Table Schema field (`key`: the table's row key, never empty)."""
    name = column.header(language)
    field: dict[str, object] = {"name": name}
    if name != column.key:
        field["ecocomp:key"] = column.key
    field["title"] = column.zh
    if column.labels:
        codes = "；".join(f"{code}={label}" for code, label in column.labels)
        field["description"] = f"{column.zh}（代码：{codes}）"
    field["type"] = _TYPES[column.kind]
    if column.kind in DECIMAL_KINDS:
        field["bareNumber"] = True
        field["ecocomp:scale"] = column.declared_scale
    if column.kind == "month":
        field["format"] = "default"  # "YYYY-MM"
    if column.kind == "bool" and fmt == "csv":
        yes, no = BOOL_TEXT[language]
        field["trueValues"] = [yes]
        field["falseValues"] = [no]
    field["ecocomp:kind"] = column.kind
    if not column.nullable:
        field["ecocomp:nullable"] = False
    constraints: dict[str, object] = {}
    # A CSV cannot tell an empty text from no text: there a text column may be empty unless it is
    # the row key (its "never empty" stays in "ecocomp:nullable").
    if key or (not column.nullable and not (fmt == "csv" and column.kind == "text")):
        constraints["required"] = True
    if column.labels:
        constraints["enum"] = [code for code, _ in column.labels]
    if constraints:
        field["constraints"] = constraints
    return field


def _provenance(report: Report, manifest: FileRef | None, folder: Path) -> dict[str, object]:
    """What the manifest says about the run: versions, the config's, inputs' and tariffs' hashes."""
    info = report.manifest
    found: dict[str, object] = {"schema_version": CONTRACT_VERSION}
    version = info.get("ecocomp_version")
    if isinstance(version, str):
        found["ecocomp_version"] = version
    command = info.get("command")
    if isinstance(command, str):
        found["command"] = command
    config = info.get("config")
    if isinstance(config, Mapping) and isinstance(config.get("sha256"), str):
        found["config"] = {"sha256": config["sha256"]}
    found["inputs"] = _unique(_collected(info, "inputs"), ("role", "name", "sha256"))
    found["tariffs"] = _unique(_collected(info, "tariffs"), ("id", "sha256"))
    if manifest is not None:
        final = _final(manifest)
        if final.parent != folder:
            raise ValueError(f"{final} is not in the folder of the other files ({folder})")
        digest, size = _digest(manifest)
        found["manifest"] = {"path": final.name, "hash": f"sha256:{digest}", "bytes": size}
    return found


def _collected(info: Mapping[str, object], key: str) -> list[Mapping[str, object]]:
    """The entries of `key` in the manifest and in each family's manifest (a settlement's)."""
    found: list[Mapping[str, object]] = []
    sources: list[object] = [info]
    families = info.get("families")
    if isinstance(families, Mapping):
        sources += [families[k] for k in sorted(families)]
    for source in sources:
        if isinstance(source, Mapping) and isinstance(items := source.get(key), list | tuple):
            found += [item for item in items if isinstance(item, Mapping)]
    return found


def _unique(items: list[Mapping[str, object]], keys: tuple[str, ...]) -> list[dict[str, object]]:
    """Each entry once (the first), with only `keys`, those that are text; in first-seen order."""
    seen: set[tuple[object, ...]] = set()
    found: list[dict[str, object]] = []
    for item in items:
        entry = {k: item[k] for k in keys if isinstance(item.get(k), str)}
        identity = tuple(entry.get(k) for k in keys)
        if entry and identity not in seen:
            seen.add(identity)
            found.append(entry)
    return found


def _final(ref: FileRef) -> Path:
    return ref[0] if isinstance(ref, tuple) else ref


def _digest(ref: FileRef) -> tuple[str, int]:
    """SHA-256 (hex) and size in bytes of the file's current content."""
    current = ref[1] if isinstance(ref, tuple) else ref
    sha = hashlib.sha256()
    size = 0
    with current.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            sha.update(chunk)
            size += len(chunk)
    return sha.hexdigest(), size
