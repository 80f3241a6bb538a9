"""Adversarial examples: the fast gradient sign method (FGSM) and its iterated version.

Goodfellow, Shlens and Szegedy (2015, "Explaining and harnessing adversarial examples") noticed
that a tiny step of size ε in the direction of the *sign* of the loss gradient with respect to
the input pixels,

    x_adv = clip(x + ε · sign(∇_x loss(model(x), y)), low, high),

is enough to make a trained classifier wrong with high confidence. Every pixel moves by at most
ε, so the change is bounded in the max-norm and is often invisible.

- :func:`fgsm` — one step, untargeted (increase the loss of label ``y``) or targeted (decrease
  the loss of a chosen class ``y``: step *against* the gradient).
- :func:`iterative_fgsm` — many small FGSM steps, projected back into the ε-ball around the
  original image after each one: the "basic iterative method" (BIM) of Kurakin, Goodfellow and
  Bengio (2017, "Adversarial examples in the physical world"). Started from a random point in
  the ε-ball instead of the image itself, the same iteration is the projected gradient descent
  (PGD) attack of Madry et al. (2018).
- :func:`exercise_model` and :func:`exercise_cases` — a small fixed model and argument
  tuples for checking a student's FGSM (notebook 09's exercise bank uses them).

The models are Keras classifiers whose outputs are class probabilities (a softmax), shape
(N, K). TensorFlow is imported inside the functions, not at module import.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["exercise_cases", "exercise_model", "fgsm", "iterative_fgsm", "loss_gradient"]


def _check_model(model: Any) -> None:
    if not callable(model) or not hasattr(model, "layers"):
        raise TypeError(f"model must be a Keras model, got {type(model).__name__}")


def _check_inputs(x: Any, y: Any) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x)
    if x.dtype == object or not (np.issubdtype(x.dtype, np.number) or x.dtype == bool):
        raise TypeError(f"x must be a numeric array, got dtype {x.dtype}")
    if x.ndim < 2 or len(x) == 0:
        raise ValueError(f"x must be a non-empty batch (N, ...), got shape {x.shape}")
    y = np.asarray(y)
    if y.ndim == 0:
        y = np.full(len(x), int(y))
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"y must hold integer class labels, got dtype {y.dtype}")
    if y.shape != (len(x),):
        raise ValueError(f"y must have shape ({len(x)},) (one label per image), got {y.shape}")
    return x.astype(np.float32), y.astype(np.int64)


def _check_epsilon(name: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float | np.number):
        raise TypeError(f"{name} must be a number, got {type(value).__name__}")
    if not np.isfinite(value) or value < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
    return float(value)


def _check_clip(clip: Any) -> tuple[float, float] | None:
    if clip is None:
        return None
    try:
        low, high = (float(v) for v in clip)
    except (TypeError, ValueError):
        raise TypeError(f"clip must be None or a (low, high) pair, got {clip!r}") from None
    if not low < high:
        raise ValueError(f"clip needs low < high, got {clip!r}")
    return low, high


def loss_gradient(model: Any, x: Any, y: Any, batch_size: int = 256) -> np.ndarray:
    """Gradient of the cross-entropy loss of labels ``y`` with respect to the input pixels.

    Parameters
    ----------
    model : keras.Model
        Classifier with probability outputs, shape (N, K).
    x : np.ndarray
        Images, shape (N, ...) as the model expects them (float).
    y : np.ndarray of int or int
        Class labels, shape (N,); one int applies to every image.
    batch_size : int
        Images per gradient computation.

    Returns
    -------
    np.ndarray of float32, same shape as ``x``
        ∂ loss_i / ∂ x_i for every image i (per-image loss, not averaged over the batch).
    """
    import tensorflow as tf

    _check_model(model)
    x, y = _check_inputs(x, y)
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    grads = []
    for start in range(0, len(x), batch_size):
        xb = tf.convert_to_tensor(x[start : start + batch_size])
        yb = tf.convert_to_tensor(y[start : start + batch_size])
        with tf.GradientTape() as tape:
            tape.watch(xb)
            probs = model(xb, training=False)
            # per-image loss (summed, so every image gets its own, unscaled gradient)
            loss = tf.reduce_sum(tf.keras.losses.sparse_categorical_crossentropy(yb, probs))
        grads.append(tape.gradient(loss, xb).numpy())
    return np.concatenate(grads).astype(np.float32)


def fgsm(
    model: Any,
    x: Any,
    y: Any,
    epsilon: float,
    clip: tuple[float, float] | None = (0.0, 1.0),
    targeted: bool = False,
) -> np.ndarray:
    """Fast gradient sign method: one step of size ``epsilon`` along the loss gradient's sign.

    Parameters
    ----------
    model : keras.Model
        Classifier with probability outputs, shape (N, K).
    x : np.ndarray
        Clean images, shape (N, ...), in the model's input units (e.g. 0..1 or 0..255).
    y : np.ndarray of int or int
        Untargeted: the label whose loss to *increase* (the true label, or the model's own
        prediction when labels are unknown). Targeted: the class to push towards.
    epsilon : float
        Largest change of any pixel (max-norm of the perturbation), in the units of ``x``.
    clip : (low, high) or None
        Valid pixel range; the result is clipped to it (None: no clipping).
    targeted : bool
        Step against the gradient of the target class's loss instead of along it.

    Returns
    -------
    np.ndarray of float32, shape of ``x``
        Adversarial images, with ``|x_adv - x| <= epsilon`` everywhere.

    Raises
    ------
    TypeError, ValueError
        Not a model, non-numeric or empty ``x``, labels of the wrong shape, negative ε, bad clip.
    """
    epsilon = _check_epsilon("epsilon", epsilon)
    bounds = _check_clip(clip)
    x, y = _check_inputs(x, y)
    grad = loss_gradient(model, x, y)
    direction = -1.0 if targeted else 1.0
    adv = x + direction * epsilon * np.sign(grad)
    if bounds is not None:
        adv = np.clip(adv, *bounds)
    return adv.astype(np.float32)


def iterative_fgsm(
    model: Any,
    x: Any,
    y: Any,
    epsilon: float,
    step: float | None = None,
    steps: int = 10,
    clip: tuple[float, float] | None = (0.0, 1.0),
    targeted: bool = False,
) -> np.ndarray:
    """Basic iterative method (BIM): ``steps`` FGSM steps of size ``step``, kept within ε of ``x``.

    Parameters
    ----------
    model, x, y, clip, targeted
        As for :func:`fgsm`.
    epsilon : float
        Largest total change of any pixel.
    step : float, optional
        Size of each step (default ``epsilon / 4``, so the budget is reached in a few steps).
    steps : int
        Number of steps.

    Returns
    -------
    np.ndarray of float32, shape of ``x``
        Adversarial images with ``|x_adv - x| <= epsilon`` everywhere.
    """
    epsilon = _check_epsilon("epsilon", epsilon)
    step = epsilon / 4 if step is None else _check_epsilon("step", step)
    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 1:
        raise ValueError(f"steps must be a positive integer, got {steps!r}")
    bounds = _check_clip(clip)
    x, y = _check_inputs(x, y)
    adv = x.copy()
    for _ in range(steps):
        adv = fgsm(model, adv, y, step, clip=bounds, targeted=targeted)
        adv = np.clip(adv, x - epsilon, x + epsilon)  # project back into the ε-ball
        if bounds is not None:
            adv = np.clip(adv, *bounds)
    return adv.astype(np.float32)


def exercise_model(seed: int = 0):
    """A small fixed classifier for the FGSM exercise: 6x6 grey images → 3 classes.

    A convolution (4 filters 3x3, ReLU), flatten and a softmax dense layer, with weights
    drawn from ``seed`` (not trained: FGSM works on any differentiable classifier).

    Returns
    -------
    keras.Model
        Input (None, 6, 6, 1) float in 0..1, output (None, 3) probabilities.
    """
    import keras

    rng = np.random.default_rng(seed)
    inputs = keras.Input((6, 6, 1))
    h = keras.layers.Conv2D(4, 3, activation="relu", name="conv")(inputs)
    h = keras.layers.Flatten()(h)
    outputs = keras.layers.Dense(3, activation="softmax", name="dense")(h)
    model = keras.Model(inputs, outputs, name="fgsm_exercise")
    model.set_weights([rng.normal(0, 0.7, w.shape).astype("float32") for w in model.get_weights()])
    return model


def exercise_cases(model: Any = None, seed: int = 1) -> list[tuple]:
    """Argument tuples ``(model, x, y, epsilon)`` for checking a student's FGSM.

    Cases mix batch sizes, labels and ε (including 0, and pixels at 0 and 1 so clipping to
    0..1 matters). The expected output is ``fgsm(model, x, y, epsilon)`` with ``clip=(0, 1)``.

    Parameters
    ----------
    model : keras.Model, optional
        Default :func:`exercise_model`.
    seed : int
        Seed of the random images and labels.
    """
    model = exercise_model() if model is None else model
    rng = np.random.default_rng(seed)
    cases = []
    for n, eps in ((1, 0.1), (4, 0.05), (3, 0.3), (2, 0.0)):
        x = rng.uniform(0, 1, (n, 6, 6, 1)).astype(np.float32)
        x[:, 0, :, 0] = 0.0  # a row at the lower bound ...
        x[:, -1, :, 0] = 1.0  # ... and one at the upper bound: clipping matters
        y = rng.integers(0, 3, n).astype(np.int64)
        cases.append((model, x, y, eps))
    return cases
