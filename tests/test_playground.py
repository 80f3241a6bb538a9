"""Tests for course_utils.playground: toy data, the MLP builder, decision grids and plots."""

import numpy as np
import pytest

from course_utils import playground as pg


@pytest.mark.parametrize("name", pg.DATASETS)
def test_make_data_shapes_balance_and_determinism(name):
    x, y = pg.make_data(name, n=101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and set(np.unique(y)) == {0, 1}
    assert abs(int(y.sum()) - 50) <= 10
    assert np.all(np.abs(x) < 3)
    x2, y2 = pg.make_data(name, n=101, noise=0.1, seed=3)
    assert np.array_equal(x, x2) and np.array_equal(y, y2)


def test_make_data_geometry():
    x, y = pg.make_data("circles", n=400, noise=0.0)
    r = np.linalg.norm(x, axis=1)
    assert r[y == 0].max() < r[y == 1].min()  # disc inside ring
    x, y = pg.make_data("xor", n=400, noise=0.0)
    assert np.array_equal(y, (x[:, 0] * x[:, 1] < 0).astype(int))


def test_make_data_bad_inputs():
    with pytest.raises(ValueError, match="unknown data set"):
        pg.make_data("moons")
    with pytest.raises(ValueError, match="n must"):
        pg.make_data("xor", n=2)
    with pytest.raises(ValueError, match="noise"):
        pg.make_data("xor", noise=-1)
    with pytest.raises(ValueError, match="noise"):
        pg.make_data("xor", noise=float("nan"))


def test_decision_grid_covers_the_data():
    x = np.array([[0.0, 0.0], [1.0, 2.0]])
    xx, yy, s = pg.decision_grid(lambda p: p[:, 0] > 0.5, x, resolution=7, margin=0.0)
    assert xx.shape == yy.shape == s.shape == (7, 7)
    assert (xx.min(), xx.max(), yy.min(), yy.max()) == (0.0, 1.0, 0.0, 2.0)
    assert np.array_equal(s, (xx > 0.5).astype(float))


def test_decision_grid_bad_inputs():
    x = np.zeros((3, 2))
    with pytest.raises(TypeError):
        pg.decision_grid("model", x)
    with pytest.raises(ValueError, match="\\(N, 2\\)"):
        pg.decision_grid(lambda p: p[:, 0], np.zeros((3, 3)))
    with pytest.raises(ValueError, match="NaN"):
        pg.decision_grid(lambda p: p[:, 0], np.full((3, 2), np.inf))
    with pytest.raises(ValueError, match="resolution"):
        pg.decision_grid(lambda p: p[:, 0], x, resolution=1)
    with pytest.raises(ValueError, match="one score each"):
        pg.decision_grid(lambda p: p, x)


def test_plot_decision_boundary():
    x, y = pg.make_data("blobs", n=40)
    ax = pg.plot_decision_boundary(lambda p: 1 / (1 + np.exp(-4 * p.sum(axis=1))), x, y, title="t")
    assert ax.get_title() == "t" and len(ax.collections) >= 3
    assert ax.get_xlabel() and ax.get_ylabel()  # axes are labelled
    ax2 = pg.plot_decision_boundary(lambda p: p[:, 0] > 0, x, y, colorbar=True)
    assert len(ax2.figure.axes) == 2  # the plot and its colour bar
    with pytest.raises(ValueError, match="0/1"):
        pg.plot_decision_boundary(lambda p: p[:, 0], x, y + 1)


def test_build_mlp_architecture():
    model = pg.build_mlp(hidden_layers=2, units=5, activation="tanh", l2=1e-3)
    assert [layer.name for layer in model.layers] == ["hidden1", "hidden2", "output"]
    assert model.count_params() == (2 * 5 + 5) + (5 * 5 + 5) + (5 + 1)
    assert model.layers[0].kernel_regularizer is not None
    single = pg.build_mlp(hidden_layers=0)
    assert single.count_params() == 3 and single.output_shape == (None, 1)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden_layers": 7}, "hidden_layers"),
        ({"hidden_layers": True}, "hidden_layers"),
        ({"units": 0}, "units"),
        ({"activation": "swish"}, "activation"),
        ({"l2": -0.1}, "l2"),
        ({"learning_rate": 0}, "learning_rate"),
        ({"learning_rate": float("inf")}, "learning_rate"),
    ],
)
def test_build_mlp_bad_inputs(kwargs, match):
    with pytest.raises(ValueError, match=match):
        pg.build_mlp(**kwargs)


def test_fit_on_endless_batches_learns_blobs():
    x, y = pg.make_data("blobs", n=100, noise=0.0)
    model = pg.build_mlp(hidden_layers=0, learning_rate=0.1)
    history = model.fit(pg.endless_batches(x, y), steps_per_epoch=50, shuffle=False, verbose=0)
    assert "loss" in history.history and pg.accuracy(model, x, y) > 0.9


def test_endless_batches_shapes_repeat_and_bad_inputs():
    x, y = pg.make_data("xor", n=10)
    batches = list(pg.endless_batches(x, y, batch_size=4).take(5))  # 20 > 10 points: repeats
    assert [tuple(b[0].shape) for b in batches] == [(4, 2)] * 5
    assert all(b[1].dtype.name == "float32" for b in batches)
    with pytest.raises(ValueError, match="batch_size"):
        pg.endless_batches(x, y, batch_size=0)
    with pytest.raises(ValueError, match="shape"):
        pg.endless_batches(x, y[:5])


def test_accuracy():
    x = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]], np.float32)
    assert pg.accuracy(lambda p: p[:, :1] / 2, x, [0, 0, 1]) == 1.0  # 0, 0.5 (not > 0.5), 1
    assert pg.accuracy(lambda p: p[:, 0] / 2, x, [1, 1, 1]) == 1 / 3
    with pytest.raises(ValueError, match="one label per point"):
        pg.accuracy(lambda p: p[:, 0], x, [0, 1])


def test_explore_returns_model_accuracy_and_figure():
    model, acc, fig = pg.explore("blobs", hidden_layers=1, units=2, steps=25, n=60)
    assert 0.0 <= acc <= 1.0 and model.count_params() == 9
    assert "blobs" in fig.axes[0].get_title()
    with pytest.raises(ValueError, match="unknown data set"):
        pg.explore("moons")
    with pytest.raises(ValueError, match="steps"):
        pg.explore("blobs", steps=0)
