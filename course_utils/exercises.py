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
