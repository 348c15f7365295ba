"""A staff route by its resource, called by a signed-in role: one builder for the tests of the site's
calendar, emergency calls, canned replies and callbacks."""

from __future__ import annotations

from typing import Any

from .conftest import as_staff, load_event, with_body, with_path


def staff_route(method: str, resource: str, who: tuple[str, str], body: Any = None, **path: str) -> dict[str, Any]:
    """`resource` as API Gateway names it (e.g. "/staff/sites/{site_id}/calendar"), its {params} from `path`."""
    event = load_event("staff_list_people.json")
    event["resource"] = event["requestContext"]["resourcePath"] = resource
    event["httpMethod"] = event["requestContext"]["httpMethod"] = method
    event["queryStringParameters"] = event["multiValueQueryStringParameters"] = None
    event["pathParameters"] = {}
    with_path(event, **path)
    if body is not None:
        with_body(event, body)
    return as_staff(event, *who)


def site_route(
    method: str, resource: str, who: tuple[str, str], body: Any = None, site_id: str = "ql"
) -> dict[str, Any]:
    """A route of one site, "/staff/sites/{site_id}/…"."""
    return staff_route(method, resource, who, body, site_id=site_id)
