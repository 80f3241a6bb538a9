"""Rebuild ``data/fashion_mnist_4k.npz`` from the Debian package ``dataset-fashion-mnist``.

Usage (needs ``sudo apt install dataset-fashion-mnist``)::

    python data/scripts/make_fashion_mnist_subset.py && (cd data && sha256sum fashion_mnist_4k.npz)

The result holds 4,000 real Fashion-MNIST images, unchanged: 3,000 training images (300 per
class) drawn from the original 60,000-image training file and 1,000 test images (100 per
class) from the original 10,000-image test file, chosen per class at random with seed 0 and
stored in shuffled order. Arrays: ``x_train`` uint8 (3000, 28, 28), ``y_train`` uint8 (3000,),
``x_test`` uint8 (1000, 28, 28), ``y_test`` uint8 (1000,). Update ``data/MANIFEST.sha256``
with the printed hash. The files are read with the course's own IDX parser
(``course_utils.data.read_idx``), which checks magic numbers and sizes.
"""

from pathlib import Path

import numpy as np

from course_utils.data import fashion_mnist_dir, read_idx


def stratified(images, labels, per_class, rng):
    idx = np.concatenate(
        [rng.choice(np.flatnonzero(labels == c), per_class, replace=False) for c in range(10)]
    )
    idx = rng.permutation(idx)
    return images[idx], labels[idx]


folder = fashion_mnist_dir()
rng = np.random.default_rng(0)
arrays = {}
for split, prefix, per_class in (("train", "train", 300), ("test", "t10k", 100)):
    images = read_idx(folder / f"{prefix}-images-idx3-ubyte.gz", 3)
    labels = read_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", 1)
    arrays[f"x_{split}"], arrays[f"y_{split}"] = stratified(images, labels, per_class, rng)
out = Path(__file__).resolve().parents[1] / "fashion_mnist_4k.npz"
np.savez_compressed(out, **arrays)
print(
    f"wrote {out.name} ({out.stat().st_size:,} bytes): x_train {arrays['x_train'].shape}, "
    f"x_test {arrays['x_test'].shape}, train classes {np.bincount(arrays['y_train']).tolist()}"
)
