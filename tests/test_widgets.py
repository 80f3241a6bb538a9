"""Every widget the notebooks build exists, with the arguments they pass, in this ipywidgets.

Colab ships ipywidgets 7 and our JupyterLab 8: CI runs this file on both stacks (the pinned one
and ``make colab-test``), so 8-only API (``TagsInput``, ``Stack``, ``description_allow_html``, ...)
fails here instead of in a student's Colab session. Each call is also constructed, with its
literal arguments, and an unknown keyword (which ipywidgets 7 only warns about) is an error.
"""

from __future__ import annotations

import ast
import json
import warnings

import pytest

ipywidgets = pytest.importorskip("ipywidgets")


def _no_magic(line: str) -> str:
    """IPython's ``!cmd`` / ``%magic`` lines become ``pass`` (same indentation) for ``ast``."""
    body = line.lstrip()
    return line[: len(line) - len(body)] + "pass" if body[:1] in ("!", "%") else line


def _aliases(tree: ast.AST) -> set[str]:
    """Names under which ``import ipywidgets [as x]`` makes the module available."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
        if alias.name == "ipywidgets"
    }


def _calls(root):
    """(where, widget name, call node) of each ``ipywidgets.X(...)`` call in course code."""
    files = [(p.name, [p.read_text()]) for p in sorted((root / "course_utils").glob("*.py"))]
    for path in sorted((root / "notebooks").glob("*.ipynb")):
        cells = json.loads(path.read_text())["cells"]
        code = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]
        files.append((path.name, ["\n".join(map(_no_magic, c.split("\n"))) for c in code]))
    for where, sources in files:
        trees = [ast.parse(code) for code in sources]
        names = set().union(*map(_aliases, trees)) if trees else set()
        for tree in trees:
            for node in ast.walk(tree):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and isinstance(node.func.value, ast.Name)
                    and node.func.value.id in names
                ):
                    yield where, node.func.attr, node


def _literal(node):
    try:
        return True, ast.literal_eval(node)
    except ValueError:
        return False, None


def test_notebooks_use_widgets(root):
    names = {name for _, name, _ in _calls(root)}
    assert {"IntSlider", "Dropdown", "interact"} <= names, names


def test_every_widget_call_works_in_this_ipywidgets(root):
    problems = []
    for where, name, node in _calls(root):
        target = getattr(ipywidgets, name, None)
        if target is None:
            problems.append(f"{where}: ipywidgets {ipywidgets.__version__} has no {name}")
            continue
        if not isinstance(target, type) or not issubclass(target, ipywidgets.Widget):
            continue  # interact, interact_manual, ...: their keywords are the function's
        traits = set(target.class_trait_names())
        args, kwargs = [], {}
        for arg in node.args:
            ok, value = _literal(arg)
            if not ok:
                break  # positional arguments after a computed one cannot be placed
            args.append(value)
        for kw in node.keywords:
            if kw.arg is None:
                continue
            if kw.arg not in traits:
                problems.append(f"{where}: {name} has no argument {kw.arg!r}")
                continue
            ok, value = _literal(kw.value)
            if ok:
                kwargs[kw.arg] = value
        if "options" in traits and "options" not in kwargs:
            kwargs.pop("value", None)  # the value must be one of the (computed) options
        with warnings.catch_warnings():
            warnings.simplefilter("error", DeprecationWarning)
            try:
                target(*args, **kwargs)
            except Exception as err:  # noqa: BLE001 - report every failing call at once
                problems.append(f"{where}: {name}(*{args}, **{kwargs}) failed: {err}")
    assert not problems, "\n".join(problems)
