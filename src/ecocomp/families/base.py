"""The contract every policy family satisfies (`Family`), and the parts a family is made of.

A family is one folder under `ecocomp/families/`: its tariff tables (`tables`), its ledgers
(`ledgers`), its rules and computation, its report, its command, and one object satisfying
`Family` that the registry (`ecocomp.families.registry`) lists. The family-neutral layers
(tariffs, ledgers, reports, settlement, the CLI) only ever talk to that object.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Generic, Protocol, TypeVar, runtime_checkable

from pydantic import BaseModel, ValidationError

from ecocomp.errors import LedgerIssue, UsageError
from ecocomp.ledgers.kinds import Kind
from ecocomp.reports.model import Chart, Column, Report, Table
from ecocomp.tariffs.catalogue import TableCheck, TariffFamily
from ecocomp.tariffs.evidence import Basis

if TYPE_CHECKING:  # the contract names them; the registry, and so `ecocomp --help`, needs none
    from ecocomp.ledgers.ledger import Ledger
    from ecocomp.reports.manifest import InputFile
    from ecocomp.tariffs.book import TariffBook
    from ecocomp.tariffs.files import Tariff

__all__ = [
    "Family",
    "LedgerRole",
    "Period",
    "Periodic",
    "PlaceFigures",
    "Progress",
    "Reconciliation",
    "Result",
    "Run",
    "Template",
    "in_languages",
    "ledger_paths",
    "params_of",
    "patterns",
    "phrases",
    "rendered",
]

#: A progress callback: phase ("compute", "write"), units done, units in all.
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class LedgerRole:
    """One ledger a family reads: its key (settle.toml key and CLI name), its kind, whether a
    run needs it, and what it is (help text)."""

    key: str
    kind: str
    required: bool = True
    help: str = ""


class Result(Protocol):
    """What every family's computed result tells the run: the rows its rules rejected, the
    tariff tables it used and the warnings for provisional values."""

    @property
    def rejected(self) -> tuple[LedgerIssue, ...]: ...

    @property
    def tariffs(self) -> tuple[Tariff, ...]: ...

    @property
    def warnings(self) -> tuple[str, ...]: ...


R = TypeVar("R", bound=Result)
R_co = TypeVar("R_co", bound=Result, covariant=True)
P = TypeVar("P", bound=BaseModel)


@dataclass(frozen=True)
class Reconciliation:
    """Rows in = rows out for the ledger a family bills (`ledger`, a role key): `counts` as the
    report shows them, `total` the key of its rows read, `parts` the keys that add up to it."""

    ledger: str
    counts: dict[str, int]
    total: str
    parts: tuple[str, ...]

    def holds(self) -> bool:
        return sum(self.counts[k] for k in self.parts) == self.counts[self.total]


@dataclass(frozen=True)
class Run(Generic[R_co]):
    """A finished run of one family: the result, the inputs as read, every rejected row (by the
    ledger checks and by the rules), the parameters and the reconciliation of rows."""

    family: str
    result: R_co
    inputs: tuple[InputFile, ...]
    rejected: tuple[LedgerIssue, ...]
    parameters: dict[str, object]
    reconciliation: dict[str, int]
    ledger_warnings: tuple[str, ...] = ()  # from reading the ledgers (e.g. columns not used)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Every warning of the run: the ledgers' first, then the computation's."""
        return (*self.ledger_warnings, *self.result.warnings)


@dataclass(frozen=True)
class PlaceFigures:
    """One place's figures for the settlement summary (keys of the family's summary columns),
    and what they rest on (`basis`: every tariff value and rule that went into them), from which
    the settlement marks the place's figures and names the uncertain values under 汇总."""

    code: str
    name: str
    figures: Mapping[str, Decimal | None]
    basis: Basis = field(default_factory=Basis)


class Family(Protocol):
    """A policy family, as the registry, `run_family`, the settlement, the schema generator,
    `tariffs check`, `ledger check` and the CLI see it."""

    key: str  # "fund": folder, CLI command, settle.toml section, manifest command
    title_zh: str  # "污染物排放统筹资金"
    title_en: str  # "Pollutant-linked fund": its name in English outputs
    prefix_zh: str  # "统筹资金": the prefix of its sheets in the settlement workbook
    tariff_families: tuple[TariffFamily, ...]  # its tariff families: model, units, validity kind
    table_checks: tuple[TableCheck, ...]  # its checks over the loaded tables (default: none)
    ledger_kinds: tuple[Kind, ...]  # the ledger kinds it defines
    ledgers: tuple[LedgerRole, ...]  # the ledgers a run reads, in reading order
    params: type[BaseModel]  # its parameters, validated alike from CLI options and settle.toml
    settings: type[BaseModel]  # its settle.toml section: ledger paths (by role key) and options
    summary_columns: tuple[Column, ...]  # its columns in the settlement's 汇总
    #: those of its summary columns 汇总's printed page shows (the page a leader reads first;
    #: every one is on screen, and its own summary page prints them all)
    headline_columns: tuple[str, ...]
    #: its charts of 汇总: bar charts of some of its summary columns, each titled in the sign
    #: convention of its columns (e.g. 净上缴（正数＝向省上缴）)
    charts: tuple[Chart, ...]
    #: True: a city among its places is the city's urban area (市区) paying for the urban
    #: districts (the fund), not the city's total
    city_payer: bool
    command: str  # "module:function" of its typer command (imported by the CLI only)
    json_schema: bool  # its JSON report is a plain report with a shipped schema
    own_json_schema: str  # else "module:function" making the schema of its own JSON ("" if none)

    def params_from_settings(self, settings: Any, *, year: int, level: str) -> BaseModel:
        """Its parameters from its settle.toml section and the config's year and level."""
        ...

    def preflight(self, params: Any, book: TariffBook) -> None:
        """Stop before reading anything when the run cannot go on (e.g. no table in force)."""
        ...

    def compute(
        self, ledgers: Mapping[str, Ledger], params: Any, book: TariffBook, progress: Progress | None
    ) -> Result:
        """The result of the run, from the typed ledgers (by role key)."""
        ...

    def reconcile(self, result: Any, inputs: Mapping[str, InputFile]) -> Reconciliation:
        """Rows read = computed + excluded + rejected, for the ledger the family bills."""
        ...

    def parameters(self, params: Any) -> dict[str, object]:
        """Its parameters as the run info records them."""
        ...

    def report(self, run: Any) -> Report:
        """The report of a run: its own tables, then the rejected rows, tables used, run info."""
        ...

    def by_place(self, run: Any) -> Iterable[PlaceFigures]:
        """Each place's figures in the settlement summary."""
        ...


