"""The observations of a network (``observations.csv``), read into plain records: what was observed, where, its band,
and how a model value is scored against it.

Scoring
-------
A model value ``m`` is held against an observed value ``o`` with band ``low..high``:

- **ratio** ``m / o`` and **log error** ``ln(m / o)`` (for flows ``ln((m + f) / (o + f))`` with ``f`` =
  :data:`FLOW_FLOOR` Mt/yr, so that an observed or modelled zero can be scored: a flow of 0 against 0.17 Mt/yr is a
  log error of -1.0, against 5 Mt/yr of -3.9);
- **inside** the band if ``low <= m <= high``, give or take :data:`ROUNDING` (published figures are rounded: USD 8/t
  over 240 km is 0.0333 USD/t-km, which gives back 7.99);
- the **weighted residual** that calibration squares and sums: the log error divided by the band's half-width in log
  space, ``ln(high / low) / 2`` (at least :data:`MIN_BAND`), so an observation with a narrow band pulls harder than
  a vague one; for a band symmetric in log space a value at its edge has a residual of +-1. (The half-width of the
  whole band, not of the side the value falls on: a figure at an end of its band - "15.7 h, falling to 9.1 h the
  year after" - would otherwise weigh without limit on its open side.)
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .. import schema
from .._netchecks import element_kind

COST, DAYS, HOURS, FLOW = schema.OBSERVATION_KINDS
FLOW_FLOOR = 0.1  # Mt/yr added to both sides of a flow's log error
MIN_BAND = math.log(1.05)  # the narrowest half-width (log space): a figure given exactly is still rounded (~5%)
ROUNDING = 0.005  # relative: how far outside its band a value may lie and still count as inside
UNITS = {COST: "USD/t", DAYS: "days", HOURS: "h", FLOW: "Mt/yr"}


@dataclass(frozen=True)
class Observation:
    """One row of ``observations.csv``: ``element`` as ``(kind, id)`` or None (then a route or flow from ``origin``),
    ``via`` as ``(kind, id)`` pairs."""

    id: str
    kind: str
    value: float
    low: float
    high: float
    year: str
    origin: str = ""
    destination: str = ""
    via: tuple[tuple[str, str], ...] = ()
    element: tuple[str, str] | None = None
    cargo: str = ""
    source: str = ""
    note: str = ""

    @property
    def where(self) -> str:
        """Where, in words: ``node gashuunsukhait`` or ``tavan_tolgoi → ganqimaodu via gashuunsukhait``."""
        if self.element is not None:
            return f"{self.element[0]} {self.element[1]}"
        text = f"{self.origin} → {self.destination or 'any'}"
        if self.via:
            text += " via " + ", ".join(e for _, e in self.via)
        return text

    @property
    def sources(self) -> list[str]:
        return [s for s in schema.split_list(self.source) if s != schema.ESTIMATE]

    @property
    def floor(self) -> float:
        return FLOW_FLOOR if self.kind == FLOW else 0.0


def read_observations(net) -> list[Observation]:
    """The observations of network ``net`` (checked at load), in file order."""
    df = net.observations
    out = []
    for oid, row in df.iterrows():
        def kind_of(ident: str) -> tuple[str, str]:
            return (element_kind(ident, net.nodes, net.links, net.transfers.index) or "node", ident)

        element = kind_of(row["element"]) if row["element"] else None
        out.append(Observation(
            id=str(oid), kind=row["kind"], value=float(row["value"]), low=float(row["low"]), high=float(row["high"]),
            year=str(row["year"]), origin=row["origin"], destination=row["destination"],
            via=tuple(kind_of(v) for v in schema.split_list(row["via"])), element=element, cargo=row["cargo"],
            source=row["source"], note=row["note"]))
    return out


def log_error(obs: Observation, model: np.ndarray | float) -> np.ndarray:
    """ln(model / observed), with the floor of flows (see the module docstring)."""
    f = obs.floor
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.log((np.asarray(model, dtype=float) + f) / (obs.value + f))


def half_width(obs: Observation) -> float:
    """Half the band's width in log space, ``ln((high + f) / (low + f)) / 2``, at least :data:`MIN_BAND`."""
    f = obs.floor
    if obs.low + f <= 0:
        return math.inf
    return max(math.log((obs.high + f) / (obs.low + f)) / 2.0, MIN_BAND)


def residual(obs: Observation, model: np.ndarray | float) -> np.ndarray:
    """The log error over the band's half-width in log space (:func:`half_width`)."""
    return log_error(obs, model) / half_width(obs)


def inside(obs: Observation, model: np.ndarray | float) -> np.ndarray:
    """True where the model value lies in the band, give or take :data:`ROUNDING` (relative)."""
    m = np.asarray(model, dtype=float)
    return (m >= obs.low * (1.0 - ROUNDING) - 1e-12) & (m <= obs.high * (1.0 + ROUNDING) + 1e-12)


def as_table(observations: list[Observation]) -> pd.DataFrame:
    """The observations as a table (one row each), for reports."""
    return pd.DataFrame([dict(id=o.id, kind=o.kind, where=o.where, year=o.year, observed=o.value, low=o.low,
                              high=o.high, unit=UNITS[o.kind], cargo=o.cargo, source=o.source, note=o.note)
                         for o in observations],
                        columns=["id", "kind", "where", "year", "observed", "low", "high", "unit", "cargo", "source",
                                 "note"])
