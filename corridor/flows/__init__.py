"""Annual volumes on a capacitated network: a min-cost flow LP on the routing graph (HiGHS).

The problem
-----------
Variables (all in Mt/yr, all >= 0):

* ``x[a]``: flow on each arc ``a`` of the routing graph (links in each direction, passes, transfers);
* ``y[i]``: flow from a super-source into each start state of each origin (its load state if it has loading rows,
  else each of its ``out`` states);
* ``z[k]``: flow from each end state of each destination into that destination's demand (its unload state if it has
  unloading rows, else each of its ``in`` states);
* ``u[d]``: demand left unserved at destination ``d``.

Rows:

* conservation at every state: flow in (arcs entering, super-source) = flow out (arcs leaving, demand);
* demand at each destination: ``sum z + u = demand`` (equality, so a tonne is either delivered or unserved);
* supply at each origin: ``sum y <= supply`` (supply is what is *available*; it need not all be shipped);
* one capacity row per element with ``capacity_mt_per_year``:

  - a **link**: flow in both directions of a ``both_ways`` link together (they SHARE the capacity);
  - a **transfer**: the flow on its arc;
  - a **node**: the flow entering it by a link, i.e. transit and terminating flows alike (flow that *starts* at a
    node is limited by its supply, not by its node capacity).

The objective is the total generalized cost: each arc's money plus value of time x days (:mod:`corridor.costs`),
times flow, plus the unserved penalty times unserved tonnes. A tonne pays the pass charge of every node it passes
through and not its destination's, as a route does: the demand of a destination is met from its ``in`` states,
before its pass arc (:mod:`corridor.graph`).

Units and shadow prices
-----------------------
Costs are in USD/t and flows in Mt/yr, so the objective is in USD/t x Mt/yr = million USD/yr. The dual of a
capacity row is d(objective)/d(capacity) in (million USD/yr) per (Mt/yr) = **USD per tonne** of extra annual
capacity: what the total generalized cost would fall by, per tonne a year, if the element could carry one tonne a
year more. It is reported with the sign that makes it >= 0 (HiGHS gives the marginal of a ``<=`` row of a
minimisation as <= 0). With a value of time the prices are in generalized USD/t. Where demand would otherwise go
unserved, a capacity's price is bounded by the unserved penalty minus the cost of the route it opens: a large price
then says "this element decides whether the tonne moves at all".

Modules: :mod:`~corridor.flows.problem` (the LP as sparse arrays), :mod:`~corridor.flows.model` (the LP held by HiGHS
through ``highspy``, re-solved warm with changed numbers: the solver of every least-cost allocation),
:mod:`~corridor.flows.solution` (a cold solve with scipy, and the decomposition of the flow into routes),
:mod:`~corridor.flows.allocation` (the tables of a solved allocation), :mod:`~corridor.flows.logit` (route choice
with dispersion: flows spread over routes by a logit of their generalized cost within capacities,
``assignment = "logit"``).
"""

from ..costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from .allocation import Allocation, allocate, read_solution
from .diversify import DiversificationCurve, diversification
from .logit import allocate_logit
from .model import FlowModel
from .problem import FlowProblem, capacity_rows, flow_problem
from .solution import FlowSolution, decompose, solve_problem

__all__ = ["DEFAULT_UNSERVED_PENALTY_USD_PER_T", "Allocation", "DiversificationCurve", "FlowModel", "FlowProblem",
           "FlowSolution", "allocate", "allocate_logit", "capacity_rows", "decompose", "diversification",
           "flow_problem", "read_solution", "solve_problem"]
