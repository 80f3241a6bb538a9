"""Tests for course_utils.conv: NumPy convolution/pooling checked against TensorFlow and SciPy."""

from __future__ import annotations

import os

import numpy as np
import pytest
import scipy.signal

from course_utils import conv

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

# The MIT 6.874 lecture's worked example: a 5x5 binary image and an X-shaped kernel.
WORKED_IMAGE = np.array(
    [[1, 1, 1, 0, 0], [0, 1, 1, 1, 0], [0, 0, 1, 1, 1], [0, 0, 1, 1, 0], [0, 1, 1, 0, 0]]
)
X_KERNEL = np.array([[1, 0, 1], [0, 1, 0], [1, 0, 1]])


@pytest.fixture(scope="module")
def tf():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("tensorflow")


def _tf_padding(padding, kh, kw, dilation):
    """Translate our padding argument into tf.nn.conv2d's."""
    if padding in ("valid", "same"):
        return padding.upper()
    if padding == "full":
        ph, pw = dilation[0] * (kh - 1), dilation[1] * (kw - 1)
        return [[0, 0], [ph, ph], [pw, pw], [0, 0]]
    return [[0, 0], list(padding[0]), list(padding[1]), [0, 0]]


# --------------------------------------------------------------------------- conv2d


def test_worked_example_of_the_lecture():
    out = conv.conv2d(WORKED_IMAGE, X_KERNEL)
    np.testing.assert_array_equal(out, [[4, 3, 4], [2, 4, 3], [2, 3, 4]])
    assert out.shape == (3, 3) and out.dtype == np.float64


def test_conv2d_matches_tf_nn_conv2d_on_random_cases(tf):
    rng = np.random.default_rng(0)
    checked = 0
    while checked < 300:  # moved here from notebook 03 (it keeps one case and a summary)
        n, c, f = rng.integers(1, 3), rng.integers(1, 4), rng.integers(1, 4)
        h, w = (int(v) for v in rng.integers(3, 13, 2))
        kh, kw = (int(v) for v in rng.integers(1, 5, 2))
        stride = tuple(int(v) for v in rng.integers(1, 4, 2))
        dilation = tuple(int(v) for v in rng.integers(1, 3, 2))
        choice = int(rng.integers(0, 4))
        if choice < 3:
            padding = conv.PADDING_NAMES[choice]
        else:
            padding = tuple(tuple(int(v) for v in rng.integers(0, 3, 2)) for _ in range(2))
        try:
            oh = conv.conv_output_size(h, kh, stride[0], padding if choice < 3 else padding[0],
                                       dilation[0])  # fmt: skip
            ow = conv.conv_output_size(w, kw, stride[1], padding if choice < 3 else padding[1],
                                       dilation[1])  # fmt: skip
        except ValueError:
            continue  # kernel larger than the padded input: tested separately
        x = rng.standard_normal((n, h, w, c)).astype(np.float32)
        k = rng.standard_normal((kh, kw, c, f)).astype(np.float32)
        ours = conv.conv2d(x, k, stride, padding, dilation)
        # One example at a time: with TF 2.21's oneDNN kernels, a few batched cases (batch 2,
        # explicit padding, stride > 1 along a 4-wide kernel) came out wrong, while batch 1,
        # TF_ENABLE_ONEDNN_OPTS=0 and an explicitly pre-padded input all agree with conv2d.
        theirs = np.concatenate([
            tf.nn.conv2d(x[i : i + 1], k, strides=list(stride), dilations=list(dilation),
                         padding=_tf_padding(padding, kh, kw, dilation)).numpy()
            for i in range(n)
        ])  # fmt: skip
        assert ours.shape == theirs.shape == (n, oh, ow, f), (padding, stride, dilation)
        np.testing.assert_allclose(ours, theirs, rtol=1e-4, atol=1e-4)
        checked += 1


