"""``setup()``: the first call of every notebook.

It quiets TensorFlow's C++ logging *before* TensorFlow loads, fixes all random seeds,
chooses the profile, enables a GPU when TensorFlow sees one, and prints one status line.
"""

from __future__ import annotations

import contextlib
import logging
import os
import platform
import sys
import warnings

from .profiles import Profile, get_profile

# Environment TensorFlow reads at import time: hide INFO/WARNING C++ logs (incl. the oneDNN
# notice) and gRPC chatter. Keras is told to use TensorFlow.
_QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "2",
    "KERAS_BACKEND": "tensorflow",
}


def quiet_tensorflow() -> None:
    """Silence TensorFlow's C++ and Python logging. Call before ``import tensorflow``."""
    for key, value in _QUIET_ENV.items():
        os.environ.setdefault(key, value)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)
    logging.getLogger("absl").setLevel(logging.ERROR)
    warnings.filterwarnings("ignore", module="tensorflow")
    warnings.filterwarnings("ignore", message=".*np.object.*", category=FutureWarning)


@contextlib.contextmanager
def native_stderr_silenced():
    """Send file descriptor 2 to /dev/null for a moment.

    TensorFlow >= 2.18 writes a few C++ notices (oneDNN, CUDA probing) through absl *before*
    its logging is initialised, ignoring ``TF_CPP_MIN_LOG_LEVEL``; Jupyter would show them
    as red stderr in the first cell. Python exceptions are unaffected.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def device_summary(tf_module=None) -> tuple[str, bool]:
    """Describe the compute device, e.g. ``"GPU (Tesla T4)"`` or ``"CPU (2 cores)"``.

    Returns
    -------
    (text, has_gpu) : tuple[str, bool]
    """
    if tf_module is None:
        import tensorflow as tf_module
    gpus = tf_module.config.list_physical_devices("GPU")
    if not gpus:
        return f"CPU ({os.cpu_count()} cores)", False
    names = []
    for gpu in gpus:
        try:
            tf_module.config.experimental.set_memory_growth(gpu, True)
        except (RuntimeError, ValueError):
            pass  # already initialised: memory growth can only be set before first use
        details = tf_module.config.experimental.get_device_details(gpu)
        names.append(details.get("device_name", gpu.name))
    return f"GPU ({', '.join(names)})", True


def supported_versions() -> dict[str, str]:
    """The version ranges the course declares (and CI tests) for its main libraries.

    Read from the installed package's metadata (``pyproject.toml``'s dependencies), e.g.
    ``{"tensorflow": ">=2.20,<2.22", "keras": ">=3.13,<4", ...}``.
    """
    from importlib.metadata import PackageNotFoundError, requires

    from packaging.requirements import Requirement

    try:
        lines = requires("course-utils") or []
    except PackageNotFoundError:  # running from a checkout that was never pip-installed
        from pathlib import Path

        import tomllib

        pyproject = Path(__file__).resolve().parents[1] / "pyproject.toml"
        lines = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    found = {}
    for line in lines:
        req = Requirement(line)
        if req.marker is None:  # extras (gpu, dev) carry a marker
            found[req.name.lower()] = str(req.specifier)
    return found


def version_supported(package: str, version: str) -> bool:
    """True when ``version`` of ``package`` lies in the range :func:`supported_versions` gives."""
    from packaging.specifiers import SpecifierSet

    ranges = supported_versions()
    if package.lower() not in ranges:
        raise ValueError(f"the course declares no version range for {package!r}")
    return SpecifierSet(ranges[package.lower()]).contains(version, prereleases=True)


def setup(notebook: str, profile: str | None = None, seed: int = 42) -> Profile:
    """Prepare a notebook: quiet logs, seeds, profile, device. Prints one status line.

    Parameters
    ----------
    notebook : str
        The notebook's name without extension, e.g. ``"02_backpropagation"``; selects its knobs.
    profile : str, optional
        ``"fast"``, ``"standard"`` or ``"full"``; default: ``COURSE_PROFILE``, else ``fast``
        when ``CI=true``, ``full`` when TensorFlow sees a GPU, else ``standard``.
    seed : int
        Seed for Python's ``random``, NumPy and TensorFlow/Keras.

    Returns
    -------
    Profile
        The profile with this notebook's knob values.
    """
    if not isinstance(notebook, str):
        raise TypeError(f"notebook must be a string such as '00_getting_started', got {notebook!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    quiet_tensorflow()
    with native_stderr_silenced():
        import keras
        import tensorflow as tf

        device, has_gpu = device_summary(tf)
    tf.get_logger().setLevel(logging.ERROR)  # e.g. "triggered tf.function retracing" warnings
    from .data import data_mode

    prof = get_profile(notebook, profile, gpu_available=has_gpu)
    keras.utils.set_random_seed(seed)
    policy = "mixed_float16" if (prof["mixed_precision"] and has_gpu) else "float32"
    keras.mixed_precision.set_global_policy(policy)
    _matplotlib_defaults()
    from . import __version__

    print(
        f"course_utils {__version__} | Python {platform.python_version()} | "
        f"TensorFlow {tf.__version__} | Keras {keras.__version__} | {device} | "
        f"profile {prof.name} ({prof.reason}) | data {data_mode()}"
        + (" | mixed precision" if policy != "float32" else "")
    )
    return prof


def _matplotlib_defaults() -> None:
    """Small, crisp inline figures so committed notebooks stay light."""
    if "matplotlib" not in sys.modules and "ipykernel" not in sys.modules:
        return
    import matplotlib as mpl

    mpl.rcParams.update({"figure.dpi": 80, "savefig.dpi": 80, "figure.figsize": (6, 4)})
