"""The model's value for each observation of a case, at the file values or at any values of the scenario's
uncertain entries (fast enough to be called by a least-squares fit).

What the model value is, by kind and place (``observations.csv``):

- **cost_usd_per_t / transit_days of a route** (``origin``, ``destination``, optional ``via``): the money or the days
  of the cheapest route by generalized cost (the case's value of time and carbon price), through every ``via``
  element; sea legs priced for full ships (as in an allocation). The cheapest is taken among the
  :data:`CANDIDATES` cheapest routes at the file values and the cheapest at either end of each uncertain range;
- **cost / days / border_hours of an element**: a node's pass charge or time, a link's money or days, a transfer's
  charge or dwell; a crossing ``a/b``: the pass of ``a``, the crossing link (the cheapest of parallel links), the pass
  of ``b`` and the dearest transloading between two land modes at ``a`` or ``b`` (a break of gauge or a truck-to-rail
  yard), i.e. what a tonne pays from arriving at ``a`` to leaving ``b``;
- **flow_mt_per_year** (compared only in a case with ``[flows]`` whose ``year`` is the observation's): through an
  element, the flow it carries as its capacity row counts it (a node: the flow entering it by links; a link: both
  directions; a crossing: its links); from an ``origin`` (to a ``destination``, via elements), the sum of the
  allocation's routes that match.

The allocation is solved behind :class:`FlowSolver` (:class:`LeastCostFlows` or :class:`LogitFlows`), which takes arc
costs and returns arc flows and routes, so that a faster solver can take its place.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import islice
from typing import Any, Protocol

import numpy as np

from .. import costs, schema
from ..case import Case
from ..graph import RoutingGraph, build_graph
from ..restrict import Restriction, through_arcs
from ..routes import routes_in_order
from ..uncertainty.entries import Entry, dispersion, groups
from ..uncertainty.reprice import ArcPricer
from .observations import COST, DAYS, FLOW, HOURS, Observation

CANDIDATES = 5  # routes per route observation at the file values (and the cheapest at each end of each range)
LAND = tuple(m for m in schema.MODES if m != "sea")
CARGO = "MN"  # the cargo whose layers an element is read in, with transit regimes (Mongolian coal)


@dataclass
class FlowState:
    """What a flow solver returns: Mt/yr on each arc and the routes ``(origin, destination, arcs, Mt/yr)``."""

    arc_flow: np.ndarray
    paths: list[tuple[str, str, tuple[int, ...], float]]


class FlowSolver(Protocol):
    """Allocates a case's flows for given arc costs (USD/t) and logit dispersion."""

    def solve(self, weights: np.ndarray, dispersion_usd_per_t: float | None) -> FlowState: ...


class LeastCostFlows:
    """The least-cost LP (:mod:`corridor.flows`) with new arc costs each time."""

    def __init__(self, problem):
        self.problem = problem

    def solve(self, weights: np.ndarray, dispersion_usd_per_t: float | None = None) -> FlowState:
        from ..flows import decompose, solve_problem

        p = self.problem
        c = p.c.copy()
        c[:p.n_arcs] = weights
        changed = replace(p, c=c)
        x = solve_problem(changed).x
        x = np.clip(x, 0.0, None)
        paths = [(p.origins[o], p.destinations[d], arcs, amt) for o, d, arcs, amt in decompose(changed, x)]
        return FlowState(arc_flow=x[:p.n_arcs], paths=paths)


class LogitFlows:
    """The logit allocation (:mod:`corridor.flows.logit`) on the path set of the file values, warm-started from the
    previous solution."""

    def __init__(self, problem, paths: int):
        from ..flows.logit import path_set

        self.problem = problem
        self.paths = path_set(problem, paths)
        self._last: Any = None

    def solve(self, weights: np.ndarray, dispersion_usd_per_t: float | None) -> FlowState:
        from ..flows.logit import solve_logit

        p, ps = self.problem, self.paths
        n_orig = len(p.origins)
        sol = solve_logit(ps, ps.costs(weights), p.supply, p.demand, p.b_ub[n_orig:], float(dispersion_usd_per_t or 0),
                          p.unserved_penalty_usd_per_t, start=self._last)
        self._last = sol
        arc_flow = np.asarray(ps.arc_matrix.T @ sol.flow).ravel() if len(ps) else np.zeros(p.n_arcs)
        paths = [(p.origins[o], p.destinations[d], arcs, float(f))
                 for o, d, arcs, f in zip(ps.origin, ps.destination, ps.arcs, sol.flow)]
        return FlowState(arc_flow=arc_flow, paths=paths)


