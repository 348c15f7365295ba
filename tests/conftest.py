"""Shared fixtures: AWS mocked in-process by moto, and the stack provisioned from template.yaml.

    def test_something(stack: Stack) -> None:
        table = boto3.resource("dynamodb").Table(stack["Table"]["name"])   # == os.environ["TABLE_NAME"]

- `template` (session): template.yaml, decoded once (plain dicts, long-form intrinsics). Do not mutate.
- `aws`: moto's `mock_aws()` active for the test, with fake credentials, region us-east-1 and
  AWS_ACCOUNT_ID_ENDPOINT_MODE=disabled (botocore needs it for moto's DynamoDB Streams). Any
  AWS_PROFILE / AWS_ENDPOINT_URL* of the developer's shell is removed. moto's DynamoDB writes are
  made atomic and its transactions copy only the items they touch (`local_stack.moto_fixes`), as
  in the local stack. Yields a boto3 Session.
- `stack`: `aws` plus every resource of template.yaml that moto can hold (tables with GSIs and
  stream, idempotency table with TTL, DLQ, topic, user pool, client, groups, verified sender),
  created by `local_stack.provision` once per run and restored from a snapshot of moto's state for
  every test (`local_stack.moto_snapshot`); the functions' environment variables from the template
  (TABLE_NAME, IDEMPOTENCY_TABLE_NAME, EVENTS_TOPIC_ARN, SENDER_EMAIL, POWERTOOLS_*, …) are set
  in os.environ for the test. Yields a `local_stack.provision.Stack`; `stack.function_env[<Function>]`
  has one function's variables.
"""

from __future__ import annotations

import copy
import functools
import json
import os
from collections.abc import Iterator
from types import SimpleNamespace
from typing import Any

import boto3
import botocore.loaders
import botocore.session
import moto.cognitoidp.models
import pytest
from joserfc import jwk
from moto import mock_aws

from local_stack import moto_fixes, moto_memory
from local_stack.moto_snapshot import MotoSnapshot
from local_stack.provision import Stack, provision
from local_stack.template import Template, load_template

REGION = "us-east-1"
FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_DEFAULT_REGION": REGION,
    "AWS_REGION": REGION,
    "AWS_ACCOUNT_ID_ENDPOINT_MODE": "disabled",
}


def pytest_configure(config: pytest.Config) -> None:
    """moto's DynamoDB values slotted, as the local stack holds them: before any value exists
    (local_stack.moto_memory.slot_values, refused once one does)."""
    moto_memory.slot_values()


@pytest.fixture(scope="session", autouse=True)
def _one_botocore_loader() -> Iterator[None]:
    """Every botocore session of the run shares one loader, so each service model is parsed once.

    moto gives boto3 a new default session per test, and each new session re-read and re-parsed the
    JSON service models of every client it made: a third of the integration tests' CPU time. The
    models are read-only data (one session's clients already share them), so nothing else changes.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(botocore.session, "create_loader", functools.cache(botocore.loaders.create_loader))
        yield


@functools.cache
def _imported_rsa_key(text: str) -> jwk.RSAKey:
    return jwk.RSAKey.import_key(json.loads(text))


class _RSAKeyImportedOnce:
    @staticmethod
    def import_key(value: Any) -> jwk.RSAKey:
        return _imported_rsa_key(json.dumps(value, sort_keys=True))


@pytest.fixture(scope="session", autouse=True)
def _one_cognito_signing_key() -> Iterator[None]:
    """moto's user pools import the same signing key (a file of moto's) once per run, not once per pool.

    Checking that RSA key took 40 % of provisioning the stack, which nearly every integration test
    does. The key signs tokens and is never changed, so sharing the imported key changes nothing.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(moto.cognitoidp.models, "jwk", SimpleNamespace(RSAKey=_RSAKeyImportedOnce))
        yield


@pytest.fixture(scope="session")
def template() -> Template:
    """template.yaml as plain data (see local_stack.template)."""
    return load_template()


@pytest.fixture
def fake_aws_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials in us-east-1, and no profile or endpoint of the developer's shell: for tests
    that start moto themselves (with their own config), as `aws` does."""
    for name in list(os.environ):
        if name == "AWS_PROFILE" or name.startswith("AWS_ENDPOINT_URL"):
            monkeypatch.delenv(name)
    for name, value in FAKE_AWS_ENV.items():
        monkeypatch.setenv(name, value)


@pytest.fixture
def aws(fake_aws_env: None) -> Iterator[boto3.Session]:
    """moto in-process for the duration of the test; yields a Session in us-east-1."""
    moto_fixes.install()
    try:
        with mock_aws():
            yield boto3.Session(region_name=REGION)
    finally:
        moto_fixes.uninstall()


@pytest.fixture(scope="session")
def provisioned_once() -> list[tuple[Stack, MotoSnapshot]]:
    """The stack as provisioned by the first test that needed it, and moto's state just after."""
    return []


@pytest.fixture
def stack(
    aws: boto3.Session,
    template: Template,
    provisioned_once: list[tuple[Stack, MotoSnapshot]],
    monkeypatch: pytest.MonkeyPatch,
) -> Stack:
    """The template's resources in moto, and the functions' environment set as on AWS.

    The first test provisions the template; every later one gets moto's state as it was then
    (local_stack.moto_snapshot), in a fraction of the time.

    Managers need no second factor here (ManagerMfa optional): the tests that require it set
    MANAGER_MFA themselves (tests/integration/test_second_factor.py)."""
    if provisioned_once:
        made, snapshot = provisioned_once[0]
        snapshot.restore()
    else:
        made = provision(aws, template, parameters={"ManagerMfa": "optional"})
        provisioned_once.append((made, MotoSnapshot()))
    provisioned = copy.deepcopy(made)  # a test may change its Stack; the next one gets it as made
    for name, value in provisioned.env.items():
        monkeypatch.setenv(name, value)
    return provisioned
