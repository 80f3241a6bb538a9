"""show_images and plot_history (the plotting helpers of the core)."""

import numpy as np
import pytest

from course_utils.plotting import plot_history, show_images


def test_show_images_grid_and_labels():
    imgs = np.zeros((10, 28, 28), np.uint8)
    fig = show_images(imgs, labels=list(range(10)), ncols=4)
    axes = fig.get_axes()
    assert len(axes) == 12  # 3 rows x 4 columns, two left empty
    assert axes[0].get_title() == "0" and len(axes[0].images) == 1
    assert len(axes[11].images) == 0


def test_show_images_accepts_channels():
    assert len(show_images(np.zeros((2, 8, 8, 1))).get_axes()) == 2
    assert len(show_images(np.zeros((3, 8, 8, 3)), ncols=8).get_axes()) == 3


@pytest.mark.parametrize("bad", [np.zeros((8, 8)), np.zeros((2, 8, 8, 2)), np.zeros((0, 8, 8))])
def test_show_images_bad_shapes(bad):
    with pytest.raises(ValueError):
        show_images(bad)


def test_show_images_bad_arguments():
    with pytest.raises(ValueError, match="labels"):
        show_images(np.zeros((3, 8, 8)), labels=[1])
    with pytest.raises(ValueError, match="ncols"):
        show_images(np.zeros((3, 8, 8)), ncols=0)


def test_plot_history():
    logs = {"loss": [1.0, 0.5], "val_loss": [1.1, 0.7], "accuracy": [0.5, 0.8]}
    fig = plot_history(logs, title="t")
    axes = fig.get_axes()
    assert len(axes) == 2
    assert len(axes[0].get_lines()) == 2 and len(axes[1].get_lines()) == 1


def test_plot_history_accepts_history_object():
    class History:
        history = {"loss": [3.0, 2.0, 1.0]}

    assert len(plot_history(History()).get_axes()) == 1


def test_plot_history_bad_input():
    with pytest.raises(TypeError):
        plot_history([1, 2, 3])
    with pytest.raises(ValueError, match="none of"):
        plot_history({"mae": [1.0]})
