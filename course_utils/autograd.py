"""Backpropagation from scratch, twice: a scalar autograd and a NumPy two-layer network.

* :class:`Value` is a number that remembers how it was computed (in the spirit of Karpathy's
  micrograd). ``out.backward()`` walks the computational graph from the output back to the
  inputs and applies the chain rule at every node: each node adds
  ``(d out / d node) · (d node / d input)`` to the ``grad`` of each of its inputs.
* :class:`TwoLayerNet` is the same idea for whole arrays: a 2-layer classifier whose
  :meth:`~TwoLayerNet.gradients` is the backward pass written out by hand.
* :func:`numerical_gradient` checks any gradient by central finite differences.
* :func:`tanh_layer_backward` is one layer's backward pass on its own (an exercise's reference).
* :func:`optimize` runs gradient descent, momentum or Adam on any differentiable function
  (:func:`momentum_step` and :func:`adam_step` are one update each), for drawing their paths.

No TensorFlow here; the notebooks compare against ``tf.GradientTape`` themselves.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

__all__ = [
    "OPTIMIZERS",
    "TwoLayerNet",
    "Value",
    "adam_step",
    "max_relative_error",
    "momentum_step",
    "numerical_gradient",
    "optimize",
    "tanh_layer_backward",
]

#: Optimisers :func:`optimize` knows.
OPTIMIZERS: tuple[str, ...] = ("gd", "momentum", "adam")


class Value:
    """A scalar in a computational graph, with its gradient.

    Parameters
    ----------
    data : float
        The value.
    label : str
        A name shown by :meth:`graph` (e.g. ``"x"``).

    Attributes
    ----------
    grad : float
        ``d(output)/d(self)`` after ``output.backward()``; 0 before.
    """

    def __init__(
        self, data: float, label: str = "", _parents: tuple[Value, ...] = (), _op: str = ""
    ):
        if isinstance(data, bool) or not isinstance(data, int | float | np.number):
            raise TypeError(f"Value holds a number, got {type(data).__name__}")
        if not math.isfinite(data):
            raise ValueError(f"Value must be finite, got {data}")
        self.data = float(data)
        self.grad = 0.0
        self.label = label
        self._parents = _parents
        self._op = _op
        self._backward: Callable[[], None] = lambda: None  # set by the operation that made it

    def __repr__(self) -> str:
        name = f"{self.label}=" if self.label else ""
        return f"Value({name}{self.data:.4g}, grad={self.grad:.4g})"

    @staticmethod
    def _wrap(other) -> Value:
        return other if isinstance(other, Value) else Value(other)

    # --- operations: each sets how to pass its gradient back to its inputs -------------------
    def __add__(self, other) -> Value:
        other = self._wrap(other)
        out = Value(self.data + other.data, _parents=(self, other), _op="+")

        def _backward():  # d(a+b)/da = d(a+b)/db = 1
            self.grad += out.grad
            other.grad += out.grad

        out._backward = _backward
        return out

    def __mul__(self, other) -> Value:
        other = self._wrap(other)
        out = Value(self.data * other.data, _parents=(self, other), _op="*")

        def _backward():  # d(ab)/da = b, d(ab)/db = a
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad

        out._backward = _backward
        return out

    def __pow__(self, k: float) -> Value:
        if isinstance(k, Value) or not isinstance(k, int | float):
            raise TypeError("only a constant number exponent is supported")
        out = Value(self.data**k, _parents=(self,), _op=f"**{k:g}")

        def _backward():  # d(a^k)/da = k a^(k-1)
            self.grad += k * self.data ** (k - 1) * out.grad

        out._backward = _backward
        return out

    def exp(self) -> Value:
        """e to the power of this value."""
        out = Value(math.exp(self.data), _parents=(self,), _op="exp")

        def _backward():  # d(e^a)/da = e^a
            self.grad += out.data * out.grad

        out._backward = _backward
        return out

    def tanh(self) -> Value:
        """Hyperbolic tangent."""
        out = Value(math.tanh(self.data), _parents=(self,), _op="tanh")

        def _backward():  # d tanh(a)/da = 1 - tanh(a)^2
            self.grad += (1.0 - out.data**2) * out.grad

        out._backward = _backward
        return out

    def sigmoid(self) -> Value:
        """Logistic sigmoid 1 / (1 + e^-a), as one node."""
        out = Value(1.0 / (1.0 + math.exp(-self.data)), _parents=(self,), _op="sigmoid")

        def _backward():  # d sigma(a)/da = sigma(a) (1 - sigma(a))
            self.grad += out.data * (1.0 - out.data) * out.grad

        out._backward = _backward
        return out

    def relu(self) -> Value:
        """max(0, a)."""
        out = Value(max(0.0, self.data), _parents=(self,), _op="relu")

        def _backward():
            self.grad += (self.data > 0) * out.grad

        out._backward = _backward
        return out

    def __neg__(self) -> Value:
        return self * -1

    def __sub__(self, other) -> Value:
        return self + (-self._wrap(other))

    def __truediv__(self, other) -> Value:
        return self * self._wrap(other) ** -1

    def __radd__(self, other) -> Value:
        return self + other

    def __rmul__(self, other) -> Value:
        return self * other

    def __rsub__(self, other) -> Value:
        return self._wrap(other) - self

    def __rtruediv__(self, other) -> Value:
        return self._wrap(other) / self

    # --- the backward pass -------------------------------------------------------------------
    def topological_order(self) -> list[Value]:
        """Every node this value depends on, inputs first and ``self`` last."""
        order: list[Value] = []
        seen: set[int] = set()

        def visit(node: Value) -> None:
            if id(node) not in seen:
                seen.add(id(node))
                for parent in node._parents:
                    visit(parent)
                order.append(node)

        visit(self)
        return order

    def backward(self) -> None:
        """Set every node's ``grad`` to d(self)/d(node): the chain rule, applied in reverse."""
        order = self.topological_order()
        for node in order:
            node.grad = 0.0
        self.grad = 1.0
        for node in reversed(order):
            node._backward()

    def graph(self) -> str:
        """The graph as text, one node per line in forward order: label, operation, value, grad."""
        order = self.topological_order()
        names = {id(n): n.label or f"n{i}" for i, n in enumerate(order)}
        lines = []
        for n in order:
            how = f" = {n._op}({', '.join(names[id(p)] for p in n._parents)})" if n._op else ""
            lines.append(f"{names[id(n)]:>4}{how:<22} value {n.data:9.4f}   grad {n.grad:9.4f}")
        return "\n".join(lines)


