"""The settlement: one run over everything a year needs, named in a small TOML config.

A config (`settlement.config`) names the assessment year, the level, the ledgers of each family
(paths relative to the config file) and output options. The run computes each family the
config names as its own command would (`run_family`), in registry order; `settlement.report`
lays out one report over them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ecocomp.errors import ConfigError, LedgerIssue, UnsettledTariffError, UsageError
from ecocomp.families.base import Result, Run, ledger_paths
from ecocomp.families.registry import FAMILIES
from ecocomp.families.run import run_family
from ecocomp.places import Places
from ecocomp.settlement.config import SettleConfig, load_config, resolved
from ecocomp.tariffs.book import TariffBook
from ecocomp.tariffs.readings import READINGS

__all__ = ["SettleConfig", "Settlement", "load_config", "run_settlement"]


@dataclass(frozen=True)
class Settlement:
    """A finished settlement: the config as read and each family's run, by family key; with
    the range computed, also every family's run at the low and at the high reading of the
    ranged tariff values (`readings`: reading -> family key -> run; empty without the range);
    `places`: the places table the run read (the report groups its rows by the places' roles)."""

    config: SettleConfig
    config_name: str
    config_sha256: str
    runs: dict[str, Run[Result]]
    readings: dict[str, dict[str, Run[Result]]] = field(default_factory=dict)
    places: Places | None = None

    @property
    def with_range(self) -> bool:
        return bool(self.readings)

    @property
    def rejected(self) -> tuple[LedgerIssue, ...]:
        """Every rejected row of every family."""
        return tuple(issue for run in self.runs.values() for issue in run.rejected)

    @property
    def title(self) -> str:
        return self.config.title or f"环境经济政策资金结算 {self.config.year}年度"

    @property
    def title_en(self) -> str:
        """The title of an English report: the config's `title_en`, else one made of the year."""
        return self.config.title_en or f"Settlement of environmental-fiscal funds, {self.config.year}"


def run_settlement(
    path: Path,
    *,
    tariff_dirs: tuple[Path, ...] = (),
    require: str | None = None,
    with_range: bool = False,
) -> Settlement:
    """Run every family the config names; strict unless the config says skip_invalid. With
    `require` (or the config's) "settled", a provisional table in use is an
    `UnsettledTariffError` listing every such table, and no settlement is returned. With
    `with_range` (or the config's `range = true`) the settlement is run twice more, with every
    ranged tariff value at its low and at its high bound (`Settlement.readings`)."""
    config, digest = load_config(path)  # every ledger and tariff folder checked there
    dirs = tuple(resolved(path, t) for t in config.tariffs) + tariff_dirs
    book = TariffBook.load(list(dirs))
    runs = _runs(config, path, book)
    if (require or config.require) == "settled":
        _require_settled(runs)
    readings: dict[str, dict[str, Run[Result]]] = {}
    if with_range or config.range:
        readings = {reading: _runs(config, path, book.at_reading(reading)) for reading in READINGS}
    return Settlement(config, path.name, digest, runs, readings, places=book.places)


def _runs(config: SettleConfig, path: Path, book: TariffBook) -> dict[str, Run[Result]]:
    """Each family the config names, run on `book`, by family key (in registry order); a family
    whose section says `allow_empty = true` may have empty ledgers."""
    runs: dict[str, Run[Result]] = {}
    for key, family in FAMILIES.items():
        settings = config.families.get(key)
        if settings is None:
            continue
        try:
            params = family.params_from_settings(settings, year=config.year, level=config.level)
        except UsageError as exc:
            raise ConfigError(str(path), key, str(exc)) from None
        paths = ledger_paths(family, settings, lambda name, _: resolved(path, name))
        runs[key] = run_family(
            family,
            paths,
            params,
            book=book,
            skip_invalid=config.skip_invalid,
            allow_empty=key in config.allow_empty,
        )
    return runs


def _require_settled(runs: dict[str, Run[Result]]) -> None:
    used = {t.id: t for run in runs.values() for t in run.result.tariffs}
    unsettled = [
        (t.id, t.header.document, t.header.status)
        for _, t in sorted(used.items())
        if t.header.status != "settled"
    ]
    if unsettled:
        raise UnsettledTariffError(unsettled)
