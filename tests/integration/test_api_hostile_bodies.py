"""Hostile bodies from anonymous callers: every one is a 4xx with the API's JSON error, never a 500.

Both API functions parse bodies through one bounded parser (frontdesk.api.bounded_json), and the
resolver refuses a body that is not JSON before routing, so these hold on every route.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from .conftest import Api, client_post, counter, public_create, set_header, staff_action, with_body

if TYPE_CHECKING:
    from mypy_boto3_dynamodb.service_resource import Table

DEEP = "[" * 3000 + "]" * 3000
LONG_INT = '{"version": ' + "9" * 5000 + "}"


def test_a_body_that_is_not_json_is_415_with_the_header_named(
    public: Api, table: Table, subtests: pytest.Subtests
) -> None:
    for content_type in ("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"):
        with subtests.test(content_type=content_type):
            event = public_create()
            set_header(event, "Content-Type", content_type)
            reply = public(event)
            assert reply.status == 415, reply.raw
            assert (reply.body["code"], reply.body["field"]) == ("unsupported_media_type", "Content-Type")
            assert "application/json" in reply.body["message"]
    set_header(event := public_create(), "Content-Type", "text/plain")
    set_header(event, "Accept-Language", "en")
    assert public(event).body["message"] == "Send the body as JSON (Content-Type: application/json)."
    assert counter(table) is None


def test_json_with_a_charset_is_still_json(public: Api) -> None:
    event = public_create()
    set_header(event, "Content-Type", "application/json; charset=utf-8")
    assert public(event).status == 201


def test_nesting_3000_deep_is_400(public: Api, table: Table) -> None:
    assert len(DEEP) < 16_384
    reply = public(with_body(public_create(), raw=DEEP))
    assert reply.status == 400, reply.raw
    assert (reply.body["code"], reply.body["field"]) == ("json_too_deep", "body")
    assert reply.body["message"] == "请求内容嵌套过深，最多 32 层。"
    assert counter(table) is None


def test_a_5000_digit_integer_is_400(public: Api, table: Table, subtests: pytest.Subtests) -> None:
    bodies = {
        "integer": '{"site_id": ' + "1" * 5000 + "}",
        "negative": '{"site_id": -' + "1" * 5000 + "}",
        "float": '{"site_id": 1.' + "1" * 5000 + "}",
        "exponent": '{"site_id": 1e999}',
    }
    for name, raw in bodies.items():
        with subtests.test(body=name):
            reply = public(with_body(public_create(), raw=raw))
            assert reply.status == 400, reply.raw
            assert (reply.body["code"], reply.body["field"]) == ("json_number_too_long", "body")
    assert counter(table) is None


def test_nan_and_infinity_are_not_json(public: Api) -> None:
    for raw in ('{"site_id": NaN}', '{"site_id": -Infinity}'):
        reply = public(with_body(public_create(), raw=raw))
        assert (reply.status, reply.body["code"]) == (400, "json_invalid")


def test_brackets_inside_strings_do_not_count_as_nesting(public: Api) -> None:
    assert public(public_create(description="[" * 100 + '{"x": "\\"' + "]" * 100)).status == 201


def test_every_route_uses_the_bounded_parser(public: Api, staff: Api) -> None:
    token = "A" * 32
    for api, event in (
        (public, client_post(token, "acceptance", {})),
        (staff, staff_action("0" * 32, "dispatch", {})),
    ):
        deep = api(with_body(event, raw=DEEP))
        assert (deep.status, deep.body["code"]) == (400, "json_too_deep"), deep.raw
        long = api(with_body(event, raw=LONG_INT))
        assert (long.status, long.body["code"]) == (400, "json_number_too_long"), long.raw
        set_header(event, "Content-Type", "text/plain")
        assert api(event).status == 415


def test_an_empty_body_declared_as_text_is_415_too(public: Api) -> None:
    event = with_body(public_create(), raw="")
    set_header(event, "Content-Type", "text/plain")
    reply = public(event)
    assert (reply.status, reply.body["code"], reply.body["field"]) == (415, "unsupported_media_type", "Content-Type")
