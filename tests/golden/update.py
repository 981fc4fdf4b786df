"""Write the golden files anew: `python -m tests.golden.update` from the repository root.

Only for a deliberate change of figures; the commit says which figures moved and why.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.golden.cases import CASES, run_case


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        for case in CASES:
            case.path.write_text(run_case(case, Path(tmp)), "utf-8")
            sys.stderr.write(f"wrote {case.path}\n")


if __name__ == "__main__":
    main()
