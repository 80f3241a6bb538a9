import numpy as np
import pytest

from course_utils import exercises
from course_utils.exercises import (
    CheckResult,
    CustomExercise,
    FunctionExercise,
    NotAttempted,
    ValueExercise,
    catalogue,
    check,
    check_function,
    get,
    register,
)


@pytest.fixture
def registered():
    """Register throw-away exercises; remove them afterwards."""
    added = []

    def add(entry):
        added.append(entry.id)
        return register(entry)

    yield add
    for exercise_id in added:
        exercises._REGISTRY.pop(exercise_id, None)


def _square_cases():
    return [np.arange(3.0), (np.ones((2, 2)),), np.array([-1.5])]


@pytest.fixture
def square(registered):
    return registered(FunctionExercise(
        "t_square", "99_test", "square", hint="multiply, element-wise",
        reference=np.square, cases=_square_cases,
    ))  # fmt: skip


def test_function_exercise_correct_wrong_and_stub(square, capsys):
    assert check("t_square", lambda x: x * x)
    assert "✅ square: correct on all 3 test cases!" in capsys.readouterr().out
    result = check("t_square", lambda x: 2 * x)
    out = capsys.readouterr().out
    assert not result and result.status == "wrong"
    assert "❌ square: not yet — case 1 of 3 (array(3,)): the values differ" in out
    assert "Hint: multiply, element-wise" in out


@pytest.mark.parametrize("stub", [..., None, lambda x: None])
def test_untouched_stubs_are_not_attempted(square, stub, capsys):
    assert check("t_square", stub).status == "not attempted"
    assert "⏳ square: not attempted yet" in capsys.readouterr().out


def test_not_implemented_is_not_attempted(square, capsys):
    def released_stub(x):  # what nbgrader's generated assignment leaves
        raise NotImplementedError()

    assert check("t_square", released_stub).status == "not attempted"
    assert "NotImplementedError" in capsys.readouterr().out


def test_student_errors_report_exception_and_case(square, capsys):
    def broken(x):
        return x.no_such_attribute

    assert check("t_square", broken).status == "wrong"
    out = capsys.readouterr().out
    assert "raised AttributeError" in out and "case 1" in out


def test_none_on_a_later_case_is_wrong(square, capsys):
    assert check("t_square", lambda x: x * x if x.size == 3 else None).status == "wrong"
    assert "returned None" in capsys.readouterr().out


def test_inputs_are_copied(square):
    def in_place(x):
        x *= x
        return x

    assert check("t_square", in_place)  # the reference still sees the original arrays


def test_value_exercise(registered, capsys):
    registered(ValueExercise("t_value", "99_test", "a value", expected=lambda: (3, 4.0)))
    assert check("t_value", (3, 4.0000000001))
    assert not check("t_value", (3, 5.0))
    assert not check("t_value", [3])
    assert "expected shape (2,)" in capsys.readouterr().out
    assert check("t_value", ...).status == "not attempted"


def test_custom_exercise_prints_each_test(registered, capsys):
    def checker(answer, say):
        if answer == "stub":
            raise NotAttempted("build the model first")
        say("has two layers")
        return answer == "good"

    registered(CustomExercise("t_custom", "99_test", "custom", checker=checker, hint="look"))
    assert check("t_custom", "good")
    assert "✓ has two layers" in capsys.readouterr().out
    assert check("t_custom", "bad").status == "wrong"
    assert "Hint: look" in capsys.readouterr().out
    assert check("t_custom", "stub").status == "not attempted"
    assert "build the model first" in capsys.readouterr().out


def test_registry_lookup_and_duplicates(square):
    assert get("t_square") is square
    assert square in catalogue("99_test")
    with pytest.raises(KeyError, match="no exercise"):
        get("t_missing")
    with pytest.raises(ValueError, match="twice"):
        register(FunctionExercise("t_square", "99_test", "other", reference=abs, cases=list))
    with pytest.raises(TypeError):
        get("")
    with pytest.raises(TypeError):
        register("not an exercise")


@pytest.mark.parametrize(
    "make",
    [
        lambda: FunctionExercise("x", "99_test", "x", reference=None, cases=list),
        lambda: ValueExercise("x", "99_test", "x", expected=3),
        lambda: CustomExercise("x", "99_test", "x"),
        lambda: ValueExercise("", "99_test", "x", expected=lambda: 1),
    ],
)
def test_bad_entries(make):
    with pytest.raises(TypeError):
        make()
    with pytest.raises(ValueError):
        ValueExercise("x", "99_test", "x", expected=lambda: 1, points=0)


def test_every_registered_exercise_accepts_its_reference():
    """The bank's own references pass their checks; a constant function fails."""
    for entry in catalogue():
        if isinstance(entry, FunctionExercise):
            assert check(entry.id, entry.reference), entry.id
            assert not check(entry.id, lambda *args: 0.123), entry.id
        elif isinstance(entry, ValueExercise):
            assert check(entry.id, entry.expected()), entry.id
        elif entry.example is not None:
            assert check(entry.id, entry.example()), entry.id


# --- the old forms, kept until every notebook uses the registry ---------------------------


def test_legacy_value_check(capsys):
    assert not check("q", ..., 3)
    assert "not attempted" in capsys.readouterr().out
    assert check("n", 3.0000001, 3)
    assert not check("a", [1, 2], [[1, 2]])
    assert "shape" in capsys.readouterr().out
    assert check("seq", ("same", (4, 4)), ("same", (4, 4)))


def test_legacy_check_function(capsys):
    assert check_function("sq", np.square, np.square, [np.arange(3.0)])
    assert not check_function("sq", lambda x: x, np.square, [np.arange(3.0)])
    with pytest.raises(ValueError):
        check_function("sq", np.square, np.square, [])


def test_result_is_truthy_and_silent_in_jupyter():
    result = CheckResult("correct")
    assert bool(result) is True and repr(result) == "CheckResult('correct')"
    assert result._ipython_display_() is None
    assert CheckResult(False).status == "wrong"
    with pytest.raises(ValueError):
        CheckResult("maybe")
