"""`make course` reports each notebook's time and the kernel's peak memory."""

import os

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook

from tools.run_notebooks import peak_rss_mb, run


def test_peak_rss_of_this_process():
    mb = peak_rss_mb(os.getpid())
    assert mb is not None and 10 < mb < 24 * 1024
    assert peak_rss_mb(None) is None


def test_run_executes_in_place_and_measures_memory(tmp_path):
    path = tmp_path / "tiny.ipynb"
    # ~80 MB held by the kernel must show in its peak memory
    code = "import numpy as np\nx = np.ones(10_000_000)\nprint(x.sum())"
    nbformat.write(new_notebook(cells=[new_code_cell(code)]), path)
    seconds, mb = run(path, timeout=120)
    executed = nbformat.read(path, as_version=4)
    assert executed.cells[0].outputs[0]["text"].strip() == "10000000.0"
    assert seconds > 0 and mb is not None and mb > 80


def test_compact_images_shrinks_large_figures_only():
    import base64
    import io

    import numpy as np
    from PIL import Image

    from tools.run_notebooks import compact_images

    def png(pixels):
        buffer = io.BytesIO()
        Image.fromarray(pixels).save(buffer, "PNG")
        return base64.b64encode(buffer.getvalue()).decode()

    noisy = np.random.default_rng(0).integers(0, 256, (300, 400, 3), dtype=np.uint8)
    small = np.zeros((10, 10, 4), np.uint8)
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(outputs=[
        nbformat.v4.new_output("display_data", data={"image/png": png(noisy)}),
        nbformat.v4.new_output("display_data", data={"image/png": png(small)}),
    ])])  # fmt: skip
    small_before = nb.cells[0].outputs[1].data["image/png"]
    saved = compact_images(nb)
    assert saved > 0
    shrunk = Image.open(io.BytesIO(base64.b64decode(nb.cells[0].outputs[0].data["image/png"])))
    assert shrunk.size == (400, 300) and shrunk.mode == "P"
    assert nb.cells[0].outputs[1].data["image/png"] == small_before  # below the threshold
    with pytest.raises(ValueError):
        compact_images(nb, min_bytes=-1)
