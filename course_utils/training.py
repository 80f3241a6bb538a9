"""Helpers for training with Keras's own ``compile``/``fit``: a fast ``tf.data`` input pipeline
(:func:`make_dataset`) and a compact per-epoch logging callback (:class:`EpochLogger`).

Notebooks call ``model.compile(..., steps_per_execution=32)`` and
``model.fit(make_dataset(x, y, batch_size), shuffle=False, verbose=0,
callbacks=[EpochLogger()])`` themselves. The course once had a wrapper,
``train()``, that did exactly this; it is gone so that students learn the API they will use.

What makes small-network training fast on a CPU (measured in ``benchmarks/``):

- the arrays are converted to float32 once, cached by ``tf.data`` and batched whole, so the
  per-example Python/graph overhead disappears and each step is a few large kernels;
- batches of a few hundred images keep both cores busy (32, Keras' default, leaves them idle);
- several gradient steps per call into the graph (``steps_per_execution``), so small networks
  do not pay Python overhead on every step;
- no XLA on CPU: ``jit_compile=True`` made LeNet-5 about 3x *slower* (XLA's CPU convolutions
  do not use oneDNN), so the helper leaves Keras' choice (``"auto"`` = XLA on GPU only) alone;
- one printed line per epoch instead of a carriage-return progress bar (no stderr in notebooks).

Imports TensorFlow when called, not when imported.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def _check_xy(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(x), np.asarray(y)
    if x.ndim == 0 or y.ndim == 0:
        raise ValueError("x and y must be arrays with one example per row")
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
    if len(x) == 0:
        raise ValueError("cannot train on an empty data set")
    if not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"x must be numeric, got dtype {x.dtype}")
    if not (np.issubdtype(y.dtype, np.number) or y.dtype == bool):
        raise TypeError(f"y must be numeric, got dtype {y.dtype}")
    return x, y


def _check_positive_int(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer) or value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value!r}")
    return int(value)


def make_dataset(
    x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool = True, seed: int = 0
):
    """Build a cached, batched, prefetched ``tf.data.Dataset`` from in-memory arrays.

    Parameters
    ----------
    x : np.ndarray
        Inputs, shape (N, ...); any numeric dtype, fed as float32.
    y : np.ndarray
        Targets, shape (N,) or (N, ...); integer labels stay int32, other targets float32.
    batch_size : int
        Examples per batch (the last batch may be smaller).
    shuffle : bool
        Reshuffle every epoch, deterministically from ``seed``.
    seed : int
        Shuffle seed.

    Returns
    -------
    tf.data.Dataset
        Yields ``(x_batch, y_batch)`` with shapes (B, ...) and (B,) / (B, ...).
    """
    import tensorflow as tf

    x, y = _check_xy(x, y)
    batch_size = _check_positive_int("batch_size", batch_size)
    x = x.astype("float32", copy=False)
    y = y.astype("int32" if np.issubdtype(y.dtype, np.integer) else "float32", copy=False)
    # cache() keeps the converted tensors; shuffling then moves only references.
    ds = tf.data.Dataset.from_tensor_slices((x, y)).cache()
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


class EpochLogger:
    """Keras callback printing one compact line per epoch (no carriage-return progress bars).

    It also records each epoch's wall time in ``epoch_seconds`` (list of float).
    """

    def __new__(cls, *args: Any, **kwargs: Any):
        import keras

        class _EpochLogger(keras.callbacks.Callback):
            def __init__(self, every: int = 1, quiet: bool = False):
                super().__init__()
                self.every = max(1, int(every))
                self.quiet = quiet
                self.epoch_seconds: list[float] = []

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                secs = time.perf_counter() - self._start
                self.epoch_seconds.append(secs)
                total = self.params.get("epochs", "?")
                if self.quiet or ((epoch + 1) % self.every and epoch + 1 != total):
                    return
                parts = " · ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items())
                print(f"epoch {epoch + 1}/{total} — {parts} ({secs:.1f} s)")

        return _EpochLogger(*args, **kwargs)


def predict_proba(model: Any, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Class probabilities (the model's outputs) for every input.

    Parameters
    ----------
    model : keras.Model
        A model whose last layer outputs probabilities, shape (N, K).
    x : np.ndarray
        Inputs, shape (N, ...).
    batch_size : int
        Examples per forward pass.

    Returns
    -------
    np.ndarray of float32, shape (N, K)
    """
    x = np.asarray(x)
    if x.ndim == 0 or len(x) == 0:
        raise ValueError("x must be a non-empty array with one example per row")
    batch_size = _check_positive_int("batch_size", batch_size)
    if not callable(model) or not hasattr(model, "layers"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")
    x = x.astype("float32", copy=False)
    # Plain eager calls instead of model.predict: no tf.function to trace per model and batch
    # shape (tracing costs more than the forward pass for small nets, and many traces make
    # TensorFlow print retracing warnings into the notebook).
    outs = [np.asarray(model(x[i : i + batch_size], training=False))
            for i in range(0, len(x), batch_size)]  # fmt: skip
    return np.concatenate(outs)


def predict_classes(model: Any, x: np.ndarray, batch_size: int = 1024) -> np.ndarray:
    """Predicted class of every input: the arg-max of the outputs.

    Returns
    -------
    np.ndarray of int64, shape (N,)
    """
    return predict_proba(model, x, batch_size).argmax(axis=-1)


def evaluate_accuracy(model: Any, x: np.ndarray, y: np.ndarray, batch_size: int = 1024) -> float:
    """Fraction of inputs whose predicted class equals the integer label.

    Parameters
    ----------
    model : keras.Model
        A classifier with outputs of shape (N, K).
    x : np.ndarray
        Inputs, shape (N, ...).
    y : np.ndarray of int
        Labels in 0..K-1, shape (N,).

    Returns
    -------
    float
        Accuracy in [0, 1].
    """
    x, y = _check_xy(x, y)
    if y.ndim != 1 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"y must be a 1-D array of integer labels, got {y.dtype} {y.shape}")
    return float(np.mean(predict_classes(model, x, batch_size) == y))
