"""Accuracy and the confusion matrix for targets that name classes, counted by hand and by
numpy over forward's o."""

from __future__ import annotations

import numpy as np

from app import nn


def test_one_output_says_class_1_at_or_above_a_half():
    y = np.array([[1.0], [0.0], [1.0], [0.0]])
    o = np.array([[0.9], [0.5], [0.2], [0.1]])  # right, wrong (0.5 says 1), wrong, right
    assert nn.accuracy(y, o) == 0.5


def test_several_outputs_take_the_largest():
    y = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0]])
    o = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.35], [0.1, 0.8, 0.0]])  # right, wrong, right
    assert nn.accuracy(y, o) == 2 / 3


def test_targets_that_name_no_classes_have_no_accuracy():
    assert nn.accuracy(np.array([[0.01, 0.99]]), np.array([[0.5, 0.5]])) is None  # Mazur's
    assert nn.accuracy(np.array([[1.0, 1.0]]), np.array([[0.5, 0.5]])) is None  # not one-hot
    assert nn.accuracy(np.array([[2.0]]), np.array([[0.5]])) is None
    assert nn.is_classes(np.array([[0.0], [1.0]]))


def test_the_confusion_matrix_counted_by_hand():
    # one output: rows the true class, columns the class o says (1 where o ≥ ½)
    y = np.array([[1.0], [0.0], [1.0], [0.0], [1.0]])
    o = np.array([[0.9], [0.5], [0.2], [0.1], [0.5]])
    # true 0: o = 0.5 → 1, o = 0.1 → 0; true 1: 0.9 → 1, 0.2 → 0, 0.5 → 1
    assert nn.confusion(y, o).tolist() == [[1, 1], [1, 2]]
    # three classes, one-hot: the largest o
    y3 = np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0], [0.0, 1.0, 0.0], [0.0, 0.0, 1.0]])
    o3 = np.array([[0.7, 0.2, 0.1], [0.3, 0.4, 0.35], [0.1, 0.8, 0.0], [0.0, 0.1, 0.9]])
    assert nn.confusion(y3, o3).tolist() == [[1, 0, 0], [0, 1, 0], [0, 1, 1]]
    assert nn.confusion(np.array([[0.01, 0.99]]), np.array([[0.5, 0.5]])) is None


def test_the_confusion_matrix_is_numpy_over_forwards_o_and_its_diagonal_is_the_accuracy():
    rng = np.random.default_rng(4)
    for trial in range(40):
        outputs = int(rng.integers(1, 5))
        layers = [int(rng.integers(1, 4)), int(rng.integers(1, 5)), outputs]
        params = nn.init_params(layers, int(rng.integers(2**32)), "normal", 2.0)
        n = int(rng.integers(1, 30))
        x = rng.normal(0, 1, (n, layers[0]))
        if outputs == 1:
            y = rng.integers(0, 2, (n, 1)).astype(float)
        else:
            y = np.eye(outputs)[rng.integers(0, outputs, n)]
        config = nn.Config(output_activation="sigmoid" if trial % 2 else "tanh")
        o = nn.forward(params, config, x).output
        _, right, counts = nn.evaluate(params, config, x, y)
        k = 2 if outputs == 1 else outputs
        true = y[:, 0].astype(int) if outputs == 1 else y.argmax(axis=1)
        said = (o[:, 0] >= 0.5).astype(int) if outputs == 1 else o.argmax(axis=1)
        expected = [[int(np.sum((true == t) & (said == p))) for p in range(k)] for t in range(k)]
        assert counts.tolist() == expected
        assert counts.sum() == n
        assert np.trace(counts) / n == right
