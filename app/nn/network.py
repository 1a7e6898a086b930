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

Left out on purpose: momentum, softmax. Everything is float64. The update repeated over
epochs (batch and online, frames, replay) is app/nn/train.py.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

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
    """Raise `error` naming the first non-finite entry, e.g. weights[1][0][2].
    Call it under np.errstate(all="ignore")."""
    for k, a in enumerate(arrays):
        if finite(a):
            continue
        bad = np.argwhere(~np.isfinite(a))
        raise error(f"{name}[{k}]" + "".join(f"[{int(i)}]" for i in bad[0]))


def finite(a: Array) -> bool:
    """Whether every entry is finite. A finite sum proves it in one pass (an inf or NaN makes
    the sum inf or NaN); only a sum that is not finite is looked at entry by entry (finite
    entries can overflow it). Call it under np.errstate(all="ignore")."""
    return math.isfinite(np.add.reduce(a, axis=None)) or bool(np.isfinite(a).all())


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


INITS: dict[str, str] = {
    "glorot_uniform": "w ~ U(−a, a), a = √(6 / (n_in + n_out)): Var w = 2 / (n_in + n_out)",
    "glorot_normal": "w ~ N(0, 2 / (n_in + n_out))",
    "he_normal": "w ~ N(0, 2 / n_in)",
    "uniform": "w ~ U(−s, s): Var w = s² / 3",
    "normal": "w ~ N(0, s²)",
}
"""How the weights are drawn (s: the scale); every bias starts at 0."""


def init_variance(scheme: str, n_in: int, n_out: int, scale: float = 1.0) -> float:
    """Var w of a weight from unit q of a layer of n_in units to one of n_out (INITS)."""
    return {
        "glorot_uniform": 2.0 / (n_in + n_out),
        "glorot_normal": 2.0 / (n_in + n_out),
        "he_normal": 2.0 / n_in,
        "uniform": scale * scale / 3.0,
        "normal": scale * scale,
    }[scheme]


