"""The settlement config (settle.toml): the assessment year, the level, the tariff folders, one
optional section per registered family (its ledgers and options, validated by the family's own
`settings` model), and the output options.

Paths are relative to the config file. Every problem is a `ConfigError` naming the key.
"""

from __future__ import annotations

import hashlib
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecocomp.errors import ConfigError
from ecocomp.families.registry import FAMILIES

__all__ = ["OutputOptions", "SettleConfig", "load_config"]


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
    tariffs: tuple[str, ...] = Field(default=(), strict=False)  # a TOML array
    skip_invalid: bool = False
    require: Literal["any", "settled"] = "any"  # settled: refuse to settle on provisional tables
    range: bool = False  # true: also the figures at the low and high readings of ranged values
    output: OutputOptions = OutputOptions()


class SettleConfig(_Common):
    """What `ecocomp settle CONFIG.toml` reads (see README, "Settlement config"): the common
    keys, and the settings of each family the config names (by family key)."""

    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)
    families: dict[str, BaseModel] = Field(default_factory=dict)

    def dump(self) -> dict[str, object]:
        """The config as the run info records it: common keys, every family's section (null
        when absent), then the output options."""
        common = self.model_dump(mode="json", by_alias=True, exclude={"families"})
        if not common["range"]:
            del common["range"]  # recorded only when asked for: a run without it reads as before
        output = common.pop("output")
        sections = {
            key: (self.families[key].model_dump(mode="json", by_alias=True) if key in self.families else None)
            for key in FAMILIES
        }
        return common | sections | {"output": output}


def load_config(path: Path) -> tuple[SettleConfig, str]:
    """The config and its SHA-256; `ConfigError` naming the key for anything wrong."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"not a valid UTF-8 TOML file: {exc}") from None
    sections = {key: data.pop(key) for key in list(data) if key in FAMILIES}
    problems: list[tuple[str, str]] = []
    common = _validated(_Common, data, "", problems)
    families = {key: _validated(FAMILIES[key].settings, v, key, problems) for key, v in sections.items()}
    if problems:
        rest = "".join(f"; {key}: {message}" for key, message in problems[1:])
        raise ConfigError(str(path), problems[0][0], problems[0][1] + rest)
    if not families:
        names = ", ".join(f"[{key}]" for key in FAMILIES)
        raise ConfigError(str(path), "", f"name at least one of {names}")
    config = SettleConfig.model_construct(**dict(common), families=families)
    return config, hashlib.sha256(raw).hexdigest()


def _validated(model: type[BaseModel], data: Any, prefix: str, problems: list[tuple[str, str]]) -> Any:
    """The model, or None with every problem added to `problems` as (key path, message)."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for e in exc.errors():
            problems.append((".".join(str(p) for p in (prefix, *e["loc"]) if p != ""), e["msg"]))
        return None
