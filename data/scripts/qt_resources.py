"""Read a Qt resource archive (``.rcc``) without Qt: the one reader of the data scripts.

Debian's ``gcompris-qt-data`` ships every GCompris activity as one such archive in
``/usr/share/gcompris-qt/rcc/``; ``make_paintings.py`` and ``make_photo_set.py`` read them
with :func:`read_rcc`::

    from qt_resources import read_rcc
    files = read_rcc(Path("/usr/share/gcompris-qt/rcc/paintings.rcc"))  # {"/path": bytes}

Qt resource (rcc) format, as written by Qt's ``rcc`` tool (versions 1-3):
header ``b"qres"``, version (uint32 big-endian), offsets of the tree, the data and the names
(uint32 each), and from version 3 a uint32 of global flags. Tree nodes are 14 bytes (version 1)
or 22 bytes (+ a uint64 modification time): name offset (uint32), flags (uint16; 0x1 zlib,
0x2 directory, 0x4 zstd), then for a directory the child count and first child index
(uint32 each), for a file the country and language (uint16 each) and the data offset (uint32).
A name is a uint16 length, a uint32 hash and that many UTF-16BE code units. A data entry is a
uint32 length then the bytes; zlib-compressed entries start with the uint32 uncompressed size
(Qt's ``qCompress`` layout), zstd entries are a plain zstd frame (Qt >= 5.13; the Debian 3.1
archive uses zlib or no compression only).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

GCOMPRIS_RCC = Path("/usr/share/gcompris-qt/rcc")


def read_rcc(path: Path) -> dict[str, bytes]:
    """All files of a Qt resource archive: {"/path/inside": bytes}."""
    blob = path.read_bytes()
    magic, version, tree, data, names = struct.unpack(">4sIIII", blob[:20])
    if magic != b"qres" or version not in (1, 2, 3):
        raise ValueError(f"{path} is not a Qt resource archive (magic {magic!r}, v{version})")
    node_size = 14 if version == 1 else 22

    def name_at(offset: int) -> str:
        length, _hash = struct.unpack(">HI", blob[names + offset : names + offset + 6])
        return blob[names + offset + 6 : names + offset + 6 + 2 * length].decode("utf-16-be")

    def payload(offset: int, flags: int) -> bytes:
        start = data + offset
        (length,) = struct.unpack(">I", blob[start : start + 4])
        raw = blob[start + 4 : start + 4 + length]
        if len(raw) != length:
            raise ValueError("truncated data entry in the archive")
        if flags & 0x1:  # zlib, qCompress layout
            (size,) = struct.unpack(">I", raw[:4])
            out = zlib.decompress(raw[4:])
            if len(out) != size:
                raise ValueError("zlib entry of the wrong size")
            return out
        if flags & 0x4:  # zstd (Qt >= 5.13)
            try:
                from compression import zstd  # Python >= 3.14
            except ImportError:
                import zstandard as zstd  # PyPI package, for older Pythons
            return zstd.decompress(raw)
        return raw

    files: dict[str, bytes] = {}

    def walk(index: int, parent: str) -> None:
        node = tree + index * node_size
        name_offset, flags = struct.unpack(">IH", blob[node : node + 6])
        path_here = f"{parent}/{name_at(name_offset)}" if index else ""
        if flags & 0x2:
            count, first = struct.unpack(">II", blob[node + 6 : node + 14])
            for child in range(first, first + count):
                walk(child, path_here)
        else:
            _country, _language, offset = struct.unpack(">HHI", blob[node + 6 : node + 14])
            files[path_here] = payload(offset, flags)

    walk(0, "")
    return files
