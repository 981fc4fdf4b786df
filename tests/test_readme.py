"""The README's Quick start is what CI runs: the commands must not drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text("utf-8")
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section)


def test_quick_start_has_an_install_and_a_test_command() -> None:
    commands = _quick_start_commands()
    assert len(commands) == 2
    assert "pip install ." in commands[0] and "ecocomp" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    ci = (ROOT / ".ci" / "run").read_text("utf-8")
    assert _quick_start_commands()[1] in ci.splitlines()