# ----------------------------------------------------------------------------- arrays


def _check_xy(x, y, d: int, k: int) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != d:
        raise ValueError(f"x must have shape (N, {d}), got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinity")
    y = np.asarray(y)
    if y.shape != (len(x),):
        raise ValueError(f"y must have shape ({len(x)},), got {y.shape}")
    if y.dtype.kind not in "iu" or (y.size and (y.min() < 0 or y.max() >= k)):
        raise ValueError(f"y must hold integer class labels in 0..{k - 1}")
    return x, y.astype(int)


class TwoLayerNet:
    """A 2-layer classifier with a hand-written backward pass.

    Forward: ``h = tanh(x W1 + b1)``, ``z = h W2 + b2``, ``p = softmax(z)``; loss = mean
    cross-entropy ``-log p[y]``.

    Parameters
    ----------
    n_in, n_hidden, n_out : int
        Layer sizes ``d``, ``h`` and number of classes ``k``.
    seed : int
        Seed of the initial weights (Glorot-style scale, zero biases).

    Attributes
    ----------
    params : dict[str, np.ndarray]
        ``W1`` (d, h), ``b1`` (h,), ``W2`` (h, k), ``b2`` (k,); float64.
    """

    def __init__(self, n_in: int, n_hidden: int, n_out: int, seed: int = 0):
        for name, n in (("n_in", n_in), ("n_hidden", n_hidden), ("n_out", n_out)):
            if not isinstance(n, int) or isinstance(n, bool) or n <= 0:
                raise ValueError(f"{name} must be a positive integer, got {n!r}")
        if n_out < 2:
            raise ValueError("n_out must be at least 2 classes")
        rng = np.random.default_rng(seed)
        self.params = {
            "W1": rng.normal(0, np.sqrt(2 / (n_in + n_hidden)), (n_in, n_hidden)),
            "b1": np.zeros(n_hidden),
            "W2": rng.normal(0, np.sqrt(2 / (n_hidden + n_out)), (n_hidden, n_out)),
            "b2": np.zeros(n_out),
        }

    @property
    def shape(self) -> tuple[int, int, int]:
        """(n_in, n_hidden, n_out)."""
        return (*self.params["W1"].shape, self.params["W2"].shape[1])

    def forward(self, x) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """Class probabilities (N, k) and the intermediate arrays the backward pass needs."""
        d, _, k = self.shape
        x, _ = _check_xy(x, np.zeros(len(np.asarray(x)), dtype=int), d, k)
        p = self.params
        h = np.tanh(x @ p["W1"] + p["b1"])  # (N, h)
        z = h @ p["W2"] + p["b2"]  # (N, k)
        z = z - z.max(axis=1, keepdims=True)  # stable softmax
        probs = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return probs, {"x": x, "h": h, "probs": probs}

    def loss(self, x, y) -> float:
        """Mean cross-entropy of labels ``y`` (N,) given inputs ``x`` (N, d)."""
        x, y = _check_xy(x, y, self.shape[0], self.shape[2])
        probs, _ = self.forward(x)
        return float(-np.mean(np.log(probs[np.arange(len(y)), y])))

    def gradients(self, x, y) -> dict[str, np.ndarray]:
        """The backward pass: d loss / d parameter for every entry of :attr:`params`.

        Returns
        -------
        dict[str, np.ndarray]
            Same keys and shapes as :attr:`params`.
        """
        x, y = _check_xy(x, y, self.shape[0], self.shape[2])
        probs, c = self.forward(x)
        n = len(x)
        dz = probs.copy()  # d loss / d z for softmax + cross-entropy: (p - onehot(y)) / N
        dz[np.arange(n), y] -= 1.0
        dz /= n
        dh = dz @ self.params["W2"].T  # back through z = h W2 + b2
        da = dh * (1.0 - c["h"] ** 2)  # back through h = tanh(a)
        return {
            "W2": c["h"].T @ dz,
            "b2": dz.sum(axis=0),
            "W1": c["x"].T @ da,  # back through a = x W1 + b1
            "b1": da.sum(axis=0),
        }

    def fit(self, x, y, epochs: int, lr: float = 0.5) -> list[float]:
        """Full-batch gradient descent; returns the loss before every step (length ``epochs``)."""
        if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs <= 0:
            raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
        if not isinstance(lr, int | float) or not lr > 0:
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        losses = []
        for _ in range(epochs):
            losses.append(self.loss(x, y))
            for name, g in self.gradients(x, y).items():
                self.params[name] -= lr * g
        return losses

    def predict(self, x) -> np.ndarray:
        """Most probable class per row: int64 array of shape (N,)."""
        return self.forward(x)[0].argmax(axis=1)


