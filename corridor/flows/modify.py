"""One prepared allocation LP, solved again under changes: closed arcs, new capacities, extra capacity rows.

This is the interface of every "what if" on annual flows (:mod:`corridor.criticality`, the diversification curve of
:mod:`corridor.flows.diversify`): build the LP once (:func:`corridor.flows.flow_problem`), describe each change as a
:class:`Modification` and solve them all with :func:`solve_modified`, which only changes bounds and rows, never the
graph. It re-solves them warm (:class:`corridor.flows.FlowModel`): one LP holds every extra row the modifications
add, free (an infinite right-hand side) except in the modification that adds it, and each modification is a
change of numbers only (arc bounds and right-hand sides) from the base basis. ``warm=False`` solves each modified
LP from scratch instead (scipy), the check.
"""

from __future__ import annotations

import functools
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


def solve_modified(problem: FlowProblem, mods: Sequence[Modification], *, warm: bool = True) -> list[FlowSolution]:
    """Solve ``problem`` under each modification in turn; the solutions in the same order, each as the modified LP
    (:func:`modified`) gives it: its ``ub_marginals`` are those of the problem's rows, then of the modification's own.

    ``warm``: re-solve from the base basis (HiGHS through ``highspy``, see the module docstring); else from scratch
    (HiGHS through scipy). Both give the same optimal costs (to solver tolerance). Every modified LP stays feasible and
    bounded (unserved demand absorbs what can no longer be delivered), so a failure raises as
    :func:`~corridor.flows.solve_problem` does.
    """
    if not warm or not mods:
        return [solve_problem(modified(problem, m)) for m in mods]
    from .model import FlowModel

    slot: dict[tuple[bytes, bytes], int] = {}
    free: list[tuple[np.ndarray, np.ndarray, float]] = []
    for m in mods:
        for cols, coef, _ in m.rows:
            key = _row_key(cols, coef)
            if key not in slot:
                slot[key] = len(free)
                free.append((np.asarray(cols, dtype=np.int64), np.asarray(coef, dtype=float), np.inf))
    model = FlowModel(modified(problem, Modification("every extra row, free", rows=tuple(free))))
    n_orig, n_el, n_arcs = model.n_orig, model.n_elements, model.n_arcs
    own_rows = problem.A_ub.shape[0]  # supply, capacities, then the problem's own extra rows (limits)
    out = []
    for m in mods:
        closed = np.asarray(m.closed, dtype=np.int64)
        if (closed >= n_arcs).any():  # a variable that is not an arc flow: not a number of the model
            out.append(solve_problem(modified(problem, m)))
            continue
        nums: dict[str, np.ndarray] = {}
        edit = functools.partial(_edit, nums, model)
        if len(closed):
            edit("arc_upper")[closed] = 0.0
        for row, value in m.rhs.items():
            if row < n_orig:
                edit("supply")[row] = value
            elif row < n_orig + n_el:
                edit("capacity")[row - n_orig] = value
            else:
                edit("extra")[row - n_orig - n_el] = value
        mine = []
        for cols, coef, rhs in m.rows:
            j = own_rows - n_orig - n_el + slot[_row_key(cols, coef)]
            extra = edit("extra")
            extra[j] = min(float(rhs), extra[j])
            mine.append(n_orig + n_el + j)
        sol = model.solve(**nums)
        keep = np.concatenate([np.arange(own_rows), np.asarray(mine, dtype=np.int64)])
        out.append(FlowSolution(x=sol.x, objective=sol.objective, eq_marginals=sol.eq_marginals,
                                ub_marginals=sol.ub_marginals[keep]))
    return out


def _edit(nums: dict[str, np.ndarray], model, name: str) -> np.ndarray:
    """The copy of the model's base ``name`` numbers that a modification changes (made on first change)."""
    if name not in nums:
        nums[name] = getattr(model, f"base_{name}").copy()
    return nums[name]


def _row_key(cols, coef) -> tuple[bytes, bytes]:
    return np.asarray(cols, dtype=np.int64).tobytes(), np.asarray(coef, dtype=float).tobytes()
