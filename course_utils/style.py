"""Neural style transfer from scratch (notebook 08).

Gatys, Ecker and Bethge (2015), *A Neural Algorithm of Artistic Style*: take a pretrained CNN,
freeze it, and optimise the **pixels** of an image so that

- its activations at one layer "somewhere in the middle" match a photo's (**content**), and
- the channel correlations (**Gram matrices**) of several layers match a painting's (**style**),

with a small **total variation** term that keeps neighbouring pixels alike.

Conventions (all losses are normalised so that their size does not depend on the image size):

- feature maps are ``(H, W, C)`` or a batch ``(N, H, W, C)``;
- :func:`gram_matrix` is ``G[k, k'] = Σ_ij a[i, j, k] · a[i, j, k'] / (H·W)`` — Gatys et al.'s
  sum, divided by the number of positions, so a 128 px and a 512 px image of the same texture
  give comparable Grams;
- :func:`content_loss` and :func:`style_loss` are the squared differences divided by the
  target's number of entries (a mean squared error): Gatys et al.'s ``½‖a(C) − a(G)‖²`` and
  ``‖G(S) − G(G)‖²_F`` up to a constant factor, which the loss weights absorb;
- :func:`total_variation_loss` is the mean squared difference between vertical neighbours plus
  the same for horizontal neighbours.

Images are RGB floats in 0..255 (the range the VGG preprocessing expects). The loop
:func:`style_transfer` runs one compiled step (``tf.function``: forward pass through the
truncated network, gradient with respect to the pixels, Adam update, clip to 0..255) per
iteration. The image variable and its Adam optimizer are created *together* and stay together:
a Keras 3 optimizer that has updated one variable refuses another one ("Unknown variable"), so
an optimizer shared between runs breaks the second run. The loop keeps a few such pairs with
their compiled step (one per network, layer choice and image size) and resets one at each
call, so re-running a cell neither fails nor traces the step again.

The functions accept NumPy arrays or TensorFlow tensors and return TensorFlow tensors (use
``.numpy()``); TensorFlow is imported inside the functions only.
"""

from __future__ import annotations

import sys
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

__all__ = [
    "CONTENT_LAYER",
    "STYLE_LAYERS",
    "FeatureExtractor",
    "StyleTransferResult",
    "content_loss",
    "feature_extractor",
    "gram_matrix",
    "style_loss",
    "style_transfer",
    "total_variation_loss",
]

#: The content layer of the course's recipe (VGG16/VGG19 layer names).
CONTENT_LAYER = "block4_conv2"
#: The style layers: the first convolution of each of VGG's five blocks (Gatys et al.).
STYLE_LAYERS: tuple[str, ...] = (
    "block1_conv1",
    "block2_conv1",
    "block3_conv1",
    "block4_conv1",
    "block5_conv1",
)


# --------------------------------------------------------------------------- input checks


def _tensor(x: Any, name: str, ranks: tuple[int, ...]):
    """``x`` as a float32 tensor of one of ``ranks``, with clear errors."""
    import tensorflow as tf

    if isinstance(x, str | bytes) or x is None or isinstance(x, bool):
        raise TypeError(f"{name} must be an array or tensor, got {type(x).__name__}")
    if not tf.is_tensor(x):
        arr = np.asarray(x)
        if arr.dtype == object or not (
            np.issubdtype(arr.dtype, np.number) or arr.dtype == np.bool_
        ):
            raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
        x = arr
    x = tf.cast(x, tf.float32)
    rank = x.shape.rank
    if rank not in ranks:
        want = " or ".join(str(r) for r in ranks)
        raise ValueError(f"{name} must have rank {want}, got shape {tuple(x.shape)}")
    return x


def _same_shape(a, b, names: str) -> None:
    if a.shape.is_fully_defined() and b.shape.is_fully_defined() and a.shape != b.shape:
        raise ValueError(
            f"{names} must have the same shape, got {tuple(a.shape)} and {tuple(b.shape)}"
        )


# --------------------------------------------------------------------------- the losses


