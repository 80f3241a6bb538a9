"""course_utils: small, tested helpers for the "Neural networks for images" notebooks.

One module per course concept. ``import course_utils`` is cheap: it does not import
TensorFlow; submodules that need it import it themselves.

>>> import course_utils as cu
>>> profile = cu.setup(notebook="00_getting_started")   # doctest: +SKIP
"""

from __future__ import annotations

import importlib
import importlib.util
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Where the course lives; the Colab badges and install cells point here.
REPO_URL = "https://github.com/nn-images-course/nn-images"

if TYPE_CHECKING:  # pragma: no cover
    from . import data, exercises, plotting, profiles, session, training  # noqa: F401


def setup(notebook: str, profile: str | None = None, seed: int = 42):
    """Prepare a notebook (see :func:`course_utils.session.setup`)."""
    from .session import setup as _setup

    return _setup(notebook=notebook, profile=profile, seed=seed)


def __getattr__(name: str):
    # Submodules load on first use (``course_utils.data``), so importing the package stays cheap.
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module 'course_utils' has no attribute {name!r}")


def __dir__() -> list[str]:
    import pkgutil

    return sorted([*globals(), *(m.name for m in pkgutil.iter_modules(__path__))])
