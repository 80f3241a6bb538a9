"""Tests for course_utils.plotting (matplotlib Agg backend, no display)."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from course_utils import plotting  # noqa: E402

CLASSES = ("a", "b", "c")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


# ------------------------------------------------------------------ show_images / plot_history


def test_show_images_grid_and_bad_input():
    fig = plotting.show_images(np.zeros((5, 8, 8), np.uint8), labels=list("abcde"), ncols=2)
    assert len(fig.axes) == 6  # 3 rows x 2 columns, the last one empty
    with pytest.raises(ValueError):
        plotting.show_images(np.zeros((8, 8)))
    with pytest.raises(ValueError):
        plotting.show_images(np.zeros((2, 8, 8)), labels=["x"])


def test_plot_history_panels_and_bad_input():
    fig = plotting.plot_history({"loss": [1, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]})
    assert len(fig.axes) == 2
    with pytest.raises(ValueError):
        plotting.plot_history({"foo": [1]})
    with pytest.raises(TypeError):
        plotting.plot_history([1, 2])


# ------------------------------------------------------------------ confusion matrix


def test_confusion_matrix_counts():
    fig = plotting.plot_confusion_matrix([0, 0, 1, 2, 2], [0, 1, 1, 2, 0], CLASSES)
    np.testing.assert_array_equal(fig.confusion, [[1, 1, 0], [0, 1, 0], [1, 0, 1]])
    fig = plotting.plot_confusion_matrix([0, 0], [0, 0], CLASSES, normalize="true")
    assert fig.confusion.shape == (3, 3) and fig.confusion[0, 0] == 1.0


@pytest.mark.parametrize(
    ("yt", "yp", "names", "err"),
    [
        ([0, 1], [0], CLASSES, ValueError),  # length mismatch
        ([0, 3], [0, 1], CLASSES, ValueError),  # label out of range
        ([0.0, 1.0], [0, 1], CLASSES, TypeError),  # float labels
        ([], [], CLASSES, ValueError),  # empty
        ([0, 0], [0, 0], ("only",), ValueError),  # one class
        ([-1, 0], [0, 0], CLASSES, ValueError),  # negative
    ],
)
def test_confusion_matrix_bad_input(yt, yp, names, err):
    with pytest.raises(err):
        plotting.plot_confusion_matrix(yt, yp, names)


def test_confusion_matrix_bad_normalize():
    with pytest.raises(ValueError):
        plotting.plot_confusion_matrix([0, 1], [0, 1], CLASSES, normalize="rows")


# ------------------------------------------------------------------ mistakes


def test_worst_mistakes_orders_by_confidence():
    y_true = np.array([0, 1, 2, 0])
    y_pred = np.array([1, 1, 0, 2])
    probs = np.array([[0.4, 0.6, 0], [0, 1, 0], [0.9, 0, 0.1], [0.01, 0, 0.99]])
    np.testing.assert_array_equal(plotting.worst_mistakes(y_true, y_pred, probs), [3, 2, 0])
    np.testing.assert_array_equal(plotting.worst_mistakes(y_true, y_pred, probs, n=1), [3])
    losses = np.array([5.0, 9.0, 1.0, 2.0])  # per-example losses: higher is worse
    np.testing.assert_array_equal(plotting.worst_mistakes(y_true, y_pred, losses), [0, 3, 2])


def test_worst_mistakes_bad_input():
    with pytest.raises(ValueError):
        plotting.worst_mistakes([0, 1], [0, 1], [0.5])
    with pytest.raises(ValueError):
        plotting.worst_mistakes([0, 1], [0, 1], [0.5, 0.5], n=0)
    with pytest.raises(ValueError):
        plotting.worst_mistakes([0, 1], [0, 1], np.zeros((2, 2, 2)))
    with pytest.raises(ValueError):
        plotting.worst_mistakes([0, 3], [0, 1], np.zeros((2, 2)))


def test_show_misclassified_grid():
    rng = np.random.default_rng(0)
    images = rng.random((6, 8, 8))
    y_true = np.array([0, 1, 2, 0, 1, 2])
    y_pred = np.array([1, 1, 0, 0, 2, 2])
    probs = rng.dirichlet(np.ones(3), size=6)
    fig = plotting.show_misclassified(images, y_true, y_pred, probs, CLASSES, n=2, ncols=2)
    assert len(fig.indices) == 2 and all(y_true[fig.indices] != y_pred[fig.indices])
    fig = plotting.show_misclassified(images, y_true, y_true, probs, CLASSES)
    assert len(fig.indices) == 0  # no mistakes: a figure that says so


def test_show_misclassified_bad_input():
    with pytest.raises(ValueError):
        plotting.show_misclassified(np.zeros((3, 8, 8)), [0, 1], [1, 0], [1.0, 2.0], CLASSES)
    with pytest.raises(ValueError):
        plotting.show_misclassified(np.zeros((2, 8, 8)), [0, 5], [1, 0], [1.0, 2.0], CLASSES)


# ------------------------------------------------------------------ filters


@pytest.mark.parametrize("c_in", [1, 3])
def test_show_filters_grayscale_and_rgb(c_in):
    w = np.random.default_rng(0).normal(size=(5, 5, c_in, 6))
    fig = plotting.show_filters(w, ncols=4)
    assert len(fig.axes) == 8 + (c_in == 1)  # 2 rows x 4 (+ a colour bar for one channel)
    assert len(fig.axes[0].images) == 1 and len(fig.axes[7].images) == 0
    shown = fig.axes[0].images[0].get_array()
    assert shown.shape == ((5, 5) if c_in == 1 else (5, 5, 3))
    assert fig.limit == pytest.approx(np.abs(w).max())  # one symmetric scale for all filters
    if c_in == 1:
        assert fig.axes[0].images[0].get_clim() == (-fig.limit, fig.limit)
    else:  # RGB: zero weight is mid-grey, the largest |w| reaches 0 or 1
        assert np.allclose(shown, 0.5 + 0.5 * w[:, :, :, 0] / fig.limit)
    fig = plotting.show_filters(w, ncols=4, scaling="each")
    shown = fig.axes[0].images[0].get_array()
    assert shown.min() == 0 and shown.max() == 1 and fig.limit is None  # min-max per filter
    fig = plotting.show_filters(w, ncols=4, scaling="symmetric_each")
    shown = np.asarray(fig.axes[0].images[0].get_array())
    expected = 0.5 + 0.5 * w[:, :, :, 0] / np.abs(w[:, :, :, 0]).max()  # zero stays mid-grey
    assert np.allclose(shown, expected[:, :, 0] if c_in == 1 else expected)


def test_show_filters_channel_and_bad_input():
    w = np.zeros((3, 3, 16, 4))
    fig = plotting.show_filters(w, channel=2)  # constant filters do not divide by zero
    assert len(fig.axes) == 5  # 4 filters + colour bar
    with pytest.raises(ValueError):
        plotting.show_filters(w)  # 16 input channels need channel=
    with pytest.raises(ValueError):
        plotting.show_filters(w, channel=16)
    with pytest.raises(ValueError):
        plotting.show_filters(np.zeros((3, 3, 1)))
    with pytest.raises(ValueError):
        plotting.show_filters(np.zeros((3, 3, 1, 2)), ncols=0)
    with pytest.raises(ValueError):
        plotting.show_filters(np.zeros((3, 3, 1, 2)), scaling="minmax")
    with pytest.raises(ValueError):
        plotting.show_filters(np.zeros((3, 3, 1, 2)), labels=["only one"])


def test_show_filters_labels_and_title():
    w = np.random.default_rng(1).normal(size=(3, 3, 1, 2))
    fig = plotting.show_filters(w, labels=["a", "b"], title="two filters")
    assert [ax.get_title() for ax in fig.axes[:2]] == ["a", "b"]
    assert fig._suptitle.get_text() == "two filters"


def test_show_images_row_labels():
    fig = plotting.show_images(np.zeros((4, 8, 8)), ncols=2, row_labels=["first", "second"])
    texts = [t.get_text() for ax in fig.axes for t in ax.texts]
    assert texts == ["first", "second"]
    with pytest.raises(ValueError):
        plotting.show_images(np.zeros((4, 8, 8)), ncols=2, row_labels=["one"])


def test_show_misclassified_says_what_is_sorted():
    probs = np.array([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]])
    fig = plotting.show_misclassified(np.zeros((3, 8, 8)), [1, 0, 1], [0, 1, 0], probs, ["a", "b"])
    assert list(fig.indices) == [0, 1, 2]  # p(true) 0.1, 0.2, 0.4: lowest first
    assert "sorted by the probability given to the true class" in fig._suptitle.get_text()
    assert fig.axes[0].get_title() == "b→a\np(true) 0.100"


# ------------------------------------------------------------------ feature maps


@pytest.fixture(scope="module")
def tiny_cnn():
    import keras

    return keras.Sequential(
        [
            keras.Input((12, 12, 1)),
            keras.layers.Conv2D(3, 3, name="conv"),
            keras.layers.MaxPooling2D(name="pool"),
            keras.layers.Flatten(name="flat"),
            keras.layers.Dense(4, name="dense"),
        ]
    )


def test_feature_maps_shapes(tiny_cnn):
    acts = plotting.feature_maps(tiny_cnn, np.ones((12, 12)), ["conv", "pool", "dense"])
    assert {k: v.shape for k, v in acts.items()} == {
        "conv": (10, 10, 3), "pool": (5, 5, 3), "dense": (4,),
    }  # fmt: skip


def test_show_feature_maps_rows(tiny_cnn):
    fig = plotting.show_feature_maps(tiny_cnn, np.ones((12, 12, 1)), ["conv", "dense"], max_maps=2)
    # conv row: label + 2 maps; dense row: label + one strip
    assert len(fig.axes) == 5
    assert set(fig.activations) == {"conv", "dense"}


def test_show_feature_maps_one_by_one_maps_as_strip():
    import keras

    model = keras.Sequential([keras.Input((3, 3, 1)), keras.layers.Conv2D(5, 3, name="c")])
    fig = plotting.show_feature_maps(model, np.ones((3, 3)), ["c"])
    assert len(fig.axes) == 2  # label + one strip, not five 1x1 images
    assert fig.activations["c"].shape == (1, 1, 5)


def test_show_feature_maps_one_scale_per_layer_with_colour_bars(tiny_cnn):
    fig = plotting.show_feature_maps(tiny_cnn, np.linspace(-1, 1, 144).reshape(12, 12),
                                     ["conv", "dense"], max_maps=2, scale="layer",
                                     colorbar=True, strip_labels={"dense": list("abcd")})
    assert len(fig.axes) == 7  # + one colour bar per row
    for name, (low, high) in fig.limits.items():
        act = fig.activations[name]
        assert low <= act.min() and act.max() <= high
        assert low == 0 or low == -high  # from 0, or symmetric when the sign matters
    strip = fig.axes[5]  # row 0: label, 2 maps, colour bar; row 1: label, strip, colour bar
    assert [t.get_text() for t in strip.get_xticklabels()] == list("abcd")
    assert len(strip.texts) == 4  # each value printed


def test_show_feature_maps_new_options_bad_input(tiny_cnn):
    with pytest.raises(ValueError):
        plotting.show_feature_maps(tiny_cnn, np.ones((12, 12)), ["conv"], scale="each")
    with pytest.raises(ValueError):
        plotting.show_feature_maps(tiny_cnn, np.ones((12, 12)), ["conv"], colorbar=True)
    with pytest.raises(ValueError):
        plotting.show_feature_maps(tiny_cnn, np.ones((12, 12)), ["dense"],
                                   strip_labels={"dense": ["too", "few"]})


def test_feature_maps_bad_input(tiny_cnn):
    with pytest.raises(ValueError):
        plotting.feature_maps(tiny_cnn, np.ones((10, 10)), ["conv"])  # wrong size
    with pytest.raises(ValueError):
        plotting.feature_maps(tiny_cnn, np.ones((1, 12, 12, 1)), ["conv"])  # batch given
    with pytest.raises(ValueError):
        plotting.feature_maps(tiny_cnn, np.ones((12, 12)), ["nope"])
    with pytest.raises(ValueError):
        plotting.feature_maps(tiny_cnn, np.ones((12, 12)), "conv")
    with pytest.raises(ValueError):
        plotting.show_feature_maps(tiny_cnn, np.ones((12, 12)), ["conv"], max_maps=0)


# ------------------------------------------------------------------ show_per_class


def test_show_per_class_rows_counts_and_blanks():
    images = np.arange(7 * 4 * 4 * 3, dtype=np.float64).reshape(7, 4, 4, 3) % 1
    labels = [0, 0, 0, 1, 1, 1, 2]  # class 2 has a single example
    fig = plotting.show_per_class(images, labels, CLASSES, per_class=2, seed=None, title="t")
    assert len(fig.axes) == 6 and fig.indices.tolist() == [[0, 1], [3, 4], [6, -1]]
    assert [fig.axes[i].get_ylabel() for i in (0, 2, 4)] == ["a\n(3)", "b\n(3)", "c\n(1)"]
    assert len(fig.axes[5].images) == 0 and len(fig.axes[4].images) == 1
    picked = plotting.show_per_class(images, labels, CLASSES, per_class=2, seed=1).indices
    assert all(np.isin(picked[c][picked[c] >= 0], np.flatnonzero(np.array(labels) == c)).all()
               for c in range(3))  # fmt: skip
    assert (picked == plotting.show_per_class(images, labels, CLASSES, 2, seed=1).indices).all()


@pytest.mark.parametrize(
    ("labels", "names", "per_class", "error"),
    [
        ([0, 1], CLASSES, 2, ValueError),  # 3 images, 2 labels
        ([0, 1, 3], CLASSES, 2, ValueError),  # label out of range
        ([0.0, 1.0, 2.0], CLASSES, 2, TypeError),  # float labels
        ([0, 1, 2], "abc", 2, TypeError),  # class names as one string
        ([0, 1, 2], CLASSES, 0, ValueError),
        ([0, 1, 2], CLASSES, True, ValueError),
    ],
)
def test_show_per_class_bad_input(labels, names, per_class, error):
    with pytest.raises(error):
        plotting.show_per_class(np.zeros((3, 4, 4)), labels, names, per_class=per_class)