def gram_matrix(features: Any):
    """Channel correlations of feature maps: ``G[k, k'] = Σ_ij a[i,j,k] a[i,j,k'] / (H·W)``.

    Parameters
    ----------
    features : array or tensor, shape (H, W, C) or (N, H, W, C)
        Activations of one layer (channels last).

    Returns
    -------
    tf.Tensor, float32, shape (C, C) or (N, C, C)
        Symmetric, positive semi-definite; divided by the number of positions H·W.

    Raises
    ------
    TypeError
        For non-numeric input.
    ValueError
        For another rank, or an empty spatial grid.
    """
    import tensorflow as tf

    a = _tensor(features, "features", (3, 4))
    h, w = a.shape[-3], a.shape[-2]
    if h == 0 or w == 0:
        raise ValueError(f"features have no positions: shape {tuple(a.shape)}")
    positions = tf.cast(tf.shape(a)[-3] * tf.shape(a)[-2], tf.float32)
    return tf.einsum("...ijc,...ijd->...cd", a, a) / positions


def content_loss(target: Any, generated: Any):
    """Mean squared difference between two layers' activations (the content cost).

    ``Σ (generated − target)² / target.size``: Gatys et al.'s ``½‖a(C) − a(G)‖²`` divided by the
    number of activations (and without the ½).

    Parameters
    ----------
    target, generated : array or tensor, same shape (H, W, C) or (N, H, W, C)

    Returns
    -------
    tf.Tensor
        A float32 scalar, ≥ 0, zero exactly when the activations are equal.
    """
    import tensorflow as tf

    t = _tensor(target, "target", (3, 4))
    g = _tensor(generated, "generated", (3, 4))
    _same_shape(t, g, "target and generated")
    return tf.reduce_mean(tf.square(g - t))


def style_loss(target_grams: Any, grams: Any):
    """Mean squared difference between Gram matrices, averaged over layers (the style cost).

    For one layer ``Σ (G − G_target)² / G_target.size``, Gatys et al.'s squared Frobenius norm
    ``‖G(S) − G(G)‖²_F`` divided by C². With several layers (sequences of the same length),
    the mean of the per-layer values.

    Parameters
    ----------
    target_grams, grams : array/tensor (C, C) or (N, C, C), or sequences of them
        Gram matrices (see :func:`gram_matrix`) of the style image and of the generated one.

    Returns
    -------
    tf.Tensor
        A float32 scalar, ≥ 0.
    """
    import tensorflow as tf

    single = not isinstance(target_grams, list | tuple)
    if single != (not isinstance(grams, list | tuple)):
        raise TypeError("pass either two Gram matrices or two sequences of Gram matrices")
    targets = [target_grams] if single else list(target_grams)
    gens = [grams] if single else list(grams)
    if not targets or len(targets) != len(gens):
        raise ValueError(
            f"need the same, non-zero number of target and generated Grams, got "
            f"{len(targets)} and {len(gens)}"
        )
    terms = []
    for i, (t, g) in enumerate(zip(targets, gens, strict=True)):
        t = _tensor(t, f"target_grams[{i}]", (2, 3))
        g = _tensor(g, f"grams[{i}]", (2, 3))
        if t.shape[-1] != t.shape[-2]:
            raise ValueError(f"a Gram matrix is square (C, C), got shape {tuple(t.shape)}")
        _same_shape(t, g, f"target_grams[{i}] and grams[{i}]")
        terms.append(tf.reduce_mean(tf.square(g - t)))
    return tf.add_n(terms) / len(terms)


def total_variation_loss(image: Any):
    """Mean squared difference between neighbouring pixels (vertical + horizontal).

    ``mean((x[1:, :] − x[:-1, :])²) + mean((x[:, 1:] − x[:, :-1])²)`` over all channels (and
    images of a batch). Small for smooth images, large for noise.

    Parameters
    ----------
    image : array or tensor, shape (H, W, C) or (N, H, W, C), H and W ≥ 2

    Returns
    -------
    tf.Tensor
        A float32 scalar, ≥ 0; zero for a constant image.
    """
    import tensorflow as tf

    x = _tensor(image, "image", (3, 4))
    h, w = x.shape[-3], x.shape[-2]
    if (h is not None and h < 2) or (w is not None and w < 2):
        raise ValueError(f"image needs at least 2x2 pixels, got shape {tuple(x.shape)}")
    dy = x[..., 1:, :, :] - x[..., :-1, :, :]
    dx = x[..., :, 1:, :] - x[..., :, :-1, :]
    return tf.reduce_mean(tf.square(dy)) + tf.reduce_mean(tf.square(dx))


