"""Exercises of notebook 01 (the perceptron and XOR).

Four exercises, all written as code: an n-input NOR unit, one step of the perceptron rule, the
training loop, and XOR as a small Keras network whose weights the student sets. The cases go
beyond the lecture's examples (more inputs, a net input of exactly 0, three-input data, a tight
epoch budget, points near the corners) so that special-casing the lecture's numbers fails.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "01_perceptron_and_xor"

# --- Exercise 1: a NOR unit with any number of inputs ----------------------------------------

NOR_SIZES = (2, 3, 1, 6)  # the lecture draws n = 2 only


def _nor_checker(answer, say: Callable[[str], None]) -> bool:
    from course_utils import perceptron as pc

    if not callable(answer):
        say(f"expected a function nor_unit(n), got {type(answer).__name__}")
        return False
    for i, n in enumerate(NOR_SIZES):
        try:
            result = answer(n)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            say(f"nor_unit({n}) raised {type(err).__name__}: {err}")
            return False
        if result is None:
            if i == 0:
                raise NotAttempted("your function returns nothing; write its body")
            say(f"nor_unit({n}) returned None")
            return False
        if not isinstance(result, tuple | list) or len(result) != 2:
            say(f"nor_unit({n}) must return a pair (w, b), got {type(result).__name__}")
            return False
        w, b = result
        if np.shape(w) != (n,):
            say(f"nor_unit({n}): w must have shape ({n},), got {np.shape(w)}")
            return False
        x = pc.binary_inputs(n)
        try:
            out = pc.threshold_unit(x, w, b)
        except (TypeError, ValueError) as err:
            say(f"nor_unit({n}): {err}")
            return False
        target = (x.sum(axis=1) == 0).astype(int)
        wrong = np.flatnonzero(out != target)
        if wrong.size:
            row = tuple(int(v) for v in x[wrong[0]])
            say(f"nor_unit({n}): {wrong.size} of {len(x)} inputs wrong, e.g. {row}")
            return False
        say(f"{n} input{'s' if n > 1 else ''}: NOR on all {len(x)} binary inputs")
    return True


def _nor_example():
    def nor_unit(n):
        return -np.ones(n), 0.5

    return nor_unit


register(CustomExercise(
    "nor_unit", NOTEBOOK, "NOR unit", checker=_nor_checker, example=_nor_example,
    hint="only one input may fire the unit: which way must w point, and where must the line "
         "cross the path from that input to its nearest neighbours?",
))  # fmt: skip

# --- Exercise 2: one step of the learning rule ----------------------------------------------


def _rule_update(w, b, p, t):
    from course_utils.perceptron import rule_update

    return rule_update(w, b, p, t)


def _update_cases() -> list[tuple]:
    return [
        (np.array([1.0, -0.8]), 0.0, np.array([1.0, 2.0]), 1),  # the lecture's first step
        (np.zeros(2), 0.0, np.array([2.0, -1.0]), 0),  # net input exactly 0: hardlim fires
        (np.array([0.5, 0.5]), -0.25, np.array([1.0, 0.0]), 1),  # already right: no change
        (np.array([1.0, 2.0, 1.0]), -0.5, np.array([1.0, 0.0, -1.0]), 1),  # 3-D, with a bias
        # 5-D, output 1 where 0 was wanted (the last three inputs decide it)
        (np.array([0.5, -1.0, 2.0, 0.3, -0.7]), 0.3, np.array([1.0, 1.0, 1.0, 0.0, 1.0]), 0),
        (np.array([2.0, -1.0]), -1.0, np.array([0.5, 0.0]), 1),  # n = 0 again, now correct
    ]


register(FunctionExercise(
    "perceptron_update", NOTEBOOK, "perceptron update", reference=_rule_update,
    cases=_update_cases,
    hint="which output does a net input of exactly 0 give? The bias learns like a weight "
         "whose input is always 1.",
))  # fmt: skip

# --- Exercise 3: the training loop -----------------------------------------------------------


def _first_clean_epoch(x, t, max_epochs):
    from course_utils.perceptron import first_clean_epoch

    return first_clean_epoch(x, t, max_epochs)


def _separable_points(n: int, d: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """n points in d dimensions, labelled by a random hyperplane, none within 0.2 of it."""
    rng = np.random.default_rng(seed)
    normal = rng.normal(size=d)
    normal /= np.linalg.norm(normal)
    offset = rng.uniform(-0.5, 0.5)
    x = rng.uniform(-2, 2, size=(20 * n, d))
    dist = x @ normal + offset
    keep = np.abs(dist) > 0.2
    return x[keep][:n], (dist[keep][:n] > 0).astype(int)


def _loop_cases() -> list[tuple]:
    from course_utils.perceptron import GATES, LOGIC_INPUTS, binary_inputs

    x3 = binary_inputs(3)
    majority = (x3.sum(axis=1) >= 2).astype(int)  # separable: w = 1, b = -1.5
    parity = (x3.sum(axis=1) % 2).astype(int)  # XOR of three bits: not separable
    blobs_2d = _separable_points(40, 2, seed=3)
    cloud_4d = _separable_points(60, 4, seed=4)
    return [
        (LOGIC_INPUTS, GATES["AND"], 50),
        (LOGIC_INPUTS, GATES["XOR"], 30),  # never clean
        (LOGIC_INPUTS, np.ones(4, dtype=int), 10),  # clean at once: hardlim(0) = 1
        (LOGIC_INPUTS, GATES["AND"], 5),  # separable, but the budget is one epoch short
        (LOGIC_INPUTS, GATES["AND"], 6),  # the budget is exactly enough
        (x3, majority, 50),
        (x3, parity, 40),
        (*blobs_2d, 200),
        (*cloud_4d, 500),
        (LOGIC_INPUTS[::-1].copy(), GATES["NAND"][::-1].copy(), 50),  # another order
    ]


register(FunctionExercise(
    "perceptron_training_loop", NOTEBOOK, "training loop", reference=_first_clean_epoch,
    cases=_loop_cases,
    hint="an epoch is clean when no example changed the weights; start each run from zero "
         "and give up only after max_epochs passes.",
))  # fmt: skip

# --- Exercise 4: XOR as a Keras network with weights you choose ------------------------------

#: How far (per coordinate) the robustness points lie from the corners.
XOR_NOISE = 0.15
#: The corners' outputs must lie this close to their targets.
XOR_TOLERANCE = 0.1


def _xor_test_points() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(21)
    corners = np.repeat(np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32), 16, axis=0)
    x = corners + rng.uniform(-XOR_NOISE, XOR_NOISE, corners.shape).astype(np.float32)
    t = (corners[:, 0] != corners[:, 1]).astype(int)
    return x, t


def _xor_checker(answer, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(answer):
        say(f"expected a function xor_model(), got {type(answer).__name__}")
        return False
    try:
        model = answer()
    except NotImplementedError as err:
        raise NotAttempted("your function still raises NotImplementedError") from err
    except Exception as err:  # noqa: BLE001 - report any failure of the student's code
        say(f"xor_model() raised {type(err).__name__}: {err}")
        return False
    if model is None:
        raise NotAttempted("your function returns nothing; write its body")
    if not isinstance(model, keras.Model):
        say(f"xor_model() must return a Keras model, got {type(model).__name__}")
        return False
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    if [layer.units for layer in dense] != [2, 1]:
        say(f"expected two Dense layers of 2 and 1 units, got {[d.units for d in dense]}")
        return False
    say("two Dense layers: 2 hidden units, 1 output")
    if model.count_params() != 9:
        say(f"a 2-2-1 network has 9 parameters; yours has {model.count_params()}")
        return False
    say("9 parameters (2·2 + 2 hidden, 2·1 + 1 output)")
    corners = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
    try:
        out = np.asarray(model(corners, training=False), dtype=float).reshape(-1)
    except Exception as err:  # noqa: BLE001
        say(f"the model could not be called on four points of shape (4, 2): {err}")
        return False
    if out.shape != (4,) or not np.all((out >= 0) & (out <= 1)):
        say("the output must be one probability in [0, 1] per point (a sigmoid output unit)")
        return False
    target = np.array([0, 1, 1, 0])
    if not np.all(np.abs(out - target) <= XOR_TOLERANCE):
        say(f"on the four corners the outputs must lie within {XOR_TOLERANCE} of XOR's "
            f"targets; yours: {np.round(out, 2).tolist()}")  # fmt: skip
        return False
    say(f"XOR on the four corners, each output within {XOR_TOLERANCE} of its target")
    x, t = _xor_test_points()
    pred = (np.asarray(model(x, training=False)).reshape(-1) > 0.5).astype(int)
    if not np.array_equal(pred, t):
        say(f"{int((pred != t).sum())} of {len(x)} points near the corners (each coordinate "
            f"off by up to {XOR_NOISE}) are on the wrong side of 0.5")  # fmt: skip
        return False
    say(f"all {len(x)} points near the corners classified correctly")
    return True


def _xor_example():
    def xor_model():
        import keras

        model = keras.Sequential([
            keras.Input(shape=(2,)),
            keras.layers.Dense(2, activation="sigmoid"),
            keras.layers.Dense(1, activation="sigmoid"),
        ])  # fmt: skip
        model.set_weights([
            np.array([[20.0, -20.0], [20.0, -20.0]]), np.array([-10.0, 30.0]),  # OR, NAND
            np.array([[20.0], [20.0]]), np.array([-30.0]),  # AND
        ])  # fmt: skip
        return model

    return xor_model


register(CustomExercise(
    "xor_keras_network", NOTEBOOK, "XOR network in Keras", checker=_xor_checker,
    example=_xor_example,
    hint="a Dense layer's kernel has shape (inputs, units): one column per unit, in the order "
         "get_weights() lists them. How large must a net input be for a sigmoid to look like "
         "a step?",
))  # fmt: skip
