"""Solving the allocation LP with HiGHS, and decomposing the flow into origin-to-destination routes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .problem import FlowProblem

FLOW_TOL = 1e-9  # Mt/yr; flows below this (relative to the total) are solver noise


@dataclass(frozen=True)
class FlowSolution:
    """The raw LP solution: primal values and the duals of the rows (scipy's signs)."""

    x: np.ndarray
    objective: float
    eq_marginals: np.ndarray
    ub_marginals: np.ndarray


def solve_problem(problem: FlowProblem) -> FlowSolution:
    """Solve the LP with HiGHS (``scipy.optimize.linprog(method="highs")``).

    The LP is always feasible (unserved demand absorbs what cannot be delivered) and bounded (arc costs are
    >= 0 and demand is finite), so a failure here is a bug or a numerical breakdown, not bad input.
    """
    from scipy.optimize import linprog

    bounds = (0, None) if problem.upper is None else np.column_stack([np.zeros(len(problem.c)), problem.upper])
    res = linprog(problem.c, A_ub=problem.A_ub, b_ub=problem.b_ub, A_eq=problem.A_eq, b_eq=problem.b_eq,
                  bounds=bounds, method="highs")
    if res.status != 0:
        raise RuntimeError(f"the allocation LP failed (HiGHS status {res.status}): {res.message}")
    return FlowSolution(x=res.x, objective=float(res.fun), eq_marginals=np.asarray(res.eqlin.marginals),
                        ub_marginals=np.asarray(res.ineqlin.marginals))


def decompose(problem: FlowProblem, x: np.ndarray) -> list[tuple[int, int, tuple[int, ...], float]]:
    """Decompose a flow into paths: ``(origin index, destination index, arcs, Mt/yr)``.

    Standard path decomposition: walk from a super-source entry with flow left along arcs with flow left
    until a demand entry with flow left is reached, take the smallest of them off every piece, repeat.
    Cycles met on the way (only possible at zero cost) are cancelled. Identical paths are merged.
    """
    n_arcs, n_sup = problem.n_arcs, len(problem.supply_state)
    n_snk = len(problem.sink_state)
    scale = max(1.0, float(problem.demand.sum()), float(problem.supply.sum()))
    eps = FLOW_TOL * scale
    rem = x[:n_arcs].copy()
    rem[rem < eps] = 0.0
    ysrc = x[n_arcs:n_arcs + n_sup].copy()
    zsnk = x[n_arcs + n_sup:n_arcs + n_sup + n_snk].copy()
    tails, heads = problem.graph.arcs["tail"].to_numpy(), problem.graph.arcs["head"].to_numpy()
    out: dict[int, list[int]] = {}
    for arc in np.flatnonzero(rem > 0):
        out.setdefault(int(tails[arc]), []).append(int(arc))
    sinks: dict[int, list[int]] = {}
    for entry in np.flatnonzero(zsnk > eps):
        sinks.setdefault(int(problem.sink_state[entry]), []).append(int(entry))
    paths: dict[tuple[int, int, tuple[int, ...]], float] = {}

    def next_arc(v: int) -> int | None:
        lst = out.get(v, [])
        while lst and rem[lst[0]] <= eps:
            lst.pop(0)
        return lst[0] if lst else None

    def next_sink(v: int) -> int | None:
        lst = sinks.get(v, [])
        while lst and zsnk[lst[0]] <= eps:
            lst.pop(0)
        return lst[0] if lst else None

    for i in np.flatnonzero(ysrc > eps):
        while ysrc[i] > eps:
            v = int(problem.supply_state[i])
            path: list[int] = []
            seen = {v: 0}
            k = next_sink(v)
            while k is None:
                a = next_arc(v)
                if a is None:  # only solver noise is left on this branch
                    break
                w = int(heads[a])
                if w in seen:  # a cycle: cancel it and walk on from w
                    cycle = [*path[seen[w]:], a]
                    rem[cycle] -= rem[cycle].min()
                    for b in path[seen[w]:]:
                        seen.pop(int(heads[b]), None)
                    path = path[:seen[w]]
                else:
                    path.append(a)
                    seen[w] = len(path)
                v = w
                k = next_sink(v)
            if k is None:
                ysrc[i] = 0.0
                break
            amount = min(ysrc[i], zsnk[k], rem[path].min() if path else np.inf)
            ysrc[i] -= amount
            zsnk[k] -= amount
            if path:
                rem[path] -= amount
            key = (int(problem.supply_origin[i]), int(problem.sink_dest[k]), tuple(path))
            paths[key] = paths.get(key, 0.0) + float(amount)
    return [(o, d, arcs, amt) for (o, d, arcs), amt in paths.items() if amt > eps]


