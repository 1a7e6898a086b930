"""Backprop's gradients against centered finite differences of an independently written J."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app import nn
from tests.nn import reference

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
ARCHITECTURES = [[2, 1], [2, 3, 2], [3, 4, 3, 2], [1, 5, 1], [4, 3, 3, 3, 1]]


def random_case(layers, n, hidden, output, loss, seed):
    rng = np.random.default_rng(seed)
    params = nn.init_params(layers, seed)
    params.biases = [rng.normal(0, 0.5, b.shape) for b in params.biases]
    x = rng.normal(0, 1, (n, layers[0]))
    y = (
        rng.uniform(0, 1, (n, layers[-1]))
        if loss == "cross_entropy"
        else rng.normal(0, 1, (n, layers[-1]))
    )
    config = nn.Config(hidden, output, loss, learning_rate=0.3)
    return params, config, x, y


CASES = [
    (layers, n, hidden, output, loss, reduction)
    for (layers, n), hidden, (output, loss), reduction in itertools.product(
        zip(ARCHITECTURES, [1, 4, 3, 7, 2], strict=True),
        ACTIVATIONS,
        [(a, "squared_error") for a in ACTIVATIONS] + [("sigmoid", "cross_entropy")],
        ["sum", "mean"],
    )
]


@pytest.mark.parametrize(("layers", "n", "hidden", "output", "loss", "reduction"), CASES)
def test_gradients_equal_finite_differences(layers, n, hidden, output, loss, reduction):
    seed = len(layers) * 100 + n
    params, config, x, y = random_case(layers, n, hidden, output, loss, seed)
    config = nn.Config(hidden, output, loss, 0.3, reduction)
    result = nn.backward(params, config, x, y)
    settings = dict(hidden=hidden, output=output, kind=loss, reduction=reduction)
    num_w, num_b = reference.finite_differences(
        [w.tolist() for w in params.weights],
        [b.tolist() for b in params.biases],
        x.tolist(),
        y.tolist(),
        **settings,
    )
    assert reference.relative_error(result.grad_weights + result.grad_biases, num_w + num_b) < 1e-7
    # the loss it reports is the reference's J
    assert result.loss == pytest.approx(
        reference.loss(params.weights, params.biases, x, y, **settings), rel=1e-12
    )
    # Δw = −η ∂J/∂w
    for dw, g in zip(result.weight_deltas, result.grad_weights, strict=True):
        np.testing.assert_allclose(dw, -0.3 * g, rtol=1e-15)


def test_delta_has_the_seeds_sign():
    """δ_r = −∂J/∂net_r: nudging net of an output unit changes J by −δ·ε."""
    params, config, x, y = random_case([2, 3, 2], 1, "sigmoid", "sigmoid", "squared_error", 7)
    result = nn.backward(params, config, x, y)
    eps = 1e-6
    for r in range(2):
        plus, minus = params.copy(), params.copy()
        plus.biases[1][r] += eps  # ∂net_r/∂b_r = 1, so this moves net_r by ε
        minus.biases[1][r] -= eps
        slope = nn.backward(plus, config, x, y).loss - nn.backward(minus, config, x, y).loss
        assert slope / (2 * eps) == pytest.approx(-result.deltas[1][0][r], rel=1e-7)
    # and the lecture notes' closed form for sigmoid with squared error
    o = result.trace.output
    np.testing.assert_allclose(result.deltas[-1], (y - o) * o * (1 - o), rtol=1e-14)


def test_hidden_delta_is_the_seeds_sum_over_the_layer_above():
    params, config, x, y = random_case([2, 3, 2], 2, "sigmoid", "sigmoid", "squared_error", 3)
    result = nn.backward(params, config, x, y)
    o_j = result.trace.activations[1]
    expected = o_j * (1 - o_j) * (result.deltas[1] @ params.weights[1])
    np.testing.assert_allclose(result.deltas[0], expected, rtol=1e-14)


@pytest.mark.parametrize("n", [1, 3, 6])
def test_batch_update_is_one_step_along_the_summed_gradient(n):
    params, config, x, y = random_case([3, 4, 2], n, "tanh", "sigmoid", "squared_error", n)
    num_w, num_b = reference.finite_differences(
        params.weights, params.biases, x, y, hidden="tanh", output="sigmoid"
    )
    result = nn.train(params, config, x, y, mode="batch", epochs=1)
    for new, old, g in zip(result.params.weights, params.weights, num_w, strict=True):
        np.testing.assert_allclose(new, old - 0.3 * g, atol=1e-9)
    for new, old, g in zip(result.params.biases, params.biases, num_b, strict=True):
        np.testing.assert_allclose(new, old - 0.3 * g, atol=1e-9)
    assert result.updates == 1


@pytest.mark.parametrize("reduction", ["sum", "mean"])
def test_online_update_steps_once_per_example_in_order(reduction):
    params, config, x, y = random_case([2, 3, 1], 4, "sigmoid", "sigmoid", "squared_error", 11)
    config = nn.Config("sigmoid", "sigmoid", "squared_error", 0.3, reduction)
    result = nn.train(params, config, x, y, mode="online", epochs=2)
    ws, bs = [w.copy() for w in params.weights], [b.copy() for b in params.biases]
    for _ in range(2):
        for i in range(4):
            gw, gb = reference.finite_differences(ws, bs, x[i : i + 1], y[i : i + 1])
            ws = [w - 0.3 * g for w, g in zip(ws, gw, strict=True)]
            bs = [b - 0.3 * g for b, g in zip(bs, gb, strict=True)]
    for got, want in zip(result.params.weights + result.params.biases, ws + bs, strict=True):
        np.testing.assert_allclose(got, want, atol=1e-8)
    assert result.updates == 8
    assert len(result.losses) == 2
    assert result.losses[-1] == pytest.approx(
        reference.loss(ws, bs, x, y, reduction=reduction), rel=1e-6
    )


def test_mean_reduction_divides_the_sum_by_n():
    params, _, x, y = random_case([2, 2, 2], 5, "sigmoid", "sigmoid", "squared_error", 5)
    total = nn.backward(params, nn.Config(reduction="sum"), x, y)
    mean = nn.backward(params, nn.Config(reduction="mean"), x, y)
    for a, b in zip(total.grad_weights, mean.grad_weights, strict=True):
        np.testing.assert_allclose(a / 5, b, rtol=1e-14)
    assert mean.loss == pytest.approx(total.loss / 5, rel=1e-14)


def test_frozen_biases_get_zero_deltas_and_do_not_move():
    params, _, x, y = random_case([2, 2, 2], 2, "sigmoid", "sigmoid", "squared_error", 2)
    config = nn.Config(train_biases=False)
    result = nn.train(params, config, x, y)
    assert all((d == 0).all() for d in result.first.bias_deltas)
    assert all((a == b).all() for a, b in zip(result.params.biases, params.biases, strict=True))
    assert any((a != b).any() for a, b in zip(result.params.weights, params.weights, strict=True))


def test_an_update_that_overflows_is_refused_and_names_the_weight():
    """net = 1e150 and J = 5e299 are finite; Δw = −η δ u = −1e60 · 1e150 · 1e100 is not."""
    params = nn.Params([np.array([[1e50]])], [np.array([0.0])])
    config = nn.Config(output_activation="linear", learning_rate=1e60)
    x, y = np.array([[1e100]]), np.array([[0.0]])
    with pytest.raises(nn.NonFiniteUpdate) as error:
        nn.train(params, config, x, y)
    assert error.value.where == "weights[0][0][0]"
    assert params.weights[0][0, 0] == 1e50  # untouched
    with pytest.raises(nn.NonFinite) as error:
        nn.backward(params, config, x, y)
    assert error.value.where == "weight_deltas[0][0][0]"


@pytest.mark.parametrize(("w", "x", "where"), [(1e300, 1e10, "net[0][0][0]"), (1e160, 1.0, "loss")])
def test_values_that_overflow_are_refused_not_reported(w, x, where):
    params = nn.Params([np.array([[w]])], [np.array([0.0])])
    config = nn.Config(output_activation="linear")
    with pytest.raises(nn.NonFinite) as error:
        nn.backward(params, config, np.array([[x]]), np.array([[0.0]]))
    assert error.value.where == where


def test_saturated_units_stay_finite():
    """|net| = 1000 saturates σ; cross-entropy of a saturated wrong answer is large, not inf."""
    params = nn.Params([np.array([[1000.0]])], [np.array([0.0])])
    x, y = np.array([[1.0], [-1.0]]), np.array([[0.0], [1.0]])
    ce = nn.backward(params, nn.Config(loss="cross_entropy"), x, y)
    assert ce.loss == pytest.approx(2000.0)  # −ln σ(−1000) ≈ 1000, twice
    np.testing.assert_allclose(ce.deltas[0], [[-1.0], [1.0]])
    se = nn.backward(params, nn.Config(), x, y)
    assert np.isfinite(se.loss) and (se.deltas[0] == 0).all()


def test_same_seed_same_network_and_other_seed_another():
    a, b, c = (
        nn.init_params([3, 5, 2], 42),
        nn.init_params([3, 5, 2], 42),
        nn.init_params([3, 5, 2], 43),
    )
    assert all((p == q).all() for p, q in zip(a.weights, b.weights, strict=True))
    assert any((p != q).any() for p, q in zip(a.weights, c.weights, strict=True))


def test_numerical_gradients_helper_agrees_with_the_reference():
    params, config, x, y = random_case([2, 3, 2], 3, "sigmoid", "sigmoid", "squared_error", 9)
    num_w, num_b = nn.numerical_gradients(params, config, x, y)
    ref_w, ref_b = reference.finite_differences(params.weights, params.biases, x, y)
    assert reference.relative_error(num_w + num_b, ref_w + ref_b) < 1e-7
