"""The elements whose closure (or derating) criticality measures, each with its arcs in one routing graph.

For every element (:mod:`corridor.restrict` kinds: link, node, transfer, crossing, country; and named sets of them):

- ``closed``: the arcs closing it removes, as :meth:`corridor.Network.close` would (a node with all its links,
  passes and transfers; a country with its nodes and the links it charges);
- ``through``: the arcs whose flow is what passes through it: a link's or a crossing's link arcs, a transfer's arc,
  and for a node, a country or a set of nodes the link arcs that **enter** it from outside (so a tonne is counted once
  each time it enters, as the LP counts a node's capacity);
- ``capacity_row``: its row among the LP's capacity elements, if it has a capacity.

The ends of the traffic (a shipment's origin and destination, the supply and demand nodes of flows), their loading
and unloading rows and the countries that hold them are left out: closing them ends the traffic by definition.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..graph import RoutingGraph
from ..legs import short_name
from ..restrict import KINDS, SPEC_KEYS, arc_columns, closed_arcs, crossings, spec_items, through_arcs

COUNTRY_NAMES = {"MN": "Mongolia", "CN": "China", "RU": "Russia", "KP": "DPRK", "KR": "South Korea", "JP": "Japan"}
MODE_NAMES = {"rail1520": "rail 1520", "rail1435": "rail 1435", "road": "road", "sea": "sea"}


@dataclass(frozen=True)
class Element:
    """One element (or named set) and its arcs; see the module docstring."""

    kind: str  # link, node, transfer, crossing, country or set
    id: str
    name: str
    closed: np.ndarray
    through: np.ndarray


def _entering(cols: dict, nodes: set[str]) -> np.ndarray:
    """Link arcs that enter the set of ``nodes`` from outside it."""
    link = cols["kind"] == "link"
    wanted = list(nodes)
    return np.flatnonzero(link & np.isin(cols["node"], wanted) & ~np.isin(cols["from"], wanted))


def _name(net, kind: str, element: str, crossing_names: dict | None = None) -> str:
    names = net.nodes["name"]
    if kind == "link":
        lk = net.links.loc[element]
        return f"{short_name(names[lk['from']])} – {short_name(names[lk['to']])} ({MODE_NAMES.get(lk['mode'], '')})"
    if kind == "node":
        return short_name(names[element])
    if kind == "transfer":
        node, _, modes = element.partition(":")
        src, _, dst = modes.partition(">")
        return f"{short_name(names[node])}: {src} → {dst}"
    if kind == "crossing":
        names_ = crossing_names if crossing_names is not None else dict(zip(*crossings(net)[["id", "name"]].T.values))
        return str(names_.get(element, element))
    return f"{COUNTRY_NAMES.get(element, element)} ({element})"


def element_arcs(graph: RoutingGraph, kind: str, element: str, cols: dict | None = None
                 ) -> tuple[np.ndarray, np.ndarray]:
    """``(closed, through)`` arcs of one element of ``graph`` (``cols``: :func:`~corridor.restrict.arc_columns`)."""
    cols = cols or arc_columns(graph)
    closed = closed_arcs(graph, kind, element, cols)
    if kind == "node":
        return closed, _entering(cols, {element})
    if kind == "country":
        here = set(graph.network.nodes.index[graph.network.nodes["country"] == element])
        return closed, _entering(cols, here)
    return closed, through_arcs(graph, kind, element, cols)


def elements(graph: RoutingGraph, *, ends: Iterable[str] = (), kinds: Iterable[str] = KINDS) -> list[Element]:
    """Every element of ``graph``'s network of the given ``kinds``, in file order, without the traffic's ``ends``
    (node ids), their loading and unloading rows and their countries."""
    net = graph.network
    cols = arc_columns(graph)
    table = crossings(net)
    crossing_names = dict(zip(table["id"], table["name"]))
    ends = set(ends)
    end_countries = set(net.nodes.loc[[e for e in ends if e in net.nodes.index], "country"])
    out = []
    for kind in kinds:
        if kind == "link":
            ids = list(net.links.index)
        elif kind == "node":
            ids = [n for n in net.nodes.index if n not in ends]
        elif kind == "transfer":
            tr = net.transfers
            stock = (tr["from_mode"] == "stock") | (tr["to_mode"] == "stock")
            ids = list(tr.index[~(stock & tr["node"].isin(ends))])
        elif kind == "crossing":
            ids = list(crossing_names)
        elif kind == "country":
            present = set(net.nodes["country"])
            ids = [c for c in COUNTRY_NAMES if c in present and c not in end_countries]
        else:
            raise ValueError(f"unknown element kind {kind!r} (expected {', '.join(KINDS)})")
        for element in ids:
            closed, through = element_arcs(graph, kind, element, cols)
            out.append(Element(kind, str(element), _name(net, kind, str(element), crossing_names), closed, through))
    return out


def named_sets(graph: RoutingGraph, sets: Mapping[str, Mapping[str, list[str]]]) -> list[Element]:
    """Named combinations, e.g. ``{"all DPRK": {"countries": ["KP"]}, "Zamyn-Uud and Erenhot": {"nodes":
    ["zamyn_uud", "erenhot"]}}``: closing one closes all its elements at once."""
    out = []
    cols = arc_columns(graph)
    for name, spec in sets.items():
        unknown = set(spec) - set(SPEC_KEYS)
        if unknown:
            raise ValueError(f"set {name!r}: unknown key {sorted(unknown)[0]!r} (expected {', '.join(SPEC_KEYS)})")
        items = spec_items(spec)
        closed = [element_arcs(graph, k, e, cols)[0] for k, e in items]
        node_set = {e for k, e in items if k == "node"}
        for k, e in items:
            if k == "country":
                node_set |= set(graph.network.nodes.index[graph.network.nodes["country"] == e])
        through = [_entering(cols, node_set)] if node_set else []
        through += [element_arcs(graph, k, e, cols)[1] for k, e in items if k not in ("node", "country")]
        out.append(Element("set", name, name, np.unique(np.concatenate(closed or [np.zeros(0, np.int64)])),
                           np.unique(np.concatenate(through or [np.zeros(0, np.int64)]))))
    return out


def as_frame(items: list[Element]) -> pd.DataFrame:
    """The elements as a table (kind, id, name)."""
    return pd.DataFrame([(e.kind, e.id, e.name) for e in items], columns=["kind", "id", "name"])
