"""The basemap tool's geometry (corridor.tools._geometry), on shapes worked by hand."""
import numpy as np

from corridor.tools._geometry import clip_line, clip_polygon, douglas_peucker, label_anchor, signed_area


def test_douglas_peucker_drops_points_within_the_tolerance_and_keeps_the_ends():
    line = np.array([[0.0, 0.0], [1.0, 0.05], [2.0, -0.05], [3.0, 0.0]])
    assert np.array_equal(douglas_peucker(line, 0.1), line[[0, 3]])
    # a vertex 1.0 off the chord survives a tolerance of 0.5
    bent = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 0.0]])
    assert np.array_equal(douglas_peucker(bent, 0.5), bent)


def test_clip_polygon_to_a_box_gives_the_overlap_with_its_area():
    square = np.array([[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]])
    clipped = clip_polygon(square, (1.0, 1.0, 3.0, 3.0))
    assert abs(signed_area(clipped)) == 1.0  # the unit square [1,2] x [1,2]
    assert signed_area(square) == 4.0  # counter-clockwise is positive


def test_clip_line_keeps_only_the_inside_piece():
    (piece,) = clip_line(np.array([[-1.0, 0.5], [2.0, 0.5]]), (0.0, 0.0, 1.0, 1.0))
    assert np.allclose(piece, [[0.0, 0.5], [1.0, 0.5]])


def test_label_anchor_of_a_square_is_near_its_centre():
    square = np.array([[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]])
    x, y = label_anchor([square], step=0.5)
    assert abs(x - 2.0) <= 0.5 and abs(y - 2.0) <= 0.5
