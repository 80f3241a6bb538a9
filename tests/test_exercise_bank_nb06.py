"""Notebook 06's exercises: typical wrong answers fail, right ones pass, stubs are not attempted."""

from __future__ import annotations

import pytest

from course_utils.exercise_bank import nb06_vgg_transfer_learning as bank
from course_utils.exercises import catalogue, check


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("keras")


def test_the_notebook_has_three_exercises():
    assert {e.id for e in catalogue("06_vgg_transfer_learning")} == {
        "conv_params", "add_head", "unfreeze_top"}  # fmt: skip


def test_conv_params_rejects_forgotten_bias_and_channels(capsys):
    def no_bias(kernel_size, c_in, c_out, bias=True):
        return kernel_size * kernel_size * c_in * c_out

    def no_c_in(kernel_size, c_in, c_out, bias=True):
        return kernel_size * kernel_size * c_out + (c_out if bias else 0)

    def vgg_only(kernel_size, c_in, c_out, bias=True):  # special-cases 3x3 with a bias
        return 9 * c_in * c_out + c_out

    assert not check("conv_params", no_bias)
    assert not check("conv_params", no_c_in)
    assert not check("conv_params", vgg_only)
    assert check("conv_params", bank._conv_params)
    assert "correct on all 8 test cases" in capsys.readouterr().out


def test_conv_params_stub_is_not_attempted(capsys):
    def conv_params(kernel_size, c_in, c_out, bias=True): ...

    assert check("conv_params", conv_params).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out


def test_add_head_example_passes_and_wrong_heads_fail(keras, capsys):
    from keras import layers

    assert check("add_head", bank._add_head_example())
    capsys.readouterr()

    def not_frozen(base, num_classes):
        inputs = keras.Input(base.inputs[0].shape[1:])
        x = layers.GlobalAveragePooling2D()(base(inputs))
        x = layers.Dropout(0.5)(x)
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

    def flatten_head(base, num_classes):  # Flatten instead of pooling: far more parameters
        base.trainable = False
        inputs = keras.Input(base.inputs[0].shape[1:])
        x = layers.Flatten()(base(inputs, training=False))
        x = layers.Dropout(0.5)(x)
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

    def no_softmax(base, num_classes):
        base.trainable = False
        inputs = keras.Input(base.inputs[0].shape[1:])
        x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
        x = layers.Dropout(0.5)(x)
        return keras.Model(inputs, layers.Dense(num_classes)(x))

    def no_dropout(base, num_classes):
        base.trainable = False
        inputs = keras.Input(base.inputs[0].shape[1:])
        x = layers.GlobalAveragePooling2D()(base(inputs, training=False))
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

    wrong_answers = ((not_frozen, "still trainable"), (flatten_head, "trainable and"),
                     (no_softmax, "not probabilities"), (no_dropout, "Dropout(0.5)"))  # fmt: skip
    for wrong, says in wrong_answers:
        assert not check("add_head", wrong)
        assert says in capsys.readouterr().out


def test_add_head_stubs_are_not_attempted(keras, capsys):
    def add_head(base, num_classes): ...

    def raises(base, num_classes):
        raise NotImplementedError

    for stub in (add_head, raises):
        assert check("add_head", stub).status == "not attempted"
    assert "TypeError" not in capsys.readouterr().out


def test_unfreeze_top_example_passes_and_wrong_answers_fail(keras, capsys):
    assert check("unfreeze_top", bank._unfreeze_example())
    capsys.readouterr()

    def base_left_frozen(base, block):
        for layer in base.layers:
            layer.trainable = layer.name.startswith(block + "_")

    def prefix_without_underscore(base, block):  # block1 also matches block10, block11
        base.trainable = True
        for layer in base.layers:
            layer.trainable = layer.name.startswith(block) and not isinstance(
                layer, keras.layers.BatchNormalization)

    def batchnorm_trainable(base, block):
        base.trainable = True
        for layer in base.layers:
            layer.trainable = layer.name.startswith(block + "_")

    for wrong, says in ((base_left_frozen, "still frozen"),
                        (prefix_without_underscore, "should stay frozen"),
                        (batchnorm_trainable, "BatchNormalization")):  # fmt: skip
        assert not check("unfreeze_top", wrong)
        assert says in capsys.readouterr().out


def test_unfreeze_top_stub_is_not_attempted(keras, capsys):
    def unfreeze_top(base, block): ...

    assert check("unfreeze_top", unfreeze_top).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out