# --------------------------------------------------------------------------- features


@dataclass
class FeatureExtractor:
    """Chosen layers of a CNN, as one callable: images → ``{layer name: activations}``.

    Built by :func:`feature_extractor`. Only the part of the network the layers need is
    computed (a network cut after its deepest chosen layer).

    Attributes
    ----------
    model : keras.Model
        The truncated network (outputs: the chosen layers, in order).
    layers : tuple[str, ...]
        The chosen layer names.
    base : keras.Model
        The full network the layers were taken from.
    preprocess : callable or None
        Applied to the images first (e.g. ``keras.applications.vgg16.preprocess_input``, which
        turns RGB 0..255 into VGG's mean-subtracted BGR).
    """

    model: Any
    layers: tuple[str, ...]
    base: Any
    preprocess: Callable[[Any], Any] | None = None

    def __call__(self, images: Any) -> dict[str, Any]:
        """Activations of the chosen layers.

        Parameters
        ----------
        images : array or tensor, shape (H, W, 3) or (N, H, W, 3), RGB 0..255

        Returns
        -------
        dict[str, tf.Tensor]
            Layer name → activations of shape (N, h, w, c) (N = 1 for a single image).
        """
        x = _tensor(images, "images", (3, 4))
        if x.shape.rank == 3:
            x = x[None]
        if self.preprocess is not None:
            x = self.preprocess(x)
        outputs = self.model(x, training=False)
        if not isinstance(outputs, list | tuple):
            outputs = [outputs]
        return dict(zip(self.layers, outputs, strict=True))


def _feature_layers(model: Any) -> list[str]:
    """Names of the layers whose output is a batch of feature maps (rank 4)."""
    names = []
    for layer in model.layers:
        try:
            shape = layer.output.shape
        except (AttributeError, ValueError):  # e.g. a layer used twice, or never called
            continue
        if len(shape) == 4:
            names.append(layer.name)
    return names


def feature_extractor(
    model: Any, layers: str | Sequence[str], preprocess: Callable[[Any], Any] | None = None
) -> FeatureExtractor:
    """Wrap chosen layers of a Keras CNN as a :class:`FeatureExtractor`.

    Parameters
    ----------
    model : keras.Model
        A built functional or Sequential CNN, e.g. ``keras.applications.VGG16(include_top=False)``
        (then any image size works).
    layers : str or sequence of str
        Layer names, e.g. ``("block4_conv2",)`` or :data:`STYLE_LAYERS`. Each must output
        feature maps (N, H, W, C).
    preprocess : callable, optional
        Applied to the 0..255 RGB images before the network.

    Returns
    -------
    FeatureExtractor

    Raises
    ------
    TypeError
        If ``model`` is not a Keras model or ``layers`` are not strings.
    ValueError
        For no layers, repeated names, a name the model does not have (the message lists the
        valid ones), or a layer that does not output feature maps.
    """
    import keras

    if not isinstance(model, keras.Model):
        raise TypeError(f"model must be a keras.Model, got {type(model).__name__}")
    if isinstance(layers, str):
        layers = (layers,)
    layers = tuple(layers)
    if not layers:
        raise ValueError("choose at least one layer")
    bad = [n for n in layers if not isinstance(n, str)]
    if bad:
        raise TypeError(f"layer names must be strings, got {bad!r}")
    if len(set(layers)) != len(layers):
        raise ValueError(f"layer names repeat: {layers!r}")
    if preprocess is not None and not callable(preprocess):
        raise TypeError("preprocess must be callable or None")
    try:
        inputs = model.inputs
    except (AttributeError, ValueError):
        inputs = None
    if not inputs:
        raise ValueError(f"model {model.name!r} is not built: call it once or give it an Input")
    valid = _feature_layers(model)
    all_names = {layer.name for layer in model.layers}
    for name in layers:
        if name not in all_names:
            raise ValueError(
                f"model {model.name!r} has no layer {name!r}; layers with feature maps: "
                + ", ".join(valid)
            )
        if name not in valid:
            shape = tuple(model.get_layer(name).output.shape)
            raise ValueError(
                f"layer {name!r} outputs shape {shape}, not feature maps (N, H, W, C); choose "
                "one of: " + ", ".join(valid)
            )
    outputs = [model.get_layer(n).output for n in layers]
    cut = keras.Model(inputs, outputs, name=f"{model.name}_features")
    cut.trainable = False
    return FeatureExtractor(model=cut, layers=layers, base=model, preprocess=preprocess)


