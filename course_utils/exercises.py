"""Auto-check functions for the notebooks' exercises.

An exercise cell leaves ``answer = ...`` for the student and calls :func:`check`; an
untouched exercise prints "not attempted yet" instead of failing, so notebooks run top to
bottom. Hidden solution cells (tag ``solution``) assert that the check passes, so CI proves
every exercise is solvable and every check can tell right from wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _numeric(value: Any) -> np.ndarray | None:
    """``value`` as a float array, or None when it is not numeric (strings, mixed tuples)."""
    if isinstance(value, str | bool) or value is None:
        return None
    try:
        return np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        return None


def _same(answer: Any, expected: Any, rtol: float, atol: float) -> tuple[bool, str]:
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
        return answer == expected, f"expected {expected!r}"
    a = _numeric(answer)
    if a is None:
        return False, f"expected a number or array, got {type(answer).__name__}"
    if a.shape != e.shape:
        return False, f"expected shape {e.shape}, got {a.shape}"
    if not np.all(np.isfinite(a)):
        return False, "your answer contains NaN or infinity"
    return bool(np.allclose(a, e, rtol=rtol, atol=atol)), "the values differ"


class CheckResult:
    """Outcome of :func:`check`: truthy when correct, and silent as a cell's last value.

    Jupyter would otherwise print ``True``/``False`` under the feedback line.
    """

    __slots__ = ("correct",)

    def __init__(self, correct: bool):
        self.correct = bool(correct)

    def __bool__(self) -> bool:
        return self.correct

    def __repr__(self) -> str:
        return f"CheckResult(correct={self.correct})"

    def _ipython_display_(self) -> None:
        """Display nothing: the feedback line was printed already."""


def check(
    name: str, answer: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9, hint: str = ""
) -> CheckResult:
    """Compare a student's answer with the expected one and print friendly feedback.

    Parameters
    ----------
    name : str
        The exercise's name, shown in the feedback.
    answer : Any
        The student's answer; ``...`` (Ellipsis) or ``None`` means not attempted yet.
    expected : Any
        The correct answer: number, array (compared with ``np.allclose``, same shape
        required), string/bool (compared exactly) or a tuple/list of these.
    rtol, atol : float
        Tolerances for numeric comparison.
    hint : str
        Shown when the answer is wrong.

    Returns
    -------
    CheckResult
        Truthy when the answer is correct (``assert check(...)`` in solution cells).
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if answer is ... or answer is None:
        print(f"⏳ {name}: not attempted yet — replace `...` with your answer.")
        return CheckResult(False)
    ok, why = _same(answer, expected, rtol, atol)
    if ok:
        print(f"✅ {name}: correct!")
    else:
        print(f"❌ {name}: not yet — {why}." + (f" Hint: {hint}" if hint else ""))
    return CheckResult(ok)


def check_function(
    name: str,
    func: Any,
    reference: Any,
    cases: Any,
    rtol: float = 1e-5,
    atol: float = 1e-6,
    hint: str = "",
) -> CheckResult:
    """Check a student's *function* by behaviour: same outputs as ``reference`` on every case.

    The reference lives in ``course_utils`` (the cell shows its name, never its code), and the
    cases are chosen by the notebook, so a function that only works on the lecture's example
    fails here.

    Parameters
    ----------
    name : str
        The exercise's name, shown in the feedback.
    func : callable
        The student's function; ``...`` or ``None`` means not attempted yet.
    reference : callable
        The course's correct implementation, called with the same arguments.
    cases : sequence of tuple
        Argument tuples, each passed as ``func(*case)``; a non-tuple case is passed as the
        single argument. NumPy arrays are copied per call, so an in-place edit cannot leak.
    rtol, atol : float
        Tolerances for comparing outputs (``np.allclose``; shapes must match).
    hint : str
        Shown when an output is wrong.

    Returns
    -------
    CheckResult
        Truthy when every case matches (``assert check_function(...)`` in solution cells).
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if not callable(reference):
        raise TypeError("reference must be callable")
    cases = list(cases)
    if not cases:
        raise ValueError("cases must hold at least one argument tuple")
    if func is ... or func is None:
        print(f"⏳ {name}: not attempted yet — write the function, then run this cell.")
        return CheckResult(False)
    if not callable(func):
        print(f"❌ {name}: not yet — expected a function, got {type(func).__name__}.")
        return CheckResult(False)

    def copies(case: Any) -> tuple:
        args = case if isinstance(case, tuple) else (case,)
        return tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)

    def describe(args: tuple) -> str:
        return ", ".join(
            f"array{np.shape(a)}" if isinstance(a, np.ndarray) or hasattr(a, "shape") else repr(a)
            for a in args
        )

    for i, case in enumerate(cases, 1):
        expected = reference(*copies(case))
        try:
            got = func(*copies(case))
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            print(
                f"❌ {name}: not yet — your function raised {type(err).__name__}: {err} "
                f"on case {i} ({describe(copies(case))})." + (f" Hint: {hint}" if hint else "")
            )
            return CheckResult(False)
        if got is None and expected is not None:  # a stub whose body is still `...`
            print(f"⏳ {name}: not attempted yet — your function returns nothing; write its body.")
            return CheckResult(False)
        ok, why = _same(_as_numpy(got), _as_numpy(expected), rtol, atol)
        if not ok:
            print(
                f"❌ {name}: not yet — case {i} of {len(cases)} ({describe(copies(case))}): "
                f"{why}." + (f" Hint: {hint}" if hint else "")
            )
            return CheckResult(False)
    print(f"✅ {name}: correct on all {len(cases)} test cases!")
    return CheckResult(True)


def _as_numpy(value: Any) -> Any:
    """Tensors (TensorFlow, Keras) to NumPy; tuples/lists element-wise; the rest unchanged."""
    if isinstance(value, tuple | list):
        return type(value)(_as_numpy(v) for v in value)
    if hasattr(value, "numpy") and callable(value.numpy):
        return value.numpy()
    return value
