"""One training process of notebook 10: ``python -m course_utils.scale_worker CONFIG.json``.

The notebook's launcher (:class:`course_utils.scale.Cluster`) starts this script once per
worker, with ``TF_CONFIG`` in its environment when it is one worker of several. It trains a
small Keras classifier on the notebook's TFRecord shards with ``model.fit`` under the strategy
the config names, and writes what happened to files the notebook reads back:

- ``progress_path``: one JSON line per event (``{"event": "epoch_begin", "epoch": 2}``, …);
- ``result_path`` (JSON): per-epoch loss and accuracy, the epochs this process ran, the
  wall time, the number of replicas, and the path of the final weights (``.npz``).

Config keys (JSON object): ``files`` (TFRecord paths), ``image_shape`` ([H, W]), ``epochs``,
``global_batch``, ``lr``, ``seed``, ``strategy`` (``"default"`` or ``"multi_worker"``),
``backup_dir`` (BackupAndRestore, or null), ``checkpoint_path`` (ModelCheckpoint, or null),
``hold_at`` ([epoch, batch] at which the process announces ``"holding"`` and waits, so that
a kill lands mid-epoch; or null), ``progress_path``, ``result_path``, ``weights_path``.
"""

from __future__ import annotations

import json
import os
import sys
import time


def _log(path: str, **event) -> None:
    with open(path, "a") as f:
        f.write(json.dumps(event) + "\n")
        f.flush()
        os.fsync(f.fileno())


def _fit(cfg, model, ds, progress, index):
    """``model.fit`` with the config's callbacks (BackupAndRestore, ModelCheckpoint)."""
    import keras

    hold_at = cfg.get("hold_at")

    class Progress(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.epoch = epoch
            _log(progress, event="epoch_begin", epoch=epoch, index=index)

        def on_train_batch_end(self, batch, logs=None):
            if hold_at is not None and [self.epoch, batch] == list(hold_at):
                _log(progress, event="holding", epoch=self.epoch, batch=batch, index=index)
                time.sleep(120)  # the launcher kills us here; bounded if it never does

        def on_epoch_end(self, epoch, logs=None):
            _log(progress, event="epoch_end", epoch=epoch, index=index,
                 loss=float(logs["loss"]), accuracy=float(logs["accuracy"]))  # fmt: skip

    callbacks = [Progress()]
    if cfg.get("backup_dir"):
        callbacks.insert(0, keras.callbacks.BackupAndRestore(cfg["backup_dir"]))
    if cfg.get("checkpoint_path"):
        callbacks.append(keras.callbacks.ModelCheckpoint(cfg["checkpoint_path"]))
    t_fit = time.perf_counter()
    hist = model.fit(ds, epochs=int(cfg["epochs"]), verbose=0, callbacks=callbacks)
    fit_time = time.perf_counter() - t_fit
    return ([int(e) for e in hist.epoch], [float(v) for v in hist.history["loss"]],
            [float(v) for v in hist.history["accuracy"]], fit_time)  # fmt: skip


def _custom_loop(cfg, strategy, model, ds, progress, index):
    """The training loop ``fit`` runs, written out under ``strategy`` (works with
    ``MultiWorkerMirroredStrategy``, which Keras 3's ``fit`` does not support on TF 2.21)."""
    import keras
    import tensorflow as tf

    global_batch = int(cfg["global_batch"])
    dist_ds = strategy.experimental_distribute_dataset(ds)
    with strategy.scope():
        loss_fn = keras.losses.SparseCategoricalCrossentropy(reduction=None)
        optimizer = model.optimizer
        optimizer.build(model.trainable_variables)  # its slots exist before the first step

    @tf.function
    def train_step(x, y):
        def step(x, y):
            with tf.GradientTape() as tape:
                probs = model(x, training=True)
                # mean over the GLOBAL batch: each replica divides by all replicas' examples
                loss = tf.nn.compute_average_loss(loss_fn(y, probs), global_batch_size=global_batch)
            grads = tape.gradient(loss, model.trainable_variables)
            optimizer.apply_gradients(zip(grads, model.trainable_variables, strict=True))
            correct = tf.reduce_sum(tf.cast(tf.equal(tf.argmax(probs, -1), y), tf.float32))
            return loss, correct

        loss, correct = strategy.run(step, args=(x, y))
        return (strategy.reduce(tf.distribute.ReduceOp.SUM, loss, axis=None),
                strategy.reduce(tf.distribute.ReduceOp.SUM, correct, axis=None))  # fmt: skip

    epochs, losses, accs = [], [], []
    t_fit = time.perf_counter()
    for epoch in range(int(cfg["epochs"])):
        _log(progress, event="epoch_begin", epoch=epoch, index=index)
        total, right, steps = 0.0, 0.0, 0
        for x, y in dist_ds:
            loss, correct = train_step(x, y)
            total, right, steps = total + float(loss), right + float(correct), steps + 1
        epochs.append(epoch)
        losses.append(total / steps)
        accs.append(right / (steps * global_batch))
        _log(progress, event="epoch_end", epoch=epoch, index=index, loss=losses[-1],
             accuracy=accs[-1])  # fmt: skip
    return epochs, losses, accs, time.perf_counter() - t_fit


def main(config_path: str) -> int:
    with open(config_path) as f:
        cfg = json.load(f)
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    t0 = time.perf_counter()
    import keras
    import numpy as np
    import tensorflow as tf

    from course_utils import scale

    tf.get_logger().setLevel("ERROR")
    progress = cfg["progress_path"]
    if cfg["strategy"] == "multi_worker":
        strategy = tf.distribute.MultiWorkerMirroredStrategy()
    elif cfg["strategy"] == "default":
        strategy = tf.distribute.get_strategy()
    else:
        raise ValueError(f"unknown strategy {cfg['strategy']!r}")
    task = json.loads(os.environ.get("TF_CONFIG", "{}")).get("task", {})
    index = int(task.get("index", 0))
    _log(progress, event="start", index=index, replicas=strategy.num_replicas_in_sync)

    keras.utils.set_random_seed(int(cfg["seed"]))
    h, w = cfg["image_shape"]
    ds = scale.tfrecord_dataset(
        cfg["files"], (h, w), batch_size=int(cfg["global_batch"]), drop_remainder=True
    )
    if cfg["strategy"] == "multi_worker":
        options = tf.data.Options()
        options.experimental_distribute.auto_shard_policy = (
            tf.data.experimental.AutoShardPolicy.DATA
        )
        ds = ds.with_options(options)
    with strategy.scope():
        model = scale.small_classifier((h, w))
        model.compile(
            optimizer=keras.optimizers.SGD(float(cfg["lr"]), momentum=0.9),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )

    if cfg.get("loop", "fit") == "custom":
        run = _custom_loop(cfg, strategy, model, ds, progress, index)
        hist_epochs, losses, accs, fit_time = run
    else:
        hist_epochs, losses, accs, fit_time = _fit(cfg, model, ds, progress, index)
    np.savez(cfg["weights_path"], *[np.asarray(v) for v in model.get_weights()])
    result = {
        "index": index,
        "replicas": int(strategy.num_replicas_in_sync),
        "epochs_run": hist_epochs,
        "loss": losses,
        "accuracy": accs,
        "fit_seconds": fit_time,
        "total_seconds": time.perf_counter() - t0,
        "weights_path": cfg["weights_path"],
    }
    with open(cfg["result_path"], "w") as f:
        json.dump(result, f)
    _log(progress, event="done", index=index)
    return 0


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit(__doc__)
    sys.exit(main(sys.argv[1]))
