"""Write every notebook's "## References" cell from the course bibliography.

Usage::

    python -m tools.references            # rewrite the References cells that are out of date
    python -m tools.references --check    # only report them (exit 1), as the tests do

A notebook cites a work with a markdown link to its anchor,
``[He et al., 2016a](#ref-he2016resnet)``, in any markdown cell (speaker notes included).
Its References cell, the last "## References" cell (appended at the end if missing),
lists exactly the works it cites, from ``notebooks/references.yml``, sorted by author, each
with the anchor the links point to.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat
import yaml

ROOT = Path(__file__).resolve().parents[1]
BIBLIOGRAPHY = ROOT / "notebooks" / "references.yml"
CITATION = re.compile(r"\]\(#ref-([A-Za-z0-9_.-]+)\)")
HEADING = "## References"
REQUIRED = ("author", "year", "title", "venue")


def load(path: Path = BIBLIOGRAPHY) -> dict[str, dict]:
    """The bibliography: {key: entry}; every entry has author, year, title and venue."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    for key, entry in entries.items():
        missing = [f for f in REQUIRED if not str(entry.get(f, "")).strip()]
        if missing:
            raise ValueError(f"{path.name}: entry {key!r} lacks {', '.join(missing)}")
    return entries


def is_references_cell(cell) -> bool:
    return cell.cell_type == "markdown" and cell.source.lstrip().startswith(HEADING)


def cited(nb) -> list[str]:
    """Keys cited in the notebook's markdown (References cell excluded), in order of first use."""
    keys: list[str] = []
    for cell in nb.cells:
        if cell.cell_type == "markdown" and not is_references_cell(cell):
            keys += [k for k in CITATION.findall(cell.source) if k not in keys]
    return keys


def format_entry(key: str, entry: dict) -> str:
    """One markdown list item with the anchor ``ref-<key>``."""
    title = str(entry["title"]).rstrip(".")
    text = f'<a id="ref-{key}"></a>{entry["author"]} ({entry["year"]}). {title}.'
    text += f" *{entry['venue']}*."
    links = []
    if entry.get("doi"):
        links.append(f"[doi:{entry['doi']}](https://doi.org/{entry['doi']})")
    if entry.get("url"):
        links.append(f"<{entry['url']}>")
    if links:
        text += " " + " · ".join(links)
    if entry.get("note"):
        text += f" {entry['note']}"
    return f"- {text}"


def render(keys: list[str], bibliography: dict[str, dict]) -> str:
    """The References cell's markdown for ``keys`` (KeyError on a key with no entry)."""
    unknown = [k for k in keys if k not in bibliography]
    if unknown:
        raise KeyError(f"cited but not in {BIBLIOGRAPHY.name}: {', '.join(unknown)}")

    def order(key: str) -> tuple[str, str]:
        entry = bibliography[key]
        return (str(entry["author"]).lstrip("(").lower(), str(entry["year"]))

    items = [format_entry(k, bibliography[k]) for k in sorted(keys, key=order)]
    return f"{HEADING}\n\n" + "\n".join(items)


def sync(path: Path, bibliography: dict[str, dict], write: bool = True) -> bool:
    """Bring ``path``'s References cell up to date; return True if it was (or would be) changed."""
    nb = nbformat.read(path, as_version=4)
    text = render(cited(nb), bibliography)
    cells = [c for c in nb.cells if is_references_cell(c)]
    if cells and cells[-1].source == text:
        return False
    if write:
        if cells:
            cells[-1].source = text
        else:
            cell = nbformat.v4.new_markdown_cell(text)
            cell.metadata["slideshow"] = {"slide_type": "slide"}
            nb.cells.append(cell)  # the last slide, after the summary and its speaker notes
        nbformat.write(nb, path)
    return True


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    paths = [Path(a) for a in argv if a != "--check"] or sorted(
        (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")
    )
    bibliography = load()
    stale = [p for p in paths if sync(p, bibliography, write=not check_only)]
    for p in stale:
        print(f"{p.name}: References {'out of date' if check_only else 'rewritten'}")
    return 1 if (check_only and stale) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
