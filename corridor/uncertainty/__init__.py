"""Uncertainty: draws over the uncertain inputs of a scenario, the tornado and break-even values.

Modules, one job each:

- :mod:`~corridor.uncertainty.distributions`: the distributions (uniform, triangular, normal, lognormal);
- :mod:`~corridor.uncertainty.entries`: the ``[[uncertainty]]`` entries of a scenario, read and checked at load;
- :mod:`~corridor.uncertainty.streams`: seeded random streams, one per group of entries;
- :mod:`~corridor.uncertainty.reprice`: every candidate route priced for blocks of draws at once;
- :mod:`~corridor.uncertainty.candidates`: the candidate routes of a case;
- :mod:`~corridor.uncertainty.coverage`: the exact check that no other route was cheaper;
- :mod:`~corridor.uncertainty.montecarlo`: :func:`run_draws` (``corridor.run(s, draws=N)``);
- :mod:`~corridor.uncertainty.flowdraws`: the allocation of a case with ``[flows]`` re-solved for blocks of draws;
- :mod:`~corridor.uncertainty.flowstats`: :class:`FlowDraws`, those draws and their summaries;
- :mod:`~corridor.uncertainty.sensitivity`: :func:`tornado` and :func:`breakeven`;
- :mod:`~corridor.uncertainty.sweeps`: :func:`sweep` (one input over a range, the best route per corridor and the
  break-evens) and :func:`sweep_map` (the cheapest corridor over two inputs).

The solvers are imported on first use, so reading a scenario (which checks its entries) loads only the first two.
"""

from importlib import import_module
from typing import Any

from .distributions import Distribution
from .entries import Entry, apply_values

_LAZY = {"CaseDraws": "montecarlo", "run_draws": "montecarlo", "FlowDraws": "flowstats", "BreakEven": "sensitivity",
         "BreakEvens": "sensitivity", "breakeven": "sensitivity", "tornado": "sensitivity", "sweep": "sweeps",
         "sweep_map": "sweeps", "Sweep": "sweeps", "SweepMap": "sweeps"}

__all__ = ["Distribution", "Entry", "apply_values", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
