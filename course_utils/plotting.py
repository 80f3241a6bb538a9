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
    row_labels: Sequence[str] | None = None,
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
    row_labels : sequence of str, optional
        One caption per row, written to the left of the row.

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
    if row_labels is not None and len(row_labels) != nrows:
        raise ValueError(f"got {nrows} rows but {len(row_labels)} row labels")
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
    for row, text in enumerate(row_labels or ()):
        axes[row, 0].text(-0.1, 0.5, str(text), transform=axes[row, 0].transAxes, ha="right",
                          va="center", fontsize=10)  # fmt: skip
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return fig


def show_per_class(
    images: Any,
    labels: Any,
    class_names: Sequence[str],
    per_class: int = 6,
    seed: int | None = 0,
    size: float = 1.2,
    title: str | None = None,
):
    """Show ``per_class`` examples of every class: one row per class, named with its count.

    Parameters
    ----------
    images : array-like
        Shape (N, H, W), (N, H, W, 1) or (N, H, W, 3); uint8 in 0..255 or floats.
    labels : array-like of int
        Shape (N,), values in 0..len(class_names)-1.
    class_names : sequence of str
        Name of each label (rows follow this order).
    per_class : int
        Examples per row; a class with fewer shows them all and leaves the rest blank.
    seed : int or None
        Draw the examples at random with this seed; ``None``: the first ones of each class.
    size : float
        Inches per image.
    title : str, optional
        Figure title.

    Returns
    -------
    matplotlib.figure.Figure
        With ``fig.indices``: (n_classes, per_class) int array of the images shown (-1: blank).
    """
    import matplotlib.pyplot as plt

    arr = _as_image_batch(images)
    y = _as_labels(labels, "labels")
    if len(y) != len(arr):
        raise ValueError(f"got {len(arr)} images but {len(y)} labels")
    if isinstance(class_names, str) or not all(isinstance(c, str) for c in class_names):
        raise TypeError("class_names must be a sequence of strings")
    if len(class_names) == 0 or y.min() < 0 or y.max() >= len(class_names):
        raise ValueError(f"labels must be in 0..{len(class_names) - 1} (one per class name)")
    if isinstance(per_class, bool) or not isinstance(per_class, int) or per_class <= 0:
        raise ValueError(f"per_class must be a positive integer, got {per_class!r}")
    rng = None if seed is None else np.random.default_rng(seed)
    indices = np.full((len(class_names), per_class), -1)
    for c in range(len(class_names)):
        members = np.flatnonzero(y == c)
        chosen = members[:per_class] if rng is None else np.sort(
            rng.choice(members, min(per_class, len(members)), replace=False)
        )  # fmt: skip
        indices[c, : len(chosen)] = chosen
    fig, axes = plt.subplots(
        len(class_names), per_class, figsize=(per_class * size + 1.5, len(class_names) * size),
        squeeze=False,
    )  # fmt: skip
    for (c, j), ax in np.ndenumerate(axes):
        ax.set_xticks([])
        ax.set_yticks([])
        for spine in ax.spines.values():
            spine.set_visible(False)
        if indices[c, j] >= 0:
            ax.imshow(arr[indices[c, j]], cmap="gray" if arr.ndim == 3 else None)
        if j == 0:
            ax.set_ylabel(f"{class_names[c]}\n({int((y == c).sum())})", rotation=0,
                          ha="right", va="center", fontsize=11)  # fmt: skip
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    fig.indices = indices
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


# --------------------------------------------------------------------------- CNN diagnostics


