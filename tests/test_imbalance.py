"""Tests for course_utils.imbalance: subsets, per-class metrics, PR curve, weights, priors."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import imbalance


def test_imbalanced_indices_share():
    y = np.repeat(np.arange(4), 250)
    idx = imbalanced_idx = imbalance.imbalanced_indices(y, 3, 0.005, seed=0)
    sub = y[idx]
    assert (sub != 3).sum() == 750 and (sub == 3).sum() == 4  # round(0.005 * 750 / 0.995) = 4
    assert np.all(np.diff(imbalanced_idx) > 0)
    assert (y[imbalance.imbalanced_indices(y, 0, 0.1, seed=1)] == 0).sum() == 83
    assert (y[imbalance.imbalanced_indices(y, 0, 0.0)] == 0).sum() == 0


@pytest.mark.parametrize(
    ("y", "rare", "fraction", "error"),
    [
        (np.array([0, 1, 1]), 2, 0.1, ValueError),
        (np.array([0, 1, 1, 1]), 0, 0.5, ValueError),
        (np.array([0.0, 1.0]), 0, 0.1, TypeError),
        (np.array([0, 1, 1]), 0, "x", TypeError),
        (np.array([0, 1, 1]), 0.5, 0.1, TypeError),
    ],
)
def test_imbalanced_indices_bad_input(y, rare, fraction, error):
    with pytest.raises(error):
        imbalance.imbalanced_indices(y, rare, fraction)


def test_accuracy_paradox_report():
    y = np.array([0] * 98 + [1] * 2)
    rep = imbalance.per_class_report(y, np.zeros(100, int), n_classes=2)
    assert rep["accuracy"] == pytest.approx(0.98)
    np.testing.assert_allclose(rep["recall"], [1.0, 0.0])
    np.testing.assert_allclose(rep["precision"], [0.98, 0.0])
    np.testing.assert_array_equal(rep["support"], [98, 2])
    np.testing.assert_array_equal(rep["predicted"], [100, 0])
    with pytest.raises(ValueError):
        imbalance.per_class_report([0, 1], [0])
    with pytest.raises(ValueError):
        imbalance.per_class_report([0, 3], [0, 1], n_classes=2)


def test_pr_curve_perfect_random_and_bad_input():
    pos = np.array([0, 0, 0, 1, 1], bool)
    _, _, ap = imbalance.pr_curve(pos, np.array([0.1, 0.2, 0.3, 0.8, 0.9]))
    assert ap == pytest.approx(1.0)
    rng = np.random.default_rng(0)
    pos = rng.uniform(size=20000) < 0.05
    precision, recall, ap = imbalance.pr_curve(pos, rng.uniform(size=20000))
    assert abs(ap - 0.05) < 0.02 and recall[0] == 1.0 and precision.shape == recall.shape
    with pytest.raises(ValueError):
        imbalance.pr_curve(np.zeros(3, bool), np.ones(3))
    with pytest.raises(ValueError):
        imbalance.pr_curve(np.array([0, 2]), np.ones(2))
    with pytest.raises(ValueError):
        imbalance.pr_curve(np.array([0, 1]), np.ones(3))


def test_class_weights_balance_the_loss():
    y = np.array([0] * 90 + [1] * 10)
    w = imbalance.class_weights(y)
    assert w == pytest.approx({0: 100 / 180, 1: 100 / 20})
    assert w[0] * 90 == pytest.approx(w[1] * 10)
    assert imbalance.class_weights(y, n_classes=3)[2] == 0.0
    np.testing.assert_allclose(imbalance.class_weight_vector(y, 3), [100 / 270, 100 / 30, 0.0])
    from sklearn.utils.class_weight import compute_class_weight

    ref = compute_class_weight("balanced", classes=np.array([0, 1]), y=y)
    assert [w[0], w[1]] == pytest.approx(list(ref))
    with pytest.raises(TypeError):
        imbalance.class_weights(np.array([0.5, 1.0]))
    with pytest.raises(ValueError):
        imbalance.class_weights(np.array([[0, 1]]))


def test_oversample_balances():
    y = np.array([0] * 50 + [1] * 5 + [2] * 20)
    idx = imbalance.oversample_indices(y, seed=0)
    np.testing.assert_array_equal(np.bincount(y[idx]), [50, 50, 50])
    assert set(np.flatnonzero(y == 1)) <= set(idx)  # every original example kept


def test_prior_bias():
    b = imbalance.prior_bias([98, 2], kind="softmax")
    e = np.exp(b)
    np.testing.assert_allclose(e / e.sum(), [0.98, 0.02], rtol=1e-6)
    s = imbalance.prior_bias([98, 2], kind="sigmoid")
    assert 1 / (1 + np.exp(-s[0])) == pytest.approx(0.02)
    for bad, error in (([1, 0], ValueError), ([5], ValueError), (["a", "b"], TypeError)):
        with pytest.raises(error):
            imbalance.prior_bias(bad)
    with pytest.raises(ValueError):
        imbalance.prior_bias([1, 2, 3], kind="sigmoid")
    with pytest.raises(ValueError):
        imbalance.prior_bias([1, 2], kind="tanh")


def test_group_error_rates():
    t = np.array([0, 1, 0, 1, 0, 1])
    p = np.array([0, 1, 1, 1, 1, 0])
    g = np.array(["a", "a", "a", "b", "b", "b"])
    assert imbalance.group_error_rates(t, p, g) == pytest.approx({"a": 1 / 3, "b": 2 / 3})
    with pytest.raises(ValueError):
        imbalance.group_error_rates(t, p, g[:3])
