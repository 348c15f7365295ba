"""A tenant refused by the WAF's rate rule (or the stage's throttle) reads why in their language,
not API Gateway's English "Forbidden" (docs/decisions/0025). The gateway's side of the rule is
tested in tests/embedded/test_gateway.py; here the page meets its answer."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, Route, expect

from .conftest import RunningStack

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize(("status", "code"), [(403, "WAF_FILTERED"), (429, "THROTTLED")])
def test_the_form_says_too_many_requests_in_chinese(
    page: Page, local_stack: RunningStack, status: int, code: str
) -> None:
    message = "Forbidden" if status == 403 else "Too Many Requests"
    body: dict[str, object] = {"code": code, "message": message, "field": None, "errors": [], "request_id": "r"}

    def refuse(route: Route) -> None:
        route.fulfill(status=status, content_type="application/json", body=json.dumps(body))

    page.route("**/public/sites", refuse)
    page.goto(local_stack.url("/"))
    alert = page.locator("#form-alert")
    expect(alert).to_contain_text("请求过于频繁，请几分钟后再试。")
    expect(alert).not_to_contain_text(message)
