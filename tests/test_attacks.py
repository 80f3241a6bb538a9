"""Tests for course_utils.attacks: FGSM bounded by ε, sign direction, clipping; BIM; bad input."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import attacks  # noqa: E402


@pytest.fixture(scope="module")
def model():
    return attacks.exercise_model(seed=0)


@pytest.fixture(scope="module")
def batch():
    rng = np.random.default_rng(3)
    x = rng.uniform(0.2, 0.8, (5, 6, 6, 1)).astype("float32")  # away from the bounds
    return x, rng.integers(0, 3, 5)


def test_fgsm_bounded_and_in_sign_direction(model, batch):
    x, y = batch
    eps = 0.05
    adv = attacks.fgsm(model, x, y, eps)
    grad = attacks.loss_gradient(model, x, y)
    assert adv.shape == x.shape and adv.dtype == np.float32
    assert np.abs(adv - x).max() <= eps + 1e-6
    moved = np.sign(grad) != 0
    assert moved.mean() > 0.5
    np.testing.assert_allclose((adv - x)[moved], (eps * np.sign(grad))[moved], atol=1e-6)
    np.testing.assert_allclose(adv[~moved], x[~moved])


def test_fgsm_raises_the_loss_and_targeted_lowers_target_loss(model, batch):
    x, y = batch
    ce = keras.losses.SparseCategoricalCrossentropy(reduction=None)
    before = np.asarray(ce(y, model(x)))
    after = np.asarray(ce(y, model(attacks.fgsm(model, x, y, 0.02))))
    assert (after >= before - 1e-6).all() and (after > before).any()
    target = (y + 1) % 3
    t_before = np.asarray(ce(target, model(x)))
    t_after = np.asarray(ce(target, model(attacks.fgsm(model, x, target, 0.02, targeted=True))))
    assert (t_after <= t_before + 1e-6).all() and (t_after < t_before).any()


def test_fgsm_clips_to_valid_range(model):
    x = np.zeros((2, 6, 6, 1), "float32")
    x[1] = 1.0
    adv = attacks.fgsm(model, x, np.array([0, 1]), 0.5)
    assert adv.min() >= 0 and adv.max() <= 1
    free = attacks.fgsm(model, x, np.array([0, 1]), 0.5, clip=None)
    assert free.min() < 0 or free.max() > 1  # without clipping pixels leave 0..1
    wide = attacks.fgsm(model, x * 255, np.array([0, 1]), 3.0, clip=(0, 255))
    assert wide.min() >= 0 and wide.max() <= 255


def test_fgsm_zero_epsilon_is_identity_and_scalar_label(model, batch):
    x, _ = batch
    np.testing.assert_allclose(attacks.fgsm(model, x, 1, 0.0), x)


def test_iterative_fgsm_stays_in_ball_and_is_stronger(model, batch):
    x, y = batch
    eps = 0.1
    adv = attacks.iterative_fgsm(model, x, y, eps, step=0.02, steps=10)
    assert np.abs(adv - x).max() <= eps + 1e-6
    ce = keras.losses.SparseCategoricalCrossentropy()
    one = float(ce(y, model(attacks.fgsm(model, x, y, eps))))
    many = float(ce(y, model(adv)))
    assert many >= one - 1e-3


def test_exercise_cases_shapes(model):
    cases = attacks.exercise_cases(model)
    assert len(cases) >= 3
    for m, x, y, eps in cases:
        assert m is model and x.shape[1:] == (6, 6, 1) and len(y) == len(x) and eps >= 0
        out = attacks.fgsm(m, x, y, eps)
        assert out.shape == x.shape


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (("not a model", np.zeros((1, 6, 6, 1)), [0], 0.1), TypeError),
        ((None, np.zeros((1, 6, 6, 1)), [0], -0.1), ValueError),
        ((None, np.zeros((1, 6, 6, 1)), [0], "0.1"), TypeError),
        ((None, np.zeros((2, 6, 6, 1)), [0], 0.1), ValueError),
        ((None, np.zeros((1, 6, 6, 1)), [0.5], 0.1), TypeError),
        ((None, np.array(["a"]), [0], 0.1), TypeError),
        ((None, np.zeros((0, 6, 6, 1)), np.zeros(0, int), 0.1), ValueError),
    ],
)
def test_fgsm_bad_input(model, args, error):
    m, x, y, eps = args
    with pytest.raises(error):
        attacks.fgsm(model if m is None else m, x, y, eps)


def test_bad_clip_and_steps(model, batch):
    x, y = batch
    with pytest.raises(ValueError):
        attacks.fgsm(model, x, y, 0.1, clip=(1, 0))
    with pytest.raises(TypeError):
        attacks.fgsm(model, x, y, 0.1, clip=5)
    with pytest.raises(ValueError):
        attacks.iterative_fgsm(model, x, y, 0.1, steps=0)
