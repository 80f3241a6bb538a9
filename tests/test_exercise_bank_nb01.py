"""Notebook 01's exercises: each checker accepts a correct answer and rejects typical wrong ones."""

import numpy as np
import pytest

from course_utils import perceptron as pc
from course_utils.exercise_bank import nb01_perceptron_and_xor as bank
from course_utils.exercises import catalogue, check, get


def test_the_notebook_has_four_exercises():
    assert [e.id for e in catalogue("01_perceptron_and_xor")] == [
        "nor_unit", "perceptron_training_loop", "perceptron_update", "xor_keras_network",
    ]  # fmt: skip


# --- NOR unit ------------------------------------------------------------------------------


def test_nor_accepts_other_correct_units(capsys):
    assert check("nor_unit", lambda n: (-3 * np.ones(n), 1.0))
    assert check("nor_unit", lambda n: ([-1.0] * n, 0))  # hardlim(0) = 1 fires at (0, ..., 0)
    assert "6 inputs: NOR on all 64 binary inputs" in capsys.readouterr().out


@pytest.mark.parametrize(
    "wrong, why",
    [
        (lambda n: (np.array([-1.0, -1.0]), 0.5), "shape"),  # only the lecture's n = 2
        (lambda n: (np.ones(n), -0.5), "inputs wrong"),  # OR, not NOR
        (lambda n: (-np.ones(n), -0.5), "inputs wrong"),  # the line on the wrong side of 0
        (lambda n: -np.ones(n), "pair"),
        (lambda n: (-np.ones(n), "1"), "bias"),
    ],
)
def test_nor_rejects_wrong_units(wrong, why, capsys):
    assert check("nor_unit", wrong).status == "wrong"
    assert why in capsys.readouterr().out


def test_nor_stubs_are_not_attempted():
    def stub(n):
        ...

    def released(n):
        raise NotImplementedError

    assert check("nor_unit", stub).status == "not attempted"
    assert check("nor_unit", released).status == "not attempted"
    assert check("nor_unit", ...).status == "not attempted"


# --- perceptron update -----------------------------------------------------------------------


def test_update_rejects_hardlim_that_does_not_fire_at_zero(capsys):
    def strict(w, b, p, t):
        e = t - int(w @ p + b > 0)
        return w + e * p, b + e

    assert check("perceptron_update", strict).status == "wrong"
    assert "case 2" in capsys.readouterr().out


def test_update_rejects_a_rule_without_bias_learning():
    def no_bias(w, b, p, t):
        e = t - int(w @ p + b >= 0)
        return w + e * p, b

    assert check("perceptron_update", no_bias).status == "wrong"


def test_update_rejects_a_rule_written_for_two_inputs_only():
    def two_d(w, b, p, t):
        e = t - int(w[0] * p[0] + w[1] * p[1] + b >= 0)
        return w + e * p, b + e

    assert check("perceptron_update", two_d).status == "wrong"


def test_update_cases_go_beyond_the_lecture():
    cases = bank._update_cases()
    assert {len(c[0]) for c in cases} >= {2, 3, 5}
    assert any(c[0] @ c[2] + c[1] == 0 for c in cases)  # a net input of exactly 0


# --- training loop ---------------------------------------------------------------------------


def _loop(update_count_offset=0, reset=True, stop_early=False):
    def first_clean_epoch(x, t, max_epochs):
        w, b = np.zeros(x.shape[1]), 0.0
        for epoch in range(1, max_epochs + 1):
            mistakes = 0
            for p, target in zip(x, t, strict=True):
                e = target - int(w @ p + b >= 0)
                w, b = w + e * p, b + e
                mistakes += e != 0
            if mistakes == 0:
                return epoch + update_count_offset
            if stop_early and epoch == max_epochs - 1:
                return None
        return None

    return first_clean_epoch


def test_loop_accepts_a_correct_loop():
    assert check("perceptron_training_loop", _loop())


def test_loop_rejects_off_by_one_and_early_stop():
    assert check("perceptron_training_loop", _loop(update_count_offset=-1)).status == "wrong"
    assert check("perceptron_training_loop", _loop(stop_early=True)).status == "wrong"


