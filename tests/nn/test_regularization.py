"""The L2 term J = Σ_i J_i + (λ/2) Σ w²: against finite differences of an independently
written J, and against a case worked out by hand."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from app import nn
from tests.nn import reference

CASES = list(
    itertools.product(
        [[2, 1], [2, 3, 2], [3, 4, 3, 1]],
        [
            ("sigmoid", "sigmoid", "squared_error"),
            ("tanh", "linear", "squared_error"),
            ("relu", "sigmoid", "cross_entropy"),
        ],
        ["sum", "mean"],
        [0.01, 0.7],
    )
)


@pytest.mark.parametrize(("layers", "acts", "reduction", "l2"), CASES)
def test_l2_gradients_equal_finite_differences(layers, acts, reduction, l2):
    hidden, output, loss = acts
    rng = np.random.default_rng(len(layers) * 10 + int(l2 * 100))
    params = nn.init_params(layers, 3)
    params.biases = [rng.normal(0, 0.5, b.shape) for b in params.biases]
    x = rng.normal(0, 1, (5, layers[0]))
    y = rng.uniform(0, 1, (5, layers[-1]))
    config = nn.Config(hidden, output, loss, 0.3, reduction, l2=l2)
    result = nn.backward(params, config, x, y)
    settings = dict(hidden=hidden, output=output, kind=loss, reduction=reduction)
    args = ([w.tolist() for w in params.weights], [b.tolist() for b in params.biases])
    num_w, num_b = reference.finite_differences(*args, x.tolist(), y.tolist(), l2=l2, **settings)
    assert reference.relative_error(result.grad_weights, num_w) < 1e-7
    assert reference.relative_error(result.grad_biases, num_b) < 1e-7
    # the parts: the data part is the gradient without the term, the penalty part λ w
    plain = nn.backward(params, nn.Config(hidden, output, loss, 0.3, reduction), x, y)
    for data, no_l2 in zip(result.grad_weights_data, plain.grad_weights, strict=True):
        np.testing.assert_allclose(data, no_l2, rtol=1e-14)
    for part, w in zip(result.grad_weights_penalty, params.weights, strict=True):
        np.testing.assert_allclose(part, l2 * w, rtol=1e-15)
    # δ is unchanged by the term, and J is the reference's J with the term
    for d, d0 in zip(result.deltas, plain.deltas, strict=True):
        np.testing.assert_array_equal(d, d0)
    assert result.loss == pytest.approx(reference.loss(*args, x, y, l2=l2, **settings), rel=1e-12)
    # the engine's own finite differences see the term too (the API's gradient check)
    engine_w, _ = nn.numerical_gradients(params, config, x, y)
    assert reference.relative_error(result.grad_weights, engine_w) < 1e-7


def test_a_case_worked_out_by_hand():
    """One linear unit, w = 2, b = 0.5, x = 1, y = 0, λ = 0.1, η = 0.5:
    net = o = 2.5, J_1 = ½ (0 − 2.5)² = 3.125, (λ/2) w² = 0.05 · 4 = 0.2, J = 3.325;
    δ = (y − o) · 1 = −2.5; ∂J/∂w = −δ u + λ w = 2.5 + 0.2 = 2.7; ∂J/∂b = −δ = 2.5;
    w ← 2 − 0.5 · 2.7 = 0.65; b ← 0.5 − 0.5 · 2.5 = −0.75."""
    params = nn.Params([np.array([[2.0]])], [np.array([0.5])])
    config = nn.Config("linear", "linear", "squared_error", 0.5, l2=0.1)
    x, y = np.array([[1.0]]), np.array([[0.0]])
    result = nn.backward(params, config, x, y)
    assert result.data_loss == pytest.approx(3.125, abs=1e-15)
    assert result.penalty == pytest.approx(0.2, abs=1e-15)
    assert result.loss == pytest.approx(3.325, abs=1e-15)
    assert result.deltas[0][0][0] == pytest.approx(-2.5, abs=1e-15)
    assert result.grad_weights_data[0][0][0] == pytest.approx(2.5, abs=1e-15)
    assert result.grad_weights_penalty[0][0][0] == pytest.approx(0.2, abs=1e-15)
    assert result.grad_weights[0][0][0] == pytest.approx(2.7, abs=1e-15)
    assert result.grad_biases[0][0] == pytest.approx(2.5, abs=1e-15)
    after = nn.apply(params, result)
    assert after.weights[0][0][0] == pytest.approx(0.65, abs=1e-15)
    assert after.biases[0][0] == pytest.approx(-0.75, abs=1e-15)


def test_lambda_zero_changes_nothing():
    params = nn.init_params([2, 3, 1], 5)
    x = np.array([[0.0, 1.0], [1.0, 0.0]])
    y = np.array([[1.0], [0.0]])
    with_zero = nn.backward(params, nn.Config(l2=0.0), x, y)
    assert with_zero.penalty == 0.0
    assert all(not p.any() for p in with_zero.grad_weights_penalty)
    for total, data in zip(with_zero.grad_weights, with_zero.grad_weights_data, strict=True):
        np.testing.assert_array_equal(total, data)


def test_test_losses_are_j_of_the_held_out_examples_after_each_epoch():
    params = nn.init_params([2, 2, 1], 1)
    config = nn.Config(learning_rate=2.0, l2=0.01)
    x = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0]])
    y = np.array([[0.0], [1.0], [1.0]])
    tx, ty = np.array([[1.0, 1.0]]), np.array([[0.0]])
    result = nn.train(params, config, x, y, epochs=3, test=(tx, ty))
    assert len(result.test_losses) == 3
    # the last one is J of the test example under the final weights, penalty included
    final = result.params
    expected = reference.loss(
        [w.tolist() for w in final.weights], [b.tolist() for b in final.biases], tx, ty, l2=0.01
    )
    assert result.test_losses[-1] == pytest.approx(expected, rel=1e-12)
    # and training never saw it: the same run without a test set gives the same weights
    alone = nn.train(params, config, x, y, epochs=3)
    for a, b in zip(alone.params.weights, final.weights, strict=True):
        np.testing.assert_array_equal(a, b)
