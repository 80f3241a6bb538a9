"""Class imbalance: making imbalanced data, measuring what accuracy hides, and three fixes.

- :func:`imbalanced_indices` — keep all images but a rare class, cut to a given share.
- :func:`per_class_report` — recall, precision and support per class (scikit-learn).
- :func:`pr_curve` — precision–recall curve and its area (average precision) for one class.
- :func:`class_weights`, :func:`class_weight_vector` — "balanced" weights n / (K · n_k), for
  ``model.fit(class_weight=...)``.
- :func:`oversample_indices` — resample every class (with replacement) up to the largest one.
- :func:`prior_bias` — the output-layer bias that makes an untrained network predict the class
  frequencies (log priors), instead of starting at a uniform guess.
- :func:`group_error_rates` — error rate per group (e.g. per attribute), for bias audits.

No TensorFlow: NumPy and scikit-learn only.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = [
    "class_weight_vector",
    "class_weights",
    "group_error_rates",
    "imbalanced_indices",
    "oversample_indices",
    "per_class_report",
    "pr_curve",
    "prior_bias",
]


def _labels(y: Any, name: str = "y") -> np.ndarray:
    arr = np.asarray(y)
    if arr.dtype == object or not (np.issubdtype(arr.dtype, np.integer) or arr.dtype == bool):
        raise TypeError(f"{name} must hold integer class labels, got dtype {arr.dtype}")
    if arr.ndim != 1 or len(arr) == 0:
        raise ValueError(f"{name} must be a non-empty 1-D array, got shape {arr.shape}")
    if (arr < 0).any():
        raise ValueError(f"{name} must hold labels >= 0")
    return arr.astype(np.int64)


def _n_classes(y: np.ndarray, n_classes: Any) -> int:
    if n_classes is None:
        return int(y.max()) + 1
    if isinstance(n_classes, bool) or not isinstance(n_classes, int | np.integer):
        raise TypeError(f"n_classes must be an integer, got {type(n_classes).__name__}")
    if n_classes < 1 or n_classes <= y.max():
        raise ValueError(f"n_classes must exceed the largest label {y.max()}, got {n_classes}")
    return int(n_classes)


def imbalanced_indices(y: Any, rare_class: int, fraction: float, seed: int = 0) -> np.ndarray:
    """Indices of a subset in which ``rare_class`` makes up ``fraction`` of the examples.

    Every example of the other classes is kept; the rare class is cut (randomly, from ``seed``)
    to ``round(fraction · n_other / (1 - fraction))`` examples (at least 1 when fraction > 0).

    Parameters
    ----------
    y : np.ndarray of int, shape (N,)
        Labels.
    rare_class : int
        The class to make rare.
    fraction : float
        Its share of the result, 0 <= fraction < share it already has.
    seed : int
        Which rare examples are kept.

    Returns
    -------
    np.ndarray of int64, shape (M,)
        Sorted indices into ``y``.
    """
    y = _labels(y)
    if isinstance(rare_class, bool) or not isinstance(rare_class, int | np.integer):
        raise TypeError(f"rare_class must be an integer label, got {type(rare_class).__name__}")
    is_rare = y == rare_class
    if not is_rare.any():
        raise ValueError(f"class {rare_class} does not occur in y")
    if isinstance(fraction, bool) or not isinstance(fraction, int | float | np.floating):
        raise TypeError(f"fraction must be a number, got {type(fraction).__name__}")
    current = is_rare.mean()
    if not 0 <= fraction <= current or fraction >= 1:
        raise ValueError(f"fraction must be in [0, {current:.4f}] (the share class "
                         f"{rare_class} has now), got {fraction}")  # fmt: skip
    n_other = int((~is_rare).sum())
    n_keep = round(fraction * n_other / (1 - fraction))
    if fraction > 0:
        n_keep = max(1, n_keep)
    rng = np.random.default_rng(seed)
    keep = rng.choice(np.flatnonzero(is_rare), size=min(n_keep, int(is_rare.sum())), replace=False)
    return np.sort(np.concatenate([np.flatnonzero(~is_rare), keep])).astype(np.int64)


def per_class_report(y_true: Any, y_pred: Any, n_classes: int | None = None) -> dict:
    """Recall, precision and support of every class (``sklearn.metrics``).

    Parameters
    ----------
    y_true, y_pred : np.ndarray of int, shape (N,)
        True and predicted labels.
    n_classes : int, optional
        Number of classes (default: the largest label + 1 in either array).

    Returns
    -------
    dict
        ``recall``, ``precision`` (float arrays (K,); 0 where a class is never true /
        never predicted), ``support`` (int array (K,)), ``predicted`` (how often each class
        was predicted, (K,)) and ``accuracy`` (float).
    """
    from sklearn.metrics import precision_recall_fscore_support

    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    if t.shape != p.shape:
        raise ValueError(f"y_true and y_pred differ in shape: {t.shape} vs {p.shape}")
    k = _n_classes(np.concatenate([t, p]), n_classes)
    labels = np.arange(k)
    precision, recall, _, support = precision_recall_fscore_support(
        t, p, labels=labels, zero_division=0
    )
    return {
        "recall": recall.astype(float),
        "precision": precision.astype(float),
        "support": support.astype(np.int64),
        "predicted": np.bincount(p, minlength=k).astype(np.int64),
        "accuracy": float(np.mean(t == p)),
    }


def pr_curve(is_positive: Any, scores: Any) -> tuple[np.ndarray, np.ndarray, float]:
    """Precision–recall curve of one class and its area (average precision).

    Parameters
    ----------
    is_positive : np.ndarray of bool or {0, 1}, shape (N,)
        Whether each example belongs to the class.
    scores : np.ndarray of float, shape (N,)
        The model's score for the class (e.g. its probability).

    Returns
    -------
    precision, recall : np.ndarray of float
        The curve (``sklearn.metrics.precision_recall_curve``), recall decreasing.
    pr_auc : float
        Average precision (``sklearn.metrics.average_precision_score``), the usual PR-AUC
        summary; a random ranking scores about the positives' share.
    """
    from sklearn.metrics import average_precision_score, precision_recall_curve

    pos = np.asarray(is_positive)
    s = np.asarray(scores)
    if pos.ndim != 1 or s.shape != pos.shape or len(pos) == 0:
        raise ValueError(f"is_positive and scores must be 1-D of equal length, got "
                         f"{pos.shape} and {s.shape}")  # fmt: skip
    if not (pos.dtype == bool or np.isin(pos, (0, 1)).all()):
        raise ValueError("is_positive must be boolean or 0/1")
    if not np.issubdtype(s.dtype, np.number) or not np.isfinite(s).all():
        raise TypeError("scores must be finite numbers")
    pos = pos.astype(bool)
    if not pos.any():
        raise ValueError("is_positive has no positive example: the curve is undefined")
    precision, recall, _ = precision_recall_curve(pos, s)
    return precision, recall, float(average_precision_score(pos, s))


def class_weight_vector(y: Any, n_classes: int | None = None) -> np.ndarray:
    """Balanced class weights n / (K · n_k) as an array: entry k is class k's weight.

    Every class then contributes the same total weight to the loss. A class with no example
    gets weight 0.

    Parameters
    ----------
    y : np.ndarray of int, shape (N,)
        Training labels.
    n_classes : int, optional
        K (default: largest label + 1).

    Returns
    -------
    np.ndarray of float64, shape (K,)
    """
    y = _labels(y)
    k = _n_classes(y, n_classes)
    counts = np.bincount(y, minlength=k).astype(np.float64)
    return np.divide(len(y), k * counts, out=np.zeros(k), where=counts > 0)


def class_weights(y: Any, n_classes: int | None = None) -> dict[int, float]:
    """Balanced class weights as the dict ``model.fit(class_weight=...)`` expects.

    See :func:`class_weight_vector` (same values; scikit-learn calls this "balanced").

    Returns
    -------
    dict[int, float]
        Class → weight.
    """
    return {c: float(w) for c, w in enumerate(class_weight_vector(y, n_classes))}


def oversample_indices(y: Any, seed: int = 0) -> np.ndarray:
    """Random oversampling: indices with every class resampled up to the largest class.

    Each class keeps all of its examples and draws the rest with replacement; the result is
    shuffled.

    Returns
    -------
    np.ndarray of int64, shape (K_present · max_count,)
    """
    y = _labels(y)
    rng = np.random.default_rng(seed)
    classes, counts = np.unique(y, return_counts=True)
    target = counts.max()
    parts = []
    for c, n in zip(classes, counts, strict=True):
        idx = np.flatnonzero(y == c)
        extra = rng.choice(idx, size=target - n, replace=True) if target > n else idx[:0]
        parts.append(np.concatenate([idx, extra]))
    return rng.permutation(np.concatenate(parts)).astype(np.int64)


def prior_bias(counts: Sequence[int] | np.ndarray, kind: str = "softmax") -> np.ndarray:
    """Output-layer bias so that an untrained network predicts the class frequencies.

    With all weights small, the output is about softmax(b). Choosing b_k = ln(n_k / n) makes
    that the class frequencies, so training does not spend its first steps learning the
    priors (and the first loss is the entropy of the labels, not ln K). For one sigmoid unit
    (binary), b = ln(p / (1 - p)) with p the positives' share.

    Parameters
    ----------
    counts : sequence of int
        Examples per class (K,) — for ``kind="sigmoid"``: (negatives, positives).
    kind : {"softmax", "sigmoid"}

    Returns
    -------
    np.ndarray of float32
        (K,) for softmax, (1,) for sigmoid.
    """
    n = np.asarray(counts)
    if n.dtype == object or not np.issubdtype(n.dtype, np.number):
        raise TypeError(f"counts must be numbers, got dtype {n.dtype}")
    if n.ndim != 1 or len(n) < 2:
        raise ValueError(f"counts must be 1-D with at least two classes, got shape {n.shape}")
    if (n <= 0).any():
        raise ValueError("every class needs a positive count (log of zero)")
    if kind == "softmax":
        return np.log(n / n.sum()).astype(np.float32)
    if kind == "sigmoid":
        if len(n) != 2:
            raise ValueError("kind='sigmoid' needs counts (negatives, positives)")
        return np.array([np.log(n[1] / n[0])], dtype=np.float32)
    raise ValueError(f"kind must be 'softmax' or 'sigmoid', got {kind!r}")


def group_error_rates(y_true: Any, y_pred: Any, groups: Any) -> dict[Any, float]:
    """Error rate (1 - accuracy) within each group.

    Parameters
    ----------
    y_true, y_pred : np.ndarray of int, shape (N,)
        True and predicted labels.
    groups : np.ndarray, shape (N,)
        Group of each example (any hashable values).

    Returns
    -------
    dict
        Group → error rate, groups in sorted order.
    """
    t, p = _labels(y_true, "y_true"), _labels(y_pred, "y_pred")
    g = np.asarray(groups)
    if not (t.shape == p.shape == g.shape):
        raise ValueError(f"y_true, y_pred and groups must have the same shape, got "
                         f"{t.shape}, {p.shape}, {g.shape}")  # fmt: skip
    return {
        (v.item() if hasattr(v, "item") else v): float(np.mean(t[g == v] != p[g == v]))
        for v in np.unique(g)
    }