# --------------------------------------------------------------------------- the loop


@dataclass
class StyleTransferResult:
    """What :func:`style_transfer` returns.

    Attributes
    ----------
    image : np.ndarray, float32 (H, W, 3) in 0..255
        The optimised image.
    history : dict[str, np.ndarray]
        ``"content"``, ``"style"``, ``"tv"`` (each term *before* weighting; zero when its
        weight is zero) and ``"total"`` (the weighted sum that was minimised), each of length
        ``iterations_run + 1``: entry ``i`` is the loss after ``i`` updates.
    snapshots : list[tuple[int, np.ndarray]]
        ``(updates done, image)`` pairs, first the starting image, every ``snapshot_every``
        updates and the final image.
    seconds : float
        Wall time of the whole call (includes building the graph).
    first_step_seconds : float
        The first step (it traces the ``tf.function`` unless an earlier call with the same
        network, layers and image size already did).
    seconds_per_iteration : float
        Median wall time of the later steps.
    iterations_run : int
        Updates done: ``iterations``, or fewer when the stopping rule (``stop_tol``) ended
        the run.
    converged : bool
        True when the stopping rule ended the run: the loss fell by less than ``stop_tol``
        over ``stop_window`` updates at the smallest learning rate allowed.
    final_learning_rate : float
        Adam's step size at the end (smaller than ``learning_rate`` after halvings).
    settings : dict
        The layers, weights, learning rate and image shape used.
    """

    image: np.ndarray
    history: dict[str, np.ndarray]
    snapshots: list[tuple[int, np.ndarray]] = field(default_factory=list)
    seconds: float = 0.0
    first_step_seconds: float = 0.0
    seconds_per_iteration: float = 0.0
    iterations_run: int = 0
    converged: bool = False
    final_learning_rate: float = 0.0
    settings: dict[str, Any] = field(default_factory=dict)

    def factor(self, term: str) -> float:
        """How many times smaller the term is at the end than at the start."""
        values = self.history[term]
        return float(values[0] / max(values[-1], 1e-30))


def _rgb_image(x: Any, name: str) -> np.ndarray:
    if x is None:
        return None
    if isinstance(x, str | bytes) or isinstance(x, bool):
        raise TypeError(f"{name} must be an image array, got {type(x).__name__}")
    arr = np.asarray(x)
    if arr.dtype == object or not np.issubdtype(arr.dtype, np.number):
        raise TypeError(f"{name} must be numeric, got dtype {arr.dtype}")
    if arr.ndim == 4 and arr.shape[0] == 1:
        arr = arr[0]
    if arr.ndim != 3 or arr.shape[-1] != 3:
        raise ValueError(f"{name} must be one RGB image (H, W, 3), got shape {arr.shape}")
    if min(arr.shape[:2]) < 16:
        raise ValueError(f"{name} is too small for a CNN: {arr.shape[:2]} (need ≥ 16 px)")
    arr = arr.astype(np.float32)
    if arr.min() < 0 or arr.max() > 255:
        raise ValueError(f"{name} must hold RGB values in 0..255, got {arr.min():g}..{arr.max():g}")
    return arr


def _nonneg(value: Any, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.integer | np.floating):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be finite and ≥ 0, got {value}")
    return float(value)


_CACHE_SIZE = 8
_COMPILED: OrderedDict[tuple, _CompiledRun] = OrderedDict()


