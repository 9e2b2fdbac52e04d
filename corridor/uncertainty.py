"""Monte Carlo over the uncertain inputs of a scenario, tornado tables and break-even values.

The method (see ``corridor.pricing``): for each case, take candidate routes from the k-cheapest search at the file
values and at the low and high ends of every uncertain entry (and at the all-low and all-high corners); price every
candidate for blocks of draws at once (route-arc incidence x arc-cost differences); and check, on a sample of the
draws, with an exact shortest-path search on the drawn arc costs, that no route outside the candidates would have
been cheaper. The share of checked draws that pass is reported as ``coverage``.

Draws are common to all cases (draw ``i`` of every case uses the same parameter values), so cases can be compared
draw by draw. The same seed gives the same numbers bit for bit, whatever the chunk size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import InputError, NoRouteError
from .graph import build_graph
from .pricing import ArcPricer, RouteSet, route_totals
from .progress import Progress
from .results import Results
from .routes import cheapest_routes, is_valid, route_label, route_legs
from .sampling import POSITIVE_COLUMNS, Entry, entry_values, groups, sample_uniforms
from .scenario import Case, Checker, Scenario
from .shipment import describe_routes

CANDIDATES = 20  # k of the k-cheapest search at the file values
EXTREME_CANDIDATES = 5  # k at each end of each entry's range and at the two corners
CHUNK = 4096  # draws priced at once (memory stays flat; results do not depend on it; small blocks stay in cache)
CHECK_SHARE = 0.01  # share of the draws checked by an exact shortest-path search


@dataclass(frozen=True)
class CaseDraws:
    """The draws of one case.

    Attributes
    ----------
    ranks : list of int
        Ranks (as in ``Results.routes``) of the routes whose draws are kept, in the order of the rows below.
    cost, generalized : ndarray
        Money and generalized cost per tonne, routes x draws.
    p_cheapest : ndarray
        Share of the draws in which each route is the cheapest by generalized cost.
    draws, seed : int
    checked, missed : int
        Draws checked by an exact search, and those in which a route outside the candidates was cheaper.
    candidates : int
        Number of candidate routes priced.
    """

    case: str
    ranks: list[int]
    labels: list[str]
    cost: np.ndarray
    generalized: np.ndarray
    p_cheapest: np.ndarray
    draws: int
    seed: int
    checked: int
    missed: int
    candidates: int

    @property
    def coverage(self) -> float:
        """Share of the checked draws whose cheapest route was a candidate."""
        return 1.0 - self.missed / self.checked if self.checked else float("nan")


# ----- one case: candidates, pricing, checking -------------------------------------------------------

@dataclass
class CaseModel:
    """The candidate routes of one case, ready to be priced for any entry values."""

    case: Case
    entries: tuple[Entry, ...]
    graph: object
    pricer: ArcPricer
    routes: RouteSet
    legs: list[pd.DataFrame] = field(repr=False)
    n_deterministic: int = 0

    @classmethod
    def build(cls, case: Case, entries: tuple[Entry, ...], *, candidates: int = CANDIDATES,
              extreme_candidates: int = EXTREME_CANDIDATES) -> "CaseModel":
        """Candidate routes of ``case`` (raises NoRouteError if there is none)."""
        ship, vot = case.shipment, case.settings.value_of_time_usd_per_t_day
        graph = build_graph(case.network, lot_t=ship.tonnes)  # sea links priced for the lot (corridor.sea)
        pricer = ArcPricer(graph, entries, ship.destination)  # prices sea links for the graph's lot too
        k = max(candidates, case.settings.routes)
        found = cheapest_routes(graph, ship.origin, ship.destination, k, vot)
        n_det = len(found)
        seen = {tuple(r) for r in found}
        extra = []
        for x in _extreme_points(entries, pricer.active_entries) if extreme_candidates > 0 else []:
            g2 = pricer.graph_with_weights(pricer.weights(x, vot)[:, 0])
            for r in cheapest_routes(g2, ship.origin, ship.destination, extreme_candidates, 0.0):
                if tuple(r) not in seen:
                    seen.add(tuple(r))
                    extra.append(r)
        legs = [route_legs(graph, r, ship.destination) for r in found + extra]
        totals = [route_totals(lg) for lg in legs]
        gen = [m + vot * d for m, d in totals]
        order = list(range(n_det)) + sorted(range(n_det, len(legs)), key=lambda i: gen[i])
        arc_lists = [(found + extra)[i] for i in order]
        legs = [legs[i] for i in order]
        money = np.array([totals[i][0] for i in order])
        days = np.array([totals[i][1] for i in order])
        return cls(case=case, entries=entries, graph=graph, pricer=pricer,
                   routes=RouteSet(pricer, arc_lists, money, days, vot), legs=legs, n_deterministic=n_det)

    @property
    def vot(self) -> float:
        return self.case.settings.value_of_time_usd_per_t_day

    def price(self, x: np.ndarray, metric: str = "generalized") -> np.ndarray:
        """Cost of every candidate (routes x columns of ``x``): ``generalized`` or ``cost`` (money) per tonne."""
        money, days = self.routes.price(x)
        return money if metric == "cost" else money + self.vot * days

    def label(self, i: int) -> str:
        nodes = self.case.network.nodes
        from .routes import key_nodes

        return route_label(key_nodes(self.legs[i], nodes), nodes)


def _extreme_points(entries: tuple[Entry, ...], active: list[int]) -> list[np.ndarray]:
    """Entry values (entries x 1) at each end of each group's range, others unchanged, and the two corners."""
    points = []
    names = groups(entries)
    for g in names:
        members = [i for i in active if entries[i].group == g]
        if not members:
            continue
        for side in (0, 1):
            x = np.full((len(entries), 1), np.nan)
            for i in members:
                x[i, 0] = entries[i].bounds()[side]
            points.append(x)
    if active:
        for side in (0, 1):
            x = np.full((len(entries), 1), np.nan)
            for i in active:
                x[i, 0] = entries[i].bounds()[side]
            points.append(x)
    return points


