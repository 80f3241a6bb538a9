"""Tests for course_utils.perceptron: threshold units, gates, the learning rule and its plots."""

import matplotlib.pyplot as plt
import numpy as np
import pytest

from course_utils import perceptron as pc

SLIDES_P = np.array([[1, 2], [-1, 2], [0, -1]], dtype=float)
SLIDES_T = np.array([1, 0, 0])


def test_hardlim_is_one_from_zero_on():
    assert pc.hardlim([-0.6, 0.0, 0.4]).tolist() == [0, 1, 1]
    assert pc.hardlim(np.zeros((2, 3))).shape == (2, 3)
    with pytest.raises(ValueError, match="NaN"):
        pc.hardlim([np.nan])


def test_threshold_unit_and_bad_inputs():
    out = pc.threshold_unit(pc.LOGIC_INPUTS, [-2, -2], 3)
    assert out.tolist() == [1, 1, 1, 0]
    with pytest.raises(ValueError, match="shape \\(N, d\\)"):
        pc.threshold_unit([0, 1], [1, 1], 0)
    with pytest.raises(ValueError, match="features"):
        pc.threshold_unit(np.ones((2, 3)), [1, 1], 0)
    with pytest.raises(ValueError, match="NaN or infinity"):
        pc.threshold_unit([[np.inf, 0]], [1, 1], 0)
    with pytest.raises(ValueError, match="NaN or infinity"):
        pc.threshold_unit([[0, 0]], [np.nan, 1], 0)
    with pytest.raises(TypeError, match="bias"):
        pc.threshold_unit([[0, 0]], [1, 1], "3")
    with pytest.raises(ValueError, match="finite"):
        pc.threshold_unit([[0, 0]], [1, 1], float("inf"))


@pytest.mark.parametrize("name", ["AND", "OR", "NAND"])
def test_hand_wired_gates_match_their_tables(name):
    assert pc.gate(name).tolist() == pc.GATES[name].tolist()


def test_gate_rejects_xor_and_unknown_names():
    with pytest.raises(ValueError, match="no hand-wired unit"):
        pc.gate("XOR")


def test_truth_table_text():
    text = pc.truth_table(pc.gate("NAND"), "NAND")
    assert text.splitlines()[0] == "x1 x2 | NAND"
    assert text.splitlines()[-1].endswith("0")
    assert len(pc.truth_table({"a": [0, 0, 0, 1], "b": [1, 1, 1, 0]}).splitlines()) == 5
    with pytest.raises(ValueError, match="four 0/1"):
        pc.truth_table([0, 1, 2, 1])
    with pytest.raises(ValueError, match="four 0/1"):
        pc.truth_table([0, 1])
    with pytest.raises(ValueError, match="no output"):
        pc.truth_table({})


def test_slides_worked_example_is_reproduced_exactly():
    model = pc.Perceptron(w_init=[1.0, -0.8], use_bias=False).fit(SLIDES_P, SLIDES_T)
    weights = [s.w_after.tolist() for s in model.trace]
    assert np.allclose(weights, [[2.0, 1.2], [3.0, -0.8], [3.0, 0.2]])
    assert [s.index for s in model.trace] == [0, 1, 2]
    assert [s.e for s in model.trace] == [1, -1, -1]
    assert np.allclose([s.n for s in model.trace], [-0.6, 0.4, 0.8])
    assert model.errors_ == [3, 0] and model.converged_epoch_ == 2
    assert model.predict(SLIDES_P).tolist() == SLIDES_T.tolist()
    assert model.b_ == 0.0 and len(model.history_) == 6


def test_unified_rule_with_bias_learns_or_and_fails_on_xor():
    model = pc.Perceptron().fit(pc.LOGIC_INPUTS, pc.GATES["OR"], epochs=50)
    assert model.converged_epoch_ is not None
    assert model.predict(pc.LOGIC_INPUTS).tolist() == pc.GATES["OR"].tolist()
    xor = pc.Perceptron().fit(pc.LOGIC_INPUTS, pc.GATES["XOR"], epochs=30, shuffle=True)
    assert xor.converged_epoch_ is None and len(xor.errors_) == 30 and min(xor.errors_) > 0


