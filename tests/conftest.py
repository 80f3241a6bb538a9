"""Shared fixtures: repository paths and a headless matplotlib."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest

matplotlib.use("Agg")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def root() -> Path:
    return ROOT


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")


# Notebooks whose rework for an open issue has not landed yet, with the reason, and the tests
# that encode that rework. Those tests are marked xfail(strict=True) for those notebooks only:
# they must fail now (the notebook is not done, and CI says so in its summary), and the moment
# one passes, strict makes it fail, so the entry is removed when the work lands. Empty when
# every notebook is done.
NOT_YET_REWORKED: dict[str, str] = {
    "05_alexnet": "issues 19-21 not landed for 05: old exercise forms, internal words, "
    "no References",
    "06_vgg_transfer_learning": "issues 18-21 not landed for 06: the photo experiment, old "
    "exercise forms, internal words, no References",
    "07_resnet": "issues 19-21 not landed for 07: the degradation experiment (its rework failed "
    "the residual-56 vs residual-20 test-error claim in standard), old exercise forms",
}
_REWORK = (
    "test_no_internal_vocabulary_in_student_facing_text",
    "test_exercises_follow_the_convention",
    "test_no_old_exercise_forms",
    "test_for_nbval_edition_replays_solutions_at_the_end",
    "test_references_cell_is_rendered_from_the_bibliography",
    "test_nbgrader_export_is_valid",
)
REWORK_TESTS: dict[str, tuple[str, ...]] = {
    "05_alexnet": _REWORK,
    "06_vgg_transfer_learning": (*_REWORK, "test_student_edition_has_no_solution_source"),
    "07_resnet": _REWORK,
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        callspec = getattr(item, "callspec", None)
        if callspec is None:
            continue
        for stem, reason in NOT_YET_REWORKED.items():
            if stem in callspec.id and item.originalname in REWORK_TESTS.get(stem, ()):
                item.add_marker(pytest.mark.xfail(reason=reason, strict=True))
