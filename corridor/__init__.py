"""corridor: an open transit-corridor logistics model of Mongolian coal export routes.

The public API, for scripts and notebooks::

    import corridor
    s = corridor.load_scenario("scenarios/test_shipment_2015.toml")
    res = corridor.run(s)
    res.routes, res.components, res.countries, res.legs

Data flow (one way): network folder + scenario file -> Network, Scenario -> routing graph -> routes
-> Results -> text, JSON, CSV.
"""

from .errors import CorridorError, InputError, NoRouteError
from .graph import build_graph
from .network import Network, load_network, shipped_networks, write_network
from .results import Results
from .scenario import Case, Scenario, load_scenario
from .solve import run

__all__ = [
    "Case", "CorridorError", "InputError", "Network", "NoRouteError", "Results", "Scenario", "build_graph",
    "load_network", "load_scenario", "run", "shipped_networks", "write_network",
]
__version__ = "0.1.0"
