"""Fuzzing the CLI and the API in-process with Hypothesis (strategies in tests/fuzzing.py): damaged networks
(cells, columns, rows, file damage, graph shapes), damaged scenarios (values of any TOML shape, deep nesting,
extreme magnitudes, broken bytes), command-line options and output locations.

Every input must end with exit 0 or 2 (130/143 only when interrupted), no traceback, no leaked warning, messages on
one line, finite results and nothing partial. A fast, fixed profile runs by default; the long one
(``pytest -m fuzz``, or ``CORRIDOR_FUZZ=long``; ``CORRIDOR_FUZZ_EXAMPLES`` inputs, 2,000 by default) draws fresh
inputs each time. ``benchmarks/fuzz_campaign.py`` counts outcomes over thousands of inputs instead of stopping at
the first failure.
"""

import os

import pytest
from hypothesis import HealthCheck, Phase, assume, given, settings

from .fuzzing import api_specs, run_spec, specs

FAST = settings(max_examples=40, derandomize=True, database=None, deadline=None, phases=[Phase.generate],
                suppress_health_check=list(HealthCheck))
LONG = settings(max_examples=int(os.environ.get("CORRIDOR_FUZZ_EXAMPLES", "2000")), database=None, deadline=None,
                phases=[Phase.generate, Phase.shrink], suppress_health_check=list(HealthCheck))


def check(spec) -> None:
    outcome = run_spec(spec)
    assume(not outcome.slow)  # stopped while computing on a loaded machine: no verdict
    assert outcome.problems() == [], f"{spec.describe()}\n{outcome.stderr[-2000:]}"
    assert outcome.code in (0, 2)


@FAST
@given(specs(networks=("toy",), max_net_ops=2, max_scenario_ops=2))
def test_fuzz_cli_fast(spec):
    check(spec)


@settings(FAST, max_examples=15)
@given(api_specs())
def test_fuzz_api_fast(spec):
    check(spec)


@pytest.mark.fuzz
@LONG
@given(specs(plots=True))
def test_fuzz_cli_long(spec):
    check(spec)


@pytest.mark.fuzz
@settings(LONG, max_examples=max(1, LONG.max_examples // 4))
@given(api_specs())
def test_fuzz_api_long(spec):
    check(spec)
