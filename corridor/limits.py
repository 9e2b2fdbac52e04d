"""The documented limits of the model: the largest (and smallest) numbers a scenario, a network or a run may hold.

They keep every derived number finite and within what the solvers handle (HiGHS treats 1e20 as infinity and loses
accuracy long before that; a sum of values near 1e308 overflows to ``inf``), and they catch a misplaced decimal point
or a unit slip: coal is worth ~50-300 USD/t, a route is a few thousand kilometres, a corridor moves a few tens of Mt a
year. A value beyond a limit is refused at load with a message that names the file, the key or row, and the limit.

Scenario values (``corridor._scenario_schema``):

- ``MIN_TONNES``, ``MAX_TONNES``: a shipment's lot, from 1 t to 1 Gt;
- ``MAX_MT_PER_YEAR``: each origin's supply and each destination's demand in ``[flows]``, 0 or from
  ``MIN_MT_PER_YEAR`` (1 t/yr) to 10,000 Mt/yr (more than the world's coal output);
- ``MAX_PENALTY_USD_PER_T``: the unserved penalty;
- ``MAX_NUMBER``: any other number of a scenario (changes, distribution parameters), in absolute value;
- ``MAX_ROUTES``: routes listed per case (see also ``MAX_ROUTE_WORK``).

Derived numbers (checked after pricing, :mod:`corridor.costs`, and in the allocation LP, :mod:`corridor.flows`):

- ``MAX_ARC_USD_PER_T``, ``MAX_ARC_HOURS``: money and time of one link, pass or transfer of the routing graph;
- ``MAX_CAPACITY_MT_PER_YEAR``: a capacity (larger ones are taken as unlimited by nothing: they are refused).

Runs (:mod:`corridor.uncertainty.montecarlo`, :mod:`corridor.routes`):

- ``MAX_DRAWS``: draws of a run, and at most what ``MAX_DRAW_MEMORY_BYTES`` holds (estimated before drawing);
- ``MAX_ROUTE_WORK``: routes x arcs x states of the routing graph for the k-cheapest search (Yen's algorithm runs a
  shortest-path search from every state of every route it finds; measured ~1e-7 s per unit: a few minutes at most).
"""

from __future__ import annotations

MIN_TONNES = 1.0
MAX_TONNES = 1e9
MIN_MT_PER_YEAR = 1e-6
MAX_MT_PER_YEAR = 1e4
MAX_PENALTY_USD_PER_T = 1e6
MAX_NUMBER = 1e12
MAX_ROUTES = 1000

MAX_ARC_USD_PER_T = 1e6
MAX_ARC_HOURS = 1e6
MAX_CAPACITY_MT_PER_YEAR = 1e6

MAX_DRAWS = 100_000_000
MAX_DRAW_MEMORY_BYTES = 2 * 1024**3
MAX_ROUTE_WORK = 2_000_000_000
