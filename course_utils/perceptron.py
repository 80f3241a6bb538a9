"""Threshold units, logic gates and Rosenblatt's perceptron, from scratch in NumPy.

The unit computes ``a = hardlim(w · p + b)`` with ``hardlim(n) = 1 if n >= 0 else 0``.
:class:`Perceptron` learns ``w`` and ``b`` with the rule ``w <- w + (t - a) p``,
``b <- b + (t - a)`` and records every presentation, so a notebook can print the trace as a
table or step through it with a widget (:func:`plot_state`). No TensorFlow here.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "GATES",
    "HAND_WEIGHTS",
    "LOGIC_INPUTS",
    "Perceptron",
    "Step",
    "binary_inputs",
    "boundary_points",
    "describe_step",
    "first_clean_epoch",
    "format_trace",
    "gate",
    "hardlim",
    "plot_boundary",
    "plot_state",
    "plot_step",
    "rule_update",
    "threshold_unit",
    "truth_table",
    "xor_network",
]

#: The four binary input pairs, shape (4, 2), in truth-table order.
LOGIC_INPUTS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)

#: Target column of each two-input gate, in the order of :data:`LOGIC_INPUTS`.
GATES: dict[str, np.ndarray] = {
    "AND": np.array([0, 0, 0, 1]),
    "OR": np.array([0, 1, 1, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "XOR": np.array([0, 1, 1, 0]),
}

#: Hand-chosen (w, b) per gate. NAND is the unit of Clinton's talk "Neural networks for
#: biomedical image analysis" (-2, -2, bias 3); OR is the w = [0.5, 0.5], b = -0.25 of
#: Karagiannis's "Deep Learning Workshop" slides. XOR has none: no single unit computes it.
HAND_WEIGHTS: dict[str, tuple[np.ndarray, float]] = {
    "AND": (np.array([1.0, 1.0]), -1.5),
    "OR": (np.array([0.5, 0.5]), -0.25),
    "NAND": (np.array([-2.0, -2.0]), 3.0),
}


def binary_inputs(n: int) -> np.ndarray:
    """Every input of an ``n``-input logic unit: the 2**n binary rows in truth-table order.

    Parameters
    ----------
    n : int
        Number of inputs, 1 to 16.

    Returns
    -------
    np.ndarray
        float64 of shape (2**n, n); row i is i written in binary (first column most
        significant), so ``binary_inputs(2)`` equals :data:`LOGIC_INPUTS`.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    if not 1 <= n <= 16:
        raise ValueError(f"n must be between 1 and 16, got {n}")
    rows = np.arange(2**n)[:, None] >> np.arange(n - 1, -1, -1)[None, :]
    return (rows & 1).astype(float)