class _CompiledRun:
    """An image variable, *its* Adam optimizer and the compiled step that updates them.

    A Keras 3 optimizer that has updated one variable refuses any other ("Unknown variable"),
    so the two are created together here and stay together. :func:`style_transfer` keeps a
    few of these (one per network, layer choice and image size) and resets one for each call:
    the image to the new start, the targets and weights to the new ones, Adam's step counter
    and moving averages to zero. Re-running a cell then gives the same result without tracing
    the step again.
    """

    def __init__(self, extractor, used_c, used_s, start, content_targets, style_targets,
                 use_tv: bool, jit_compile: bool):  # fmt: skip
        import keras
        import tensorflow as tf

        self.extractor = extractor
        self.image = tf.Variable(start[None], name="generated_image")
        self.optimizer = keras.optimizers.Adam(learning_rate=1.0)
        self.optimizer.build([self.image])
        self.content_targets = [tf.Variable(t, trainable=False) for t in content_targets]
        self.style_targets = [tf.Variable(g, trainable=False) for g in style_targets]
        self.weights = tf.Variable(tf.zeros(3), trainable=False, name="loss_weights")
        zero = tf.constant(0.0)

        def terms(x):
            feats = extractor(x)
            c = (tf.add_n([content_loss(t, feats[n])
                           for t, n in zip(self.content_targets, used_c, strict=True)])
                 / len(used_c) if used_c else zero)  # fmt: skip
            s = (style_loss(list(self.style_targets), [gram_matrix(feats[n]) for n in used_s])
                 if used_s else zero)  # fmt: skip
            t = total_variation_loss(x) if use_tv else zero
            w = self.weights
            return c, s, t, w[0] * c + w[1] * s + w[2] * t

        @tf.function(jit_compile=jit_compile)
        def step():
            with tf.GradientTape() as tape:
                c, s, t, total = terms(self.image)
            grad = tape.gradient(total, self.image)
            self.optimizer.apply_gradients([(grad, self.image)])
            self.image.assign(tf.clip_by_value(self.image, 0.0, 255.0))
            return tf.stack([c, s, t, total])

        self.terms = terms
        self.step = step

    def reset(self, start, content_targets, style_targets, weights, learning_rate) -> None:
        import tensorflow as tf

        self.image.assign(start[None])
        for var, value in zip(self.content_targets, content_targets, strict=True):
            var.assign(value)
        for var, value in zip(self.style_targets, style_targets, strict=True):
            var.assign(value)
        self.weights.assign(weights)
        for var in self.optimizer.variables:  # step counter, moving averages (and the rate)
            var.assign(tf.zeros_like(var))
        self.optimizer.learning_rate = learning_rate


