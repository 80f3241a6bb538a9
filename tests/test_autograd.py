"""Tests for course_utils.autograd: the scalar autograd, the NumPy network, gradient checks."""

import math

import numpy as np
import pytest

from course_utils.autograd import (
    TwoLayerNet,
    Value,
    adam_step,
    max_relative_error,
    momentum_step,
    numerical_gradient,
    optimize,
    tanh_layer_backward,
)


def test_chain_rule_on_the_slides_graph():
    x, y, z = Value(-2.0, "x"), Value(5.0, "y"), Value(-4.0, "z")
    q = x + y
    f = q * z
    f.backward()
    assert f.data == -12.0
    assert (x.grad, y.grad, z.grad, q.grad) == (-4.0, -4.0, 3.0, -4.0)


def test_sigmoid_neuron_gradient_matches_the_closed_form():
    w0, x0, w1, x1, w2 = (Value(v) for v in (2.0, -1.0, -3.0, -2.0, -3.0))
    z = 1 / (1 + (-(w0 * x0 + w1 * x1 + w2)).exp())
    z.backward()
    s = 1 / (1 + math.exp(-1.0))
    assert math.isclose(z.data, s)
    assert math.isclose(w0.grad, s * (1 - s) * -1.0)
    assert round(w0.grad, 4) == -0.1966
    node = (w0 * x0 + w1 * x1 + w2).sigmoid()
    node.backward()
    assert math.isclose(w0.grad, s * (1 - s) * -1.0)


@pytest.mark.parametrize(
    "build, expected",
    [
        (lambda a: a * a, lambda v: 2 * v),
        (lambda a: a**3 - 2 * a, lambda v: 3 * v**2 - 2),
        (lambda a: a.tanh(), lambda v: 1 - math.tanh(v) ** 2),
        (lambda a: a.relu() + (0 - a).relu(), lambda v: math.copysign(1, v)),
        (lambda a: 1 / a + a / 2 - 3, lambda v: -1 / v**2 + 0.5),
        (lambda a: a.exp() * a, lambda v: math.exp(v) * (1 + v)),
        (
            lambda a: (a - 1).sigmoid(),
            lambda v: (1 / (1 + math.exp(1 - v))) * (1 - 1 / (1 + math.exp(1 - v))),
        ),
    ],
)
@pytest.mark.parametrize("v", [-1.3, 0.7, 2.0])
def test_value_gradients_against_calculus(build, expected, v):
    a = Value(v)
    build(a).backward()
    assert math.isclose(a.grad, expected(v), rel_tol=1e-9, abs_tol=1e-12)


def test_gradients_accumulate_when_a_node_is_reused_and_backward_resets():
    a = Value(3.0)
    b = a * a + a  # a used three times
    b.backward()
    b.backward()  # a second call must not double the gradients
    assert a.grad == 7.0


def test_graph_text_and_repr():
    x = Value(2.0, "x")
    f = x * 3
    f.label = "f"
    f.backward()
    text = f.graph()
    assert "f = *(x, n1)" in text and text.count("\n") == 2
    assert repr(x) == "Value(x=2, grad=3)"


def test_value_bad_inputs():
    with pytest.raises(TypeError):
        Value("1")
    with pytest.raises(TypeError):
        Value(True)
    with pytest.raises(ValueError, match="finite"):
        Value(float("nan"))
    with pytest.raises(TypeError, match="exponent"):
        Value(2.0) ** Value(2.0)


def _xor_data(n=40, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, (n, 2))
    return x, (x[:, 0] * x[:, 1] > 0).astype(int)


def test_backward_pass_matches_finite_differences():
    x, y = _xor_data()
    net = TwoLayerNet(2, 5, 2, seed=1)
    analytic = net.gradients(x, y)
    numeric = numerical_gradient(lambda: net.loss(x, y), net.params)
    assert set(analytic) == {"W1", "b1", "W2", "b2"}
    assert all(analytic[k].shape == net.params[k].shape for k in analytic)
    assert max_relative_error(analytic, numeric) < 1e-6


def test_training_learns_a_nonlinear_problem():
    x, y = _xor_data(200)
    net = TwoLayerNet(2, 8, 2, seed=0)
    losses = net.fit(x, y, epochs=600, lr=1.0)
    assert len(losses) == 600 and losses[-1] < 0.5 * losses[0]
    assert np.mean(net.predict(x) == y) > 0.9
    assert net.shape == (2, 8, 2) and net.forward(x)[0].shape == (200, 2)


