"""The project's own files describe one package set, and CI installs it pinned."""

import re

import tomllib
import yaml


def _name(requirement: str) -> str:
    """'tensorflow[and-cuda]>=2.16' -> 'tensorflow' (PEP 503 normalised)."""
    name = re.split(r"[\s\[<>=!~;,]", requirement.strip(), maxsplit=1)[0]
    return re.sub(r"[-_.]+", "-", name).lower()


def _pyproject(root):
    return tomllib.loads((root / "pyproject.toml").read_text())["project"]


def _environment_names(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    names = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            names |= {_name(d) for d in dep["pip"] if not d.startswith("-e")}
        else:
            names.add(_name(dep))
    return names - CONDA_ONLY


# Not Python packages: the interpreter, its installer, and Node.js for `make slides`.
CONDA_ONLY = {"python", "pip", "nodejs"}


def test_environment_yml_matches_pyproject(root):
    project = _pyproject(root)
    declared = {_name(d) for d in project["dependencies"]}
    declared |= {_name(d) for d in project["optional-dependencies"]["dev"]}
    conda = _environment_names(root)
    assert conda == declared, (
        f"only in environment.yml: {sorted(conda - declared)}; "
        f"only in pyproject.toml: {sorted(declared - conda)}"
    )


def test_environment_yml_installs_course_utils(root):
    env = yaml.safe_load((root / "environment.yml").read_text())
    pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
    assert "-e ." in pip


def test_constraints_pin_every_declared_package(root):
    pins = {}
    for line in (root / "requirements" / "constraints.txt").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"not an exact pin: {line}"
            pins[_name(name)] = version
    project = _pyproject(root)
    for dep in project["dependencies"] + project["optional-dependencies"]["dev"]:
        assert _name(dep) in pins, f"{dep} is not pinned in requirements/constraints.txt"
    assert pins["tensorflow"].startswith("2.21.")
    assert pins["keras"].startswith("3.")


def test_gpu_extra_documents_cuda(root):
    gpu = _pyproject(root)["optional-dependencies"]["gpu"]
    assert any(d.startswith("tensorflow[and-cuda]") for d in gpu)


def test_readme_first_screen_has_the_two_commands(root):
    first_screen = "\n".join((root / "README.md").read_text().splitlines()[:25])
    assert "make lab" in first_screen and "make test" in first_screen


def test_ci_runs_the_readme_test_command(root):
    ci = (root / ".ci" / "run").read_text()
    assert "make test" in ci


def test_licences_are_declared(root):
    assert "MIT License" in (root / "LICENSE").read_text()
    assert _pyproject(root)["license"] == "MIT"
    content = (root / "LICENSE-CONTENT.md").read_text()
    assert "CC BY 4.0" in content and "creativecommons.org/licenses/by/4.0" in content
    readme = (root / "README.md").read_text()
    assert "LICENSE-CONTENT.md" in readme and "CC BY 4.0" in readme
