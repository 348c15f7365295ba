"""A manager's requests need TOTP where the deployment requires it (ManagerMfa, issue 15)."""

from __future__ import annotations

import os

import boto3
import pytest

from frontdesk import wiring

from .conftest import MGR1, OP1, Api, staff_queue

PASSWORD = "Frontdesk#second-factor1"


@pytest.fixture
def required(staff: Api, monkeypatch: pytest.MonkeyPatch) -> Api:
    monkeypatch.setenv("MANAGER_MFA", "required")
    wiring.reset()
    return staff


def _turn_on_totp(username: str) -> None:
    """What the console's two-step verification panel does, for `username`."""
    cognito, pool = boto3.client("cognito-idp"), os.environ["USER_POOL_ID"]
    client_id = os.environ["USER_POOL_CLIENT_ID"]
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=PASSWORD, Permanent=True)
    access = cognito.initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH", ClientId=client_id, AuthParameters={"USERNAME": username, "PASSWORD": PASSWORD}
    )["AuthenticationResult"]["AccessToken"]
    cognito.associate_software_token(AccessToken=access)
    cognito.verify_software_token(AccessToken=access, UserCode="123456")  # in-process moto takes any code
    cognito.set_user_mfa_preference(
        AccessToken=access, SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": True}
    )


def test_a_manager_without_totp_is_refused_with_what_to_do_in_the_callers_language(required: Api) -> None:
    reply = required(staff_queue(username=MGR1[0], groups=MGR1[1]))
    assert (reply.status, reply.body["code"], reply.body["field"]) == (403, "mfa_required", "Authorization")
    assert "两步验证" in reply.body["message"]
    status, code, message = required.refusal_in_english(staff_queue(username=MGR1[0], groups=MGR1[1]))
    assert (status, code) == (403, "mfa_required") and "two-step verification" in message


def test_a_manager_with_totp_on_is_let_in_at_once(required: Api) -> None:
    assert required(staff_queue(username=MGR1[0], groups=MGR1[1])).status == 403
    _turn_on_totp(MGR1[0])
    assert required(staff_queue(username=MGR1[0], groups=MGR1[1])).status == 200


def test_other_roles_need_no_second_factor(required: Api) -> None:
    assert required(staff_queue(username=OP1[0], groups=OP1[1])).status == 200


def test_where_it_is_optional_a_manager_without_totp_is_let_in(staff: Api) -> None:
    assert os.environ["MANAGER_MFA"] == "optional"  # as the tests' stack is provisioned
    assert staff(staff_queue(username=MGR1[0], groups=MGR1[1])).status == 200
