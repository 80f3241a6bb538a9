"""Evaluating beyond one number: confusion counts, top-k error, and comparing variants over runs.

:func:`compare` is the course's one rule for "clearly different" vs "within noise": the
difference of two variants' mean results with a 95 % confidence interval (Welch, or paired
when runs share seeds or splits), and a verdict that is "unresolved" when the interval
contains 0. :func:`mean_ci` gives one variant's mean with its interval.

``confusion_counts`` and ``top_k_error`` are also the references of exercises (see
:mod:`course_utils.exercise_bank`). NumPy, and SciPy for the t quantiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["Comparison", "MeanCI", "compare", "confusion_counts", "mean_ci", "top_k_error"]


def _labels(y: Any, name: str) -> np.ndarray:
    arr = np.asarray(y)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array of labels, got shape {arr.shape}")
    if not np.issubdtype(arr.dtype, np.integer):
        raise TypeError(f"{name} must hold integer labels, got dtype {arr.dtype}")
    if arr.min() < 0:
        raise ValueError(f"{name} has negative labels")
    return arr.astype(np.int64)


def confusion_counts(y_true: Any, y_pred: Any, num_classes: int) -> np.ndarray:
    """Count how often each true class (row) was predicted as each class (column).

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (N,)
        True and predicted labels in 0..num_classes-1.
    num_classes : int
        K, the size of the matrix (classes that never occur get zero rows/columns).

    Returns
    -------
    np.ndarray of int64, shape (K, K)
        ``m[i, j]`` = number of examples of class i predicted as j; ``m.sum() == N`` and the
        diagonal holds the correct answers.
    """
    if isinstance(num_classes, bool) or not isinstance(num_classes, int | np.integer):
        raise TypeError(f"num_classes must be an integer, got {num_classes!r}")
    if num_classes < 2:
        raise ValueError(f"num_classes must be >= 2, got {num_classes}")
    yt, yp = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if len(yt) != len(yp):
        raise ValueError(f"y_true has {len(yt)} labels but y_pred has {len(yp)}")
    if max(yt.max(), yp.max()) >= num_classes:
        raise ValueError(f"labels must lie in 0..{num_classes - 1}")
    counts = np.zeros((num_classes, num_classes), dtype=np.int64)
    np.add.at(counts, (yt, yp), 1)
    return counts


def top_k_error(probs: Any, y_true: Any, k: int) -> float:
    """Fraction of examples whose true class is *not* among the k highest scores.

    ILSVRC ranked entries by the top-5 error (k = 5); the top-1 error is 1 - accuracy.

    Parameters
    ----------
    probs : array-like of float, shape (N, K)
        Class scores or probabilities (only their order matters).
    y_true : array-like of int, shape (N,)
        True labels in 0..K-1.
    k : int
        How many guesses count, 1 <= k <= K.

    Returns
    -------
    float
        Error in [0, 1]. Ties are broken by a stable sort (the lower class index wins).
    """
    p = np.asarray(probs, dtype=float)
    if p.ndim != 2 or p.shape[0] == 0:
        raise ValueError(f"probs must have shape (N, K) with N > 0, got {p.shape}")
    y = _labels(y_true, "y_true")
    if len(y) != len(p):
        raise ValueError(f"probs has {len(p)} rows but y_true has {len(y)} labels")
    if y.max() >= p.shape[1]:
        raise ValueError(f"labels must lie in 0..{p.shape[1] - 1}")
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= p.shape[1]:
        raise ValueError(f"k must be an integer in 1..{p.shape[1]}, got {k!r}")
    top = np.argsort(-p, axis=1, kind="stable")[:, :k]
    return float(1.0 - (top == y[:, None]).any(axis=1).mean())


# --------------------------------------------------------------------------------------------
# Comparing two variants over several seeds or splits
# --------------------------------------------------------------------------------------------


def _runs(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values, dtype=float)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be a 1-D sequence of per-run results, got shape {arr.shape}")
    if arr.size < 2:
        raise ValueError(f"{name} needs at least 2 runs to estimate noise, got {arr.size}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def _check_confidence(confidence: float) -> None:
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must lie strictly between 0 and 1, got {confidence!r}")


@dataclass(frozen=True)
class MeanCI:
    """Mean of several runs with a t-based confidence interval (see :func:`mean_ci`)."""

    mean: float
    low: float
    high: float
    sd: float
    n: int
    confidence: float

    @property
    def half_width(self) -> float:
        """Half the interval's width: the "±" number."""
        return (self.high - self.low) / 2

    def format(self, percent: bool = False, digits: int | None = None) -> str:
        """``"0.912 ± 0.011"`` (or ``"91.2 ± 1.1 %"`` with ``percent=True``)."""
        scale, unit = (100.0, " %") if percent else (1.0, "")
        d = (1 if percent else 3) if digits is None else digits
        return f"{self.mean * scale:.{d}f} ± {self.half_width * scale:.{d}f}{unit}"

    def __str__(self) -> str:
        return f"{self.format()} ({self.confidence:.0%} CI, n = {self.n})"


