"""Staff sign in with SRP only (issue 15): the password never leaves the browser, and the local
Cognito checks the proof for real, so a wrong client or a wrong password fails here as on AWS.

The local Cognito's half (local_stack/cognito_srp.py) is checked against pycognito, an SRP client
used against AWS itself; the console's half (assets/srp.js) against that."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, Request, expect
from pycognito.aws_srp import AWSSRP

from .conftest import RunningStack

pytestmark = pytest.mark.e2e

INITIATE = {"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth"}


def _srp(stack: RunningStack, username: str, password: str) -> dict[str, Any]:
    """pycognito's SRP sign-in through the local stack's Cognito endpoint (where the console signs in)."""
    cognito = stack.config["cognito"]
    endpoint = stack.cognito_via_gateway()
    answer: dict[str, Any] = AWSSRP(
        username, password, cognito["user_pool_id"], cognito["client_id"], client=endpoint
    ).authenticate_user()
    return answer


def test_an_srp_client_used_against_aws_signs_in_here_and_a_wrong_password_does_not(
    local_stack: RunningStack,
) -> None:
    login = local_stack.logins["engineer"]
    tokens = _srp(local_stack, login["username"], login["password"])["AuthenticationResult"]
    assert local_stack.call("GET", "/staff/tickets?site_id=demo", token=tokens["IdToken"])[0] == 200
    endpoint = local_stack.cognito_via_gateway()
    with pytest.raises(endpoint.exceptions.NotAuthorizedException, match="Incorrect username or password"):
        _srp(local_stack, login["username"], login["password"] + "x")


def test_a_sign_in_flow_the_app_client_does_not_allow_is_refused_as_on_aws(local_stack: RunningStack) -> None:
    login = local_stack.logins["engineer"]
    status, body = local_stack.call(
        "POST",
        "/local/cognito",
        {
            "AuthFlow": "USER_PASSWORD_AUTH",
            "ClientId": local_stack.config["cognito"]["client_id"],
            "AuthParameters": {"USERNAME": login["username"], "PASSWORD": login["password"]},
        },
        headers=INITIATE,
    )
    assert (status, body["__type"]) == (400, "InvalidParameterException")
    assert body["message"] == "USER_PASSWORD_AUTH flow not enabled for this client"


def test_the_console_signs_in_without_ever_sending_the_password(page: Page, local_stack: RunningStack) -> None:
    login = local_stack.logins["duty_manager"]
    sent: list[str] = []

    def keep(request: Request) -> None:
        if request.method == "POST":
            sent.append(request.post_data or "")

    page.on("request", keep)
    page.goto(local_stack.url("/staff"))
    page.get_by_label("用户名").fill(login["username"])
    page.get_by_label("密码", exact=True).fill(login["password"] + "x")
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#signin-alert")).to_have_text("用户名或密码错误。")
    page.get_by_label("密码", exact=True).fill(login["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#who")).to_contain_text(login["username"])
    assert any("USER_SRP_AUTH" in body for body in sent)
    assert any("PASSWORD_CLAIM_SIGNATURE" in body for body in sent)
    assert not [body for body in sent if login["password"] in body]
