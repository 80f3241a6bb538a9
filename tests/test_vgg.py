"""Tests for notebook 06's helpers: the VGG builders (figure 20), layer costs and memory
(figure 21), and course_utils.transfer (few-label subsets, heads, BatchNorm freezing, the
cats-vs-dogs download path with a mocked ``get_file``)."""

from __future__ import annotations

import zipfile

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import models, transfer  # noqa: E402

# Figure 20 (seed 004): weights per layer, without biases, as on the slide.
VGG16_WEIGHTS = {
    "block1_conv1": 1_728, "block1_conv2": 36_864,
    "block2_conv1": 73_728, "block2_conv2": 147_456,
    "block3_conv1": 294_912, "block3_conv2": 589_824, "block3_conv3": 589_824,
    "block4_conv1": 1_179_648, "block4_conv2": 2_359_296, "block4_conv3": 2_359_296,
    "block5_conv1": 2_359_296, "block5_conv2": 2_359_296, "block5_conv3": 2_359_296,
    "fc1": 102_760_448, "fc2": 16_777_216, "predictions": 4_096_000,
}  # fmt: skip

# Figure 21 (seed 004): output floats per layer as written on the slide (rounded), input first.
SLIDE_MEMORY = [150e3, 3.2e6, 3.2e6, 800e3, 1.6e6, 1.6e6, 400e3, 800e3, 800e3, 800e3,
                200e3, 400e3, 400e3, 400e3, 100e3, 100e3, 100e3, 100e3, 25e3, 4096, 4096,
                1000]  # fmt: skip


@pytest.fixture(scope="module")
def vgg16_model():
    return models.vgg16()


def test_vgg16_per_layer_params_match_figure_20(vgg16_model):
    table = models.layer_table(vgg16_model)
    for name, weights in VGG16_WEIGHTS.items():
        layer = vgg16_model.get_layer(name)
        units = layer.get_config().get("filters") or layer.get_config()["units"]
        assert table[name]["params"] == weights + units, name  # weights + one bias per unit
    assert sum(VGG16_WEIGHTS.values()) == 138_344_128  # "138M" on the slide: weights only
    assert table.total_params == vgg16_model.count_params() == 138_357_544


def test_vgg16_shapes_and_names(vgg16_model):
    table = models.layer_table(vgg16_model)
    assert table["block1_conv2"]["output_shape"] == (224, 224, 64)
    assert table["block3_pool"]["output_shape"] == (28, 28, 256)
    assert table["block5_pool"]["output_shape"] == (7, 7, 512)
    assert table["predictions"]["output_shape"] == (1000,)
    convs = [n for n in table.names if "conv" in n]
    assert len(convs) == 13 and convs[-1] == "block5_conv3"
    for name in convs:
        cfg = vgg16_model.get_layer(name).get_config()
        assert cfg["kernel_size"] == (3, 3) and cfg["strides"] == (1, 1)
        assert cfg["padding"] == "same" and cfg["activation"] == "relu"


@pytest.mark.parametrize("depth, total, base", [(16, 138_357_544, 14_714_688),
                                                (19, 143_667_240, 20_024_384)])
def test_builders_equal_keras_applications(depth, total, base):
    ours = getattr(models, f"vgg{depth}")()
    theirs = getattr(keras.applications, f"VGG{depth}")(weights=None)
    assert [layer.name for layer in ours.layers] == [layer.name for layer in theirs.layers[1:]]
    for a, b in zip(ours.layers, theirs.layers[1:], strict=True):
        assert a.count_params() == b.count_params(), a.name
    assert ours.count_params() == theirs.count_params() == total
    assert getattr(models, f"vgg{depth}")(include_top=False).count_params() == base
    # the same weights give the same outputs: the architectures are identical
    small = getattr(models, f"vgg{depth}")((32, 32, 3), include_top=False)
    ref = getattr(keras.applications, f"VGG{depth}")(weights=None, include_top=False,
                                                      input_shape=(32, 32, 3))  # fmt: skip
    small.set_weights(ref.get_weights())
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    np.testing.assert_allclose(np.asarray(small(x)), np.asarray(ref(x)), rtol=1e-4, atol=1e-4)