def mean_ci(values: Any, confidence: float = 0.95) -> MeanCI:
    """Mean of per-run results with a Student-t confidence interval.

    Parameters
    ----------
    values : array-like of float, shape (n,)
        One result per seed or split, n >= 2.
    confidence : float
        Coverage of the interval, 0.95 by default.

    Returns
    -------
    MeanCI
        ``mean``, ``low``, ``high``, the sample standard deviation ``sd`` (ddof = 1) and ``n``.
    """
    from scipy import stats

    _check_confidence(confidence)
    x = _runs(values, "values")
    sd = float(x.std(ddof=1))
    half = float(stats.t.ppf(0.5 + confidence / 2, x.size - 1)) * sd / np.sqrt(x.size)
    m = float(x.mean())
    return MeanCI(m, m - half, m + half, sd, int(x.size), confidence)


@dataclass(frozen=True)
class Comparison:
    """Result of :func:`compare`: is variant ``a`` higher than ``b``, lower, or unresolved?"""

    name_a: str
    name_b: str
    a: MeanCI
    b: MeanCI
    diff: float
    low: float
    high: float
    df: float
    p_value: float
    paired: bool
    confidence: float

    @property
    def sign(self) -> int:
        """+1 when the interval lies above 0 (a > b), -1 below (a < b), 0 when it contains 0."""
        return 1 if self.low > 0 else -1 if self.high < 0 else 0

    @property
    def resolved(self) -> bool:
        """True when the interval excludes 0: the runs tell the two variants apart."""
        return self.sign != 0

    @property
    def verdict(self) -> str:
        """One phrase: ``"a higher than b"``, ``"a lower than b"`` or ``"unresolved: …"``."""
        if self.sign > 0:
            return f"{self.name_a} higher than {self.name_b}"
        if self.sign < 0:
            return f"{self.name_a} lower than {self.name_b}"
        return f"unresolved: {self.name_a} and {self.name_b} differ by less than the noise"

    def format(self, percent: bool = False, digits: int | None = None) -> str:
        """The difference and its interval, e.g. ``"+25.3 points [+21.0, +29.5]"``."""
        scale, unit = (100.0, " points") if percent else (1.0, "")
        d = (1 if percent else 3) if digits is None else digits
        return (
            f"{self.diff * scale:+.{d}f}{unit} "
            f"[{self.low * scale:+.{d}f}, {self.high * scale:+.{d}f}]"
        )

    def describe(self, percent: bool = False, digits: int | None = None) -> str:
        """A sentence for prose: difference, interval, test and verdict."""
        if self.paired:
            test = f"paired t, {self.a.n} pairs"
        else:
            test = f"Welch, {self.a.n} vs {self.b.n} runs"
        return (
            f"{self.name_a} − {self.name_b} = {self.format(percent, digits)} "
            f"({self.confidence:.0%} CI, {test}): {self.verdict}"
        )

    def __str__(self) -> str:
        return self.describe()


def compare(
    a: Any,
    b: Any,
    names: tuple[str, str] = ("a", "b"),
    paired: bool = False,
    confidence: float = 0.95,
) -> Comparison:
    """Compare two variants from their per-seed (or per-split) results.

    The difference of the means, ``mean(a) - mean(b)``, gets a confidence interval: Welch's
    (unequal variances, Welch-Satterthwaite degrees of freedom) for independent runs, or a
    paired t interval when ``paired=True`` (run i of ``a`` and run i of ``b`` share a seed or
    a data split). The verdict is "higher" or "lower" only when the interval excludes 0;
    otherwise the runs cannot tell the variants apart and the verdict says "unresolved".

    Parameters
    ----------
    a, b : array-like of float, shape (n_a,) and (n_b,)
        One result per run, at least 2 each (equal lengths when ``paired``).
    names : tuple of str
        The variants' names, used in the verdict.
    paired : bool
        Runs are matched pairs (same seeds or splits).
    confidence : float
        Coverage of the interval, 0.95 by default.

    Returns
    -------
    Comparison
        ``diff``, ``low``, ``high``, ``df``, ``p_value`` (two-sided), ``sign`` (+1, -1 or 0),
        ``resolved``, ``verdict`` and ``describe()`` for prose.
    """
    from scipy import stats

    _check_confidence(confidence)
    if not (isinstance(names, tuple | list) and len(names) == 2
            and all(isinstance(n, str) and n for n in names)):  # fmt: skip
        raise TypeError(f"names must be two non-empty strings, got {names!r}")
    xa, xb = _runs(a, names[0]), _runs(b, names[1])
    if paired:
        if xa.size != xb.size:
            raise ValueError(f"paired runs need equal lengths, got {xa.size} and {xb.size}")
        d = xa - xb
        df = float(d.size - 1)
        se = float(d.std(ddof=1)) / np.sqrt(d.size)
    else:
        va, vb = xa.var(ddof=1) / xa.size, xb.var(ddof=1) / xb.size
        se = float(np.sqrt(va + vb))
        denom = va**2 / (xa.size - 1) + vb**2 / (xb.size - 1)
        df = float((va + vb) ** 2 / denom) if denom > 0 else float(xa.size + xb.size - 2)
    diff = float(xa.mean() - xb.mean())
    if se > 0:
        half = float(stats.t.ppf(0.5 + confidence / 2, df)) * se
        p = float(2 * stats.t.sf(abs(diff) / se, df))
    else:  # no spread at all: the difference is exact
        half, p = 0.0, (1.0 if diff == 0 else 0.0)
    return Comparison(
        str(names[0]), str(names[1]), mean_ci(xa, confidence), mean_ci(xb, confidence),
        diff, diff - half, diff + half, df, p, bool(paired), confidence,
    )  # fmt: skip
