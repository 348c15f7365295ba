"""What a bench that runs moto in-process does before it imports boto3 or frontdesk: the core layer and
infra (local_stack) on sys.path, and fake credentials in us-east-1 (where the environment does not
already say otherwise)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def prepare(**more_env: str) -> None:
    """Call before the imports it serves; `more_env` adds variables, again only where unset."""
    sys.path[:0] = [str(ROOT / "layers" / "core"), str(ROOT / "infra")]
    for name, value in {**FAKE_AWS_ENV, **more_env}.items():
        os.environ.setdefault(name, value)
