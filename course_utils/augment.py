"""Moving images around: the transformations behind robustness tests and augmentation.

NumPy only. Keras's preprocessing layers (``RandomTranslation``, ``RandomRotation``) do the
same on the fly during training; these functions make the test sets of the notebooks and are
the references of their exercises.
"""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["shift_images"]


def shift_images(images: Any, dx: int, dy: int) -> np.ndarray:
    """Shift every image by whole pixels, filling the uncovered border with zeros.

    Parameters
    ----------
    images : array-like, shape (N, H, W) or (N, H, W, C)
        A batch of images (any numeric dtype; the result keeps it).
    dx : int
        Pixels to the right (negative: to the left).
    dy : int
        Pixels down (negative: up).

    Returns
    -------
    np.ndarray, same shape and dtype as ``images``
        ``out[:, y + dy, x + dx] = images[:, y, x]`` where both lie inside the image; pixels
        pushed out of the frame are lost (no wrap-around), new ones are 0.
    """
    x = np.asarray(images)
    if x.ndim not in (3, 4) or x.shape[0] == 0:
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C), got {x.shape}")
    for name, value in (("dx", dx), ("dy", dy)):
        if isinstance(value, bool) or not isinstance(value, int | np.integer):
            raise TypeError(f"{name} must be an integer number of pixels, got {value!r}")
    h, w = x.shape[1], x.shape[2]
    out = np.zeros_like(x)
    if abs(dx) >= w or abs(dy) >= h:
        return out
    src_y = slice(max(0, -dy), h - max(0, dy))
    dst_y = slice(max(0, dy), h - max(0, -dy))
    src_x = slice(max(0, -dx), w - max(0, dx))
    dst_x = slice(max(0, dx), w - max(0, -dx))
    out[:, dst_y, dst_x] = x[:, src_y, src_x]
    return out
