"""The ``[[uncertainty]]`` entries of a scenario file: read and checked once, at load.

An entry selects cells of a network table the way ``[[cases.change]]`` does (``table``, ``where``) plus one
``column``, and gives a distribution for them, applied as a multiplier of the file value (``as = "scale"``, the
default) or as the value itself (``as = "value"``)::

    [[uncertainty]]
    name = "RZD tariff"
    table = "links"
    where = { country = "RU", mode = "rail1520" }
    column = "tariff_usd_per_tkm"
    distribution = "triangular"    # uniform (low, high) | triangular (low, mode, high)
    low = 0.5                      # | normal (mean, sd; optional low, high) | lognormal (mean, sd; optional low, high)
    mode = 0.8
    high = 1.0

Entries that share a ``group`` move together: one uniform number per draw feeds every entry of the group through
its own inverse distribution function (so two entries with the same distribution get the same value).

Transit regimes move with entries on the ``regimes`` table (``coefficient``, ``tariff_usd_per_tkm`` or
``flat_usd_per_t``, as the regime's basis has it): every arc the regime prices is re-priced per draw.

Sea links priced by vessel class (blank tariff, see :mod:`corridor.sea`) move with entries on the ``vessels`` table
(hire, fuel price and rates, port days and dues, speed; ``where`` picks classes, ``{}`` all) and with link entries on
their ``distance_km`` or ``fixed_usd_per_t``; a link entry on their tariff or speed is refused (they have none).

The carbon price (USD per tonne of CO2, see :func:`corridor.costs.generalized`) is an entry on the pseudo-table
``settings`` (no ``where``)::

    [[uncertainty]]
    name = "carbon price"
    table = "settings"
    column = "carbon_price_usd_per_t_co2"
    distribution = "uniform"
    low = 0
    high = 100
    as = "value"                   # "scale" multiplies each case's own carbon price

The dispersion of a logit allocation (``[flows] assignment = "logit"``, :mod:`corridor.flows.logit`) is an entry on the
pseudo-table ``flows`` (no ``where``; ``column = "dispersion_usd_per_t"``). It moves the allocation only: draws of
routes leave it aside, and ``corridor calibrate`` fits it (:mod:`corridor.validation.calibration`).

A normal or lognormal without bounds is cut at 0 (the columns cannot be negative); on a column that must be
positive (``distance_km``, ``speed_km_per_day``, ``speed_knots``) every distribution needs a lower bound above 0.

Three more kinds of entry act on the annual flows (:mod:`corridor.flows`) only, drawn by a run with ``--draws`` on a
scenario with ``[flows]`` (a shipment's routes do not depend on them):

* **capacity**: ``column = "capacity_mt_per_year"`` on links, nodes or transfers; it acts on the selected rows that
  have a capacity in a case (a blank capacity is unlimited and stays so);
* **supply** and **demand**: ``table = "supply"`` or ``"demand"``, ``where = { node = "kashima" }`` (a node or a
  list; ``{}`` for all), no ``column``: it scales or sets the Mt/yr of ``[flows]`` at those nodes, in every case
  where they supply or demand::

    [[uncertainty]]
    name = "Japanese demand"
    table = "demand"
    where = { node = "kashima" }
    distribution = "uniform"
    low = 0.8
    high = 1.2
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np

from ..sea import COST_COLUMNS
from .distributions import Distribution

if TYPE_CHECKING:
    from ..network import Network

CAPACITY_COLUMN = "capacity_mt_per_year"  # a capacity entry (links, nodes, transfers): acts on the flows' LP
SETTINGS = "settings"  # the pseudo-table of a case's settings (the carbon price)
FLOWS = "flows"  # the pseudo-table of a case's [flows] (the dispersion of a logit allocation)
PSEUDO_TABLES = (SETTINGS, FLOWS)
# Columns an entry may make uncertain: those that enter a route's money or time (or its generalized cost), and
# capacities.
UNCERTAIN_COLUMNS = {
    "links": ("distance_km", "tariff_usd_per_tkm", "speed_km_per_day", "fixed_usd_per_t", CAPACITY_COLUMN),
    "nodes": ("pass_usd_per_t", "pass_hours", CAPACITY_COLUMN),
    "transfers": ("cost_usd_per_t", "dwell_hours", CAPACITY_COLUMN),
    "vessels": COST_COLUMNS,  # the vessels.csv columns that price sea links without a tariff
    "regimes": ("coefficient", "tariff_usd_per_tkm", "flat_usd_per_t"),  # the value of a transit regime's basis
    SETTINGS: ("carbon_price_usd_per_t_co2",),  # a case's settings, not a network table
    FLOWS: ("dispersion_usd_per_t",),  # a case's [flows], not a network table
}
FLOW_TABLES = ("supply", "demand")  # entries on the Mt/yr of [flows] at their nodes
FLOW_COLUMN = "mt_per_year"
POSITIVE_COLUMNS = {"distance_km", "speed_km_per_day", "speed_knots", "dispersion_usd_per_t"}
# On a sea link priced by vessel class (blank tariff) only these link columns enter its cost or time; the rest is in
# vessels.csv (draw it with table = "vessels").
VESSEL_LINK_COLUMNS = ("distance_km", "fixed_usd_per_t")
PARAMETERS = {  # distribution -> (required keys, optional keys)
    "uniform": (("low", "high"), ()),
    "triangular": (("low", "mode", "high"), ()),
    "normal": (("mean", "sd"), ("low", "high")),
    "lognormal": (("mean", "sd"), ("low", "high")),
}
ENTRY_KEYS = {"name", "table", "where", "column", "distribution", "as", "group", "note", "low", "high", "mode", "mean",
              "sd"}



@dataclass(frozen=True)
class Entry:
    """One ``[[uncertainty]]`` entry, checked against the scenario's network.

    ``how`` is ``"scale"`` or ``"value"`` (the ``as`` key of the file).
    """

    name: str
    table: str
    where: dict
    column: str
    distribution: Distribution
    how: str = "scale"
    group: str | None = None  # entries with the same group share one draw; None: the entry is a group of its own
    where_in_file: str = field(default="", compare=False)

    def bounds(self) -> tuple[float, float]:
        return self.distribution.bounds()

    @property
    def kind(self) -> str:
        """``"price"`` (a cell that enters an arc's money or time), ``"carbon"`` (the carbon price of the
        settings), ``"dispersion"`` (of a logit allocation, the ``flows`` pseudo-table), ``"capacity"``, ``"supply"``
        or ``"demand"``."""
        if self.table in FLOW_TABLES:
            return self.table
        if self.table == SETTINGS:
            return "carbon"
        if self.table == FLOWS:
            return "dispersion"
        return "capacity" if self.column == CAPACITY_COLUMN else "price"

    @property
    def group_key(self) -> tuple[str, str]:
        """What identifies the entry's group: ``("group", group)``, or ``("entry", name)`` for an entry on its own."""
        return ("group", self.group) if self.group is not None else ("entry", self.name)

    @property
    def group_label(self) -> str:
        """The group's name in tables: its ``group``, or the entry's own name."""
        return self.group if self.group is not None else self.name


