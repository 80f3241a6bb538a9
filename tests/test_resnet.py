"""Tests for the ResNet section of course_utils.models (notebook 07).

Per-block shapes, parameter counts (ResNet-50 against keras.applications, CIFAR ResNet-20 ≈ 0.27M
as in He et al. 2015), identity vs projection shortcuts, plain nets, the block-parameter
formulas, FLOPs, the residual-block exercise checker and bad arguments.
"""

from __future__ import annotations

import numpy as np
import pytest

keras = pytest.importorskip("keras")

from course_utils import models  # noqa: E402


def _types(model) -> dict[str, str]:
    return {layer.name: type(layer).__name__ for layer in model.layers}


# --------------------------------------------------------------------------- CIFAR style


@pytest.mark.parametrize("depth", [20, 32, 44, 56])
def test_cifar_resnets_have_6n_plus_2_weighted_layers(depth):
    model = models.resnet(depth)
    kinds = [type(layer).__name__ for layer in model.layers]
    shortcuts = sum(layer.name.endswith("shortcut_conv") for layer in model.layers)
    assert kinds.count("Conv2D") - shortcuts + kinds.count("Dense") == depth
    n = (depth - 2) // 6
    assert len(model.blocks) == 3 * n
    assert model.output.shape[1:] == (10,)


def test_resnet20_block_shapes_and_paper_parameter_count():
    model = models.resnet(20)
    shapes = {name: tuple(model.get_layer(name).output.shape[1:]) for name in model.blocks}
    for b in (1, 2, 3):
        assert shapes[f"stage1_block{b}_out"] == (32, 32, 16)
        assert shapes[f"stage2_block{b}_out"] == (16, 16, 32)
        assert shapes[f"stage3_block{b}_out"] == (8, 8, 64)
    # He et al. 2015, Table 6: ResNet-20 has 0.27M parameters (option A shortcuts).
    paper = models.resnet(20, shortcut="zeropad")
    trainable = sum(int(np.prod(w.shape)) for w in paper.trainable_weights)
    assert trainable == 269_722
    assert abs(trainable - 0.27e6) / 0.27e6 < 0.01
    # Projections (option B) add two 1x1 convs + BN: 16·32 + 32·64 weights, 4·(32 + 64) BN.
    assert model.count_params() - paper.count_params() == 16 * 32 + 32 * 64 + 4 * (32 + 64)
    assert model.count_params() == 274_042


def test_paper_table6_parameter_counts():
    paper = {20: 0.27e6, 32: 0.46e6, 44: 0.66e6, 56: 0.85e6, 110: 1.7e6}
    for depth, count in paper.items():
        model = models.resnet(depth, shortcut="zeropad")
        trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
        assert abs(trainable - count) / count < 0.03, (depth, trainable)


def test_identity_shortcut_when_shapes_agree_projection_when_they_change():
    model = models.resnet(20)
    names = {layer.name for layer in model.layers}
    for stage in (2, 3):
        assert f"stage{stage}_block1_shortcut_conv" in names
        conv = model.get_layer(f"stage{stage}_block1_shortcut_conv")
        assert conv.kernel_size == (1, 1) and conv.strides == (2, 2)
        assert f"stage{stage}_block2_shortcut_conv" not in names
    assert "stage1_block1_shortcut_conv" not in names
    # identity: the Add layer's second input is the previous block's output tensor itself
    add = model.get_layer("stage1_block2_add")
    assert add.input[1] is model.get_layer("stage1_block1_out").output
    assert _types(model)["stage2_block1_add"] == "Add"


def test_zeropad_shortcut_has_no_parameters_and_right_shape():
    model = models.resnet(20, shortcut="zeropad")
    pad = model.get_layer("stage2_block1_shortcut_pad")
    assert pad.count_params() == 0
    assert tuple(pad.output.shape[1:]) == (16, 16, 32)
    x = np.random.default_rng(0).normal(size=(2, 32, 32, 3)).astype("float32")
    probs = np.asarray(model(x))
    assert probs.shape == (2, 10) and np.allclose(probs.sum(axis=1), 1, atol=1e-5)


