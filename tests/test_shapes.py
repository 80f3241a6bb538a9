"""Tests for course_utils.shapes: the generated colour-image data set."""

from __future__ import annotations

import time

import numpy as np
import pytest

from course_utils import shapes


def test_shapes_dtypes_and_ranges():
    x, y = shapes.make_shapes(64, image_size=24, seed=0)
    assert x.shape == (64, 24, 24, 3) and x.dtype == np.uint8
    assert y.shape == (64,) and y.dtype == np.uint8
    assert y.max() < len(shapes.SHAPES)
    assert x.min() < 60 and x.max() > 200  # dark outlines and bright shapes


def test_deterministic_given_seed():
    a = shapes.make_shapes(40, seed=3, noise=0.05, background="noise")
    b = shapes.make_shapes(40, seed=3, noise=0.05, background="noise")
    c = shapes.make_shapes(40, seed=4, noise=0.05, background="noise")
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


def test_chunking_does_not_change_images():
    # 600 images at 32x32 span two rendering chunks; the first 40 equal a short run's.
    x_long, y_long = shapes.make_shapes(600, seed=1)
    x_short, _ = shapes.make_shapes(40, seed=1)
    assert len(x_long) == 600 and np.bincount(y_long).tolist() == [75] * 8
    assert x_short.shape == (40, 32, 32, 3)


@pytest.mark.parametrize("n, k", [(80, 8), (83, 8), (30, 5)])
def test_class_balance_is_exact(n, k):
    classes = shapes.SHAPES[:k]
    _, y = shapes.make_shapes(n, classes=classes, seed=0)
    counts = np.bincount(y, minlength=k)
    assert counts.sum() == n and counts.max() - counts.min() <= (0 if n % k == 0 else 1)
    assert len(set(y[:k].tolist())) > 1  # shuffled, not sorted


def _foreground(**kwargs):
    """Mask of pixels that differ from the plain background (where the shape is)."""
    x, y = shapes.make_shapes(16, image_size=32, seed=5, background="plain", **kwargs)
    return x, y


def test_rotation_zero_is_upright_and_repeatable():
    kwargs = dict(rotation=0, position_jitter=0, scale=0.8, classes=("square", "cross"),
                  colour="white")  # fmt: skip
    x, y = _foreground(**kwargs)
    square = x[y == 0][0].astype(int)
    # An upright, centred square is symmetric under a left-right flip and a transpose.
    assert np.abs(square - square[:, ::-1]).mean() < 3
    assert np.abs(square - square.transpose(1, 0, 2)).mean() < 3
    x_rot, _ = _foreground(**{**kwargs, "rotation": (30, 30)})
    assert np.abs(x_rot[y == 0][0].astype(int) - square).mean() > 5


def test_scale_controls_shape_area():
    common = dict(rotation=0, position_jitter=0, classes=("circle", "square"), colour="white",
                  background="plain")  # fmt: skip
    small, _ = shapes.make_shapes(20, seed=2, scale=0.3, **common)
    large, _ = shapes.make_shapes(20, seed=2, scale=0.9, **common)
    area = lambda imgs: (imgs.min(axis=-1) > 240).mean()  # noqa: E731 - white pixels
    assert area(large) > 4 * area(small)


def test_position_jitter_moves_shapes():
    common = dict(rotation=0, scale=0.4, classes=("circle", "square"), colour="white",
                  background="plain")  # fmt: skip

    def centres(jitter):
        x, _ = shapes.make_shapes(30, seed=1, position_jitter=jitter, **common)
        white = x.min(axis=-1) > 240
        rows = np.arange(32)[None, :, None]
        return (white * rows).sum(axis=(1, 2)) / white.sum(axis=(1, 2))

    assert np.allclose(centres(0.0), 15.5, atol=0.6)
    assert centres(1.0).std() > 2


def test_colour_modes():
    import colorsys

    x, y = shapes.make_shapes(40, seed=0, colour="class", background="plain", rotation=0,
                              position_jitter=0, scale=0.6,
                              classes=("circle", "square", "cross", "hexagon"))  # fmt: skip
    hues = np.array([colorsys.rgb_to_hsv(*(x[i, 16, 16] / 255))[0] for i in range(len(x))])
    for label in range(4):  # one hue per class; brightness and saturation still vary
        assert np.ptp(hues[y == label]) < 0.02
    assert np.ptp([hues[y == label].mean() for label in range(4)]) > 0.5
    white, _ = shapes.make_shapes(8, seed=0, colour="white", rotation=0, position_jitter=0,
                                  classes=("circle", "square"))  # fmt: skip
    assert (white[:, 16, 16] > 240).all()


