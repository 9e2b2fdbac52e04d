"""One prepared allocation LP, solved again under changes: closed arcs, new capacities, extra capacity rows.

This is the interface of every "what if" on annual flows (:mod:`corridor.criticality`, the diversification curve of
:mod:`corridor.flows.diversify`): build the LP once (:func:`corridor.flows.flow_problem`), describe each change as a
:class:`Modification` and solve them all with :func:`solve_modified`, which only changes bounds and rows, never the
graph. A faster re-solve (e.g. warm-started HiGHS) can replace :func:`solve_modified` without touching its callers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import numpy as np

from .problem import FlowProblem
from .solution import FlowSolution, solve_problem


@dataclass(frozen=True)
class Modification:
    """A change of a prepared LP.

    Attributes
    ----------
    name : str
        What the change is, for tables.
    closed : ndarray
        Variables (arc flows are the first ``problem.n_arcs``) held at 0.
    rhs : dict
        Inequality rows (``A_ub``: supply rows first, then one capacity row per element) and their new right-hand
        sides.
    rows : tuple
        Extra inequality rows ``(columns, coefficients, right-hand side)``: e.g. a cap on what an element without a
        capacity may carry.
    """

    name: str
    closed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    rhs: dict[int, float] = field(default_factory=dict)
    rows: tuple[tuple[np.ndarray, np.ndarray, float], ...] = ()


def modified(problem: FlowProblem, mod: Modification) -> FlowProblem:
    """``problem`` with ``mod`` applied (the same variables and equality rows; new bounds and inequality rows)."""
    from scipy import sparse

    upper = problem.upper
    if len(mod.closed):
        upper = np.full(len(problem.c), np.inf) if upper is None else upper.copy()
        upper[np.asarray(mod.closed, dtype=np.int64)] = 0.0
    b_ub, A_ub = problem.b_ub, problem.A_ub
    if mod.rhs:
        b_ub = b_ub.copy()
        for row, value in mod.rhs.items():
            b_ub[row] = value
    if mod.rows:
        extra = sparse.csr_matrix((np.concatenate([np.asarray(v, float) for _, v, _ in mod.rows]),
                                   (np.concatenate([np.full(len(c), i) for i, (c, _, _) in enumerate(mod.rows)]),
                                    np.concatenate([np.asarray(c, np.int64) for c, _, _ in mod.rows]))),
                                  shape=(len(mod.rows), A_ub.shape[1]))
        A_ub = sparse.vstack([A_ub, extra], format="csr")
        b_ub = np.concatenate([b_ub, [float(r) for _, _, r in mod.rows]])
    return replace(problem, upper=upper, b_ub=b_ub, A_ub=A_ub)


def solve_modified(problem: FlowProblem, mods: Sequence[Modification]) -> list[FlowSolution]:
    """Solve ``problem`` under each modification in turn (HiGHS through scipy); the solutions in the same order.

    Every modified LP stays feasible and bounded (unserved demand absorbs what can no longer be delivered), so a
    failure raises as :func:`~corridor.flows.solve_problem` does.
    """
    return [solve_problem(modified(problem, m)) for m in mods]
