"""Demo data for the local stack: one site with buildings of every SLA class, one login per role,
and a few more engineers and operators on the site's roster (the staff directory).

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


@dataclass(frozen=True)
class StaffMember:
    """A user of the pool on a site's roster: a group (role), a department and a phone."""

    username: str
    name: str
    role: str
    department: str = ""
    phone: str = ""
    email: str = ""


# The demo roster: the duty manager's login by day, the manager's by night.
DEMO_ON_DUTY = {"day": "duty_manager", "night": "manager"}

# Who works where by default: field staff in engineering, the desk in customer service.
DEPARTMENT_OF_ROLE = {"engineer": "engineering", "operator": "customer_service"}

# The demo site's roster besides the one login per role (they cannot sign in: no password is set).
DEMO_STAFF = (
    StaffMember("wang.gong", "王工", "engineer", "engineering", "+8613800001001"),
    StaffMember("li.shifu", "李师傅", "engineer", "engineering", "+8613800001002"),
    StaffMember("chen.dian", "陈电工", "engineer", "engineering", "+8613800001003"),
    StaffMember("zhao.an", "赵保安", "engineer", "security", "+8613800001004"),
    StaffMember("liu.jie", "刘洁", "engineer", "cleaning", "+8613800001005"),
    StaffMember("zhou.xiao", "周晓", "operator", "customer_service", "+8613800002001"),
)


def add_staff(cognito: Any, user_pool_id: str, member: StaffMember, site_id: str) -> None:
    """One user of the pool in the member's group, on the site's roster."""
    attributes = {"name": member.name, "custom:site_id": site_id, "custom:department": member.department}
    if member.phone:
        attributes["phone_number"] = member.phone
    if member.email:
        attributes["email"] = member.email
    cognito.admin_create_user(
        UserPoolId=user_pool_id,
        Username=member.username,
        MessageAction="SUPPRESS",
        UserAttributes=[{"Name": name, "Value": value} for name, value in attributes.items() if value],
    )
    cognito.admin_add_user_to_group(UserPoolId=user_pool_id, Username=member.username, GroupName=member.role)


def seed_staff(
    cognito: Any, user_pool_id: str, site_id: str = DEMO_SITE.site_id, staff: Iterable[StaffMember] = DEMO_STAFF
) -> list[str]:
    """The site's roster in the pool; the user names added."""
    added: list[str] = []
    for member in staff:
        add_staff(cognito, user_pool_id, member, site_id)
        added.append(member.username)
    return added


def create_logins(
    cognito: Any, user_pool_id: str, roles: Iterable[str], site_id: str = DEMO_SITE.site_id
) -> list[Login]:
    """One confirmed user per role (Cognito group), username = role, with a permanent password, on
    the site's roster."""
    logins: list[Login] = []
    for role in roles:
        login = Login(username=role, password=demo_password(role), role=role)
        member = StaffMember(
            role, role.replace("_", " ").title(), role, DEPARTMENT_OF_ROLE.get(role, ""), email=login_address(role)
        )
        add_staff(cognito, user_pool_id, member, site_id)
        cognito.admin_set_user_password(
            UserPoolId=user_pool_id, Username=login.username, Password=login.password, Permanent=True
        )
        logins.append(login)
    return logins


def login_address(role: str) -> str:
    """A demo login's own address (the duty roster mails the duty manager on shift there)."""
    return f"{role.replace('_', '-')}.login@example.com"


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


# The demo site's canned replies (a manager edits them through the staff API).
DEMO_CANNED_REPLIES = (
    {
        "title_zh": "已安排维修",
        "title_en": "Repair arranged",
        "text_zh": "您好，我们已安排工程人员上门维修，请保持电话畅通。",
        "text_en": "Hello, an engineer has been arranged to come and repair it. Please keep your phone at hand.",
    },
    {
        "title_zh": "致歉",
        "title_en": "Apology",
        "text_zh": "给您带来不便，我们深表歉意，会尽快处理。",
        "text_en": "We apologise for the inconvenience and will deal with it as soon as we can.",
    },
)


def fill_canned_replies(call: StaffCall, manager_token: str, site_id: str = DEMO_SITE.site_id) -> int:
    """The demo site's canned replies, written once as a manager through the staff API; how many
    the site has afterwards."""
    path = f"/staff/sites/{site_id}/canned-replies"
    status, stored = call("GET", path, None, manager_token)
    if status == 200 and not stored.get("replies"):
        body = {"version": stored["version"], "replies": DEMO_CANNED_REPLIES}
        status, stored = call("PUT", path, body, manager_token)
    if status != 200:
        log.warning("demo canned replies not written: %s %s", status, json.dumps(stored)[:200])
        return 0
    return len(stored["replies"])


def fill_duty_roster(
    call: StaffCall, manager_token: str, months: Iterable[str], site_id: str = DEMO_SITE.site_id
) -> list[str]:
    """The demo site's duty roster for ``months``, written once as a manager through the staff API:
    the demo duty manager by day, the demo manager by night. The months written."""
    written: list[str] = []
    for month in months:
        path = f"/staff/sites/{site_id}/duty-roster/{month}"
        status, stored = call("GET", path, None, manager_token)
        if status == 200 and stored["version"]:
            continue  # a manager's own roster is left alone
        if status == 200:
            slots = [
                {"day": gap["day"], "shift": gap["shift"], "duty_manager": DEMO_ON_DUTY[gap["shift"]]}
                for gap in stored["missing"]
            ]
            status, stored = call("PUT", path, {"version": 0, "slots": slots}, manager_token)
        if status != 200:
            log.warning("demo duty roster %s not written: %s %s", month, status, json.dumps(stored)[:200])
            continue
        written.append(month)
    return written
