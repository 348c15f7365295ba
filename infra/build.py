"""Build the deployable artefacts without Docker (see docs/decisions/0002-build-without-docker.md).

    build/layer/python/        runtime dependencies (wheels for the template's runtime and
                               architecture, fetched with pip --platform) + the frontdesk package
    build/functions/<name>/    each function's code folder, as the template names it
    build/template.yaml        template.yaml with CodeUri/ContentUri pointing at the above

The layer and the function folders ship byte-code compiled by an interpreter of the runtime's
version when this machine has one (`python3.13` on PATH, a pyenv 3.13, or FRONTDESK_PYC_PYTHON);
otherwise they ship sources only and the build says so (docs/decisions/0010-compiled-layer.md).
`aws cloudformation package` (or `sam deploy`) takes build/template.yaml from there.
Usage (from the project's venv, which has local_stack installed): python infra/build.py [--build-dir build]
"""

from __future__ import annotations

import argparse
import glob
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path, PurePosixPath
from typing import Any, Final

import yaml  # type: ignore[import-untyped]

from local_stack.template import Template, load_template, resources

ROOT: Final = Path(__file__).resolve().parents[1]

PACKAGE: Final = ROOT / "layers" / "core" / "frontdesk"
ARCHITECTURES: Final = {"arm64": "aarch64", "x86_64": "x86_64"}
# Lambda's python3.12+ runtimes run on Amazon Linux 2023 (glibc 2.34): any manylinux wheel up to 2.34.
MANYLINUX: Final = ("manylinux2014", "manylinux_2_28", "manylinux_2_34")
IGNORED: Final = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache", "tests")


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> list[str]:
    """[project].dependencies: what the Lambda layer ships (dev extras never do)."""
    with pyproject.open("rb") as file:
        dependencies: list[str] = tomllib.load(file)["project"]["dependencies"]
    return dependencies


def target_platform(template: Template) -> tuple[str, str]:
    """(python version, machine) from Globals.Function: e.g. ("3.13", "aarch64")."""
    function_globals: dict[str, Any] = template.get("Globals", {}).get("Function", {})
    runtime = str(function_globals.get("Runtime", ""))
    architectures = function_globals.get("Architectures", ["x86_64"])
    if not runtime.startswith("python") or len(architectures) != 1:
        raise SystemExit("Globals.Function needs a pythonX.Y Runtime and exactly one architecture")
    return runtime.removeprefix("python"), ARCHITECTURES[architectures[0]]


def build_layer(layer_dir: Path, requirements: list[str], python_version: str, machine: str) -> None:
    site = layer_dir / "python"
    platforms = [arg for tag in MANYLINUX for arg in ("--platform", f"{tag}_{machine}")]
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--target",
            str(site),
            *platforms,
            "--implementation",
            "cp",
            "--python-version",
            python_version,
            "--only-binary=:all:",
            # the same transitive versions the tests ran with
            "--constraint",
            str(ROOT / "constraints.txt"),
            *requirements,
        ],
        check=True,
    )
    shutil.copytree(PACKAGE, site / PACKAGE.name, ignore=IGNORED)


def find_compiler(python_version: str) -> str | None:
    """An interpreter that is `python_version` (its .pyc are the ones the runtime loads), or None."""
    candidates = [
        os.environ.get("FRONTDESK_PYC_PYTHON"),
        shutil.which(f"python{python_version}"),
        *sorted(glob.glob(str(Path.home() / ".pyenv" / "versions" / f"{python_version}.*" / "bin" / "python3"))),
    ]
    probe = "import sys; print('%d.%d' % sys.version_info[:2])"
    for candidate in filter(None, candidates):
        try:
            found = subprocess.run(  # noqa: S603 - an interpreter path, fixed arguments
                [candidate, "-c", probe], capture_output=True, text=True, timeout=30, check=False
            )
        except OSError:
            continue
        if found.returncode == 0 and found.stdout.strip() == python_version:  # a pyenv shim may just fail
            return candidate
    return None


