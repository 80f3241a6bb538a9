"""Exercises of notebook 06 (VGG and transfer learning)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "06_vgg_transfer_learning"


# --------------------------------------------------------------------------- conv_params


def _conv_params(kernel_size, c_in, c_out, bias=True):
    from course_utils.models import conv_params

    return conv_params(kernel_size, c_in, c_out, bias)


def _conv_params_cases() -> list[tuple]:
    return [
        (3, 3, 64),  # VGG's first layer
        (3, 256, 512),  # block4_conv1
        (7, 512, 512, False),  # the 7x7 layer three 3x3 replace, without biases
        (1, 192, 64),  # a 1x1 "bottleneck" (GoogLeNet)
        (5, 16, 32),
        (11, 3, 96),  # AlexNet's first layer
        (3, 1, 8, False),  # one input channel, no bias
        (1, 1, 1),  # the smallest layer there is
    ]


register(FunctionExercise(
    "conv_params", NOTEBOOK, "conv_params", reference=_conv_params, cases=_conv_params_cases,
    hint="one filter sees a k x k window of every input channel; how many filters are there, "
         "and how many biases does each add when bias=True?",
))  # fmt: skip


# --------------------------------------------------------------------------- add_head


def _small_bases() -> list[tuple[Any, int]]:
    """(base, classes) cases: two VGG cuts of different sizes and a base with BatchNorm."""
    import keras

    from course_utils.models import vgg16, vgg19

    v16 = vgg16((32, 32, 3), include_top=False)
    v19 = vgg19((48, 48, 3), include_top=False)
    inputs = keras.Input((40, 40, 3))
    x = keras.layers.Conv2D(24, 3, strides=2, name="conv")(inputs)
    x = keras.layers.BatchNormalization(name="bn")(x)
    x = keras.layers.ReLU(name="relu")(x)
    with_bn = keras.Model(inputs, x, name="bn_base")
    return [
        (keras.Model(v16.inputs[0], v16.get_layer("block3_pool").output, name="vgg16_block3"), 10),
        (keras.Model(v19.inputs[0], v19.get_layer("block4_pool").output, name="vgg19_block4"), 3),
        (with_bn, 2),
    ]


def _reference_add_head(base, num_classes):
    from course_utils.transfer import add_head

    return add_head(base, num_classes)


def _call(fn: Callable, args: tuple, what: str, say: Callable[[str], None]) -> tuple[bool, Any]:
    """Run the student's function: (True, result), or (False, None) after saying what failed."""
    try:
        return True, fn(*args)
    except NotImplementedError as err:
        raise NotAttempted("your function still raises NotImplementedError") from err
    except Exception as err:  # noqa: BLE001 - report any failure of the student's code
        say(f"{what} raised {type(err).__name__}: {err}")
        return False, None


def _check_add_head(add_head: Any, say: Callable[[str], None]) -> bool:
    import keras

    from course_utils.transfer import head_summary

    if not callable(add_head):
        say(f"expected a function, got {type(add_head).__name__}")
        return False
    for i, (base, classes) in enumerate(_small_bases()):
        what = f"add_head({base.name}, {classes})"
        base.trainable = True  # the function must freeze it
        ran, model = _call(add_head, (base, classes), what, say)
        if not ran:
            return False
        if model is None:
            if i == 0 and base.trainable:
                raise NotAttempted("your function returns nothing; write its body")
            say(f"{what} returned no model")
            return False
        if not isinstance(model, keras.Model):
            say(f"{what} returned a {type(model).__name__}, not a keras.Model")
            return False
        if base.trainable:
            say(f"{what}: the base is still trainable — freeze it before training the head")
            return False
        x = np.random.default_rng(i).uniform(0, 255, (2, *base.inputs[0].shape[1:]))
        try:
            probs = np.asarray(model(x.astype("float32"), training=False))
        except Exception as err:  # noqa: BLE001
            say(f"{what}: the model failed on a batch of images: {type(err).__name__}: {err}")
            return False
        if probs.shape != (2, classes):
            say(f"{what}: output shape {probs.shape[1:]}, expected ({classes},)")
            return False
        if not np.allclose(probs.sum(axis=1), 1.0, atol=1e-4) or probs.min() < 0:
            say(f"{what}: the outputs are not probabilities (each row should sum to 1)")
            return False
        rates = [layer.rate for layer in model._flatten_layers(include_self=False)
                 if isinstance(layer, keras.layers.Dropout)]  # fmt: skip
        if not any(abs(r - 0.5) < 1e-9 for r in rates):
            say(f"{what}: no Dropout(0.5) layer in the head")
            return False
        got = head_summary(model)
        want = head_summary(_reference_add_head(base, classes))
        if got[1:] != want[1:]:
            say(f"{what}: {got[1]:,} trainable and {got[2]:,} frozen parameters, expected "
                f"{want[1]:,} and {want[2]:,}")  # fmt: skip
            return False
        say(f"{what}: {got[1]:,} trainable, {got[2]:,} frozen parameters")
    return True