def numerical_gradient(f: Callable[[], float], params: dict[str, np.ndarray], eps: float = 1e-6):
    """Central finite differences ``(f(θ + ε) - f(θ - ε)) / 2ε`` for every parameter entry.

    Parameters
    ----------
    f : callable
        Takes no argument and returns the loss for the *current* contents of ``params``.
    params : dict[str, np.ndarray]
        Float arrays that ``f`` reads; each entry is nudged in place and restored.
    eps : float
        Step size.

    Returns
    -------
    dict[str, np.ndarray]
        Same keys and shapes as ``params``.
    """
    if not callable(f):
        raise TypeError("f must be a callable returning the loss")
    if not isinstance(params, dict) or not params:
        raise TypeError("params must be a non-empty dict of name -> float array")
    if not eps > 0:
        raise ValueError(f"eps must be positive, got {eps!r}")
    grads = {}
    for name, theta in params.items():
        if not isinstance(theta, np.ndarray) or theta.dtype.kind != "f":
            raise TypeError(f"params[{name!r}] must be a float NumPy array")
        g = np.zeros_like(theta)
        for i in np.ndindex(theta.shape):
            old = theta[i]
            theta[i] = old + eps
            up = f()
            theta[i] = old - eps
            down = f()
            theta[i] = old
            g[i] = (up - down) / (2 * eps)
        grads[name] = g
    return grads


