"""Exercises of notebook 09: right answers pass, typical slips fail, stubs are not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercises import catalogue, check


def test_the_notebook_has_three_exercises():
    ids = {e.id for e in catalogue("09_pitfalls")}
    assert ids == {"fgsm", "class_weights", "majority_accuracy"}


def test_hints_do_not_give_the_code():
    for exercise in catalogue("09_pitfalls"):
        assert not any(code in exercise.hint for code in ("np.", "tf.", "keras.", "(", "="))


@pytest.fixture(scope="module")
def tf():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("tensorflow")


def _fgsm(tf, direction=1.0, clip=True, use_sign=True):
    import keras

    def attack(model, x, y, epsilon):
        x = tf.constant(x, dtype="float32")
        with tf.GradientTape() as tape:
            tape.watch(x)
            loss = keras.losses.sparse_categorical_crossentropy(y, model(x))
        g = tape.gradient(loss, x).numpy()
        adv = x.numpy() + direction * epsilon * (np.sign(g) if use_sign else g)
        return np.clip(adv, 0, 1) if clip else adv

    return attack


def test_fgsm_accepts_the_method_and_rejects_its_usual_slips(tf, capsys):
    assert check("fgsm", _fgsm(tf))
    assert not check("fgsm", _fgsm(tf, clip=False))  # pixels leave [0, 1]
    assert not check("fgsm", _fgsm(tf, direction=-1.0))  # lowers the loss: a targeted step
    assert not check("fgsm", _fgsm(tf, use_sign=False))  # the raw gradient, not its sign
    assert "not yet" in capsys.readouterr().out


def test_fgsm_cases_go_beyond_the_grey_model(tf):
    from course_utils.exercise_bank import nb09_pitfalls as bank

    shapes = {case[1].shape[1:] for case in bank._fgsm_cases()}
    assert (6, 6, 1) in shapes and (5, 7, 3) in shapes  # grey and colour, non-square
    assert {case[3] for case in bank._fgsm_cases()} >= {0.0, 0.3}


def test_stubs_are_not_attempted(capsys):
    def stub(*args):
        ...  # your code here

    for exercise_id in ("fgsm", "class_weights", "majority_accuracy"):
        assert check(exercise_id, stub).status == "not attempted"
        assert check(exercise_id, ...).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out


def test_class_weights_need_every_class_and_no_division_by_zero():
    def balanced(y, n_classes):
        counts = np.bincount(y, minlength=n_classes).astype(float)
        return np.divide(len(y), n_classes * counts, out=np.zeros(n_classes), where=counts > 0)

    def without_k(y, n_classes):  # n / n_k: the right ratios, the wrong scale
        counts = np.bincount(y, minlength=n_classes).astype(float)
        return np.divide(len(y), counts, out=np.zeros(n_classes), where=counts > 0)

    def present_classes_only(y, n_classes):  # forgets the classes that never occur
        counts = np.bincount(y).astype(float)
        with np.errstate(divide="ignore"):
            return len(y) / (n_classes * counts)

    def inverse_frequency(y, n_classes):  # 1 / n_k without the total
        counts = np.bincount(y, minlength=n_classes).astype(float)
        return np.divide(1.0, counts, out=np.zeros(n_classes), where=counts > 0)

    assert check("class_weights", balanced)
    for wrong in (without_k, present_classes_only, inverse_frequency):
        assert not check("class_weights", wrong)


def test_majority_accuracy_is_checked_on_several_label_arrays():
    def right(y):
        _, counts = np.unique(y, return_counts=True)
        return counts.max() / len(y)

    def share_of_class_zero(y):  # right only when class 0 is the most frequent
        return float(np.mean(np.asarray(y) == 0))

    def bincount_argmax_of_sorted(y):  # assumes labels 0..K-1 with class 0 frequent
        return np.bincount(y)[0] / len(y)

    assert check("majority_accuracy", right)
    assert check("majority_accuracy", lambda y: float(np.bincount(y).max() / len(y)))
    assert not check("majority_accuracy", share_of_class_zero)
    assert not check("majority_accuracy", bincount_argmax_of_sorted)
    assert not check("majority_accuracy", lambda y: 1 / len(np.unique(y)))  # chance, not majority
