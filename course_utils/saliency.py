"""Where does a classifier look? Gradient saliency, occlusion maps and Grad-CAM.

Three ways to turn one prediction into a heat map over the input image:

- :func:`gradient_saliency` (Simonyan et al., 2014): the absolute gradient of the class score
  with respect to every pixel — which pixels would change the score most if nudged.
- :func:`occlusion_map` (Zeiler and Fergus, 2014): slide a grey patch over the image and record
  how much the class probability drops — which regions the prediction *needs*.
- :func:`grad_cam` (Selvaraju et al., 2017): weight the last convolution layer's feature maps by
  the average gradient of the class score and keep the positive part — a coarse map of the
  regions that speak *for* the class (``weighting="elementwise"``: HiResCAM, Draelos and
  Carin, 2020, which keeps the gradient at every position).

Class scores are the pre-softmax values (logits) when the model's last layer is a softmax (a
``Softmax``/``Activation`` layer, or a ``Dense`` layer with a softmax activation): gradients of
probabilities vanish once the model is confident. Grad-CAM needs a *flat* functional model (all
layers at the top level; Keras 3 cannot reach inside nested sub-models).

:func:`mass_in_region` summarises a map by the fraction of its total that falls in a region;
:func:`rank_correlation` measures how much two maps agree (the sanity check of Adebayo et al.,
2018: a map that hardly changes when the network's weights are randomised explains nothing).
TensorFlow is imported inside the functions, not at module import.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "class_scores",
    "grad_cam",
    "gradient_saliency",
    "mass_in_region",
    "normalise_map",
    "occlusion_map",
    "rank_correlation",
]


def _check_model(model: Any) -> None:
    if not callable(model) or not hasattr(model, "layers"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")


def _check_images(images: Any, channels_required: bool = True) -> np.ndarray:
    x = np.asarray(images)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"images must be a numeric array, got dtype {x.dtype}")
    if x.ndim != 4 or len(x) == 0:
        raise ValueError(f"images must have shape (N, H, W, C) with N >= 1, got {x.shape}")
    return x.astype(np.float32)


def _check_classes(class_index: Any, n: int) -> np.ndarray | None:
    if class_index is None:
        return None
    c = np.asarray(class_index)
    if c.ndim == 0 and np.issubdtype(c.dtype, np.integer):
        c = np.full(n, int(c))
    if not np.issubdtype(c.dtype, np.integer):
        raise TypeError(f"class_index must be an int or integer array, got dtype {c.dtype}")
    if c.shape != (n,):
        raise ValueError(f"class_index must be one int or shape ({n},), got {c.shape}")
    if (c < 0).any():
        raise ValueError("class_index must be >= 0")
    return c.astype(np.int64)


def _single(inputs: list) -> Any:
    """A model's one input tensor (Keras warns when a list meets a single tensor)."""
    return inputs[0] if len(inputs) == 1 else inputs


def _is_softmax(activation: Any) -> bool:
    name = getattr(activation, "__name__", str(activation))
    return "softmax" in str(name).lower()


def class_scores(model: Any) -> tuple[Callable, str]:
    """A function mapping images to the model's class scores, and what those scores are.

    Parameters
    ----------
    model : keras.Model
        A classifier with outputs (N, K).

    Returns
    -------
    (score_fn, kind) : (callable, str)
        ``score_fn(x)`` → tensor (N, K). ``kind`` is ``"logits"`` when the pre-softmax values
        could be recovered (last layer a softmax ``Activation``/``Softmax`` layer, or a
        ``Dense`` layer with a softmax activation), else ``"log-probabilities"``.
    """
    import keras
    import tensorflow as tf

    _check_model(model)
    last = model.layers[-1]
    inputs = getattr(model, "inputs", None)
    if inputs:
        if isinstance(last, keras.layers.Softmax) or (
            isinstance(last, keras.layers.Activation) and _is_softmax(last.activation)
        ):
            pre = keras.Model(_single(inputs), last.input)
            return (lambda x: pre(x, training=False)), "logits"
        if isinstance(last, keras.layers.Dense) and _is_softmax(last.activation):
            features = keras.Model(_single(inputs), last.input)

            def logits(x):
                h = features(x, training=False)
                z = tf.matmul(h, last.kernel)
                return z + last.bias if last.use_bias else z

            return logits, "logits"
    return (lambda x: tf.math.log(model(x, training=False) + 1e-12)), "log-probabilities"


