"""The bundled photo set (data/photos): loader, k-shot splits, integrity, and its build script."""

from __future__ import annotations

import csv
import importlib
import io
import shutil
import sys
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from course_utils import data
from course_utils.data import PHOTO_SET_CLASSES, DataUnavailableError

COUNTS = {"fish": 28, "mammal": 35, "monument": 71, "renewable energy": 28, "tool": 39}
LICENCES = {
    "public-domain", "CC0-1.0", "CC-BY-2.0", "CC-BY-3.0", "CC-BY-SA-4.0", "GPL-2.0-or-later",
}  # fmt: skip
RCC = Path("/usr/share/gcompris-qt/rcc")


@pytest.fixture(scope="module")
def photos():
    return data.load_photo_set(verbose=False)


@pytest.fixture
def photo_copy(tmp_path, monkeypatch, root):
    """A private copy of the manifest and data/photos that a test may damage."""
    copy = tmp_path / "data"
    shutil.copytree(root / "data" / "photos", copy / "photos")
    shutil.copy(root / "data" / "MANIFEST.sha256", copy / "MANIFEST.sha256")
    monkeypatch.setenv("COURSE_DATA_DIR", str(copy))
    return copy


def _set_manifest_hash(folder: Path, name: str) -> None:
    """Make the manifest agree with a (deliberately altered) file."""
    digest = data._sha256(folder / name)
    lines = (folder / "MANIFEST.sha256").read_text().splitlines()
    lines = [f"{digest}  {name}" if ln.endswith(f"  {name}") else ln for ln in lines]
    (folder / "MANIFEST.sha256").write_text("\n".join(lines) + "\n")


# ---------------------------------------------------------------- content


def test_shape_dtype_classes_counts(photos):
    assert photos.images.shape == (201, 224, 224, 3) and photos.images.dtype == np.uint8
    assert photos.labels.shape == (201,) and photos.labels.dtype == np.uint8
    assert photos.class_names == PHOTO_SET_CLASSES == tuple(COUNTS)
    assert photos.counts() == COUNTS and len(photos) == 201
    assert min(COUNTS.values()) >= 25
    assert photos.source == "bundled"
    assert len(photos.files) == len(photos.credits) == 201
    # real photos, not blank squares: every one has detail and colour
    flat = photos.images.reshape(201, -1, 3).astype(np.float64)
    assert flat.std(axis=1).mean(axis=1).min() > 15


def test_printed_source_line(capsys):
    data.load_photo_set()
    out = capsys.readouterr().out.strip().splitlines()
    assert len(out) == 1
    assert out[0].startswith("Photo set: bundled real photos data/photos (201 photos 224x224: ")
    assert "fish 28, mammal 35, monument 71, renewable energy 28, tool 39" in out[0]
    assert "gcompris-qt-data" in out[0]


def test_size_and_class_subset():
    small = data.load_photo_set(size=32, classes=("tool", "fish"), verbose=False)
    assert small.images.shape == (39 + 28, 32, 32, 3)
    assert small.class_names == ("tool", "fish")
    assert small.counts() == {"tool": 39, "fish": 28}
    assert all(f.startswith("photos/tool/") for f in np.array(small.files)[small.labels == 0])