def flow_solver(case: Case, graph: RoutingGraph) -> FlowSolver:
    """The solver of a case's ``[flows]``: least-cost or logit."""
    from ..flows import flow_problem

    f = case.require_flows()
    problem = flow_problem(graph, f.supply, f.demand, unserved_penalty_usd_per_t=f.unserved_penalty_usd_per_t,
                           value_of_time_usd_per_t_day=case.settings.value_of_time_usd_per_t_day,
                           carbon_price_usd_per_t_co2=case.settings.carbon_price_usd_per_t_co2)
    return LogitFlows(problem, f.paths) if f.assignment == "logit" else LeastCostFlows(problem)


@dataclass
class _Route:
    candidates: list[list[int]]


@dataclass
class _Element:
    parts: list[tuple[str, np.ndarray]]  # (how, arcs): "first", "min" or "max" of the arcs' values, summed


@dataclass
class _Flow:
    arcs: np.ndarray | None = None  # element: the arcs whose flow it carries
    origin: str = ""
    destination: str = ""
    via: list[np.ndarray] = field(default_factory=list)


@dataclass
class Predictor:
    """The model value of each observation of a case, for any values of the scenario's uncertain entries.

    Build one with :meth:`build`; :attr:`compared` are the observations it can hold against the model, ``skipped``
    says why the others are not compared.
    """

    case: Case
    entries: Sequence[Entry]
    graph: RoutingGraph
    pricer: ArcPricer
    compared: list[Observation]
    skipped: dict[str, str]
    probes: list[Any]
    flows: FlowSolver | None = None

    @classmethod
    def build(cls, case: Case, observations: Sequence[Observation], entries: Sequence[Entry] = ()) -> Predictor:
        # sea legs in full ships, as in an allocation; with transit regimes, the layers of the cargo of every origin
        # (a flow's supply, a route's origin) and of Mongolian coal (an element observed is read for it)
        origins = list(dict.fromkeys([*(case.flows.supply if case.flows is not None else ()),
                                      *(o.origin for o in observations if o.origin)]))
        nodes = case.network.nodes
        mongolian = nodes.index[nodes["country"] == "MN"][:1].tolist()
        graph = build_graph(case.network, origins=[n for n in origins + mongolian if n in nodes.index] or None)
        pricer = ArcPricer(graph, entries)
        vot, carbon = case.settings.value_of_time_usd_per_t_day, case.settings.carbon_price_usd_per_t_co2
        weights0 = pricer.base_weights(vot, carbon)
        extremes = [pricer.weights(x, vot, carbon)[:, 0] for x in _extreme_points(entries, pricer.active_entries)]
        compared, skipped, probes = [], {}, []
        own = _own_layers(graph)
        flow_year = str(case.flows.year) if case.flows is not None and case.flows.year else ""
        nodes = case.network.nodes.index
        for obs in observations:
            if obs.kind == FLOW:
                if case.flows is None:
                    skipped[obs.id] = "no [flows]"
                    continue
                if obs.year != flow_year:
                    skipped[obs.id] = f"[flows] are of {flow_year}" if flow_year else "[flows] have no year"
                    continue
            missing = [n for n in _nodes_of(obs) if n not in nodes]
            if missing:
                skipped[obs.id] = f"{', '.join(missing)} not in the case's network"
                continue
            probe = _probe(graph, obs, weights0, extremes, own)
            if isinstance(probe, str):
                skipped[obs.id] = probe
                continue
            compared.append(obs)
            probes.append(probe)
        solver = flow_solver(case, graph) if any(o.kind == FLOW for o in compared) else None
        return cls(case=case, entries=entries, graph=graph, pricer=pricer, compared=compared, skipped=skipped,
                   probes=probes, flows=solver)

    def arc_values(self, x: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Generalized cost, money (USD/t) and hours of every arc at entry values ``x`` (None or NaN: file values)."""
        vot, carbon = self.case.settings.value_of_time_usd_per_t_day, self.case.settings.carbon_price_usd_per_t_co2
        p = self.pricer
        money, hours = p.base_usd.copy(), p.base_hours.copy()
        if x is None or not len(self.entries):
            return p.base_weights(vot, carbon), money, hours
        col = np.asarray(x, dtype=float).reshape(-1, 1)
        if len(p.var_arcs):
            dm, dd = p.deltas(p.var_arcs, p.cells(col), 1)
            money[p.var_arcs] += dm[:, 0]
            hours[p.var_arcs] += dd[:, 0] * costs.HOURS_PER_DAY
        return p.weights(col, vot, carbon)[:, 0], money, hours

    def dispersion(self, x: np.ndarray | None = None) -> float | None:
        """The case's logit dispersion at entry values ``x`` (None without a logit allocation)."""
        f = self.case.flows
        base = f.dispersion_usd_per_t if f is not None else None
        if x is None:
            return base
        return dispersion(base, self.entries, list(np.asarray(x, dtype=float)))

    def predict(self, x: np.ndarray | None = None) -> np.ndarray:
        """The model value of each compared observation (in the order of :attr:`compared`) at entry values ``x``."""
        weights, money, hours = self.arc_values(x)
        state = self.flows.solve(weights, self.dispersion(x)) if self.flows is not None else None
        out = np.empty(len(self.compared))
        for i, (obs, probe) in enumerate(zip(self.compared, self.probes)):
            out[i] = _value(obs, probe, weights, money, hours, state, self.graph)
        return out

    def used_rows(self, obs_index: int) -> list[tuple[str, str]]:
        """The (table, id) rows an observation's model value reads at the file values (for shared sources)."""
        obs, probe = self.compared[obs_index], self.probes[obs_index]
        if obs.kind == FLOW:  # a flow through an element is held by that element's capacity: its row
            if obs.element is None:
                return []
            ekind, ident = obs.element
            if ekind == "crossing":
                return [("nodes", n) for n in ident.split("/")]
            return [({"node": "nodes", "link": "links", "transfer": "transfers"}[ekind], ident)]
        if isinstance(probe, _Route):
            weights = self.pricer.base_weights(self.case.settings.value_of_time_usd_per_t_day,
                                               self.case.settings.carbon_price_usd_per_t_co2)
            arcs = min(probe.candidates, key=lambda a: float(weights[a].sum()))
        else:
            arcs = [int(a) for _, part in probe.parts for a in part]
        table = {"link": "links", "pass": "nodes", "transfer": "transfers"}
        kind, ref = self.graph.arcs["kind"].to_numpy(), self.graph.arcs["ref"].to_numpy()
        return list(dict.fromkeys((table[kind[a]], str(ref[a])) for a in arcs))


def _nodes_of(obs: Observation) -> list[str]:
    found = [n for n in (obs.origin, obs.destination) if n]
    for kind, ident in ([obs.element] if obs.element else []) + list(obs.via):
        if kind == "node":
            found.append(ident)
        elif kind == "crossing":
            found += ident.split("/")
    return found


def _own_layers(graph: RoutingGraph) -> np.ndarray | None:
    """With transit regimes: the arcs of Mongolian coal's layers at their own tariffs (export and import), where an
    element is read; None without regimes."""
    arcs = graph.arcs
    if "regime" not in arcs or not arcs["regime"].astype(bool).any():
        return None
    cargo = np.array([graph.states[t].cargo for t in arcs["tail"].to_numpy()], dtype=object)
    return (cargo == CARGO) & np.isin(arcs["regime"].to_numpy(), ["export", "import", ""])


def _probe(graph: RoutingGraph, obs: Observation, weights0: np.ndarray, extremes: list[np.ndarray],
           own: np.ndarray | None = None):
    """What to read for an observation, or why it cannot be compared (a str); ``own``: the arcs an element is read
    on (:func:`_own_layers`)."""
    arcs = graph.arcs
    kind, ref, node = arcs["kind"].to_numpy(), arcs["ref"].to_numpy(), arcs["node"].to_numpy()
    if own is not None and obs.kind != FLOW:
        kind = np.where(own, kind, "")
    if obs.kind == FLOW:
        if obs.element is not None:
            ekind, ident = obs.element
            if ekind == "node":
                sel = np.flatnonzero((kind == "link") & (node == ident))
            else:
                sel = through_arcs(graph, ekind, ident)
            return _Flow(arcs=sel) if len(sel) else f"{ekind} {ident} carries nothing in the case's network"
        return _Flow(origin=obs.origin, destination=obs.destination,
                     via=[through_arcs(graph, k, e) for k, e in obs.via])
    if obs.element is None:
        restriction = Restriction.build(graph, obs.via) if obs.via else None
        found: list[list[int]] = []
        for i, w in enumerate([weights0, *extremes]):
            k = CANDIDATES if i == 0 else 1
            for r in islice(routes_in_order(graph, obs.origin, obs.destination, w, restriction), k):
                if r not in found:
                    found.append(r)
        return _Route(found) if found else f"no route from {obs.origin} to {obs.destination}"
    ekind, ident = obs.element
    if ekind == "node":
        sel = np.flatnonzero((kind == "pass") & (ref == ident))
        return _Element([("first", sel)]) if len(sel) else f"node {ident} is on no link"
    if ekind in ("link", "transfer"):
        sel = np.flatnonzero((kind == ekind) & (ref == ident))
        return _Element([("first", sel)]) if len(sel) else f"{ekind} {ident} not in the case's network"
    a, _, b = ident.partition("/")
    links = np.flatnonzero((kind == "link") & (arcs["from_node"].to_numpy() == a) & (node == b))
    if not len(links):
        return f"crossing {ident} not in the case's network"
    modes = arcs["mode"].astype(str).str.split(">")
    land = np.array([len(m) == 2 and m[0] in LAND and m[1] in LAND for m in modes])
    parts = [("first", np.flatnonzero((kind == "pass") & (ref == a))), ("min", links),
             ("first", np.flatnonzero((kind == "pass") & (ref == b))),
             ("max", np.flatnonzero((kind == "transfer") & land & np.isin(node, [a, b])))]
    return _Element([p for p in parts if len(p[1])])


def _value(obs: Observation, probe, weights, money, hours, state: FlowState | None, graph: RoutingGraph) -> float:
    if isinstance(probe, _Flow):
        assert state is not None
        if probe.arcs is not None:
            return float(state.arc_flow[probe.arcs].sum())
        total = 0.0
        for o, d, arcs, amount in state.paths:
            if o != probe.origin or (probe.destination and d != probe.destination):
                continue
            if all(np.isin(v, arcs).any() for v in probe.via):
                total += amount
        return total
    values = money if obs.kind == COST else hours
    if isinstance(probe, _Route):
        best = min(probe.candidates, key=lambda a: float(weights[a].sum()))
        total = float(values[best].sum())
    else:
        total = 0.0
        for how, arcs in probe.parts:
            v = values[arcs]
            total += float(v[0] if how == "first" else v.min() if how == "min" else v.max())
    if obs.kind == DAYS:
        return float(costs.days(total))
    if obs.kind == HOURS:
        return total
    return total


def _extreme_points(entries: Sequence[Entry], active: list[int]) -> list[np.ndarray]:
    """Entry values (entries x 1) at each end of each group's range, the others at their file values."""
    points = []
    for g in groups(entries):
        members = [i for i in active if entries[i].group_key == g]
        for side in (0, 1):
            if members:
                x = np.full((len(entries), 1), np.nan)
                for i in members:
                    x[i, 0] = entries[i].bounds()[side]
                points.append(x)
    return points
