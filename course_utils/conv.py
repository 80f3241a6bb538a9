"""Convolution and pooling by hand, in NumPy (notebook 03).

Deep-learning "convolution" is **cross-correlation**: the kernel slides over the input and at
every position we multiply element-wise and add. Nothing is flipped (``scipy.signal.convolve2d``
*does* flip the kernel; ``scipy.signal.correlate2d`` does not). This module implements exactly
what ``tf.nn.conv2d`` and ``keras.layers.Conv2D`` compute, so the notebook can check one against
the other:

- :func:`conv2d` / :func:`conv1d`: several filters over multi-channel inputs, with stride,
  padding (``"valid"``, ``"same"``, ``"full"`` or explicit numbers) and dilation;
- :func:`pool2d`: max / average pooling;
- :func:`conv_output_size` and :func:`pad_amounts`: the output-size formula and the padding
  every padding name stands for (TensorFlow's ``"same"`` puts the odd pixel at the bottom/right);
- :func:`pixel_usage`, :func:`receptive_field`: how often each input pixel is used, how far a
  stack of layers sees;
- :data:`KERNELS`, :func:`kernel_label`, :func:`square_detector`: hand-made filters;
- :func:`filter_parts`: how much of a learned filter is colour contrast, brightness, a linear
  gradient (an edge) or finer structure, and which way its edge points;
- :func:`plot_sliding_steps`, :func:`explorer_figure`, :func:`readable_number`: figures for the
  worked example and the interactive convolution explorer.

``conv2d`` sums shifted copies of the input, one per kernel tap (see its comments);
``pool2d`` uses ``numpy.lib.stride_tricks.sliding_window_view``. Both are vectorised over
pixels, so a 512x512 photo takes milliseconds.

Arrays follow TensorFlow's layout: images ``(N, H, W, C)`` ("channels last"), kernels
``(KH, KW, C_in, C_out)``. Only NumPy is imported here (matplotlib inside plotting functions).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

__all__ = [
    "KERNELS",
    "PADDING_NAMES",
    "conv1d",
    "conv2d",
    "conv_output_size",
    "explorer_figure",
    "filter_parts",
    "kernel_label",
    "output_size_formula",
    "pad_amounts",
    "pixel_usage",
    "plot_sliding_steps",
    "pool2d",
    "readable_number",
    "receptive_field",
    "shift_change",
    "show_values",
    "square_detector",
    "square_scene",
    "to_unit_range",
]

PADDING_NAMES: tuple[str, ...] = ("valid", "same", "full")


def to_unit_range(images: Any) -> np.ndarray:
    """8-bit pixel values 0..255 as float32 values in 0..1 (how images are fed to a network).

    Parameters
    ----------
    images : array-like of integers in 0..255, any shape (e.g. (N, 28, 28))

    Returns
    -------
    np.ndarray
        float32, same shape, ``images / 255``.
    """
    arr = np.asarray(images)
    if arr.dtype.kind not in "iu":
        raise TypeError(f"expected integer pixel values, got dtype {arr.dtype}")
    if arr.size and (arr.min() < 0 or arr.max() > 255):
        raise ValueError("pixel values must lie in 0..255")
    return arr.astype(np.float32) / np.float32(255)


def _kernel(rows: list[list[float]], scale: float = 1.0) -> np.ndarray:
    return np.asarray(rows, dtype=np.float32) * np.float32(scale)


#: The classic 3x3 image-processing kernels (float32, shape (3, 3)).
KERNELS: dict[str, np.ndarray] = {
    "identity": _kernel([[0, 0, 0], [0, 1, 0], [0, 0, 0]]),
    "edge (X)": _kernel([[1, 0, -1], [0, 0, 0], [-1, 0, 1]]),
    "edge (Laplace)": _kernel([[0, 1, 0], [1, -4, 1], [0, 1, 0]]),
    "edge (strong)": _kernel([[-1, -1, -1], [-1, 8, -1], [-1, -1, -1]]),
    "sharpen": _kernel([[0, -1, 0], [-1, 5, -1], [0, -1, 0]]),
    "box blur": _kernel([[1, 1, 1], [1, 1, 1], [1, 1, 1]], 1 / 9),
    "Gaussian blur": _kernel([[1, 2, 1], [2, 4, 2], [1, 2, 1]], 1 / 16),
    "Sobel x (vertical edges)": _kernel([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]]),
    "Sobel y (horizontal edges)": _kernel([[-1, -2, -1], [0, 0, 0], [1, 2, 1]]),
}


# --------------------------------------------------------------------------- argument checks


def _positive_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value <= 0:
        raise ValueError(f"{name} must be a positive integer, got {value}")
    return int(value)


def _nonnegative_int(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | np.integer):
        raise TypeError(f"{name} must be an integer, got {value!r} ({type(value).__name__})")
    if value < 0:
        raise ValueError(f"{name} must be >= 0, got {value}")
    return int(value)


def _pair(value: Any, name: str) -> tuple[int, int]:
    """``3`` -> ``(3, 3)``; ``(2, 1)`` stays; both entries must be positive integers."""
    if isinstance(value, Sequence) and not isinstance(value, str):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a (height, width) pair, got {value!r}")
        return _positive_int(value[0], name), _positive_int(value[1], name)
    v = _positive_int(value, name)
    return v, v


def _padding_name(padding: str) -> str:
    name = padding.lower()
    if name not in PADDING_NAMES:
        raise ValueError(
            f"unknown padding {padding!r}; use 'valid', 'same', 'full' or explicit integers"
        )
    return name


def pad_amounts(
    n: int, f: int, stride: int = 1, padding: str | int | Sequence[int] = "valid", dilation: int = 1
) -> tuple[int, int]:
    """Zeros added before and after one spatial axis.

    Parameters
    ----------
    n : int
        Input size along the axis (pixels).
    f : int
        Kernel size along the axis.
    stride, dilation : int
        Step between kernel positions; spacing between kernel taps (1 = contiguous).
    padding : {'valid', 'same', 'full'} or int or (before, after)
        ``'valid'``: none. ``'full'``: ``dilation*(f-1)`` on both sides, so every output touches
        at least one input pixel. ``'same'``: TensorFlow's rule, the smallest padding that gives
        ``ceil(n / stride)`` outputs, split with the **extra pixel after** (bottom/right).

    Returns
    -------
    (before, after) : tuple[int, int]
    """
    n = _positive_int(n, "input size n")
    f = _positive_int(f, "kernel size f")
    stride = _positive_int(stride, "stride")
    dilation = _positive_int(dilation, "dilation")
    span = dilation * (f - 1) + 1  # how many input pixels one kernel position covers
    if isinstance(padding, str):
        name = _padding_name(padding)
        if name == "valid":
            return 0, 0
        if name == "full":
            return span - 1, span - 1
        n_out = -(-n // stride)  # ceil(n / stride)
        total = max((n_out - 1) * stride + span - n, 0)
        return total // 2, total - total // 2
    if isinstance(padding, Sequence):
        if len(padding) != 2:
            raise ValueError(f"explicit padding must be an int or (before, after), got {padding!r}")
        return _nonnegative_int(padding[0], "padding"), _nonnegative_int(padding[1], "padding")
    p = _nonnegative_int(padding, "padding")
    return p, p


def conv_output_size(
    n: int, f: int, stride: int = 1, padding: str | int | Sequence[int] = "valid", dilation: int = 1
) -> int:
    """Output size along one axis: ``floor((n + P_before + P_after - D*(F-1) - 1) / S) + 1``.

    With symmetric padding ``P`` and no dilation this is the textbook ``(N - F + 2P)/S + 1``
    (rounded down). Arguments as in :func:`pad_amounts`.

    Returns
    -------
    int
        Number of kernel positions along the axis.

    Raises
    ------
    ValueError
        If the (dilated) kernel is larger than the padded input.
    """
    before, after = pad_amounts(n, f, stride, padding, dilation)
    span = dilation * (f - 1) + 1
    if span > n + before + after:
        raise ValueError(
            f"kernel of size {f}"
            + (f" (spanning {span} pixels with dilation {dilation})" if dilation > 1 else "")
            + f" is larger than the padded input ({n} + {before} + {after} = "
            f"{n + before + after} pixels); use a smaller kernel or more padding"
        )
    return (n + before + after - span) // stride + 1


# --------------------------------------------------------------------------- convolution


def _spatial_padding(padding: Any) -> tuple[Any, Any]:
    """Split ``padding`` into one spec per spatial axis (height, width)."""
    if isinstance(padding, str):
        return padding, padding
    if isinstance(padding, int | np.integer) and not isinstance(padding, bool):
        return int(padding), int(padding)
    if isinstance(padding, Sequence) and len(padding) == 2:
        return padding[0], padding[1]  # (ph, pw) or ((top, bottom), (left, right))
    raise TypeError(
        "padding must be 'valid', 'same', 'full', an int, (pad_h, pad_w) or "
        f"((top, bottom), (left, right)); got {padding!r}"
    )


def _as_numeric(a: Any, name: str) -> np.ndarray:
    arr = np.asarray(a)
    if arr.dtype == object or not (
        np.issubdtype(arr.dtype, np.number) or np.issubdtype(arr.dtype, np.bool_)
    ):
        raise TypeError(f"{name} must be a numeric array, got dtype {arr.dtype}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    return arr


def _to_nhwc(x: np.ndarray) -> np.ndarray:
    """View (H, W), (H, W, C) or (N, H, W, C) images as a batch (N, H, W, C)."""
    if x.ndim not in (2, 3, 4):
        raise ValueError(f"x must have shape (H, W), (H, W, C) or (N, H, W, C); got {x.shape}")
    return x[None, :, :, None] if x.ndim == 2 else x[None] if x.ndim == 3 else x


def conv2d(
    x: Any,
    kernels: Any,
    stride: int | Sequence[int] = 1,
    padding: str | int | Sequence[Any] = "valid",
    dilation: int | Sequence[int] = 1,
) -> np.ndarray:
    """2-D convolution (cross-correlation) as in ``tf.nn.conv2d``: multiply and add, no flip.

    Parameters
    ----------
    x : array (H, W), (H, W, C) or (N, H, W, C)
        Input image(s), any real dtype.
    kernels : array (KH, KW) or (KH, KW, C, F)
        One single-channel kernel, or ``F`` filters whose depth ``C`` equals the input's.
    stride : int or (sh, sw)
        Step between kernel positions.
    padding : 'valid', 'same', 'full', int, (ph, pw) or ((top, bottom), (left, right))
        Zeros around the input; see :func:`pad_amounts` (``'same'`` follows TensorFlow).
    dilation : int or (dh, dw)
        Spacing between kernel taps (1 = ordinary convolution).

    Returns
    -------
    np.ndarray
        Floating point (float32 for float32/integer-free inputs, else float64). Shape
        ``(N, OH, OW, F)``, without the ``N`` axis if ``x`` had none and without the ``F`` axis
        if ``kernels`` was 2-D; ``OH = conv_output_size(H, KH, sh, padding, dh)``.

    Raises
    ------
    ValueError
        Bad ranks, channel mismatch, unknown padding name, non-positive stride/dilation,
        kernel larger than the padded input.
    TypeError
        Non-numeric arrays, non-integer stride/dilation/padding.
    """
    x = _as_numeric(x, "x")
    k = _as_numeric(kernels, "kernels")
    if k.ndim not in (2, 4):
        raise ValueError(f"kernels must have shape (KH, KW) or (KH, KW, C, F); got {k.shape}")
    batch = x.ndim == 4
    xb = _to_nhwc(x)
    kb = k[:, :, None, None] if k.ndim == 2 else k
    if kb.shape[2] != xb.shape[3]:
        raise ValueError(
            f"channel mismatch: the input has {xb.shape[3]} channel(s) but the kernels have "
            f"depth {kb.shape[2]} (kernel shape {k.shape}); a filter must be as deep as its input"
        )
    (sh, sw), (dh, dw) = _pair(stride, "stride"), _pair(dilation, "dilation")
    pad_spec = _spatial_padding(padding)
    kh, kw = kb.shape[:2]
    h, w = xb.shape[1:3]
    oh = conv_output_size(h, kh, sh, pad_spec[0], dh)  # also rejects too-large kernels
    ow = conv_output_size(w, kw, sw, pad_spec[1], dw)
    pads = (pad_amounts(h, kh, sh, pad_spec[0], dh), pad_amounts(w, kw, sw, pad_spec[1], dw))

    dtype = np.result_type(xb.dtype, kb.dtype, np.float32)
    xp = np.pad(xb.astype(dtype, copy=False), ((0, 0), pads[0], pads[1], (0, 0)))
    kb = kb.astype(dtype, copy=False)
    # A convolution is a weighted sum of shifted copies of the input: for each kernel tap (i, j)
    # take the pixels that tap sees at every output position (a strided view of the padded
    # input, (N, OH, OW, C)) and multiply by that tap's weights, (C, F). Loops run over the
    # KH*KW taps only, never over pixels, and no (OH, OW, KH, KW) array of patches is built.
    out = np.zeros((xp.shape[0], oh, ow, kb.shape[3]), dtype=dtype)
    for i in range(kh):
        for j in range(kw):
            r, c = i * dh, j * dw  # where this tap sits inside the (dilated) window
            seen = xp[:, r : r + sh * (oh - 1) + 1 : sh, c : c + sw * (ow - 1) + 1 : sw, :]
            out += seen @ kb[i, j]
    if not batch:
        out = out[0]
    return out[..., 0] if k.ndim == 2 else out


def conv1d(
    x: Any,
    kernels: Any,
    stride: int = 1,
    padding: str | int | Sequence[int] = "valid",
    dilation: int = 1,
) -> np.ndarray:
    """1-D convolution (cross-correlation) as in ``tf.nn.conv1d``: a sliding detector on a signal.

    Parameters
    ----------
    x : array (L,), (L, C) or (N, L, C)
        Signal(s).
    kernels : array (K,) or (K, C, F)
        One single-channel kernel, or ``F`` filters of depth ``C``.
    stride, dilation : int
    padding : 'valid', 'same', 'full', int or (before, after)

    Returns
    -------
    np.ndarray
        Shape ``(N, OL, F)`` without the ``N`` axis if ``x`` had none and without the ``F`` axis
        if ``kernels`` was 1-D. Computed by :func:`conv2d` on images one pixel high.
    """
    x = _as_numeric(x, "x")
    k = _as_numeric(kernels, "kernels")
    if x.ndim not in (1, 2, 3):
        raise ValueError(f"x must have shape (L,), (L, C) or (N, L, C); got {x.shape}")
    if k.ndim not in (1, 3):
        raise ValueError(f"kernels must have shape (K,) or (K, C, F); got {k.shape}")
    if isinstance(stride, Sequence) or isinstance(dilation, Sequence):
        raise TypeError("conv1d takes a single integer stride and dilation")
    if isinstance(padding, str):
        pad2d: Any = padding
    elif isinstance(padding, Sequence):
        pad2d = ((0, 0), tuple(padding))
    else:
        pad2d = (0, padding)
    x4 = x[None, None, :, None] if x.ndim == 1 else x[None, None] if x.ndim == 2 else x[:, None]
    k4 = k[None, :, None, None] if k.ndim == 1 else k[None]
    out = conv2d(x4, k4, (1, stride), pad2d, (1, dilation))[:, 0]  # (N, OL, F)
    if x.ndim < 3:
        out = out[0]
    return out[..., 0] if k.ndim == 1 else out


# --------------------------------------------------------------------------- pooling


def pool2d(
    x: Any,
    size: int | Sequence[int] = 2,
    stride: int | Sequence[int] | None = None,
    mode: str = "max",
    padding: str = "valid",
) -> np.ndarray:
    """Max or average pooling of every channel separately, as ``keras.layers.MaxPooling2D``.

    Parameters
    ----------
    x : array (H, W), (H, W, C) or (N, H, W, C)
    size : int or (ph, pw)
        Pooling window.
    stride : int or (sh, sw), optional
        Default: the window size (non-overlapping windows).
    mode : {'max', 'average'}
    padding : {'valid', 'same'}
        With ``'same'`` the padded positions are ignored (not counted as zeros), like Keras.

    Returns
    -------
    np.ndarray
        Same rank as ``x``, spatial size ``conv_output_size(H, ph, sh, padding)``; float.
    """
    x = _as_numeric(x, "x")
    if mode not in ("max", "average"):
        raise ValueError(f"mode must be 'max' or 'average', got {mode!r}")
    if not isinstance(padding, str) or _padding_name(padding) == "full":
        raise ValueError(f"pooling padding must be 'valid' or 'same', got {padding!r}")
    (ph, pw) = _pair(size, "pool size")
    (sh, sw) = _pair(size if stride is None else stride, "stride")
    xb = _to_nhwc(x)
    h, w = xb.shape[1:3]
    oh, ow = conv_output_size(h, ph, sh, padding), conv_output_size(w, pw, sw, padding)
    pads = (pad_amounts(h, ph, sh, padding), pad_amounts(w, pw, sw, padding))
    xp = np.pad(xb.astype(np.result_type(xb.dtype, np.float32)),
                ((0, 0), pads[0], pads[1], (0, 0)), constant_values=np.nan)  # fmt: skip
    windows = sliding_window_view(xp, (ph, pw), axis=(1, 2))[:, : oh * sh : sh, : ow * sw : sw]
    reduce = np.nanmax if mode == "max" else np.nanmean  # NaN marks padding: ignored
    out = reduce(windows, axis=(-2, -1))
    if x.ndim == 2:
        return out[0, ..., 0]
    return out[0] if x.ndim == 3 else out


# --------------------------------------------------------------------------- analysis helpers


def pixel_usage(
    shape: Sequence[int],
    kernel_size: int,
    stride: int = 1,
    padding: str | int = "valid",
    dilation: int = 1,
) -> np.ndarray:
    """How many kernel positions use each input pixel ("edges get less love").

    Parameters
    ----------
    shape : (H, W)
        Input size.
    kernel_size, stride, dilation : int
    padding : 'valid', 'same', 'full' or int

    Returns
    -------
    np.ndarray
        int64, shape (H, W): for every input pixel, the number of output positions whose window
        contains it. Without padding the corners are used once, the centre ``kernel_size**2``
        times.
    """
    if len(shape) != 2:
        raise ValueError(f"shape must be (H, W), got {shape!r}")
    h, w = (_positive_int(s, "shape") for s in shape)
    counts = np.zeros((h, w), dtype=np.int64)
    # Where each row / column window starts (in input coordinates, may be negative = padding).
    starts = []
    for n in (h, w):
        before, _ = pad_amounts(n, kernel_size, stride, padding, dilation)
        n_out = conv_output_size(n, kernel_size, stride, padding, dilation)
        starts.append(np.arange(n_out) * stride - before)
    for i in range(kernel_size):  # every tap of the kernel ...
        for j in range(kernel_size):
            rows = starts[0] + i * dilation
            cols = starts[1] + j * dilation
            rows, cols = rows[(rows >= 0) & (rows < h)], cols[(cols >= 0) & (cols < w)]
            counts[np.ix_(rows, cols)] += 1  # ... touches one pixel per output position
    return counts


def receptive_field(layers: Sequence[Sequence[int]]) -> list[int]:
    """Receptive-field size after each layer of a stack of convolutions/poolings.

    Parameters
    ----------
    layers : sequence of (kernel_size,) or (kernel_size, stride) or (kernel_size, stride, dilation)

    Returns
    -------
    list[int]
        ``r_l = r_{l-1} + dilation*(kernel_size-1) * (product of earlier strides)``, starting
        from ``r_0 = 1``; e.g. three 3x3 stride-1 layers give ``[3, 5, 7]``.
    """
    if isinstance(layers, str | bytes) or len(layers) == 0:
        raise ValueError("layers must be a non-empty sequence of (kernel, stride, dilation)")
    size, jump, sizes = 1, 1, []
    for layer in layers:
        spec = (layer,) if isinstance(layer, int | np.integer) else tuple(layer)
        if not 1 <= len(spec) <= 3:
            raise ValueError(f"each layer is (kernel[, stride[, dilation]]), got {layer!r}")
        k, s, d = (*spec, 1, 1)[:3]
        k, s, d = _positive_int(k, "kernel size"), _positive_int(s, "stride"), \
            _positive_int(d, "dilation")  # fmt: skip
        size += d * (k - 1) * jump
        jump *= s
        sizes.append(size)
    return sizes


def shift_change(a: np.ndarray, b: np.ndarray) -> float:
    """Relative change ``||a - b|| / ||a||`` between two feature maps of the same shape."""
    a, b = np.asarray(a, dtype=np.float64), np.asarray(b, dtype=np.float64)
    if a.shape != b.shape:
        raise ValueError(f"feature maps must have the same shape, got {a.shape} and {b.shape}")
    norm = np.linalg.norm(a)
    if norm == 0:
        raise ValueError("the reference feature map is all zeros")
    return float(np.linalg.norm(a - b) / norm)


# --------------------------------------------------------------------------- hand-made detectors


def square_scene(size: int = 16) -> tuple[np.ndarray, tuple[int, int]]:
    """A test image: one hollow square and three distractors (a line, an L, an open box).

    Returns
    -------
    image : np.ndarray
        float32 (size, size) with 1 on the drawn lines, 0 elsewhere (``size >= 16``).
    top_left : (int, int)
        Row and column of the square's top-left corner. The square's side is 4.
    """
    size = _positive_int(size, "size")
    if size < 16:
        raise ValueError(f"size must be at least 16 to fit the shapes, got {size}")
    img = np.zeros((size, size), dtype=np.float32)
    r, c, s = 2, 2, 4  # the square
    img[r, c : c + s] = img[r + s - 1, c : c + s] = 1
    img[r : r + s, c] = img[r : r + s, c + s - 1] = 1
    img[2, 9:15] = 1  # a horizontal line, longer than the square
    img[9 : 9 + s, 2] = 1  # an L-shape: vertical + horizontal
    img[9 + s - 1, 2 : 2 + s] = 1
    img[9, 9 : 9 + s] = img[9 : 9 + s, 9] = img[9 : 9 + s, 9 + s - 1] = 1  # box open at the bottom
    return img, (r, c)


def square_detector(side: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray, float]:
    """Two-layer hand-made detector of hollow squares (the "Deep learning for images" lecture).

    Layer 1 has two 3x3 filters with bias -2, followed by ReLU: on a binary image one fires
    (value 1) where three pixels in a row are on (a piece of **horizontal** line), the other
    where three pixels in a column are on (a piece of **vertical** line). Layer 2 has one
    ``side x side`` filter with **two** channels: its horizontal-line channel looks for the
    top and bottom sides, its vertical-line channel for the left and right sides. Its bias
    is 90 % of a perfect square's score, so only all four sides together pass the ReLU.

    Returns
    -------
    layer1 : np.ndarray
        float32 (3, 3, 1, 2); apply with ``padding='same'``, add ``bias1``, ReLU.
    bias1 : np.ndarray
        float32 (2,), the biases of the two layer-1 filters.
    layer2 : np.ndarray
        float32 (side, side, 2, 1); apply with ``padding='valid'``, add ``bias2``, ReLU. The
        output at ``(r, c)`` is positive only if a square's top-left corner is at ``(r, c)``.
    bias2 : float
    """
    side = _positive_int(side, "side")
    if side < 3:
        raise ValueError(f"side must be at least 3, got {side}")
    horizontal = np.zeros((3, 3), dtype=np.float32)
    horizontal[1, :] = 1  # three pixels in a row
    layer1 = np.stack([horizontal, horizontal.T], axis=-1)[:, :, None, :]
    bias1 = np.array([-2, -2], dtype=np.float32)
    layer2 = np.zeros((side, side, 2, 1), dtype=np.float32)
    layer2[[0, -1], 1:-1, 0, 0] = 1  # channel 0: horizontal line pieces at the top and bottom
    layer2[1:-1, [0, -1], 1, 0] = 1  # channel 1: vertical line pieces at the left and right
    perfect = 4 * (side - 2)  # what a complete square scores
    return layer1, bias1, layer2, -0.9 * perfect


def kernel_label(kernel: Any) -> str:
    """A small kernel as one readable line, e.g. ``'[-1 0 1; -2 0 2; -1 0 1]'``.

    Kernels whose entries are integers divided by a common denominator (up to 16) are written
    with it, e.g. the box blur as ``'1/9 · [1 1 1; 1 1 1; 1 1 1]'``.
    """
    k = _as_numeric(kernel, "kernel").astype(np.float64)
    if k.ndim != 2:
        raise ValueError(f"kernel must be 2-D, got shape {k.shape}")
    for den in range(1, 17):
        scaled = k * den
        if np.allclose(scaled, np.round(scaled), atol=1e-6):
            rows = "; ".join(" ".join(f"{int(v):d}" for v in row) for row in np.round(scaled))
            return f"1/{den} · [{rows}]" if den > 1 else f"[{rows}]"
    rows = "; ".join(" ".join(readable_number(v) for v in row) for row in k)
    return f"[{rows}]"


def filter_parts(kernels: Any) -> dict[str, np.ndarray]:
    """Split each filter's squared weights into four parts: what kind of detector is it?

    Every filter ``w`` (KH, KW, C) is the sum of orthogonal pieces: its **colour** part (what
    is left after subtracting the mean over the C channels: zero on gray input), and its
    channel mean ("luminance"), which is split into a constant (**brightness**), a plane
    ``a·x + b·y`` (a linear **gradient**: an edge detector) and the **rest** (bars, spots,
    centre-surround). Because the pieces are orthogonal the four fractions add up to 1.

    Parameters
    ----------
    kernels : array (KH, KW, C, F)
        F filters, Keras layout (e.g. ``layer.get_weights()[0]``); (KH, KW) for one
        single-channel filter.

    Returns
    -------
    dict of np.ndarray, each float64 of shape (F,)
        ``"colour"``, ``"brightness"``, ``"gradient"``, ``"rest"``: fractions of the filter's
        sum of squared weights, adding up to 1. ``"edge_angle"``: orientation of the edge the
        gradient part detects, in degrees in [0, 180), counter-clockwise from horizontal as
        seen on screen (90 = a vertical edge, as the Sobel x kernel finds; meaningful only
        where ``"gradient"`` is large).
    """
    k = _as_numeric(kernels, "kernels").astype(np.float64)
    if k.ndim == 2:
        k = k[:, :, None, None]
    if k.ndim != 4:
        raise ValueError(f"kernels must have shape (KH, KW, C, F) or (KH, KW); got {k.shape}")
    kh, kw, c, _ = k.shape
    energy = (k**2).sum(axis=(0, 1, 2))
    if np.any(energy == 0):
        raise ValueError("a filter with all weights 0 has no parts")
    lum = k.mean(axis=2)  # (KH, KW, F)
    colour = ((k - lum[:, :, None, :]) ** 2).sum(axis=(0, 1, 2))
    rows, cols = np.mgrid[:kh, :kw]
    x, y = cols - (kw - 1) / 2, rows - (kh - 1) / 2  # centred: orthogonal to the constant
    bright = c * lum.sum(axis=(0, 1)) ** 2 / (kh * kw)
    a = np.einsum("hw,hwf->f", x, lum) / max((x**2).sum(), 1e-12)
    b = np.einsum("hw,hwf->f", y, lum) / max((y**2).sum(), 1e-12)
    gradient = c * (a**2 * (x**2).sum() + b**2 * (y**2).sum())
    # brightness grows along (a, -b) on screen (rows point down); the edge runs across that
    edge_angle = (np.degrees(np.arctan2(-b, a)) + 90) % 180
    parts = {"colour": colour, "brightness": bright, "gradient": gradient}
    out = {name: v / energy for name, v in parts.items()}
    out["rest"] = np.clip(1 - sum(out.values()), 0, 1)
    out["edge_angle"] = edge_angle
    return out


# --------------------------------------------------------------------------- figures


def readable_number(value: float) -> str:
    """A number as a figure should print it: ``144``, ``90.5``, ``0.27`` — never ``1.4e+02``.

    Whole numbers print without decimals, others with 3 significant digits up to 0.01;
    smaller ones in scientific notation; NaN as an empty string.
    """
    v = float(value)
    if np.isnan(v):
        return ""
    if np.isinf(v):
        return "∞" if v > 0 else "−∞"
    if v == round(v) and abs(v) < 1e15:
        return f"{round(v):d}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    if abs(v) >= 0.01:
        return f"{v:.2f}"
    return f"{v:.0e}"


def show_values(ax, values: Any, cmap: str = "gray", fmt: Any = "{:g}", vmin=None,
                vmax=None) -> None:  # fmt: skip
    """Draw a small matrix on a matplotlib Axes with its numbers printed on the pixels.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
    values : array (H, W)
        Numbers to show; NaN entries are drawn blank (e.g. outputs not computed yet). Numbers
        are printed only up to 400 entries.
    cmap, vmin, vmax
        Passed to ``imshow``.
    fmt : str or callable
        Format of the printed numbers, e.g. ``"{:d}"`` for uint8 pixels, or a function from
        number to text such as :func:`readable_number`.
    """
    values = np.asarray(values)
    if values.ndim != 2:
        raise ValueError(f"values must be a 2-D array, got shape {values.shape}")
    image = ax.imshow(values, cmap=cmap, vmin=vmin, vmax=vmax)
    if values.size <= 400:
        for (i, j), v in np.ndenumerate(values):
            if np.isnan(v):
                continue  # not computed yet
            r, g, b, _ = image.cmap(image.norm(float(v)))  # the pixel's colour
            bright = 0.299 * r + 0.587 * g + 0.114 * b > 0.5  # dark text on bright pixels
            text = fmt(v) if callable(fmt) else fmt.format(v)
            ax.text(j, i, text, ha="center", va="center", fontsize=8,
                    color="black" if bright else "white")  # fmt: skip
    ax.set_xticks([])
    ax.set_yticks([])


def _draw_window(ax, top: int, left: int, kh: int, kw: int, dilation: int = 1) -> None:
    from matplotlib.patches import Rectangle

    for i in range(kh):
        for j in range(kw):
            ax.add_patch(Rectangle((left + j * dilation - 0.5, top + i * dilation - 0.5), 1, 1,
                                   fill=False, ec="tab:red", lw=2))  # fmt: skip


def plot_sliding_steps(image: np.ndarray, kernel: np.ndarray):
    """Small multiples of a 'valid', stride-1 convolution: one panel per output value.

    Each panel shows the image with the kernel's window in red and the sum of the element-wise
    products in its title. Returns the matplotlib Figure (``oh x ow`` panels, at most 25).
    """
    import matplotlib.pyplot as plt

    image, kernel = np.asarray(image), np.asarray(kernel)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("plot_sliding_steps takes a 2-D image and a 2-D kernel")
    out = conv2d(image, kernel)
    if out.size > 25:
        raise ValueError(f"too many steps to draw ({out.size}); use an image of at most 7x7")
    kh, kw = kernel.shape
    fig, axes = plt.subplots(*out.shape, figsize=(2.0 * out.shape[1], 2.1 * out.shape[0]),
                             squeeze=False)  # fmt: skip
    for (i, j), value in np.ndenumerate(out):
        ax = axes[i, j]
        show_values(ax, image, vmin=0, vmax=max(image.max(), 1))
        _draw_window(ax, i, j, kh, kw)
        products = " + ".join(f"{v:g}" for v in (image[i : i + kh, j : j + kw] * kernel).ravel())
        ax.set_title(f"out[{i},{j}] = {value:g}", fontsize=9)
        ax.set_xlabel(products if len(products) < 40 else "", fontsize=6)
    fig.tight_layout()
    return fig


def output_size_formula(
    n: int, f: int, stride: int = 1, padding: str | int = "valid", dilation: int = 1
) -> str:
    """The output-size formula with the numbers filled in, e.g. ``'(5 + 0 + 0 − 3)/1 + 1 = 3'``.

    Uses the general form ``floor((N + P_before + P_after − D·(F−1) − 1)/S) + 1``, written as
    ``(N + P_before + P_after − F_eff)/S + 1`` with ``F_eff = D·(F−1) + 1``.
    """
    before, after = pad_amounts(n, f, stride, padding, dilation)
    out = conv_output_size(n, f, stride, padding, dilation)
    span = dilation * (f - 1) + 1
    floor = "⌊" if (n + before + after - span) % stride else ""
    close = "⌋" if floor else ""
    return f"{floor}({n} + {before} + {after} − {span})/{stride}{close} + 1 = {out}"


def explorer_figure(
    image: np.ndarray,
    kernel: np.ndarray,
    padding: str | int = "valid",
    stride: int = 1,
    dilation: int = 1,
    step: int = 0,
):
    """The convolution explorer: padded input with the kernel's window, and the output so far.

    Parameters
    ----------
    image : np.ndarray (H, W)
        A small grayscale image (at most 32x32 for readable numbers).
    kernel : np.ndarray (KH, KW)
    padding, stride, dilation
        As in :func:`conv2d`.
    step : int
        Which output position to show, in row-major order (clipped to the last one).

    Returns
    -------
    matplotlib.figure.Figure
        Left: the zero-padded input (padding outside the dashed box) with the window's taps in
        red. Right: the output with the values computed up to ``step``. The title holds the
        output-size formula with the numbers filled in for both axes.
    """
    import matplotlib.pyplot as plt

    image, kernel = np.asarray(image, dtype=np.float64), np.asarray(kernel, dtype=np.float64)
    if image.ndim != 2 or kernel.ndim != 2:
        raise ValueError("the explorer takes a 2-D image and a 2-D kernel")
    if isinstance(step, bool) or not isinstance(step, int | np.integer) or step < 0:
        raise ValueError(f"step must be a non-negative integer, got {step!r}")
    out = conv2d(image, kernel, stride, padding, dilation)
    (pt, pb), (pl, pr) = (
        pad_amounts(image.shape[0], kernel.shape[0], stride, padding, dilation),
        pad_amounts(image.shape[1], kernel.shape[1], stride, padding, dilation),
    )
    padded = np.pad(image, ((pt, pb), (pl, pr)))
    step = min(int(step), out.size - 1)
    i, j = divmod(step, out.shape[1])
    shown = np.full(out.shape, np.nan)
    shown.flat[: step + 1] = out.flat[: step + 1]

    fig, (ax_in, ax_out) = plt.subplots(1, 2, figsize=(9, 4.6))
    show_values(ax_in, padded, fmt=readable_number)
    if padded.shape != image.shape:  # dashed box: the original image inside the zeros
        ax_in.add_patch(plt.Rectangle((pl - 0.5, pt - 0.5), image.shape[1], image.shape[0],
                                      fill=False, ec="tab:blue", lw=1.5, ls="--"))  # fmt: skip
    _draw_window(ax_in, i * stride, j * stride, *kernel.shape, dilation)
    ax_in.set_title(
        f"input {image.shape[0]}x{image.shape[1]}, padding {padding!r}, stride {stride}, "
        f"dilation {dilation}\nwindow {step + 1} of {out.size} (red)",
        fontsize=10,
    )
    ax_out.set_title(f"output {out.shape[0]}x{out.shape[1]}: "
                     f"out[{i},{j}] = {readable_number(out[i, j])}", fontsize=10)  # fmt: skip
    show_values(ax_out, shown, cmap="viridis", fmt=readable_number, vmin=np.nanmin(out),
                vmax=np.nanmax(out))  # fmt: skip
    ax_out.add_patch(plt.Rectangle((j - 0.5, i - 0.5), 1, 1, fill=False, ec="tab:red", lw=2))
    rows = output_size_formula(image.shape[0], kernel.shape[0], stride, padding, dilation)
    cols = output_size_formula(image.shape[1], kernel.shape[1], stride, padding, dilation)
    fig.suptitle(f"output size — rows: {rows}    columns: {cols}", fontsize=10)
    fig.tight_layout(rect=(0, 0, 1, 0.94))
    return fig