def install_compiler(python_version: str) -> str | None:
    """Debian's python<version> through apt-get when no interpreter of that version is here (as
    `make build` asks); None, with the reason, where apt has no such package (Debian 12 has none)."""
    found = find_compiler(python_version)
    apt_get, apt_cache = shutil.which("apt-get"), shutil.which("apt-cache")
    if found is not None or apt_get is None or apt_cache is None:
        return found
    package = f"python{python_version}"
    policy = subprocess.run(  # noqa: S603 - fixed argv
        [apt_cache, "policy", package], capture_output=True, text=True, check=False
    ).stdout
    if "Candidate:" not in policy or "Candidate: (none)" in policy:
        print(f"note: apt has no {package} here (try `apt-get update` first)", file=sys.stderr)
        return None
    sudo = [] if os.geteuid() == 0 else ["sudo"]
    subprocess.run(  # noqa: S603 - fixed argv
        [*sudo, apt_get, "install", "-y", "--no-install-recommends", package],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        check=True,
    )
    return find_compiler(python_version)


def compile_bytecode(folders: list[Path], python_version: str) -> bool:
    """Compile every .py under `folders` with the runtime's Python; False (and a note) when there is none.

    Lambda's /opt and /var/task are read-only: without shipped .pyc every cold start compiles the
    layer again. `unchecked-hash` .pyc are used without looking at the source's mtime, which the
    zip round trip does not keep (the code of a deployed version never changes)."""
    compiler = find_compiler(python_version)
    if compiler is None:
        print(
            f"note: no python{python_version} here, so the layer ships no .pyc and Lambda compiles on every "
            f"cold start; install python{python_version} (or set FRONTDESK_PYC_PYTHON) for compiled code",
            file=sys.stderr,
        )
        return False
    subprocess.run(  # noqa: S603 - fixed argv, no shell
        [compiler, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", *map(str, folders)],
        check=True,
    )
    return True


def _local(uri: Any) -> str | None:
    return uri if isinstance(uri, str) and not uri.startswith("s3://") else None


def build(build_dir: Path, install: bool = False) -> Path:
    """Build everything into `build_dir`; returns the path of the built template. With `install`,
    the runtime's Python is installed from apt first when this machine has none."""
    template = load_template(ROOT / "template.yaml")
    if build_dir.exists():
        shutil.rmtree(build_dir)
    build_dir.mkdir(parents=True)
    python_version, machine = target_platform(template)
    if install:
        install_compiler(python_version)

    for logical_id, resource in resources(template).items():
        props: dict[str, Any] = resource.get("Properties", {})
        kind = resource["Type"]
        if kind == "AWS::Serverless::LayerVersion" and (content := _local(props.get("ContentUri"))):
            if (ROOT / content).resolve() != PACKAGE.parent:
                raise SystemExit(f"{logical_id}: only the core layer ({PACKAGE.parent}) is built")
            build_layer(build_dir / "layer", runtime_requirements(), python_version, machine)
            props["ContentUri"] = "layer/"
            resource.pop("Metadata", None)  # built now: `sam build` must not be sent to layers/core/Makefile
        elif kind == "AWS::Serverless::Function" and (code := _local(props.get("CodeUri"))):
            name = PurePosixPath(code.rstrip("/")).name
            shutil.copytree(ROOT / code, build_dir / "functions" / name, ignore=IGNORED)
            props["CodeUri"] = f"functions/{name}/"
        elif definition := _local(props.get("DefinitionUri")):
            # state machine / API definitions: same relative path next to the built template
            (build_dir / definition).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / definition, build_dir / definition)

    compile_bytecode(
        [folder for folder in (build_dir / "layer", build_dir / "functions") if folder.is_dir()], python_version
    )
    built = build_dir / "template.yaml"
    with built.open("w", encoding="utf-8") as file:
        file.write("# Generated by infra/build.py from template.yaml: do not edit.\n")
        yaml.safe_dump(template, file, sort_keys=False, allow_unicode=True, width=120)
    return built


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--build-dir", type=Path, default=ROOT / "build")
    parser.add_argument(
        "--install-compiler", action="store_true", help="apt-get the runtime's python (for its .pyc) when missing"
    )
    args = parser.parse_args(argv)
    print(f"built {build(args.build_dir.resolve(), install=args.install_compiler)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
