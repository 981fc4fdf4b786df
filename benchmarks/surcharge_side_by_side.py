"""Side-by-side benchmark (issue 16): ecocomp's CLI, a DuckDB SQL script and a Polars lazy script of
the same credit-rated surcharge rules, on the same synthetic province; prints wall s, peak RSS,
whether each agrees with ecocomp to the fen, and the ratio of ecocomp's time to each.

Run: PYTHONPATH=src .venv/bin/python benchmarks/surcharge_side_by_side.py [BILLS] [--rounds 3]
     [--keep DIR]   (BILLS defaults to 10,000,000; needs the `bench` extra: duckdb, polars)

The province is written by `benchmarks/surcharge.py --make` (deterministic: seed 2018, always 24
months 2018-01..2019-12, so both electricity versions are in force, the 2019 one with its
half-year rule; Nanjing (320100) bills take Nanjing's sewage table; per enterprise a colour from
2017-01-01, a second colour from a random day of 2018 and a 0-12 score from a random day of 2019,
so ratings change mid-month and red twice in a row occurs; the ratings never overlap and every
bill month is rated, no account, USCC or 退补 columns). The peers implement exactly that subset:
colours given in English or as scores, no accounts, codes or adjustments; they refuse (exit 1)
a bill without a table or rating, as ecocomp's strict run does.

Each implementation runs in its own process; rounds are interleaved and the medians reported.
Rates, dates, rating rules, rating periods, score bands and places come from the shipped TOML
files (read with tomllib), never from this file. The check: the three agree to the fen on every
district's electricity and sewage totals and on a deterministic sample of 1,000 lines (by
enterprise and month); any difference is printed and the exit status is 1.
"""

from __future__ import annotations

import json
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import tomllib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARIFFS = ROOT / "tariffs"
COLOURS = ("green", "blue", "yellow", "red", "black")
FAMILIES = {"electricity": "electricity_surcharge", "water": "sewage_surcharge"}
QUANTITY = {"electricity": "用电量", "water": "用水量"}
SAMPLE = 1_000
FAR = date(9999, 12, 31)  # the end of an open-ended rating
#: quantities x rates that test the rounding of each peer: half away from zero to the fen
ROUNDING_CASES = ("-0.005", "0.005", "0.015", "-0.015", "0.0149", "-0.0051", "2.675", "-50.005", "0")


# ---- the rules, from the shipped tariff files --------------------------------------------------


def _tables(family: str) -> list[dict[str, Any]]:
    return [tomllib.loads(p.read_text("utf-8")) for p in sorted((TARIFFS / family).glob("*.toml"))]


def _places() -> dict[str, dict[str, Any]]:
    return {p["code"]: p for t in _tables("places") for p in t["place"]}


def _place_code(places: dict[str, dict[str, Any]], name: str) -> str:
    """The code of a place named by code, name, short name or alias."""
    for code, p in places.items():
        if name in (code, p["name"], p.get("short"), *p.get("aliases", ())):
            return code
    raise SystemExit(f"place {name!r} of a tariff table is not in the places table")


def _covers(table: dict[str, Any], day: date) -> bool:
    head = table["tariff"]
    return bool(head["valid_from"] <= day and ("valid_to" not in head or day <= head["valid_to"]))


def _lookup_day(rule: str, month: date) -> date:
    """The day whose rating applies to a bill of `month` under the table's rating_rule."""
    if rule == "in_force_in_month":
        return month
    if rule == "previous_half_year_end":
        return date(month.year, 7 if month.month >= 7 else 1, 1) - timedelta(days=1)
    raise SystemExit(f"rating_rule {rule!r} is not implemented by the peers")


