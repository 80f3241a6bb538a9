import pytest

from course_utils.profiles import KNOBS, PROFILES, Profile, choose_profile, get_profile, knobs_for


@pytest.mark.parametrize(
    ("env", "gpu", "expected"),
    [
        ({"COURSE_PROFILE": "full"}, False, ("full", "COURSE_PROFILE")),
        ({"COURSE_PROFILE": " Fast "}, True, ("fast", "COURSE_PROFILE")),
        ({"COURSE_PROFILE": "standard", "CI": "true"}, False, ("standard", "COURSE_PROFILE")),
        ({"CI": "true"}, True, ("fast", "CI=true")),
        ({}, True, ("full", "GPU found")),
        ({}, False, ("standard", "default on CPU")),
        ({"CI": "false"}, None, ("standard", "default on CPU")),
    ],
)
def test_choose_profile(env, gpu, expected):
    assert choose_profile(env, gpu_available=gpu) == expected


def test_unknown_profile_name_is_rejected():
    with pytest.raises(ValueError, match="unknown profile 'turbo'"):
        choose_profile({"COURSE_PROFILE": "turbo"})
    with pytest.raises(ValueError, match="choose one of fast, standard, full"):
        knobs_for("00_getting_started", "slow")
    with pytest.raises(TypeError):
        get_profile("00_getting_started", name=3)


def test_unknown_notebook_is_rejected():
    with pytest.raises(ValueError, match="unknown notebook"):
        knobs_for("99_nothing", "fast")


def test_every_knob_has_a_value_for_every_profile():
    for notebook, knobs in KNOBS.items():
        for knob, values in knobs.items():
            assert set(values) == set(PROFILES), f"{notebook}.{knob}"


def test_missing_profile_value_is_reported(monkeypatch):
    monkeypatch.setitem(KNOBS, "98_broken", {"epochs": {"fast": 1, "standard": 2}})
    with pytest.raises(ValueError, match=r"has no value for \['full'\]"):
        knobs_for("98_broken", "fast")


def test_every_notebook_has_knobs(root):
    stems = {p.stem for p in (root / "notebooks").glob("*.ipynb")}
    assert stems <= set(KNOBS), f"add KNOBS entries for {sorted(stems - set(KNOBS))}"


def test_profile_access():
    p = get_profile("00_getting_started", "fast")
    assert isinstance(p, Profile) and p.name == "fast" and p.is_fast and p.reason == "argument"
    assert p.n_digits_shown == p["n_digits_shown"] == 32
    assert p.mixed_precision is False  # default knob
    with pytest.raises(KeyError, match="no knob 'epochs'"):
        p["epochs"]
    with pytest.raises(AttributeError, match="no knob 'epochs'"):
        p.epochs  # noqa: B018
    with pytest.raises(AttributeError):
        p._private  # noqa: B018


def test_get_profile_uses_environment(monkeypatch):
    monkeypatch.setenv("COURSE_PROFILE", "full")
    assert get_profile("00_getting_started").name == "full"
    monkeypatch.delenv("COURSE_PROFILE")
    monkeypatch.setenv("CI", "true")
    assert get_profile("00_getting_started", gpu_available=True).name == "fast"
