"""Checks of the arguments of the charts: which case, which ranks (a clear error for a case without routes or
flows)."""

from __future__ import annotations


def check_case(results, case: str | None) -> str:
    """The case to draw: ``case`` if it has routes, else the first case with routes; a clear error otherwise."""
    solved = list(dict.fromkeys(results.routes.index.get_level_values("case")))
    if case is None:
        if not solved:
            raise ValueError(f"{results.scenario.name}: no case has a route to plot" + _no_shipment(results))
        return solved[0]
    if case not in results.cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(results.cases)})")
    if case not in solved:
        why = results.failures.get(case) or "it has no [shipment]" + _no_shipment(results)
        raise ValueError(f"case {case!r} has no route to plot: {why}")
    return case


def _no_shipment(results) -> str:
    """A hint for scenarios whose cases have flows but no shipment."""
    hint = " (its cases have [flows] only: draw them with plot.flow_map or plot.capacity)"
    return hint if results.allocations else ""


VIEWS = ("top", "corridors")


def check_ranks(results, case: str, ranks, view: str | None = None) -> list[int]:
    """Ranks of ``case`` to draw: ``ranks``, or those of a ``view`` (``"top"``: the k cheapest; ``"corridors"``: the
    best route through each gateway), or all of them."""
    routes = results.routes.loc[case]
    have = list(routes.index)
    if view is not None:
        if view not in VIEWS:
            raise ValueError(f"view must be 'top' or 'corridors', got {view!r}")
        if ranks is not None:
            raise ValueError("give ranks or view, not both")
        if view == "top":
            return [r for r in have if routes.at[r, "top"]]
        picked = [r for r in have if len(routes.at[r, "best_for"])]
        return picked or have[:1]
    if ranks is None:
        return have
    ranks = [ranks] if isinstance(ranks, int) else list(ranks)
    missing = [r for r in ranks if r not in have]
    if missing:
        raise KeyError(f"case {case!r} has no route ranked {missing} (ranks: {have})")
    return ranks


def check_flow_case(results, case: str | None) -> str:
    """The case to draw flows of: ``case`` if it has an allocation, else the first that has; a clear error otherwise."""
    have = list(results.allocations)
    if case is None:
        if not have:
            raise ValueError(f"{results.scenario.name}: no case has annual flows to plot (the scenario has no [flows])")
        return have[0]
    if case not in results.cases:
        raise KeyError(f"no case named {case!r} (cases: {', '.join(results.cases)})")
    if case not in have:
        raise ValueError(f"case {case!r} has no annual flows to plot (the scenario has no [flows])")
    return case
