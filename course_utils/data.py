"""Data sets and sample photos, online or offline.

Every loader tries, in order:

1. the local Keras cache (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``),
2. the official download through ``keras.datasets`` (Keras checks the file hash),
3. a bundled fallback of **real** data shipped in ``data/`` (verified against
   ``data/MANIFEST.sha256``),

and prints one line saying which source it used. ``COURSE_OFFLINE=1`` skips step 2.
Where no real fallback exists the loader raises :class:`DataUnavailableError` with a
message that says what to do; it never invents data silently.

TensorFlow/Keras is imported only when a Keras step actually runs.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import socket
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "DataIntegrityError",
    "DataUnavailableError",
    "Dataset",
    "PHOTOS",
    "data_dir",
    "data_mode",
    "is_offline",
    "keras_cache_dir",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist",
    "load_photo",
    "verify_file",
]

MNIST_CLASSES = tuple(str(d) for d in range(10))
FASHION_CLASSES = (
    "T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
    "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot",
)  # fmt: skip
CIFAR10_CLASSES = (
    "airplane", "automobile", "bird", "cat", "deer",
    "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip


class DataUnavailableError(RuntimeError):
    """No source could provide the requested data set."""


class DataIntegrityError(RuntimeError):
    """A bundled file is missing from the manifest, truncated or corrupt."""


@dataclass(frozen=True)
class Dataset:
    """A train/test split of an image classification data set.

    Attributes
    ----------
    x_train, x_test : np.ndarray
        uint8 images in 0..255, shape (N, H, W) for grayscale or (N, H, W, 3) for colour.
    y_train, y_test : np.ndarray
        uint8 integer labels in 0..n_classes-1, shape (N,).
    class_names : tuple[str, ...]
        Human-readable name of each label.
    source : str
        ``"keras-cache"``, ``"download"`` or ``"bundled"``.
    description : str
        One line saying where the data came from.
    """

    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple[str, ...]
    source: str
    description: str

    def take(self, n_train: int | None = None, n_test: int | None = None) -> Dataset:
        """Return the first ``n_train`` training and ``n_test`` test examples (None: all)."""
        for name, n in (("n_train", n_train), ("n_test", n_test)):
            if n is not None and (not isinstance(n, int | np.integer) or n <= 0):
                raise ValueError(f"{name} must be a positive integer or None, got {n!r}")
        return Dataset(
            self.x_train[:n_train], self.y_train[:n_train],
            self.x_test[:n_test], self.y_test[:n_test],
            self.class_names, self.source, self.description,
        )  # fmt: skip


# --------------------------------------------------------------------------- locations


def data_dir() -> Path:
    """The folder of bundled data: ``$COURSE_DATA_DIR`` or the repository's ``data/``."""
    override = os.environ.get("COURSE_DATA_DIR")
    return Path(override) if override else Path(__file__).resolve().parents[1] / "data"


def keras_cache_dir() -> Path:
    """Where Keras caches downloads: ``$KERAS_HOME/datasets`` (default ``~/.keras/datasets``)."""
    home = os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")
    return Path(home) / "datasets"


def is_offline() -> bool:
    """True when ``COURSE_OFFLINE`` is set to 1/true/yes: loaders then skip downloads."""
    return os.environ.get("COURSE_OFFLINE", "").strip().lower() in {"1", "true", "yes"}


@lru_cache(maxsize=1)
def _network_reachable(host: str = "storage.googleapis.com", timeout: float = 1.5) -> bool:
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def data_mode() -> str:
    """``"offline"`` (``COURSE_OFFLINE`` set or no network) or ``"online"``."""
    if is_offline():
        return "offline"
    return "online" if _network_reachable() else "offline"


# --------------------------------------------------------------------------- bundled files


def _read_manifest(folder: Path) -> dict[str, str]:
    manifest = folder / "MANIFEST.sha256"
    if not manifest.is_file():
        raise DataIntegrityError(f"no manifest at {manifest.name} in the data folder")
    entries = {}
    for line in manifest.read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            entries[name.strip().lstrip("*")] = digest.lower()
    return entries


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def verify_file(name: str) -> Path:
    """Return the path of bundled file ``name`` after checking its SHA-256 against the manifest.

    Raises
    ------
    DataIntegrityError
        If the file is not listed, missing, or its hash differs (truncated or corrupt).
    """
    folder = data_dir()
    expected = _read_manifest(folder).get(name)
    if expected is None:
        raise DataIntegrityError(f"{name!r} is not listed in data/MANIFEST.sha256")
    path = folder / name
    if not path.is_file():
        raise DataIntegrityError(f"bundled file data/{name} is missing")
    actual = _sha256(path)
    if actual != expected:
        raise DataIntegrityError(
            f"bundled file data/{name} is corrupt or truncated (SHA-256 {actual[:12]}…, "
            f"expected {expected[:12]}…); restore it with `git checkout -- data/{name}`"
        )
    return path


