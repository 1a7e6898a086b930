"""Feedback that names the mistake: from the student's own network and examples, the value
each common mistake of the derivation gives for the asked number; a wrong answer that
matches one (within the activity's tolerance) is told which, in the lecture notes' words.

The mistakes, each made at the asked unit or weight with everything else right:

    sign                       ∂J/∂net for δ; −Δw for Δw; w + η ∂J/∂w for w⁺; +Σ δ u for ∂J/∂w
    missing_derivative         δ without f′(net): (y − o) at an output, Σ_l w_lj δ_l hidden
    derivative_of_wrong_value  f′ taken at o (as if o were net), or o (1 − o) for a tanh unit
    updated_weights            a hidden δ from the weights after the update
    missing_rate               Δw without η; w ± ∂J/∂w for w − η ∂J/∂w
    one_example                one example's term where the sum over examples is asked
    mean_vs_sum                the mean where J sums over examples, or the sum where it averages
    wrong_input                ∂J/∂w_rq with another input u of unit r, or with o of unit r

A δ mistake carries on into that unit's ∂J/∂w, Δw and w⁺. Mistakes are tried in the order
above and the first match is named. A value within tolerance of the right one is never
diagnosed, and a mistake whose value is the right one (f′ = 1 of a linear unit, one example
of one) is not a candidate. Messages hold no number: they name the mistake, not the answer.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from app import nn
from app.classroom.answers import Parsed, is_right, value_in

MESSAGES: dict[str, str] = {
    "sign": "Check the sign: δ = −∂J/∂net and Δw = −η ∂J/∂w; your number has the "
    "opposite sign of what the derivation gives.",
    "missing_derivative": "The factor f′(net) is missing: δ = (y − o) f′(net) for an output "
    "unit, and δ_j = f′(net_j) Σ_l w_lj δ_l for a hidden one.",
    "derivative_of_wrong_value": "f′ is taken at net, not at o: for a sigmoid unit f′(net) = "
    "o (1 − o), for a tanh unit f′(net) = 1 − o².",
    "updated_weights": "A hidden δ uses the weights before the update: every weight changes "
    "at once, after all the δ are computed.",
    "missing_rate": "The learning rate is missing: Δw = −η ∂J/∂w, and w ← w + Δw.",
    "one_example": "That is one example's part: ∂J/∂w adds the terms of every example, "
    "−Σ_i δ_r u_rq.",
    "mean_vs_sum": "Sum or mean: J of this network {reduction} over the examples, and so does "
    "its gradient.",
    "wrong_input": "Check u: ∂J/∂w_rq = −Σ_i δ_r u_rq, where u_rq is the input that w_rq "
    "multiplies (the output o_q of unit q in the layer below).",
}
"""Each code's message; mean_vs_sum's names the network's reduction."""
CODES = tuple(MESSAGES)
REDUCTION_WORDS = {"sum": "sums", "mean": "averages (1/N Σ_i)"}


@dataclass(frozen=True)
class Diagnosis:
    code: str
    message: str


def message(code: str, config: nn.Config) -> str:
    return MESSAGES[code].format(reduction=REDUCTION_WORDS.get(config.reduction, "sums"))


def diagnose(
    params: nn.Params,
    config: nn.Config,
    result: nn.Backward,
    y: nn.Array,
    parsed: Parsed,
    value: float,
    tolerance: tuple[float, float],
) -> Diagnosis | None:
    """The first mistake whose value `value` matches, or None (a right value: always None).
    `result` is nn.backward of these params on the stored examples, whose targets are `y`."""
    relative, absolute = tolerance
    target = value_in(params, result, parsed)
    if is_right(value, target, relative, absolute):
        return None
    for code, mistaken in mistakes(params, config, result, y, parsed):
        if matches(value, mistaken, target, relative, absolute):
            return Diagnosis(code, message(code, config))
    return None


def matches(
    value: float, mistaken: float | nn.Array, target: float, relative: float, absolute: float
) -> bool:
    """Whether `value` is one of the mistake's values (one per example, for one_example) that
    the right value is not: a mistake that gives the right number here names nothing."""
    values = np.atleast_1d(np.asarray(mistaken, dtype=np.float64))
    matched = np.abs(value - values) <= np.maximum(relative * np.abs(values), absolute)
    right = np.abs(values - target) <= max(relative * abs(target), absolute)
    return bool(np.any(matched & ~right))


Values = float | nn.Array
"""A mistake's value, or its values (one per example, or per other input)."""


