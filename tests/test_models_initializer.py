"""simplified_lenet's initializer option (notebook 05 compares ReLU + He with tanh + Glorot)."""

import pytest

from course_utils import models


def test_simplified_lenet_initializer():
    model = models.simplified_lenet((32, 32, 3), 8, initializer="he_normal")
    weighted = [layer for layer in model.layers if hasattr(layer, "kernel")]
    kinds = {type(layer.kernel_initializer).__name__ for layer in weighted}
    assert kinds == {"HeNormal"}
    default = models.simplified_lenet()
    assert type(default.get_layer("conv1").kernel_initializer).__name__ == "GlorotUniform"
    assert model.count_params() == models.simplified_lenet((32, 32, 3), 8).count_params()


def test_simplified_lenet_bad_initializer():
    with pytest.raises(TypeError):
        models.simplified_lenet(initializer=3)
    with pytest.raises(ValueError):
        models.simplified_lenet(initializer="no_such_initializer")