def test_backgrounds_and_spurious_correlation():
    plain, _ = shapes.make_shapes(8, seed=0, background="plain", scale=0.2, position_jitter=0)
    corner = plain[:, :4, :4].reshape(8, -1, 3)
    assert (corner.std(axis=1) < 1).all()  # a single colour
    noise, _ = shapes.make_shapes(8, seed=0, background="noise", scale=0.2)
    assert noise[:, :4, :4].reshape(8, -1, 3).std(axis=1).mean() > 20
    # With full correlation on plain backgrounds, the corner grey level gives the class away.
    x, y = shapes.make_shapes(60, seed=0, background="plain", background_correlation=1.0,
                              classes=shapes.SHAPES[:4], scale=0.3, position_jitter=0)  # fmt: skip
    corner = x[:, 0, 0].astype(int)
    for label in range(4):
        assert np.ptp(corner[y == label], axis=0).max() <= 1
    assert len({tuple(c) for c in corner}) == 4
    # Textures: correlated backgrounds come from the class's own photo.
    t1, y1 = shapes.make_shapes(
        40, seed=0, background_correlation=1.0, textures=("brick", "coffee"),
        classes=("circle", "square"),
    )  # fmt: skip
    colourful = np.abs(t1[..., 0].astype(int) - t1[..., 2]).mean(axis=(1, 2))
    assert colourful[y1 == 1].mean() > colourful[y1 == 0].mean() + 10  # coffee is brown


def test_noise_parameter():
    clean, _ = shapes.make_shapes(10, seed=0, background="plain")
    noisy, _ = shapes.make_shapes(10, seed=0, background="plain", noise=0.1)
    diff = noisy.astype(int) - clean
    assert 15 < diff.std() < 35


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n": 0}, ValueError),
        ({"n": 2.5}, ValueError),
        ({"image_size": 4}, ValueError),
        ({"image_size": "32"}, TypeError),
        ({"seed": -1}, ValueError),
        ({"classes": ("circle",)}, ValueError),
        ({"classes": ("circle", "blob")}, ValueError),
        ({"classes": ("circle", "circle")}, ValueError),
        ({"classes": (1, 2)}, TypeError),
        ({"rotation": (10, -10)}, ValueError),
        ({"rotation": "a lot"}, TypeError),
        ({"scale": (0.0, 0.5)}, ValueError),
        ({"scale": 1.5}, ValueError),
        ({"position_jitter": 2}, ValueError),
        ({"colour": "blue"}, ValueError),
        ({"background": "sky"}, ValueError),
        ({"textures": ("nope",)}, ValueError),
        ({"textures": ()}, ValueError),
        ({"background_correlation": -0.1}, ValueError),
        ({"noise": -1}, ValueError),
    ],
)
def test_bad_arguments(kwargs, error):
    kwargs = {"n": 10, **kwargs}
    with pytest.raises(error):
        shapes.make_shapes(**kwargs)


def test_generation_speed():
    shapes.make_shapes(10, seed=0)  # warm the texture cache
    start = time.perf_counter()
    x, _ = shapes.make_shapes(10_000, seed=0)
    assert len(x) == 10_000
    assert time.perf_counter() - start < 20  # about 1 s on 2 CPU cores; generous for CI


def test_load_shapes_split():
    data = shapes.load_shapes(40, 16, image_size=32, seed=7, verbose=False, rotation=0)
    assert data.x_train.shape == (40, 32, 32, 3) and data.x_test.shape == (16, 32, 32, 3)
    assert data.class_names == shapes.SHAPES and data.source == "generated"
    assert not np.array_equal(data.x_train[:16], data.x_test)
    with pytest.raises(ValueError):
        shapes.load_shapes(10, 0)


def test_load_image_dataset_offline_uses_shapes(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", "/nonexistent-keras-home")
    data = shapes.load_image_dataset(24, 8, prefer_cifar=True, seed=0)
    assert data.source == "generated" and data.x_train.shape == (24, 32, 32, 3)
    assert "CIFAR-10 unavailable" in capsys.readouterr().out
    data = shapes.load_image_dataset(24, 8, prefer_cifar=False, classes=shapes.SHAPES[:5])
    assert "prefer_cifar=False" in capsys.readouterr().out
    assert data.class_names == shapes.SHAPES[:5]
    with pytest.raises(ValueError):
        shapes.load_image_dataset(0, 8)


def test_load_image_dataset_uses_cifar_when_available(monkeypatch, capsys):
    from course_utils import data as data_module

    fake = data_module.Dataset(
        np.zeros((50, 32, 32, 3), np.uint8), np.arange(50, dtype=np.uint8) % 10,
        np.zeros((20, 32, 32, 3), np.uint8), np.arange(20, dtype=np.uint8) % 10,
        data_module.CIFAR10_CLASSES, "keras-cache", "CIFAR-10: cache",
    )  # fmt: skip
    monkeypatch.setattr(data_module, "load_cifar10", lambda verbose=True: fake)
    data = shapes.load_image_dataset(30, 10)
    assert data.source == "keras-cache" and len(data.x_train) == 30 and len(data.x_test) == 10
    assert "using CIFAR-10" in capsys.readouterr().out
