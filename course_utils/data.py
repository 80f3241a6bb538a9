"""Data sets, sample photos and paintings, online or offline.

Every loader tries, in order:

1. the local Keras cache (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``),
2. the official download through ``keras.datasets`` (Keras checks the file hash),
3. local fallbacks of **real** data: files installed by a Debian package (Fashion-MNIST),
   then a subset or copy bundled in ``data/`` (verified against ``data/MANIFEST.sha256``),

and prints one line saying which source it used. ``COURSE_OFFLINE=1`` skips step 2.
Where no real fallback exists the loader raises :class:`DataUnavailableError` with a
message that says what to do; it never invents data silently.

:func:`load_painting` follows the same order (Keras cache, Wikimedia Commons download, the
reproductions bundled in ``data/paintings/``); :func:`load_photo_set` loads the small set of
real photos bundled in ``data/photos/`` (the same files online and offline);
:func:`available` lists what this machine has.
TensorFlow/Keras is imported only when a Keras step actually runs.
"""

from __future__ import annotations

import contextlib
import gzip
import hashlib
import io
import os
import socket
import struct
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "DataIntegrityError",
    "DataUnavailableError",
    "Dataset",
    "PAINTINGS",
    "PHOTOS",
    "PHOTO_SET_CLASSES",
    "Painting",
    "PhotoSet",
    "available",
    "data_dir",
    "data_mode",
    "fashion_mnist_dir",
    "is_offline",
    "keras_cache_dir",
    "load_cifar10",
    "load_fashion_mnist",
    "load_mnist",
    "load_painting",
    "load_photo",
    "load_photo_set",
    "read_idx",
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
        ``"keras-cache"``, ``"download"``, ``"debian"`` (Debian package files) or
        ``"bundled"`` (a real subset shipped in ``data/``).
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


class _SourceMissing(Exception):
    """A local source is not installed on this machine: not an error, try the next one."""


@dataclass(frozen=True)
class _LocalSource:
    """A local fallback: ``load()`` returns ``((x_train, y_train, x_test, y_test), text)``.

    It raises :class:`_SourceMissing` when the source is absent and
    :class:`DataIntegrityError` when it is present but unusable.
    """

    name: str  # becomes Dataset.source, e.g. "debian" or "bundled"
    load: Callable[[], tuple[tuple[np.ndarray, ...], str]]
    present: Callable[[], bool]  # cheap check for available()
    label: str  # what available() reports, e.g. "Debian package (60,000 / 10,000)"


@dataclass(frozen=True)
class _KerasSource:
    title: str
    module: str  # name in keras.datasets
    cache_paths: tuple[str, ...]  # relative to keras_cache_dir(); all present = cached
    class_names: tuple[str, ...]
    fallbacks: tuple[_LocalSource, ...] = ()  # tried in order after cache and download
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
    arrays = None
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
    if arrays is None:
        for fallback in src.fallbacks:
            try:
                arrays, text = fallback.load()
            except _SourceMissing as err:
                attempts.append(f"{fallback.name}: {err}")
                continue
            except DataIntegrityError as err:
                attempts.append(f"{fallback.name} fallback is unusable: {err}")
                continue
            source = fallback.name
            break
        else:
            raise DataUnavailableError(
                f"{src.title} is not available: {'; '.join(attempts) or 'no source'}. "
                f"{src.no_fallback_hint}".rstrip()
            )
    xtr, ytr, xte, yte = (np.asarray(a) for a in arrays)
    description = f"{src.title}: {text}"
    if source not in ("keras-cache", "download") and attempts:
        description += f" [{'; '.join(attempts)}]"
    if verbose:
        print(f"{description} — x_train {xtr.shape}, x_test {xte.shape}")
    return Dataset(
        xtr.astype(np.uint8), ytr.astype(np.uint8), xte.astype(np.uint8), yte.astype(np.uint8),
        src.class_names, source, description,
    )  # fmt: skip


# --------------------------------------------------------------------------- Fashion-MNIST files

DEBIAN_FASHION_MNIST_DIR = "/usr/share/datasets/fashion-mnist"
FASHION_MNIST_APT = "sudo apt install dataset-fashion-mnist"


def fashion_mnist_dir() -> Path:
    """Folder of the Debian ``dataset-fashion-mnist`` IDX files.

    ``$COURSE_FASHION_MNIST_DIR`` if set, else ``/usr/share/datasets/fashion-mnist``.
    """
    return Path(os.environ.get("COURSE_FASHION_MNIST_DIR") or DEBIAN_FASHION_MNIST_DIR)