def test_plain_net_has_same_layers_without_shortcuts():
    res, plain = models.resnet(20), models.resnet(20, plain=True)
    assert not any(type(layer).__name__ == "Add" for layer in plain.layers)
    assert not any("shortcut" in layer.name for layer in plain.layers)
    res_convs = [ly.name for ly in res.layers if type(ly).__name__ == "Conv2D"]
    plain_convs = [ly.name for ly in plain.layers if type(ly).__name__ == "Conv2D"]
    assert plain_convs == [n for n in res_convs if "shortcut" not in n]
    assert plain.count_params() == models.resnet(20, shortcut="zeropad").count_params()
    assert plain.name == "plain20" and res.name == "resnet20"


def test_no_batchnorm_gives_biases_and_no_bn_layers():
    model = models.resnet(8, use_batchnorm=False, width=8, input_shape=(28, 28, 1))
    assert not any(type(layer).__name__ == "BatchNormalization" for layer in model.layers)
    assert model.get_layer("stem_conv").use_bias
    assert not models.resnet(8, width=8, input_shape=(28, 28, 1)).get_layer("stem_conv").use_bias


def test_small_grayscale_input_and_width():
    model = models.resnet(8, input_shape=(14, 14, 1), width=8, num_classes=5)
    assert tuple(model.get_layer("stage3_block1_out").output.shape[1:]) == (4, 4, 32)
    assert model.output.shape[1:] == (5,)


def test_zero_init_blocks_start_as_identity():
    inp = keras.Input((8, 8, 16))
    out = models.residual_block(inp, 16, zero_init=True, name="b")
    block = keras.Model(inp, out)
    x = np.random.default_rng(1).uniform(0, 1, (3, 8, 8, 16)).astype("float32")
    assert np.allclose(np.asarray(block(x, training=False)), x, atol=1e-6)
    inp = keras.Input((8, 8, 16))
    out = models.residual_block(inp, 16, zero_init=True, use_batchnorm=False, name="b")
    assert np.allclose(np.asarray(keras.Model(inp, out)(x)), x, atol=1e-6)


def test_residual_block_layer_names_and_bottleneck_shapes():
    inp = keras.Input((16, 16, 64))
    out = models.residual_block(inp, 32, 2, bottleneck=True, name="blk")
    model = keras.Model(inp, out)
    assert tuple(out.shape[1:]) == (8, 8, 128)
    conv1 = model.get_layer("blk_conv1")
    assert conv1.kernel_size == (1, 1) and conv1.strides == (2, 2)  # stride on the first 1x1
    assert model.get_layer("blk_conv2").kernel_size == (3, 3)
    assert model.get_layer("blk_shortcut_conv").filters == 128
    assert model.count_params() == models.bottleneck_block_params(64, 32, 2)


# --------------------------------------------------------------------------- ImageNet style


def test_resnet50_matches_keras_applications():
    ours, ours_bias = models.resnet(50), models.resnet(50, conv_bias=True)
    ref = keras.applications.ResNet50(weights=None)
    # Keras' ResNet50 (v1) gives every convolution a bias although BN follows: exact match then.
    assert ours_bias.count_params() == ref.count_params() == 25_636_712
    ref_biases = sum(
        int(layer.bias.shape[0])
        for layer in ref.layers
        if type(layer).__name__ == "Conv2D" and layer.use_bias
    )
    assert ours.count_params() == ref.count_params() - ref_biases == 25_610_152
    trainable = sum(int(np.prod(w.shape)) for w in ours.trainable_weights)
    assert trainable == 25_557_032  # the familiar "25.6M" (torchvision's count)
    # same stage outputs as Keras' conv2..conv5 blocks
    for stage, ref_name in zip((1, 2, 3, 4), ("conv2", "conv3", "conv4", "conv5"), strict=True):
        last = [n for n in ours.blocks if n.startswith(f"stage{stage}_")][-1]
        ref_last = [ly.name for ly in ref.layers if ly.name.startswith(ref_name)][-1]
        assert ours.get_layer(last).output.shape[1:] == ref.get_layer(ref_last).output.shape[1:]


@pytest.mark.parametrize(
    ("depth", "params", "blocks"),
    [(18, 11_689_512, 8), (34, 21_797_672, 16)],
)
def test_resnet18_34_trainable_counts(depth, params, blocks):
    model = models.resnet(depth)
    trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    assert trainable == params  # torchvision's resnet18/resnet34 counts
    assert len(model.blocks) == blocks
    assert tuple(model.get_layer(model.blocks[-1]).output.shape[1:]) == (7, 7, 512)


