"""Exercises: one registry of every exercise, and one check that never shows the answer.

An exercise in a notebook is three cells (CONTRIBUTING.md, "Exercises"):

1. the **stub** (tag ``exercise``) the student completes: ``def gram(a): ...`` or
   ``answer = ...``;
2. the **check**: ``cu.exercises.check("gram_matrix", gram)`` — an id and the student's
   object, nothing that computes or names the answer;
3. the **solution** (tag ``solution``, hidden, never in the student edition): the solution,
   then ``assert cu.exercises.check("gram_matrix", gram)``.

The id names an entry of the registry. Entries live in :mod:`course_utils.exercise_bank`, one
module per notebook, and hold what the notebook must not show: the reference implementation
or the expected value, the test cases (including ones the lecture's example does not cover,
so special-casing it fails) and a hint that points to the idea, not to the code.

Three kinds of entry:

- :class:`FunctionExercise` — the student writes a function; it must agree with the
  reference on every case;
- :class:`ValueExercise` — the student computes one value (a number, an array, a tuple);
- :class:`CustomExercise` — anything else (a Keras model, a training run): a checker runs
  its own tests and prints one line per test.

An untouched stub (``...``, ``None``, a function whose body is still ``...`` or that raises
``NotImplementedError``, as nbgrader's released stubs do) prints "not attempted"; an error in
the student's code prints the exception and the case.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = [
    "CheckResult",
    "CustomExercise",
    "Exercise",
    "FunctionExercise",
    "NotAttempted",
    "ValueExercise",
    "catalogue",
    "check",
    "check_function",
    "get",
    "register",
]


class NotAttempted(Exception):
    """Raised by a checker when the student's answer is still the stub."""