# --------------------------------------------------------------------------- Keras data sets


def _split_per_class(images: np.ndarray, labels: np.ndarray, test_fraction: float, seed: int):
    """Shuffle deterministically and split each class into train/test (stratified)."""
    rng = np.random.default_rng(seed)
    train_idx, test_idx = [], []
    for c in np.unique(labels):
        idx = rng.permutation(np.flatnonzero(labels == c))
        n_test = round(len(idx) * test_fraction)
        test_idx.append(idx[:n_test])
        train_idx.append(idx[n_test:])
    train_idx = rng.permutation(np.concatenate(train_idx))
    test_idx = rng.permutation(np.concatenate(test_idx))
    return images[train_idx], labels[train_idx], images[test_idx], labels[test_idx]


def _bundled_mnist() -> tuple[tuple[np.ndarray, ...], str]:
    path = verify_file("mnist_5k.npz")
    with np.load(path, allow_pickle=False) as f:
        images, labels = f["images"], f["labels"]
    arrays = _split_per_class(images, labels, test_fraction=0.2, seed=0)
    text = (
        f"bundled real-MNIST subset data/mnist_5k.npz ({len(arrays[0]):,} train / "
        f"{len(arrays[2]):,} test digits)"
    )
    return arrays, text


@dataclass(frozen=True)
class _KerasSource:
    title: str
    module: str  # name in keras.datasets
    cache_paths: tuple[str, ...]  # relative to keras_cache_dir(); all present = cached
    class_names: tuple[str, ...]
    fallback: Callable[[], tuple[tuple[np.ndarray, ...], str]] | None
    no_fallback_hint: str = ""


def _load(src: _KerasSource, verbose: bool) -> Dataset:
    attempts = []
    cache = keras_cache_dir()
    cached = all((cache / p).exists() for p in src.cache_paths)
    steps = []
    if cached:
        steps.append(("keras-cache", f"Keras cache {cache}"))
    if not is_offline():
        steps.append(("download", "official download via keras.datasets"))
    elif not cached:
        attempts.append("download skipped (COURSE_OFFLINE=1)")
    for source, text in steps:  # noqa: B007 - text is used after the loop
        try:
            import keras

            # Keras prints "Downloading data from ..." itself; hush it when asked to.
            sink = io.StringIO()
            hush = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(sink)
            with hush:
                (xtr, ytr), (xte, yte) = getattr(keras.datasets, src.module).load_data()
        except Exception as err:  # noqa: BLE001 - any failure means: try the next source
            reason = str(err).rsplit(" -- ", 1)[-1][:80]  # Keras wraps the network error
            attempts.append(f"{source} failed: {reason}")
            continue
        arrays = (xtr, ytr.reshape(-1), xte, yte.reshape(-1))
        break
    else:
        if src.fallback is None:
            raise DataUnavailableError(
                f"{src.title} is not available: {'; '.join(attempts) or 'no source'}. "
                f"{src.no_fallback_hint}"
            )
        try:
            arrays, text = src.fallback()
        except DataIntegrityError as err:
            raise DataUnavailableError(
                f"{src.title}: {'; '.join(attempts)}; and the bundled fallback is unusable: {err}"
            ) from err
        source = "bundled"
    xtr, ytr, xte, yte = (np.asarray(a) for a in arrays)
    description = f"{src.title}: {text}"
    if source == "bundled" and attempts:
        description += f" [{'; '.join(attempts)}]"
    if verbose:
        print(f"{description} — x_train {xtr.shape}, x_test {xte.shape}")
    return Dataset(
        xtr.astype(np.uint8), ytr.astype(np.uint8), xte.astype(np.uint8), yte.astype(np.uint8),
        src.class_names, source, description,
    )  # fmt: skip


_MNIST = _KerasSource("MNIST", "mnist", ("mnist.npz",), MNIST_CLASSES, _bundled_mnist)
_FASHION = _KerasSource(
    "Fashion-MNIST", "fashion_mnist",
    tuple(f"fashion-mnist/{f}" for f in (
        "train-labels-idx1-ubyte.gz", "train-images-idx3-ubyte.gz",
        "t10k-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz")),
    FASHION_CLASSES, None,
    "It has no offline copy in this course; use load_mnist() instead, or run once online "
    "so Keras caches it.",
)  # fmt: skip
_CIFAR10 = _KerasSource(
    "CIFAR-10", "cifar10", ("cifar-10-batches-py-target",), CIFAR10_CLASSES, None,
    "It has no offline copy in this course; run once online so Keras caches it "
    "(about 170 MB), or use the course's generated shapes data set offline.",
)  # fmt: skip


