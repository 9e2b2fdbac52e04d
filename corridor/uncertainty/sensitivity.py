"""Sensitivity: the tornado (each uncertain input alone at its low and high value) and the break-even value of an
input at which two routes cost the same."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .._scenario_schema import ENTRY, check_types
from .._validate import Checker
from ..case import Case
from ..errors import InputError, NoRouteError, shown, unknown_case
from ..limits import MAX_NUMBER
from ..scenario import Scenario
from ._entry_parse import parse_entries
from .candidates import CANDIDATES, CaseModel
from .entries import POSITIVE_COLUMNS, Entry, groups


def _cases(scenario: Scenario, case: str | None) -> list[Case]:
    if case is None:
        return list(scenario.cases)
    if not any(c.name == case for c in scenario.cases):
        raise unknown_case(case, [c.name for c in scenario.cases], scenario.source)
    return [scenario.case(case)]


def tornado(scenario: Scenario, *, case: str | None = None, metric: str = "generalized",
            candidates: int = CANDIDATES) -> pd.DataFrame:
    """How much each uncertain input alone moves the best route's cost and the gap between the two best routes.

    For each group of entries (an entry without a group is its own), the entries go to their low and then their
    high value (the bounds of the distribution, or its 5th and 95th percentiles where it has none) while every
    other input keeps its file value.

    Parameters
    ----------
    scenario : Scenario
    case : str, optional
        One case by name (default: every case).
    metric : {"generalized", "cost"}
        Generalized cost per tonne (money + value of time; the ranking's basis) or money only.

    Returns
    -------
    DataFrame
        One row per case and input, biggest swing first: ``low``, ``high`` (the input's values; for a group, its
        first entry's), ``best_usd_per_t`` (cheapest route at the file values), ``best_low``, ``best_high`` (the
        cheapest route's cost with the input low or high, whichever route that is), ``change_low``,
        ``change_high``, ``gap_usd_per_t``, ``gap_low``, ``gap_high`` (cost of route 2 minus route 1, the two best
        at the file values, each priced with the input at its file, low or high value: below 0 those two swap
        places; a third route may still become the cheapest, see ``cheapest_*``), ``cheapest_low``,
        ``cheapest_high`` (rank of the cheapest route),
        ``swing`` (|change_high - change_low|).
    """
    _check_metric(metric)
    entries = scenario.uncertainty
    if not entries:
        raise InputError(f"{scenario.source}: no [[uncertainty]] entries for a tornado")
    rows = []
    for c in _cases(scenario, case):
        try:
            model = CaseModel.build(c, entries, candidates=candidates)
        except NoRouteError:
            continue
        names = [g for g in groups(entries) if any(entries[i].group_key == g for i in model.pricer.active_entries)]
        cols = [np.full(len(entries), np.nan)]
        for g in names:
            for side in (0, 1):
                x = np.full(len(entries), np.nan)
                for i, e in enumerate(entries):
                    if e.group_key == g:
                        x[i] = e.bounds()[side]
                cols.append(x)
        v = model.price(np.stack(cols, axis=1), metric)
        best = v.min(axis=0)
        gap = v[1] - v[0] if len(v) > 1 else np.full(v.shape[1], np.nan)
        winner = np.argmin(v, axis=0) + 1
        for j, g in enumerate(names):
            lo, hi = 1 + 2 * j, 2 + 2 * j
            first = next(e for e in entries if e.group_key == g)
            rows.append(dict(case=c.name, parameter=first.group_label, how=first.how, low=first.bounds()[0],
                             high=first.bounds()[1], best_usd_per_t=best[0], best_low=best[lo], best_high=best[hi],
                             change_low=best[lo] - best[0], change_high=best[hi] - best[0], gap_usd_per_t=gap[0],
                             gap_low=gap[lo], gap_high=gap[hi], cheapest_low=int(winner[lo]),
                             cheapest_high=int(winner[hi]), swing=abs(best[hi] - best[lo])))
    df = pd.DataFrame(rows)
    if len(df):
        df = df.sort_values(["case", "swing"], ascending=[True, False], kind="stable",
                            key=lambda s: s.map({c.name: i for i, c in enumerate(scenario.cases)}) if s.name == "case"
                            else s).reset_index(drop=True)
    df.attrs["metric"] = metric
    return df


MAX_ITERATIONS = 200  # of Brent's method; it converges in far fewer where the gap is a continuous function

# ----- break-even --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class BreakEven:
    """Where two routes cost the same as one input moves (``value`` is None if they never do within the range)."""

    case: str
    parameter: str
    how: str
    column: str
    routes: tuple[str, str]
    ranks: tuple[int, int]
    value: float | None
    low: float
    high: float
    gap_low: float  # cost of the first route minus the second, at low and at high
    gap_high: float
    metric: str
    converged: bool = True  # False: the two routes cross within ``bracket`` but the search did not pin it down
    bracket: tuple[float, float] | None = None

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def __str__(self) -> str:
        a, b = self.routes
        unit = "x the file value" if self.how == "scale" else self.column
        if not self.converged and self.bracket is not None:
            return (f"{self.case}: {a} and {b} cross between {self.parameter} = {self.bracket[0]:.6g} and "
                    f"{self.bracket[1]:.6g} ({unit}), but the search did not converge within {MAX_ITERATIONS} "
                    "steps; no break-even value is given")
        if self.value is None:
            cheaper = a if self.gap_low < 0 else b
            return (f"{self.case}: {a} and {b} never cost the same for {self.parameter} from {self.low:g} to "
                    f"{self.high:g} ({unit}); {cheaper} is cheaper throughout")
        below = a if self.gap_low < 0 else b
        above = b if below == a else a
        return (f"{self.case}: {a} and {b} cost the same at {self.parameter} = {self.value:.6g} ({unit}); "
                f"below it {below} is cheaper, above it {above}")


def breakeven(scenario: Scenario, parameter: str | dict, routes: tuple, *, case: str | None = None,
              within: tuple[float, float] | None = None, metric: str = "generalized",
              candidates: int = CANDIDATES) -> BreakEvens:
    """The value of one input at which two routes cost the same, for each case (or one).

    Parameters
    ----------
    scenario : Scenario
    parameter : str or dict
        The name of an ``[[uncertainty]]`` entry or group (all its entries take the same value), or a selection
        ``{"table": ..., "where": {...}, "column": ..., "as": "scale" | "value"}`` (then ``within`` is needed).
    routes : pair
        Each a rank (int, as in the deterministic results) or a node id or name (the cheapest route through it).
    case : str, optional
        One case by name (default: every case).
    within : (low, high), optional
        The range searched (default: the entry's low and high values).
    metric : {"generalized", "cost"}

    Returns
    -------
    BreakEvens
        A list of :class:`BreakEven`, one per case:
        ``value`` found by Brent's method (``scipy.optimize.brentq``) to machine precision; None if the two routes
        do not cross within the range.

    Examples
    --------
    >>> from corridor.uncertainty import breakeven
    >>> breakeven(s, "RZD transit rate", ("rajin", "tianjin"), within=(0.2, 1.5))

    Cases left out (no route, the input selects nothing there, a route not found) are listed with the reason in
    the returned list's ``skipped`` attribute.
    """
    _check_metric(metric)
    entries, members, label, lo, hi = _parameter(scenario, parameter, within)
    if not isinstance(routes, (tuple, list)) or len(routes) != 2:
        raise InputError(f"breakeven needs two routes (each a rank or a node), got {shown(routes)}")
    found: list[BreakEven] = []
    skipped: list[str] = []
    for c in _cases(scenario, case):
        try:
            model = CaseModel.build(c, entries, candidates=candidates)
        except NoRouteError as err:
            skipped.append(f"case '{c.name}': {err}")
            continue
        if not any(i in model.pricer.active_entries for i in members):
            if case is not None:
                raise InputError(f"{scenario.source}: {label} selects nothing in case '{c.name}'")
            skipped.append(f"case '{c.name}': {label} changes no arc of its routes")
            continue
        try:
            a, b = (_pick_route(model, r) for r in routes)
        except InputError as err:
            if case is not None:
                raise
            skipped.append(f"case '{c.name}': {err}")
            continue
        if a == b:
            raise InputError(f"routes {routes[0]!r} and {routes[1]!r} are the same route in case '{c.name}'")

        def gap(values: np.ndarray, model: CaseModel = model, a: int = a, b: int = b) -> np.ndarray:
            x = np.full((len(entries), len(values)), np.nan)
            x[members] = values
            v = model.price(x, metric)
            return v[a] - v[b]

        grid = np.linspace(lo, hi, 129)
        f = gap(grid)
        sign = np.sign(f)
        cross = np.flatnonzero((sign[:-1] * sign[1:] <= 0) & ~((sign[:-1] == 0) & (sign[1:] == 0)))
        value, converged = None, True
        if len(cross):
            i = cross[0]
            if f[i] == 0:
                value = float(grid[i])
            else:  # a sign change between two grid points: Brent's method to machine precision
                from scipy.optimize import brentq

                root, info = brentq(lambda v: float(gap(np.array([v]))[0]), grid[i], grid[i + 1], xtol=1e-15,
                                    rtol=4 * np.finfo(float).eps, maxiter=MAX_ITERATIONS, full_output=True,
                                    disp=False)
                converged = bool(info.converged) and np.isfinite(root)
                value = float(root) if converged else None
        found.append(BreakEven(case=c.name, parameter=label, how=entries[members[0]].how,
                             column=entries[members[0]].column, routes=(model.label(a), model.label(b)),
                             ranks=(a + 1, b + 1), value=value, low=float(lo), high=float(hi),
                             gap_low=float(f[0]), gap_high=float(f[-1]), metric=metric, converged=converged,
                             bracket=None if converged else (float(grid[cross[0]]), float(grid[cross[0] + 1]))))
    if not found:
        raise InputError(f"{scenario.source}: no case has both routes and {label}" +
                         (f" ({'; '.join(skipped)})" if skipped else ""))
    return BreakEvens(found, skipped)


class BreakEvens(list):
    """The :class:`BreakEven` of each case; ``skipped`` lists the cases left out and why."""

    def __init__(self, items=(), skipped: list[str] | None = None):
        super().__init__(items)
        self.skipped: list[str] = list(skipped or [])


def _check_metric(metric: str) -> None:
    if metric not in ("generalized", "cost"):
        raise InputError(f"metric must be 'generalized' or 'cost', got {shown(metric)}")


def _parameter(scenario: Scenario, parameter, within) -> tuple[tuple[Entry, ...], list[int], str, float, float]:
    entries = scenario.uncertainty
    if within is not None and (not isinstance(within, (tuple, list)) or len(within) != 2 or not all(
            isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool) for v in within)):
        raise InputError(f"within must be two numbers (low, high), got {shown(within)}")
    if isinstance(parameter, dict):
        if within is None:
            raise InputError("breakeven on a selection needs within=(low, high)")
        ck = Checker(scenario.source)
        raw = {"distribution": "uniform", "low": float(min(within)), "high": float(max(within)), **parameter}
        check_types(ck, raw, ENTRY, "parameter")
        ck.raise_if_any()
        parsed = parse_entries(ck, [raw], scenario.network)
        ck.raise_if_any()
        entries = tuple(entries) + parsed
        members = [len(entries) - 1]
        label = parsed[0].name
    else:
        members = [i for i, e in enumerate(entries) if e.name == parameter or e.group_label == parameter]
        if not members:
            known = sorted({e.name for e in entries} | {e.group_label for e in entries})
            raise InputError(f"{scenario.source}: no uncertainty entry or group named {shown(parameter)} "
                             f"(known: {', '.join(known) or 'none'})")
        label = parameter
        if len({entries[i].how for i in members}) > 1:
            raise InputError(f"{scenario.source}: group {shown(parameter)} mixes 'scale' and 'value' entries; "
                             "name one entry")
    lo, hi = within if within is not None else entries[members[0]].bounds()
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi or lo < 0 or hi > MAX_NUMBER:
        raise InputError(f"the break-even range must be two numbers 0 <= low < high <= {MAX_NUMBER:g} "
                         f"(corridor.limits.MAX_NUMBER), got {shown(lo)}, {shown(hi)}")
    if entries[members[0]].column in POSITIVE_COLUMNS and lo <= 0:
        raise InputError(f"{entries[members[0]].column} must stay above 0: start the range above 0")
    return entries, members, label, float(lo), float(hi)


def _pick_route(model: CaseModel, spec) -> int:
    """Candidate index of a route given by rank (int or digits) or by a node it passes through."""
    n = len(model.routes.arc_lists)
    if isinstance(spec, bool) or not isinstance(spec, (int, np.integer, str)):
        raise InputError(f"a route is a rank or a node id or name, got {shown(spec)}")
    if isinstance(spec, (int, np.integer)) or (isinstance(spec, str) and spec.isascii() and spec.isdigit()):
        rank = int(spec)
        if not 1 <= rank <= n:
            raise InputError(f"route rank {rank} is out of range (case '{model.case.name}' has {n} candidate routes)")
        return rank - 1
    nodes = model.case.network.nodes
    text = str(spec).lower()
    wanted = {i for i in nodes.index if i.lower() == text}
    if not wanted:
        wanted = {i for i, name in nodes["name"].items() if text in name.lower()}
    if not wanted:
        if model.case.closed:
            raise InputError(f"no open node matches {spec!r} in case '{model.case.name}' "
                             f"(closed: {', '.join(model.case.closed)})")
        raise InputError(f"no node id or name matches {spec!r}")
    for i in range(n):
        legs = model.legs(i)
        if wanted & set(legs["from"]) | wanted & set(legs["to"]):
            return i
    raise InputError(f"no candidate route of case '{model.case.name}' passes through {spec!r}")
