"""Exercises of notebook 10 (Training beyond one device): batch arithmetic, a fast tf.data
pipeline, a training run that survives being interrupted (Keras callbacks)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from course_utils.exercises import CustomExercise, FunctionExercise, NotAttempted, register

NOTEBOOK = "10_training_at_scale"


# --------------------------------------------------------------------------- batch arithmetic


def _batch_plan(per_replica_batch, n_replicas, n_examples, base_lr, base_batch):
    from course_utils.scale import batch_plan

    return batch_plan(per_replica_batch, n_replicas, n_examples, base_lr, base_batch)


def _batch_plan_cases() -> list[tuple]:
    return [
        (64, 2, 30_000, 0.05, 64),  # the lecture's two logical CPUs
        (128, 8, 1_281_167, 0.1, 256),  # ImageNet on 8 GPUs (Goyal et al.'s base: 0.1 at 256)
        (32, 1, 1_000, 0.01, 32),  # one device: nothing changes
        (100, 3, 1_000, 0.2, 50),  # an epoch that does not divide evenly
        (256, 4, 900, 0.1, 128),  # fewer examples than one global batch: no full step
        (16, 256, 1_281_167, 0.1, 256),  # many small replicas (a TPU pod slice)
    ]


register(FunctionExercise(
    "batch_plan", NOTEBOOK, "batch_plan", reference=_batch_plan, cases=_batch_plan_cases,
    rtol=1e-9,
    hint="what does one step consume when every replica takes its own batch at the same "
         "time? An epoch keeps only full global batches; and the learning rate grows in "
         "proportion to the batch the rate was tuned for",
))  # fmt: skip


# --------------------------------------------------------------------------- tf.data pipeline

_PIPE_N, _PIPE_SHARDS, _PIPE_BATCH = 3_000, 6, 50


def _reference_pipeline(files, batch_size):
    """Interleaved reads, parallel decoding, prefetching (the notebook's tuned pipeline)."""
    import tensorflow as tf

    spec = {"image": tf.io.FixedLenFeature([], tf.string),
            "label": tf.io.FixedLenFeature([], tf.int64)}  # fmt: skip

    def parse(record):
        ex = tf.io.parse_single_example(record, spec)
        image = tf.reshape(tf.io.decode_raw(ex["image"], tf.uint8), (28, 28))
        return tf.cast(image, tf.float32) / 255.0, ex["label"]

    ds = tf.data.Dataset.from_tensor_slices(list(map(str, files)))
    ds = ds.interleave(tf.data.TFRecordDataset, cycle_length=len(files),
                       num_parallel_calls=tf.data.AUTOTUNE)  # fmt: skip
    ds = ds.map(parse, num_parallel_calls=tf.data.AUTOTUNE)
    return ds.batch(batch_size).prefetch(tf.data.AUTOTUNE)


def _graph_ops(ds) -> set[str]:
    """Names of the dataset ops in ``ds``'s graph (e.g. ``ParallelMapDatasetV2``)."""
    import tensorflow as tf

    graph = tf.compat.v1.GraphDef()
    graph.ParseFromString(ds._as_serialized_graph().numpy())  # noqa: SLF001
    ops = {n.op for n in graph.node}
    for f in graph.library.function:
        ops |= {n.op for n in f.node_def}
    return ops


def _check_pipeline(make: Any, say: Callable[[str], None]) -> bool:
    import tensorflow as tf

    from course_utils import scale

    if not callable(make):
        say(f"expected a function make_pipeline(files, batch_size), got {type(make).__name__}")
        return False
    rng = np.random.default_rng(10)
    images = rng.integers(0, 256, (_PIPE_N, 28, 28), dtype=np.uint8)
    labels = rng.integers(0, 10, _PIPE_N).astype(np.int64)
    with tempfile.TemporaryDirectory() as tmp:
        files = scale.write_tfrecord_shards(images, labels, tmp, _PIPE_SHARDS, prefix="check")
        try:
            ds = make([str(f) for f in files], _PIPE_BATCH)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001 - report any failure of the student's code
            say(f"make_pipeline(files, {_PIPE_BATCH}) raised {type(err).__name__}: {err}")
            return False
        if ds is None:
            raise NotAttempted("your function returns nothing; write its body")
        if not isinstance(ds, tf.data.Dataset):
            say(f"make_pipeline returned a {type(ds).__name__}, not a tf.data.Dataset")
            return False
        spec = ds.element_spec
        if not (isinstance(spec, tuple) and len(spec) == 2):
            say(f"each element should be an (images, labels) pair, got {spec}")
            return False
        x_spec, y_spec = spec
        if x_spec.dtype != tf.float32 or tuple(x_spec.shape[1:]) != (28, 28):
            say(f"images should be float32 batches of shape (batch, 28, 28), got "
                f"{x_spec.dtype.name} {tuple(x_spec.shape)}")  # fmt: skip
            return False
        if not y_spec.dtype.is_integer:
            say(f"labels should be integers, got {y_spec.dtype.name}")
            return False
        xs, ys, sizes = [], [], []
        for x, y in ds:
            xs.append(x.numpy())
            ys.append(y.numpy())
            sizes.append(int(x.shape[0]))
        x_all, y_all = np.concatenate(xs), np.concatenate(ys)
        if len(x_all) != _PIPE_N:
            say(f"one pass yields {len(x_all):,} images; the shards hold {_PIPE_N:,} "
                "(every image once per pass)")  # fmt: skip
            return False
        if max(sizes) != _PIPE_BATCH:
            say(f"batches hold up to {max(sizes)} images, expected batch_size = {_PIPE_BATCH}")
            return False
        if x_all.min() < 0 or x_all.max() > 1 or x_all.max() < 0.9:
            say(f"pixels range over [{x_all.min():.3g}, {x_all.max():.3g}]; expected [0, 1]")
            return False
        want = sorted(zip(labels.tolist(), (images.reshape(_PIPE_N, -1).sum(1)).tolist(),
                          strict=True))  # fmt: skip
        got = sorted(zip(y_all.tolist(), np.rint(x_all.reshape(_PIPE_N, -1).sum(1) * 255)
                         .astype(np.int64).tolist(), strict=True))  # fmt: skip
        if got != want:
            say("the images or labels that come out are not the ones written to the shards")
            return False
        say(f"one pass: all {_PIPE_N:,} images, float32 in [0, 1], batches of {_PIPE_BATCH}")
        ops = _graph_ops(ds)
        needed = {"reads the shards in parallel": ("ParallelInterleaveDatasetV4",
                                                    "ParallelInterleaveDatasetV3"),
                  "decodes in parallel": ("ParallelMapDatasetV2", "ParallelMapDataset"),
                  "prefetches": ("PrefetchDataset",)}  # fmt: skip
        missing = [what for what, names in needed.items() if not ops.intersection(names)]
        if missing:
            say(f"the pipeline does not yet: {', '.join(missing)}")
            return False
        say("it " + ", ".join(needed) + " (found in its graph)")
        mine = scale.images_per_second(ds, repeats=3).median
        naive = scale.images_per_second(
            scale.tfrecord_dataset(files, (28, 28), _PIPE_BATCH), repeats=3
        ).median
        say(f"throughput: {mine:,.0f} images/s, the naive pipeline here {naive:,.0f} images/s")
        if mine < 0.25 * naive:  # a loose bar: timings on a shared machine are noisy
            say("far slower than the naive pipeline: what in it costs time per image?")
            return False
    return True


register(CustomExercise(
    "fast_pipeline", NOTEBOOK, "a fast tf.data pipeline", checker=_check_pipeline,
    example=lambda: _reference_pipeline,
    hint="start from the list of file names as a dataset; which Dataset method reads several "
         "files at once, which argument lets map use every core, and what last stage lets the "
         "next batch be prepared while the current one is used?",
))  # fmt: skip


# --------------------------------------------------------------------------- fault tolerance


class _Interrupted(Exception):
    """Raised by the checker's callback to stand in for a crash."""


def _reference_callbacks(backup_dir, best_path):
    import keras

    return [
        keras.callbacks.BackupAndRestore(backup_dir),
        keras.callbacks.ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True),
    ]


