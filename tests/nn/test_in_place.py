"""The engine's fast paths: a finiteness check by sums, arrays reused from epoch to epoch, the
arrays of large passes carved from one block, and activations written into given arrays. Each
must give what the plain computation gives."""

from __future__ import annotations

from decimal import Decimal, localcontext

import numpy as np
import pytest

from app import nn
from app.nn import network
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


@pytest.fixture(params=["arrays of their own", "one block"])
def arrays(request, monkeypatch):
    """Run a test on both of the engine's ways to hold a pass: below BLOCK_FROM, each pass
    makes its own arrays; above it, they are carved from one block (network._blank)."""
    if request.param == "one block":
        monkeypatch.setattr(network, "BLOCK_FROM", 1)
    return request.param


def case(seed: int, n: int, hidden: str = "sigmoid"):
    rng = np.random.default_rng(seed)
    params = nn.init_params([3, 5, 4, 2], seed)
    params.biases = [rng.normal(0, 0.5, b.shape) for b in params.biases]
    x, y = rng.normal(0, 1, (n, 3)), rng.uniform(0, 1, (n, 2))
    return params, nn.Config(hidden, "sigmoid", learning_rate=0.7), x, y


@pytest.mark.parametrize("hidden", ACTIVATIONS)
def test_many_epochs_equal_as_many_single_steps_exactly(hidden, arrays):
    """train() reuses one set of arrays from the second epoch on; each epoch must still be
    exactly backward() then apply() from the network the last one left."""
    params, config, x, y = case(1, 6, hidden)
    before = params.copy()
    result = nn.train(params, config, x, y, epochs=4)
    current, losses = params, []
    for epoch in range(4):
        step = nn.backward(current, config, x, y)
        if epoch == 0:
            first = step
        current = nn.apply(current, step)
        losses.append(nn.loss(config, nn.forward(current, config, x), y))
    for got, want in zip(
        result.params.weights + result.params.biases, current.weights + current.biases, strict=True
    ):
        np.testing.assert_array_equal(got, want)
    assert result.losses == losses
    # the first pass is reported as it was, not overwritten by later epochs
    assert result.first.loss == first.loss
    for got, want in zip(
        result.first.deltas + result.first.grad_weights + result.first.weight_deltas,
        first.deltas + first.grad_weights + first.weight_deltas,
        strict=True,
    ):
        np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(result.first.trace.output, first.trace.output)
    # and the caller's network is untouched
    for a, b in zip(params.weights + params.biases, before.weights + before.biases, strict=True):
        np.testing.assert_array_equal(a, b)


def test_online_epochs_equal_single_example_steps_exactly(arrays):
    params, config, x, y = case(2, 3)
    result = nn.train(params, config, x, y, mode="online", epochs=2)
    current = params
    for _ in range(2):
        for i in range(3):
            step = nn.backward(current, config, x[i : i + 1], y[i : i + 1])
            current = nn.apply(current, step)
    for got, want in zip(
        result.params.weights + result.params.biases, current.weights + current.biases, strict=True
    ):
        np.testing.assert_array_equal(got, want)
    first = nn.backward(params, config, x[:1], y[:1])
    for got, want in zip(result.first.deltas, first.deltas, strict=True):
        np.testing.assert_array_equal(got, want)


def passes(result: nn.Backward) -> list[np.ndarray]:
    """Every array a pass reports, in the order the API writes them."""
    return [
        *result.trace.net,
        *result.trace.activations,
        *result.deltas,
        *result.grad_weights,
        *result.grad_biases,
        *result.weight_deltas,
        *result.bias_deltas,
    ]


@pytest.mark.parametrize("mode", ["batch", "online"])
def test_a_large_batch_in_one_block_gives_what_arrays_of_their_own_give(mode, monkeypatch):
    """At the real threshold: 3,400 examples × 5 units is above BLOCK_FROM, so train(),
    forward() and backward() carve their arrays from one block; with the threshold out of
    reach, the same calls make their own. The numbers must agree to the bit, the first pass
    included (later passes must not have written into it)."""
    params, config, x, y = case(4, 3400)
    assert len(x) * 5 >= network.BLOCK_FROM
    runs = []
    for block_from in (network.BLOCK_FROM, 10**12):
        monkeypatch.setattr(network, "BLOCK_FROM", block_from)
        runs.append(
            (
                nn.train(params, config, x, y, mode=mode, epochs=2),
                nn.backward(params, config, x, y),
                nn.forward(params, config, x),
            )
        )
    (trained, backward, forward), (trained_own, backward_own, forward_own) = runs
    assert trained.losses == trained_own.losses
    got = [*trained.params.weights, *trained.params.biases, *passes(trained.first)]
    want = [*trained_own.params.weights, *trained_own.params.biases, *passes(trained_own.first)]
    got += [*passes(backward), *forward.net, *forward.activations]
    want += [*passes(backward_own), *forward_own.net, *forward_own.activations]
    assert len(got) == len(want)
    for a, b in zip(got, want, strict=True):
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_activations_write_into_a_given_array_what_they_return_new(name):
    f = nn.ACTIVATIONS[name]
    net = np.random.default_rng(3).normal(0, 5, (4, 3))
    net[0, :3] = [0.0, -0.0, 800.0]
    o = f.f(net)
    d = f.derivative(net, o)
    into_o, into_d = np.full_like(net, np.nan), np.full_like(net, np.nan)
    assert f.f(net, into_o) is into_o
    assert f.derivative(net, o, into_d) is into_d
    np.testing.assert_array_equal(into_o, o)
    np.testing.assert_array_equal(into_d, d)


def test_sigmoid_is_correctly_rounded_to_an_ulp_without_overflow_down_to_subnormals():
    """σ is e^net / (1 + e^net) below 0: no overflow, and values down to the subnormals
    (σ(−720) ≈ 2e−313) rather than 0."""
    net = np.array([-744.0, -720.0, -709.5, -40.0, -3.0, -1e-300, -0.0, 0.0, 0.5, 3.0, 36.0, 800.0])
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # not even on the way
        o = nn.ACTIVATIONS["sigmoid"].f(net)
    with localcontext() as context:
        context.prec = 60
        exact = np.array([float(1 / (1 + (-Decimal(v)).exp())) for v in net])
    assert (np.abs(o - exact) <= np.spacing(exact)).all(), (o, exact)
    assert o[0] > 0.0 and o[1] > 0.0
