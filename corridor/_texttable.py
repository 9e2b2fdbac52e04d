"""Aligned plain-text tables that fit a terminal width: optional columns dropped in order of importance, then one
flexible column (a route) wrapped onto continuation lines."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

GAP = "  "


@dataclass
class Col:
    """One column: its header, its cells, alignment, and ``drop``: the order in which it goes when the table is too
    wide (1 goes first; 0 = never dropped)."""

    header: str
    cells: list[str]
    left: bool = False
    drop: int = 0

    @property
    def width(self) -> int:
        return max([len(self.header), *(len(c) for c in self.cells)])


def fit(cols: list[Col], width: int | None, *, flex: int | None = None, indent: str = "", min_flex: int = 30,
        shorter: list[str] | None = None) -> str:
    """The table as text no wider than ``width`` (None: as wide as it needs).

    Too wide, it drops the droppable columns one by one (lowest ``drop`` first); when ``shorter`` is given (other
    cells for the flexible column ``flex``, e.g. shorter route labels) they replace its cells first, before any
    column whose ``drop`` is above 1 goes; if the table is still too wide, column ``flex`` is wrapped.
    """
    cols = list(cols)

    def total(cs: list[Col], capped: bool = False) -> int:
        ws = [c.width for c in cs]
        if capped and flex is not None:
            ws[flex] = min(ws[flex], max(min_flex, len(cs[flex].header)))
        return len(indent) + sum(ws) + len(GAP) * (len(cs) - 1)

    if width is not None:
        order = sorted((c for c in cols if c.drop), key=lambda c: c.drop)
        shortened = shorter is None
        # until the labels are shortened, a table must fit as it is; after, the flexible column may wrap
        while total(cols, capped=shortened) > width:
            nxt = order[0] if order else None
            if not shortened and (nxt is None or nxt.drop > 1) and flex is not None:
                cols[flex] = Col(cols[flex].header, list(shorter or []), cols[flex].left, cols[flex].drop)
                shortened = True
                continue
            if nxt is None:
                break
            order.pop(0)
            if flex is not None and cols.index(nxt) < flex:
                flex -= 1
            cols.remove(nxt)
    widths = [c.width for c in cols]
    if width is not None and flex is not None and total(cols) > width:
        others = total(cols) - widths[flex]
        widths[flex] = max(min_flex, len(cols[flex].header), width - others)

    def lines(cells: list[str]) -> list[str]:
        parts = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            parts.append(_wrap_cell(cell, w) if i == flex and len(cell) > w else [cell])
        height = max(len(p) for p in parts)
        out = []
        for k in range(height):
            row = [(p[k] if k < len(p) else "") for p in parts]
            text = GAP.join(cell.ljust(w) if c.left else cell.rjust(w) for cell, w, c in zip(row, widths, cols))
            out.append((indent + text).rstrip())
        return out

    out = lines([c.header for c in cols])
    out += lines(["-" * w for w in widths])
    for r in range(len(cols[0].cells) if cols else 0):
        out += lines([c.cells[r] for c in cols])
    return "\n".join(out)


def _wrap_cell(cell: str, width: int) -> list[str]:
    """A cell on lines of ``width``; a route (``A › B › C``) breaks only before a '›', not inside a name."""
    nbsp = "\u00a0"
    if "›" in cell:
        cell = cell.replace(" › ", "\0").replace(" ", nbsp).replace("\0", " › ")
    lines = textwrap.wrap(cell, width, break_on_hyphens=False, subsequent_indent="  ") or [""]
    return [line.replace(nbsp, " ") for line in lines]


def wrap(text: str, width: int | None, *, indent: str = "") -> str:
    """``text`` filled to ``width`` (paragraphs split at blank lines; None: as it is, with ``indent``)."""
    if width is None:
        return "\n".join(indent + line for line in text.split("\n"))
    paras = [" ".join(p.split()) for p in text.split("\n\n")]
    return "\n\n".join(textwrap.fill(p, width, initial_indent=indent, subsequent_indent=indent,
                                     break_on_hyphens=False) for p in paras if p)