@dataclass(frozen=True)
class Period:
    """The rows a run asks of one of its ledgers (`ledger`, a role key): those whose `column`
    (a year, as int, or a month, as its first day) lies in `first`..`last`."""

    ledger: str
    column: str
    first: int | date
    last: int | date


@runtime_checkable
class Periodic(Protocol):
    """A family whose run asks for a period (a year, a span of months): `run_family` stops a run in
    which no row of the period's ledger lies in it (issue 14), unless the family may be empty."""

    def period(self, params: Any) -> Period | None:
        """The period `params` ask for; None: every row."""
        ...


def in_languages(table: Table, *, banner_en: str | None = None, notes_en: tuple[str, ...] = ()) -> Table:
    """`table` with its banner and notes in English too (`Table.banner_en`, `Table.notes_en`)."""
    return replace(table, banner_en=banner_en, notes_en=notes_en)


Words = Callable[[str], str] | Mapping[str, str]


def rendered(*, zh: Words | None = None, en: Words | None = None) -> Callable[[object, str], object]:
    """A `Column.render` showing a text value through `zh` in Chinese outputs and `en` in English
    ones (a mapping: its entry, else the value; a function: its result)."""

    def shown(value: object, language: str) -> object:
        words = zh if language == "zh" else en
        if words is None or not isinstance(value, str):
            return value
        return words.get(value, value) if isinstance(words, Mapping) else words(value)

    return shown


def patterns(rules: Sequence[tuple[str, str]]) -> Callable[[str], str]:
    """A text through the first of `rules` (regex, template as `re.sub` writes it) that matches
    it whole; the text itself when none does."""
    compiled = [(re.compile(rf"^(?:{pattern})$"), template) for pattern, template in rules]

    def shown(text: str) -> str:
        for pattern, template in compiled:
            if pattern.match(text):
                return pattern.sub(template, text)
        return text

    return shown


#: Chinese punctuation in English: what is left after a family's phrases are translated.
PUNCTUATION_EN = (("（", " ("), ("）", ")"), ("；", "; "), ("：", ": "), ("，", ", "), ("、", ", "))


Template = str | Callable[[re.Match[str]], str]

#: Amounts and rates in English, for every family's composed texts: after the family's own
#: phrases (which may name an amount in yuan within a phrase of their own), rates before amounts.
MONEY_PHRASES_EN: tuple[tuple[str, Template], ...] = (
    (r"元/百公斤", "yuan/100 kg"),
    (r"元/千克", "yuan/kg"),
    (r"元/吨", "yuan/t"),
    (r"元/千瓦时", "yuan/kWh"),
    (r"元/立方米", "yuan/m³"),
    (r"([\d.]) 元", r"\1 yuan"),
)
#: Masses in English (a pollutant's quantity or load; never a water volume).
MASS_PHRASES_EN: tuple[tuple[str, Template], ...] = (
    (r"([\d.]) 百公斤", r"\1 100 kg"),
    (r"([\d.]) 千克", r"\1 kg"),
    (r"([\d.]) 吨", r"\1 t"),
)


def phrases(rules: Sequence[tuple[str, Template]]) -> Callable[[str], str]:
    """A text through every one of `rules` in order (regex, template, as `re.sub` writes them;
    every match replaced), then its Chinese punctuation in English: for composed texts whose
    words are ours and whose names (places, sections, documents) stay as they are."""
    compiled = [(re.compile(pattern), template) for pattern, template in rules]

    def shown(text: str) -> str:
        for pattern, template in compiled:
            text = pattern.sub(template, text)
        for zh, en in PUNCTUATION_EN:
            text = text.replace(zh, en)
        return re.sub(r" {2,}", " ", text).replace("( ", "(")

    return shown


def ledger_paths(family: Family, settings: BaseModel, resolve: Callable[[str, str], Any]) -> dict[str, Any]:
    """The ledger paths a settle.toml section names, by role key, through `resolve(name, key)`."""
    paths: dict[str, Any] = {}
    for role in family.ledgers:
        name = getattr(settings, role.key)
        paths[role.key] = None if name is None else resolve(name, f"{family.key}.{role.key}")
    return paths


def params_of(model: type[P], values: Mapping[str, object]) -> P:
    """A family's parameters, validated; `UsageError` naming the first bad one."""
    try:
        return model.model_validate(dict(values))
    except ValidationError as exc:
        error = exc.errors()[0]
        key = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        raise UsageError(f"{key}: {message}" if key else message) from None
