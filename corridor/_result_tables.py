"""Helpers of :mod:`corridor.results`: the flow tables stacked by case, and the JSON form of an allocation and of
its draws (numbers rounded to 6 decimals; null where there is none)."""
from __future__ import annotations

import pandas as pd


def num(x) -> float:
    return round(float(x), 6)


def opt(x) -> float | None:
    """A number for JSON, or null where there is none (NaN)."""
    return None if pd.isna(x) else num(x)


def flow_tables(allocations: dict) -> dict:
    """The ``flow_*`` tables of Results: each Allocation's tables stacked with the case name in front."""
    if not allocations:
        return {}
    names = list(allocations)

    def stack(attr: str, inner: str) -> pd.DataFrame:
        frames = [getattr(allocations[n], attr) for n in names]
        df = pd.concat(frames, keys=names, names=["case", inner])
        return df

    routes = stack("routes", "n")
    elements = stack("elements", "n")
    destinations = pd.concat([allocations[n].destinations for n in names], keys=names, names=["case", "destination"])
    totals = pd.DataFrame([allocations[n].totals for n in names], index=pd.Index(names, name="case"))
    for df in (destinations, totals):  # a remainder is reported only where there is one
        if "unrouted_mt_per_year" in df:
            df["unrouted_mt_per_year"] = df["unrouted_mt_per_year"].fillna(0.0)
    exposure = pd.concat([allocations[n].exposure for n in names], keys=names, names=["case", "country"])
    return {"allocations": dict(allocations), "flow_routes": routes, "flow_elements": elements,
            "flow_destinations": destinations, "flow_totals": totals, "flow_exposure": exposure}


def flow_draw_tables(flow_draws: dict) -> dict:
    """The ``flow_draw_*`` tables of Results: each case's summaries stacked with the case name in front."""
    if not flow_draws:
        return {}
    names = list(flow_draws)

    def stack(frames: list[pd.DataFrame], inner: str) -> pd.DataFrame:
        return pd.concat(frames, keys=names, names=["case", inner])

    return {"flow_draws": dict(flow_draws),
            "flow_draw_totals": pd.concat([flow_draws[n].totals() for n in names], keys=names,
                                          names=["case", "total"]),
            "flow_draw_elements": stack([flow_draws[n].element_table() for n in names], "n"),
            "flow_draw_corridors": stack([flow_draws[n].corridor_table() for n in names], "n")}


def flow_draws_dict(d) -> dict:
    """One case's draws over flows in the ``--json`` structure."""
    totals = d.totals()
    return {
        "draws": d.draws,
        "totals": {name: {k: num(v) for k, v in row.items()} for name, row in totals.iterrows()},
        "elements": [{"kind": e.kind, "id": e.id, "p_binding": num(e.p_binding), "p_priced": num(e.p_priced),
                      "mean_shadow_price_usd_per_t": num(e.mean_shadow_price_usd_per_t),
                      "p10_shadow_price_usd_per_t": num(e.p10_shadow_price_usd_per_t),
                      "p50_shadow_price_usd_per_t": num(e.p50_shadow_price_usd_per_t),
                      "p90_shadow_price_usd_per_t": num(e.p90_shadow_price_usd_per_t)}
                     for e in d.element_table().itertuples()],
        "corridors": [{"corridor": c.corridor, "p_used": num(c.p_used), "mean_mt_per_year": num(c.mean_mt_per_year),
                       "p10_mt_per_year": num(c.p10_mt_per_year), "p50_mt_per_year": num(c.p50_mt_per_year),
                       "p90_mt_per_year": num(c.p90_mt_per_year),
                       "deterministic_mt_per_year": num(c.deterministic_mt_per_year)}
                      for c in d.corridor_table().itertuples()],
    }


def flows_dict(alloc) -> dict:
    """One case's allocation in the ``--json`` structure."""
    t = alloc.totals
    return {
        "total_cost_usd_per_year": num(t["total_cost_usd_per_year"]),
        "transport_cost_usd_per_year": num(t["transport_cost_usd_per_year"]),
        "time_value_usd_per_year": num(t["generalized_cost_usd_per_year"] - t["transport_cost_usd_per_year"]),
        "unserved_penalty_usd_per_year": num(t["unserved_penalty_usd_per_year"]),
        "delivered_mt_per_year": num(t["delivered_mt_per_year"]),
        "average_cost_usd_per_t": num(t["average_cost_usd_per_t"]),
        "average_generalized_usd_per_t": num(t["average_generalized_usd_per_t"]),
        "routes": [{"origin": r.origin, "destination": r.destination, "route": r.route, "nodes": list(r.nodes),
                    "links": list(r.links), "regimes": dict(r.regimes), "mt_per_year": num(r.mt_per_year),
                    "estimated_share": opt(r.estimated_share),
                    "cost_usd_per_t": num(r.cost_usd_per_t), "generalized_usd_per_t": num(r.generalized_usd_per_t)}
                   for r in alloc.routes.itertuples()],
        "elements": [{"kind": e.kind, "id": e.id, "name": e.name, "flow_mt_per_year": num(e.flow_mt_per_year),
                      "capacity_mt_per_year": num(e.capacity_mt_per_year), "utilisation": num(e.utilisation),
                      "shadow_price_usd_per_t": num(e.shadow_price_usd_per_t), "binding": bool(e.binding),
                      "capacity_estimated": bool(e.capacity_estimated),
                      "relieve_with": [x for x in e.relieve_with.split(";") if x]}
                     for e in alloc.elements.itertuples()],
        "unserved_mt_per_year": {d: num(v) for d, v in alloc.destinations["unserved_mt_per_year"].items()},
        "exposure": {c: {k: num(v) for k, v in e.items()} for c, e in alloc.exposure.iterrows()},
    }