def test_vgg_small_inputs_and_classes():
    m = models.vgg16((64, 64, 3), num_classes=10)
    assert m.outputs[0].shape[1:] == (10,)
    assert m.get_layer("fc1").count_params() == 2 * 2 * 512 * 4096 + 4096
    base = models.vgg19((48, 48, 1), include_top=False)
    assert base.outputs[0].shape[1:] == (1, 1, 512) and base.name == "vgg19_base"


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"input_shape": (16, 16, 3)}, ValueError),
        ({"input_shape": (224, 224)}, ValueError),
        ({"input_shape": 224}, TypeError),
        ({"num_classes": 1}, ValueError),
        ({"num_classes": "10"}, ValueError),
        ({"include_top": "yes"}, TypeError),
    ],
)
def test_vgg_bad_arguments(kwargs, error):
    with pytest.raises(error):
        models.vgg16(**kwargs)
    with pytest.raises(error):
        models.vgg19(**kwargs)


def test_memory_matches_figure_21(vgg16_model):
    table = models.layer_table(vgg16_model)
    outputs = [r["activations"] for r in table if r["type"] != "Flatten"]
    assert len(outputs) == len(SLIDE_MEMORY) == 22
    for exact, slide in zip(outputs, SLIDE_MEMORY, strict=True):
        # the slide rounds 150,528 to 150K, 3,211,264 to 3.2M …
        assert abs(exact - slide) / slide < 0.06
    assert sum(outputs) == 15_237_608  # ≈ 15.2M floats ≈ 61 MB, not the slide's "24M"
    assert round(sum(SLIDE_MEMORY) / 1e6, 1) == 15.2
    assert table.total_activations - sum(outputs) == 25_088  # Flatten is a copy of block5_pool


def test_layer_costs_macs(vgg16_model):
    costs = models.layer_costs(vgg16_model)
    assert costs["block1_conv1"]["macs"] == 224 * 224 * 64 * 3 * 3 * 3
    assert costs["fc1"]["macs"] == 25_088 * 4096
    assert costs["block1_pool"]["macs"] == 0
    assert costs.total_macs == 15_470_264_320 and costs.total_flops == 2 * costs.total_macs
    assert costs.total_params == 138_357_544
    text = costs.to_text()
    assert "MACs" in text and "15,470.3M" in text and "block5_conv3" in text
    assert text == str(costs)
    assert "<th>MACs</th>" in costs._repr_html_()
    grouped = models.layer_costs(models.alexnet(groups=2))
    assert grouped["conv2"]["macs"] == 27 * 27 * 256 * 5 * 5 * 96 // 2


def test_training_memory():
    mem = models.training_memory(100, 1000, batch_size=8)
    assert mem == {"weights": 400, "gradients": 400, "optimizer": 800, "activations": 32_000,
                   "activation_gradients": 32_000, "total": 65_600}  # fmt: skip
    assert models.training_memory(10, 10, optimizer_slots=0, bytes_per_float=2)["total"] == 80
    for kwargs in ({"params": -1}, {"batch_size": 0}, {"optimizer_slots": -1}):
        with pytest.raises(ValueError):
            models.training_memory(**{"params": 1, "activations_per_image": 1, **kwargs})
    with pytest.raises(TypeError):
        models.training_memory(1.5, 10)
    with pytest.raises(TypeError):
        models.training_memory(True, 10)


# --------------------------------------------------------------------------- transfer helpers


def test_to_rgb():
    x = np.zeros((5, 28, 28), np.uint8)
    x[:, 10:18, 10:18] = 255
    out = transfer.to_rgb(x, 56)
    assert out.shape == (5, 56, 56, 3) and out.dtype == np.float32
    assert out.min() >= 0 and out.max() <= 255 and out[0, 28, 28, 0] == pytest.approx(255)
    np.testing.assert_array_equal(out[..., 0], out[..., 2])
    assert transfer.to_rgb(x[0], 32).shape == (1, 32, 32, 3)
    assert transfer.to_rgb(np.zeros((2, 8, 8, 3), np.uint8), 16).shape == (2, 16, 16, 3)
    with pytest.raises(ValueError):
        transfer.to_rgb(x, 0)
    with pytest.raises(ValueError):
        transfer.to_rgb(np.zeros((2, 8, 8, 2)), 16)
    with pytest.raises(TypeError):
        transfer.to_rgb("image", 16)