def test_conv_flops_resnet50_and_resnet20():
    # He et al.: ResNet-50 has 3.8e9 FLOPs (multiply-adds); ResNet-20 about 41M.
    assert abs(models.conv_flops(models.resnet(50)) - 3.8e9) / 3.8e9 < 0.03
    assert models.conv_flops(models.resnet(20)) == 40_813_184
    layers = keras.layers
    tiny = keras.Sequential(
        [keras.Input((4, 4, 2)), layers.Conv2D(3, 3), layers.Flatten(), layers.Dense(5)]
    )
    assert models.conv_flops(tiny) == 2 * 2 * 3 * 9 * 2 + 12 * 5


# --------------------------------------------------------------------------- block formulas


def test_block_parameter_formulas_match_keras():
    for c_in, c_out, stride in [(16, 16, 1), (16, 32, 2), (8, 8, 1)]:
        inp = keras.Input((8, 8, c_in))
        model = keras.Model(inp, models.residual_block(inp, c_out, stride))
        assert model.count_params() == models.basic_block_params(c_in, c_out, stride)
    assert models.basic_block_params(16, 16, batchnorm=False) == 2 * 9 * 16 * 16
    for c_in, f, stride in [(64, 64, 1), (256, 64, 1), (256, 128, 2)]:
        inp = keras.Input((8, 8, c_in))
        model = keras.Model(inp, models.residual_block(inp, f, stride, bottleneck=True))
        assert model.count_params() == models.bottleneck_block_params(c_in, f, stride)


# --------------------------------------------------------------------------- exercise checker


def _good_block(x, filters, stride):
    return models.residual_block(x, filters, stride)


def _plain_block(x, filters, stride):
    return models.residual_block(x, filters, stride, plain=True)


def _zeropad_block(x, filters, stride):
    return models.residual_block(x, filters, stride, shortcut="zeropad")


def test_residual_block_check_accepts_the_reference(capsys):
    assert models.residual_block_check(_good_block)
    assert "correct" in capsys.readouterr().out


@pytest.mark.parametrize("wrong", [_plain_block, _zeropad_block])
def test_residual_block_check_rejects_wrong_blocks(wrong, capsys):
    assert not models.residual_block_check(wrong)
    assert "not yet" in capsys.readouterr().out


def test_residual_block_check_not_attempted_and_broken(capsys):
    assert not models.residual_block_check(...)
    assert "not attempted" in capsys.readouterr().out

    def stub(x, filters, stride): ...

    assert not models.residual_block_check(stub)
    assert "not attempted" in capsys.readouterr().out

    def broken(x, filters, stride):
        raise RuntimeError("oops")

    assert not models.residual_block_check(broken)
    assert "oops" in capsys.readouterr().out
    with pytest.raises(TypeError):
        models.residual_block_check(42)


# --------------------------------------------------------------------------- bad arguments


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"depth": 21}, ValueError),
        ({"depth": 2}, ValueError),
        ({"depth": 20.0}, TypeError),
        ({"depth": True}, TypeError),
        ({"depth": 26, "style": "imagenet"}, ValueError),
        ({"depth": 20, "style": "vgg"}, ValueError),
        ({"depth": 20, "shortcut": "dense"}, ValueError),
        ({"depth": 20, "width": 0}, ValueError),
        ({"depth": 20, "num_classes": 1}, ValueError),
        ({"depth": 20, "input_shape": (4, 4, 3)}, ValueError),
        ({"depth": 20, "input_shape": 32}, TypeError),
        ({"depth": 20, "plain": "yes"}, TypeError),
        ({"depth": 18, "input_shape": (16, 16, 3)}, ValueError),
    ],
)
def test_resnet_bad_arguments(kwargs, error):
    with pytest.raises(error):
        models.resnet(**kwargs)


def test_block_bad_arguments():
    inp = keras.Input((8, 8, 16))
    with pytest.raises(ValueError):
        models.residual_block(inp, 16, stride=3)
    with pytest.raises(ValueError):
        models.residual_block(inp, 0)
    with pytest.raises(ValueError):
        models.residual_block(inp, 16, shortcut="maybe")
    with pytest.raises(ValueError):
        models.residual_block(inp, 8, 2, shortcut="zeropad")  # cannot drop channels
    with pytest.raises(TypeError):
        models.residual_block(np.zeros(3), 16)
    with pytest.raises(ValueError):
        models.basic_block_params(16, 16, stride=4)
    with pytest.raises(ValueError):
        models.bottleneck_block_params(0, 16)
    with pytest.raises(TypeError):
        models.conv_flops("resnet")