def gradient_saliency(
    model: Any, images: Any, class_index: Any = None, batch_size: int = 32
) -> np.ndarray:
    """Vanilla gradient saliency: |∂ score_c / ∂ pixel|, maximum over colour channels.

    Parameters
    ----------
    model : keras.Model
        Classifier, outputs (N, K).
    images : np.ndarray
        Inputs (N, H, W, C) as the model expects them.
    class_index : int or np.ndarray of int, optional
        Class whose score is explained, one int or one per image (default: the predicted class).
    batch_size : int
        Images per gradient computation.

    Returns
    -------
    np.ndarray of float32, shape (N, H, W)
        Non-negative saliency (not normalised).
    """
    import tensorflow as tf

    _check_model(model)
    x = _check_images(images)
    classes = _check_classes(class_index, len(x))
    score_fn, _ = class_scores(model)
    out = []
    for start in range(0, len(x), batch_size):
        xb = tf.convert_to_tensor(x[start : start + batch_size])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            scores = score_fn(xb)
            if classes is None:
                cb = tf.argmax(scores, axis=-1)
            else:
                cb = tf.constant(classes[start : start + batch_size])
            total = tf.reduce_sum(tf.gather(scores, cb, axis=1, batch_dims=1))
        grad = tape.gradient(total, xb).numpy()
        out.append(np.abs(grad).max(axis=-1))
    return np.concatenate(out).astype(np.float32)


