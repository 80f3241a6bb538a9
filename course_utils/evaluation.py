"""Evaluating a classifier beyond one accuracy number: confusion counts and top-k error.

Reference implementations for the notebooks' exercises (students write their own and
:func:`course_utils.exercises.check_function` compares them with these). NumPy only.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["confusion_counts", "top_k_error"]


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