def groups(entries: Sequence[Entry]) -> list[tuple[str, str]]:
    """Group keys (:attr:`Entry.group_key`) in order of first appearance (an entry without a group is its own)."""
    return list(dict.fromkeys(e.group_key for e in entries))


def apply_values(network: Network, entries: Sequence[Entry], values: Sequence[float]) -> Network:
    """The network of one draw: entry ``i`` scales or sets its cells to ``values[i]``.

    The slow, obvious way to price a draw (the tests and the benchmark check the vectorised pricing against it);
    entries that select no row of ``network`` (e.g. closed in a case) are skipped, and so are entries on the
    ``settings`` (see :func:`carbon_price`), the ``flows`` (see :func:`dispersion`) and supply and demand entries
    (see :func:`apply_flow_values`). A capacity entry acts on the selected rows that have a capacity.
    """
    net = network
    for e, v in zip(entries, values):
        if e.kind in (*FLOW_TABLES, "carbon", "dispersion"):
            continue
        ids = net.select(e.table, e.where)
        if e.kind == "capacity":
            ids = ids[net.table(e.table).loc[ids, CAPACITY_COLUMN].notna().to_numpy()]
        if len(ids) == 0:
            continue
        op = {"scale": {e.column: float(v)}} if e.how == "scale" else {"set": {e.column: float(v)}}
        net = net.change(e.table, {"id": list(ids)}, **op)
    return net


def carbon_price(base: float, entries: Sequence[Entry], values: Sequence[float]) -> float:
    """A case's carbon price in one draw: its own (``base``) as the ``settings`` entries set or scale it."""
    out = float(base)
    for e, v in zip(entries, values):
        if e.table == SETTINGS and e.column == "carbon_price_usd_per_t_co2":
            out = float(v) if e.how == "value" else out * float(v)
    return out


def dispersion(base: float | None, entries: Sequence[Entry], values: Sequence[float]) -> float | None:
    """A case's logit dispersion (USD/t) in one draw: its own (``base``; None without a logit allocation) as the
    ``flows`` entries set or scale it."""
    out = base
    for e, v in zip(entries, values):
        if e.table == FLOWS and e.column == "dispersion_usd_per_t" and out is not None and not np.isnan(v):
            out = float(v) if e.how == "value" else out * float(v)
    return out


def apply_flow_values(supply: dict[str, float], demand: dict[str, float], entries: Sequence[Entry],
                      values: Sequence[float]) -> tuple[dict[str, float], dict[str, float]]:
    """The supply and demand (node -> Mt/yr) of one draw: each supply or demand entry scales or sets the Mt/yr of
    the nodes it selects that are in ``supply`` or ``demand`` (the slow, obvious way; the tests use it)."""
    out = {"supply": dict(supply), "demand": dict(demand)}
    for e, v in zip(entries, values):
        if e.kind not in FLOW_TABLES:
            continue
        table = out[e.kind]
        for node in flow_nodes(e, table):
            table[node] = table[node] * float(v) if e.how == "scale" else float(v)
    return out["supply"], out["demand"]


def flow_nodes(entry: Entry, table: dict[str, float] | Sequence[str]) -> list[str]:
    """The nodes of ``table`` (the supply or demand of a case) that a supply or demand entry selects."""
    want = entry.where.get("node")
    if want is None:
        return list(table)
    wants = set(want) if isinstance(want, list) else {want}
    return [n for n in table if n in wants]
