"""Money in its own currency: figures given as published (RUB, CHF, CNY, MNT, USD of some year) turned into the
model's money, US dollars of the network's year.

A row of a network table may give its money cells in the columns without ``usd`` in their name (``tariff_per_tkm``
beside ``tariff_usd_per_tkm``), in the row's ``currency`` and ``price_year``. Loading converts each such cell:

1. **Indexation, in the original currency.** A figure of another year than the network's is carried to the
   network's year with the price index of its own currency (``price_index.csv``, e.g. China's CPI for CNY):
   ``value x index[currency, network year] / index[currency, price_year]``.
2. **Conversion** at the network year's rate (``rates.csv``, units of the currency per US dollar):
   ``... / per_usd[currency, network year]``. US dollars need no rate.

So ``usd = value x index[c, Y] / index[c, y] / per_usd[c, Y]`` for currency ``c``, price year ``y`` and network year
``Y``. An indexed figure is an estimate of the network year's money (see
:mod:`corridor.provenance`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from .schema import MODEL_CURRENCY, rate_id


@dataclass(frozen=True)
class Converter:
    """Turns money of a currency and year into USD of the network's ``year``.

    ``rates`` and ``price_index`` are the tables of ``rates.csv`` and ``price_index.csv`` indexed by
    ``currency:year`` (:func:`corridor.schema.rate_id`), with ``per_usd`` and ``index``.
    """

    year: str | None
    rates: pd.DataFrame
    price_index: pd.DataFrame

    def factor(self, currency: str, price_year: str) -> tuple[float | None, str | None]:
        """The multiplier from money of ``currency`` in ``price_year`` to USD of the network's year, or None and what
        is missing to compute it."""
        currency = currency or MODEL_CURRENCY
        if self.year is None:
            if currency == MODEL_CURRENCY and not price_year:
                return 1.0, None
            return None, ("the network declares no year (network.csv), so money in another currency or year cannot "
                          "be converted")
        price_year = price_year or self.year
        factor = 1.0
        if price_year != self.year:
            lo, hi = rate_id(currency, price_year), rate_id(currency, self.year)
            missing = [k for k in (lo, hi) if k not in self.price_index.index]
            if missing:
                return None, (f"price_index.csv has no index for {' and '.join(missing)} (needed to carry {currency} "
                              f"of {price_year} to {self.year})")
            factor = float(self.price_index.at[hi, "index"]) / float(self.price_index.at[lo, "index"])
        if currency != MODEL_CURRENCY:
            key = rate_id(currency, self.year)
            if key not in self.rates.index:
                return None, f"rates.csv has no rate for {currency} in {self.year} (the network's year)"
            factor = factor / float(self.rates.at[key, "per_usd"])
        return factor, None

    def to_usd(self, value: float, currency: str, price_year: str) -> float:
        """``value`` (money of ``currency`` in ``price_year``) in USD of the network's year.

        Raises
        ------
        ValueError
            if a rate or an index is missing.
        """
        factor, missing = self.factor(currency, price_year)
        if factor is None:
            raise ValueError(missing)
        return value * factor

    def explain(self, currency: str, price_year: str) -> str:
        """The conversion in words, e.g. ``CNY 2015 -> USD 2015: / 6.2827 CNY/USD``."""
        currency = currency or MODEL_CURRENCY
        year = self.year or ""
        price_year = price_year or year
        steps = []
        if price_year != year:
            lo = float(self.price_index.at[rate_id(currency, price_year), "index"])
            hi = float(self.price_index.at[rate_id(currency, year), "index"])
            steps.append(f"x {hi:g}/{lo:g} ({currency} index {year}/{price_year})")
        if currency != MODEL_CURRENCY:
            steps.append(f"/ {float(self.rates.at[rate_id(currency, year), 'per_usd']):g} {currency}/USD")
        return f"{currency} {price_year} -> USD {year}: " + (" ".join(steps) if steps else "as given")