def _numeric(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numeric (strings, mixed tuples)."""
    if isinstance(value, str | bool) or value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _same(answer: Any, expected: Any, rtol: float, atol: float) -> tuple[bool, str]:
    """Compare an answer with the expected value; (ok, why not) without revealing the value."""
    e = _numeric(expected)
    if e is None and isinstance(expected, tuple | list):  # e.g. ("same", (4, 4))
        if not isinstance(answer, tuple | list) or len(answer) != len(expected):
            return False, f"expected a sequence of length {len(expected)}"
        for a_item, e_item in zip(answer, expected, strict=True):
            ok, why = _same(a_item, e_item, rtol, atol)
            if not ok:
                return False, why
        return True, ""
    if e is None:
        return answer == expected, "the value differs"
    a = _numeric(answer)
    if a is None:
        return False, f"expected a number or array, got {type(answer).__name__}"
    if a.shape != e.shape:
        return False, f"expected shape {e.shape}, got {a.shape}"
    if not np.all(np.isfinite(a)):
        return False, "your answer contains NaN or infinity"
    return bool(np.allclose(a, e, rtol=rtol, atol=atol)), "the values differ"


def _as_numpy(value: Any) -> Any:
    """Tensors (TensorFlow, Keras) to NumPy; tuples/lists element-wise; the rest unchanged."""
    if isinstance(value, tuple | list):
        return type(value)(_as_numpy(v) for v in value)
    if hasattr(value, "numpy") and callable(value.numpy):
        return value.numpy()
    return value


def _copies(case: Any) -> tuple:
    """A case as an argument tuple, NumPy arrays copied so an in-place edit cannot leak."""
    args = case if isinstance(case, tuple) else (case,)
    return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)


def _describe(args: tuple) -> str:
    """Arguments for a feedback line: arrays by shape, models by name, the rest by repr."""
    out = []
    for a in args:
        if isinstance(a, np.ndarray) or hasattr(a, "shape"):
            out.append(f"array{tuple(np.shape(a))}")
        elif type(a).__name__ in ("Model", "Functional", "Sequential"):
            out.append(f"a {type(a).__name__} model")
        else:
            text = repr(a)
            out.append(text if len(text) <= 40 else text[:37] + "...")
    return ", ".join(out)


class CheckResult:
    """Outcome of :func:`check`: truthy when correct, and silent as a cell's last value.

    Jupyter would otherwise print ``True``/``False`` under the feedback line.
    ``status`` is ``"correct"``, ``"wrong"`` or ``"not attempted"``.
    """

    __slots__ = ("status",)

    def __init__(self, status: str | bool):
        if isinstance(status, bool):
            status = "correct" if status else "wrong"
        if status not in ("correct", "wrong", "not attempted"):
            raise ValueError(f"unknown status {status!r}")
        self.status = status

    @property
    def correct(self) -> bool:
        return self.status == "correct"

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"CheckResult({self.status!r})"

    def _ipython_display_(self) -> None:
        """Display nothing: the feedback line was printed already."""


@dataclass(frozen=True)
class Exercise:
    """What every registry entry has.

    Attributes
    ----------
    id : str
        Unique id used in the notebook's check cell, e.g. ``"gram_matrix"``.
    notebook : str
        The notebook it belongs to, e.g. ``"08_style_transfer"``.
    title : str
        Shown in the feedback line, e.g. ``"Gram matrix"``.
    hint : str
        Shown on a wrong answer: the idea (which axis, which shape, which API), not the code.
    points : int
        Marks in the nbgrader export.
    """

    id: str
    notebook: str
    title: str
    hint: str = ""
    points: int = 1

    def __post_init__(self) -> None:
        for name in ("id", "notebook", "title"):
            if not isinstance(getattr(self, name), str) or not getattr(self, name):
                raise TypeError(f"exercise {name} must be a non-empty string")
        if not isinstance(self.points, int) or self.points < 1:
            raise ValueError(f"points must be a positive integer, got {self.points!r}")

    def run(self, answer: Any, say: Callable[[str], None]) -> bool:  # pragma: no cover
        """Test ``answer``; raise :class:`NotAttempted` for a stub. Subclasses implement it."""
        raise NotImplementedError


@dataclass(frozen=True)
class FunctionExercise(Exercise):
    """The student writes a function that must match ``reference`` on every case.

    ``cases()`` returns argument tuples (a non-tuple case is one argument); it is called when
    the check runs, so cases may build Keras models. ``reference(*case)`` gives the expected
    output; ``normalize`` (optional) maps both outputs before comparing them; ``dtype``
    (optional) is the dtype the student's output must have, e.g. ``"float32"``.
    """

    reference: Callable[..., Any] | None = None
    cases: Callable[[], Sequence[Any]] | None = None
    rtol: float = 1e-5
    atol: float = 1e-6
    normalize: Callable[[Any], Any] | None = None
    dtype: str | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not callable(self.reference) or not callable(self.cases):
            raise TypeError(f"{self.id}: reference and cases must be callables")

    def run(self, answer: Any, say: Callable[[str], None]) -> bool:
        if not callable(answer):
            say(f"expected a function, got {type(answer).__name__}")
            return False
        cases = list(self.cases())
        norm = self.normalize or (lambda v: v)
        for i, case in enumerate(cases, 1):
            expected = norm(_as_numpy(self.reference(*_copies(case))))
            try:
                got = answer(*_copies(case))
            except NotImplementedError as err:
                raise NotAttempted("your function still raises NotImplementedError") from err
            except Exception as err:  # noqa: BLE001 - report any failure of the student's code
                say(f"your function raised {type(err).__name__}: {err} on case {i} "
                    f"({_describe(_copies(case))})")  # fmt: skip
                return False
            if got is None and expected is not None:
                if i == 1:
                    raise NotAttempted("your function returns nothing; write its body")
                say(f"case {i} of {len(cases)} ({_describe(_copies(case))}): returned None")
                return False
            got = _as_numpy(got)
            found = str(getattr(got, "dtype", type(got).__name__))
            if self.dtype is not None and found != self.dtype:
                say(f"case {i} of {len(cases)}: expected dtype {self.dtype}, got {found}")
                return False
            ok, why = _same(norm(got), expected, self.rtol, self.atol)
            if not ok:
                say(f"case {i} of {len(cases)} ({_describe(_copies(case))}): {why}")
                return False
        say(f"on all {len(cases)} test cases")
        return True


@dataclass(frozen=True)
class ValueExercise(Exercise):
    """The student computes one value; ``expected()`` computes the right one with course code."""

    expected: Callable[[], Any] | None = None
    rtol: float = 1e-6
    atol: float = 1e-9

    def __post_init__(self) -> None:
        super().__post_init__()
        if not callable(self.expected):
            raise TypeError(f"{self.id}: expected must be a callable that computes the value")

    def run(self, answer: Any, say: Callable[[str], None]) -> bool:
        ok, why = _same(_as_numpy(answer), _as_numpy(self.expected()), self.rtol, self.atol)
        if not ok:
            say(why)
        return ok


@dataclass(frozen=True)
class CustomExercise(Exercise):
    """Anything else: ``checker(answer, say)`` runs its tests, calls ``say(line)`` per test.

    The checker returns True when every test passes and raises :class:`NotAttempted` when the
    answer is still the stub. ``example`` (optional) returns a correct answer, so the unit
    tests can prove the checker accepts one.
    """

    checker: Callable[[Any, Callable[[str], None]], bool] | None = None
    example: Callable[[], Any] | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        if not callable(self.checker):
            raise TypeError(f"{self.id}: checker must be callable")

    def run(self, answer: Any, say: Callable[[str], None]) -> bool:
        return bool(self.checker(answer, say))


_REGISTRY: dict[str, Exercise] = {}
_LOADED = False


def register(exercise: Exercise) -> Exercise:
    """Add an entry to the registry (bank modules call this at import); ids are unique."""
    if not isinstance(exercise, Exercise):
        raise TypeError(f"expected an Exercise, got {type(exercise).__name__}")
    if exercise.id in _REGISTRY and _REGISTRY[exercise.id] != exercise:
        raise ValueError(f"exercise id {exercise.id!r} is registered twice")
    _REGISTRY[exercise.id] = exercise
    return exercise


def _load_bank() -> None:
    """Import every module of :mod:`course_utils.exercise_bank` once (each registers its own)."""
    global _LOADED
    if _LOADED:
        return
    from . import exercise_bank

    for module in pkgutil.iter_modules(exercise_bank.__path__):
        importlib.import_module(f"{exercise_bank.__name__}.{module.name}")
    _LOADED = True


def get(exercise_id: str) -> Exercise:
    """The registry entry ``exercise_id`` (KeyError with the known ids if there is none)."""
    if not isinstance(exercise_id, str) or not exercise_id:
        raise TypeError("exercise_id must be a non-empty string")
    _load_bank()
    if exercise_id not in _REGISTRY:
        raise KeyError(f"no exercise {exercise_id!r}; known: {', '.join(sorted(_REGISTRY))}")
    return _REGISTRY[exercise_id]


def catalogue(notebook: str | None = None) -> list[Exercise]:
    """Every registered exercise (of one notebook, if given), sorted by notebook and id."""
    _load_bank()
    found = [e for e in _REGISTRY.values() if notebook is None or e.notebook == notebook]
    return sorted(found, key=lambda e: (e.notebook, e.id))


def _is_stub(answer: Any) -> bool:
    return answer is ... or answer is None


def check(exercise_id: str, answer: Any, *legacy: Any, **legacy_kw: Any) -> CheckResult:
    """Check a student's answer to exercise ``exercise_id`` and print one feedback line.

    Parameters
    ----------
    exercise_id : str
        The registry id, e.g. ``"gram_matrix"`` (see :func:`catalogue`).
    answer : Any
        The student's function or value; ``...`` or ``None`` means not attempted yet.

    Returns
    -------
    CheckResult
        Truthy when correct (``assert check(...)`` in solution cells); ``.status`` tells
        "correct", "wrong" and "not attempted" apart.
    """
    if legacy or legacy_kw:  # check(name, answer, expected, ...) of notebooks not yet converted
        return _check_value(exercise_id, answer, *legacy, **legacy_kw)
    exercise = get(exercise_id)
    lines: list[str] = []
    if _is_stub(answer):
        print(f"⏳ {exercise.title}: not attempted yet — replace `...` with your answer.")
        return CheckResult("not attempted")
    try:
        ok = exercise.run(answer, lines.append)
    except NotAttempted as why:
        print(f"⏳ {exercise.title}: not attempted yet — {why}.")
        return CheckResult("not attempted")
    if ok:
        detail = f" {lines[-1]}" if lines and isinstance(exercise, FunctionExercise) else ""
        print(f"✅ {exercise.title}: correct{detail}!")
        if isinstance(exercise, CustomExercise):
            for line in lines:
                print(f"   ✓ {line}")
        return CheckResult("correct")
    hint = f" Hint: {exercise.hint}" if exercise.hint else ""
    if isinstance(exercise, CustomExercise):
        print(f"❌ {exercise.title}: not yet.{hint}")
        for line in lines:
            print(f"   · {line}")
    else:
        print(f"❌ {exercise.title}: not yet — {lines[-1] if lines else 'wrong answer'}.{hint}")
    return CheckResult("wrong")


def _check_value(
    name: str, answer: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9, hint: str = ""
) -> CheckResult:
    """Old form ``check(name, answer, expected)``: kept until every notebook uses the registry."""
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if _is_stub(answer):
        print(f"⏳ {name}: not attempted yet — replace `...` with your answer.")
        return CheckResult("not attempted")
    ok, why = _same(answer, expected, rtol, atol)
    print(f"✅ {name}: correct!" if ok else f"❌ {name}: not yet — {why}." + (
        f" Hint: {hint}" if hint else ""))  # fmt: skip
    return CheckResult("correct" if ok else "wrong")


def check_function(
    name: str,
    func: Any,
    reference: Any,
    cases: Any,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str = "",
) -> CheckResult:
    """Old form: kept until every notebook's exercises live in the registry (use :func:`check`)."""
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if not callable(reference):
        raise TypeError("reference must be callable")
    cases = list(cases)
    if not cases:
        raise ValueError("cases must hold at least one argument tuple")
    entry = FunctionExercise(name, "-", name, hint=hint, reference=reference,
                             cases=lambda: cases, rtol=rtol, atol=atol)  # fmt: skip
    lines: list[str] = []
    if _is_stub(func):
        print(f"⏳ {name}: not attempted yet — write the function, then run this cell.")
        return CheckResult("not attempted")
    try:
        ok = entry.run(func, lines.append)
    except NotAttempted as why:
        print(f"⏳ {name}: not attempted yet — {why}.")
        return CheckResult("not attempted")
    if ok:
        print(f"✅ {name}: correct on all {len(cases)} test cases!")
        return CheckResult("correct")
    print(f"❌ {name}: not yet — {lines[-1]}." + (f" Hint: {hint}" if hint else ""))
    return CheckResult("wrong")

