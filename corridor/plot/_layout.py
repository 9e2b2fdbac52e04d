"""Placing texts so that they stay inside the figure and clear of each other: widening an axis to fit bar labels,
and moving map labels to the first free place around their point."""

from __future__ import annotations


def freeze(fig) -> None:
    """Lay the figure out once and keep that layout: one draw runs the constrained layout (axes, legends, titles);
    after it the layout engine is switched off, so placing labels and saving the figure in every format draw it
    without laying it out again. Call it once everything that takes room around the axes is in place. The texts
    inside the axes (labels, annotations) take no part in the layout: they are moved inside afterwards, and one
    that starts outside would otherwise widen a margin for nothing."""
    if getattr(fig, "_corridor_frozen", False):
        return
    for ax in fig.axes:  # labels inside the axes are placed by declutter or fit_texts, not by the layout
        for text in ax.texts:
            text.set_in_layout(False)
    fig.draw_without_rendering()
    fig.set_layout_engine("none")
    fig._corridor_frozen = True


def fit_texts(fig, ax, texts, *, margin: float = 0.01) -> None:
    """Widen the x-range of ``ax`` until every text in ``texts`` (annotations anchored at data points, e.g. labels at
    bar ends) ends inside it. Freezes the layout first (:func:`freeze`). A text of ``w`` pixels anchored at ``x`` ends
    inside an axes ``W`` pixels wide when the range spans at least ``(x - lo) W / (W - w)``: solved directly."""
    if not texts:
        return
    freeze(fig)
    lo, hi = ax.get_xlim()
    box = ax.get_window_extent()
    span = hi - lo
    for t in texts:
        anchor_px = ax.transData.transform((t.xy[0], 0))[0]
        w = t.get_window_extent().x1 - anchor_px  # the offset and the text, in pixels
        if w >= box.width:
            continue  # cannot fit at any range; leave it to the figure's own checks
        span = max(span, (t.xy[0] - lo) * box.width / (box.width - w))
    if span > hi - lo:
        ax.set_xlim(lo, lo + span * (1 + margin))


# Where a label may go relative to its point, in points: (dx, dy, horizontal alignment, vertical alignment).
LEFT_FIRST = ((-4, 0, "right", "center"), (4, 0, "left", "center"), (-4, 9, "right", "bottom"),
              (-4, -9, "right", "top"), (4, 9, "left", "bottom"), (4, -9, "left", "top"),
              (-4, 20, "right", "bottom"), (-4, -20, "right", "top"), (4, 20, "left", "bottom"),
              (4, -20, "left", "top"), (0, 32, "center", "bottom"), (0, -32, "center", "top"))
RIGHT_FIRST = ((5, 4, "left", "bottom"), (5, -4, "left", "top"), (-5, 4, "right", "bottom"),
               (-5, -4, "right", "top"), (0, 9, "center", "bottom"), (0, -9, "center", "top"),
               (12, 0, "left", "center"), (-12, 0, "right", "center"), (5, 16, "left", "bottom"),
               (-5, -16, "right", "top"), (5, -16, "left", "top"), (-5, 16, "right", "bottom"))


def declutter(fig, ax, annotations, *, candidates=LEFT_FIRST, fixed=(), points=None, own_point: bool = True,
              same_text_px: float = 0.0, pad_px: float = 2.0) -> None:
    """Move each annotation (in order: earlier ones win) to the first candidate place where it overlaps no label
    placed before it and stays inside ``ax``; if there is none it keeps its first place.

    Parameters
    ----------
    annotations : list of matplotlib.text.Annotation
        Made with ``textcoords="offset points"``.
    candidates : sequence of (dx, dy, ha, va)
        Offsets in points and alignments to try, best first.
    fixed : list of Text
        Labels already in place, to keep clear of.
    points : array of shape (n, 2), optional
        Data points (e.g. node markers) a label must not cover, except its own if ``own_point``.
    same_text_px : float
        Hide a label whose text is already shown by a label within this many pixels (the same node named twice).
    """
    if not annotations:
        return
    freeze(fig)  # positions are final from here on, so no further draw is needed to measure the labels
    frame = ax.get_window_extent()
    placed = [(t.get_text(), t.get_window_extent()) for t in fixed if t.get_visible()]
    marks = ax.transData.transform(points) if points is not None and len(points) else None

    def clear(bb, own) -> bool:
        if bb.x0 < frame.x0 or bb.x1 > frame.x1 or bb.y0 < frame.y0 or bb.y1 > frame.y1:
            return False
        if marks is not None:
            inside = ((marks[:, 0] > bb.x0 - pad_px) & (marks[:, 0] < bb.x1 + pad_px)
                      & (marks[:, 1] > bb.y0 - pad_px) & (marks[:, 1] < bb.y1 + pad_px)
                      & ~((abs(marks[:, 0] - own[0]) < 0.5) & (abs(marks[:, 1] - own[1]) < 0.5)))
            if inside.any():
                return False
        return not any(bb.x0 < p.x1 + pad_px and bb.x1 > p.x0 - pad_px and bb.y0 < p.y1 + pad_px
                       and bb.y1 > p.y0 - pad_px for _, p in placed)

    def overlap(bb) -> float:
        """Area (px^2) of ``bb`` over labels placed before, plus a large penalty for leaving the axes."""
        outside = max(0.0, frame.x0 - bb.x0) + max(0.0, bb.x1 - frame.x1) + max(0.0, frame.y0 - bb.y0) \
            + max(0.0, bb.y1 - frame.y1)
        area = sum(max(0.0, min(bb.x1, p.x1) - max(bb.x0, p.x0)) * max(0.0, min(bb.y1, p.y1) - max(bb.y0, p.y0))
                   for _, p in placed)
        return area + 1e4 * outside

    for ann in annotations:
        if same_text_px:
            xy = ax.transData.transform(ann.xy)
            if any(text == ann.get_text() and abs(p.x0 + p.width / 2 - xy[0]) < same_text_px
                   and abs((p.y0 + p.y1) / 2 - xy[1]) < same_text_px for text, p in placed):
                ann.set_visible(False)
                continue
        best = None
        own = ax.transData.transform(ann.xy) if own_point else (float("nan"), float("nan"))
        for dx, dy, ha, va in candidates:
            ann.xyann = (dx, dy)
            ann.set_horizontalalignment(ha)
            ann.set_verticalalignment(va)
            bb = ann.get_window_extent()
            if clear(bb, own):
                break
            score = overlap(bb)
            if best is None or score < best[0]:
                best = (score, dx, dy, ha, va, bb)
        else:  # no clear place: the one that covers least of the labels placed before (and stays inside)
            assert best is not None  # candidates is not empty
            _, dx, dy, ha, va, bb = best
            ann.xyann = (dx, dy)
            ann.set_horizontalalignment(ha)
            ann.set_verticalalignment(va)
        placed.append((ann.get_text(), bb))
