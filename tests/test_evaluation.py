import numpy as np
import pytest
from sklearn.metrics import confusion_matrix, top_k_accuracy_score

from course_utils.evaluation import confusion_counts, top_k_error


def test_confusion_counts_matches_sklearn():
    rng = np.random.default_rng(0)
    yt, yp = rng.integers(0, 5, 200), rng.integers(0, 5, 200)
    m = confusion_counts(yt, yp, 5)
    assert m.dtype == np.int64 and m.shape == (5, 5) and m.sum() == 200
    assert np.array_equal(m, confusion_matrix(yt, yp, labels=np.arange(5)))


def test_confusion_counts_keeps_unseen_classes():
    m = confusion_counts([0, 0, 1], [0, 1, 1], 4)
    assert m.shape == (4, 4) and m[2:].sum() == 0 and np.trace(m) == 2


@pytest.mark.parametrize(
    "args, error",
    [
        (([0, 1], [0], 2), ValueError),
        (([0, 3], [0, 1], 3), ValueError),
        (([0, -1], [0, 1], 2), ValueError),
        (([0.0, 1.0], [0, 1], 2), TypeError),
        (([0, 1], [0, 1], 1), ValueError),
        (([0, 1], [0, 1], 2.0), TypeError),
        (([], [], 2), ValueError),
    ],
)
def test_confusion_counts_bad_input(args, error):
    with pytest.raises(error):
        confusion_counts(*args)


def test_top_k_error_matches_sklearn():
    rng = np.random.default_rng(1)
    probs = rng.dirichlet(np.ones(6), size=300)
    y = rng.integers(0, 6, 300)
    for k in (1, 2, 3, 6):
        expected = 1 - top_k_accuracy_score(y, probs, k=k, labels=np.arange(6))
        assert top_k_error(probs, y, k) == pytest.approx(expected)
    assert top_k_error(probs, y, 6) == 0.0
    assert top_k_error(probs, y, 1) == pytest.approx(np.mean(probs.argmax(1) != y))


def test_top_k_error_bad_input():
    probs = np.full((2, 3), 1 / 3)
    with pytest.raises(ValueError):
        top_k_error(probs, [0, 1], 0)
    with pytest.raises(ValueError):
        top_k_error(probs, [0, 1], 4)
    with pytest.raises(ValueError):
        top_k_error(probs, [0, 3], 1)
    with pytest.raises(ValueError):
        top_k_error(probs[0], [0], 1)
    with pytest.raises(ValueError):
        top_k_error(probs, [0, 1, 2], 1)
    with pytest.raises(TypeError):
        top_k_error(probs, [0.0, 1.0], 1)
