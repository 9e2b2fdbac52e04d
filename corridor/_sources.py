"""The sources of the numbers a run used: every row of the network that priced or timed a route or a flow (links,
transfers, nodes passed, vessel classes, market prices), its ``source`` ids resolved in ``sources.csv``, and the
rows marked ``estimate`` with the note that says how they were made."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from .schema import ESTIMATE

if TYPE_CHECKING:
    from .results import Results

SOURCE_COLUMNS = ["id", "title", "publisher", "year", "url", "note", "used_for"]
ESTIMATE_COLUMNS = ["table", "row", "note"]


def used_rows(results: Results) -> dict[str, list[str]]:
    """Ids of the network rows the results used, by table (in order of first use)."""
    used: dict[str, dict[str, None]] = {t: {} for t in ("links", "transfers", "nodes", "vessels", "prices")}
    legs = results.legs
    for kind, table in (("link", "links"), ("transfer", "transfers"), ("pass", "nodes")):
        for rid in legs.loc[legs["kind"] == kind, "id"]:
            used[table][rid] = None
    if "vessel_class" in legs:
        for v in legs["vessel_class"]:
            if v:
                used["vessels"][v] = None
    for alloc in results.allocations.values():
        for links in alloc.routes["links"]:
            for lk in links:
                used["links"][lk] = None
        for kind, rid in zip(alloc.elements["kind"], alloc.elements["id"]):
            used[{"link": "links", "transfer": "transfers", "node": "nodes"}[kind]][rid] = None
    net = results.scenario.network
    if len(net.prices) and len(results.routes):
        for case in results.scenario.cases:
            if case.shipment is None:
                continue
            p = net.prices
            rows = p[(p["market"] == case.shipment.destination) & (p["coal"] == case.shipment.coal)]
            if len(rows):
                used["prices"][rows.index[rows["year"].astype(int).argmax()]] = None
    return {t: list(ids) for t, ids in used.items()}


def used_sources(results: Results) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The sources cited by the rows the results used, and those rows that are estimates.

    Returns
    -------
    sources : DataFrame
        ``id, title, publisher, year, url, note`` from ``sources.csv`` and ``used_for`` (which rows cite it,
        e.g. ``"links: a_b, b_c; transfers: b:rail1520>rail1435"``), in the order of ``sources.csv``.
    estimates : DataFrame
        ``table, row, note``: the rows whose source is (or includes) ``estimate``, with how they were estimated.
    """
    net = results.scenario.network
    cites: dict[str, dict[str, list[str]]] = {}
    estimates = []
    for table, ids in used_rows(results).items():
        df = getattr(net, table)
        for rid in ids:
            if rid not in df.index or "source" not in df.columns:
                continue
            row = df.loc[rid]
            for sid in (s.strip() for s in str(row["source"]).split(";")):
                if not sid:
                    continue
                if sid == ESTIMATE:
                    estimates.append({"table": table, "row": rid, "note": str(row.get("note", ""))})
                else:
                    cites.setdefault(sid, {}).setdefault(table, []).append(str(rid))
    src = net.sources
    rows = []
    for sid in src.index:
        if sid not in cites:
            continue
        r = src.loc[sid]
        used_for = "; ".join(f"{t}: {', '.join(ids)}" for t, ids in cites[sid].items())
        rows.append({"id": sid, **{c: str(r.get(c, "")) for c in SOURCE_COLUMNS[1:-1]}, "used_for": used_for})
    return pd.DataFrame(rows, columns=SOURCE_COLUMNS), pd.DataFrame(estimates, columns=ESTIMATE_COLUMNS)
