"""corridor: an open transit-corridor logistics model of Mongolian coal export routes.

The public API, for scripts and notebooks::

    import corridor
    s = corridor.load_scenario("scenarios/test_shipment_2015.toml")
    res = corridor.run(s)
    res.routes, res.components, res.countries, res.legs

Data flow (one way): network folder + scenario file -> Network, Scenario -> routing graph -> routes and flows
-> Results -> text, JSON, CSV, plots.

The parts that need scipy or matplotlib (:mod:`corridor.flows`, :mod:`corridor.uncertainty`, :mod:`corridor.plot`)
are imported on first use: ``corridor.flows.allocate(...)`` works after a plain ``import corridor``.
"""

from importlib import import_module
from typing import Any

from .case import Case
from .errors import CorridorError, InputError, NoRouteError
from .graph import build_graph
from .network import Network, load_network, shipped_networks, write_network
from .results import Results
from .scenario import Scenario, load_scenario
from .solve import price_path, run

__version__ = "0.1.0"

# Subpackages and modules loaded on first attribute access (scipy and matplotlib stay unloaded until used).
_LAZY_MODULES = ("flows", "uncertainty", "plot", "report", "tools", "costs", "sea", "legs", "routes", "schema",
                 "corridors", "restrict", "criticality", "exposure", "appraisal", "projects", "validation", "batch")

__all__ = [
    "Case", "CorridorError", "InputError", "Network", "NoRouteError", "Results", "Scenario", "build_graph",
    "load_network", "load_scenario", "price_path", "run", "shipped_networks", "write_network", *_LAZY_MODULES,
]


def __getattr__(name: str) -> Any:
    if name in _LAZY_MODULES:
        return import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
