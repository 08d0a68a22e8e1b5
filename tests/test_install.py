"""Two commands on any current machine: the Makefile finds a suitable Python, and the pins install on 3.11-3.13."""

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlparse

import pytest

from conftest import ROOT

MAKE = shutil.which("make")
SUPPORTED = ["3.11", "3.12", "3.13"]


def _fake_python(folder: Path, name: str, version: tuple[int, int] | None) -> None:
    """An interpreter called ``name`` that reports ``version``; None makes a broken pyenv-style shim."""
    script = folder / name
    if version is None:
        script.write_text(f'#!/bin/sh\necho "pyenv: {name}: command not found" >&2\nexit 127\n')
    else:
        code = f"import sys; sys.version_info = {version}; exec(sys.argv[1])"
        script.write_text(f'#!/bin/sh\nexec "{sys.executable}" -c "{code}" "$2"\n')
    script.chmod(0o755)


def _make_python(tmp_path: Path, fakes: dict[str, tuple[int, int] | None], *args: str):
    for name, version in fakes.items():
        _fake_python(tmp_path, name, version)
    # a make that runs these tests (`make test PYTHON=...`, as .ci/run does) hands its variables down
    # through MAKEFLAGS: drop them, so the make under test chooses for itself
    inherited = {"PYTHON", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    env = {k: v for k, v in os.environ.items() if k not in inherited} | {"PATH": str(tmp_path)}
    return subprocess.run([MAKE, "-s", "-C", str(ROOT), "python", *args], capture_output=True, text=True, env=env)


pytestmark_make = pytest.mark.skipif(MAKE is None, reason="make is not installed")


@pytestmark_make
def test_make_takes_the_first_interpreter_that_runs(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": None, "python3.12": (3, 12), "python3.13": (3, 13),
                                   "python3": (3, 12)})
    assert proc.returncode == 0 and proc.stdout.strip() == "python3.12", proc.stderr


@pytestmark_make
def test_make_falls_back_to_python3_when_it_is_new_enough(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": None, "python3": (3, 14)})
    assert proc.returncode == 0 and proc.stdout.strip() == "python3", proc.stderr


@pytestmark_make
def test_make_refuses_an_old_python3_and_says_what_it_tried(tmp_path):
    proc = _make_python(tmp_path, {"python3": (3, 10)})
    assert proc.returncode != 0
    assert all(name in proc.stderr for name in ("python3.11", "python3.12", "python3.13", "python3", "PYTHON="))


@pytestmark_make
def test_python_variable_overrides_the_search(tmp_path):
    proc = _make_python(tmp_path, {"python3.11": (3, 11)}, "PYTHON=/opt/my/python")
    assert proc.stdout.strip() == "/opt/my/python"


def _index_host() -> str:
    return urlparse(os.environ.get("PIP_INDEX_URL") or "https://pypi.org/simple").hostname


def _need_index() -> None:
    """Skip offline, with the reason; in CI (CI=true) an unreachable index is a failure."""
    try:
        socket.create_connection((_index_host(), 443), timeout=5).close()
    except OSError as err:
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"CI must reach the package index {_index_host()} to check the pins: {err}")
        pytest.skip(f"offline ({_index_host()} not reachable): the pins were not checked for Python "
                    f"{', '.join(SUPPORTED)}")


def _download(version: str, dest: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "pip", "download", "--only-binary=:all:", "--python-version",
                             version, "--no-deps", "--quiet", "--disable-pip-version-check", "-d", str(dest),
                             "-r", str(ROOT / "requirements.txt")],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


@pytest.mark.network
def test_every_pin_has_a_wheel_for_python_3_11_to_3_13(tmp_path):
    _need_index()
    downloads = {v: _download(v, tmp_path / v) for v in SUPPORTED}  # side by side: they wait on the network
    failed, yanked = {}, set()
    for version, proc in downloads.items():
        _, err = proc.communicate(timeout=3600)
        if proc.returncode:
            failed[version] = [ln for ln in err.splitlines() if "ERROR" in ln][-5:] or err[-2000:]
        yanked |= {ln.strip() for ln in err.splitlines() if "yanked" in ln and "candidate" in ln}
    assert not failed, failed
    assert not yanked, f"pinned releases their maintainers withdrew: {sorted(yanked)}"
