"""`import course_utils` stays cheap: no TensorFlow, well under a second."""

import subprocess
import sys

CODE = """
import sys, time
t = time.process_time()  # CPU time: other jobs on shared CI cores do not count
import course_utils
from course_utils import data, exercises, plotting, profiles
elapsed = time.process_time() - t
print(elapsed, "tensorflow" in sys.modules, "keras" in sys.modules)
"""


def _run():
    out = subprocess.run([sys.executable, "-c", CODE], capture_output=True, text=True, check=True)
    elapsed, tf_loaded, keras_loaded = out.stdout.split()
    return float(elapsed), tf_loaded == "True", keras_loaded == "True"


def test_import_does_not_load_tensorflow():
    _, tf_loaded, keras_loaded = _run()
    assert not tf_loaded and not keras_loaded


def test_import_is_fast():
    # 0.3 s of CPU for `import course_utils` plus its TF-free modules (measured ~0.12 s);
    # CPU rather than wall time, best of 3, so a busy machine does not fail it
    assert min(_run()[0] for _ in range(3)) < 0.3


def test_unknown_attribute_raises():
    import course_utils

    try:
        course_utils.no_such_module  # noqa: B018
    except AttributeError as err:
        assert "no_such_module" in str(err)
    else:
        raise AssertionError("expected AttributeError")


def test_dir_lists_submodules():
    import course_utils

    assert {"data", "profiles", "session", "plotting"} <= set(dir(course_utils))
