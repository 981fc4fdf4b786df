"""Open a workbook in LibreOffice (headless), recalculate every formula, read every sheet back.

A fresh LibreOffice profile is made with "recalculate on load: always" for Excel files, so the
values read back are LibreOffice's own results, not the cached values ecocomp wrote.
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
from pathlib import Path

PROFILE = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema"
 xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""
# comma, double quote, UTF-8, from line 1, raw values (not as shown), every sheet to its own file
CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def recalculated_sheets(workbook: Path, work: Path) -> dict[str, list[list[str]]]:
    """Sheet name -> rows of cell texts, after LibreOffice recalculated the workbook."""
    program = soffice()
    assert program is not None, "LibreOffice is not installed (.ci/run installs libreoffice-calc-nogui)"
    profile, out = work / "profile", work / "out"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(PROFILE, "utf-8")
    out.mkdir(exist_ok=True)
    subprocess.run(
        [program, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--convert-to", CSV_FILTER,
         "--outdir", str(out), str(workbook)],
        check=True, capture_output=True, timeout=300, env={**os.environ, "HOME": str(work)},
    )  # fmt: skip
    sheets = {}
    for file in sorted(out.glob(f"{workbook.stem}-*.csv")):
        name = file.stem[len(workbook.stem) + 1 :]
        with file.open(encoding="utf-8", newline="") as handle:
            sheets[name] = list(csv.reader(handle))
    return sheets
