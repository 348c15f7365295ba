"""The console's tokens (issue 15): ID tokens are short-lived and renewed with the refresh token,
and signing out revokes the refresh token, so that it can make no new ID token."""

from __future__ import annotations

import base64
import json
import time
from typing import Any

import pytest
from playwright.sync_api import APIResponse, Page, Route, expect

from .conftest import SETTLE_MS, RunningStack

pytestmark = pytest.mark.e2e

TOKEN_KEY = "frontdesk.staff.token"
REFRESH_KEY = "frontdesk.staff.refresh"
REVOKE_WAIT_SECONDS = 30.0  # a bound for a busy machine, not a timing assertion


def _session_item(page: Page, key: str) -> str | None:
    value: Any = page.evaluate("(key) => window.sessionStorage.getItem(key)", key)
    return None if value is None else str(value)


def _renews(stack: RunningStack, refresh_token: str) -> bool:
    try:
        answer = stack.cognito().initiate_auth(
            AuthFlow="REFRESH_TOKEN_AUTH",
            ClientId=stack.config["cognito"]["client_id"],
            AuthParameters={"REFRESH_TOKEN": refresh_token},
        )
    except stack.cognito().exceptions.NotAuthorizedException:
        return False
    return bool(answer["AuthenticationResult"]["IdToken"])


def _expired_token(claims: dict[str, Any]) -> str:
    """A token shaped like the console's, expired: the console reads exp, the API would refuse it."""

    def part(data: dict[str, Any]) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'none'})}.{part({**claims, 'exp': 1})}.x"


def test_the_console_renews_an_expired_id_token_and_revokes_its_refresh_token_on_sign_out(
    page: Page, local_stack: RunningStack
) -> None:
    login = local_stack.logins["manager"]
    page.goto(local_stack.url("/staff"))
    page.get_by_label("用户名").fill(login["username"])
    page.get_by_label("密码", exact=True).fill(login["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#who")).to_contain_text(login["username"])
    refresh = _session_item(page, REFRESH_KEY)
    assert refresh, "the console keeps the refresh token for this tab"

    # Its ID token has expired: on coming back, the console renews it instead of asking to sign in.
    stale = _expired_token({"cognito:username": login["username"], "cognito:groups": ["manager"]})
    page.evaluate("([key, token]) => window.sessionStorage.setItem(key, token)", [TOKEN_KEY, stale])
    page.reload()
    expect(page.locator("#who")).to_contain_text(login["username"])
    renewed = _session_item(page, TOKEN_KEY)
    assert renewed and renewed != stale
    status, _ = local_stack.call("GET", "/staff/tickets?site_id=demo", token=renewed)
    assert status == 200  # a real token, from Cognito

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()
    assert _session_item(page, REFRESH_KEY) is None and _session_item(page, TOKEN_KEY) is None
    deadline = time.monotonic() + REVOKE_WAIT_SECONDS
    while _renews(local_stack, refresh):
        assert time.monotonic() < deadline, "the refresh token still makes ID tokens after signing out"
        time.sleep(0.2)


def test_the_local_cognito_revokes_only_a_token_of_the_client_named(local_stack: RunningStack) -> None:
    login = local_stack.logins["operator"]
    client_id = local_stack.config["cognito"]["client_id"]
    tokens = local_stack.cognito().initiate_auth(
        AuthFlow="USER_PASSWORD_AUTH",
        ClientId=client_id,
        AuthParameters={"USERNAME": login["username"], "PASSWORD": login["password"]},
    )["AuthenticationResult"]
    target = {"X-Amz-Target": "AWSCognitoIdentityProviderService.RevokeToken"}
    status, body = local_stack.call(
        "POST", "/local/cognito", {"Token": tokens["RefreshToken"], "ClientId": "another"}, headers=target
    )
    assert (status, body["__type"]) == (400, "UnauthorizedException")
    assert _renews(local_stack, tokens["RefreshToken"])
    status, _ = local_stack.call(
        "POST", "/local/cognito", {"Token": tokens["RefreshToken"], "ClientId": client_id}, headers=target
    )
    assert status == 200
    assert not _renews(local_stack, tokens["RefreshToken"])


def test_a_renewal_answered_after_signing_out_does_not_sign_the_user_in_again(
    page: Page, local_stack: RunningStack
) -> None:
    """The console renews an ID token that is about to expire before its next call. If the user signs
    out while Cognito is answering, the answer belongs to a session that has ended: it must not be
    kept, or a reload would open the console again with no password asked."""
    held: list[tuple[Route, APIResponse]] = []

    def hold_renewals(route: Route) -> None:
        if "REFRESH_TOKEN_AUTH" in (route.request.post_data or ""):
            held.append((route, route.fetch()))  # Cognito has answered; the page does not know yet
        else:
            route.continue_()

    login = local_stack.logins["manager"]
    page.clock.install()
    page.goto(local_stack.url("/staff"))
    page.route("**/local/cognito", hold_renewals)
    page.get_by_label("用户名").fill(login["username"])
    page.get_by_label("密码", exact=True).fill(login["password"])
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#who")).to_contain_text(login["username"])

    # A minute before the token expires, the console's next call renews it first.
    left_ms = page.evaluate(
        "(key) => JSON.parse(atob(window.sessionStorage.getItem(key).split('.')[1]"
        ".replace(/-/g, '+').replace(/_/g, '/'))).exp * 1000 - Date.now()",
        TOKEN_KEY,
    )
    with page.expect_request(lambda request: "REFRESH_TOKEN_AUTH" in (request.post_data or "")):
        page.clock.fast_forward(int(left_ms) - 60_000)
    deadline = time.monotonic() + REVOKE_WAIT_SECONDS
    while not held:  # the route's handler runs when Playwright next dispatches events
        assert time.monotonic() < deadline, "the renewal never reached the route"
        page.wait_for_timeout(50)
    assert len(held) == 1

    page.get_by_role("button", name="退出登录").click()
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()
    route, answer = held[0]
    with page.expect_event("requestfinished"):
        route.fulfill(response=answer)
    page.wait_for_timeout(SETTLE_MS)  # the page's handling of the answer; a slow page can only hide a bug

    assert _session_item(page, TOKEN_KEY) is None
    page.reload()
    expect(page.get_by_role("heading", name="员工登录")).to_be_visible()
    expect(page.locator("#who")).to_be_hidden()
