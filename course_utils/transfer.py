"""Transfer learning helpers for notebook 06: few-label subsets and k-shot splits, cached
feature extraction, a linear probe over many splits, a new head on a frozen base, unfreezing
the top block, BatchNorm statistics (recomputing them for a random-weights control, and the
fine-tuning trap), and the online cats-vs-dogs photos.

The notebook itself shows the Keras calls (``keras.applications``, ``base.trainable = False``,
``compile``/``fit``/``evaluate``, callbacks, ``tf.data``); these functions only keep repeated
plumbing short and are the references its exercises are checked against.

TensorFlow/Keras is imported inside the functions, so importing this module stays cheap.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "CATS_AND_DOGS_URL",
    "DownloadUnavailableError",
    "add_head",
    "balanced_subset",
    "batchnorm_moving_means",
    "clear_feature_cache",
    "extract_features",
    "feature_cache_info",
    "few_shot_probe",
    "few_shot_split",
    "freeze_batchnorm",
    "head_summary",
    "load_cats_and_dogs",
    "max_change",
    "probe_cuts",
    "ProbeResult",
    "recalibrate_batchnorm",
    "to_rgb",
    "unfreeze_top",
]

#: The 2,000/1,000 cats-vs-dogs photos of TensorFlow's transfer-learning tutorial (68 MB zip).
CATS_AND_DOGS_URL = (
    "https://storage.googleapis.com/mledu-datasets/cats_and_dogs_filtered.zip"
)


class DownloadUnavailableError(RuntimeError):
    """A data set that exists only online was requested offline (``COURSE_OFFLINE=1``)."""


# --------------------------------------------------------------------------- data


def to_rgb(images: Any, size: int) -> np.ndarray:
    """Resize images to ``size`` x ``size`` (bilinear) and give them three channels.

    Parameters
    ----------
    images : array (N, H, W), (H, W), (N, H, W, 1) or (N, H, W, 3)
        Grey or RGB images in 0..255 (uint8 or float), e.g. Fashion-MNIST's 28x28 digits.
    size : int
        Output side in pixels (> 0).

    Returns
    -------
    np.ndarray
        float32 (N, size, size, 3) in 0..255; grey images are copied into R, G and B.
    """
    import tensorflow as tf

    if isinstance(images, str | bytes) or not hasattr(images, "__len__"):
        raise TypeError(f"images must be an array, got {type(images).__name__}")
    if isinstance(size, bool) or not isinstance(size, int | np.integer) or size <= 0:
        raise ValueError(f"size must be a positive integer, got {size!r}")
    x = np.asarray(images, dtype=np.float32)
    if x.ndim == 2:
        x = x[None]
    if x.ndim == 3:
        x = x[..., None]
    if x.ndim != 4 or x.shape[-1] not in (1, 3):
        raise ValueError(f"images must be (N, H, W), (N, H, W, 1) or (N, H, W, 3); got {x.shape}")
    out = tf.image.resize(x, (int(size), int(size)), method="bilinear").numpy()
    if out.shape[-1] == 1:
        out = np.repeat(out, 3, axis=-1)
    return np.clip(out, 0.0, 255.0).astype(np.float32)


def balanced_subset(labels: Any, n: int, seed: int = 0) -> np.ndarray:
    """Indices of ``n`` examples, the same number from every class, drawn at random.

    Parameters
    ----------
    labels : array (N,) of int
        Class labels 0..K-1.
    n : int
        How many examples in total; a multiple of the number of classes K.
    seed : int
        Random seed (the same seed gives the same subset).

    Returns
    -------
    np.ndarray
        int64 (n,) indices into ``labels``, shuffled.
    """
    y = np.asarray(labels).astype(np.int64).ravel()
    classes = np.unique(y)
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n <= 0:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if n % len(classes):
        raise ValueError(f"n={n} is not a multiple of the {len(classes)} classes")
    per = n // len(classes)
    rng = np.random.default_rng(seed)
    picks = []
    for c in classes:
        members = np.flatnonzero(y == c)
        if len(members) < per:
            raise ValueError(f"class {c} has {len(members)} examples, fewer than {per} asked for")
        picks.append(rng.choice(members, per, replace=False))
    return rng.permutation(np.concatenate(picks)).astype(np.int64)


def few_shot_split(
    labels: Any, k: int, seed: int = 0, val_fraction: float = 0.5
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A random k-shot split: ``k`` training examples per class, the rest validation and test.

    Every class gives ``k`` examples to training; its remaining examples are shuffled and
    divided into validation (``floor(val_fraction * rest)``) and test (the others). Model
    choices (regularisation, epochs, where to cut) are made on validation; the test part is
    used once, for the number that is reported.

    Parameters
    ----------
    labels : array (N,) of int
        Class labels 0..K-1.
    k : int
        Training examples per class (>= 1); every class needs at least ``k + 2`` examples.
    seed : int
        Seed of ``np.random.default_rng``: one seed, one split.
    val_fraction : float
        Share of each class's remaining examples that goes to validation, in (0, 1).

    Returns
    -------
    (train, val, test) : three int64 arrays of indices into ``labels``
        Disjoint and shuffled; ``len(train) == K * k``.
    """
    y = np.asarray(labels)
    if y.ndim != 1 or y.size == 0 or not np.issubdtype(y.dtype, np.integer):
        raise ValueError(f"labels must be a non-empty 1-D integer array, got shape {y.shape}")
    for name, value in (("k", k), ("seed", seed)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an int, got {value!r}")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if isinstance(val_fraction, bool) or not isinstance(val_fraction, float | int):
        raise TypeError(f"val_fraction must be a number, got {val_fraction!r}")
    if not 0 < val_fraction < 1:
        raise ValueError(f"val_fraction must lie strictly between 0 and 1, got {val_fraction}")
    rng = np.random.default_rng(seed)
    parts: tuple[list, list, list] = ([], [], [])
    for c in np.unique(y):
        members = rng.permutation(np.flatnonzero(y == c))
        if len(members) < k + 2:
            raise ValueError(f"class {c} has {len(members)} examples: k={k} leaves fewer than "
                             "one for validation and one for testing")  # fmt: skip
        rest = members[k:]
        n_val = min(max(1, int(val_fraction * len(rest))), len(rest) - 1)
        for part, idx in zip(parts, (members[:k], rest[:n_val], rest[n_val:]), strict=True):
            part.append(idx)
    train, val, test = (rng.permutation(np.concatenate(p)).astype(np.int64) for p in parts)
    return train, val, test


# --------------------------------------------------------------------------- features

_CACHE: dict[tuple, dict[str, np.ndarray]] = {}
_STATS = {"hits": 0, "misses": 0}


def _weights_fingerprint(model: Any) -> str:
    h = hashlib.sha1()
    for w in model.weights[:2]:  # first kernel and bias tell random from pretrained
        h.update(np.asarray(w.numpy() if hasattr(w, "numpy") else w).tobytes()[:65536])
    return h.hexdigest()


def extract_features(
    base: Any, images: np.ndarray, layer_names: Sequence[str], batch_size: int = 128
) -> dict[str, np.ndarray]:
    """Run ``images`` once through ``base`` and return the outputs of some of its layers.

    This is *feature extraction*: the frozen base is a fixed function, so its outputs can be
    computed once and a new head trained on them for many epochs (and many seeds) at the cost
    of training the head alone. Results are cached in memory by (model, weights, layers,
    images), so a second call with the same arguments costs nothing.

    Parameters
    ----------
    base : keras.Model
        E.g. ``cu.pretrained.vgg16(...)``; expects already preprocessed images.
    images : np.ndarray
        float32 (N, H, W, C), preprocessed as ``base`` expects.
    layer_names : sequence of str
        Layers of ``base`` whose outputs are returned, e.g. ``["block3_pool", "block4_pool"]``.
    batch_size : int
        Images per forward pass.

    Returns
    -------
    dict[str, np.ndarray]
        Layer name -> float32 (N, h, w, c) features.
    """
    import keras

    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model, got {type(base).__name__}")
    names = [layer_names] if isinstance(layer_names, str) else list(layer_names)
    if not names:
        raise ValueError("layer_names must name at least one layer")
    known = {layer.name for layer in base.layers}
    missing = [n for n in names if n not in known]
    if missing:
        raise ValueError(f"{base.name} has no layer {missing[0]!r}")
    x = np.ascontiguousarray(images, dtype=np.float32)
    key = (id(base), base.name, _weights_fingerprint(base), tuple(names), x.shape,
           hashlib.sha1(x.tobytes()).hexdigest())  # fmt: skip
    if key in _CACHE:
        _STATS["hits"] += 1
        return _CACHE[key]
    _STATS["misses"] += 1
    extractor = keras.Model(base.inputs[0], [base.get_layer(n).output for n in names])
    outs = extractor.predict(x, batch_size=batch_size, verbose=0)
    outs = outs if isinstance(outs, list | tuple) else [outs]
    result = {n: np.asarray(o, dtype=np.float32) for n, o in zip(names, outs, strict=True)}
    _CACHE[key] = result
    return result


def clear_feature_cache() -> None:
    """Forget every cached feature array (frees the memory)."""
    _CACHE.clear()
    _STATS.update(hits=0, misses=0)


def feature_cache_info() -> dict[str, int]:
    """``{"entries", "hits", "misses", "bytes"}`` of the feature cache."""
    size = sum(a.nbytes for v in _CACHE.values() for a in v.values())
    return {"entries": len(_CACHE), **_STATS, "bytes": int(size)}


@dataclass(frozen=True)
class ProbeResult:
    """Result of :func:`few_shot_probe`: the chosen ``C`` and per-split accuracies.

    Attributes
    ----------
    k : int
        Training examples per class.
    C : float
        Inverse regularisation strength chosen on validation (mean over the splits).
    val : dict[float, float]
        Mean validation balanced accuracy for every ``C`` tried.
    test : np.ndarray
        Test balanced accuracy of every split with the chosen ``C``, shape (n_splits,).
    seeds : tuple[int, ...]
        The split seeds, in the order of ``test`` (pair them with another variant's).
    """

    k: int
    C: float
    val: dict
    test: np.ndarray
    seeds: tuple


def _unit_rows(features: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(features, axis=1, keepdims=True)
    return features / np.where(norms > 0, norms, 1.0)


def _row_space(x: np.ndarray) -> np.ndarray:
    """Orthonormal basis (r, D) of the span of the rows of ``x`` (r <= len(x))."""
    _, sv, vt = np.linalg.svd(x, full_matrices=False)
    return vt[sv > sv[0] * 1e-10] if sv.size and sv[0] > 0 else vt[:1]


def few_shot_probe(
    features: Any,
    labels: Any,
    k: int,
    seeds: Sequence[int],
    C_grid: Sequence[float] = (1.0, 10.0, 100.0),
    val_fraction: float = 0.5,
) -> ProbeResult:
    """Logistic regression on frozen features, over many random k-shot splits.

    For every split (:func:`few_shot_split` with each seed) and every ``C`` of the grid, a
    scikit-learn ``LogisticRegression`` is fitted on the training examples' L2-normalised
    features. The ``C`` with the best mean *validation* balanced accuracy is chosen; only then
    is each split's test balanced accuracy (the mean of the per-class recalls, so that a large
    class cannot dominate) read for that ``C``.

    With fewer training examples than feature dimensions, the fit is computed in the span of
    the training examples (coordinates in an orthonormal basis of it): an L2-regularised
    linear model's weights always lie in that span, so this is the same classifier, only much
    faster on wide features such as a flattened block output.

    Parameters
    ----------
    features : array (N, D), or callable
        One feature vector per example, e.g. a frozen base's pooled outputs. A callable
        ``features(train_indices) -> (N, D) array`` is called once per split, for features
        that depend on the split's training examples (a random-weights base whose BatchNorm
        statistics are recomputed on them, see :func:`recalibrate_batchnorm`).
    labels : array (N,) of int
        Class labels 0..K-1.
    k : int
        Training examples per class.
    seeds : sequence of int
        One split per seed (at least 2, so that the spread can be estimated).
    C_grid : sequence of float
        Inverse regularisation strengths to try (positive).
    val_fraction : float
        See :func:`few_shot_split`.

    Returns
    -------
    ProbeResult
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import balanced_accuracy_score

    y = np.asarray(labels)
    per_split = callable(features)

    def checked(f: Any) -> np.ndarray:
        f = np.asarray(f, dtype=np.float64)
        if f.ndim != 2 or len(f) != len(y):
            raise ValueError(f"features must be (N, D) with N = len(labels); got {f.shape} "
                             f"and {y.shape}")  # fmt: skip
        return _unit_rows(f)

    seeds = tuple(int(s) for s in seeds)
    if len(seeds) < 2:
        raise ValueError("seeds must hold at least 2 split seeds")
    grid = tuple(float(c) for c in C_grid)
    if not grid or min(grid) <= 0:
        raise ValueError(f"C_grid must hold positive numbers, got {C_grid!r}")
    x = None if per_split else checked(features)
    val = {c: [] for c in grid}
    test = {c: [] for c in grid}
    for seed in seeds:
        train, v, t = few_shot_split(y, k, seed, val_fraction)
        if per_split:  # features that depend on the training examples (e.g. BatchNorm)
            x = checked(features(train))
        basis = _row_space(x[train])
        z = x @ basis.T  # the same classifier, fitted in a space of at most len(train) dims
        for c in grid:
            clf = LogisticRegression(C=c, max_iter=2000).fit(z[train], y[train])
            val[c].append(balanced_accuracy_score(y[v], clf.predict(z[v])))
            test[c].append(balanced_accuracy_score(y[t], clf.predict(z[t])))
    mean_val = {c: float(np.mean(v)) for c, v in val.items()}
    best = max(grid, key=lambda c: mean_val[c])  # ties: the first (strongest regularisation)
    return ProbeResult(int(k), best, mean_val, np.asarray(test[best]), seeds)


def probe_cuts(
    features: dict[str, Any],
    labels: Any,
    k: int,
    seeds: Sequence[int],
    C_grid: Sequence[float] = (1.0, 10.0, 100.0),
) -> tuple[str, ProbeResult, dict[str, float]]:
    """Where to cut a frozen base: :func:`few_shot_probe` per cut, the cut chosen on validation.

    Parameters
    ----------
    features : dict[str, array (N, ...)]
        Cut (layer name) -> features of every example; flattened to (N, D).
    labels, k, seeds, C_grid
        As in :func:`few_shot_probe`.

    Returns
    -------
    (cut, result, val_by_cut)
        The cut with the best mean validation balanced accuracy (over its own best ``C``), its
        :class:`ProbeResult`, and that validation accuracy for every cut. The test accuracies
        of the other cuts are never looked at.
    """
    if not isinstance(features, dict) or not features:
        raise TypeError("features must be a non-empty dict: cut name -> (N, ...) array")
    results = {cut: few_shot_probe(np.asarray(f).reshape(len(f), -1), labels, k, seeds, C_grid)
               for cut, f in features.items()}  # fmt: skip
    val_by_cut = {cut: max(r.val.values()) for cut, r in results.items()}
    best = max(val_by_cut, key=val_by_cut.get)
    return best, results[best], val_by_cut


# --------------------------------------------------------------------------- heads


def add_head(base: Any, num_classes: int, dropout: float = 0.5):
    """The transfer-learning recipe's first step: a new classifier on a frozen base.

    ``inputs → base(training=False) → GlobalAveragePooling2D → Dropout → Dense(num_classes,
    softmax)``, with ``base.trainable = False`` so only the new Dense layer learns.

    Parameters
    ----------
    base : keras.Model
        Convolutional base (no top), e.g. VGG16 cut at a block.
    num_classes : int
        Classes of the new task (>= 2).
    dropout : float
        Dropout rate before the new layer.

    Returns
    -------
    keras.Model
        Input as ``base``; output probabilities (N, num_classes). Trainable parameters:
        ``channels * num_classes + num_classes``.
    """
    import keras
    from keras import layers

    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model, got {type(base).__name__}")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 2:
        raise ValueError(f"num_classes must be an integer >= 2, got {num_classes!r}")
    base.trainable = False
    inputs = keras.Input(base.inputs[0].shape[1:])
    x = base(inputs, training=False)
    x = layers.GlobalAveragePooling2D(name="gap")(x)
    x = layers.Dropout(dropout, name="head_dropout")(x)
    outputs = layers.Dense(num_classes, activation="softmax", name="head")(x)
    return keras.Model(inputs, outputs, name=f"{base.name}_with_head")


def head_summary(model: Any) -> tuple[int, int, int]:
    """(output units, trainable parameters, non-trainable parameters) of a model.

    What an exercise checks about a new head: the right number of classes, and that only the
    head's weights are trainable.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    frozen = sum(int(np.prod(w.shape)) for w in model.non_trainable_weights)
    return int(model.outputs[0].shape[-1]), trainable, frozen


def unfreeze_top(base: Any, block: str = "block5", keep_batchnorm_frozen: bool = True) -> int:
    """Make only the layers of one block of ``base`` trainable (fine-tuning the top block).

    Sets ``base.trainable = True``, then ``layer.trainable`` to whether the layer's name
    starts with ``block + "_"``. BatchNormalization layers stay frozen unless
    ``keep_batchnorm_frozen=False`` (see :func:`freeze_batchnorm`). Recompile the model
    afterwards: ``trainable`` is read when ``compile`` is called.

    Returns
    -------
    int
        Number of layers with weights that are now trainable.
    """
    import keras

    if not isinstance(base, keras.Model):
        raise TypeError(f"base must be a keras.Model, got {type(base).__name__}")
    prefix = f"{block}_"
    if not any(layer.name.startswith(prefix) for layer in base.layers):
        raise ValueError(f"{base.name} has no layer named {prefix}…")
    base.trainable = True
    count = 0
    for layer in base.layers:
        layer.trainable = layer.name.startswith(prefix)
        if keep_batchnorm_frozen and isinstance(layer, keras.layers.BatchNormalization):
            layer.trainable = False
        count += bool(layer.trainable and layer.weights)
    return count


# --------------------------------------------------------------------------- BatchNorm trap


def _batchnorm_layers(model: Any) -> list:
    import keras

    if not isinstance(model, keras.layers.Layer):
        raise TypeError(f"model must be a Keras model or layer, got {type(model).__name__}")
    found = []
    for layer in model._flatten_layers(include_self=True, recursive=True):
        if isinstance(layer, keras.layers.BatchNormalization):
            found.append(layer)
    return found


def freeze_batchnorm(model: Any) -> int:
    """Set ``trainable = False`` on every BatchNormalization layer inside ``model``.

    In Keras 3 a frozen BatchNormalization layer runs in inference mode — it normalises with
    its moving statistics and does not update them — whatever ``training`` flag ``fit``
    passes. Calling ``base(x, training=False)`` when building the model is **not** enough:
    once ``base.trainable = True``, ``fit`` calls the layers with ``training=True`` and the
    moving statistics drift to the new data set's batches.

    Returns
    -------
    int
        Number of BatchNormalization layers frozen. Recompile afterwards.
    """
    layers = _batchnorm_layers(model)
    for layer in layers:
        layer.trainable = False
    return len(layers)


def batchnorm_moving_means(model: Any) -> dict[str, np.ndarray]:
    """Copies of every BatchNormalization layer's ``moving_mean``: name -> (channels,)."""
    return {layer.name: np.array(layer.moving_mean.numpy()) for layer in _batchnorm_layers(model)}


def max_change(before: dict[str, np.ndarray], after: dict[str, np.ndarray]) -> float:
    """Largest absolute change between two snapshots of :func:`batchnorm_moving_means`."""
    if set(before) != set(after):
        raise ValueError("the two snapshots hold different layers")
    if not before:
        return 0.0
    return float(max(np.max(np.abs(after[k] - before[k])) for k in before))


def recalibrate_batchnorm(model: Any, images: Any, batch_size: int = 16) -> int:
    """Set every BatchNormalization layer's moving statistics from ``images``; weights untouched.

    A network with random weights still has BatchNorm's initial moving statistics (mean 0,
    variance 1), which describe no data: in inference mode its activations can shrink or grow
    layer after layer. This runs ``images`` through ``model`` in training mode, batch by batch,
    and sets each layer's moving mean and variance to the average of its batch statistics
    (what ``torch.optim.swa_utils.update_bn`` does). Only the statistics change: no gradient is
    computed and no weight moves. Frozen BatchNorm layers are recomputed too.

    Parameters
    ----------
    model : keras.Model
        Takes ``images`` as they are (any preprocessing inside the model).
    images : np.ndarray
        float32 (N, H, W, C), N >= 2.
    batch_size : int
        Images per forward pass (memory grows with it).

    Returns
    -------
    int
        Number of BatchNormalization layers recomputed (0: nothing to do, e.g. VGG).
    """
    import tensorflow as tf

    bns = _batchnorm_layers(model)
    x = np.asarray(images, dtype=np.float32)
    if x.ndim < 2 or len(x) < 2:
        raise ValueError(f"images must be a batch of at least 2, got shape {x.shape}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 2:
        raise ValueError(f"batch_size must be an integer >= 2, got {batch_size!r}")
    if not bns:
        return 0
    saved = [(layer.momentum, layer.trainable) for layer in bns]
    try:
        for layer in bns:  # momentum 0: after a call, the moving statistics are that batch's
            layer.momentum, layer.trainable = 0.0, True
        sums = [[np.zeros(layer.moving_mean.shape), np.zeros(layer.moving_variance.shape)]
                for layer in bns]  # fmt: skip
        for start in range(0, len(x), batch_size):
            batch = x[start : start + batch_size]
            if len(batch) < 2:  # one image has no variance: fold it into the previous batch
                break
            model(tf.constant(batch), training=True)  # eager: no tracing per batch shape
            for acc, layer in zip(sums, bns, strict=True):
                acc[0] += len(batch) * np.asarray(layer.moving_mean.numpy(), np.float64)
                acc[1] += len(batch) * np.asarray(layer.moving_variance.numpy(), np.float64)
        used = len(x) if len(x) % batch_size != 1 else len(x) - 1
        for (mean, var), layer in zip(sums, bns, strict=True):
            layer.moving_mean.assign((mean / used).astype(np.float32))
            layer.moving_variance.assign((var / used).astype(np.float32))
    finally:
        for layer, (momentum, trainable) in zip(bns, saved, strict=True):
            layer.momentum, layer.trainable = momentum, trainable
    return len(bns)


# --------------------------------------------------------------------------- online photos


def _find_split_root(path: Path) -> Path:
    for root in (path, path.parent):
        for candidate in [root, *sorted(p for p in root.rglob("*") if p.is_dir())]:
            if (candidate / "train").is_dir() and (candidate / "validation").is_dir():
                return candidate
    raise FileNotFoundError(f"no train/ and validation/ folders under {path}")


def load_cats_and_dogs(image_size: int = 160, batch_size: int = 32, verbose: bool = True):
    """TensorFlow's cats-vs-dogs subset (2,000 train / 1,000 validation photos), online only.

    Downloads ``CATS_AND_DOGS_URL`` once with ``keras.utils.get_file`` (cached in
    ``~/.keras/datasets``), then reads the folders with
    ``keras.utils.image_dataset_from_directory``.

    Parameters
    ----------
    image_size : int
        Photos are resized to ``image_size`` x ``image_size`` (>= 32).
    batch_size : int
        Batch size of the returned data sets.
    verbose : bool
        Print where the photos came from.

    Returns
    -------
    (train, validation, class_names)
        Two ``tf.data.Dataset`` of (float32 (B, S, S, 3) in 0..255, int32 (B,) labels), the
        training set shuffled; ``class_names == ("cats", "dogs")``.

    Raises
    ------
    DownloadUnavailableError
        With ``COURSE_OFFLINE=1`` (nothing is downloaded and there is no offline copy).
    """
    import keras

    if isinstance(image_size, bool) or not isinstance(image_size, int) or image_size < 32:
        raise ValueError(f"image_size must be an integer >= 32, got {image_size!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if os.environ.get("COURSE_OFFLINE", "") not in ("", "0"):
        raise DownloadUnavailableError(
            "cats_and_dogs_filtered.zip is online only and COURSE_OFFLINE is set (offline): "
            "run this part on a machine with network access (the full profile, or Colab)"
        )
    path = Path(keras.utils.get_file("cats_and_dogs_filtered.zip", origin=CATS_AND_DOGS_URL,
                                     extract=True))  # fmt: skip
    root = _find_split_root(path)
    common = {"image_size": (image_size, image_size), "batch_size": batch_size,
              "label_mode": "int", "verbose": False}  # fmt: skip
    train = keras.utils.image_dataset_from_directory(root / "train", shuffle=True, seed=0,
                                                     **common)  # fmt: skip
    val = keras.utils.image_dataset_from_directory(root / "validation", shuffle=False, **common)
    names = tuple(train.class_names)
    if verbose:
        print(f"cats vs dogs: photos from {CATS_AND_DOGS_URL} (Keras cache), classes {names}")
    return train, val, names
