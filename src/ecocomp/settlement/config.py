"""The settlement config (settle.toml): the assessment year, the level, the tariff folders, one
optional section per registered family (its ledgers and options, validated by the family's own
`settings` model), and the output options.

Paths are relative to the config file. The file is UTF-8 (a BOM, as Notepad writes it, is
fine). Every problem is a `SettingError` naming the config file, the key path and the value as
written, all problems of the file in one message, e.g.
`settle.toml: fund.emissions = ".": is a folder, not a ledger file`.
"""

from __future__ import annotations

import codecs
import difflib
import hashlib
import json
import os
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import ErrorDetails

from ecocomp.errors import ConfigError, UsageError
from ecocomp.families.base import ledger_paths
from ecocomp.families.registry import FAMILIES

__all__ = ["OutputOptions", "Problem", "SettingError", "SettleConfig", "load_config", "resolved"]

ALLOW_EMPTY = "allow_empty"  # in a family's section: an empty ledger is on purpose


@dataclass(frozen=True)
class Problem:
    """One wrong key: its path (`fund.emissions`), its value as written in TOML (None: the key is
    missing) and what is wrong; `sep` joins the value and the message."""

    key: str
    value: str | None
    message: str
    sep: str = ": "

    def __str__(self) -> str:
        where = self.key if self.value is None else f"{self.key} = {self.value}"
        return f"{where}{self.sep}{self.message}"


class SettingError(ConfigError):
    """Keys of a settlement config that cannot be used; `problems` lists every one, `key` is the
    first one's path."""

    def __init__(self, source: str, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__(source, "", "; ".join(str(p) for p in self.problems))
        self.key = self.problems[0].key


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class OutputOptions(_Section):
    language: Literal["zh", "en"] = "zh"
    wan_yuan: bool = False
    csv_encoding: Literal["utf-8-sig", "gb18030"] = "utf-8-sig"


class _Common(_Section):
    year: int
    level: Literal["province", "city"] = "province"
    title: str = ""
    title_en: str = ""  # the title of an English report (default: made of the year)
    tariffs: tuple[str, ...] = Field(default=(), strict=False)  # a TOML array
    skip_invalid: bool = False
    require: Literal["any", "settled"] = "any"  # settled: refuse to settle on provisional tables
    range: bool = False  # true: also the figures at the low and high readings of ranged values
    output: OutputOptions = OutputOptions()

    @field_validator("year")
    @classmethod
    def _four_digits(cls, value: int) -> int:
        """Months are written YYYY-MM: a year has four digits."""
        if not 1000 <= value <= 9999:
            raise ValueError("should be a four-digit year, e.g. 2018")
        return value

    @field_validator("tariffs", mode="before")
    @classmethod
    def _one_folder(cls, value: object) -> object:
        """`tariffs = "my-tariffs"` is the one-folder list."""
        return (value,) if isinstance(value, str) else value


class SettleConfig(_Common):
    """What `ecocomp settle CONFIG.toml` reads (see README, "Settlement: the main job"): the
    common keys, the settings of each family the config names (by family key), and the families
    whose section says `allow_empty = true`."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    families: dict[str, BaseModel] = Field(default_factory=dict)
    allow_empty: tuple[str, ...] = ()

    def dump(self) -> dict[str, object]:
        """The config as the run info records it: common keys, every family's section (null
        when absent; `allow_empty` only when true), then the output options."""
        common = self.model_dump(mode="json", by_alias=True, exclude={"families", "allow_empty"})
        for key in ("range", "title_en"):
            if not common[key]:
                del common[key]  # recorded only when given: a run without it reads as before
        output = common.pop("output")
        sections = {key: self._section(key) for key in FAMILIES}
        return common | sections | {"output": output}

    def _section(self, key: str) -> dict[str, object] | None:
        if key not in self.families:
            return None
        section = self.families[key].model_dump(mode="json", by_alias=True)
        return section | ({ALLOW_EMPTY: True} if key in self.allow_empty else {})


def resolved(config: Path, name: str) -> Path:
    """A path the config names, relative to the config file's folder."""
    return config.parent / name


