"""Sea freight by vessel class: the cost per tonne and the time of a sea link, for a given lot.

A sea link whose ``tariff_usd_per_tkm`` is blank is priced from ``vessels.csv``:

- **Which ships may sail it.** A class fits a link if its ``loa_m`` and ``draught_m`` are within the
  ``max_loa_m`` and ``max_draught_m`` of both end nodes (a blank limit = no limit).
- **One voyage** of class *c* over a link of *D* km is a round trip, laden out and in ballast back:
  ``sea_days = 2 D / (speed_knots x 1.852 x 24)``, plus ``port_days``. It costs
  ``sea_days x (hire + fuel_sea x fuel price) + port_days x (hire + fuel_port x fuel price) + port_usd_per_voyage``.
- **A lot of L tonnes** sails in the fewest voyages of the class, ``n = ceil(L / cargo_t)``, so a lot
  smaller than a ship pays for a partly empty one: cost per tonne = ``n x voyage cost / L``. The class
  with the lowest cost per tonne is used (ties: the smaller ship); so a small lot takes the next smaller
  class where that is cheaper than a part-empty large ship.
- **No lot given** (``lot_t=None``): a long-run contract of full ships, cost per tonne = voyage cost / cargo.
- **Time** of the link = the laden passage only, ``D / (speed_knots x 1.852)`` hours: loading and discharge
  time is in the ports' transfer rows (``dwell_hours``); ``port_days`` here is what the ship is paid for.
- **CO2** = the class's ``co2_g_per_tkm`` where the link leaves its own blank.

The link's ``fixed_usd_per_t`` (e.g. a canal or pilotage charge) is added on top. A sea link with a tariff
keeps the ordinary rule (distance x tariff + fixed, at ``speed_km_per_day``): an override.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KM_PER_NM = 1.852


def voyage(vessels: pd.DataFrame, distance_km: float) -> pd.DataFrame:
    """Days and cost of one round voyage of each vessel class over ``distance_km`` (one way).

    Returns
    -------
    DataFrame indexed like ``vessels`` with ``sea_days``, ``voyage_days``, ``voyage_usd`` and
    ``passage_hours`` (the laden leg alone).
    """
    v = vessels
    km_per_day = v["speed_knots"] * KM_PER_NM * 24.0
    sea_days = 2.0 * distance_km / km_per_day
    port_days = v["port_days"]
    fuel = v["fuel_usd_per_t"]
    cost = (sea_days * (v["hire_usd_per_day"] + v["fuel_sea_t_per_day"] * fuel)
            + port_days * (v["hire_usd_per_day"] + v["fuel_port_t_per_day"] * fuel) + v["port_usd_per_voyage"])
    return pd.DataFrame({"sea_days": sea_days, "voyage_days": sea_days + port_days, "voyage_usd": cost,
                         "passage_hours": distance_km / (v["speed_knots"] * KM_PER_NM)}, index=v.index)


def fitting_classes(vessels: pd.DataFrame, nodes: pd.DataFrame, a: str, b: str) -> pd.Index:
    """Ids of the vessel classes both ports ``a`` and ``b`` accept (length and draught)."""
    ends = nodes.loc[[a, b]]
    loa = np.nanmin(np.append(ends["max_loa_m"].to_numpy(float), np.inf))
    draught = np.nanmin(np.append(ends["max_draught_m"].to_numpy(float), np.inf))
    fits = (vessels["loa_m"] <= loa) & (vessels["draught_m"] <= draught)
    return vessels.index[fits.to_numpy()]


def class_costs(vessels: pd.DataFrame, distance_km: float, lot_t: float | None) -> pd.DataFrame:
    """Cost per tonne of carrying a lot over one link with each class (``voyages``, ``usd_per_t``)."""
    out = voyage(vessels, distance_km)
    cargo = vessels["cargo_t"].to_numpy(float)
    if lot_t is None:
        out["voyages"] = np.nan
        out["usd_per_t"] = out["voyage_usd"] / cargo
    else:
        n = np.ceil(lot_t / cargo)
        out["voyages"] = n
        out["usd_per_t"] = n * out["voyage_usd"] / lot_t
    return out


def cheapest_class(vessels: pd.DataFrame, distance_km: float, lot_t: float | None) -> tuple[str, pd.Series]:
    """The class with the lowest cost per tonne for the lot (ties: the smaller ship) and its figures."""
    costs = class_costs(vessels, distance_km, lot_t)
    order = np.lexsort((vessels["cargo_t"].to_numpy(float), np.round(costs["usd_per_t"].to_numpy(float), 9)))
    best = costs.index[order[0]]
    return str(best), costs.loc[best]


def price_sea_links(net, lot_t: float | None = None) -> pd.DataFrame:
    """Money and time of every vessel-priced sea link of ``net`` for a lot of ``lot_t`` tonnes.

    The same rule as :func:`cheapest_class`, for all links and classes at once (links x classes arrays).

    Returns
    -------
    DataFrame indexed by link id with ``usd_per_t`` (freight + the link's fixed charge), ``hours``,
    ``vessel_class``, ``voyages`` and ``co2_g_per_tkm`` (the class's, NaN if it has none). Links no class
    can sail are left out.
    """
    links = net.links
    sel = links[(links["mode"] == "sea") & links["tariff_usd_per_tkm"].isna()]
    cols = ["usd_per_t", "hours", "vessel_class", "voyages", "co2_g_per_tkm"]
    if len(sel) == 0 or len(net.vessels) == 0:
        return pd.DataFrame(columns=cols)
    v = net.vessels.sort_values("cargo_t", kind="stable")  # ties go to the smaller ship
    f = lambda c: v[c].to_numpy(float)  # noqa: E731
    limits = net.nodes[["max_loa_m", "max_draught_m"]].astype(float).fillna(np.inf)
    a, b = limits.loc[sel["from"]].to_numpy(), limits.loc[sel["to"]].to_numpy()
    max_loa, max_draught = np.minimum(a[:, 0], b[:, 0]), np.minimum(a[:, 1], b[:, 1])
    fits = (f("loa_m")[None, :] <= max_loa[:, None]) & (f("draught_m")[None, :] <= max_draught[:, None])
    dist = sel["distance_km"].to_numpy(float)
    sea_days = 2.0 * dist[:, None] / (f("speed_knots") * KM_PER_NM * 24.0)[None, :]
    fuel = f("fuel_usd_per_t")
    cost = (sea_days * (f("hire_usd_per_day") + f("fuel_sea_t_per_day") * fuel)[None, :]
            + (f("port_days") * (f("hire_usd_per_day") + f("fuel_port_t_per_day") * fuel) + f("port_usd_per_voyage"))[None, :])
    voyages = np.ceil(lot_t / f("cargo_t")) if lot_t is not None else np.full(len(v), np.nan)
    per_t = voyages[None, :] * cost / lot_t if lot_t is not None else cost / f("cargo_t")[None, :]
    per_t = np.where(fits, np.round(per_t, 9), np.inf)
    best = per_t.argmin(axis=1)
    ok = fits.any(axis=1)
    rows = np.arange(len(sel))
    fixed = np.nan_to_num(sel["fixed_usd_per_t"].to_numpy(float))
    out = pd.DataFrame({
        "usd_per_t": per_t[rows, best] + fixed,
        "hours": dist / (f("speed_knots")[best] * KM_PER_NM),
        "vessel_class": v.index.to_numpy()[best].astype(str),
        "voyages": voyages[best],
        "co2_g_per_tkm": f("co2_g_per_tkm")[best],
    }, index=sel.index)
    return out[ok]
