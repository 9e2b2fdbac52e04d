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
# The columns of vessels.csv that enter a class's cost or time (besides cargo_t, which sets the voyages of a lot).
COST_COLUMNS = ("hire_usd_per_day", "fuel_usd_per_t", "fuel_sea_t_per_day", "fuel_port_t_per_day", "port_days",
                "port_usd_per_voyage", "speed_knots")


def by_size(vessels: pd.DataFrame) -> pd.DataFrame:
    """The vessel classes smallest cargo first (stable): the order in which ties of cost go to the smaller ship."""
    return vessels.sort_values("cargo_t", kind="stable")


def cost_per_t(distance_km, *, hire_usd_per_day, fuel_usd_per_t, fuel_sea_t_per_day, fuel_port_t_per_day, port_days,
               port_usd_per_voyage, speed_knots, cargo_t, lot_t: float | None):
    """Freight per tonne of one vessel class over a link (the rule of the module docstring), rounded to 1e-9.

    The one formula: :func:`price_sea_links` calls it with links x classes arrays, the vectorised pricer of
    :mod:`corridor.uncertainty.reprice` with arcs x classes x draws arrays (any broadcastable shapes; element by
    element, so the same inputs give the same number bit for bit whatever the shape).
    """
    sea_days = 2.0 * distance_km / (speed_knots * KM_PER_NM * 24.0)
    cost = (sea_days * (hire_usd_per_day + fuel_sea_t_per_day * fuel_usd_per_t)
            + (port_days * (hire_usd_per_day + fuel_port_t_per_day * fuel_usd_per_t) + port_usd_per_voyage))
    if lot_t is None:
        per_t = cost / cargo_t
    else:
        per_t = np.ceil(lot_t / cargo_t) * cost / lot_t
    return np.round(per_t, 9)


# The terms of a voyage's cost and the cells each is a product of (all over cargo_t): which must all be published for
# the term not to rest on an estimate ("distance_km" is the link's).
TERM_FACTORS = {
    "sea_hire": ("distance_km", "speed_knots", "hire_usd_per_day"),
    "sea_fuel": ("distance_km", "speed_knots", "fuel_sea_t_per_day", "fuel_usd_per_t"),
    "port_hire": ("port_days", "hire_usd_per_day"),
    "port_fuel": ("port_days", "fuel_port_t_per_day", "fuel_usd_per_t"),
    "port_dues": ("port_usd_per_voyage",),
}


def cost_terms(distance_km, *, hire_usd_per_day, fuel_usd_per_t, fuel_sea_t_per_day, fuel_port_t_per_day, port_days,
               port_usd_per_voyage, speed_knots, cargo_t, lot_t: float | None) -> dict:
    """The freight per tonne of :func:`cost_per_t` as its terms (:data:`TERM_FACTORS`; they add up to it before its
    rounding): hire and fuel at sea, hire and fuel in port, port dues."""
    sea_days = 2.0 * distance_km / (speed_knots * KM_PER_NM * 24.0)
    per_t = 1.0 / cargo_t if lot_t is None else np.ceil(lot_t / cargo_t) / lot_t
    return {"sea_hire": sea_days * hire_usd_per_day * per_t,
            "sea_fuel": sea_days * fuel_sea_t_per_day * fuel_usd_per_t * per_t,
            "port_hire": port_days * hire_usd_per_day * per_t,
            "port_fuel": port_days * fuel_port_t_per_day * fuel_usd_per_t * per_t,
            "port_dues": port_usd_per_voyage * per_t}


def passage_hours(distance_km, speed_knots):
    """Time of a sea link: the laden passage only, ``distance_km / (speed_knots x 1.852)`` hours."""
    return distance_km / (speed_knots * KM_PER_NM)