def load_config(path: Path) -> tuple[SettleConfig, str]:
    """The config and its SHA-256; `ConfigError` (`SettingError` for keys) for anything wrong,
    every ledger and tariff folder checked before any work."""
    source = str(path)
    raw = _read(path)
    data = _parsed(_text(raw, source), source)
    sections = {key: data.pop(key) for key in list(data) if key in FAMILIES}
    empty_problems: list[Problem] = []
    allow_empty = _allow_empty(sections, empty_problems)
    problems: list[Problem] = []
    common = _validated(_Common, data, (), problems)
    families = {key: _validated(FAMILIES[key].settings, v, (key,), problems) for key, v in sections.items()}
    problems += empty_problems
    if common is not None:
        problems += _tariff_problems(path, common.tariffs)
    for key, settings in families.items():
        if settings is not None:
            problems += _ledger_problems(path, key, settings)
            problems += [] if common is None else _period_problems(key, settings, common)
    if problems:
        raise SettingError(source, problems)
    if not families:
        names = ", ".join(f"[{key}]" for key in FAMILIES)
        raise ConfigError(source, "", f"name at least one of {names}")
    config = SettleConfig.model_construct(**dict(common), families=families, allow_empty=allow_empty)
    return config, hashlib.sha256(raw).hexdigest()


def _read(path: Path) -> bytes:
    """The file's bytes; a `ConfigError` naming it when it cannot be read."""
    if path.is_dir():
        raise ConfigError(str(path), "", "is a folder, not a config file")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigError(str(path), "", f"cannot be read: {exc.strerror or exc}") from None


def _text(raw: bytes, source: str) -> str:
    """The config as text: UTF-8, a leading BOM dropped; other encodings refused with advice."""
    advice = "save it as UTF-8 (Notepad/记事本: Save As 另存为, Encoding 编码: UTF-8)"
    if raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ConfigError(source, "", f"is saved as UTF-16 (Unicode), not UTF-8: {advice}")
    raw = raw.removeprefix(codecs.BOM_UTF8)
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        start = raw.rfind(b"\n", 0, exc.start) + 1
        line = raw.count(b"\n", 0, exc.start) + 1
        column = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        what = "is saved as GB18030/GBK, not UTF-8" if _decodes(raw, "gb18030") else "is not UTF-8 text"
        where = f"byte 0x{raw[exc.start]:02x} at line {line}, column {column}"
        raise ConfigError(source, "", f"{what} ({where}): {advice}") from None


def _decodes(raw: bytes, encoding: str) -> bool:
    try:
        raw.decode(encoding)
    except UnicodeDecodeError:
        return False
    return True


def _parsed(text: str, source: str) -> dict[str, Any]:
    """The TOML document; a `ConfigError` with the parser's line and column otherwise."""
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        hint = " (is a text value missing its quotes?)" if str(exc).startswith("Invalid value") else ""
        raise ConfigError(source, "", f"not a valid TOML file: {exc}{hint}") from None


def _allow_empty(sections: dict[str, Any], problems: list[Problem]) -> tuple[str, ...]:
    """The families whose section says `allow_empty = true`, the key taken out of the section
    (the family's own model does not know it)."""
    keys: list[str] = []
    for key, section in sections.items():
        if not isinstance(section, dict) or ALLOW_EMPTY not in section:
            continue
        value = section.pop(ALLOW_EMPTY)
        if not isinstance(value, bool):
            problems.append(Problem(f"{key}.{ALLOW_EMPTY}", written(value), _MESSAGES["bool_type"]))
        elif value:
            keys.append(key)
    return tuple(keys)


