"""`make build` ships .pyc compiled by the runtime's Python when there is one, and says so when not."""

from __future__ import annotations

import importlib.util
import stat
import sys
from pathlib import Path
from types import ModuleType

import pytest

BUILD_PY = Path(__file__).resolve().parents[2] / "infra" / "build.py"
HERE = f"{sys.version_info.major}.{sys.version_info.minor}"


@pytest.fixture(scope="module")
def build() -> ModuleType:
    spec = importlib.util.spec_from_file_location("frontdesk_build", BUILD_PY)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def layer(tmp_path: Path) -> Path:
    package = tmp_path / "layer" / "python" / "pkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("VALUE = 1\n")
    (package / "mod.py").write_text("def f() -> int:\n    return 2\n")
    return tmp_path / "layer"


@pytest.fixture
def no_interpreters(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A PATH and HOME with no interpreter of any version but the ones a test puts there."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("FRONTDESK_PYC_PYTHON", raising=False)
    return bin_dir


def test_with_the_runtimes_python_every_module_gets_an_unchecked_hash_pyc(
    build: ModuleType, layer: Path, no_interpreters: Path
) -> None:
    (no_interpreters / f"python{HERE}").symlink_to(sys.executable)
    assert build.compile_bytecode([layer], HERE) is True
    tag = sys.implementation.cache_tag
    for name in ("__init__", "mod"):
        pyc = (layer / "python" / "pkg" / "__pycache__" / f"{name}.{tag}.pyc").read_bytes()
        assert pyc[:4] == importlib.util.MAGIC_NUMBER  # loadable by exactly this Python version
        assert int.from_bytes(pyc[4:8], "little") == 0b01  # hash-based, source not checked (PEP 552)


def test_without_it_the_build_ships_sources_only_and_says_so(
    build: ModuleType, layer: Path, no_interpreters: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # a pyenv shim of a version that is not selected: on PATH, but it fails when run
    shim = no_interpreters / "python9.99"
    shim.write_text("#!/bin/sh\necho 'pyenv: python9.99: command not found' >&2\nexit 127\n")
    shim.chmod(shim.stat().st_mode | stat.S_IXUSR)
    (no_interpreters / "python9.98").symlink_to(sys.executable)  # runs, but is another version

    assert build.find_compiler("9.99") is None
    assert build.compile_bytecode([layer], "9.99") is False
    assert not list(layer.rglob("*.pyc"))
    assert "ships no .pyc" in capsys.readouterr().err


def test_an_interpreter_can_be_named_explicitly(
    build: ModuleType, no_interpreters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FRONTDESK_PYC_PYTHON", sys.executable)
    assert build.find_compiler(HERE) == sys.executable
    assert build.find_compiler("9.99") is None


def _script(path: Path, body: str) -> None:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


def test_make_build_installs_debians_python_of_the_runtimes_version_when_missing(
    build: ModuleType, no_interpreters: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = no_interpreters / "apt.log"
    _script(no_interpreters / "apt-cache", f'echo "python{HERE}:\n  Installed: (none)\n  Candidate: {HERE}.5-2"')
    # "installing" puts the interpreter on PATH, as apt-get would
    _script(
        no_interpreters / "apt-get",
        f'echo "$@" >> {log}; /bin/ln -s {sys.executable} {no_interpreters}/python{HERE}',
    )
    monkeypatch.setattr(build.os, "geteuid", lambda: 0)

    found = build.install_compiler(HERE)

    assert found == str(no_interpreters / f"python{HERE}")
    assert log.read_text().split() == ["install", "-y", "--no-install-recommends", f"python{HERE}"]
    assert build.install_compiler(HERE) == found  # present now: apt is not asked again
    assert len(log.read_text().splitlines()) == 1


def test_where_apt_has_no_such_python_the_build_goes_on_and_says_so(
    build: ModuleType, no_interpreters: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _script(no_interpreters / "apt-cache", 'echo "python9.99:\n  Installed: (none)\n  Candidate: (none)"')
    _script(no_interpreters / "apt-get", "exit 1")

    assert build.install_compiler("9.99") is None
    assert "apt has no python9.99" in capsys.readouterr().err
