"""The distributions of uncertain inputs, sampled by their inverse distribution functions."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

TORNADO_TAIL = 0.05  # an unbounded side of a distribution is taken at its 5th / 95th percentile for the tornado


@dataclass(frozen=True)
class Distribution:
    """A distribution of one uncertain input, sampled by its inverse distribution function :meth:`ppf`.

    Parameters
    ----------
    kind : {"uniform", "triangular", "normal", "lognormal"}
    low, high : float or None
        Bounds (the support of uniform and triangular; truncation points of normal and lognormal).
    mode : float or None
        Peak of a triangular distribution.
    mean, sd : float or None
        Mean and standard deviation of a normal or lognormal (of the value itself, not of its log).
    """

    kind: str
    low: float | None = None
    high: float | None = None
    mode: float | None = None
    mean: float | None = None
    sd: float | None = None

    def ppf(self, u: np.ndarray) -> np.ndarray:
        """The values at probabilities ``u`` (each in [0, 1))."""
        u = np.asarray(u, dtype=float)
        if self.kind == "uniform":
            lo, hi = self._lower(), self._upper()
            return lo + u * (hi - lo)
        if self.kind == "triangular":
            lo, c, hi = self._lower(), _given(self.mode), self._upper()
            if hi == lo:
                return np.full_like(u, lo)
            f = (c - lo) / (hi - lo)
            left = lo + np.sqrt(u * (hi - lo) * (c - lo))
            right = hi - np.sqrt((1.0 - u) * (hi - lo) * (hi - c))
            return np.where(u < f, left, right)
        if self.sd == 0.0:
            return np.full_like(u, float(np.clip(_given(self.mean), self._lower(), self._upper())))
        mu, sigma, transform = self._normal_parameters()
        from scipy.special import ndtr, ndtri

        a, b = self._standard_bounds(mu, sigma)
        fa, fb = ndtr(a), ndtr(b)
        z = ndtri(fa + u * (fb - fa))
        return np.clip(transform(mu + sigma * z), self._lower(), self._upper())

    def extremes(self) -> tuple[float, float]:
        """The smallest and largest values a draw can take (the inverse distribution function at the first and last
        uniform numbers :func:`corridor.uncertainty.streams.sample_uniforms` can give); NaN if the parameters give
        no finite number there (e.g. a lognormal whose sd is 1e300 times its mean)."""
        try:
            with np.errstate(all="ignore"):
                lo, hi = (float(v) for v in self.ppf(np.array([2.0 ** -54, 1.0 - 2.0 ** -53])))
                b = self.bounds()
        except (OverflowError, ValueError, ZeroDivisionError):
            return float("nan"), float("nan")
        if not all(np.isfinite([lo, hi, *b])):
            return float("nan"), float("nan")
        return min(lo, b[0]), max(hi, b[1])

    def bounds(self) -> tuple[float, float]:
        """Low and high values for a tornado: the bounds where there are any, else the 5th / 95th percentiles."""
        lo, hi = self._lower(), self._upper()
        if self.kind in ("normal", "lognormal"):
            q = self.ppf(np.array([TORNADO_TAIL, 1.0 - TORNADO_TAIL]))
            lo = lo if self.low is not None else float(q[0])
            hi = hi if self.high is not None else float(q[1])
        return float(lo), float(hi)

    def expectation(self) -> float:
        """The mean (of the truncated distribution, estimated by quadrature for normal and lognormal)."""
        if self.kind == "uniform":
            return (self._lower() + self._upper()) / 2.0
        if self.kind == "triangular":
            return (self._lower() + _given(self.mode) + self._upper()) / 3.0
        u = (np.arange(200_000) + 0.5) / 200_000  # midpoint rule on the inverse distribution function
        return float(self.ppf(u).mean())

    def describe(self) -> str:
        if self.kind == "uniform":
            return f"uniform {self.low:g}–{self.high:g}"
        if self.kind == "triangular":
            return f"triangular {self.low:g}–{self.mode:g}–{self.high:g}"
        cut = "" if self.low is None and self.high is None else \
            f" cut to {self.low if self.low is not None else 0:g}–{self.high if self.high is not None else math.inf:g}"
        return f"{self.kind} mean {self.mean:g} sd {self.sd:g}{cut}"

    # -- helpers -----------------------------------------------------------------------------------------
    def _lower(self) -> float:
        return self.low if self.low is not None else 0.0

    def _upper(self) -> float:
        return self.high if self.high is not None else math.inf

    def _normal_parameters(self) -> tuple[float, float, Callable[[np.ndarray], np.ndarray]]:
        mean, sd = _given(self.mean), _given(self.sd)
        if self.kind == "normal":
            return mean, sd, lambda x: x
        sigma2 = math.log1p((sd / mean) ** 2)
        return math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2), np.exp

    def _standard_bounds(self, mu: float, sigma: float) -> tuple[float, float]:
        lo, hi = self._lower(), self._upper()
        if self.kind == "lognormal":
            lo = math.log(lo) if lo > 0 else -math.inf
            hi = math.log(hi) if math.isfinite(hi) else math.inf
        return (lo - mu) / sigma, (hi - mu) / sigma


def _given(value: float | None) -> float:
    """A parameter the distribution's kind requires (checked when the entry was read)."""
    if value is None:
        raise ValueError("a parameter this distribution needs is missing")
    return value