def fitting_classes(vessels: pd.DataFrame, nodes: pd.DataFrame, a, b) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Which vessel classes both end ports of each link accept (length and draught).

    The one rule for port limits: used to price sea links and, at load, to check that every
    vessel-priced sea link has a class that fits.

    Parameters
    ----------
    vessels : DataFrame
        Vessel classes with ``loa_m`` and ``draught_m`` (one column of the result per row, same order).
    nodes : DataFrame
        Nodes indexed by id with ``max_loa_m`` and ``max_draught_m`` (blank/NaN = no limit).
    a, b : array-like of str
        The two end nodes of each link.

    Returns
    -------
    fits : ndarray of bool, shape (links, classes)
    max_loa_m, max_draught_m : ndarray of float, shape (links,)
        The tighter limit of the two ports (``inf`` where neither has one).
    """
    limits = nodes[["max_loa_m", "max_draught_m"]].astype(float).fillna(np.inf)
    la, lb = limits.loc[list(a)].to_numpy(), limits.loc[list(b)].to_numpy()
    max_loa, max_draught = np.minimum(la[:, 0], lb[:, 0]), np.minimum(la[:, 1], lb[:, 1])
    loa, draught = vessels["loa_m"].to_numpy(float), vessels["draught_m"].to_numpy(float)
    fits = (loa[None, :] <= max_loa[:, None]) & (draught[None, :] <= max_draught[:, None])
    return fits, max_loa, max_draught


_PRICED: dict[tuple, tuple] = {}  # what price_sea_links found, by what it read (see below)


def price_sea_links(net, lot_t: float | None = None) -> pd.DataFrame:
    """Money and time of every vessel-priced sea link of ``net`` for a lot of ``lot_t`` tonnes.

    All links and classes at once (links x classes arrays); the rule is in the module docstring. Networks with the
    same vessels table, sea links and port limits (the cases of a scenario that change rail tariffs or capacities)
    share one result. Do not change the table returned.

    Returns
    -------
    DataFrame indexed by link id with ``usd_per_t`` (freight + the link's fixed charge), ``hours``,
    ``vessel_class``, ``voyages``, ``co2_g_per_tkm`` (the class's, NaN if it has none) and ``estimated_usd_per_t``
    (the part resting on estimates: each term of :func:`cost_terms` whose cells or the class's ``cargo_t`` or the
    link's distance are estimates, and the fixed charge if it is one). Links no class can sail are left out.
    """
    from .provenance import estimated

    links, nodes = net.links, net.nodes
    on = (links["mode"].to_numpy() == "sea") & np.isnan(links["tariff_usd_per_tkm"].to_numpy(float))
    cols = ["usd_per_t", "hours", "vessel_class", "voyages", "co2_g_per_tkm", "estimated_usd_per_t"]
    if not on.any() or len(net.vessels) == 0:
        return pd.DataFrame(columns=cols)
    a, b = links["from"].to_numpy()[on], links["to"].to_numpy()[on]
    ports = nodes.index.get_indexer(np.concatenate([a, b]))
    key = (lot_t, id(net.vessels), tuple(links.index[on]), tuple(a), tuple(b),
           links["distance_km"].to_numpy(float)[on].tobytes(), links["fixed_usd_per_t"].to_numpy(float)[on].tobytes(),
           nodes["max_loa_m"].to_numpy(float)[ports].tobytes(), nodes["max_draught_m"].to_numpy(float)[ports].tobytes(),
           estimated(net, "links").to_numpy(bool)[on].tobytes(), estimated(net, "vessels").to_numpy(bool).tobytes())
    hit = _PRICED.get(key)
    if hit is not None and hit[0] is net.vessels:  # the very table (an id can be reused)
        return hit[1]
    if len(_PRICED) >= 64:
        _PRICED.clear()
    out = _price(net, links[on], lot_t)
    _PRICED[key] = (net.vessels, out)
    return out


def _price(net, sel: pd.DataFrame, lot_t: float | None) -> pd.DataFrame:
    from .costs import estimated_part
    from .provenance import estimated

    v = by_size(net.vessels)  # ties go to the smaller ship
    f = lambda c: v[c].to_numpy(float)  # noqa: E731
    fits = fitting_classes(v, net.nodes, sel["from"], sel["to"])[0]
    dist = sel["distance_km"].to_numpy(float)
    per_t = cost_per_t(dist[:, None], **{c: f(c)[None, :] for c in COST_COLUMNS}, cargo_t=f("cargo_t")[None, :],
                       lot_t=lot_t)
    voyages = np.ceil(lot_t / f("cargo_t")) if lot_t is not None else np.full(len(v), np.nan)
    per_t = np.where(fits, per_t, np.inf)
    best = per_t.argmin(axis=1)
    ok = fits.any(axis=1)
    rows = np.arange(len(sel))
    fixed = np.nan_to_num(sel["fixed_usd_per_t"].to_numpy(float))
    # what rests on estimates: each term of the chosen class's cost whose factors include an estimate
    v_est = estimated(net, "vessels").loc[v.index]
    l_est = estimated(net, "links").loc[sel.index]
    chosen = {c: f(c)[best] for c in (*COST_COLUMNS, "cargo_t")}
    terms = cost_terms(dist, **{c: chosen[c] for c in COST_COLUMNS}, cargo_t=chosen["cargo_t"], lot_t=lot_t)
    cargo_est = v_est["cargo_t"].to_numpy()[best]
    est = estimated_part(fixed, l_est["fixed_usd_per_t"].to_numpy())
    for term, factors in TERM_FACTORS.items():
        flags = [l_est["distance_km"].to_numpy() if c == "distance_km" else v_est[c].to_numpy()[best] for c in factors]
        est = est + estimated_part(terms[term], cargo_est, *flags)
    out = pd.DataFrame({
        "usd_per_t": per_t[rows, best] + fixed,
        "hours": passage_hours(dist, f("speed_knots")[best]),
        "vessel_class": v.index.to_numpy()[best].astype(str),
        "voyages": voyages[best],
        "co2_g_per_tkm": f("co2_g_per_tkm")[best],
        "estimated_usd_per_t": est,
    }, index=sel.index)
    return out[ok]
