"""How fast is notebook 08's style-transfer loop, compared with the keras-io example's loop?

Run from the repository root with the project's environment (works offline)::

    .venv/bin/python benchmarks/style_transfer_speed.py                 # 128 and 256 px
    .venv/bin/python benchmarks/style_transfer_speed.py --sizes 256 --finish 300 --xla

Both loops run on the same network (``course_utils.pretrained.vgg16(weights="auto")``: ImageNet
VGG16 online, HED's VGG16 conv weights offline), the same photo (``chelsea``) and painting
(``village_street_auvers``), the longer image side set to each size, and are timed in turns
(A B A B ...) so that a busy machine slows both alike. Reported: median seconds per iteration
after the first (tracing) step.

- **course**: ``course_utils.style.style_transfer`` — the targets (content activations, style
  Grams) are computed once; each iteration runs *one* image through VGG16 up to
  ``block5_conv1`` and back, and the Adam update and clipping happen inside the same
  ``tf.function``.
- **keras-io**: a faithful minimal re-implementation of the loop of the keras-io example
  "Neural style transfer" (F. Chollet): a feature extractor returning *every* layer's output,
  ``compute_loss_and_grads`` under ``tf.function`` that runs the batch [photo, painting,
  generated image] through the whole network on every iteration (content ``block5_conv2``, the
  same five style layers, Gram matrices unnormalised and divided by 4·3²·(H·W)², the
  ``(a + b)^1.25`` total variation), then ``optimizer.apply_gradients`` eagerly with SGD and an
  ``ExponentialDecay(100, 100, 0.96)`` learning rate. (The example uses VGG19; here both loops
  use the same VGG16 so that only the loop differs.)

``--finish N`` also times a finished image: the course loop's full call (graph building and
tracing included) for N iterations at the largest size. ``--xla`` adds the course loop with
``jit_compile=True``. On a shared machine the numbers are pessimistic; look at the load average
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_utils.session import native_stderr_silenced, quiet_tensorflow  # noqa: E402

quiet_tensorflow()

STYLE_LAYERS = ("block1_conv1", "block2_conv1", "block3_conv1", "block4_conv1", "block5_conv1")


def keras_io_loop(vgg, base: np.ndarray, style: np.ndarray, iterations: int) -> list[float]:
    """The keras-io example's loop on ``vgg``; returns the wall time of every iteration."""
    import keras
    import tensorflow as tf

    nrows, ncols = base.shape[:2]
    total_variation_weight, style_weight, content_weight = 1e-6, 1e-6, 2.5e-8

    def preprocess(img):
        return tf.convert_to_tensor(keras.applications.vgg16.preprocess_input(img[None].copy()))

    def gram_matrix(x):
        x = tf.transpose(x, (2, 0, 1))
        features = tf.reshape(x, (tf.shape(x)[0], -1))
        return tf.matmul(features, tf.transpose(features))

    def style_loss(s, c):
        size = nrows * ncols
        return tf.reduce_sum(tf.square(gram_matrix(s) - gram_matrix(c))) / (4.0 * 9 * size**2)

    def content_loss(b, c):
        return tf.reduce_sum(tf.square(c - b))

    def total_variation_loss(x):
        a = tf.square(x[:, : nrows - 1, : ncols - 1, :] - x[:, 1:, : ncols - 1, :])
        b = tf.square(x[:, : nrows - 1, : ncols - 1, :] - x[:, : nrows - 1, 1:, :])
        return tf.reduce_sum(tf.pow(a + b, 1.25))

    outputs = {layer.name: layer.output for layer in vgg.layers}
    extractor = keras.Model(inputs=vgg.inputs, outputs=outputs)

    def compute_loss(combination, base_image, style_image):
        features = extractor(tf.concat([base_image, style_image, combination], axis=0))
        loss = tf.zeros(shape=())
        f = features["block5_conv2"]
        loss = loss + content_weight * content_loss(f[0], f[2])
        for name in STYLE_LAYERS:
            f = features[name]
            loss += (style_weight / len(STYLE_LAYERS)) * style_loss(f[1], f[2])
        return loss + total_variation_weight * total_variation_loss(combination)

    @tf.function
    def compute_loss_and_grads(combination, base_image, style_image):
        with tf.GradientTape() as tape:
            loss = compute_loss(combination, base_image, style_image)
        return loss, tape.gradient(loss, combination)

    optimizer = keras.optimizers.SGD(
        keras.optimizers.schedules.ExponentialDecay(100.0, decay_steps=100, decay_rate=0.96)
    )
    base_image, style_image = preprocess(base), preprocess(style)
    combination = tf.Variable(preprocess(base))
    times = []
    for _ in range(iterations):
        start = time.perf_counter()
        loss, grads = compute_loss_and_grads(combination, base_image, style_image)
        optimizer.apply_gradients([(grads, combination)])
        float(loss)  # the example prints the loss every 100 iterations; wait for the step here
        times.append(time.perf_counter() - start)
    return times


