"""Who is calling: staff from the Cognito authorizer's claims, roles from their groups."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Depends, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware
from aws_lambda_powertools.event_handler.request import Request  # a runtime import: powertools reads the hint

from frontdesk.api.errors import Unauthorized, language_of_headers
from frontdesk.models.ticket import Actor, ActorKind, Role

_ROLES = {role.value: role for role in Role}


def group_names(claim: object) -> list[str]:
    """The whole group names in a `cognito:groups` claim; never pieces of one name.

    API Gateway (REST) hands a list claim on as one string: ``"a"`` for one group, ``"[a b]"`` for
    several (Cognito group names cannot hold whitespace, so the space separates), or ``"a,b"``. Any
    other string is one name: ``"x manager"`` is a group called that, not the manager group.
    """
    if isinstance(claim, list):
        return [str(name) for name in claim]
    text = str(claim or "")
    if text.startswith("[") and text.endswith("]") and " " in text:
        return text[1:-1].split(" ")
    if "," in text and " " not in text:
        return text.split(",")
    return [text]


def staff(app: APIGatewayRestResolver) -> Actor:
    """API Gateway's Cognito authorizer has checked the token; its claims arrive as strings."""
    return _actor(app.current_event)


def staff_of(request: Request) -> Actor:
    """The calling staff member, for a route that declares ``actor: StaffActor``."""
    return _actor(request.resolved_event)


def language_of(request: Request) -> str:
    """The caller's language (zh-CN or en), for a route that declares ``language: Language``."""
    return language_of_headers(request.resolved_event.headers)


# What a route declares to get them (powertools' dependency injection): no resolver reached into.
StaffActor = Annotated[Actor, Depends(staff_of)]
Language = Annotated[str, Depends(language_of)]


def every_caller_checked(
    check: Callable[[Actor], None],
) -> Callable[[APIGatewayRestResolver, NextMiddleware], Response[Any]]:
    """A middleware that puts each request's caller through `check` (which refuses by raising)
    before its route runs, e.g. the second factor a manager needs."""

    def middleware(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[Any]:
        check(staff(app))
        return next_middleware(app)

    return middleware


def _actor(event: Any) -> Actor:
    context = event.request_context
    claims = (context.authorizer.claims or {}) if context else {}
    username = claims.get("cognito:username") or claims.get("username")
    if not username:
        raise Unauthorized(field="Authorization")
    roles = frozenset(_ROLES[name] for name in group_names(claims.get("cognito:groups")) if name in _ROLES)
    return Actor(kind=ActorKind.STAFF, id=str(username), roles=roles)