def test_balanced_subset():
    y = np.repeat(np.arange(4), 25)
    idx = transfer.balanced_subset(y, 20, seed=1)
    assert len(idx) == 20 and len(set(idx)) == 20
    assert np.bincount(y[idx]).tolist() == [5, 5, 5, 5]
    assert not np.array_equal(np.sort(idx), np.sort(transfer.balanced_subset(y, 20, seed=2)))
    np.testing.assert_array_equal(idx, transfer.balanced_subset(y, 20, seed=1))
    with pytest.raises(ValueError):
        transfer.balanced_subset(y, 21)  # not a multiple of the 4 classes
    with pytest.raises(ValueError):
        transfer.balanced_subset(y, 200)  # more than there are
    with pytest.raises(ValueError):
        transfer.balanced_subset(y, 0)


@pytest.fixture(scope="module")
def small_base():
    return models.vgg16((32, 32, 3), include_top=False)


def test_extract_features_caches(small_base):
    x = np.random.default_rng(0).uniform(0, 255, (6, 32, 32, 3)).astype("float32")
    transfer.clear_feature_cache()
    feats = transfer.extract_features(small_base, x, ["block3_pool", "block5_pool"])
    assert feats["block3_pool"].shape == (6, 4, 4, 256)
    assert feats["block5_pool"].shape == (6, 1, 1, 512)
    again = transfer.extract_features(small_base, x, ["block3_pool", "block5_pool"])
    assert again["block3_pool"] is feats["block3_pool"]  # served from the cache
    assert transfer.feature_cache_info()["hits"] == 1
    direct = keras.Model(small_base.inputs[0], small_base.get_layer("block3_pool").output)(x)
    np.testing.assert_allclose(feats["block3_pool"], np.asarray(direct), rtol=1e-4, atol=1e-3)
    with pytest.raises(ValueError):
        transfer.extract_features(small_base, x, ["no_such_layer"])
    with pytest.raises(ValueError):
        transfer.extract_features(small_base, x, [])
    with pytest.raises(TypeError):
        transfer.extract_features("vgg", x, ["block3_pool"])


def test_add_head_and_summary(small_base):
    model = transfer.add_head(small_base, 7)
    assert small_base.trainable is False
    out, trainable, frozen = transfer.head_summary(model)
    assert out == 7 and trainable == 512 * 7 + 7 and frozen == small_base.count_params()
    assert model.predict(np.zeros((2, 32, 32, 3), "float32"), verbose=0).shape == (2, 7)
    with pytest.raises(ValueError):
        transfer.add_head(small_base, 1)
    with pytest.raises(TypeError):
        transfer.head_summary("model")


def test_unfreeze_top(small_base):
    model = transfer.add_head(small_base, 3)
    n = transfer.unfreeze_top(small_base, "block5")
    assert n == 3
    trainable = {layer.name for layer in small_base.layers if layer.trainable}
    assert trainable == {"block5_conv1", "block5_conv2", "block5_conv3", "block5_pool"}
    _, t, _ = transfer.head_summary(model)
    assert t == 3 * 2_359_808 + 512 * 3 + 3
    with pytest.raises(ValueError):
        transfer.unfreeze_top(small_base, "block9")


def _bn_model():
    inp = keras.Input((8, 8, 3))
    x = keras.layers.Conv2D(4, 3, name="conv")(inp)
    x = keras.layers.BatchNormalization(name="bn")(x)
    base = keras.Model(inp, x)
    inputs = keras.Input((8, 8, 3))
    y = base(inputs, training=False)
    y = keras.layers.GlobalAveragePooling2D()(y)
    model = keras.Model(inputs, keras.layers.Dense(2)(y))
    return base, model


def test_batchnorm_trap_and_fix():
    base, model = _bn_model()
    x = np.random.default_rng(0).normal(3, 2, (16, 8, 8, 3)).astype("float32")
    y = np.arange(16) % 2
    base.trainable = True
    model.compile(keras.optimizers.SGD(0.0), keras.losses.SparseCategoricalCrossentropy(True))
    before = transfer.batchnorm_moving_means(base)
    model.fit(x, y, epochs=1, verbose=0)
    change = transfer.max_change(before, transfer.batchnorm_moving_means(base))
    assert change > 1e-3  # Keras 3: training=False at call time does not protect the statistics
    assert transfer.freeze_batchnorm(base) == 1
    assert base.get_layer("conv").trainable and not base.get_layer("bn").trainable
    model.compile(keras.optimizers.SGD(0.0), keras.losses.SparseCategoricalCrossentropy(True))
    before = transfer.batchnorm_moving_means(base)
    model.fit(x, y, epochs=1, verbose=0)
    assert transfer.max_change(before, transfer.batchnorm_moving_means(base)) == 0.0
    with pytest.raises(TypeError):
        transfer.freeze_batchnorm(3)
    with pytest.raises(ValueError):
        transfer.max_change({"a": np.zeros(2)}, {"b": np.zeros(2)})


