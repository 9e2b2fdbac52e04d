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


def solve_problem(problem: FlowProblem, *, upper: np.ndarray | None = None) -> FlowSolution:
    """Solve the LP from scratch with HiGHS (``scipy.optimize.linprog(method="highs")``).

    ``upper`` bounds the variables (default: the problem's, if any). The LP is always feasible (unserved demand
    absorbs what cannot be delivered) and bounded (arc costs are >= 0 and demand is finite), so a failure here is a
    bug or a numerical breakdown, not bad input. :class:`corridor.flows.FlowModel` re-solves it warm; this is its
    cold check.
    """
    from scipy.optimize import linprog

    if upper is None:
        upper = problem.upper
    bounds = (0, None) if upper is None else np.column_stack([np.zeros(len(upper)),
                                                               np.where(np.isfinite(upper), upper, np.nan)])
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
    (Plain Python floats and lists: the walk touches a few dozen arcs, where numpy's per-element access is slow.)
    """
    n_arcs, n_sup = problem.n_arcs, len(problem.supply_state)
    n_snk = len(problem.sink_state)
    scale = max(1.0, float(problem.demand.sum()), float(problem.supply.sum()))
    eps = FLOW_TOL * scale
    tails, heads = problem.graph.arc_ends
    carrying = np.flatnonzero(x[:n_arcs] >= eps).tolist()
    rem = dict(zip(carrying, x[carrying].tolist()))
    ysrc = x[n_arcs:n_arcs + n_sup].tolist()
    zsnk = x[n_arcs + n_sup:n_arcs + n_sup + n_snk].tolist()
    sink_state = problem.sink_state.tolist()
    out: dict[int, list[int]] = {}
    for arc in carrying:
        out.setdefault(tails[arc], []).append(arc)
    sinks: dict[int, list[int]] = {}
    for entry in range(n_snk):
        if zsnk[entry] > eps:
            sinks.setdefault(sink_state[entry], []).append(entry)
    next_out: dict[int, int] = {}
    next_in: dict[int, int] = {}
    paths: dict[tuple[int, int, tuple[int, ...]], float] = {}

    def next_arc(v: int) -> int | None:
        lst = out.get(v)
        if not lst:
            return None
        i = next_out.get(v, 0)
        while i < len(lst) and rem[lst[i]] <= eps:
            i += 1
        next_out[v] = i
        return lst[i] if i < len(lst) else None

    def next_sink(v: int) -> int | None:
        lst = sinks[v]
        i = next_in.get(v, 0)
        while i < len(lst) and zsnk[lst[i]] <= eps:
            i += 1
        next_in[v] = i
        return lst[i] if i < len(lst) else None

    supply_state, supply_origin, sink_dest = (problem.supply_state.tolist(), problem.supply_origin.tolist(),
                                              problem.sink_dest.tolist())
    for i in range(n_sup):
        while ysrc[i] > eps:
            v = supply_state[i]
            path: list[int] = []
            seen = {v: 0}
            k = next_sink(v) if v in sinks else None
            while k is None:
                a = next_arc(v)
                if a is None:  # only solver noise is left on this branch
                    break
                w = heads[a]
                if w in seen:  # a cycle: cancel it and walk on from w
                    cycle = [*path[seen[w]:], a]
                    least = min(rem[b] for b in cycle)
                    for b in cycle:
                        rem[b] -= least
                    for b in path[seen[w]:]:
                        seen.pop(heads[b], None)
                    path = path[:seen[w]]
                else:
                    path.append(a)
                    seen[w] = len(path)
                v = w
                k = next_sink(v) if v in sinks else None
            if k is None:
                ysrc[i] = 0.0
                break
            amount = min(ysrc[i], zsnk[k], min(rem[b] for b in path) if path else np.inf)
            ysrc[i] -= amount
            zsnk[k] -= amount
            for b in path:
                rem[b] -= amount
            key = (supply_origin[i], sink_dest[k], tuple(path))
            paths[key] = paths.get(key, 0.0) + float(amount)
    return [(o, d, arcs, amt) for (o, d, arcs), amt in paths.items() if amt > eps]
