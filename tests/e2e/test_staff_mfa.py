"""Two-step verification (issue 15): a staff member sets up TOTP in the console, and from then on
signs in with the code their authenticator app shows. The local stack checks the codes for real
(moto's RFC 6238 check against its fixed secret), so a wrong code is refused as on AWS."""

from __future__ import annotations

import base64
import time
import uuid

import pytest
from cryptography.hazmat.primitives.hashes import SHA1
from cryptography.hazmat.primitives.twofactor.totp import TOTP
from playwright.sync_api import Page, expect

from .conftest import RunningStack

pytestmark = pytest.mark.e2e

STEP_SECONDS = 30
# moto checks a code against its own wall clock with no window (the current step only), so the
# clock cannot be injected. A code is asked for only with half its 30-second step left, and a code
# refused as stale is asked for again (a person would do the same): a busy machine would have to
# take over 15 s to sign in, five times running, to make the test fail.
FRESH_FOR_SECONDS = 15
ATTEMPTS = 5
BAD = "验证码不正确或已过期，请输入当前显示的验证码。"


def totp(secret: str, at: float | None = None) -> str:
    """The code an authenticator app shows for `secret` (base32, as Cognito gives it) at `at`."""
    plain = secret.replace(" ", "").upper()
    key = base64.b32decode(plain + "=" * (-len(plain) % 8))
    when = time.time() if at is None else at
    return TOTP(key, 6, SHA1(), STEP_SECONDS, enforce_key_length=False).generate(int(when)).decode()


def fresh_totp(secret: str) -> str:
    left = STEP_SECONDS - time.time() % STEP_SECONDS
    if left < FRESH_FOR_SECONDS:
        time.sleep(left + 0.5)
    return totp(secret)


def stale_totp(secret: str) -> str:
    """A code the app showed five minutes ago, never the one of now."""
    now = totp(secret)
    for minutes in range(5, 60):
        old = totp(secret, time.time() - minutes * 60)
        if old != now:
            return old
    raise AssertionError("no stale code differs from the current one")


def _new_manager(stack: RunningStack, prefix: str) -> tuple[str, str]:
    cognito, pool = stack.cognito(), stack.config["cognito"]["user_pool_id"]
    username, password = f"{prefix}.{uuid.uuid4().hex[:8]}", "Frontdesk#mfa-manager1"
    cognito.admin_create_user(UserPoolId=pool, Username=username, MessageAction="SUPPRESS")
    cognito.admin_set_user_password(UserPoolId=pool, Username=username, Password=password, Permanent=True)
    cognito.admin_add_user_to_group(UserPoolId=pool, Username=username, GroupName="manager")
    return username, password


def _submit_code(page: Page, field: str, button: str, secret: str, done: str) -> None:
    """Type the app's current code and submit it; a code that went stale on the way is typed again."""
    error = page.locator(f"#{field}-error")
    for _ in range(ATTEMPTS):
        page.locator(f"#{field}").fill(fresh_totp(secret))
        page.get_by_role("button", name=button).click()
        expect(page.locator(f"{done}:visible, #{field}-error:visible").first).to_be_visible()
        if page.locator(done).is_visible():
            return
        expect(error).to_have_text(BAD)
    raise AssertionError(f"the app's current code was refused {ATTEMPTS} times")


def _sign_in(page: Page, stack: RunningStack, username: str, password: str) -> None:
    page.goto(stack.url("/staff"))
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()


def test_a_manager_sets_up_totp_in_the_console_and_then_signs_in_with_it(page: Page, local_stack: RunningStack) -> None:
    username, password = _new_manager(local_stack, "enrol")
    _sign_in(page, local_stack, username, password)
    expect(page.locator("#who")).to_contain_text(username)

    page.get_by_role("button", name="两步验证").click()
    secret = page.locator("#mfa-secret")
    expect(secret).not_to_be_empty()
    shown = secret.inner_text()
    assert page.locator("#mfa-uri").get_attribute("href") == (
        f"otpauth://totp/frontdesk%3A{username}?secret={shown.replace(' ', '')}&issuer=frontdesk"
    )
    # a wrong code does not turn it on
    page.locator("#totp_code").fill(stale_totp(shown))
    page.get_by_role("button", name="开启两步验证").click()
    expect(page.locator("#totp_code-error")).to_have_text(BAD)
    user = local_stack.cognito().admin_get_user(
        UserPoolId=local_stack.config["cognito"]["user_pool_id"], Username=username
    )
    assert "SOFTWARE_TOKEN_MFA" not in user.get("UserMFASettingList", [])

    on = page.locator("#mfa-on")
    _submit_code(page, "totp_code", "开启两步验证", shown, "#mfa-on")
    expect(on).to_have_text("两步验证已开启：每次登录都需要输入身份验证器应用显示的验证码。")
    expect(secret).to_be_empty()  # shown once, while it is being set up

    page.get_by_role("button", name="退出登录").click()
    _sign_in(page, local_stack, username, password)
    expect(page.get_by_label("验证码", exact=True)).to_be_visible()
    page.locator("#mfa_code").fill(stale_totp(shown))
    page.get_by_role("button", name="登录").click()
    expect(page.locator("#mfa_code-error")).to_have_text(BAD)
    _submit_code(page, "mfa_code", "登录", shown, "#who")
    expect(page.locator("#who")).to_contain_text(username)

    # opened again, the panel says it is on and offers no new secret
    page.get_by_role("button", name="两步验证").click()
    expect(on).to_be_visible()
    expect(page.locator("#mfa-setup-form")).to_be_hidden()


def test_the_set_up_panel_is_in_english_after_a_switch(page: Page, local_stack: RunningStack) -> None:
    username, password = _new_manager(local_stack, "enrolen")
    _sign_in(page, local_stack, username, password)
    expect(page.locator("#who")).to_contain_text(username)
    page.get_by_role("button", name="English").click()
    page.get_by_role("button", name="Two-step verification").click()
    expect(page.locator("#mfa-secret")).not_to_be_empty()
    page.get_by_role("button", name="Turn on two-step verification").click()
    expect(page.locator("#totp_code-error")).to_have_text("This field is required.")
    page.get_by_role("button", name="Close").click()
    expect(page.locator("#mfa")).to_be_hidden()


def test_a_manager_the_api_refuses_for_want_of_totp_is_shown_how_to_set_it_up(
    page: Page, local_stack: RunningStack
) -> None:
    """The API's answer where ManagerMfa is required (tests/integration/test_second_factor.py) is
    played to the console here: this stack runs with it optional, as the demo does."""
    username, password = _new_manager(local_stack, "refused")
    refusal = {"code": "mfa_required", "field": "Authorization", "message": "经理账户须先开启两步验证。"}
    page.route(
        "**/staff/tickets?*",
        lambda route: route.fulfill(status=403, json=refusal, headers={"Content-Type": "application/json"}),
    )
    _sign_in(page, local_stack, username, password)
    expect(page.locator("#mfa-alert")).to_have_text("经理账户须先开启两步验证。")
    expect(page.locator("#mfa-secret")).not_to_be_empty()
    expect(page.locator("#totp_code")).to_be_focused()
