"""Issue 13 point 5: the export contract has a version, and the schemas cannot change without it.

`schemas/contract.json` records the digest of every shipped JSON Schema per contract version. The
schemas made now must be those of `CONTRACT_VERSION`; writing changed schemas under the same
version is refused; the README's changelog names every recorded version.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import pytest

from ecocomp.reports.contract import CONTRACT_VERSION
from ecocomp.reports.schema import schema_path
from ecocomp.settlement import schemas as shipped
from ecocomp.settlement.schemas import contract_schemas, recorded_digests, schemas_digest

README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture(scope="module")
def made() -> dict[str, dict[str, object]]:
    return contract_schemas()


def test_the_schemas_made_now_are_those_of_the_contract_version(made: dict[str, dict[str, object]]) -> None:
    assert set(made) == {"settlement", "fund", "water", "surcharge"}
    assert recorded_digests()[CONTRACT_VERSION] == schemas_digest(made), (
        "the export schemas changed: raise CONTRACT_VERSION in ecocomp/reports/contract.py, add the "
        "change to the README's changelog and run `python -m ecocomp.settlement.schemas`"
    )
    for name, schema in made.items():
        assert schema["properties"]["schema_version"] == {  # type: ignore[index]
            "const": CONTRACT_VERSION,
            "description": "version of the export contract",
        }, name


def test_every_version_has_its_own_digest_and_a_changelog_entry() -> None:
    versions = recorded_digests()
    assert CONTRACT_VERSION in versions
    assert len(set(versions.values())) == len(versions)
    changelog = README.read_text("utf-8").split("### Changelog of the export contract")[1]
    for version in versions:
        assert re.search(rf"^- \*\*{re.escape(version)}\*\*", changelog, re.M), version


def test_a_schema_change_under_the_same_version_is_refused(
    made: dict[str, dict[str, object]], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = copy.deepcopy(made)
    changed["fund"]["title"] = "a renamed report"  # any change to any schema
    assert schemas_digest(changed) != schemas_digest(made)
    before = {name: schema_path(name).read_bytes() for name in made}
    contract = schema_path("contract").with_name("contract.json").read_bytes()
    monkeypatch.setattr(shipped, "contract_schemas", lambda: changed)
    with pytest.raises(SystemExit) as stop:
        shipped.main()
    assert stop.value.code == 1
    assert f"CONTRACT_VERSION is still {CONTRACT_VERSION}" in capsys.readouterr().err
    assert {name: schema_path(name).read_bytes() for name in made} == before  # nothing written
    assert schema_path("contract").with_name("contract.json").read_bytes() == contract
