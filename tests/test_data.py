"""Data layer: bundled files with hashes, the cache → download → local fallbacks order, photos."""

import gzip
import shutil
import struct
from pathlib import Path

import numpy as np
import pytest

from course_utils import data
from course_utils.data import DataIntegrityError, DataUnavailableError


@pytest.fixture
def empty_cache(tmp_path, monkeypatch):
    """A Keras home with nothing cached."""
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras" / "datasets"


@pytest.fixture
def data_copy(tmp_path, monkeypatch, root):
    """A private copy of data/ that a test may corrupt."""
    copy = tmp_path / "data"
    copy.mkdir()
    for name in ["MANIFEST.sha256", *data._read_manifest(root / "data")]:
        (copy / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(root / "data" / name, copy / name)
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    return copy


def fake_keras_loader(monkeypatch, module, result=None, error=None):
    """Replace keras.datasets.<module>.load_data; record calls."""
    import keras

    calls = []

    def load_data():
        calls.append(1)
        if error is not None:
            raise error
        return result

    monkeypatch.setattr(getattr(keras.datasets, module), "load_data", load_data)
    return calls


def small_mnist():
    rng = np.random.default_rng(0)
    x = rng.integers(0, 256, (20, 28, 28), dtype=np.uint8)
    y = np.arange(20, dtype=np.uint8) % 10
    return (x[:15], y[:15]), (x[15:], y[15:])


# ---------------------------------------------------------------- bundled files


def test_manifest_lists_every_bundled_file(root):
    listed = set(data._read_manifest(root / "data"))
    folder = root / "data"
    shipped = {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.relative_to(folder).parts[0] != "scripts"
    } - {"MANIFEST.sha256", "README.md"}
    assert listed == shipped
    for name in listed:
        assert data.verify_file(name).is_file()


def test_truncated_file_is_rejected(data_copy):
    blob = (data_copy / "mnist_5k.npz").read_bytes()
    (data_copy / "mnist_5k.npz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataIntegrityError, match="corrupt or truncated"):
        data.verify_file("mnist_5k.npz")


def test_corrupt_file_is_rejected(data_copy):
    blob = bytearray((data_copy / "mnist_5k.npz").read_bytes())
    blob[1000] ^= 0xFF
    (data_copy / "mnist_5k.npz").write_bytes(bytes(blob))
    with pytest.raises(DataIntegrityError, match="git checkout"):
        data.verify_file("mnist_5k.npz")


def test_unlisted_missing_and_no_manifest(data_copy):
    with pytest.raises(DataIntegrityError, match="not listed"):
        data.verify_file("other.npz")
    (data_copy / "mnist_5k.npz").unlink()
    with pytest.raises(DataIntegrityError, match="missing"):
        data.verify_file("mnist_5k.npz")
    (data_copy / "MANIFEST.sha256").unlink()
    with pytest.raises(DataIntegrityError, match="no manifest"):
        data.verify_file("mnist_5k.npz")


# ---------------------------------------------------------------- MNIST sources


def test_offline_uses_bundled_subset(monkeypatch, empty_cache, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    calls = fake_keras_loader(monkeypatch, "mnist", error=AssertionError("network used"))
    ds = data.load_mnist()
    assert calls == []  # no download attempted
    assert ds.source == "bundled"
    assert ds.x_train.shape == (4000, 28, 28) and ds.x_test.shape == (1000, 28, 28)
    assert ds.x_train.dtype == np.uint8 and ds.y_train.dtype == np.uint8
    assert np.bincount(ds.y_train).tolist() == [400] * 10
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    assert ds.x_train.max() == 255 and ds.x_train.min() == 0
    assert len(set(map(bytes, ds.x_train[:50])) & set(map(bytes, ds.x_test))) == 0
    # shuffled: the source file is sorted by class, the split must not be
    assert len(np.unique(ds.y_train[:20])) > 3
    out = capsys.readouterr().out
    assert "bundled" in out and "COURSE_OFFLINE" in out


def test_bundled_split_is_deterministic(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    a, b = data.load_mnist(verbose=False), data.load_mnist(verbose=False)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)


def test_cache_is_used_first(monkeypatch, empty_cache, capsys):
    empty_cache.mkdir(parents=True)
    (empty_cache / "mnist.npz").write_bytes(b"cached")
    monkeypatch.setenv("COURSE_OFFLINE", "1")  # the cache works offline too
    calls = fake_keras_loader(monkeypatch, "mnist", result=small_mnist())
    ds = data.load_mnist()
    assert calls == [1] and ds.source == "keras-cache"
    assert ds.x_train.shape == (15, 28, 28) and ds.y_test.shape == (5,)
    assert "Keras cache" in capsys.readouterr().out


def test_download_when_not_cached(monkeypatch, empty_cache, capsys):
    import keras

    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def chatty_loader():
        print("Downloading data from https://example/mnist.npz")
        return small_mnist()

    monkeypatch.setattr(keras.datasets.mnist, "load_data", chatty_loader)
    ds = data.load_mnist(verbose=False)
    assert ds.source == "download"
    assert capsys.readouterr().out == ""  # verbose=False silences Keras's own message too


def test_download_failure_falls_back(monkeypatch, empty_cache, capsys):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    err = Exception("URL fetch failure on https://x/mnist.npz: None -- [Errno -2] no network")
    fake_keras_loader(monkeypatch, "mnist", error=err)
    ds = data.load_mnist()
    assert ds.source == "bundled"
    assert "download failed: [Errno -2] no network" in capsys.readouterr().out


def test_corrupt_fallback_raises_clearly(monkeypatch, empty_cache, data_copy):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (data_copy / "mnist_5k.npz").write_bytes(b"garbage")
    with pytest.raises(DataUnavailableError, match="bundled fallback is unusable"):
        data.load_mnist()


def test_no_offline_copy_for_cifar(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    with pytest.raises(DataUnavailableError, match="CIFAR-10 is not available"):
        data.load_cifar10()


def test_cifar_download_labels_are_flat(monkeypatch, empty_cache):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    x = np.zeros((4, 32, 32, 3), np.uint8)
    y = np.arange(4, dtype=np.uint8).reshape(4, 1)
    fake_keras_loader(monkeypatch, "cifar10", result=((x, y), (x, y)))
    ds = data.load_cifar10(verbose=False)
    assert ds.y_train.shape == (4,) and ds.class_names[0] == "airplane"


def test_take(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    ds = data.load_mnist(verbose=False).take(100, 10)
    assert len(ds.x_train) == 100 and len(ds.y_test) == 10
    with pytest.raises(ValueError, match="n_train"):
        ds.take(0)
    with pytest.raises(ValueError, match="n_test"):
        ds.take(n_test=2.5)


def test_modes(monkeypatch):
    monkeypatch.setenv("COURSE_OFFLINE", "yes")
    assert data.is_offline() and data.data_mode() == "offline"
    monkeypatch.delenv("COURSE_OFFLINE")
    assert not data.is_offline()
    monkeypatch.setattr(data, "_network_reachable", lambda: True)
    assert data.data_mode() == "online"


# ---------------------------------------------------------------- photos


@pytest.mark.parametrize("name", sorted(data.PHOTOS))
def test_every_photo_loads(name):
    img = data.load_photo(name)
    assert img.dtype == np.float32 and img.ndim == 3 and img.shape[-1] == 3
    assert 0.0 <= img.min() and img.max() <= 1.0


def test_photo_gray_and_resize():
    img = data.load_photo("astronaut", gray=True, size=(64, 48))
    assert img.shape == (64, 48) and img.dtype == np.float32
    assert data.load_photo("camera", gray=True).shape == (512, 512)


def test_photo_bad_input():
    with pytest.raises(ValueError, match="unknown photo"):
        data.load_photo("mona_lisa")
    with pytest.raises(TypeError):
        data.load_photo(3)
    with pytest.raises(ValueError, match="size"):
        data.load_photo("camera", size=(0, 10))
    with pytest.raises(ValueError, match="size"):
        data.load_photo("camera", size=(10,))


# ---------------------------------------------------------------- Fashion-MNIST

DEBIAN_DIR = Path(data.DEBIAN_FASHION_MNIST_DIR)


def write_idx(path, array, magic=None, cut=0):
    """Write ``array`` (uint8) as a gzipped IDX file; ``magic``/``cut`` corrupt it on purpose."""
    array = np.asarray(array, dtype=np.uint8)
    header = magic if magic is not None else bytes((0, 0, 8, array.ndim))
    blob = header + struct.pack(f">{array.ndim}I", *array.shape) + array.tobytes()
    path.write_bytes(gzip.compress(blob[: len(blob) - cut] if cut else blob))


@pytest.fixture
def idx_dir(tmp_path, monkeypatch):
    """A tiny synthetic Fashion-MNIST in Debian's layout (12 train / 5 test images)."""
    folder = tmp_path / "fashion-mnist"
    folder.mkdir()
    rng = np.random.default_rng(1)
    for prefix, n in (("train", 12), ("t10k", 5)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz", rng.integers(0, 256, (n, 28, 28)))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", np.arange(n) % 10)
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(folder))
    return folder


@pytest.fixture
def no_debian(tmp_path, monkeypatch):
    monkeypatch.setenv("COURSE_FASHION_MNIST_DIR", str(tmp_path / "not-installed"))


def test_read_idx_parses_header_and_data(tmp_path):
    x = np.arange(2 * 3 * 4, dtype=np.uint8).reshape(2, 3, 4)
    write_idx(tmp_path / "x.gz", x)
    assert np.array_equal(data.read_idx(tmp_path / "x.gz", 3), x)


@pytest.mark.parametrize(
    "corruption, message",
    [
        ({"magic": b"\x00\x00\x08\x01"}, "magic number"),  # labels magic on an image file
        ({"magic": b"\x00\x00\x0d\x03"}, "magic number"),  # float32 type code
        ({"cut": 100}, "truncated or corrupt"),  # data shorter than the header promises
    ],
)
def test_read_idx_refuses_bad_files(tmp_path, corruption, message):
    write_idx(tmp_path / "x.gz", np.zeros((3, 28, 28)), **corruption)
    with pytest.raises(DataIntegrityError, match=message):
        data.read_idx(tmp_path / "x.gz", 3)


def test_read_idx_refuses_truncated_gzip_and_non_gzip(tmp_path):
    write_idx(tmp_path / "x.gz", np.zeros((3, 28, 28)))
    blob = (tmp_path / "x.gz").read_bytes()
    (tmp_path / "x.gz").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataIntegrityError, match="gzip"):
        data.read_idx(tmp_path / "x.gz", 3)
    (tmp_path / "x.gz").write_bytes(b"not gzip at all")
    with pytest.raises(DataIntegrityError, match="gzip"):
        data.read_idx(tmp_path / "x.gz", 3)


def test_fashion_debian_dir_override(monkeypatch, empty_cache, idx_dir, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    calls = fake_keras_loader(monkeypatch, "fashion_mnist", error=AssertionError("network"))
    ds = data.load_fashion_mnist()
    assert calls == [] and ds.source == "debian"
    assert ds.x_train.shape == (12, 28, 28) and ds.x_test.shape == (5, 28, 28)
    assert ds.y_train.tolist() == [i % 10 for i in range(12)]
    assert ds.x_train.dtype == np.uint8 and ds.x_train.flags.writeable
    assert ds.class_names[0] == "T-shirt/top" and len(ds.class_names) == 10
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and "dataset-fashion-mnist" in out and "Downloading" not in out


def test_fashion_download_failure_falls_back_to_debian(monkeypatch, empty_cache, idx_dir, capsys):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    calls = fake_keras_loader(monkeypatch, "fashion_mnist", error=OSError("no network"))
    ds = data.load_fashion_mnist()
    assert calls == [1] and ds.source == "debian"
    assert "download failed: no network" in capsys.readouterr().out


def test_fashion_cache_comes_first(monkeypatch, empty_cache, idx_dir):
    for f in data._FASHION_IDX_FILES:
        (empty_cache / "fashion-mnist").mkdir(parents=True, exist_ok=True)
        (empty_cache / "fashion-mnist" / f).write_bytes(b"cached")
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    calls = fake_keras_loader(monkeypatch, "fashion_mnist", result=small_mnist())
    ds = data.load_fashion_mnist(verbose=False)
    assert calls == [1] and ds.source == "keras-cache" and len(ds.x_train) == 15


def test_fashion_bundled_when_debian_missing(monkeypatch, empty_cache, no_debian, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    ds = data.load_fashion_mnist()
    assert ds.source == "bundled"
    assert ds.x_train.shape == (3000, 28, 28) and ds.x_test.shape == (1000, 28, 28)
    assert np.bincount(ds.y_train).tolist() == [300] * 10
    assert np.bincount(ds.y_test).tolist() == [100] * 10
    assert ds.x_train.dtype == np.uint8 and ds.x_train.max() == 255
    out = capsys.readouterr().out
    assert "bundled" in out and "apt install dataset-fashion-mnist" in out


def test_fashion_corrupt_debian_falls_back_to_bundled(monkeypatch, empty_cache, idx_dir, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    write_idx(idx_dir / "t10k-labels-idx1-ubyte.gz", np.zeros(4))  # 5 images, 4 labels
    ds = data.load_fashion_mnist()
    assert ds.source == "bundled"
    assert "debian fallback is unusable: t10k: 5 images but 4 labels" in capsys.readouterr().out


def test_fashion_all_sources_fail(monkeypatch, empty_cache, no_debian, data_copy):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    blob = bytearray((data_copy / data.FASHION_SUBSET).read_bytes())
    blob[-100] ^= 0xFF
    (data_copy / data.FASHION_SUBSET).write_bytes(bytes(blob))
    with pytest.raises(DataUnavailableError) as info:
        data.load_fashion_mnist()
    message = str(info.value)
    assert "Fashion-MNIST is not available" in message
    assert "bundled fallback is unusable" in message and "corrupt or truncated" in message
    assert "sudo apt install dataset-fashion-mnist" in message


@pytest.mark.skipif(
    not all((DEBIAN_DIR / f).is_file() for f in data._FASHION_IDX_FILES),
    reason="Debian package not installed (apt install dataset-fashion-mnist)",
)
def test_fashion_full_debian_set(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    monkeypatch.delenv("COURSE_FASHION_MNIST_DIR", raising=False)
    ds = data.load_fashion_mnist(verbose=False)
    assert ds.source == "debian"
    assert ds.x_train.shape == (60000, 28, 28) and ds.x_test.shape == (10000, 28, 28)
    assert np.bincount(ds.y_train).tolist() == [6000] * 10
    assert np.bincount(ds.y_test).tolist() == [1000] * 10
    # the first training labels of the original file (ankle boot, T-shirt, T-shirt, dress, ...)
    assert ds.y_train[:10].tolist() == [9, 0, 0, 3, 0, 2, 7, 2, 5, 5]
    # the bundled subset is drawn from these very images
    sub = data._bundled_fashion_mnist()[0]
    train = {bytes(x) for x in ds.x_train}
    assert all(bytes(x) in train for x in sub[0][:50])


# ---------------------------------------------------------------- paintings


def save_jpeg(path, shape=(30, 40, 3), value=128):
    from PIL import Image

    path.parent.mkdir(parents=True, exist_ok=True)
    Image.fromarray(np.full(shape, value, np.uint8)).save(path)
    return path


def test_painting_catalogue():
    assert {"great_wave", "composition_viii", "village_street_auvers", "mona_lisa"} <= set(
        data.PAINTINGS
    )
    for info in data.PAINTINGS.values():
        assert info.title and info.artist and info.year
        assert "public domain" in info.licence and "GPL-3.0-or-later" in info.reproduction
        assert info.url is None or info.url.startswith("https://commons.wikimedia.org/")
    assert data.PAINTINGS["great_wave"].artist == "Katsushika Hokusai"


@pytest.mark.parametrize("name", sorted(data.PAINTINGS))
def test_every_painting_loads_offline(monkeypatch, empty_cache, name, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    img = data.load_painting(name)
    assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[-1] == 3
    assert 300 <= max(img.shape[:2]) <= 512 and img.flags.writeable
    assert img.std() > 30  # a picture, not a flat fill
    out = capsys.readouterr().out
    assert out.count("\n") == 1 and f"data/paintings/{name}.jpg" in out
    assert data.verify_file(f"paintings/{name}.jpg").is_file()


def test_painting_content_is_plausible(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    wave = data.load_painting("great_wave", verbose=False).astype(int)
    assert wave.shape[1] > wave.shape[0]  # landscape
    assert ((wave[..., 2] - wave[..., 0]) > 30).mean() > 0.1  # the blues of the wave (14 %)
    mona = data.load_painting("mona_lisa", verbose=False)
    assert mona.shape[0] > mona.shape[1] and mona.mean() < 90  # dark portrait (60)


def test_painting_size(monkeypatch, empty_cache):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    full = data.load_painting("great_wave", verbose=False)
    small = data.load_painting("great_wave", size=100, verbose=False)
    assert max(small.shape[:2]) == 100 and small.dtype == np.uint8
    assert abs(small.shape[0] / small.shape[1] - full.shape[0] / full.shape[1]) < 0.01
    tall = data.load_painting("mona_lisa", size=64, verbose=False)
    assert tall.shape[0] == 64 and tall.shape[1] < 64
    assert max(data.load_painting("mona_lisa", size=700, verbose=False).shape[:2]) == 700


def test_painting_bad_input():
    with pytest.raises(ValueError, match="unknown painting"):
        data.load_painting("starry_night")
    with pytest.raises(TypeError, match="string"):
        data.load_painting(3)
    for size in (2.5, "224", True, (224, 224)):
        with pytest.raises(TypeError, match="size"):
            data.load_painting("great_wave", size=size)
    for size in (0, -5):
        with pytest.raises(ValueError, match="size"):
            data.load_painting("great_wave", size=size)


def test_painting_corrupt_bundled_refused(monkeypatch, empty_cache, data_copy):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    path = data_copy / "paintings" / "mona_lisa.jpg"
    blob = path.read_bytes()
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataUnavailableError, match="corrupt or truncated"):
        data.load_painting("mona_lisa")


def test_painting_cache_first(monkeypatch, empty_cache, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    save_jpeg(empty_cache / "paintings" / "great_wave.jpg", value=77)
    img = data.load_painting("great_wave")
    assert img.shape == (30, 40, 3) and abs(int(img.mean()) - 77) <= 2
    assert "Keras cache" in capsys.readouterr().out


def test_painting_corrupt_cache_falls_back(monkeypatch, empty_cache, capsys):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (empty_cache / "paintings").mkdir(parents=True)
    (empty_cache / "paintings" / "great_wave.jpg").write_bytes(b"not a jpeg")
    img = data.load_painting("great_wave")
    assert max(img.shape[:2]) == 512
    out = capsys.readouterr().out
    assert "keras-cache failed" in out and "bundled" in out


def test_painting_download(monkeypatch, empty_cache, capsys):
    import urllib.request

    import keras

    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    seen = {}

    def get_file(fname, origin, cache_dir, cache_subdir, force_download):
        print("Downloading data from", origin)
        seen["origin"] = origin
        seen["agent"] = dict(urllib.request._opener.addheaders)["User-Agent"]
        return str(save_jpeg(Path(cache_dir) / cache_subdir / fname, value=200))

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    before = urllib.request._opener
    img = data.load_painting("mona_lisa", size=20, verbose=False)
    assert urllib.request._opener is before  # the User-Agent opener is removed again
    assert seen["origin"] == data.PAINTINGS["mona_lisa"].url
    assert "course-utils" in seen["agent"]
    assert max(img.shape[:2]) == 20 and img.min() >= 195
    assert capsys.readouterr().out == ""  # verbose=False hushes Keras's own line too


def test_painting_download_failure_falls_back(monkeypatch, empty_cache, capsys):
    import keras

    monkeypatch.delenv("COURSE_OFFLINE", raising=False)

    def get_file(*args, **kwargs):
        raise Exception("URL fetch failure on https://x: 403 -- Forbidden")

    monkeypatch.setattr(keras.utils, "get_file", get_file)
    img = data.load_painting("composition_viii")
    assert max(img.shape[:2]) == 512
    out = capsys.readouterr().out
    assert "download failed: Forbidden" in out and "bundled reproduction" in out


def test_available_offline(monkeypatch, empty_cache, no_debian):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    got = data.available()
    assert got["MNIST"].startswith("bundled") and got["Fashion-MNIST"].startswith("bundled")
    assert got["CIFAR-10"] == "not available offline"
    assert all(got[f"painting {n}"].startswith("bundled") for n in data.PAINTINGS)


def test_available_cache_debian_online(monkeypatch, empty_cache, idx_dir):
    monkeypatch.setenv("COURSE_OFFLINE", "1")
    (empty_cache / "mnist.npz").parent.mkdir(parents=True)
    (empty_cache / "mnist.npz").write_bytes(b"x")
    got = data.available()
    assert got["MNIST"] == "Keras cache" and got["Fashion-MNIST"].startswith("Debian package")
    monkeypatch.delenv("COURSE_OFFLINE")
    monkeypatch.setattr(data, "_network_reachable", lambda: True)
    got = data.available()
    assert got["CIFAR-10"] == "download on first use"
    assert got["painting great_wave"] == "download on first use"
    assert got["painting village_street_auvers"].startswith("bundled")  # no online original


def test_fashion_whole_chain_cache_and_download_fail(monkeypatch, empty_cache, idx_dir, capsys):
    monkeypatch.delenv("COURSE_OFFLINE", raising=False)
    for f in data._FASHION_IDX_FILES:  # a (corrupt) cache is present
        (empty_cache / "fashion-mnist").mkdir(parents=True, exist_ok=True)
        (empty_cache / "fashion-mnist" / f).write_bytes(b"truncated")
    calls = fake_keras_loader(monkeypatch, "fashion_mnist", error=OSError("bad file"))
    ds = data.load_fashion_mnist()
    assert calls == [1, 1] and ds.source == "debian"  # cache tried, then download, then Debian
    out = capsys.readouterr().out
    assert "keras-cache failed: bad file" in out and "download failed: bad file" in out