def test_same_padding_puts_extra_pixel_after(tf):
    # 6 pixels, 3x3 kernel, stride 2: TF pads 0 on top and 1 at the bottom.
    assert conv.pad_amounts(6, 3, 2, "same") == (0, 1)
    assert conv.pad_amounts(7, 4, 1, "same") == (1, 2)
    x = np.arange(36, dtype=np.float32).reshape(1, 6, 6, 1)
    k = np.arange(9, dtype=np.float32).reshape(3, 3, 1, 1)
    expected = tf.nn.conv2d(x, k, strides=2, padding="SAME").numpy()
    np.testing.assert_allclose(conv.conv2d(x, k, 2, "same"), expected)
    np.testing.assert_allclose(conv.conv2d(x, k, 2, ((0, 1), (0, 1))), expected)
    assert not np.allclose(conv.conv2d(x, k, 2, ((1, 0), (1, 0))), expected)


def test_flipped_kernel_matches_scipy_convolve2d():
    rng = np.random.default_rng(1)
    for _ in range(20):
        x = rng.standard_normal(tuple(rng.integers(5, 12, 2)))
        k = rng.standard_normal(tuple(rng.integers(1, 5, 2)))
        flipped = k[::-1, ::-1]
        for mode in ("valid", "full"):
            np.testing.assert_allclose(conv.conv2d(x, flipped, padding=mode),
                                       scipy.signal.convolve2d(x, k, mode=mode))  # fmt: skip
        np.testing.assert_allclose(conv.conv2d(x, k), scipy.signal.correlate2d(x, k, "valid"))
        if k.shape[0] % 2 and k.shape[1] % 2:  # odd kernels: both 'same' are centred
            np.testing.assert_allclose(conv.conv2d(x, flipped, padding="same"),
                                       scipy.signal.convolve2d(x, k, mode="same"))  # fmt: skip


def test_conv2d_shapes_and_dtypes():
    x = np.ones((7, 9, 3), dtype=np.float32)
    k = np.ones((3, 3, 3, 5), dtype=np.float32)
    out = conv.conv2d(x, k, stride=2, padding="same")
    assert out.shape == (4, 5, 5) and out.dtype == np.float32
    assert conv.conv2d(np.ones((2, 7, 9, 3)), k).shape == (2, 5, 7, 5)
    assert conv.conv2d(np.ones((6, 6)), np.ones((3, 3))).shape == (4, 4)  # 6x6 -> 4x4
    assert conv.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="same").shape == (6, 6)
    assert conv.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding="full").shape == (8, 8)
    assert conv.conv2d(np.ones((6, 6)), np.ones((3, 3)), padding=(1, 0)).shape == (6, 4)
    assert conv.conv2d(np.ones((6, 6), dtype=bool), np.ones((3, 3), dtype=int))[0, 0] == 9


@pytest.mark.parametrize(
    ("x", "k", "kwargs", "error", "message"),
    [
        (np.ones((4, 4)), np.ones((5, 5)), {}, ValueError, "larger than the padded input"),
        (np.ones((4, 4)), np.ones((3, 3)), {"dilation": 2}, ValueError, "spanning 5 pixels"),
        (np.ones((4, 4)), np.ones((3, 3)), {"stride": 0}, ValueError, "positive"),
        (np.ones((4, 4)), np.ones((3, 3)), {"stride": -1}, ValueError, "positive"),
        (np.ones((4, 4)), np.ones((3, 3)), {"dilation": 0}, ValueError, "positive"),
        (np.ones((4, 4)), np.ones((3, 3)), {"stride": 1.5}, TypeError, "integer"),
        (np.ones((4, 4)), np.ones((3, 3)), {"stride": True}, TypeError, "integer"),
        (np.ones((4, 4)), np.ones((3, 3)), {"dilation": (1, 2, 3)}, ValueError, "pair"),
        (np.ones((4, 4)), np.ones((3, 3)), {"padding": "half"}, ValueError, "unknown padding"),
        (np.ones((4, 4)), np.ones((3, 3)), {"padding": -1}, ValueError, ">= 0"),
        (np.ones((4, 4)), np.ones((3, 3)), {"padding": 1.0}, TypeError, "padding"),
        (np.ones((4, 4)), np.ones((3, 3)), {"padding": (1, 2, 3)}, TypeError, "padding"),
        (np.ones((4, 4, 3)), np.ones((3, 3, 2, 1)), {}, ValueError, "channel mismatch"),
        (np.ones((4, 4, 3)), np.ones((3, 3)), {}, ValueError, "channel mismatch"),
        (np.ones(4), np.ones((3, 3)), {}, ValueError, "shape"),
        (np.ones((4, 4)), np.ones((3, 3, 1)), {}, ValueError, "kernels must have shape"),
        (np.ones((0, 4)), np.ones((3, 3)), {}, ValueError, "empty"),
        (np.array([["a", "b"]]), np.ones((1, 1)), {}, TypeError, "numeric"),
    ],
)
def test_conv2d_rejects_bad_input(x, k, kwargs, error, message):
    with pytest.raises(error, match=message):
        conv.conv2d(x, k, **kwargs)


