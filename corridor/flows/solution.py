"""Solving the allocation LP with HiGHS, and decomposing the flow into origin-to-destination routes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputError
from .problem import FlowProblem

NOISE = 1e-14  # relative to the largest supply, demand or flow: what HiGHS's arithmetic can leave on an arc


@dataclass(frozen=True)
class FlowSolution:
    """The raw LP solution: primal values and the duals of the rows (scipy's signs)."""

    x: np.ndarray
    objective: float
    eq_marginals: np.ndarray
    ub_marginals: np.ndarray


def solve_problem(problem: FlowProblem, *, upper: np.ndarray | None = None) -> FlowSolution:
    """Solve the LP from scratch with HiGHS (``scipy.optimize.linprog(method="highs")``); ``upper`` bounds the
    variables (default: the problem's, if any). :class:`corridor.flows.FlowModel` re-solves it warm; this is its
    cold check.

    The LP is always feasible (unserved demand absorbs what cannot be delivered) and bounded (arc costs are
    >= 0 and demand is finite). Its coefficients are checked when it is built (:func:`corridor.flows.flow_problem`),
    so a failure here is a numerical breakdown, reported as an :class:`corridor.InputError` naming the status.
    """
    from scipy.optimize import linprog

    if upper is None:
        upper = problem.upper
    bounds = (0, None) if upper is None else np.column_stack([np.zeros(len(upper)),
                                                               np.where(np.isfinite(upper), upper, np.nan)])
    res = linprog(problem.c, A_ub=problem.A_ub, b_ub=problem.b_ub, A_eq=problem.A_eq, b_eq=problem.b_eq,
                  bounds=bounds, method="highs")
    if res.status != 0 or res.x is None or not np.isfinite(res.x).all() or not np.isfinite(res.fun):
        raise InputError(f"the allocation LP could not be solved (HiGHS status {res.status}: {res.message}); "
                         "check that supply, demand, capacities and costs are of sensible sizes")
    return FlowSolution(x=res.x, objective=float(res.fun), eq_marginals=np.asarray(res.eqlin.marginals),
                        ub_marginals=np.asarray(res.ineqlin.marginals))


def decompose(problem: FlowProblem, x: np.ndarray) -> list[tuple[int, int, tuple[int, ...], float]]:
    """Decompose a flow into paths: ``(origin index, destination index, arcs, Mt/yr)`` (see :func:`paths_of`)."""
    merged: dict[tuple[int, int, tuple[int, ...]], float] = {}
    for o, k, arcs, amount in paths_of(problem, x):
        key = (o, int(problem.sink_dest[k]), arcs)
        merged[key] = merged.get(key, 0.0) + amount
    return [(o, d, arcs, amount) for (o, d, arcs), amount in merged.items()]


def paths_of(problem: FlowProblem, x: np.ndarray) -> list[tuple[int, int, tuple[int, ...], float]]:
    """Decompose a flow into paths: ``(origin index, demand entry (of ``problem.sink_state``), arcs, Mt/yr)``.

    Standard path decomposition: from a super-source entry with flow left, walk along arcs with flow left (the first
    in arc order) until a state with a demand entry with flow left is reached, take the smallest of them off every
    piece, repeat. Cycles met on the way (only possible at zero cost) are cancelled; identical paths are merged.

    Exact relative to each flow: the only tolerance is the noise floor of the solver's arithmetic, ``NOISE`` times
    the largest supply, demand or flow, so a flow of 1e-6 Mt/yr beside one of 1e4 is kept whole. What cannot be
    walked (an imbalance at the noise floor) is left out; :func:`corridor.flows.read_solution` compares what the
    paths deliver with the LP's deliveries and reports any remainder.
    """
    n_arcs, n_sup = problem.n_arcs, len(problem.supply_state)
    n_snk = len(problem.sink_state)
    x = np.clip(np.nan_to_num(np.asarray(x, dtype=float)), 0.0, None)
    scale = max(1.0, float(np.max(x, initial=0.0)), float(problem.demand.sum()), float(problem.supply.sum()))
    eps = NOISE * scale
    rem = x[:n_arcs].copy()
    rem[rem <= eps] = 0.0
    ysrc = x[n_arcs:n_arcs + n_sup].copy()
    zsnk = x[n_arcs + n_sup:n_arcs + n_sup + n_snk].copy()
    ysrc[ysrc <= eps] = 0.0
    zsnk[zsnk <= eps] = 0.0
    tails, heads = problem.graph.arcs["tail"].to_numpy(), problem.graph.arcs["head"].to_numpy()
    out: dict[int, list[int]] = {}
    for arc in np.flatnonzero(rem > 0):
        out.setdefault(int(tails[arc]), []).append(int(arc))
    sinks: dict[int, list[int]] = {}
    for entry in np.flatnonzero(zsnk > 0):
        sinks.setdefault(int(problem.sink_state[entry]), []).append(int(entry))
    paths: dict[tuple[int, int, tuple[int, ...]], float] = {}

    def first(candidates: list[int], left: np.ndarray) -> int | None:
        """The first of ``candidates`` with flow left (those used up are dropped from the front)."""
        while candidates and left[candidates[0]] <= eps:
            candidates.pop(0)
        return candidates[0] if candidates else None

    for i in np.flatnonzero(ysrc > 0):
        while ysrc[i] > eps:
            v = int(problem.supply_state[i])
            path: list[int] = []
            seen = {v: 0}
            k = first(sinks.setdefault(v, []), zsnk)
            while k is None:
                a = first(out.setdefault(v, []), rem)
                if a is None:  # a dead end: an imbalance at the noise floor
                    break
                w = int(heads[a])
                if w in seen:  # a cycle: cancel it and walk on from w
                    cycle = [*path[seen[w]:], a]
                    rem[cycle] -= rem[cycle].min()
                    rem[cycle] = np.where(rem[cycle] <= eps, 0.0, rem[cycle])
                    for b in path[seen[w]:]:
                        seen.pop(int(heads[b]), None)
                    path = path[:seen[w]]
                else:
                    path.append(a)
                    seen[w] = len(path)
                v = w
                k = first(sinks.setdefault(v, []), zsnk)
            amount = min(ysrc[i], rem[path].min() if path else np.inf, zsnk[k] if k is not None else np.inf)
            ysrc[i] = 0.0 if ysrc[i] - amount <= eps else ysrc[i] - amount
            if path:
                rem[path] = np.where(rem[path] - amount <= eps, 0.0, rem[path] - amount)
            if k is None:  # left out: read_solution reports what the paths do not deliver
                continue
            zsnk[k] = 0.0 if zsnk[k] - amount <= eps else zsnk[k] - amount
            key = (int(problem.supply_origin[i]), int(k), tuple(path))
            paths[key] = paths.get(key, 0.0) + float(amount)
    return [(o, d, arcs, amt) for (o, d, arcs), amt in paths.items() if amt > eps]
