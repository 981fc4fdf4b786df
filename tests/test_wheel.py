"""The wheel carries the tariff tables: build it, install it apart from the source tree, load them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.test_public_api import PUBLIC_NAMES

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
    )
    (built,) = out.glob("ecocomp-*.whl")
    return built


@pytest.mark.slow
def test_wheel_contains_every_shipped_table(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = sorted(p.relative_to(ROOT / "tariffs").as_posix() for p in (ROOT / "tariffs").rglob("*.toml"))
    assert shipped
    for rel in shipped:
        assert f"ecocomp/_tariffs/{rel}" in names
    assert "ecocomp/py.typed" in names


@pytest.mark.slow
def test_installed_wheel_loads_its_tables_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "ECOCOMP_TARIFFS": ""}
    probe = (
        f"from ecocomp import {', '.join(PUBLIC_NAMES)};"
        "import ecocomp, ecocomp.tariffs.book as b;"
        "book = b.TariffBook.load();"
        "print(ecocomp.__file__); print(b.shipped_tariffs_dir()); print(len(book.tariffs))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    module_file, tables_dir, count = done.stdout.split("\n")[:3]
    assert Path(module_file).is_relative_to(site)
    assert Path(tables_dir) == site / "ecocomp" / "_tariffs"
    assert int(count) == len(list((ROOT / "tariffs").rglob("*.toml")))
    listed = subprocess.run(
        [sys.executable, "-m", "ecocomp", "tariffs", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "jiangsu-fund-2021" in listed.stdout and "苏政发〔2022〕31号" in listed.stdout


@pytest.mark.slow
def test_installed_wheel_runs_the_shipped_example(wheel: Path, tmp_path: Path) -> None:
    site = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        check=True,
        capture_output=True,
    )
    env = {**os.environ, "PYTHONPATH": str(site), "ECOCOMP_TARIFFS": ""}
    done = subprocess.run(
        [sys.executable, "-m", "ecocomp", "settle", "--example", "suzhou-2018", "-o", "settlement.json"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "settlement.json").stat().st_size > 10_000
    assert (site / "ecocomp" / "_examples" / "suzhou-2018" / "settle.toml").is_file()
    assert (site / "ecocomp" / "schemas" / "settlement.schema.json").is_file()
