"""Tests for course_utils.activations: activations, derivatives, softmax and costs."""

import numpy as np
import pytest

from course_utils import activations as act

Z = np.linspace(-4, 4, 81) + 0.05  # avoid the kinks at exactly 0


@pytest.mark.parametrize("name", [n for n in act.ACTIVATIONS if n != "step"])
def test_derivatives_match_finite_differences(name):
    h = 1e-6
    numeric = (act.activation(name, Z + h) - act.activation(name, Z - h)) / (2 * h)
    assert np.allclose(act.derivative(name, Z), numeric, atol=1e-6)


def test_values_of_each_activation():
    assert act.step([-1, 0, 2]).tolist() == [0.0, 1.0, 1.0]
    assert act.sigmoid(0.0) == 0.5
    assert np.allclose(act.sigmoid([-800.0, 800.0]), [0.0, 1.0])  # no overflow
    assert act.relu([-2, 3]).tolist() == [0.0, 3.0]
    assert act.leaky_relu([-2, 3]).tolist() == [-0.02, 3.0]
    assert act.leaky_relu([-2.0], slope=0.1).tolist() == [-0.2]
    assert act.activation("tanh", 0.0) == 0.0
    assert np.all(act.derivative("step", Z) == 0.0)  # no gradient to follow


def test_activation_bad_inputs():
    with pytest.raises(ValueError, match="unknown activation"):
        act.activation("swish", Z)
    with pytest.raises(TypeError):
        act.derivative(3, Z)
    with pytest.raises(ValueError, match="NaN"):
        act.sigmoid([np.nan])
    with pytest.raises(TypeError):
        act.relu("abc")
    with pytest.raises(TypeError):
        act.relu(np.array(["a"]))


def test_softmax_is_stable_and_normalised():
    p = act.softmax([[1000.0, 1000.0, 0.0], [1.0, 2.0, 3.0]])
    assert np.allclose(p.sum(axis=1), 1.0) and np.all(np.isfinite(p))
    assert np.allclose(p[0], [0.5, 0.5, 0.0])
    assert np.allclose(act.softmax([1.0, 2.0, 3.0]), np.exp([1, 2, 3]) / np.exp([1, 2, 3]).sum())
    assert np.allclose(act.softmax([5.0, 5.0]), act.softmax([0.0, 0.0]))  # shift invariance
    assert np.allclose(np.exp(act.log_softmax([[-1000.0, 0.0]])), act.softmax([[-1000.0, 0.0]]))
    with pytest.raises(ValueError, match="scalar"):
        act.softmax(3.0)
    with pytest.raises(ValueError, match="infinity"):
        act.softmax([np.inf, 0.0])


def test_cross_entropy_is_negative_log_likelihood():
    probs = np.array([[0.7, 0.2, 0.1], [0.1, 0.1, 0.8]])
    assert np.isclose(act.cross_entropy(probs, [0, 2]), -(np.log(0.7) + np.log(0.8)) / 2)
    assert act.cross_entropy([[1.0, 0.0]], [0]) == 0.0
    assert np.isfinite(act.cross_entropy([[1.0, 0.0]], [1]))  # clipped, not infinite
    logits = np.array([[2.0, -1.0, 0.5], [1000.0, 0.0, -1000.0]])
    assert np.isclose(
        act.cross_entropy_from_logits(logits[:1], [0]),
        act.cross_entropy(act.softmax(logits[:1]), [0]),
    )
    assert np.isclose(act.cross_entropy_from_logits(logits[1:], [1]), 1000.0)
    assert np.isclose(
        act.cross_entropy(probs, np.array([0.0, 2.0])), act.cross_entropy(probs, [0, 2])
    )


def test_cross_entropy_bad_inputs():
    probs = np.array([[0.7, 0.3]])
    with pytest.raises(ValueError, match="summing to 1"):
        act.cross_entropy([[0.7, 0.7]], [0])
    with pytest.raises(ValueError, match="summing to 1"):
        act.cross_entropy([[1.5, -0.5]], [0])
    with pytest.raises(ValueError, match="0..1"):
        act.cross_entropy(probs, [2])
    with pytest.raises(ValueError, match="shape \\(1,\\)"):
        act.cross_entropy(probs, [0, 1])
    with pytest.raises(ValueError, match="integer"):
        act.cross_entropy(probs, [0.5])
    with pytest.raises(ValueError, match="\\(N, K\\)"):
        act.cross_entropy([0.5, 0.5], [0])
    with pytest.raises(ValueError, match="\\(N, K\\)"):
        act.cross_entropy_from_logits([0.5, 0.5], [0])
    with pytest.raises(ValueError, match="NaN"):
        act.cross_entropy_from_logits([[np.nan, 0.0]], [0])


def test_quadratic_cost_of_the_slides_example():
    x = np.arange(1, 9)
    assert act.quadratic_cost(2 * x + 4, 3 * x + 2) == 5.75
    assert act.quadratic_cost(np.ones((3, 2)), np.ones((3, 2))) == 0.0
    with pytest.raises(ValueError, match="differ in shape"):
        act.quadratic_cost([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="at least one"):
        act.quadratic_cost([], [])
    with pytest.raises(ValueError, match="finite"):
        act.quadratic_cost([np.inf], [1.0])
    with pytest.raises(ValueError, match="NaN"):
        act.quadratic_cost([np.nan], [1.0])
