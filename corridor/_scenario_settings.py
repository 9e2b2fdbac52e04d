"""A scenario's ``[settings]`` (or a case's ``settings``): routes listed, value of time (directly, or from cargo value
and interest), carbon price, corridors; resolved into :class:`corridor.case.Settings`. Part of
:func:`corridor._scenario_parse.parse_scenario`."""

from __future__ import annotations

from . import limits
from ._validate import Checker, type_name
from .case import Settings

SETTINGS_KEYS = {"routes", "value_of_time_usd_per_t_day", "cargo_value_usd_per_t", "interest_rate_per_year",
                 "carbon_price_usd_per_t_co2", "corridors"}
DEFAULT_SETTINGS = {"routes": 5}
# Upper bounds that catch a misplaced decimal point (coal is worth ~50-300 USD/t)
SETTING_LIMITS = {"value_of_time_usd_per_t_day": 1000.0, "cargo_value_usd_per_t": 100_000.0,
                  "interest_rate_per_year": 10.0, "carbon_price_usd_per_t_co2": 10_000.0}


def parse_settings(ck: Checker, raw: dict, where: str, base: dict) -> dict:
    raw = ck.table(raw, where, SETTINGS_KEYS)
    out = dict(base)
    if "routes" in raw:
        value = ck.number(raw["routes"], f"{where}.routes", low=1, integer=True, high=limits.MAX_ROUTES)
        if value is not None:
            out["routes"] = value
    for key in ("value_of_time_usd_per_t_day", "cargo_value_usd_per_t", "interest_rate_per_year",
                "carbon_price_usd_per_t_co2"):
        if key in raw:
            value = ck.number(raw[key], f"{where}.{key}", high=SETTING_LIMITS[key])
            if value is not None:
                out[key] = float(value)
    if "corridors" in raw:
        if isinstance(raw["corridors"], bool):
            out["corridors"] = raw["corridors"]
        else:
            ck.fail(f"{where}.corridors", f"expected true or false, got {type_name(raw['corridors'])}")
    # The level that sets the value of time (directly, or from cargo value and interest) overrides the other way.
    if "value_of_time_usd_per_t_day" in raw and ("cargo_value_usd_per_t" in raw or "interest_rate_per_year" in raw):
        ck.fail(where, "give value_of_time_usd_per_t_day or cargo_value_usd_per_t with interest_rate_per_year, "
                       "not both")
    if "value_of_time_usd_per_t_day" in raw:
        out.pop("cargo_value_usd_per_t", None)
        out.pop("interest_rate_per_year", None)
    elif "cargo_value_usd_per_t" in raw or "interest_rate_per_year" in raw:
        out.pop("value_of_time_usd_per_t_day", None)
    return out


def resolve_settings(ck: Checker, values: dict, where: str) -> Settings:
    vot = values.get("value_of_time_usd_per_t_day")
    cargo, rate = values.get("cargo_value_usd_per_t"), values.get("interest_rate_per_year")
    if (cargo is None) != (rate is None):
        ck.fail(where, "cargo_value_usd_per_t and interest_rate_per_year go together "
                       "(value of time = value x rate / 365)")
    elif vot is None and cargo is not None:
        vot = cargo * rate / 365.0
    return Settings(routes=int(values.get("routes", 5)), value_of_time_usd_per_t_day=float(vot or 0.0),
                    carbon_price_usd_per_t_co2=float(values.get("carbon_price_usd_per_t_co2", 0.0)),
                    corridors=bool(values.get("corridors", True)))
