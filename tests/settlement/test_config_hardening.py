"""settle.toml as clerks write it (issue 14, point 5): the README's `tariffs = [...]`, a Notepad
BOM, paths relative to the config file from any working folder, and every problem named by
file, key path and value as written (`settle.toml: fund.emissions = ".": is a folder, ...`),
through `load_config` and through `ecocomp settle CONFIG` (exit 1, no traceback).
"""

from __future__ import annotations

import codecs
import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ecocomp.errors import ConfigError
from ecocomp.examples import examples_dir
from ecocomp.families.registry import register, unregister
from ecocomp.settlement import run as settlement_run
from ecocomp.settlement.config import SettingError, load_config
from ecocomp.settlement.run import run_settlement
from tests.families.flatfee.family import DATA, FLATFEE, TARIFFS

from .example import settle

EXAMPLE = examples_dir() / "suzhou-2018"
FLAT = 'year = 2018\ntariffs = ["my-tariffs"]\n[flatfee]\ndeliveries = "deliveries.csv"\n'


@pytest.fixture
def flatfee(tmp_path: Path) -> Iterator[Path]:
    """The test-only family registered, its ledger and its tables (as `my-tariffs`) in a folder
    of their own: the folder."""
    register(FLATFEE)
    folder = tmp_path / "ledgers"
    folder.mkdir()
    shutil.copy(DATA / "deliveries.csv", folder)
    shutil.copytree(TARIFFS, folder / "my-tariffs")
    yield folder
    unregister(FLATFEE.key)


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the shipped example's ledgers, for configs of the test's own."""
    folder = tmp_path / "ex"
    shutil.copytree(EXAMPLE, folder)
    return folder


def refused(config: Path, *expected: str) -> str:
    """`ecocomp settle CONFIG` exits 1 naming the config file and each expected text, no
    traceback; `load_config` raises a ConfigError with the same message. The message."""
    code, output = settle(str(config))
    assert code == 1, output
    assert "Traceback" not in output and "internal error" not in output
    with pytest.raises(ConfigError) as raised:
        load_config(config)
    message = str(raised.value)
    assert message.startswith(f"{config}: ")
    assert f"ecocomp: {message}" in output
    for text in expected:
        assert text in message, message
    return message


def write(folder: Path, text: str, name: str = "settle.toml") -> Path:
    config = folder / name
    config.write_text(text, "utf-8")
    return config


def test_readme_tariffs_array_is_read_from_the_config_folder(
    flatfee: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    write(flatfee, FLAT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # the config named by a relative path, from another folder
    config = Path("..") / "ledgers" / "settle.toml"
    loaded, _ = load_config(config)
    assert loaded.tariffs == ("my-tariffs",)
    out = elsewhere / "s.json"
    code, output = settle(str(config), "-o", str(out))
    assert code == 0, output
    info = json.loads(out.read_text("utf-8"))["manifest"]
    # jiangsu-flat-2018 is in my-tariffs only: without that folder there is no table at all
    assert "jiangsu-flat-2018" in json.dumps(info["families"]["flatfee"], ensure_ascii=False)
    assert info["config"]["tariffs"] == ["my-tariffs"]
    assert "allow_empty" not in info["config"]["flatfee"]  # recorded only when true


def test_the_readme_config_loads_as_written(example: Path) -> None:
    readme = (Path(__file__).parents[2] / "README.md").read_text("utf-8")
    section = readme[readme.index("## Settlement: the main job") :]
    block = section[section.index("```toml\n") + 8 : section.index("\n```\n")]
    (example / "my-tariffs").mkdir()
    loaded, _ = load_config(write(example, block))
    assert loaded.tariffs == ("my-tariffs",) and loaded.year == 2018
    assert set(loaded.families) == {"fund", "water", "surcharge"}


def test_a_single_tariffs_folder_may_be_written_without_brackets(flatfee: Path) -> None:
    config = write(flatfee, FLAT.replace('["my-tariffs"]', '"my-tariffs"'))
    assert load_config(config)[0].tariffs == ("my-tariffs",)


def test_tariffs_entry_that_is_not_a_folder_names_key_and_value(flatfee: Path) -> None:
    config = write(flatfee, FLAT.replace('["my-tariffs"]', '["my-tariffs", "deliveries.csv", "nope"]'))
    listed = 'tariffs = ["my-tariffs", "deliveries.csv", "nope"]'
    refused(
        config,
        f'{listed}: "deliveries.csv" is a file, not a folder of tariff tables',
        f'{listed}: "nope": no such folder (looked in {flatfee})',
    )


def test_a_notepad_bom_is_tolerated(flatfee: Path) -> None:
    config = flatfee / "settle.toml"
    config.write_bytes(codecs.BOM_UTF8 + FLAT.encode("utf-8"))
    loaded, digest = load_config(config)
    assert loaded.year == 2018 and len(digest) == 64
    code, output = settle(str(config))
    assert code == 0, output


def test_a_gb18030_config_is_told_to_be_saved_as_utf8(flatfee: Path) -> None:
    config = flatfee / "settle.toml"
    config.write_bytes(f'year = 2018\ntitle = "苏州市结算"\n{FLAT[12:]}'.encode("gb18030"))
    refused(config, "GB18030", "line 2, column 10", "save it as UTF-8")


def test_a_utf16_config_is_told_to_be_saved_as_utf8(flatfee: Path) -> None:
    config = flatfee / "settle.toml"
    config.write_bytes(FLAT.encode("utf-16"))
    refused(config, "UTF-16", "save it as UTF-8")


def test_a_ledger_that_is_a_folder(example: Path) -> None:
    config = write(example, 'year = 2018\n[fund]\nemissions = "."\n')
    message = refused(config)
    assert message == f'{config}: fund.emissions = ".": is a folder, not a ledger file'


def test_a_missing_ledger_names_the_folder_looked_in(example: Path) -> None:
    config = write(
        example,
        'year = 2018\n[water]\nsections = "sections.csv"\nmonitoring = "m.csv"\n'
        'from = "2018-01"\nto = "2018-12"\n',
    )
    refused(config, f'water.monitoring = "m.csv": no such file (looked in {example})')


def test_every_missing_ledger_is_named_before_any_work(example: Path) -> None:
    config = write(
        example,
        'year = 2018\n[fund]\nemissions = "emissions.csv"\nindicators = "i.csv"\n'
        '[surcharge]\nbills = "b.csv"\nratings = "ratings.csv"\n',
    )
    refused(config, 'fund.indicators = "i.csv": no such file', 'surcharge.bills = "b.csv": no such file')


def test_to_before_from(example: Path) -> None:
    surcharge = '[surcharge]\nbills = "bills.csv"\nratings = "ratings.csv"\n'
    config = write(example, f'year = 2018\n{surcharge}from = "2018-06"\nto = "2018-01"\n')
    refused(config, 'surcharge.to = "2018-01" is before surcharge.from = "2018-06"')
    water = '[water]\nsections = "sections.csv"\nmonitoring = "monitoring.csv"\n'
    write(example, f'year = 2018\n{water}from = "2018-06"\nto = "2018-01"\n')
    refused(config, 'water.to = "2018-01" is before water.from = "2018-06"')


def test_a_month_against_the_default_of_the_other(example: Path) -> None:
    """[surcharge] defaults to January..December of `year`: a from after December is refused."""
    surcharge = '[surcharge]\nbills = "bills.csv"\nratings = "ratings.csv"\n'
    config = write(example, f'year = 2018\n{surcharge}from = "2019-03"\n')
    refused(config, 'surcharge.from = "2019-03" is after surcharge.to (by default 2018-12)')
    write(example, f'year = 2018\n{surcharge}to = "2017-06"\n')
    refused(config, 'surcharge.to = "2017-06" is before surcharge.from (by default 2018-01)')


def test_a_month_that_is_not_a_month(example: Path) -> None:
    water = '[water]\nsections = "sections.csv"\nmonitoring = "monitoring.csv"\n'
    config = write(example, f'year = 2018\n{water}from = "2018-01"\nto = "2018-13"\n')
    refused(config, 'water.to = "2018-13": is not a month: write YYYY-MM')


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        ("99999", "year = 99999: should be a four-digit year"),
        ("-5", "year = -5: should be a four-digit year"),
        ('"2018"', 'year = "2018": should be a whole number without quotes'),
    ],
)
def test_a_bad_year(example: Path, year: str, expected: str) -> None:
    config = write(example, f'year = {year}\n[fund]\nemissions = "emissions.csv"\n')
    refused(config, expected)


def test_wrong_types_and_choices_name_key_and_value(example: Path) -> None:
    config = write(
        example,
        'year = 2018\nlevel = "City"\nskip_invalid = "no"\n[fund]\nemissions = "emissions.csv"\n'
        '[output]\ncsv_encoding = "gbk"\n',
    )
    refused(
        config,
        'level = "City": should be "province" or "city"',
        'skip_invalid = "no": should be true or false',
        'output.csv_encoding = "gbk": should be "utf-8-sig" or "gb18030"',
    )


def test_unknown_keys_name_the_closest_known_key(example: Path) -> None:
    config = write(
        example,
        'yaer = 2018\n[fund]\nemisions = "emissions.csv"\n[outptu]\nlanguage = "en"\n'
        "[output]\nlangauge = 1\n",
    )
    refused(
        config,
        "year: is required",
        "yaer = 2018: unknown key (did you mean year?)",
        'fund.emisions = "emissions.csv": unknown key (did you mean fund.emissions?)',
        'outptu = { language = "en" }: unknown key (did you mean output?)',
        "output.langauge = 1: unknown key (did you mean output.language?)",
    )


def test_an_unknown_key_far_from_any_lists_the_known_ones(example: Path) -> None:
    config = write(example, 'year = 2018\n[fund]\nemissions = "emissions.csv"\nzzz = 1\n')
    refused(config, "fund.zzz = 1: unknown key (known here: emissions, indicators, carbon, allow_empty)")


def test_a_family_that_is_not_a_section(example: Path) -> None:
    refused(
        write(example, 'year = 2018\nfund = "emissions.csv"\n'), 'fund = "emissions.csv": should be a section'
    )


def test_toml_syntax_errors_give_line_and_column(example: Path) -> None:
    config = write(example, "year = 2018\ntitle = 苏州\n")
    refused(config, "not a valid TOML file", "line 2, column 9", "missing its quotes")


def test_all_problems_in_one_message(example: Path) -> None:
    config = write(example, 'year = 2018\nlevel = "x"\n[fund]\nemissions = "."\n')
    with pytest.raises(SettingError) as raised:
        load_config(config)
    assert [p.key for p in raised.value.problems] == ["level", "fund.emissions"]
    assert raised.value.key == "level"


def test_allow_empty_reaches_the_family_run_and_the_run_info(
    flatfee: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = write(flatfee, FLAT + "allow_empty = true\n")
    loaded, _ = load_config(config)
    assert loaded.allow_empty == ("flatfee",)
    assert loaded.families["flatfee"].model_dump() == {"deliveries": "deliveries.csv"}
    assert loaded.dump()["flatfee"] == {"deliveries": "deliveries.csv", "allow_empty": True}
    seen: list[dict[str, Any]] = []
    real = settlement_run.run_family

    def spy(*args: Any, **kwargs: Any) -> Any:
        seen.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(settlement_run, "run_family", spy)
    run_settlement(config)
    assert [kw["allow_empty"] for kw in seen] == [True]
    write(flatfee, FLAT + "allow_empty = false\n")
    seen.clear()
    run_settlement(config)
    assert [kw["allow_empty"] for kw in seen] == [False]
    assert "allow_empty" not in load_config(config)[0].dump()["flatfee"]


def test_allow_empty_must_be_true_or_false(flatfee: Path) -> None:
    config = write(flatfee, FLAT + 'allow_empty = "yes"\n')
    refused(config, 'flatfee.allow_empty = "yes": should be true or false')


def test_a_config_that_is_a_folder(example: Path) -> None:
    with pytest.raises(ConfigError, match="is a folder, not a config file"):
        load_config(example)
