"""A small TensorFlow-Playground: 2-D toy data sets, an MLP built from a few choices, and
decision-boundary plots.

:func:`make_data` draws the four classic point clouds, :func:`build_mlp` turns the
choices a widget offers (hidden layers, units, activation, L2) into a compiled Keras model
(trained with ``model.fit`` on :func:`endless_batches`),
:func:`decision_grid` evaluates any classifier on a grid and :func:`plot_decision_boundary`
draws it. :func:`explore` wires these together for an ``ipywidgets.interact`` cell.
TensorFlow is imported only inside :func:`build_mlp` / :func:`explore`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

__all__ = [
    "DATASETS",
    "HIDDEN_ACTIVATIONS",
    "build_mlp",
    "decision_grid",
    "explore",
    "make_data",
    "plot_decision_boundary",
    "accuracy",
    "endless_batches",
]

DATASETS: tuple[str, ...] = ("blobs", "circles", "xor", "spiral")
HIDDEN_ACTIVATIONS: tuple[str, ...] = ("relu", "tanh", "sigmoid", "linear")
#: Gradient steps Keras runs per call into TensorFlow (``compile(steps_per_execution=...)``):
#: on tiny models, one Python round trip per step would cost more than the step itself.
STEPS_PER_CALL = 25


def make_data(name: str, n: int = 200, noise: float = 0.1, seed: int = 0):
    """Draw a 2-D, two-class toy data set.

    Parameters
    ----------
    name : str
        ``"blobs"`` (two Gaussian clouds, linearly separable), ``"circles"`` (a disc inside a
        ring), ``"xor"`` (the four quadrants, diagonal ones share a class) or ``"spiral"``
        (two interleaved spiral arms).
    n : int
        Number of points (at least 4; split evenly between the classes).
    noise : float
        Standard deviation of the Gaussian jitter, in units of the data's radius (>= 0).
    seed : int
        Random seed.

    Returns
    -------
    x : np.ndarray
        float32, shape (n, 2), roughly within [-1.2, 1.2]^2.
    y : np.ndarray
        int64 labels 0/1, shape (n,).
    """
    if name not in DATASETS:
        raise ValueError(f"unknown data set {name!r}; choose one of {', '.join(DATASETS)}")
    if not isinstance(n, int) or isinstance(n, bool) or n < 4:
        raise ValueError(f"n must be an integer >= 4, got {n!r}")
    if not isinstance(noise, int | float) or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise must be a finite number >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    if name == "blobs":
        centres = np.array([[-0.5, -0.5], [0.5, 0.5]])
        x = centres[y] + rng.normal(0, 0.15 + noise, (n, 2))
    elif name == "circles":
        radius = np.where(y == 0, rng.uniform(0, 0.4, n), rng.uniform(0.7, 1.0, n))
        angle = rng.uniform(0, 2 * np.pi, n)
        x = np.column_stack([radius * np.cos(angle), radius * np.sin(angle)])
        x += rng.normal(0, noise, (n, 2))
    elif name == "xor":
        x = rng.uniform(-1, 1, (n, 2))
        x += np.sign(x) * 0.05  # a small gap along the axes
        y = (x[:, 0] * x[:, 1] < 0).astype(np.int64)
        x += rng.normal(0, noise, (n, 2))
    else:  # spiral: two arms, 1.5 turns each
        r = rng.uniform(0.05, 1.0, n)
        angle = 3 * np.pi * r + np.pi * y
        x = np.column_stack([r * np.cos(angle), r * np.sin(angle)]) + rng.normal(
            0, noise * 0.5, (n, 2)
        )
    return x.astype(np.float32), y.astype(np.int64)


def build_mlp(
    hidden_layers: int = 1,
    units: int = 8,
    activation: str = "relu",
    l2: float = 0.0,
    learning_rate: float = 0.03,
    n_inputs: int = 2,
    seed: int = 0,
):
    """A compiled Keras binary classifier: ``hidden_layers`` x Dense(units) then Dense(1, sigmoid).

    With ``hidden_layers=0`` it is a single sigmoid neuron (logistic regression).

    Parameters
    ----------
    hidden_layers : int
        0 to 6 hidden layers.
    units : int
        Units per hidden layer (1 to 256).
    activation : str
        Hidden activation, one of :data:`HIDDEN_ACTIVATIONS`.
    l2 : float
        L2 penalty on every kernel (>= 0).
    learning_rate : float
        Adam's step size.
    n_inputs : int
        Input features.
    seed : int
        Seed of the initial weights.

    Returns
    -------
    keras.Model
        Compiled with binary cross-entropy and accuracy; input (N, n_inputs) float32,
        output (N, 1) probabilities of class 1.
    """
    if (
        not isinstance(hidden_layers, int)
        or isinstance(hidden_layers, bool)
        or not 0 <= hidden_layers <= 6
    ):
        raise ValueError(f"hidden_layers must be an integer in 0..6, got {hidden_layers!r}")
    if not isinstance(units, int) or isinstance(units, bool) or not 1 <= units <= 256:
        raise ValueError(f"units must be an integer in 1..256, got {units!r}")
    if activation not in HIDDEN_ACTIVATIONS:
        raise ValueError(f"unknown activation {activation!r}; choose one of {HIDDEN_ACTIVATIONS}")
    for name, v in (("l2", l2), ("learning_rate", learning_rate)):
        if not isinstance(v, int | float) or isinstance(v, bool) or not np.isfinite(v) or v < 0:
            raise ValueError(f"{name} must be a finite number >= 0, got {v!r}")
    if learning_rate == 0:
        raise ValueError("learning_rate must be positive")
    import keras

    keras.utils.set_random_seed(seed)
    reg = keras.regularizers.L2(l2) if l2 > 0 else None
    layers = [keras.Input(shape=(n_inputs,))]
    for i in range(hidden_layers):
        layers.append(
            keras.layers.Dense(
                units, activation=activation, kernel_regularizer=reg, name=f"hidden{i + 1}"
            )
        )
    layers.append(
        keras.layers.Dense(1, activation="sigmoid", kernel_regularizer=reg, name="output")
    )
    model = keras.Sequential(layers, name=f"mlp_{hidden_layers}x{units}_{activation}")
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss="binary_crossentropy",
        metrics=["accuracy"],
        steps_per_execution=STEPS_PER_CALL,
    )
    return model


def endless_batches(x, y, batch_size: int = 32, seed: int = 0):
    """A ``tf.data`` pipeline that shuffles the points and repeats them forever, in mini-batches.

    Toy data sets have a few hundred points, so one "epoch" is only a handful of gradient
    steps and Keras' per-epoch bookkeeping would dominate. With an endless data set,
    ``model.fit(endless_batches(x, y), steps_per_epoch=S, epochs=E)`` runs exactly ``S * E``
    gradient steps. The whole pipeline is three ``tf.data`` calls::

        tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(x), seed=seed).repeat().batch(32)

    Parameters
    ----------
    x : array-like, shape (N, d)
        Inputs (fed as float32).
    y : array-like, shape (N,)
        Targets (fed as float32, e.g. 0/1 labels for binary cross-entropy).
    batch_size : int
        Examples per gradient step.
    seed : int
        Shuffle seed (the order changes every pass, deterministically).

    Returns
    -------
    tf.data.Dataset
        Infinite; yields ``(x_batch, y_batch)`` of shapes (batch_size, d) and (batch_size,).
    """
    import tensorflow as tf

    if not isinstance(batch_size, int) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y, dtype=np.float32)
    if x.ndim != 2 or y.ndim != 1 or len(x) != len(y) or len(x) == 0:
        raise ValueError(f"need x of shape (N, d) and y of shape (N,), got {x.shape} and {y.shape}")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    return ds.shuffle(len(x), seed=seed).repeat().batch(batch_size)


def accuracy(model, x, y) -> float:
    """Fraction of points a binary playground model classifies correctly (threshold 0.5).

    Parameters
    ----------
    model : callable
        Maps float32 points (N, d) to probabilities of class 1, shape (N,) or (N, 1)
        (a Keras model is called directly: fast, no progress output).
    x : array-like, shape (N, d)
    y : array-like of 0/1, shape (N,)

    Returns
    -------
    float
        In [0, 1].
    """
    x = np.asarray(x, dtype=np.float32)
    y = np.asarray(y)
    if y.shape != (len(x),):
        raise ValueError(f"need one label per point: x {x.shape}, y {y.shape}")
    p = np.asarray(model(x)).reshape(len(x))
    return float(np.mean((p > 0.5) == (y == 1)))


def decision_grid(
    predict: Callable[[np.ndarray], np.ndarray], x, resolution: int = 100, margin: float = 0.2
):
    """Evaluate a classifier on a regular grid covering the data.

    Parameters
    ----------
    predict : callable
        Maps float32 points (M, 2) to scores (M,) or (M, 1), e.g. probabilities of class 1.
    x : array-like, shape (N, 2)
        The data the grid must cover.
    resolution : int
        Grid points per axis (>= 2).
    margin : float
        Extra space around the data, in data units.

    Returns
    -------
    xx, yy, scores : np.ndarray
        Grid coordinates and scores, each float of shape (resolution, resolution).
    """
    if not callable(predict):
        raise TypeError("predict must be a callable mapping (M, 2) points to scores")
    x = np.asarray(x, dtype=float)
    if x.ndim != 2 or x.shape[1] != 2 or len(x) == 0:
        raise ValueError(f"x must have shape (N, 2) with N > 0, got {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x contains NaN or infinity")
    if not isinstance(resolution, int) or resolution < 2:
        raise ValueError(f"resolution must be an integer >= 2, got {resolution!r}")
    lo, hi = x.min(axis=0) - margin, x.max(axis=0) + margin
    xx, yy = np.meshgrid(
        np.linspace(lo[0], hi[0], resolution), np.linspace(lo[1], hi[1], resolution)
    )
    points = np.column_stack([xx.ravel(), yy.ravel()]).astype(np.float32)
    scores = np.asarray(predict(points), dtype=float)
    if scores.size != points.shape[0]:
        raise ValueError(
            f"predict returned {scores.shape} for {len(points)} points; expected one score each"
        )
    return xx, yy, scores.reshape(xx.shape)


def plot_decision_boundary(
    predict: Callable[[np.ndarray], np.ndarray],
    x,
    y,
    ax=None,
    title: str = "",
    resolution: int = 100,
    threshold: float = 0.5,
    colorbar: bool = False,
):
    """Shade a classifier's scores over the plane, draw its 0.5 contour and the data.

    Parameters
    ----------
    predict : callable
        As for :func:`decision_grid` (scores in [0, 1]).
    x : array-like, shape (N, 2)
    y : array-like of 0/1, shape (N,)
    ax : matplotlib.axes.Axes, optional
    title : str
    threshold : float
        The score drawn as the decision boundary.
    colorbar : bool
        Add a colour bar labelled "output (probability of class 1)".

    Returns
    -------
    matplotlib.axes.Axes
    """
    import matplotlib.pyplot as plt

    y = np.asarray(y)
    if y.shape != (len(np.asarray(x)),) or not np.all(np.isin(y, (0, 1))):
        raise ValueError("y must be 0/1 labels, one per row of x")
    xx, yy, scores = decision_grid(predict, x, resolution)
    if ax is None:
        _, ax = plt.subplots(figsize=(3.6, 3.6))
    filled = ax.contourf(
        xx, yy, scores, levels=np.linspace(0, 1, 11), cmap="RdBu", alpha=0.6, vmin=0, vmax=1
    )
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, label="output (probability of class 1)", shrink=0.8)
    if scores.min() < threshold < scores.max():
        ax.contour(xx, yy, scores, levels=[threshold], colors="k", linewidths=1.2)
    x = np.asarray(x)
    size = 70 if len(x) <= 20 else 12  # a few points (XOR's four corners) must stay visible
    ax.scatter(*x[y == 0].T, s=size, c="tab:red", edgecolors="w", linewidths=0.6)
    ax.scatter(*x[y == 1].T, s=size, c="tab:blue", edgecolors="w", linewidths=0.6)
    ax.set_xlabel("$x_1$")
    ax.set_ylabel("$x_2$")
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=10)
    return ax


def explore(
    dataset: str = "circles",
    hidden_layers: int = 1,
    units: int = 4,
    activation: str = "tanh",
    l2: float = 0.0,
    steps: int = 1000,
    n: int = 300,
    noise: float = 0.1,
    seed: int = 0,
):
    """Train a playground MLP on a toy data set and plot its decision boundary.

    This is the body of the notebook's widget: every argument is one widget.

    Parameters
    ----------
    dataset : str
        One of :data:`DATASETS`.
    hidden_layers, units, activation, l2
        Passed to :func:`build_mlp`.
    steps : int
        Gradient steps on mini-batches of 32 (rounded up to a multiple of
        :data:`STEPS_PER_CALL`; see :func:`endless_batches`).
    n, noise, seed
        Passed to :func:`make_data`.

    Returns
    -------
    (model, accuracy, figure) : tuple[keras.Model, float, matplotlib.figure.Figure]
        The trained model, its training accuracy and the plot.
    """
    x, y = make_data(dataset, n=n, noise=noise, seed=seed)
    model = build_mlp(hidden_layers, units, activation, l2, seed=seed)
    if not isinstance(steps, int) or isinstance(steps, bool) or steps <= 0:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    steps = -(-steps // STEPS_PER_CALL) * STEPS_PER_CALL
    model.fit(
        endless_batches(x, y, seed=seed), steps_per_epoch=steps, epochs=1, shuffle=False, verbose=0
    )
    predict = lambda p: model(p, training=False).numpy()  # noqa: E731 - direct call: fast, no logs
    acc = accuracy(predict, x, y)
    ax = plot_decision_boundary(
        predict,
        x,
        y,
        title=f"{dataset}: {hidden_layers}x{units} {activation}, L2 {l2:g}, acc {acc:.0%}",
    )
    return model, acc, ax.figure
