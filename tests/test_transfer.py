"""k-shot splits, the linear probe over many splits, the cut chosen on validation, and
BatchNorm statistics recomputed for a random-weights control (course_utils.transfer)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import transfer


def _labels(counts=(8, 10, 12)):
    return np.repeat(np.arange(len(counts)), counts)


# --------------------------------------------------------------------------- few_shot_split


def test_few_shot_split_is_k_per_class_disjoint_and_complete():
    y = _labels()
    train, val, test = transfer.few_shot_split(y, 3, seed=4)
    assert np.bincount(y[train]).tolist() == [3, 3, 3]
    assert not set(train) & set(val) and not set(val) & set(test) and not set(train) & set(test)
    assert sorted(np.concatenate([train, val, test]).tolist()) == list(range(len(y)))
    # each class's rest is halved (floor) into validation, the others test
    assert np.bincount(y[val]).tolist() == [2, 3, 4]
    assert all(a.dtype == np.int64 for a in (train, val, test))


def test_few_shot_split_seeds_differ_and_repeat():
    y = _labels()
    a = transfer.few_shot_split(y, 2, seed=0)
    b = transfer.few_shot_split(y, 2, seed=0)
    c = transfer.few_shot_split(y, 2, seed=1)
    assert all(np.array_equal(u, v) for u, v in zip(a, b, strict=True))
    assert not np.array_equal(np.sort(a[0]), np.sort(c[0]))


def test_few_shot_split_nested_over_k_for_one_seed():
    y = _labels()
    small = set(transfer.few_shot_split(y, 1, seed=3)[0])
    large = set(transfer.few_shot_split(y, 4, seed=3)[0])
    assert small < large


def test_few_shot_split_always_leaves_validation_and_test():
    y = _labels((3, 3))
    train, val, test = transfer.few_shot_split(y, 1, seed=0, val_fraction=0.9)
    assert np.bincount(y[val]).tolist() == [1, 1] and np.bincount(y[test]).tolist() == [1, 1]


@pytest.mark.parametrize(
    ("args", "error"),
    [
        ((np.zeros((2, 2), int), 1), ValueError),
        ((np.array([0.0, 1.0]), 1), ValueError),
        ((_labels(), 0), ValueError),
        ((_labels(), 7), ValueError),  # the smallest class has 8: nothing left for testing
        ((_labels(), 1.5), TypeError),
        ((_labels(), True), TypeError),
    ],
)
def test_few_shot_split_bad_arguments(args, error):
    with pytest.raises(error):
        transfer.few_shot_split(*args)


@pytest.mark.parametrize(("fraction", "error"), [(0.0, ValueError), (1.0, ValueError),
                                                 ("half", TypeError)])  # fmt: skip
def test_few_shot_split_bad_fraction(fraction, error):
    with pytest.raises(error):
        transfer.few_shot_split(_labels(), 1, val_fraction=fraction)


# --------------------------------------------------------------------------- few_shot_probe


def _blobs(n_per_class=20, dim=50, classes=3, sep=3.0, seed=0):
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, sep, (classes, dim))
    y = np.repeat(np.arange(classes), n_per_class)
    return centres[y] + rng.normal(0, 1, (len(y), dim)), y


def test_probe_separable_features_reach_full_accuracy_and_noise_chance():
    x, y = _blobs()
    good = transfer.few_shot_probe(x, y, 2, seeds=range(5))
    noise = transfer.few_shot_probe(np.random.default_rng(1).normal(size=x.shape), y, 2,
                                    seeds=range(5))  # fmt: skip
    assert good.test.shape == (5,) and good.test.min() > 0.95
    assert noise.test.mean() < 0.6
    assert good.seeds == (0, 1, 2, 3, 4) and good.k == 2 and good.C in good.val


def test_probe_row_space_fit_equals_the_full_fit():
    """Fitting in the span of the training rows gives the same classifier as in all D dims."""
    from sklearn.linear_model import LogisticRegression

    x, y = _blobs(dim=300)
    train, _, test = transfer.few_shot_split(y, 3, seed=0)
    xs = x / np.linalg.norm(x, axis=1, keepdims=True)
    full = LogisticRegression(C=10.0, max_iter=5000, tol=1e-8).fit(xs[train], y[train])
    basis = transfer._row_space(xs[train])
    small = LogisticRegression(C=10.0, max_iter=5000, tol=1e-8).fit(xs[train] @ basis.T,
                                                                   y[train])  # fmt: skip
    assert basis.shape == (len(train), 300)
    np.testing.assert_allclose(full.decision_function(xs[test]),
                               small.decision_function(xs[test] @ basis.T), atol=1e-3)  # fmt: skip


def test_probe_chooses_C_on_validation_only():
    x, y = _blobs(sep=0.4, seed=3)
    r = transfer.few_shot_probe(x, y, 3, seeds=range(4), C_grid=(0.01, 1.0, 100.0))
    assert r.C == max(r.val, key=r.val.get)


def test_probe_callable_features_are_computed_per_split():
    x, y = _blobs()
    seen = []

    def features(train):
        seen.append(np.sort(train))
        return x

    r = transfer.few_shot_probe(features, y, 2, seeds=(0, 1, 2))
    assert len(seen) == 3 and len(seen[0]) == 6
    np.testing.assert_allclose(r.test, transfer.few_shot_probe(x, y, 2, (0, 1, 2)).test)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"features": np.zeros((5, 3))}, ValueError),  # N != len(labels)
        ({"seeds": (0,)}, ValueError),
        ({"C_grid": ()}, ValueError),
        ({"C_grid": (0.0, 1.0)}, ValueError),
        ({"features": lambda train: np.zeros((3, 2))}, ValueError),
    ],
)
def test_probe_bad_arguments(kwargs, error):
    x, y = _blobs()
    args = {"features": x, "labels": y, "k": 1, "seeds": (0, 1), **kwargs}
    with pytest.raises(error):
        transfer.few_shot_probe(**args)


def test_probe_cuts_picks_the_informative_cut_on_validation():
    x, y = _blobs()
    noise = np.random.default_rng(2).normal(size=(len(y), 4, 4, 2))
    cut, result, val = transfer.probe_cuts({"noise": noise, "good": x[:, :, None]}, y, 2,
                                           seeds=range(4))  # fmt: skip
    assert cut == "good" and set(val) == {"noise", "good"} and val["good"] > val["noise"]
    assert result.test.shape == (4,)
    with pytest.raises(TypeError):
        transfer.probe_cuts({}, y, 2, seeds=(0, 1))


# --------------------------------------------------------------------------- BatchNorm


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("keras")


def _bn_net(keras):
    from keras import layers

    inputs = keras.Input((8, 8, 3))
    x = layers.Conv2D(4, 3, name="conv")(inputs)
    x = layers.BatchNormalization(name="bn1")(x)
    x = layers.ReLU()(x)
    x = layers.Conv2D(5, 3, name="conv2")(x)
    x = layers.BatchNormalization(name="bn2")(x)
    return keras.Model(inputs, x)


def test_recalibrate_sets_the_statistics_of_the_data_and_moves_no_weight(keras):
    model = _bn_net(keras)
    model.get_layer("bn1").trainable = False  # frozen layers are recomputed too
    images = np.random.default_rng(0).normal(3.0, 2.0, (12, 8, 8, 3)).astype("float32")
    kernel = model.get_layer("conv").kernel.numpy().copy()
    gamma = model.get_layer("bn2").gamma.numpy().copy()
    assert transfer.recalibrate_batchnorm(model, images, batch_size=4) == 2
    conv_out = keras.Model(model.inputs[0], model.get_layer("conv").output)(images).numpy()
    bn1 = model.get_layer("bn1")
    # equal batches: the average of the batch means is the mean over all images
    np.testing.assert_allclose(bn1.moving_mean.numpy(), conv_out.mean(axis=(0, 1, 2)),
                               rtol=1e-4, atol=1e-4)  # fmt: skip
    assert np.all(bn1.moving_variance.numpy() > 0.1)
    np.testing.assert_array_equal(model.get_layer("conv").kernel.numpy(), kernel)
    np.testing.assert_array_equal(model.get_layer("bn2").gamma.numpy(), gamma)
    assert bn1.trainable is False and bn1.momentum == pytest.approx(0.99)  # restored
    # in inference mode, the recomputed second BatchNorm's outputs are ~standardised
    out = model(images, training=False).numpy()
    assert abs(out.mean()) < 0.2 and 0.6 < out.std() < 1.4


def test_recalibrate_a_model_without_batchnorm_is_a_no_op(keras):
    from keras import layers

    model = keras.Sequential([keras.Input((4, 4, 1)), layers.Conv2D(2, 3)])
    assert transfer.recalibrate_batchnorm(model, np.ones((3, 4, 4, 1))) == 0


def test_recalibrate_bad_arguments(keras):
    model = _bn_net(keras)
    with pytest.raises(ValueError):
        transfer.recalibrate_batchnorm(model, np.ones((1, 8, 8, 3)))
    with pytest.raises(ValueError):
        transfer.recalibrate_batchnorm(model, np.ones((4, 8, 8, 3)), batch_size=1)
    with pytest.raises(TypeError):
        transfer.recalibrate_batchnorm("model", np.ones((4, 8, 8, 3)))
