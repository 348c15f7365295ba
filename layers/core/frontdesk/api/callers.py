"""Who is calling: staff from the Cognito authorizer's claims, roles from their groups."""

from __future__ import annotations

import re

from aws_lambda_powertools.event_handler import APIGatewayRestResolver

from frontdesk.api.errors import Unauthorized
from frontdesk.models.ticket import Actor, ActorKind, Role

_ROLES = {role.value: role for role in Role}


def staff(app: APIGatewayRestResolver) -> Actor:
    """API Gateway's Cognito authorizer has checked the token; its claims arrive as strings."""
    claims = (app.current_event.request_context.authorizer.claims or {}) if app.current_event.request_context else {}
    username = claims.get("cognito:username") or claims.get("username")
    if not username:
        raise Unauthorized(field="Authorization")
    # REST API passes multi-valued claims as one string, e.g. "[operator manager]" or "operator,manager".
    groups = re.split(r"[\s,\[\]]+", str(claims.get("cognito:groups", "")))
    roles = frozenset(_ROLES[g] for g in groups if g in _ROLES)
    return Actor(kind=ActorKind.STAFF, id=str(username), roles=roles)