def test_learning_rate_scales_the_updates():
    model = pc.Perceptron(lr=0.5).fit(pc.LOGIC_INPUTS, pc.GATES["AND"], epochs=100)
    first = model.trace[0]
    assert np.allclose(first.w_after - first.w_before, 0.5 * first.e * first.p)
    assert first.b_after - first.b_before == 0.5 * first.e


def test_perceptron_bad_inputs():
    with pytest.raises(ValueError, match="lr"):
        pc.Perceptron(lr=0)
    with pytest.raises(ValueError, match="b_init must be 0"):
        pc.Perceptron(b_init=1.0, use_bias=False)
    with pytest.raises(ValueError, match="NaN or infinity"):
        pc.Perceptron(w_init=[np.nan, 0])
    model = pc.Perceptron()
    with pytest.raises(RuntimeError, match="not fitted"):
        model.predict(SLIDES_P)
    with pytest.raises(RuntimeError, match="fit"):
        model.update([1, 2], 1)
    with pytest.raises(ValueError, match="0 or 1"):
        model.fit(SLIDES_P, [1, 0, 2])
    with pytest.raises(ValueError, match="shape \\(3,\\)"):
        model.fit(SLIDES_P, [1, 0])
    with pytest.raises(ValueError, match="NaN or infinity"):
        model.fit([[np.nan, 1.0]], [1])
    with pytest.raises(ValueError, match="epochs"):
        model.fit(SLIDES_P, SLIDES_T, epochs=-1)
    with pytest.raises(ValueError, match="w_init has 3"):
        pc.Perceptron(w_init=[1, 2, 3]).fit(SLIDES_P, SLIDES_T)


def test_fit_with_zero_epochs_then_manual_updates():
    model = pc.Perceptron(w_init=[1.0, -0.8], use_bias=False).fit(SLIDES_P, SLIDES_T, epochs=0)
    step = model.update(SLIDES_P[0], 1)
    assert step.updated and np.allclose(model.w_, [2.0, 1.2])
    assert not model.update(SLIDES_P[0], 1).updated


def test_format_trace_and_describe_step():
    model = pc.Perceptron(w_init=[1.0, -0.8], use_bias=False).fit(SLIDES_P, SLIDES_T)
    table = pc.format_trace(model.trace)
    assert len(table.splitlines()) == 4 and "[3.0, 0.2]" in table and "-0.6" in table
    assert "e = +1" in pc.describe_step(model.trace[0])
    assert "no change" in pc.describe_step(model.history_[-1])
    two_lines = pc.describe_step(model.trace[0], multiline=True).splitlines()
    assert len(two_lines) == 2 and two_lines[1].startswith("e = +1: w [1.00, -0.80]")
    assert pc.describe_step(model.history_[-1], multiline=True).endswith("\ncorrect, no change")
    with pytest.raises(TypeError):
        pc.format_trace([1, 2])
    with pytest.raises(TypeError):
        pc.describe_step("step")


def test_boundary_points_lie_on_the_line():
    for w, b in (([0.5, 0.5], -0.25), ([3.0, 0.2], 0.0), ([0.0, 1.0], 1.0), ([1.0, 0.0], -1.0)):
        pts = pc.boundary_points(w, b)
        assert pts.shape == (2, 2)
        assert np.allclose(pts @ np.asarray(w) + b, 0.0)
        assert abs((pts[1] - pts[0]) @ np.asarray(w)) < 1e-9  # the line is orthogonal to w
    assert pc.boundary_points([0.0, 0.0], 1.0) is None
    with pytest.raises(ValueError, match="2-D"):
        pc.boundary_points([1, 2, 3], 0)


