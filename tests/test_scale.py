"""course_utils.scale: TFRecord shards, pipeline knobs, throughput, TF_CONFIG, the launcher."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from course_utils import scale


@pytest.fixture(scope="module")
def tf():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("tensorflow")


@pytest.fixture
def shards(tf, tmp_path):
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (50, 6, 5), dtype=np.uint8)
    y = rng.integers(0, 10, 50)
    return x, y, scale.write_tfrecord_shards(x, y, tmp_path / "s", 4)


def _collect(ds):
    xs, ys = zip(*[(a.numpy(), b.numpy()) for a, b in ds], strict=True)
    return np.concatenate(xs), np.concatenate(ys)


def test_shards_round_trip(shards):
    x, y, files = shards
    assert [f.name for f in files] == [f"train-{i:05d}-of-00004.tfrecord" for i in range(4)]
    got_x, got_y = _collect(scale.tfrecord_dataset(files, (6, 5), 8))
    # sequential reading: shard 0 (examples 0, 4, 8, ...), then shard 1, ...
    order = np.concatenate([np.arange(i, 50, 4) for i in range(4)])
    np.testing.assert_allclose(got_x, x[order] / 255.0, rtol=1e-6)
    np.testing.assert_array_equal(got_y, y[order])
    assert got_x.dtype == np.float32


@pytest.mark.parametrize("knobs", [
    {"interleave": True}, {"parallel_map": True}, {"cache": True}, {"prefetch": True},
    {"interleave": True, "parallel_map": True, "cache": True, "prefetch": True,
     "shuffle_buffer": 16},
])  # fmt: skip
def test_every_knob_yields_each_example_once(shards, knobs):
    x, y, files = shards
    ds = scale.tfrecord_dataset(files, (6, 5), 7, **knobs)
    for _ in range(2):  # a second pass too (cache)
        got_x, got_y = _collect(ds)
        key = sorted(zip(got_y.tolist(), np.rint(got_x.sum((1, 2)) * 255).astype(int).tolist(),
                         strict=True))  # fmt: skip
        assert key == sorted(zip(y.tolist(), x.sum((1, 2)).astype(int).tolist(), strict=True))


def test_augment_keeps_shapes_and_changes_pixels(shards):
    x, _, files = shards
    got_x, _ = _collect(scale.tfrecord_dataset(files, (6, 5), 50, augment=True, seed=1))
    assert got_x.shape == (50, 6, 5) and 0 <= got_x.min() and got_x.max() <= 1
    plain, _ = _collect(scale.tfrecord_dataset(files, (6, 5), 50))
    assert not np.allclose(got_x, plain)


def test_colour_images_and_drop_remainder(tf, tmp_path):
    x = np.zeros((10, 4, 4, 3), np.uint8)
    files = scale.write_tfrecord_shards(x, np.arange(10), tmp_path, 3, prefix="c")
    sizes = [int(a.shape[0]) for a, _ in scale.tfrecord_dataset(files, (4, 4, 3), 4,
                                                                 drop_remainder=True)]  # fmt: skip
    assert sizes == [4, 4]


@pytest.mark.parametrize(("images", "labels", "n", "err"), [
    (np.zeros((4, 3, 3)), np.arange(4), 2, TypeError),  # float images
    (np.zeros((4, 3), np.uint8), np.arange(4), 2, ValueError),  # no image axes
    (np.zeros((4, 3, 3), np.uint8), np.arange(3), 2, ValueError),  # label count
    (np.zeros((4, 3, 3), np.uint8), np.arange(4.0), 2, TypeError),  # float labels
    (np.zeros((4, 3, 3), np.uint8), np.arange(4), 0, ValueError),
    (np.zeros((4, 3, 3), np.uint8), np.arange(4), 5, ValueError),  # more shards than images
])  # fmt: skip
def test_write_rejects_bad_input(tmp_path, images, labels, n, err):
    with pytest.raises(err):
        scale.write_tfrecord_shards(images, labels, tmp_path, n)


def test_dataset_rejects_bad_arguments(tmp_path):
    with pytest.raises(ValueError, match="files"):
        scale.tfrecord_dataset([], (28, 28), 8)
    with pytest.raises(ValueError, match="image_shape"):
        scale.tfrecord_dataset(["a"], (28,), 8)
    with pytest.raises(ValueError, match="batch_size"):
        scale.tfrecord_dataset(["a"], (28, 28), 0)
    with pytest.raises(ValueError, match="shuffle_buffer"):
        scale.tfrecord_dataset(["a"], (28, 28), 8, shuffle_buffer=-1)


def test_images_per_second_counts_batches_and_calls():
    batches = [(np.zeros((5, 2)), None), (np.zeros((3, 2)), None)]
    t = scale.images_per_second(batches, repeats=3)
    assert t.images == 8 and len(t.per_repeat) == 3 and t.median > 0
    assert "images/s" in t.format() and "3 passes" in t.format()
    calls = []
    t = scale.images_per_second(lambda: calls.append(1) or 10, repeats=2, warmup=False)
    assert calls == [1, 1] and t.images == 10
    with pytest.raises(ValueError, match="repeats"):
        scale.images_per_second(batches, repeats=0)
    with pytest.raises(TypeError):
        scale.images_per_second(42)
    with pytest.raises(ValueError, match="no images"):
        scale.images_per_second(lambda: 0)


def test_tf_config_and_free_port():
    port = scale.free_port()
    assert 0 < port < 65536
    cfg = scale.tf_config(["127.0.0.1:1000", "127.0.0.1:1001"], 1)
    assert cfg == {"cluster": {"worker": ["127.0.0.1:1000", "127.0.0.1:1001"]},
                   "task": {"type": "worker", "index": 1}}  # fmt: skip
    assert json.loads(json.dumps(cfg)) == cfg
    for bad in ([], ["localhost"], ["a:1", "a:1"]):
        with pytest.raises(ValueError):
            scale.tf_config(bad, 0)
    with pytest.raises(ValueError, match="index"):
        scale.tf_config(["a:1"], 1)


def test_worker_env_is_quiet_and_carries_tf_config(monkeypatch):
    monkeypatch.setenv("TF_CONFIG", "stale")
    env = scale.worker_env()
    assert "TF_CONFIG" not in env and env["TF_CPP_MIN_LOG_LEVEL"] == "3"
    assert scale.worker_env('{"a": 1}')["TF_CONFIG"] == '{"a": 1}'


def test_batch_plan():
    assert scale.batch_plan(64, 2, 30_000, 0.05, 64) == (128, 234, 0.1)
    assert scale.batch_plan(256, 4, 900, 0.1, 128) == (1024, 0, 0.8)
    bad = ((0, 2, 10, 0.1, 8), (8, 2, 10, 0.0, 8), (8, 2.5, 10, 0.1, 8), (8, True, 10, 0.1, 8))
    for args in bad:
        with pytest.raises(ValueError):
            scale.batch_plan(*args)


def test_max_abs_difference():
    a = [np.zeros((2, 2)), np.ones(3)]
    b = [np.zeros((2, 2)), np.array([1.0, 1.5, 1.0])]
    assert scale.max_abs_difference(a, b) == 0.5
    with pytest.raises(ValueError):
        scale.max_abs_difference(a, a[:1])
    with pytest.raises(ValueError):
        scale.max_abs_difference([np.zeros(2)], [np.zeros(3)])


def test_small_classifier(tf):
    model = scale.small_classifier((28, 28))
    assert model.count_params() == 784 * 64 + 64 + 64 * 10 + 10


def test_split_cpu_in_a_fresh_process():
    code = ("from course_utils.session import quiet_tensorflow; quiet_tensorflow(); "
            "from course_utils import scale; print(scale.split_cpu(2)); print(scale.split_cpu(2))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=scale.worker_env(), timeout=120, check=True).stdout  # fmt: skip
    assert out.splitlines() == ["['/device:CPU:0', '/device:CPU:1']"] * 2
    with pytest.raises(ValueError):
        scale.split_cpu(0)


def test_cluster_validates_and_reports_a_failing_worker(tmp_path):
    with pytest.raises(ValueError):
        scale.Cluster([], tmp_path)
    with pytest.raises(ValueError):
        scale.Cluster([{}], tmp_path, timeout=0)
    bad = {"files": [], "image_shape": [2, 2], "epochs": 1, "global_batch": 2, "lr": 0.1,
           "seed": 0, "strategy": "nonsense"}  # fmt: skip
    cluster = scale.Cluster([bad], tmp_path, multi_worker=False, timeout=120)
    with cluster, pytest.raises(RuntimeError, match="unknown strategy"):
        cluster.wait()
    assert cluster.returncodes == [1]
    with pytest.raises(RuntimeError, match="started already"):
        cluster.start()
