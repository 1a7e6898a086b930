"""A multilayer perceptron trained by backpropagation, in the seed's notation.

Layers 0..L, layer 0 the inputs. ``weights[k]`` has shape (n_{k+1}, n_k): row r is the weight
vector w_r of unit r of layer k+1 over its inputs u_r, the outputs of layer k. A bias b_r is a
weight on a constant input 1.

    forward:   net_r = Σ_q w_rq u_rq + b_r,   o_r = f(net_r)
    output δ:  δ_l = −∂J_i/∂o_l · f'(net_l)   (sigmoid + squared error: (y_l − o_l) o_l (1 − o_l))
    hidden δ:  δ_j = f'(net_j) Σ_l w_lj δ_l    (with the weights before the update)
    gradient:  ∂J/∂w_rq = −Σ_i δ_r u_rq        (divided by N when reduction is 'mean')
    update:    Δw = −η ∂J/∂w,  w ← w + Δw      (every weight at once)

Left out on purpose: momentum, regularisation, softmax. Everything is float64.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
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
    """Raise `error` naming the first non-finite entry, e.g. weights[1][0][2].

    One sum per array first: an inf or NaN entry makes the sum inf or NaN, so a finite sum
    proves every entry finite. Finite entries can still overflow the sum, so only a sum that
    is not finite sends us entry by entry. Call it under np.errstate(all="ignore")."""
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
        """New float64 arrays, which train() and apply() then update in place."""
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
    grad_biases: list[Array]
    weight_deltas: list[Array]
    bias_deltas: list[Array]
    loss: float


@dataclass
class TrainResult:
    first: Backward
    """The backward pass that produced the first update."""
    params: Params
    losses: list[float] = field(default_factory=list)
    updates: int = 0


def init_params(layers: list[int], seed: int) -> Params:
    """Glorot-uniform weights from a seeded generator, zero biases: same seed, same network."""
    rng = np.random.default_rng(seed)
    weights, biases = [], []
    for n_in, n_out in itertools.pairwise(layers):
        limit = np.sqrt(6.0 / (n_in + n_out))
        weights.append(rng.uniform(-limit, limit, size=(n_out, n_in)))
        biases.append(np.zeros(n_out))
    return Params(weights, biases)


def forward(params: Params, config: Config, x: Array) -> Trace:
    (blank,) = _blank(params.layers, [len(x)])
    with np.errstate(all="ignore"):
        return _checked_forward(params, config, x, _trace(blank))


def _checked_forward(params: Params, config: Config, x: Array, into: Trace | None = None) -> Trace:
    trace = _forward(params, config, x, into)
    check_finite("net", trace.net)  # finite net gives finite o for every activation here
    return trace


BLOCK_FROM = 1 << 14
"""Arrays of at least this many float64s (128 KiB, glibc's mmap threshold) come from _blank."""


def _blank(layers: list[int], rows: Sequence[int]) -> list[Backward | None]:
    """One Backward per entry of `rows` (its batch size), every array uninitialised and carved
    from one block; activations[0], the inputs, is a placeholder (passes never write it).
    None for each when the widest layer's arrays are small: then the passes make their own.

    Why one block: on our VM, numpy's arrays of 1 MiB each came from fresh pages at every
    call, because glibc gives the heap's top back once a call frees more than a few MiB;
    touching them cost 718 to 1,284 page faults a 256-64-10 step. One block of several MiB
    is different: freeing it raises glibc's mmap and trim thresholds to its size (up to
    32 MiB), so the next call's block comes from memory the process already has. Small arrays
    come from malloc's free lists without faults, and carving them costs more than it saves
    (docs/benchmarks.md, "The fifth session")."""
    if rows[0] * max(layers) < BLOCK_FROM:
        none: list[Backward | None] = [None] * len(rows)
        return none
    pairs = list(itertools.pairwise(layers))
    shapes: list[tuple[int, ...]] = []
    for n in rows:
        per_unit: list[tuple[int, ...]] = [(n, n_out) for _, n_out in pairs]  # net, o, δ
        weights: list[tuple[int, ...]] = [(n_out, n_in) for n_in, n_out in pairs]
        biases: list[tuple[int, ...]] = [(n_out,) for _, n_out in pairs]
        shapes += per_unit * 3 + weights + biases + weights + biases
    sizes = [-(-math.prod(shape) // 8) * 8 for shape in shapes]  # starts 64 bytes apart
    block = np.empty(sum(sizes))
    starts = itertools.accumulate(sizes, initial=0)
    arrays = iter(
        [
            block[at : at + math.prod(shape)].reshape(shape)
            for at, shape in zip(starts, shapes, strict=False)
        ]
    )
    depth = len(pairs)

    def take() -> list[Array]:
        return [next(arrays) for _ in range(depth)]

    blanks: list[Backward | None] = []
    for _ in rows:
        net, o, deltas = take(), take(), take()
        trace = Trace(net, [np.empty((0, layers[0])), *o])
        blanks.append(Backward(trace, deltas, take(), take(), take(), take(), float("nan")))
    return blanks


def _trace(blank: Backward | None) -> Trace | None:
    return None if blank is None else blank.trace


def _outs(into: Trace | Backward | None, name: str, n: int) -> Sequence[Array | None]:
    """into.<name>: the arrays that receive results, or n times None for new arrays."""
    return [None] * n if into is None else getattr(into, name)


def _forward(params: Params, config: Config, x: Array, into: Trace | None = None) -> Trace:
    """forward() without the check. `into`: a trace of the same shapes that nothing needs any
    more, or a blank from _blank; its arrays receive the values (in train(), a large batch's
    epochs allocate nothing).
    Private helpers like this one run under the caller's np.errstate."""
    depth = len(params.weights)
    nets: list[Array] = []
    activations = [x]
    u = x
    net_out, o_out = _outs(into, "net", depth), _outs(into, "activations", depth + 1)
    for k, (w, b) in enumerate(zip(params.weights, params.biases, strict=True), start=1):
        # np.matmul, not ndarray.dot, here and below: dot lets the GIL go around every BLAS
        # call, even on 2 × 2, and winning it back from the server's other thread cost 2.5
        # to 20 µs a call on our VM, against 1 alone (docs/benchmarks.md). matmul keeps it.
        net: Array = np.matmul(u, w.T, out=net_out[k - 1])
        net += b[None]  # as a row: for one example the shapes match, with no broadcasting
        u = ACTIVATIONS[config.activation(k, depth)].f(net, o_out[k])
        nets.append(net)
        activations.append(u)
    return Trace(nets, activations)


def loss(config: Config, trace: Trace, y: Array) -> float:
    """J over the batch: Σ_i J_i, or its mean."""
    with np.errstate(all="ignore"):
        return _loss(config, trace, y)


def _loss(config: Config, trace: Trace, y: Array) -> float:
    total = total_loss(config.loss, y, trace.output, trace.net[-1])
    if not math.isfinite(total):
        raise NonFinite("loss")
    return total / len(y) if config.reduction == "mean" else total


def backward(params: Params, config: Config, x: Array, y: Array) -> Backward:
    """δ for every unit and example, and ∂J/∂w and Δw over the batch. Changes nothing."""
    (blank,) = _blank(params.layers, [len(x)])
    with np.errstate(all="ignore"):
        trace = _checked_forward(params, config, x, _trace(blank))
        result = _backward(params, config, y, trace, blank)
        result.loss = _loss(config, result.trace, y)
        check_finite("deltas", result.deltas)
        check_finite("gradients.weights", result.grad_weights)
        check_finite("gradients.biases", result.grad_biases)
        check_finite("weight_deltas", result.weight_deltas)
        check_finite("bias_deltas", result.bias_deltas)
    return result


def _backward(
    params: Params, config: Config, y: Array, trace: Trace, into: Backward | None = None
) -> Backward:
    """backward() from the forward pass `trace` of these params on the batch, without the
    loss (NaN here): callers fill it in. `into`: as for _forward, a Backward whose arrays
    receive the values."""
    depth = len(params.weights)
    scale = -1.0 / len(y) if config.reduction == "mean" else -1.0
    deltas_out = _outs(into, "deltas", depth)
    delta = output_delta(
        config.loss,
        config.output_activation,
        y,
        trace.output,
        trace.net[-1],
        deltas_out[-1],
    )
    deltas = [delta]
    for k in range(depth - 1, 0, -1):  # layer k = depth-1 .. 1
        w_above = params.weights[k]  # weights into layer k+1, shape (n_{k+1}, n_k)
        f = ACTIVATIONS[config.activation(k, depth)]
        # f'(net_j), then × Σ_l w_lj δ_l for every j at once: δ of the layer above @ w_above
        below = f.derivative(trace.net[k - 1], trace.activations[k], deltas_out[k - 1])
        below *= np.matmul(delta, w_above)
        delta = below
        deltas.append(delta)
    deltas.reverse()
    eta = config.learning_rate
    grad_w: list[Array] = []
    grad_b: list[Array] = []
    dw: list[Array] = []
    db: list[Array] = []
    gw_out, gb_out = _outs(into, "grad_weights", depth), _outs(into, "grad_biases", depth)
    dw_out, db_out = _outs(into, "weight_deltas", depth), _outs(into, "bias_deltas", depth)
    for k, (d, u) in enumerate(zip(deltas, trace.activations[:-1], strict=True)):
        g: Array = np.matmul(d.T, u, out=gw_out[k])
        g *= scale  # Σ_i δ_r u_rq, then × −1 (or −1/N) in place
        grad_w.append(g)
        dw.append(np.multiply(g, -eta, out=dw_out[k]))
        g = np.add.reduce(d, axis=0, out=gb_out[k])
        g *= scale
        grad_b.append(g)
        bias_delta = db_out[k]
        if config.train_biases:
            db.append(np.multiply(g, -eta, out=bias_delta))
        elif bias_delta is None:
            db.append(np.zeros(g.shape))
        else:
            bias_delta.fill(0.0)
            db.append(bias_delta)
    return Backward(trace, deltas, grad_w, grad_b, dw, db, float("nan"))


def apply(params: Params, result: Backward) -> Params:
    """w ← w + Δw for every weight at once; refuses to produce a non-finite weight."""
    new = params.copy()
    with np.errstate(all="ignore"):
        _update(new, result)
    return new


def _update(params: Params, result: Backward, train_biases: bool = True) -> None:
    """apply() in place, on arrays only the caller holds: after a refusal, throw them away."""
    for w, d in zip(params.weights, result.weight_deltas, strict=True):
        w += d
    check_finite("weights", params.weights, NonFiniteUpdate)
    if not train_biases:
        return  # Δb = 0: the biases stay exactly as they are
    for b, d in zip(params.biases, result.bias_deltas, strict=True):
        b += d
    check_finite("biases", params.biases, NonFiniteUpdate)


def train(
    params: Params, config: Config, x: Array, y: Array, *, mode: str = "batch", epochs: int = 1
) -> TrainResult:
    """Gradient descent. 'batch': one update per epoch from the whole batch (the seed's rule);
    'online': one update per example in the order given. `losses` holds J over the whole batch
    after each epoch."""
    first: Backward | None = None
    losses: list[float] = []
    updates = 0
    current = params.copy()  # updated in place: the caller's arrays never change
    # Every pass writes into arrays made here at once (see _blank): `into`'s are kept for the
    # response as `first`'s, `spare`'s receive every later pass in turn. An online pass is one
    # example's, and J over the whole batch has a trace of its own. Small passes have no
    # blanks (None): from the third on, each writes into the arrays of the pass before.
    if mode == "batch":
        into, spare = _blank(current.layers, [len(x), len(x)])
        start, after = _trace(into), _trace(spare)
    else:
        whole, into, spare = _blank(current.layers, [len(x), 1, 1])
        start = after = _trace(whole)
    with np.errstate(all="ignore"):
        trace = _checked_forward(current, config, x, start)
        for _ in range(epochs):
            if mode == "batch":
                # The forward pass that measured J after the last update starts this one.
                result = _backward(current, config, y, trace, into)
                result.loss = losses[-1] if losses else _loss(config, trace, y)
                _update(current, result, config.train_biases)
                first, into = first or result, spare or (result if first else None)
                updates += 1
            else:
                for i in range(len(x)):
                    xi, yi = x[i : i + 1], y[i : i + 1]
                    step = _forward(current, config, xi, _trace(into))
                    result = _backward(current, config, yi, step, into)
                    result.loss = _loss(config, step, yi)
                    _update(current, result, config.train_biases)
                    first, into = first or result, spare or (result if first else None)
                    updates += 1
            # J after the update (a small pass's goes into the last trace unless `first` holds it)
            reuse = after or (None if first is not None and trace is first.trace else trace)
            trace = _checked_forward(current, config, x, reuse)
            losses.append(_loss(config, trace, y))
    assert first is not None, "epochs must be at least 1"
    return TrainResult(first, current, losses, updates)


def numerical_gradients(
    params: Params, config: Config, x: Array, y: Array, epsilon: float = 1e-6
) -> tuple[list[Array], list[Array]]:
    """∂J/∂w by centered finite differences (J(w + ε) − J(w − ε)) / 2ε, one weight at a time.

    An independent check of backward(): it uses only forward() and the loss."""

    def nudged(arrays: list[Array]) -> list[Array]:
        grads = []
        for a in arrays:
            g = np.zeros_like(a)
            for index in np.ndindex(a.shape):
                saved = a[index]
                a[index] = saved + epsilon
                plus = _loss(config, _checked_forward(probe, config, x), y)
                a[index] = saved - epsilon
                minus = _loss(config, _checked_forward(probe, config, x), y)
                a[index] = saved
                g[index] = (plus - minus) / (2 * epsilon)
            grads.append(g)
        return grads

    probe = params.copy()
    with np.errstate(all="ignore"):
        return nudged(probe.weights), nudged(probe.biases)
