"""Plotting helpers shared by the notebooks (matplotlib only; no TensorFlow import)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np


def _as_image_batch(images: Any) -> np.ndarray:
    arr = np.asarray(images)
    if arr.ndim == 4 and arr.shape[-1] == 1:
        arr = arr[..., 0]
    if arr.ndim not in (3, 4) or (arr.ndim == 4 and arr.shape[-1] not in (3, 4)):
        raise ValueError(
            f"images must have shape (N, H, W), (N, H, W, 1) or (N, H, W, 3), got {arr.shape}"
        )
    if arr.shape[0] == 0:
        raise ValueError("images is empty")
    return arr


def show_images(
    images: Any,
    labels: Sequence[Any] | None = None,
    ncols: int = 8,
    cmap: str = "gray",
    size: float = 1.2,
    title: str | None = None,
):
    """Show a batch of images in a grid.

    Parameters
    ----------
    images : array-like
        Shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); uint8 in 0..255 or floats.
    labels : sequence, optional
        N captions, one per image.
    ncols : int
        Images per row.
    cmap : str
        Colour map for single-channel images.
    size : float
        Inches per image.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    arr = _as_image_batch(images)
    if not isinstance(ncols, int) or ncols <= 0:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if labels is not None and len(labels) != len(arr):
        raise ValueError(f"got {len(arr)} images but {len(labels)} labels")
    n = len(arr)
    ncols = min(ncols, n)
    nrows = int(np.ceil(n / ncols))
    caption_space = 0.3 if labels is not None else 0.0
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(ncols * size, nrows * (size + caption_space)), squeeze=False
    )
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < n:
            ax.imshow(arr[i], cmap=cmap if arr.ndim == 3 else None)
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def plot_history(history: Any, metrics: Sequence[str] = ("loss", "accuracy"), title: str = ""):
    """Plot training curves (train and, if present, validation) per metric.

    Parameters
    ----------
    history : keras.callbacks.History or Mapping[str, list[float]]
        ``model.fit``'s return value or its ``.history`` dict.
    metrics : sequence of str
        Metrics to plot, one panel each; missing ones are skipped.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    logs = getattr(history, "history", history)
    if not isinstance(logs, Mapping):
        raise TypeError("history must be a keras History or a dict of metric -> list of values")
    present = [m for m in metrics if m in logs]
    if not present:
        raise ValueError(f"none of {list(metrics)} found in history keys {sorted(logs)}")
    fig, axes = plt.subplots(1, len(present), figsize=(4.5 * len(present), 3.2), squeeze=False)
    for ax, metric in zip(axes.flat, present, strict=True):
        values = logs[metric]
        epochs = np.arange(1, len(values) + 1)
        ax.plot(epochs, values, "o-", label="train")
        if f"val_{metric}" in logs:
            ax.plot(epochs, logs[f"val_{metric}"], "s--", label="validation")
        ax.set_xlabel("epoch")
        ax.set_ylabel(metric)
        ax.grid(alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig
