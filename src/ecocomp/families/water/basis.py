"""What one water-compensation line rests on: the tariff values and rules its arithmetic read
(`ecocomp.tariffs.evidence`), by the kind of line.

    every line:       factors.<basin> (the factor is assessed), the target's GB 3838 limit
                      limits.<factor>.<body>.<class> unless the section has its own target
                      (the sections ledger: no tariff use), missing_data if a value was substituted
    forward, load:    method, standards.<basin>.<factor>
    forward, banded:  method, band_amount, bands.<basin>.<factor or default> (the band table read)
    forward, shared:  province.share where the treasury keeps its share (receiver not the treasury)
    reverse:          reverse.rule, reverse.payer, reverse.standards.<basin>.<factor>, and the
                      targets of every factor of the section-month (it earns only if all comply)
    none, compliant:  reverse.rule where the month complies and the rule pays nothing

The water_compensation table is the version's: the province's, or the city's own table of a
city-scheme section (e.g. suzhou-water-2017). A table with status provisional adds
`<id>:tariff.status` (`basis_of`). Each distinct basis is made once per `LineBases` (a run) and
shared by every line with the same key: lines are built in a hot loop.
"""

from __future__ import annotations

from typing import Literal

from ecocomp.families.water.rules import Section, Version
from ecocomp.tariffs.evidence import Basis, basis_of

__all__ = ["Kind", "LineBases", "band_key"]

Kind = Literal["forward", "reverse", "no_reverse", "none"]

_NONE = Basis()


def band_key(version: Version, basin: str, factor: str) -> str:
    """The band list a banded table prices `factor` by: the factor's own, else the basin's default
    (as `rules._bands` reads them)."""
    for name, by_factor in version.table.bands.items():
        if name == basin:
            return factor if any(key == factor and bands for key, bands in by_factor.items()) else "default"
    return "default"


class LineBases:
    """The bases of a run's lines, each made once per distinct key."""

    def __init__(self) -> None:
        self.made: dict[tuple[object, ...], Basis] = {}
        self.limits: dict[tuple[str, str], Basis] = {}

    def target(self, section: Section, factor: str, version: Version) -> Basis:
        """The GB 3838 limit the section's target for `factor` is (as `target_for` picks it), or
        nothing when the section has its own target (the sections ledger) or no limit applies."""
        if factor in section.targets:
            return _NONE
        for body in (section.water_body, "all"):
            if (factor, body, section.target_class) in version.limits:
                path = f"limits.{factor}.{body}.{section.target_class}"
                found = self.limits.get((version.standard_id, path))
                if found is None:
                    found = self.limits[version.standard_id, path] = basis_of(version.standard, path)
                return found
        return _NONE

    def of(
        self,
        version: Version,
        basin: str,
        factor: str,
        kind: Kind,
        target: Basis,
        share_read: bool,
        substituted: bool,
    ) -> Basis:
        """The basis of one line of `kind`: "forward" (worse than target), "reverse" (paid for a
        compliant section-month), "no_reverse" (better than target in a compliant section-month
        whose table pays nothing for it) or "none" (no table rule decided it). `target` is the
        basis of its target (for a reverse line, of every target of the section-month),
        `share_read` whether the treasury's share was applied, `substituted` whether a value was
        substituted."""
        key = (version.tariff_id, basin, factor, kind, target, share_read, substituted)
        found = self.made.get(key)
        if found is None:
            found = self.made[key] = _made(version, basin, factor, kind, share_read, substituted) | target
        return found


def _made(
    version: Version, basin: str, factor: str, kind: Kind, share_read: bool, substituted: bool
) -> Basis:
    paths = [f"factors.{basin}"]
    if substituted:
        paths.append("missing_data")
    if kind == "forward":
        paths.append("method")
        if version.method == "load":
            paths.append(f"standards.{basin}.{factor}")
        else:
            paths += ["band_amount", f"bands.{basin}.{band_key(version, basin, factor)}"]
        if share_read:
            paths.append("province.share")
    elif kind == "reverse":
        paths += ["reverse.rule", "reverse.payer", f"reverse.standards.{basin}.{factor}"]
    elif kind == "no_reverse":
        paths.append("reverse.rule")
    return basis_of(version.tariff, *paths)
