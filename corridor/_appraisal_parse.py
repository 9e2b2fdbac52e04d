"""Checking a scenario's ``[appraisal]`` table (horizon, demand path, discount rate, price year, projects, budgets)
against its network: the validation behind :class:`corridor.appraisal.AppraisalSettings`."""

from __future__ import annotations

from typing import Any

from ._validate import Checker, type_name
from .appraisal.settings import AppraisalSettings
from .network import Network

KEYS = {"first_year", "last_year", "discount_rate", "price_year", "step_years", "demand_growth_per_year",
        "demand_scale", "projects", "budget_total_musd", "budget_per_year_musd", "generated_value_usd_per_t",
        "case", "rates"}
MAX_YEARS = 100  # a horizon longer than this is a typo


def _year(ck: Checker, value: Any, where: str) -> int | None:
    year = ck.number(value, where, low=1900, integer=True, high=2200)
    return None if year is None else int(year)


def parse_appraisal(ck: Checker, raw: Any, net: Network, case_names: list[str]) -> AppraisalSettings | None:
    """The checked ``[appraisal]`` table, or None (problems recorded in ``ck``)."""
    mark = ck.mark()
    raw = ck.table(raw, "appraisal", KEYS)
    for key in ("first_year", "last_year", "discount_rate"):
        if key not in raw:
            ck.fail("appraisal", f"missing {key}")
    if ck.since(mark):
        return None
    first, last = _year(ck, raw["first_year"], "appraisal.first_year"), _year(ck, raw["last_year"],
                                                                              "appraisal.last_year")
    if first is not None and last is not None and not first <= last <= first + MAX_YEARS:
        ck.fail("appraisal.last_year", f"must be from first_year ({first}) to {first + MAX_YEARS}, got {last}")
    rate = ck.number(raw["discount_rate"], "appraisal.discount_rate", high=1.0)
    price_year = _year(ck, raw.get("price_year", first), "appraisal.price_year")
    step = ck.number(raw.get("step_years", 5), "appraisal.step_years", low=1, integer=True, high=MAX_YEARS)
    growth = None
    if "demand_growth_per_year" in raw:
        growth = ck.number(raw["demand_growth_per_year"], "appraisal.demand_growth_per_year", low=-0.5, high=1.0)
    scale: dict[int, float] = {}
    if "demand_scale" in raw:
        if growth is not None:
            ck.fail("appraisal", "give demand_growth_per_year or demand_scale, not both")
        table = raw["demand_scale"]
        if not isinstance(table, dict) or not table:
            ck.fail("appraisal.demand_scale", f"expected a table of year = factor, got {type_name(table)}")
        else:
            for key, value in table.items():
                where = f"appraisal.demand_scale.{key}"
                if not (isinstance(key, str) and key.isdigit() and len(key) == 4):
                    ck.fail(where, "the key must be a year such as 2030")
                elif (v := ck.number(value, where)) is not None:
                    scale[int(key)] = float(v)
    candidates = net.projects.candidates()
    projects = tuple(candidates)
    if "projects" in raw:
        names = ck.names(raw["projects"], "appraisal.projects")
        for name in names:
            if name not in net.projects.table.index:
                known = ", ".join(net.projects.ids) or "none in this network (projects.csv)"
                ck.fail("appraisal.projects", f"unknown project '{name}' (projects: {known})")
        if not names:
            ck.fail("appraisal.projects", "is empty; name at least one project")
        projects = tuple(dict.fromkeys(names))
    elif not candidates:
        ck.fail("appraisal", f"network {net.name} has no project to appraise (add projects.csv, or name built ones "
                             f"in appraisal.projects for an ex post appraisal)")
    budgets = {}
    for key in ("budget_total_musd", "budget_per_year_musd", "generated_value_usd_per_t"):
        if key in raw:
            budgets[key] = ck.number(raw[key], f"appraisal.{key}")
    case = raw.get("case")
    if case is not None and ck.text(case, "appraisal.case") is not None and case not in case_names:
        ck.fail("appraisal.case", f"no case named '{case}' (cases: {', '.join(case_names)})")
    rates = []
    if "rates" in raw:
        if not isinstance(raw["rates"], list):
            ck.fail("appraisal.rates", f"expected a list of discount rates, got {type_name(raw['rates'])}")
        else:
            rates = [ck.number(r, f"appraisal.rates[{i}]", high=1.0) for i, r in enumerate(raw["rates"], start=1)]
    if ck.since(mark):
        return None
    assert first is not None and last is not None and price_year is not None and rate is not None
    return AppraisalSettings(first_year=first, last_year=last, discount_rate=float(rate), price_year=price_year,
                             step_years=int(step or 5), demand_growth_per_year=growth, demand_scale=scale,
                             projects=projects, budget_total_musd=budgets.get("budget_total_musd"),
                             budget_per_year_musd=budgets.get("budget_per_year_musd"),
                             generated_value_usd_per_t=budgets.get("generated_value_usd_per_t"), case=case,
                             rates=tuple(float(r) for r in rates if r is not None))
