"""`make course` reports each notebook's time and the kernel's peak memory."""

import os

import nbformat
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
