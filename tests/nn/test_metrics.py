"""Accuracy for targets that name classes, counted by hand."""

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
