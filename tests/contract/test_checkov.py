"""checkov runs in `make lint` on template.yaml, with a short skip list whose every entry says why."""

from __future__ import annotations

import re

from local_stack.template import REPO_ROOT

CONFIG = REPO_ROOT / ".checkov.yaml"
SKIP = re.compile(r"^\s*-\s*(CKV2?_[A-Z]+_\d+)\s*(?:#\s*(.*))?$")


def _skips() -> dict[str, str]:
    lines = CONFIG.read_text("utf-8").splitlines()
    start = lines.index("skip-check:")
    skips: dict[str, str] = {}
    for line in lines[start + 1 :]:
        match = SKIP.match(line)
        if match is None:
            break
        assert match.group(1) not in skips, f"{match.group(1)} is skipped twice"
        skips[match.group(1)] = (match.group(2) or "").strip()
    return skips


def test_every_skip_has_a_one_line_reason_and_the_list_is_short() -> None:
    skips = _skips()
    assert skips, "the config names its skips under skip-check"
    assert len(skips) <= 15
    for check, reason in skips.items():
        assert len(reason.split()) >= 5, f"{check} has no reason on its line"


def test_the_config_scans_the_template_as_cloudformation() -> None:
    text = CONFIG.read_text("utf-8")
    assert re.search(r"^file:\n\s+- template\.yaml$", text, re.MULTILINE)
    assert re.search(r"^framework:\n\s+- cloudformation$", text, re.MULTILINE)


def test_make_lint_runs_the_pinned_checkov_with_the_config() -> None:
    makefile = (REPO_ROOT / "Makefile").read_text("utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "$(CHECKOV_STAMP)" in lint.splitlines()[0]
    assert re.search(r"checkov --config-file \.checkov\.yaml", lint)
    assert "if wait $$checkov" in lint, "a checkov failure fails make lint"
    pins = (REPO_ROOT / "constraints-checkov.txt").read_text("utf-8").splitlines()
    assert "checkov==3.3.30" in pins
    assert re.search(r"^\$\(CHECKOV_STAMP\): constraints-checkov\.txt", makefile, re.MULTILINE)
