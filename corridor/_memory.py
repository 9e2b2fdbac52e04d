"""Keep freed memory for reuse in the `corridor` command (glibc only).

Draws are priced in blocks whose temporary arrays take a few tens of MB. With glibc's defaults every block's arrays
come fresh from the system and go back to it when freed, page by page: for 100,000 draws of the test shipment that is
~150,000 page faults, a third of the time the draws take. Raising glibc's thresholds (``mallopt``) keeps up to 256 MB
of freed memory for the next block instead. Only the command line does this, for its own process; a program that
imports corridor keeps its own allocator settings.
"""

from __future__ import annotations

import sys

M_TRIM_THRESHOLD, M_MMAP_THRESHOLD = -1, -3  # glibc's mallopt parameters (malloc.h)
TRIM_BYTES = 256 << 20  # keep up to this much freed memory at the top of the heap
MMAP_BYTES = 32 << 20  # arrays below this size come from the heap (glibc's own upper limit for its dynamic threshold)


def keep_freed_memory() -> bool:
    """Raise glibc's trim and mmap thresholds for this process; False where there is no glibc (nothing done)."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL("libc.so.6")
        return bool(libc.mallopt(M_MMAP_THRESHOLD, MMAP_BYTES)) and bool(libc.mallopt(M_TRIM_THRESHOLD, TRIM_BYTES))
    except (OSError, AttributeError):  # musl, or no libc by that name
        return False
