"""Tests for course_utils.saliency on models whose answer is known (one quadrant, one pixel)."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import saliency  # noqa: E402

SIZE = 16


def quadrant_model(softmax_layer: str = "activation"):
    """A fixed model whose class-1 score is the mean brightness of the top-left quadrant.

    conv (1 filter, 1x1, weight 1) keeps the image; a fixed Dense reads the top-left 8x8.
    """
    inputs = keras.Input((SIZE, SIZE, 1))
    h = keras.layers.Conv2D(1, 1, use_bias=False, name="conv")(inputs)
    flat = keras.layers.Flatten()(h)
    if softmax_layer == "dense":
        out = keras.layers.Dense(2, activation="softmax", name="head")(flat)
    else:
        z = keras.layers.Dense(2, name="head")(flat)
        out = keras.layers.Activation("softmax")(z)
    model = keras.Model(inputs, out)
    mask = np.zeros((SIZE, SIZE), "float32")
    mask[: SIZE // 2, : SIZE // 2] = 1
    kernel = np.zeros((SIZE * SIZE, 2), "float32")
    kernel[:, 1] = 10 * mask.ravel() / mask.sum()
    model.get_layer("conv").set_weights([np.ones((1, 1, 1, 1), "float32")])
    model.get_layer("head").set_weights([kernel, np.array([5.0, 0.0], "float32")])
    return model


def quadrant() -> np.ndarray:
    region = np.zeros((SIZE, SIZE), bool)
    region[: SIZE // 2, : SIZE // 2] = True
    return region


@pytest.fixture(scope="module", params=["activation", "dense"])
def model(request):
    return quadrant_model(request.param)


@pytest.fixture(scope="module")
def images():
    return np.random.default_rng(0).uniform(0, 1, (3, SIZE, SIZE, 1)).astype("float32")


def test_class_scores_recovers_logits(model, images):
    score_fn, kind = saliency.class_scores(model)
    assert kind == "logits"
    z = np.asarray(score_fn(images))
    expected = np.stack([np.full(3, 5.0), 10 * images[:, :8, :8, 0].mean(axis=(1, 2))], 1)
    np.testing.assert_allclose(z, expected, rtol=1e-5)


def test_gradient_saliency_lights_up_the_quadrant(model, images):
    s = saliency.gradient_saliency(model, images, class_index=1)
    assert s.shape == (3, SIZE, SIZE) and (s >= 0).all()
    np.testing.assert_allclose(saliency.mass_in_region(s, quadrant()), 1.0)
    np.testing.assert_allclose(s[:, :8, :8], 10 / 64, rtol=1e-5)


def test_occlusion_map_shape_and_quadrant(model, images):
    bright = images.copy()
    bright[:, :8, :8] = 1.0
    m = saliency.occlusion_map(model, bright[0], class_index=1, patch=4, stride=2, fill=0.0)
    assert m.shape == (SIZE, SIZE)
    assert saliency.mass_in_region(m, quadrant()) > 0.9
    assert m[:4, :4].mean() > 0 and np.allclose(m[12:, 12:], 0, atol=1e-6)
    default = saliency.occlusion_map(lambda b: np.asarray(model(b)), bright[0][None])
    assert default.shape == (SIZE, SIZE)


def brightness_model():
    """Class 1 = "bright": conv channels x and 1 - x (ReLU), global average, fixed dense.

    The class-1 logit is 10 · mean(x) - 10 · mean(1 - x), so Grad-CAM's map is
    ReLU(c · (2x - 1)): it lights up exactly where pixels are brighter than 0.5.
    """
    inputs = keras.Input((SIZE, SIZE, 1))
    h = keras.layers.Conv2D(2, 1, activation="relu", name="conv")(inputs)
    h = keras.layers.GlobalAveragePooling2D()(h)
    out = keras.layers.Dense(2, activation="softmax", name="head")(h)
    model = keras.Model(inputs, out)
    model.get_layer("conv").set_weights([np.array([[[[1.0, -1.0]]]], "float32"),
                                         np.array([0.0, 1.0], "float32")])  # fmt: skip
    model.get_layer("head").set_weights([np.array([[0.0, 10.0], [0.0, -10.0]], "float32"),
                                         np.zeros(2, "float32")])  # fmt: skip
    return model


def test_grad_cam_on_the_known_model():
    model = brightness_model()
    images = np.full((2, SIZE, SIZE, 1), 0.2, "float32")
    images[:, 2:6, 1:7] = 0.9  # a bright patch in the top-left quadrant
    cam = saliency.grad_cam(model, images, class_index=1, layer_name="conv")
    assert cam.shape == (2, SIZE, SIZE) and cam.min() >= 0 and cam.max() <= 1 + 1e-6
    assert (saliency.mass_in_region(cam, quadrant()) > 0.95).all()
    np.testing.assert_allclose(cam[:, 3, 3], 1.0, atol=1e-5)  # the peak is on the patch
    assert np.allclose(cam[:, 10:, 10:], 0)
    auto = saliency.grad_cam(model, images, class_index=1)  # last 4-D layer is "conv"
    np.testing.assert_allclose(auto, cam, atol=1e-6)
    model.last_conv_layer = "conv"
    np.testing.assert_allclose(saliency.grad_cam(model, images, class_index=1), cam, atol=1e-6)
    dark = saliency.grad_cam(model, images, class_index=0)  # class 0 has zero weights
    assert np.allclose(dark, 0)


def test_mass_and_normalise():
    m = np.zeros((4, 4))
    m[0, 0] = 3
    m[3, 3] = 1
    region = np.zeros((4, 4), bool)
    region[:2, :2] = True
    assert saliency.mass_in_region(m, region) == pytest.approx(0.75)
    assert saliency.mass_in_region(np.zeros((4, 4)), region) == 0.0
    np.testing.assert_allclose(saliency.normalise_map(m).max(), 1.0)
    with pytest.raises(TypeError):
        saliency.mass_in_region(m, region.astype(int))
    with pytest.raises(ValueError):
        saliency.mass_in_region(m, region[:3])
    with pytest.raises(ValueError):
        saliency.normalise_map(np.zeros(4))


def test_bad_input(model, images):
    with pytest.raises(TypeError):
        saliency.gradient_saliency("model", images)
    with pytest.raises(ValueError):
        saliency.gradient_saliency(model, images[0])
    with pytest.raises(TypeError):
        saliency.gradient_saliency(model, images, class_index=0.5)
    with pytest.raises(ValueError):
        saliency.gradient_saliency(model, images, class_index=[0, 1])
    with pytest.raises(ValueError):
        saliency.grad_cam(model, images, layer_name="no_such_layer")
    with pytest.raises(ValueError):
        saliency.grad_cam(model, images, layer_name="head")  # not 4-D
    with pytest.raises(ValueError):
        saliency.occlusion_map(model, images[0], patch=32)
    with pytest.raises(ValueError):
        saliency.occlusion_map(model, images[0], patch=4, stride=8)
    with pytest.raises(ValueError):
        saliency.occlusion_map(model, images[0], fill="grey")
    with pytest.raises(TypeError):
        saliency.occlusion_map(model, images[0], fill=[0])
    with pytest.raises(ValueError):
        saliency.occlusion_map(model, images[0], class_index=5)
    with pytest.raises(TypeError):
        saliency.occlusion_map(42, images[0])


def test_rank_correlation_sees_only_the_order():
    rng = np.random.default_rng(0)
    a = rng.uniform(size=(6, 5))
    assert saliency.rank_correlation(a, a) == pytest.approx(1.0)
    assert saliency.rank_correlation(a, 3 * a**2 + 1) == pytest.approx(1.0)  # same order
    assert saliency.rank_correlation(a, -a) == pytest.approx(-1.0)
    b = rng.uniform(size=(200, 6, 5))
    r = saliency.rank_correlation(b, rng.uniform(size=(200, 6, 5)))  # unrelated maps
    assert r.shape == (200,) and abs(r.mean()) < 0.05
    assert saliency.rank_correlation(np.zeros((6, 5)), a) == 0.0  # a constant map ranks nothing
    x = np.arange(30.0).reshape(5, 6)
    from scipy.stats import spearmanr

    y = np.sin(x)
    assert saliency.rank_correlation(x, y) == pytest.approx(spearmanr(x.ravel(), y.ravel())[0])


def test_rank_correlation_bad_input():
    with pytest.raises(ValueError):
        saliency.rank_correlation(np.zeros((4, 4)), np.zeros((4, 5)))
    with pytest.raises(ValueError):
        saliency.rank_correlation(np.zeros(4), np.zeros(4))
    with pytest.raises(TypeError):
        saliency.rank_correlation(np.array([["a"]]), np.array([["b"]]))
    with pytest.raises(ValueError):
        saliency.rank_correlation(np.full((2, 2), np.nan), np.zeros((2, 2)))


def test_elementwise_weighting_equals_grad_cam_under_global_pooling():
    model = brightness_model()  # global average pooling: the gradient is the same everywhere
    images = np.random.default_rng(1).uniform(0, 1, (2, SIZE, SIZE, 1)).astype("float32")
    mean = saliency.grad_cam(model, images, class_index=1, layer_name="conv")
    elementwise = saliency.grad_cam(model, images, 1, layer_name="conv", weighting="elementwise")
    np.testing.assert_allclose(elementwise, mean, atol=1e-5)


def test_elementwise_weighting_finds_the_position_a_flatten_head_reads():
    """The quadrant model's score reads the top-left quadrant only (Flatten → Dense): averaging
    the gradient over positions spreads the map over every bright pixel; keeping it per
    position puts the map on the quadrant."""
    model = quadrant_model()
    images = np.full((1, SIZE, SIZE, 1), 0.5, "float32")
    images[:, 10:14, 10:14] = 1.0  # a bright patch the score ignores
    mean = saliency.grad_cam(model, images, class_index=1, layer_name="conv")
    elementwise = saliency.grad_cam(model, images, 1, layer_name="conv", weighting="elementwise")
    assert saliency.mass_in_region(elementwise, quadrant()) > 0.95
    assert saliency.mass_in_region(mean, quadrant()) < 0.5
    with pytest.raises(ValueError):
        saliency.grad_cam(model, images, 1, layer_name="conv", weighting="max")


def test_grad_cam_batches_give_the_same_maps(model, images):
    whole = saliency.grad_cam(model, images, class_index=1)
    one_by_one = saliency.grad_cam(model, images, class_index=1, batch_size=1)
    np.testing.assert_allclose(one_by_one, whole, atol=1e-5)
    for bad in (0, -2, 1.5, True):
        with pytest.raises(ValueError):
            saliency.grad_cam(model, images, class_index=1, batch_size=bad)