def _as_inputs(x, d: int | None = None, name: str = "x") -> np.ndarray:
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 2:
        raise ValueError(f"{name} must have shape (N, d), got {arr.shape}")
    if d is not None and arr.shape[1] != d:
        raise ValueError(f"{name} has {arr.shape[1]} features but the weights expect {d}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def _as_weights(w, name: str = "w") -> np.ndarray:
    arr = np.asarray(w, dtype=float)
    if arr.ndim != 1 or arr.size == 0:
        raise ValueError(f"{name} must be a non-empty vector of shape (d,), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} contains NaN or infinity")
    return arr


def _as_bias(b) -> float:
    if isinstance(b, bool) or not isinstance(b, int | float | np.number):
        raise TypeError(f"bias must be a number, got {type(b).__name__}")
    if not np.isfinite(b):
        raise ValueError("bias must be finite")
    return float(b)


def _as_targets(t, n: int) -> np.ndarray:
    arr = np.asarray(t)
    if arr.shape != (n,):
        raise ValueError(f"targets must have shape ({n},), got {arr.shape}")
    if not np.all(np.isin(arr, (0, 1))):
        raise ValueError(f"targets must be 0 or 1, got values {np.unique(arr)[:5]}")
    return arr.astype(int)


def hardlim(n) -> np.ndarray:
    """The hard-limit (step) transfer function: 1 where ``n >= 0``, else 0.

    Parameters
    ----------
    n : array-like of float, any shape
        Net inputs ``w · p + b``.

    Returns
    -------
    np.ndarray
        int64 array of 0/1 with the shape of ``n``.
    """
    arr = np.asarray(n, dtype=float)
    if np.isnan(arr).any():
        raise ValueError("hardlim got NaN")
    return (arr >= 0).astype(np.int64)


def threshold_unit(x, w, b: float) -> np.ndarray:
    """Output of a McCulloch–Pitts threshold unit for every row of ``x``.

    Parameters
    ----------
    x : array-like, shape (N, d)
        Inputs, one example per row.
    w : array-like, shape (d,)
        Weights.
    b : float
        Bias (minus the unit's threshold).

    Returns
    -------
    np.ndarray
        int64 outputs 0/1, shape (N,).
    """
    w = _as_weights(w)
    x = _as_inputs(x, len(w))
    return hardlim(x @ w + _as_bias(b))


def gate(name: str, x=None) -> np.ndarray:
    """Evaluate the hand-wired unit of gate ``name`` (a key of :data:`HAND_WEIGHTS`).

    Parameters
    ----------
    name : str
        ``"AND"``, ``"OR"`` or ``"NAND"``.
    x : array-like, shape (N, 2), optional
        Binary inputs; default :data:`LOGIC_INPUTS`.

    Returns
    -------
    np.ndarray
        int64 outputs 0/1, shape (N,).
    """
    if name not in HAND_WEIGHTS:
        raise ValueError(
            f"no hand-wired unit for {name!r}; choose one of {', '.join(HAND_WEIGHTS)}"
        )
    w, b = HAND_WEIGHTS[name]
    return threshold_unit(LOGIC_INPUTS if x is None else x, w, b)


def truth_table(outputs, name: str = "out") -> str:
    """Format a two-input truth table as text.

    Parameters
    ----------
    outputs : array-like of 0/1, shape (4,) or dict[str, array-like of shape (4,)]
        One output column (or several, by name) in the order of :data:`LOGIC_INPUTS`.
    name : str
        Column header when ``outputs`` is a single column.

    Returns
    -------
    str
        One header line and four rows ``x1 x2 | out``.
    """
    columns = outputs if isinstance(outputs, dict) else {name: outputs}
    if not columns:
        raise ValueError("no output column given")
    cols = {k: np.asarray(v) for k, v in columns.items()}
    for k, v in cols.items():
        if v.shape != (4,) or not np.all(np.isin(v, (0, 1))):
            raise ValueError(f"column {k!r} must be four 0/1 values, got {v!r}")
    widths = {k: max(len(k), 1) for k in cols}
    lines = ["x1 x2 | " + " ".join(k.rjust(widths[k]) for k in cols)]
    for i, (x1, x2) in enumerate(LOGIC_INPUTS.astype(int)):
        lines.append(
            f" {x1}  {x2} | " + " ".join(str(int(v[i])).rjust(widths[k]) for k, v in cols.items())
        )
    return "\n".join(lines)


@dataclass(frozen=True)
class Step:
    """One presentation of one training example to the perceptron.

    Attributes
    ----------
    epoch : int
        1-based pass over the data.
    index : int
        0-based row of the example in the training inputs.
    p : np.ndarray
        The example, shape (d,).
    t : int
        Its target, 0 or 1.
    a : int
        The perceptron's output before the update.
    w_before, w_after : np.ndarray
        Weights before and after the update, shape (d,).
    b_before, b_after : float
        Bias before and after the update (0 throughout without a bias).
    """

    epoch: int
    index: int
    p: np.ndarray
    t: int
    a: int
    w_before: np.ndarray
    w_after: np.ndarray
    b_before: float
    b_after: float

    @property
    def n(self) -> float:
        """The net input ``w_before · p + b_before`` the output ``a`` came from."""
        return float(self.w_before @ self.p + self.b_before)

    @property
    def e(self) -> int:
        """The error ``t - a`` (-1, 0 or +1)."""
        return self.t - self.a

    @property
    def updated(self) -> bool:
        """True if the example was misclassified, so the weights changed."""
        return self.e != 0


class Perceptron:
    """Rosenblatt's perceptron with the unified learning rule.

    ``a = hardlim(w · p + b)``; on each example ``e = t - a``, ``w <- w + lr·e·p`` and, with a
    bias, ``b <- b + lr·e``. Every presentation is recorded in :attr:`history_`.

    Parameters
    ----------
    w_init : array-like, shape (d,), optional
        Starting weights (default: zeros).
    b_init : float
        Starting bias.
    use_bias : bool
        Learn a bias; ``False`` keeps ``b = 0`` (boundary through the origin).
    lr : float
        Learning rate (1 in the classic rule; any positive value works).

    Attributes
    ----------
    w_ : np.ndarray, shape (d,)
    b_ : float
    history_ : list[Step]
        Every presentation, in order.
    errors_ : list[int]
        Misclassifications (= updates) in each epoch.
    converged_epoch_ : int or None
        The first epoch (1-based) in which no example was misclassified.
    """

    def __init__(self, w_init=None, b_init: float = 0.0, use_bias: bool = True, lr: float = 1.0):
        self.w_init = None if w_init is None else _as_weights(w_init, "w_init")
        self.b_init = _as_bias(b_init)
        if not use_bias and self.b_init != 0:
            raise ValueError("b_init must be 0 when use_bias=False")
        if not isinstance(lr, int | float) or isinstance(lr, bool) or not lr > 0:
            raise ValueError(f"lr must be a positive number, got {lr!r}")
        self.use_bias = bool(use_bias)
        self.lr = float(lr)
        self.w_: np.ndarray | None = None
        self.b_ = self.b_init
        self.history_: list[Step] = []
        self.errors_: list[int] = []
        self.converged_epoch_: int | None = None

    @property
    def trace(self) -> list[Step]:
        """Only the presentations that changed the weights."""
        return [s for s in self.history_ if s.updated]

    def _start(self, d: int) -> None:
        if self.w_init is not None and len(self.w_init) != d:
            raise ValueError(f"w_init has {len(self.w_init)} weights but x has {d} features")
        self.w_ = np.zeros(d) if self.w_init is None else self.w_init.copy()
        self.b_ = self.b_init
        self.history_, self.errors_, self.converged_epoch_ = [], [], None

    def update(self, p, t: int, epoch: int = 1, index: int = 0) -> Step:
        """Present one example, apply the rule, record and return the :class:`Step`."""
        if self.w_ is None:
            raise RuntimeError("call fit() (or fit(..., epochs=0)) before update()")
        p = _as_inputs(np.atleast_2d(p), len(self.w_), "p")[0]
        t = int(_as_targets([t], 1)[0])
        a = int(hardlim(p @ self.w_ + self.b_))
        e = t - a
        w_new = self.w_ + self.lr * e * p
        b_new = self.b_ + self.lr * e if self.use_bias else 0.0
        step = Step(epoch, index, p.copy(), t, a, self.w_.copy(), w_new.copy(), self.b_, b_new)
        self.w_, self.b_ = w_new, b_new
        self.history_.append(step)
        return step

    def fit(self, x, t, epochs: int = 100, shuffle: bool = False, seed: int = 0) -> Perceptron:
        """Pass over the examples until an epoch has no error, at most ``epochs`` times.

        Parameters
        ----------
        x : array-like, shape (N, d)
            Inputs.
        t : array-like of 0/1, shape (N,)
            Targets.
        epochs : int
            Maximum number of passes (0 only initialises the weights).
        shuffle : bool
            Present the examples in a new random order every epoch.
        seed : int
            Seed for the shuffling.

        Returns
        -------
        Perceptron
            ``self``, with ``w_``, ``b_``, ``history_``, ``errors_``, ``converged_epoch_`` set.
        """
        x = _as_inputs(x)
        t = _as_targets(t, len(x))
        if not isinstance(epochs, int) or isinstance(epochs, bool) or epochs < 0:
            raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
        self._start(x.shape[1])
        rng = np.random.default_rng(seed)
        for epoch in range(1, epochs + 1):
            order = rng.permutation(len(x)) if shuffle else range(len(x))
            errors = sum(self.update(x[i], t[i], epoch, int(i)).updated for i in order)
            self.errors_.append(int(errors))
            if errors == 0:
                self.converged_epoch_ = epoch
                break
        return self

    def predict(self, x) -> np.ndarray:
        """Outputs 0/1 (int64, shape (N,)) for inputs of shape (N, d)."""
        if self.w_ is None:
            raise RuntimeError("the perceptron is not fitted yet; call fit() first")
        return threshold_unit(x, self.w_, self.b_)


def rule_update(w, b: float, p, t: int) -> tuple[np.ndarray, float]:
    """One application of the perceptron rule (the reference for notebook 01's exercise).

    Parameters
    ----------
    w : array-like, shape (d,)
        Current weights.
    b : float
        Current bias.
    p : array-like, shape (d,)
        The presented input.
    t : int
        Its target, 0 or 1.

    Returns
    -------
    (w_new, b_new) : tuple[np.ndarray, float]
        float64 weights of shape (d,) and the new bias.
    """
    w = _as_weights(w)
    p = _as_inputs(np.atleast_2d(p), len(w), "p")[0]
    t = int(_as_targets([t], 1)[0])
    e = t - int(hardlim(p @ w + _as_bias(b)))
    return w + e * p, float(b) + e


def first_clean_epoch(x, t, max_epochs: int = 100) -> int | None:
    """The first epoch without a mistake for a perceptron with bias, starting at zero weights
    and presenting the examples in their given order; ``None`` if none within ``max_epochs``.

    Parameters
    ----------
    x : array-like, shape (N, d)
    t : array-like of 0/1, shape (N,)
    max_epochs : int
        Passes allowed (>= 1).

    Returns
    -------
    int or None
        1-based epoch number.
    """
    if not isinstance(max_epochs, int) or isinstance(max_epochs, bool) or max_epochs < 1:
        raise ValueError(f"max_epochs must be a positive integer, got {max_epochs!r}")
    return Perceptron().fit(x, t, epochs=max_epochs).converged_epoch_


def xor_network(x) -> np.ndarray:
    """XOR of two binary inputs computed by two layers of threshold units (hidden: OR, NAND).

    Parameters
    ----------
    x : array-like, shape (N, 2)
        Inputs (0/1 for the logic interpretation; any reals are accepted).

    Returns
    -------
    np.ndarray
        int64 outputs 0/1, shape (N,).
    """
    x = _as_inputs(x, 2)
    hidden = np.column_stack([gate("OR", x), gate("NAND", x)])
    return gate("AND", hidden)


def format_trace(steps: list[Step], digits: int = 1) -> str:
    """Format perceptron steps as a text table (one row per step).

    Parameters
    ----------
    steps : list[Step]
        E.g. ``Perceptron.trace`` or ``Perceptron.history_``.
    digits : int
        Decimals shown for weights and bias.

    Returns
    -------
    str
    """
    if not all(isinstance(s, Step) for s in steps):
        raise TypeError("steps must be a list of perceptron Step objects")
    vec = lambda v: "[" + ", ".join(f"{x:.{digits}f}" for x in v) + "]"  # noqa: E731
    rows = [
        ("epoch", "example", "p", "n = w·p + b", "a", "t", "e", "w before", "w after", "b after")
    ]
    for s in steps:
        rows.append(
            (
                str(s.epoch),
                f"p{s.index + 1}",
                vec(s.p),
                f"{s.n:.{digits}f}",
                str(s.a),
                str(s.t),
                f"{s.e:+d}",
                vec(s.w_before),
                vec(s.w_after),
                f"{s.b_after:.{digits}f}",
            )
        )
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return "\n".join("  ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) for r in rows)


def describe_step(step: Step, digits: int = 2, multiline: bool = False) -> str:
    """Say what the learning rule did at ``step`` (for the step-through widget).

    Parameters
    ----------
    step : Step
    digits : int
        Decimals shown for weights, bias and net input.
    multiline : bool
        Break after the presentation, before the change (two short lines for a figure title).

    Returns
    -------
    str
        E.g. ``"epoch 1, p1 = [1, 2]: n = -0.60, a = 0, t = 1 -> e = +1: w [1.00, -0.80] -> ..."``.
    """
    if not isinstance(step, Step):
        raise TypeError(f"expected a perceptron Step, got {type(step).__name__}")
    vec = lambda v: "[" + ", ".join(f"{x:.{digits}f}" for x in v) + "]"  # noqa: E731
    p = "[" + ", ".join(f"{x:g}" for x in step.p) + "]"
    text = (
        f"epoch {step.epoch}, p{step.index + 1} = {p}: n = {step.n:.{digits}f}, "
        f"a = {step.a}, t = {step.t}"
    )
    sep = "\n" if multiline else " -> "
    if not step.updated:
        return text + sep + "correct, no change"
    change = f"w {vec(step.w_before)} -> {vec(step.w_after)}"
    if step.b_after != step.b_before:
        change += f", b {step.b_before:.{digits}f} -> {step.b_after:.{digits}f}"
    return text + sep + f"e = {step.e:+d}: " + change


def boundary_points(w, b: float, xlim=(-3.0, 3.0), ylim=(-3.0, 3.0)) -> np.ndarray | None:
    """Two points of the decision boundary ``w1 x + w2 y + b = 0`` spanning the box.

    Parameters
    ----------
    w : array-like, shape (2,)
    b : float
    xlim, ylim : (float, float)
        The plotting box.

    Returns
    -------
    np.ndarray or None
        float64 of shape (2, 2), rows are points (x, y); ``None`` when ``w = 0`` (no line).
    """
    w = _as_weights(w)
    if w.shape != (2,):
        raise ValueError(f"boundary lines need 2-D weights, got shape {w.shape}")
    b = _as_bias(b)
    if not np.any(w):
        return None
    if abs(w[1]) >= abs(w[0]):
        xs = np.asarray(xlim, dtype=float)
        return np.column_stack([xs, -(w[0] * xs + b) / w[1]])
    ys = np.asarray(ylim, dtype=float)
    return np.column_stack([-(w[1] * ys + b) / w[0], ys])


def plot_boundary(
    w,
    b: float,
    ax,
    xlim=(-3.0, 3.0),
    ylim=(-3.0, 3.0),
    color="C2",
    label=None,
    arrow: bool = True,
    **kwargs,
):
    """Draw the boundary line and (optionally) the weight vector as an arrow from the line.

    Parameters
    ----------
    w : array-like, shape (2,)
    b : float
    ax : matplotlib.axes.Axes
    xlim, ylim : (float, float)
        Box the line spans; the axes limits are set to it.
    arrow : bool
        Draw ``w`` starting at the boundary point closest to the origin.

    Returns
    -------
    matplotlib.axes.Axes
    """
    pts = boundary_points(w, b, xlim, ylim)
    w = np.asarray(w, dtype=float)
    if pts is not None:
        ax.plot(pts[:, 0], pts[:, 1], color=color, label=label, **kwargs)
        if arrow:
            foot = -b * w / (w @ w)  # the boundary point closest to the origin
            ax.annotate(
                "",
                xy=foot + w / np.linalg.norm(w),
                xytext=foot,
                arrowprops={"arrowstyle": "->", "color": color, "lw": 2},
            )
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    return ax


def plot_state(
    x,
    t,
    w,
    b: float,
    ax=None,
    highlight: int | None = None,
    wrong: bool | None = None,
    title: str = "",
    xlim=(-3.0, 3.0),
    ylim=(-3.0, 3.0),
):
    """Plot 2-D examples (filled: target 1), the boundary of ``(w, b)`` and one ringed example.

    Parameters
    ----------
    x : array-like, shape (N, 2)
    t : array-like of 0/1, shape (N,)
    w : array-like, shape (2,)
    b : float
    ax : matplotlib.axes.Axes, optional
        Drawn into a new 4x4-inch figure if omitted.
    highlight : int, optional
        Row of ``x`` to ring: red if ``wrong`` (default: if ``(w, b)`` misclassifies it),
        green otherwise.
    wrong : bool, optional
        Override the ring's colour, e.g. to show that the *previous* weights were wrong.

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    x = _as_inputs(x, 2)
    t = _as_targets(t, len(x))
    if ax is None:
        _, ax = plt.subplots(figsize=(4, 4))
    ax.scatter(*x[t == 1].T, s=90, c="C0", edgecolors="k", label="t = 1", zorder=3)
    ax.scatter(*x[t == 0].T, s=90, facecolors="white", edgecolors="k", label="t = 0", zorder=3)
    plot_boundary(w, b, ax, xlim, ylim)
    if highlight is not None:
        if not 0 <= highlight < len(x):
            raise ValueError(f"highlight must be a row of x (0..{len(x) - 1}), got {highlight}")
        if wrong is None:
            wrong = threshold_unit(x[highlight : highlight + 1], w, b)[0] != t[highlight]
        ax.scatter(
            *x[highlight],
            s=360,
            facecolors="none",
            lw=2.5,
            zorder=4,
            edgecolors="red" if wrong else "green",
        )
    ax.axhline(0, color="0.85", lw=0.8, zorder=0)
    ax.axvline(0, color="0.85", lw=0.8, zorder=0)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    if title:
        ax.set_title(title)
    return ax


def plot_step(x, t, step: Step, ax=None, xlim=(-3.0, 3.0), ylim=(-3.0, 3.0)):
    """Draw one step of the learning rule: old boundary dashed, new one solid, example ringed.

    The presented example is ringed red when the old weights misclassified it (so the rule
    moved the boundary) and green when they were right (nothing changes).

    Parameters
    ----------
    x : array-like, shape (N, 2)
    t : array-like of 0/1, shape (N,)
    step : Step
        One entry of ``Perceptron.history_``.
    ax : matplotlib.axes.Axes, optional

    Returns
    -------
    matplotlib.axes.Axes
    """
    if not isinstance(step, Step):
        raise TypeError(f"expected a perceptron Step, got {type(step).__name__}")
    ax = plot_state(
        x,
        t,
        step.w_after,
        step.b_after,
        ax,
        step.index,
        step.updated,
        describe_step(step, multiline=True),
        xlim,
        ylim,
    )
    if step.updated:
        plot_boundary(
            step.w_before, step.b_before, ax, xlim, ylim, color="0.5", arrow=False, ls="--"
        )
    return ax
