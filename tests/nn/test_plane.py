"""The input plane's grid: the page's points, and o of every unit there as forward() gives it."""

from __future__ import annotations

import numpy as np
import pytest

from app import nn


def page_points(bounds, n):
    """The page's grid (static/js/charts.js, gridInputs), written out point by point."""
    (a_lo, a_hi), (b_lo, b_hi) = bounds
    points = []
    for row in range(n):
        for col in range(n):
            points.append(
                [a_lo + ((a_hi - a_lo) * col) / (n - 1), b_hi - ((b_hi - b_lo) * row) / (n - 1)]
            )
    return points


@pytest.mark.parametrize(
    ("bounds", "n"),
    [
        (((-1.2, 1.2), (-1.2, 1.2)), 25),
        (((-0.1, 1.1), (-0.3, 0.7)), 50),
        (((0.0, 1.0), (2.0, 3.0)), 2),
    ],
)
def test_the_points_are_the_pages_to_the_bit(bounds, n):
    points = nn.plane(bounds, n)
    assert points.shape == (n * n, 2)
    assert points.tolist() == page_points(bounds, n)
    (a_lo, a_hi), (b_lo, b_hi) = bounds
    assert points[0].tolist() == [a_lo, b_hi]  # top left
    np.testing.assert_allclose(points[-1], [a_hi, b_lo], rtol=1e-15, atol=1e-15)  # bottom right


def test_a_grid_is_forward_at_its_points():
    params = nn.init_params([2, 5, 3, 2], 4)
    config = nn.Config("tanh", "sigmoid")
    bounds = ((-1.2, 1.2), (-0.5, 2.0))
    found = nn.grid(params, config, bounds, 7, hidden=True)
    trace = nn.forward(params, config, np.array(page_points(bounds, 7)))
    assert found.output.tobytes() == trace.output.tobytes()
    assert found.output.shape == (49, 2)
    assert found.hidden is not None and len(found.hidden) == 2
    for mine, theirs in zip(found.hidden, trace.activations[1:-1], strict=True):
        assert mine.tobytes() == theirs.tobytes()
    assert nn.grid(params, config, bounds, 7).hidden is None


def test_a_grid_refuses_what_forward_refuses():
    params = nn.Params([np.array([[1e300, 0.0]])], [np.array([0.0])])
    with pytest.raises(nn.NonFinite) as error:
        nn.grid(params, nn.Config(), ((0.0, 1e10), (0.0, 1.0)), 3)
    assert error.value.where == "net[0][1][0]"  # the first point past 1.8e308 / 1e300
    with pytest.raises(ValueError, match="2 points"):
        nn.grid(params, nn.Config(), ((0.0, 1.0), (0.0, 1.0)), 1)
