"""An offline colour-image data set: shapes drawn on textured backgrounds.

CIFAR-10 needs a download; this data set is generated on the spot, deterministically from a
seed, so CNN notebooks train on real RGB images anywhere. Each image shows one filled shape
with a dark outline — the label — on a background patch cut from a bundled photo (brick,
grass, gravel, coffee, a cat…). Every nuisance factor has its own parameter, so later
notebooks can switch one on or off: rotation, scale, position, colour, background, noise, and
a *spurious* background-class correlation for shortcut-learning demos.

>>> images, labels = make_shapes(100, seed=0)            # doctest: +SKIP
>>> images.shape, images.dtype, labels.shape             # doctest: +SKIP
((100, 32, 32, 3), dtype('uint8'), (100,))

Rendering is vectorised with NumPy (one signed-distance function per class, evaluated on all
images of that class at once); 10,000 32x32 images take about a second. No TensorFlow.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import Any

import numpy as np

__all__ = [
    "BACKGROUNDS",
    "COLOUR_MODES",
    "SHAPES",
    "TEXTURES",
    "load_image_dataset",
    "load_shapes",
    "make_shapes",
]

#: Shape classes, in label order when ``classes`` is not given.
SHAPES: tuple[str, ...] = (
    "circle", "square", "triangle", "star", "cross", "hexagon", "ring", "crescent",
)  # fmt: skip
#: Bundled photos (see :data:`course_utils.data.PHOTOS`) that backgrounds are cut from.
TEXTURES: tuple[str, ...] = ("brick", "grass", "gravel", "coffee", "chelsea")
BACKGROUNDS: tuple[str, ...] = ("texture", "plain", "noise")
COLOUR_MODES: tuple[str, ...] = ("random", "class", "white")


# --------------------------------------------------------------------------- geometry

# Signed distance (negative inside) of each shape in canonical coordinates, where the shape
# fits in the unit disc. u, v: arrays of any shape. Polygons use the max of half-plane
# distances (exact inside, close enough outside for a one-pixel soft edge).


def _polygon(u: np.ndarray, v: np.ndarray, n: int, radius: float, phase: float) -> np.ndarray:
    apothem = radius * np.cos(np.pi / n)
    d = None
    for i in range(n):  # one half-plane per edge, normal at this angle
        a = phase + np.pi / n + 2 * np.pi * i / n
        edge = u * np.float32(np.cos(a)) + v * np.float32(np.sin(a))
        d = edge if d is None else np.maximum(d, edge, out=d)
    return d - np.float32(apothem)


def _box(u: np.ndarray, v: np.ndarray, half_u: float, half_v: float) -> np.ndarray:
    return np.maximum(np.abs(u) - half_u, np.abs(v) - half_v)


def _star(u: np.ndarray, v: np.ndarray) -> np.ndarray:
    # Five points: the boundary radius goes linearly (in angle) from outer to inner radius.
    rho, phi = np.hypot(u, v), np.arctan2(u, -v)  # phi = 0 points up
    sector = 2 * np.pi / 5
    t = np.abs(((phi % sector) / sector) * 2 - 1)  # 1 at a point, 0 between points
    boundary = 0.42 + (1.0 - 0.42) * t
    return (rho - boundary) * 0.6


_SDF = {
    "circle": lambda u, v: np.hypot(u, v) - 0.9,
    "square": lambda u, v: _box(u, v, 0.68, 0.68),
    "triangle": lambda u, v: _polygon(u, v, 3, 1.0, np.pi / 2 - np.pi / 3),
    "star": _star,
    "cross": lambda u, v: np.minimum(_box(u, v, 0.9, 0.3), _box(u, v, 0.3, 0.9)),
    "hexagon": lambda u, v: _polygon(u, v, 6, 0.95, 0.0),
    "ring": lambda u, v: np.abs(np.hypot(u, v) - 0.68) - 0.26,
    "crescent": lambda u, v: np.maximum(np.hypot(u, v) - 0.9, 0.62 - np.hypot(u - 0.45, v)),
}


# --------------------------------------------------------------------------- backgrounds


@lru_cache(maxsize=16)
def _texture(name: str, side: int) -> np.ndarray:
    """Photo ``name`` resized so that its shorter side is ``side`` pixels, float32 (h, w, 3)."""
    from .data import load_photo

    photo = load_photo(name)
    h, w = photo.shape[:2]
    return load_photo(name, size=(round(h * side / min(h, w)), round(w * side / min(h, w))))


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    """Vectorised HSV → RGB; inputs (N,) in [0, 1], output (N, 3)."""
    k = (np.array([5.0, 3.0, 1.0]) + h[:, None] * 6) % 6
    return v[:, None] - v[:, None] * s[:, None] * np.clip(np.minimum(k, 4 - k), 0, 1)


def _check_range(name: str, value: Any, low: float, high: float) -> tuple[float, float]:
    if isinstance(value, int | float) and not isinstance(value, bool):
        value = (-float(value), float(value)) if name == "rotation" else (value, value)
    try:
        lo, hi = (float(x) for x in value)
    except (TypeError, ValueError):
        raise TypeError(f"{name} must be a number or a (low, high) pair, got {value!r}") from None
    if not low <= lo <= hi <= high:
        raise ValueError(f"{name} must satisfy {low} <= low <= high <= {high}, got {value!r}")
    return lo, hi


def _check_fraction(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number in [0, 1], got {value!r}")
    return float(value)


# --------------------------------------------------------------------------- generator


def make_shapes(
    n: int,
    image_size: int = 32,
    classes: Sequence[str] | None = None,
    *,
    seed: int = 0,
    rotation: float | tuple[float, float] = 180.0,
    scale: float | tuple[float, float] = (0.5, 0.9),
    position_jitter: float = 1.0,
    colour: str = "random",
    background: str = "texture",
    textures: Sequence[str] = TEXTURES,
    background_correlation: float = 0.0,
    noise: float = 0.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Draw ``n`` labelled images of coloured shapes.

    Parameters
    ----------
    n : int
        Number of images. Classes are balanced exactly: counts differ by at most one (not at
        all when ``n`` is a multiple of the number of classes), in shuffled order.
    image_size : int
        Height and width in pixels (at least 8).
    classes : sequence of str, optional
        Which of :data:`SHAPES` to draw, in label order (default: all eight).
    seed : int
        Same seed and arguments → identical images.
    rotation : float or (low, high)
        Rotation angle in degrees, uniform in ``[-rotation, rotation]`` or ``[low, high]``
        (within -360..360). 0 draws every shape upright.
    scale : float or (low, high)
        Shape radius as a fraction of half the image size, uniform in the range (0.1..1).
    position_jitter : float
        0 centres every shape; 1 places it anywhere it fits entirely inside the image.
    colour : str
        ``"random"`` (random saturated hue per image), ``"class"`` (one fixed hue per class —
        a shortcut a network can use instead of the shape) or ``"white"``.
    background : str
        ``"texture"`` (random crop of a photo in ``textures``), ``"plain"`` (one random
        colour) or ``"noise"`` (random per-pixel colour noise).
    textures : sequence of str
        Photos to cut backgrounds from (names of :data:`course_utils.data.PHOTOS`).
    background_correlation : float
        Spurious correlation for shortcut-learning demos: with this probability an image
        gets its class's own background (texture ``textures[label % len(textures)]``, or for
        ``"plain"`` a fixed grey level per class) instead of a random one. 0 = no correlation.
    noise : float
        Standard deviation of Gaussian pixel noise added at the end (in 0..1 units).

    Returns
    -------
    images : np.ndarray
        uint8 in 0..255, shape (n, image_size, image_size, 3).
    labels : np.ndarray
        uint8 in 0..len(classes)-1, shape (n,).

    Raises
    ------
    ValueError, TypeError
        Bad sizes, unknown class/texture/mode names, out-of-range nuisance parameters.
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if isinstance(image_size, bool) or not isinstance(image_size, int | np.integer):
        raise TypeError(f"image_size must be an integer, got {image_size!r}")
    if not 8 <= image_size <= 512:
        raise ValueError(f"image_size must be between 8 and 512, got {image_size}")
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    classes = tuple(SHAPES if classes is None else classes)
    if any(not isinstance(c, str) for c in classes):
        raise TypeError(f"classes must be shape names such as 'circle', got {classes!r}")
    unknown = [c for c in classes if c not in SHAPES]
    if len(classes) < 2 or unknown or len(set(classes)) != len(classes):
        raise ValueError(
            f"classes must be at least two distinct names from {SHAPES}; got {classes!r}"
        )
    rot = _check_range("rotation", rotation, -360.0, 360.0)
    scl = _check_range("scale", scale, 0.1, 1.0)
    jitter = _check_fraction("position_jitter", position_jitter)
    corr = _check_fraction("background_correlation", background_correlation)
    if colour not in COLOUR_MODES:
        raise ValueError(f"colour must be one of {COLOUR_MODES}, got {colour!r}")
    if background not in BACKGROUNDS:
        raise ValueError(f"background must be one of {BACKGROUNDS}, got {background!r}")
    textures = tuple(textures)
    from .data import PHOTOS

    if background == "texture" and (not textures or any(t not in PHOTOS for t in textures)):
        raise ValueError(f"textures must be names from {tuple(PHOTOS)}, got {textures!r}")
    if isinstance(noise, bool) or not isinstance(noise, int | float) or not 0 <= noise <= 1:
        raise ValueError(f"noise must be a number in [0, 1], got {noise!r}")

    rng = np.random.default_rng(seed)
    k, size = len(classes), int(image_size)
    labels = rng.permutation(np.arange(n) % k).astype(np.uint8)

    # Nuisance factors, all drawn up front in a fixed order (determinism).
    angle = np.deg2rad(rng.uniform(rot[0], rot[1], n))
    radius = rng.uniform(scl[0], scl[1], n) * size / 2  # pixels
    room = size / 2 - radius  # how far the centre may move and keep the shape inside
    centre = size / 2 + jitter * room[:, None] * rng.uniform(-1, 1, (n, 2))
    hue = rng.uniform(0, 1, n)
    if colour == "class":
        hue = (labels / k + 0.07) % 1.0
    sat, val = rng.uniform(0.7, 1.0, n), rng.uniform(0.75, 1.0, n)
    fg = _hsv_to_rgb(hue, sat, val) if colour != "white" else np.ones((n, 3))
    own_background = rng.uniform(0, 1, n) < corr
    bg = _BackgroundPlan(rng, labels, own_background, size, background, textures)
    params = {
        "labels": labels, "angle": angle.astype(np.float32),
        "radius": radius.astype(np.float32), "centre": centre.astype(np.float32),
        "fg": fg.astype(np.float32),
    }  # fmt: skip

    # Render in chunks that fit in the CPU cache (much faster than whole-array passes).
    images = np.empty((n, size, size, 3), dtype=np.uint8)
    chunk = max(1, 2**19 // (size * size))
    for start in range(0, n, chunk):
        part = slice(start, min(n, start + chunk))
        out = _render({key: value[part] for key, value in params.items()}, classes, size,
                      bg.render(part))  # fmt: skip
        if noise > 0:
            out += rng.normal(0, noise, out.shape).astype(np.float32)
        images[part] = np.clip(out * 255 + 0.5, 0, 255).astype(np.uint8)
    return images, labels


def _render(p: dict, classes: tuple[str, ...], size: int, bg: np.ndarray) -> np.ndarray:
    """Draw one chunk: shapes over backgrounds ``bg`` (m, size, size, 3), float32 in [0, 1]."""
    # Canonical coordinates of every pixel centre, per image: rotate and scale into the
    # shape's frame, where the shape fits in the unit disc.
    grid = np.arange(size, dtype=np.float32) + 0.5
    dy = grid[None, :, None] - p["centre"][:, 1, None, None]
    dx = grid[None, None, :] - p["centre"][:, 0, None, None]
    cos, sin = np.cos(p["angle"])[:, None, None], np.sin(p["angle"])[:, None, None]
    r = p["radius"][:, None, None]
    u = (cos * dx + sin * dy) / r
    v = (cos * dy - sin * dx) / r
    sdf = np.empty(u.shape, dtype=np.float32)
    for label, name in enumerate(classes):
        idx = np.flatnonzero(p["labels"] == label)
        if len(idx):
            sdf[idx] = _SDF[name](u[idx], v[idx])
    # Signed distance in pixels → soft coverage (anti-aliased edge) and a dark outline.
    px = sdf * r
    outline = max(1.0, size / 32)
    alpha = np.clip(0.5 - px, 0, 1)[..., None]
    edge = np.clip(0.5 + outline / 2 - np.abs(px + outline / 2), 0, 1)[..., None]
    fill = p["fg"][:, None, None, :] * (1 - 0.8 * edge)
    return bg + (fill - bg) * alpha


class _BackgroundPlan:
    """Random background choices for all images (drawn at once), rendered chunk by chunk."""

    def __init__(self, rng, labels, own, size: int, mode: str, textures: tuple[str, ...]):
        n = len(labels)
        self.rng, self.size, self.mode, self.textures = rng, size, mode, textures
        if mode == "plain":
            self.level = rng.uniform(0.15, 0.85, (n, 3))
            class_grey = 0.2 + 0.6 * (labels % 4) / 3  # the spurious cue: grey level per class
            self.level[own] = class_grey[own, None]
        elif mode == "texture":
            self.which = rng.integers(0, len(textures), n)
            self.which[own] = labels[own] % len(textures)
            self.offsets = rng.uniform(0, 1, (n, 2))
            self.flips = rng.uniform(0, 1, (n, 2)) < 0.5
            self.contrast = rng.uniform(0.5, 0.8, n).astype(np.float32)

    def render(self, part: slice) -> np.ndarray:
        """Backgrounds of images ``part``: float32 (m, size, size, 3) in [0, 1]."""
        size = self.size
        if self.mode == "noise":
            m = len(range(*part.indices(10**12)))
            return self.rng.uniform(0.15, 0.85, (m, size, size, 3)).astype(np.float32)
        if self.mode == "plain":
            level = self.level[part].astype(np.float32)
            return np.broadcast_to(level[:, None, None, :], (len(level), size, size, 3)).copy()
        which, offsets, flips = self.which[part], self.offsets[part], self.flips[part]
        out = np.empty((len(which), size, size, 3), dtype=np.float32)
        steps = np.arange(size)
        for t, name in enumerate(self.textures):
            idx = np.flatnonzero(which == t)
            if not len(idx):
                continue
            photo = _texture(name, 4 * size)  # a crop spans ~1/4 of the photo's shorter side
            h, w = photo.shape[:2]
            oy = (offsets[idx, 0] * (h - size)).astype(np.intp)
            ox = (offsets[idx, 1] * (w - size)).astype(np.intp)
            rows = oy[:, None] + np.where(flips[idx, :1], steps[::-1], steps)
            cols = ox[:, None] + np.where(flips[idx, 1:], steps[::-1], steps)
            flat = rows[:, :, None] * w + cols[:, None, :]
            out[idx] = np.take(photo.reshape(-1, 3), flat, axis=0)
        mean = out.mean(axis=(1, 2, 3), keepdims=True)
        contrast = self.contrast[part][:, None, None, None]
        return np.clip(mean + (out - mean) * contrast, 0, 1)


# --------------------------------------------------------------------------- loaders


def load_shapes(
    n_train: int = 10_000,
    n_test: int = 2_000,
    image_size: int = 32,
    classes: Sequence[str] | None = None,
    seed: int = 0,
    verbose: bool = True,
    **nuisance: Any,
):
    """Generate a train/test split of the shapes data set.

    Parameters
    ----------
    n_train, n_test : int
        Images per split (train from ``seed``, test from ``seed + 1``: disjoint draws).
    image_size, classes, **nuisance
        Passed to :func:`make_shapes` (``rotation``, ``scale``, ``position_jitter``,
        ``colour``, ``background``, ``textures``, ``background_correlation``, ``noise``).
    verbose : bool
        Print one line describing the data.

    Returns
    -------
    course_utils.data.Dataset
        ``x_*`` uint8 (N, image_size, image_size, 3) in 0..255, ``y_*`` uint8 (N,),
        ``class_names`` the shape names, ``source == "generated"``.
    """
    from .data import Dataset

    if isinstance(n_test, bool) or not isinstance(n_test, int) or n_test < 1:
        raise ValueError(f"n_test must be a positive integer, got {n_test!r}")
    xtr, ytr = make_shapes(n_train, image_size, classes, seed=seed, **nuisance)
    xte, yte = make_shapes(n_test, image_size, classes, seed=seed + 1, **nuisance)
    names = tuple(SHAPES if classes is None else classes)
    description = (
        f"generated shapes ({len(names)} classes, {image_size}x{image_size} RGB, seed {seed}): "
        f"{n_train:,} train / {n_test:,} test"
    )
    if verbose:
        print(f"{description} — x_train {xtr.shape}, x_test {xte.shape}")
    return Dataset(xtr, ytr, xte, yte, names, "generated", description)


def load_image_dataset(
    n_train: int,
    n_test: int,
    prefer_cifar: bool = True,
    seed: int = 0,
    verbose: bool = True,
    **shape_options: Any,
):
    """The course's colour-image data set: CIFAR-10 when it can be had, else shapes.

    CIFAR-10 (32x32x3, 10 classes) is used when ``prefer_cifar`` is true and
    :func:`course_utils.data.load_cifar10` succeeds (Keras cache or download); otherwise —
    offline, or with ``prefer_cifar=False`` as in the ``fast`` profile — the generated
    shapes (:func:`load_shapes`, 32x32x3). Prints one line saying which.

    Parameters
    ----------
    n_train, n_test : int
        Images to keep per split (the first ones of CIFAR-10, or generated).
    prefer_cifar : bool
        Try CIFAR-10 first.
    seed : int
        Seed of the generated data.
    **shape_options
        Passed to :func:`load_shapes` when shapes are used.

    Returns
    -------
    course_utils.data.Dataset
        uint8 images (N, 32, 32, 3) in 0..255, uint8 labels (N,); ``source`` tells which:
        ``"generated"`` for shapes, else CIFAR-10's source.
    """
    from .data import DataUnavailableError, load_cifar10

    for name, value in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise ValueError(f"{name} must be a positive integer, got {value!r}")
    why = "prefer_cifar=False"
    if prefer_cifar:
        try:  # offline, only the Keras cache can help; load_cifar10 raises otherwise
            cifar = load_cifar10(verbose=False)
        except DataUnavailableError:
            why = "CIFAR-10 unavailable offline"
        else:
            data = cifar.take(n_train, n_test)
            if verbose:
                print(f"using CIFAR-10 ({cifar.source}): {len(data.x_train):,} train / "
                      f"{len(data.x_test):,} test, 32x32 RGB, 10 classes")  # fmt: skip
            return data
    data = load_shapes(n_train, n_test, 32, seed=seed, verbose=False, **shape_options)
    if verbose:
        print(f"using {data.description} ({why})")
    return data
