"""Exercises of notebook 07: the residual-block checker accepts a right block and rejects the
typical wrong ones; the bottleneck count is checked beyond the lecture's ResNet-50 blocks."""

from __future__ import annotations

import pytest

keras = pytest.importorskip("keras")

from course_utils import models  # noqa: E402
from course_utils.exercises import catalogue, check, get  # noqa: E402


def _good_block(x, filters, stride):
    return models.residual_block(x, filters, stride)


def _plain_block(x, filters, stride):  # no shortcut at all
    return models.residual_block(x, filters, stride, plain=True)


def _zeropad_block(x, filters, stride):  # parameter-free shortcut: not what the exercise asks
    return models.residual_block(x, filters, stride, shortcut="zeropad")


def _project_only_on_stride(x, filters, stride):
    """Projects when the stride changes the size, but adds x itself when only channels change."""
    from keras import layers

    y = layers.Conv2D(filters, 3, strides=stride, padding="same", use_bias=False)(x)
    y = layers.ReLU()(layers.BatchNormalization()(y))
    y = layers.Conv2D(filters, 3, padding="same", use_bias=False)(y)
    y = layers.BatchNormalization()(y)
    shortcut = x
    if stride != 1:
        shortcut = layers.Conv2D(filters, 1, strides=stride, use_bias=False)(x)
        shortcut = layers.BatchNormalization()(shortcut)
    return layers.ReLU()(layers.Add()([y, shortcut]))


def _no_final_relu(x, filters, stride):
    """Right layers, but the block ends with the addition."""
    block = keras.Model(x, models.residual_block(x, filters, stride))
    return block.get_layer("block_add").output


def _with_biases(x, filters, stride):  # biases before BN: redundant parameters
    return models.residual_block(x, filters, stride, conv_bias=True)


def test_residual_block_entry_is_registered_for_notebook_07():
    ids = {e.id for e in catalogue("07_resnet")}
    assert ids == {"residual_block", "bottleneck_params"}
    assert get("residual_block").hint and get("bottleneck_params").hint


def test_residual_block_check_accepts_a_right_block(capsys):
    assert check("residual_block", _good_block)
    out = capsys.readouterr().out
    assert "correct" in out and "identity" in out


@pytest.mark.parametrize(
    "wrong", [_plain_block, _zeropad_block, _project_only_on_stride, _no_final_relu, _with_biases]
)
def test_residual_block_check_rejects_typical_mistakes(wrong, capsys):
    result = check("residual_block", wrong)
    assert not result and result.status == "wrong"
    assert "not yet" in capsys.readouterr().out


def test_residual_block_not_attempted_and_broken(capsys):
    assert check("residual_block", ...).status == "not attempted"

    def stub(x, filters, stride): ...

    assert check("residual_block", stub).status == "not attempted"

    def raises(x, filters, stride):
        raise NotImplementedError

    assert check("residual_block", raises).status == "not attempted"
    assert "not attempted" in capsys.readouterr().out

    def broken(x, filters, stride):
        raise RuntimeError("oops")

    assert check("residual_block", broken).status == "wrong"
    assert "oops" in capsys.readouterr().out
    assert check("residual_block", 42).status == "wrong"


def test_bottleneck_params_cases_go_beyond_the_lecture(capsys):
    cases = get("bottleneck_params").cases()
    lecture = {(64, 64, 1), (256, 64, 1), (256, 128, 2)}
    assert len(set(cases) - lecture) >= 4
    # the identity shortcut when c_in == 4 * filters, a projection once the stride is 2
    assert (20, 5, 1) in cases and (20, 5, 2) in cases


def test_bottleneck_params_rejects_typical_mistakes(capsys):
    def no_batchnorm(c_in, f, stride):
        total = c_in * f + 9 * f * f + f * 4 * f
        return total + (c_in * 4 * f if stride != 1 or c_in != 4 * f else 0)

    def always_projects(c_in, f, stride):
        return models.bottleneck_block_params(c_in, f, 2)

    def only_resnet50(c_in, f, stride):  # the lecture's numbers, hard-coded
        table = {(64, 64, 1): 75_008, (256, 64, 1): 71_168, (256, 128, 2): 381_952}
        return table.get((c_in, f, stride), 0)

    for wrong in (no_batchnorm, always_projects, only_resnet50):
        assert not check("bottleneck_params", wrong), wrong.__name__
    assert check("bottleneck_params", models.bottleneck_block_params)
