"""Cognito: the staff of the user pool, by group (a role is a group), with their attributes."""

from __future__ import annotations

from collections.abc import Collection
from functools import cached_property
from typing import TYPE_CHECKING

import boto3

from frontdesk.models.staff import Person
from frontdesk.models.ticket import Department, Role

if TYPE_CHECKING:
    from mypy_boto3_cognito_idp.client import CognitoIdentityProviderClient
    from mypy_boto3_cognito_idp.type_defs import UserTypeTypeDef

SITE_ATTRIBUTE = "custom:site_id"
DEPARTMENT_ATTRIBUTE = "custom:department"
_DEPARTMENTS = {department.value: department for department in Department}


class CognitoStaff:
    def __init__(self, user_pool_id: str, client: CognitoIdentityProviderClient | None = None) -> None:
        self._pool = user_pool_id
        self._given = client

    @cached_property
    def _client(self) -> CognitoIdentityProviderClient:
        """Made on first use: a route that builds this adapter but never calls it makes no client (ADR 0027)."""
        return self._given or boto3.client("cognito-idp")

    def people(self, roles: Collection[Role]) -> list[Person]:
        """Every enabled user in the roles' groups (ListUsersInGroup, every page), once each with all
        of those roles."""
        users: dict[str, UserTypeTypeDef] = {}
        found: dict[str, list[Role]] = {}
        paginator = self._client.get_paginator("list_users_in_group")
        for role in roles:
            for page in paginator.paginate(UserPoolId=self._pool, GroupName=role.value):
                for user in page.get("Users", []):
                    if not user.get("Enabled", True):
                        continue
                    username = user["Username"]
                    users.setdefault(username, user)
                    found.setdefault(username, []).append(role)
        return [_person(users[name], tuple(found[name])) for name in sorted(users)]

    def has_totp(self, username: str) -> bool:
        """Whether the user has set up and turned on an authenticator app (AdminGetUser)."""
        user = self._client.admin_get_user(UserPoolId=self._pool, Username=username)
        return "SOFTWARE_TOKEN_MFA" in user.get("UserMFASettingList", [])


def _person(user: UserTypeTypeDef, roles: tuple[Role, ...]) -> Person:
    attributes = {a["Name"]: a.get("Value", "") for a in user.get("Attributes", [])}
    return Person(
        username=user["Username"],
        name=attributes.get("name") or user["Username"],
        roles=roles,
        department=_DEPARTMENTS.get(attributes.get(DEPARTMENT_ATTRIBUTE, "")),
        phone=attributes.get("phone_number", ""),
        email=attributes.get("email", ""),
        site_id=attributes.get(SITE_ATTRIBUTE, ""),
    )
