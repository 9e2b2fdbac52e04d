"""Sweeps: one input moved over a range, the best route through each gateway at every step, the exact values where
the cheapest route changes between steps, and the cheapest corridor over a plane of two inputs.

The input is an ``[[uncertainty]]`` entry (or group) by name, or a selection written as in ``[[cases.change]]``:
``{"table": "links", "where": {"country": "RU"}, "column": "tariff_usd_per_tkm", "as": "scale"}`` (``as``:
``scale``, the default, multiplies the file values; ``value`` sets them). At each step the case's arcs are priced
with the input at that value (:class:`~corridor.uncertainty.reprice.ArcPricer`, the same pricing as the draws and
the break-even) and the best route through each gateway (:mod:`corridor.corridors`) and the cheapest route overall
are searched directly. Every route found is then priced along the whole range, so a route's cost between steps is
exact, and where the cheapest route changes between two steps the value is found by Brent's method to machine
precision on the difference of the two routes' costs, as :func:`~corridor.uncertainty.sensitivity.breakeven` finds
it. A ``path`` adds one fixed route, priced at every step without switching path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .. import costs
from .._validate import Checker
from ..case import Case
from ..corridors import GatewaySearch, shipment_gateways
from ..errors import InputError, NoRouteError
from ..graph import build_graph
from ..legs import corridor_label, key_nodes, route_label, route_legs
from ..restrict import path_restriction
from ..routes import no_route_message
from ..scenario import Scenario
from ._entry_parse import parse_entries
from .entries import POSITIVE_COLUMNS, Entry
from .reprice import ArcPricer, RouteSet

TABLE_COLUMNS = ["case", "value", "gateway", "kind", "route", "corridor", "cost_usd_per_t", "generalized_usd_per_t",
                 "cheapest"]
BREAKEVEN_COLUMNS = ["case", "value", "low", "high", "usd_per_t", "below", "above", "below_corridor",
                     "above_corridor", "corridor_changes"]
MAX_SPLITS = 8  # how many routes may take turns being the cheapest between two steps


def parse_selection(text: str, how: str = "scale") -> dict | str:
    """A parameter named on the command line: an entry name, or ``table[key=value,key=a|b].column`` (the default name
    of an entry made from a selection, e.g. ``links[country=RU,mode=rail1520].tariff_usd_per_tkm``)."""
    text = text.strip()
    if "[" not in text or not text.endswith(tuple("abcdefghijklmnopqrstuvwxyz0123456789_")):
        return text
    table, _, rest = text.partition("[")
    inside, _, column = rest.rpartition("].")
    where: dict = {}
    for part in filter(None, (p.strip() for p in inside.split(","))):
        key, sep, value = part.partition("=")
        if not sep:
            raise InputError(f"--param {text}: expected key=value inside [...], got {part!r}")
        values = value.split("|")
        where[key.strip()] = values if len(values) > 1 else value
    return {"table": table, "where": where, "column": column, "as": how}


def resolve(scenario: Scenario, parameter, low: float, high: float,
            entries: Sequence[Entry] | None = None) -> tuple[tuple[Entry, ...], list[int], str]:
    """The entries of ``scenario`` (plus one made from a selection), the members moved by ``parameter`` and its
    name; checks the range (0 <= low, high; above 0 for columns that must stay positive)."""
    entries = tuple(scenario.uncertainty if entries is None else entries)
    if isinstance(parameter, dict):
        ck = Checker(scenario.source)
        raw = {"distribution": "uniform", "low": float(min(low, high)), "high": float(max(low, high)), **parameter}
        parsed = parse_entries(ck, [raw], scenario.network)
        ck.raise_if_any()
        entries = (*entries, *parsed)
        members, label = [len(entries) - 1], parsed[0].name
    else:
        members = [i for i, e in enumerate(entries) if e.name == parameter or e.group_label == parameter]
        if not members:
            known = sorted({e.name for e in entries} | {e.group_label for e in entries})
            raise InputError(f"{scenario.source}: no uncertainty entry or group named {parameter!r} "
                             f"(known: {', '.join(known) or 'none'}; or give a selection such as "
                             "links[country=RU,mode=rail1520].tariff_usd_per_tkm)")
        if len({entries[i].how for i in members}) > 1:
            raise InputError(f"{scenario.source}: group {parameter!r} mixes 'scale' and 'value' entries; "
                             "name one entry")
        label = str(parameter)
    if not (np.isfinite(low) and np.isfinite(high)) or min(low, high) < 0 or low == high:
        raise InputError(f"the range must be two different numbers of at least 0, got {low!r} and {high!r}")
    if entries[members[0]].column in POSITIVE_COLUMNS and min(low, high) <= 0:
        raise InputError(f"{entries[members[0]].column} must stay above 0: start the range above 0")
    return entries, members, label


def _cases(scenario: Scenario, case: str | None) -> list[Case]:
    if case is None:
        return [c for c in scenario.cases if c.shipment is not None]
    try:
        return [scenario.case(case)]
    except KeyError as err:
        raise InputError(f"{scenario.source}: {err.args[0]}") from None


class _CaseModel:
    """One case's graph, pricer and the routes found so far, priced for any input values."""

    def __init__(self, case: Case, scenario: Scenario, entries: Sequence[Entry], metric: str):
        from ..solve import shipment_restriction

        self.case, self.metric = case, metric
        ship = case.require_shipment()
        self.origin, self.destination = ship.origin, ship.destination
        self.graph = build_graph(case.network, lot_t=ship.tonnes, origins=[ship.origin])
        self.pricer = ArcPricer(self.graph, entries)
        self.restriction = shipment_restriction(self.graph, case)
        self.gateways = shipment_gateways(scenario.network, ship.origin, ship.destination)
        self.search = GatewaySearch(self.graph, ship.origin, ship.destination, self.gateways, self.restriction)
        self.finder = self.search.finder
        self.arcs: list[list[int]] = []
        self.index: dict[tuple, int] = {}
        self._set: RouteSet | None = None

    def weights(self, x: np.ndarray) -> np.ndarray:
        """Arc costs (arcs x columns of ``x``) by the sweep's metric."""
        s = self.case.settings
        if self.metric == "cost":
            w = np.repeat(self.graph.money()[:, None], x.shape[1], axis=1)
            if len(self.pricer.var_arcs):
                dm, _ = self.pricer.deltas(self.pricer.var_arcs, self.pricer.cells(x), x.shape[1])
                w[self.pricer.var_arcs] += dm
            return w
        return self.pricer.weights(x, s.value_of_time_usd_per_t_day, s.carbon_price_usd_per_t_co2)

    def add(self, arcs: list[int]) -> int:
        key = tuple(arcs)
        if key not in self.index:
            self.index[key] = len(self.arcs)
            self.arcs.append(list(arcs))
            self._set = None
        return self.index[key]

    def best(self, w: np.ndarray, restriction=None) -> list[int]:
        """The cheapest route by ``w`` (under the shipment's restriction, or ``restriction``)."""
        restriction = restriction if restriction is not None else self.restriction
        found = self.finder(w, restriction)
        if found is None:
            raise NoRouteError(no_route_message(self.graph, self.origin, self.destination, restriction))
        return found

    def price(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Money and generalized cost per tonne of every route found (routes x columns of ``x``)."""
        if self._set is None:
            legs = [route_legs(self.graph, a) for a in self.arcs]
            totals = [costs.route_totals(lg) for lg in legs]
            s = self.case.settings
            self._set = RouteSet(self.pricer, self.arcs, np.array([t[0] for t in totals]),
                                 np.array([t[1] for t in totals]), s.value_of_time_usd_per_t_day,
                                 co2=np.array([float(lg["co2_kg_per_t"].sum()) for lg in legs]),
                                 carbon=s.carbon_price_usd_per_t_co2)
            nodes = self.case.network.nodes
            self.labels = [route_label(key_nodes(lg, nodes), nodes) for lg in legs]
            self.corridors = [corridor_label(lg, nodes) for lg in legs]
        money, days = self._set.price(x)
        return money, self._set.generalized(money, days, x)

    def metric_values(self, x: np.ndarray) -> np.ndarray:
        money, gen = self.price(x)
        return money if self.metric == "cost" else gen


@dataclass
class Sweep:
    """The result of :func:`sweep`.

    Attributes
    ----------
    table : DataFrame
        Tidy: one row per case, value and gateway (and ``"cheapest"``, the best route overall; ``"fixed path"`` with a
        ``path``): the best route through it at that value, its corridor, money and generalized cost per tonne, and
        ``cheapest`` (it is the cheapest route of all at that value).
    breakevens : DataFrame
        One row per change of the cheapest route: the ``value`` where the routes ``below`` and ``above`` it cost the
        same (between the steps ``low`` and ``high``), that cost (``usd_per_t``, by the sweep's metric), their
        corridors, and whether the corridor changes.
    """

    parameter: str
    how: str
    column: str
    metric: str
    values: np.ndarray
    table: pd.DataFrame
    breakevens: pd.DataFrame
    scenario: str = ""
    skipped: list[str] = field(default_factory=list)

    def plot(self, case: str | None = None):
        """Cost per gateway against the input, break-evens marked (:func:`corridor.plot.sweep.sweep_chart`)."""
        from ..plot.sweep import sweep_chart

        return sweep_chart(self, case)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "parameter": self.parameter, "as": self.how, "column": self.column,
                "metric": self.metric, "values": [float(v) for v in self.values],
                "rows": self.table.to_dict(orient="records"),
                "breakevens": self.breakevens.to_dict(orient="records"), "skipped": list(self.skipped)}


def sweep(scenario: Scenario, parameter, start: float, stop: float, steps: int = 21, *, case: str | None = None,
          metric: str = "generalized", path=None) -> Sweep:
    """Move one input from ``start`` to ``stop`` in ``steps`` even steps; the best route through each gateway at
    each step and the exact values where the cheapest route changes (see the module docstring).

    Parameters
    ----------
    scenario : Scenario
    parameter : str or dict
        An ``[[uncertainty]]`` entry or group name, or a selection ``{"table", "where", "column", "as"}``.
    start, stop : float
        The range, in the entry's terms (a multiplier for ``as = "scale"``, the value itself for ``"value"``).
    steps : int
        Number of values, ends included (at least 2).
    case : str, optional
        One case (default: every case with a shipment).
    metric : {"generalized", "cost"}
        What the routes are ranked and compared by.
    path : list of str or dict, optional
        A fixed route (node ids or link ids, as :func:`corridor.price_path`) to price at every step as well.

    Examples
    --------
    >>> s = corridor.load_scenario("scenarios/test_shipment_2015_uncertainty.toml")
    >>> sw = corridor.uncertainty.sweep(s, "RZD transit rate", 0.3, 1.5, 13, case="baseline")
    >>> sw.breakevens[["value", "below", "above"]]
    """
    if metric not in ("generalized", "cost"):
        raise InputError(f"metric must be 'generalized' or 'cost', got {metric!r}")
    if isinstance(steps, bool) or not isinstance(steps, (int, np.integer)) or steps < 2:
        raise InputError(f"steps must be a whole number of at least 2, got {steps!r}")
    entries, members, label = resolve(scenario, parameter, float(start), float(stop))
    values = np.linspace(float(start), float(stop), int(steps))
    rows, switches, skipped = [], [], []
    for c in _cases(scenario, case):
        model = _CaseModel(c, scenario, entries, metric)
        if not any(i in model.pricer.active_entries for i in members):
            skipped.append(f"case '{c.name}': {label} changes no arc of its network")
            if case is not None:
                raise InputError(f"{scenario.source}: {label} selects nothing in case '{c.name}'")
            continue
        x = _column(len(entries), members, values)
        w = model.weights(x)
        per_step = []
        try:
            for j in range(len(values)):
                overall = model.add(model.best(w[:, j]))
                found = [(gb.gateway, model.add(gb.arcs)) for gb in model.search(w[:, j]) if gb.arcs is not None]
                per_step.append((overall, found))
        except NoRouteError as err:
            skipped.append(f"case '{c.name}': {err}")
            continue
        fixed = None
        if path is not None:
            from ..solve import _path_spec

            by, ids = _path_spec(path, scenario.network)
            try:
                fixed = model.add(model.best(model.graph.weights(0.0), path_restriction(model.graph, **{by: ids})))
            except NoRouteError as err:
                skipped.append(f"case '{c.name}': the fixed path: {err}")
        money, gen = model.price(x)
        metric_v = money if metric == "cost" else gen
        for j, (overall, found) in enumerate(per_step):
            entries_j = [("cheapest", "cheapest", overall)] + [(g.label, g.kind, i) for g, i in found]
            if fixed is not None:
                entries_j.append(("fixed path", "path", fixed))
            floor = metric_v[overall, j] + 1e-9 * abs(metric_v[overall, j])
            for gateway, kind, i in entries_j:
                rows.append(dict(case=c.name, value=float(values[j]), gateway=gateway, kind=kind,
                                 route=model.labels[i], corridor=model.corridors[i],
                                 cost_usd_per_t=float(money[i, j]), generalized_usd_per_t=float(gen[i, j]),
                                 cheapest=bool(metric_v[i, j] <= floor)))
        switches += _breakevens(model, entries, members, values, [p[0] for p in per_step])
    first = entries[members[0]]
    return Sweep(parameter=label, how=first.how, column=first.column, metric=metric, values=values,
                 table=pd.DataFrame(rows, columns=TABLE_COLUMNS),
                 breakevens=pd.DataFrame(switches, columns=BREAKEVEN_COLUMNS), scenario=scenario.name,
                 skipped=skipped)


def _column(n_entries: int, members: list[int], values: np.ndarray) -> np.ndarray:
    x = np.full((n_entries, len(values)), np.nan)
    x[members] = values
    return x


def _breakevens(model: _CaseModel, entries, members, values: np.ndarray, best: list[int]) -> list[dict]:
    """Where the cheapest route changes between consecutive steps: exact values by Brent's method."""
    from scipy.optimize import brentq

    def cost(v: float) -> np.ndarray:
        return model.metric_values(_column(len(entries), members, np.array([v])))[:, 0]

    def gap(v: float, a: int, b: int) -> float:
        c = cost(v)
        return float(c[a] - c[b])

    def split(lo: float, hi: float, a: int, b: int, depth: int) -> list[tuple[float, int, int]]:
        """Routes taking turns as the cheapest from ``a`` (cheapest at ``lo``) to ``b`` (at ``hi``)."""
        f_lo, f_hi = gap(lo, a, b), gap(hi, a, b)
        if f_lo == 0:
            v = lo
        elif f_hi == 0:
            v = hi
        elif np.sign(f_lo) == np.sign(f_hi):  # a and b do not cross here: another route came in between
            v = (lo + hi) / 2
        else:
            v = float(brentq(gap, lo, hi, args=(a, b), xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200))
        c = cost(v)
        third = int(np.argmin(c))
        tol = 1e-9 * max(1.0, abs(c[a]))
        if c[third] < min(c[a], c[b]) - tol and depth < MAX_SPLITS and third not in (a, b):
            return split(lo, v, a, third, depth + 1) + split(v, hi, third, b, depth + 1)
        return [(v, a, b)]

    out = []
    for j in range(len(values) - 1):
        a, b = best[j], best[j + 1]
        if a == b:
            continue
        lo, hi = float(values[j]), float(values[j + 1])
        for v, p, q in split(lo, hi, a, b, 0):
            out.append(dict(case=model.case.name, value=v, low=min(lo, hi), high=max(lo, hi),
                            usd_per_t=float(cost(v)[p]),
                            below=model.labels[p] if lo < hi else model.labels[q],
                            above=model.labels[q] if lo < hi else model.labels[p],
                            below_corridor=model.corridors[p] if lo < hi else model.corridors[q],
                            above_corridor=model.corridors[q] if lo < hi else model.corridors[p],
                            corridor_changes=model.corridors[p] != model.corridors[q]))
    return out


@dataclass
class SweepMap:
    """The result of :func:`sweep_map`: the cheapest route and its corridor at each point of a grid of two inputs.

    ``table`` has one row per case and point: ``value_x``, ``value_y``, ``route``, ``corridor``, ``cost_usd_per_t``,
    ``generalized_usd_per_t``.
    """

    parameters: tuple[str, str]
    hows: tuple[str, str]
    metric: str
    values_x: np.ndarray
    values_y: np.ndarray
    table: pd.DataFrame
    scenario: str = ""
    skipped: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {"scenario": self.scenario, "parameters": list(self.parameters), "as": list(self.hows),
                "metric": self.metric, "rows": self.table.to_dict(orient="records"), "skipped": list(self.skipped)}

    def plot(self, case: str | None = None):
        """The plane coloured by the cheapest corridor (:func:`corridor.plot.sweep.sweep_map_chart`)."""
        from ..plot.sweep import sweep_map_chart

        return sweep_map_chart(self, case)


def sweep_map(scenario: Scenario, x: tuple, y: tuple, *, case: str | None = None,
              metric: str = "generalized") -> SweepMap:
    """The cheapest route and corridor over a grid of two inputs.

    ``x`` and ``y`` are ``(parameter, start, stop, steps)``, each parameter as in :func:`sweep`.
    """
    if metric not in ("generalized", "cost"):
        raise InputError(f"metric must be 'generalized' or 'cost', got {metric!r}")
    (px, x0, x1, nx_), (py, y0, y1, ny_) = x, y
    for n in (nx_, ny_):
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 2:
            raise InputError(f"steps must be a whole number of at least 2, got {n!r}")
    entries, mx, lx = resolve(scenario, px, float(x0), float(x1))
    entries, my, ly = resolve(scenario, py, float(y0), float(y1), entries)
    if set(mx) & set(my):
        raise InputError(f"{lx} and {ly} move the same entry: give two different inputs")
    vx, vy = np.linspace(float(x0), float(x1), int(nx_)), np.linspace(float(y0), float(y1), int(ny_))
    gx, gy = np.meshgrid(vx, vy, indexing="xy")
    cols = np.full((len(entries), gx.size), np.nan)
    cols[mx] = gx.ravel()
    cols[my] = gy.ravel()
    rows, skipped = [], []
    for c in _cases(scenario, case):
        model = _CaseModel(c, scenario, entries, metric)
        w = model.weights(cols)
        try:
            best = [model.add(model.best(w[:, j])) for j in range(cols.shape[1])]
        except NoRouteError as err:
            skipped.append(f"case '{c.name}': {err}")
            continue
        money, gen = model.price(cols)
        for j, i in enumerate(best):
            rows.append(dict(case=c.name, value_x=float(gx.ravel()[j]), value_y=float(gy.ravel()[j]),
                             route=model.labels[i], corridor=model.corridors[i], cost_usd_per_t=float(money[i, j]),
                             generalized_usd_per_t=float(gen[i, j])))
    return SweepMap(parameters=(lx, ly), hows=(entries[mx[0]].how, entries[my[0]].how), metric=metric,
                    values_x=vx, values_y=vy, table=pd.DataFrame(rows), scenario=scenario.name, skipped=skipped)
