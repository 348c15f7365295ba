"""Cognito group names are matched whole (issue 15): "x manager" is a group of that name, not manager."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from frontdesk.api import callers
from frontdesk.api.errors import Unauthorized
from frontdesk.models.ticket import Role


@pytest.mark.parametrize(
    ("claim", "names"),
    [
        (["operator", "manager"], ["operator", "manager"]),  # a JSON list (the token itself)
        ("manager", ["manager"]),  # API Gateway: one group
        ("[operator manager]", ["operator", "manager"]),  # API Gateway: several
        ("operator,manager", ["operator", "manager"]),
        ("x manager", ["x manager"]),  # one name with a space: never two
        ("[x manager", ["[x manager"]),
        ("a, manager", ["a, manager"]),
        ("", [""]),
        (None, [""]),
    ],
)
def test_group_names_are_whole_names(claim: object, names: list[str]) -> None:
    assert callers.group_names(claim) == names


def _event(groups: object) -> SimpleNamespace:
    claims = {"cognito:username": "someone", "cognito:groups": groups}
    return SimpleNamespace(request_context=SimpleNamespace(authorizer=SimpleNamespace(claims=claims)))


@pytest.mark.parametrize("groups", ["x manager", "managers", "Manager", "[x manager]x", "manager-x"])
def test_a_group_that_only_contains_a_roles_name_grants_nothing(groups: str) -> None:
    assert callers._actor(_event(groups)).roles == frozenset()


def test_the_roles_of_whole_names_are_granted() -> None:
    assert callers._actor(_event("[operator manager]")).roles == {Role.OPERATOR, Role.MANAGER}


def test_no_username_is_unauthorized() -> None:
    with pytest.raises(Unauthorized):
        callers._actor(SimpleNamespace(request_context=SimpleNamespace(authorizer=SimpleNamespace(claims={}))))
