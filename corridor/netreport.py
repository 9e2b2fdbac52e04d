"""Plain-text sections of ``corridor network``: the money given in its own currency and how it was converted, and
the transit regimes."""

from __future__ import annotations

import textwrap

import pandas as pd

from . import schema
from .money import Converter


def money_table(net) -> pd.DataFrame:
    """Every money cell not given in USD of the network's year: the figure as given, its currency and year, the
    conversion and the USD value the model uses (one row per cell)."""
    conv = Converter(net.year, net.rates, net.price_index)
    rows = []
    for table in schema.TABLES:
        pairs = schema.MONEY[table]
        if not pairs or table in ("network", "rates", "price_index"):
            continue
        df = getattr(net, table)
        if not len(df):
            continue
        other = df[(df["currency"] != schema.MODEL_CURRENCY) | (df["price_year"] != (net.year or ""))]
        for rid, row in other.iterrows():
            for usd, local in pairs:
                if pd.isna(row[local]) or (row[local] == 0 and row[usd] == 0):
                    continue
                rows.append({"table": table, "id": rid, "column": local, "value": row[local],
                             "currency": row["currency"], "year": row["price_year"],
                             "conversion": conv.explain(row["currency"], row["price_year"]).split(": ", 1)[1],
                             "usd_column": usd, "usd": row[usd]})
    return pd.DataFrame(rows, columns=["table", "id", "column", "value", "currency", "year", "conversion",
                                       "usd_column", "usd"])


def money_text(net) -> str:
    """The section on money in its own currency (empty if every figure is in USD of the network's year)."""
    table = money_table(net)
    if not len(table):
        return ""
    rates = ", ".join(f"{r.Index.split(':')[0]} {r.per_usd:g}/USD" for r in net.rates.itertuples()
                      if r.Index.endswith(f":{net.year}"))
    out = [_wrap(f"Money given in its own currency, converted to USD of {net.year} (rates {rates or 'none'}; "
                 "another year indexed in its own currency first):")]
    shown = table.assign(value=table["value"].map(lambda v: f"{v:g}"), usd=table["usd"].map(lambda v: f"{v:.6g}"))
    shown = shown[["table", "id", "column", "value", "currency", "year", "conversion", "usd"]]
    out.append(shown.to_string(index=False))
    return "\n".join(out)


def regimes_text(net) -> str:
    """The section on transit regimes: which country lets whose cargo transit to which exits, on which basis."""
    if not net.has_regimes:
        return _wrap("Transit regimes: none (no regimes.csv): a route may cross any country, at the links' own "
                     "tariffs.")
    out = [_wrap("Transit regimes (a route that enters a country ends there at the links' own tariffs, or transits it "
                 "under one of these to one of its exits):")]
    rows = []
    for rid, r in net.regimes.iterrows():
        if r["basis"] == "coefficient":
            value = f"x {r['coefficient']:g}"
        else:
            usd, local, unit = (("tariff_usd_per_tkm", "tariff_per_tkm", "USD/t-km") if r["basis"] == "tariff"
                                else ("flat_usd_per_t", "flat_per_t", "USD/t"))
            value = f"{r[usd]:.4g} {unit}"
            if r["currency"] != schema.MODEL_CURRENCY or r["price_year"] != (net.year or ""):
                value += f" ({r[local]:g} {r['currency']} {r['price_year']})"
        rows.append({"id": rid, "country": r["country"], "cargo from": r["origin_country"].replace(";", ", "),
                     "exits": r["exits"].replace(";", ", "), "modes": r["modes"].replace(";", ", ") or "land",
                     "basis": r["basis"], "value": value})
    out.append(pd.DataFrame(rows).to_string(index=False))
    return "\n".join(out)


def provenance_text(net) -> str:
    """The share of published, derived and estimated cells by table and kind of quantity (``--provenance``)."""
    from . import provenance

    t = provenance.tally(net)
    order = {q: i for i, q in enumerate((*schema.QUANTITIES, "all"))}
    tables = {tb: i for i, tb in enumerate((*provenance.TABLES, "all"))}
    keys = sorted(t.index, key=lambda k: (tables[k[0]], order[k[1]]))
    # calibrated cells exist only in a copy written by corridor calibrate: the column shows there only
    statuses = [k for k in provenance.STATUSES if k != provenance.CALIBRATED or t[f"{k}_share"].any()]
    rows, last = [], None
    for table, kind in keys:
        r = t.loc[(table, kind)]
        rows.append({"table": table if table != last else "", "kind": kind, "cells": int(r["cells"]),
                     **{k: f"{100 * r[f'{k}_share']:.0f}%" for k in statuses}})
        last = table
    out = [_wrap(f"Provenance of the {net.name} network's numeric cells that hold a figure (coordinates aside): "
                 "published = rests on the row's cited sources; derived = from a published figure with a material "
                 "assumption; estimated = an estimate (named in `estimated`, money indexed from another year, or a "
                 "row citing 'estimate' that does not say which cells are)"
                 + ("; calibrated = fitted to observations by corridor calibrate, within its range)."
                    if provenance.CALIBRATED in statuses else ").")),
           _aligned(rows, left=("table", "kind"))]
    wholesale = {}
    for table in provenance.TABLES:
        df = getattr(net, table)
        n = sum(1 for e, src in zip(df["estimated"], df["source"])
                if not e and schema.ESTIMATE in schema.split_list(src))
        if n:
            wholesale[table] = n
    if wholesale:
        out.append(_wrap("Rows that cite 'estimate' without naming their estimated cells (counted wholly estimated): "
                         + ", ".join(f"{n} in {tb}" for tb, n in wholesale.items()) + "."))
    problems = provenance.audit(net)
    out.append(_wrap("Audit: " + ("nothing to report." if not problems else "; ".join(problems))))
    return "\n".join(out)


def _aligned(rows: list[dict], left: tuple[str, ...]) -> str:
    """Rows as an aligned text table: the ``left`` columns left-aligned, the others right-aligned."""
    cols = list(rows[0]) if rows else []
    widths = {c: max(len(c), *(len(str(r[c])) for r in rows)) for c in cols}

    def line(cells: dict) -> str:
        return "  ".join(str(cells[c]).ljust(widths[c]) if c in left else str(cells[c]).rjust(widths[c])
                         for c in cols).rstrip()

    return "\n".join([line({c: c for c in cols}), *(line(r) for r in rows)])


def _wrap(text: str) -> str:
    return textwrap.fill(text, 79)
