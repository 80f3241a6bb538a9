"""Exercises of notebook 08 (neural style transfer)."""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "08_style_transfer"


# --------------------------------------------------------------------------- Gram matrix


def _gram(a):
    from course_utils.style import gram_matrix

    return gram_matrix(a).numpy()


def _gram_cases() -> list[tuple]:
    rng = np.random.default_rng(8)
    relu = np.maximum(rng.normal(size=(6, 6, 8)), 0).astype(np.float32)
    relu[..., 3] = 0  # a channel that never fires
    return [
        (rng.normal(size=(4, 5, 3)).astype(np.float32),),  # H != W
        (rng.normal(size=(1, 1, 2)).astype(np.float32),),  # one position
        (relu,),  # non-negative activations, as after a ReLU, with a silent channel
        (rng.normal(size=(16, 9, 64)).astype(np.float32),),  # more channels than positions
        (rng.normal(size=(3, 12, 1)).astype(np.float32),),  # one channel: a 1x1 matrix
        ((50 * rng.random((8, 8, 16))).astype(np.float32),),  # large values
    ]


register(FunctionExercise(
    "gram_matrix", NOTEBOOK, "Gram matrix", reference=_gram, cases=_gram_cases,
    rtol=1e-4, atol=1e-4,
    hint="each entry pairs two channels and runs over every position: which axes survive "
         "(the result is C x C whatever the image size), and what do you divide by so that a "
         "larger picture of the same texture gives the same matrix?",
))  # fmt: skip


# --------------------------------------------------------------------------- total variation


def _tv(x):
    from course_utils.style import total_variation_loss

    return float(total_variation_loss(x))


def _tv_cases() -> list[tuple]:
    rng = np.random.default_rng(9)
    stripes = np.zeros((4, 9, 3), np.float32)
    stripes[::2] = 200.0  # horizontal stripes: every vertical pair differs, no horizontal one
    return [
        (rng.uniform(0, 255, (2, 2, 1)).astype(np.float32),),  # the smallest image
        (rng.uniform(0, 255, (5, 7, 3)).astype(np.float32),),  # not square
        (stripes,),  # only one direction varies
        (rng.uniform(0, 255, (32, 24, 3)).astype(np.float32),),
        (np.full((6, 6, 3), 9.0, np.float32),),  # constant: 0
        (rng.uniform(0, 255, (2, 11, 2)).astype(np.float32),),  # two rows, two channels
    ]


register(FunctionExercise(
    "total_variation", NOTEBOOK, "total variation", reference=_tv, cases=_tv_cases,
    rtol=1e-4, atol=1e-3,
    hint="compare every pixel with its neighbour below and, separately, with its neighbour "
         "to the right; an H x W image has fewer pairs of each kind than pixels, and not the "
         "same number of both kinds, so average each kind over its own pairs",
))  # fmt: skip


# --------------------------------------------------------------------------- style loss


def _layer_style_loss(a_style, a_image):
    from course_utils.style import gram_matrix, style_loss

    return float(style_loss(gram_matrix(a_style), gram_matrix(a_image)))


def _style_loss_cases() -> list[tuple]:
    rng = np.random.default_rng(10)
    same = rng.normal(size=(5, 5, 4))
    return [
        (rng.normal(size=(6, 6, 4)), rng.normal(size=(4, 5, 4))),  # different sizes
        (rng.normal(size=(8, 8, 3)), rng.normal(size=(8, 8, 3))),
        (rng.uniform(size=(3, 9, 16)), rng.uniform(size=(5, 2, 16))),  # non-negative
        (same, same[::-1, ::-1].copy()),  # the same activations, positions permuted: 0
        (rng.normal(size=(2, 2, 1)), 3 * rng.normal(size=(7, 3, 1))),  # one channel
    ]


register(FunctionExercise(
    "style_loss", NOTEBOOK, "style loss of one layer", reference=_layer_style_loss,
    cases=_style_loss_cases, rtol=1e-4, atol=1e-6,
    hint="the two images may differ in size, so compare what does not depend on the size; "
         "the loss is an average over the entries of what you compare, not over positions",
))  # fmt: skip


# --------------------------------------------------------------------------- Keras: features

