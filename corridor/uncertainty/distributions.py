"""The distributions of uncertain inputs, sampled by their inverse distribution functions.

The standard normal's distribution function and its inverse are computed here with numpy and the standard library
(:func:`ndtr`, :func:`ndtri`): importing ``scipy.special`` for them would cost more than drawing 100,000 values.
"""

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


# Wichura's algorithm AS241 (Applied Statistics 37(3), 1988, pp. 477-484), coefficients as in Python's
# statistics.NormalDist.inv_cdf: numerator and denominator polynomials, highest power first.
_CENTRAL = ((2.5090809287301226727e+3, 3.3430575583588128105e+4, 6.7265770927008700853e+4, 4.5921953931549871457e+4,
             1.3731693765509461125e+4, 1.9715909503065514427e+3, 1.3314166789178437745e+2, 3.3871328727963666080e+0),
            (5.2264952788528545610e+3, 2.8729085735721942674e+4, 3.9307895800092710610e+4, 2.1213794301586595867e+4,
             5.3941960214247511077e+3, 6.8718700749205790830e+2, 4.2313330701600911252e+1, 1.0))
_NEAR = ((7.7454501427834140764e-4, 2.2723844989269184583e-2, 2.4178072517745061177e-1, 1.2704582524523683826e+0,
          3.6478483247632046050e+0, 5.7694972214606914055e+0, 4.6303378461565452959e+0, 1.4234371107496835773e+0),
         (1.0507500716444168432e-9, 5.4759380849953449460e-4, 1.5198666563616457197e-2, 1.4810397642748007459e-1,
          6.8976733498510000455e-1, 1.6763848301838038494e+0, 2.0531916266377588219e+0, 1.0))
_FAR = ((2.0103343992922881327e-7, 2.7115555687434875782e-5, 1.2426609473880784386e-3, 2.6532189526576123093e-2,
         2.9656057182850489123e-1, 1.7848265399172913358e+0, 5.4637849111641143699e+0, 6.6579046435011037772e+0),
        (2.0442631033899397856e-15, 1.4215117583164458887e-7, 1.8463183175100546818e-5, 7.8686913114561325910e-4,
         1.4875361290850614853e-2, 1.3692988092273580531e-1, 5.9983220655588793769e-1, 1.0))


def _horner(coefficients: tuple[float, ...], r: np.ndarray) -> np.ndarray:
    out = np.full_like(r, coefficients[0])
    for c in coefficients[1:]:
        out = out * r + c
    return out


def ndtri(p: np.ndarray) -> np.ndarray:
    """The standard normal quantile at probabilities ``p`` in (0, 1) (AS241, as ``statistics.NormalDist.inv_cdf``,
    to about 1e-16 relative; -inf and inf at 0 and 1)."""
    p = np.asarray(p, dtype=float)
    q = p - 0.5
    out = np.empty_like(p)
    central = np.abs(q) <= 0.425
    if central.any():
        qc = q[central]
        r = 0.180625 - qc * qc
        out[central] = qc * _horner(_CENTRAL[0], r) / _horner(_CENTRAL[1], r)
    tail = ~central
    if tail.any():
        qt = q[tail]
        with np.errstate(divide="ignore"):
            r = np.sqrt(-np.log(np.where(qt <= 0.0, p[tail], 1.0 - p[tail])))
        near = r <= 5.0
        x = np.empty_like(r)
        rn, rf = r[near] - 1.6, r[~near] - 5.0
        x[near] = _horner(_NEAR[0], rn) / _horner(_NEAR[1], rn)
        with np.errstate(invalid="ignore"):
            x[~near] = np.where(np.isinf(rf), np.inf, _horner(_FAR[0], rf) / _horner(_FAR[1], rf))
        out[tail] = np.where(qt < 0.0, -x, x)
    return out


def ndtr(x: float) -> float:
    """The standard normal distribution function at ``x`` (a bound: a scalar, possibly infinite)."""
    return 0.5 * math.erfc(-x / math.sqrt(2.0))


def _given(value: float | None) -> float:
    """A parameter the distribution's kind requires (checked when the entry was read)."""
    if value is None:
        raise ValueError("a parameter this distribution needs is missing")
    return value