def max_relative_error(a, b, floor: float = 1e-8) -> float:
    """max |a - b| / max(|a| + |b|, floor) over all entries (a scale-free gradient check).

    Parameters
    ----------
    a, b : array-like or dict of arrays with the same keys and shapes

    Returns
    -------
    float
    """
    if isinstance(a, dict) or isinstance(b, dict):
        if not (isinstance(a, dict) and isinstance(b, dict)) or a.keys() != b.keys():
            raise ValueError("both arguments must be dicts with the same keys")
        return max(max_relative_error(a[k], b[k], floor) for k in a)
    a, b = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    if a.shape != b.shape:
        raise ValueError(f"shapes differ: {a.shape} vs {b.shape}")
    if not (np.all(np.isfinite(a)) and np.all(np.isfinite(b))):
        raise ValueError("gradients contain NaN or infinity")
    return float(np.max(np.abs(a - b) / np.maximum(np.abs(a) + np.abs(b), floor), initial=0.0))


def tanh_layer_backward(x, W, b, grad_h) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Backward pass of one layer ``h = tanh(x W + b)``.

    Parameters
    ----------
    x : array-like, shape (N, d)
        The layer's input.
    W : array-like, shape (d, m)
    b : array-like, shape (m,)
    grad_h : array-like, shape (N, m)
        d loss / d h, the gradient arriving from the layers above.

    Returns
    -------
    (grad_W, grad_b, grad_x) : tuple of np.ndarray
        Shapes (d, m), (m,) and (N, d): d loss / d W, d loss / d b and the gradient passed on
        to the layer below.
    """
    x, W, b, grad_h = (np.asarray(a, dtype=float) for a in (x, W, b, grad_h))
    if x.ndim != 2 or W.ndim != 2 or x.shape[1] != W.shape[0]:
        raise ValueError(f"need x (N, d) and W (d, m), got {x.shape} and {W.shape}")
    if b.shape != (W.shape[1],) or grad_h.shape != (len(x), W.shape[1]):
        raise ValueError(f"need b ({W.shape[1]},) and grad_h ({len(x)}, {W.shape[1]})")
    h = np.tanh(x @ W + b)
    grad_a = grad_h * (1.0 - h**2)  # tanh'(a) = 1 - tanh(a)^2
    return x.T @ grad_a, grad_a.sum(axis=0), grad_a @ W.T


def momentum_step(w, v, grad, lr: float, beta: float = 0.9) -> tuple[np.ndarray, np.ndarray]:
    """One step of gradient descent with momentum (Keras' ``SGD(lr, momentum=beta)``).

    ``v <- beta v - lr grad``, then ``w <- w + v``: the velocity ``v`` is a running sum of
    past steps, so consistent directions build up speed and alternating ones cancel.

    Parameters
    ----------
    w, v, grad : array-like, same shape
        Parameters, velocity (start at 0) and the gradient at ``w``.
    lr : float
        Learning rate (> 0).
    beta : float
        Momentum, in [0, 1).

    Returns
    -------
    (w_new, v_new) : tuple[np.ndarray, np.ndarray]
    """
    w, v, grad = (np.asarray(a, dtype=float) for a in (w, v, grad))
    if not (w.shape == v.shape == grad.shape):
        raise ValueError(
            f"w, v and grad must have one shape, got {w.shape}, {v.shape}, {grad.shape}"
        )
    if not lr > 0 or not 0 <= beta < 1:
        raise ValueError(f"need lr > 0 and 0 <= beta < 1, got lr={lr!r}, beta={beta!r}")
    v = beta * v - lr * grad
    return w + v, v


def adam_step(
    w, m, v, grad, t: int, lr: float, beta1: float = 0.9, beta2: float = 0.999, eps: float = 1e-7
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One Adam step (Kingma & Ba, 2015): per-parameter steps scaled by a running RMS gradient.

    ``m`` and ``v`` are running means of the gradient and of its square; with the bias
    corrections of step ``t`` (1, 2, ...), ``w <- w - lr m_hat / sqrt(v_hat)`` (plus a tiny
    ``eps``, placed as Keras does): every parameter moves by about ``lr`` however large or
    small its gradient is.

    Parameters
    ----------
    w, m, v, grad : array-like, same shape
        Parameters, first and second moment estimates (start at 0), gradient at ``w``.
    t : int
        Step number, from 1.
    lr, beta1, beta2, eps : float
        Keras' defaults for the betas and epsilon.

    Returns
    -------
    (w_new, m_new, v_new) : tuple of np.ndarray
    """
    w, m, v, grad = (np.asarray(a, dtype=float) for a in (w, m, v, grad))
    if not (w.shape == m.shape == v.shape == grad.shape):
        raise ValueError("w, m, v and grad must have one shape")
    if not isinstance(t, int) or isinstance(t, bool) or t < 1:
        raise ValueError(f"t must be a step number >= 1, got {t!r}")
    if not lr > 0:
        raise ValueError(f"lr must be positive, got {lr!r}")
    m = beta1 * m + (1 - beta1) * grad
    v = beta2 * v + (1 - beta2) * grad**2
    alpha = lr * np.sqrt(1 - beta2**t) / (1 - beta1**t)  # the bias corrections, folded in
    return w - alpha * m / (np.sqrt(v) + eps), m, v


def optimize(
    grad: Callable[[np.ndarray], np.ndarray],
    start,
    method: str,
    lr: float,
    steps: int,
    beta: float = 0.9,
) -> np.ndarray:
    """The path of an optimiser on a differentiable function.

    Parameters
    ----------
    grad : callable
        Maps parameters (P,) to the gradient (P,).
    start : array-like, shape (P,)
    method : str
        ``"gd"`` (plain gradient descent, Keras ``SGD(lr)``), ``"momentum"`` (``SGD(lr,
        momentum=beta)``) or ``"adam"`` (``Adam(lr)``).
    lr : float
        Learning rate.
    steps : int
        Number of updates (>= 1).
    beta : float
        Momentum (``"momentum"`` only).

    Returns
    -------
    np.ndarray
        float64, shape (steps + 1, P): the start and the parameters after every step.
    """
    if method not in OPTIMIZERS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(OPTIMIZERS)}")
    if not isinstance(steps, int) or isinstance(steps, bool) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    if not callable(grad):
        raise TypeError("grad must be a callable mapping parameters to their gradient")
    w = np.asarray(start, dtype=float).copy()
    m, v = np.zeros_like(w), np.zeros_like(w)
    path = [w.copy()]
    for t in range(1, steps + 1):
        g = np.asarray(grad(w), dtype=float)
        if method == "gd":
            if not lr > 0:
                raise ValueError(f"lr must be positive, got {lr!r}")
            w = w - lr * g
        elif method == "momentum":
            w, m = momentum_step(w, m, g, lr, beta)
        else:
            w, m, v = adam_step(w, m, v, g, t, lr)
        path.append(w.copy())
    return np.array(path)
