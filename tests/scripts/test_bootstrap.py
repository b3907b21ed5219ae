"""scripts/bootstrap.sh (`make install`): a supported interpreter, and a virtualenv of that interpreter."""

import os
import re
import subprocess
import sys
import tomllib
from pathlib import Path

from packaging.specifiers import SpecifierSet

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "bootstrap.sh"


def _supported() -> list[str]:
    return re.search(r'^SUPPORTED="([^"]+)"', SCRIPT.read_text(), re.M).group(1).split()


def _fake_python(path: Path, identity: str) -> Path:
    path.write_text(f"#!/bin/sh\necho '{identity}'\n")
    path.chmod(0o755)
    return path


def _bootstrap(python: str, venv: Path, path_dirs: list[Path] | None = None) -> subprocess.CompletedProcess:
    """Runs the script with PATH = `path_dirs` only (the interpreters it may list), or the system's."""
    system = ["/usr/local/bin", "/usr/bin", "/bin"]
    env = {
        **os.environ,
        "PATH": os.pathsep.join(map(str, path_dirs) if path_dirs is not None else system),
        "BOOTSTRAP_SKIP_INSTALL": "1",
    }
    return subprocess.run(
        ["/bin/bash", str(SCRIPT), python, str(venv)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_supported_versions_are_those_of_pyproject():
    spec = SpecifierSet(tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"])
    supported = _supported()
    assert supported[0] == "3.11"
    assert {"3.11", "3.12", "3.13"} <= set(supported)
    assert all(f"{v}.0" in spec for v in supported)
    major, last = supported[-1].split(".")
    assert f"{major}.{int(last) + 1}.0" not in spec
    assert "3.10.0" not in spec


def test_an_old_python_is_refused_before_any_virtualenv_with_the_ones_that_work(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    old = _fake_python(bin_dir / "python3", "3.9 3.9.2 /usr")
    _fake_python(bin_dir / "python3.12", "3.12 3.12.1 /opt/python3.12")

    result = _bootstrap(str(old), tmp_path / ".venv", [bin_dir])

    assert result.returncode == 1
    assert "is Python 3.9" in result.stdout
    assert "3.11, 3.12, 3.13" in result.stdout
    assert "Found on this machine: python3.12. Pick one, e.g.: PYTHON=python3.12 make run" in result.stdout
    assert not (tmp_path / ".venv").exists()


def test_a_missing_interpreter_says_how_to_pick_one(tmp_path):
    result = _bootstrap("python3.99", tmp_path / ".venv", [tmp_path])

    assert result.returncode == 1
    assert "No 'python3.99' interpreter" in result.stdout
    assert "PYTHON=python3.12 make run" in result.stdout


def test_a_virtualenv_made_by_another_interpreter_is_rebuilt(tmp_path):
    venv = tmp_path / ".venv"
    (venv / "bin").mkdir(parents=True)
    _fake_python(venv / "bin" / "python", "3.12 3.12.1 /opt/python3.12")

    result = _bootstrap(sys.executable, venv)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "was made by another interpreter (3.12 3.12.1 /opt/python3.12); rebuilding it" in result.stdout
    rebuilt = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import sys; print(sys.version_info[:2], sys.base_prefix)"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert rebuilt.stdout.strip() == f"{sys.version_info[:2]} {sys.base_prefix}"


def test_a_virtualenv_of_the_same_interpreter_is_kept(tmp_path):
    venv = tmp_path / ".venv"
    assert _bootstrap(sys.executable, venv).returncode == 0
    marker = venv / "kept"
    marker.write_text("")

    result = _bootstrap(sys.executable, venv)

    assert result.returncode == 0
    assert marker.exists()
    assert result.stdout == ""
