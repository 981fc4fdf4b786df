"""The seed plan's rules on the water tables, run on every load and by `ecocomp tariffs check`:
while 苏委发〔2017〕13号 is in force, every water-compensation table keeps the Taihu TP standard
(or band amount, or reverse standard) at least the plan's factor (2x, `plan_requirements`) times
the non-Taihu one; and from the plan table's `taihu_factors_from` every table assesses its
`taihu_factors` (TN: 将总氮指标纳入补偿因子) for Taihu sections.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from ecocomp.errors import Finding
from ecocomp.families.water.tables import PlanRequirementsTable, WaterCompensationTable
from ecocomp.places import Places
from ecocomp.tariffs.files import Tariff

__all__ = ["check_taihu_factors", "check_taihu_tp_factor"]


def check_taihu_tp_factor(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """Taihu TP standard >= the seed plan's factor x the non-Taihu one, while the plan is in force."""
    findings = []
    plans = [(t, t.model) for t in tariffs if isinstance(t.model, PlanRequirementsTable)]
    for plan, requirements in plans:
        factor = requirements.taihu_tp_min_factor.value
        for tariff in tariffs:
            model = tariff.model
            in_force = plan.end is None or tariff.start <= plan.end
            if (
                isinstance(model, WaterCompensationTable)
                and in_force
                and (tariff.end is None or tariff.end >= plan.start)
            ):
                findings += _tp_pairs(tariff, model, factor, plan)
    return findings


def _tp_pairs(tariff: Tariff, model: WaterCompensationTable, factor: Decimal, plan: Tariff) -> list[Finding]:
    pairs: list[tuple[str, Decimal, Decimal]] = []
    taihu, other = model.standards.get("taihu", {}), model.standards.get("other", {})
    if "TP" in taihu and "TP" in other:
        pairs.append(("standards.taihu.TP.value", taihu["TP"].value, other["TP"].value))
    r_taihu, r_other = model.reverse.standards.get("taihu", {}), model.reverse.standards.get("other", {})
    if "TP" in r_taihu and "TP" in r_other:
        pairs.append(("reverse.standards.taihu.TP.value", r_taihu["TP"].value, r_other["TP"].value))
    taihu_bands = model.bands.get("taihu", {})
    other_bands = model.bands.get("other", {})
    t_bands = taihu_bands.get("TP") or taihu_bands.get("default") or ()
    o_bands = other_bands.get("TP") or other_bands.get("default") or ()
    t_name = "TP" if "TP" in taihu_bands else "default"
    for i, (t_band, o_band) in enumerate(zip(t_bands, o_bands, strict=False)):
        pairs.append((f"bands.taihu.{t_name}[{i}].amount.value", t_band.amount.value, o_band.amount.value))
    return [
        Finding(
            tariff.display,
            key,
            "taihu_tp_factor",
            f"Taihu TP {t_value} is below {factor} x the non-Taihu TP {o_value} "
            f"(= {factor * o_value}), which {plan.header.document} requires",
        )
        for key, t_value, o_value in pairs
        if t_value < factor * o_value
    ]


def check_taihu_factors(tariffs: Sequence[Tariff], places: Places | None) -> list[Finding]:
    """Every water-compensation table in force on or after the plan's `taihu_factors_from`
    assesses each of its `taihu_factors` for Taihu sections."""
    findings = []
    for plan in tariffs:
        requirements = plan.model
        if not isinstance(requirements, PlanRequirementsTable):
            continue
        if requirements.taihu_factors is None or requirements.taihu_factors_from is None:
            continue
        since = requirements.taihu_factors_from.value
        for tariff in tariffs:
            model = tariff.model
            if not isinstance(model, WaterCompensationTable) or (
                tariff.end is not None and tariff.end < since
            ):
                continue
            taihu = model.factors.get("taihu")
            have = () if taihu is None else taihu.value
            findings += [
                Finding(
                    tariff.display,
                    "factors.taihu.value",
                    "taihu_factors",
                    f"Taihu sections do not assess {factor}, which {plan.header.document} requires "
                    f"as a compensation factor from {since:%Y-%m-%d}",
                )
                for factor in requirements.taihu_factors.value
                if factor not in have
            ]
    return findings
