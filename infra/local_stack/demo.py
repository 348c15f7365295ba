"""Demo data for the local stack: one site with buildings of every SLA class, one login per role.

The passwords are fixed and printed at start: this is a local demo against moto, never AWS.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from frontdesk.adapters.dynamodb import SiteStore, table
from frontdesk.models.site import Building, BuildingClass, Site

log = logging.getLogger("local_stack")

# method, path, JSON body, id token -> (status, JSON answer): a call through the local gateway
StaffCall = Callable[[str, str, Any, str], tuple[int, Any]]

# building id, name, English name, SLA class (arrival within 5, 10 or 15 minutes), units
_BUILDINGS: tuple[tuple[str, str, str, BuildingClass, tuple[str, ...]], ...] = (
    ("library", "图书馆", "Library", BuildingClass.A, ("1F-101", "2F-201", "3F-301")),
    ("admin", "行政楼", "Administration Building", BuildingClass.A, ("101", "205", "310")),
    ("apartment-1", "学生公寓1号楼", "Student Apartment 1", BuildingClass.B, ("101", "102", "201", "202", "301")),
    ("teaching-1", "第一教学楼", "Teaching Building 1", BuildingClass.B, ("A101", "A102", "B201")),
    ("expert", "专家公寓", "Expert Apartment", BuildingClass.C, ("1-101", "1-102", "2-201")),
)

DEMO_SITE = Site(
    site_id="demo",
    code="QL",
    name="青岚校区",
    name_en="Qinglan Campus",
    timezone="Asia/Shanghai",
    buildings=tuple(
        Building(building_id=key, name=name, name_en=name_en, building_class=sla_class, units=units)
        for key, name, name_en, sla_class, units in _BUILDINGS
    ),
)


@dataclass(frozen=True)
class Login:
    username: str
    password: str
    role: str

    def as_dict(self) -> dict[str, str]:
        return {"username": self.username, "password": self.password, "role": self.role}


def demo_password(role: str) -> str:
    """Meets the pool's policy (12+ characters, upper, lower, digit, symbol)."""
    return f"Frontdesk#{role}1"


def seed_site(table_name: str, site: Site = DEMO_SITE) -> Site:
    SiteStore(table(table_name)).put(site)
    return site


def create_logins(cognito: Any, user_pool_id: str, roles: Iterable[str]) -> list[Login]:
    """One confirmed user per role (Cognito group), username = role, with a permanent password."""
    logins: list[Login] = []
    for role in roles:
        login = Login(username=role, password=demo_password(role), role=role)
        cognito.admin_create_user(
            UserPoolId=user_pool_id,
            Username=login.username,
            MessageAction="SUPPRESS",
            UserAttributes=[{"Name": "name", "Value": role.replace("_", " ").title()}],
        )
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=login.username, Password=login.password, Permanent=True
        )
        cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=login.username, GroupName=role)
        logins.append(login)
    return logins


def demo_address(list_name: str) -> str:
    return f"{list_name.replace('_', '-')}@example.com"


def fill_mailing_lists(call: StaffCall, manager_token: str, site_id: str = DEMO_SITE.site_id) -> list[str]:
    """Give every mailing list of the site's escalation ladder one demo address, through the staff
    API as a manager, so escalation mail shows in the outbox. The lists filled (none if the API
    refuses: the demo then has no mail, which is said in the log)."""
    base = f"/staff/sites/{site_id}/mailing-lists"
    status, overview = call("GET", base, None, manager_token)
    if status != 200:
        log.warning("demo mailing lists not filled: GET %s answered %s %s", base, status, overview)
        return []
    filled: list[str] = []
    for mailing_list in overview.get("lists", []):
        name = str(mailing_list["name"])
        status, answer = call("POST", f"{base}/{name}/add", {"email": demo_address(name)}, manager_token)
        if status == 200:
            filled.append(name)
        else:
            log.warning("demo mailing list %s not filled: %s %s", name, status, json.dumps(answer)[:200])
    return filled
