"""Notebook 08's exercises: right answers pass, typical wrong ones fail, stubs are not attempted."""

from __future__ import annotations

import numpy as np
import pytest

from course_utils.exercise_bank import nb08_style_transfer as bank
from course_utils.exercises import catalogue, check


@pytest.fixture(scope="module")
def keras():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("keras")


def test_the_notebook_has_four_exercises():
    ids = {e.id for e in catalogue("08_style_transfer")}
    assert ids == {"gram_matrix", "total_variation", "style_loss", "features_model"}


def _gram(a):
    h, w, c = a.shape
    f = a.reshape(h * w, c)
    return f.T @ f / (h * w)


def test_gram_matrix_accepts_the_formula_and_einsum(keras):
    assert check("gram_matrix", _gram)
    assert check(
        "gram_matrix", lambda a: np.einsum("ijk,ijl->kl", a, a) / (a.shape[0] * a.shape[1])
    )


@pytest.mark.parametrize(
    "wrong",
    [
        lambda a: a.reshape(-1, a.shape[-1]).T @ a.reshape(-1, a.shape[-1]),  # not divided
        lambda a: _gram(a) / a.shape[-1],  # divided by the channels too
        lambda a: (a.reshape(-1, a.shape[-1]) @ a.reshape(-1, a.shape[-1]).T) / a[..., 0].size,
        lambda a: np.cov(a.reshape(-1, a.shape[-1]).T),  # centred: a covariance
        lambda a: _gram(a[:, : a.shape[0]]) if a.shape[0] == a.shape[1] else _gram(a[:, :1]),
    ],
)
def test_gram_matrix_rejects_wrong_answers(keras, wrong):
    assert check("gram_matrix", wrong).status == "wrong"


def _tv(x):
    return np.mean((x[1:] - x[:-1]) ** 2) + np.mean((x[:, 1:] - x[:, :-1]) ** 2)


def test_total_variation(keras):
    assert check("total_variation", _tv)
    assert check("total_variation", lambda x: float(_tv(x.astype(np.float64))))


@pytest.mark.parametrize(
    "wrong",
    [
        lambda x: np.mean((x[1:] - x[:-1]) ** 2),  # one direction only
        lambda x: np.mean(np.abs(x[1:] - x[:-1])) + np.mean(np.abs(x[:, 1:] - x[:, :-1])),  # L1
        lambda x: np.sum((x[1:] - x[:-1]) ** 2) + np.sum((x[:, 1:] - x[:, :-1]) ** 2),  # sums
        lambda x: (np.sum((x[1:] - x[:-1]) ** 2) + np.sum((x[:, 1:] - x[:, :-1]) ** 2)) / x.size,
        lambda x: 2 * np.mean((x[1:] - x[:-1]) ** 2),  # right only for square images
    ],
)
def test_total_variation_rejects_wrong_answers(keras, wrong):
    assert check("total_variation", wrong).status == "wrong"


def test_style_loss(keras):
    assert check("style_loss", lambda s, g: np.mean((_gram(s) - _gram(g)) ** 2))
    wrongs = [
        lambda s, g: np.sum((_gram(s) - _gram(g)) ** 2),  # a sum, not a mean
        lambda s, g: np.mean((s.mean((0, 1)) - g.mean((0, 1))) ** 2),  # mean activations only
        lambda s, g: np.sqrt(np.mean((_gram(s) - _gram(g)) ** 2)),  # RMS
        lambda s, g: np.mean(np.abs(_gram(s) - _gram(g))),
    ]
    for wrong in wrongs:
        assert check("style_loss", wrong).status == "wrong"


def test_function_stubs_are_not_attempted(keras):
    def stub(*_): ...

    for exercise_id in ("gram_matrix", "total_variation", "style_loss", "features_model"):
        assert check(exercise_id, ...).status == "not attempted"
        assert check(exercise_id, stub).status == "not attempted"


def test_features_model_example_and_variants_pass(keras, capsys):
    assert check("features_model", bank._reference_features_model)

    def with_dict(base, names):
        return keras.Model(base.input, {n: base.get_layer(n).output for n in names})

    assert check("features_model", with_dict)
    assert "outputs of shapes" in capsys.readouterr().out


def test_features_model_rejects_wrong_answers(keras, capsys):
    def sorted_order(base, names):  # the network's order, not the one asked for
        return bank._reference_features_model(
            base, [n for n in ("conv_a", "conv_b", "pool", "conv_c") if n in names]
        )

    def last_only(base, names):
        return keras.Model(base.inputs, base.get_layer(names[-1]).output)

    def new_layers(base, names):  # fresh layers with the same names: other weights
        x = inputs = keras.Input((None, None, 3))
        outs = {}
        for layer in base.layers[1:5]:
            x = layer.__class__.from_config(layer.get_config())(x)
            outs[layer.name] = x
        return keras.Model(inputs, [outs[n] for n in names])

    def not_a_model(base, names):
        return [base.get_layer(n) for n in names]

    for wrong in (sorted_order, last_only, new_layers, not_a_model):
        assert check("features_model", wrong).status == "wrong", wrong.__name__
    out = capsys.readouterr().out
    assert "order asked for" in out and "not a Keras model" in out and "other values" in out
    assert not check("features_model", "conv_a")


def test_features_model_raising_not_implemented_is_not_attempted(keras):
    def stub(base, names):
        raise NotImplementedError

    assert check("features_model", stub).status == "not attempted"