def test_two_layer_net_bad_inputs():
    with pytest.raises(ValueError, match="n_hidden"):
        TwoLayerNet(2, 0, 2)
    with pytest.raises(ValueError, match="2 classes"):
        TwoLayerNet(2, 3, 1)
    net = TwoLayerNet(2, 3, 2)
    with pytest.raises(ValueError, match="shape \\(N, 2\\)"):
        net.loss(np.ones((4, 3)), np.zeros(4, dtype=int))
    with pytest.raises(ValueError, match="class labels"):
        net.loss(np.ones((4, 2)), np.array([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="class labels"):
        net.gradients(np.ones((2, 2)), np.array([0.5, 1.0]))
    with pytest.raises(ValueError, match="shape \\(4,\\)"):
        net.loss(np.ones((4, 2)), np.zeros(3, dtype=int))
    with pytest.raises(ValueError, match="NaN"):
        net.predict(np.full((1, 2), np.nan))
    with pytest.raises(ValueError, match="epochs"):
        net.fit(np.ones((2, 2)), np.array([0, 1]), epochs=0)
    with pytest.raises(ValueError, match="lr"):
        net.fit(np.ones((2, 2)), np.array([0, 1]), epochs=1, lr=-1)


def test_numerical_gradient_and_relative_error():
    params = {"w": np.array([1.0, -2.0])}
    g = numerical_gradient(lambda: float(np.sum(params["w"] ** 2)), params)
    assert np.allclose(g["w"], [2.0, -4.0], atol=1e-6)
    assert np.array_equal(params["w"], [1.0, -2.0])  # restored
    assert max_relative_error([1.0, 2.0], [1.0, 2.0]) == 0.0
    assert max_relative_error([1.0], [3.0]) == 0.5
    with pytest.raises(TypeError):
        numerical_gradient(3.0, params)
    with pytest.raises(TypeError):
        numerical_gradient(lambda: 0.0, {"w": np.array([1, 2])})
    with pytest.raises(TypeError):
        numerical_gradient(lambda: 0.0, {})
    with pytest.raises(ValueError):
        numerical_gradient(lambda: 0.0, params, eps=0)
    with pytest.raises(ValueError, match="shapes"):
        max_relative_error([1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match="NaN"):
        max_relative_error([np.nan], [1.0])
    with pytest.raises(ValueError, match="same keys"):
        max_relative_error({"a": 1.0}, {"b": 1.0})


def test_tanh_layer_backward_matches_finite_differences():
    rng = np.random.default_rng(0)
    x, W, b = rng.normal(size=(5, 3)), rng.normal(size=(3, 4)), rng.normal(size=4)
    upstream = rng.normal(size=(5, 4))  # loss = sum(upstream * h)

    def loss():
        return float(np.sum(upstream * np.tanh(x @ W + b)))

    gW, gb, gx = tanh_layer_backward(x, W, b, upstream)
    numeric = numerical_gradient(loss, {"W": W, "b": b, "x": x})
    assert max_relative_error({"W": gW, "b": gb, "x": gx}, numeric) < 1e-6
    with pytest.raises(ValueError, match="need x"):
        tanh_layer_backward(x, W.T, b, upstream)
    with pytest.raises(ValueError, match="grad_h"):
        tanh_layer_backward(x, W, b, upstream[:2])


def test_momentum_and_adam_match_keras():
    keras = pytest.importorskip("keras")
    target = np.array([1.0, -2.0])

    def grad(w):
        return np.array([4.0, 0.25]) * (w - target)  # an elongated bowl

    for method, opt in (
        ("gd", keras.optimizers.SGD(0.1)),
        ("momentum", keras.optimizers.SGD(0.1, momentum=0.9)),
        ("adam", keras.optimizers.Adam(0.1)),
    ):
        ours = optimize(grad, [0.0, 0.0], method, lr=0.1, steps=5)
        var = keras.Variable(np.zeros(2), dtype="float64")
        theirs = [var.numpy().copy()]
        for _ in range(5):
            opt.apply_gradients([(keras.ops.convert_to_tensor(grad(var.numpy())), var)])
            theirs.append(var.numpy().copy())
        assert np.allclose(ours, theirs, rtol=1e-5, atol=1e-7), method


def test_optimizers_reach_the_minimum_and_reject_bad_input():
    def grad(w):
        return 2 * (w - 3.0)

    for method, lr in (("gd", 0.1), ("momentum", 0.05), ("adam", 0.3)):
        path = optimize(grad, [0.0], method, lr=lr, steps=200)
        assert path.shape == (201, 1) and abs(path[-1, 0] - 3.0) < 0.05, method
    w, v = momentum_step([1.0], [0.0], [2.0], lr=0.1)
    assert np.allclose(w, 0.8) and np.allclose(v, -0.2)
    w, m, v = adam_step([1.0], [0.0], [0.0], [123.0], t=1, lr=0.1)
    assert np.allclose(w, 0.9)  # the first Adam step has size lr, whatever the gradient
    with pytest.raises(ValueError, match="unknown method"):
        optimize(grad, [0.0], "rmsprop", 0.1, 5)
    with pytest.raises(ValueError, match="steps"):
        optimize(grad, [0.0], "gd", 0.1, 0)
    with pytest.raises(TypeError):
        optimize("grad", [0.0], "gd", 0.1, 5)
    with pytest.raises(ValueError, match="lr"):
        momentum_step([1.0], [0.0], [1.0], lr=0)
    with pytest.raises(ValueError, match="one shape"):
        momentum_step([1.0], [0.0, 0.0], [1.0], lr=0.1)
    with pytest.raises(ValueError, match="t must"):
        adam_step([1.0], [0.0], [0.0], [1.0], t=0, lr=0.1)