def load_mnist(verbose: bool = True) -> Dataset:
    """Load MNIST handwritten digits.

    Returns
    -------
    Dataset
        ``x_*`` uint8 (N, 28, 28) in 0..255, ``y_*`` uint8 (N,) in 0..9. From Keras: 60,000
        train / 10,000 test. Bundled fallback: the 5,000 real MNIST digits shipped in
        ``data/mnist_5k.npz`` (500 per class), shuffled and split per class with a fixed seed
        into 4,000 train / 1,000 test.
    """
    return _load(_MNIST, verbose)


def load_fashion_mnist(verbose: bool = True) -> Dataset:
    """Load Fashion-MNIST: ``x_*`` uint8 (N, 28, 28) in 0..255, ``y_*`` uint8 (N,) in 0..9.

    Raises
    ------
    DataUnavailableError
        Offline with no Keras cache: the course ships no Fashion-MNIST copy.
    """
    return _load(_FASHION, verbose)


def load_cifar10(verbose: bool = True) -> Dataset:
    """Load CIFAR-10: ``x_*`` uint8 (N, 32, 32, 3) in 0..255, ``y_*`` uint8 (N,) in 0..9.

    Raises
    ------
    DataUnavailableError
        Offline with no Keras cache: the course ships no CIFAR-10 copy.
    """
    return _load(_CIFAR10, verbose)


# --------------------------------------------------------------------------- photos


def _skimage(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        import skimage.data

        return getattr(skimage.data, name)()

    return load


def _sklearn(name: str) -> Callable[[], np.ndarray]:
    def load() -> np.ndarray:
        from sklearn.datasets import load_sample_image

        return load_sample_image(name)

    return load


# name -> (loader, what it shows, licence). All ship inside installed packages.
PHOTOS: dict[str, tuple[Callable[[], np.ndarray], str, str]] = {
    "camera": (_skimage("camera"), "photographer with a camera, grayscale",
               "CC0 (Lav Varshney), scikit-image"),
    "astronaut": (_skimage("astronaut"), "astronaut Eileen Collins",
                  "public domain (NASA), scikit-image"),
    "coffee": (_skimage("coffee"), "cup of coffee", "CC0 (Rachel Michetti), scikit-image"),
    "chelsea": (_skimage("chelsea"), "Chelsea the cat",
                "CC0 (Stefan van der Walt), scikit-image"),
    "rocket": (_skimage("rocket"), "SpaceX rocket launch",
               "public domain (SpaceX), scikit-image"),
    "retina": (_skimage("retina"), "fundus photograph of a retina",
               "CC0 (Mikael Häggström), scikit-image"),
    "brick": (_skimage("brick"), "brick wall texture, grayscale",
              "CC0 (CC0Textures), scikit-image"),
    "grass": (_skimage("grass"), "grass texture, grayscale",
              "CC0 (DeviantArt linolafett), scikit-image"),
    "gravel": (_skimage("gravel"), "gravel texture, grayscale",
               "CC0 (CC0Textures), scikit-image"),
    "china": (_sklearn("china.jpg"), "temple in China", "CC BY 2.0 (danielbuechele), scikit-learn"),
    "flower": (_sklearn("flower.jpg"), "flower close-up", "CC BY 2.0 (vultilion), scikit-learn"),
}  # fmt: skip


def load_photo(name: str, gray: bool = False, size: tuple[int, int] | None = None) -> np.ndarray:
    """Load a sample photo shipped by scikit-image or scikit-learn (see :data:`PHOTOS`).

    Parameters
    ----------
    name : str
        A key of :data:`PHOTOS`, e.g. ``"astronaut"``.
    gray : bool
        Return luminance only.
    size : (height, width), optional
        Resize (antialiased) to this size.

    Returns
    -------
    np.ndarray
        float32 in [0, 1]; shape (H, W) if ``gray`` else (H, W, 3) (grayscale photos are
        repeated over 3 channels).
    """
    if not isinstance(name, str):
        raise TypeError(f"photo name must be a string, got {type(name).__name__}")
    if name not in PHOTOS:
        raise ValueError(f"unknown photo {name!r}; choose one of {', '.join(PHOTOS)}")
    if size is not None and (
        len(size) != 2 or any(not isinstance(s, int | np.integer) or s <= 0 for s in size)
    ):
        raise ValueError(f"size must be (height, width) with positive integers, got {size!r}")
    img = PHOTOS[name][0]().astype(np.float32) / 255.0
    if img.ndim == 3 and img.shape[-1] == 4:
        img = img[..., :3]
    if gray and img.ndim == 3:
        img = img @ np.array([0.2125, 0.7154, 0.0721], dtype=np.float32)
    elif not gray and img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=-1)
    if size is not None:
        from skimage.transform import resize

        img = resize(img, size, anti_aliasing=True).astype(np.float32)
    return np.clip(img, 0.0, 1.0)