def mistakes(
    params: nn.Params, config: nn.Config, result: nn.Backward, y: nn.Array, parsed: Parsed
) -> Iterator[tuple[str, Values]]:
    """(code, value or values) of each mistake for the number `parsed` names, in the order
    of CODES. The work: at most two products of a layer's δ with its weights and one of δ
    with the layer's inputs, beside the backward pass they start from."""
    name = parsed.name
    if name == "loss":
        yield from _loss_mistakes(config, result, y)
        return
    if name in ("net", "activations"):
        return
    k, *rest = parsed.indices
    if name == "deltas":
        i, r = rest
        yield "sign", -float(result.deltas[k][i, r])
        for code, delta in delta_mistakes(params, config, result, y, k + 1):
            yield code, float(delta[i, r])
        return
    bias = name in ("gradients.biases", "bias_deltas", "biases_after")
    r = rest[0]
    q = None if bias else rest[1]
    if bias and not config.train_biases and name != "gradients.biases":
        return  # Δb = 0 by the network's settings: no arithmetic to get wrong
    grads = list(gradient_mistakes(params, config, result, y, k, r, q))
    right = _gradient(params, config, result.deltas[k], result.trace.activations[k], k, r, q)
    eta = config.learning_rate
    if name.startswith("gradients"):
        yield "sign", -right
        yield from grads
        return
    w = float(params.biases[k][r] if bias else params.weights[k][r, q])
    if name in ("weight_deltas", "bias_deltas"):
        yield "sign", eta * right
        grads.insert(0, ("missing_rate", right))  # Δw = −∂J/∂w, η left out
        for code, g in grads:
            yield code, -eta * g if code != "missing_rate" else -g
        return
    yield "sign", w + eta * right
    yield "missing_rate", w - right
    yield "missing_rate", w + right
    for code, g in grads:
        yield code, w - eta * g


def _loss_mistakes(
    config: nn.Config, result: nn.Backward, y: nn.Array
) -> Iterator[tuple[str, Values]]:
    """J: one example's J_i, or the other reduction."""
    per = nn.loss_per_example(config.loss, y, result.trace.output, result.trace.net[-1])
    n = len(y)
    if n < 2:
        return
    yield "one_example", per + result.penalty
    other = per.sum() if config.reduction == "mean" else per.sum() / n
    yield "mean_vs_sum", float(other) + result.penalty


def delta_mistakes(
    params: nn.Params, config: nn.Config, result: nn.Backward, y: nn.Array, layer: int
) -> Iterator[tuple[str, nn.Array]]:
    """δ of `layer` (1..L) for every example, each with one mistake made at that layer and
    the δ of the layers above right."""
    depth = len(params.weights)
    f = nn.ACTIVATIONS[config.activation(layer, depth)]
    net, o = result.trace.net[layer - 1], result.trace.activations[layer]
    at_o = f.derivative(o, f.f(o))  # f′ evaluated at o, as if o were net
    wrong_derivatives = [at_o]
    if f.name == "tanh":
        wrong_derivatives.append(o * (1.0 - o))  # the sigmoid's o (1 − o)
    if layer == depth:
        if config.loss != "squared_error":
            return  # cross-entropy's δ = y − o: no f′ to forget
        error = y - o
        yield "missing_derivative", error
        for d in wrong_derivatives:
            yield "derivative_of_wrong_value", error * d
        return
    above, w = result.deltas[layer], params.weights[layer]
    back = above @ w  # Σ_l w_lj δ_l
    yield "missing_derivative", back
    for d in wrong_derivatives:
        yield "derivative_of_wrong_value", d * back
    updated = w + result.weight_deltas[layer]
    yield "updated_weights", f.derivative(net, o) * (above @ updated)


def gradient_mistakes(
    params: nn.Params,
    config: nn.Config,
    result: nn.Backward,
    y: nn.Array,
    k: int,
    r: int,
    q: int | None,
) -> Iterator[tuple[str, Values]]:
    """∂J/∂w_rq of weight matrix k (∂J/∂b_r when q is None), each with one mistake."""
    u = result.trace.activations[k]
    for code, delta in delta_mistakes(params, config, result, y, k + 1):
        yield code, _gradient(params, config, delta, u, k, r, q)
    n = len(y)
    delta = result.deltas[k]
    penalty = 0.0 if q is None else config.l2 * float(params.weights[k][r, q])
    if n > 1:
        column = np.ones(n) if q is None else u[:, q]
        yield "one_example", -(delta[:, r] * column) + penalty
        total = -float(delta[:, r] @ column)
        yield "mean_vs_sum", (total if config.reduction == "mean" else total / n) + penalty
    if q is None:
        return
    scale = -1.0 / n if config.reduction == "mean" else -1.0
    others = np.delete(scale * (delta[:, r] @ u), q)  # −Σ_i δ_r u_rq' for every q' ≠ q
    if others.size:
        yield "wrong_input", others + penalty
    own = result.trace.activations[k + 1][:, r]  # o of unit r itself
    yield "wrong_input", scale * float(delta[:, r] @ own) + penalty


def _gradient(
    params: nn.Params,
    config: nn.Config,
    delta: nn.Array,
    u: nn.Array,
    k: int,
    r: int,
    q: int | None,
) -> float:
    """∂J/∂w_rq = −Σ_i δ_r u_rq (its mean with reduction 'mean') + λ w_rq from these δ;
    ∂J/∂b_r = −Σ_i δ_r when q is None."""
    n = len(delta)
    scale = -1.0 / n if config.reduction == "mean" else -1.0
    if q is None:
        return scale * float(delta[:, r].sum())
    return scale * float(delta[:, r] @ u[:, q]) + config.l2 * float(params.weights[k][r, q])
