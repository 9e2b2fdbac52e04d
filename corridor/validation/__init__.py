"""Validation against what was observed, and calibration within the evidence.

- :mod:`~corridor.validation.observations`: the observations of a network (``observations.csv``) and how a model
  value is scored against one (log error, band, residual);
- :mod:`~corridor.validation.predict`: the model's value for each observation of a case, at any values of the
  scenario's uncertain entries;
- :mod:`~corridor.validation.report`: :func:`check` and :class:`ValidationReport` (table, summary per kind, text, JSON,
  CSV; the chart is :func:`corridor.plot.validation.validation_chart`);
- :mod:`~corridor.validation.calibration`: :func:`calibrate` (least squares within the entries' ranges, leave-one-out)
  and :class:`Calibration` (fitted values, errors before and after, the calibrated copy of the network).

See docs/validation.md.
"""

from importlib import import_module
from typing import Any

from ..html_report import add_validation

_LAZY = {"check": "report", "ValidationReport": "report", "Observation": "observations",
         "read_observations": "observations", "Predictor": "predict", "calibrate": "calibration",
         "Calibration": "calibration"}

__all__ = list(_LAZY)


def _results_summary(results):
    """The HTML report's validation table (:func:`corridor.validation.report.results_summary`)."""
    from .report import results_summary

    return results_summary(results)


add_validation(_results_summary)


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
