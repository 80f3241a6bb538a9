"""Install the course on Colab, keeping Colab's own TensorFlow and Keras.

Run by every notebook's first cell on Colab, after it cloned the repository::

    %run /content/nn-images/tools/colab_install.py /content/nn-images

It installs ``course_utils`` (editable) and puts the repository on ``sys.path`` so the running
kernel imports it without a restart, then prints one line saying what it did.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def main(repo: str) -> None:
    path = Path(repo).resolve()
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "-q", "-e", str(path)], check=True
    )
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
    print(f"course installed from {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "/content/nn-images")
