"""Plain-text sections of ``corridor network``: the money given in its own currency and how it was converted, and
the transit regimes."""

from __future__ import annotations

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
    out = [f"Money given in its own currency, converted to USD of {net.year} (rates {rates or 'none'}; "
           "another year indexed in its own currency first):"]
    shown = table.assign(value=table["value"].map(lambda v: f"{v:g}"), usd=table["usd"].map(lambda v: f"{v:.6g}"))
    shown = shown[["table", "id", "column", "value", "currency", "year", "conversion", "usd"]]
    out.append(shown.to_string(index=False))
    return "\n".join(out)


def regimes_text(net) -> str:
    """The section on transit regimes: which country lets whose cargo transit to which exits, on which basis."""
    if not net.has_regimes:
        return ("Transit regimes: none (no regimes.csv): a route may cross any country, at the links' own tariffs.")
    out = ["Transit regimes (a route that enters a country ends there at the links' own tariffs, or transits it under "
           "one of these to one of its exits):"]
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