def test_loop_rejects_a_loop_that_ignores_max_epochs():
    def unbounded(x, t, max_epochs):
        return pc.first_clean_epoch(x, t, max_epochs=1000)

    assert check("perceptron_training_loop", unbounded).status == "wrong"


def test_loop_cases_include_three_inputs_and_a_tight_budget():
    cases = bank._loop_cases()
    expected = [pc.first_clean_epoch(*c) for c in cases]
    assert None in expected and 1 in expected
    assert any(c[0].shape[1] >= 3 and e is not None for c, e in zip(cases, expected, strict=True))
    tight = [c for c in cases if pc.first_clean_epoch(*c) is None
             and pc.first_clean_epoch(c[0], c[1], 1000) is not None]  # fmt: skip
    assert tight, "a separable case whose budget is too small"


def test_separable_points_have_a_margin():
    x, t = bank._separable_points(60, 4, seed=4)
    assert x.shape == (60, 4) and set(t.tolist()) == {0, 1}
    assert pc.first_clean_epoch(x, t, 500) is not None


# --- XOR in Keras ----------------------------------------------------------------------------


def _keras_xor(kernel1, bias1, kernel2, bias2, hidden=2, activation="sigmoid"):
    def xor_model():
        import keras

        model = keras.Sequential([
            keras.Input(shape=(2,)),
            keras.layers.Dense(hidden, activation=activation),
            keras.layers.Dense(1, activation="sigmoid"),
        ])  # fmt: skip
        model.set_weights([np.asarray(kernel1), np.asarray(bias1),
                           np.asarray(kernel2), np.asarray(bias2)])  # fmt: skip
        return model

    return xor_model


def test_xor_accepts_the_example_and_other_weights(capsys):
    assert check("xor_keras_network", bank._xor_example())
    # another correct network: tanh hidden units for OR and AND, output "OR and not AND"
    other = _keras_xor([[10.0, 10.0], [10.0, 10.0]], [-5.0, -15.0], [[10.0], [-10.0]], [-10.0],
                       activation="tanh")  # fmt: skip
    assert check("xor_keras_network", other)
    assert "points near the corners" in capsys.readouterr().out


def test_xor_rejects_weights_too_small_for_a_step(capsys):
    small = _keras_xor([[1.0, -1.0], [1.0, -1.0]], [-0.5, 1.5], [[1.0], [1.0]], [-1.5])
    assert check("xor_keras_network", small).status == "wrong"
    assert "within 0.1" in capsys.readouterr().out


def test_xor_rejects_a_transposed_kernel_and_wrong_shapes(capsys):
    # OR and NAND written as rows (one row per unit) instead of columns
    transposed = _keras_xor([[20.0, 20.0], [-20.0, -20.0]], [-10.0, 30.0], [[20.0], [20.0]],
                            [-30.0])  # fmt: skip
    assert check("xor_keras_network", transposed).status == "wrong"
    wide = _keras_xor(np.zeros((2, 3)), np.zeros(3), np.zeros((3, 1)), np.zeros(1), hidden=3)
    assert check("xor_keras_network", wide).status == "wrong"
    assert "2 and 1 units" in capsys.readouterr().out
    assert check("xor_keras_network", lambda: "a model").status == "wrong"


def test_xor_rejects_a_network_with_no_margin(capsys):
    # boundaries through x1 + x2 = 0.9 and 1.1: right on the corners, wrong 0.15 away
    tight = _keras_xor([[40.0, -40.0], [40.0, -40.0]], [-36.0, 44.0], [[20.0], [20.0]],
                       [-30.0])  # fmt: skip
    assert check("xor_keras_network", tight).status == "wrong"
    assert "near the corners" in capsys.readouterr().out


def test_xor_stub_is_not_attempted():
    def stub():
        ...

    assert check("xor_keras_network", stub).status == "not attempted"


def test_hints_do_not_contain_code():
    for exercise in catalogue("01_perceptron_and_xor"):
        assert not any(s in exercise.hint for s in ("np.", "return ", "= ", "keras.layers")), (
            exercise.id
        )
    assert get("nor_unit").hint
