"""Exercises of notebook 09 (pitfalls): FGSM, balanced class weights, the majority baseline."""

from __future__ import annotations

import numpy as np

from course_utils.exercises import FunctionExercise, register

NOTEBOOK = "09_pitfalls"


# --------------------------------------------------------------------------- FGSM


def _colour_model(seed: int = 2):
    """A second fixed classifier: 5x7 RGB images → 4 classes (untrained, weights from ``seed``)."""
    import keras

    rng = np.random.default_rng(seed)
    inputs = keras.Input((5, 7, 3))
    h = keras.layers.Conv2D(3, 2, activation="tanh", name="conv")(inputs)
    h = keras.layers.GlobalAveragePooling2D()(h)
    outputs = keras.layers.Dense(4, activation="softmax", name="dense")(h)
    model = keras.Model(inputs, outputs, name="fgsm_exercise_rgb")
    model.set_weights([rng.normal(0, 0.8, w.shape).astype("float32") for w in model.get_weights()])
    return model


def _fgsm_cases() -> list[tuple]:
    from course_utils.attacks import exercise_cases

    cases = list(exercise_cases())  # 6x6 grey images, 3 classes, ε in {0, 0.05, 0.1, 0.3}
    rng = np.random.default_rng(7)
    x = rng.uniform(0, 1, (5, 5, 7, 3)).astype(np.float32)
    x[:, :, 0] = 0.0  # pixels at both ends of the range: clipping matters
    x[:, :, -1] = 1.0
    cases.append((_colour_model(), x, rng.integers(0, 4, 5).astype(np.int64), 0.2))
    return cases


def _fgsm(model, x, y, epsilon):
    from course_utils.attacks import fgsm

    return fgsm(model, x, y, epsilon, clip=(0.0, 1.0))


register(FunctionExercise(
    "fgsm", NOTEBOOK, "FGSM", reference=_fgsm, cases=_fgsm_cases, atol=1e-5,
    hint="which quantity's gradient, with respect to what, and which way makes the network "
         "*more* wrong? Every pixel moves by exactly ε or not at all, and the result is "
         "still an image",
))  # fmt: skip


# --------------------------------------------------------------------------- class weights


def _class_weight_cases() -> list[tuple]:
    rng = np.random.default_rng(3)
    ten = rng.choice(10, 600, p=[0.2, 0.15, 0.15, 0.1, 0.1, 0.1, 0.1, 0.05, 0.045, 0.005])
    return [
        (ten, 10),  # ten classes, one of them rare (as in section 2)
        (np.array([0, 0, 0, 1]), 2),  # binary, 3 to 1
        (np.array([2, 2, 0]), 4),  # classes 1 and 3 never occur: weight 0, no division by zero
        (np.array([1, 1, 1, 1]), 3),  # a single class present
        (np.array([4, 0, 3, 3, 0, 1, 2, 4, 4]), 5),  # unsorted, every class present
    ]


def _class_weights(y, n_classes):
    from course_utils.imbalance import class_weight_vector

    return class_weight_vector(y, n_classes)


register(FunctionExercise(
    "class_weights", NOTEBOOK, "class weights", reference=_class_weights,
    cases=_class_weight_cases,
    hint="count the labels of every class, including classes that never occur; with the "
         "weights applied, each class should add up to the same total",
))  # fmt: skip


# --------------------------------------------------------------------------- majority baseline


def _majority_accuracy(y):
    y = np.asarray(y)
    _, counts = np.unique(y, return_counts=True)
    return float(counts.max() / len(y))


def _majority_cases() -> list[tuple]:
    rng = np.random.default_rng(4)
    return [
        (np.array([0] * 98 + [1] * 2),),  # 2 % positives
        (rng.choice(10, 1000, p=[0.3] + [0.7 / 9] * 9),),  # ten classes, one frequent
        (np.array([3, 3, 7, 7, 7, 9]),),  # labels that do not start at 0
        (np.array([1, 0, 1, 0]),),  # a tie: either class gives the same accuracy
        (np.array([5]),),  # one label
        (np.array([2, 2, 2]),),  # a single class
    ]


register(FunctionExercise(
    "majority_accuracy", NOTEBOOK, "majority accuracy", reference=_majority_accuracy,
    cases=_majority_cases,
    hint="which class would a classifier that ignores the image always answer, and on how "
         "many examples is that right? Labels need not start at 0",
))  # fmt: skip