def test_files_follow_labels_and_credits_are_complete(photos, root):
    for name, label in zip(photos.files, photos.labels, strict=True):
        folder = PHOTO_SET_CLASSES[label].replace(" ", "_")
        assert name.startswith(f"photos/{folder}/") and (root / "data" / name).is_file()
    with (root / "data" / "photos" / "INDEX.csv").open(newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 201
    for row in rows:
        assert row["licence"] in LICENCES, row
        assert row["author"] and row["url"].startswith("http"), row
        assert row["source_file"].endswith(".webp")


def test_manifest_lists_exactly_the_photo_files(root):
    listed = {n for n in data._read_manifest(root / "data") if n.startswith("photos/")}
    shipped = {
        p.relative_to(root / "data").as_posix()
        for p in (root / "data" / "photos").rglob("*")
        if p.is_file()
    }
    assert listed == shipped and len(listed) == 202  # 201 photos + INDEX.csv
    assert sum(p.stat().st_size for p in (root / "data" / "photos").rglob("*")) < 4e6


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"size": "224"}, TypeError),
        ({"size": 224.0}, TypeError),
        ({"size": True}, TypeError),
        ({"size": 0}, ValueError),
        ({"size": 225}, ValueError),
        ({"classes": "fish"}, TypeError),
        ({"classes": (1, 2)}, TypeError),
        ({"classes": ("fish", "cat")}, ValueError),
        ({"classes": ("fish", "fish")}, ValueError),
        ({"classes": ()}, ValueError),
        ({"verbose": "yes"}, TypeError),
    ],
)
def test_bad_arguments(kwargs, error):
    with pytest.raises(error):
        data.load_photo_set(**kwargs)


# ---------------------------------------------------------------- k-shot splits


def test_split_k_per_class_disjoint_and_deterministic(photos):
    train, test = photos.split_indices(5, seed=3)
    assert len(set(train) & set(test)) == 0 and len(train) + len(test) == 201
    assert np.bincount(photos.labels[train]).tolist() == [5] * 5
    again, _ = photos.split_indices(5, seed=3)
    other, _ = photos.split_indices(5, seed=4)
    assert np.array_equal(train, again) and not np.array_equal(np.sort(train), np.sort(other))
    ds = photos.split(2, seed=0, n_test=6)
    assert ds.x_train.shape == (10, 224, 224, 3) and ds.x_test.shape == (30, 224, 224, 3)
    assert np.bincount(ds.y_test).tolist() == [6] * 5
    assert ds.class_names == PHOTO_SET_CLASSES and "2 per class for training" in ds.description


@pytest.mark.parametrize(
    ("args", "error"),
    [((0,), ValueError), ((28,), ValueError), ((1.5,), TypeError), ((True,), TypeError),
     ((5, 0, 24), ValueError), ((5, 0, 0), ValueError), ((5, "0"), TypeError)],
)  # fmt: skip
def test_split_bad_arguments(photos, args, error):
    with pytest.raises(error):
        photos.split_indices(*args)


# ---------------------------------------------------------------- integrity


def test_corrupt_photo_is_refused(photo_copy):
    path = photo_copy / "photos" / "fish" / "categorization-fish1.jpg"
    blob = bytearray(path.read_bytes())
    blob[2000] ^= 0xFF
    path.write_bytes(bytes(blob))
    with pytest.raises(DataUnavailableError, match="fish1.jpg is corrupt or truncated"):
        data.load_photo_set(verbose=False)


def test_truncated_and_missing_photos_are_refused(photo_copy):
    path = photo_copy / "photos" / "tool" / "categorization-wrench.jpg"
    path.write_bytes(path.read_bytes()[:500])
    with pytest.raises(DataUnavailableError, match="wrench.jpg is corrupt or truncated"):
        data.load_photo_set(verbose=False)
    path.unlink()
    with pytest.raises(DataUnavailableError, match="make_photo_set.py"):
        data.load_photo_set(verbose=False)
    assert data.available()["photo set"].startswith("missing or corrupt")


