"""One tiny bad table per tariff check, with the exact finding expected (issue 2, point 5)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.errors import Finding, TariffCheckError
from ecocomp.tariffs.book import TariffBook
from tests.builders import TESTS

BAD_TARIFFS = TESTS / "tariffs_bad"

CASE = str(BAD_TARIFFS)

EXPECTED: dict[str, list[tuple[str, str, str, str]]] = {
    "unknown_key": [
        ("suzhou-fund-2018.toml", "rates.flat.value", "missing", "required key is missing"),
        (
            "suzhou-fund-2018.toml",
            "rates.flat.valu",
            "extra_forbidden",
            "unknown key (not part of this family's format; check its spelling)",
        ),
    ],
    "missing_key": [("suzhou-fund-2018.toml", "tariff.document", "missing", "required key is missing")],
    "missing_source": [("suzhou-fund-2018.toml", "tariff.source", "missing", "required key is missing")],
    "empty_source": [("suzhou-fund-2018.toml", "tariff.source", "string_too_short", "must not be empty")],
    "not_a_number": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.value",
            "not_a_number",
            "'1,000' is not a number; write a plain TOML number such as 1500 or 0.05, without quotes",
        ),
    ],
    "not_finite": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.value",
            "not_finite",
            "Infinity is not a finite decimal number",
        ),
    ],
    "negative_rate": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.value",
            "negative",
            "-1000 is negative; rates and limits cannot be",
        ),
    ],
    "unknown_unit": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.unit",
            "unknown_unit",
            "unknown unit '元/吨'; use one of: CNY, CNY/t, CNY/billing_unit, CNY/kWh, CNY/m3, ratio, "
            "mg/L, multiple, points, factor",
        ),
    ],
    "wrong_unit": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.unit",
            "wrong_unit",
            "unit 'CNY/kWh' does not fit here; this value is in 'CNY/billing_unit'",
        ),
    ],
    "unknown_place": [
        (
            "huoxing-fund-2018.toml",
            "tariff.jurisdiction",
            "unknown_place",
            "unknown place '火星市'",
        ),
    ],
    "range_outside": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat",
            "range",
            "the range 1200..2000 does not contain the value 1000",
        ),
    ],
    "range_on_verified": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat",
            "range_on_settled_value",
            "only an inferred or provisional value has a range; a verified value has none",
        ),
    ],
    "rounding_quantum": [
        (
            "suzhou-fund-2018.toml",
            "tariff.rounding.quantum",
            "rounding_quantum",
            "rounding quantum 0.05 is not a power of ten; use 0.01 (the fen), 0.1, 1, 10 ...",
        ),
    ],
    "status": [
        (
            "suzhou-fund-2018.toml",
            "rates.flat.evidence",
            "status",
            "1 value(s) are provisional but tariff.status is 'settled'; set status = \"provisional\"",
        ),
    ],
    "overlap": [
        (
            "suzhou-fund-2020.toml",
            "tariff.first_year",
            "overlap",
            f"validity 2020-2021 overlaps {CASE}/overlap/suzhou-fund-2018.toml (2018-2020) "
            "for the same family and jurisdiction",
        ),
    ],
    "gap": [
        (
            "suzhou-fund-2022.toml",
            "tariff.first_year",
            "gap",
            f"validity 2022-2023 leaves a gap after {CASE}/gap/suzhou-fund-2018.toml (2018-2020); "
            "no table would be in force between them",
        ),
    ],
    "duplicate_id": [
        (
            "wuxi-fund-2018.toml",
            "tariff.id",
            "duplicate_id",
            f"id 'suzhou-fund-test' is already used by {CASE}/duplicate_id/suzhou-fund-2018.toml",
        ),
    ],
    "taihu_tp_factor": [
        (
            "suzhou-water-2018.toml",
            "standards.taihu.TP.value",
            "taihu_tp_factor",
            "Taihu TP 150000 is below 2 x the non-Taihu TP 100000 (= 200000), "
            "which 苏委发〔2017〕13号 requires",
        ),
    ],
    "taihu_tn_factor": [
        (
            "suzhou-water-2021.toml",
            "factors.taihu.value",
            "taihu_factors",
            "Taihu sections do not assess TN, which 苏委发〔2017〕13号 requires as a compensation factor "
            "from 2021-05-01",
        ),
    ],
    "toml_syntax": [
        (
            "suzhou-fund-2018.toml",
            "",
            "toml_syntax",
            "not valid TOML: Cannot overwrite a value (at line 26, column 15)",
        ),
    ],
}


def _findings(case: str) -> list[Finding]:
    _, findings = TariffBook.check([BAD_TARIFFS / case], env={})
    return findings


def test_every_case_folder_has_an_expectation() -> None:
    folders = {p.name for p in BAD_TARIFFS.iterdir() if p.is_dir()} - {"good"}
    assert folders == set(EXPECTED)


def test_the_good_table_passes() -> None:
    assert _findings("good") == []


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_bad_table_gives_exactly_the_expected_findings(case: str) -> None:
    expected = [Finding(f"{BAD_TARIFFS / case}/{f}", key, code, msg) for f, key, code, msg in EXPECTED[case]]
    assert _findings(case) == expected


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_loading_a_bad_table_refuses_the_book(case: str) -> None:
    with pytest.raises(TariffCheckError) as caught:
        TariffBook.load([BAD_TARIFFS / case], env={})
    assert [f.code for f in caught.value.findings] == [e[2] for e in EXPECTED[case]]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_cli_check_exits_1_naming_file_and_key(case: str) -> None:
    result = CliRunner().invoke(
        app, ["tariffs", "check", str(BAD_TARIFFS / case)], env={"ECOCOMP_TARIFFS": ""}
    )
    assert result.exit_code == 1, result.output
    file, key, _, message = EXPECTED[case][0]
    where = f"{BAD_TARIFFS / case}/{file}: {key}: " if key else f"{BAD_TARIFFS / case}/{file}: "
    assert where + message in result.output


def test_cli_check_of_shipped_tables_exits_0() -> None:
    result = CliRunner().invoke(app, ["tariffs", "check"], env={"ECOCOMP_TARIFFS": ""})
    assert result.exit_code == 0, result.output
    assert "0 problem(s)" in result.output


def test_a_bad_user_folder_stops_other_commands_with_exit_1_and_no_traceback() -> None:
    result = CliRunner().invoke(app, ["tariffs", "list", "--tariffs", str(BAD_TARIFFS / "negative_rate")])
    assert result.exit_code == 1
    assert "rates.flat.value: -1000 is negative" in result.output
    assert "Traceback" not in result.output