def course_loop(vgg, base, style, iterations, jit_compile=False):
    """``course_utils.style.style_transfer``; returns (per-iteration times, result)."""
    import keras

    from course_utils import style as st

    times = []
    start = time.perf_counter()
    result = st.style_transfer(
        vgg, base, style, iterations=iterations, style_weight=1e-3, tv_weight=1e-2,
        preprocess=keras.applications.vgg16.preprocess_input, jit_compile=jit_compile,
    )  # fmt: skip
    times = [result.first_step_seconds] + [result.seconds_per_iteration] * (iterations - 1)
    return times, result, time.perf_counter() - start


def images(size: int) -> tuple[np.ndarray, np.ndarray]:
    """Photo and painting, longer side ``size``, RGB float32 0..255 (the painting resized to
    the photo's shape, as the keras-io example does)."""
    from PIL import Image

    import course_utils as cu

    photo = cu.data.load_photo("chelsea")
    h, w = photo.shape[:2]
    shape = (round(size * h / max(h, w)), round(size * w / max(h, w)))
    photo = cu.data.load_photo("chelsea", size=shape) * 255.0
    with contextlib.redirect_stdout(io.StringIO()):
        painting = cu.data.load_painting("village_street_auvers")
    painting = np.asarray(Image.fromarray(painting).resize(shape[::-1], Image.LANCZOS))
    return photo.astype(np.float32), painting.astype(np.float32)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[128, 256])
    parser.add_argument("--iterations", type=int, default=15, help="per timed run")
    parser.add_argument("--rounds", type=int, default=3, help="runs of each loop per size")
    parser.add_argument("--finish", type=int, default=0, help="time a finished image (iterations)")
    parser.add_argument("--xla", action="store_true", help="also the course loop with XLA")
    args = parser.parse_args()

    with native_stderr_silenced():
        import tensorflow as tf  # noqa: F401

    import course_utils as cu

    print(f"load average at start: {os.getloadavg()[0]:.1f} ({os.cpu_count()} CPUs)")
    with contextlib.redirect_stdout(io.StringIO()), native_stderr_silenced():
        vgg = cu.pretrained.vgg16(weights="auto")
    print(f"network: VGG16, weights {vgg.weights_source}")
    for size in args.sizes:
        photo, painting = images(size)
        runs: dict[str, list[float]] = {"course": [], "keras-io": []}
        if args.xla:
            runs["course, jit_compile=True"] = []
        firsts: dict[str, list[float]] = {k: [] for k in runs}
        for _ in range(args.rounds):
            for name in runs:
                if name == "keras-io":
                    t = keras_io_loop(vgg, photo, painting, args.iterations)
                else:
                    t, _, _ = course_loop(vgg, photo, painting, args.iterations,
                                          jit_compile=name.endswith("True"))  # fmt: skip
                firsts[name].append(t[0])
                runs[name].append(float(np.median(t[1:])))
        h, w = photo.shape[:2]
        print(f"\n{h}x{w} px ({args.rounds} runs x {args.iterations} iterations each; "
              "median s/iteration after the first step)")  # fmt: skip
        best = {k: min(v) for k, v in runs.items()}
        for name, values in runs.items():
            print(f"  {name:<26} {best[name]:.3f} s/it (runs: "
                  f"{', '.join(f'{v:.3f}' for v in values)}; first step "
                  f"{np.median(firsts[name]):.1f} s)")  # fmt: skip
        print(f"  speed-up course vs keras-io: {best['keras-io'] / best['course']:.1f}x")
    if args.finish:
        size = max(args.sizes)
        photo, painting = images(size)
        _, result, wall = course_loop(vgg, photo, painting, args.finish)
        h, w = photo.shape[:2]
        print(f"\nfinished {h}x{w} image, {args.finish} iterations: {wall:.1f} s in all "
              f"({result.seconds_per_iteration:.3f} s/it, first step "
              f"{result.first_step_seconds:.1f} s); style loss fell "
              f"{result.factor('style'):.0f}x")  # fmt: skip
    print(f"\nload average at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
