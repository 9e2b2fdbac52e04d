"""Every cost rule of the model, written once.

The routing graph (:mod:`corridor.graph`), the re-pricing of draws (:mod:`corridor.uncertainty.reprice`) and the
allocation LP (:mod:`corridor.flows`) all price through these functions, so a route costs the same in each.

Per tonne, on each arc of the routing graph:

- a **link**: money ``distance_km x tariff_usd_per_tkm + fixed_usd_per_t``, time ``distance_km / speed_km_per_day``
  days; a sea link with a blank tariff is priced by vessel class instead (:mod:`corridor.sea`);
- a **pass** through a node (arriving by one link and leaving by another): ``pass_usd_per_t`` and ``pass_hours`` of
  the node (customs, inspection, waiting). A route starts after its origin and ends before its destination's pass
  arc, so it never pays the pass of either: the rule is in the graph's shape, not in its callers;
- a **transfer** (transloading, port handling, loading, unloading): ``cost_usd_per_t`` and ``dwell_hours``;
- a link crossed under a **transit regime** (:mod:`corridor.layers`): its tariff follows the regime's basis
  (:func:`regime_tariff`: the link's tariff x a coefficient, a transit tariff in its place, or nothing where a flat
  charge per tonne is paid once on entering, on a **regime** arc).

A route's money and days are the sums over its arcs (:func:`route_totals`, in the order of its legs); its CO2 is the
sum of ``distance_km x co2_g_per_tkm`` over its links; its **generalized cost** is money + value of time x days +
carbon price x CO2 (:func:`generalized`; the carbon price in USD per tonne of CO2, the CO2 in kg per tonne of cargo).

**How much of the money rests on estimates** (:func:`estimated_part`): each term of an arc's money rests on an
estimate if any of its factors is an estimate (:mod:`corridor.provenance`): ``distance_km x tariff`` if the distance
or the tariff (or a regime's coefficient or tariff) is; the fixed charge, a pass charge, a transfer's cost, a flat
transit charge if that cell is; a sea leg priced by vessel class term by term (:func:`corridor.sea.cost_terms`). A
route's ``estimated_share`` is the estimated money of its arcs over its money.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from . import schema
from .limits import MAX_ARC_HOURS, MAX_ARC_USD_PER_T

if TYPE_CHECKING:
    from .network import Network

HOURS_PER_DAY = 24.0
KG_PER_T = 1000.0
# What a tonne of annual demand left undelivered costs in an allocation, unless a scenario says otherwise: far above
# any route's cost (coal is worth ~50-300 USD/t), so capacity, not price, decides what goes unserved.
DEFAULT_UNSERVED_PENALTY_USD_PER_T = 1000.0


def link_usd_per_t(distance_km, tariff_usd_per_tkm, fixed_usd_per_t):
    """Money per tonne of a link priced by tariff: ``distance_km x tariff_usd_per_tkm + fixed_usd_per_t``."""
    return distance_km * tariff_usd_per_tkm + fixed_usd_per_t


def regime_tariff(basis, link_tariff_usd_per_tkm, coefficient, regime_tariff_usd_per_tkm):
    """The tariff per t-km a link charges under a transit regime's ``basis`` (arrays or scalars):

    - ``coefficient``: the link's tariff x the regime's coefficient;
    - ``tariff``: the regime's transit tariff, in place of the link's;
    - ``flat``: 0 (the regime's charge per tonne is paid once, on entering the country: see :mod:`corridor.layers`).
    """
    return np.where(basis == "coefficient", coefficient * link_tariff_usd_per_tkm,
                    np.where(basis == "tariff", regime_tariff_usd_per_tkm, 0.0))


def regime_link_usd_per_t(distance_km, link_tariff_usd_per_tkm, fixed_usd_per_t, basis, coefficient,
                          regime_tariff_usd_per_tkm):
    """Money per tonne of a link priced by a transit regime: :func:`link_usd_per_t` with the tariff of
    :func:`regime_tariff` (the link keeps its fixed charge)."""
    return link_usd_per_t(distance_km, regime_tariff(basis, link_tariff_usd_per_tkm, coefficient,
                                                     regime_tariff_usd_per_tkm), fixed_usd_per_t)


def link_hours(distance_km, speed_km_per_day):
    """Hours on a link priced by tariff: ``distance_km / speed_km_per_day x 24``."""
    return distance_km / speed_km_per_day * HOURS_PER_DAY


def days(hours):
    """Hours in days."""
    return hours / HOURS_PER_DAY


def generalized(money, days_, value_of_time_usd_per_t_day, co2_kg=0.0, carbon_price_usd_per_t_co2=0.0):
    """Generalized cost per tonne: money + value of time x days + carbon price x CO2 (scalars or arrays).

    ``co2_kg`` is per tonne of cargo (kg CO2/t) and the carbon price per tonne of CO2, so the carbon term is
    ``carbon_price_usd_per_t_co2 x co2_kg / 1000``; without a carbon price the result is money + time value exactly.
    """
    out = money + value_of_time_usd_per_t_day * days_
    if np.any(carbon_price_usd_per_t_co2):
        out = out + carbon_usd_per_t(co2_kg, carbon_price_usd_per_t_co2)
    return out


def carbon_usd_per_t(co2_kg, carbon_price_usd_per_t_co2):
    """What the CO2 of a tonne of cargo costs at a carbon price: ``carbon price x co2_kg / 1000`` USD/t."""
    return carbon_price_usd_per_t_co2 * co2_kg / KG_PER_T


def co2_kg_per_t(distance_km, co2_g_per_tkm):
    """CO2 of a link per tonne in kg: ``distance_km x co2_g_per_tkm / 1000``."""
    return distance_km * co2_g_per_tkm / 1000.0


def estimated_part(amount, *estimated):
    """The part of ``amount`` that rests on an estimate: all of it where any of its factors is ``estimated`` (boolean
    arrays or scalars), else 0."""
    flag = np.logical_or.reduce([np.asarray(e, dtype=bool) for e in estimated]) if estimated else False
    return np.where(flag, amount, 0.0)


def estimated_share(money_usd_per_t: float, estimated_usd_per_t: float) -> float:
    """Share of a route's money resting on estimates (NaN for a route that costs nothing)."""
    if money_usd_per_t <= 0:
        return float("nan")
    return float(min(1.0, max(0.0, estimated_usd_per_t / money_usd_per_t)))


def route_totals(legs: pd.DataFrame) -> tuple[float, float]:
    """Money (USD/t) and days of a route from its legs, summed in leg order (the one way every caller sums them)."""
    return float(legs["usd_per_t"].to_numpy().sum()), float(legs["days"].to_numpy().sum())


def price_links(net: Network, lot_t: float | None) -> pd.DataFrame:
    """Money, hours, CO2 intensity and vessel class of every link of ``net`` (one row per link, in file order).

    Links with a tariff follow :func:`link_usd_per_t` and :func:`link_hours`; sea links with a blank tariff are
    priced by vessel class for a lot of ``lot_t`` tonnes (:func:`corridor.sea.price_sea_links`; full ships when
    None). A link that cannot be priced gets NaN (see :func:`price_problems`).

    Returns
    -------
    DataFrame indexed by link id with ``usd_per_t``, ``hours``, ``co2_g_per_tkm`` (the link's, else the vessel
    class's, else the default of its mode), ``vessel_class`` (empty unless priced by vessel class) and
    ``estimated_usd_per_t`` (the part of the money resting on estimates, see :func:`estimated_part`). Computed once
    per network and lot (a scenario's check at load and the routing graph share it): do not change it.
    """
    key = ("prices", lot_t)
    cached = net._derived.get(key)
    if cached is None:
        cached = net._derived[key] = _price_links(net, lot_t)
    return cached


def _price_links(net: Network, lot_t: float | None) -> pd.DataFrame:
    from .provenance import estimated

    lk = net.links
    est = estimated(net, "links")
    dist, tariff = lk["distance_km"].to_numpy(float), lk["tariff_usd_per_tkm"].to_numpy(float)
    fixed = lk["fixed_usd_per_t"].to_numpy(float)
    with np.errstate(all="ignore"):  # what cannot be priced is NaN or inf here, and reported by price_problems
        usd = link_usd_per_t(dist, tariff, fixed)
        est_usd = (estimated_part(dist * tariff, est["distance_km"].to_numpy(bool),
                                  est["tariff_usd_per_tkm"].to_numpy(bool))
                   + estimated_part(fixed, est["fixed_usd_per_t"].to_numpy(bool)))
        hours = link_hours(dist, lk["speed_km_per_day"].to_numpy(float))
    co2 = lk["co2_g_per_tkm"].to_numpy(float).copy()
    vessel = np.full(len(lk), "", dtype=object)
    mode = lk["mode"].to_numpy()
    if len(net.vessels) and ((mode == "sea") & np.isnan(tariff)).any():
        from .sea import price_sea_links

        with np.errstate(all="ignore"):
            sea = price_sea_links(net, lot_t)
        on = lk.index.get_indexer(sea.index)
        usd[on] = sea["usd_per_t"].to_numpy(float)
        est_usd[on] = sea["estimated_usd_per_t"].to_numpy(float)
        hours[on] = sea["hours"].to_numpy(float)
        co2[on] = np.where(np.isnan(co2[on]), sea["co2_g_per_tkm"].to_numpy(float), co2[on])
        vessel[on] = sea["vessel_class"].to_numpy(object)
    default = np.array([schema.DEFAULT_CO2_G_PER_TKM.get(m, np.nan) for m in mode], dtype=float)
    co2 = np.where(np.isnan(co2), default, co2)
    return pd.DataFrame({"usd_per_t": usd, "hours": hours, "co2_g_per_tkm": co2,
                         "vessel_class": pd.Series(vessel, index=lk.index, dtype=object),
                         "estimated_usd_per_t": est_usd.astype(float)}, index=lk.index)


def price_problems(net: Network, *, lot_t: float | None = None, prices: pd.DataFrame | None = None) -> list[str]:
    """What cannot be priced (e.g. after a case's changes): a sea link no vessel class can sail, a link with a
    tariff but no speed, a cost or time that is not a finite number, or one beyond what a tonne can pay on one arc
    (:data:`corridor.limits.MAX_ARC_USD_PER_T`, :data:`~corridor.limits.MAX_ARC_HOURS`: money and time of a link, a
    node's pass or a transfer). Empty when all is well.

    ``prices`` are the links' prices from :func:`price_links`, if already computed.
    """
    if prices is None:
        prices = price_links(net, lot_t)
    lk = net.links
    usd, hours = prices["usd_per_t"].to_numpy(), prices["hours"].to_numpy()
    bad = ~(np.isfinite(usd) & np.isfinite(hours))
    by_reason: dict[str, list[str]] = {}
    for lid in lk.index[bad]:
        mode, tariff, speed = lk.at[lid, "mode"], lk.at[lid, "tariff_usd_per_tkm"], lk.at[lid, "speed_km_per_day"]
        if np.isnan(tariff) and mode == "sea":
            why = ("no vessel class in vessels.csv fits both ports" if len(net.vessels)
                   else "no tariff, and the network has no vessels.csv")
        elif np.isnan(tariff):
            why = "tariff_usd_per_tkm is blank"
        elif np.isnan(speed):
            why = "a tariff but no speed_km_per_day"
        else:
            why = "cost or time is not a finite number"
        by_reason.setdefault(why, []).append(str(lid))
    out = [f"{len(ids)} link{'s' if len(ids) > 1 else ''} cannot be priced ({why}): {_ids(ids)}"
           for why, ids in by_reason.items()]
    with np.errstate(invalid="ignore"):
        tables = [("link", lk.index[~bad], usd[~bad], hours[~bad]),
                  ("node pass", net.nodes.index, net.nodes["pass_usd_per_t"].to_numpy(float),
                   net.nodes["pass_hours"].to_numpy(float)),
                  ("transfer", net.transfers.index, net.transfers["cost_usd_per_t"].to_numpy(float),
                   net.transfers["dwell_hours"].to_numpy(float))]
        for what, ids, money, time in tables:
            for values, limit, verb, name in ((money, MAX_ARC_USD_PER_T, "cost{} more than {:g} USD a tonne",
                                               "MAX_ARC_USD_PER_T"),
                                              (time, MAX_ARC_HOURS, "take{} more than {:g} hours", "MAX_ARC_HOURS")):
                over = np.nan_to_num(values, nan=0.0) > limit
                if over.any():
                    n = int(over.sum())
                    out.append(f"{n} {what}{'s' if n > 1 else ''} {verb.format('' if n > 1 else 's', limit)} "
                               f"(corridor.limits.{name}; check the units): {_ids([str(i) for i in ids[over]])}")
    return out


def _ids(ids: list[str], shown: int = 6) -> str:
    return ", ".join(ids[:shown]) + (f" and {len(ids) - shown} more" if len(ids) > shown else "")
