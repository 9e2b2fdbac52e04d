"""Annual volumes on a capacitated network: a min-cost flow LP on the routing graph (scipy HiGHS).

The problem
-----------
Variables (all in Mt/yr, all >= 0):

* ``x[a]``: flow on each arc ``a`` of the routing graph (links in each direction, transfers);
* ``y[i]``: flow from a super-source into each start state of each origin (its LOAD state if it has
  loading rows, else each of its mode states);
* ``z[k]``: flow from each end state of each destination into that destination's demand (its UNLOAD
  state if it has unloading rows, else each of its mode states);
* ``u[d]``: demand left unserved at destination ``d``.

Rows:

* conservation at every state: flow in (arcs entering, super-source) = flow out (arcs leaving, demand);
* demand at each destination: ``sum z + u = demand`` (equality, so a tonne is either delivered or unserved);
* supply at each origin: ``sum y <= supply`` (supply is what is *available*; it need not all be shipped);
* one capacity row per element with ``capacity_mt_per_year``:

  - a **link**: flow in both directions of a ``both_ways`` link together (they SHARE the capacity);
  - a **transfer**: the flow on its arc;
  - a **node**: the flow entering it by a link, i.e. transit and terminating flows alike (flow that
    *starts* at a node is limited by its supply, not by its node capacity).

The objective is the total generalized cost: arc money (link or transfer charge plus the pass charge of the
node entered) plus value of time x days, times flow, plus the unserved penalty times unserved tonnes. A route
never pays the pass charge of its destination (it ends there; see :func:`corridor.routes.route_legs`): every
tonne that reaches a destination entered it by a link that charged that pass, so the demand arc ``z`` of a
destination carries minus its pass charge (and minus its pass time). Flow that passes *through* a
destination on its way elsewhere pays the charge. Origins and destinations are different nodes (checked at
load), so the demand arcs' negative costs can never be collected without having been paid first.

Units and shadow prices
-----------------------
Costs are in USD/t and flows in Mt/yr, so the objective is in USD/t x Mt/yr = million USD/yr. The dual of a
capacity row is d(objective)/d(capacity) in (million USD/yr) per (Mt/yr) = **USD per tonne** of extra
annual capacity: what the total generalized cost would fall by, per tonne a year, if the element could
carry one tonne a year more. It is reported with the sign that makes it >= 0 (HiGHS gives the marginal of a
``<=`` row of a minimisation as <= 0). With a value of time the prices are in generalized USD/t. Where
demand would otherwise go unserved, a capacity's price is bounded by the unserved penalty minus the cost of
the route it opens: a large price then says "this element decides whether the tonne moves at all".
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .graph import RoutingGraph
from .routes import key_nodes, route_label, route_nodes

DEFAULT_UNSERVED_PENALTY_USD_PER_T = 1000.0
USD_PER_MUSD = 1e6
FLOW_TOL = 1e-9  # Mt/yr; flows below this (relative to the total) are solver noise

ROUTE_COLUMNS = ["origin", "destination", "route", "mt_per_year", "cost_usd_per_t", "generalized_usd_per_t",
                 "cost_usd_per_year", "nodes", "key_nodes", "links", "arcs"]
ELEMENT_COLUMNS = ["kind", "id", "name", "flow_mt_per_year", "capacity_mt_per_year", "utilisation",
                   "shadow_price_usd_per_t", "binding", "relieve_with"]
DESTINATION_COLUMNS = ["demand_mt_per_year", "delivered_mt_per_year", "unserved_mt_per_year", "marginal_usd_per_t"]
ORIGIN_COLUMNS = ["supply_mt_per_year", "shipped_mt_per_year", "value_usd_per_t"]


@dataclass(frozen=True)
class FlowProblem:
    """The LP of an allocation, as scipy arrays, with what is needed to read its solution.

    Variable order: arc flows (``n_arcs``), super-source entries (``supply_state``), demand entries
    (``sink_state``), unserved (one per destination). Rows: ``A_eq`` = conservation at each state, then
    demand per destination; ``A_ub`` = supply per origin, then one row per capacity element.
    """

    graph: RoutingGraph
    origins: list[str]
    destinations: list[str]
    supply: np.ndarray
    demand: np.ndarray
    supply_state: np.ndarray
    supply_origin: np.ndarray
    sink_state: np.ndarray
    sink_dest: np.ndarray
    elements: pd.DataFrame  # kind, id, name, capacity_mt_per_year (one per capacity row)
    c: np.ndarray
    A_eq: object  # scipy.sparse matrix
    b_eq: np.ndarray
    A_ub: object
    b_ub: np.ndarray
    unserved_penalty_usd_per_t: float
    value_of_time_usd_per_t_day: float

    @property
    def n_arcs(self) -> int:
        return len(self.graph.arcs)

    def size(self) -> dict[str, int]:
        """Columns, rows and non-zeros of the LP."""
        return {"variables": len(self.c), "equality_rows": self.A_eq.shape[0], "inequality_rows": self.A_ub.shape[0],
                "nonzeros": int(self.A_eq.nnz + self.A_ub.nnz)}


@dataclass(frozen=True)
class Allocation:
    """The solved allocation of one case, as pandas tables.

    Attributes
    ----------
    routes : DataFrame
        The flow decomposed into origin-to-destination routes, largest first: Mt/yr, money and generalized
        cost per tonne, money per year, nodes, key nodes, links and arcs (routing-graph arc numbers).
    elements : DataFrame
        Every element with a capacity (kind link, transfer or node): flow, capacity, utilisation and shadow
        price (USD per tonne of extra annual capacity), binding ones first.
    destinations : DataFrame
        Demand, delivered and unserved Mt/yr per destination, and the marginal cost of one more tonne of
        demand there (USD/t; equal to the penalty where demand is unserved).
    origins : DataFrame
        Supply and shipped Mt/yr per origin, and the value of one more tonne of supply there (USD/t).
    totals : dict
        ``total_cost_usd_per_year`` (the minimised objective: generalized transport cost plus unserved penalty),
        ``transport_cost_usd_per_year`` (money paid for the delivered tonnes), ``generalized_cost_usd_per_year``,
        ``unserved_penalty_usd_per_year``, ``delivered_mt_per_year``, ``unserved_mt_per_year``,
        ``average_cost_usd_per_t`` and ``average_generalized_usd_per_t`` (per delivered tonne).
    arc_flow : ndarray
        Mt/yr on each arc of ``graph.arcs``.
    lp_size : dict
        Variables, rows and non-zeros of the LP.
    """

    routes: pd.DataFrame
    elements: pd.DataFrame
    destinations: pd.DataFrame
    origins: pd.DataFrame
    totals: dict
    arc_flow: np.ndarray
    lp_size: dict = field(default_factory=dict)


# ----- building the LP -----------------------------------------------------------------------------

def _end_entries(graph: RoutingGraph, places: list[str], which: str) -> tuple[np.ndarray, np.ndarray]:
    present = set(graph.network.nodes.index)
    states, owners = [], []
    for i, place in enumerate(places):
        if place not in present:  # closed in this case: nothing can start or end there
            continue
        found = graph.origin_states(place) if which == "origin" else graph.destination_states(place)
        states += found
        owners += [i] * len(found)
    return np.asarray(states, dtype=np.int64), np.asarray(owners, dtype=np.int64)


def capacity_rows(graph: RoutingGraph) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """The capacity elements of ``graph`` and their rows as (row, arc) pairs.

    Returns
    -------
    elements : DataFrame
        ``kind`` (link, transfer, node), ``id``, ``name``, ``capacity_mt_per_year``; row ``r`` of the capacity
        block is ``elements.iloc[r]``.
    rows, cols : ndarray
        Each arc counted in a row: ``rows[j]`` is the element, ``cols[j]`` the arc.
    """
    net, arcs = graph.network, graph.arcs
    kind = arcs["kind"].to_numpy()
    ref = arcs["ref"].to_numpy()
    entered = arcs["node"].to_numpy()
    is_link = kind == "link"
    parts, rows, cols = [], [], []
    start = 0
    names = net.nodes["name"]

    def name_of(table: str, df: pd.DataFrame) -> np.ndarray:
        if table == "links":
            return (names.reindex(df["from"]).to_numpy(dtype=object) + " – "
                    + names.reindex(df["to"]).to_numpy(dtype=object))
        if table == "transfers":
            return (names.reindex(df["node"]).to_numpy(dtype=object) + " "
                    + df.index.str.split(":").str[1].to_numpy(dtype=object))
        return df["name"].to_numpy(dtype=object)

    for table in ("links", "transfers", "nodes"):
        df = net.table(table)
        capped = df[df["capacity_mt_per_year"].notna()]
        ids = pd.Index(capped.index)
        kind_name = table[:-1]
        parts.append(pd.DataFrame({"kind": kind_name, "id": ids, "name": name_of(table, capped) if len(capped) else [],
                                   "capacity_mt_per_year": capped["capacity_mt_per_year"].to_numpy(float)}))
        if table == "links":
            member, key = is_link, ref
        elif table == "transfers":
            member, key = ~is_link, ref
        else:
            member, key = is_link, entered
        pos = ids.get_indexer(key)
        hit = member & (pos >= 0)
        rows.append(start + pos[hit])
        cols.append(np.flatnonzero(hit))
        start += len(ids)
    elements = pd.concat(parts, ignore_index=True)
    return elements, np.concatenate(rows).astype(np.int64), np.concatenate(cols).astype(np.int64)


def flow_problem(graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float], *,
                 unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
                 value_of_time_usd_per_t_day: float = 0.0) -> FlowProblem:
    """Build the min-cost flow LP of ``graph`` (see the module docstring), vectorised with scipy.sparse.

    ``supply`` and ``demand`` map node ids to Mt/yr. Nodes absent from the graph's network (closed in a case)
    simply supply nothing and receive nothing.
    """
    from scipy import sparse

    arcs = graph.arcs
    nodes = graph.network.nodes
    origins, destinations = list(supply), list(demand)
    if set(origins) & set(destinations):
        both = ", ".join(sorted(set(origins) & set(destinations)))
        raise ValueError(f"a node cannot be both an origin and a destination: {both}")
    vot = float(value_of_time_usd_per_t_day)
    n_arcs, n_states = len(arcs), len(graph.states)
    sup_state, sup_origin = _end_entries(graph, origins, "origin")
    snk_state, snk_dest = _end_entries(graph, destinations, "destination")
    n_sup, n_snk, n_dest, n_orig = len(sup_state), len(snk_state), len(destinations), len(origins)
    n_var = n_arcs + n_sup + n_snk + n_dest
    a_idx = np.arange(n_arcs)
    y_idx = n_arcs + np.arange(n_sup)
    z_idx = n_arcs + n_sup + np.arange(n_snk)
    u_idx = n_arcs + n_sup + n_snk + np.arange(n_dest)

    tails, heads = arcs["tail"].to_numpy(), arcs["head"].to_numpy()
    eq_rows = np.concatenate([heads, tails, sup_state, snk_state, n_states + snk_dest, n_states + np.arange(n_dest)])
    eq_cols = np.concatenate([a_idx, a_idx, y_idx, z_idx, z_idx, u_idx])
    eq_vals = np.concatenate([np.ones(n_arcs), -np.ones(n_arcs), np.ones(n_sup), -np.ones(n_snk), np.ones(n_snk),
                              np.ones(n_dest)])
    A_eq = sparse.csr_matrix((eq_vals, (eq_rows, eq_cols)), shape=(n_states + n_dest, n_var))
    b_eq = np.concatenate([np.zeros(n_states), np.array([float(demand[d]) for d in destinations])])

    elements, cap_rows, cap_cols = capacity_rows(graph)
    ub_rows = np.concatenate([sup_origin, n_orig + cap_rows])
    ub_cols = np.concatenate([y_idx, cap_cols])
    A_ub = sparse.csr_matrix((np.ones(len(ub_rows)), (ub_rows, ub_cols)), shape=(n_orig + len(elements), n_var))
    b_ub = np.concatenate([np.array([float(supply[o]) for o in origins]),
                           elements["capacity_mt_per_year"].to_numpy(float)])

    # A route does not pay its destination's pass charge (nor its pass time): the demand arc refunds it.
    dest_nodes = np.array(destinations, dtype=object)[snk_dest] if n_snk else np.array([], dtype=object)
    refund = (nodes.loc[dest_nodes, "pass_usd_per_t"].to_numpy(float)
              + vot * nodes.loc[dest_nodes, "pass_hours"].to_numpy(float) / 24.0) if n_snk else np.zeros(0)
    c = np.concatenate([graph.money() + vot * graph.days(), np.zeros(n_sup), -refund,
                        np.full(n_dest, float(unserved_penalty_usd_per_t))])
    return FlowProblem(graph=graph, origins=origins, destinations=destinations,
                       supply=b_ub[:n_orig].copy(), demand=b_eq[n_states:].copy(), supply_state=sup_state,
                       supply_origin=sup_origin, sink_state=snk_state, sink_dest=snk_dest, elements=elements,
                       c=c, A_eq=A_eq, b_eq=b_eq, A_ub=A_ub, b_ub=b_ub,
                       unserved_penalty_usd_per_t=float(unserved_penalty_usd_per_t), value_of_time_usd_per_t_day=vot)


# ----- solving and reading the solution ------------------------------------------------------------

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

    res = linprog(problem.c, A_ub=problem.A_ub, b_ub=problem.b_ub, A_eq=problem.A_eq, b_eq=problem.b_eq,
                  bounds=(0, None), method="highs")
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
    for a in np.flatnonzero(rem > 0):
        out.setdefault(int(tails[a]), []).append(int(a))
    sinks: dict[int, list[int]] = {}
    for k in np.flatnonzero(zsnk > eps):
        sinks.setdefault(int(problem.sink_state[k]), []).append(int(k))
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
                    cycle = path[seen[w]:] + [a]
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


def allocate(graph: RoutingGraph, supply: Mapping[str, float], demand: Mapping[str, float], *,
             unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T,
             value_of_time_usd_per_t_day: float = 0.0) -> Allocation:
    """Allocate annual supply to demand at least total generalized cost on the capacitated ``graph``.

    Parameters
    ----------
    graph : RoutingGraph
        From :func:`corridor.build_graph`; capacities come from its network's ``capacity_mt_per_year``.
    supply, demand : mapping of node id to Mt/yr
        What each origin can ship, what each destination wants. No node may be in both.
    unserved_penalty_usd_per_t : float
        Cost of a tonne of demand left undelivered (keyword-only).
    value_of_time_usd_per_t_day : float
        Adds value of time x transit days to every tonne's cost (keyword-only).

    Returns
    -------
    Allocation

    Examples
    --------
    >>> g = corridor.build_graph(corridor.load_network("baseline"))
    >>> alloc = allocate(g, {"tavan_tolgoi": 10}, {"pohang": 4, "tianjin": 6})
    >>> alloc.elements.head()  # binding capacities first, with their shadow prices
    """
    problem = flow_problem(graph, supply, demand, unserved_penalty_usd_per_t=unserved_penalty_usd_per_t,
                           value_of_time_usd_per_t_day=value_of_time_usd_per_t_day)
    return read_solution(problem, solve_problem(problem))


def _partners(cap_block, route_arcs, ids: np.ndarray, binding: np.ndarray, price: np.ndarray) -> list[str]:
    """For each binding element with a price, the full elements at price 0 that carry exactly the same routes:
    the price is what one more t/yr is worth when they are relieved together (each alone saves nothing)."""
    out = [""] * len(ids)
    if not len(ids) or not len(route_arcs):
        return out
    uses = np.column_stack([np.asarray(cap_block[:, list(p)].sum(axis=1)).ravel() > 0 for p in route_arcs])
    carried = [frozenset(np.flatnonzero(row)) for row in uses]
    for e in np.flatnonzero(binding & (price > 0)):
        same = [ids[f] for f in np.flatnonzero(binding & (price <= 0)) if carried[f] == carried[e] and carried[e]]
        out[e] = ";".join(same)
    return out


def read_solution(problem: FlowProblem, sol: FlowSolution) -> Allocation:
    """The tables of an :class:`Allocation` from a solved :class:`FlowProblem`."""
    graph = problem.graph
    arcs, net = graph.arcs, graph.network
    n_arcs, n_sup, n_snk = problem.n_arcs, len(problem.supply_state), len(problem.sink_state)
    n_dest, n_orig, n_states = len(problem.destinations), len(problem.origins), len(graph.states)
    x = np.clip(sol.x, 0.0, None)
    arc_flow = x[:n_arcs]
    y = x[n_arcs:n_arcs + n_sup]
    z = x[n_arcs + n_sup:n_arcs + n_sup + n_snk]
    unserved = x[n_arcs + n_sup + n_snk:]
    vot = problem.value_of_time_usd_per_t_day

    # Destinations and origins.
    delivered = np.bincount(problem.sink_dest, weights=z, minlength=n_dest) if n_dest else np.zeros(0)
    dest = pd.DataFrame({"demand_mt_per_year": problem.demand, "delivered_mt_per_year": delivered,
                         "unserved_mt_per_year": unserved,
                         "marginal_usd_per_t": sol.eq_marginals[n_states:n_states + n_dest]},
                        index=pd.Index(problem.destinations, name="destination"))
    shipped = np.bincount(problem.supply_origin, weights=y, minlength=n_orig) if n_orig else np.zeros(0)
    orig = pd.DataFrame({"supply_mt_per_year": problem.supply, "shipped_mt_per_year": shipped,
                         "value_usd_per_t": -sol.ub_marginals[:n_orig]},
                        index=pd.Index(problem.origins, name="origin"))
    orig["value_usd_per_t"] = orig["value_usd_per_t"].where(orig["value_usd_per_t"].abs() > 1e-9, 0.0)

    # Routes: path decomposition, each priced exactly as the LP prices it.
    money, days = graph.money(), graph.days()
    nodes = net.nodes
    kind, from_node, entered = arcs["kind"].to_numpy(), arcs["from_node"].to_numpy(), arcs["node"].to_numpy()
    rows = []
    for o, d, path, amount in decompose(problem, x):
        p = list(path)
        dnode = problem.destinations[d]
        cost = float(money[p].sum() - nodes.at[dnode, "pass_usd_per_t"])
        gen = cost + vot * float(days[p].sum() - nodes.at[dnode, "pass_hours"] / 24.0)
        legs = pd.DataFrame({"kind": kind[p], "from": from_node[p], "to": entered[p], "node": entered[p]})
        keys = key_nodes(legs, nodes) if p else [dnode]
        is_link = kind[p] == "link"
        rows.append(dict(origin=problem.origins[o], destination=dnode,
                         route=route_label(keys, nodes), mt_per_year=amount,
                         cost_usd_per_t=cost, generalized_usd_per_t=gen, cost_usd_per_year=cost * amount * USD_PER_MUSD,
                         nodes=route_nodes(legs) if p else [dnode], key_nodes=keys,
                         links=list(arcs["ref"].to_numpy()[p][is_link]), arcs=p))
    routes = pd.DataFrame(rows, columns=ROUTE_COLUMNS)
    routes = routes.sort_values(["mt_per_year", "generalized_usd_per_t"], ascending=[False, True],
                                kind="stable").reset_index(drop=True)

    # Capacity elements: flow, utilisation, shadow price (USD/t, >= 0).
    el = problem.elements.copy()
    cap_block = problem.A_ub[n_orig:, :n_arcs]
    el["flow_mt_per_year"] = cap_block @ arc_flow if len(el) else np.zeros(0)
    cap = el["capacity_mt_per_year"].to_numpy(float)
    flow = el["flow_mt_per_year"].to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        util = np.where(cap > 0, flow / np.where(cap > 0, cap, 1.0), np.where(flow > 0, np.inf, 1.0))
    el["utilisation"] = util
    price = -sol.ub_marginals[n_orig:]
    el["shadow_price_usd_per_t"] = np.where(np.abs(price) < 1e-9, 0.0, price)
    el["binding"] = util >= 1.0 - 1e-7
    el["relieve_with"] = _partners(cap_block, routes["arcs"], el["id"].to_numpy(), el["binding"].to_numpy(),
                                   el["shadow_price_usd_per_t"].to_numpy())
    el = el.sort_values(["shadow_price_usd_per_t", "utilisation", "kind", "id"],
                        ascending=[False, False, True, True], kind="stable").reset_index(drop=True)
    el = el[ELEMENT_COLUMNS]

    delivered_total = float(delivered.sum())
    transport = float((routes["cost_usd_per_t"] * routes["mt_per_year"]).sum()) * USD_PER_MUSD
    generalized = float((routes["generalized_usd_per_t"] * routes["mt_per_year"]).sum()) * USD_PER_MUSD
    penalty = float(unserved.sum()) * problem.unserved_penalty_usd_per_t * USD_PER_MUSD
    per_t = (lambda usd: usd / (delivered_total * USD_PER_MUSD)) if delivered_total > 0 else (lambda usd: 0.0)
    totals = {
        "total_cost_usd_per_year": sol.objective * USD_PER_MUSD,
        "transport_cost_usd_per_year": transport,
        "generalized_cost_usd_per_year": generalized,
        "unserved_penalty_usd_per_year": penalty,
        "supply_mt_per_year": float(problem.supply.sum()),
        "demand_mt_per_year": float(problem.demand.sum()),
        "delivered_mt_per_year": delivered_total,
        "unserved_mt_per_year": float(unserved.sum()),
        "average_cost_usd_per_t": per_t(transport),
        "average_generalized_usd_per_t": per_t(generalized),
        "unserved_penalty_usd_per_t": problem.unserved_penalty_usd_per_t,
    }
    return Allocation(routes=routes, elements=el, destinations=dest, origins=orig, totals=totals,
                      arc_flow=arc_flow, lp_size=problem.size())