def test_damaged_index_and_wrong_size_are_refused(photo_copy):
    index = photo_copy / "photos" / "INDEX.csv"
    good = index.read_text(encoding="utf-8")
    index.write_text(good.replace(",fish,", ",cat,", 1), encoding="utf-8")
    with pytest.raises(DataUnavailableError, match="INDEX.csv is corrupt"):
        data.load_photo_set(verbose=False)
    _set_manifest_hash(photo_copy, "photos/INDEX.csv")  # a consistent but wrong index
    with pytest.raises(DataUnavailableError, match="unknown classes"):
        data.load_photo_set(verbose=False)
    index.write_text(good, encoding="utf-8")
    _set_manifest_hash(photo_copy, "photos/INDEX.csv")
    name = "photos/mammal/erase-pika.jpg"  # re-encoded at the wrong size, hash updated
    Image.open(photo_copy / name).resize((100, 100)).save(photo_copy / name)
    _set_manifest_hash(photo_copy, name)
    with pytest.raises(DataUnavailableError, match="pika.jpg is .* not 224 x 224"):
        data.load_photo_set(verbose=False)
    (photo_copy / name).write_bytes(b"not a jpeg")
    _set_manifest_hash(photo_copy, name)
    with pytest.raises(DataUnavailableError, match="not a readable image"):
        data.load_photo_set(verbose=False)


def test_available_lists_the_photo_set():
    assert data.available()["photo set"] == "bundled (201 photos, 5 classes)"


# ---------------------------------------------------------------- the build script


@pytest.fixture
def scripts(root, monkeypatch):
    monkeypatch.syspath_prepend(str(root / "data" / "scripts"))
    yield lambda name: importlib.import_module(name)
    for name in ("make_photo_set", "make_paintings", "qt_resources"):
        sys.modules.pop(name, None)


def test_one_qt_resource_reader(root, scripts):
    sources = {p.name: p.read_text() for p in (root / "data" / "scripts").glob("*.py")}
    assert [n for n, text in sources.items() if "def read_rcc" in text] == ["qt_resources.py"]
    for name in ("make_paintings.py", "make_photo_set.py"):
        assert "from qt_resources import" in sources[name]
    assert scripts("make_photo_set").read_rcc is scripts("qt_resources").read_rcc


def test_parse_readme_both_file_list_forms(scripts):
    text = (
        "Copyright: A. Person\nSource: https://example.org/a.jpg\nLicense: CC0-1.0\nFiles:\n"
        "a.webp\nb.webp\n\nCopyright: B\nLicense: CC-BY-SA-4.0\nSource: https://e.org/c\n"
        "Comments: cropping,\n  sharpening\nFiles: sub/c.webp\n"
    )
    credits = scripts("make_photo_set").parse_readme(text)
    assert set(credits) == {"a.webp", "b.webp", "sub/c.webp"}
    assert credits["b.webp"]["copyright"] == "A. Person"
    assert credits["sub/c.webp"]["license"] == "CC-BY-SA-4.0"
    assert credits["sub/c.webp"]["comments"] == "cropping, sharpening"


def test_square_pads_studio_shots_and_crops_the_rest(scripts):
    square = scripts("make_photo_set").square
    studio = np.full((40, 100, 3), 255, np.uint8)
    studio[15:25, 10:90] = 0  # a long dark tool on white
    out, how = square(Image.fromarray(studio))
    assert out.size == (100, 100) and how.startswith("padded")
    assert np.asarray(out)[50, 5].tolist() == [255, 255, 255] and np.asarray(out)[50, 50, 0] == 0
    scene = np.random.default_rng(0).integers(0, 256, (40, 100, 3), dtype=np.uint8)
    out, how = square(Image.fromarray(scene))
    assert out.size == (40, 40) and how == "centre-cropped"
    assert np.array_equal(np.asarray(out), scene[:, 30:70])


@pytest.mark.skipif(
    not (RCC / "categorization.rcc").is_file(), reason="needs Debian's gcompris-qt-data"
)
def test_build_reproduces_the_manifest(scripts, tmp_path):
    make = scripts("make_photo_set")
    rows = make.build(tmp_path)
    assert make.hashes(tmp_path, rows) == make.manifest_photos()
    assert {r["class"] for r in rows} == set(PHOTO_SET_CLASSES)
    sheet = tmp_path / "sheet.png"
    make.contact_sheet(tmp_path, rows, sheet)
    assert Image.open(io.BytesIO(sheet.read_bytes())).size[0] == 12 * 96
