"""A multilayer perceptron trained by backpropagation, in the lecture notes' notation.

Layers 0..L, layer 0 the inputs. ``weights[k]`` has shape (n_{k+1}, n_k): row r is the weight
vector w_r of unit r of layer k+1 over its inputs u_r, the outputs of layer k. A bias b_r is a
weight on a constant input 1.

    forward:   net_r = Σ_q w_rq u_rq + b_r,   o_r = f(net_r)
    output δ:  δ_l = −∂J_i/∂o_l · f'(net_l)   (sigmoid + squared error: (y_l − o_l) o_l (1 − o_l))
    hidden δ:  δ_j = f'(net_j) Σ_l w_lj δ_l    (with the weights before the update)
    gradient:  ∂J/∂w_rq = −Σ_i δ_r u_rq        (divided by N when reduction is 'mean')
    update:    Δw = −η ∂J/∂w,  w ← w + Δw      (every weight at once)

An optional L2 term adds (λ/2) Σ w² over the weights (not the biases) to J:

    J = Σ_i J_i + (λ/2) Σ w²    ∂J/∂w_rq = −Σ_i δ_r u_rq + λ w_rq    (δ itself is unchanged)

With reduction 'mean' the data part is (1/N) Σ_i J_i and the penalty stays (λ/2) Σ w².

Left out on purpose: momentum, softmax. Everything is float64.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from app.nn.activations import ACTIVATIONS, Array
from app.nn.losses import output_delta, total_loss


class NonFinite(ValueError):
    """A value overflowed float64 (it would be NaN or infinite); `where` names it, as the JSON
    does ("net[1][0][2]", "loss"). Nothing is changed: the caller gets a refusal, never NaN."""

    def __init__(self, where: str) -> None:
        super().__init__(where)
        self.where = where


class NonFiniteUpdate(NonFinite):
    """An update would make a weight NaN or infinite; the network is left as it was."""


def check_finite(name: str, arrays: list[Array], error: type[NonFinite] = NonFinite) -> None:
    """Raise `error` naming the first non-finite entry, e.g. weights[1][0][2]. A finite sum
    proves every entry finite (an inf or NaN makes the sum inf or NaN) in one pass; only a
    sum that is not finite is looked at entry by entry (finite entries can overflow it).
    Call it under np.errstate(all="ignore")."""
    for k, a in enumerate(arrays):
        if math.isfinite(np.add.reduce(a, axis=None)):
            continue
        bad = np.argwhere(~np.isfinite(a))
        if len(bad):
            raise error(f"{name}[{k}]" + "".join(f"[{int(i)}]" for i in bad[0]))


@dataclass(frozen=True)
class Config:
    hidden_activation: str = "sigmoid"
    output_activation: str = "sigmoid"
    loss: str = "squared_error"
    learning_rate: float = 0.5
    reduction: str = "sum"
    train_biases: bool = True
    l2: float = 0.0
    """λ of the L2 term (λ/2) Σ w²; 0 leaves it out."""

    def activation(self, k: int, depth: int) -> str:
        """The activation of layer k (1..depth)."""
        return self.output_activation if k == depth else self.hidden_activation


@dataclass
class Params:
    weights: list[Array]
    biases: list[Array]

    @property
    def layers(self) -> list[int]:
        return [self.weights[0].shape[1], *(w.shape[0] for w in self.weights)]

    def copy(self) -> Params:
        """New float64 arrays of the same values."""
        f = np.float64
        return Params([w.astype(f) for w in self.weights], [b.astype(f) for b in self.biases])


@dataclass
class Trace:
    """What the forward pass computed: net[k-1] and activations[k] are layer k's, (N, n_k)."""

    net: list[Array]
    activations: list[Array]

    @property
    def output(self) -> Array:
        return self.activations[-1]


@dataclass
class Backward:
    trace: Trace
    deltas: list[Array]
    """deltas[k-1]: δ of layer k for every example, (N, n_k)."""
    grad_weights: list[Array]
    """∂J/∂w, the total the update uses: grad_weights_data + grad_weights_penalty."""
    grad_biases: list[Array]
    weight_deltas: list[Array]
    bias_deltas: list[Array]
    loss: float
    """J: data_loss + penalty."""
    grad_weights_data: list[Array]
    """The data part of ∂J/∂w: −Σ_i δ_r u_rq (or its mean)."""
    grad_weights_penalty: list[Array]
    """The L2 part of ∂J/∂w: λ w (zeros when λ = 0)."""
    data_loss: float
    """Σ_i J_i (or its mean)."""
    penalty: float
    """(λ/2) Σ w² over the weights."""


