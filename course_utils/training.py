"""Training helpers around ``model.fit`` with a ``tf.data`` input pipeline.

Imports TensorFlow when called, not when imported.
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np


def make_dataset(
    x: np.ndarray, y: np.ndarray, batch_size: int, shuffle: bool = True, seed: int = 0
):
    """Build a batched, prefetched ``tf.data.Dataset`` from in-memory arrays.

    Parameters
    ----------
    x : np.ndarray
        Inputs, shape (N, ...).
    y : np.ndarray
        Targets, shape (N,) or (N, ...).
    batch_size : int
        Examples per batch.
    shuffle : bool
        Reshuffle every epoch (with ``seed``).

    Returns
    -------
    tf.data.Dataset
        Yields ``(x_batch, y_batch)``.
    """
    import tensorflow as tf

    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"x and y differ in length: {len(x)} vs {len(y)}")
    if len(x) == 0:
        raise ValueError("cannot train on an empty data set")
    if not isinstance(batch_size, int) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


class EpochLogger:
    """Keras callback printing one compact line per epoch (no carriage-return progress bars)."""

    def __new__(cls, *args: Any, **kwargs: Any):
        import keras

        class _EpochLogger(keras.callbacks.Callback):
            def __init__(self, every: int = 1):
                super().__init__()
                self.every = max(1, int(every))

            def on_epoch_begin(self, epoch, logs=None):
                self._start = time.perf_counter()

            def on_epoch_end(self, epoch, logs=None):
                total = self.params.get("epochs", "?")
                if (epoch + 1) % self.every and epoch + 1 != total:
                    return
                parts = " · ".join(f"{k} {v:.4f}" for k, v in (logs or {}).items())
                secs = time.perf_counter() - self._start
                print(f"epoch {epoch + 1}/{total} — {parts} ({secs:.1f} s)")

        return _EpochLogger(*args, **kwargs)


def train(
    model: Any,
    x: np.ndarray,
    y: np.ndarray,
    epochs: int,
    batch_size: int = 128,
    validation_data: tuple[np.ndarray, np.ndarray] | None = None,
    verbose: bool = True,
    callbacks: list | None = None,
    seed: int = 0,
):
    """Fit a compiled Keras model on arrays through a ``tf.data`` pipeline.

    Parameters
    ----------
    model : keras.Model
        A compiled model.
    x, y : np.ndarray
        Training inputs (N, ...) and targets (N,) or (N, ...).
    epochs : int
        Passes over the training data (take it from the profile).
    batch_size : int
        Examples per gradient step.
    validation_data : (x_val, y_val), optional
        Evaluated after every epoch.
    verbose : bool
        Print one line per epoch.

    Returns
    -------
    keras.callbacks.History
        ``history.history`` maps each metric to a list of per-epoch values.
    """
    if not isinstance(epochs, int) or epochs <= 0:
        raise ValueError(f"epochs must be a positive integer, got {epochs!r}")
    if not getattr(model, "compiled", False) and getattr(model, "optimizer", None) is None:
        raise ValueError("compile the model before training it")
    train_ds = make_dataset(x, y, batch_size, shuffle=True, seed=seed)
    val_ds = None
    if validation_data is not None:
        val_ds = make_dataset(*validation_data, batch_size=max(batch_size, 256), shuffle=False)
    cbs = list(callbacks or [])
    if verbose:
        cbs.append(EpochLogger())
    return model.fit(train_ds, epochs=epochs, validation_data=val_ds, verbose=0, callbacks=cbs,
                     shuffle=False)  # the dataset shuffles itself; avoids a Keras UserWarning