def _months(first: date, last: date) -> list[date]:
    count = (last.year - first.year) * 12 + last.month - first.month + 1
    return [
        date(first.year + (first.month - 1 + k) // 12, (first.month - 1 + k) % 12 + 1, 1)
        for k in range(count)
    ]


@dataclass(frozen=True)
class Rules:
    """What the peers need: per (place, month) and instrument the table, lookup day and period
    spec (-1: no red-repeat rule); per (table, colour) the rate; the score bands; period specs."""

    cells: list[dict[str, Any]]
    rates: list[dict[str, Any]]
    scale: int  # places of the finest rate
    bands: list[tuple[date, date, list[tuple[str, Decimal | None, Decimal | None]]]]
    specs: list[tuple[tuple[date, str], ...]]  # rating_periods steps (since, "year"|"half_year")


def load_rules(first: date, last: date) -> Rules:
    """The rules for bill months `first`..`last`, from tariffs/."""
    places = _places()
    tables = {key: _tables(family) for key, family in FAMILIES.items()}
    by_place = {
        key: {c: [t for t in ts if _place_code(places, t["tariff"]["jurisdiction"]) == c] for c in places}
        for key, ts in tables.items()
    }
    specs: list[tuple[tuple[date, str], ...]] = []
    rates, scale = [], 0
    for ts in tables.values():
        for t in ts:
            rule = t["tariff"]["rounding"]
            if Decimal(str(rule["quantum"])) != Decimal("0.01") or rule["mode"] != "half_up":
                raise SystemExit(f"{t['tariff']['id']}: rounding {rule} is not implemented by the peers")
            if t["unrated"]["value"] != "error":
                raise SystemExit(f"{t['tariff']['id']}: unrated {t['unrated']['value']} is not implemented")
            for colour, value in t["rates"].items():
                rate = Decimal(str(value["value"]))
                scale = max(scale, -int(rate.normalize().as_tuple().exponent))
                rates.append({"table": t["tariff"]["id"], "colour": colour, "rate": rate})
            if t["red_repeat_as_black"]["value"]:
                steps = tuple((s["since"], s["period"]) for s in t["rating_periods"]["value"])
                if steps not in specs:
                    specs.append(steps)
    cells = []
    for code in places:
        chain = _ancestors(places, code)
        for month in _months(first, last):
            cell: dict[str, Any] = {"district": code, "month": month}
            for key in FAMILIES:
                table = next(
                    (t for c in chain for t in sorted(by_place[key][c], key=_start) if _covers(t, month)),
                    None,
                )
                cell[f"{key}_table"] = None if table is None else table["tariff"]["id"]
                cell[f"{key}_day"] = (
                    None if table is None else _lookup_day(table["rating_rule"]["value"], month)
                )
                cell[f"{key}_spec"] = _spec_of(table, specs)
            cells.append(cell)
    return Rules(cells, rates, scale, _bands(), specs)


def _start(table: dict[str, Any]) -> date:
    start: date = table["tariff"]["valid_from"]
    return start


def _ancestors(places: dict[str, dict[str, Any]], code: str) -> list[str]:
    chain: list[str] = []
    while code in places and code not in chain:
        chain.append(code)
        code = places[code].get("parent", "")
    return chain


def _spec_of(table: dict[str, Any] | None, specs: list[tuple[tuple[date, str], ...]]) -> int:
    if table is None or not table["red_repeat_as_black"]["value"]:
        return -1
    return specs.index(tuple((s["since"], s["period"]) for s in table["rating_periods"]["value"]))


def _bands() -> list[tuple[date, date, list[tuple[str, Decimal | None, Decimal | None]]]]:
    """Per score-bands table: its dates and (colour, lowest, highest score in hundredths as yuan)."""
    out = []
    for t in _tables("credit_score_bands"):
        bands = []
        for b in t["bands"]:
            low = None if "min" not in b else Decimal(math.ceil(Decimal(str(b["min"]["value"])) * 100)) / 100
            high = (
                None if "max" not in b else Decimal(math.floor(Decimal(str(b["max"]["value"])) * 100)) / 100
            )
            bands.append((b["colour"], low, high))
        out.append((t["tariff"]["valid_from"], t["tariff"].get("valid_to", FAR), bands))
    return out


def half_away(value: Decimal) -> Decimal:
    """The reference rounding: to the fen, half away from zero (Python's ROUND_HALF_UP)."""
    return value.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# ---- peer 1: DuckDB SQL ------------------------------------------------------------------------


def _sql_period(day: str, steps: tuple[tuple[date, str], ...]) -> str:
    """SQL: the first day of the rating period `day` falls in (as ecocomp's `period_starts`)."""

    def floor(period: str) -> str:
        if period == "year":
            return f"date_trunc('year', {day})::DATE"
        return f"make_date(year({day}), CASE WHEN month({day}) >= 7 THEN 7 ELSE 1 END, 1)"

    parts = [f"WHEN {day} < DATE '{steps[0][0]}' THEN {floor(steps[0][1])}"]
    for k, (since, period) in enumerate(steps):
        until = f"{day} < DATE '{steps[k + 1][0]}'" if k + 1 < len(steps) else "TRUE"
        parts.append(f"WHEN {until} THEN greatest({floor(period)}, DATE '{since}')")
    return "CASE " + " ".join(parts) + " END"


def _sql_colour(rules: Rules) -> str:
    """SQL: the colour of a rating row, given or by the score bands in force on its valid_from."""
    score = "TRY_CAST(信用等级 AS DECIMAL(18, 2))"
    tables = []
    for first, last, bands in rules.bands:
        whens = []
        for colour, low, high in bands:
            conds = [
                f"{score} >= {low}" if low is not None else "",
                f"{score} <= {high}" if high is not None else "",
            ]
            whens.append(f"WHEN {' AND '.join(c for c in conds if c) or 'TRUE'} THEN '{colour}'")
        tables.append(
            f"WHEN 有效期起 BETWEEN DATE '{first}' AND DATE '{last}' THEN CASE {' '.join(whens)} END"
        )
    given = ", ".join(f"'{c}'" for c in COLOURS)
    return f"CASE WHEN 信用等级 IN ({given}) THEN 信用等级 {' '.join(tables)} END"


def run_duckdb(folder: Path) -> None:
    """The rules as one DuckDB SQL script: DECIMAL arithmetic, ROUND (half away from zero) per line."""
    import duckdb
    import pyarrow as pa

    con = duckdb.connect()
    check = con.execute(
        "SELECT ROUND(x::DECIMAL(38, 4), 2)::VARCHAR"
        " FROM unnest(?::VARCHAR[]) WITH ORDINALITY AS t(x, i) ORDER BY i",
        [list(ROUNDING_CASES)],
    ).fetchall()
    assert [Decimal(r[0]) for r in check] == [half_away(Decimal(x)) for x in ROUNDING_CASES], check
    bills, ratings = (
        f"read_parquet('{folder / 'bills.parquet'}')",
        f"read_parquet('{folder / 'ratings.parquet'}')",
    )
    first, last = con.execute(f"SELECT min(月份), max(月份) FROM {bills}").fetchall()[0]
    rules = load_rules(first, last)
    con.register("cell_rows", pa.Table.from_pylist(rules.cells))
    exact = [r | {"rate": r["rate"].quantize(Decimal(1).scaleb(-rules.scale))} for r in rules.rates]
    con.register("rate_rows", pa.Table.from_pylist(exact))
    con.execute("CREATE TABLE cells AS FROM cell_rows; CREATE TABLE rates AS FROM rate_rows")
    repeats, picks = [], []
    for k, steps in enumerate(rules.specs):
        period = _sql_period("start", steps)
        repeats.append(
            f"red AND last_value(CASE WHEN red AND NOT coalesce(prev_red, FALSE) THEN {period} END"
            " IGNORE NULLS) OVER (PARTITION BY enterprise ORDER BY start ROWS UNBOUNDED PRECEDING)"
            f" < {period} AS repeat_{k}"
        )
        picks.append(f"arg_max(repeat_{k}, start) AS repeat_{k}")
    repeat_cols = "".join(f", {r}" for r in repeats)
    pick_cols = "".join(f", {p}" for p in picks)
    con.execute(f"""
        CREATE TABLE rated AS SELECT 企业名称 AS enterprise, 有效期起 AS start,
            coalesce(有效期止, DATE '{FAR}') AS stop, {_sql_colour(rules)} AS colour FROM {ratings};
        CREATE TABLE grid AS
        WITH r AS (
            SELECT *, colour = 'red' AS red,
                lag(colour = 'red') OVER (PARTITION BY enterprise ORDER BY start) AS prev_red
            FROM rated WHERE colour IS NOT NULL),
        rr AS (SELECT *{repeat_cols} FROM r),
        days AS (SELECT DISTINCT electricity_day AS day FROM cells WHERE electricity_day IS NOT NULL
                 UNION SELECT DISTINCT water_day FROM cells WHERE water_day IS NOT NULL)
        SELECT enterprise, day, arg_max(colour, start) AS colour{pick_cols}
        FROM rr JOIN days ON rr.start <= days.day AND rr.stop >= days.day GROUP BY ALL
    """)
    (bad_ratings,) = con.execute("SELECT count(*) FROM rated WHERE colour IS NULL").fetchall()[0]

    def instrument(key: str) -> tuple[str, str]:
        spec = f"c.{key}_spec"
        repeat = " ".join(f"WHEN {k} THEN g_{key}.repeat_{k}" for k in range(len(rules.specs)))
        repeated = f"coalesce(CASE {spec} {repeat} END, FALSE)" if rules.specs else "FALSE"
        colour = f"CASE WHEN g_{key}.colour = 'red' AND {repeated} THEN 'black' ELSE g_{key}.colour END"
        joins = (
            f" LEFT JOIN grid g_{key} ON g_{key}.enterprise = b.企业名称 AND g_{key}.day = c.{key}_day"
            f' LEFT JOIN rates r_{key} ON r_{key}."table" = c.{key}_table AND r_{key}.colour = ({colour})'
        )
        q = f"b.{QUANTITY[key]}"
        columns = (
            f"CASE WHEN {q} IS NOT NULL THEN g_{key}.colour END AS {key}_rating,"
            f" CASE WHEN {q} IS NOT NULL THEN {repeated} AND g_{key}.colour = 'red' END AS {key}_red_repeat,"
            f" CASE WHEN {q} IS NOT NULL THEN c.{key}_table END AS {key}_tariff,"
            f" ROUND({q} * r_{key}.rate, 2)::DECIMAL(38, 2) AS {key}_surcharge,"
            f" {q} IS NOT NULL AND r_{key}.rate IS NULL AS {key}_problem"
        )
        return joins, columns

    (ej, ec), (wj, wc) = instrument("electricity"), instrument("water")
    con.execute(f"""
        CREATE VIEW lines AS SELECT b.企业名称 AS enterprise, b.区县 AS district,
            strftime(b.月份, '%Y-%m') AS month, b.用电量 AS electricity_kwh, b.用水量 AS water_m3, {ec}, {wc}
        FROM {bills} b LEFT JOIN cells c ON c.district = b.区县 AND c.month = b.月份 {ej} {wj}
    """)
    out = folder / "duckdb"
    out.mkdir(exist_ok=True)
    con.execute(
        "COPY (SELECT * EXCLUDE (electricity_problem, water_problem) FROM lines)"
        f" TO '{out / 'lines.parquet'}' (FORMAT parquet, COMPRESSION zstd)"
    )
    (problems,) = con.execute(
        "SELECT count(*) FROM lines WHERE electricity_problem OR water_problem"
    ).fetchall()[0]
    totals = con.execute(
        f"SELECT district, sum(electricity_surcharge)::VARCHAR, coalesce(sum(water_surcharge), 0)::VARCHAR "
        f"FROM read_parquet('{out / 'lines.parquet'}') GROUP BY district"
    ).fetchall()
    _finish(out, totals, int(problems) + int(bad_ratings))


def _finish(out: Path, totals: list[tuple[Any, ...]], problems: int) -> None:
    """Write a peer's district totals; refuse the run (exit 1) when any bill or rating could not be
    charged, as ecocomp's strict run does."""
    by_district = [
        {"district_code": d, "electricity_surcharge": str(e), "water_surcharge": str(w)} for d, e, w in totals
    ]
    (out / "summary.json").write_text(json.dumps({"by_district": by_district, "problems": problems}), "utf-8")
    if problems:
        raise SystemExit(f"{problems} bill(s) or rating(s) could not be charged (no table, rating or colour)")


# ---- peer 2: Polars lazy -----------------------------------------------------------------------


def polars_half_away(product: Any, scale: int) -> Any:
    """Polars: a Decimal expression of `scale` places rounded to the fen, half away from zero.

    Polars' own `round` and casts to fewer places round half to even, so this rounds the scaled
    integer itself: sign × ((|units| + half) // step). Int64 holds every line ecocomp's ranges allow
    (1e10 kWh x 100 yuan at 4 places is 1e16 < 9.2e18)."""
    import polars as pl

    if scale < 2:
        return product.cast(pl.Decimal(38, 2))
    units = (product * pl.lit(10**scale, pl.Decimal(38, 0))).cast(pl.Int64)
    step, half = 10 ** (scale - 2), 10 ** (scale - 2) // 2
    fen = (units.abs() + half) // step * units.sign()
    return fen.cast(pl.Decimal(38, 0)) * pl.lit(Decimal("0.01"), pl.Decimal(38, 2))


def _polars_period(day: Any, steps: tuple[tuple[date, str], ...]) -> Any:
    """Polars: the first day of the rating period `day` falls in (as ecocomp's `period_starts`)."""
    import polars as pl

    def floor(period: str) -> Any:
        if period == "year":
            return day.dt.truncate("1y")
        return pl.date(day.dt.year(), pl.when(day.dt.month() >= 7).then(7).otherwise(1), 1)

    expr = pl.when(day < pl.lit(steps[0][0])).then(floor(steps[0][1]))
    for k, (since, period) in enumerate(steps):
        start = pl.max_horizontal(floor(period), pl.lit(since))
        expr = expr.when(day < pl.lit(steps[k + 1][0]) if k + 1 < len(steps) else pl.lit(True)).then(start)
    return expr.otherwise(None)


def _polars_colour(rules: Rules) -> Any:
    import polars as pl

    given = pl.col("信用等级")
    score = given.cast(pl.Decimal(18, 2), strict=False)
    start = pl.col("有效期起")
    expr = pl.when(given.is_in(list(COLOURS))).then(given)
    for first, last, bands in rules.bands:
        for colour, low, high in bands:
            cond = start.is_between(pl.lit(first), pl.lit(last)) & score.is_not_null()
            if low is not None:
                cond &= score >= pl.lit(low, pl.Decimal(18, 2))
            if high is not None:
                cond &= score <= pl.lit(high, pl.Decimal(18, 2))
            expr = expr.when(cond).then(pl.lit(colour))
    return expr.otherwise(None)


def run_polars(folder: Path) -> None:
    """The rules as a Polars lazy query: exact decimals, widened before multiplying."""
    import polars as pl

    lines, bad_ratings = polars_lines(folder)
    out = folder / "polars"
    out.mkdir(exist_ok=True)
    lines.sink_parquet(out / "lines.parquet", compression="zstd")
    written = pl.scan_parquet(out / "lines.parquet")
    counted = written.select(pl.col("problem").sum()).collect().item()
    totals = (
        written.group_by("district")
        .agg(pl.col("electricity_surcharge").sum(), pl.col("water_surcharge").sum())
        .collect()
        .rows()
    )
    _finish(out, totals, int(counted) + int(bad_ratings))


def polars_lines(folder: Path) -> tuple[Any, int]:
    """The bill lines as a lazy frame, and how many rating rows have no colour."""
    import polars as pl

    cases = pl.DataFrame({"x": pl.Series([Decimal(x) for x in ROUNDING_CASES], dtype=pl.Decimal(38, 4))})
    got = cases.select(polars_half_away(pl.col("x"), 4)).to_series().to_list()
    assert got == [half_away(Decimal(x)) for x in ROUNDING_CASES], got
    bills = pl.scan_parquet(folder / "bills.parquet")
    span = bills.select(pl.col("月份").min().alias("a"), pl.col("月份").max().alias("b")).collect()
    rules = load_rules(span["a"][0], span["b"][0])
    cells = pl.DataFrame(rules.cells, infer_schema_length=None).lazy()
    rate_type = pl.Decimal(18, rules.scale)
    rates = pl.DataFrame(
        {
            "table": [r["table"] for r in rules.rates],
            "colour": [r["colour"] for r in rules.rates],
            "rate": pl.Series([r["rate"] for r in rules.rates], dtype=rate_type),
        }
    ).lazy()
    rated = pl.scan_parquet(folder / "ratings.parquet").select(
        pl.col("企业名称").alias("enterprise"),
        pl.col("有效期起").alias("start"),
        pl.col("有效期止").fill_null(pl.lit(FAR)).alias("stop"),
        _polars_colour(rules).alias("colour"),
    )
    bad_ratings = rated.filter(pl.col("colour").is_null()).select(pl.len()).collect().item()
    red = pl.col("colour") == "red"
    history = rated.filter(pl.col("colour").is_not_null()).sort("enterprise", "start")
    history = history.with_columns(
        red.alias("red"), red.shift(1).over("enterprise").fill_null(False).alias("prev_red")
    )
    for k, steps in enumerate(rules.specs):
        period = _polars_period(pl.col("start"), steps)
        run = pl.when(pl.col("red") & ~pl.col("prev_red")).then(period).forward_fill().over("enterprise")
        history = history.with_columns((pl.col("red") & (run < period)).alias(f"repeat_{k}"))
    days = pl.concat([cells.select(pl.col(f"{k}_day").alias("day")) for k in FAMILIES]).drop_nulls().unique()
    grid = (
        history.join_where(days, pl.col("start") <= pl.col("day"), pl.col("stop") >= pl.col("day"))
        .group_by("enterprise", "day")
        .agg(pl.col("colour", *(f"repeat_{k}" for k in range(len(rules.specs)))).sort_by("start").last())
    )
    lines = bills.join(cells, left_on=["区县", "月份"], right_on=["district", "month"], how="left")
    problems = []
    for key in FAMILIES:
        g = grid.rename(
            {c: f"{key}_{c}" for c in ("colour", *(f"repeat_{k}" for k in range(len(rules.specs))))}
        )
        lines = lines.join(
            g,
            left_on=["企业名称", f"{key}_day"],
            right_on=["enterprise", "day"],
            how="left",
        )
        repeat = pl.lit(False)
        for k in range(len(rules.specs)):
            repeat = pl.when(pl.col(f"{key}_spec") == k).then(pl.col(f"{key}_repeat_{k}")).otherwise(repeat)
        repeat = repeat.fill_null(False) & (pl.col(f"{key}_colour") == "red")
        lines = lines.with_columns(
            pl.when(repeat).then(pl.lit("black")).otherwise(pl.col(f"{key}_colour")).alias("_charged"),
            repeat.alias(f"{key}_red_repeat"),
        )
        r = rates.rename({"rate": f"{key}_rate"})
        lines = lines.join(
            r,
            left_on=[f"{key}_table", "_charged"],
            right_on=["table", "colour"],
            how="left",
        )
        quantity = pl.col(QUANTITY[key])
        widened = quantity.cast(pl.Decimal(38, 2 + rules.scale)) * pl.col(f"{key}_rate")  # exact product
        given = quantity.is_not_null()
        lines = lines.with_columns(
            pl.when(given).then(pl.col(f"{key}_colour")).alias(f"{key}_rating"),
            pl.when(given).then(pl.col(f"{key}_red_repeat")).alias(f"{key}_red_repeat"),
            pl.when(given).then(pl.col(f"{key}_table")).alias(f"{key}_tariff"),
            polars_half_away(widened, 2 + rules.scale).alias(f"{key}_surcharge"),
            (given & pl.col(f"{key}_rate").is_null()).alias(f"{key}_problem"),
        )
        problems.append(f"{key}_problem")
    lines = lines.select(
        pl.col("企业名称").alias("enterprise"),
        pl.col("区县").alias("district"),
        pl.col("月份").dt.strftime("%Y-%m").alias("month"),
        pl.col("用电量").alias("electricity_kwh"),
        pl.col("用水量").alias("water_m3"),
        *(f"{k}_{c}" for k in FAMILIES for c in ("rating", "red_repeat", "tariff", "surcharge")),
        pl.any_horizontal(problems).alias("problem"),
    )
    return lines, int(bad_ratings)


# ---- the harness -------------------------------------------------------------------------------


@dataclass
class Run:
    name: str
    args: list[str]
    folder: str  # where its lines.parquet and summary.json are, relative to the province
    walls: list[float]
    peaks: list[int]  # KiB


def run_child(args: list[str], cwd: Path) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB) of a child process; exit 1 when it fails."""
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    with tempfile.TemporaryFile() as said:
        start = time.perf_counter()
        child = subprocess.Popen(args, env=env, cwd=cwd, stdout=said, stderr=said)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - start
        if os.waitstatus_to_exitcode(status) != 0:
            said.seek(0)
            sys.stderr.write(said.read().decode("utf-8", "replace")[-4000:])
            raise SystemExit(f"FAILED: {' '.join(args)} (exit {os.waitstatus_to_exitcode(status)})")
    return seconds, usage.ru_maxrss


def _districts(path: Path) -> dict[str, tuple[Decimal, Decimal]]:
    rows = json.loads(path.read_text("utf-8"))["by_district"]
    return {
        r["district_code"]: (Decimal(r["electricity_surcharge"] or 0), Decimal(r["water_surcharge"] or 0))
        for r in rows
    }


def _sample_keys(province: Path) -> list[tuple[str, str]]:
    """A deterministic sample of (enterprise, month) keys of the bills."""
    import numpy as np
    import pyarrow.parquet as pq

    bills = pq.read_table(province / "bills.parquet", columns=["企业名称", "月份"])
    rows = np.sort(
        np.random.default_rng(16).choice(bills.num_rows, min(SAMPLE, bills.num_rows), replace=False)
    )
    chosen = bills.take(rows).to_pylist()
    return [(r["企业名称"], r["月份"].strftime("%Y-%m")) for r in chosen]


#: compared per sampled line: the surcharges, and how each was found (rating, red twice, table)
LINE_COLUMNS = tuple(f"{k}_{c}" for k in FAMILIES for c in ("surcharge", "rating", "red_repeat", "tariff"))


def _sample_lines(path: Path, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[Any, ...]]:
    import pyarrow.compute as pc
    import pyarrow.parquet as pq

    names = sorted({k[0] for k in keys})
    columns = ["enterprise", "month", *LINE_COLUMNS]
    table = pq.read_table(path, columns=columns, filters=pc.field("enterprise").isin(names))
    wanted = set(keys)
    return {
        (r["enterprise"], r["month"]): tuple(r[c] for c in LINE_COLUMNS)
        for r in table.to_pylist()
        if (r["enterprise"], r["month"]) in wanted
    }


def differences(province: Path, runs: list[Run]) -> dict[str, list[str]]:
    """Per peer, its differences from ecocomp: district totals, then sampled lines (first 10)."""
    base, *peers = runs
    keys = _sample_keys(province)
    want = _districts(province / base.folder / "summary.json")
    lines = _sample_lines(province / base.folder / "lines.parquet", keys)
    missing = [k for k in keys if k not in lines]
    found: dict[str, list[str]] = {base.name: [f"sample line {k} missing" for k in missing]}
    for peer in peers:
        got = _districts(province / peer.folder / "summary.json")
        diffs = [
            f"district {d}: ecocomp {want.get(d)} != {got.get(d)}"
            for d in sorted(set(want) | set(got))
            if want.get(d) != got.get(d)
        ]
        theirs = _sample_lines(province / peer.folder / "lines.parquet", keys)
        diffs += [
            f"line {k}: ecocomp {lines.get(k)} != {theirs.get(k)}"
            for k in keys
            if lines.get(k) != theirs.get(k)
        ]
        found[peer.name] = diffs
    return found


def _table(runs: list[Run], agrees: dict[str, bool]) -> Iterator[str]:
    base = statistics.median(runs[0].walls)
    yield "| implementation | wall s | peak MiB | exact (agrees) | ratio ecocomp / it |"
    yield "|---|---:|---:|---|---:|"
    for run in runs:
        wall, peak = statistics.median(run.walls), statistics.median(run.peaks) / 1024
        exact = "yes" if agrees[run.name] else "NO"
        yield f"| {run.name} | {wall:.1f} | {peak:,.0f} | {exact} | {base / wall:.2f} |"


def _option(name: str, default: str | None) -> str | None:
    return sys.argv[sys.argv.index(name) + 1] if name in sys.argv else default


def main() -> None:
    peers: dict[str, Callable[[Path], None]] = {"duckdb": run_duckdb, "polars": run_polars}
    if sys.argv[1:2] == ["--peer"]:
        peers[sys.argv[2]](Path(sys.argv[3]))
        return
    values = [
        a
        for i, a in enumerate(sys.argv[1:], 1)
        if not a.startswith("--") and not sys.argv[i - 1].startswith("--")
    ]
    bills = int(values[0].replace("_", "")) if values else 10_000_000
    rounds = int(_option("--rounds", "3") or 3)
    keep = _option("--keep", None)
    with tempfile.TemporaryDirectory() as name:
        province = Path(keep or name)
        province.mkdir(parents=True, exist_ok=True)
        made, _ = run_child(
            [sys.executable, str(ROOT / "benchmarks/surcharge.py"), "--make", str(province), str(bills)],
            province,
        )
        print(
            f"bills: {bills:,}, 24 months; province written in {made:.1f} s; machine: {os.cpu_count()} cores"
        )
        ecocomp = str(Path(sys.executable).with_name("ecocomp"))
        (province / "ecocomp").mkdir(exist_ok=True)
        io = ["bills.parquet", "ratings.parquet", "-o", "ecocomp/lines.parquet", "-o", "ecocomp/summary.json"]
        runs = [
            Run(
                "`ecocomp surcharge ... -o lines.parquet -o summary.json`",
                [ecocomp, "surcharge", *io],
                "ecocomp",
                [],
                [],
            ),
            Run(
                "DuckDB SQL, DECIMAL + ROUND",
                [sys.executable, __file__, "--peer", "duckdb", "."],
                "duckdb",
                [],
                [],
            ),
            Run(
                "Polars lazy, Decimal widened",
                [sys.executable, __file__, "--peer", "polars", "."],
                "polars",
                [],
                [],
            ),
        ]
        for r in range(rounds):  # interleaved: every implementation once per round
            for run in runs:
                wall, peak = run_child(run.args, province)
                run.walls.append(wall)
                run.peaks.append(peak)
                print(f"  round {r + 1}: {run.name}: {wall:.1f} s, {peak / 1024:,.0f} MiB", flush=True)
        found = differences(province, runs)
        districts = len(_districts(province / "ecocomp" / "summary.json"))
    agrees = {name: not diffs for name, diffs in found.items()}
    print(f"\nmedians of {rounds} interleaved round(s); exact = same fen as ecocomp on all "
          f"{districts} district totals and {SAMPLE:,} sampled lines")  # fmt: skip
    print("\n".join(_table(runs, agrees)))
    if not all(agrees.values()):
        for name, diffs in found.items():
            for line in diffs[:10]:
                print(f"DIFFERENCE {name}: {line}", file=sys.stderr)
        raise SystemExit(1)


if __name__ == "__main__":
    main()