def style_transfer(
    model: Any,
    content_image: Any = None,
    style_image: Any = None,
    *,
    content_layers: Sequence[str] = (CONTENT_LAYER,),
    style_layers: Sequence[str] = STYLE_LAYERS,
    content_weight: float = 1.0,
    style_weight: float = 1e-2,
    tv_weight: float = 1e-2,
    iterations: int = 100,
    learning_rate: float = 5.0,
    init: str | Any = "content",
    shape: tuple[int, int] | None = None,
    preprocess: Callable[[Any], Any] | None = None,
    snapshot_every: int = 0,
    log_every: int = 0,
    seed: int = 0,
    jit_compile: bool = False,
    stop_tol: float = 0.0,
    stop_window: int = 50,
    lr_halvings: int = 0,
) -> StyleTransferResult:
    """Optimise an image's pixels so that it has the content of one image and the style of another.

    Minimises ``content_weight·content + style_weight·style + tv_weight·tv`` with Adam, one
    compiled step per iteration (the image variable, its optimizer and the step are reused,
    reset, by later calls with the same network, layers and image size). Leave out
    ``content_image`` (or set its weight to 0) to synthesise a texture from the style alone;
    leave out ``style_image`` to reconstruct an image from one layer's content alone.

    Parameters
    ----------
    model : keras.Model or FeatureExtractor
        The frozen CNN (e.g. VGG16 without its top). A :class:`FeatureExtractor` brings its own
        ``preprocess``. Only the layers up to the deepest one used are run.
    content_image, style_image : np.ndarray (H, W, 3), RGB 0..255, optional
        The photo and the painting; they may differ in size (Gram matrices do not depend on it).
    content_layers, style_layers : sequence of str
        Layers for the two terms (content: mean over layers; style: :func:`style_loss`).
    content_weight, style_weight, tv_weight : float ≥ 0
        The loss weights.
    iterations : int ≥ 1
        Adam updates.
    learning_rate : float > 0
        Adam's step size, in 0..255 pixel units (≈ 5 moves a pixel by at most ~5 per step).
    init : "content", "noise" or an image (H, W, 3)
        Where to start: the content image, mid-grey plus Gaussian noise (σ = 20), or a given
        image.
    shape : (height, width), optional
        Image size when there is no content image (default: the style image's size).
    preprocess : callable, optional
        Applied before the network, e.g. ``keras.applications.vgg16.preprocess_input``.
    snapshot_every : int
        Keep a copy of the image every so many updates (0: only the start and the end).
    log_every : int
        Print one line every so many updates and at the end (0: silent). Lines go to stdout.
    seed : int
        Seed of the noise start.
    jit_compile : bool
        Compile the step with XLA (measured *slower* on a 2-core CPU; may help on a GPU).
    stop_tol : float in [0, 1)
        A stopping rule on the relative loss change (0: run all ``iterations``). Every
        ``stop_window`` updates, the best total loss so far is compared with the best one
        ``stop_window`` updates earlier; when it fell by less than the fraction ``stop_tol``,
        the run has reached a plateau at this learning rate. It then halves the learning rate
        (at most ``lr_halvings`` times, like Keras' ``ReduceLROnPlateau``) or, when no halving
        is left, stops: ``result.converged`` is True. ``iterations`` stays the upper bound; a run
        that reaches it first has ``converged`` False.
    stop_window : int ≥ 1
        Updates between two tests of the stopping rule.
    lr_halvings : int ≥ 0
        How often a plateau may halve the learning rate before the rule stops the run.

    Returns
    -------
    StyleTransferResult

    Raises
    ------
    TypeError, ValueError
        For bad images, weights, layers (see :func:`feature_extractor`) or settings, e.g. no
        term left to minimise.
    """
    t_start = time.perf_counter()
    if isinstance(model, FeatureExtractor):
        preprocess = model.preprocess if preprocess is None else preprocess
        model = model.base
    content = _rgb_image(content_image, "content_image")
    style = _rgb_image(style_image, "style_image")
    wc = _nonneg(content_weight, "content_weight") if content is not None else 0.0
    ws = _nonneg(style_weight, "style_weight") if style is not None else 0.0
    wt = _nonneg(tv_weight, "tv_weight")
    if wc == 0 and ws == 0:
        raise ValueError(
            "nothing to match: give a content image and/or a style image with a weight > 0"
        )
    for name, value in (("iterations", iterations), ("snapshot_every", snapshot_every),
                        ("log_every", log_every)):  # fmt: skip
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if iterations < 1 or snapshot_every < 0 or log_every < 0:
        raise ValueError("iterations must be ≥ 1, snapshot_every and log_every ≥ 0")
    for name, value in (("stop_window", stop_window), ("lr_halvings", lr_halvings)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    if stop_window < 1 or lr_halvings < 0:
        raise ValueError("stop_window must be ≥ 1 and lr_halvings ≥ 0")
    if _nonneg(stop_tol, "stop_tol") >= 1:
        raise ValueError(f"stop_tol is a fraction of the loss, below 1; got {stop_tol}")
    if _nonneg(learning_rate, "learning_rate") == 0:
        raise ValueError("learning_rate must be > 0")
    content_layers = (content_layers,) if isinstance(content_layers, str) else tuple(content_layers)
    style_layers = (style_layers,) if isinstance(style_layers, str) else tuple(style_layers)
    used_c = content_layers if wc > 0 else ()
    used_s = style_layers if ws > 0 else ()
    if wc > 0 and not used_c:
        raise ValueError("content_layers is empty")
    if ws > 0 and not used_s:
        raise ValueError("style_layers is empty")
    layers = tuple(dict.fromkeys(used_c + used_s))  # unique, in order
    extractor = feature_extractor(model, layers, preprocess)

    # The starting image and its size.
    if content is not None:
        height, width = content.shape[:2]
    elif shape is not None:
        if len(shape) != 2 or any(isinstance(s, bool) or not isinstance(s, int | np.integer)
                                  or s < 16 for s in shape):  # fmt: skip
            raise ValueError(f"shape must be (height, width) with integers ≥ 16, got {shape!r}")
        height, width = int(shape[0]), int(shape[1])
    else:
        height, width = style.shape[:2]
    if isinstance(init, str):
        if init == "content":
            if content is None:
                raise ValueError('init="content" needs a content image; use init="noise"')
            start = content.copy()
        elif init == "noise":
            rng = np.random.default_rng(seed)
            start = np.clip(127.5 + 20.0 * rng.standard_normal((height, width, 3)), 0, 255)
        else:
            raise ValueError(f'init must be "content", "noise" or an image, got {init!r}')
    else:
        start = _rgb_image(init, "init")
        if start.shape[:2] != (height, width):
            raise ValueError(f"init has size {start.shape[:2]}, expected {(height, width)}")
    start = start.astype(np.float32)

    # The compiled step for this network, these layers and this image size: reused when a
    # previous call built it (no new tracing), else built with its own image and optimizer.
    key = (id(model), id(preprocess), used_c, used_s, wc > 0, ws > 0, wt > 0, (height, width),
           bool(jit_compile))  # fmt: skip
    run = _COMPILED.pop(key, None)
    extractor = run.extractor if run is not None else feature_extractor(model, layers, preprocess)

    # Targets, computed once per call.
    content_targets = []
    if wc > 0:
        feats = extractor(content)
        content_targets = [feats[n] for n in used_c]
    style_targets = []
    if ws > 0:
        feats = extractor(style)
        style_targets = [gram_matrix(feats[n]) for n in used_s]

    if run is None:
        run = _CompiledRun(extractor, used_c, used_s, start, content_targets, style_targets,
                           (wt > 0), bool(jit_compile))  # fmt: skip
    _COMPILED[key] = run  # the most recently used last
    while len(_COMPILED) > _CACHE_SIZE:
        _COMPILED.popitem(last=False)
    run.reset(start, content_targets, style_targets, (wc, ws, wt), float(learning_rate))
    image, step = run.image, run.step

    rows = []
    snapshots = [(0, start.copy())]
    durations = []
    lr, halvings_left, converged = float(learning_rate), int(lr_halvings), False
    best, best_before = np.inf, None  # best total loss so far, and one window earlier
    for i in range(1, iterations + 1):
        t0 = time.perf_counter()
        rows.append(step().numpy())
        durations.append(time.perf_counter() - t0)
        best = min(best, float(rows[-1][3]))
        if stop_tol and i % stop_window == 0:
            if best_before is not None and best_before - best < stop_tol * best_before:
                if halvings_left:  # a plateau at this step size: halve it
                    lr, halvings_left = lr / 2, halvings_left - 1
                    run.optimizer.learning_rate = lr
                else:  # a plateau at the smallest step size: converged
                    converged = True
            best_before = best
        last = converged or i == iterations
        if snapshot_every and i % snapshot_every == 0 and not last:
            snapshots.append((i, image.numpy()[0].copy()))
        if log_every and (i % log_every == 0 or last):
            c, s, t, total = rows[-1]
            print(
                f"iteration {i:>4}/{iterations}: loss {total:.4g} (content {c:.4g}, style "
                f"{s:.4g}, tv {t:.4g})" + (" — converged" if converged else ""),
                file=sys.stdout,
                flush=True,
            )
        if converged:
            break
    rows.append([float(v) for v in run.terms(image)])  # the final image's losses (eager)
    result_image = image.numpy()[0].copy()
    snapshots.append((len(rows) - 1, result_image))
    seconds = time.perf_counter() - t_start
    table = np.asarray(rows, dtype=np.float64)
    history = {k: table[:, j] for j, k in enumerate(("content", "style", "tv", "total"))}
    later = durations[1:] or durations
    return StyleTransferResult(
        image=result_image,
        history=history,
        snapshots=snapshots,
        seconds=seconds,
        first_step_seconds=durations[0],
        seconds_per_iteration=float(np.median(later)),
        iterations_run=len(durations),
        converged=converged,
        final_learning_rate=lr,
        settings={
            "content_layers": used_c,
            "style_layers": used_s,
            "content_weight": wc,
            "style_weight": ws,
            "tv_weight": wt,
            "learning_rate": float(learning_rate),
            "iterations": int(iterations),
            "shape": (height, width),
            "jit_compile": bool(jit_compile),
            "stop_tol": float(stop_tol),
            "stop_window": int(stop_window),
            "lr_halvings": int(lr_halvings),
        },
    )
