"""Notebook 10's exercises: typical wrong answers fail, right ones pass, stubs are not attempted."""

from __future__ import annotations

import pytest

from course_utils.exercise_bank import nb10_training_at_scale as bank
from course_utils.exercises import catalogue, check


@pytest.fixture(scope="module")
def tf():
    from course_utils.session import quiet_tensorflow

    quiet_tensorflow()
    return pytest.importorskip("tensorflow")


def test_the_notebook_has_three_exercises():
    ids = {e.id for e in catalogue("10_training_at_scale")}
    assert ids == {"batch_plan", "fast_pipeline", "resumable_callbacks"}


def test_batch_plan_rejects_slips(capsys):
    def no_floor(p, n, m, lr, b):
        g = p * n
        return g, m / g, lr * g / b

    def rate_per_replica(p, n, m, lr, b):
        g = p * n
        return g, m // g, lr * p / b

    def batch_plan(p, n, m, lr, b): ...

    assert not check("batch_plan", no_floor)
    assert not check("batch_plan", rate_per_replica)
    assert check("batch_plan", batch_plan).status == "not attempted"
    assert check("batch_plan", bank._batch_plan)


def test_fast_pipeline_accepts_the_reference_and_rejects_naive_ones(tf, capsys):
    from course_utils import scale

    assert check("fast_pipeline", bank._reference_pipeline)
    assert "found in its graph" in capsys.readouterr().out

    def sequential(files, batch_size):  # correct data, no parallel stages
        return scale.tfrecord_dataset(files, (28, 28), batch_size)

    def drops_some(files, batch_size):
        return bank._reference_pipeline(files, batch_size).take(3)

    def raw_pixels(files, batch_size):
        return bank._reference_pipeline(files, batch_size).map(lambda x, y: (x * 255.0, y))

    def make_pipeline(files, batch_size): ...

    assert not check("fast_pipeline", sequential)
    assert "does not yet" in capsys.readouterr().out
    assert not check("fast_pipeline", drops_some)
    assert not check("fast_pipeline", raw_pixels)
    assert not check("fast_pipeline", lambda files, batch_size: [1, 2])
    assert check("fast_pipeline", make_pipeline).status == "not attempted"


def test_resumable_callbacks(tf, capsys):
    import keras

    assert check("resumable_callbacks", bank._reference_callbacks)
    assert "resumed at epoch 2" in capsys.readouterr().out

    def only_checkpoint(backup_dir, best_path):
        return [keras.callbacks.ModelCheckpoint(best_path, monitor="val_loss", save_best_only=True)]

    def every_epoch(backup_dir, best_path):
        return [keras.callbacks.BackupAndRestore(backup_dir),
                keras.callbacks.ModelCheckpoint(best_path)]  # fmt: skip

    def resumable_callbacks(backup_dir, best_path): ...

    assert not check("resumable_callbacks", only_checkpoint)
    assert "resume at epoch 2" in capsys.readouterr().out
    assert not check("resumable_callbacks", every_epoch)
    assert check("resumable_callbacks", resumable_callbacks).status == "not attempted"
