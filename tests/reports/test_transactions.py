"""Outputs are transactions (issue 14, point 4): every output of a run is staged beside its target
and published together only when all are complete; on any failure or interrupt no temporary file
is left and no target is touched; an output that is an input of the run is refused before any
work; every I/O error names the file."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ecocomp.reports.staging as staging
from ecocomp.cli.common import Terminated
from ecocomp.cli.main import app
from ecocomp.errors import UsageError
from ecocomp.reports.staging import OutputError, PublishError, Staging, check_targets, same_file
from tests.builders import EX18, LEDGERS

ENV = {"ECOCOMP_TARIFFS": ""}


def invoke(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env=ENV)
    return result.exit_code, result.output


def leftovers(folder: Path) -> list[str]:
    """Temporary files a run left in `folder` (staged names are `.NAME.<hex>.tmp`)."""
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def surcharge(*outputs: Path, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    outs = [arg for path in outputs for arg in ("-o", str(path))]
    return invoke("surcharge", str(EX18 / "bills.csv"), str(EX18 / "ratings.csv"), *outs, *extra)


# --- Staging: publish all or nothing ------------------------------------------------------------


def test_commit_publishes_every_staged_file_in_order_and_leaves_no_temporary(tmp_path: Path) -> None:
    stage = Staging()
    for name in ("a.json", "b.csv"):
        stage.file(tmp_path / name).write_text(name)
    assert len(leftovers(tmp_path)) == 2 and not (tmp_path / "a.json").exists()  # none published yet
    assert stage.commit() == [tmp_path / "a.json", tmp_path / "b.csv"]
    assert (tmp_path / "a.json").read_text() == "a.json" and (tmp_path / "b.csv").read_text() == "b.csv"
    assert leftovers(tmp_path) == []


def test_discard_removes_every_staged_file_and_keeps_the_older_target(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("older")
    stage = Staging()
    stage.file(tmp_path / "a.json").write_text("newer")
    stage.file(tmp_path / "b.json").write_text("newer")
    stage.discard()
    assert (tmp_path / "a.json").read_text() == "older" and not (tmp_path / "b.json").exists()
    assert leftovers(tmp_path) == []


def test_commit_only_publishes_those_targets_and_removes_the_others(tmp_path: Path) -> None:
    stage = Staging()
    stage.file(tmp_path / "report.json").write_text("report")
    stage.file(tmp_path / "issues.csv").write_text("issues")
    assert stage.commit(only={tmp_path / "issues.csv"}) == [tmp_path / "issues.csv"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issues.csv"]


def test_a_move_failing_midway_names_the_files_already_replaced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    targets = [tmp_path / n for n in ("a.json", "b.json", "c.json")]
    stage = Staging()
    for target in targets:
        stage.file(target).write_text("new")
    real = os.replace

    def replace(src: Path, dst: Path) -> None:
        if Path(dst).name == "b.json":
            raise OSError(errno.EIO, "Input/output error")
        real(src, dst)

    monkeypatch.setattr(staging.os, "replace", replace)
    with pytest.raises(PublishError) as caught:
        stage.commit()
    assert caught.value.replaced == (targets[0],) and caught.value.kept == (targets[1], targets[2])
    message = str(caught.value)
    assert f"cannot move {targets[1]} into place: Input/output error" in message
    assert f"already replaced: {targets[0]}" in message and str(targets[2]) in message
    assert leftovers(tmp_path) == [] and not targets[2].exists()


def test_a_first_move_failing_replaces_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    stage = Staging()
    stage.file(tmp_path / "a.json").write_text("new")

    def replace(src: Path, dst: Path) -> None:
        raise OSError(errno.EACCES, "Permission denied")

    monkeypatch.setattr(staging.os, "replace", replace)
    with pytest.raises(OutputError) as caught:
        stage.commit()
    assert not isinstance(caught.value, PublishError)
    assert str(caught.value) == f"cannot write {tmp_path / 'a.json'}: Permission denied"
    assert list(tmp_path.iterdir()) == []


def test_a_target_that_is_a_folder_is_refused_before_any_file_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "a.json").write_text("older")
    (tmp_path / "b.json").mkdir()
    stage = Staging()
    stage.file(tmp_path / "a.json").write_text("newer")
    stage.file(tmp_path / "b.json").write_text("newer")
    with pytest.raises(OutputError, match=r"b\.json: it is a folder"):
        stage.commit()
    stage.discard()
    assert (tmp_path / "a.json").read_text() == "older" and leftovers(tmp_path) == []


def test_writing_names_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    stage = Staging()
    with pytest.raises(OutputError) as caught, stage.writing(tmp_path / "fund.xlsx"):
        raise OSError(errno.ENOSPC, "No space left on device", "/somewhere/.fund.xlsx.0a1b.tmp")
    assert str(caught.value) == f"cannot write {tmp_path / 'fund.xlsx'}: No space left on device"
    stage.discard()
    assert leftovers(tmp_path) == []


def test_two_staged_files_for_one_target_are_refused(tmp_path: Path) -> None:
    stage = Staging()
    stage.file(tmp_path / "a.json")
    with pytest.raises(UsageError, match="would both be written to"):
        stage.file(tmp_path / "sub" / ".." / "a.json")
    stage.discard()


# --- the same file, by inode ---------------------------------------------------------------------


LINKS: dict[str, Callable[[Path, Path], None]] = {
    "same-path": lambda ledger, alias: None,
    "symlink": lambda ledger, alias: alias.symlink_to(ledger),
    "hard-link": lambda ledger, alias: os.link(ledger, alias),
}


def _alias(tmp_path: Path, ledger: Path, how: str) -> Path:
    if how == "same-path":
        return ledger.parent / "." / ledger.name
    alias = tmp_path / "alias.csv"
    LINKS[how](ledger, alias)
    return alias


@pytest.mark.parametrize("how", list(LINKS))
def test_same_file_sees_through_links(tmp_path: Path, how: str) -> None:
    ledger = tmp_path / "emissions.csv"
    ledger.write_text("x")
    assert same_file(_alias(tmp_path, ledger, how), ledger)
    assert not same_file(tmp_path / "other.csv", ledger)


def test_check_targets_names_the_option_and_both_files(tmp_path: Path) -> None:
    ledger = tmp_path / "bills.csv"
    ledger.write_text("x")
    with pytest.raises(UsageError) as caught:
        check_targets([("--output", tmp_path / "ok.json"), ("--issues-out", ledger)], [None, ledger])
    assert str(caught.value).startswith(f"--issues-out {ledger} is the input {ledger} of this run")
    with pytest.raises(UsageError, match=r"--output .*a\.json and --issues-out .*a\.json name the same file"):
        check_targets([("--output", tmp_path / "a.json"), ("--issues-out", tmp_path / "a.json")], [])


@pytest.mark.parametrize("how", list(LINKS))
def test_an_output_that_is_the_ledger_is_refused_before_any_work(tmp_path: Path, how: str) -> None:
    ledger = tmp_path / "emissions.csv"
    shutil.copy(EX18 / "emissions.csv", ledger)
    before = ledger.read_bytes()
    alias = _alias(tmp_path, ledger, how)
    code, output = invoke("fund", str(ledger), "--year", "2018", "-o", str(alias))
    assert code == 2, output
    assert f"ecocomp: usage error: --output {alias} is the input {ledger} of this run" in output
    assert ledger.read_bytes() == before and leftovers(tmp_path) == []
    assert "rows:" not in output  # no work was done


def test_issues_out_naming_the_checked_ledger_is_refused_and_it_stays_as_it_was(tmp_path: Path) -> None:
    ledger = tmp_path / "emissions.csv"
    shutil.copy(EX18 / "emissions.csv", ledger)
    before = ledger.read_bytes()
    code, output = invoke("ledger", "check", "emissions", str(ledger), "--issues-out", str(ledger))
    assert code == 2, output
    assert f"--issues-out {ledger} is the input {ledger} of this run" in output
    assert "no problems found" not in output and ledger.read_bytes() == before


@pytest.mark.parametrize(
    ("option", "name"),
    [("-o", "settle.toml"), ("-o", "bills.csv"), ("--issues-out", "section_shares.csv")],
)
def test_settle_refuses_an_output_that_is_its_config_or_one_of_its_ledgers(
    tmp_path: Path, option: str, name: str
) -> None:
    folder = tmp_path / "ex"
    shutil.copytree(EX18, folder)
    target = folder / name
    before = target.read_bytes()
    code, output = invoke("settle", str(folder / "settle.toml"), option, str(target))
    shown = "--output" if option == "-o" else option
    assert code == 2 and f"{shown} {target} is the input {target} of this run" in output, output
    assert target.read_bytes() == before and leftovers(folder) == []


def test_a_file_of_a_csv_set_that_is_an_input_is_refused_and_nothing_is_published(tmp_path: Path) -> None:
    """fund.csv writes fund.lines.csv beside it: an input of that name stays untouched."""
    indicators = tmp_path / "fund.lines.csv"
    shutil.copy(EX18 / "indicators.csv", indicators)
    before = indicators.read_bytes()
    args = ("fund", str(EX18 / "emissions.csv"), "--year", "2018", "--indicators", str(indicators))
    code, output = invoke(*args, "-o", str(tmp_path / "fund.csv"))
    assert code == 2, output
    assert f"cannot write {indicators}: it is {indicators}, an input of this run" in output
    assert indicators.read_bytes() == before and not (tmp_path / "fund.csv").exists()
    assert leftovers(tmp_path) == []


def test_two_outputs_naming_one_file_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "s.json"
    code, output = surcharge(out, tmp_path / "." / "s.json")
    assert code == 2 and "name the same file" in output, output
    both = tmp_path / "fund.csv"
    code, output = invoke(
        "fund", str(EX18 / "emissions.csv"), "--year", "2018", "-o", str(both), "--issues-out", str(both)
    )
    assert code == 2 and f"--output {both} and --issues-out {both} name the same file" in output
    assert list(tmp_path.iterdir()) == []


# --- failures while writing: nothing published, the file named -----------------------------------


def _unwritable_folder(tmp_path: Path) -> Path:
    """A folder no file can be created in: chmod 0o555, or (as root, whom chmod does not stop) /sys."""
    if os.geteuid() != 0:
        folder = tmp_path / "ro"
        folder.mkdir()
        folder.chmod(0o555)
        return folder
    folder = Path("/sys")
    try:
        os.close(os.open(folder / ".ecocomp-probe", os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except OSError:
        return folder
    pytest.skip("no folder refuses files here")


def test_a_read_only_second_output_fails_the_run_and_the_first_is_not_published(tmp_path: Path) -> None:
    first = tmp_path / "lines.parquet"
    second = _unwritable_folder(tmp_path) / "summary.json"
    try:
        code, output = surcharge(first, second)
    finally:
        if second.parent.is_relative_to(tmp_path):
            second.parent.chmod(0o755)
    assert code == 1, output
    assert f"ecocomp: cannot write {second}: " in output
    assert not first.exists() and leftovers(tmp_path) == []
    assert "Traceback" not in output and "internal error" not in output


def _disk_full(*args: object, **kwargs: object) -> None:
    raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_disk_while_writing_the_workbook_names_it_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxwriter.workbook import Workbook

    monkeypatch.setattr(Workbook, "_store_workbook", _disk_full)
    (tmp_path / "summary.json").write_text("older")
    workbook = tmp_path / "summary.xlsx"
    code, output = surcharge(tmp_path / "lines.parquet", tmp_path / "summary.json", workbook)
    assert code == 1, output
    assert f"ecocomp: cannot write {workbook}: No space left on device" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    assert (tmp_path / "summary.json").read_text() == "older"


def test_a_full_disk_on_the_report_keeps_the_issues_file_of_the_run_unpublished(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xlsxwriter.workbook import Workbook

    monkeypatch.setattr(Workbook, "_store_workbook", _disk_full)
    issues, report = tmp_path / "issues.csv", tmp_path / "fund.xlsx"
    code, output = invoke(
        "fund", str(LEDGERS / "emissions_bad.csv"), "--year", "2018", "--skip-invalid",
        "--issues-out", str(issues), "-o", str(report),
    )  # fmt: skip
    assert code == 1 and f"ecocomp: cannot write {report}: No space left on device" in output, output
    assert list(tmp_path.iterdir()) == [] and "wrote" not in output


def test_a_full_disk_on_the_issues_file_names_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ecocomp.ledgers.issues as issues_module

    monkeypatch.setattr(issues_module, "_write_csv", _disk_full)
    issues = tmp_path / "issues.csv"
    code, output = invoke(
        "ledger", "check", "emissions", str(LEDGERS / "emissions_bad.csv"), "--issues-out", str(issues)
    )
    assert code == 1 and f"ecocomp: cannot write {issues}: No space left on device" in output, output
    assert list(tmp_path.iterdir()) == []


def test_a_strict_run_that_stops_publishes_the_issues_file_alone(tmp_path: Path) -> None:
    issues, report = tmp_path / "issues.xlsx", tmp_path / "fund.csv"
    code, output = invoke(
        "fund",
        str(LEDGERS / "emissions_bad.csv"),
        "--year",
        "2018",
        "--issues-out",
        str(issues),
        "-o",
        str(report),
    )
    assert code == 1, output
    assert f"wrote 11 problem(s) to {issues}" in output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["issues.xlsx"]


def test_every_output_of_a_surcharge_run_is_published_together(tmp_path: Path) -> None:
    outs = [tmp_path / "lines.csv", tmp_path / "summary.json", tmp_path / "summary.xlsx"]
    code, output = surcharge(*outs)
    assert code == 0, output
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(p.name for p in outs)
    for path in outs:
        assert f"wrote {path}" in output and path.stat().st_size > 0


# --- interrupts inside a command -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raised", "code", "line"),
    [(KeyboardInterrupt, 130, "ecocomp: interrupted"), (Terminated, 143, "ecocomp: terminated")],
)
def test_an_interrupt_while_writing_removes_the_staged_files(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, raised: type[BaseException], code: int, line: str
) -> None:
    import ecocomp.families.surcharge.files as files

    def interrupt(*args: object, **kwargs: object) -> bytes:
        raise raised

    monkeypatch.setattr(files, "surcharge_json", interrupt)  # the lines file is staged by then
    (tmp_path / "summary.json").write_text("older")
    got, output = surcharge(tmp_path / "lines.parquet", tmp_path / "summary.json")
    assert got == code and output.strip().splitlines() == [line]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["summary.json"]
    assert (tmp_path / "summary.json").read_text() == "older"


def test_write_report_into_a_run_stage_publishes_only_on_commit(tmp_path: Path) -> None:
    from ecocomp.reports.model import Column, Report, Table
    from ecocomp.reports.write import write_report

    table = Table("summary", "汇总", (Column("name", "名称", "text"),), [{"name": "甲"}])
    report = Report("t", (table,), {})
    stage = Staging()
    staged = write_report(report, tmp_path / "r.csv", stage=stage)
    assert [p.name for p in staged] == ["r.csv", "r.manifest.json", "r.datapackage.json"]
    assert not any(p.exists() for p in staged) and len(leftovers(tmp_path)) == 3
    assert stage.commit() == staged and all(p.exists() for p in staged) and leftovers(tmp_path) == []
