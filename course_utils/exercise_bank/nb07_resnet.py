"""Exercises of notebook 07 (ResNet): a residual block in Keras, and a bottleneck's parameters."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "07_resnet"


# --------------------------------------------------------------------------- residual block


def _block_model(block_fn: Callable, size: int, c_in: int, filters: int, stride: int):
    """Wrap ``block_fn`` applied to a (size, size, c_in) input in a Keras model (None: stub)."""
    import keras

    inp = keras.Input((size, size, c_in))
    try:
        out = block_fn(inp, filters, stride)
    except NotImplementedError as err:
        raise NotAttempted("your function still raises NotImplementedError") from err
    return None if out is None else keras.Model(inp, out)


def _zero_all(model) -> None:
    """Every weight of ``model`` to 0, except BN moving variances (1): F(x) = 0 in a block."""
    import numpy as np

    for layer in model.layers:
        for w in layer.weights:
            value = np.ones if w.path.endswith("moving_variance") else np.zeros
            w.assign(value(w.shape, "float32"))


def _check_residual_block(block_fn: Any, say: Callable[[str], None]) -> bool:
    """Test a residual block ``block_fn(x, filters, stride)`` by what it computes.

    Cases: 16 → 16 channels at stride 1 (identity shortcut), 16 → 32 at stride 2 and 16 → 24
    at stride 1 (both need a projection), and an odd 7x7 input at stride 2. Tests: output
    shapes; random weights change the input and the output is non-negative (the final ReLU);
    with all weights zero the identity block returns its input (F = 0 ⇒ H(x) = x); where
    shapes change, a 1x1 projection carries the input when every other weight is zero; the
    parameter counts of :func:`course_utils.models.basic_block_params`.
    """
    import numpy as np

    from course_utils.models import basic_block_params

    if not callable(block_fn):
        kind = type(block_fn).__name__
        say(f"expected a function residual_block(x, filters, stride), got {kind}")
        return False
    cases = {  # name -> (size, c_in, filters, stride, expected output shape)
        "same shape": (8, 16, 16, 1, (8, 8, 16)),
        "stride 2": (8, 16, 32, 2, (4, 4, 32)),
        "more channels": (8, 16, 24, 1, (8, 8, 24)),
        "odd size, stride 2": (7, 8, 16, 2, (4, 4, 16)),
    }
    built = {}
    for label, (size, c_in, filters, stride, _) in cases.items():
        try:
            built[label] = _block_model(block_fn, size, c_in, filters, stride)
        except NotAttempted:
            raise
        except Exception as err:  # noqa: BLE001 - report any construction error to the student
            say(f"building the block ({label}: {c_in} → {filters} channels, stride {stride}) "
                f"failed with {type(err).__name__}: {err}")  # fmt: skip
            return False
        if built[label] is None:
            if label == "same shape":
                raise NotAttempted("your function returns nothing; return the block's output")
            say(f"{label}: the function returned None")
            return False
    results = []

    def record(ok: bool, text: str) -> None:
        results.append(bool(ok))
        say(text)

    shapes = {label: tuple(m.output.shape[1:]) for label, m in built.items()}
    wrong = [f"{label}: expected {cases[label][4]}, got {got}"
             for label, got in shapes.items() if got != cases[label][4]]  # fmt: skip
    record(not wrong, "output shapes for 4 inputs" + (": " + "; ".join(wrong) if wrong else ""))
    if wrong:
        return False
    rng = np.random.default_rng(0)
    same = built["same shape"]
    x = rng.uniform(0, 1, (2, 8, 8, 16)).astype("float32")
    y = np.asarray(same(x, training=False))
    record(np.abs(y - x).max() > 1e-3, "with random weights the block changes its input")
    record(y.min() >= 0, "the output passes through a final ReLU (no negative values)")
    _zero_all(same)
    record(np.allclose(np.asarray(same(x, training=False)), x, atol=1e-5),
           "with all weights zero the block is the identity (F = 0, output = relu(0 + x) = x)")
    for label in ("stride 2", "more channels", "odd size, stride 2"):
        model, (size, c_in, *_rest) = built[label], cases[label]
        _zero_all(model)
        projections = [layer for layer in model.layers if type(layer).__name__ == "Conv2D"
                       and tuple(layer.kernel.shape[:2]) == (1, 1)]  # fmt: skip
        for layer in projections:
            layer.kernel.assign(np.ones(layer.kernel.shape, "float32") / c_in)
        for layer in model.layers:  # BN after the projection must pass the signal: gamma = 1
            if type(layer).__name__ == "BatchNormalization":
                layer.gamma.assign(np.ones(layer.gamma.shape, "float32"))
        xs = rng.uniform(0.5, 1, (2, size, size, c_in)).astype("float32")
        out = np.asarray(model(xs, training=False))
        record(bool(projections) and np.abs(out).max() > 1e-3,
               f"{label}: a 1x1 projection shortcut carries the input")  # fmt: skip
    counts = {label: m.count_params() for label, m in built.items()}
    expected = {label: basic_block_params(c_in, f, s)
                for label, (_, c_in, f, s, _) in cases.items()}  # fmt: skip
    record(counts == expected, "parameter counts: two 3x3 convolutions without bias, BN after "
           "each, a 1x1 projection with BN where the shape changes")  # fmt: skip
    return all(results)


def _example_block():
    from course_utils.models import residual_block

    def block(x, filters, stride):
        return residual_block(x, filters, stride)

    return block


register(CustomExercise(
    "residual_block", NOTEBOOK, "residual block", checker=_check_residual_block,
    example=_example_block, points=2,
    hint="the two tensors you add must have the same shape; which arguments change the "
    "output's shape, and which layer can change height, width and channels at once?",
))  # fmt: skip


# --------------------------------------------------------------------------- bottleneck count


def _bottleneck_params(c_in: int, filters: int, stride: int) -> int:
    from course_utils.models import bottleneck_block_params

    return bottleneck_block_params(c_in, filters, stride)


def _bottleneck_cases() -> list[tuple[int, int, int]]:
    return [
        (64, 64, 1),  # ResNet-50's first block: projection because 64 != 256 channels
        (256, 64, 1),  # identity shortcut
        (256, 128, 2),  # stride 2: projection
        (1024, 512, 2),
        (2048, 512, 1),
        (20, 5, 1),  # c_in = 4 * filters: identity
        (20, 5, 2),  # same channels, but stride 2: projection
        (3, 7, 1),  # odd numbers of channels
        (1, 1, 1),
    ]


register(FunctionExercise(
    "bottleneck_params", NOTEBOOK, "bottleneck parameters", reference=_bottleneck_params,
    cases=_bottleneck_cases,
    hint="go layer by layer: a convolution connects every input channel to every output "
    "channel through each kernel position; batch norm keeps four numbers per channel; and "
    "the shortcut has weights only when the two added tensors would differ in shape",
))  # fmt: skip
