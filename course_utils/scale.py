"""Training beyond one device (notebook 10): TFRecord shards, throughput, tf.distribute plumbing.

- :func:`write_tfrecord_shards` / :func:`tfrecord_dataset`: a data set written to sharded
  TFRecord files and streamed back with ``tf.data``, one pipeline knob at a time;
- :func:`images_per_second`: time a pipeline (or anything iterable) over repeats;
- :func:`split_cpu`: split the CPU into logical devices (before TensorFlow runs any op), so
  ``MirroredStrategy`` runs its real all-reduce on a machine without GPUs;
- :func:`free_port`, :func:`tf_config`: the ``TF_CONFIG`` of a local multi-worker cluster;
- :class:`Cluster`: start worker processes (``python -m course_utils.scale_worker``) as
  children of the notebook, bounded in time, their output captured, always cleaned up.

TensorFlow is imported inside the functions that need it; importing this module stays cheap.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

__all__ = [
    "Cluster",
    "Throughput",
    "free_port",
    "images_per_second",
    "small_classifier",
    "split_cpu",
    "tf_config",
    "tfrecord_dataset",
    "write_tfrecord_shards",
]

#: Knobs :func:`tfrecord_dataset` understands, in the order the notebook turns them on.
PIPELINE_KNOBS: tuple[str, ...] = ("interleave", "parallel_map", "cache", "prefetch")


# --------------------------------------------------------------------------- TFRecord shards


def _check_images_labels(images: Any, labels: Any) -> tuple[np.ndarray, np.ndarray]:
    x, y = np.asarray(images), np.asarray(labels)
    if x.dtype != np.uint8:
        raise TypeError(f"images must be uint8 (0..255), got {x.dtype}")
    if x.ndim not in (3, 4):
        raise ValueError(f"images must have shape (N, H, W) or (N, H, W, C), got {x.shape}")
    if y.ndim != 1 or y.shape[0] != x.shape[0]:
        raise ValueError(f"labels must have shape ({x.shape[0]},), got {y.shape}")
    if not np.issubdtype(y.dtype, np.integer):
        raise TypeError(f"labels must be integers, got {y.dtype}")
    return x, y


def write_tfrecord_shards(
    images: Any, labels: Any, directory: str | os.PathLike, n_shards: int, prefix: str = "train"
) -> list[Path]:
    """Write images and labels to ``n_shards`` TFRecord files of ``tf.train.Example`` records.

    Example ``i`` goes to shard ``i % n_shards`` (so every shard holds every class when the
    data are shuffled); each record holds the raw image bytes (``"image"``) and the label
    (``"label"``).

    Parameters
    ----------
    images : np.ndarray, uint8, shape (N, H, W) or (N, H, W, C)
    labels : np.ndarray, integer, shape (N,)
    directory : path
        Created if missing.
    n_shards : int
        Number of files, 1 <= n_shards <= N.
    prefix : str
        File names are ``{prefix}-00000-of-00004.tfrecord`` and so on.

    Returns
    -------
    list of Path
        The shard files, in order.
    """
    x, y = _check_images_labels(images, labels)
    if not isinstance(n_shards, int | np.integer) or not 1 <= n_shards <= len(x):
        raise ValueError(f"n_shards must be an integer in 1..{len(x)}, got {n_shards!r}")
    import tensorflow as tf

    folder = Path(directory)
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"{prefix}-{i:05d}-of-{n_shards:05d}.tfrecord" for i in range(n_shards)]
    writers = [tf.io.TFRecordWriter(str(p)) for p in paths]
    try:
        for i in range(len(x)):
            feature = {
                "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[x[i].tobytes()])),
                "label": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(y[i])])),
            }
            record = tf.train.Example(features=tf.train.Features(feature=feature))
            writers[i % n_shards].write(record.SerializeToString())
    finally:
        for w in writers:
            w.close()
    return paths


def tfrecord_dataset(
    files: Sequence[str | os.PathLike],
    image_shape: tuple[int, ...],
    batch_size: int,
    *,
    interleave: bool = False,
    parallel_map: bool = False,
    shuffle_buffer: int = 0,
    cache: bool = False,
    prefetch: bool = False,
    drop_remainder: bool = False,
    seed: int = 0,
    augment: bool = False,
):
    """Stream shards written by :func:`write_tfrecord_shards` as ``(image, label)`` batches.

    With every knob off this is the naive pipeline: read the files one after the other, decode
    one record at a time, batch. Each knob adds one ``tf.data`` stage:

    - ``interleave``: read all shards at once (``Dataset.interleave``, parallel reads);
    - ``parallel_map``: decode records in parallel (``map(num_parallel_calls=AUTOTUNE)``);
    - ``cache``: keep decoded images in memory after the first epoch (``Dataset.cache``),
      placed *before* shuffling and augmentation so that both still change every epoch;
    - ``shuffle_buffer``: shuffle within a buffer of that many examples (0: off);
    - ``augment``: random left-right flips and random 2-pixel shifts (pad, random crop), the
      per-image work a real training pipeline does (parallel too with ``parallel_map``);
    - ``prefetch``: prepare the next batches while the model trains (``prefetch(AUTOTUNE)``).

    Parameters
    ----------
    files : sequence of paths
        The TFRecord shards.
    image_shape : tuple of int
        ``(H, W)`` or ``(H, W, C)`` of the stored images.
    batch_size : int

    Returns
    -------
    tf.data.Dataset
        Elements ``(images float32 (B, *image_shape) in [0, 1], labels int64 (B,))``.
    """
    files = [str(f) for f in files]
    if not files:
        raise ValueError("files is empty: give at least one TFRecord shard")
    shape = tuple(int(s) for s in image_shape)
    if len(shape) not in (2, 3) or min(shape) <= 0:
        raise ValueError(f"image_shape must be (H, W) or (H, W, C), got {image_shape!r}")
    if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer) \
            or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if isinstance(shuffle_buffer, bool) or not isinstance(shuffle_buffer, int | np.integer) \
            or shuffle_buffer < 0:
        raise ValueError(f"shuffle_buffer must be a non-negative integer, got {shuffle_buffer!r}")
    import tensorflow as tf

    autotune = tf.data.AUTOTUNE
    spec = {
        "image": tf.io.FixedLenFeature([], tf.string),
        "label": tf.io.FixedLenFeature([], tf.int64),
    }

    def decode(record):
        ex = tf.io.parse_single_example(record, spec)
        image = tf.reshape(tf.io.decode_raw(ex["image"], tf.uint8), shape)
        return tf.cast(image, tf.float32) / 255.0, ex["label"]

    def jitter(image, label):
        x = image if len(shape) == 3 else image[..., None]
        x = tf.image.random_flip_left_right(x)
        x = tf.image.resize_with_crop_or_pad(x, shape[0] + 4, shape[1] + 4)
        x = tf.image.random_crop(x, (shape[0], shape[1], x.shape[-1]))
        return (x if len(shape) == 3 else x[..., 0]), label

    if interleave:
        ds = tf.data.Dataset.from_tensor_slices(files).interleave(
            tf.data.TFRecordDataset, cycle_length=len(files), num_parallel_calls=autotune,
            deterministic=True,
        )  # fmt: skip
    else:
        ds = tf.data.TFRecordDataset(files)
    calls = autotune if parallel_map else None
    ds = ds.map(decode, num_parallel_calls=calls)
    if cache:
        ds = ds.cache()
    if shuffle_buffer:
        ds = ds.shuffle(shuffle_buffer, seed=seed)
    if augment:
        ds = ds.map(jitter, num_parallel_calls=calls)
    ds = ds.batch(batch_size, drop_remainder=drop_remainder)
    if prefetch:
        ds = ds.prefetch(autotune)
    return ds


# --------------------------------------------------------------------------- throughput


@dataclass(frozen=True)
class Throughput:
    """Images per second of several timed passes (see :func:`images_per_second`)."""

    per_repeat: tuple[float, ...]
    images: int

    @property
    def median(self) -> float:
        return float(np.median(self.per_repeat))

    def format(self) -> str:
        """``"41,200 images/s (38,900–43,000 over 3 passes)"``."""
        lo, hi = min(self.per_repeat), max(self.per_repeat)
        return (f"{self.median:,.0f} images/s ({lo:,.0f}–{hi:,.0f} over "
                f"{len(self.per_repeat)} passes)")  # fmt: skip


def images_per_second(
    run_once: Any, repeats: int = 3, warmup: bool = True
) -> Throughput:
    """Time ``repeats`` passes and return images per second of each.

    Parameters
    ----------
    run_once : iterable of batches, or callable returning the number of images it processed
        An iterable (e.g. a ``tf.data.Dataset``) is iterated to the end once per pass and
        its batches' first dimension counted; a callable is called once per pass.
    repeats : int
        Timed passes (>= 1).
    warmup : bool
        One untimed pass first (tracing, file caches, ``Dataset.cache`` filling).

    Returns
    -------
    Throughput
        ``per_repeat`` images/s and the number of ``images`` per pass.
    """
    if not isinstance(repeats, int | np.integer) or repeats < 1:
        raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
    if callable(run_once):
        once = run_once
    elif isinstance(run_once, Iterable):
        def once() -> int:
            n = 0
            for batch in run_once:
                first = batch[0] if isinstance(batch, tuple | list) else batch
                n += int(first.shape[0])
            return n
    else:
        raise TypeError(
            f"run_once must be an iterable or a callable, got {type(run_once).__name__}"
        )
    if warmup:
        once()
    rates, n = [], 0
    for _ in range(int(repeats)):
        t0 = time.perf_counter()
        n = int(once())
        dt = time.perf_counter() - t0
        if n <= 0:
            raise ValueError("a pass processed no images")
        rates.append(n / dt)
    return Throughput(tuple(rates), n)


# --------------------------------------------------------------------------- devices, model


def split_cpu(n: int) -> list[str]:
    """Split the first CPU into ``n`` logical devices; return their names.

    Must run before TensorFlow executes any operation (right after ``cu.setup``): the device
    layout is fixed when the runtime starts. Calling it again with the same ``n`` is harmless.

    Returns
    -------
    list of str
        ``["/device:CPU:0", "/device:CPU:1", ...]``.

    Raises
    ------
    RuntimeError
        TensorFlow's runtime already started with a different layout.
    """
    if not isinstance(n, int | np.integer) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    current = tf.config.get_logical_device_configuration(cpu)
    if current is None or len(current) != n:
        try:
            tf.config.set_logical_device_configuration(
                cpu, [tf.config.LogicalDeviceConfiguration() for _ in range(n)]
            )
        except RuntimeError as err:
            raise RuntimeError(
                "TensorFlow already runs: split the CPU right after cu.setup(), before any "
                "tensor is created (restart the kernel)"
            ) from err
    return [d.name for d in tf.config.list_logical_devices("CPU")]


def small_classifier(image_shape: tuple[int, int], n_classes: int = 10, width: int = 64):
    """The small Keras MLP the multi-worker and crash experiments train (uncompiled).

    ``Input(image_shape) → Flatten → Dense(width, relu) → Dense(n_classes, softmax)``.
    """
    import keras

    return keras.Sequential([
        keras.Input(tuple(image_shape)),
        keras.layers.Flatten(),
        keras.layers.Dense(width, activation="relu"),
        keras.layers.Dense(n_classes, activation="softmax"),
    ])  # fmt: skip


# --------------------------------------------------------------------------- clusters


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port that is free on ``host`` right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


def tf_config(workers: Sequence[str], index: int, task_type: str = "worker") -> dict:
    """The ``TF_CONFIG`` of one task of a cluster of ``workers`` (``"host:port"`` strings).

    Returns
    -------
    dict
        ``{"cluster": {"worker": [...]}, "task": {"type": task_type, "index": index}}``;
        ``json.dumps`` it into the task's ``TF_CONFIG`` environment variable.
    """
    workers = list(workers)
    if not workers or not all(isinstance(w, str) and w.rpartition(":")[2].isdigit()
                              for w in workers):  # fmt: skip
        raise ValueError(f"workers must be non-empty 'host:port' strings, got {workers!r}")
    if len(set(workers)) != len(workers):
        raise ValueError(f"workers must be distinct, got {workers!r}")
    if not isinstance(index, int | np.integer) or not 0 <= index < len(workers):
        raise ValueError(f"index must be in 0..{len(workers) - 1}, got {index!r}")
    return {"cluster": {"worker": workers}, "task": {"type": task_type, "index": int(index)}}


def worker_env(tf_config_json: str | None = None) -> dict[str, str]:
    """Environment of a worker process: ours, quiet TensorFlow logs, and ``TF_CONFIG``."""
    env = dict(os.environ)
    env.update({"TF_CPP_MIN_LOG_LEVEL": "3", "GRPC_VERBOSITY": "ERROR",
                "GLOG_minloglevel": "3", "KERAS_BACKEND": "tensorflow",
                "PYTHONUNBUFFERED": "1"})  # fmt: skip
    env.pop("TF_CONFIG", None)
    if tf_config_json is not None:
        env["TF_CONFIG"] = tf_config_json
    return env


@dataclass
class Cluster:
    """Worker processes started from the notebook, cleaned up on exit (a context manager).

    ``Cluster(configs, workdir, multi_worker=True)`` writes one JSON config per worker,
    gives each worker a free port on 127.0.0.1 in one ``TF_CONFIG`` and starts
    ``python -m course_utils.scale_worker <config>`` for each; their stdout/stderr go to log
    files (never to the notebook). ``wait()`` returns the workers' results; leaving the
    ``with`` block kills any worker still running.

    Parameters
    ----------
    configs : list of dict
        One worker config each (see :mod:`course_utils.scale_worker`); the paths of its
        progress, result and weights files are filled in here.
    workdir : path
        Where configs, logs and results go.
    multi_worker : bool
        Give the workers a ``TF_CONFIG`` (one cluster); False: independent processes.
    timeout : float
        Seconds after which :meth:`wait` kills the workers and raises ``TimeoutError``.
    """

    configs: list[dict]
    workdir: str | os.PathLike
    multi_worker: bool = True
    timeout: float = 300.0
    name: str = "run"
    procs: list[subprocess.Popen] = field(default_factory=list, init=False)
    paths: list[dict[str, Path]] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        if not self.configs or not all(isinstance(c, dict) for c in self.configs):
            raise ValueError("configs must be a non-empty list of dicts")
        if not self.timeout > 0:
            raise ValueError(f"timeout must be positive, got {self.timeout!r}")
        folder = Path(self.workdir)
        folder.mkdir(parents=True, exist_ok=True)
        self.paths = []
        for i in range(len(self.configs)):
            stem = folder / f"{self.name}-worker{i}"
            self.paths.append({k: Path(f"{stem}.{k}") for k in
                               ("config", "progress", "result", "log")})  # fmt: skip
            self.paths[i]["weights"] = Path(f"{stem}.weights.npz")

    def start(self) -> Cluster:
        """Start every worker (idempotent per instance: raises if already started)."""
        if self.procs:
            raise RuntimeError("this cluster was started already")
        n = len(self.configs)
        addresses = [f"127.0.0.1:{free_port()}" for _ in range(n)] if self.multi_worker else []
        self._t0 = time.perf_counter()
        for i, cfg in enumerate(self.configs):
            p = self.paths[i]
            for key in ("progress", "result"):
                p[key].unlink(missing_ok=True)
            full = {**cfg, "progress_path": str(p["progress"]), "result_path": str(p["result"]),
                    "weights_path": str(p["weights"])}  # fmt: skip
            p["config"].write_text(json.dumps(full))
            tfc = json.dumps(tf_config(addresses, i)) if self.multi_worker else None
            with open(p["log"], "wb") as log:
                self.procs.append(subprocess.Popen(
                    [sys.executable, "-m", "course_utils.scale_worker", str(p["config"])],
                    stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                    env=worker_env(tfc), start_new_session=True,
                ))  # fmt: skip
        return self

    def events(self, i: int) -> list[dict]:
        """The progress events worker ``i`` wrote so far."""
        path = self.paths[i]["progress"]
        if not path.exists():
            return []
        out = []
        for line in path.read_text().splitlines():
            try:
                out.append(json.loads(line))
            except json.JSONDecodeError:  # a line being written right now
                break
        return out

    def wait_for(self, i: int, event: str, timeout: float | None = None) -> dict:
        """Block until worker ``i`` writes ``event``; return it."""
        limit = time.perf_counter() + (self.timeout if timeout is None else timeout)
        while time.perf_counter() < limit:
            for e in self.events(i):
                if e.get("event") == event:
                    return e
            if self.procs[i].poll() is not None:
                raise RuntimeError(f"worker {i} exited (code {self.procs[i].returncode}) "
                                   f"before {event!r}: {self.log_tail(i)}")  # fmt: skip
            time.sleep(0.05)
        self.kill()
        raise TimeoutError(f"worker {i} did not reach {event!r} in time")

    def kill(self, i: int | None = None, sig: int = signal.SIGKILL) -> None:
        """Send ``sig`` (SIGKILL: no clean-up possible) to worker ``i`` (None: every worker)."""
        for j, proc in enumerate(self.procs):
            if (i is None or j == i) and proc.poll() is None:
                proc.send_signal(sig)
                proc.wait(timeout=30)

    def wait(self) -> list[dict]:
        """Wait for every worker to finish; return their result dicts (in worker order)."""
        limit = self._t0 + self.timeout
        try:
            for i, proc in enumerate(self.procs):
                left = max(limit - time.perf_counter(), 0.1)
                try:
                    code = proc.wait(timeout=left)
                except subprocess.TimeoutExpired as err:
                    raise TimeoutError(
                        f"worker {i} still running after {self.timeout:.0f} s"
                    ) from err
                if code != 0:
                    raise RuntimeError(f"worker {i} failed (exit code {code}): {self.log_tail(i)}")
        finally:
            self.kill()
        return [json.loads(p["result"].read_text()) for p in self.paths]

    def weights(self, i: int = 0) -> list[np.ndarray]:
        """Final weights worker ``i`` saved."""
        with np.load(self.paths[i]["weights"]) as z:
            return [z[f"arr_{k}"] for k in range(len(z.files))]

    def log_tail(self, i: int, n: int = 800) -> str:
        """The last ``n`` characters worker ``i`` printed (for error messages)."""
        path = self.paths[i]["log"]
        return path.read_text(errors="replace")[-n:] if path.exists() else ""

    @property
    def returncodes(self) -> list[int | None]:
        return [p.poll() for p in self.procs]

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.kill()


def max_abs_difference(a: Sequence[np.ndarray], b: Sequence[np.ndarray]) -> float:
    """Largest absolute difference between two lists of same-shaped arrays (weights)."""
    if len(a) != len(b):
        raise ValueError(f"different numbers of arrays: {len(a)} and {len(b)}")
    worst = 0.0
    for x, y in zip(a, b, strict=True):
        x, y = np.asarray(x), np.asarray(y)
        if x.shape != y.shape:
            raise ValueError(f"shapes differ: {x.shape} and {y.shape}")
        if x.size:
            worst = max(worst, float(np.max(np.abs(x.astype(float) - y.astype(float)))))
    return worst


# --------------------------------------------------------------------------- batch arithmetic


def batch_plan(
    per_replica_batch: int, n_replicas: int, n_examples: int, base_lr: float, base_batch: int
) -> tuple[int, int, float]:
    """Global batch, steps per epoch and learning rate of a data-parallel run.

    Every replica takes ``per_replica_batch`` examples per step, so a step consumes
    ``per_replica_batch * n_replicas`` (the global batch); an epoch of ``n_examples`` has
    ``n_examples // global_batch`` full steps (the last, partial batch is dropped); and the
    linear scaling rule (Goyal et al., 2017) scales a learning rate ``base_lr`` tuned for
    ``base_batch`` by ``global_batch / base_batch``.

    Returns
    -------
    (global_batch, steps_per_epoch, lr) : tuple[int, int, float]
    """
    for name, v in (("per_replica_batch", per_replica_batch), ("n_replicas", n_replicas),
                    ("n_examples", n_examples), ("base_batch", base_batch)):  # fmt: skip
        if isinstance(v, bool) or not isinstance(v, int | np.integer) or v < 1:
            raise ValueError(f"{name} must be a positive integer, got {v!r}")
    if not np.isfinite(base_lr) or base_lr <= 0:
        raise ValueError(f"base_lr must be a positive number, got {base_lr!r}")
    global_batch = int(per_replica_batch) * int(n_replicas)
    return global_batch, int(n_examples) // global_batch, float(base_lr) * global_batch / base_batch
