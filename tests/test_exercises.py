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


def _ref_square(x):
    return np.asarray(x) ** 2


def test_check_function_behaviour(capsys):
    from course_utils.exercises import check_function

    cases = [np.arange(3.0), (np.ones((2, 2)),), 4.0]
    assert check_function("sq", lambda x: x * x, _ref_square, cases)
    assert "all 3 test cases" in capsys.readouterr().out
    # right on the first case only: the second case catches it
    assert not check_function("sq", lambda x: np.asarray(x) * 2, _ref_square, [np.zeros(2), 3.0])
    assert "case 2 of 2" in capsys.readouterr().out
    assert not check_function("sq", lambda x: np.ones(5), _ref_square, [np.zeros(2)], hint="h!")
    out = capsys.readouterr().out
    assert "shape" in out and "h!" in out


def test_check_function_reports_errors_and_not_attempted(capsys):
    from course_utils.exercises import check_function

    assert not check_function("sq", ..., _ref_square, [1.0])
    assert "not attempted" in capsys.readouterr().out
    def stub(x): ...

    assert not check_function("sq", stub, _ref_square, [1.0])
    assert "not attempted" in capsys.readouterr().out
    assert not check_function("sq", 3, _ref_square, [1.0])
    assert "expected a function" in capsys.readouterr().out

    def broken(x):
        raise KeyError("oops")

    assert not check_function("sq", broken, _ref_square, [np.zeros(2)])
    assert "KeyError" in capsys.readouterr().out


def test_check_function_inputs_are_copied():
    from course_utils.exercises import check_function

    def in_place(x):
        x *= 0
        return x

    data = np.arange(3.0)
    check_function("inplace", in_place, _ref_square, [data])
    assert data.tolist() == [0.0, 1.0, 2.0]


def test_check_function_bad_arguments():
    from course_utils.exercises import check_function

    with pytest.raises(TypeError):
        check_function("", len, len, [1])
    with pytest.raises(TypeError):
        check_function("x", len, "not callable", [1])
    with pytest.raises(ValueError):
        check_function("x", len, len, [])
