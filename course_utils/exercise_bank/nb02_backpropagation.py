"""Exercises of notebook 02 (backpropagation).

Four exercises ask for code (a stable softmax, momentum's settled step, the backward pass of
a tanh layer, and a Keras MLP trained with early stopping), one for numbers worked out by
hand (the gradients of a small computational graph).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from course_utils.exercises import (
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    ValueExercise,
    register,
)

NOTEBOOK = "02_backpropagation"


# --- 1. a stable softmax ------------------------------------------------------------------


def _softmax(z):
    from course_utils.activations import softmax

    return softmax(z)


def _softmax_cases() -> list[tuple]:
    rng = np.random.default_rng(0)
    return [
        (np.array([2.0, 0.0, 0.0]),),  # small scores: the naive formula works too
        (np.array([1000.0, 1001.0, 1002.0]),),  # the lecture's overflow example
        (np.array([-1000.0, -1001.0, -999.0]),),  # every exp underflows to 0: 0 / 0
        (np.array([[1.0, 2.0], [-3.0, 50.0]]),),  # rows on different scales
        (np.array([[1000.0, 999.0], [-1000.0, -999.0]]),),  # one max for the batch: not enough
        (rng.normal(0, 30, (4, 5)),),  # a batch of large random scores
        (np.array([[7.0]]),),  # a single class
        (rng.normal(0, 300, (2, 3, 4)),),  # 3-D: softmax along the last axis only
    ]


register(FunctionExercise(
    "stable_softmax", NOTEBOOK, "stable softmax", reference=_softmax, cases=_softmax_cases,
    hint="softmax does not change when one number is subtracted from every score of a row; "
         "pick the number that makes every exponent <= 0, per row, in a shape that broadcasts",
))  # fmt: skip


# --- 2. how fast does momentum move on a steady slope? ---------------------------------------


def _momentum_settled_step(lr: float, beta: float, grad: float) -> float:
    """Change of w per step once momentum's velocity has settled, under a constant gradient.

    Computed by running :func:`course_utils.autograd.momentum_step` until the velocity stops
    changing (the closed form is the exercise).
    """
    from course_utils.autograd import momentum_step

    w, v = np.zeros(1), np.zeros(1)
    g = np.full(1, float(grad))
    for _ in range(1_000_000):
        w_new, v_new = momentum_step(w, v, g, lr, beta)
        if np.allclose(v_new, v, rtol=1e-13, atol=0.0):
            return float(v_new[0])
        w, v = w_new, v_new
    raise RuntimeError("momentum did not settle")  # pragma: no cover


def _momentum_cases() -> list[tuple]:
    return [
        (0.03, 0.9, 1.0),  # section 2's momentum, on a slope of gradient 1
        (0.1, 0.0, 2.0),  # no momentum: plain gradient descent
        (0.01, 0.5, -4.0),  # a negative gradient: w moves up
        (0.001, 0.99, 0.5),
        (0.2, 0.75, 0.0),  # flat ground: no movement at all
    ]


register(FunctionExercise(
    "momentum_settled_step", NOTEBOOK, "momentum's settled step",
    reference=_momentum_settled_step, cases=_momentum_cases, rtol=1e-4, atol=1e-9,
    hint="once the velocity has settled it is the same before and after a step: write the "
         "velocity update as an equation with v on both sides and solve it",
))  # fmt: skip


# --- 3. backward through a tanh layer ---------------------------------------------------------


def _tanh_backward(x, W, b, grad_h):
    from course_utils.autograd import tanh_layer_backward

    return tanh_layer_backward(x, W, b, grad_h)


def _tanh_cases() -> list[tuple]:
    rng = np.random.default_rng(1)
    shapes = ((4, 3, 2), (1, 5, 3), (6, 2, 4), (3, 1, 1))  # the last: one input, one unit
    cases = [tuple(rng.normal(size=s) for s in ((n, d), (d, m), (m,), (n, m)))
             for n, d, m in shapes]  # fmt: skip
    n, d, m = 5, 3, 4
    saturated = (10 * rng.normal(size=(n, d)), 10 * rng.normal(size=(d, m)), rng.normal(size=m),
                 rng.normal(size=(n, m)))  # tanh near +-1: almost no gradient gets through
    cases.append(saturated)
    cases.append((rng.normal(size=(n, d)), rng.normal(size=(d, m)), np.zeros(m), np.zeros((n, m))))
    return cases


register(FunctionExercise(
    "tanh_layer_backward", NOTEBOOK, "tanh layer backward", reference=_tanh_backward,
    cases=_tanh_cases,
    hint="tanh's derivative needs the layer's output, so run the forward pass first; after "
         "that it is a linear layer: which products of the arrays have shapes (d, m), (m,) "
         "and (N, d)?",
))  # fmt: skip


# --- 4. one more graph, by hand -----------------------------------------------------------------


def _graph_gradients() -> tuple[float, float, float]:
    """(dg/da, dg/db, dg/dc) of g = (a b + c)^2 at a = 3, b = -2, c = 4, from the autograd."""
    from course_utils.autograd import Value

    a, b, c = Value(3.0), Value(-2.0), Value(4.0)
    ((a * b + c) ** 2).backward()
    return (a.grad, b.grad, c.grad)


register(ValueExercise(
    "graph_by_hand", NOTEBOOK, "gradients of g = (ab + c)²", expected=_graph_gradients,
    hint="go backwards from dg/dg = 1: first the square's local derivative at m = ab + c, "
         "then the sum's and the product's",
))  # fmt: skip


# --- 5. Keras: the 256-256 MLP with early stopping -----------------------------------------

#: The checker trains the student's model on these first digits of MNIST's training set.
MLP_SPLITS = {"train": 1000, "val": 300, "held_out": 500}
MLP_PARAMS = (784 * 256 + 256) + (256 * 256 + 256) + (256 * 10 + 10)  # 269,322
MLP_MIN_ACCURACY = 0.85


def _mlp_data() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Fixed small splits of MNIST's training digits, flattened to (N, 784) float32 in 0..1."""
    from course_utils.data import load_mnist

    mnist = load_mnist(verbose=False)
    x = mnist.x_train.reshape(len(mnist.x_train), -1).astype(np.float32) / 255.0
    y = mnist.y_train.astype(np.int64)
    out, start = {}, 0
    for name, n in MLP_SPLITS.items():
        out[name] = (x[start : start + n], y[start : start + n])
        start += n
    return out