def read_idx(path: str | os.PathLike, ndim: int) -> np.ndarray:
    """Read a gzipped IDX file of unsigned bytes (the MNIST/Fashion-MNIST format).

    The header is two zero bytes, the type code ``0x08`` (uint8), the number of dimensions,
    then each dimension as a big-endian uint32; the data follow, row-major.

    Parameters
    ----------
    path : path-like
        A ``*-ubyte.gz`` file.
    ndim : int
        Expected number of dimensions (3 for images, 1 for labels).

    Returns
    -------
    np.ndarray
        uint8 array of the shape given in the header (read-only view of the file's bytes).

    Raises
    ------
    DataIntegrityError
        Not gzip, truncated, wrong magic number or a size that disagrees with the header.
    """
    path = Path(path)
    try:
        with gzip.open(path, "rb") as f:
            blob = f.read()
    except (OSError, EOFError, zlib.error) as err:  # BadGzipFile is an OSError
        raise DataIntegrityError(f"{path.name} is not a complete gzip file ({err})") from err
    header = 4 + 4 * ndim
    magic = blob[:4]
    if len(blob) < header or magic != bytes((0, 0, 0x08, ndim)):
        raise DataIntegrityError(
            f"{path.name}: IDX magic number 0x{magic.hex()} is not 0x{bytes((0, 0, 8, ndim)).hex()}"
            f" (uint8, {ndim} dimensions)"
        )
    dims = struct.unpack(f">{ndim}I", blob[4:header])
    expected = int(np.prod(dims, dtype=np.int64))
    if len(blob) - header != expected:
        raise DataIntegrityError(
            f"{path.name}: {len(blob) - header:,} data bytes but the header {dims} promises "
            f"{expected:,} (truncated or corrupt)"
        )
    return np.frombuffer(blob, dtype=np.uint8, offset=header).reshape(dims)


def _read_idx_split(folder: Path, prefix: str) -> tuple[np.ndarray, np.ndarray]:
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte.gz", 3)
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", 1)
    if images.shape[1:] != (28, 28):
        raise DataIntegrityError(f"{prefix} images are {images.shape[1:]}, expected (28, 28)")
    if len(images) != len(labels):
        raise DataIntegrityError(f"{prefix}: {len(images):,} images but {len(labels):,} labels")
    if len(labels) and labels.max() > 9:
        raise DataIntegrityError(f"{prefix}: label {labels.max()} outside 0..9")
    return images, labels


_FASHION_IDX_FILES = tuple(
    f"{split}-{kind}-ubyte.gz"
    for split in ("train", "t10k")
    for kind in ("images-idx3", "labels-idx1")
)


def _debian_fashion_mnist() -> tuple[tuple[np.ndarray, ...], str]:
    folder = fashion_mnist_dir()
    missing = [f for f in _FASHION_IDX_FILES if not (folder / f).is_file()]
    if missing:
        raise _SourceMissing(f"no IDX files in {folder} (install them with `{FASHION_MNIST_APT}`)")
    xtr, ytr = _read_idx_split(folder, "train")
    xte, yte = _read_idx_split(folder, "t10k")
    text = (
        f"Debian package dataset-fashion-mnist in {folder} "
        f"({len(xtr):,} train / {len(xte):,} test images)"
    )
    return (xtr, ytr, xte, yte), text


FASHION_SUBSET = "fashion_mnist_4k.npz"


def _bundled_fashion_mnist() -> tuple[tuple[np.ndarray, ...], str]:
    path = verify_file(FASHION_SUBSET)
    with np.load(path, allow_pickle=False) as f:
        arrays = tuple(f[k] for k in ("x_train", "y_train", "x_test", "y_test"))
    xtr, ytr, xte, yte = arrays
    if xtr.shape[1:] != (28, 28) or len(xtr) != len(ytr) or len(xte) != len(yte):
        raise DataIntegrityError(f"data/{FASHION_SUBSET} holds arrays of unexpected shapes")
    text = (
        f"bundled real Fashion-MNIST subset data/{FASHION_SUBSET} "
        f"({len(xtr):,} train / {len(xte):,} test images; `{FASHION_MNIST_APT}` "
        "gives the full 60,000 / 10,000)"
    )
    return arrays, text