def init_params(
    layers: list[int], seed: int, scheme: str = "glorot_uniform", scale: float = 1.0
) -> Params:
    """Weights drawn by `scheme` (INITS) from a seeded generator, zero biases: same seed,
    same scheme, same network. glorot_uniform is what every network had before schemes."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(layers):
        size = (n_out, n_in)
        if scheme in ("glorot_uniform", "uniform"):
            limit = np.sqrt(6.0 / (n_in + n_out)) if scheme == "glorot_uniform" else scale
            weights.append(rng.uniform(-limit, limit, size=size))
        else:
            weights.append(
                rng.normal(0.0, np.sqrt(init_variance(scheme, n_in, n_out, scale)), size)
            )
        biases.append(np.zeros(n_out))
    return Params(weights, biases)


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
        total = _data_loss(config, trace, y)
    if not math.isfinite(total):
        raise NonFinite("loss")
    return total


def _data_loss(config: Config, trace: Trace, y: Array) -> float:
    """loss() unchecked (the caller holds np.errstate and checks)."""
    total = total_loss(config.loss, y, trace.output, trace.net[-1])
    return total / len(y) if config.reduction == "mean" else total


def penalty(params: Params, config: Config) -> float:
    """The L2 term (λ/2) Σ w², over every weight and no bias; 0 when λ = 0."""
    with np.errstate(all="ignore"):
        total = _penalty(params, config)
    if not math.isfinite(total):
        raise NonFinite("loss")
    return total


def _penalty(params: Params, config: Config) -> float:
    """penalty() unchecked (the caller holds np.errstate and checks)."""
    if config.l2 == 0:
        return 0.0
    return 0.5 * config.l2 * sum(float(np.sum(w * w)) for w in params.weights)


def objective(params: Params, config: Config, trace: Trace, y: Array) -> float:
    """J = Σ_i J_i (or its mean) + (λ/2) Σ w²: what gradient descent makes smaller.
    `trace` is the forward pass of `params` on the batch whose targets are `y`."""
    return loss(config, trace, y) + penalty(params, config)


def _objective(params: Params, config: Config, trace: Trace, y: Array) -> float:
    """objective() unchecked (the caller holds np.errstate and checks)."""
    return _data_loss(config, trace, y) + _penalty(params, config)


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
    """backward() from `trace`, the forward pass of these params on the batch, checking
    only J (the caller holds np.errstate)."""
    deltas = _deltas(params, config, y, trace)
    scale, eta = _scale(config, len(y)), config.learning_rate
    data_w, grad_w, grad_b = [], [], []
    for d, u, w in zip(deltas, trace.activations[:-1], params.weights, strict=True):
        data, total, bias = _gradient(config, scale, d, u, w)
        data_w.append(data)
        grad_w.append(total)
        grad_b.append(bias)
    penalty_w = [config.l2 * w if config.l2 else np.zeros_like(w) for w in params.weights]  # λ w
    weight_deltas = [-eta * g for g in grad_w]
    bias_deltas = [-eta * g if config.train_biases else np.zeros_like(g) for g in grad_b]
    data_loss, pen = _data_loss(config, trace, y), _penalty(params, config)
    if not (math.isfinite(data_loss) and math.isfinite(pen)):
        raise NonFinite("loss")
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


def _deltas(params: Params, config: Config, y: Array, trace: Trace) -> list[Array]:
    """δ of layers 1..L for every example (deltas[k-1] is layer k's, (N, n_k)): the output
    layer's from the loss, then each hidden layer's from the layer above."""
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
    return deltas


def _scale(config: Config, n: int) -> float:
    """∂J/∂w = scale Σ_i δ_r u_rq: −1 for a sum over the batch, −1/N for its mean."""
    return -1.0 / n if config.reduction == "mean" else -1.0


def _gradient(
    config: Config, scale: float, delta: Array, u: Array, w: Array
) -> tuple[Array, Array, Array]:
    """One layer's (data part of ∂J/∂w, ∂J/∂w, ∂J/∂b): −Σ_i δ_r u_rq (or its mean), that
    plus the penalty part λ w_rq, and −Σ_i δ_r (biases carry no penalty). The penalty part
    is added even when λ = 0 (as + 0), so that a zero gradient is +0 with or without it."""
    data = scale * (delta.T @ u)
    return data, data + (config.l2 * w if config.l2 else 0.0), scale * delta.sum(axis=0)


def _descend(params: Params, config: Config, y: Array, trace: Trace) -> Params:
    """w ← w + Δw with Δw = −η ∂J/∂w, from `trace`, the forward pass of `params` on the
    batch: _backward() then apply() with the same operations in the same order, keeping
    nothing but the new weights and checking nothing (the caller holds np.errstate and
    checks, see train)."""
    deltas = _deltas(params, config, y, trace)
    scale, eta = _scale(config, len(y)), config.learning_rate
    weights, biases = [], []
    for d, u, w, b in zip(
        deltas, trace.activations[:-1], params.weights, params.biases, strict=True
    ):
        _, grad_w, grad_b = _gradient(config, scale, d, u, w)
        weights.append(w + -eta * grad_w)
        biases.append(b + (-eta * grad_b if config.train_biases else 0.0))  # Δb = 0: frozen
    return Params(weights, biases)


def apply(params: Params, result: Backward) -> Params:
    """w ← w + Δw for every weight at once; refuses to produce a non-finite weight."""
    with np.errstate(all="ignore"):
        after = _apply(params, result)
        check_finite("weights", after.weights, NonFiniteUpdate)
        check_finite("biases", after.biases, NonFiniteUpdate)
    return after


def _apply(params: Params, result: Backward) -> Params:
    """apply() unchecked (the caller holds np.errstate and checks)."""
    weights = [w + d for w, d in zip(params.weights, result.weight_deltas, strict=True)]
    biases = [b + d for b, d in zip(params.biases, result.bias_deltas, strict=True)]
    return Params(weights, biases)


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
