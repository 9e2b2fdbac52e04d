"""Random streams: one PCG64 stream per group of entries, so a draw depends only on the seed, the group and its
index, and drawing in chunks of any size gives the same numbers bit for bit."""

from __future__ import annotations

import numpy as np

from .entries import Entry, groups


def sample_uniforms(seed: int, n_groups: int, start: int, stop: int) -> np.ndarray:
    """Uniform numbers in (0, 1) for draws ``start .. stop-1``: array (groups x draws).

    Group ``g`` has its own stream ``PCG64(SeedSequence(seed, spawn_key=(g,)))``; draw ``i`` is the ``i``-th number of
    that stream whatever the chunking. (Skipping to ``start`` advances the stream; 0 is replaced by 2**-54.)
    """
    out = np.empty((n_groups, stop - start))
    for g in range(n_groups):
        bitgen = np.random.PCG64(np.random.SeedSequence(seed, spawn_key=(g,)))
        if start:
            bitgen.advance(start)  # Generator.random uses one 64-bit output per double
        out[g] = np.random.Generator(bitgen).random(stop - start)
    out[out == 0.0] = 2.0 ** -54
    return out


class Streams:
    """The streams of :func:`sample_uniforms` kept open: consecutive blocks of draws continue each group's stream
    instead of seeding and advancing it again (the same numbers bit for bit)."""

    def __init__(self, seed: int, n_groups: int):
        self.seed, self.n_groups = seed, n_groups
        self._generators: list[np.random.Generator | None] = [None] * n_groups
        self._next = [0] * n_groups

    def uniforms(self, start: int, stop: int) -> np.ndarray:
        """As ``sample_uniforms(seed, n_groups, start, stop)``."""
        out = np.empty((self.n_groups, stop - start))
        for g in range(self.n_groups):
            gen = self._generators[g]
            if gen is None or self._next[g] != start:
                bitgen = np.random.PCG64(np.random.SeedSequence(self.seed, spawn_key=(g,)))
                if start:
                    bitgen.advance(start)
                gen = self._generators[g] = np.random.Generator(bitgen)
            out[g] = gen.random(stop - start)
            self._next[g] = stop
        out[out == 0.0] = 2.0 ** -54
        return out


def entry_values(entries: tuple[Entry, ...], u: np.ndarray) -> np.ndarray:
    """Values of each entry (entries x draws) from the uniforms of their groups (groups x draws)."""
    index = {g: i for i, g in enumerate(groups(entries))}
    if not entries:
        return np.empty((0, u.shape[1]))
    return np.stack([e.distribution.ppf(u[index[e.group_key]]) for e in entries])
