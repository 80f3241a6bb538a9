import numpy as np
import pytest

from course_utils.exercises import check


def test_not_attempted(capsys):
    assert not check("q", ..., 3)
    assert not check("q", None, 3)
    assert "not attempted" in capsys.readouterr().out


def test_numbers_and_arrays(capsys):
    assert check("n", 3.0000001, 3)
    assert check("a", [[1, 2], [3, 4]], np.array([[1, 2], [3, 4]]))
    assert not check("a", [1, 2], [[1, 2]])
    assert "shape" in capsys.readouterr().out
    assert not check("n", 2.5, 3, hint="count again")
    out = capsys.readouterr().out
    assert "❌" in out and "count again" in out


def test_non_finite_and_wrong_type(capsys):
    assert not check("nan", float("nan"), 1.0)
    assert "NaN" in capsys.readouterr().out
    assert not check("t", "three", 3)
    assert "expected a number" in capsys.readouterr().out


def test_strings_bools_and_sequences():
    assert check("s", "same", "same")
    assert not check("s", "valid", "same")
    assert check("b", True, True)
    assert check("seq", ("same", (4, 4)), ("same", (4, 4)))
    assert not check("seq", ("same",), ("same", (4, 4)))
    assert not check("seq", ("same", (4, 5)), ("same", (4, 4)))


def test_bad_name():
    with pytest.raises(TypeError):
        check("", 1, 1)


def test_result_is_truthy_and_silent_in_jupyter():
    result = check("r", 1, 1)
    assert bool(result) is True and repr(result) == "CheckResult(correct=True)"
    assert result._ipython_display_() is None
    assert bool(check("r", 2, 1)) is False
