"""Rebuild ``data/paintings/*.jpg`` from the jigsaw pieces of Debian's ``gcompris-qt-data``.

Usage (needs ``sudo apt install gcompris-qt-data``; Pillow reads the webp pieces)::

    python data/scripts/make_paintings.py [--preview DIR] [--out DIR]
    (cd data && sha256sum paintings/*.jpg)      # then update data/MANIFEST.sha256

GCompris' "paintings" activity ships 22 public-domain paintings cut into jigsaw pieces inside
the Qt resource archive ``/usr/share/gcompris-qt/rcc/paintings.rcc``. This script

1. reads that archive itself (no Qt needed; ``qt_resources.read_rcc``) and takes the board
   files ``resource/board/boardN_0.qml`` and the ``resource/image/*.webp`` pieces;
2. for each painting, places every piece as GCompris' Babymatch activity does: the board
   gives the piece's *centre* as a fraction of a 702 x 515 background, so the top-left corner
   is ``(x * 702 - w / 2, y * 515 - h / 2)``, pieces at their native size. Pieces are larger
   than their cells: their tabs and antialiased outlines are transparent (RGBA). They are
   combined by alpha-weighted averaging, ``sum(alpha * rgb) / sum(alpha)``, so where two
   complementary antialiased edges meet the colours blend with no dark seam;
3. nudges pieces by whole pixels where their overlapping edges disagree (the board's centres
   are rounded to 0.001 of the board, i.e. up to 0.35 px, so some pieces land 1 px off),
   crops to the painting (rows and columns covered by the pieces, less a 1-px outline),
   checks that no gap is left inside,
   resizes to at most 512 px on the longer side (Pillow LANCZOS) and saves a JPEG (quality 90).

The Qt resource archive is read by ``qt_resources.read_rcc`` (shared with
``make_photo_set.py``; the format is described there). ``--out DIR`` writes the JPEGs
elsewhere than ``data/paintings`` (to check a rebuild against the manifest without touching
the committed files).
"""

from __future__ import annotations

import argparse
import io
import re
import sys
from pathlib import Path

import numpy as np
from PIL import Image
from qt_resources import GCOMPRIS_RCC, read_rcc

RCC = GCOMPRIS_RCC / "paintings.rcc"
OUT = Path(__file__).resolve().parents[1] / "paintings"
MAX_SIDE = 512
QUALITY = 90

# course name -> prefix of the piece files in the archive
PAINTINGS = {
    "great_wave": "GreatWave_",
    "composition_viii": "kandinky_",
    "village_street_auvers": "gogh_auvert_",
    "mona_lisa": "MonaLisa_",
}


PIECE = re.compile(
    r'"pixmapfile"\s*:\s*"image/([^"]+\.webp)"\s*,\s*"x"\s*:\s*"([\d.]+)"\s*,\s*"y"\s*:\s*"([\d.]+)"'
)
BACKGROUND = re.compile(r'"type"\s*:\s*"SHAPE_BACKGROUND_IMAGE"\s*,\s*"width"\s*:\s*(\d+)\s*,'
                        r'\s*"height"\s*:\s*(\d+)')  # fmt: skip
TITLE = re.compile(r'instruction:\s*qsTr\("([^"]+)"\)')


def find_board(files: dict[str, bytes], prefix: str) -> tuple[str, str]:
    for path, blob in files.items():
        if re.search(r"/board/board\d+_0\.qml$", path):
            text = blob.decode("utf-8")
            if f"image/{prefix}" in text:
                return path, text
    raise LookupError(f"no board uses pieces {prefix}*")


def _render(pieces, shape):
    """Sum of alpha and of alpha-weighted colour of pieces [(rgba float 0..1, top, left)]."""
    alpha = np.zeros(shape)
    colour = np.zeros((*shape, 3))
    for rgba, top, left in pieces:
        h, w = rgba.shape[:2]
        alpha[top : top + h, left : left + w] += rgba[..., 3]
        colour[top : top + h, left : left + w] += rgba[..., 3:] * rgba[..., :3]
    return alpha, colour


def _register(pieces, shape, inner, max_shift=2, sweeps=5):
    """Nudge pieces by whole pixels so their shared edges agree.

    The board gives centres rounded to 3 decimals (0.35 px), so a piece may sit one pixel off.
    Neighbouring pieces overlap by a pixel or so where they meet; for each piece, in turn, this
    picks the shift (up to ``max_shift`` px) that minimises the mean colour difference with the
    other pieces there, never accepting a shift that opens a gap inside the picture. Pieces
    that do not overlap their neighbours (plain rectangular tiles) stay where they are.
    """
    pieces = [list(p) for p in pieces]
    for _ in range(sweeps):
        moved = False
        for i, (rgba, top, left) in enumerate(pieces):
            others = [p for j, p in enumerate(pieces) if j != i]
            alpha, colour = _render(others, shape)
            h, w = rgba.shape[:2]
            mine = rgba[..., 3] > 0.5
            now = alpha.copy()
            now[top : top + h, left : left + w] += rgba[..., 3]
            holes = int((now[inner] < 0.5).sum())
            scores = {}
            for dy in range(-max_shift, max_shift + 1):
                for dx in range(-max_shift, max_shift + 1):
                    a = alpha[top + dy : top + dy + h, left + dx : left + dx + w]
                    c = colour[top + dy : top + dy + h, left + dx : left + dx + w]
                    both = mine & (np.abs(a - 1) < 0.01)  # exactly one other opaque piece
                    if both.sum() < 50:
                        continue
                    trial = alpha.copy()
                    trial[top + dy : top + dy + h, left + dx : left + dx + w] += rgba[..., 3]
                    if (trial[inner] < 0.5).sum() > holes:
                        continue  # would open a hole
                    diff = np.abs(c[both] - rgba[..., :3][both]).mean()
                    scores[dy, dx] = diff + 1e-4 * (abs(dy) + abs(dx))  # ties: stay put
            if (0, 0) in scores:  # a piece that overlaps no other (plain tiles) stays put
                dy, dx = min(scores, key=scores.get)
                if (dy, dx) != (0, 0):
                    pieces[i][1:] = [top + dy, left + dx]
                    moved = True
        if not moved:
            break
    return pieces


