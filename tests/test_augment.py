import numpy as np
import pytest
from scipy import ndimage

from course_utils.augment import shift_images


@pytest.mark.parametrize("dx, dy", [(0, 0), (2, 1), (-3, 2), (1, -4), (-2, -2), (9, 0), (0, -7)])
@pytest.mark.parametrize("channels", [None, 1, 3])
def test_shift_matches_scipy(dx, dy, channels):
    rng = np.random.default_rng(0)
    shape = (4, 7, 9) if channels is None else (4, 7, 9, channels)
    x = rng.random(shape).astype("float32")
    out = shift_images(x, dx, dy)
    shift = (0, dy, dx) + ((0,) if channels else ())
    assert out.shape == x.shape and out.dtype == x.dtype
    assert np.array_equal(out, ndimage.shift(x, shift, order=0, cval=0.0))


def test_shift_keeps_dtype_and_does_not_touch_input():
    x = np.arange(2 * 3 * 3, dtype=np.uint8).reshape(2, 3, 3)
    before = x.copy()
    out = shift_images(x, 1, 0)
    assert out.dtype == np.uint8 and np.array_equal(x, before)
    assert np.array_equal(out[0], [[0, 0, 1], [0, 3, 4], [0, 6, 7]])


def test_shift_bad_input():
    with pytest.raises(ValueError):
        shift_images(np.zeros((3, 3)), 1, 1)
    with pytest.raises(ValueError):
        shift_images(np.zeros((0, 3, 3)), 1, 1)
    with pytest.raises(TypeError):
        shift_images(np.zeros((1, 3, 3)), 1.5, 0)
    with pytest.raises(TypeError):
        shift_images(np.zeros((1, 3, 3)), 0, True)
