"""Exercises of notebook 04 (LeNet-5): shifting images, a confusion matrix, LeNet-5 in Keras."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "04_lenet5"


# --------------------------------------------------------------------------- shift


def _shift(images, dx, dy):
    from course_utils.augment import shift_images

    return shift_images(images, dx, dy)


def _shift_cases() -> list[tuple]:
    rng = np.random.default_rng(4)
    digits = rng.random((4, 28, 28, 1)).astype("float32")
    return [
        (digits, 2, 0),  # right, as in the lecture
        (digits, -3, 1),  # left and down
        (rng.random((3, 9, 7)).astype("float32"), 1, -4),  # no channel axis, not square, up
        (np.arange(2 * 4 * 5).reshape(2, 4, 5), 0, 0),  # no shift at all
        (rng.integers(0, 256, (2, 6, 8, 3), dtype=np.uint8), -2, -2),  # colour, uint8
        (digits[:2], 28, 0),  # everything leaves the frame
        (digits[:2], 0, -30),  # more than the height
        (rng.random((2, 5, 5)), 4, 4),  # a single pixel survives
        (rng.random((1, 6, 9, 2)), -8, 5),  # one image, two channels
    ]


register(FunctionExercise(
    "shift", NOTEBOOK, "shift", reference=_shift, cases=_shift_cases,
    hint="start from an all-zero output of the same shape; a shift copies one rectangle of the "
         "input to another place. Work out, for a positive and for a negative offset, which rows "
         "and columns survive and where they land — and what survives a shift as large as the "
         "image",
))  # fmt: skip


# --------------------------------------------------------------------------- confusion matrix


def _confusion(y_true, y_pred, k):
    from course_utils.evaluation import confusion_counts

    return confusion_counts(y_true, y_pred, k)


def _confusion_cases() -> list[tuple]:
    rng = np.random.default_rng(5)
    return [
        (np.array([0, 1, 1]), np.array([1, 1, 0]), 3),
        (np.array([2, 2]), np.array([2, 0]), 4),  # classes 1 and 3 never occur
        (np.array([0]), np.array([0]), 2),  # a single example
        (np.array([4, 4, 4, 0]), np.array([0, 0, 0, 4]), 6),  # k beyond the largest label
        (rng.integers(0, 10, 500), rng.integers(0, 10, 500), 10),  # a whole test batch
        (np.full(7, 3), np.arange(7) % 5, 5),  # one true class, spread predictions
    ]


register(FunctionExercise(
    "confusion", NOTEBOOK, "confusion", reference=_confusion, cases=_confusion_cases,
    hint="rows are true classes, columns are predictions, and the size comes from k, not from "
         "the labels that happen to occur; every example adds one to exactly one entry, so the "
         "entries add up to the number of examples",
))  # fmt: skip


# --------------------------------------------------------------------------- Keras: LeNet-5

# (input shape, classes): the notebook's digits, and colour images of 26 letters, so that a
# model with the digit case's numbers typed in fails.
_LENET_CASES = (((32, 32, 1), 10), ((32, 32, 3), 26))


def _reference_lenet5(input_shape=(32, 32, 1), num_classes=10):
    """LeNet-5 as in the paper's table, written with keras.layers (ReLU, max pooling)."""
    import keras

    L = keras.layers
    return keras.Sequential([
        keras.Input(tuple(input_shape)),
        L.Conv2D(6, 5, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(16, 5, activation="relu"), L.MaxPooling2D(2),
        L.Conv2D(120, 5, activation="relu"), L.Flatten(),
        L.Dense(84, activation="relu"), L.Dense(num_classes, activation="softmax"),
    ], name="my_lenet5")  # fmt: skip


def _expected_params(input_shape, num_classes) -> int:
    """C1 + C3 + C5 + F6 + OUTPUT of the fully connected LeNet-5, from the formulas."""
    c = input_shape[2]
    return (6 * (25 * c + 1) + 16 * (25 * 6 + 1) + 120 * (25 * 16 + 1) + 84 * (120 + 1)
            + num_classes * (84 + 1))  # fmt: skip


def _shape_chain(model) -> list[tuple[int, ...]]:
    """Output shapes of the model's layers (batch axis dropped; Flatten layers skipped,
    consecutive repeats merged, 1x1 maps read as vectors), so that ``Conv2D(120, 5)`` and
    ``Flatten + Dense(120)`` — the same layer on a 5x5 input — look alike."""
    import keras

    chain: list[tuple[int, ...]] = []
    for layer in model.layers:
        if isinstance(layer, keras.layers.InputLayer | keras.layers.Flatten):
            continue  # a Flatten only re-arranges the maps above it
        shape = tuple(int(v) for v in layer.output.shape[1:])
        if len(shape) == 3 and shape[:2] == (1, 1):
            shape = (shape[2],)
        if not chain or chain[-1] != shape:
            chain.append(shape)
    return chain


def _fmt(shapes) -> str:
    return " → ".join("x".join(map(str, s)) for s in shapes)


def _check_lenet5(build: Any, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(build):
        say(f"expected a function that returns a Keras model, got {type(build).__name__}")
        return False
    for i, (shape, classes) in enumerate(_LENET_CASES):
        call = f"build_lenet5({shape}, {classes})"
        try:
            model = build(shape, classes)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            say(f"{call} raised {type(err).__name__}: {err}")
            return False
        if model is None:
            if i == 0:
                raise NotAttempted("your function returns nothing; write its body")
            say(f"{call} returned None")
            return False
        if not isinstance(model, keras.Model):
            say(f"{call} returned a {type(model).__name__}, not a Keras model")
            return False
        if model.name.startswith("lenet5_"):
            say("this model comes from cu.models.lenet5: write the layers yourself")
            return False
        if tuple(model.inputs[0].shape[1:]) != shape:
            say(f"{call}: the model takes inputs of shape {tuple(model.inputs[0].shape[1:])}, "
                f"expected {shape}")  # fmt: skip
            return False
        want = [(28, 28, 6), (14, 14, 6), (10, 10, 16), (5, 5, 16), (120,), (84,), (classes,)]
        try:
            got = _shape_chain(model)
        except (AttributeError, ValueError, TypeError):
            say(f"{call}: cannot read the layers' output shapes; build a keras.Sequential "
                "(or functional) model that starts with keras.Input")
            return False
        if got != want:
            say(f"{call}: layer outputs {_fmt(got)}; the paper's table gives {_fmt(want)}")
            return False
        n, n_want = model.count_params(), _expected_params(shape, classes)
        if n != n_want:
            say(f"{call}: {n:,} parameters, expected {n_want:,}")
            return False
        x = np.random.default_rng(i).random((3, *shape)).astype("float32")
        probs = np.asarray(model(x))
        if probs.shape != (3, classes) or not np.allclose(probs.sum(axis=1), 1, atol=1e-4) \
                or probs.min() < 0:
            say(f"{call}: the outputs should be class probabilities (non-negative, summing to 1)")
            return False
        say(f"input {'x'.join(map(str, shape))}: {_fmt(got)}, {n:,} parameters, probabilities out")
    return True


register(CustomExercise(
    "lenet5_keras", NOTEBOOK, "LeNet-5 in Keras", checker=_check_lenet5,
    example=lambda: _reference_lenet5,
    hint="read the table one row at a time: which Keras layer does each row describe, and "
         "which of its arguments set the number of maps and the window? A 5x5 'valid' "
         "convolution takes 4 pixels off each side length; count one layer's parameters by "
         "hand and compare with model.summary()",
))  # fmt: skip
