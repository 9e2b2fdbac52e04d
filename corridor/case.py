"""A case of a scenario, ready to solve: its shipment, annual flows, settings, and its network with the case's
closures and changes applied."""

from __future__ import annotations

from dataclasses import dataclass, field

from .costs import DEFAULT_UNSERVED_PENALTY_USD_PER_T
from .network import Network


@dataclass(frozen=True)
class Shipment:
    """A lot of ``tonnes`` of ``coal`` from ``origin`` to ``destination`` (node ids).

    ``via`` and ``avoid`` are elements as ``(kind, id)`` pairs (kinds of :mod:`corridor.restrict`: node, link,
    transfer, crossing, country): every route uses each via element and none of the avoided ones. ``path`` fixes
    the route: node ids from origin to destination (``path_by = "nodes"``) or link ids (``"links"``).
    """

    origin: str
    destination: str
    tonnes: float
    coal: str = "thermal"  # which price of prices.csv the netback uses
    via: tuple[tuple[str, str], ...] = ()
    avoid: tuple[tuple[str, str], ...] = ()
    path: tuple[str, ...] = ()
    path_by: str = "nodes"

    @property
    def restricted(self) -> bool:
        """True if the shipment has via or avoid elements or a fixed path."""
        return bool(self.via or self.avoid or self.path)


@dataclass(frozen=True)
class Flows:
    """Annual volumes to allocate on the capacitated network (see :mod:`corridor.flows`).

    ``supply`` and ``demand`` map node ids (or the names of ``markets``, groups of nodes any of which may take the
    demand) to Mt/yr; a tonne of demand left undelivered costs ``unserved_penalty_usd_per_t``. ``limits`` cap the
    tonnes through a country or a set of nodes (the diversification constraint). ``assignment`` is ``"least-cost"``
    (the LP) or ``"logit"``: route choice with ``dispersion_usd_per_t`` over the ``paths`` cheapest routes of each
    origin-destination pair (:mod:`corridor.flows.logit`). ``year`` is the year the volumes describe: flow
    observations of that year are held against the allocation (:mod:`corridor.validation`).
    """

    supply: dict[str, float]
    demand: dict[str, float]
    unserved_penalty_usd_per_t: float = DEFAULT_UNSERVED_PENALTY_USD_PER_T
    markets: dict[str, tuple[str, ...]] = field(default_factory=dict)  # demand met at any node of a named group
    limits: tuple[Limit, ...] = ()  # at most a share (or Mt/yr) of the exported tonnes through a country or nodes
    sell: str | None = None  # coal type: credit each delivered tonne with its market price (prices.csv)
    assignment: str = "least-cost"
    dispersion_usd_per_t: float | None = None
    paths: int = 5
    year: str = ""

    def sales_usd_per_t(self, network: Network) -> dict[str, float] | None:
        """The market price of ``sell`` coal at each destination node (0 where prices.csv has none); None unless
        the flows sell at market prices."""
        if self.sell is None:
            return None
        out = {}
        for node in self.destination_nodes():
            price = network.price(node, self.sell)
            out[node] = 0.0 if price != price else price
        return out

    def destination_nodes(self) -> list[str]:
        """The node ids where demand is met (a market group's nodes in its place)."""
        return [n for d in self.demand for n in self.markets.get(d, (d,))]


@dataclass(frozen=True)
class Limit:
    """At most ``max_share`` of the case's total demand (or ``max_mt_per_year``) may pass through the ``countries``
    or ``nodes`` (the tonnes entering them, see :mod:`corridor.flows.diversify`)."""

    countries: tuple[str, ...] = ()
    nodes: tuple[str, ...] = ()
    max_share: float | None = None
    max_mt_per_year: float | None = None

    @property
    def label(self) -> str:
        """``"CN"``, ``"zamyn_uud, gashuunsukhait"``."""
        return ", ".join([*self.countries, *self.nodes])


@dataclass(frozen=True)
class Settings:
    """How many routes to list per case, the value of time that turns transit days into money, the carbon price
    that turns CO2 into money (both enter the generalized cost, :func:`corridor.costs.generalized`), and whether to
    list the best route through each gateway besides the cheapest ones (:mod:`corridor.corridors`)."""

    routes: int = 5
    value_of_time_usd_per_t_day: float = 0.0
    carbon_price_usd_per_t_co2: float = 0.0
    corridors: bool = True


@dataclass(frozen=True)
class Case:
    """One case of a scenario: its name, shipment, settings and the network with its changes applied.

    ``shipment`` is None in a scenario with only ``[flows]``; ``flows`` is None without them.
    """

    name: str
    description: str
    shipment: Shipment | None
    settings: Settings
    network: Network
    closed: tuple[str, ...] = ()
    flows: Flows | None = None

    def require_shipment(self) -> Shipment:
        """The case's shipment; a clear error for a case with ``[flows]`` only."""
        if self.shipment is None:
            raise ValueError(f"case {self.name!r} has no shipment (its scenario has [flows] only)")
        return self.shipment

    def require_flows(self) -> Flows:
        """The case's annual flows; a clear error for a case without ``[flows]``."""
        if self.flows is None:
            raise ValueError(f"case {self.name!r} has no [flows]")
        return self.flows
