"""Write the golden files anew: `python -m tests.golden.update [NAME ...]` from the repository
root; with names (e.g. `water-suzhou-2018`), only those cases, so a change to one family does
not rewrite another's figures.

Only for a deliberate change of figures; the commit says which figures moved and why.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.golden.cases import CASES, run_case


def main(names: list[str]) -> None:
    known = {case.name for case in CASES}
    unknown = sorted(set(names) - known)
    if unknown:
        sys.exit(f"unknown golden case(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}")
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            if not names or case.name in names:
                case.path.write_text(run_case(case, Path(tmp)), "utf-8")
                sys.stderr.write(f"wrote {case.path}\n")


if __name__ == "__main__":
    main(sys.argv[1:])
