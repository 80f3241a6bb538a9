"""Tests for course_utils.models: shapes and parameter counts per layer, options, bad input."""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import models  # noqa: E402

LENET_ROWS = {  # name: (output shape, params) — the slide table (figure 16)
    "C1": ((28, 28, 6), 156),
    "S2": ((14, 14, 6), 0),
    "C3": ((10, 10, 16), 2416),
    "S4": ((5, 5, 16), 0),
    "C5": ((1, 1, 120), 48120),
    "F6": ((84,), 10164),
    "OUTPUT": ((10,), 850),
}

ALEXNET_ROWS = {  # name: (output shape, params single tower, params groups=2) — figure 18
    "conv1": ((55, 55, 96), 34944, 34944),
    "pool1": ((27, 27, 96), 0, 0),
    "conv2": ((27, 27, 256), 614656, 307456),
    "pool2": ((13, 13, 256), 0, 0),
    "conv3": ((13, 13, 384), 885120, 885120),
    "conv4": ((13, 13, 384), 1327488, 663936),
    "conv5": ((13, 13, 256), 884992, 442624),
    "pool5": ((6, 6, 256), 0, 0),
    "fc6": ((4096,), 37752832, 37752832),
    "fc7": ((4096,), 16781312, 16781312),
    "fc8": ((1000,), 4097000, 4097000),
}


def test_lenet5_matches_slide_table():
    model = models.lenet5()
    table = models.layer_table(model)
    assert table.names == ["input", "C1", "S2", "C3", "S4", "C5", "flatten", "F6", "OUTPUT"]
    for name, (shape, params) in LENET_ROWS.items():
        assert table[name]["output_shape"] == shape, name
        assert table[name]["params"] == params, name
    assert table.total_params == model.count_params() == 61706
    assert table["S2"]["type"] == "AveragePooling2D"
    assert model.get_layer("C1").get_config()["activation"] == "tanh"


def test_lenet5_modern_variant_and_forward_pass():
    model = models.lenet5(activation="relu", pooling="max")
    assert type(model.get_layer("S4")).__name__ == "MaxPooling2D"
    assert model.get_layer("F6").get_config()["activation"] == "relu"
    assert model.count_params() == 61706
    out = np.asarray(model(np.zeros((3, 32, 32, 1), "float32")))
    assert out.shape == (3, 10)
    np.testing.assert_allclose(out.sum(axis=1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"input_shape": (28, 28, 1)}, ValueError),
        ({"input_shape": (32, 32)}, ValueError),
        ({"input_shape": 32}, TypeError),
        ({"num_classes": 1}, ValueError),
        ({"num_classes": 2.5}, ValueError),
        ({"activation": "swish!"}, ValueError),
        ({"pooling": "min"}, ValueError),
    ],
)
def test_lenet5_bad_arguments(kwargs, error):
    with pytest.raises(error):
        models.lenet5(**kwargs)


def test_simplified_lenet_shapes():
    table = models.layer_table(models.simplified_lenet())
    assert table["conv1"]["output_shape"] == (24, 24, 20)
    assert table["pool1"]["output_shape"] == (12, 12, 20)
    assert table["conv2"]["output_shape"] == (8, 8, 50)
    assert table["pool2"]["output_shape"] == (4, 4, 50)
    assert table["fc1"]["params"] == 4 * 4 * 50 * 256 + 256
    assert table.total_params == 520 + 25050 + 205056 + 2570 == 233196
    padded = models.simplified_lenet(input_shape=(32, 32, 1))
    assert padded.get_layer("pool2").output.shape[1:] == (5, 5, 50)
    with pytest.raises(ValueError):
        models.simplified_lenet(dense_units=0)
    with pytest.raises(ValueError):
        models.simplified_lenet(input_shape=(8, 8, 1))


@pytest.mark.parametrize("groups", [1, 2])
def test_alexnet_matches_paper(groups):
    model = models.alexnet(groups=groups)
    table = models.layer_table(model)
    for name, (shape, single, split) in ALEXNET_ROWS.items():
        assert table[name]["output_shape"] == shape, name
        assert table[name]["params"] == (single if groups == 1 else split), name
    expected = 62_378_344 if groups == 1 else 60_965_224
    assert table.total_params == model.count_params() == expected
    assert table["input"]["output_shape"] == (227, 227, 3)
    assert table["drop6"]["type"] == "Dropout"
    assert "groups" not in table.names


def test_alexnet_normalization_options():
    lrn = models.alexnet(normalization="lrn")
    assert type(lrn.get_layer("norm1")).__name__ == "LocalResponseNormalization"
    assert lrn.count_params() == 62_378_344  # LRN has no weights
    names = [layer.name for layer in lrn.layers]
    assert names.index("conv1") < names.index("norm1") < names.index("pool1")
    bn = models.alexnet(normalization="batch")
    assert bn.get_layer("norm2").count_params() == 4 * 256
    assert bn.get_layer("norm2").momentum == 0.9
    plain = models.alexnet(dropout=0)
    assert "drop6" not in [layer.name for layer in plain.layers]


