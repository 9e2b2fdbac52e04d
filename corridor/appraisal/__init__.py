"""Investment appraisal of a network's projects: with and without each, over a horizon of years, on the
capacitated allocation (see docs/appraisal.md).

Modules: :mod:`~corridor.appraisal.settings` (the ``[appraisal]`` settings), :mod:`~corridor.appraisal.years`
(representative years and discounted weights), :mod:`~corridor.appraisal._lp` (one allocation LP per network,
re-solved with projects switched on and off), :mod:`~corridor.appraisal.benefits` (the rule of a half, the benefit
table over sets of projects), :mod:`~corridor.appraisal.cashflow` (costs by year, NPV, BCR, IRR, payback),
:mod:`~corridor.appraisal.portfolio` (the mixed-integer program and brute force), :mod:`~corridor.appraisal.model`
(the whole appraisal of a scenario, as tables).
"""

from importlib import import_module
from typing import Any

from .settings import AppraisalSettings

_LAZY = {"appraise": "model", "Appraisal": "model", "Periods": "years", "make_periods": "years",
         "SwitchedLP": "_lp", "Outcome": "_lp", "rule_of_half": "benefits", "BenefitTable": "benefits",
         "npv": "cashflow", "irr": "cashflow", "ProjectCosts": "cashflow", "best_portfolio": "portfolio",
         "brute_force": "portfolio", "Portfolio": "portfolio"}

__all__ = ["AppraisalSettings", *_LAZY]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