def _seam_error(pieces, shape) -> float:
    """Mean absolute colour difference (0..255) where two opaque pieces overlap."""
    total, count = 0.0, 0
    for i, (rgba, top, left) in enumerate(pieces):
        alpha, colour = _render([p for j, p in enumerate(pieces) if j != i], shape)
        h, w = rgba.shape[:2]
        a = alpha[top : top + h, left : left + w]
        both = (rgba[..., 3] > 0.5) & (np.abs(a - 1) < 0.01)
        c = colour[top : top + h, left : left + w]
        total += np.abs(c[both] - rgba[..., :3][both]).sum()
        count += both.sum() * 3
    return 255 * total / max(count, 1)


def assemble(files: dict[str, bytes], board: str) -> tuple[np.ndarray, dict]:
    """Paste the pieces of one board; return uint8 (H, W, 3) and a few statistics."""
    width, height = map(int, BACKGROUND.search(board).groups())
    image_dir = next(p.rsplit("/", 1)[0] for p in files if p.endswith(".webp"))
    pad = 64  # pieces may stick out of the background a little
    shape = (height + 2 * pad, width + 2 * pad)
    pieces = []
    for name, x, y in PIECE.findall(board):
        piece = Image.open(io.BytesIO(files[f"{image_dir}/{name}"])).convert("RGBA")
        rgba = np.asarray(piece, dtype=np.float64) / 255.0
        h, w = rgba.shape[:2]
        pieces.append((rgba, pad + round(float(y) * height - h / 2),
                       pad + round(float(x) * width - w / 2)))  # fmt: skip
    alpha, _ = _render(pieces, shape)
    rows, cols = np.flatnonzero((alpha > 0.5).any(1)), np.flatnonzero((alpha > 0.5).any(0))
    # inside the picture: the outermost 2 px are where an edge row may be ragged
    inner = (slice(rows[0] + 2, rows[-1] - 1), slice(cols[0] + 2, cols[-1] - 1))
    seam_before = _seam_error(pieces, shape)
    pieces = _register(pieces, shape, inner)
    alpha, colour = _render(pieces, shape)
    # crop to the rows and columns that are (almost) fully covered: drops ragged edge lines
    full = alpha > 0.5
    rows = np.flatnonzero(full.sum(1) >= 0.98 * full.sum(1).max())
    cols = np.flatnonzero(full.sum(0) >= 0.98 * full.sum(0).max())
    # and one more pixel on each side: the pieces' outer edge is a lighter antialiased line
    box = (slice(rows[0] + 1, rows[-1]), slice(cols[0] + 1, cols[-1]))
    a = alpha[box]
    rgb = colour[box] / np.maximum(a, 1e-6)[..., None]
    stats = {
        "pieces": len(pieces),
        "size": (a.shape[1], a.shape[0]),
        "gap_pixels": int((a < 0.5).sum()),  # nothing pasted here
        "overlap_pixels": int((a > 1.5).sum()),  # shared edge pixels of two pieces
        "seam_error": (round(float(seam_before), 1), round(float(_seam_error(pieces, shape)), 1)),
    }
    return np.clip(np.round(rgb * 255), 0, 255).astype(np.uint8), stats


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--preview", type=Path, help="also save full-size PNGs in this folder")
    parser.add_argument("--out", type=Path, default=OUT, help=f"JPEG folder (default {OUT})")
    args = parser.parse_args()
    files = read_rcc(RCC)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, prefix in PAINTINGS.items():
        path, board = find_board(files, prefix)
        rgb, stats = assemble(files, board)
        if stats["gap_pixels"]:
            print(f"{name}: {stats['gap_pixels']} uncovered pixels inside", file=sys.stderr)
            return 1
        image = Image.fromarray(rgb)
        if args.preview:
            args.preview.mkdir(parents=True, exist_ok=True)
            image.save(args.preview / f"{name}.png")
        scale = MAX_SIDE / max(image.size)
        if scale < 1:
            size = (round(image.width * scale), round(image.height * scale))
            image = image.resize(size, Image.Resampling.LANCZOS)
        out = args.out / f"{name}.jpg"
        image.save(out, quality=QUALITY, optimize=True)
        title = TITLE.search(board).group(1)
        print(
            f"{out.name}: {image.width}x{image.height}, {out.stat().st_size:,} bytes — {title} "
            f"({path.rsplit('/', 1)[1]}, {stats})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
