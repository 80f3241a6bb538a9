"""Exercises of notebook 03 (convolution, padding, stride, dilation and pooling)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "03_convolution"


# --------------------------------------------------------------------------- output shape


def _conv_output_shape(input_shape, filters, kernel_size, strides, padding):
    """What a real Keras layer produces (the reference is Keras itself, not our formula)."""
    import keras

    layer = keras.layers.Conv2D(filters, kernel_size, strides=strides, padding=padding)
    return tuple(int(v) for v in layer(keras.Input(tuple(input_shape))).shape[1:])


def _output_shape_cases() -> list[tuple]:
    return [
        ((64, 64, 3), 16, 5, 2, "valid"),  # the notebook's example
        ((28, 28, 1), 20, 5, 1, "valid"),  # LeNet's first layer
        ((227, 227, 3), 96, 11, 4, "valid"),  # AlexNet's first layer
        ((17, 17, 8), 4, 5, 3, "same"),  # 'same' with a stride: ceil, not floor
        ((32, 48, 3), 8, 3, 2, "same"),  # not square
        ((10, 7, 1), 2, 4, 3, "valid"),  # rounding down, two different axes
        ((5, 9, 2), 3, 1, 2, "valid"),  # a 1x1 kernel
        ((9, 9, 3), 6, 3, 4, "same"),
    ]


register(FunctionExercise(
    "conv_output_shape", NOTEBOOK, "conv_output_shape", reference=_conv_output_shape,
    cases=_output_shape_cases,
    hint="work per axis: 'valid' counts how many whole windows fit when they move S pixels "
         "at a time; 'same' promises one output per S input pixels, rounding up; the number "
         "of channels out does not depend on the input's channels",
))  # fmt: skip


# --------------------------------------------------------------------------- my_conv2d


def _conv2d(image, kernel):
    from course_utils.conv import conv2d

    return conv2d(image, kernel)


def _conv_cases() -> list[tuple]:
    rng = np.random.default_rng(7)
    worked = np.array([[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0],
                       [0, 1, 1, 0, 0]], dtype=float)  # fmt: skip
    x_kernel = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]], dtype=float)
    return [
        (worked, x_kernel),  # the lecture's example
        (rng.normal(size=(6, 9)), rng.normal(size=(2, 4))),  # a wide kernel
        (rng.normal(size=(5, 5)), rng.normal(size=(5, 1))),  # a tall one
        (rng.normal(size=(4, 6)), rng.normal(size=(4, 6))),  # kernel = image: one output
        (rng.normal(size=(3, 8)), rng.normal(size=(1, 3))),  # one row high
        (rng.normal(size=(7, 7)), -np.abs(rng.normal(size=(3, 3)))),  # negative weights
    ]


register(FunctionExercise(
    "my_conv2d", NOTEBOOK, "my_conv2d", reference=_conv2d, cases=_conv_cases,
    hint="output pixel (i, j) reads the window whose top-left corner is input pixel (i, j); "
         "count how many such corners fit along each axis — the kernel need not be square, "
         "and deep learning's convolution does not flip it",
))  # fmt: skip


# --------------------------------------------------------------------------- my_max_pool


def _max_pool(x, size):
    from course_utils.conv import pool2d

    return pool2d(x, size, mode="max")


def _pool_cases() -> list[tuple]:
    rng = np.random.default_rng(8)
    block = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 2, 1, 8], [1, 0, 7, 2]], dtype=float)
    return [
        (block, 2),  # the lecture's example
        (rng.normal(size=(7, 9)), 3),  # a row left over at the bottom
        (rng.normal(size=(4, 6)), 1),  # size 1 changes nothing
        (rng.normal(size=(5, 5)), 5),  # one window: the global maximum
        (-rng.random((6, 4)) - 1, 2),  # all negative
        (rng.normal(size=(8, 3)), 2),  # a column left over at the right
    ]


register(FunctionExercise(
    "my_max_pool", NOTEBOOK, "my_max_pool", reference=_max_pool, cases=_pool_cases,
    hint="the windows do not overlap: how many whole windows fit along each axis, and what "
         "happens to the rows and columns that do not fill one? The values may all be negative",
))  # fmt: skip


# --------------------------------------------------------------------------- same padding


def _same_padding(n, f, s):
    from course_utils.conv import pad_amounts

    return pad_amounts(n, f, s, "same")


def _same_padding_cases() -> list[tuple]:
    return [
        (10, 4, 3),  # the exercise's numbers
        (6, 3, 2),  # the lecture's example
        (5, 5, 1),  # odd kernel, stride 1: symmetric
        (7, 2, 1),  # even kernel, stride 1: lopsided
        (224, 7, 2),  # ResNet's first layer
        (17, 5, 3),
        (8, 3, 4),  # stride larger than the kernel: no padding needed
        (9, 1, 2),  # a 1x1 kernel never needs padding
    ]


register(FunctionExercise(
    "same_padding", NOTEBOOK, "same_padding", reference=_same_padding,
    cases=_same_padding_cases,
    hint="first: how many outputs does 'same' promise for N pixels at stride S? Then: how many "
         "input pixels do that many windows span? TensorFlow never pads less than zero, and "
         "an odd zero goes after (bottom/right)",
))  # fmt: skip


# --------------------------------------------------------------------------- diagonal kernel

_DIAGONAL_RATIO = 1.3  # diagonal response / horizontal-or-vertical response, at least


def edge_peaks(kernel: Any) -> dict[str, float]:
    """Peak |response| of a 3x3 kernel to smooth step edges, and to a flat image.

    Smooth edges (a logistic step of contrast 1 on 16x16 images) keep the test fair: on
    pixel staircases even round (isotropic) kernels prefer diagonals.

    Returns
    -------
    dict
        ``"flat"``, ``"diagonal"`` (the larger of 45° and 135°), ``"straight"`` (the larger
        of horizontal and vertical).
    """
    from course_utils.conv import conv2d

    k = np.asarray(kernel, dtype=np.float64)
    rows, cols = np.mgrid[:16, :16] - 7.5
    peak = {}
    for degrees in (0, 90, 45, 135):  # direction across the edge
        theta = np.deg2rad(degrees)
        image = 1 / (1 + np.exp(-(cols * np.cos(theta) + rows * np.sin(theta))))
        peak[degrees] = float(np.abs(conv2d(image, k)).max())
    flat = float(np.abs(conv2d(np.ones((5, 5)), k)).max())
    return {"flat": flat, "diagonal": max(peak[45], peak[135]),
            "straight": max(peak[0], peak[90])}  # fmt: skip


def _check_diagonal_kernel(kernel: Any, say: Callable[[str], None]) -> bool:
    try:
        k = np.asarray(kernel, dtype=np.float64)
    except (TypeError, ValueError):
        say(f"expected a 3x3 array of numbers, got {type(kernel).__name__}")
        return False
    if k.shape != (3, 3):
        say(f"expected shape (3, 3), got {k.shape}")
        return False
    if not np.all(np.isfinite(k)):
        say("the kernel contains NaN or infinity")
        return False
    peaks = edge_peaks(k)
    flat_ok = peaks["flat"] < 1e-6 * max(np.abs(k).max(), 1)
    say(f"flat image → {peaks['flat']:.2f} (must be 0){'' if flat_ok else ' ✗'}")
    ratio = peaks["diagonal"] / peaks["straight"] if peaks["straight"] > 1e-9 else np.inf
    ratio_ok = peaks["diagonal"] > 1e-9 and ratio >= _DIAGONAL_RATIO
    shown = "∞" if np.isinf(ratio) else f"{ratio:.2f}"
    say(f"strongest response to diagonal edges {peaks['diagonal']:.2f}, to horizontal or "
        f"vertical edges {peaks['straight']:.2f}: ratio {shown} (must be ≥ {_DIAGONAL_RATIO})"
        + ("" if ratio_ok else " ✗"))  # fmt: skip
    return bool(flat_ok and ratio_ok)


register(CustomExercise(
    "diagonal_edge_kernel", NOTEBOOK, "diagonal edge kernel", checker=_check_diagonal_kernel,
    example=lambda: np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]]),
    hint="which weights make a flat patch cancel out? And across which direction should the "
         "kernel compare bright with dark, for an edge that runs diagonally?",
))  # fmt: skip


# --------------------------------------------------------------------------- receptive field


def _receptive_field_size(layers):
    from course_utils.conv import receptive_field

    return receptive_field(layers)[-1]


def _receptive_field_cases() -> list[tuple]:
    alexnet = [(11, 4), (3, 2), (5, 1), (3, 2), (3, 1), (3, 1), (3, 1), (3, 2)]
    return [
        ([(3, 1), (3, 1), (3, 1)],),  # the lecture's three 3x3 layers
        ([(3, 1), (2, 2), (3, 1), (3, 1)],),  # the exercise's network
        ([(5, 1)],),  # one layer
        ([(2, 2), (2, 2), (2, 2), (2, 2)],),  # only poolings
        ([(7, 2), (3, 2), (3, 1), (3, 1)],),  # ResNet's stem and a first block
        (alexnet,),  # AlexNet's convolutions and poolings
        ([(1, 1), (3, 2), (1, 1), (3, 1)],),  # 1x1 layers see nothing new
    ]


register(FunctionExercise(
    "receptive_field_size", NOTEBOOK, "receptive_field_size",
    reference=_receptive_field_size, cases=_receptive_field_cases,
    hint="how many input pixels apart are two neighbouring units of a layer, once the strides "
         "below it have done their work? A kernel of size k on that layer spans k − 1 of "
         "those steps",
))  # fmt: skip


# --------------------------------------------------------------------------- Keras: encoder

_ENCODER_INPUTS = ((64, 64, 3), (28, 28, 1), (33, 20, 3))
_ENCODER_FILTERS = (16, 32)


def _reference_encoder(input_shape):
    """Two 3x3 convolutions (16, 32 filters, ReLU), each halving the size, rounding up."""
    import keras

    return keras.Sequential([keras.Input(tuple(input_shape))] + [
        keras.layers.Conv2D(f, 3, strides=2, padding="same", activation="relu")
        for f in _ENCODER_FILTERS
    ])  # fmt: skip


def _relu_follows(model, conv) -> bool:
    """Is ``conv``'s output passed through a ReLU (its own activation or the next layer)?"""
    import keras

    if conv.activation is keras.activations.relu:
        return True
    layers = model.layers
    after = layers[layers.index(conv) + 1] if layers.index(conv) + 1 < len(layers) else None
    if isinstance(after, keras.layers.ReLU):
        return True
    return isinstance(after, keras.layers.Activation) and after.activation is keras.activations.relu


