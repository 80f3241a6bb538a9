"""Activation functions, their derivatives, softmax and the course's cost functions (NumPy).

Everything works element-wise on float arrays of any shape, except :func:`softmax` and the
cross-entropies, which work along the last axis (one row of class scores per example).
No TensorFlow here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "ACTIVATIONS",
    "activation",
    "cross_entropy",
    "cross_entropy_from_logits",
    "derivative",
    "leaky_relu",
    "log_softmax",
    "quadratic_cost",
    "relu",
    "sigmoid",
    "softmax",
    "step",
]

LEAKY_SLOPE = 0.01


def _float_array(z, name: str = "z") -> np.ndarray:
    if isinstance(z, str) or (isinstance(z, np.ndarray) and z.dtype.kind not in "biuf"):
        raise TypeError(f"{name} must be numeric, got {getattr(z, 'dtype', type(z).__name__)}")
    try:
        arr = np.asarray(z, dtype=float)
    except (TypeError, ValueError) as err:
        raise TypeError(f"{name} must be numeric: {err}") from None
    if np.isnan(arr).any():
        raise ValueError(f"{name} contains NaN")
    return arr


def step(z) -> np.ndarray:
    """Heaviside step: 1.0 where ``z >= 0``, else 0.0 (float64, shape of ``z``)."""
    return (_float_array(z) >= 0).astype(float)


def sigmoid(z) -> np.ndarray:
    """Logistic function 1 / (1 + e^-z), computed without overflow for large |z|."""
    z = _float_array(z)
    e = np.exp(-np.abs(z))  # in (0, 1]: never overflows
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def relu(z) -> np.ndarray:
    """Rectified linear unit max(0, z)."""
    return np.maximum(_float_array(z), 0.0)


def leaky_relu(z, slope: float = LEAKY_SLOPE) -> np.ndarray:
    """z where z > 0, ``slope``·z elsewhere."""
    z = _float_array(z)
    return np.where(z > 0, z, slope * z)


#: name -> (function, derivative). The step's derivative is 0 everywhere it exists (it is
#: undefined at 0), which is why gradient descent cannot train threshold units.
_Fn = Callable[[np.ndarray], np.ndarray]
ACTIVATIONS: dict[str, tuple[_Fn, _Fn]] = {
    "step": (step, lambda z: np.zeros_like(_float_array(z))),
    "sigmoid": (sigmoid, lambda z: sigmoid(z) * (1.0 - sigmoid(z))),
    "tanh": (lambda z: np.tanh(_float_array(z)), lambda z: 1.0 - np.tanh(_float_array(z)) ** 2),
    "relu": (relu, lambda z: (_float_array(z) > 0).astype(float)),
    "leaky_relu": (leaky_relu, lambda z: np.where(_float_array(z) > 0, 1.0, LEAKY_SLOPE)),
}


def _lookup(name: str):
    if not isinstance(name, str):
        raise TypeError(f"activation name must be a string, got {type(name).__name__}")
    if name not in ACTIVATIONS:
        raise ValueError(f"unknown activation {name!r}; choose one of {', '.join(ACTIVATIONS)}")
    return ACTIVATIONS[name]


def activation(name: str, z) -> np.ndarray:
    """Apply activation ``name`` (a key of :data:`ACTIVATIONS`) to ``z`` element-wise.

    Returns
    -------
    np.ndarray
        float64, shape of ``z``.
    """
    return _lookup(name)[0](z)


def derivative(name: str, z) -> np.ndarray:
    """Derivative of activation ``name`` at ``z`` (float64, shape of ``z``)."""
    return _lookup(name)[1](z)


def _logits(z) -> np.ndarray:
    z = _float_array(z, "logits")
    if z.ndim == 0:
        raise ValueError("softmax needs at least one class score, got a scalar")
    if not np.all(np.isfinite(z)):
        raise ValueError("logits contain infinity")
    return z


def log_softmax(z) -> np.ndarray:
    """log softmax along the last axis, stable for any finite scores (shape of ``z``)."""
    z = _logits(z)
    shifted = z - z.max(axis=-1, keepdims=True)  # the largest score becomes 0: exp cannot overflow
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


def softmax(z) -> np.ndarray:
    """Softmax along the last axis: ``exp(z_i) / sum_j exp(z_j)``, computed stably.

    Parameters
    ----------
    z : array-like, shape (..., K)
        Class scores (logits).

    Returns
    -------
    np.ndarray
        float64 probabilities, shape of ``z``, each row summing to 1.
    """
    return np.exp(log_softmax(z))


def _labels(labels, n: int, k: int) -> np.ndarray:
    y = np.asarray(labels)
    if y.shape != (n,):
        raise ValueError(f"labels must have shape ({n},), got {y.shape}")
    if y.dtype.kind not in "iu":
        if y.dtype.kind == "f" and np.all(np.isfinite(y)) and np.all(y == np.round(y)):
            y = y.astype(int)
        else:
            raise ValueError("labels must be integer class indices")
    if y.size and (y.min() < 0 or y.max() >= k):
        raise ValueError(f"labels must lie in 0..{k - 1}")
    return y.astype(int)


def cross_entropy(probs, labels, eps: float = 1e-12) -> float:
    """Mean negative log-likelihood of the true classes under predicted probabilities.

    Parameters
    ----------
    probs : array-like, shape (N, K)
        Rows of class probabilities (each summing to 1).
    labels : array-like of int, shape (N,)
        True classes in 0..K-1.
    eps : float
        Probabilities are clipped to at least ``eps`` so that log(0) stays finite.

    Returns
    -------
    float
    """
    p = _float_array(probs, "probs")
    if p.ndim != 2:
        raise ValueError(f"probs must have shape (N, K), got {p.shape}")
    if np.any(p < 0) or np.any(p > 1) or not np.allclose(p.sum(axis=1), 1.0, atol=1e-6):
        raise ValueError("each row of probs must be probabilities summing to 1")
    y = _labels(labels, *p.shape)
    return float(-np.mean(np.log(np.clip(p[np.arange(len(y)), y], eps, 1.0))))


def cross_entropy_from_logits(logits, labels) -> float:
    """Mean cross-entropy computed from scores via :func:`log_softmax` (never takes log(0)).

    Parameters
    ----------
    logits : array-like, shape (N, K)
    labels : array-like of int, shape (N,)

    Returns
    -------
    float
    """
    z = _logits(logits)
    if z.ndim != 2:
        raise ValueError(f"logits must have shape (N, K), got {z.shape}")
    y = _labels(labels, *z.shape)
    return float(-np.mean(log_softmax(z)[np.arange(len(y)), y]))


def quadratic_cost(targets, outputs) -> float:
    """Quadratic cost (half the mean squared error): ``C = 1/(2n) · sum (t - a)^2``.

    Parameters
    ----------
    targets, outputs : array-like, same shape (n,) or (n, k)
        Desired and actual network outputs, one row per example.

    Returns
    -------
    float
    """
    t, a = _float_array(targets, "targets"), _float_array(outputs, "outputs")
    if t.shape != a.shape:
        raise ValueError(f"targets {t.shape} and outputs {a.shape} differ in shape")
    if t.ndim == 0 or len(t) == 0:
        raise ValueError("need at least one example")
    if not (np.all(np.isfinite(t)) and np.all(np.isfinite(a))):
        raise ValueError("targets and outputs must be finite")
    return float(np.sum((t - a) ** 2) / (2 * len(t)))