def plot_confusion_matrix(
    y_true: Any,
    y_pred: Any,
    class_names: Sequence[str],
    normalize: str | None = None,
    title: str = "",
    size: float = 4.5,
):
    """Plot the confusion matrix of a classifier (rows: true class, columns: predicted).

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (N,)
        True and predicted labels in 0..K-1.
    class_names : sequence of str
        K class names; K fixes the matrix size (K x K), even for classes never seen.
    normalize : {None, "true", "pred", "all"}
        As in :func:`sklearn.metrics.confusion_matrix`: counts (None) or fractions per row,
        per column or overall.
    title : str
        Axes title.
    size : float
        Figure width and height in inches.

    Returns
    -------
    matplotlib.figure.Figure
        The matrix itself is ``fig.confusion`` (np.ndarray, shape (K, K)).
    """
    import matplotlib.pyplot as plt
    from sklearn.metrics import ConfusionMatrixDisplay, confusion_matrix

    yt, yp = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    if len(yt) != len(yp):
        raise ValueError(f"y_true has {len(yt)} labels but y_pred has {len(yp)}")
    k = len(class_names)
    if k < 2:
        raise ValueError("class_names needs at least two classes")
    if max(yt.max(), yp.max()) >= k:
        raise ValueError(f"labels must lie in 0..{k - 1} for {k} class names")
    if normalize not in (None, "true", "pred", "all"):
        raise ValueError(f"normalize must be None, 'true', 'pred' or 'all', got {normalize!r}")
    cm = confusion_matrix(yt, yp, labels=np.arange(k), normalize=normalize)
    fig, ax = plt.subplots(figsize=(size, size))
    disp = ConfusionMatrixDisplay(cm, display_labels=[str(c) for c in class_names])
    disp.plot(ax=ax, cmap="Blues", colorbar=False, values_format=".2f" if normalize else "d")
    ax.tick_params(axis="x", labelrotation=45 if max(map(len, disp.display_labels)) > 3 else 0)
    if title:
        ax.set_title(title)
    fig.tight_layout()
    fig.confusion = cm
    return fig


def _as_labels(y: Any, name: str) -> np.ndarray:
    """``y`` as a checked 1-D int64 label array (see :mod:`course_utils.evaluation`)."""
    from .evaluation import _labels

    return _labels(y, name)


def worst_mistakes(y_true: Any, y_pred: Any, scores: Any, n: int = 16) -> np.ndarray:
    """Indices of the ``n`` most confident mistakes, worst first.

    Parameters
    ----------
    y_true, y_pred : array-like of int, shape (N,)
        True and predicted labels.
    scores : array-like of float
        Either class probabilities, shape (N, K) — a mistake is worse the lower the
        probability of the true class, i.e. the higher its loss -log p(true) — or
        per-example losses, shape (N,) — higher is worse.
    n : int
        How many to return at most.

    Returns
    -------
    np.ndarray of int, shape (min(n, number of mistakes),)
    """
    yt, yp = _as_labels(y_true, "y_true"), _as_labels(y_pred, "y_pred")
    s = np.asarray(scores, dtype=float)
    if len(yt) != len(yp) or len(s) != len(yt):
        raise ValueError(
            f"y_true, y_pred and scores differ in length: {len(yt)}, {len(yp)}, {len(s)}"
        )
    if not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if s.ndim == 2:
        if yt.max() >= s.shape[1]:
            raise ValueError("a true label exceeds the number of probability columns")
        loss = -np.log(np.clip(s[np.arange(len(yt)), yt], 1e-12, 1.0))
    elif s.ndim == 1:
        loss = s
    else:
        raise ValueError(f"scores must have shape (N, K) or (N,), got {s.shape}")
    wrong = np.flatnonzero(yt != yp)
    order = wrong[np.argsort(-loss[wrong], kind="stable")]
    return order[:n]


def show_misclassified(
    images: Any,
    y_true: Any,
    y_pred: Any,
    scores: Any,
    class_names: Sequence[str],
    n: int = 16,
    ncols: int = 8,
    size: float = 1.3,
):
    """Show the ``n`` worst mistakes (most confident wrong predictions) in a grid.

    Parameters
    ----------
    images : array-like
        Shape (N, H, W), (N, H, W, 1) or (N, H, W, 3).
    y_true, y_pred : array-like of int, shape (N,)
        True and predicted labels.
    scores : array-like of float
        Class probabilities (N, K) or per-example losses (N,); see :func:`worst_mistakes`.
    class_names : sequence of str
        Name of each class.
    n, ncols, size :
        Number of mistakes shown, images per row, inches per image.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.indices`` holds the indices shown, worst first. Captions give true → predicted
        class and the probability of the true class (the sort key) or the loss.
    """
    import matplotlib.pyplot as plt

    arr = _as_image_batch(images)
    idx = worst_mistakes(y_true, y_pred, scores, n)
    if len(arr) != len(np.asarray(y_true)):
        raise ValueError(f"got {len(arr)} images but {len(np.asarray(y_true))} labels")
    yt, yp, s = np.asarray(y_true), np.asarray(y_pred), np.asarray(scores, dtype=float)
    if max(yt.max(), yp.max()) >= len(class_names):
        raise ValueError(f"labels must lie in 0..{len(class_names) - 1}")
    if len(idx) == 0:
        fig, ax = plt.subplots(figsize=(3, 1))
        ax.axis("off")
        ax.text(0.5, 0.5, "no mistakes", ha="center", va="center")
        fig.indices = idx
        return fig
    captions = []
    for i in idx:
        extra = f"\np(true) {s[i, yt[i]]:.3f}" if s.ndim == 2 else f"\nloss {s[i]:.2f}"
        captions.append(f"{class_names[yt[i]]}→{class_names[yp[i]]}{extra}")
    fig = show_images(arr[idx], labels=captions, ncols=ncols, size=size)
    for ax in fig.axes:
        ax.title.set_fontsize(9)
    key = ("probability given to the true class, lowest first" if s.ndim == 2
           else "loss, highest first")  # fmt: skip
    fig.suptitle(f"the {len(idx)} worst mistakes (caption: true → predicted), sorted by the {key}",
                 fontsize=11)  # fmt: skip
    fig.tight_layout()
    fig.indices = idx
    return fig