def _check_encoder(make_encoder: Any, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(make_encoder):
        say(f"expected a function that returns a Keras model, got {type(make_encoder).__name__}")
        return False
    for i, shape in enumerate(_ENCODER_INPUTS):
        try:
            model = make_encoder(shape)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            say(f"make_encoder({shape}) raised {type(err).__name__}: {err}")
            return False
        if model is None:
            if i == 0:
                raise NotAttempted("your function returns nothing; write its body")
            say(f"make_encoder({shape}) returned None")
            return False
        if not isinstance(model, keras.Model):
            say(f"make_encoder({shape}) returned a {type(model).__name__}, not a Keras model")
            return False
        convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D)]
        pools = [layer for layer in model.layers if "Pooling" in type(layer).__name__]
        if pools:
            say("no pooling layers: let the convolutions do the downsampling")
            return False
        if [c.filters for c in convs] != list(_ENCODER_FILTERS):
            say(f"expected two Conv2D layers with {' and '.join(map(str, _ENCODER_FILTERS))} "
                f"filters, found {[c.filters for c in convs]}")  # fmt: skip
            return False
        if any(tuple(c.kernel_size) != (3, 3) for c in convs):
            say(f"both kernels must be 3x3, found {[tuple(c.kernel_size) for c in convs]}")
            return False
        if not all(_relu_follows(model, c) for c in convs):
            say("each convolution needs a ReLU (its activation, or a ReLU layer right after it)")
            return False
        try:
            out = tuple(model(np.zeros((1, *shape), np.float32)).shape[1:])
        except Exception as err:  # noqa: BLE001
            say(f"the model failed on an input of shape {shape}: {type(err).__name__}: {err}")
            return False
        reference = _reference_encoder(shape)
        want = tuple(reference(np.zeros((1, *shape), np.float32)).shape[1:])
        if out != want:
            say(f"input {shape}: output shape {out}, expected {want}")
            return False
        n_params, n_want = model.count_params(), reference.count_params()
        if n_params != n_want:
            say(f"input {shape}: {n_params:,} parameters, expected {n_want:,}")
            return False
        say(f"input {shape} → output {out}, {n_params:,} parameters")
    return True


register(CustomExercise(
    "strided_encoder", NOTEBOOK, "strided encoder", checker=_check_encoder,
    example=lambda: _reference_encoder,
    hint="which Conv2D arguments decide how far the window moves, and what happens at the "
         "border? Work out by hand what your layers do to an odd size such as 33 pixels",
))  # fmt: skip
