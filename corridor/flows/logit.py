"""Route choice with dispersion: annual flows spread over routes by a logit of their generalized cost, within
capacities (``[flows] assignment = "logit"``).

The model
---------
The least-cost allocation (the LP of :mod:`corridor.flows`) sends every tonne the cheapest way until a capacity
binds. Shippers do not: costs are not known to the dollar, contracts, quality and habit differ, so flows spread over
routes of similar cost. The logit allocation is the classic entropy-maximising model of combined distribution and
assignment (Wilson 1970; Evans 1976) on a set of paths ``P``: the ``paths`` cheapest routes (by generalized cost, as
:func:`corridor.routes.routes_in_order` ranks them) of every origin–destination pair. It chooses path flows
``f_p >= 0`` (Mt/yr) that minimise::

    sum_p c_p f_p  +  mu sum_p f_p (ln f_p - 1)  +  penalty sum_d u_d

subject to the rows of the LP: supply ``sum_{p from o} f_p <= S_o``, demand ``sum_{p to d} f_p + u_d = D_d``, and
capacity ``sum_{p through e} f_p <= K_e`` for every element with a capacity (links, transfers, nodes, counted as the
LP counts them). ``c_p`` is the path's generalized cost (USD/t) and ``mu`` the **dispersion** in USD/t
(``dispersion_usd_per_t``). Its solution is a logit::

    f_p = exp(-(c_p + A_o - B_d + sum_{e on p} G_e) / mu)

with ``A_o >= 0`` the value of supply at the origin, ``B_d <= penalty`` the cost of a delivered tonne at the
destination, and ``G_e >= 0`` the shadow price of a capacity (all in USD/t, the duals of the rows). So:

- between two paths of the same origin and destination, ``f_1 / f_2 = exp(-(c_1 - c_2) / mu)``: a path dearer by
  ``mu`` USD/t carries 1/e (37%) of the flow of the other; a binding capacity adds its price to every path through
  it (capacity as a penalty, exactly at the price that keeps the flow within it);
- origins also spread over destinations by the same logit (the doubly-constrained gravity model), where supply
  and demand leave a choice;
- as ``mu -> 0`` the entropy term vanishes and the problem is the LP: the allocation tends to the least-cost one
  (restricted to the path set, which holds the LP's routes when ``paths`` is large enough).

Paths overlap (two routes sharing all but one link count as two alternatives, as in any multinomial logit over
routes): no path-size correction is made, so a corridor with many near-identical variants draws a little more.

Solving
-------
The dual of the problem is smooth and concave in ``(A, B, G)`` with simple bounds; its gradient is the rows'
violations (Mt/yr) and its Hessian is small and dense (one row per origin, destination and capacity). It is maximised
by projected Newton steps (Bertsekas 1982) until no row is off by more than :data:`TOLERANCE` of the demand. Should
that stall, the balancing ("Bregman", "Sinkhorn") method finishes it: maximising the dual one block at a time
has closed forms (each a log-sum-exp): ``A_o`` so that origin ``o`` ships at most its supply, ``B_d`` so that ``d``
receives its demand (unless that costs more than the penalty), ``G_e`` so that ``e`` carries at most its capacity.
A small ``mu`` is reached through a sequence of larger ones (each warm-starting the next).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from ..costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from ..graph import RoutingGraph
from .allocation import Allocation, read_solution
from .problem import FlowProblem, flow_problem
from .solution import FlowSolution

DEFAULT_PATHS = 5  # routes per origin-destination pair
TOLERANCE = 1e-8  # Mt/yr per Mt/yr of demand: how far a row may be off when the iteration stops
MAX_SWEEPS = 20_000  # per dispersion of the sequence
STAGE_FACTOR = 4.0  # the dispersions of the warm-start sequence grow by this factor
NEWTON_STEPS = 200  # per dispersion of the sequence


@dataclass(frozen=True)
class PathSet:
    """The paths of a logit allocation: for each, its origin and destination (indices into the problem's lists), its
    arcs, and its row in the path x element incidence (how many times it counts against each capacity)."""

    origin: np.ndarray
    destination: np.ndarray
    arcs: list[tuple[int, ...]]
    incidence: np.ndarray  # paths x capacity elements (counts)
    arc_matrix: Any  # scipy.sparse, paths x arcs (counts)

    def __len__(self) -> int:
        return len(self.arcs)

    def costs(self, weights: np.ndarray) -> np.ndarray:
        """Generalized cost of each path (USD/t) for arc costs ``weights``."""
        return np.asarray(self.arc_matrix @ weights, dtype=float)


def path_set(problem: FlowProblem, paths: int = DEFAULT_PATHS) -> PathSet:
    """The ``paths`` cheapest routes of every origin–destination pair of ``problem`` at its arc costs."""
    from itertools import islice

    from scipy import sparse

    from ..routes import routes_in_order

    graph = problem.graph
    weights = problem.c[:problem.n_arcs]
    present = set(graph.network.nodes.index)
    origin, dest, arcs = [], [], []
    for i, o in enumerate(problem.origins):
        for j, d in enumerate(problem.destinations):
            if o not in present or d not in present or problem.supply[i] <= 0 or problem.demand[j] <= 0:
                continue
            for route in islice(routes_in_order(graph, o, d, weights), paths):
                origin.append(i)
                dest.append(j)
                arcs.append(tuple(int(a) for a in route))
    n = len(arcs)
    rows = np.repeat(np.arange(n), [len(a) for a in arcs]) if n else np.zeros(0, dtype=np.int64)
    cols = np.concatenate([np.asarray(a, dtype=np.int64) for a in arcs]) if n else np.zeros(0, dtype=np.int64)
    arc_matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, problem.n_arcs))
    n_orig = len(problem.origins)
    cap_block = problem.A_ub[n_orig:, :problem.n_arcs]
    incidence = np.asarray((arc_matrix @ cap_block.T).todense()) if n else np.zeros((0, cap_block.shape[0]))
    return PathSet(origin=np.asarray(origin, dtype=np.int64), destination=np.asarray(dest, dtype=np.int64),
                   arcs=arcs, incidence=incidence, arc_matrix=arc_matrix)


@dataclass(frozen=True)
class LogitFlows:
    """A solved logit allocation on a path set: path flows (Mt/yr), unserved demand, and the duals (USD/t)."""

    flow: np.ndarray
    unserved: np.ndarray
    supply_value: np.ndarray  # A_o
    delivered_cost: np.ndarray  # B_d
    capacity_price: np.ndarray  # G_e
    sweeps: int


def _binding_candidates(incidence: np.ndarray, capacity: np.ndarray) -> np.ndarray:
    """The capacity elements that can bind: used by a path, finite, and the smallest of elements used by exactly the
    same paths (the others can never bind first; their duals would be split arbitrarily, which slows the solver)."""
    out: dict[bytes, int] = {}
    for e in np.flatnonzero((incidence > 0).any(axis=0) & np.isfinite(capacity)):
        key = incidence[:, e].tobytes()
        if key not in out or capacity[e] < capacity[out[key]]:
            out[key] = int(e)
    return np.array(sorted(out.values()), dtype=np.int64)


def _lse(values: np.ndarray, groups: Sequence[np.ndarray]) -> np.ndarray:
    """log(sum(exp(values[g]))) for each index array g (-inf for an empty group)."""
    out = np.full(len(groups), -np.inf)
    for k, g in enumerate(groups):
        if len(g):
            v = values[g]
            top = v.max()
            if np.isfinite(top):
                out[k] = top + np.log(np.exp(v - top).sum())
    return out


def solve_logit(paths: PathSet, costs: np.ndarray, supply: np.ndarray, demand: np.ndarray, capacity: np.ndarray,
                dispersion_usd_per_t: float, penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
                start: LogitFlows | None = None) -> LogitFlows:
    """Path flows of the logit allocation (see the module docstring) for path costs ``costs`` (USD/t).

    ``supply`` and ``demand`` (Mt/yr) are indexed as the paths' origins and destinations, ``capacity`` as the columns
    of ``paths.incidence``. ``start`` warm-starts from an earlier solution's duals (e.g. in a calibration).

    Raises
    ------
    ValueError
        if the dispersion is not greater than 0.
    RuntimeError
        if the iteration does not converge.
    """
    mu_target = float(dispersion_usd_per_t)
    if not mu_target > 0:
        raise ValueError(f"the dispersion must be greater than 0 USD/t, got {dispersion_usd_per_t!r}")
    n_orig, n_dest, n_cap = len(supply), len(demand), paths.incidence.shape[1]
    used = _binding_candidates(paths.incidence, capacity)
    scale = max(1.0, float(np.sum(demand)))
    a = np.zeros(n_orig) if start is None else start.supply_value.copy()
    b = np.zeros(n_dest) if start is None else start.delivered_cost.copy()
    g = np.zeros(n_cap) if start is None else start.capacity_price.copy()
    if start is None and len(costs):  # start each destination at its cheapest path, so that the first step is mild
        for j in range(n_dest):
            idx = np.flatnonzero(paths.destination == j)
            if len(idx):
                b[j] = min(float(costs[idx].min()), penalty_usd_per_t)
    spread = float(costs.max() - costs.min()) if len(costs) else 0.0
    mus = [mu_target]
    while start is None and mus[-1] < max(spread, 1.0):
        mus.append(mus[-1] * STAGE_FACTOR)
    problem = _Dual(paths, costs, supply, demand, capacity, penalty_usd_per_t, used)
    sweeps = 0
    for mu in reversed(mus):
        a, b, g = problem.maximise(a, b, g, mu)
        if problem.violation(a, b, g, mu) > TOLERANCE * scale:  # the quasi-Newton step stalled: balance
            try:
                a, b, g, n = problem.balance(a, b, g, mu, TOLERANCE * scale)
            except RuntimeError:
                if start is None:
                    raise
                return solve_logit(paths, costs, supply, demand, capacity, dispersion_usd_per_t, penalty_usd_per_t)
            sweeps += n
    flow = _flows(costs, paths, a, b, g, mu_target)
    delivered = np.bincount(paths.destination, weights=flow, minlength=n_dest) if len(flow) else np.zeros(n_dest)
    unserved = np.maximum(demand - delivered, 0.0)
    unserved[unserved <= 10 * TOLERANCE * scale] = 0.0  # what the tolerance leaves is not unserved demand
    return LogitFlows(flow=flow, unserved=unserved, supply_value=a, delivered_cost=b, capacity_price=g,
                      sweeps=sweeps)


class _Dual:
    """The dual of the logit allocation (see the module docstring), in the duals A, B, G (USD/t): its maximum by
    projected Newton steps (its gradient is the rows' violations, its Hessian Mᵀ diag(f) M / mu), and the balancing
    sweeps as the slow and sure way to finish."""

    def __init__(self, paths: PathSet, costs, supply, demand, capacity, penalty, used):
        self.paths, self.costs, self.penalty, self.used = paths, costs, float(penalty), used
        self.supply, self.demand = supply, demand
        self.capacity = np.where(np.isfinite(capacity), capacity, 0.0)
        self.n = (len(supply), len(demand), paths.incidence.shape[1])
        self.inc = paths.incidence[:, used]

    def _split(self, x):
        n_o, n_d, _ = self.n
        g = np.zeros(self.n[2])
        g[self.used] = x[n_o + n_d:]
        return x[:n_o], x[n_o:n_o + n_d], g

    def _flows(self, a, b, g, mu):
        p = self.paths
        z = -(self.costs + a[p.origin] - b[p.destination] + p.incidence @ g) / mu
        return np.exp(np.minimum(z, 700.0))

    def maximise(self, a, b, g, mu):
        """The duals maximising the dual function at dispersion ``mu``, from ``a, b, g``: projected Newton steps
        (Bertsekas 1982) on the negative dual, with an Armijo search along the projected arc."""
        from scipy import sparse

        p = self.paths
        n_o, n_d, _ = self.n
        n_u = len(self.used)
        rows = np.arange(len(p.arcs))
        m = sparse.hstack([sparse.csr_matrix((np.ones(len(rows)), (rows, p.origin)), shape=(len(rows), n_o)),
                           sparse.csr_matrix((-np.ones(len(rows)), (rows, p.destination)), shape=(len(rows), n_d)),
                           sparse.csr_matrix(self.inc)]).tocsr()
        r = np.concatenate([self.supply, -self.demand, self.capacity[self.used]])
        lo = np.concatenate([np.zeros(n_o), np.full(n_d, -np.inf), np.zeros(n_u)])
        hi = np.concatenate([np.full(n_o, np.inf), np.full(n_d, self.penalty), np.full(n_u, np.inf)])

        def value(x):
            z = np.minimum(-(self.costs + m @ x) / mu, 700.0)
            f = np.exp(z)
            return mu * f.sum() + r @ x, f

        x = np.clip(np.concatenate([a, b, g[self.used]]), lo, hi)
        fx, f = value(x)
        tol = TOLERANCE * max(1.0, float(self.demand.sum()))
        for _ in range(NEWTON_STEPS):
            grad = r - m.T @ f
            eps = 1e-9 * (1.0 + np.abs(x))
            active = ((x <= lo + eps) & (grad > 0)) | ((x >= hi - eps) & (grad < 0))
            free = ~active
            if not free.any() or np.abs(grad[free]).max() <= tol:
                break
            mf = m[:, free]
            h = (mf.T @ sparse.diags(f) @ mf).toarray() / mu
            h[np.diag_indices_from(h)] += 1e-12 * max(1.0, float(np.trace(h))) + 1e-12
            d = np.zeros_like(x)
            d[free] = -np.linalg.solve(h, grad[free])
            step = 1.0
            for _ in range(60):
                trial = np.clip(x + step * d, lo, hi)
                ft, f_trial = value(trial)
                if ft <= fx + 1e-4 * grad @ (trial - x):
                    break
                step /= 2.0
            else:
                break
            x, fx, f = trial, ft, f_trial
        return self._split(x)

    def violation(self, a, b, g, mu) -> float:
        return _violation(self._flows(a, b, g, mu), self.paths, self.supply, self.demand, self.capacity, a, b, g,
                          self.penalty, self.used)

    def balance(self, a, b, g, mu, tolerance):
        """Balancing sweeps (exact maximisation over one block of duals at a time) until every row holds."""
        p = self.paths
        n_o, n_d, _ = self.n
        by_origin = [np.flatnonzero(p.origin == i) for i in range(n_o)]
        by_dest = [np.flatnonzero(p.destination == j) for j in range(n_d)]
        through = {e: np.flatnonzero(p.incidence[:, e] > 0) for e in self.used}
        times = {e: p.incidence[through[e], e] for e in self.used}
        log_s = np.log(np.where(self.supply > 0, self.supply, 1.0))
        log_d = np.log(np.where(self.demand > 0, self.demand, 1.0))
        a, b, g = a.copy(), b.copy(), g.copy()
        for sweep in range(1, MAX_SWEEPS + 1):
            base = -(self.costs + p.incidence @ g) / mu
            lse = _lse(base + b[p.destination] / mu, by_origin)  # origins ship at most their supply
            a = np.where(np.isneginf(lse), 0.0, np.maximum(0.0, mu * (lse - log_s)))
            lse = _lse(base - a[p.origin] / mu, by_dest)  # destinations receive their demand, up to the penalty
            b = np.where(np.isneginf(lse), self.penalty, np.minimum(self.penalty, mu * (log_d - lse)))
            off = (-a[p.origin] + b[p.destination]) / mu
            for e in self.used:  # capacities carry at most their capacity
                q = through[e]
                logf = base[q] + off[q]
                top = logf.max()
                load = -np.inf if not np.isfinite(top) else top + np.log((times[e] * np.exp(logf - top)).sum())
                step = (load - np.log(self.capacity[e])) / times[e].max() if self.capacity[e] > 0 else np.inf
                new = max(0.0, g[e] + mu * step)
                if new != g[e]:
                    base[q] -= times[e] * (new - g[e]) / mu
                    g[e] = new
            if self.violation(a, b, g, mu) <= tolerance:
                return a, b, g, sweep
        raise RuntimeError(f"the logit allocation did not converge in {MAX_SWEEPS} sweeps at a dispersion of "
                           f"{mu:g} USD/t")


def _flows(costs, paths: PathSet, a, b, g, mu) -> np.ndarray:
    with np.errstate(invalid="ignore", over="ignore"):
        expo = -(costs + a[paths.origin] - b[paths.destination] + paths.incidence @ g) / mu
    return np.exp(np.where(np.isnan(expo), -np.inf, expo))


def _violation(flow, paths: PathSet, supply, demand, capacity, a, b, g, penalty, used) -> float:
    """The largest amount by which a row or its complementary slackness is off (Mt/yr)."""
    n_orig, n_dest = len(supply), len(demand)
    shipped = np.bincount(paths.origin, weights=flow, minlength=n_orig) if len(flow) else np.zeros(n_orig)
    got = np.bincount(paths.destination, weights=flow, minlength=n_dest) if len(flow) else np.zeros(n_dest)
    worst = 0.0
    ok = supply > 0
    if ok.any():
        over = shipped[ok] - supply[ok]
        worst = max(worst, float(np.max(np.where(a[ok] > 0, np.abs(over), np.maximum(over, 0.0)))))
    short = demand - got
    worst = max(worst, float(np.max(np.where(b < penalty, np.abs(short), np.maximum(-short, 0.0)), initial=0.0)))
    if len(used):
        load = paths.incidence[:, used].T @ flow
        over = load - capacity[used]
        worst = max(worst, float(np.max(np.where(g[used] > 0, np.abs(over), np.maximum(over, 0.0)))))
    return worst


def allocate_logit(graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float], *,
                   dispersion_usd_per_t: float, paths: int = DEFAULT_PATHS,
                   unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
                   value_of_time_usd_per_t_day: float = 0.0, carbon_price_usd_per_t_co2: float = 0.0) -> Allocation:
    """Allocate annual supply to demand by a logit of generalized cost over the ``paths`` cheapest routes of each
    origin–destination pair, within capacities (see the module docstring).

    The tables are those of :func:`corridor.flows.allocate`: the routes are the paths with their flows, the shadow
    prices the capacity duals ``G_e``, a destination's marginal cost ``B_d`` and an origin's value ``A_o``.

    Examples
    --------
    >>> g = corridor.build_graph(corridor.load_network("baseline"))
    >>> alloc = allocate_logit(g, {"tavan_tolgoi": 10}, {"baotou": 5, "caofeidian": 5}, dispersion_usd_per_t=5.0)
    """
    problem = flow_problem(graph, supply, demand, unserved_penalty_usd_per_t=unserved_penalty_usd_per_t,
                           value_of_time_usd_per_t_day=value_of_time_usd_per_t_day,
                           carbon_price_usd_per_t_co2=carbon_price_usd_per_t_co2)
    ps = path_set(problem, paths)
    n_orig = len(problem.origins)
    capacity = problem.b_ub[n_orig:]
    sol = solve_logit(ps, ps.costs(problem.c[:problem.n_arcs]), problem.supply, problem.demand, capacity,
                      dispersion_usd_per_t, unserved_penalty_usd_per_t)
    alloc = read_solution(problem, logit_solution(problem, ps, sol),
                          paths=[(int(o), int(d), arcs, float(f)) for o, d, arcs, f
                                 in zip(ps.origin, ps.destination, ps.arcs, sol.flow) if f > 0])
    totals = dict(alloc.totals, dispersion_usd_per_t=float(dispersion_usd_per_t), paths_per_pair=int(paths))
    from dataclasses import replace

    return replace(alloc, totals=totals)


def logit_solution(problem: FlowProblem, ps: PathSet, sol: LogitFlows) -> FlowSolution:
    """The logit path flows as a solution vector of ``problem`` (arcs, supply and demand entries, unserved), with the
    duals in the places and signs of the LP's, so that :func:`corridor.flows.read_solution` reads it."""
    n_arcs, n_sup, n_snk = problem.n_arcs, len(problem.supply_state), len(problem.sink_state)
    n_states, n_orig = len(problem.graph.states), len(problem.origins)
    arc_flow = np.asarray(ps.arc_matrix.T @ sol.flow).ravel() if len(ps) else np.zeros(n_arcs)
    tails, heads = problem.graph.arcs["tail"].to_numpy(), problem.graph.arcs["head"].to_numpy()
    y, z = np.zeros(n_sup), np.zeros(n_snk)
    sup_pos = {(int(o), int(s)): k for k, (o, s) in enumerate(zip(problem.supply_origin, problem.supply_state))}
    snk_pos = {(int(d), int(s)): k for k, (d, s) in enumerate(zip(problem.sink_dest, problem.sink_state))}
    for o, d, arcs, f in zip(ps.origin, ps.destination, ps.arcs, sol.flow):
        y[sup_pos[(int(o), int(tails[arcs[0]]))]] += f
        z[snk_pos[(int(d), int(heads[arcs[-1]]))]] += f
    x = np.concatenate([arc_flow, y, z, sol.unserved])
    objective = float(problem.c[:n_arcs] @ arc_flow + problem.unserved_penalty_usd_per_t * sol.unserved.sum())
    eq = np.zeros(n_states + len(problem.destinations))
    eq[n_states:] = sol.delivered_cost
    ub = np.concatenate([-sol.supply_value, -sol.capacity_price])
    assert len(ub) == n_orig + len(problem.elements)
    return FlowSolution(x=x, objective=objective, eq_marginals=eq, ub_marginals=ub)