def show_filters(
    kernel_weights: Any,
    ncols: int = 8,
    channel: int | None = None,
    size: float = 0.9,
    scaling: str = "symmetric",
    title: str | None = None,
    labels: Sequence[str] | None = None,
):
    """Show convolution filters as small images, one per output channel.

    Parameters
    ----------
    kernel_weights : array-like of float, shape (kh, kw, C_in, C_out)
        A Keras ``Conv2D`` kernel (``layer.get_weights()[0]``).
    ncols : int
        Filters per row.
    channel : int, optional
        Show only this input channel (one colour map). By default C_in == 1 is shown with a
        colour map, C_in == 3 as RGB; other C_in need ``channel``.
    size : float
        Inches per filter.
    scaling : {"symmetric", "symmetric_each", "each"}
        ``"symmetric"`` (default): one colour scale for all filters, from -m to +m with
        m = max |w|, so zero is always the middle (white in the red-blue map, grey in RGB) and
        the sign and relative strength of the weights show; a colour bar gives the scale for
        single-channel filters. ``"symmetric_each"``: zero still in the middle, but each filter
        on its own scale ±max |w_i| (sign and pattern show, relative strength does not).
        ``"each"``: every filter stretched to its own min..max (shows each filter's pattern,
        hides sign and strength).
    title : str, optional
        Figure title.
    labels : sequence of str, optional
        One caption per filter.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.limit`` is m (``"symmetric"``) or None (the per-filter scalings).
    """
    import matplotlib.pyplot as plt

    w = np.asarray(kernel_weights, dtype=float)
    if w.ndim != 4:
        raise ValueError(f"kernel_weights must have shape (kh, kw, C_in, C_out), got {w.shape}")
    if not isinstance(ncols, int) or ncols <= 0:
        raise ValueError(f"ncols must be a positive integer, got {ncols!r}")
    if scaling not in ("symmetric", "symmetric_each", "each"):
        raise ValueError(
            f"scaling must be 'symmetric', 'symmetric_each' or 'each', got {scaling!r}"
        )
    c_in, c_out = w.shape[2], w.shape[3]
    if labels is not None and len(labels) != c_out:
        raise ValueError(f"got {c_out} filters but {len(labels)} labels")
    if channel is not None:
        if not isinstance(channel, int) or not 0 <= channel < c_in:
            raise ValueError(f"channel must be an integer in 0..{c_in - 1}, got {channel!r}")
        w = w[:, :, channel : channel + 1, :]
    elif c_in not in (1, 3):
        raise ValueError(f"{c_in} input channels: pick one with channel=0..{c_in - 1}")
    tiles = np.moveaxis(w, 3, 0)  # (C_out, kh, kw, C)
    gray = tiles.shape[-1] == 1
    limit = None
    if scaling == "symmetric":
        limit = float(np.abs(tiles).max()) or 1.0
        if not gray:
            tiles = np.clip(0.5 + 0.5 * tiles / limit, 0, 1)  # zero -> mid-grey
    elif scaling == "symmetric_each":
        each = np.abs(tiles).max(axis=(1, 2, 3), keepdims=True)
        tiles = 0.5 + 0.5 * tiles / np.where(each > 0, each, 1.0)  # zero -> mid-grey
    else:
        lo = tiles.min(axis=(1, 2, 3), keepdims=True)
        hi = tiles.max(axis=(1, 2, 3), keepdims=True)
        tiles = (tiles - lo) / np.where(hi > lo, hi - lo, 1.0)
    ncols = min(ncols, c_out)
    nrows = int(np.ceil(c_out / ncols))
    caption = 0.25 if labels is not None else 0.0
    bar = 0.6 if gray and limit is not None else 0.0
    fig, axes = plt.subplots(nrows, ncols, figsize=(ncols * size + bar, nrows * (size + caption)),
                             squeeze=False)  # fmt: skip
    shown = None
    for i, ax in enumerate(axes.flat):
        ax.axis("off")
        if i < c_out:
            if gray and limit is not None:
                shown = ax.imshow(tiles[i, :, :, 0], cmap="RdBu_r", vmin=-limit, vmax=limit,
                                  interpolation="nearest")  # fmt: skip
            elif gray:
                ax.imshow(tiles[i, :, :, 0], cmap="gray", vmin=0, vmax=1, interpolation="nearest")
            else:
                ax.imshow(tiles[i], interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[i]), fontsize=9)
    if title:
        fig.suptitle(title, fontsize=11)
    fig.tight_layout()
    if shown is not None:
        fig.colorbar(shown, ax=axes.ravel().tolist(), fraction=0.04, pad=0.02, label="weight")
    fig.limit = limit
    return fig


