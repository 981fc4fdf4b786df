"""Hostile inputs (issue 14): one small valid ledger or config with ONE hostile change, through the
CLI. Each case asserts the contract of "Done when": exit 1 (data) or 2 (usage) with a message
naming file, line, column and value, or a correct computation; never exit 0 with a wrong figure,
never a traceback or exit 3. Wording is not pinned: the names and values must appear.

Classes: encodings, structure, values, semantics, configs, outputs, signals (the signal cases
start the installed `ecocomp` command as a process of its own). A full disk is simulated by
making the workbook writers raise ENOSPC (root can write into a read-only folder).
"""

from __future__ import annotations

import errno
import io
import os
import shutil
import signal
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter
from openpyxl import Workbook

from tests.builders import EX18, edited_table
from tests.reliability.corpus import (
    Corpus,
    check_clean,
    check_conservation,
    dec,
    family_args,
    invoke,
    read_json,
)
from tests.reliability.hostile import (
    add_column,
    cell,
    header_only,
    names_line,
    rename_header,
    rows_of,
    said,
    set_cell,
    text_of,
)

THIRTY_DIGITS = "123456789012345678901234567890"


def write(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    path = folder / name
    path.write_text(text, encoding, newline="")
    return path


def run_json(args: list[str], out: Path, context: str) -> dict[str, object] | None:
    """Run a family command with `-o out.json`; check it is clean; the JSON (conservation
    checked) when the run wrote one."""
    result = invoke([*args, "-o", str(out)])
    check_clean(result, context)
    if not out.exists():
        return None
    doc = read_json(out)
    check_conservation(doc, args[0], context)
    return doc


def base_json(corpus: Corpus, kind: str, folder: Path) -> dict[str, object]:
    """The JSON of the family command over the valid corpus (must exit 0)."""
    out = folder / f"base-{kind}.json"
    result = invoke(family_args(kind, corpus[kind], corpus, out))
    assert result.exit_code == 0, result.output
    return read_json(out)


def no_temp_files(folder: Path) -> list[str]:
    """Files left in `folder` (recursively) that look like staging files."""
    return [str(p) for p in folder.rglob("*") if p.name.endswith(".tmp") or p.name.startswith(".")]


# === encodings ====================================================================================


LATIN1_RATINGS = (
    "enterprise,rating,valid_from,valid_to\n"
    "Sébastien Hémon Industrie,red,2018-01-01,2018-12-31\n"
    "Müller Präzisionsteile,green,2018-01-01,2018-12-31\n"
    "Hélène Lefèvre Textiles,blue,2018-01-01,2018-12-31\n"
)


def test_latin1_text_that_decodes_as_gbk_is_refused(tmp_path: Path) -> None:
    """Windows-1252 text is not UTF-8 but decodes as GBK into wrong Chinese: refused (exit 1)."""
    data = LATIN1_RATINGS.encode("cp1252")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")
    assert data.decode("gbk") != LATIN1_RATINGS  # the trap: it decodes, wrongly
    path = tmp_path / "ratings-latin1.csv"
    path.write_bytes(data)
    result = invoke(["ledger", "check", "ratings", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "ratings-latin1.csv", folder=tmp_path)


def _big_bills(line_bytes: bytes | None, bad_line: int) -> tuple[bytes, int]:
    """The shipped bills ledger cut to ~90 KiB (UTF-8), with line `bad_line` replaced by
    `line_bytes` (when given); returns the bytes and the offset of that line."""
    lines = (EX18 / "bills.csv").read_bytes().split(b"\n")[:1500]
    offset = sum(len(x) + 1 for x in lines[: bad_line - 1])
    if line_bytes is not None:
        lines[bad_line - 1] = line_bytes
    return b"\n".join(lines) + b"\n", offset


BAD_LINE = 1300


def test_bad_byte_past_64_kib_names_the_line(tmp_path: Path) -> None:
    original = (EX18 / "bills.csv").read_bytes().split(b"\n")[BAD_LINE - 1]
    name, rest = original.split(b",", 1)
    data, offset = _big_bills(name + b"\xff," + rest, BAD_LINE)
    assert offset > 64 * 1024
    path = tmp_path / "bills-badbyte.csv"
    path.write_bytes(data)
    result = invoke(["ledger", "check", "bills", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    text = said(result, "bills-badbyte.csv", folder=tmp_path)
    assert names_line(text, BAD_LINE), text


def test_gbk_line_pasted_past_64_kib_names_the_line(tmp_path: Path) -> None:
    original = (EX18 / "bills.csv").read_bytes().split(b"\n")[BAD_LINE - 1]
    data, offset = _big_bills(original.decode("utf-8").encode("gbk"), BAD_LINE)
    assert offset > 64 * 1024
    path = tmp_path / "bills-gbkline.csv"
    path.write_bytes(data)
    result = invoke(["ledger", "check", "bills", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    text = said(result, "bills-gbkline.csv", folder=tmp_path)
    assert names_line(text, BAD_LINE), text


@pytest.mark.parametrize("newline", ["\r", "\r\n"], ids=["cr", "crlf"])
def test_line_ends_cr_and_crlf_read_as_lf(corpus: Corpus, tmp_path: Path, newline: str) -> None:
    text = corpus["emissions"].read_text("utf-8")
    path = write(tmp_path, "emissions.csv", text_of(rows_of(text), newline))
    lf = invoke(["ledger", "check", "emissions", corpus["emissions"]])
    result = invoke(["ledger", "check", "emissions", path])
    check_clean(result)
    assert result.exit_code == 0, result.output
    summary = result.stdout.splitlines()[0].split(":", 1)[1].split(";")[0]
    assert summary == lf.stdout.splitlines()[0].split(":", 1)[1].split(";")[0]
    doc = run_json(family_args("emissions", path, corpus), tmp_path / "out.json", newline)
    assert doc is not None and doc["totals"] == base_json(corpus, "emissions", tmp_path)["totals"]


def test_gb18030_ledger_computes_as_utf8(corpus: Corpus, tmp_path: Path) -> None:
    path = write(tmp_path, "bills.csv", corpus["bills"].read_text("utf-8"), "gb18030")
    doc = run_json(family_args("bills", path, corpus), tmp_path / "out.json", "gb18030")
    assert doc is not None and doc["summary"] == base_json(corpus, "bills", tmp_path)["summary"]


# === structure ====================================================================================


def test_unit_column_with_unit_in_header_is_never_ignored(corpus: Corpus, tmp_path: Path) -> None:
    """`计量单位(吨/千克)` with TP in 千克: billed as the same tonnes, or refused; never 1000x."""
    text = corpus["emissions"].read_text("utf-8")
    assert cell(text, 6, "污染物") == "总磷"
    tonnes = Decimal(cell(text, 6, "排放量").replace(",", ""))
    text = set_cell(text, 6, "排放量", f"{tonnes * 1000:f}")
    text = set_cell(text, 6, "单位", "千克")
    path = write(tmp_path, "emissions.csv", rename_header(text, "单位", "计量单位(吨/千克)"))
    out = tmp_path / "out.json"
    result = invoke([*family_args("emissions", path, corpus), "-o", out])
    check_clean(result)
    if result.exit_code == 0:
        assert read_json(out)["totals"] == base_json(corpus, "emissions", tmp_path)["totals"]
    else:
        assert result.exit_code == 1
        said(result, "计量单位(吨/千克)")


def _round_kwh(text: str) -> str:
    """Every electricity figure rounded down to whole 100 kWh (so that 万kWh has 2 places)."""
    rows = rows_of(text)
    col = rows[1].index("用电量(kWh)")
    for row in rows[2:]:
        if row[col]:
            row[col] = str(int(Decimal(row[col]) // 100 * 100))
    return text_of(rows)


def test_electricity_in_wan_kwh_is_charged_ten_thousandfold(corpus: Corpus, tmp_path: Path) -> None:
    """`用电量(万kWh)`: charged as 10^4 kWh each, or refused; never dropped to 0.00."""
    kwh = write(tmp_path, "bills-kwh.csv", _round_kwh(corpus["bills"].read_text("utf-8")))
    rows = rows_of(kwh.read_text("utf-8"))
    col = rows[1].index("用电量(kWh)")
    rows[1][col] = "用电量(万kWh)"
    for row in rows[2:]:
        row[col] = f"{Decimal(row[col]) / 10000:f}" if row[col] else ""
    wan = write(tmp_path, "bills-wan.csv", text_of(rows))
    expected = invoke([*family_args("bills", kwh, corpus), "-o", tmp_path / "kwh.json"])
    assert expected.exit_code == 0, expected.output
    want = read_json(tmp_path / "kwh.json")["summary"]
    assert dec(want["electricity_surcharge"]) > 0
    out = tmp_path / "wan.json"
    result = invoke([*family_args("bills", wan, corpus), "-o", out])
    check_clean(result)
    if result.exit_code == 0:
        assert read_json(out)["summary"] == want
    else:
        assert result.exit_code == 1
        said(result, "用电量(万kWh)")


def test_unrecognised_column_is_reported(corpus: Corpus, tmp_path: Path) -> None:
    text = add_column(corpus["emissions"].read_text("utf-8"), "填报人签字", "张三")
    path = write(tmp_path, "emissions.csv", text)
    out = tmp_path / "out.json"
    result = invoke([*family_args("emissions", path, corpus), "-o", out])
    check_clean(result)
    assert result.exit_code == 0, result.output
    assert "填报人签字" in result.stderr, result.stderr
    assert read_json(out)["totals"] == base_json(corpus, "emissions", tmp_path)["totals"]
    check = invoke(["ledger", "check", "emissions", path])
    check_clean(check)
    said(check, "填报人签字")


def test_formula_cell_without_cached_value_is_an_error_naming_the_cell(tmp_path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(["年度", "缴费主体", "污染物", "排放量", "单位"])
    sheet.append([2018, "苏州市", "化学需氧量", 38650.4, "吨"])
    sheet.append([2018, "苏州市", "氨氮", "=3000+920.15", "吨"])  # D3: openpyxl stores no cached value
    path = tmp_path / "emissions.xlsx"
    book.save(path)
    result = invoke(["ledger", "check", "emissions", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    text = said(result, "emissions.xlsx", folder=tmp_path)
    assert "D3" in text or (names_line(text, 3) and "排放量" in text), text


@pytest.mark.parametrize("kind", ["emissions", "monitoring", "bills"])
def test_header_only_ledger_stops_the_run(corpus: Corpus, tmp_path: Path, kind: str) -> None:
    path = write(tmp_path, f"{kind}-empty.csv", header_only(corpus[kind].read_text("utf-8")))
    result = invoke([*family_args(kind, path, corpus), "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, f"{kind}-empty.csv", folder=tmp_path)
    assert not (tmp_path / "out.json").exists()


def test_fund_year_with_no_row_names_the_years_held(corpus: Corpus, tmp_path: Path) -> None:
    args = family_args("emissions", corpus["emissions"], corpus)
    args[args.index("--year") + 1] = "2019"
    result = invoke([*args, "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "2018", folder=tmp_path)


def test_surcharge_period_with_no_bill_names_the_months_held(corpus: Corpus, tmp_path: Path) -> None:
    args = ["surcharge", corpus["bills"], corpus["ratings"], "--from", "2021-01", "--to", "2021-12"]
    result = invoke([*args, "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "2018-01", folder=tmp_path)


# === values =======================================================================================


@pytest.mark.parametrize(
    ("kind", "line", "header", "value"),
    [
        ("ratings", 3, "有效期起", THIRTY_DIGITS),
        ("bills", 3, "月份", THIRTY_DIGITS),
        ("emissions", 3, "排放量", THIRTY_DIGITS),
        ("emissions", 4, "排放量", "999999999999999"),
        ("emissions", 3, "年度", THIRTY_DIGITS),
        ("emissions", 3, "年度", "99999"),
        ("emissions", 3, "年度", "-5"),
        ("monitoring", 3, "水量(万立方米)", "99999999999999999999"),
        ("monitoring", 3, "浓度(mg/L)", "1" + "0" * 25),
        ("bills", 3, "用电量(kWh)", "99999999999999999"),
        ("bills", 4, "用水量(m3)", THIRTY_DIGITS),
        ("carbon", 3, "碳排放强度", THIRTY_DIGITS),
        ("ratings", 3, "信用等级", "9" * 30),
        ("section_shares", 3, "分担比例(%)", THIRTY_DIGITS),
    ],
    ids=lambda v: v if len(str(v)) < 12 else f"{str(v)[:3]}x{len(str(v))}",
)
def test_value_out_of_range_is_a_row_problem(
    corpus: Corpus, tmp_path: Path, kind: str, line: int, header: str, value: str
) -> None:
    """A value outside its column's range: exit 1 naming file, line, column and value, both in
    `ledger check` and in the family command (--skip-invalid: the rest is computed)."""
    path = write(
        tmp_path, f"{kind}-hostile.csv", set_cell(corpus[kind].read_text("utf-8"), line, header, value)
    )
    check = invoke(["ledger", "check", kind, path])
    check_clean(check, "ledger check")
    assert check.exit_code == 1, check.output
    text = said(check, f"{kind}-hostile.csv", header, value, folder=tmp_path)
    assert names_line(text, line), text
    out = tmp_path / "out.json"
    result = invoke([*family_args(kind, path, corpus), "--skip-invalid", "-o", out])
    check_clean(result, "family")
    assert result.exit_code == 1, result.output
    if out.exists():
        doc = read_json(out)
        check_conservation(doc, family_args(kind, path, corpus)[0])
        rejected = doc["rejected"]
        assert isinstance(rejected, list)
        assert any(r["line"] == line and r["value"] == value for r in rejected), rejected


@pytest.mark.parametrize("year", ["99999", "-5", "0"])
def test_fund_year_outside_the_tables_names_the_covered_range(
    corpus: Corpus, tmp_path: Path, year: str
) -> None:
    args = family_args("emissions", corpus["emissions"], corpus)
    at = args.index("--year")
    args[at : at + 2] = [f"--year={year}"]
    result = invoke([*args, "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code in (1, 2), result.output
    said(result, "2018", folder=tmp_path)  # the covered range names the years the tables cover
    assert not (tmp_path / "out.json").exists()


@pytest.mark.parametrize("months", [("99999-01", "99999-12"), ("-5-01", "-5-12"), ("2018-12", "2018-01")])
def test_water_period_out_of_range_is_refused(
    corpus: Corpus, tmp_path: Path, months: tuple[str, str]
) -> None:
    c = corpus
    args = ["water", c["sections"], c["monitoring"], "--shares", c["section_shares"]]
    result = invoke([*args, f"--from={months[0]}", f"--to={months[1]}", "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code in (1, 2), result.output
    said(result, months[0], folder=tmp_path)
    assert not (tmp_path / "out.json").exists()


def test_huge_rate_in_a_user_table_is_exact_or_refused(corpus: Corpus, tmp_path: Path) -> None:
    """A rate of 2·10^15 yuan per tonne: the amounts pass 2^63 fen. Exact, or exit 1; never exit 3."""
    folder = tmp_path / "tariffs"
    rate = Decimal("2000000000000000")
    edited_table(
        folder,
        "pollutant_fund/jiangsu-fund-2018.toml",
        ("[rates.south]\nvalue = 2000\n", f"[rates.south]\nvalue = {rate}\n"),
    )
    out = tmp_path / "out.json"
    result = invoke([*family_args("emissions", corpus["emissions"], corpus), "--tariffs", folder, "-o", out])
    check_clean(result)
    if result.exit_code == 0:
        doc = read_json(out)
        check_conservation(doc, "fund")
        lines = doc["lines"]
        assert isinstance(lines, list)
        cod = next(x for x in lines if x["pollutant"] == "COD" and x["payer"] == "苏州市")
        assert dec(cod["amount"]) == (dec(cod["quantity"]) * rate).quantize(Decimal("0.01"))
    else:
        assert result.exit_code == 1


def test_tiny_provincial_intensity_makes_no_overflow(corpus: Corpus, tmp_path: Path) -> None:
    """A provincial CO2 intensity of 0.000001 makes coefficients of 10^5 and more: exact, or
    exit 1 naming the ledger; never exit 3."""
    text = corpus["carbon"].read_text("utf-8")
    assert cell(text, 3, "缴费主体") == "江苏省"
    path = write(tmp_path, "carbon.csv", set_cell(text, 3, "碳排放强度", "0.000001"))
    doc = run_json(family_args("carbon", path, corpus), tmp_path / "out.json", "tiny intensity")
    if doc is None:
        result = invoke(family_args("carbon", path, corpus))
        said(result, "carbon.csv", folder=tmp_path)


def test_parquet_date_out_of_range_is_a_row_problem(tmp_path: Path) -> None:
    table = pa.table(
        {
            "企业名称": ["苏州示例纺织印染有限公司001号", "苏州示例精密机械有限公司002号"],
            "信用等级": ["红色", "蓝色"],
            "有效期起": pa.array([10**7, 17532], pa.date32()),  # day 10^7 is in the year 29349
        }
    )
    path = tmp_path / "ratings.parquet"
    pq.write_table(table, path)
    result = invoke(["ledger", "check", "ratings", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    text = said(result, "有效期起", folder=tmp_path)
    assert names_line(text, 2), text


# === semantics ====================================================================================


def test_rule_problem_names_the_header_as_written(corpus: Corpus, tmp_path: Path) -> None:
    """A bill of an enterprise with no rating: the rejected row names `单位名称`, the header the
    file has, never the internal column name."""
    text = rename_header(corpus["bills"].read_text("utf-8"), "企业名称", "单位名称")
    text += "未评级的示例企业,姑苏区,2018-01,1000,10\n"
    path = write(tmp_path, "bills.csv", text)
    out = tmp_path / "out.json"
    result = invoke([*family_args("bills", path, corpus), "--skip-invalid", "-o", out])
    check_clean(result)
    assert result.exit_code == 1, result.output
    rejected = read_json(out)["rejected"]
    assert rejected, "the unrated bill is rejected"
    assert {r["column"] for r in rejected} == {"单位名称"}, rejected
    assert "enterprise=" not in result.output and "'enterprise'" not in result.output


def test_several_accounts_of_one_enterprise_are_each_charged(corpus: Corpus, tmp_path: Path) -> None:
    """Bills keyed on (户号, month): two accounts of one enterprise in one month are two bills,
    each charged with the enterprise's rating (issue 14, point 8)."""
    rows = rows_of(corpus["bills"].read_text("utf-8"))
    rows[1].append("户号")
    for number, row in enumerate(rows[2:]):
        row.append(f"32050{number:04d}")
    extra = [*rows[2][:-1], "3205099999"]  # a second account of the first enterprise, same month
    path = write(tmp_path, "bills.csv", text_of([*rows, extra]))
    out = tmp_path / "out.json"
    result = invoke([*family_args("bills", path, corpus), "-o", out])
    check_clean(result)
    assert result.exit_code == 0, result.output
    doc = read_json(out)
    base = base_json(corpus, "bills", tmp_path)
    first = next(r for r in base["by_enterprise"] if r["enterprise"] == rows[2][0])
    assert doc["summary"]["bills"] == base["summary"]["bills"] + 1
    assert dec(doc["summary"]["total"]) > dec(base["summary"]["total"]) or dec(first["total"]) == 0


def test_duplicate_row_is_refused_not_summed(corpus: Corpus, tmp_path: Path) -> None:
    text = corpus["emissions"].read_text("utf-8")
    rows = rows_of(text)
    path = write(tmp_path, "emissions.csv", text_of([*rows, rows[2]]))
    result = invoke(["ledger", "check", "emissions", path])
    check_clean(result)
    assert result.exit_code == 1, result.output
    assert names_line(said(result, "emissions.csv", folder=tmp_path), len(rows) + 1)


# === configs ======================================================================================


def _settle(config: Path, out: Path) -> tuple[int, str, dict[str, object] | None]:
    result = invoke(["settle", config, "-o", out])
    check_clean(result, "settle")
    return result.exit_code, result.output, read_json(out) if out.exists() else None


def _config(corpus: Corpus, folder: Path, text: str, encoding: str = "utf-8") -> Path:
    shutil.copytree(corpus.folder, folder, dirs_exist_ok=True)
    path = folder / "settle.toml"
    path.write_text(text, encoding)
    return path


def _base_config_text(corpus: Corpus) -> str:
    return corpus.config.read_text("utf-8")


def test_config_tariffs_list_as_the_readme_shows_it(corpus: Corpus, tmp_path: Path) -> None:
    """`tariffs = ["my-tariffs"]`, relative to the config, with a user copy of a table."""
    folder = tmp_path / "run"
    text = _base_config_text(corpus).replace(
        'title = "可靠性测试"\n', 'title = "可靠性测试"\ntariffs = ["my-tariffs"]\n'
    )
    config = _config(corpus, folder, text)
    edited_table(
        folder / "my-tariffs",
        "pollutant_fund/jiangsu-fund-2018.toml",
        ('source = "', 'source = "user copy: '),
    )
    code, output, doc = _settle(config, tmp_path / "s.json")
    assert code == 0, output
    base_code, base_output, base = _settle(corpus.config, tmp_path / "base.json")
    assert base_code == 0, base_output
    assert doc is not None and base is not None and doc["totals"] == base["totals"]


def test_config_with_utf8_bom(corpus: Corpus, tmp_path: Path) -> None:
    config = _config(corpus, tmp_path / "run", _base_config_text(corpus), "utf-8-sig")
    assert config.read_bytes().startswith(b"\xef\xbb\xbf")
    code, output, doc = _settle(config, tmp_path / "s.json")
    assert code == 0, output
    _, _, base = _settle(corpus.config, tmp_path / "base.json")
    assert doc is not None and base is not None and doc["totals"] == base["totals"]


def test_config_relative_paths_from_the_config_not_the_cwd(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, output, _ = _settle(corpus.config, tmp_path / "s.json")
    assert code == 0, output


@pytest.mark.parametrize(
    ("old", "new", "key", "value"),
    [
        ('emissions = "emissions.csv"', 'emissions = "."', "emissions", "."),
        ('bills = "bills.csv"', 'bills = "subdir"', "bills", "subdir"),
        ('from = "2018-01"\nto = "2018-01"', 'from = "2018-12"\nto = "2018-01"', "to", "2018-01"),
        ('from = "2018-01"\nto = "2018-03"', 'from = "2018-03"\nto = "2018-01"', "to", "2018-01"),
        ("year = 2018", "year = 99999", "year", "99999"),
        (
            'monitoring = "monitoring.csv"',
            'monitoring = "no-such-file.csv"',
            "monitoring",
            "no-such-file.csv",
        ),
    ],
    ids=["emissions-dot", "bills-dir", "water-to-before-from", "surcharge-to-before-from", "year", "missing"],
)
def test_config_problem_names_file_key_and_value(
    corpus: Corpus, tmp_path: Path, old: str, new: str, key: str, value: str
) -> None:
    text = _base_config_text(corpus)
    assert old in text
    folder = tmp_path / "run"
    config = _config(corpus, folder, text.replace(old, new, 1))
    (folder / "subdir").mkdir()
    out = tmp_path / "s.json"
    code, output, _ = _settle(config, out)
    assert code in (1, 2), output
    assert not out.exists()
    said(output, "settle.toml", key, value, folder=tmp_path)


# === outputs ======================================================================================


def _link(kind: str, target: Path, link: Path) -> Path:
    if kind == "symlink":
        link.symlink_to(target)
    elif kind == "hardlink":
        os.link(target, link)
    return link if kind != "same" else target


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_output_naming_an_input_is_refused(corpus: Corpus, tmp_path: Path, how: str) -> None:
    emissions = tmp_path / "emissions.csv"
    shutil.copy(corpus["emissions"], emissions)
    before = emissions.read_bytes()
    target = _link(how, emissions, tmp_path / "out.csv")
    args = family_args("emissions", emissions, corpus)
    result = invoke([*args, "-o", target])
    check_clean(result)
    assert result.exit_code == 2, result.output
    assert emissions.read_bytes() == before
    assert not no_temp_files(tmp_path)


@pytest.mark.parametrize("how", ["same", "symlink", "hardlink"])
def test_issues_out_naming_the_ledger_is_refused(corpus: Corpus, tmp_path: Path, how: str) -> None:
    bills = write(tmp_path, "bills.csv", set_cell(corpus["bills"].read_text("utf-8"), 3, "区县", "外星"))
    before = bills.read_bytes()
    target = _link(how, bills, tmp_path / "issues.csv")
    result = invoke(["ledger", "check", "bills", bills, "--issues-out", target])
    check_clean(result)
    assert result.exit_code == 2, result.output
    assert bills.read_bytes() == before
    assert "no problems found" not in result.output


def test_settle_output_naming_a_ledger_of_the_config_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    config = _config(corpus, tmp_path / "run", _base_config_text(corpus))
    emissions = tmp_path / "run" / "emissions.csv"
    before = emissions.read_bytes()
    result = invoke(["settle", config, "-o", emissions])
    check_clean(result)
    assert result.exit_code == 2, result.output
    assert emissions.read_bytes() == before


def test_family_issues_out_naming_a_second_input_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    ratings = tmp_path / "ratings.csv"
    shutil.copy(corpus["ratings"], ratings)
    before = ratings.read_bytes()
    args = family_args("ratings", ratings, corpus)
    result = invoke([*args, "--skip-invalid", "--issues-out", ratings, "-o", tmp_path / "out.json"])
    check_clean(result)
    assert result.exit_code == 2, result.output
    assert ratings.read_bytes() == before
    assert not (tmp_path / "out.json").exists()


def test_surcharge_output_naming_the_bills_is_refused(corpus: Corpus, tmp_path: Path) -> None:
    bills = tmp_path / "bills.csv"
    shutil.copy(corpus["bills"], bills)
    before = bills.read_bytes()
    result = invoke([*family_args("bills", bills, corpus), "-o", tmp_path / "s.json", "-o", bills])
    check_clean(result)
    assert result.exit_code == 2, result.output
    assert bills.read_bytes() == before
    assert not (tmp_path / "s.json").exists()


def test_second_output_in_a_non_folder_leaves_no_first_output(corpus: Corpus, tmp_path: Path) -> None:
    """-o ok.json -o blocked/lines.parquet, where `blocked` is a file: refused naming it (before
    the run, exit 2, or when writing, exit 1), and neither output is published."""
    (tmp_path / "blocked").write_text("a file, not a folder", "utf-8")
    first, second = tmp_path / "ok.json", tmp_path / "blocked" / "lines.parquet"
    result = invoke([*family_args("bills", corpus["bills"], corpus), "-o", first, "-o", second])
    check_clean(result)
    assert result.exit_code in (1, 2), result.output
    said(result, "blocked")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["blocked"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into a read-only folder")
def test_read_only_second_output_publishes_none(corpus: Corpus, tmp_path: Path) -> None:
    """-o ok.json -o ro/lines.parquet, `ro` read-only: exit 1 naming it, nothing published."""
    locked = tmp_path / "ro"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        first, second = tmp_path / "ok.json", locked / "lines.parquet"
        result = invoke([*family_args("bills", corpus["bills"], corpus), "-o", first, "-o", second])
        check_clean(result)
        assert result.exit_code in (1, 2), result.output
        said(result, "lines.parquet")
        assert not first.exists() and list(locked.iterdir()) == []
    finally:
        locked.chmod(0o755)


def _openpyxl_disk_full(book: openpyxl.Workbook, filename: object) -> None:
    """openpyxl's save on a full disk: the workbook is made (into memory), the file is not."""
    ORIGINAL_SAVE(book, io.BytesIO())
    raise OSError(errno.ENOSPC, "No space left on device", str(filename))


def _xlsxwriter_disk_full(book: xlsxwriter.Workbook) -> None:
    """XlsxWriter's close on a full disk: the workbook is made (into memory), the file is not."""
    filename, book.filename = book.filename, io.BytesIO()
    ORIGINAL_CLOSE(book)
    raise OSError(errno.ENOSPC, "No space left on device", str(filename))


ORIGINAL_SAVE = openpyxl.Workbook.save
ORIGINAL_CLOSE = xlsxwriter.Workbook.close


def test_full_disk_on_the_last_output_publishes_none(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The workbook, the last of three outputs, cannot be written (a full disk): exit 1 naming
    it; the JSON and the Parquet written before it are not published, no staging file left."""
    monkeypatch.setattr(xlsxwriter.Workbook, "close", _xlsxwriter_disk_full)
    outputs = [tmp_path / name for name in ("s.json", "s.parquet", "s.xlsx")]
    result = invoke(
        [*family_args("bills", corpus["bills"], corpus), *(a for o in outputs for a in ("-o", o))]
    )
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "s.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_full_disk_on_the_issues_file_publishes_no_report(
    corpus: Corpus, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--issues-out issues.xlsx cannot be written (a full disk): exit 1 naming it, no truncated
    list and no report published."""
    monkeypatch.setattr(openpyxl.Workbook, "save", _openpyxl_disk_full)
    bills = write(tmp_path, "bills.csv", set_cell(corpus["bills"].read_text("utf-8"), 3, "区县", "外星"))
    out, issues = tmp_path / "out" / "s.json", tmp_path / "out" / "issues.xlsx"
    out.parent.mkdir()
    args = [*family_args("bills", bills, corpus), "--skip-invalid", "-o", out, "--issues-out", issues]
    result = invoke(args)
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "issues.xlsx")
    assert list(out.parent.iterdir()) == []


def test_failing_file_of_a_csv_set_leaves_no_part_of_the_set(corpus: Corpus, tmp_path: Path) -> None:
    """-o out.csv where the set's out.lines.csv cannot be written (a folder of that name):
    exit 1 naming it, and no file of the set is published."""
    (tmp_path / "out.lines.csv").mkdir()
    result = invoke([*family_args("emissions", corpus["emissions"], corpus), "-o", tmp_path / "out.csv"])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "out.lines.csv")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.lines.csv"]


def test_issues_out_in_a_missing_folder_names_the_file(corpus: Corpus, tmp_path: Path) -> None:
    bills = write(tmp_path, "bills.csv", set_cell(corpus["bills"].read_text("utf-8"), 3, "区县", "外星"))
    target = tmp_path / "missing" / "issues.csv"
    result = invoke([*family_args("bills", bills, corpus), "--issues-out", target])
    check_clean(result)
    assert result.exit_code == 1, result.output
    said(result, "issues.csv")
    assert not no_temp_files(tmp_path)


# === signals (a process of its own) ===============================================================


def _start(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    """`ecocomp ARGS` as a user starts it: the installed console script (beside the Python of
    the tests; `python -m ecocomp` where there is none)."""
    env = {k: v for k, v in os.environ.items() if k not in ("ECOCOMP_TARIFFS", "ECOCOMP_DEBUG")}
    script = Path(sys.executable).with_name("ecocomp")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "ecocomp"]
    return subprocess.Popen(
        [*command, *args],
        cwd=cwd,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize("delay", [0.3, 1.0], ids=["start-up", "running"])
def test_ctrl_c_exits_130_without_a_traceback(tmp_path: Path, delay: float) -> None:
    """Ctrl-C (SIGINT) at start-up (inside the imports) or while computing: exit 130, no
    traceback; at start-up one line and nothing else."""
    process = _start(["surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv")], tmp_path)
    time.sleep(delay)
    if process.poll() is not None:
        process.communicate()  # read and close its pipes (an open pipe is a ResourceWarning)
        pytest.skip(f"the run ended within {delay} s, before the signal")  # a very fast machine
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert "Traceback" not in stderr, stderr
    if process.returncode == 0 and "合计" in stdout:
        # the command had ended and the interpreter was shutting down: a signal then changes
        # nothing (ecocomp_entry ignores it; test_interrupts.py tests that case itself)
        pytest.skip(f"the command ended within {delay} s, before the signal")
    assert process.returncode == 130, stderr
    if delay < 1:
        assert len([x for x in stderr.splitlines() if x.strip()]) <= 1, stderr


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["sigterm", "sigint"])
def test_signal_while_writing_leaves_no_staging_file_and_no_partial_set(tmp_path: Path, sig: int) -> None:
    """The shipped surcharge example to three outputs; the signal is sent when the first
    staging file appears (or the run ends first): no staging file is left, and the outputs
    are all there or none is."""
    outputs = [tmp_path / "out" / name for name in ("s.xlsx", "s.parquet", "s.json")]
    (tmp_path / "out").mkdir()
    args = ["surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv")]
    process = _start([*args, *(a for o in outputs for a in ("-o", str(o)))], tmp_path)
    deadline = time.monotonic() + 120
    while process.poll() is None and time.monotonic() < deadline:
        if any((tmp_path / "out").iterdir()):
            process.send_signal(sig)
            break
        time.sleep(0.005)
    _, stderr = process.communicate(timeout=120)
    left = no_temp_files(tmp_path)
    assert not left, f"staging files left: {left}\n{stderr[-2000:]}"
    present = [o.exists() for o in outputs]
    assert all(present) or not any(present), f"partial set {present}\n{stderr[-2000:]}"
    assert "Traceback" not in stderr, stderr
    if not all(present):
        assert process.returncode not in (0, 3), stderr