def _check_callbacks(make: Any, say: Callable[[str], None]) -> bool:
    import keras

    if not callable(make):
        say(f"expected a function resumable_callbacks(backup_dir, best_path), got "
            f"{type(make).__name__}")  # fmt: skip
        return False
    rng = np.random.default_rng(3)
    x = rng.normal(size=(256, 8)).astype("float32")
    y = (x[:, 0] + x[:, 1] > 0).astype("int64")
    x_val, y_val = x[:64] + 0.1, y[:64]

    def model():
        keras.utils.set_random_seed(0)
        m = keras.Sequential([keras.Input((8,)), keras.layers.Dense(8, activation="relu"),
                              keras.layers.Dense(2, activation="softmax")])  # fmt: skip
        m.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        return m

    class Crash(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch

        def on_train_batch_end(self, batch, logs=None):
            if self.epoch == 2 and batch == 3:
                raise _Interrupted

    class Epochs(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.seen = []

        def on_epoch_begin(self, epoch, logs=None):
            self.seen.append(epoch)

    with tempfile.TemporaryDirectory() as tmp:
        backup, best = str(Path(tmp) / "backup"), str(Path(tmp) / "best.keras")
        try:
            first = make(backup, best)
        except NotImplementedError as err:
            raise NotAttempted("your function still raises NotImplementedError") from err
        except Exception as err:  # noqa: BLE001
            say(f"resumable_callbacks(...) raised {type(err).__name__}: {err}")
            return False
        if first is None:
            raise NotAttempted("your function returns nothing; write its body")
        if not (isinstance(first, list | tuple) and first
                and all(isinstance(c, keras.callbacks.Callback) for c in first)):  # fmt: skip
            say("expected a list of Keras callbacks")
            return False
        fit = {"epochs": 5, "batch_size": 32, "verbose": 0, "validation_data": (x_val, y_val)}
        try:
            model().fit(x, y, callbacks=[*first, Crash()], **fit)
            say("training was not interrupted: did a callback swallow the crash?")
            return False
        except _Interrupted:
            pass
        epochs = Epochs()
        try:
            model().fit(x, y, callbacks=[*make(backup, best), epochs], **fit)
        except Exception as err:  # noqa: BLE001
            say(f"the restarted run raised {type(err).__name__}: {err}")
            return False
        if epochs.seen != [2, 3, 4]:
            say(f"after a crash in epoch 2 the restarted run ran epochs {epochs.seen}; "
                "it should resume at epoch 2 and run 2, 3, 4")  # fmt: skip
            return False
        say("crashed in epoch 2, the restart resumed at epoch 2 and ran epochs 2, 3, 4")
        if not Path(best).exists():
            say("no model was saved at best_path")
            return False
        checkpoints = [c for c in make(backup, best)
                       if isinstance(c, keras.callbacks.ModelCheckpoint)]  # fmt: skip
        if not checkpoints or checkpoints[0].monitor != "val_loss" \
                or not checkpoints[0].save_best_only:
            say("best_path should hold the model with the lowest validation loss only")
            return False
        keras.models.load_model(best)
        say("best_path holds a loadable model, kept by its validation loss")
    return True


register(CustomExercise(
    "resumable_callbacks", NOTEBOOK, "a training run that survives a crash",
    checker=_check_callbacks, example=lambda: _reference_callbacks,
    hint="two callbacks from keras.callbacks: one that saves the whole training state every "
         "epoch and restores it when fit starts again, and one that saves a model file — "
         "which of its arguments choose the quantity to watch and keep only improvements?",
))  # fmt: skip
