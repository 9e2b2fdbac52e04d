"""The elements of a network a route can pass through or avoid, as sets of arcs of its routing graph.

Elements (``kind``: ids):

- ``node``: a node id; ``link``: a link id; ``transfer``: a transfer id (``erenhot:rail1520>rail1435``);
- ``crossing``: a border crossing, the pair of nodes of a land link between two countries, written ``a/b``
  (``zamyn_uud/erenhot``; either order), with every link joining them;
- ``country``: a country code (``CN``).

A route **uses** an element if it takes one of its arcs (:func:`through_arcs`): a node's links in or out, a link's
or a crossing's link arcs, a transfer's arc, the links into, out of or charged by a country. **Closing** an element
removes what :meth:`corridor.Network.close` removes (:func:`closed_arcs`): a node with every link, pass and transfer
at it; a country with its nodes and the links it charges.

A :class:`Restriction` holds what a route must use (``via``: one set of arcs per element, each used at least once,
in any order) and must not use (``avoid``); :mod:`corridor.routes` searches under it.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .graph import RoutingGraph
from .network import Network

KINDS = ("node", "link", "transfer", "crossing", "country")
SPEC_KEYS = {"nodes": "node", "links": "link", "transfers": "transfer", "crossings": "crossing",
             "countries": "country"}
MAX_VIA = 4  # the layered search has 2^via layers


def crossings(net: Network) -> pd.DataFrame:
    """The border crossings of ``net``: one row per pair of nodes joined by a land link between two countries.

    Columns: ``id`` (``a/b``, in the order of the first link's ``from`` and ``to``), ``a``, ``b``, ``name``
    (``"Zamyn-Uud – Erenhot"``) and ``links`` (their ids, ';'-joined), in file order.
    """
    lk, country, names = net.links, net.nodes["country"], net.nodes["name"]
    land = lk[lk["mode"] != "sea"]
    a, b = land["from"], land["to"]
    cross = land[country.reindex(a).to_numpy() != country.reindex(b).to_numpy()]
    rows: dict[frozenset, dict] = {}
    for lid, r in cross.iterrows():
        key = frozenset((r["from"], r["to"]))
        if key not in rows:
            rows[key] = dict(id=f"{r['from']}/{r['to']}", a=r["from"], b=r["to"],
                             name=f"{_short(names[r['from']])} – {_short(names[r['to']])}", links=[])
        rows[key]["links"].append(str(lid))
    out = pd.DataFrame(list(rows.values()), columns=["id", "a", "b", "name", "links"])
    out["links"] = out["links"].map(";".join)
    return out


def _short(name: str) -> str:
    return name.split(" (", 1)[0].strip()


def crossing_pair(net: Network, crossing_id: str) -> tuple[str, str] | None:
    """The two nodes of a crossing id ``a/b`` (either order), or None if no crossing of ``net`` joins them."""
    a, sep, b = crossing_id.partition("/")
    if not sep:
        return None
    table = crossings(net)
    hit = table[((table["a"] == a) & (table["b"] == b)) | ((table["a"] == b) & (table["b"] == a))]
    return (hit["a"].iloc[0], hit["b"].iloc[0]) if len(hit) else None


def known(net: Network, kind: str) -> pd.Index:
    """The ids of elements of ``kind`` in ``net``."""
    from .schema import LINK_COUNTRIES

    if kind == "node":
        return net.nodes.index
    if kind == "link":
        return net.links.index
    if kind == "transfer":
        return net.transfers.index
    if kind == "crossing":
        return pd.Index(crossings(net)["id"])
    if kind == "country":
        return pd.Index(LINK_COUNTRIES)
    raise ValueError(f"unknown element kind {kind!r} (expected one of {', '.join(KINDS)})")


def arc_columns(graph: RoutingGraph) -> dict[str, np.ndarray]:
    """The arc columns the element rules read (kind, ref, node, from, charged and the two nodes' countries), once."""
    arcs = graph.arcs
    country = graph.network.nodes["country"]
    return {"kind": arcs["kind"].to_numpy(), "ref": arcs["ref"].to_numpy(), "node": arcs["node"].to_numpy(),
            "from": arcs["from_node"].to_numpy(), "charged": arcs["country"].to_numpy(),
            "node_country": country.reindex(arcs["node"]).to_numpy(),
            "from_country": country.reindex(arcs["from_node"]).to_numpy()}


def through_arcs(graph: RoutingGraph, kind: str, element: str, cols: dict | None = None) -> np.ndarray:
    """Arcs of which a route takes at least one if and only if it uses the element (see the module docstring)."""
    c = cols or arc_columns(graph)
    link = c["kind"] == "link"
    if kind == "node":
        mask = link & ((c["node"] == element) | (c["from"] == element))
    elif kind == "link":
        mask = link & (c["ref"] == element)
    elif kind == "transfer":
        mask = (c["kind"] == "transfer") & (c["ref"] == element)
    elif kind == "crossing":
        a, _, b = element.partition("/")
        mask = link & (((c["from"] == a) & (c["node"] == b)) | ((c["from"] == b) & (c["node"] == a)))
    elif kind == "country":
        mask = link & ((c["node_country"] == element) | (c["from_country"] == element) | (c["charged"] == element))
    else:
        raise ValueError(f"unknown element kind {kind!r} (expected one of {', '.join(KINDS)})")
    return np.flatnonzero(mask)


def closed_arcs(graph: RoutingGraph, kind: str, element: str, cols: dict | None = None) -> np.ndarray:
    """Arcs removed by closing the element, as :meth:`corridor.Network.close` would remove them."""
    c = cols or arc_columns(graph)
    if kind == "node":
        return np.flatnonzero((c["node"] == element) | (c["from"] == element))
    if kind == "country":
        link = c["kind"] == "link"
        return np.flatnonzero((c["node_country"] == element) | (c["from_country"] == element)
                              | (link & (c["charged"] == element)))
    return through_arcs(graph, kind, element, c)


def spec_items(spec: Mapping[str, Iterable[str]] | None) -> list[tuple[str, str]]:
    """``{"nodes": [...], "countries": [...]}`` as ``[(kind, id), ...]`` in the order given."""
    return [(SPEC_KEYS[key], str(item)) for key, items in (spec or {}).items() for item in items]


@dataclass(frozen=True)
class Restriction:
    """What a route must use and must not use, as arcs of one routing graph.

    Attributes
    ----------
    via : tuple of ndarray
        One array of arc numbers per element the route must use (at least one arc of each, in any order).
    avoid : ndarray
        Arc numbers the route must not take.
    via_labels, avoid_labels : tuple of str
        The elements in words, for messages (``"rajin"``, ``"country CN"``).
    """

    via: tuple[np.ndarray, ...] = ()
    avoid: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    via_labels: tuple[str, ...] = ()
    avoid_labels: tuple[str, ...] = ()

    @classmethod
    def build(cls, graph: RoutingGraph, via: Iterable[tuple[str, str]] = (),
              avoid: Iterable[tuple[str, str]] = (), *, extra_avoid: np.ndarray | None = None) -> Restriction:
        """The restriction of ``via`` and ``avoid`` elements (``(kind, id)`` pairs) on ``graph``.

        Closing is what ``avoid`` does (:func:`closed_arcs`); ``extra_avoid`` adds arcs. An element closed in the
        graph's network has no arcs: as a via it leaves no route, as an avoid it changes nothing.
        """
        cols = arc_columns(graph)
        via = list(via)
        if len(via) > MAX_VIA:
            raise ValueError(f"at most {MAX_VIA} via elements (got {len(via)})")
        via_sets = tuple(through_arcs(graph, k, e, cols) for k, e in via)
        avoid = list(avoid)
        parts = [closed_arcs(graph, k, e, cols) for k, e in avoid]
        if extra_avoid is not None:
            parts.append(np.asarray(extra_avoid, dtype=np.int64))
        av = np.unique(np.concatenate(parts)).astype(np.int64) if parts else np.zeros(0, dtype=np.int64)
        return cls(via=via_sets, avoid=av, via_labels=tuple(_label(k, e) for k, e in via),
                   avoid_labels=tuple(_label(k, e) for k, e in avoid))

    @property
    def empty(self) -> bool:
        return not self.via and not len(self.avoid)

    @property
    def layers(self) -> int:
        return 2 ** len(self.via)

    def bits(self, n_arcs: int) -> np.ndarray:
        """Per arc, the via sets it belongs to as bits of an integer."""
        out = np.zeros(n_arcs, dtype=np.int64)
        for i, arcs in enumerate(self.via):
            out[arcs] |= 1 << i
        return out

    def and_(self, other: Restriction) -> Restriction:
        """Both restrictions at once."""
        if other.empty:
            return self
        if self.empty:
            return other
        return Restriction(via=self.via + other.via, avoid=np.union1d(self.avoid, other.avoid).astype(np.int64),
                           via_labels=self.via_labels + other.via_labels,
                           avoid_labels=self.avoid_labels + other.avoid_labels)

    def describe(self) -> str:
        """``"through rajin, avoiding country CN"``."""
        parts = []
        if self.via_labels:
            parts.append("through " + " and ".join(self.via_labels))
        if self.avoid_labels:
            parts.append("avoiding " + ", ".join(self.avoid_labels))
        return ", ".join(parts)


def _label(kind: str, element: str) -> str:
    return element if kind in ("node", "link", "transfer") else f"{kind} {element}"


def path_restriction(graph: RoutingGraph, *, nodes: Iterable[str] | None = None,
                     links: Iterable[str] | None = None) -> Restriction:
    """A restriction that leaves only one path open: the links joining ``nodes`` in order (any of them where two
    nodes are joined by several, e.g. two gauges; the cheapest is taken), or exactly ``links`` in order. Transfers
    and passes at the path's nodes stay open, so the route changes mode where it must."""
    arcs = graph.arcs
    kind, ref = arcs["kind"].to_numpy(), arcs["ref"].to_numpy()
    frm, to = arcs["from_node"].to_numpy(), arcs["node"].to_numpy()
    link = kind == "link"
    keep = np.zeros(len(arcs), dtype=bool)
    if links is not None:
        links = list(links)
        seq = path_nodes(graph.network, links)
        wanted = set(links)
        for a, b in itertools.pairwise(seq):
            keep |= link & (frm == a) & (to == b) & np.isin(ref, list(wanted))
        label = "path " + " › ".join(links)
    else:
        seq = list(nodes or [])
        for a, b in itertools.pairwise(seq):
            keep |= link & (frm == a) & (to == b)
        label = "path " + " › ".join(seq)
    on_path = np.isin(arcs["node"].to_numpy(), seq) & ~link
    avoid = np.flatnonzero(~(keep | on_path))
    return Restriction(avoid=avoid.astype(np.int64), avoid_labels=(f"everything off the {label}",))


def path_nodes(net: Network, links: list[str]) -> list[str]:
    """The nodes a chain of links passes, in order (the first link's end not shared with the second is the start).

    Raises ValueError if a link is unknown or two consecutive links share no node.
    """
    lk = net.links
    missing = [x for x in links if x not in lk.index]
    if missing:
        raise ValueError(f"unknown link {missing[0]!r}")
    ends = [(lk.at[x, "from"], lk.at[x, "to"]) for x in links]
    if len(ends) == 1:
        return list(ends[0])
    a, b = ends[0]
    start = a if a not in ends[1] else b
    seq = [start]
    for x, (p, q) in zip(links, ends):
        here = seq[-1]
        if here == p:
            seq.append(q)
        elif here == q:
            seq.append(p)
        else:
            raise ValueError(f"link {x!r} does not start where the path before it ends ({here})")
    return seq


def path_problems(net: Network, ids: list[str], by: str = "nodes") -> list[str]:
    """What is wrong with a path of node ids (``by = "nodes"``) or link ids: unknown ids, consecutive nodes no link
    joins (in that direction), a node visited twice, links that do not chain. Empty when all is well."""
    if by == "links":
        try:
            path_nodes(net, ids)
        except ValueError as err:
            return [str(err)]
        return []
    problems = [f"unknown node '{n}'" for n in ids if n not in net.nodes.index]
    if problems:
        return problems
    if len(ids) < 2:
        return ["a path needs at least two nodes (or one link)"]
    lk = net.links
    both = lk["both_ways"].astype(bool)
    pairs = set(zip(lk["from"], lk["to"])) | set(zip(lk.loc[both, "to"], lk.loc[both, "from"]))
    problems = [f"no link from {a} to {b}" for a, b in itertools.pairwise(ids) if (a, b) not in pairs]
    if len(set(ids)) < len(ids):
        problems.append("a path visits each node once")
    return problems