class CoverageCheck:
    """Is the cheapest candidate the cheapest route of all? Exact, per draw, on the drawn arc costs.

    A shortest path over all paths (scipy's Dijkstra, many start states at once) bounds the cheapest route from
    below; when it is not below the cheapest candidate the draw is covered. Otherwise the path is taken if it is a
    valid route, else the k-cheapest search (networkx, validity filter) finds the cheapest valid route.
    """

    def __init__(self, model: CaseModel):
        from scipy.sparse import csr_matrix

        self.model = model
        graph = model.graph
        ship = model.case.shipment
        tails = graph.arcs["tail"].to_numpy()
        heads = graph.arcs["head"].to_numpy()
        n = len(graph.states)
        order = np.lexsort((heads, tails))
        pair_t, pair_h = tails[order], heads[order]
        starts = np.flatnonzero(np.r_[True, (pair_t[1:] != pair_t[:-1]) | (pair_h[1:] != pair_h[:-1])])
        self.order, self.starts = order, starts
        ut, uh = pair_t[starts], pair_h[starts]
        probe = csr_matrix((np.arange(1, len(starts) + 1, dtype=float), (ut, uh)), shape=(n, n))
        self.perm = probe.data.astype(np.int64) - 1  # csr data position -> pair number
        self.csr = probe
        self.pair_of = {(int(t), int(h)): j for j, (t, h) in enumerate(zip(ut, uh))}
        self.origin_states = graph.origin_states(ship.origin)
        self.dest_states = np.array(graph.destination_states(ship.destination))

    def misses(self, x: np.ndarray, best: np.ndarray) -> int:
        """Number of draws (columns of ``x``) in which a route outside the candidates is cheaper than ``best``."""
        from scipy.sparse.csgraph import dijkstra

        if x.shape[1] == 0:
            return 0
        model = self.model
        w = model.pricer.weights(x, model.vot)
        missed = 0
        for j in range(x.shape[1]):
            wj = w[:, j]
            pair_w = np.minimum.reduceat(wj[self.order], self.starts)
            self.csr.data = pair_w[self.perm]
            dist, pred, _ = dijkstra(self.csr, indices=self.origin_states, min_only=True, return_predecessors=True)
            end = self.dest_states[np.argmin(dist[self.dest_states])]
            tol = 1e-9 * max(1.0, abs(best[j]))
            if dist[end] >= best[j] - tol:
                continue
            arcs, s = [], int(end)
            while pred[s] >= 0:
                t = int(pred[s])
                parallel = self._pair_arcs(self.pair_of[(t, s)])
                arcs.append(int(parallel[np.argmin(wj[parallel])]))
                s = t
            arcs.reverse()
            if not is_valid(model.graph, arcs):
                ship = model.case.shipment
                g2 = model.pricer.graph_with_weights(wj)
                arcs = cheapest_routes(g2, ship.origin, ship.destination, 1, 0.0)[0]
                if wj[arcs].sum() >= best[j] - tol:
                    continue
            missed += 1
        return missed

    def _pair_arcs(self, p: int) -> np.ndarray:
        """The arcs joining the p-th (tail, head) pair of states."""
        stop = self.starts[p + 1] if p + 1 < len(self.starts) else len(self.order)
        return self.order[self.starts[p]:stop]


