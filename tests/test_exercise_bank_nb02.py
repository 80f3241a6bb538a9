"""Notebook 02's exercises: references pass, typical wrong answers fail, stubs are not attempted."""

import numpy as np
import pytest

from course_utils.exercises import check, get


def test_stable_softmax_rejects_the_naive_and_the_global_max(capsys):
    def naive(z):
        e = np.exp(np.asarray(z, dtype=float))
        return e / e.sum(axis=-1, keepdims=True)

    def global_max(z):  # one maximum for the whole batch: rows far below it underflow
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max())
        return e / e.sum(axis=-1, keepdims=True)

    def first_axis(z):  # softmax over the wrong axis
        z = np.asarray(z, dtype=float)
        e = np.exp(z - z.max(axis=0, keepdims=True))
        return e / e.sum(axis=0, keepdims=True)

    with np.errstate(all="ignore"):
        for wrong in (naive, global_max, first_axis):
            assert check("stable_softmax", wrong).status == "wrong", wrong.__name__
    assert "Hint:" in capsys.readouterr().out


def test_momentum_settled_step():
    assert check("momentum_settled_step", lambda lr, beta, grad: -lr * grad / (1 - beta))

    def simulated(lr, beta, grad):  # a student who runs the update long enough also passes
        v = 0.0
        for _ in range(5000):
            v = beta * v - lr * grad
        return v

    assert check("momentum_settled_step", simulated)
    assert not check("momentum_settled_step", lambda lr, beta, grad: -lr * grad)  # forgot momentum
    assert not check("momentum_settled_step", lambda lr, beta, grad: lr * grad / (1 - beta))  # sign
    assert get("momentum_settled_step").reference(0.03, 0.9, 1.0) == pytest.approx(-0.3)


def test_tanh_backward_rejects_a_missing_derivative():
    def linear_only(x, W, b, grad_h):  # forgot tanh' = 1 - h^2
        return x.T @ grad_h, grad_h.sum(axis=0), grad_h @ W.T

    def mean_bias(x, W, b, grad_h):  # a mean instead of a sum over the batch
        h = np.tanh(x @ W + b)
        g = grad_h * (1 - h**2)
        return x.T @ g, g.mean(axis=0), g @ W.T

    assert not check("tanh_layer_backward", linear_only)
    assert not check("tanh_layer_backward", mean_bias)


def test_graph_by_hand():
    assert check("graph_by_hand", (8.0, -12.0, -4.0))
    assert not check("graph_by_hand", (8.0, 12.0, -4.0))
    assert check("graph_by_hand", ...).status == "not attempted"


def _mlp(dropout=False, hidden=256, early_stop=True, restore=True):
    def train_mlp(x_train, y_train, x_val, y_val):
        import keras

        layers = [keras.Input(shape=(784,)), keras.layers.Dense(hidden, activation="relu")]
        if dropout:
            layers.append(keras.layers.Dropout(0.2))
        layers += [keras.layers.Dense(256, activation="relu"),
                   keras.layers.Dense(10, activation="softmax")]
        model = keras.Sequential(layers)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])
        stop = keras.callbacks.EarlyStopping(patience=2, restore_best_weights=restore)
        callbacks = [stop] if early_stop else []
        history = model.fit(x_train, y_train, validation_data=(x_val, y_val), batch_size=64,
                            epochs=40 if early_stop else 3, callbacks=callbacks, verbose=0)
        return model, history

    return train_mlp


def test_mlp_exercise_accepts_the_example_and_stub(capsys):
    assert check("mlp_early_stopping", get("mlp_early_stopping").example())
    out = capsys.readouterr().out
    assert "269,322 parameters" in out and "early stopping ended training" in out

    def stub(x_train, y_train, x_val, y_val):
        ...

    assert check("mlp_early_stopping", stub).status == "not attempted"


def test_mlp_exercise_rejects_wrong_models(capsys):
    assert not check("mlp_early_stopping", _mlp(hidden=128))
    assert "found Dense 128" in capsys.readouterr().out
    assert not check("mlp_early_stopping", _mlp(early_stop=False))
    assert "nothing stopped it early" in capsys.readouterr().out
    assert not check("mlp_early_stopping", lambda *data: (None, None))
    assert not check("mlp_early_stopping", lambda *data: 42)