def _bundled_ok(name: str) -> bool:
    try:
        verify_file(name)
    except DataIntegrityError:
        return False
    return True


_MNIST = _KerasSource(
    "MNIST",
    "mnist",
    ("mnist.npz",),
    MNIST_CLASSES,
    (
        _LocalSource(
            "bundled",
            _bundled_mnist,
            lambda: _bundled_ok("mnist_5k.npz"),
            "bundled real subset (4,000 / 1,000)",
        ),
    ),
)
_FASHION = _KerasSource(
    "Fashion-MNIST", "fashion_mnist",
    tuple(f"fashion-mnist/{f}" for f in _FASHION_IDX_FILES),
    FASHION_CLASSES,
    (_LocalSource("debian", _debian_fashion_mnist,
                  lambda: all((fashion_mnist_dir() / f).is_file() for f in _FASHION_IDX_FILES),
                  "Debian package dataset-fashion-mnist (60,000 / 10,000)"),
     _LocalSource("bundled", _bundled_fashion_mnist, lambda: _bundled_ok(FASHION_SUBSET),
                  "bundled real subset (3,000 / 1,000)")),
    f"Offline on Debian/Ubuntu, `{FASHION_MNIST_APT}` installs the full data set; "
    "or run once online so Keras caches it.",
)  # fmt: skip
_CIFAR10 = _KerasSource(
    "CIFAR-10", "cifar10", ("cifar-10-batches-py-target",), CIFAR10_CLASSES, (),
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
    """Load Fashion-MNIST (Zalando; 10 classes of clothing, see ``.class_names``).

    Sources, in order (the one used is printed and kept in ``.source``):

    1. ``"keras-cache"``: Keras' cached download (``$KERAS_HOME/datasets/fashion-mnist``);
    2. ``"download"``: ``keras.datasets.fashion_mnist`` (skipped when ``COURSE_OFFLINE=1``);
    3. ``"debian"``: the four original IDX files installed by the Debian/Ubuntu package
       ``dataset-fashion-mnist`` in ``/usr/share/datasets/fashion-mnist`` (or
       ``$COURSE_FASHION_MNIST_DIR``), parsed and checked here (magic numbers, sizes);
    4. ``"bundled"``: ``data/fashion_mnist_4k.npz``, 3,000 train / 1,000 test real images
       (300 / 100 per class) drawn from the original train / test files, hash-checked.

    Parameters
    ----------
    verbose : bool
        Print one line saying which source was used.

    Returns
    -------
    Dataset
        ``x_*`` uint8 (N, 28, 28) in 0..255, ``y_*`` uint8 (N,) in 0..9; 60,000 / 10,000
        images from sources 1–3, 3,000 / 1,000 from the bundled subset.

    Raises
    ------
    DataUnavailableError
        No source works; the message lists why each failed and gives the apt command.
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


# --------------------------------------------------------------------------- paintings


@dataclass(frozen=True)
class Painting:
    """A public-domain painting that :func:`load_painting` can load.

    Attributes
    ----------
    title, artist, year : str
        What the painting is.
    url : str or None
        The original on Wikimedia Commons (a ``Special:FilePath`` link that redirects to a
        1,024-px rendering of the Commons file), downloaded by ``keras.utils.get_file`` when
        online; ``None`` when the course knows no Commons file name it could confirm.
    reproduction : str
        Provenance and licence of the bundled copy ``data/paintings/<name>.jpg``.
    """

    title: str
    artist: str
    year: str
    url: str | None
    reproduction: str = (
        "WebMuseum scan (Nicolas Pioch) from GCompris' 'paintings' jigsaw (Debian package "
        "gcompris-qt-data), reassembled by data/scripts/make_paintings.py; GPL-3.0-or-later"
    )
    licence: str = "artwork in the public domain"


_COMMONS = "https://commons.wikimedia.org/wiki/Special:FilePath/{}?width=1024"

PAINTINGS: dict[str, Painting] = {
    "great_wave": Painting(
        "The Great Wave off Kanagawa", "Katsushika Hokusai", "c. 1831",
        _COMMONS.format("Tsunami_by_hokusai_19th_century.jpg"),
    ),
    "composition_viii": Painting(
        "Composition VIII", "Wassily Kandinsky", "1923",
        _COMMONS.format(
            "Vassily_Kandinsky%2C_1923_-_Composition_8%2C_huile_sur_toile%2C_140_cm_x_201_cm"
            "%2C_Mus%C3%A9e_Guggenheim%2C_New_York.jpg"
        ),
    ),
    "village_street_auvers": Painting(
        "Village Street in Auvers", "Vincent van Gogh", "1890", None,
    ),
    "mona_lisa": Painting(
        "Mona Lisa", "Leonardo da Vinci", "c. 1503-1519",
        _COMMONS.format("Mona_Lisa%2C_by_Leonardo_da_Vinci%2C_from_C2RMF_retouched.jpg"),
    ),
}  # fmt: skip
"""Paintings known to :func:`load_painting`, by name.

The Commons file names were not checked from this machine (it has no network): if one has
moved, the download fails and the loader uses the bundled reproduction, saying so.
"""


@contextlib.contextmanager
def _polite_user_agent():
    """Send a descriptive User-Agent while Keras downloads (Wikimedia refuses anonymous ones)."""
    import urllib.request

    previous = urllib.request._opener  # noqa: SLF001 - restored below
    opener = urllib.request.build_opener()
    opener.addheaders = [("User-Agent", "course-utils/1.0 (neural networks course; Keras)")]
    urllib.request.install_opener(opener)
    try:
        yield
    finally:
        urllib.request._opener = previous  # noqa: SLF001


def _read_rgb(path: Path) -> np.ndarray:
    """Decode an image file to uint8 (H, W, 3); DataIntegrityError if it is not an image."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as img:
            return np.asarray(img.convert("RGB"))
    except (OSError, UnidentifiedImageError, SyntaxError) as err:
        raise DataIntegrityError(f"{path.name} is not a readable image ({err})") from err


def _check_size(size: object) -> None:
    if size is None:
        return
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise TypeError(f"size must be an int (the longer side in pixels) or None, got {size!r}")
    if size <= 0:
        raise ValueError(f"size must be a positive number of pixels, got {size}")


def load_painting(name: str, size: int | None = None, verbose: bool = True) -> np.ndarray:
    """Load a real painting as an RGB image (see :data:`PAINTINGS` for the names).

    Sources, in order (one printed line says which was used):

    1. the Keras cache ``$KERAS_HOME/datasets/paintings/<name>.jpg`` (an earlier download);
    2. the original from Wikimedia Commons via ``keras.utils.get_file`` (skipped when
       ``COURSE_OFFLINE=1`` or when the painting has no ``url``). The Commons files have no
       published hash the course could pin, so the download is checked by decoding it only;
    3. the bundled reproduction ``data/paintings/<name>.jpg`` (at most 512 px on the longer
       side, reassembled from GCompris' jigsaw pieces; SHA-256 checked against the manifest).

    Parameters
    ----------
    name : str
        ``"great_wave"`` (Hokusai), ``"composition_viii"`` (Kandinsky),
        ``"village_street_auvers"`` (van Gogh) or ``"mona_lisa"`` (Leonardo).
    size : int, optional
        Resize so that the longer side has ``size`` pixels, keeping the aspect ratio
        (Pillow LANCZOS; sizes above the source's are upsampled). ``None``: as stored.
    verbose : bool
        Print one line saying which source was used.

    Returns
    -------
    np.ndarray
        uint8 (H, W, 3) in 0..255.

    Raises
    ------
    TypeError
        ``name`` not a string or ``size`` not an int.
    ValueError
        Unknown name or ``size`` <= 0.
    DataUnavailableError
        No source works (the message says why each failed).
    """
    if not isinstance(name, str):
        raise TypeError(f"painting name must be a string, got {type(name).__name__}")
    if name not in PAINTINGS:
        raise ValueError(f"unknown painting {name!r}; choose one of {', '.join(PAINTINGS)}")
    _check_size(size)
    info = PAINTINGS[name]
    cached = keras_cache_dir() / "paintings" / f"{name}.jpg"
    attempts: list[str] = []
    image = None
    if cached.is_file():
        try:
            image, text = _read_rgb(cached), f"Keras cache {cached}"
        except DataIntegrityError as err:
            attempts.append(f"keras-cache failed: {err}")
    if image is None and info.url is None:
        attempts.append("no online original known")
    elif image is None and is_offline():
        attempts.append("download skipped (COURSE_OFFLINE=1)")
    elif image is None:
        try:
            import keras

            sink = io.StringIO()
            hush = contextlib.nullcontext() if verbose else contextlib.redirect_stdout(sink)
            with hush, _polite_user_agent():
                path = keras.utils.get_file(
                    f"{name}.jpg", origin=info.url, cache_dir=str(keras_cache_dir()),
                    cache_subdir="paintings", force_download=cached.exists(),
                )  # fmt: skip
            image, text = _read_rgb(Path(path)), f"downloaded {info.url}"
        except Exception as err:  # noqa: BLE001 - any failure means: try the bundled copy
            attempts.append(f"download failed: {str(err).rsplit(' -- ', 1)[-1][:80]}")
    if image is None:
        try:
            image = _read_rgb(verify_file(f"paintings/{name}.jpg"))
        except DataIntegrityError as err:
            raise DataUnavailableError(
                f"painting {name!r} is not available: {'; '.join(attempts)}; and the bundled "
                f"copy is unusable: {err}"
            ) from err
        text = f"bundled reproduction data/paintings/{name}.jpg"
        if attempts:
            text += f" [{'; '.join(attempts)}]"
    if size is not None and max(image.shape[:2]) != size:
        from PIL import Image

        h, w = image.shape[:2]
        scale = size / max(h, w)
        new = (max(1, round(w * scale)), max(1, round(h * scale)))
        image = np.asarray(Image.fromarray(image).resize(new, Image.Resampling.LANCZOS))
    if verbose:
        print(f"{info.artist}, {info.title} ({info.year}): {text} — {image.shape}")
    return np.array(image, dtype=np.uint8)  # a writable copy


# --------------------------------------------------------------------------- photo set

PHOTO_SET_CLASSES = ("fish", "mammal", "monument", "renewable energy", "tool")
PHOTO_SET_SIZE = 224  # side of the bundled squares
_PHOTO_INDEX = "photos/INDEX.csv"
_PHOTO_INDEX_FIELDS = (
    "file", "class", "activity", "source_file", "original_size", "squared", "author",
    "licence", "url",
)  # fmt: skip
_PHOTO_REBUILD = (
    "restore it with `git checkout -- data/photos data/MANIFEST.sha256`, or rebuild the set "
    "with `python data/scripts/make_photo_set.py` (needs `sudo apt install gcompris-qt-data`)"
)


@dataclass(frozen=True)
class PhotoSet:
    """A small set of real photographs in a few categories (see :func:`load_photo_set`).

    Attributes
    ----------
    images : np.ndarray
        uint8 RGB photos in 0..255, shape (N, S, S, 3), sorted by class.
    labels : np.ndarray
        uint8 labels in 0..n_classes-1, shape (N,).
    class_names : tuple[str, ...]
        Name of each label.
    files : tuple[str, ...]
        The bundled file of each photo, relative to ``data/``.
    credits : tuple[str, ...]
        ``"author (licence) url"`` of each photo (the licence as an SPDX identifier).
    source : str
        ``"bundled"``: the same files online and offline.
    description : str
        One line saying where the photos came from.
    """

    images: np.ndarray
    labels: np.ndarray
    class_names: tuple[str, ...]
    files: tuple[str, ...]
    credits: tuple[str, ...]
    source: str
    description: str

    def __len__(self) -> int:
        return len(self.labels)

    def counts(self) -> dict[str, int]:
        """Photos per class: ``{"fish": 28, ...}``."""
        n = np.bincount(self.labels, minlength=len(self.class_names))
        return {name: int(c) for name, c in zip(self.class_names, n, strict=True)}

    def split_indices(
        self, k: int, seed: int = 0, n_test: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Indices of a random k-shot split: (train, test), see :meth:`split`.

        For features computed once for all photos: ``features[train]``, ``features[test]``.
        """
        smallest = min(self.counts().values())
        for name, value in (("k", k), ("seed", seed), ("n_test", n_test)):
            if value is None and name == "n_test":
                continue
            if isinstance(value, bool) or not isinstance(value, int | np.integer):
                raise TypeError(f"{name} must be an int, got {value!r}")
        if not 1 <= k < smallest:
            raise ValueError(f"k must be in 1..{smallest - 1} (the smallest class has "
                             f"{smallest} photos), got {k}")  # fmt: skip
        if n_test is not None and not 1 <= n_test <= smallest - k:
            raise ValueError(f"n_test must be in 1..{smallest - k} with k={k}, got {n_test}")
        rng = np.random.default_rng(seed)
        train, test = [], []
        for c in range(len(self.class_names)):
            idx = rng.permutation(np.flatnonzero(self.labels == c))
            train.append(idx[:k])
            test.append(idx[k:] if n_test is None else idx[k : k + n_test])
        return rng.permutation(np.concatenate(train)), rng.permutation(np.concatenate(test))

    def split(self, k: int, seed: int = 0, n_test: int | None = None) -> Dataset:
        """``k`` random training photos per class; the others (or ``n_test`` per class) test.

        Parameters
        ----------
        k : int
            Training photos per class, 1 <= k < the smallest class.
        seed : int
            Seed of the random choice (``np.random.default_rng``): one seed, one split.
        n_test : int, optional
            Test photos per class (a class-balanced test set); ``None``: all the others.

        Returns
        -------
        Dataset
            ``x_train`` (n_classes * k, S, S, 3), ``x_test`` the chosen test photos, both
            shuffled; labels uint8. Training and test photos never overlap.
        """
        train, test = self.split_indices(k, seed, n_test)
        rest = "the other photos" if n_test is None else f"{n_test} per class"
        return Dataset(
            self.images[train], self.labels[train], self.images[test], self.labels[test],
            self.class_names, self.source,
            f"{self.description}; split seed {seed}: {k} per class for training, {rest} for "
            "testing",
        )  # fmt: skip


def _photo_index() -> list[dict[str, str]]:
    """Rows of the hash-checked ``data/photos/INDEX.csv``."""
    import csv

    path = verify_file(_PHOTO_INDEX)
    with path.open(newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        rows = list(reader)
    if tuple(reader.fieldnames or ()) != _PHOTO_INDEX_FIELDS:
        raise DataIntegrityError(f"data/{_PHOTO_INDEX} has columns {reader.fieldnames}")
    unknown = {r["class"] for r in rows} - set(PHOTO_SET_CLASSES)
    if unknown:
        raise DataIntegrityError(f"data/{_PHOTO_INDEX} names unknown classes {sorted(unknown)}")
    return rows


def _check_photo_classes(classes: object) -> tuple[str, ...]:
    if classes is None:
        return PHOTO_SET_CLASSES
    if isinstance(classes, str) or not all(isinstance(c, str) for c in classes):
        raise TypeError(f"classes must be a sequence of class names or None, got {classes!r}")
    classes = tuple(classes)
    unknown = [c for c in classes if c not in PHOTO_SET_CLASSES]
    if unknown or not classes or len(set(classes)) != len(classes):
        raise ValueError(
            f"classes must be distinct names among {', '.join(PHOTO_SET_CLASSES)}; got {classes}"
        )
    return classes


def load_photo_set(
    size: int = PHOTO_SET_SIZE, classes: tuple[str, ...] | None = None, verbose: bool = True
) -> PhotoSet:
    """Load the course's small set of real photographs: fish, mammals, monuments, ...

    201 real photographs in five categories (fish 28, mammal 35, monument 71, renewable energy
    28, tool 39) that the educational suite GCompris ships with their credits, taken from
    the Debian package ``gcompris-qt-data`` by ``data/scripts/make_photo_set.py`` and bundled
    in ``data/photos/`` as 224 x 224 JPEGs (photos on a plain studio background padded to a
    square with it, the others centre-cropped). Every file is SHA-256-checked against
    ``data/MANIFEST.sha256``; there is no download: online and offline use the same files.
    Per-photo author, source and licence (public domain, CC0, CC BY, CC BY-SA, GPL) are in
    ``data/photos/INDEX.csv`` and ``.credits``.

    What it is **not**: a benchmark. It is tiny (a few dozen photos per class), and it shows
    what an educational game for children shows: famous landmarks, zoo and farm animals,
    fish in aquariums and reefs, tools on white backgrounds, mostly windmills and solar panels
    for "renewable energy". Scores on it say how well a model separates these few, very
    distinct categories from a handful of examples, not how it does on photos in general.
    ``data/README.md`` lists its known biases and what was left out, and why.

    Parameters
    ----------
    size : int
        Side of the returned squares, 1..224 (Pillow LANCZOS below 224).
    classes : sequence of str, optional
        A subset of :data:`PHOTO_SET_CLASSES`, in the label order wanted; ``None``: all five.
    verbose : bool
        Print one line saying where the photos came from.

    Returns
    -------
    PhotoSet
        ``images`` uint8 (N, size, size, 3), ``labels`` uint8 (N,), ``class_names``,
        ``files``, ``credits``, ``source="bundled"``; ``.split(k, seed)`` draws a k-shot split.

    Raises
    ------
    TypeError
        ``size`` not an int, ``classes`` not a sequence of strings.
    ValueError
        ``size`` outside 1..224, unknown or repeated class names.
    DataUnavailableError
        A bundled file is missing, truncated or corrupt (the message says which and how to
        restore it).
    """
    if isinstance(size, bool) or not isinstance(size, int | np.integer):
        raise TypeError(f"size must be an int (pixels), got {size!r}")
    if not 1 <= size <= PHOTO_SET_SIZE:
        raise ValueError(
            f"size must be in 1..{PHOTO_SET_SIZE} (the bundled photos are "
            f"{PHOTO_SET_SIZE} px; larger would only upsample), got {size}"
        )
    classes = _check_photo_classes(classes)
    if not isinstance(verbose, bool):
        raise TypeError(f"verbose must be True or False, got {verbose!r}")
    try:
        rows = [r for r in _photo_index() if r["class"] in classes]
        rows.sort(key=lambda r: (classes.index(r["class"]), r["file"]))
        images = np.empty((len(rows), size, size, 3), np.uint8)
        for i, row in enumerate(rows):
            name = f"photos/{row['file']}"
            image = _read_rgb(verify_file(name))
            if image.shape != (PHOTO_SET_SIZE, PHOTO_SET_SIZE, 3):
                raise DataIntegrityError(f"data/{name} is {image.shape}, not 224 x 224 RGB")
            if size != PHOTO_SET_SIZE:
                from PIL import Image

                image = np.asarray(
                    Image.fromarray(image).resize((size, size), Image.Resampling.LANCZOS)
                )
            images[i] = image
    except DataIntegrityError as err:
        message = f"the photo set is not available: {err}; {_PHOTO_REBUILD}"
        raise DataUnavailableError(message) from err
    labels = np.array([classes.index(r["class"]) for r in rows], np.uint8)
    counts = ", ".join(f"{c} {int((labels == i).sum())}" for i, c in enumerate(classes))
    description = (
        f"Photo set: bundled real photos data/photos ({len(rows)} photos {size}x{size}: "
        f"{counts}; from GCompris via Debian gcompris-qt-data, credits in data/photos/INDEX.csv)"
    )
    if verbose:
        print(description)
    return PhotoSet(
        images, labels, classes, tuple(f"photos/{r['file']}" for r in rows),
        tuple(f"{r['author']} ({r['licence']}) {r['url']}" for r in rows),
        "bundled", description,
    )  # fmt: skip


# --------------------------------------------------------------------------- overview


def available() -> dict[str, str]:
    """What this machine offers: data set or painting -> the source a loader would use now.

    Returns
    -------
    dict[str, str]
        e.g. ``{"MNIST": "bundled real subset (4,000 / 1,000)", "Fashion-MNIST": "Debian
        package dataset-fashion-mnist (60,000 / 10,000)", "CIFAR-10": "not available offline",
        "painting great_wave": "bundled reproduction (<= 512 px)", ..., "photo set": "bundled
        (201 photos, 5 classes)"}``. ``"Keras cache"`` when
        cached, ``"download on first use"`` when online. Nothing is loaded or downloaded.
    """
    online = data_mode() == "online"
    out = {}
    for src in (_MNIST, _FASHION, _CIFAR10):
        if all((keras_cache_dir() / p).exists() for p in src.cache_paths):
            out[src.title] = "Keras cache"
        elif online:
            out[src.title] = "download on first use"
        else:
            local = next((f.label for f in src.fallbacks if f.present()), None)
            out[src.title] = local or "not available offline"
    for name, info in PAINTINGS.items():
        if (keras_cache_dir() / "paintings" / f"{name}.jpg").is_file():
            status = "Keras cache"
        elif online and info.url:
            status = "download on first use"
        elif _bundled_ok(f"paintings/{name}.jpg"):
            status = "bundled reproduction (<= 512 px)"
        else:
            status = "missing"
        out[f"painting {name}"] = status
    try:
        rows = _photo_index()
        ok = all(_bundled_ok(f"photos/{r['file']}") for r in rows)
    except DataIntegrityError:
        ok = False
    out["photo set"] = (
        f"bundled ({len(rows)} photos, {len(PHOTO_SET_CLASSES)} classes)"
        if ok
        else "missing or corrupt (see load_photo_set)"
    )
    return out