def feature_maps(model: Any, image: Any, layer_names: Sequence[str]) -> dict[str, np.ndarray]:
    """Run one image through ``model`` and return the outputs of the named layers.

    Parameters
    ----------
    model : keras.Model
        A built functional or Sequential model.
    image : array-like, shape (H, W) or (H, W, C)
        One input, already preprocessed as the model expects.
    layer_names : sequence of str
        Layers to read.

    Returns
    -------
    dict[str, np.ndarray]
        Layer name -> activation without the batch axis, e.g. (h, w, c) or (units,).
    """
    import keras

    img = np.asarray(image, dtype="float32")
    if img.ndim not in (2, 3):
        raise ValueError(f"image must have shape (H, W) or (H, W, C), got {img.shape}")
    if isinstance(layer_names, str) or not layer_names:
        raise ValueError("layer_names must be a non-empty list of layer names")
    expected = tuple(model.inputs[0].shape[1:])
    if img.ndim == 2 and len(expected) == 3:
        img = img[..., None]
    if img.shape != expected:
        raise ValueError(f"image shape {img.shape} does not match the model input {expected}")
    names = [layer.name for layer in model.layers]
    missing = [n for n in layer_names if n not in names]
    if missing:
        raise ValueError(f"no layer named {missing} (layers: {names})")
    if len(model.inputs) != 1:
        raise ValueError("feature_maps needs a model with exactly one input")
    probe = keras.Model(model.inputs[0], [model.get_layer(n).output for n in layer_names])
    outs = probe(img[None], training=False)
    outs = outs if isinstance(outs, list | tuple) else [outs]
    return {n: np.asarray(o)[0] for n, o in zip(layer_names, outs, strict=True)}