def test_plots_return_axes_and_validate():
    ax = pc.plot_state(SLIDES_P, SLIDES_T, [1.0, -0.8], 0.0, highlight=0, title="start")
    assert ax.get_title() == "start" and len(ax.lines) >= 1
    ax2 = pc.plot_boundary([0.0, 0.0], 0.0, plt.subplots()[1])  # no line, no error
    assert len(ax2.lines) == 0
    with pytest.raises(ValueError, match="highlight"):
        pc.plot_state(SLIDES_P, SLIDES_T, [1.0, -0.8], 0.0, highlight=5)
    with pytest.raises(ValueError, match="0 or 1"):
        pc.plot_state(SLIDES_P, [1, 0, 3], [1.0, -0.8], 0.0)


def test_plot_step_draws_old_and_new_boundaries():
    model = pc.Perceptron(w_init=[1.0, -0.8], use_bias=False).fit(SLIDES_P, SLIDES_T)
    ax = pc.plot_step(SLIDES_P, SLIDES_T, model.history_[0])
    assert len(ax.lines) == 2 + 2  # new + old boundary, plus the two axis lines
    assert "e = +1" in ax.get_title()
    ax = pc.plot_step(SLIDES_P, SLIDES_T, model.history_[-1])
    assert len(ax.lines) == 1 + 2
    with pytest.raises(TypeError):
        pc.plot_step(SLIDES_P, SLIDES_T, None)


def test_rule_update_matches_the_perceptron_and_hardlim_zero():
    w, b = pc.rule_update([0.0, 0.0], 0.0, [2.0, -1.0], 0)  # n = 0 -> a = 1, e = -1
    assert w.tolist() == [-2.0, 1.0] and b == -1.0
    model = pc.Perceptron(w_init=[1.0, -0.8]).fit(np.zeros((1, 2)), [1], epochs=0)
    step = model.update([1.0, 2.0], 1)
    w, b = pc.rule_update([1.0, -0.8], 0.0, [1.0, 2.0], 1)
    assert np.allclose(w, step.w_after) and b == step.b_after
    w, b = pc.rule_update([1.0, 1.0], 0.5, [1.0, 1.0], 1)  # correct: unchanged
    assert w.tolist() == [1.0, 1.0] and b == 0.5
    with pytest.raises(ValueError, match="features"):
        pc.rule_update([1.0, 1.0], 0.0, [1.0, 2.0, 3.0], 1)
    with pytest.raises(ValueError, match="targets"):
        pc.rule_update([1.0, 1.0], 0.0, [1.0, 2.0], 2)
    with pytest.raises(TypeError, match="bias"):
        pc.rule_update([1.0, 1.0], "0", [1.0, 2.0], 1)


def test_first_clean_epoch():
    assert pc.first_clean_epoch(pc.LOGIC_INPUTS, pc.GATES["AND"]) == 6
    assert pc.first_clean_epoch(pc.LOGIC_INPUTS, pc.GATES["XOR"], max_epochs=20) is None
    assert pc.first_clean_epoch(pc.LOGIC_INPUTS, pc.GATES["OR"]) == (
        pc.Perceptron().fit(pc.LOGIC_INPUTS, pc.GATES["OR"]).converged_epoch_
    )
    with pytest.raises(ValueError, match="max_epochs"):
        pc.first_clean_epoch(pc.LOGIC_INPUTS, pc.GATES["AND"], max_epochs=0)


def test_xor_network():
    assert pc.xor_network(pc.LOGIC_INPUTS).tolist() == pc.GATES["XOR"].tolist()
    with pytest.raises(ValueError):
        pc.xor_network(np.zeros((4, 3)))


def test_binary_inputs():
    assert np.array_equal(pc.binary_inputs(2), pc.LOGIC_INPUTS)
    x = pc.binary_inputs(3)
    assert x.shape == (8, 3) and x.dtype == np.float64
    assert x[5].tolist() == [1.0, 0.0, 1.0]  # row i is i in binary
    assert len({tuple(r) for r in pc.binary_inputs(5)}) == 32
    assert pc.binary_inputs(1).tolist() == [[0.0], [1.0]]
    with pytest.raises(ValueError, match="between 1 and 16"):
        pc.binary_inputs(0)
    with pytest.raises(TypeError, match="integer"):
        pc.binary_inputs(2.0)
