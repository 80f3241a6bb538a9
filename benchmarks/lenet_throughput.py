"""How fast does LeNet-5 train on this machine?

Run from the repository root with the project's environment::

    .venv/bin/python benchmarks/lenet_throughput.py            # the numbers the README quotes
    .venv/bin/python benchmarks/lenet_throughput.py --sweep    # also try other configurations

It prints

1. the float32 matmul peak (GFLOP/s): best of several ``tf.linalg.matmul`` of large matrices;
2. steady-state LeNet-5 training throughput (images/s) with the path the notebooks teach:
   ``model.compile(..., steps_per_execution=32)`` and ``model.fit`` on a cached, batched
   ``tf.data`` pipeline (``course_utils.training.make_dataset``), the GFLOP/s that implies
   (training FLOPs ≈ 3 x the forward FLOPs counted from the model's layers) and its fraction
   of the matmul peak;
3. the wall time until the notebook's modern recipe (ReLU, max pooling, Adam) reaches 95 %
   test accuracy on the MNIST data ``load_mnist()`` provides (offline: the bundled subset).

On a shared machine the numbers are pessimistic: every measurement is repeated and the best
is kept.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from course_utils.session import native_stderr_silenced, quiet_tensorflow  # noqa: E402

quiet_tensorflow()


def matmul_peak(n: int = 2048, repeats: int = 10) -> float:
    """Best float32 GFLOP/s of an n x n by n x n matrix product (2 n^3 FLOPs)."""
    import tensorflow as tf

    a = tf.random.normal((n, n), seed=1)
    b = tf.random.normal((n, n), seed=2)
    product = tf.function(lambda a, b: tf.reduce_sum(tf.linalg.matmul(a, b)))
    product(a, b).numpy()  # trace and warm up
    best = math.inf
    for _ in range(repeats):
        start = time.perf_counter()
        product(a, b).numpy()
        best = min(best, time.perf_counter() - start)
    return 2 * n**3 / best / 1e9


def forward_flops(model) -> int:
    """Multiply-adds x 2 of every Conv2D and Dense layer for one image (biases, activations
    and pooling are ignored: they are a few percent)."""
    total = 0
    for layer in model.layers:
        kind = type(layer).__name__
        if kind == "Conv2D":
            kh, kw, cin_per_group, _ = layer.kernel.shape
            _, oh, ow, cout = layer.output.shape
            total += 2 * oh * ow * cout * kh * kw * cin_per_group
        elif kind == "Dense":
            fan_in, units = layer.kernel.shape
            total += 2 * fan_in * units
    return int(total)


def mnist_32(n_copies: int = 1):
    """MNIST from ``load_mnist()``, padded to 32x32x1 float32 in [0, 1]."""
    import contextlib
    import io

    from course_utils.data import load_mnist

    with contextlib.redirect_stdout(io.StringIO()):
        d = load_mnist()

    def prep(x):
        return (np.pad(x, ((0, 0), (2, 2), (2, 2)))[..., None] / 255.0).astype("float32")

    xtr, ytr = prep(d.x_train), d.y_train.astype("int32")
    return (np.concatenate([xtr] * n_copies), np.concatenate([ytr] * n_copies),
            prep(d.x_test), d.y_test.astype("int32"), d.description)  # fmt: skip


def compiled_lenet(activation="relu", pooling="max", lr=1e-3, jit=False, seed=0,
                   steps_per_execution=32):  # fmt: skip
    """The modern LeNet-5, compiled as notebook 04 compiles it."""
    import keras

    from course_utils.models import lenet5

    keras.utils.set_random_seed(seed)
    model = lenet5(activation=activation, pooling=pooling)
    model.compile(
        optimizer=keras.optimizers.Adam(lr),
        loss="sparse_categorical_crossentropy",
        metrics=["accuracy"],
        jit_compile=jit,
        steps_per_execution=steps_per_execution,
    )
    return model


def steady_throughput(x, y, batch_size: int, jit: bool, epochs: int = 5, plain: bool = False,
                      steps_per_execution: int = 32):  # fmt: skip
    """Images/s of the best epoch after the first (which includes tracing/compilation).

    ``plain``: Keras defaults (NumPy arrays straight into ``fit``, batch 32, one step per
    execution); otherwise ``fit`` on ``make_dataset(x, y, batch_size)`` with the model compiled
    with ``steps_per_execution`` (capped at the steps of one epoch), as the notebooks do.
    """
    from course_utils.training import EpochLogger, make_dataset

    clock = EpochLogger(quiet=True)  # records each epoch's wall time
    if plain:
        model = compiled_lenet(jit=jit, steps_per_execution=1)
        model.fit(x, y, epochs=epochs, verbose=0, callbacks=[clock])
    else:
        steps = min(steps_per_execution, math.ceil(len(x) / batch_size))
        model = compiled_lenet(jit=jit, steps_per_execution=steps)
        model.fit(make_dataset(x, y, batch_size), epochs=epochs, verbose=0, callbacks=[clock],
                  shuffle=False)  # the data set reshuffles itself every epoch
    return len(x) / min(clock.epoch_seconds[1:]), model


def time_to_accuracy(xtr, ytr, xte, yte, target: float, batch_size: int, lr: float,
                     max_epochs: int = 40):  # fmt: skip
    """Wall seconds (model build, compilation and evaluation included) until test accuracy
    >= target, checked with ``model.evaluate`` after every epoch. Returns (seconds, epochs,
    accuracy)."""
    from course_utils.training import make_dataset

    start = time.perf_counter()
    train_ds = make_dataset(xtr, ytr, batch_size)
    test_ds = make_dataset(xte, yte, 1024, shuffle=False)
    model = compiled_lenet(lr=lr, steps_per_execution=min(32, math.ceil(len(xtr) / batch_size)))
    acc = 0.0
    for epoch in range(1, max_epochs + 1):
        model.fit(train_ds, initial_epoch=epoch - 1, epochs=epoch, verbose=0, shuffle=False)
        acc = model.evaluate(test_ds, verbose=0, return_dict=True)["accuracy"]
        if acc >= target:
            return time.perf_counter() - start, epoch, acc
    return math.inf, max_epochs, acc


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sweep", action="store_true", help="also try other configurations")
    parser.add_argument("--batch-size", type=int, default=512, help="steady-state batch size")
    parser.add_argument("--repeats", type=int, default=3, help="repetitions, best kept")
    parser.add_argument("--inter-op", type=int, default=0, help="TF inter-op threads (0: TF's)")
    parser.add_argument("--intra-op", type=int, default=0, help="TF intra-op threads (0: TF's)")
    args = parser.parse_args(argv)

    with native_stderr_silenced():  # TF's start-up notices (oneDNN, CUDA probing)
        import tensorflow as tf

        tf.config.list_physical_devices("GPU")
    if args.inter_op:
        tf.config.threading.set_inter_op_parallelism_threads(args.inter_op)
    if args.intra_op:
        tf.config.threading.set_intra_op_parallelism_threads(args.intra_op)
    from course_utils.profiles import knobs_for

    knobs = knobs_for("04_lenet5", "standard")
    load = os.getloadavg()[0]
    print(f"TensorFlow {tf.__version__} | {os.cpu_count()} logical CPUs | load average "
          f"{load:.1f}" + (" — other processes share the CPU: numbers are pessimistic"
                           if load > 0.5 * (os.cpu_count() or 1) else ""))  # fmt: skip

    peak_before = max(matmul_peak() for _ in range(args.repeats))

    x, y, xte, yte, source = mnist_32(n_copies=4)  # 4 copies: longer epochs, steadier timing
    probe = compiled_lenet()
    fwd = forward_flops(probe)
    train_flops = 3 * fwd
    print(f"LeNet-5 forward {fwd / 1e6:.3f} MFLOP/image, training ≈ 3x = "
          f"{train_flops / 1e6:.3f} MFLOP/image | data: {source}")  # fmt: skip

    # (label, batch size, jit_compile, plain model.fit, steps_per_execution)
    configs = [(f"fit + tf.data, batch {args.batch_size}", args.batch_size, False, False, 32)]
    if args.sweep:
        configs = [
            ("plain model.fit defaults (NumPy, batch 32)", 32, False, True, 1),
            *[(f"fit + tf.data, batch {b}", b, False, False, 32) for b in (64, 128, 256, 512)],
            *[(f"fit + tf.data, batch {b}, 1 step/execution", b, False, False, 1)
              for b in (64, 512)],
            ("fit + tf.data, batch 1024", 1024, False, False, 32),
            *[(f"fit + tf.data, batch {b}, jit_compile=True", b, True, False, 32)
              for b in (128, 512)],
        ]  # fmt: skip
    print(f"steady-state training: {len(x):,} images/epoch, best epoch after the first, "
          f"best of {args.repeats} runs ...", flush=True)  # fmt: skip
    best = {}
    for label, bs, jit, plain, spe in configs:
        best[label] = max(steady_throughput(x, y, bs, jit, plain=plain, steps_per_execution=spe)[0]
                          for _ in range(args.repeats))  # fmt: skip
    # The peak is measured before and after the training runs and the higher value counts:
    # on a shared machine a busy moment would otherwise inflate every fraction.
    peak_after = max(matmul_peak() for _ in range(args.repeats))
    peak = max(peak_before, peak_after)
    print(f"matmul peak (float32, 2048x2048, best of {2 * args.repeats}x10, before "
          f"{peak_before:,.0f} / after {peak_after:,.0f}): {peak:,.0f} GFLOP/s")  # fmt: skip
    for label, ips in best.items():
        gflops = ips * train_flops / 1e9
        print(f"  {label:<44} {ips:>8,.0f} images/s  {gflops:6.1f} GFLOP/s  "
              f"{gflops / peak:6.1%} of peak")  # fmt: skip

    target = 0.95
    xtr, ytr = x[: len(x) // 4], y[: len(y) // 4]
    runs = [time_to_accuracy(xtr, ytr, xte, yte, target, knobs["batch_size"], knobs["lr"])
            for _ in range(args.repeats)]  # fmt: skip
    secs, epochs, acc = min(runs)
    print(f"time to {target:.0%} test accuracy (modern LeNet-5, Adam lr {knobs['lr']:g}, "
          f"batch {knobs['batch_size']}, {len(xtr):,} training images): {secs:.1f} s "
          f"({epochs} epochs, test accuracy {acc:.3f}; best of {args.repeats})")  # fmt: skip


if __name__ == "__main__":
    main()
