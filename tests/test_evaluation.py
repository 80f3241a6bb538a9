import numpy as np
import pytest
from scipy import stats
from sklearn.metrics import confusion_matrix, top_k_accuracy_score

from course_utils.evaluation import compare, confusion_counts, mean_ci, top_k_error


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


def test_mean_ci_matches_scipy():
    x = [0.61, 0.64, 0.59, 0.66, 0.62]
    r = mean_ci(x)
    lo, hi = stats.t.interval(0.95, len(x) - 1, loc=np.mean(x), scale=stats.sem(x))
    assert np.isclose(r.low, lo) and np.isclose(r.high, hi) and r.n == 5
    assert np.isclose(r.sd, np.std(x, ddof=1))
    assert r.format() == f"{np.mean(x):.3f} ± {(hi - lo) / 2:.3f}"
    assert r.format(percent=True).endswith(" %") and "n = 5" in str(r)


def test_compare_welch_matches_scipy():
    a = [0.91, 0.93, 0.92, 0.94, 0.90]
    b = [0.70, 0.74, 0.69, 0.75, 0.72, 0.71]
    c = compare(a, b, names=("pretrained", "scratch"))
    t = stats.ttest_ind(a, b, equal_var=False)
    assert np.isclose(c.p_value, t.pvalue)
    assert np.isclose(c.diff, np.mean(a) - np.mean(b))
    ci = t.confidence_interval(0.95)
    assert np.isclose(c.low, ci.low) and np.isclose(c.high, ci.high)
    assert c.sign == 1 and c.resolved and c.verdict == "pretrained higher than scratch"
    assert "Welch, 5 vs 6 runs" in c.describe() and str(c) == c.describe()
    assert compare(b, a).sign == -1


def test_compare_paired_matches_scipy():
    a = np.array([0.62, 0.83, 0.91, 0.94, 0.96])
    b = a - np.array([0.01, 0.02, 0.015, 0.012, 0.018])
    c = compare(a, b, paired=True)
    t = stats.ttest_rel(a, b)
    assert np.isclose(c.p_value, t.pvalue) and c.df == 4 and c.resolved
    assert not compare(a, b).resolved  # unpaired, the split-to-split spread hides the gain


def test_compare_unresolved_within_noise():
    c = compare([0.80, 0.90, 0.85], [0.84, 0.86, 0.83], names=("x", "y"))
    assert c.sign == 0 and not c.resolved and c.verdict.startswith("unresolved")
    assert c.low < 0 < c.high
    assert c.format(percent=True).endswith("]") and "points" in c.format(percent=True)


def test_compare_without_spread_is_exact():
    c = compare([1.0, 1.0], [0.5, 0.5])
    assert c.low == c.high == c.diff == 0.5 and c.p_value == 0.0
    assert compare([1.0, 1.0], [1.0, 1.0]).sign == 0


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"a": [1.0], "b": [1.0, 2.0]}, ValueError),
        ({"a": [[1.0, 2.0]], "b": [1.0, 2.0]}, ValueError),
        ({"a": [1.0, np.nan], "b": [1.0, 2.0]}, ValueError),
        ({"a": [1.0, 2.0], "b": [1.0, 2.0, 3.0], "paired": True}, ValueError),
        ({"a": [1.0, 2.0], "b": [1.0, 2.0], "confidence": 1.5}, ValueError),
        ({"a": [1.0, 2.0], "b": [1.0, 2.0], "names": ("only one",)}, TypeError),
    ],
)
def test_compare_bad_input(kwargs, error):
    with pytest.raises(error):
        compare(**kwargs)
