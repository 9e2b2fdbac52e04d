"""The allocation LP held by HiGHS (``highspy``): built once, re-solved many times with changed numbers.

A draw, a sweep step, a closure or a project changes the numbers of the LP, not its shape: arc costs, arc bounds
(0 closes an arc), capacities, supply and demand. :class:`FlowModel` passes the LP of a :class:`FlowProblem` to a
``highspy.Highs`` object once and re-solves it with the new numbers from the optimal basis of the base solve, which
takes a few simplex iterations instead of a solve from scratch.

Every re-solve starts from the same state (the solver's data cleared, the base basis set), so its answer depends
only on its numbers: not on the solves before it, on which process runs it or in which order. That is what makes
batches of solves bit-identical however they are split among workers (:mod:`corridor.batch`). The base allocation
itself (:meth:`FlowModel.solve` without changes) is solved the same way, so a re-solve with unchanged numbers gives
it back bit for bit.

:meth:`FlowModel.solve_cold` solves the same numbers from scratch with ``scipy.optimize.linprog`` (HiGHS through
scipy), the check of a warm re-solve.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

import numpy as np

from ..graph import RoutingGraph
from .problem import FlowProblem
from .solution import FlowSolution

if TYPE_CHECKING:
    from ..case import Limit

_NUMBERS = ("cost", "arc_upper", "capacity", "supply", "demand", "extra")


@functools.cache
def _quiet_class():
    import highspy

    class Quiet(highspy.Highs):
        def enableCallbacks(self) -> None:  # called by Highs.__init__, which would log the banner first
            self.setOptionValue("output_flag", False)
            super().enableCallbacks()

    return Quiet


def _quiet_highs():
    """A ``highspy.Highs`` that never writes to stdout (its log is off before the banner would be printed)."""
    return _quiet_class()()


class FlowModel:
    """The LP of ``problem`` in HiGHS, re-solved warm from its base basis.

    Parameters
    ----------
    problem : FlowProblem
        From :func:`corridor.flows.flow_problem`.

    The numbers a re-solve may change (each an array in the order of the problem, None for the base values):

    * ``cost``: generalized cost per tonne of each arc (``problem.n_arcs``; e.g. ``ArcPricer.weights``);
    * ``arc_upper``: upper bound of each arc's flow in Mt/yr (``inf`` for none, 0 closes the arc);
    * ``capacity``: capacity of each element (``problem.elements``, Mt/yr);
    * ``supply``, ``demand``: Mt/yr of each origin and destination (``problem.origins``, ``problem.destinations``);
    * ``extra``: right-hand side of each inequality row after the capacity rows (diversification limits, rows a
      :class:`~corridor.flows.modify.Modification` adds; ``inf`` frees a row).

    A FlowModel pickles without its HiGHS object (rebuilt on first use), so it can be sent to worker processes.

    Examples
    --------
    >>> model = FlowModel(flow_problem(graph, {"a": 10}, {"m": 4}))
    >>> base = model.solve()
    >>> dearer = model.solve(cost=model.base_cost * 1.1, capacity=np.array([2.5]))
    >>> model.allocation(dearer, capacity=np.array([2.5])).elements
    """

    def __init__(self, problem: FlowProblem):
        from scipy import sparse

        self.problem = problem
        p = problem
        self.n_arcs = p.n_arcs
        self.n_eq, self.n_ub = p.A_eq.shape[0], p.A_ub.shape[0]
        self.n_states = len(p.graph.states)
        self.n_orig, self.n_dest = len(p.origins), len(p.destinations)
        self.n_cols = len(p.c)
        self._matrix = sparse.vstack([p.A_eq, p.A_ub]).tocsc()
        # rows of the stacked matrix: conservation, demand, supply, capacity
        self.demand_rows = np.arange(self.n_states, self.n_eq, dtype=np.int32)
        self.supply_rows = np.arange(self.n_eq, self.n_eq + self.n_orig, dtype=np.int32)
        self.capacity_rows = np.arange(self.n_eq + self.n_orig, self.n_eq + self.n_orig + len(p.elements),
                                       dtype=np.int32)
        self.arc_cols = np.arange(self.n_arcs, dtype=np.int32)
        self.n_elements = len(p.elements)  # capacity rows; rows after them (limits, ...) keep their numbers
        self.base_cost = p.c[:self.n_arcs].copy()
        self._col_upper = np.full(self.n_cols, np.inf) if p.upper is None else np.asarray(p.upper, dtype=float)
        self.base_arc_upper = self._col_upper[:self.n_arcs].copy()
        self.base_capacity = p.b_ub[self.n_orig:self.n_orig + self.n_elements].copy()
        self.base_supply = p.supply.copy()
        self.base_demand = p.demand.copy()
        self.base_extra = p.b_ub[self.n_orig + self.n_elements:].copy()
        self.extra_rows = np.arange(self.n_eq + self.n_orig + self.n_elements, self.n_eq + self.n_ub, dtype=np.int32)
        self._highs: Any = None
        self._loaded: dict[str, np.ndarray] = {}
        self._basis_status: tuple[np.ndarray, np.ndarray] | None = None
        self._basis: Any = None
        self._setup()

    # ----- HiGHS ---------------------------------------------------------------------------------------
    def _setup(self) -> None:
        """Pass the LP to a new Highs object; find the base basis by a solve from scratch (first time only)."""
        import highspy

        h = _quiet_highs()
        h.setOptionValue("threads", 1)
        inf = highspy.kHighsInf
        p, a = self.problem, self._matrix
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = self.n_cols, self.n_eq + self.n_ub
        lp.col_cost_ = p.c
        lp.col_lower_ = np.zeros(self.n_cols)
        lp.col_upper_ = np.where(np.isfinite(self._col_upper), self._col_upper, inf)
        lp.row_lower_ = np.concatenate([p.b_eq, np.full(self.n_ub, -inf)])
        lp.row_upper_ = np.concatenate([p.b_eq, p.b_ub])
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = a.indptr
        lp.a_matrix_.index_ = a.indices
        lp.a_matrix_.value_ = a.data
        h.passModel(lp)
        self._highs = h
        self._loaded = {}
        if self._basis_status is None:
            h.run()
            self._check(h, "the base solve")
            b = h.getBasis()
            self._basis_status = (np.array([int(s) for s in b.col_status], dtype=np.int8),
                                  np.array([int(s) for s in b.row_status], dtype=np.int8))
        cols, rows = self._basis_status
        basis = highspy.HighsBasis()
        basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in cols]
        basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in rows]
        basis.valid = True
        self._basis = basis
        h.setOptionValue("presolve", "off")  # a warm start from a basis does not presolve

    @staticmethod
    def _check(h, what: str) -> None:
        import highspy

        status = h.getModelStatus()
        if status != highspy.HighsModelStatus.kOptimal:
            raise RuntimeError(f"the allocation LP failed in {what} (HiGHS: {h.modelStatusToString(status)})")

    def __getstate__(self) -> dict:
        state = dict(self.__dict__)
        state["_highs"], state["_basis"], state["_loaded"] = None, None, {}
        return state

    def __setstate__(self, state: dict) -> None:
        self.__dict__.update(state)

    # ----- solves --------------------------------------------------------------------------------------
    def numbers(self, **changes: np.ndarray | None) -> dict[str, np.ndarray]:
        """The full numbers of a solve: each of ``cost``, ``arc_upper``, ``capacity``, ``supply``, ``demand`` as
        given, else its base value (checked for length and for NaN)."""
        unknown = set(changes) - set(_NUMBERS)
        if unknown:
            raise TypeError(f"unknown number(s) {sorted(unknown)} (expected {', '.join(_NUMBERS)})")
        out = {}
        for name in _NUMBERS:
            base = getattr(self, f"base_{name}")
            value = changes.get(name)
            if value is None:
                out[name] = base
                continue
            value = np.asarray(value, dtype=float)
            if value.shape != base.shape:
                raise ValueError(f"{name} needs {len(base)} values, got shape {value.shape}")
            if np.isnan(value).any():
                raise ValueError(f"{name} has NaN values")
            out[name] = value
        return out

    def solve(self, *, cost=None, arc_upper=None, capacity=None, supply=None, demand=None,
              extra=None) -> FlowSolution:
        """Re-solve with the given numbers (None: the base values) from the base basis.

        The answer depends on these numbers only (the solver is reset before each solve), never on earlier solves.
        """
        import highspy

        if self._highs is None:
            self._setup()
        h = self._highs
        nums = self.numbers(cost=cost, arc_upper=arc_upper, capacity=capacity, supply=supply, demand=demand,
                            extra=extra)
        self._push("cost", nums["cost"], lambda v: h.changeColsCost(self.n_arcs, self.arc_cols, v))
        self._push("arc_upper", nums["arc_upper"],
                   lambda v: h.changeColsBounds(self.n_arcs, self.arc_cols, np.zeros(self.n_arcs),
                                                np.where(np.isfinite(v), v, highspy.kHighsInf)))
        self._push("capacity", nums["capacity"], lambda v: self._row_upper(self.capacity_rows, v))
        self._push("supply", nums["supply"], lambda v: self._row_upper(self.supply_rows, v))
        self._push("demand", nums["demand"],
                   lambda v: h.changeRowsBounds(len(self.demand_rows), self.demand_rows, v, v))
        self._push("extra", nums["extra"], lambda v: self._row_upper(self.extra_rows, v))
        h.clearSolver()
        h.setBasis(self._basis)
        h.run()
        self._check(h, "a re-solve")
        sol = h.getSolution()
        duals = np.asarray(sol.row_dual, dtype=float)
        return FlowSolution(x=np.asarray(sol.col_value, dtype=float), objective=float(h.getObjectiveValue()),
                            eq_marginals=duals[:self.n_eq], ub_marginals=duals[self.n_eq:])

    def _row_upper(self, rows: np.ndarray, upper: np.ndarray) -> None:
        import highspy

        self._highs.changeRowsBounds(len(rows), rows, np.full(len(rows), -highspy.kHighsInf),
                                     np.where(np.isfinite(upper), upper, highspy.kHighsInf))

    def _push(self, name: str, value: np.ndarray, setter) -> None:
        """Give HiGHS ``value`` unless it holds exactly that already."""
        held = self._loaded.get(name)
        if held is None and value is getattr(self, f"base_{name}"):
            return  # never changed
        if held is not None and np.array_equal(held, value):
            return
        setter(value)
        self._loaded[name] = value.copy()

    def solve_cold(self, *, cost=None, arc_upper=None, capacity=None, supply=None, demand=None,
                   extra=None) -> FlowSolution:
        """The same numbers solved from scratch with ``scipy.optimize.linprog`` (the check of :meth:`solve`)."""
        from .solution import solve_problem

        nums = self.numbers(cost=cost, arc_upper=arc_upper, capacity=capacity, supply=supply, demand=demand,
                            extra=extra)
        return solve_problem(self.problem_with(**nums), upper=self._upper(nums["arc_upper"]))

    def _upper(self, arc_upper: np.ndarray) -> np.ndarray | None:
        rest = self._col_upper[self.n_arcs:]
        if not np.isfinite(arc_upper).any() and not np.isfinite(rest).any():
            return None
        return np.concatenate([arc_upper, rest])

    def problem_with(self, **changes: np.ndarray | None) -> FlowProblem:
        """The :class:`FlowProblem` with the given numbers (for :func:`read_solution`; ``arc_upper`` is not part of
        a FlowProblem: closed arcs simply carry no flow)."""
        nums = self.numbers(**changes)
        p = self.problem
        if all(nums[k] is getattr(self, f"base_{k}") for k in ("cost", "capacity", "supply", "demand", "extra")):
            return p
        c = p.c.copy()
        c[:self.n_arcs] = nums["cost"]
        b_eq = p.b_eq.copy()
        b_eq[self.n_states:] = nums["demand"]
        b_ub = np.concatenate([nums["supply"], nums["capacity"], nums["extra"]])
        elements = p.elements.assign(capacity_mt_per_year=nums["capacity"])
        return replace(p, c=c, b_eq=b_eq, b_ub=b_ub, supply=nums["supply"].copy(), demand=nums["demand"].copy(),
                       elements=elements)

    def allocation(self, sol: FlowSolution | None = None, *, graph: RoutingGraph | None = None,
                   limits: Sequence[Limit] = (), **changes: np.ndarray | None):
        """The :class:`~corridor.flows.Allocation` of a solve with ``changes`` (solved here if ``sol`` is None).

        Its routes are priced on ``graph`` (default: the problem's; pass one with the changed prices, e.g.
        ``ArcPricer.graph_with_weights``, when ``cost`` changed). ``limits``: the diversification limits whose rows
        end the problem's inequality rows (:func:`corridor.flows.diversify.with_limits`), if any.
        """
        from .allocation import read_solution

        if sol is None:
            sol = self.solve(**changes)
        changes.pop("arc_upper", None)
        problem = self.problem_with(**changes)
        if graph is not None:
            problem = replace(problem, graph=graph)
        return read_solution(problem, sol, limits)

    def __repr__(self) -> str:
        s = self.problem.size()
        return (f"<FlowModel: {s['variables']} variables, {s['equality_rows']} + {s['inequality_rows']} rows, "
                f"{len(self.base_capacity)} capacities>")