def _validated(model: type[BaseModel], data: Any, prefix: tuple[str, ...], problems: list[Problem]) -> Any:
    """The model, or None with every problem added to `problems`."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems += [_problem(model, prefix, e) for e in exc.errors()]
        return None


_MESSAGES = {
    "missing": "is required",
    "int_type": "should be a whole number without quotes, e.g. 2018",
    "string_type": "should be text in quotes",
    "bool_type": "should be true or false, without quotes",
    "tuple_type": 'should be a list of folders, e.g. ["my-tariffs"]',
    "model_type": "should be a section: a [name] line with its keys below it",
    "dict_type": "should be a section: a [name] line with its keys below it",
}


def _problem(model: type[BaseModel], prefix: tuple[str, ...], error: ErrorDetails) -> Problem:
    """A pydantic error as the key path, the value as written and a plain message."""
    loc = tuple(str(part) for part in error["loc"])
    key = ".".join((*prefix, *loc))
    kind = error["type"]
    value = None if kind == "missing" else written(error["input"])
    ctx = error.get("ctx") or {}
    if kind == "extra_forbidden":
        return Problem(key, value, _unknown(loc[-1], [*prefix, *loc[:-1]], _known(model, loc[:-1], prefix)))
    if kind == "literal_error":
        return Problem(key, value, "should be " + str(ctx.get("expected", "")).replace("'", '"'))
    if kind == "string_pattern_mismatch" and loc[-1] in ("from", "to"):
        return Problem(key, value, 'is not a month: write YYYY-MM, e.g. "2018-01"')
    message = _MESSAGES.get(kind, str(error["msg"]).removeprefix("Value error, "))
    return Problem(key, value, message)


def _known(model: type[BaseModel], loc: tuple[str, ...], prefix: tuple[str, ...]) -> list[str]:
    """The keys known where `loc` points in `model` (a family's section also takes
    `allow_empty`; the top level also takes every family's section)."""
    for part in loc:
        field = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        inner = None if field is None else field.annotation
        if not (isinstance(inner, type) and issubclass(inner, BaseModel)):
            return []
        model = inner
    keys = [f.alias or name for name, f in model.model_fields.items()]
    if not loc:
        keys += [ALLOW_EMPTY] if prefix else list(FAMILIES)
    return keys


def _unknown(key: str, parents: list[str], known: list[str]) -> str:
    """'unknown key', with the closest known key (or the known keys)."""
    lowered = {k.lower(): k for k in known}
    close = difflib.get_close_matches(key.lower(), list(lowered), n=1, cutoff=0.6)
    if close:
        return f"unknown key (did you mean {'.'.join([*parents, lowered[close[0]]])}?)"
    return f"unknown key (known here: {', '.join(known)})" if known else "unknown key"


def written(value: object) -> str:
    """A value as TOML writes it, cut at 80 characters."""
    text = _toml(value)
    return text if len(text) <= 80 else text[:79] + "…"


def _toml(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{k} = {_toml(v)}" for k, v in value.items()) + " }" if value else "{}"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _folder(config: Path, name: str) -> str:
    """The absolute folder a name is looked for in."""
    return os.path.abspath(resolved(config, name).parent)


def _ledger_problems(config: Path, family: str, settings: BaseModel) -> list[Problem]:
    """Each ledger the section names that is not a readable file beside the config."""
    problems: list[Problem] = []

    def check(name: str, key: str) -> None:
        found = resolved(config, name)
        if found.is_dir():
            problems.append(Problem(key, written(name), "is a folder, not a ledger file"))
        elif not found.exists():
            problems.append(Problem(key, written(name), f"no such file (looked in {_folder(config, name)})"))
        elif not found.is_file():
            problems.append(Problem(key, written(name), "is not a regular file"))

    ledger_paths(FAMILIES[family], settings, check)
    return problems


def _tariff_problems(config: Path, tariffs: tuple[str, ...]) -> list[Problem]:
    """Each tariffs entry that is not a folder beside the config."""
    problems: list[Problem] = []
    for name in tariffs:
        found = resolved(config, name)
        if found.is_dir():
            continue
        if found.exists():
            what = f"{written(name)} is a file, not a folder of tariff tables"
        else:
            what = f"{written(name)}: no such folder (looked in {_folder(config, name)})"
        problems.append(Problem("tariffs", written(list(tariffs)), what))
    return problems


def _period_problems(key: str, settings: BaseModel, common: _Common) -> list[Problem]:
    """A section's months that end before they start (as written, or with the family's default
    for the one not written), or that the family's parameters refuse."""
    try:
        params = FAMILIES[key].params_from_settings(settings, year=common.year, level=common.level)
    except UsageError as exc:
        return [Problem(key, None, str(exc))]
    start, end = getattr(params, "start", None), getattr(params, "end", None)
    if not (isinstance(start, date) and isinstance(end, date)) or start <= end:
        return []
    first, last = getattr(settings, "from_month", None), getattr(settings, "to_month", None)
    if last is not None:
        before = f'{key}.from = "{first}"' if first is not None else f"{key}.from (by default {start:%Y-%m})"
        return [Problem(f"{key}.to", written(last), f"is before {before}", " ")]
    return [Problem(f"{key}.from", written(first), f"is after {key}.to (by default {end:%Y-%m})", " ")]
