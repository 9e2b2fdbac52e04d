"""Scenario files (TOML): a shipment and/or annual flows, settings, and cases that close or change parts of
the network.

A scenario is read and checked once, at load (:mod:`corridor._scenario_parse`): every key, type and range, and every
node, link, table, column and selector against its network. Each :class:`~corridor.case.Case` then holds its changed
network ready to solve.
"""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._provenance import bytes_sha256
from ._scenario_parse import parse_scenario
from .appraisal.settings import AppraisalSettings
from .case import Case, Flows, Settings, Shipment
from .errors import InputError
from .network import Network
from .uncertainty.entries import Entry

__all__ = ["Case", "Flows", "Scenario", "Settings", "Shipment", "load_scenario"]


@dataclass(frozen=True)
class Scenario:
    """A validated scenario. Build one with :func:`load_scenario` or :meth:`Scenario.from_dict`.

    ``data`` keeps the scenario as a plain dict, so a notebook can derive variants with
    :meth:`with_case` or :meth:`with_network` that are checked the same way as a file.
    """

    name: str
    description: str
    data: dict
    network: Network
    cases: tuple[Case, ...]
    source: str = "<scenario>"
    base_dir: Path | None = None
    uncertainty: tuple[Entry, ...] = ()  # the [[uncertainty]] entries (see corridor.uncertainty.entries)
    appraisal: AppraisalSettings | None = None  # the [appraisal] table (see corridor.appraisal)
    source_sha256: str = ""  # SHA-256 of the file as read; "" for a scenario built or changed in memory
    element_sets: tuple[tuple[str, dict], ...] = ()  # the [[criticality]] sets: (name, {"nodes": [...], ...})

    @classmethod
    def from_dict(cls, data: dict, *, source: str = "<scenario>", base_dir: Path | None = None,
                  network: Network | None = None) -> Scenario:
        """Validate ``data`` (the parsed TOML) and build the scenario and its cases."""
        return _build(copy.deepcopy(data), source, base_dir, network)

    def with_case(self, name: str, **case: Any) -> Scenario:
        """A copy with one more case, given as in a file: ``close={...}``, ``change=[{...}]``,
        ``shipment={...}``, ``settings={...}``.

        Examples
        --------
        >>> s2 = s.with_case("RZD -30%", change=[{"table": "links", "where": {"country": "RU"},
        ...                                       "scale": {"tariff_usd_per_tkm": 0.7}}])
        """
        data = copy.deepcopy(self.data)
        data.setdefault("cases", [{"name": "baseline"}] if "cases" not in self.data else [])
        data["cases"].append({"name": name, **case})
        return _build(data, self.source, self.base_dir, self.network)

    def with_cases(self, cases: list[dict]) -> Scenario:
        """A copy whose cases are replaced by ``cases`` (dicts as in a file)."""
        data = copy.deepcopy(self.data)
        data["cases"] = list(cases)
        return _build(data, self.source, self.base_dir, self.network)

    def with_network(self, network: Network) -> Scenario:
        """The same scenario run on another network (e.g. one changed with :meth:`Network.change`)."""
        return _build(copy.deepcopy(self.data), self.source, self.base_dir, network)

    def with_settings(self, **settings: Any) -> Scenario:
        """A copy with scenario-wide settings changed, e.g. ``with_settings(routes=8)``."""
        data = copy.deepcopy(self.data)
        current = data.setdefault("settings", {})
        if "value_of_time_usd_per_t_day" in settings:
            current.pop("cargo_value_usd_per_t", None), current.pop("interest_rate_per_year", None)
        elif {"cargo_value_usd_per_t", "interest_rate_per_year"} & set(settings):
            current.pop("value_of_time_usd_per_t_day", None)
        current.update(settings)
        return _build(data, self.source, self.base_dir, self.network)

    def with_flows(self, **flows: Any) -> Scenario:
        """A copy with scenario-wide ``[flows]`` keys replaced, e.g. ``with_flows(supply={"tavan_tolgoi": 20})``."""
        data = copy.deepcopy(self.data)
        data.setdefault("flows", {}).update(flows)
        return _build(data, self.source, self.base_dir, self.network)

    def case(self, name: str) -> Case:
        for c in self.cases:
            if c.name == name:
                return c
        raise KeyError(f"no case named {name!r} (cases: {', '.join(c.name for c in self.cases)})")

    def __repr__(self) -> str:
        return f"<Scenario {self.name!r}: {len(self.cases)} cases on {self.network.name}>"


def load_scenario(path: str | Path) -> Scenario:
    """Read and validate a scenario file.

    Raises
    ------
    InputError
        naming the file, the key and what is wrong.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: scenario file not found")
    text = path.read_bytes()
    if not text.strip():
        raise InputError(f"{path}: the file is empty (a scenario needs at least [shipment] or [flows])")
    try:
        data = tomllib.loads(text.decode("utf-8"))
    except UnicodeDecodeError:
        raise InputError(f"{path}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise InputError(f"{path}: not valid TOML: {err}") from None
    return _build(data, str(path), path.parent, None, sha256=bytes_sha256(text))


def _build(data: dict, source: str, base_dir: Path | None, network: Network | None, *, sha256: str = "") -> Scenario:
    parsed = parse_scenario(data, source, base_dir, network)
    return Scenario(**parsed._asdict(), source=source, base_dir=base_dir, source_sha256=sha256)
