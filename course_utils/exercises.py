"""Auto-check functions for the notebooks' exercises.

An exercise cell leaves ``answer = ...`` for the student and calls :func:`check`; an
untouched exercise prints "not attempted yet" instead of failing, so notebooks run top to
bottom. Hidden solution cells (tag ``solution``) assert that the check passes, so CI proves
every exercise is solvable and every check can tell right from wrong.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def _same(answer: Any, expected: Any, rtol: float, atol: float) -> tuple[bool, str]:
    if isinstance(expected, str | bool) or expected is None:
        return answer == expected, f"expected {expected!r}"
    if isinstance(expected, tuple | list) and not all(
        isinstance(e, int | float | np.number) for e in expected
    ):
        if not isinstance(answer, tuple | list) or len(answer) != len(expected):
            return False, f"expected a sequence of length {len(expected)}"
        for a, e in zip(answer, expected, strict=True):
            ok, why = _same(a, e, rtol, atol)
            if not ok:
                return False, why
        return True, ""
    try:
        a = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return False, f"expected a number or array, got {type(answer).__name__}"
    e = np.asarray(expected, dtype=float)
    if a.shape != e.shape:
        return False, f"expected shape {e.shape}, got {a.shape}"
    if not np.all(np.isfinite(a)):
        return False, "your answer contains NaN or infinity"
    return bool(np.allclose(a, e, rtol=rtol, atol=atol)), "the values differ"


def check(
    name: str, answer: Any, expected: Any, rtol: float = 1e-6, atol: float = 1e-9, hint: str = ""
) -> bool:
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
    bool
        True when the answer is correct.
    """
    if not isinstance(name, str) or not name:
        raise TypeError("name must be a non-empty string")
    if answer is ... or answer is None:
        print(f"⏳ {name}: not attempted yet — replace `...` with your answer.")
        return False
    ok, why = _same(answer, expected, rtol, atol)
    if ok:
        print(f"✅ {name}: correct!")
    else:
        print(f"❌ {name}: not yet — {why}." + (f" Hint: {hint}" if hint else ""))
    return ok
