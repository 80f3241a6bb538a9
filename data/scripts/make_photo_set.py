"""Rebuild ``data/photos/`` (the course's small photo set) from Debian's ``gcompris-qt-data``.

Usage (needs ``sudo apt install gcompris-qt-data``; Pillow decodes the webp photos)::

    python data/scripts/make_photo_set.py            # rewrite data/photos and its manifest lines
    python data/scripts/make_photo_set.py --check    # rebuild in a temporary folder, compare
    python data/scripts/make_photo_set.py --out DIR [--sheet SHEET.png]

The educational suite GCompris ships real photographs, each credited in a ``README`` next
to it (author, source page, licence), inside the Qt resource archives of its activities
(``/usr/share/gcompris-qt/rcc/*.rcc``, read here by ``qt_resources.read_rcc``, the same
reader as ``make_paintings.py``). This script takes five categories of them:

=================  ==============================================================
class              taken from (activity: folder)
=================  ==============================================================
fish               categorization: images/fishes (all 28)
mammal             explore_farm_animals, explore_world_animals, erase: the mammals
monument           categorization: images/monuments, explore_monuments: all folders
renewable energy   categorization: images/renewable
tool               categorization: images/tools
=================  ==============================================================

minus the photos in ``EXCLUDED`` (each with its reason), and for each photo

1. finds its credit in the README (``ALIASES`` fixes two misspelt names there);
2. makes it square: a photo whose two long edges are a plain background (every channel's
   standard deviation over the outer 3 pixels of both edges <= ``PLAIN_STD``: studio
   shots on white or black) is padded with that background colour, so that a long tool is
   not cut in half; every other photo is centre-cropped to its shorter side;
3. resizes to ``SIZE`` x ``SIZE`` (Pillow LANCZOS; photos whose square is smaller are
   upsampled; ``INDEX.csv`` keeps the original size) and saves a JPEG (quality ``QUALITY``)
   as ``data/photos/<class folder>/<activity>-<name>.jpg``;
4. writes ``data/photos/INDEX.csv`` (one row per photo: file, class, source and credit) and,
   when writing to ``data/photos``, replaces the ``photos/`` lines of
   ``data/MANIFEST.sha256`` (the other lines are kept as they are).

The output is deterministic for a given Pillow build (the same webp decoder and JPEG
encoder); ``--check`` says whether a rebuild reproduces the manifest's hashes.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import re
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image
from qt_resources import GCOMPRIS_RCC, read_rcc

DATA = Path(__file__).resolve().parents[1]
OUT = DATA / "photos"
SIZE = 224
QUALITY = 88
PLAIN_STD = 6.0  # a border this flat (0..255) is a plain studio background

_ROOT = "/gcompris/src/activities"

# class name -> (folder in data/photos, sources: (activity, folder in the archive, names or None))
MAMMALS_FARM = ("cat", "cow", "dog", "horse", "pig", "sheep")
MAMMALS_WORLD = (
    "bison", "giraffe", "hedgehog", "jaguar", "kangaroo", "koala", "lemur", "moose", "panda",
    "polar_bear",
)  # fmt: skip
MAMMALS_ERASE = (
    "alpaca", "calf", "camels", "cheetah", "flying_fox", "gibbon", "giraffe", "goat",
    "gorilla", "horse", "kitten", "long_nosed_monkey", "macaque", "meerkats", "nubian_ibex",
    "pika", "red_panda", "rhinoceros", "squirrel",
)  # fmt: skip
CLASSES: dict[str, tuple[str, tuple[tuple[str, str, tuple[str, ...] | None], ...]]] = {
    "fish": ("fish", (("categorization", "resource/images/fishes", None),)),
    "mammal": ("mammal", (
        ("explore_farm_animals", "resource/animals", MAMMALS_FARM),
        ("explore_world_animals", "resource/animals", MAMMALS_WORLD),
        ("erase", "resource", MAMMALS_ERASE),
    )),
    "monument": ("monument", (
        ("categorization", "resource/images/monuments", None),
        ("explore_monuments", "resource", None),
    )),
    "renewable energy": ("renewable_energy",
                         (("categorization", "resource/images/renewable", None),)),
    "tool": ("tool", (("categorization", "resource/images/tools", None),)),
}  # fmt: skip

# "activity:path inside resource/" -> why the photo is left out
EXCLUDED = {
    # the same photograph ships twice; the 1,024-px copy of explore_monuments is kept
    "categorization:images/monuments/brandenburgGate.webp": "same photo as explore_monuments",
    "categorization:images/monuments/colosseum.webp": "same photo as explore_monuments",
    "categorization:images/monuments/greatPyramid.webp": "same photo as explore_monuments",
    # not a picture of a monument at 224 px, or a kind of photo no other one is
    "explore_monuments:usa/canyondeChelly.webp": "a landscape (river canyon): no monument "
    "is visible at 224 px",
    "explore_monuments:usa/castleClinton.webp": "the only black-and-white photo (a 1961 aerial "
    "view): its colour alone would give the class away",
    # the same windmill from nearly the same place, by the same photographer
    "categorization:images/renewable/windmill14.webp": "near-duplicate of windmill9 (the same "
    "windmill, Linda, from almost the same viewpoint)",
}

# file names that GCompris' READMEs misspell: real name -> name in the README
ALIASES = {
    "screwDriver.webp": "screDriver.webp",
    "germany/aulaPalatina.webp": "germany/audaPalatina.webp",
}

LICENCES = {  # README spelling -> SPDX identifier
    "public domain": "public-domain",
    "cc0-1.0": "CC0-1.0",
    "cc-by-2.0": "CC-BY-2.0",
    "cc-by 2.0": "CC-BY-2.0",
    "cc-by-3.0": "CC-BY-3.0",
    "cc-by-sa-4.0": "CC-BY-SA-4.0",
    "cc-by-sa 4.0": "CC-BY-SA-4.0",
    "gplv2+": "GPL-2.0-or-later",
}

INDEX_FIELDS = (
    "file", "class", "activity", "source_file", "original_size", "squared", "author",
    "licence", "url",
)  # fmt: skip


@dataclass(frozen=True)
class Photo:
    cls: str
    folder: str
    activity: str
    path: str  # inside the archive
    blob: bytes
    credit: dict[str, str]

    @property
    def rel(self) -> str:  # path below the activity's resource/ folder
        return self.path.split("/resource/", 1)[1]

    @property
    def out_name(self) -> str:
        return f"{self.folder}/{self.activity}-{Path(self.path).stem}.jpg"


def parse_readme(text: str) -> dict[str, dict[str, str]]:
    """GCompris' credit file: blocks of ``Copyright:``, ``License:``, ``Source:``, ``Files:``.

    Returns {file name as listed (may include a sub-folder): {"copyright", "license",
    "source", ...}}. ``Files:`` lists names on its own line and/or on the lines after it.
    """
    credits: dict[str, dict[str, str]] = {}
    for block in re.split(r"\n\s*\n", text):
        fields: dict[str, str] = {}
        files: list[str] = []
        key = None
        for line in block.splitlines():
            match = re.match(r"^\s*(Copyright|License|Source|Files|Comments?)\s*:\s*(.*)$", line)
            if match:
                key = match.group(1).lower()
                if key == "files":
                    files += match.group(2).split()
                else:
                    fields[key] = match.group(2).strip()
            elif line.strip() and key == "files":
                files += line.split()
            elif line.strip() and key:
                fields[key] = f"{fields[key]} {line.strip()}".strip()
        for name in files:
            credits[name] = fields
    return credits


def _credit(files: dict[str, bytes], path: str) -> dict[str, str]:
    """The README entry of ``path``: README in its folder or a parent folder up to resource/."""
    folder = path.rsplit("/", 1)[0]
    while "/resource" in folder:
        readme = files.get(f"{folder}/README")
        if readme is not None:
            rel = path[len(folder) + 1 :]
            entries = parse_readme(readme.decode("utf-8"))
            entry = entries.get(ALIASES.get(rel, rel))
            if entry is not None:
                return entry
        folder = folder.rsplit("/", 1)[0]
    raise LookupError(f"no credit for {path} in any README")


def collect() -> list[Photo]:
    """Every photo of the set, in class order then by output file name."""
    archives: dict[str, dict[str, bytes]] = {}
    photos: list[Photo] = []
    for cls, (folder, sources) in CLASSES.items():
        for activity, sub, names in sources:
            if activity not in archives:
                archives[activity] = read_rcc(GCOMPRIS_RCC / f"{activity}.rcc")
            files = archives[activity]
            prefix = f"{_ROOT}/{activity}/{sub}/"
            found = {}
            for path in files:
                if path.startswith(prefix) and path.endswith(".webp"):
                    stem = Path(path).stem
                    if names is None or stem in names:
                        if stem in found:
                            raise ValueError(f"{activity}: two photos named {stem}")
                        found[stem] = path
            if names is not None and set(names) - set(found):
                raise LookupError(f"{activity}: missing {sorted(set(names) - set(found))}")
            for path in found.values():
                photo = Photo(cls, folder, activity, path, files[path], _credit(files, path))
                if f"{activity}:{photo.rel}" not in EXCLUDED:
                    photos.append(photo)
    present = {f"{a}:{p.split('/resource/', 1)[1]}"
               for a, fs in archives.items() for p in fs if "/resource/" in p}  # fmt: skip
    unknown = set(EXCLUDED) - present
    if unknown:
        raise LookupError(f"EXCLUDED names files that do not exist: {sorted(unknown)}")
    names = [p.out_name for p in photos]
    if len(set(names)) != len(names):
        raise ValueError("two photos would get the same file name")
    return sorted(photos, key=lambda p: (list(CLASSES).index(p.cls), p.out_name))


def square(image: Image.Image) -> tuple[Image.Image, str]:
    """Pad a studio shot with its plain background, centre-crop anything else."""
    rgb = np.asarray(image.convert("RGB"))
    h, w = rgb.shape[:2]
    if h == w:
        return Image.fromarray(rgb), "already square"
    edges = [rgb[:3], rgb[-3:]] if w > h else [rgb[:, :3], rgb[:, -3:]]
    pixels = np.concatenate([e.reshape(-1, 3) for e in edges]).astype(np.float64)
    side = max(h, w)
    if pixels.std(axis=0).max() <= PLAIN_STD:
        colour = tuple(int(c) for c in np.median(pixels, axis=0))
        canvas = Image.new("RGB", (side, side), colour)
        canvas.paste(Image.fromarray(rgb), ((side - w) // 2, (side - h) // 2))
        return canvas, "padded with its plain background (RGB {} {} {})".format(*colour)
    side = min(h, w)
    top, left = (h - side) // 2, (w - side) // 2
    return Image.fromarray(rgb[top : top + side, left : left + side]), "centre-cropped"


def licence_id(text: str) -> str:
    key = text.strip().lower()
    if key not in LICENCES:
        raise ValueError(f"unknown licence {text!r}: add it to LICENCES")
    return LICENCES[key]


def build(out: Path) -> list[dict[str, str]]:
    """Write the JPEGs and INDEX.csv into ``out``; return the index rows."""
    photos = collect()
    for old in [*out.glob("*/*.jpg"), out / "INDEX.csv"]:
        old.unlink(missing_ok=True)  # files of an earlier build
    rows = []
    for photo in photos:
        original = Image.open(io.BytesIO(photo.blob))
        squared, how = square(original)
        if squared.size != (SIZE, SIZE):
            squared = squared.resize((SIZE, SIZE), Image.Resampling.LANCZOS)
        target = out / photo.out_name
        target.parent.mkdir(parents=True, exist_ok=True)
        squared.save(target, quality=QUALITY, optimize=True)
        rows.append({
            "file": photo.out_name,
            "class": photo.cls,
            "activity": photo.activity,
            "source_file": photo.path.split("/activities/", 1)[1],
            "original_size": f"{original.width}x{original.height}",
            "squared": how,
            "author": photo.credit.get("copyright", "").lstrip("© ").strip(),
            "licence": licence_id(photo.credit.get("license", "")),
            "url": photo.credit.get("source", ""),
        })  # fmt: skip
    with (out / "INDEX.csv").open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, INDEX_FIELDS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    return rows


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def hashes(out: Path, rows: list[dict[str, str]]) -> dict[str, str]:
    names = ["INDEX.csv", *(r["file"] for r in rows)]
    return {f"photos/{n}": _sha256(out / n) for n in names}


def update_manifest(digests: dict[str, str]) -> None:
    manifest = DATA / "MANIFEST.sha256"
    kept = [ln for ln in manifest.read_text().splitlines() if ln.strip()
            and not ln.split(maxsplit=1)[1].lstrip("*").startswith("photos/")]  # fmt: skip
    lines = kept + [f"{d}  {n}" for n, d in sorted(digests.items())]
    manifest.write_text("\n".join(lines) + "\n")


def manifest_photos() -> dict[str, str]:
    entries = {}
    for line in (DATA / "MANIFEST.sha256").read_text().splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            if name.lstrip("*").startswith("photos/"):
                entries[name.lstrip("*")] = digest
    return entries


def contact_sheet(out: Path, rows: list[dict[str, str]], path: Path, thumb: int = 96) -> None:
    """All photos, one block of rows per class, for looking at the set."""
    from PIL import ImageDraw

    cols = 12
    blocks = {}
    for row in rows:
        blocks.setdefault(row["class"], []).append(row["file"])
    height = sum(18 + -(-len(f) // cols) * thumb for f in blocks.values())
    sheet = Image.new("RGB", (cols * thumb, height), "white")
    draw = ImageDraw.Draw(sheet)
    y = 0
    for cls, files in blocks.items():
        draw.text((4, y + 3), f"{cls} ({len(files)})", fill="black")
        y += 18
        for i, name in enumerate(files):
            image = Image.open(out / name).resize((thumb - 2, thumb - 2))
            sheet.paste(image, ((i % cols) * thumb, y + (i // cols) * thumb))
        y += -(-len(files) // cols) * thumb
    sheet.save(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, default=OUT, help=f"output folder (default {OUT})")
    parser.add_argument("--check", action="store_true",
                        help="build in a temporary folder and compare with the manifest")
    parser.add_argument("--sheet", type=Path, help="also write a contact sheet (PNG) here")
    args = parser.parse_args()  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) if args.check else args.out
        out.mkdir(parents=True, exist_ok=True)
        rows = build(out)
        digests = hashes(out, rows)
        if args.sheet:
            contact_sheet(out, rows, args.sheet)
        counts = {c: sum(r["class"] == c for r in rows) for c in CLASSES}
        size = sum((out / n.removeprefix("photos/")).stat().st_size for n in digests)
        print(f"{len(rows)} photos ({', '.join(f'{c} {n}' for c, n in counts.items())}), "
              f"{size / 1e6:.2f} MB, in {out}")  # fmt: skip
        padded = [r["file"] for r in rows if r["squared"].startswith("padded")]
        print(f"padded to a square on their plain background: {len(padded)}")
        if args.check:
            same = digests == manifest_photos()
            print("identical to data/MANIFEST.sha256" if same else
                  "DIFFERENT from data/MANIFEST.sha256")  # fmt: skip
            return 0 if same else 1
        if out.resolve() == OUT.resolve():
            update_manifest(digests)
            print(f"updated the {len(digests)} photos/ lines of data/MANIFEST.sha256")
    return 0


if __name__ == "__main__":
    sys.exit(main())