def test_alexnet_batch_norm_on_every_layer():
    model = models.alexnet((32, 32, 3), 8, width=0.125, normalization="batch_all")
    names = [layer.name for layer in model.layers]
    for i, layer in zip((1, 2, 3, 4, 5, 6, 7), ("conv1", "conv2", "conv3", "conv4", "conv5", "fc6",
                                                  "fc7"), strict=True):  # fmt: skip
        assert names.index(layer) + 1 == names.index(f"bn{i}")
        assert names.index(f"bn{i}") + 1 == names.index(f"relu{i}")
        assert model.get_layer(layer).use_bias is False
        assert model.get_layer(layer).activation.__name__ == "linear"
        assert model.get_layer(f"bn{i}").momentum == 0.9
    assert "norm1" not in names and model.get_layer("fc8").activation.__name__ == "softmax"
    # one bias per unit replaced by BN's 4 numbers (2 trainable) per channel
    plain = models.alexnet((32, 32, 3), 8, width=0.125)
    bn_params = sum(model.get_layer(f"bn{i}").count_params() for i in range(1, 8))
    biases = sum(plain.get_layer(n).bias.shape[0] for n in names if n[:2] in ("co", "fc")
                 and n != "fc8")  # fmt: skip
    assert model.count_params() == plain.count_params() - biases + bn_params
    out = model(np.zeros((2, 32, 32, 3), "float32"), training=False)
    assert out.shape == (2, 8)


def test_lrn_layer_matches_formula():
    x = np.random.default_rng(0).normal(size=(1, 2, 2, 7)).astype("float32")
    y = np.asarray(models.LocalResponseNormalization()(x))
    c = 3
    window = (x[..., c - 2 : c + 3] ** 2).sum(-1)
    np.testing.assert_allclose(y[..., c], x[..., c] / (2 + 1e-4 * window) ** 0.75, rtol=1e-5)
    with pytest.raises(ValueError):
        models.LocalResponseNormalization(depth_radius=-1)
    with pytest.raises(ValueError):
        models.LocalResponseNormalization(beta=-0.5)


@pytest.mark.parametrize("size", [32, 64])
def test_alexnet_scaled_down_trains_on_small_images(size):
    model = models.alexnet((size, size, 3), num_classes=5, width=0.25, groups=2,
                           normalization="lrn")  # fmt: skip
    table = models.layer_table(model)
    assert table["conv1"]["output_shape"][-1] == 24
    assert table["fc6"]["output_shape"] == (1024,)
    assert table["fc8"]["output_shape"] == (5,)
    assert table["conv2"]["output_shape"][-1] % 2 == 0
    model.compile("adam", "sparse_categorical_crossentropy")
    x = np.zeros((4, size, size, 3), "float32")
    model.fit(x, np.arange(4) % 5, epochs=1, verbose=0)
    assert model.predict(x, verbose=0).shape == (4, 5)


def test_alexnet_initializer():
    model = models.alexnet((32, 32, 3), 10, width=0.25, initializer="glorot_uniform")
    assert type(model.get_layer("conv3").kernel_initializer).__name__ == "GlorotUniform"
    he = models.alexnet((32, 32, 3), 10, width=0.25)
    assert type(he.get_layer("fc6").kernel_initializer).__name__ == "HeNormal"
    with pytest.raises(TypeError):
        models.alexnet(initializer=3)


def test_alexnet_geometry():
    assert models.alexnet_geometry(227) == (11, 4)
    assert models.alexnet_geometry(64) == (7, 2)
    assert models.alexnet_geometry(32) == (5, 1)
    assert models.alexnet_geometry(128) == (11, 4)
    with pytest.raises(ValueError):
        models.alexnet_geometry(0)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"width": 0},
        {"width": "half"},
        {"groups": 3},
        {"normalization": "layer"},
        {"dropout": 1.0},
        {"activation": "nope"},
        {"num_classes": 0},
        {"input_shape": (16, 16, 3)},
        {"input_shape": (64, 64, 3), "conv1_kernel": 11, "conv1_stride": 4},
        {"conv1_stride": 0},
        {"initializer": "no_such_initializer"},
    ],
)
def test_alexnet_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        models.alexnet(**kwargs)


def test_layer_table_rendering_and_errors():
    table = models.layer_table(models.lenet5())
    text = str(table)
    assert "C5" in text and "48,120" in text and "61,706" in text
    assert text == repr(table) == table.to_text()
    assert "<table>" in table._repr_html_()
    assert table["C1"]["activations"] == 28 * 28 * 6
    assert table["C1"]["activation_bytes"] == 28 * 28 * 6 * 4
    assert table.total_activations == sum(r["activations"] for r in table)
    assert table[0]["name"] == "input" and len(table) == 9
    with pytest.raises(KeyError):
        table["C7"]
    with pytest.raises(TypeError):
        models.layer_table("lenet")
    unbuilt = keras.Sequential([keras.layers.Dense(3)])
    with pytest.raises(ValueError):
        models.layer_table(unbuilt)


def test_layer_table_handles_global_pooling():
    import keras

    model = keras.Sequential(
        [keras.Input((8, 8, 3)), keras.layers.Conv2D(4, 3), keras.layers.GlobalAveragePooling2D()]
    )
    table = models.layer_table(model)
    assert "global" in str(table) and table.total_params == 3 * 3 * 3 * 4 + 4