# ----- Monte Carlo -------------------------------------------------------------------------------------

def simulate(model: CaseModel, *, draws: int, seed: int = 0, chunk: int = CHUNK, check_share: float = CHECK_SHARE,
             progress: Progress | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray, int, int]:
    """Price ``draws`` draws of every candidate of ``model``.

    Returns
    -------
    cost, generalized : ndarray (candidates x draws)
    wins : ndarray
        Number of draws in which each candidate is the cheapest by generalized cost (ties go to the lower rank).
    checked, missed : int
        Draws checked exactly (every ``round(1 / check_share)``-th draw, from draw 0) and those not covered.
    """
    entries = model.entries
    n_groups = len(groups(entries))
    n_routes = len(model.routes.arc_lists)
    cost = np.empty((n_routes, draws))
    gen = np.empty((n_routes, draws))
    wins = np.zeros(n_routes, dtype=np.int64)
    step = max(1, int(round(1.0 / check_share))) if check_share > 0 else 0
    check = CoverageCheck(model) if step else None
    checked = missed = 0
    for start in range(0, draws, chunk):
        stop = min(start + chunk, draws)
        x = entry_values(entries, sample_uniforms(seed, n_groups, start, stop))
        money, days = model.routes.price(x)
        g = money + model.vot * days
        cost[:, start:stop] = money
        gen[:, start:stop] = g
        best = np.argmin(g, axis=0)
        wins += np.bincount(best, minlength=n_routes)
        if check is not None:
            sel = np.arange(-(-start // step) * step, stop, step) - start
            missed += check.misses(x[:, sel], g[best[sel], sel])
            checked += len(sel)
        if progress is not None:
            progress.update(stop - start)
    return cost, gen, wins, checked, missed


def run_draws(scenario: Scenario, *, draws: int, seed: int = 0, chunk: int = CHUNK, check_share: float = CHECK_SHARE,
              candidates: int = CANDIDATES, progress: bool | None = None, flows: dict | None = None) -> Results:
    """Solve every case with ``draws`` draws of the scenario's ``[[uncertainty]]`` entries.

    Parameters
    ----------
    scenario : Scenario
    draws : int
        Number of draws (at least 1).
    seed : int
        Seed of the draws; the same seed gives the same numbers bit for bit.
    chunk : int
        Draws priced at once (memory; the numbers do not depend on it).
    check_share : float
        Share of the draws checked by an exact shortest-path search (0 to skip the check).
    candidates : int
        k of the k-cheapest search at the file values.
    progress : bool or None
        Show a progress bar on stderr (None: only if stderr is a terminal).
    flows : dict or None
        Allocations of the cases with ``[flows]`` (deterministic), passed on to the Results.

    Returns
    -------
    Results
        ``routes`` lists the deterministic top routes of each case (``settings.routes``) and any other candidate
        that was cheapest in some draw, with ``p10_usd_per_t`` .. ``p90_generalized_usd_per_t`` and ``p_cheapest``;
        ``uncertainty`` maps each case to its :class:`CaseDraws`.

    Examples
    --------
    >>> res = corridor.run(corridor.load_scenario("scenarios/test_shipment_2015_uncertainty.toml"), draws=100_000, seed=1)
    >>> res.routes[["route", "p10_usd_per_t", "p50_usd_per_t", "p90_usd_per_t", "p_cheapest"]]
    """
    if isinstance(draws, bool) or not isinstance(draws, (int, np.integer)) or draws < 1:
        raise InputError(f"draws must be a whole number of at least 1, got {draws!r}")
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise InputError(f"seed must be a whole number of at least 0, got {seed!r}")
    if not scenario.uncertainty:
        raise InputError(f"{scenario.source}: no [[uncertainty]] entries to draw from "
                         "(add some, see the README's 'Uncertainty' section)")
    routes, legs, failures, per_case = [], [], {}, {}
    bar = Progress(draws * len(scenario.cases), "draws", enabled=progress)
    with bar:
        for case in scenario.cases:
            if case.shipment is None:  # a flows-only case: its allocation is deterministic
                bar.update(draws)
                continue
            try:
                model = CaseModel.build(case, scenario.uncertainty, candidates=candidates)
            except NoRouteError as err:
                failures[case.name] = str(err)
                bar.update(draws)
                continue
            cost, gen, wins, checked, missed = simulate(model, draws=draws, seed=int(seed), chunk=chunk,
                                                        check_share=check_share, progress=bar)
            if not (np.isfinite(cost).all() and np.isfinite(gen).all()):
                raise InputError(f"{scenario.source}: case '{case.name}': some draws give a cost that is not a finite "
                                 "number (check the ranges of the [[uncertainty]] entries)")
            keep = [i for i in range(len(wins)) if i < case.settings.routes or wins[i] > 0]
            r, lg = describe_routes(case, model.graph, [model.routes.arc_lists[i] for i in keep],
                                    ranks=[i + 1 for i in keep])
            pc = np.percentile(cost[keep], [10, 50, 90], axis=1)
            pg = np.percentile(gen[keep], [10, 50, 90], axis=1)
            share = wins[keep] / draws
            for j, row in enumerate(r):
                row.update(p10_usd_per_t=pc[0, j], p50_usd_per_t=pc[1, j], p90_usd_per_t=pc[2, j],
                           p10_generalized_usd_per_t=pg[0, j], p50_generalized_usd_per_t=pg[1, j],
                           p90_generalized_usd_per_t=pg[2, j], p_cheapest=share[j])
            routes += r
            legs += lg
            per_case[case.name] = CaseDraws(case=case.name, ranks=[i + 1 for i in keep], labels=[x["route"] for x in r],
                                            cost=cost[keep], generalized=gen[keep], p_cheapest=share, draws=draws,
                                            seed=int(seed), checked=checked, missed=missed,
                                            candidates=len(model.routes.arc_lists))
    return Results.build(scenario=scenario, routes=routes, legs=legs, failures=failures, uncertainty=per_case,
                         flows=flows)


# ----- tornado -----------------------------------------------------------------------------------------

def _display(group: str) -> str:
    return group.lstrip("\0")


def _cases(scenario: Scenario, case: str | None) -> list[Case]:
    if case is None:
        return list(scenario.cases)
    try:
        return [scenario.case(case)]
    except KeyError as err:
        raise InputError(f"{scenario.source}: {err.args[0]}") from None


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
        places; a third route may still become the cheapest, see ``cheapest_*``), ``cheapest_low``, ``cheapest_high`` (rank of the cheapest route),
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
        names = [g for g in groups(entries) if any(entries[i].group == g for i in model.pricer.active_entries)]
        cols = [np.full(len(entries), np.nan)]
        for g in names:
            for side in (0, 1):
                x = np.full(len(entries), np.nan)
                for i, e in enumerate(entries):
                    if e.group == g:
                        x[i] = e.bounds()[side]
                cols.append(x)
        v = model.price(np.stack(cols, axis=1), metric)
        best = v.min(axis=0)
        gap = v[1] - v[0] if len(v) > 1 else np.full(v.shape[1], np.nan)
        winner = np.argmin(v, axis=0) + 1
        for j, g in enumerate(names):
            lo, hi = 1 + 2 * j, 2 + 2 * j
            first = next(e for e in entries if e.group == g)
            rows.append(dict(case=c.name, parameter=_display(g), how=first.how, low=first.bounds()[0],
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

    def to_dict(self) -> dict:
        return {k: (list(v) if isinstance(v, tuple) else v) for k, v in self.__dict__.items()}

    def __str__(self) -> str:
        a, b = self.routes
        unit = "x the file value" if self.how == "scale" else self.column
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
              candidates: int = CANDIDATES) -> list[BreakEven]:
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
    list of BreakEven
        ``value`` found by bisection to machine precision; None if the two routes do not cross within the range.

    Examples
    --------
    >>> from corridor.uncertainty import breakeven
    >>> breakeven(s, "RZD tariff", ("rajin", "tianjin"), within=(0.2, 1.5))

    Cases left out (no route, the input selects nothing there, a route not found) are listed with the reason in
    the returned list's ``skipped`` attribute.
    """
    _check_metric(metric)
    entries, members, label, lo, hi = _parameter(scenario, parameter, within)
    if len(routes) != 2:
        raise InputError(f"breakeven needs two routes, got {len(routes)}")
    out, skipped = BreakEvens(), []
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

        def gap(values: np.ndarray) -> np.ndarray:
            x = np.full((len(entries), len(values)), np.nan)
            x[members] = values
            v = model.price(x, metric)
            return v[a] - v[b]

        grid = np.linspace(lo, hi, 129)
        f = gap(grid)
        sign = np.sign(f)
        cross = np.flatnonzero((sign[:-1] * sign[1:] <= 0) & ~((sign[:-1] == 0) & (sign[1:] == 0)))
        value = None
        if len(cross):
            i = cross[0]
            x0, x1, f0 = grid[i], grid[i + 1], f[i]
            if f0 == 0:
                value = float(x0)
            else:
                for _ in range(200):
                    mid = 0.5 * (x0 + x1)
                    if mid in (x0, x1):
                        break
                    fm = gap(np.array([mid]))[0]
                    if fm == 0:
                        x0 = x1 = mid
                        break
                    if np.sign(fm) == np.sign(f0):
                        x0, f0 = mid, fm
                    else:
                        x1 = mid
                value = float(x0 if abs(gap(np.array([x0]))[0]) <= abs(gap(np.array([x1]))[0]) else x1)
        out.append(BreakEven(case=c.name, parameter=label, how=entries[members[0]].how,
                             column=entries[members[0]].column, routes=(model.label(a), model.label(b)),
                             ranks=(a + 1, b + 1), value=value, low=float(lo), high=float(hi),
                             gap_low=float(f[0]), gap_high=float(f[-1]), metric=metric))
    if not out:
        raise InputError(f"{scenario.source}: no case has both routes and {label}" +
                         (f" ({'; '.join(skipped)})" if skipped else ""))
    out.skipped = skipped
    return out


class BreakEvens(list):
    """The :class:`BreakEven` of each case; ``skipped`` lists the cases left out and why."""

    skipped: list[str] = []


def _check_metric(metric: str) -> None:
    if metric not in ("generalized", "cost"):
        raise InputError(f"metric must be 'generalized' or 'cost', got {metric!r}")


def _parameter(scenario: Scenario, parameter, within) -> tuple[tuple[Entry, ...], list[int], str, float, float]:
    entries = scenario.uncertainty
    if isinstance(parameter, dict):
        from .sampling import parse_entries

        if within is None:
            raise InputError("breakeven on a selection needs within=(low, high)")
        ck = Checker(scenario.source)
        raw = {"distribution": "uniform", "low": float(min(within)), "high": float(max(within)), **parameter}
        parsed = parse_entries(ck, [raw], scenario.network)
        if ck.problems:
            raise InputError(ck.problems)
        entries = tuple(entries) + parsed
        members = [len(entries) - 1]
        label = parsed[0].name
    else:
        members = [i for i, e in enumerate(entries) if e.name == parameter or _display(e.group) == parameter]
        if not members:
            known = sorted({e.name for e in entries} | {_display(e.group) for e in entries})
            raise InputError(f"{scenario.source}: no uncertainty entry or group named {parameter!r} "
                             f"(known: {', '.join(known) or 'none'})")
        label = parameter
        if len({entries[i].how for i in members}) > 1:
            raise InputError(f"{scenario.source}: group {parameter!r} mixes 'scale' and 'value' entries; "
                             "name one entry")
    lo, hi = within if within is not None else entries[members[0]].bounds()
    if not (np.isfinite(lo) and np.isfinite(hi)) or lo >= hi or lo < 0:
        raise InputError(f"the break-even range must be two numbers 0 <= low < high, got {lo!r}, {hi!r}")
    if entries[members[0]].column in POSITIVE_COLUMNS and lo <= 0:
        raise InputError(f"{entries[members[0]].column} must stay above 0: start the range above 0")
    return entries, members, label, float(lo), float(hi)


def _pick_route(model: CaseModel, spec) -> int:
    """Candidate index of a route given by rank (int or digits) or by a node it passes through."""
    n = len(model.routes.arc_lists)
    if isinstance(spec, (int, np.integer)) or (isinstance(spec, str) and spec.isdigit()):
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
    for i, legs in enumerate(model.legs):
        if wanted & set(legs["from"]) | wanted & set(legs["to"]):
            return i
    raise InputError(f"no candidate route of case '{model.case.name}' passes through {spec!r}")