def _add_head_example():
    def add_head(base, num_classes):
        import keras
        from keras import layers

        base.trainable = False
        inputs = keras.Input(base.inputs[0].shape[1:])
        x = base(inputs, training=False)
        x = layers.GlobalAveragePooling2D()(x)
        x = layers.Dropout(0.5)(x)
        return keras.Model(inputs, layers.Dense(num_classes, activation="softmax")(x))

    return add_head


register(CustomExercise(
    "add_head", NOTEBOOK, "add_head", checker=_check_add_head, example=_add_head_example,
    hint="what must not learn while the new layer does, and when is that decided? A feature "
         "map has height, width and channels, and a softmax layer wants a vector per image",
))  # fmt: skip


# --------------------------------------------------------------------------- unfreeze_top


def _unfreeze_bases() -> list[tuple[Any, str]]:
    """(base, block) cases: VGG16/19 blocks, a base with BatchNorm, block1 next to block10."""
    import keras
    from keras import layers

    from course_utils.models import vgg16, vgg19

    inputs = keras.Input((16, 16, 3))
    x = layers.Conv2D(8, 3, padding="same", name="block1_conv")(inputs)
    x = layers.Conv2D(8, 3, padding="same", name="block2_conv")(x)
    x = layers.BatchNormalization(name="block2_bn")(x)
    with_bn = keras.Model(inputs, layers.ReLU(name="block2_relu")(x), name="bn_base")
    inputs = keras.Input((16, 16, 3))
    x = inputs
    for b in (1, 2, 10, 11):
        x = layers.Conv2D(4, 3, padding="same", name=f"block{b}_conv")(x)
    many = keras.Model(inputs, x, name="eleven_blocks")
    return [
        (vgg16((32, 32, 3), include_top=False), "block5"),  # the lecture's case
        (vgg16((32, 32, 3), include_top=False), "block3"),
        (vgg19((32, 32, 3), include_top=False), "block4"),
        (with_bn, "block2"),  # BatchNorm stays frozen
        (many, "block1"),  # not block10
    ]


def _flags(model) -> tuple:
    return (model.trainable, *(layer.trainable for layer in model.layers))


def _expected_trainable(base, block: str) -> set[str]:
    import keras

    return {layer.name for layer in base.layers if layer.name.startswith(block + "_")
            and not isinstance(layer, keras.layers.BatchNormalization)}  # fmt: skip


def _check_unfreeze_top(unfreeze_top: Any, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(unfreeze_top):
        say(f"expected a function, got {type(unfreeze_top).__name__}")
        return False
    for i, (base, block) in enumerate(_unfreeze_bases()):
        base.trainable = False  # as after feature extraction
        before = _flags(base)
        what = f"unfreeze_top({base.name}, {block!r})"
        try:
            unfreeze_top(base, block)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001
            say(f"{what} raised {type(err).__name__}: {err}")
            return False
        if i == 0 and _flags(base) == before:
            raise NotAttempted("your function changed nothing yet; write its body")
        if not base.trainable:
            say(f"{what}: the base itself is still frozen, so none of its layers can learn")
            return False
        got = {layer.name for layer in base.layers if layer.trainable and layer.weights}
        want = {n for n in _expected_trainable(base, block) if base.get_layer(n).weights}
        bn = [layer.name for layer in base.layers
              if isinstance(layer, keras.layers.BatchNormalization) and layer.trainable]
        if bn:
            say(f"{what}: BatchNormalization layer {bn[0]} is trainable; fine-tuning would "
                "move its statistics")  # fmt: skip
            return False
        if got != want:
            extra, missing = sorted(got - want), sorted(want - got)
            detail = (f"{extra[0]} should stay frozen" if extra else
                      f"{missing[0]} should be trainable")  # fmt: skip
            say(f"{what}: {detail}")
            return False
        n = sum(int(np.prod(w.shape)) for w in base.trainable_weights)
        say(f"{what}: {len(got)} layer{'s' if len(got) != 1 else ''}, {n:,} trainable parameters")
    return True


def _unfreeze_example():
    def unfreeze_top(base, block):
        import keras

        base.trainable = True
        for layer in base.layers:
            layer.trainable = layer.name.startswith(block + "_") and not isinstance(
                layer, keras.layers.BatchNormalization)

    return unfreeze_top


register(CustomExercise(
    "unfreeze_top", NOTEBOOK, "unfreeze_top", checker=_check_unfreeze_top,
    example=_unfreeze_example,
    hint="trainable is a switch on the model and on every layer, and the model's switch comes "
         "first; a layer's name tells its block (is block1 a prefix of block10?); which layer "
         "type must never learn while fine-tuning?",
))  # fmt: skip