@dataclass
class TrainResult:
    first: Backward
    """The backward pass that produced the first update."""
    params: Params
    losses: list[float] = field(default_factory=list)
    updates: int = 0
    test_losses: list[float] = field(default_factory=list)
    """J of the test examples after each epoch (when train() was given some)."""


def init_params(layers: list[int], seed: int) -> Params:
    """Glorot-uniform weights from a seeded generator, zero biases: same seed, same network."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(layers):
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights.append(rng.uniform(-limit, limit, size=(n_out, n_in)))
        biases.append(np.zeros(n_out))
    return Params(weights, biases)


class Stopped(Exception):
    """train() was asked to stop (its `stop` returned True) before it finished."""


def forward(params: Params, config: Config, x: Array) -> Trace:
    """net_r = Σ_q w_rq u_rq + b_r and o_r = f(net_r), layer by layer, for every example."""
    with np.errstate(all="ignore"):
        trace = _forward(params, config, x)
        check_finite("net", trace.net)  # finite net gives finite o for every activation here
    return trace


def _forward(params: Params, config: Config, x: Array) -> Trace:
    depth = len(params.weights)
    nets: list[Array] = []
    activations = [x]
    u = x
    for k, (w, b) in enumerate(zip(params.weights, params.biases, strict=True), start=1):
        net: Array = u @ w.T + b
        u = ACTIVATIONS[config.activation(k, depth)].f(net)
        nets.append(net)
        activations.append(u)
    return Trace(nets, activations)


def loss(config: Config, trace: Trace, y: Array) -> float:
    """The data part of J over the batch: Σ_i J_i, or its mean."""
    with np.errstate(all="ignore"):
        total = total_loss(config.loss, y, trace.output, trace.net[-1])
    if not math.isfinite(total):
        raise NonFinite("loss")
    return total / len(y) if config.reduction == "mean" else total


def penalty(params: Params, config: Config) -> float:
    """The L2 term (λ/2) Σ w², over every weight and no bias; 0 when λ = 0."""
    if config.l2 == 0:
        return 0.0
    with np.errstate(all="ignore"):
        total = 0.5 * config.l2 * sum(float(np.sum(w * w)) for w in params.weights)
    if not math.isfinite(total):
        raise NonFinite("loss")
    return total


def objective(params: Params, config: Config, trace: Trace, y: Array) -> float:
    """J = Σ_i J_i (or its mean) + (λ/2) Σ w²: what gradient descent makes smaller.
    `trace` is the forward pass of `params` on the batch whose targets are `y`."""
    return loss(config, trace, y) + penalty(params, config)


def backward(params: Params, config: Config, x: Array, y: Array) -> Backward:
    """δ for every unit and example, and ∂J/∂w and Δw over the batch. Changes nothing."""
    trace = forward(params, config, x)
    with np.errstate(all="ignore"):
        result = _backward(params, config, y, trace)
        check_finite("deltas", result.deltas)
        check_finite("gradients.weights", result.grad_weights)
        check_finite("gradients.biases", result.grad_biases)
        check_finite("weight_deltas", result.weight_deltas)
        check_finite("bias_deltas", result.bias_deltas)
    return result


def _backward(params: Params, config: Config, y: Array, trace: Trace) -> Backward:
    """backward() from `trace`, the forward pass of these params on the batch."""
    depth = len(params.weights)
    out = config.output_activation
    delta = output_delta(config.loss, out, y, trace.output, trace.net[-1])
    deltas = [delta]
    for k in range(depth - 1, 0, -1):  # layer k = depth-1 .. 1
        w_above = params.weights[k]  # weights into layer k+1, shape (n_{k+1}, n_k)
        f = ACTIVATIONS[config.activation(k, depth)]
        # δ_j = f'(net_j) Σ_l w_lj δ_l, for every j at once: δ of the layer above @ w_above
        delta = f.derivative(trace.net[k - 1], trace.activations[k]) * (delta @ w_above)
        deltas.append(delta)
    deltas.reverse()
    scale = -1.0 / len(y) if config.reduction == "mean" else -1.0
    eta = config.learning_rate
    data_w = [scale * (d.T @ u) for d, u in zip(deltas, trace.activations[:-1], strict=True)]
    penalty_w = [config.l2 * w if config.l2 else np.zeros_like(w) for w in params.weights]  # λ w
    grad_w = [d + p for d, p in zip(data_w, penalty_w, strict=True)]
    grad_b = [scale * d.sum(axis=0) for d in deltas]  # biases carry no penalty
    weight_deltas = [-eta * g for g in grad_w]
    bias_deltas = [-eta * g if config.train_biases else np.zeros_like(g) for g in grad_b]
    data_loss, pen = loss(config, trace, y), penalty(params, config)
    return Backward(
        trace,
        deltas,
        grad_w,
        grad_b,
        weight_deltas,
        bias_deltas,
        data_loss + pen,
        data_w,
        penalty_w,
        data_loss,
        pen,
    )


def apply(params: Params, result: Backward) -> Params:
    """w ← w + Δw for every weight at once; refuses to produce a non-finite weight."""
    with np.errstate(all="ignore"):
        weights = [w + d for w, d in zip(params.weights, result.weight_deltas, strict=True)]
        biases = [b + d for b, d in zip(params.biases, result.bias_deltas, strict=True)]
        check_finite("weights", weights, NonFiniteUpdate)
        check_finite("biases", biases, NonFiniteUpdate)
    return Params(weights, biases)


def train(
    params: Params,
    config: Config,
    x: Array,
    y: Array,
    *,
    mode: str = "batch",
    epochs: int = 1,
    stop: Callable[[], bool] | None = None,
    test: tuple[Array, Array] | None = None,
) -> TrainResult:
    """Gradient descent. 'batch': one update per epoch from the whole batch (the lecture
    notes' rule); 'online': one update per example in the order given. `losses` holds J over
    the whole batch after each epoch; `test_losses` J over the `test` examples (never
    trained on) after each epoch. `stop`, asked before every update, ends the run with
    Stopped (the caller keeps nothing of it)."""
    first: Backward | None = None
    losses: list[float] = []
    test_losses: list[float] = []
    updates = 0
    trace = forward(params, config, x)
    for _ in range(epochs):
        if mode == "batch":  # the forward pass that measured J also starts the next epoch
            parts: list[tuple[Array, Array, Trace | None]] = [(x, y, trace)]
        else:
            parts = [(x[i : i + 1], y[i : i + 1], None) for i in range(len(x))]
        for xb, yb, tb in parts:
            if stop is not None and stop():
                raise Stopped
            with np.errstate(all="ignore"):  # a step that overflows is refused by apply()
                result = _backward(params, config, yb, tb or forward(params, config, xb))
            params = apply(params, result)
            first = first or result
            updates += 1
        trace = forward(params, config, x)
        losses.append(objective(params, config, trace, y))
        if test is not None:
            test_losses.append(objective(params, config, forward(params, config, test[0]), test[1]))
    assert first is not None, "epochs must be at least 1"
    return TrainResult(first, params, losses, updates, test_losses)


def numerical_gradients(
    params: Params, config: Config, x: Array, y: Array, epsilon: float = 1e-6
) -> tuple[list[Array], list[Array]]:
    """∂J/∂w by centered finite differences (J(w + ε) − J(w − ε)) / 2ε, one weight at a time.

    An independent check of backward(): it uses only forward() and J (penalty included)."""

    def nudged(arrays: list[Array]) -> list[Array]:
        grads = []
        for a in arrays:
            g = np.zeros_like(a)
            for index in np.ndindex(a.shape):
                saved = a[index]
                a[index] = saved + epsilon
                plus = objective(probe, config, forward(probe, config, x), y)
                a[index] = saved - epsilon
                minus = objective(probe, config, forward(probe, config, x), y)
                a[index] = saved
                g[index] = (plus - minus) / (2 * epsilon)
            grads.append(g)
        return grads

    probe = params.copy()
    return nudged(probe.weights), nudged(probe.biases)
