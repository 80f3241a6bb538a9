"""Notebook 04's exercises: typical wrong answers fail, right ones pass, stubs are not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import augment, evaluation
from course_utils.exercise_bank import nb04_lenet5 as bank
from course_utils.exercises import catalogue, check


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("keras")


def test_the_notebook_has_three_exercises():
    assert {e.id for e in catalogue("04_lenet5")} == {"shift", "confusion", "lenet5_keras"}


def test_shift_rejects_wrap_around_and_sign_slips(capsys):
    def rolled(images, dx, dy):
        return np.roll(np.asarray(images), (dy, dx), axis=(1, 2))

    def swapped_axes(images, dx, dy):
        return augment.shift_images(images, dy, dx)

    def only_positive(images, dx, dy):  # slices written for dx, dy >= 0 only
        x = np.asarray(images)
        out = np.zeros_like(x)
        h, w = x.shape[1:3]
        out[:, dy:, dx:] = x[:, : h - dy, : w - dx]
        return out

    assert not check("shift", rolled)
    assert not check("shift", swapped_axes)
    assert not check("shift", only_positive)
    assert check("shift", augment.shift_images)
    assert "correct on all 9 test cases" in capsys.readouterr().out


def test_shift_stub_is_not_attempted(capsys):
    def shift(images, dx, dy): ...

    assert check("shift", shift).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out


def test_confusion_rejects_transpose_and_sizes_from_the_labels():
    def transposed(y_true, y_pred, k):
        return evaluation.confusion_counts(y_true, y_pred, k).T

    def size_from_labels(y_true, y_pred, k):
        m = max(np.max(y_true), np.max(y_pred)) + 1
        return evaluation.confusion_counts(y_true, y_pred, max(int(m), 2))

    def loop(y_true, y_pred, k):
        counts = np.zeros((k, k), dtype=int)
        for t, p in zip(y_true, y_pred, strict=True):
            counts[t, p] += 1
        return counts

    assert not check("confusion", transposed)
    assert not check("confusion", size_from_labels)
    assert check("confusion", loop)


def test_lenet5_reference_passes(keras, capsys):
    assert check("lenet5_keras", bank._reference_lenet5)
    out = capsys.readouterr().out
    assert "61,706 parameters" in out and "✅" in out


def test_lenet5_dense_c5_is_accepted(keras):
    """C5 on a 5x5 input is a fully connected layer: Flatten + Dense(120) is the same network."""
    L = keras.layers

    def dense_c5(input_shape=(32, 32, 1), num_classes=10):
        return keras.Sequential([
            keras.Input(input_shape), L.Conv2D(6, 5, activation="tanh"), L.AveragePooling2D(2),
            L.Conv2D(16, 5, activation="tanh"), L.AveragePooling2D(2), L.Flatten(),
            L.Dense(120, activation="tanh"), L.Dense(84, activation="tanh"),
            L.Dense(num_classes, activation="softmax"),
        ])  # fmt: skip

    assert check("lenet5_keras", dense_c5)


def test_lenet5_typical_mistakes_fail(keras, capsys):
    from course_utils.models import lenet5

    L = keras.layers

    def same_padding(input_shape=(32, 32, 1), num_classes=10):
        return keras.Sequential([
            keras.Input(input_shape), L.Conv2D(6, 5, padding="same"), L.MaxPooling2D(),
            L.Conv2D(16, 5), L.MaxPooling2D(), L.Conv2D(120, 5), L.Flatten(), L.Dense(84),
            L.Dense(num_classes, activation="softmax"),
        ])  # fmt: skip

    def ten_classes_typed_in(input_shape=(32, 32, 1), num_classes=10):
        return bank._reference_lenet5((32, 32, 1), 10)

    def no_softmax(input_shape=(32, 32, 1), num_classes=10):
        model = bank._reference_lenet5(input_shape, num_classes)
        model.layers[-1].activation = keras.activations.linear
        return model

    assert not check("lenet5_keras", same_padding)
    assert "the paper's table gives" in capsys.readouterr().out
    assert not check("lenet5_keras", ten_classes_typed_in)
    assert not check("lenet5_keras", no_softmax)
    assert not check("lenet5_keras", lambda input_shape, num_classes: lenet5(input_shape,
                                                                             num_classes))
    assert "write the layers yourself" in capsys.readouterr().out


def test_lenet5_stubs_are_not_attempted(keras):
    def build_lenet5(input_shape=(32, 32, 1), num_classes=10): ...

    def released(input_shape=(32, 32, 1), num_classes=10):
        raise NotImplementedError()

    assert check("lenet5_keras", build_lenet5).status == "not attempted"
    assert check("lenet5_keras", released).status == "not attempted"
    assert check("lenet5_keras", ...).status == "not attempted"


def test_expected_params_is_the_table():
    assert bank._expected_params((32, 32, 1), 10) == 61_706
