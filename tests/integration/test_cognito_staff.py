"""The staff directory's Cognito adapter against moto's user pool, made from template.yaml."""

from __future__ import annotations

import os

import boto3

from frontdesk.adapters.cognito import CognitoStaff
from frontdesk.models.ticket import Department, Role
from local_stack.demo import StaffMember, add_staff
from local_stack.provision import Stack


def test_every_page_of_every_role_group_once_per_person(stack: Stack) -> None:
    cognito, pool = boto3.client("cognito-idp"), os.environ["USER_POOL_ID"]
    for n in range(65):  # more than one page (ListUsersInGroup answers at most 60 a page)
        add_staff(cognito, pool, StaffMember(f"eng{n:02}", f"工程师{n}", "engineer", "engineering"), "ql")
    dm1_member = StaffMember("dm1", "孙经理", "duty_manager", "customer_service", "+8613800003001", "sun@example.com")
    add_staff(cognito, pool, dm1_member, "ql")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="dm1", GroupName="operator")
    add_staff(cognito, pool, StaffMember("left", "已离职", "engineer", "plumbing"), "ql")
    cognito.admin_disable_user(UserPoolId=pool, Username="left")

    people = {p.username: p for p in CognitoStaff(pool).people(list(Role))}

    assert len(people) == 66 and "left" not in people  # a disabled user is nobody's engineer
    dm1 = people["dm1"]
    assert set(dm1.roles) == {Role.DUTY_MANAGER, Role.OPERATOR}
    assert (dm1.name, dm1.department, dm1.phone, dm1.site_id, dm1.email) == (
        "孙经理",
        Department.CUSTOMER_SERVICE,
        "+8613800003001",
        "ql",
        "sun@example.com",  # where a rung naming the duty manager on shift mails them
    )
    engineers = CognitoStaff(pool).people([Role.ENGINEER])
    assert len(engineers) == 65 and all(p.roles == (Role.ENGINEER,) for p in engineers)


def test_attributes_left_unset_or_unknown(stack: Stack) -> None:
    cognito, pool = boto3.client("cognito-idp"), os.environ["USER_POOL_ID"]
    cognito.admin_create_user(UserPoolId=pool, Username="bare", MessageAction="SUPPRESS")
    cognito.admin_add_user_to_group(UserPoolId=pool, Username="bare", GroupName="engineer")
    add_staff(cognito, pool, StaffMember("odd", "某人", "engineer", "plumbing"), "ql")

    people = {p.username: p for p in CognitoStaff(pool).people([Role.ENGINEER])}

    assert (people["bare"].name, people["bare"].department, people["bare"].site_id) == ("bare", None, "")
    assert people["bare"].email == ""
    assert people["odd"].department is None  # not one of the desk's departments
