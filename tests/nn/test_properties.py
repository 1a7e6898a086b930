"""Property-based tests of the engine (hypothesis): random shapes, activations, losses and
values. Gradients equal finite differences; extreme but valid inputs (values up to
max_abs_value, saturated sigmoids, outputs that round to 0 or 1 under cross-entropy) give
finite, correct numbers or a clear NonFiniteUpdate — never NaN."""

from __future__ import annotations

import itertools
from typing import Any

import numpy as np
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from app import nn
from app.config import LIMITS

ACTIVATIONS = ["sigmoid", "tanh", "relu", "linear"]
BOUNDED = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)


@st.composite
def cases(draw: Any, magnitude: float = 2.0) -> tuple[nn.Params, nn.Config, Any, Any]:
    layers = draw(st.lists(st.integers(1, 4), min_size=2, max_size=4))
    n = draw(st.integers(1, 4))
    hidden = draw(st.sampled_from(ACTIVATIONS))
    loss = draw(st.sampled_from(["squared_error", "cross_entropy"]))
    output = "sigmoid" if loss == "cross_entropy" else draw(st.sampled_from(ACTIVATIONS))
    config = nn.Config(
        hidden_activation=hidden,
        output_activation=output,
        loss=loss,
        learning_rate=draw(st.floats(1e-3, 10.0)),
        reduction=draw(st.sampled_from(["sum", "mean"])),
        train_biases=draw(st.booleans()),
    )
    values = st.floats(-magnitude, magnitude, allow_nan=False, width=64)
    weights = [
        draw(arrays(np.float64, (n_out, n_in), elements=values))
        for n_in, n_out in itertools.pairwise(layers)
    ]
    biases = [draw(arrays(np.float64, (n_out,), elements=values)) for n_out in layers[1:]]
    x = draw(arrays(np.float64, (n, layers[0]), elements=values))
    if loss == "cross_entropy":
        y = draw(arrays(np.float64, (n, layers[-1]), elements=st.floats(0.0, 1.0)))
    else:
        y = draw(arrays(np.float64, (n, layers[-1]), elements=values))
    return nn.Params(weights, biases), config, x, y


def all_finite(arrays_: list[Any]) -> bool:
    return all(np.isfinite(a).all() for a in arrays_)


@BOUNDED
@given(cases())
def test_gradients_equal_centered_finite_differences(case: Any) -> None:
    params, config, x, y = case
    trace = nn.forward(params, config, x)
    # relu's derivative jumps at net = 0; a difference quotient across the kink is not a
    # derivative, so keep every net clear of it by more than the step.
    if "relu" in (config.hidden_activation, config.output_activation):
        assume(all(np.abs(net).min() > 1e-3 for net in trace.net))
    result = nn.backward(params, config, x, y)
    num_w, num_b = nn.numerical_gradients(params, config, x, y, epsilon=1e-6)
    for exact, approx in zip(
        [*result.grad_weights, *result.grad_biases], [*num_w, *num_b], strict=True
    ):
        scale = max(1.0, float(np.abs(exact).max()))
        np.testing.assert_allclose(exact, approx, rtol=1e-5, atol=1e-6 * scale)


@BOUNDED
@given(cases(magnitude=LIMITS.max_abs_value))
def test_extreme_valid_inputs_give_finite_numbers(case: Any) -> None:
    """Values anywhere in ±max_abs_value: everything reported is finite, never NaN."""
    params, config, x, y = case
    result = nn.backward(params, config, x, y)
    assert np.isfinite(result.loss)
    assert all_finite(result.trace.net + result.trace.activations + result.deltas)
    assert all_finite(result.grad_weights + result.grad_biases)
    assert all_finite(result.weight_deltas + result.bias_deltas)


@BOUNDED
@given(cases(magnitude=LIMITS.max_abs_value), st.sampled_from(["batch", "online"]))
def test_training_either_stays_finite_or_refuses_clearly(case: Any, mode: str) -> None:
    params, config, x, y = case
    before = params.copy()
    try:
        result = nn.train(params, config, x, y, mode=mode, epochs=3)
    except nn.NonFinite as refusal:
        assert refusal.where.startswith(("weights[", "biases[", "net[", "loss", "deltas["))
        # the caller's parameters are untouched
        for a, b in zip(
            before.weights + before.biases, params.weights + params.biases, strict=True
        ):
            np.testing.assert_array_equal(a, b)
        return
    assert all_finite(result.params.weights + result.params.biases)
    assert not any(np.isnan(v) for v in result.losses)


def test_an_update_whose_loss_overflows_is_refused() -> None:
    params = nn.Params([np.array([[0.0]]), np.array([[1.0]])], [np.array([1.0]), np.array([0.0])])
    config = nn.Config("linear", "relu", "squared_error", learning_rate=1.0, train_biases=False)
    x, y = np.array([[83.0]]), np.array([[617490.0]])
    try:
        nn.train(params, config, x, y, epochs=3)
    except nn.NonFinite as refusal:
        assert refusal.where in ("loss", "net[1][0][0]") or refusal.where.startswith("weights")
        return
    raise AssertionError("an overflowing J was reported instead of refused")


@BOUNDED
@given(st.floats(30.0, LIMITS.max_abs_value), st.sampled_from([0.0, 1.0]))
def test_cross_entropy_at_saturated_outputs_is_finite_and_exact(net: float, target: float) -> None:
    """o = σ(net) rounds to exactly 1.0 for net > 37, so ln(1 − o) would be ln 0 = −∞.
    The engine works from net: J = ln(1 + e^net) ≈ net when the target is 0 (and ≈ 0 when
    it is 1), and δ = y − o stays finite."""
    params = nn.Params([np.array([[1.0]])], [np.array([0.0])])
    config = nn.Config(loss="cross_entropy")
    x, y = np.array([[net]]), np.array([[target]])
    result = nn.backward(params, config, x, y)
    expected = np.logaddexp(0.0, net) if target == 0.0 else np.logaddexp(0.0, -net)
    assert np.isfinite(result.loss)
    np.testing.assert_allclose(result.loss, expected, rtol=1e-12, atol=1e-300)
    assert np.isfinite(result.deltas[0]).all()
    np.testing.assert_allclose(result.deltas[0], [[target - 1.0]], atol=1e-12)


@BOUNDED
@given(st.floats(-LIMITS.max_abs_value, LIMITS.max_abs_value), st.sampled_from(ACTIVATIONS))
def test_activations_and_derivatives_are_finite_and_in_range(net: float, name: str) -> None:
    f = nn.ACTIVATIONS[name]
    value = np.array([net])
    o = f.f(value)
    d = f.derivative(value, o)
    assert np.isfinite(o).all() and np.isfinite(d).all()
    if name == "sigmoid":
        assert 0.0 <= o[0] <= 1.0 and 0.0 <= d[0] <= 0.25
    if name == "tanh":
        assert -1.0 <= o[0] <= 1.0 and 0.0 <= d[0] <= 1.0
