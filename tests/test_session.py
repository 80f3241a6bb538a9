"""setup(): quiet logs, seeds, profile choice, device line."""

import os
import random
import types

import numpy as np
import pytest

from course_utils import session


def test_setup_prints_one_line_and_returns_profile(monkeypatch, capsys):
    monkeypatch.setenv("COURSE_PROFILE", "fast")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    prof = session.setup("00_getting_started")
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    line = lines[0]
    for part in ("TensorFlow 2.", "Keras 3.", "profile fast (COURSE_PROFILE)", "data offline"):
        assert part in line
    assert ("CPU (" in line) or ("GPU (" in line)
    assert prof.name == "fast" and prof.notebook == "00_getting_started"
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"


def test_setup_fixes_seeds(monkeypatch):
    import tensorflow as tf

    monkeypatch.setenv("COURSE_PROFILE", "fast")
    draws = []
    for _ in range(2):
        session.setup("00_getting_started", seed=7)
        legacy_numpy = np.random.rand()  # noqa: NPY002 - the global RNG is what setup seeds
        draws.append((random.random(), legacy_numpy, float(tf.random.uniform(()))))
    assert draws[0] == draws[1]


@pytest.fixture
def mixed_notebook(monkeypatch):
    """A notebook that opts into mixed precision in `full`; returns a device faker."""
    from course_utils import profiles

    monkeypatch.setenv("COURSE_PROFILE", "full")
    monkeypatch.setitem(
        profiles.KNOBS,
        "97_mixed",
        {"mixed_precision": {"fast": False, "standard": False, "full": True}},
    )

    def fake_device(text, has_gpu):
        monkeypatch.setattr(session, "device_summary", lambda tf=None: (text, has_gpu))

    return fake_device


def test_setup_keeps_float32_without_gpu(mixed_notebook):
    import keras

    mixed_notebook("CPU (2 cores)", False)
    session.setup("97_mixed")
    assert keras.mixed_precision.global_policy().name == "float32"


def test_setup_enables_mixed_precision_on_gpu(mixed_notebook, capsys):
    import keras

    mixed_notebook("GPU (Fake T4)", True)
    try:
        session.setup("97_mixed")
        assert keras.mixed_precision.global_policy().name == "mixed_float16"
        assert "mixed precision" in capsys.readouterr().out
    finally:
        keras.mixed_precision.set_global_policy("float32")


def test_setup_bad_arguments(monkeypatch):
    with pytest.raises(TypeError, match="notebook must be a string"):
        session.setup(3)
    with pytest.raises(ValueError, match="seed"):
        session.setup("00_getting_started", seed=-1)
    with pytest.raises(ValueError, match="unknown profile"):
        session.setup("00_getting_started", profile="turbo")


def _fake_tf(gpus, details):
    experimental = types.SimpleNamespace(
        set_memory_growth=lambda gpu, flag: None,
        get_device_details=lambda gpu: details,
    )
    config = types.SimpleNamespace(
        list_physical_devices=lambda kind: gpus, experimental=experimental
    )
    return types.SimpleNamespace(config=config)


def test_device_summary():
    assert session.device_summary(_fake_tf([], {})) == (f"CPU ({os.cpu_count()} cores)", False)
    gpu = types.SimpleNamespace(name="/physical_device:GPU:0")
    text, has_gpu = session.device_summary(_fake_tf([gpu], {"device_name": "Tesla T4"}))
    assert (text, has_gpu) == ("GPU (Tesla T4)", True)
    text, _ = session.device_summary(_fake_tf([gpu], {}))
    assert text == "GPU (/physical_device:GPU:0)"


def test_native_stderr_is_silenced_then_restored(capfd):
    with session.native_stderr_silenced():
        os.write(2, b"I0000 oneDNN custom operations are on\n")
    os.write(2, b"visible\n")
    err = capfd.readouterr().err
    assert "oneDNN" not in err and "visible" in err


def test_quiet_tensorflow_sets_env(monkeypatch):
    monkeypatch.delenv("TF_CPP_MIN_LOG_LEVEL", raising=False)
    session.quiet_tensorflow()
    assert os.environ["TF_CPP_MIN_LOG_LEVEL"] == "2"
    assert os.environ["KERAS_BACKEND"] == "tensorflow"


def test_top_level_setup_delegates(monkeypatch):
    import course_utils

    seen = {}
    monkeypatch.setattr(session, "setup", lambda **kw: seen.update(kw) or "ok")
    assert course_utils.setup("00_getting_started", profile="fast") == "ok"
    assert seen == {"notebook": "00_getting_started", "profile": "fast", "seed": 42}


def test_supported_versions_come_from_the_package_metadata():
    from course_utils.session import supported_versions, version_supported

    ranges = supported_versions()
    assert {"tensorflow", "keras", "numpy"} <= set(ranges)
    import keras
    import tensorflow as tf

    assert version_supported("tensorflow", tf.__version__)
    assert version_supported("keras", keras.__version__)
    assert not version_supported("keras", "2.15.0")
    with pytest.raises(ValueError, match="no version range"):
        version_supported("torch", "2.0")