def _fake_cats_and_dogs(tmp_path):
    """A zip laid out like TensorFlow's cats_and_dogs_filtered.zip, with tiny JPEGs."""
    from PIL import Image

    src = tmp_path / "src" / "cats_and_dogs_filtered"
    for split in ("train", "validation"):
        for cls in ("cats", "dogs"):
            folder = src / split / cls
            folder.mkdir(parents=True)
            for i in range(3):
                colour = (200, 50, 50) if cls == "cats" else (50, 50, 200)
                Image.new("RGB", (40 + i, 30), colour).save(folder / f"{cls}.{i}.jpg")
    archive = tmp_path / "cats_and_dogs_filtered.zip"
    with zipfile.ZipFile(archive, "w") as z:
        for path in src.rglob("*.jpg"):
            z.write(path, path.relative_to(src.parent))
    return archive


def test_load_cats_and_dogs_with_mocked_download(tmp_path, monkeypatch):
    archive = _fake_cats_and_dogs(tmp_path)
    calls = []

    def fake_get_file(fname, origin, extract=False, cache_dir=None, **kwargs):
        calls.append((fname, origin, extract))
        out = tmp_path / "cache" / "datasets" / (fname + "_extracted")
        with zipfile.ZipFile(archive) as z:
            z.extractall(out)
        return str(out)

    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    monkeypatch.setattr(keras.utils, "get_file", fake_get_file)
    train, val, names = transfer.load_cats_and_dogs(image_size=32, batch_size=4, verbose=False)
    assert calls and calls[0][1] == transfer.CATS_AND_DOGS_URL and calls[0][2] is True
    assert names == ("cats", "dogs")
    xb, yb = next(iter(train))
    assert tuple(xb.shape[1:]) == (32, 32, 3) and xb.shape[0] == 4
    assert float(np.max(xb)) <= 255.0 and set(np.asarray(yb).tolist()) <= {0, 1}
    assert sum(int(b[0].shape[0]) for b in val) == 6


def test_load_cats_and_dogs_offline_is_clear(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "1")

    def no_download(*args, **kwargs):  # pragma: no cover - must not be called
        raise AssertionError("get_file called offline")

    monkeypatch.setattr(keras.utils, "get_file", no_download)
    with pytest.raises(transfer.DownloadUnavailableError, match="offline"):
        transfer.load_cats_and_dogs(verbose=False)
    with pytest.raises(ValueError):
        transfer.load_cats_and_dogs(image_size=8)


def test_googlenet_figure_22():
    g = models.googlenet()
    costs = models.layer_costs(g)
    assert g.count_params() == costs.total_params == 6_998_552
    assert costs["inception_3a"]["output_shape"] == (28, 28, 256)
    assert costs["inception_5b"]["output_shape"] == (7, 7, 1024)
    assert costs["fc"]["params"] == 1024 * 1000 + 1000
    assert 1.5e9 < costs.total_macs < 1.7e9
    alexnet = models.alexnet().count_params()
    assert 8.5 < alexnet / g.count_params() < 9.5  # the slide's "12x" is 60M / 5M, rounded
    assert models.googlenet((64, 64, 3), 10).outputs[0].shape[1:] == (10,)
    with pytest.raises(ValueError):
        models.googlenet((16, 16, 3))


def test_conv_params():
    assert models.conv_params(3, 3, 64) == 1_792
    assert models.conv_params(3, 512, 512, bias=False) == 2_359_296
    model = models.vgg16((32, 32, 3), include_top=False)
    assert models.conv_params(3, 256, 512) == model.get_layer("block4_conv1").count_params()
    for bad in ((0, 3, 3), (3, 2.5, 3), (3, 3, True)):
        with pytest.raises(ValueError):
            models.conv_params(*bad)