# --------------------------------------------------------------------------- conv1d


def test_conv1d_sliding_detector_and_tf(tf):
    signal = np.array([0, 0, 1, 0, 0, 1, 1, 0], dtype=float)
    low_high_low = np.array([-1, 1, -1], dtype=float)
    np.testing.assert_array_equal(conv.conv1d(signal, low_high_low), [-1, 1, -1, -1, 0, 0])
    assert conv.conv1d(signal, low_high_low, padding="same").shape == (8,)
    assert conv.conv1d(signal, low_high_low, padding=(2, 0)).shape == (8,)
    assert conv.conv1d(signal, low_high_low, padding=1).shape == (8,)
    rng = np.random.default_rng(2)
    for stride, dilation, padding in [(1, 1, "valid"), (2, 1, "same"), (1, 2, "same"),
                                      (3, 1, "valid")]:  # fmt: skip
        x = rng.standard_normal((2, 11, 3)).astype(np.float32)
        k = rng.standard_normal((3, 3, 4)).astype(np.float32)
        theirs = tf.nn.conv1d(x, k, stride=stride, padding=padding.upper(), dilations=dilation)
        np.testing.assert_allclose(conv.conv1d(x, k, stride, padding, dilation), theirs.numpy(),
                                   rtol=1e-4, atol=1e-4)  # fmt: skip
    assert conv.conv1d(np.ones((11, 3)), np.ones((3, 3, 4))).shape == (9, 4)


def test_conv1d_rejects_bad_input():
    with pytest.raises(ValueError, match="shape"):
        conv.conv1d(np.ones((2, 3, 4, 5)), np.ones(3))
    with pytest.raises(ValueError, match="kernels must have shape"):
        conv.conv1d(np.ones(5), np.ones((3, 3)))
    with pytest.raises(TypeError, match="single integer"):
        conv.conv1d(np.ones(5), np.ones(3), stride=(1, 2))
    with pytest.raises(ValueError, match="larger than the padded input"):
        conv.conv1d(np.ones(2), np.ones(3))
    with pytest.raises(ValueError, match="channel mismatch"):
        conv.conv1d(np.ones((5, 2)), np.ones((3, 3, 1)))


# --------------------------------------------------------------------------- pooling


def test_pool2d_matches_keras(tf):
    import keras

    rng = np.random.default_rng(3)
    x = rng.standard_normal((2, 7, 9, 3)).astype(np.float32)
    for mode, layer in (("max", keras.layers.MaxPooling2D),
                        ("average", keras.layers.AveragePooling2D)):  # fmt: skip
        for size, stride, padding in [(2, None, "valid"), (3, 2, "valid"), (3, 2, "same"),
                                      (2, 1, "same")]:  # fmt: skip
            theirs = layer(size, stride, padding=padding)(x).numpy()
            ours = conv.pool2d(x, size, stride, mode, padding)
            np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def test_pool2d_by_hand():
    x = np.array([[1, 3, 2, 1], [4, 6, 5, 0], [3, 2, 1, 8], [1, 0, 7, 2]])
    np.testing.assert_array_equal(conv.pool2d(x), [[6, 5], [3, 8]])
    np.testing.assert_array_equal(conv.pool2d(x, mode="average"), [[3.5, 2], [1.5, 4.5]])
    assert conv.pool2d(np.ones((6, 6, 2)), 3).shape == (2, 2, 2)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"mode": "min"}, ValueError, "mode"),
        ({"padding": "full"}, ValueError, "'valid' or 'same'"),
        ({"padding": 1}, ValueError, "'valid' or 'same'"),
        ({"size": 0}, ValueError, "positive"),
        ({"size": 2.0}, TypeError, "integer"),
        ({"stride": -2}, ValueError, "positive"),
        ({"size": 5}, ValueError, "larger than the padded input"),
    ],
)
def test_pool2d_rejects_bad_input(kwargs, error, message):
    with pytest.raises(error, match=message):
        conv.pool2d(np.ones((4, 4)), **kwargs)
    with pytest.raises(ValueError, match="shape"):
        conv.pool2d(np.ones(4))


