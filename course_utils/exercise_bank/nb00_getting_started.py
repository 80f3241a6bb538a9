"""Exercises of notebook 00 (getting started)."""

from __future__ import annotations

import numpy as np

from course_utils.exercises import FunctionExercise, register

NOTEBOOK = "00_getting_started"


def _unit_range_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    return [
        (rng.integers(0, 256, (3, 28, 28), dtype=np.uint8),),  # a batch of digits
        (np.array([[0, 128, 255]], dtype=np.uint8),),  # the extremes
        (rng.integers(0, 256, (5,), dtype=np.uint8),),  # 1-D
        (rng.integers(0, 256, (2, 4, 4, 3), dtype=np.uint8),),  # colour images
    ]


def _to_unit_range(images):
    from course_utils.conv import to_unit_range

    return to_unit_range(images)


register(FunctionExercise(
    "to_unit_range", NOTEBOOK, "to_unit_range", reference=_to_unit_range,
    cases=_unit_range_cases, dtype="float32",
    hint="which dtype do the pixels start in, and which one does a network want?",
))  # fmt: skip


def _one_hot(labels, num_classes):
    labels = np.asarray(labels)
    return np.eye(num_classes, dtype=np.float32)[labels]


def _one_hot_cases() -> list[tuple]:
    rng = np.random.default_rng(1)
    return [
        (np.array([0, 1, 2]), 3),  # the identity
        (np.array([3, 0, 3, 1]), 5),  # unsorted, repeated, classes 2 and 4 absent
        (rng.integers(0, 10, 50), 10),  # a batch of digit labels
        (np.array([1]), 2),  # one example
    ]


register(FunctionExercise(
    "one_hot", NOTEBOOK, "one_hot", reference=_one_hot, cases=_one_hot_cases, dtype="float32",
    hint="the output has one row per label and one column per class; each row has a single 1",
))  # fmt: skip