_FEATURE_REQUESTS: tuple[tuple[str, ...], ...] = (
    ("conv_b",),  # one layer
    ("conv_a", "conv_c"),  # two, in network order
    ("conv_c", "pool", "conv_a"),  # the order asked for, not the network's
)


def _small_cnn(seed: int = 0):
    """A small CNN with named layers (random weights) to test ``features_model`` on."""
    import keras

    keras.utils.set_random_seed(seed)
    inputs = keras.Input((None, None, 3), name="image")
    x = keras.layers.Conv2D(4, 3, padding="same", activation="relu", name="conv_a")(inputs)
    x = keras.layers.Conv2D(6, 3, padding="same", activation="relu", name="conv_b")(x)
    x = keras.layers.MaxPooling2D(2, name="pool")(x)
    x = keras.layers.Conv2D(5, 3, padding="same", activation="relu", name="conv_c")(x)
    x = keras.layers.GlobalAveragePooling2D(name="gap")(x)
    outputs = keras.layers.Dense(2, name="logits")(x)
    return keras.Model(inputs, outputs, name="small_cnn")


def _reference_features_model(base, layer_names):
    """The reference: one model, the base's input, the named layers' outputs in that order."""
    import keras

    return keras.Model(base.input, [base.get_layer(n).output for n in layer_names])


def _as_list(outputs) -> list:
    if isinstance(outputs, dict):
        return list(outputs.values())
    if isinstance(outputs, list | tuple):
        return list(outputs)
    return [outputs]


def _check_features_model(features_model: Any, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(features_model):
        say(f"expected a function that returns a Keras model, got {type(features_model).__name__}")
        return False
    base = _small_cnn()
    rng = np.random.default_rng(11)
    images = rng.uniform(0, 1, (2, 12, 10, 3)).astype(np.float32)  # not square, a batch
    for i, names in enumerate(_FEATURE_REQUESTS):
        try:
            model = features_model(base, list(names))
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            say(f"features_model(base, {list(names)}) raised {type(err).__name__}: {err}")
            return False
        if model is None:
            if i == 0:
                raise NotAttempted("your function returns nothing; write its body")
            say(f"features_model(base, {list(names)}) returned None")
            return False
        if not isinstance(model, keras.Model):
            say(f"features_model returned a {type(model).__name__}, not a Keras model")
            return False
        try:
            with warnings.catch_warnings():  # a list of one input vs one tensor: both are fine
                warnings.simplefilter("ignore", UserWarning)
                got = _as_list(model(images, training=False))
        except Exception as err:  # noqa: BLE001
            say(f"your model failed on a batch of shape {images.shape}: "
                f"{type(err).__name__}: {err}")  # fmt: skip
            return False
        want = _as_list(_reference_features_model(base, names)(images, training=False))
        if len(got) != len(want):
            say(f"layers {list(names)}: expected {len(want)} output(s), got {len(got)}")
            return False
        for name, g, w in zip(names, got, want, strict=True):
            g = np.asarray(g)
            if g.shape != tuple(w.shape):
                say(f"layers {list(names)}: the output for {name!r} has shape {g.shape}, "
                    f"expected {tuple(w.shape)} (outputs in the order asked for)")  # fmt: skip
                return False
            if not np.allclose(g, np.asarray(w), rtol=1e-4, atol=1e-5):
                say(
                    f"layers {list(names)}: the output for {name!r} has the right shape but "
                    "other values — use the network's own layers and weights, not new ones"
                )
                return False
        say(f"layers {list(names)}: outputs of shapes {[tuple(np.shape(g)) for g in got]}")
    trained = sum(int(np.prod(v.shape)) for v in model.trainable_weights)
    extra = trained - sum(int(np.prod(v.shape)) for v in base.trainable_weights)
    if extra > 0:
        say(f"your model has {extra:,} more trainable weights than the network: no new layers")
        return False
    return True


register(CustomExercise(
    "features_model", NOTEBOOK, "a model that returns chosen layers", points=2,
    checker=_check_features_model, example=lambda: _reference_features_model,
    hint="a functional Keras model is defined by its inputs and its outputs, and every layer "
         "of a built network remembers the symbolic tensor it produced",
))  # fmt: skip
