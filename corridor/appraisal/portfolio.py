"""The portfolio: which projects to build, and when, to maximise net present value under a capital budget.

Formulation (a benefit table over sets of projects; see docs/appraisal.md for why not big-M flows). Binary
``z[S, k]`` = 1 if exactly the set ``S`` is open in period ``k``; binary ``x[p, k]`` = 1 if project ``p`` opens at
the start of period ``k``::

    max   sum_k sum_S V(S, k) z[S, k]  -  sum_p sum_k C(p, k) x[p, k]
    s.t.  sum_S z[S, k] = 1                                   each period k
          sum_{S contains p} z[S, k] = sum_{k' <= k} x[p, k']  each project p and period k (open once, stays open)
          sum_k x[p, k] <= 1;  x[p, k] = 0 before p's earliest opening;  x[p, k*] = 1 for a built project
          sum_{p, k} capex(p, k, y) x[p, k] <= budget_y       each year y (a per-year budget)
          sum_{p, k} capex(p) x[p, k] <= budget               (a total budget)

``V(S, k)`` is the present value of period ``k``'s benefits with ``S`` open (solved allocations, rule of a half);
``C(p, k)`` the present value of ``p``'s capex and opex less its residual value when it opens in period ``k``. The
benefit of a set is not the sum of its members' (they compete for traffic or need each other), and the table holds
it exactly. Solved with HiGHS (``scipy.optimize.milp``).
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class PortfolioProblem:
    """The data of the portfolio program.

    ``allowed[i, k]``: project ``i`` may open at the start of period ``k``; ``forced[i]``: the period a built
    project opened in (else -1); ``value[(S, k)]``: present value of period ``k``'s benefits with the set ``S``
    (frozenset of project indices) open, for every ``S`` of the projects that can be open by then; ``cost[i, k]``;
    ``capex_years[(i, k)]``: capex by year; ``capex_total[i]``.
    """

    projects: tuple[str, ...]
    allowed: np.ndarray
    forced: np.ndarray
    value: dict[tuple[frozenset[int], int], float]
    cost: np.ndarray
    capex_years: dict[tuple[int, int], dict[int, float]] = field(default_factory=dict)
    capex_total: np.ndarray | None = None
    budget_total: float | None = None
    budget_per_year: float | None = None

    @property
    def n_periods(self) -> int:
        return self.allowed.shape[1]

    def available(self, k: int) -> list[int]:
        """Projects that can be open in period ``k``."""
        return [i for i in range(len(self.projects)) if self.allowed[i, :k + 1].any()]

    def npv(self, opening: dict[int, int]) -> float:
        """NPV of a schedule ``{project index: opening period}``."""
        total = -sum(float(self.cost[i, k]) for i, k in opening.items())
        for k in range(self.n_periods):
            s = frozenset(i for i, o in opening.items() if o <= k)
            total += self.value[(s, k)]
        return total

    def within_budget(self, opening: dict[int, int]) -> bool:
        tol = 1e-9
        if (self.budget_total is not None and self.capex_total is not None
                and sum(float(self.capex_total[i]) for i in opening) > self.budget_total + tol):
            return False
        if self.budget_per_year is not None:
            by_year: dict[int, float] = {}
            for i, k in opening.items():
                for y, v in self.capex_years.get((i, k), {}).items():
                    by_year[y] = by_year.get(y, 0.0) + v
            if any(v > self.budget_per_year + tol for v in by_year.values()):
                return False
        return True


@dataclass(frozen=True)
class Portfolio:
    """The best schedule: ``opening`` maps each chosen project to its opening period; ``npv`` in million USD;
    ``seconds`` to solve; ``size``: binaries and rows of the program (empty for brute force)."""

    opening: dict[str, int]
    npv: float
    seconds: float
    size: dict[str, int] = field(default_factory=dict)


def best_portfolio(prob: PortfolioProblem) -> Portfolio:
    """Solve the portfolio program with HiGHS (``scipy.optimize.milp``)."""
    from scipy import sparse
    from scipy.optimize import Bounds, LinearConstraint, milp

    start = time.perf_counter()
    n, n_k = len(prob.projects), prob.n_periods
    z_keys = sorted(prob.value, key=lambda key: (key[1], sorted(key[0])))  # the sets that can be open, by period
    x_keys = [(i, k) for i in range(n) for k in range(n_k) if prob.allowed[i, k]]
    nz, nx = len(z_keys), len(x_keys)
    x_col = {key: nz + j for j, key in enumerate(x_keys)}
    c = np.concatenate([[-prob.value[key] for key in z_keys], [float(prob.cost[i, k]) for i, k in x_keys]])
    rows: list[int] = []
    cols: list[int] = []
    vals: list[float] = []
    lo: list[float] = []
    hi: list[float] = []
    r = 0

    def put(j: int, v: float) -> None:
        rows.append(r)
        cols.append(j)
        vals.append(v)

    def bound(low: float, high: float) -> None:
        lo.append(low)
        hi.append(high)
    for k in range(n_k):  # one set open per period
        for j, (_, kk) in enumerate(z_keys):
            if kk == k:
                put(j, 1.0)
        bound(1.0, 1.0)
        r += 1
    for k in range(n_k):  # the set open in period k holds exactly the projects opened by then
        for i in prob.available(k):
            for j, (s, kk) in enumerate(z_keys):
                if kk == k and i in s:
                    put(j, 1.0)
            for kp in range(k + 1):
                if (i, kp) in x_col:
                    put(x_col[(i, kp)], -1.0)
            bound(0.0, 0.0)
            r += 1
    for i in range(n):  # open once
        js = [x_col[(i, k)] for k in range(n_k) if (i, k) in x_col]
        if js:
            for j in js:
                put(j, 1.0)
            bound(0.0, 1.0)
            r += 1
    if prob.budget_total is not None and prob.capex_total is not None:
        for (i, _k), j in x_col.items():
            put(j, float(prob.capex_total[i]))
        bound(-np.inf, prob.budget_total)
        r += 1
    if prob.budget_per_year is not None:
        years = sorted({y for d in prob.capex_years.values() for y in d})
        for y in years:
            for key, j in x_col.items():
                v = prob.capex_years.get(key, {}).get(y, 0.0)
                if v:
                    put(j, v)
            bound(-np.inf, prob.budget_per_year)
            r += 1
    A = sparse.csr_matrix((vals, (rows, cols)), shape=(r, nz + nx))
    lb = np.zeros(nz + nx)
    for i, k in x_keys:
        if prob.forced[i] == k:
            lb[x_col[(i, k)]] = 1.0
    res = milp(c, constraints=LinearConstraint(A, lo, hi), integrality=np.ones(nz + nx),
               bounds=Bounds(lb, np.ones(nz + nx)))
    if res.status != 0:
        raise RuntimeError(f"the portfolio program failed (HiGHS status {res.status}): {res.message} "
                           f"(a built project's capex may exceed the budget)")
    x = np.round(res.x[nz:]).astype(int)
    opening = {prob.projects[i]: k for (i, k), v in zip(x_keys, x) if v}
    return Portfolio(opening=opening, npv=float(-res.fun), seconds=time.perf_counter() - start,
                     size={"binaries": nz + nx, "rows": r, "set_binaries": nz})


def brute_force(prob: PortfolioProblem) -> Portfolio:
    """The best schedule by enumerating every choice of opening period (or none) for every project."""
    start = time.perf_counter()
    n = len(prob.projects)
    choices = []
    for i in range(n):
        ks = [k for k in range(prob.n_periods) if prob.allowed[i, k]]
        choices.append([prob.forced[i]] if prob.forced[i] >= 0 else [-1, *ks])
    best: tuple[float, dict[int, int]] | None = None
    for combo in itertools.product(*choices):
        opening = {i: k for i, k in enumerate(combo) if k >= 0}
        if not prob.within_budget(opening):
            continue
        value = prob.npv(opening)
        if best is None or value > best[0] + 1e-9:
            best = (value, opening)
    if best is None:
        raise RuntimeError("no schedule fits the budget")
    return Portfolio(opening={prob.projects[i]: k for i, k in best[1].items()}, npv=best[0],
                     seconds=time.perf_counter() - start)