# --------------------------------------------------------------------------- sizes


def test_conv_output_size_formula():
    assert conv.conv_output_size(28, 5) == 24  # MNIST with a 5x5 kernel
    assert conv.conv_output_size(6, 3) == 4  # the MIT 6.874 slides: 6x6 -> 4x4
    assert conv.conv_output_size(6, 3, padding="same") == 6
    assert conv.conv_output_size(6, 3, padding="full") == 8
    assert conv.conv_output_size(227, 11, 4) == 55  # AlexNet conv1
    assert conv.conv_output_size(7, 3, 2, padding=1) == 4
    assert conv.conv_output_size(7, 3, 2, padding=(0, 1)) == 3
    assert conv.conv_output_size(9, 3, dilation=2) == 5
    for n in range(1, 20):
        for s in range(1, 5):
            assert conv.conv_output_size(n, 3, s, "same") == -(-n // s)


@pytest.mark.parametrize(
    ("args", "kwargs", "error"),
    [
        ((0, 3), {}, ValueError),
        ((5, 0), {}, ValueError),
        ((5.0, 3), {}, TypeError),
        ((5, 3), {"stride": 0}, ValueError),
        ((5, 3), {"dilation": -1}, ValueError),
        ((5, 3), {"padding": "SAMEISH"}, ValueError),
        ((5, 3), {"padding": (1,)}, ValueError),
        ((2, 3), {}, ValueError),
    ],
)
def test_conv_output_size_rejects_bad_input(args, kwargs, error):
    with pytest.raises(error):
        conv.conv_output_size(*args, **kwargs)


def test_padding_names_are_case_insensitive():
    assert conv.pad_amounts(5, 3, padding="SAME") == (1, 1)
    assert conv.pad_amounts(5, 3, padding="Full", dilation=2) == (4, 4)


def test_output_size_formula_text():
    assert conv.output_size_formula(227, 11, 4) == "(227 + 0 + 0 − 11)/4 + 1 = 55"
    assert conv.output_size_formula(6, 3, 2) == "⌊(6 + 0 + 0 − 3)/2⌋ + 1 = 2"
    assert conv.output_size_formula(9, 3, dilation=2).endswith("− 5)/1 + 1 = 5")


# --------------------------------------------------------------------------- analysis helpers


def test_pixel_usage():
    valid = conv.pixel_usage((6, 6), 3)
    assert valid[0, 0] == 1 and valid[2, 2] == 9 and valid.sum() == 4 * 4 * 9
    same = conv.pixel_usage((6, 6), 3, padding="same")
    assert same[0, 0] == 4 and same[2, 2] == 9
    strided = conv.pixel_usage((7, 7), 3, stride=2)
    assert strided.sum() == 3 * 3 * 9 and strided[2, 2] == 4
    dilated = conv.pixel_usage((7, 7), 3, dilation=2)
    assert dilated.sum() == 3 * 3 * 9 and dilated.max() == 4 and dilated[0, 0] == 1
    # the counts equal a 'transposed' convolution of the all-ones output
    np.testing.assert_array_equal(conv.pixel_usage((5, 5), 3, padding="full"),
                                  np.full((5, 5), 9))  # fmt: skip
    with pytest.raises(ValueError, match="shape"):
        conv.pixel_usage((5,), 3)
    with pytest.raises(ValueError, match="larger"):
        conv.pixel_usage((2, 2), 3)


def test_receptive_field():
    assert conv.receptive_field([3, 3, 3]) == [3, 5, 7]  # three 3x3 layers see 7x7
    assert conv.receptive_field([(3, 1), (2, 2), (3, 1)]) == [3, 4, 8]
    assert conv.receptive_field([(3, 1, 2)]) == [5]
    for bad, error in [([], ValueError), ("33", ValueError), ([(3, 1, 1, 1)], ValueError),
                       ([0], ValueError), ([(3, 1.5)], TypeError)]:  # fmt: skip
        with pytest.raises(error):
            conv.receptive_field(bad)


def test_receptive_field_matches_impulse_response():
    impulse = np.zeros((15, 15))
    impulse[7, 7] = 1
    spread = impulse
    for _ in range(3):
        spread = conv.conv2d(spread, np.ones((3, 3)), padding="same")
    rows, cols = np.nonzero(spread)
    assert np.ptp(rows) + 1 == np.ptp(cols) + 1 == conv.receptive_field([3, 3, 3])[-1]


def test_shift_change():
    a = np.array([3.0, 4.0])
    assert conv.shift_change(a, a) == 0
    assert conv.shift_change(a, np.zeros(2)) == pytest.approx(1.0)
    with pytest.raises(ValueError, match="same shape"):
        conv.shift_change(a, np.ones(3))
    with pytest.raises(ValueError, match="zeros"):
        conv.shift_change(np.zeros(2), a)


def test_square_detector_fires_only_at_the_square():
    image, top_left = conv.square_scene()
    layer1, bias1, layer2, bias2 = conv.square_detector(4)
    assert layer1.shape == (3, 3, 1, 2) and layer2.shape == (4, 4, 2, 1) and bias1.shape == (2,)
    lines = np.maximum(conv.conv2d(image, layer1, padding="same") + bias1, 0)
    squares = np.maximum(conv.conv2d(lines, layer2)[..., 0] + bias2, 0)
    assert [tuple(p) for p in np.argwhere(squares > 0)] == [top_left]
    with pytest.raises(ValueError, match="at least 3"):
        conv.square_detector(2)
    with pytest.raises(ValueError, match="at least 16"):
        conv.square_scene(8)


def test_kernel_label():
    assert conv.kernel_label(conv.KERNELS["Sobel x (vertical edges)"]) == "[-1 0 1; -2 0 2; -1 0 1]"
    assert conv.kernel_label(conv.KERNELS["box blur"]) == "1/9 · [1 1 1; 1 1 1; 1 1 1]"
    assert conv.kernel_label(conv.KERNELS["Gaussian blur"]) == "1/16 · [1 2 1; 2 4 2; 1 2 1]"
    assert conv.kernel_label(np.array([[0.3, 1.0]])) == "1/10 · [3 10]"
    assert conv.kernel_label(np.array([[0.37, 1.0]])) == "[0.37 1]"
    with pytest.raises(ValueError, match="2-D"):
        conv.kernel_label(np.ones((3, 3, 1)))


def test_filter_parts_on_known_filters():
    sobel_x = conv.KERNELS["Sobel x (vertical edges)"]
    parts = conv.filter_parts(sobel_x)
    assert parts["gradient"][0] == pytest.approx(8 / 9) and parts["colour"][0] == 0
    assert parts["edge_angle"][0] == pytest.approx(90)  # vertical edges
    assert conv.filter_parts(sobel_x.T)["edge_angle"][0] == pytest.approx(0)  # horizontal
    diagonal = np.array([[0, 1, 2], [-1, 0, 1], [-2, -1, 0]], float)  # bright top-right
    assert conv.filter_parts(diagonal)["edge_angle"][0] == pytest.approx(135)
    assert conv.filter_parts(np.ones((3, 3)))["brightness"][0] == pytest.approx(1)
    assert conv.filter_parts(conv.KERNELS["edge (Laplace)"])["rest"][0] == pytest.approx(1)
    red_not_green = np.zeros((3, 3, 3, 1))
    red_not_green[:, :, 0], red_not_green[:, :, 1] = 1, -1
    assert conv.filter_parts(red_not_green)["colour"][0] == pytest.approx(1)


def test_filter_parts_add_up_to_one():
    k = np.random.default_rng(5).normal(size=(3, 3, 3, 20))
    parts = conv.filter_parts(k)
    total = sum(parts[name] for name in ("colour", "brightness", "gradient", "rest"))
    np.testing.assert_allclose(total, 1, atol=1e-9)
    assert all(v.shape == (20,) for v in parts.values())
    assert ((parts["edge_angle"] >= 0) & (parts["edge_angle"] < 180)).all()
    np.testing.assert_allclose(conv.filter_parts(5 * k)["gradient"], parts["gradient"])
    with pytest.raises(ValueError, match="all weights 0"):
        conv.filter_parts(np.zeros((3, 3, 1, 1)))
    with pytest.raises(ValueError, match="shape"):
        conv.filter_parts(np.ones((3, 3, 3)))


def test_readable_number():
    shown = [conv.readable_number(v) for v in (144.0, 90.5, 12.34, 0.27, -2.0, 1234.6, 0.001)]
    assert shown == ["144", "90.5", "12.3", "0.27", "-2", "1235", "1e-03"]
    assert conv.readable_number(np.nan) == "" and conv.readable_number(np.inf) == "∞"


def test_kernels_dictionary():
    assert all(k.shape == (3, 3) and k.dtype == np.float32 for k in conv.KERNELS.values())
    for name in ("identity", "box blur", "Gaussian blur", "sharpen"):
        assert conv.KERNELS[name].sum() == pytest.approx(1.0)  # keep the brightness
    for name in ("edge (X)", "edge (Laplace)", "edge (strong)"):
        assert conv.KERNELS[name].sum() == 0  # flat regions -> 0
    x = np.random.default_rng(4).random((8, 8))
    np.testing.assert_allclose(conv.conv2d(x, conv.KERNELS["identity"], padding="same"), x,
                               rtol=1e-6)  # fmt: skip


# --------------------------------------------------------------------------- figures


def test_plot_sliding_steps():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = conv.plot_sliding_steps(WORKED_IMAGE, X_KERNEL)
    titles = [ax.get_title() for ax in fig.axes]
    assert len(titles) == 9 and titles[0] == "out[0,0] = 4" and titles[-1] == "out[2,2] = 4"
    plt.close(fig)
    with pytest.raises(ValueError, match="too many"):
        conv.plot_sliding_steps(np.ones((10, 10)), np.ones((3, 3)))
    with pytest.raises(ValueError, match="2-D"):
        conv.plot_sliding_steps(np.ones((5, 5, 1)), np.ones((3, 3)))


def test_explorer_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = conv.explorer_figure(WORKED_IMAGE, X_KERNEL, padding="same", stride=2, step=4)
    assert len(fig.axes) == 2
    # left: 7x7 padded input with the dashed 5x5 box and 9 red taps; right: one red square
    assert fig.axes[0].images[0].get_array().shape == (7, 7)
    assert len(fig.axes[0].patches) == 1 + 9 and len(fig.axes[1].patches) == 1
    assert len(fig.axes[1].texts) == 5  # outputs computed so far: steps 0..4
    assert "out[1,1] = 4" in fig.axes[1].get_title()
    assert "(5 + 1 + 1 − 3)/2 + 1 = 3" in fig._suptitle.get_text()
    plt.close(fig)
    fig = conv.explorer_figure(WORKED_IMAGE, X_KERNEL, padding=1, stride=3)
    assert "⌊(5 + 1 + 1 − 3)/3⌋ + 1 = 2" in fig._suptitle.get_text()
    plt.close(fig)
    grid = np.arange(49.0).reshape(7, 7)  # dilated 3x3 ones: the first output is 144
    fig = conv.explorer_figure(grid, np.ones((3, 3)), dilation=2)
    assert [t.get_text() for t in fig.axes[1].texts] == ["144"]
    assert fig.axes[1].get_title().endswith("= 144")
    plt.close(fig)
    fig = conv.explorer_figure(WORKED_IMAGE, X_KERNEL, step=10_000)  # clipped to the last window
    assert "out[2,2]" in fig.axes[1].get_title()
    plt.close(fig)
    with pytest.raises(ValueError, match="step"):
        conv.explorer_figure(WORKED_IMAGE, X_KERNEL, step=-1)
    with pytest.raises(ValueError, match="2-D"):
        conv.explorer_figure(np.ones((5, 5, 3)), X_KERNEL)
    with pytest.raises(ValueError, match="larger"):
        conv.explorer_figure(WORKED_IMAGE, X_KERNEL, dilation=3)


def test_show_values():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    conv.show_values(ax, np.array([[0, 255], [7, np.nan]]), fmt="{:.0f}")
    assert [t.get_text() for t in ax.texts] == ["0", "255", "7"]  # NaN left blank
    assert [t.get_color() for t in ax.texts] == ["white", "black", "white"]
    conv.show_values(ax, np.array([[0, 255]], dtype=np.uint8), fmt="{:d}")  # no uint8 overflow
    conv.show_values(ax, np.array([[144.0, 0.5]]), fmt=conv.readable_number)  # a function
    assert [t.get_text() for t in ax.texts][-2:] == ["144", "0.50"]
    with pytest.raises(ValueError, match="2-D"):
        conv.show_values(ax, np.ones(3))
    plt.close(fig)


def test_conv_output_size_matches_keras_layers_sweep(tf):
    """The formula against real Keras layers: input sizes 3..16, kernels 1..5, strides 1..3,
    dilation 2, paddings valid/same/full/1/2 (moved here from notebook 03: 1,371 sizes)."""
    import keras

    def keras_layers(f, stride, padding, dilation):
        layer = keras.layers.Conv2D(
            1, (f, 1), strides=(stride, 1), dilation_rate=(dilation, 1),
            padding=padding if padding in ("valid", "same") else "valid",
        )  # fmt: skip
        if padding in ("valid", "same"):
            return [layer]
        p = dilation * (f - 1) if padding == "full" else padding  # 'full' = zero padding + valid
        return [keras.layers.ZeroPadding2D(((p, p), (0, 0))), layer]

    def inferred_size(layers, n):
        """The output height Keras' shape inference gives (None when Keras refuses)."""
        shape = (1, n, 1, 1)
        try:
            for layer in layers:
                shape = layer.compute_output_shape(shape)
        except ValueError:
            return None
        return shape[1]

    agree = refused = 0
    for f in range(1, 6):
        for stride, dilation in [(1, 1), (2, 1), (3, 1), (1, 2)]:
            for padding in ("valid", "same", "full", 1, 2):
                layers = keras_layers(f, stride, padding, dilation)
                for n in range(3, 17):
                    case = (n, f, stride, padding, dilation)
                    try:
                        expected = conv.conv_output_size(n, f, stride, padding, dilation)
                    except ValueError:
                        expected = None  # the kernel does not fit into the padded input
                    y = np.zeros((1, n, 1, 1), np.float32)
                    try:
                        for layer in layers:
                            y = layer(y)
                        actual = y.shape[1]
                    except ValueError:  # Keras: output size would be zero or negative
                        actual = None
                    if expected is None:
                        # No kernel position fits: the formula gives 0 or less. Keras >= 3.14
                        # refuses such a layer; Keras 3.13 (Colab's) only refused a negative
                        # size, inferred 0 and TensorFlow's CPU kernel then returned a tensor
                        # of the wrong size (keras-team/keras#22418 fixed it).
                        before, after = conv.pad_amounts(n, f, stride, padding, dilation)
                        span = dilation * (f - 1) + 1
                        assert (n + before + after - span) // stride + 1 <= 0, case
                        assert actual is None or inferred_size(layers, n) == 0, case
                    else:
                        assert expected == actual, case
                    agree += expected is not None
                    refused += expected is None
    assert (agree, refused) == (1371, 29)


def test_conv2d_is_fast_enough_for_the_notebook():
    """Nine 3x3 kernels on a 512x512 image, vectorised (moved here from notebook 03)."""
    import time

    image = np.random.default_rng(0).random((512, 512))
    start = time.perf_counter()
    for k in conv.KERNELS.values():
        conv.conv2d(image, k, padding="same")
    assert time.perf_counter() - start < 2.0


def test_convolution_is_translation_equivariant():
    image = np.random.default_rng(1).random((20, 24))
    k = conv.KERNELS["Sobel x (vertical edges)"]
    shifted = np.roll(image, 3, axis=1)
    assert np.allclose(conv.conv2d(shifted, k)[:, 3:], conv.conv2d(image, k)[:, :-3])


def test_to_unit_range():
    out = conv.to_unit_range(np.array([[0, 51, 255]], dtype=np.uint8))
    assert out.dtype == np.float32 and np.allclose(out, [[0.0, 0.2, 1.0]])
    with pytest.raises(TypeError, match="integer"):
        conv.to_unit_range(np.array([0.5]))
    with pytest.raises(ValueError, match="0..255"):
        conv.to_unit_range(np.array([256]))
