"""What a leader gets on paper: the example's workbook printed to PDF by LibreOffice (issue 15).

`ecocomp settle --example suzhou-2018 -o s.xlsx` (and `--language en`), printed with a fresh
LibreOffice profile; poppler's pdfinfo counts the pages and pdftotext reads them back: the
title, the unit, the provisional banner and every district on the first pages, and one language
per PDF.

Language rules, explicit:
- Chinese PDF: a Latin token (a run of ASCII letters, digits and ``-_.:/``) is allowed when it is a
  code (it holds a digit or one of ``-_.:/``: ``jiangsu-fund-2018``, ``NH3-N``, ``SZ-SIP``) or is
  one of `CODE_WORDS` (factor names without a digit, the program's name, file formats);
- English PDF: a run of CJK characters is allowed only inside a data name: a text value of the
  report's own tables (places, enterprises, tariff documents and their numbers 〔〕号) or its
  title as the config states it (`data_names`).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from ecocomp.reports.model import Report
from ecocomp.settlement.run import Settlement

from .example import EXAMPLE_NAME, serving, settle
from .libreoffice import PROFILE, soffice

pytestmark = pytest.mark.slow

MAX_PAGES = 12
SUMMARY_PAGES = 5
#: Latin words allowed in the Chinese PDF although they hold no digit or code punctuation:
#: pollutant factors (CODMn, TP, COD), the program's name, file formats and the hash (SHA-256)
#: named in the run info, and GB, the prefix of a national standard's number ("GB 3838-2002").
CODE_WORDS = frozenset({"CODMn", "COD", "TP", "TN", "ecocomp", "PDF", "SHA", "XLSX", "JSON", "CSV", "GB"})
#: Commands a reader may type, quoted as they are typed (e.g. in a provisional table's warning).
COMMANDS = ("ecocomp tariffs show",)
_LATIN = re.compile(r"[A-Za-z0-9_\-.:/]*[A-Za-z][A-Za-z0-9_\-.:/]*")
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]+")


def render_pdf(workbook: Path, work: Path) -> Path:
    """The workbook printed to PDF by LibreOffice with a fresh profile (as libreoffice.py does)."""
    program = soffice()
    if program is None:
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)")
        pytest.skip("LibreOffice is not installed here; .ci/run installs it")
    profile, out = work / "profile", work / "pdf"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, "utf-8")
    out.mkdir(exist_ok=True)
    subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", "pdf",
         "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(work)},
    )  # fmt: skip
    return out / f"{workbook.stem}.pdf"


def pdf_pages(pdf: Path) -> int:
    """The PDF's page count (pdfinfo)."""
    info = subprocess.run(["pdfinfo", str(pdf)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))  # type: ignore[union-attr]


def pdf_text(pdf: Path, first: int = 1, last: int | None = None) -> str:
    """The text of pages `first`..`last` (pdftotext, reading order)."""
    pages = ["-f", str(first)] + (["-l", str(last)] if last else [])
    return subprocess.run(
        ["pdftotext", *pages, str(pdf), "-"], check=True, capture_output=True, text=True
    ).stdout


def flat(text: str) -> str:
    """Text without white space: a cell's text wrapped over lines still reads as one."""
    return re.sub(r"\s+", "", text)


def english_words(text: str) -> list[str]:
    """Latin tokens that are neither codes, `CODE_WORDS` nor part of one of the `COMMANDS`."""
    for command in COMMANDS:
        text = text.replace(command, " ")
    return sorted(
        {t for t in _LATIN.findall(text) if not re.search(r"[0-9_\-.:/]", t) and t not in CODE_WORDS}
    )


def data_names(report: Report) -> list[str]:
    """The CJK an English PDF may show: the text values of the report's tables (names of places,
    enterprises, tariff documents) and its title as configured."""
    names = {report.title}
    for table in report.tables:
        for column in table.columns:
            if column.kind == "text" and not column.labels and column.render is None:
                names |= {flat(v) for row in table.rows if isinstance(v := row[column.key], str)}
    return sorted(n for n in names if _CJK.search(n))


def foreign_cjk(text: str, allowed: list[str]) -> list[str]:
    """CJK runs of `text` found in none of the `allowed` names."""
    joined = "\n".join(allowed)
    return sorted({run for run in _CJK.findall(text) if run not in joined})


@pytest.fixture(scope="module")
def printed(settlement: Settlement, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Path]]:
    """The example's workbook, Chinese and English, printed to PDF: language -> PDF."""
    root = tmp_path_factory.mktemp("pdf")
    pdfs = {}
    for language in ("zh", "en"):
        work = root / language
        work.mkdir()
        out = work / "s.xlsx"
        with serving(settlement):
            code, output = settle("--example", EXAMPLE_NAME, "-o", str(out), "--language", language)
        assert code == 0 and out.is_file(), output
        pdfs[language] = render_pdf(out, work)
    yield pdfs
    shutil.rmtree(root, ignore_errors=True)


def test_chinese_pdf_has_at_most_twelve_pages(printed: dict[str, Path]) -> None:
    assert pdf_pages(printed["zh"]) <= MAX_PAGES


def test_first_pages_show_title_unit_banner_and_every_district(
    printed: dict[str, Path], report: Report
) -> None:
    text = flat(pdf_text(printed["zh"], 1, SUMMARY_PAGES))
    summary = report.tables[0]
    assert flat(report.heading("zh")) in text
    assert "金额单位：元" in text
    assert "注意：以下数字使用了暂定费率表" in text
    districts = [str(row["district"]) for row in summary.rows]
    assert len(districts) >= 10
    assert [d for d in districts if flat(d) not in text] == []


def test_every_family_summary_is_on_the_first_pages(printed: dict[str, Path], report: Report) -> None:
    summaries = [t.name("zh") for t in report.tables[1:] if t.layout == "summary"]
    assert len(summaries) >= 3  # one per family
    text = flat(pdf_text(printed["zh"], 1, SUMMARY_PAGES))
    assert [name for name in summaries if flat(name) not in text] == []


def test_chinese_pdf_has_no_english_word(printed: dict[str, Path]) -> None:
    assert english_words(pdf_text(printed["zh"])) == []


def test_english_pdf_mirror(printed: dict[str, Path], report: Report) -> None:
    pdf = printed["en"]
    assert pdf_pages(pdf) <= MAX_PAGES
    first = flat(pdf_text(pdf, 1, SUMMARY_PAGES))
    assert flat(report.heading("en")) in first and "Amountsin:yuan" in first
    assert foreign_cjk(pdf_text(pdf), data_names(report)) == []


def test_the_language_checks_can_fail() -> None:
    assert english_words(
        "净上缴 received jiangsu-fund-2018 NH3-N CODMn 页 ecocomp tariffs show x-1 provisional"
    ) == [
        "provisional",
        "received",
    ]
    assert foreign_cjk("Wuzhong 吴中区 net 净上缴", ["吴中区"]) == ["净上缴"]
