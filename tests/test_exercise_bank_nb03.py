"""Notebook 03's exercises: typical wrong answers fail, right ones pass, stubs are not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils import conv
from course_utils.exercise_bank import nb03_convolution as bank
from course_utils.exercises import catalogue, check


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("keras")


def test_the_notebook_has_seven_exercises():
    ids = {e.id for e in catalogue("03_convolution")}
    assert ids == {"conv_output_shape", "my_conv2d", "my_max_pool", "same_padding",
                   "diagonal_edge_kernel", "receptive_field_size", "strided_encoder"}  # fmt: skip


def test_output_shape_needs_same_and_ceil(keras, capsys):
    def valid_only(shape, filters, k, s, padding):
        return ((shape[0] - k) // s + 1, (shape[1] - k) // s + 1, filters)

    def formula(shape, filters, k, s, padding):
        if padding == "same":
            return (-(-shape[0] // s), -(-shape[1] // s), filters)
        return valid_only(shape, filters, k, s, padding)

    def keeps_channels(shape, filters, k, s, padding):
        return (*formula(shape, filters, k, s, padding)[:2], shape[2])

    assert not check("conv_output_shape", valid_only)
    assert not check("conv_output_shape", keeps_channels)
    assert check("conv_output_shape", formula)
    assert check("conv_output_shape", lambda *args: list(formula(*args)))  # a list is fine
    assert "the values differ" in capsys.readouterr().out


def test_my_conv2d_rejects_flips_and_square_only_code():
    def flipped(image, kernel):
        return conv.conv2d(image, kernel[::-1, ::-1])

    def square_kernels_only(image, kernel):
        k = kernel.shape[0]
        return conv.conv2d(image, kernel[:k, :k]) if kernel.shape[1] >= k else None

    assert not check("my_conv2d", flipped)
    assert not check("my_conv2d", square_kernels_only)
    assert check("my_conv2d", lambda image, kernel: conv.conv2d(image, kernel))


def test_my_max_pool_rejects_zero_start_and_padding():
    def starts_at_zero(x, size):
        h, w = x.shape[0] // size, x.shape[1] // size
        out = np.zeros((h, w))
        for i in range(h):
            for j in range(w):
                out[i, j] = max(0, x[i * size : (i + 1) * size, j * size : (j + 1) * size].max())
        return out

    def keeps_leftovers(x, size):
        return conv.pool2d(x, size, padding="same")

    assert not check("my_max_pool", starts_at_zero)
    assert not check("my_max_pool", keeps_leftovers)
    assert not check("my_max_pool", lambda x, size: conv.pool2d(x, size, mode="average"))


def test_same_padding_rejects_symmetric_and_negative_padding():
    def symmetric(n, f, s):
        total = (-(-n // s) - 1) * s + f - n
        return (total - total // 2, total // 2)  # odd zero before: PyTorch/Caffe style

    def can_be_negative(n, f, s):
        total = (-(-n // s) - 1) * s + f - n
        return (total // 2, total - total // 2)

    def stride_one_rule(n, f, s):
        return ((f - 1) // 2, f - 1 - (f - 1) // 2)

    for wrong in (symmetric, can_be_negative, stride_one_rule):
        assert not check("same_padding", wrong), wrong.__name__


def test_diagonal_kernel_checker(capsys):
    sobel_diagonal = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]])
    assert check("diagonal_edge_kernel", sobel_diagonal)
    assert check("diagonal_edge_kernel", np.rot90(sobel_diagonal))  # the other diagonal
    capsys.readouterr()
    for name in ("Sobel x (vertical edges)", "edge (Laplace)", "edge (strong)", "box blur"):
        assert not check("diagonal_edge_kernel", conv.KERNELS[name]), name
    assert "must be 0" in capsys.readouterr().out  # the box blur answers a flat image
    assert not check("diagonal_edge_kernel", np.ones((2, 2)))
    assert "(3, 3)" in capsys.readouterr().out
    assert not check("diagonal_edge_kernel", "diagonal")
    assert check("diagonal_edge_kernel", ...).status == "not attempted"
    peaks = bank.edge_peaks(sobel_diagonal)
    assert peaks["flat"] == 0 and peaks["diagonal"] > 1.3 * peaks["straight"]


def test_receptive_field_rejects_ignoring_strides():
    def no_strides(layers):
        return 1 + sum(k - 1 for k, _ in layers)

    def strides_after(layers):  # multiplies by the layer's own stride too early
        size, jump = 1, 1
        for k, s in layers:
            jump *= s
            size += (k - 1) * jump
        return size

    assert not check("receptive_field_size", no_strides)
    assert not check("receptive_field_size", strides_after)
    assert check("receptive_field_size", lambda layers: conv.receptive_field(layers)[-1])


def _encoder(keras, *, padding="same", strides=2, filters=(16, 32), pool=False, relu="conv"):
    def make(shape):
        layers = [keras.Input(shape)]
        for f in filters:
            layers.append(keras.layers.Conv2D(f, 3, strides=1 if pool else strides,
                                              padding=padding,
                                              activation="relu" if relu == "conv" else None))
            if relu == "layer":
                layers.append(keras.layers.ReLU())
            if pool:
                layers.append(keras.layers.MaxPooling2D(2, padding="same"))
        return keras.Sequential(layers)

    return make


def test_strided_encoder_accepts_the_reference_and_relu_layers(keras, capsys):
    assert check("strided_encoder", _encoder(keras))
    assert check("strided_encoder", _encoder(keras, relu="layer"))
    out = capsys.readouterr().out
    assert "(16, 16, 32), 5,088 parameters" in out and "(9, 5, 32)" in out


@pytest.mark.parametrize("kwargs, why", [
    ({"padding": "valid"}, "output shape"),
    ({"pool": True}, "no pooling"),
    ({"filters": (32, 16)}, "16 and 32 filters"),
    ({"relu": None}, "ReLU"),
])  # fmt: skip
def test_strided_encoder_rejects_typical_mistakes(keras, capsys, kwargs, why):
    assert not check("strided_encoder", _encoder(keras, **kwargs))
    assert why in capsys.readouterr().out


def test_strided_encoder_stubs_and_errors(keras, capsys):
    def stub(input_shape): ...

    def released(input_shape):
        raise NotImplementedError

    assert check("strided_encoder", stub).status == "not attempted"
    assert check("strided_encoder", released).status == "not attempted"
    assert not check("strided_encoder", lambda shape: "a model")
    assert not check("strided_encoder", lambda shape: 1 / 0)
    assert "ZeroDivisionError" in capsys.readouterr().out