def show_feature_maps(
    model: Any,
    image: Any,
    layer_names: Sequence[str],
    max_maps: int = 16,
    size: float = 0.8,
    scale: str = "map",
    colorbar: bool = False,
    strip_labels: dict[str, Sequence[str]] | None = None,
):
    """Show the feature maps of one image, one row per layer.

    Convolution/pooling outputs (h, w, c) show their first ``max_maps`` channels as images;
    flat outputs (units,) show as one strip of values.

    Parameters
    ----------
    model : keras.Model
        A built model.
    image : array-like, shape (H, W) or (H, W, C)
        One preprocessed input.
    layer_names : sequence of str
        Layers to show, top to bottom.
    max_maps : int
        Channels shown per layer at most.
    size : float
        Inches per map.
    scale : {"map", "layer"}
        ``"map"``: every map and strip stretched to its own min..max (shows each map's
        pattern, hides how strong it is). ``"layer"``: one colour range per row, so the maps
        of a layer can be compared — 0..max when the layer has no negative values, otherwise
        symmetric about 0 (blue negative, white 0, red positive).
    colorbar : bool
        One colour bar per row, in the layer's units (needs ``scale="layer"``).
    strip_labels : dict of str to sequence of str, optional
        Labels of a flat layer's units, e.g. ``{"OUTPUT": class_names}``: the strip gets them
        as ticks and prints each value.

    Returns
    -------
    matplotlib.figure.Figure
        ``fig.activations`` is the dict returned by :func:`feature_maps`; with
        ``scale="layer"``, ``fig.limits`` maps each layer to its (vmin, vmax).
    """
    import matplotlib.pyplot as plt

    if not isinstance(max_maps, int) or max_maps <= 0:
        raise ValueError(f"max_maps must be a positive integer, got {max_maps!r}")
    if scale not in ("map", "layer"):
        raise ValueError(f"scale must be 'map' or 'layer', got {scale!r}")
    if colorbar and scale != "layer":
        raise ValueError("colorbar=True needs scale='layer' (one colour range per row)")
    strip_labels = dict(strip_labels or {})
    acts = feature_maps(model, image, layer_names)
    # 1x1 maps (e.g. LeNet's C5) are shown like a dense layer's output: one strip of values
    shown = {k: a.reshape(-1) if a.ndim == 3 and a.shape[0] * a.shape[1] == 1 else a
             for k, a in acts.items()}  # fmt: skip
    for name, labels in strip_labels.items():
        if name not in shown or shown[name].ndim != 1 or len(labels) != shown[name].size:
            raise ValueError(f"strip_labels[{name!r}] must name each unit of a flat layer shown")
    ncols = min(max_maps, max(a.shape[-1] if a.ndim == 3 else 1 for a in shown.values()))
    ticked = {n for n, a in shown.items() if a.ndim == 1
              and (n in strip_labels or scale == "layer")}  # fmt: skip
    heights = [size + (0.35 if name in ticked else 0.15) for name in shown]  # room for ticks
    fig = plt.figure(figsize=(1.2 + ncols * size + (0.6 if colorbar else 0), sum(heights)))
    widths = [1.5] + [1] * ncols + ([0.25] if colorbar else [])
    grid = fig.add_gridspec(len(acts), len(widths), width_ratios=widths, height_ratios=heights)
    limits = {}
    for row, (name, act) in enumerate(shown.items()):
        label = fig.add_subplot(grid[row, 0])
        label.axis("off")
        label.text(1.0, 0.5, f"{name}\n{'x'.join(map(str, acts[name].shape))}", ha="right",
                   va="center", fontsize=8)  # fmt: skip
        style: dict[str, Any] = {"cmap": "viridis"}
        if scale == "layer":
            low, high = float(act.min()), float(act.max())
            if low < 0:
                high = max(abs(low), high) or 1.0
                low, style["cmap"] = -high, "RdBu_r"
            else:
                low, high = 0.0, high or 1.0
            style.update(vmin=low, vmax=high)
            limits[name] = (low, high)
        if act.ndim == 3:
            for j in range(min(ncols, act.shape[-1])):
                ax = fig.add_subplot(grid[row, j + 1])
                im = ax.imshow(act[:, :, j], interpolation="nearest", **style)
                ax.axis("off")
        else:
            ax = fig.add_subplot(grid[row, 1 : ncols + 1])
            im = ax.imshow(act.reshape(1, -1), aspect="auto", interpolation="nearest", **style)
            ax.set_yticks([])
            if name in strip_labels:
                ax.set_xticks(range(act.size), [str(v) for v in strip_labels[name]], fontsize=8)
                low, high = style.get("vmin", act.min()), style.get("vmax", act.max())
                for j, v in enumerate(act):  # dark text on light cells, white on dark ones
                    dark = style["cmap"] == "viridis" and v - low < 0.6 * (high - low)
                    ax.text(j, 0, f"{v:.2f}", ha="center", va="center", fontsize=7,
                            color="white" if dark else "black")
            elif scale == "layer":
                step = 20 if act.size > 40 else 5
                ax.set_xticks(range(0, act.size, step))
                ax.tick_params(labelsize=7)
            else:
                ax.set_xticks([])
        if colorbar:
            bar = fig.colorbar(im, cax=fig.add_subplot(grid[row, -1]))
            bar.ax.tick_params(labelsize=7)
    fig.activations = acts
    fig.limits = limits
    return fig
