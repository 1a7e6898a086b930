"""The finiteness checks name the first entry that is not finite, and refuse nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from app import nn
from app.nn.network import _descend, _forward, check_finite

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


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
def test_a_weight_that_is_not_finite_stays_so_through_every_later_update(bad):
    """Why train() checks the weights once, at the end: w + Δw is ±∞ or NaN when w is ±∞ and
    NaN when w is NaN, whatever Δw is (frozen biases get Δb = 0 and stay as they are)."""
    rng = np.random.default_rng(7)
    for _ in range(100):
        layers = [int(n) for n in rng.integers(1, 5, size=rng.integers(2, 5))]
        loss = str(rng.choice(["squared_error", "cross_entropy"]))
        config = nn.Config(
            str(rng.choice(ACTIVATIONS)),
            "sigmoid" if loss == "cross_entropy" else str(rng.choice(ACTIVATIONS)),
            loss,
            float(rng.choice([0.1, 2.0])),
            str(rng.choice(["sum", "mean"])),
            bool(rng.integers(2)),
            float(rng.choice([0.0, 0.1])),
        )
        params = nn.init_params(layers, int(rng.integers(1000)))
        arrays = params.weights + params.biases
        k = int(rng.integers(len(arrays)))
        index = tuple(int(rng.integers(s)) for s in arrays[k].shape)
        arrays[k][index] = bad
        x = rng.normal(0, 1, (3, layers[0]))
        y = rng.uniform(0, 1, (3, layers[-1]))
        with np.errstate(all="ignore"):
            for _ in range(5):
                params = _descend(params, config, y, _forward(params, config, x))
                assert not np.isfinite((params.weights + params.biases)[k][index])


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_the_refusal_names_the_weight_that_overflowed_first_not_the_last_state(mode):
    """One linear unit feeding another, frozen biases, y = 0, so δ_2 = −o and δ_1 = −o w_2.
    batch: w_1 = 1e155, w_2 = 1e-315, x = 1, η = 1000. Epoch 1: o = 1e-160, Δw_2 = −η o u =
    −1e3 · 1e-160 · 1e155 = −0.01, so w_2 = −0.01 (J after it ½ (1e153)², finite); epoch 2:
    Δw_2 = −1e3 · 1e153 · 1e155 overflows: weights[1][0][0].
    online: w_1 = 1e100, w_2 = 1e-150, η = 1, examples x = 0 then x = 1e150. The first changes
    nothing (u = 0, o = 0); the second: o_1 = 1e250, o = 1e100, Δw_2 = −1e100 · 1e250 = −∞
    (weights[1][0][0]) while Δw_1 = −1e100 · 1e-150 · 1e150 takes w_1 to 0. Left unchecked,
    the next update makes w_1 NaN (o = −∞ · 0), so the weights at the end would name
    weights[0][0][0]: the name comes from the update where the first weight overflowed."""
    frozen = [np.zeros(1), np.zeros(1)]
    if mode == "batch":
        params = nn.Params([np.array([[1e155]]), np.array([[1e-315]])], frozen)
        config = nn.Config("linear", "linear", learning_rate=1000.0, train_biases=False)
        x, y = np.array([[1.0]]), np.array([[0.0]])
    else:
        params = nn.Params([np.array([[1e100]]), np.array([[1e-150]])], frozen)
        config = nn.Config("linear", "linear", learning_rate=1.0, train_biases=False)
        x, y = np.array([[0.0], [1e150]]), np.array([[0.0], [0.0]])
        with np.errstate(all="ignore"):
            state = params
            for i in (0, 1, 0):
                state = _descend(state, config, y[i : i + 1], _forward(state, config, x[i : i + 1]))
        assert np.isnan(state.weights[0][0, 0]) and not np.isfinite(state.weights[1][0, 0])
    before = params.copy()
    with pytest.raises(nn.NonFiniteUpdate) as error:
        nn.train(params, config, x, y, mode=mode, epochs=5)
    assert error.value.where == "weights[1][0][0]"
    assert [w.tobytes() for w in params.weights] == [w.tobytes() for w in before.weights]