def occlusion_map(
    predict: Any,
    image: Any,
    class_index: int | None = None,
    patch: int = 8,
    stride: int = 4,
    fill: float | str = "mean",
    batch_size: int = 64,
) -> np.ndarray:
    """Occlusion sensitivity: drop in the class probability when a square patch is hidden.

    Every position of a ``patch`` x ``patch`` square (moved by ``stride`` pixels, the last row
    and column aligned to the border) is replaced by ``fill`` and the image is classified
    again. A pixel's value is the mean probability drop over all patches that cover it.

    Parameters
    ----------
    predict : keras.Model or callable
        Maps a batch (B, H, W, C) to probabilities (B, K).
    image : np.ndarray
        One image (H, W, C) (or (1, H, W, C)).
    class_index : int, optional
        Class to explain (default: the class predicted for the intact image).
    patch, stride : int
        Patch side and step in pixels (1 <= stride <= patch <= min(H, W)).
    fill : float or "mean"
        Value the hidden pixels get ("mean": the image's mean, per channel).
    batch_size : int
        Occluded images per forward pass.

    Returns
    -------
    np.ndarray of float32, shape (H, W)
        Probability drop (positive: hiding this region lowers the class probability).
    """
    if not callable(predict):
        raise TypeError(f"predict must be a model or a function, got {type(predict).__name__}")
    x = np.asarray(image)
    if x.ndim == 4 and len(x) == 1:
        x = x[0]
    if x.dtype == object or not np.issubdtype(x.dtype, np.number):
        raise TypeError(f"image must be a numeric array, got dtype {x.dtype}")
    if x.ndim != 3:
        raise ValueError(f"image must have shape (H, W, C), got {x.shape}")
    x = x.astype(np.float32)
    h, w, _ = x.shape
    for name, value in (("patch", patch), ("stride", stride), ("batch_size", batch_size)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    if not stride <= patch <= min(h, w):
        raise ValueError(f"need 1 <= stride <= patch <= min(H, W) = {min(h, w)}, "
                         f"got patch {patch}, stride {stride}")  # fmt: skip
    if isinstance(fill, str):
        if fill != "mean":
            raise ValueError(f"fill must be a number or 'mean', got {fill!r}")
        value = x.mean(axis=(0, 1))
    elif isinstance(fill, bool) or not isinstance(fill, int | float | np.number):
        raise TypeError(f"fill must be a number or 'mean', got {type(fill).__name__}")
    else:
        value = np.float32(fill)

    def run(batch: np.ndarray) -> np.ndarray:
        out = predict(batch, training=False) if hasattr(predict, "layers") else predict(batch)
        return np.asarray(out)

    base = run(x[None])[0]
    c = int(np.argmax(base)) if class_index is None else int(class_index)
    if not 0 <= c < len(base):
        raise ValueError(f"class_index must be in 0..{len(base) - 1}, got {class_index}")
    tops = sorted(set(range(0, h - patch + 1, stride)) | {h - patch})
    lefts = sorted(set(range(0, w - patch + 1, stride)) | {w - patch})
    positions = [(t, left) for t in tops for left in lefts]
    drops = np.empty(len(positions), dtype=np.float32)
    for start in range(0, len(positions), batch_size):
        chunk = positions[start : start + batch_size]
        batch = np.repeat(x[None], len(chunk), axis=0)
        for i, (t, left) in enumerate(chunk):
            batch[i, t : t + patch, left : left + patch] = value
        drops[start : start + len(chunk)] = base[c] - run(batch)[:, c]
    total = np.zeros((h, w), dtype=np.float64)
    count = np.zeros((h, w), dtype=np.float64)
    for (t, left), d in zip(positions, drops, strict=True):
        total[t : t + patch, left : left + patch] += d
        count[t : t + patch, left : left + patch] += 1
    return (total / count).astype(np.float32)


def grad_cam(
    model: Any,
    images: Any,
    class_index: Any = None,
    layer_name: str | None = None,
    weighting: str = "mean",
    batch_size: int = 32,
) -> np.ndarray:
    """Grad-CAM heat maps, upsampled to the input size.

    For the chosen convolution layer with feature maps A_k (h, w), the weight of map k is the
    spatial mean of ∂ score_c / ∂ A_k; the map is ReLU(Σ_k weight_k · A_k), resized bilinearly
    to the image size and divided by its maximum.

    ``weighting="elementwise"`` keeps the gradient at every position instead of its mean:
    ReLU(Σ_k ∂ score_c / ∂ A_k ⊙ A_k) (HiResCAM, Draelos and Carin, 2020). The two agree when
    the network pools its last feature maps globally (the gradient is then the same at every
    position); with a Flatten → Dense head, which weighs every position separately, only the
    element-wise map shows *where* the score comes from.

    Parameters
    ----------
    model : keras.Model
        A *flat* functional classifier (the layer must be at the top level of ``model``).
    images : np.ndarray
        Inputs (N, H, W, C).
    class_index : int or np.ndarray of int, optional
        Class to explain (default: the predicted class), one int or one per image.
    layer_name : str, optional
        Convolution layer to use (default: ``model.last_conv_layer`` if the model has that
        attribute, else the last layer with a 4-D output).
    weighting : {"mean", "elementwise"}
        ``"mean"``: Grad-CAM (one weight per feature map); ``"elementwise"``: HiResCAM.
    batch_size : int
        Images per gradient computation (the tape holds every activation of a batch: keep it
        small for large networks at full resolution).

    Returns
    -------
    np.ndarray of float32, shape (N, H, W)
        Maps in [0, 1] (all zeros where nothing speaks for the class).
    """
    import keras
    import tensorflow as tf

    if weighting not in ("mean", "elementwise"):
        raise ValueError(f"weighting must be 'mean' or 'elementwise', got {weighting!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
            or batch_size < 1:  # fmt: skip
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    _check_model(model)
    x = _check_images(images)
    classes = _check_classes(class_index, len(x))
    if not getattr(model, "inputs", None):
        raise ValueError("grad_cam needs a functional model with defined inputs")
    if layer_name is None:
        layer_name = getattr(model, "last_conv_layer", None)
    if layer_name is None:
        four_d = [
            layer for layer in model.layers
            if not isinstance(layer, keras.layers.InputLayer) and len(layer.output.shape) == 4
        ]  # fmt: skip
        if not four_d:
            raise ValueError("the model has no layer with 4-D (N, h, w, channels) outputs")
        layer_name = four_d[-1].name
    if not isinstance(layer_name, str):
        raise TypeError(f"layer_name must be a string, got {type(layer_name).__name__}")
    names = [layer.name for layer in model.layers]
    if layer_name not in names:
        raise ValueError(
            f"no top-level layer {layer_name!r} (Grad-CAM needs a flat functional model; "
            f"nested sub-models cannot be reached in Keras 3)"
        )
    conv_out = model.get_layer(layer_name).output
    if len(conv_out.shape) != 4:
        raise ValueError(f"layer {layer_name!r} has output shape {conv_out.shape}, not 4-D")
    score_fn, kind = class_scores(model)
    if kind == "logits":
        last = model.layers[-1]
        head_in = last.input
        grad_model = keras.Model(_single(model.inputs), [conv_out, head_in])
        if isinstance(last, keras.layers.Dense):

            def to_scores(h):
                z = tf.matmul(h, last.kernel)
                return z + last.bias if last.use_bias else z
        else:

            def to_scores(h):
                return h
    else:
        grad_model = keras.Model(_single(model.inputs), [conv_out, model.outputs[0]])

        def to_scores(p):
            return tf.math.log(p + 1e-12)

    cams = []
    for start in range(0, len(x), batch_size):
        xt = tf.convert_to_tensor(x[start : start + batch_size])
        with tf.GradientTape() as tape:
            maps, head = grad_model(xt, training=False)
            scores = to_scores(head)
            if classes is None:
                cb = tf.argmax(scores, axis=-1)
            else:
                cb = tf.constant(classes[start : start + batch_size])
            total = tf.reduce_sum(tf.gather(scores, cb, axis=1, batch_dims=1))
        grads = tape.gradient(total, maps)
        if weighting == "mean":
            weights = tf.reduce_mean(grads, axis=(1, 2), keepdims=True)  # (n, 1, 1, k)
        else:
            weights = grads  # (n, h, w, k): every position keeps its own gradient
        cam = tf.nn.relu(tf.reduce_sum(weights * maps, axis=-1))[..., None]  # (n, h, w, 1)
        cams.append(tf.image.resize(cam, x.shape[1:3], method="bilinear")[..., 0].numpy())
    cam = np.concatenate(cams)
    peak = cam.reshape(len(cam), -1).max(axis=1)[:, None, None]
    return np.where(peak > 0, cam / np.where(peak > 0, peak, 1), 0).astype(np.float32)


def normalise_map(saliency: Any) -> np.ndarray:
    """Scale each map to [0, 1] by its own maximum (maps of zeros stay zero).

    Parameters
    ----------
    saliency : np.ndarray
        Non-negative maps, (H, W) or (N, H, W).
    """
    s = np.asarray(saliency, dtype=np.float32)
    if s.ndim not in (2, 3):
        raise ValueError(f"saliency must be (H, W) or (N, H, W), got shape {s.shape}")
    flat = s.reshape(-1, s.shape[-2] * s.shape[-1]) if s.ndim == 3 else s.reshape(1, -1)
    peak = flat.max(axis=1)
    peak = np.where(peak > 0, peak, 1.0)
    return (flat / peak[:, None]).reshape(s.shape).astype(np.float32)


def mass_in_region(saliency: Any, region: Any) -> np.ndarray | float:
    """Fraction of a map's total (positive part) that falls inside a region.

    Parameters
    ----------
    saliency : np.ndarray
        Maps (H, W) or (N, H, W); negative values count as zero.
    region : np.ndarray of bool
        Mask (H, W), or (N, H, W) for one mask per map.

    Returns
    -------
    float or np.ndarray of float, shape (N,)
        Mass inside / total mass, in [0, 1] (0 for an all-zero map).
    """
    s = np.clip(np.asarray(saliency, dtype=np.float64), 0, None)
    m = np.asarray(region)
    if m.dtype != bool:
        raise TypeError(f"region must be a boolean mask, got dtype {m.dtype}")
    if s.ndim not in (2, 3):
        raise ValueError(f"saliency must be (H, W) or (N, H, W), got shape {s.shape}")
    if m.shape != s.shape[-2:] and m.shape != s.shape:
        raise ValueError(f"region shape {m.shape} does not match maps of shape {s.shape}")
    inside = (s * m).sum(axis=(-2, -1))
    total = s.sum(axis=(-2, -1))
    frac = np.where(total > 0, inside / np.where(total > 0, total, 1), 0.0)
    return float(frac) if s.ndim == 2 else frac


def rank_correlation(maps_a: Any, maps_b: Any) -> float | np.ndarray:
    """Spearman rank correlation between two saliency maps, or between pairs of maps.

    The measure of Adebayo et al. (2018, "Sanity checks for saliency maps"): 1 when the two
    maps rank the pixels in the same order, about 0 when the orders are unrelated. Only the
    order matters, so maps on different scales compare fairly.

    Parameters
    ----------
    maps_a, maps_b : np.ndarray
        Maps of the same shape, (H, W) or (N, H, W) (map i of ``a`` with map i of ``b``).

    Returns
    -------
    float or np.ndarray of float, shape (N,)
        Correlations in [-1, 1]; 0 where a map is constant (it ranks no pixel above another).
    """
    from scipy.stats import spearmanr

    a, b = np.asarray(maps_a), np.asarray(maps_b)
    for name, arr in (("maps_a", a), ("maps_b", b)):
        if arr.dtype == object or not (np.issubdtype(arr.dtype, np.number) or arr.dtype == bool):
            raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if a.shape != b.shape:
        raise ValueError(f"maps_a and maps_b differ in shape: {a.shape} vs {b.shape}")
    if a.ndim not in (2, 3) or a.size == 0:
        raise ValueError(f"maps must be (H, W) or (N, H, W), got shape {a.shape}")
    flat_a = a.reshape(-1, a.shape[-2] * a.shape[-1]).astype(np.float64)
    flat_b = b.reshape(-1, b.shape[-2] * b.shape[-1]).astype(np.float64)
    if not (np.isfinite(flat_a).all() and np.isfinite(flat_b).all()):
        raise ValueError("maps contain NaN or infinity")
    out = np.zeros(len(flat_a))
    for i, (x, y) in enumerate(zip(flat_a, flat_b, strict=True)):
        if np.ptp(x) > 0 and np.ptp(y) > 0:
            out[i] = float(spearmanr(x, y).statistic)
    return float(out[0]) if a.ndim == 2 else out