def _dense_layers(model) -> list:
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]


def _activation_name(layer) -> str:
    return getattr(layer.activation, "__name__", str(layer.activation))


def _check_mlp(train_mlp: Any, say) -> bool:
    """Call ``train_mlp(x_train, y_train, x_val, y_val)``; test the model and history it returns."""
    import keras

    if not callable(train_mlp):
        say(f"expected a function, got {type(train_mlp).__name__}")
        return False
    data = _mlp_data()
    keras.utils.set_random_seed(0)
    try:
        result = train_mlp(*data["train"], *data["val"])
    except NotImplementedError as err:
        raise NotAttempted("your function still raises NotImplementedError") from err
    except Exception as err:  # noqa: BLE001 - report any failure of the student's code
        say(f"your function raised {type(err).__name__}: {err}")
        return False
    if result is None:
        raise NotAttempted("your function returns nothing; write its body")
    if not (isinstance(result, tuple | list) and len(result) == 2):
        say("return two things: (model, history), the model and what fit returned")
        return False
    model, history = result
    if not isinstance(model, keras.Model):
        say(f"the first thing returned should be a Keras model, got {type(model).__name__}")
        return False
    ok = True
    dense = _dense_layers(model)
    shape = [(layer.units, _activation_name(layer)) for layer in dense]
    if shape == [(256, "relu"), (256, "relu"), (10, "softmax")]:
        say("layers: Dense 256 (ReLU) → Dense 256 (ReLU) → Dense 10 (softmax)")
    else:
        found = " → ".join(f"Dense {u} ({a})" for u, a in shape) or "no Dense layers"
        say("layers: expected Dense 256 (ReLU) → Dense 256 (ReLU) → Dense 10 (softmax), "
            f"found {found}")
        ok = False
    n_params = model.count_params()
    if n_params == MLP_PARAMS:
        say(f"{n_params:,} parameters")
    else:
        say(f"{n_params:,} parameters; a 784-256-256-10 MLP has a different number — "
            "check the input size")
        ok = False
    if getattr(model, "optimizer", None) is None or not getattr(model, "compiled", False):
        say("the model is not compiled")
        return False
    if not isinstance(history, keras.callbacks.History) or not history.history:
        say("the second thing returned should be what model.fit returned (a History)")
        return False
    logs = history.history
    if "val_loss" not in logs:
        say("fit saw no validation data, so nothing could watch the validation loss")
        return False
    epochs_run, limit = len(logs["val_loss"]), history.params.get("epochs", 0)
    if getattr(model, "stop_training", False) and epochs_run < limit:
        say(f"early stopping ended training after {epochs_run} of {limit} epochs")
    else:
        say(f"training ran all {epochs_run} of its {limit} epochs: nothing stopped it early")
        ok = False
    x_val, y_val = data["val"]
    probs = np.asarray(model(x_val, training=False))
    if probs.shape != (len(x_val), 10):
        say(f"the model's output has shape {probs.shape}, expected (N, 10) class probabilities")
        return False
    val_loss = float(np.mean(-np.log(np.clip(probs[np.arange(len(y_val)), y_val], 1e-7, 1.0))))
    val_acc = float(np.mean(probs.argmax(axis=1) == y_val))
    best_loss, best_acc = min(logs["val_loss"]), max(logs.get("val_accuracy", [np.nan]))
    kept_best = np.isclose(val_loss, best_loss, rtol=2e-3, atol=1e-4)
    if kept_best or np.isclose(val_acc, best_acc, atol=1e-9):
        say("the returned model has the weights of its best validation epoch")
    else:
        say(f"the returned model's validation loss is {val_loss:.4f}, but the best epoch had "
            f"{best_loss:.4f}: the best weights were not kept")  # fmt: skip
        ok = False
    x_ho, y_ho = data["held_out"]
    acc = float(np.mean(np.asarray(model(x_ho, training=False)).argmax(axis=1) == y_ho))
    trained_on = len(data["train"][0])
    if acc >= MLP_MIN_ACCURACY:
        say(f"accuracy {acc:.1%} on {len(y_ho)} digits it never saw (trained on {trained_on:,})")
    else:
        say(f"accuracy {acc:.1%} on {len(y_ho)} unseen digits; at least {MLP_MIN_ACCURACY:.0%} is "
            f"within reach of this MLP trained on {trained_on:,} digits")  # fmt: skip
        ok = False
    return ok


def _example_train_mlp():
    """A correct answer (what the notebook's solution cell does)."""

    def train_mlp(x_train, y_train, x_val, y_val):
        import keras

        model = keras.Sequential([
            keras.Input(shape=(784,)),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(256, activation="relu"),
            keras.layers.Dense(10, activation="softmax"),
        ])  # fmt: skip
        model.compile(optimizer=keras.optimizers.Adam(1e-3), loss="sparse_categorical_crossentropy",
                      metrics=["accuracy"])  # fmt: skip
        stop = keras.callbacks.EarlyStopping(monitor="val_loss", patience=3,
                                             restore_best_weights=True)
        history = model.fit(x_train, y_train, validation_data=(x_val, y_val), batch_size=64,
                            epochs=100, callbacks=[stop], verbose=0)  # fmt: skip
        return model, history

    return train_mlp


register(CustomExercise(
    "mlp_early_stopping", NOTEBOOK, "MLP 256-256 with early stopping", checker=_check_mlp,
    example=_example_train_mlp, points=2,
    hint="Sequential with an Input of 784 features; compile names the optimiser, the loss for "
         "integer labels and a metric; EarlyStopping is a callback, given to fit together with "
         "the validation data, and it can restore the best weights",
))  # fmt: skip
