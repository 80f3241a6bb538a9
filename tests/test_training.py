"""Tests for course_utils.training with tiny models (seconds on a CPU)."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import training


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    import keras

    return keras


@pytest.fixture(scope="module")
def blobs():
    """Two well-separated 2-D blobs: any classifier gets them right."""
    rng = np.random.default_rng(0)
    y = np.repeat([0, 1], 64).astype(np.uint8)
    x = rng.normal(size=(128, 2)).astype(np.float32) + 4.0 * y[:, None] - 2.0
    return x, y


def tiny_model(keras, seed=0):
    keras.utils.set_random_seed(seed)
    model = keras.Sequential([keras.Input((2,)), keras.layers.Dense(2, activation="softmax")])
    model.compile(
        optimizer=keras.optimizers.Adam(0.1),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
    )
    return model


# ------------------------------------------------------------------ make_dataset


def test_make_dataset_batches_types_and_shuffle(keras):
    x = np.arange(10, dtype=np.uint8).reshape(10, 1)
    y = np.arange(10, dtype=np.uint8)
    batches = list(training.make_dataset(x, y, batch_size=4, shuffle=False))
    assert [len(b[0]) for b in batches] == [4, 4, 2]
    assert batches[0][0].dtype.name == "float32" and batches[0][1].dtype.name == "int32"
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), y)
    ds = training.make_dataset(x, y, batch_size=10, shuffle=True, seed=1)
    epoch1, epoch2 = (next(iter(ds))[1].numpy() for _ in range(2))
    assert sorted(epoch1) == list(range(10)) and sorted(epoch2) == list(range(10))
    assert not np.array_equal(epoch1, np.arange(10))  # shuffled
    again = next(iter(training.make_dataset(x, y, batch_size=10, seed=1)))[1].numpy()
    np.testing.assert_array_equal(epoch1, again)  # deterministic given the seed
    soft = next(iter(training.make_dataset(x, np.ones((10, 3)) / 3, batch_size=10)))[1]
    assert soft.dtype.name == "float32"  # non-integer targets stay floats


@pytest.mark.parametrize(
    ("x", "y", "bs", "err"),
    [
        (np.zeros((3, 2)), np.zeros(2), 2, ValueError),  # length mismatch
        (np.zeros((0, 2)), np.zeros(0), 2, ValueError),  # empty
        (np.zeros((3, 2)), np.zeros(3), 0, ValueError),  # batch size 0
        (np.zeros((3, 2)), np.zeros(3), 2.5, ValueError),  # float batch size
        (np.zeros((3, 2)), np.zeros(3), True, ValueError),  # bool batch size
        (np.array([["a"], ["b"]]), np.zeros(2), 2, TypeError),  # strings
        (np.float32(1.0), np.zeros(1), 1, ValueError),  # scalar
    ],
)
def test_make_dataset_bad_input(keras, x, y, bs, err):
    with pytest.raises(err):
        training.make_dataset(x, y, batch_size=bs)


# ------------------------------------------------------------------ train


def test_epoch_logger_with_plain_fit(keras, blobs, capsys):
    x, y = blobs
    model = tiny_model(keras)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"],
                  steps_per_execution=8)  # fmt: skip
    logger = training.EpochLogger(every=2)
    ds = training.make_dataset(x, y, batch_size=32)
    history = model.fit(ds, epochs=3, verbose=0, callbacks=[logger], shuffle=False)
    out = capsys.readouterr().out.splitlines()
    assert [line.split(" —")[0] for line in out] == ["epoch 2/3", "epoch 3/3"]
    losses = history.history["loss"]
    assert len(logger.epoch_seconds) == 3 and losses[-1] < losses[0]


def test_predictions_and_accuracy(keras, blobs):
    x, y = blobs
    model = tiny_model(keras)
    probs = training.predict_proba(model, x, batch_size=50)
    assert probs.shape == (128, 2) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)
    classes = training.predict_classes(model, x)
    np.testing.assert_array_equal(classes, probs.argmax(axis=1))
    acc = training.evaluate_accuracy(model, x, y)
    assert acc == pytest.approx(np.mean(classes == y))


def test_predictions_bad_input(keras, blobs):
    x, y = blobs
    model = tiny_model(keras)
    with pytest.raises(ValueError):
        training.predict_proba(model, np.zeros((0, 2)))
    with pytest.raises(ValueError):
        training.predict_classes(model, x, batch_size=0)
    with pytest.raises(TypeError):
        training.predict_proba(object(), x)
    with pytest.raises(ValueError):
        training.evaluate_accuracy(model, x, y.astype(float))
    with pytest.raises(ValueError):
        training.evaluate_accuracy(model, x, y[:10])
