"""course_utils.style: Gram matrices, the three losses, the feature extractor and the loop."""

import numpy as np
import pytest

from course_utils import style

rng = np.random.default_rng(0)


def numpy_gram(a: np.ndarray) -> np.ndarray:
    """The double sum of Gatys et al., written out, divided by H·W."""
    h, w, c = a.shape
    g = np.zeros((c, c))
    for i in range(h):
        for j in range(w):
            g += np.outer(a[i, j], a[i, j])
    return g / (h * w)


def numpy_tv(x: np.ndarray) -> float:
    return float(np.mean((x[1:] - x[:-1]) ** 2) + np.mean((x[:, 1:] - x[:, :-1]) ** 2))


@pytest.fixture(scope="module")
def tiny_cnn():
    import keras

    keras.utils.set_random_seed(0)
    inputs = keras.Input((None, None, 3))
    x = keras.layers.Conv2D(8, 3, padding="same", activation="relu", name="c1")(inputs)
    x = keras.layers.MaxPooling2D(name="p1")(x)
    x = keras.layers.Conv2D(16, 3, padding="same", activation="relu", name="c2")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(2, name="fc")(x)
    return keras.Model(inputs, outputs, name="tiny")


# ------------------------------------------------------------------ gram_matrix


@pytest.mark.parametrize("shape", [(1, 1, 1), (3, 5, 2), (7, 4, 6), (16, 16, 3)])
def test_gram_matches_numpy_double_sum(shape):
    a = rng.normal(size=shape).astype(np.float32)
    g = style.gram_matrix(a).numpy()
    assert g.shape == (shape[2], shape[2])
    np.testing.assert_allclose(g, numpy_gram(a), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(g, g.T, atol=1e-6)
    assert np.linalg.eigvalsh(g.astype(np.float64)).min() > -1e-4  # positive semi-definite


def test_gram_batch_and_position_invariance():
    a = rng.normal(size=(2, 6, 5, 4)).astype(np.float32)
    g = style.gram_matrix(a).numpy()
    assert g.shape == (2, 4, 4)
    for n in range(2):
        np.testing.assert_allclose(g[n], numpy_gram(a[n]), rtol=1e-4, atol=1e-5)
    # the Gram forgets *where* things are: shuffling positions changes nothing ...
    flat = a[0].reshape(-1, 4)[rng.permutation(30)].reshape(6, 5, 4)
    np.testing.assert_allclose(style.gram_matrix(flat).numpy(), g[0], rtol=1e-4, atol=1e-5)
    # ... and dividing by H·W makes it independent of the image size (tiling = same texture)
    np.testing.assert_allclose(style.gram_matrix(np.tile(a[0], (3, 2, 1))).numpy(), g[0],
                               rtol=1e-4, atol=1e-5)  # fmt: skip


def test_gram_accepts_tensors_and_ints():
    import tensorflow as tf

    a = np.arange(12).reshape(2, 2, 3)
    np.testing.assert_allclose(style.gram_matrix(tf.constant(a)).numpy(), numpy_gram(a))


@pytest.mark.parametrize("bad", [np.zeros((4, 4)), np.zeros((1, 2, 2, 2, 2)), np.zeros(3)])
def test_gram_rejects_wrong_rank(bad):
    with pytest.raises(ValueError, match="rank"):
        style.gram_matrix(bad)


@pytest.mark.parametrize("bad", ["abc", None, np.array([["a"]], dtype=object), True])
def test_gram_rejects_non_numeric(bad):
    with pytest.raises(TypeError):
        style.gram_matrix(bad)


def test_gram_rejects_empty_grid():
    with pytest.raises(ValueError, match="no positions"):
        style.gram_matrix(np.zeros((0, 3, 2)))


# ------------------------------------------------------------------ the losses


def test_content_loss_is_mean_squared_difference():
    a = rng.normal(size=(4, 5, 3)).astype(np.float32)
    b = rng.normal(size=(4, 5, 3)).astype(np.float32)
    assert float(style.content_loss(a, a)) == 0.0
    np.testing.assert_allclose(float(style.content_loss(a, b)), np.mean((a - b) ** 2), rtol=1e-5)
    # Gatys et al.'s 1/2 ||a(C) - a(G)||^2 is the same up to the constant a.size / 2
    half_sq = 0.5 * np.sum((a - b) ** 2)
    np.testing.assert_allclose(float(style.content_loss(a, b)) * a.size / 2, half_sq, rtol=1e-5)


def test_content_loss_bad_inputs():
    with pytest.raises(ValueError, match="same shape"):
        style.content_loss(np.zeros((2, 2, 3)), np.zeros((2, 3, 3)))
    with pytest.raises(ValueError, match="rank"):
        style.content_loss(np.zeros(3), np.zeros(3))
    with pytest.raises(TypeError):
        style.content_loss("a", np.zeros((2, 2, 3)))


def test_style_loss_single_and_layers():
    g1 = style.gram_matrix(rng.normal(size=(5, 5, 4)))
    g2 = style.gram_matrix(rng.normal(size=(6, 3, 4)))
    h1 = style.gram_matrix(rng.normal(size=(5, 5, 2)))
    assert float(style.style_loss(g1, g1)) == 0.0
    assert float(style.style_loss([g1, h1], [g1, h1])) == 0.0
    one = np.mean((g1.numpy() - g2.numpy()) ** 2)
    np.testing.assert_allclose(float(style.style_loss(g1, g2)), one, rtol=1e-5)
    np.testing.assert_allclose(float(style.style_loss([g1, h1], [g2, h1])), one / 2, rtol=1e-5)
    # Gatys et al.'s squared Frobenius norm, up to C^2
    frob = np.linalg.norm(g1.numpy() - g2.numpy()) ** 2
    np.testing.assert_allclose(float(style.style_loss(g1, g2)) * 16, frob, rtol=1e-4)


def test_style_loss_bad_inputs():
    g = np.eye(3)
    with pytest.raises(TypeError, match="sequences"):
        style.style_loss(g, [g])
    with pytest.raises(ValueError, match="number"):
        style.style_loss([g, g], [g])
    with pytest.raises(ValueError, match="number"):
        style.style_loss([], [])
    with pytest.raises(ValueError, match="square"):
        style.style_loss(np.zeros((3, 4)), np.zeros((3, 4)))
    with pytest.raises(ValueError, match="same shape"):
        style.style_loss(np.eye(3), np.eye(4))


@pytest.mark.parametrize("shape", [(2, 2, 1), (5, 7, 3), (16, 9, 3)])
def test_total_variation_matches_numpy(shape):
    x = rng.uniform(0, 255, size=shape).astype(np.float32)
    np.testing.assert_allclose(float(style.total_variation_loss(x)), numpy_tv(x), rtol=1e-5)
    assert float(style.total_variation_loss(np.full(shape, 7.0))) == 0.0
    batch = np.stack([x, x])
    np.testing.assert_allclose(float(style.total_variation_loss(batch)), numpy_tv(x), rtol=1e-5)


def test_total_variation_noise_is_rougher_than_a_gradient():
    ramp = np.tile(np.linspace(0, 255, 32)[None, :, None], (32, 1, 3))
    noise = rng.uniform(0, 255, size=(32, 32, 3))
    assert float(style.total_variation_loss(noise)) > 100 * float(style.total_variation_loss(ramp))


def test_total_variation_bad_inputs():
    with pytest.raises(ValueError, match="2x2"):
        style.total_variation_loss(np.zeros((1, 5, 3)))
    with pytest.raises(ValueError, match="rank"):
        style.total_variation_loss(np.zeros((5, 5)))


# ------------------------------------------------------------------ feature extractor


def test_feature_extractor_shapes_and_preprocess(tiny_cnn):
    ex = style.feature_extractor(tiny_cnn, ["c2", "c1"])
    assert ex.layers == ("c2", "c1")
    feats = ex(np.zeros((20, 12, 3)))
    assert tuple(feats) == ("c2", "c1")
    assert feats["c1"].shape == (1, 20, 12, 8) and feats["c2"].shape == (1, 10, 6, 16)
    shifted = style.feature_extractor(tiny_cnn, "c1", preprocess=lambda x: x - 100.0)
    np.testing.assert_allclose(shifted(np.full((8, 8, 3), 100.0))["c1"].numpy(),
                               ex(np.zeros((8, 8, 3)))["c1"].numpy(), atol=1e-5)  # fmt: skip
    batch = ex(np.zeros((3, 8, 8, 3)))
    assert batch["c1"].shape == (3, 8, 8, 8)


def test_feature_extractor_cuts_the_network(tiny_cnn):
    ex = style.feature_extractor(tiny_cnn, "c1")
    names = {layer.name for layer in ex.model.layers}
    assert "c1" in names and "c2" not in names and "fc" not in names


def test_feature_extractor_bad_layer_names(tiny_cnn):
    with pytest.raises(ValueError, match=r"no layer 'conv9'.*c1, p1, c2"):
        style.feature_extractor(tiny_cnn, ["c1", "conv9"])
    with pytest.raises(ValueError, match=r"'fc' outputs shape \(None, 2\), not feature maps"):
        style.feature_extractor(tiny_cnn, "fc")
    with pytest.raises(ValueError, match="at least one"):
        style.feature_extractor(tiny_cnn, [])
    with pytest.raises(ValueError, match="repeat"):
        style.feature_extractor(tiny_cnn, ["c1", "c1"])
    with pytest.raises(TypeError, match="strings"):
        style.feature_extractor(tiny_cnn, [3])
    with pytest.raises(TypeError, match="keras.Model"):
        style.feature_extractor("vgg16", "c1")
    with pytest.raises(TypeError, match="callable"):
        style.feature_extractor(tiny_cnn, "c1", preprocess=5)


def test_feature_extractor_on_vgg16_names():
    import keras

    vgg = keras.applications.VGG16(weights=None, include_top=False)
    ex = style.feature_extractor(vgg, (style.CONTENT_LAYER, *style.STYLE_LAYERS))
    feats = ex(np.zeros((32, 48, 3)))
    assert feats["block1_conv1"].shape == (1, 32, 48, 64)
    assert feats["block4_conv2"].shape == (1, 4, 6, 512)
    assert feats["block5_conv1"].shape == (1, 2, 3, 512)
    assert "block5_conv2" not in {layer.name for layer in ex.model.layers}
    with pytest.raises(ValueError, match="no layer 'block4_conv4'.*block4_conv3"):
        style.feature_extractor(vgg, "block4_conv4")


# ------------------------------------------------------------------ the loop


def _images():
    photo = np.zeros((24, 32, 3), np.float32)
    photo[:, 16:] = 200.0  # two halves
    stripes = np.zeros((24, 24, 3), np.float32)
    stripes[:, ::4] = 255.0
    return photo, stripes


def test_style_transfer_history_and_image(tiny_cnn, capsys):
    photo, stripes = _images()
    r = style.style_transfer(tiny_cnn, photo, stripes, content_layers=["c2"],
                             style_layers=["c1", "c2"], style_weight=1.0, tv_weight=1e-3,
                             iterations=12, learning_rate=5.0, snapshot_every=5,
                             log_every=6)  # fmt: skip
    out = capsys.readouterr()
    assert out.err == "" and out.out.count("iteration") == 2  # 6 and 12, on stdout
    assert r.image.shape == (24, 32, 3) and r.image.dtype == np.float32
    assert 0 <= r.image.min() and r.image.max() <= 255
    assert set(r.history) == {"content", "style", "tv", "total"}
    assert all(len(v) == 13 for v in r.history.values())
    assert r.history["content"][0] == 0.0  # starts from the content image
    assert r.history["style"][-1] < r.history["style"][0] and r.factor("style") > 1
    total = (r.history["content"] + r.history["style"] + 1e-3 * r.history["tv"])
    np.testing.assert_allclose(r.history["total"], total, rtol=1e-4)
    assert [i for i, _ in r.snapshots] == [0, 5, 10, 12]
    np.testing.assert_array_equal(r.snapshots[0][1], photo)
    np.testing.assert_array_equal(r.snapshots[-1][1], r.image)
    assert r.seconds > 0 and r.seconds_per_iteration > 0
    assert r.settings["content_layers"] == ("c2",) and r.settings["shape"] == (24, 32)


def test_style_transfer_can_run_twice(tiny_cnn):
    """The Keras 3 trap: a second run must not reuse an optimizer built for another image."""
    photo, stripes = _images()
    ex = style.feature_extractor(tiny_cnn, ["c1"])
    for shape in [(24, 32), (24, 32), (20, 20)]:  # same size twice, then another size
        r = style.style_transfer(ex, photo[: shape[0], : shape[1]], stripes, content_layers="c1",
                                 style_layers="c1", iterations=2)  # fmt: skip
        assert len(r.history["total"]) == 3 and r.image.shape == (*shape, 3)


def test_style_transfer_reuses_and_resets_the_compiled_step(tiny_cnn):
    photo, stripes = _images()
    style._COMPILED.clear()
    kwargs = dict(content_layers="c2", style_layers=["c1"], style_weight=1.0, iterations=6)
    first = style.style_transfer(tiny_cnn, photo, stripes, **kwargs)
    (run,) = style._COMPILED.values()
    other = style.style_transfer(tiny_cnn, photo, stripes[::-1].copy(), learning_rate=1.0,
                                 **{**kwargs, "style_weight": 3.0})  # fmt: skip
    again = style.style_transfer(tiny_cnn, photo, stripes, **kwargs)
    assert list(style._COMPILED.values()) == [run]  # one image size, one compiled step
    # the reset is complete: targets, weights, learning rate and Adam's state
    for term in ("content", "style", "tv", "total"):
        np.testing.assert_allclose(again.history[term], first.history[term], rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(again.image, first.image, atol=1e-3)
    assert not np.allclose(other.history["total"], first.history["total"])
    assert again.settings["style_weight"] == 1.0 and other.settings["learning_rate"] == 1.0
    for i in range(10):  # the cache stays small
        style.style_transfer(tiny_cnn, photo[:, : 16 + i], stripes, content_layers="c1",
                             style_layers="c1", iterations=1)  # fmt: skip
    assert len(style._COMPILED) == style._CACHE_SIZE


def test_style_transfer_texture_and_reconstruction(tiny_cnn):
    photo, stripes = _images()
    texture = style.style_transfer(tiny_cnn, None, stripes, style_layers=["c1"], init="noise",
                                   shape=(20, 20), iterations=5, style_weight=1.0)  # fmt: skip
    assert texture.image.shape == (20, 20, 3)
    assert np.all(texture.history["content"] == 0) and texture.history["style"][0] > 0
    recon = style.style_transfer(tiny_cnn, photo, content_layers=["c1"], init="noise",
                                 iterations=20, tv_weight=0.0, learning_rate=10.0)  # fmt: skip
    assert recon.history["content"][-1] < recon.history["content"][0]
    assert np.all(recon.history["style"] == 0) and np.all(recon.history["tv"] == 0)


def test_style_transfer_bad_inputs(tiny_cnn):
    photo, stripes = _images()
    with pytest.raises(ValueError, match="nothing to match"):
        style.style_transfer(tiny_cnn, None, None)
    with pytest.raises(ValueError, match="nothing to match"):
        style.style_transfer(tiny_cnn, photo, None, content_weight=0.0)
    with pytest.raises(ValueError, match="0..255"):
        style.style_transfer(tiny_cnn, photo * 2, stripes, content_layers="c1", style_layers="c1")
    with pytest.raises(ValueError, match=r"\(H, W, 3\)"):
        style.style_transfer(tiny_cnn, photo[..., 0], stripes)
    with pytest.raises(ValueError, match="too small"):
        style.style_transfer(tiny_cnn, photo[:8], stripes)
    with pytest.raises(TypeError, match="image array"):
        style.style_transfer(tiny_cnn, "chelsea.jpg", stripes)
    with pytest.raises(ValueError, match="no layer"):
        style.style_transfer(tiny_cnn, photo, stripes, content_layers="block4_conv2",
                             style_layers="c1")  # fmt: skip
    with pytest.raises(ValueError, match="init"):
        style.style_transfer(tiny_cnn, photo, stripes, content_layers="c1", style_layers="c1",
                             init="zeros")  # fmt: skip
    with pytest.raises(ValueError, match="needs a content image"):
        style.style_transfer(tiny_cnn, None, stripes, style_layers="c1")
    with pytest.raises(ValueError, match="iterations"):
        style.style_transfer(tiny_cnn, photo, stripes, content_layers="c1", style_layers="c1",
                             iterations=0)  # fmt: skip
    with pytest.raises(TypeError, match="iterations"):
        style.style_transfer(tiny_cnn, photo, stripes, iterations=True)
    with pytest.raises(ValueError, match="style_weight"):
        style.style_transfer(tiny_cnn, photo, stripes, style_weight=-1.0)
    with pytest.raises(TypeError, match="tv_weight"):
        style.style_transfer(tiny_cnn, photo, stripes, tv_weight="a lot")
    with pytest.raises(ValueError, match="learning_rate"):
        style.style_transfer(tiny_cnn, photo, stripes, learning_rate=0.0)
    with pytest.raises(ValueError, match="shape"):
        style.style_transfer(tiny_cnn, None, stripes, style_layers="c1", init="noise",
                             shape=(8, 8))  # fmt: skip
    with pytest.raises(ValueError, match="init has size"):
        style.style_transfer(tiny_cnn, photo, stripes, content_layers="c1", style_layers="c1",
                             init=stripes)  # fmt: skip


# ------------------------------------------------------------------ the stopping rule


def test_style_transfer_runs_all_iterations_without_a_stopping_rule(tiny_cnn):
    photo, stripes = _images()
    r = style.style_transfer(tiny_cnn, photo, stripes, content_layers="c1", style_layers="c1",
                             iterations=7)  # fmt: skip
    assert r.iterations_run == 7 and not r.converged and r.final_learning_rate == 5.0
    assert r.settings["stop_tol"] == 0.0


def test_style_transfer_stops_on_a_plateau_after_halving(tiny_cnn, capsys):
    photo, _ = _images()
    # a reconstruction from a shallow layer flattens out quickly; a loose tolerance stops it
    r = style.style_transfer(tiny_cnn, photo, content_layers=["c1"], init="noise",
                             tv_weight=0.0, iterations=2000, learning_rate=10.0, stop_tol=0.5,
                             stop_window=10, lr_halvings=2, log_every=1000)  # fmt: skip
    assert r.converged and r.iterations_run < 2000 and r.iterations_run % 10 == 0
    assert r.iterations_run >= 40  # two windows to halve twice, one to compare, one to stop
    assert r.final_learning_rate == 2.5  # two halvings of 10
    assert all(len(v) == r.iterations_run + 1 for v in r.history.values())
    assert r.snapshots[-1][0] == r.iterations_run
    assert "converged" in capsys.readouterr().out
    assert r.settings["lr_halvings"] == 2 and r.settings["stop_window"] == 10


def test_style_transfer_budget_reached_first_is_not_converged(tiny_cnn):
    photo, _ = _images()
    r = style.style_transfer(tiny_cnn, photo, content_layers=["c1"], init="noise",
                             tv_weight=0.0, iterations=15, learning_rate=10.0, stop_tol=1e-9,
                             stop_window=5)  # fmt: skip
    assert r.iterations_run == 15 and not r.converged


def test_style_transfer_stopping_rule_bad_inputs(tiny_cnn):
    photo, stripes = _images()
    kw = dict(content_layers="c1", style_layers="c1", iterations=2)
    with pytest.raises(ValueError, match="stop_tol"):
        style.style_transfer(tiny_cnn, photo, stripes, stop_tol=1.0, **kw)
    with pytest.raises(ValueError, match="stop_tol"):
        style.style_transfer(tiny_cnn, photo, stripes, stop_tol=-0.1, **kw)
    with pytest.raises(ValueError, match="stop_window"):
        style.style_transfer(tiny_cnn, photo, stripes, stop_window=0, **kw)
    with pytest.raises(ValueError, match="lr_halvings"):
        style.style_transfer(tiny_cnn, photo, stripes, lr_halvings=-1, **kw)
    with pytest.raises(TypeError, match="stop_window"):
        style.style_transfer(tiny_cnn, photo, stripes, stop_window=2.5, **kw)
    with pytest.raises(TypeError, match="lr_halvings"):
        style.style_transfer(tiny_cnn, photo, stripes, lr_halvings=True, **kw)
