"""Criticality: close (or derate) each element of the network in turn and measure what it costs.

- For a **shipment** (:mod:`~corridor.criticality.shipment`): the rise in the best route's generalized cost per tonne
  and the corridor that takes over; ``inf`` where no route is left.
- For **annual flows** (:mod:`~corridor.criticality.flows`): the extra annual cost of the allocation and the tonnes a
  year left unserved, with the element closed or derated.

Elements (:mod:`~corridor.criticality.elements`) are links, nodes, transfers, border crossings and countries, and
named sets of them (``[[criticality]]`` in a scenario file, or ``sets=``), each ranked by what its loss costs.

    >>> s = corridor.load_scenario("scenarios/test_shipment_2025.toml")
    >>> crit = corridor.criticality.criticality(s, case="Rajin closed")
    >>> crit.table.head()                      # the most critical elements first
    >>> crit.plot(); crit.map()
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from ..errors import InputError, NoRouteError
from ..restrict import KINDS
from ..scenario import Scenario
from .elements import Element, elements, named_sets

__all__ = ["Criticality", "criticality"]


@dataclass
class Criticality:
    """The result of :func:`criticality`.

    ``table`` has one row per case and element, most critical first within each case. Shipments: ``rise_usd_per_t``
    (generalized USD/t; ``inf``: no route left), the new best ``route`` and its ``corridor``, ``on_route``. Flows:
    ``flow_mt_per_year`` through the element, ``extra_cost_usd_per_year``, ``unserved_mt_per_year``.
    """

    of: str  # "shipment" or "flows"
    table: pd.DataFrame
    scenario: Scenario
    derate: float | None = None
    skipped: list[str] = field(default_factory=list)

    @property
    def measure(self) -> str:
        """The column that ranks the elements."""
        return "rise_usd_per_t" if self.of == "shipment" else "extra_cost_usd_per_year"

    def ranked(self, case: str | None = None, top: int | None = None) -> pd.DataFrame:
        """One case's elements, most critical first (elements that cost nothing left out)."""
        t = self.table
        case = case or (t["case"].iloc[0] if len(t) else None)
        part = t[(t["case"] == case) & ((t[self.measure] > 0) | (t.get("unserved_mt_per_year", 0) > 0))]
        return part.head(top) if top else part

    def plot(self, case: str | None = None, *, top: int = 20):
        """Ranked bars of the most critical elements (:func:`corridor.plot.criticality.criticality_chart`)."""
        from ..plot.criticality import criticality_chart

        return criticality_chart(self, case, top=top)

    def map(self, case: str | None = None):
        """The network coloured by criticality (:func:`corridor.plot.criticality.criticality_map`)."""
        from ..plot.criticality import criticality_map

        return criticality_map(self, case)

    def to_dict(self) -> dict:
        rows = self.table.replace({np.inf: None}).to_dict(orient="records")
        return {"scenario": self.scenario.name, "of": self.of, "derate": self.derate, "rows": rows,
                "skipped": list(self.skipped)}


def criticality(scenario: Scenario, *, case: str | None = None, of: str = "auto",
                kinds: Iterable[str] = KINDS, sets: Mapping[str, Mapping] | None = None, include_sets: bool = True,
                derate: float | None = None) -> Criticality:
    """Close (or, for flows, derate) each element in turn, for every case (or one) of ``scenario``.

    Parameters
    ----------
    of : {"auto", "shipment", "flows"}
        What to measure: a case's shipment or its annual flows (``auto``: flows where the scenario has them).
    kinds : iterable of str
        Which elements: any of ``link``, ``node``, ``transfer``, ``crossing``, ``country``.
    sets : mapping, optional
        Named sets closed together, e.g. ``{"all DPRK": {"countries": ["KP"]}}``, besides the scenario's
        ``[[criticality]]`` sets (unless ``include_sets`` is False).
    derate : float, optional
        For flows: instead of closing, keep this share (0 < derate < 1) of each element's capacity (or of what it
        carries, where it has none).
    """
    from .flows import flow_criticality
    from .shipment import shipment_criticality, shipment_graph

    has_flows = any(c.flows is not None for c in scenario.cases)
    if of == "auto":
        of = "flows" if has_flows else "shipment"
    if of not in ("shipment", "flows"):
        raise InputError(f"of must be 'shipment' or 'flows', got {of!r}")
    if derate is not None and (of != "flows" or not 0 < derate < 1):
        raise InputError("derate is a share between 0 and 1, for flows" if of == "flows" else
                         "derate applies to flows; a shipment's elements are closed")
    kinds = list(kinds)
    unknown = [k for k in kinds if k not in KINDS]
    if unknown:
        raise InputError(f"unknown element kind {unknown[0]!r} (expected {', '.join(KINDS)})")
    all_sets = {**(dict(scenario.element_sets) if include_sets else {}), **(sets or {})}
    cases = [scenario.case(case)] if case is not None else list(scenario.cases)
    frames, skipped = [], []
    for c in cases:
        if (c.shipment if of == "shipment" else c.flows) is None:
            if case is not None:
                what = "[shipment]" if of == "shipment" else "[flows]"
                raise InputError(f"{scenario.source}: case '{c.name}' has no {what}")
            continue
        if of == "shipment":
            ship = c.require_shipment()
            graph = shipment_graph(c)
            items = _items(graph, [ship.origin, ship.destination], kinds, all_sets)
            try:
                frames.append(shipment_criticality(c, graph, items))
            except NoRouteError as err:
                skipped.append(f"case '{c.name}': {err}")
        else:
            from .flows import prepare

            prepared = prepare(c)
            f = c.require_flows()
            items = _items(prepared.problem.graph, [*f.supply, *f.destination_nodes()], kinds, all_sets)
            frames.append(flow_criticality(c, items, derate=derate, prepared=prepared))
    if not frames:
        raise InputError(f"{scenario.source}: no case to measure" + (f" ({'; '.join(skipped)})" if skipped else ""))
    table = pd.concat(frames, ignore_index=True)
    measure = "rise_usd_per_t" if of == "shipment" else "extra_cost_usd_per_year"
    order = {name: i for i, name in enumerate(dict.fromkeys(table["case"]))}
    table = table.sort_values(["case", measure], ascending=[True, False],
                              key=lambda s: s.map(order) if s.name == "case" else s, kind="stable")
    return Criticality(of=of, table=table.reset_index(drop=True), scenario=scenario, derate=derate, skipped=skipped)


def _items(graph, ends: list[str], kinds: list[str], sets: Mapping) -> list[Element]:
    items = elements(graph, ends=ends, kinds=kinds)
    try:
        items += named_sets(graph, sets)
    except ValueError as err:
        raise InputError(str(err)) from None
    return items
