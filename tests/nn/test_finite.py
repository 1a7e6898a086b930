"""The finiteness checks name the first entry that is not finite, and refuse nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from app import nn
from app.nn.network import check_finite

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]


def test_a_sum_that_overflows_from_finite_values_is_looked_at_entry_by_entry():
    """1e308 + 1e308 overflows, though both are finite: not a refusal. The check then still
    names the first entry that really is not finite, in a later array or in the same one."""
    huge = np.array([[1e308, 1e308], [1e308, 1e308]])
    with np.errstate(all="ignore"):
        assert not np.isfinite(huge.sum())
        check_finite("net", [huge, np.ones(3)])  # no refusal
        with pytest.raises(nn.NonFinite) as error:
            check_finite("net", [huge, np.array([[1.0, 2.0], [3.0, np.inf]])])
        assert error.value.where == "net[1][1][1]"
        for bad in (np.inf, -np.inf, np.nan):  # inf + −inf is NaN: still a non-finite sum
            with pytest.raises(nn.NonFinite) as error:
                check_finite("weights", [np.array([[1e308, 1e308, bad, 1.0]])])
            assert error.value.where == "weights[0][0][2]"


def test_finite_nets_whose_sum_overflows_pass_the_forward_check():
    params = nn.Params([np.array([[1e308], [1e308]])], [np.zeros(2)])
    config = nn.Config(output_activation="linear")
    trace = nn.forward(params, config, np.array([[1.0]]))
    np.testing.assert_array_equal(trace.net[0], [[1e308, 1e308]])
    with pytest.raises(nn.NonFinite) as error:  # J = ½ (2 · 1e616) does overflow
        nn.backward(params, config, np.array([[1.0]]), np.array([[0.0, 0.0]]))
    assert error.value.where == "loss"
