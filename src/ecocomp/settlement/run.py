"""The settlement: one run over everything a year needs, named in a small TOML config.

A config names the assessment year, the level, the ledgers of each family (paths relative to
the config file) and output options. The run computes each family as its own command would
(`run_fund`, `run_water`, `run_surcharge`), and `settlement_report` lays out one report: a
summary per district or payer across the families, every family's own tables, the tariff
tables used, every rejected row, and the run info.
"""

from __future__ import annotations

import hashlib
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ecocomp.errors import ConfigError, LedgerIssue
from ecocomp.families.fund.report import FundRun, run_fund
from ecocomp.families.surcharge.report import SurchargeRun, run_surcharge
from ecocomp.families.water.report import WaterRun, run_water
from ecocomp.tariffs.book import TariffBook

__all__ = ["SettleConfig", "Settlement", "load_config", "run_settlement"]

Month = Annotated[str, Field(pattern=r"^\d{4}-(0[1-9]|1[0-2])$")]


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class FundInputs(_Section):
    emissions: str
    indicators: str | None = None
    carbon: str | None = None


class WaterInputs(_Section):
    sections: str
    monitoring: str
    shares: str | None = None
    from_month: Month = Field(alias="from")
    to_month: Month = Field(alias="to")


class SurchargeInputs(_Section):
    bills: str
    ratings: str
    from_month: Month | None = Field(default=None, alias="from")  # default: January of `year`
    to_month: Month | None = Field(default=None, alias="to")  # default: December of `year`


class OutputOptions(_Section):
    language: Literal["zh", "en"] = "zh"
    wan_yuan: bool = False
    csv_encoding: Literal["utf-8-sig", "gb18030"] = "utf-8-sig"


class SettleConfig(_Section):
    """What `ecocomp settle CONFIG.toml` reads (see README, "Settlement config")."""

    year: int
    level: Literal["province", "city"] = "province"
    title: str = ""
    tariffs: tuple[str, ...] = ()
    skip_invalid: bool = False
    fund: FundInputs | None = None
    water: WaterInputs | None = None
    surcharge: SurchargeInputs | None = None
    output: OutputOptions = OutputOptions()


@dataclass(frozen=True)
class Settlement:
    """A finished settlement: the config as read and each family's run."""

    config: SettleConfig
    config_name: str
    config_sha256: str
    fund: FundRun | None
    water: WaterRun | None
    surcharge: SurchargeRun | None

    @property
    def rejected(self) -> tuple[LedgerIssue, ...]:
        """Every rejected row of every family."""
        runs = (self.fund, self.water, self.surcharge)
        return tuple(issue for run in runs if run is not None for issue in run.rejected)

    @property
    def title(self) -> str:
        return self.config.title or f"环境经济政策资金结算 {self.config.year}年度"


def load_config(path: Path) -> tuple[SettleConfig, str]:
    """The config and its SHA-256; `ConfigError` naming the key for anything wrong."""
    raw = path.read_bytes()
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(str(path), "", f"not a valid UTF-8 TOML file: {exc}") from None
    try:
        config = SettleConfig.model_validate(data)
    except ValidationError as exc:
        problems = [(".".join(str(p) for p in e["loc"]), e["msg"]) for e in exc.errors()]
        rest = "".join(f"; {key}: {message}" for key, message in problems[1:])
        raise ConfigError(str(path), problems[0][0], problems[0][1] + rest) from None
    if not (config.fund or config.water or config.surcharge):
        raise ConfigError(str(path), "", "name at least one of [fund], [water], [surcharge]")
    return config, hashlib.sha256(raw).hexdigest()


def run_settlement(path: Path, *, tariff_dirs: tuple[Path, ...] = ()) -> Settlement:
    """Run every family the config names; strict unless the config says skip_invalid."""
    config, digest = load_config(path)
    base = path.parent
    dirs = tuple(_path(base, t, path, "tariffs") for t in config.tariffs) + tariff_dirs
    book = TariffBook.load(list(dirs))
    fund = _fund(config, base, path, book) if config.fund else None
    water = _water(config, base, path, book) if config.water else None
    surcharge = _surcharge(config, base, path, book) if config.surcharge else None
    return Settlement(config, path.name, digest, fund, water, surcharge)


def _fund(config: SettleConfig, base: Path, path: Path, book: TariffBook) -> FundRun:
    inputs = config.fund
    assert inputs is not None
    return run_fund(
        _path(base, inputs.emissions, path, "fund.emissions"),
        year=config.year,
        book=book,
        indicators=_optional(base, inputs.indicators, path, "fund.indicators"),
        carbon=_optional(base, inputs.carbon, path, "fund.carbon"),
        level=config.level,
        skip_invalid=config.skip_invalid,
    )


def _water(config: SettleConfig, base: Path, path: Path, book: TariffBook) -> WaterRun:
    inputs = config.water
    assert inputs is not None
    return run_water(
        _path(base, inputs.sections, path, "water.sections"),
        _path(base, inputs.monitoring, path, "water.monitoring"),
        start=_month(inputs.from_month),
        end=_month(inputs.to_month),
        book=book,
        shares=_optional(base, inputs.shares, path, "water.shares"),
        skip_invalid=config.skip_invalid,
    )


def _surcharge(config: SettleConfig, base: Path, path: Path, book: TariffBook) -> SurchargeRun:
    inputs = config.surcharge
    assert inputs is not None
    return run_surcharge(
        _path(base, inputs.bills, path, "surcharge.bills"),
        _path(base, inputs.ratings, path, "surcharge.ratings"),
        book=book,
        skip_invalid=config.skip_invalid,
        period=(
            _month(inputs.from_month or f"{config.year}-01"),
            _month(inputs.to_month or f"{config.year}-12"),
        ),
    )


def _month(text: str) -> date:
    year, month = text.split("-")
    return date(int(year), int(month), 1)


def _path(base: Path, name: str, config: Path, key: str) -> Path:
    found = base / name
    if not found.exists():
        raise ConfigError(str(config), key, f"{found} does not exist (paths are relative to the config file)")
    return found


def _optional(base: Path, name: str | None, config: Path, key: str) -> Path | None:
    return None if name is None else _path(base, name, config, key)
