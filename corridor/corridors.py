"""Corridors: routes classed by their gateways, and the best route through each gateway of a case.

A route's **gateways** are the border crossings it uses (a land link between two countries) and its **export port**,
the port where it is loaded onto a ship (a transfer to ``sea``); its **corridor** is them in order,
``"Sukhbaatar – Naushki › Khasan – Tumangang › Rajin port"`` (:func:`corridor.legs.corridor_label`).

The gateways of a shipment (:func:`shipment_gateways`) are the crossings out of the origin's country (``exit``) and,
when the destination is reached by sea, every port with a transfer to sea (``port``). For each, the cheapest route
through it is found directly, by a search restricted to its arcs (:mod:`corridor.restrict`, :mod:`corridor.routes`),
so each corridor is reported however many cheaper routes use others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from .graph import RoutingGraph
from .legs import crossing_name, short_name
from .network import Network
from .restrict import Restriction, crossings
from .routes import RouteFinder

RANK_LIMIT = 200  # how far down the ranking the rank of a gateway's best route is looked for


@dataclass(frozen=True)
class Gateway:
    """A crossing out of the origin's country (``kind = "exit"``, ``id`` = ``a/b`` with ``a`` on the origin's side)
    or a port where routes go to sea (``kind = "port"``, ``id`` = the node id)."""

    kind: str
    id: str
    name: str
    avoid: str = ""  # a country the routes through this gateway must avoid (a variant of the gateway), or ""

    @property
    def label(self) -> str:
        """How the gateway is named in tables: ``"Rajin port"``, ``"Zamyn-Uud – Erenhot"``,
        ``"Rajin port, avoiding CN"``."""
        return f"{self.name}, avoiding {self.avoid}" if self.avoid else self.name

    def countries(self, nodes: pd.DataFrame) -> set[str]:
        """The countries the gateway itself is in (a port's, a crossing's two)."""
        ids = self.id.split("/") if self.kind == "exit" else [self.id]
        return {str(nodes.at[i, "country"]) for i in ids if i in nodes.index}


def shipment_gateways(net: Network, origin: str, destination: str) -> list[Gateway]:
    """The gateways of a shipment on ``net`` (the scenario's network: gateways a case closes are kept, to be reported
    as closed): the crossings out of the origin's country, then, if the destination is reached by sea, the ports with a
    transfer to sea (in file order)."""
    nodes = net.nodes
    home = nodes.at[origin, "country"]
    out: list[Gateway] = []
    if nodes.at[destination, "country"] != home:
        for r in crossings(net).itertuples():
            a, b = (r.a, r.b) if nodes.at[r.a, "country"] == home else (r.b, r.a)
            if nodes.at[a, "country"] == home and a != destination:
                out.append(Gateway("exit", f"{a}/{b}", crossing_name(nodes, a, b)))
    lk = net.links
    by_sea = ((lk["mode"] == "sea") & ((lk["to"] == destination) | (lk["both_ways"] & (lk["from"] == destination))))
    if by_sea.any():
        tr = net.transfers
        ports = tr.loc[(tr["to_mode"] == "sea") & (tr["from_mode"] != "stock"), "node"]
        for port in dict.fromkeys(ports):
            if port not in (origin, destination):
                out.append(Gateway("port", str(port), short_name(nodes.at[port, "name"])))
    return out


def gateway_restriction(graph: RoutingGraph, gateway: Gateway, home: str) -> Restriction | None:
    """What keeps a route to ``gateway`` (None if the case closed it), for a shipment from country ``home``.

    - an **exit** ``a/b``: every other link out of ``home`` and every link back into it are avoided, so the route
      leaves ``home`` once, there;
    - a **port**: the loading onto ships at every other port is avoided and the route must load here.
    """
    arcs = graph.arcs
    kind = arcs["kind"].to_numpy()
    tail, head = arcs["from_node"].to_numpy(), arcs["node"].to_numpy()
    if gateway.kind == "port":
        mode = arcs["mode"].astype(str)
        loading = ((kind == "transfer") & mode.str.endswith(">sea").to_numpy()
                   & ~mode.str.startswith("stock>").to_numpy())
        here = loading & (head == gateway.id)
        if not here.any():
            return None
        return Restriction(via=(np.flatnonzero(here),), avoid=np.flatnonzero(loading & ~here),
                           via_labels=(gateway.name,))
    a, _, b = gateway.id.partition("/")
    country = graph.network.nodes["country"]
    inside_tail = country.reindex(tail).to_numpy() == home
    inside_head = country.reindex(head).to_numpy() == home
    link = kind == "link"
    here = link & (tail == a) & (head == b)
    if not here.any():
        return None
    leave, back = link & inside_tail & ~inside_head & ~here, link & ~inside_tail & inside_head
    return Restriction(avoid=np.flatnonzero(leave | back), avoid_labels=(f"every exit from {home} but {gateway.name}",))


@dataclass(frozen=True)
class GatewayBest:
    """The cheapest route through one gateway in one case: its arcs, or why there is none."""

    gateway: Gateway
    arcs: list[int] | None
    why: str = ""  # "closed" (the case closed the gateway) or "no route"


class GatewaySearch:
    """The cheapest route through each gateway of one case's graph, for any arc weights: the gateways' restrictions
    (and those of their variants) are built once, the routes found fast (:class:`~corridor.routes.RouteFinder`).

    With ``variants``, each gateway whose best route passes through a third country (neither the origin's nor the
    destination's nor the gateway's own) is followed by its best route avoiding that country, one variant per such
    country where there is one (e.g. Rajin avoiding China: the all-Russian route).
    """

    def __init__(self, graph: RoutingGraph, origin: str, destination: str, gateways: list[Gateway],
                 base: Restriction | None = None, *, variants: bool = True):
        self.graph, self.origin, self.destination, self.gateways = graph, origin, destination, gateways
        self.base, self.variants = base, variants
        self.nodes = graph.network.nodes
        self.home = str(self.nodes.at[origin, "country"])
        self.fixed = {self.home, str(self.nodes.at[destination, "country"])}
        self.own = [gateway_restriction(graph, gw, self.home) for gw in gateways]
        self.finder = RouteFinder(graph, origin, destination)
        self._avoid: dict[tuple[int, str], Restriction] = {}
        self._entered = self.nodes["country"].reindex(graph.arcs["node"].to_numpy()).to_numpy().astype(str)

    def _with_base(self, r: Restriction) -> Restriction:
        return r if self.base is None else self.base.and_(r)

    def __call__(self, weights: np.ndarray) -> list[GatewayBest]:
        out = []
        for k, (gw, own) in enumerate(zip(self.gateways, self.own)):
            if own is None:
                out.append(GatewayBest(gw, None, "closed"))
                continue
            found = self.finder(weights, self._with_base(own))
            out.append(GatewayBest(gw, found, "" if found is not None else "no route"))
            if found is None or not self.variants:
                continue
            fixed = self.fixed | gw.countries(self.nodes)
            for country in [c for c in dict.fromkeys(self._entered[found]) if c not in fixed]:
                key = (k, country)
                if key not in self._avoid:
                    self._avoid[key] = self._with_base(
                        Restriction.build(self.graph, avoid=[("country", country)]).and_(own))
                alt = self.finder(weights, self._avoid[key])
                if alt is not None:
                    out.append(GatewayBest(Gateway(gw.kind, gw.id, gw.name, avoid=country), alt))
        return out


def best_per_gateway(graph: RoutingGraph, origin: str, destination: str, gateways: list[Gateway],
                     weights: np.ndarray, base: Restriction | None = None, *,
                     variants: bool = True) -> list[GatewayBest]:
    """The cheapest route through each gateway (under ``base``, e.g. a shipment's via and avoid), by ``weights``;
    see :class:`GatewaySearch` (which keeps its work for many weights)."""
    return GatewaySearch(graph, origin, destination, gateways, base, variants=variants)(weights)
